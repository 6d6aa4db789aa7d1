// Downloads of an indicator page's charts (atlas.js): every chart as SVG and PNG.
export function addDownloads(w, nameOf) {
  function chartSvg(figure) {
    // The chart itself: the widest svg of the figure (a legend may bring small ones).
    const svgs = [...figure.querySelectorAll("svg")];
    return svgs.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)[0];
  }

  function save(blob, name) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function svgText(svg) {
    const copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", svg.namespaceURI);
    const box = svg.getBoundingClientRect();
    copy.setAttribute("width", Math.ceil(box.width));
    copy.setAttribute("height", Math.ceil(box.height));
    return new XMLSerializer().serializeToString(copy);
  }

  function download(figure, format) {
    const svg = chartSvg(figure);
    if (!svg) return;
    const name = nameOf(figure);
    const text = svgText(svg);
    if (format === "svg") {
      save(new Blob([text], { type: "image/svg+xml" }), `${name}.svg`);
      return;
    }
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = image.width * 2;
      canvas.height = image.height * 2;
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => save(blob, `${name}.png`), "image/png");
    };
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  }

  for (const figure of document.querySelectorAll(".figure[id]")) {
    const bar = document.createElement("p");
    bar.className = "chart-downloads";
    for (const format of ["svg", "png"]) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.format = format;
      button.textContent = `${w.download_chart} ${format.toUpperCase()}`;
      button.addEventListener("click", () => download(figure, format));
      bar.append(button);
    }
    figure.after(bar);
  }
}

// An atlas page and its boxes' own pages (publish/documents.py, embeds.py): the hint above a
// figure's table while the table is wider than its box, the embed code made absolute from
// where the page is read, and the button that copies it. Without a script the page is whole:
// the tables scroll (with a shadow at the edge, CSS), the code is there to select by hand.
(() => {
  "use strict";

  // Only the tables near the screen are measured (an atlas page has hundreds, in chapters laid
  // out when scrolled to: measuring them all would lay out the whole page at once), and again
  // when the window's width changes.
  // All the boxes are measured first, then their hints shown or hidden: a hint changed
  // between two measures would have the page laid out again for the next.
  const near = new Set();
  function hint(boxes) {
    const notes = boxes
      .map((box) => [box.previousElementSibling, box.scrollWidth <= box.clientWidth + 1])
      .filter(([note]) => note && note.classList.contains("scroll-hint"));
    for (const [note, fits] of notes) note.hidden = fits;
  }
  const watcher = new IntersectionObserver((entries) => {
    const coming = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
    for (const entry of entries) if (!entry.isIntersecting) near.delete(entry.target);
    coming.forEach((box) => near.add(box));
    hint(coming);
  }, { rootMargin: "50% 0px" });
  for (const box of document.querySelectorAll(".table-scroll")) watcher.observe(box);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => hint([...near]));
  });

  const served = location.protocol === "http:" || location.protocol === "https:";
  for (const code of document.querySelectorAll("textarea[data-embed]")) {
    const relative = code.dataset.embed;
    if (served && !/^https?:/.test(relative)) {
      const absolute = new URL(relative, location.href).href;
      code.value = code.value.replace(`src="${relative}"`, `src="${absolute}"`);
      const link = code.parentElement.querySelector(`a[href="${relative}"]`);
      if (link) link.textContent = absolute;
    }
    const button = document.querySelector(`button[data-copy="${code.id}"]`);
    if (!button) continue;
    const status = button.nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", async () => {
      let copied = false;
      try {
        await navigator.clipboard.writeText(code.value);
        copied = true;
      } catch {
        // No clipboard API (a page not served over https): select it and copy the old way.
        code.focus();
        code.select();
        copied = document.execCommand("copy");
      }
      status.textContent = copied ? button.dataset.copied : button.dataset.failed;
    });
  }
})();

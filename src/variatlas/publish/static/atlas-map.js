// The indicator page's map (atlas.js): the chosen level's areas coloured by their class, with
// its legend and table twin. The maps come projected and simplified as SVG paths
// (atlas/maps/<map>.json, publish/map_paths.py): drawing one is setting its paths' colours,
// with no projection in the browser (a few milliseconds for 357 municipalities), so the map,
// the page's first figure, is drawn at once. A map is fetched the first time a level asks for it.
export function mapDrawer(c) {
  const {
    d3, $, w, state, view, links, locale, textLang,
    fmt, count, unit, describe, position, isSuppressed, selected, key, table, valueColumns, getJSON,
  } = c;
  const SVG = "http://www.w3.org/2000/svg";
  // Levels drawn on a map of their own; the others colour the referral areas by theirs.
  const OWN_MAPS = ["referral_area", "municipality", "dps", "county"];
  const maps = { referral_area: c.referralAreas };

  function classColours(n) {
    // ColorBrewer Blues without its palest step, which is hard to tell from "no figure".
    const scheme = d3.schemeBlues[Math.max(3, n + 1)];
    return scheme.slice(scheme.length - n);
  }

  function classOf(value, breaks) {
    for (let i = 1; i < breaks.length; i += 1) if (value <= breaks[i]) return i - 1;
    return breaks.length - 2;
  }

  function svgElement(name, attributes) {
    const element = document.createElementNS(SVG, name);
    for (const [attribute, value] of Object.entries(attributes)) element.setAttribute(attribute, value);
    return element;
  }

  function drawMap() {
    const own = OWN_MAPS.includes(state.level);
    const name = own ? state.level : "referral_area";
    const shapes = maps[name];
    if (!shapes) {
      getJSON(`atlas/maps/${name}.json`).then((found) => {
        maps[name] = found;
        const begun = performance.now();
        drawMap();
        performance.measure("atlas drawMap (fetched)", { start: begun });
      });
      return;
    }
    const byArea = new Map(selected().map((r) => [r.area, r]));
    const rowFor = (code) => (own ? byArea.get(code) : byArea.get(links[state.level][code]));
    $("#map-note").textContent = state.level === "county" ? w.map_counties : own
      ? `${{ municipality: w.map_municipalities, dps: w.map_dps }[state.level] || ""} ${w.map_inset}`.trim()
      : `${w.map_note_level.replace("{level}", w[`level_${state.level}`].toLowerCase())} ${w.map_inset}`;
    const breaks = view.breaks[key()] || [];
    const colours = classColours(breaks.length - 1);
    const fill = (row) => {
      if (!row) return "#ffffff";
      if (isSuppressed(row) || row.value === null) return "url(#suppressed)";
      return colours[classOf(row.value, breaks)];
    };
    const svg = svgElement("svg", {
      viewBox: `0 0 ${shapes.width} ${shapes.height}`, role: "group",
      "aria-label": `${w.map_heading}: ${view.title[textLang]}`,
    });
    const pattern = svgElement("pattern", {
      id: "suppressed", patternUnits: "userSpaceOnUse", width: 6, height: 6, patternTransform: "rotate(45)",
    });
    pattern.append(svgElement("rect", { width: 6, height: 6, fill: "#ffffff" }), svgElement("rect", { width: 2, height: 6, fill: "#9a9a9a" }));
    const defs = svgElement("defs", {});
    defs.append(pattern);
    const group = svgElement("g", {});
    const areas = shapes.areas.map((area, i) => {
      const row = rowFor(area.code);
      const path = svgElement("path", {
        class: "area", d: area.d, fill: fill(row), "data-area": area.code, tabindex: i === 0 ? 0 : -1, role: "img",
        "aria-label": row ? describe(row) : `${area.name}: ${w.no_data}`,
      });
      path.area = area;
      return path;
    });
    group.append(...areas);
    const outline = svgElement("path", { class: "outline", hidden: "" });
    svg.append(defs, group, outline);
    if (shapes.inset) {
      const [[x0, y0], [x1, y1]] = shapes.inset;
      svg.append(svgElement("rect", { class: "inset", x: x0 - 4, y: y0 - 4, width: x1 - x0 + 8, height: y1 - y0 + 8 }));
    }
    listen(group, outline, rowFor);
    $("#map").replaceChildren(svg);
    drawLegend(breaks, colours);
    const mapRows = own ? shapes.areas.map((area) => rowFor(area.code)).filter(Boolean) : selected();
    $("#map-table").replaceChildren(table(`${w.map_heading}: ${view.title[textLang]}, ${state.period}`, [
      ...valueColumns().slice(0, 2),
      { label: w.class, text: (r) => (r.value === null ? "" : String(classOf(r.value, breaks) + 1)) },
    ], [...mapRows].sort((a, b) => a.area_name.localeCompare(b.area_name, locale))));
  }

  function show(row, area) {
    const info = $("#map-info");
    info.replaceChildren();
    const name = document.createElement("strong");
    name.textContent = row ? row.area_name : area.name;
    const line = document.createElement("div");
    line.textContent = row && !isSuppressed(row) ? `${fmt(row.value)} ${unit()}` : row ? w.suppressed : w.no_data;
    info.append(name, line);
    if (row && !isSuppressed(row)) {
      const detail = document.createElement("div");
      detail.textContent = `${w.interval}: ${fmt(row.lower)}–${fmt(row.upper)} · ${w.n_equals} ${count(row.numerator)}`;
      info.append(detail);
      if (row.funnel) {
        const where = document.createElement("div");
        where.textContent = `${w.funnel_position}: ${position(row.funnel)}`;
        info.append(where);
      }
    }
  }

  // One listener of each kind for all the areas (357 municipalities), not one per area.
  function listen(group, outline, rowFor) {
    const areaOf = (event) => (event.target.classList.contains("area") ? event.target : null);
    const enter = (event) => {
      const path = areaOf(event);
      if (!path) return;
      // An outline drawn on top: moving the focused path itself would take its focus away.
      outline.setAttribute("d", path.area.d);
      outline.removeAttribute("hidden");
      show(rowFor(path.area.code), path.area);
    };
    const leave = (event) => { if (areaOf(event)) outline.setAttribute("hidden", ""); };
    group.addEventListener("mouseover", enter);
    group.addEventListener("focusin", enter);
    group.addEventListener("mouseout", leave);
    group.addEventListener("focusout", leave);
    group.addEventListener("click", (event) => {
      const path = areaOf(event);
      if (path) c.highlight(rowFor(path.area.code));
    });
    group.addEventListener("keydown", (event) => {
      const path = areaOf(event);
      if (!path) return;
      // One tab stop for the map; the arrow keys move between areas (a roving tabindex).
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step || event.key === "Home" || event.key === "End") {
        event.preventDefault();
        const areas = [...group.children];
        const at = areas.indexOf(path);
        const next = event.key === "Home" ? 0 : event.key === "End" ? areas.length - 1
          : (at + step + areas.length) % areas.length;
        areas.forEach((area, i) => area.setAttribute("tabindex", i === next ? 0 : -1));
        areas[next].focus();
        return;
      }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        c.highlight(rowFor(path.area.code));
      }
    });
  }

  function drawLegend(breaks, colours) {
    const list = document.createElement("ul");
    const entry = (swatchStyle, className, text) => {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = `swatch ${className}`;
      if (swatchStyle) swatch.style.background = swatchStyle;
      const label = document.createElement("span");
      label.textContent = text;
      item.append(swatch, label);
      list.append(item);
    };
    for (let i = breaks.length - 2; i >= 0; i -= 1) {
      entry(colours[i], "", `${fmt(breaks[i])} – ${fmt(breaks[i + 1])}`);
    }
    entry(null, "suppressed", w.suppressed);
    entry(null, "missing", w.no_data);
    const title = document.createElement("p");
    title.className = "note";
    title.textContent = `${w.legend_classes}, ${unit()}`;
    $("#legend").replaceChildren(title, list);
  }

  return drawMap;
}

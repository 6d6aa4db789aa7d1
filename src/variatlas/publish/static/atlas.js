// variatlas indicator page: draws the map, the sorted bars, the funnel plot and the trend
// from atlas/<id>.json, with a table twin for each. All statistics (intervals, classes,
// funnel limits, the reading) come computed from the publication; this file only draws.
/* global d3, Plot */
(() => {
  "use strict";

  const body = document.body;
  const lang = body.dataset.lang;
  // The catalogue's titles and units are in bokmål and English: a nynorsk page shows bokmål.
  const textLang = body.dataset.textLang;
  const root = body.dataset.root;
  const id = body.dataset.indicator;
  const w = JSON.parse(document.getElementById("strings").textContent);
  // Bokmål and nynorsk write numbers alike (1 234,5).
  const locale = lang === "en" ? "en-GB" : "nb-NO";
  const $ = (selector) => document.querySelector(selector);
  const state = { level: null, period: null, sex: "all", highlight: "" };
  const PROFILE_LEVELS = ["municipality", "referral_area", "health_trust", "region"];
  let view;
  let rows;
  let boundaries;
  // Levels drawn on a map of their own, fetched the first time one is asked for.
  const OWN_MAPS = { municipality: "municipalities.geojson", dps: "dps.geojson", county: "counties.geojson" };
  const ownMaps = {};
  let links;

  // Formatting ---------------------------------------------------------------------------
  const formats = new Map();
  function fmt(value, places = view.decimals) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "–";
    if (!formats.has(places)) {
      formats.set(places, new Intl.NumberFormat(locale, {
        minimumFractionDigits: places, maximumFractionDigits: places,
      }));
    }
    return formats.get(places).format(value);
  }
  const count = (value) => fmt(value, 0);
  const isSuppressed = (row) => row.flag.startsWith("suppressed");
  const isYear = (period) => /^\d{4}$/.test(period);
  const unit = () => view.unit[textLang];

  function position(label) {
    if (!label) return "";
    const side = label.startsWith("High") ? w.position_high : label.startsWith("Low") ? w.position_low : null;
    if (side === null) return label.startsWith("Not significant") ? w.position_within : "";
    return `${side} ${label.includes("0.001") ? w.limit_998 : w.limit_95}`;
  }

  function describe(row) {
    if (!row) return w.no_data;
    if (isSuppressed(row)) return `${row.area_name}: ${w.status_suppressed}`;
    const interval = row.lower === null ? "" : ` (${w.interval} ${fmt(row.lower)}–${fmt(row.upper)})`;
    const n = row.numerator === null ? "" : `, ${w.n_equals} ${count(row.numerator)}`;
    return `${row.area_name}: ${fmt(row.value)} ${unit()}${interval}${n}`;
  }

  // Data -----------------------------------------------------------------------------------
  async function getJSON(path) {
    const response = await fetch(root + path);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function records(columns) {
    const names = Object.keys(columns);
    return columns[names[0]].map((_, i) => Object.fromEntries(names.map((n) => [n, columns[n][i]])));
  }

  const selected = (level = state.level, period = state.period, sex = state.sex) =>
    rows.filter((r) => r.level === level && r.period === period && r.sex === sex);
  const nationRow = () => selected("nation")[0];
  const key = () => `${state.level}|${state.period}|${state.sex}`;
  const summary = () =>
    view.summaries.find((s) => s.level === state.level && s.period === state.period && s.sex === state.sex);

  function periodsFor(level) {
    const present = new Set(rows.filter((r) => r.level === level).map((r) => r.period));
    return view.periods.filter((p) => present.has(p));
  }

  function sexesFor(level, period) {
    return new Set(rows.filter((r) => r.level === level && r.period === period).map((r) => r.sex));
  }

  function yearsOf(period) {
    const [first, last] = period.split("-").map(Number);
    return d3.range(first, (last || first) + 1).map(String);
  }

  // Controls and the address ------------------------------------------------------------------
  function option(value, label) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function fillPeriods() {
    const periods = periodsFor(state.level);
    if (!periods.includes(state.period)) {
      state.period = periods.find((p) => p.includes("-")) || periods[0];
    }
    $("#period").replaceChildren(...periods.map((p) => option(p, p)));
    $("#period").value = state.period;
    const sexes = sexesFor(state.level, state.period);
    if (!sexes.has(state.sex)) state.sex = "all";
    for (const input of document.querySelectorAll('#sex input[name="sex"]')) {
      input.disabled = !sexes.has(input.value);
      input.checked = input.value === state.sex;
    }
  }

  function readAddress() {
    const wanted = new URLSearchParams(location.hash.slice(1));
    state.level = view.levels.includes(wanted.get("level")) ? wanted.get("level") : view.levels[0];
    state.period = wanted.get("period");
    state.sex = wanted.get("sex") || "all";
    state.highlight = wanted.get("area") || "";
  }

  function writeAddress() {
    const address = new URLSearchParams({ level: state.level, period: state.period, sex: state.sex });
    if (state.highlight) address.set("area", state.highlight);
    // The comparator (compare.js) stays in the address; compare.js and gradient.js draw
    // from the same view data on atlas:view.
    const compare = new URLSearchParams(location.hash.slice(1)).get("compare");
    if (compare) address.set("compare", compare);
    history.replaceState(null, "", `#${address}`);
    document.atlasView = { view, rows };
    document.dispatchEvent(new Event("atlas:view"));
  }

  function initControls() {
    $("#level").replaceChildren(...view.levels.map((l) => option(l, w[`level_${l}`])));
    $("#level").value = state.level;
    $("#level").addEventListener("change", (event) => {
      state.level = event.target.value;
      state.highlight = "";
      update();
    });
    $("#period").addEventListener("change", (event) => {
      state.period = event.target.value;
      update();
    });
    $("#sex").addEventListener("change", (event) => {
      state.sex = event.target.value;
      update();
    });
    $("#highlight").addEventListener("change", (event) => {
      state.highlight = event.target.value;
      writeAddress();
      drawTrend();
    });
    $("#municipality-search").addEventListener("input", drawMunicipalities);
    $("#municipality-shown").addEventListener("change", drawMunicipalities);
  }

  // Tables (the twin of each chart) ---------------------------------------------------------
  function table(caption, columns, data) {
    const element = document.createElement("table");
    element.createCaption().textContent = caption;
    const head = element.createTHead().insertRow();
    for (const column of columns) {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = column.label;
      if (column.number) cell.className = "number";
      head.append(cell);
    }
    const tbody = element.createTBody();
    for (const datum of data) {
      const row = tbody.insertRow();
      if (datum.area !== undefined) row.dataset.area = datum.area;
      if (datum.flag && datum.flag.startsWith("suppressed")) row.className = "suppressed";
      for (const column of columns) {
        const cell = row.insertCell();
        cell.textContent = column.text(datum);
        if (column.number) cell.className = "number";
        if (column.raw) {
          const raw = column.raw(datum);
          cell.dataset.raw = raw === null || raw === undefined ? "" : String(raw);
        }
      }
    }
    return element;
  }

  const valueColumns = () => [
    { label: w.area, text: (r) => r.area_name },
    { label: `${w.value} (${unit()})`, number: true, text: (r) => (isSuppressed(r) ? w.status_suppressed : fmt(r.value)), raw: (r) => r.value },
    { label: w.lower, number: true, text: (r) => fmt(r.lower), raw: (r) => r.lower },
    { label: w.upper, number: true, text: (r) => fmt(r.upper), raw: (r) => r.upper },
    { label: w.numerator, number: true, text: (r) => count(r.numerator), raw: (r) => r.numerator },
    { label: w.denominator, number: true, text: (r) => count(r.denominator), raw: (r) => r.denominator },
  ];

  // Observable Plot labels its mark groups (<g aria-label="bar">) without a role, which ARIA
  // does not allow; a group role makes the label valid (axe: aria-prohibited-attr).
  function plot(options) {
    const chart = Plot.plot(options);
    for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
    return chart;
  }

  // Summary --------------------------------------------------------------------------------
  function drawSummary() {
    const found = summary();
    $("#reading").textContent = found ? found.reading[lang] : "";
    const measures = found ? [
      ["FT", fmt(found.ft, 1)], ["FT2", fmt(found.ft2, 1)], ["FT3", fmt(found.ft3, 1)],
      ["CV", found.cv === null ? "–" : `${fmt(found.cv, 0)} %`],
      ["SCV", found.comparison ? w.too_few_areas
        : found.scv_class === "none beyond chance" ? w.scv_none
        : found.scv === null ? "–" : fmt(found.scv, 1)],
      ["φ", fmt(found.phi, 2)],
      [`> ${w.limit_998}`, found.phi === null ? "–" : count(found.outside_998)],
      [w.nation, fmt(found.national_value)],
    ] : [];
    $("#measures").replaceChildren(...measures.map(([term, value]) => {
      const group = document.createElement("div");
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = term;
      dd.textContent = value;
      group.append(dt, dd);
      return group;
    }));
  }

  // Map ------------------------------------------------------------------------------------
  function classColours(n) {
    // ColorBrewer Blues without its palest step, which is hard to tell from "no figure".
    const scheme = d3.schemeBlues[Math.max(3, n + 1)];
    return scheme.slice(scheme.length - n);
  }

  function classOf(value, breaks) {
    for (let i = 1; i < breaks.length; i += 1) if (value <= breaks[i]) return i - 1;
    return breaks.length - 2;
  }

  function drawMap() {
    const own = state.level === "referral_area" || state.level in OWN_MAPS;
    const shapes = state.level in OWN_MAPS ? ownMaps[state.level] : boundaries;
    if (!shapes) {
      getJSON(OWN_MAPS[state.level]).then((found) => { ownMaps[state.level] = found; drawMap(); });
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
    const width = 560;
    const height = 640;
    const projection = d3.geoTransverseMercator().rotate([-15, -65]).fitSize([width, height], shapes);
    const path = d3.geoPath(projection);
    const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`)
      .attr("role", "group").attr("aria-label", `${w.map_heading}: ${view.title[textLang]}`);
    const pattern = svg.append("defs").append("pattern").attr("id", "suppressed")
      .attr("patternUnits", "userSpaceOnUse").attr("width", 6).attr("height", 6)
      .attr("patternTransform", "rotate(45)");
    pattern.append("rect").attr("width", 6).attr("height", 6).attr("fill", "#ffffff");
    pattern.append("rect").attr("width", 2).attr("height", 6).attr("fill", "#9a9a9a");
    const info = $("#map-info");
    const show = (row, feature) => {
      info.replaceChildren();
      const name = document.createElement("strong");
      name.textContent = row ? row.area_name : feature.properties.name;
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
    };
    svg.append("g").selectAll("path").data(shapes.features).join("path")
      .attr("class", "area")
      .attr("d", path)
      .attr("fill", (f) => fill(rowFor(f.properties.code)))
      .attr("data-area", (f) => f.properties.code)
      .attr("tabindex", (_, i) => (i === 0 ? 0 : -1))
      .attr("role", "img")
      .attr("aria-label", (f) => {
        const row = rowFor(f.properties.code);
        return row ? describe(row) : `${f.properties.name}: ${w.no_data}`;
      })
      .on("mouseenter focus", (event, f) => {
        // An outline drawn on top: moving the focused path itself would take its focus away.
        outline.attr("d", path(f)).attr("hidden", null);
        show(rowFor(f.properties.code), f);
      })
      .on("mouseleave blur", () => outline.attr("hidden", ""))
      .on("keydown", (event, f) => {
        // One tab stop for the map; the arrow keys move between areas (a roving tabindex).
        const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        if (step || event.key === "Home" || event.key === "End") {
          event.preventDefault();
          const areas = [...event.currentTarget.parentNode.children];
          const at = areas.indexOf(event.currentTarget);
          const next = event.key === "Home" ? 0 : event.key === "End" ? areas.length - 1
            : (at + step + areas.length) % areas.length;
          areas.forEach((area, i) => area.setAttribute("tabindex", i === next ? 0 : -1));
          areas[next].focus();
          return;
        }
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          highlight(rowFor(f.properties.code));
        }
      })
      .on("click", (_, f) => highlight(rowFor(f.properties.code)));
    const outline = svg.append("path").attr("class", "outline").attr("hidden", "");
    const inset = insetBox(path, shapes);
    if (inset) {
      svg.append("rect").attr("class", "inset").attr("x", inset[0][0] - 4).attr("y", inset[0][1] - 4)
        .attr("width", inset[1][0] - inset[0][0] + 8).attr("height", inset[1][1] - inset[0][1] + 8);
    }
    $("#map").replaceChildren(svg.node());
    drawLegend(breaks, colours);
    const mapRows = own
      ? shapes.features.map((f) => rowFor(f.properties.code)).filter(Boolean)
      : selected();
    $("#map-table").replaceChildren(table(`${w.map_heading}: ${view.title[textLang]}, ${state.period}`, [
      ...valueColumns().slice(0, 2),
      { label: w.class, text: (r) => (r.value === null ? "" : String(classOf(r.value, breaks) + 1)) },
    ], [...mapRows].sort((a, b) => a.area_name.localeCompare(b.area_name, locale))));
  }

  // The highlighted area's own page, at the levels that have area profiles.
  function linkProfile(names) {
    const link = $("#highlight-profile");
    const name = new Map(names).get(state.highlight);
    link.hidden = !name || !PROFILE_LEVELS.includes(state.level);
    if (link.hidden) return;
    link.href = `areas/${state.level}-${state.highlight}.html`;
    link.textContent = w.profile_of.replace("{area}", name);
  }

  function highlight(row) {
    if (!row) return;
    state.highlight = row.area;
    writeAddress();
    drawTrend();
  }

  function insetBox(path, shapes) {
    const parts = [];
    for (const feature of shapes.features) {
      const polygons = feature.geometry.type === "MultiPolygon" ? feature.geometry.coordinates : [feature.geometry.coordinates];
      for (const index of feature.properties.inset || []) {
        parts.push({ type: "Feature", geometry: { type: "Polygon", coordinates: polygons[index] } });
      }
    }
    return parts.length ? path.bounds({ type: "FeatureCollection", features: parts }) : null;
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

  // Sorted bars with intervals and yearly dots -------------------------------------------
  function yearlyValues(current) {
    if (isYear(state.period)) return [];
    const years = new Set(yearsOf(state.period));
    const areas = new Set(current.map((r) => r.area));
    return rows.filter((r) => r.level === state.level && r.sex === state.sex && years.has(r.period)
      && areas.has(r.area) && r.value !== null);
  }

  function referenceMarks() {
    const marks = [];
    const nation = nationRow();
    if (nation && nation.value !== null) {
      marks.push(Plot.ruleX([nation.value], { stroke: "#1a1a1a", strokeDasharray: "4 3" }));
      marks.push(Plot.text([nation.value], { x: (d) => d, frameAnchor: "top", dy: -14, text: () => `${w.nation} ${fmt(nation.value)}`, fill: "#1a1a1a" }));
    }
    if (view.target) {
      marks.push(Plot.ruleX([view.target.value], { stroke: "#b3261e", strokeWidth: 2 }));
      marks.push(Plot.text([view.target.value], { x: (d) => d, frameAnchor: "bottom", dy: 14, text: () => `${w.target} ${view.target.comparison} ${fmt(view.target.value)}`, fill: "#b3261e" }));
    }
    return marks;
  }

  function drawBars() {
    const shown = state.level !== "municipality";
    $("#bars-section").hidden = !shown;
    if (!shown) return;
    const current = selected().sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
    const withValue = current.filter((r) => r.value !== null);
    const hidden = current.filter((r) => r.value === null);
    const yearly = yearlyValues(current);
    const order = current.map((r) => r.area_name);
    const upper = d3.max([...withValue.map((r) => r.upper ?? r.value), ...yearly.map((r) => r.value), view.target ? view.target.value : 0]);
    const chart = plot({
      width: 760,
      height: 60 + 24 * current.length,
      marginLeft: 170,
      marginTop: 30,
      marginBottom: 40,
      x: { label: unit(), domain: [0, upper * 1.05 || 1], grid: true },
      y: { label: null, domain: order },
      color: { type: "categorical", domain: yearsOf(state.period), range: ["#6a3d9a", "#e66101", "#1b7837", "#b2182b", "#2166ac"], legend: yearly.length > 0 },
      marks: [
        Plot.barX(withValue, {
          x: "value", y: "area_name", fill: "#9ecae1",
          title: (r) => describe(r), tip: true,
        }),
        Plot.ruleY(withValue.filter((r) => r.lower !== null), { y: "area_name", x1: "lower", x2: "upper", stroke: "#08306b", strokeWidth: 1.5 }),
        Plot.dot(yearly, { x: "value", y: "area_name", fill: "period", r: 3.5, stroke: "#fff", strokeWidth: 0.5 }),
        Plot.text(hidden, { x: 0, y: "area_name", text: () => w.status_suppressed, textAnchor: "start", dx: 4, fill: "#595959", fontStyle: "italic" }),
        ...referenceMarks(),
      ],
      ariaLabel: `${w.bars_heading}: ${view.title[textLang]}`,
    });
    $("#bars").replaceChildren(chart);
    const byArea = d3.group(yearly, (r) => r.area);
    $("#bars-table").replaceChildren(table(`${view.title[textLang]}, ${w[`levels_${state.level}`]}, ${state.period}`, [
      ...valueColumns(),
      ...(view.published_by ? [{ label: w.published_value, number: true, text: (r) => fmt(r.published_value), raw: (r) => r.published_value }] : []),
      ...(yearly.length ? [{ label: w.years, text: (r) => (byArea.get(r.area) || []).map((y) => `${y.period}: ${fmt(y.value)}`).join("; ") }] : []),
    ], current));
  }

  function drawMunicipalities() {
    const shown = state.level === "municipality";
    $("#municipality-section").hidden = !shown;
    if (!shown) return;
    const query = $("#municipality-search").value.trim().toLocaleLowerCase(locale);
    const withFigure = $("#municipality-shown").checked;
    const current = selected()
      .filter((r) => !query || r.area_name.toLocaleLowerCase(locale).includes(query) || r.area.startsWith(query))
      .filter((r) => !withFigure || r.value !== null)
      .sort((a, b) => a.area_name.localeCompare(b.area_name, locale));
    $("#municipality-table").replaceChildren(table(`${w.municipality_table}, ${state.period}`, [
      { label: w.level_municipality, text: (r) => `${r.area_name} (${r.area})` },
      ...valueColumns().slice(1),
      // The empirical-Bayes estimate: steadier where counts are small, beside the value.
      { label: `${w.shrunk_value} (${unit()})`, number: true, text: (r) => fmt(r.shrunk_value), raw: (r) => r.shrunk_value },
      { label: w.shrunk_interval, text: (r) => (r.shrunk_lower === null || r.shrunk_lower === undefined ? "" : `${fmt(r.shrunk_lower)}–${fmt(r.shrunk_upper)}`) },
      { label: w.funnel_position, text: (r) => position(r.funnel) },
    ], current));
  }

  // Funnel plot ----------------------------------------------------------------------------
  function drawFunnel() {
    const limits = view.funnels[key()];
    const ratio = view.funnel_kind === "ratio";
    const points = selected().filter((r) => r.numerator !== null && (ratio ? r.expected > 0 : r.denominator > 0))
      .map((r) => ({
        ...r,
        fx: ratio ? r.expected : r.denominator,
        fy: ratio ? r.numerator / r.expected : r.value,
        where: position(r.funnel) || w.position_within,
      }));
    const drawn = Boolean(view.funnel_kind && limits && points.length);
    $("#funnel").hidden = !drawn;
    $("#funnel-table").parentElement.hidden = !drawn;
    if (!drawn) {
      $("#funnel-note").textContent = view.funnel_kind ? w.no_data : w.funnel_none;
      $("#funnel").replaceChildren();
      return;
    }
    const notes = [ratio ? w.funnel_note_ratio : w.funnel_note_proportion, w.funnel_lines];
    if (limits.adjusted) notes.push(w.funnel_adjusted.replace("{phi}", fmt(limits.phi, 2)));
    $("#funnel-note").textContent = notes.join(" ");
    const curve = (set, level, side) => set[level][side].x
      .map((x, i) => ({ x, y: set[level][side].y[i] }))
      .filter((p) => p.x !== null && p.y !== null && p.x > 0);
    const lineMarks = [];
    for (const [set, dash] of [[limits.limits, null], [limits.adjusted, "5 4"]]) {
      if (!set) continue;
      for (const [level, colour, widthOf] of [["95", "#767676", 1], ["99.8", "#1a1a1a", 1.5]]) {
        for (const side of ["lower", "upper"]) {
          lineMarks.push(Plot.line(curve(set, level, side), { x: "x", y: "y", stroke: colour, strokeWidth: widthOf, strokeDasharray: dash, curve: "monotone-x", clip: true }));
        }
      }
    }
    // The y axis spans the areas and the 99.8% limits over the larger half of their x values,
    // so the funnel shows without the limits at the smallest x flattening every point.
    const middle = d3.median(points, (p) => p.fx) ?? 0;
    const widest = d3.max(points, (p) => p.fx) ?? Infinity;
    const shown = ["lower", "upper"].flatMap((side) => curve(limits.limits, "99.8", side)
      .filter((p) => p.x >= middle && p.x <= widest).map((p) => p.y));
    const ys = [...points.map((p) => p.fy), ...shown, limits.centre].filter((y) => Number.isFinite(y));
    const lowY = d3.min(ys);
    const highY = d3.max(ys);
    const spread = (highY - lowY) || Math.abs(limits.centre) || 1;
    const categories = [`${w.position_high} ${w.limit_998}`, `${w.position_high} ${w.limit_95}`, w.position_within, `${w.position_low} ${w.limit_95}`, `${w.position_low} ${w.limit_998}`];
    const chart = plot({
      width: 760,
      height: 440,
      marginLeft: 60,
      x: {
        type: "log", label: ratio ? w.funnel_x_ratio : w.funnel_x_proportion, grid: true, ticks: 5,
        domain: [d3.min(points, (p) => p.fx) / 1.3, d3.max(points, (p) => p.fx) * 1.3],
        tickFormat: (d) => fmt(d, d < 1 ? 1 : 0),
      },
      y: { label: ratio ? w.funnel_y_ratio : unit(), domain: [Math.max(0, lowY - spread * 0.05), highY + spread * 0.05], grid: true },
      color: { domain: categories, range: ["#b3261e", "#e08214", "#8c8c8c", "#4393c3", "#08306b"], legend: true },
      symbol: { domain: categories, range: ["triangle", "triangle", "circle", "diamond", "diamond"] },
      marks: [
        Plot.ruleY([limits.centre], { stroke: "#1a1a1a" }),
        ...lineMarks,
        Plot.dot(points, {
          x: "fx", y: "fy", fill: "where", symbol: "where", r: state.level === "municipality" ? 3 : 5, stroke: "#fff", strokeWidth: 0.5,
          title: (p) => `${describe(p)}\n${w.funnel_position}: ${p.where}`, tip: true,
        }),
      ],
      ariaLabel: `${w.funnel_heading}: ${view.title[textLang]}`,
    });
    $("#funnel").replaceChildren(chart);
    $("#funnel-table").replaceChildren(table(`${w.funnel_heading}: ${view.title[textLang]}, ${state.period}`, [
      { label: w.area, text: (p) => p.area_name },
      { label: ratio ? w.funnel_x_ratio : w.funnel_x_proportion, number: true, text: (p) => fmt(p.fx, ratio ? 1 : 0), raw: (p) => p.fx },
      { label: ratio ? w.funnel_y_ratio : w.value, number: true, text: (p) => fmt(p.fy, ratio ? 2 : view.decimals), raw: (p) => p.fy },
      { label: w.funnel_position, text: (p) => p.where },
    ], [...points].sort((a, b) => b.fy - a.fy)));
  }

  // Trend ----------------------------------------------------------------------------------
  function drawTrend() {
    // The trend follows the kind of period chosen: single years, or rolling 3-year periods
    // (the only ones published for municipalities, and steadier where counts are small).
    const rolling = !isYear(state.period);
    const sameKind = (period) => (rolling ? period.includes("-") : isYear(period));
    const at = (r) => ({ ...r, year: Number(r.period.split("-").pop()) });
    const series = rows.filter((r) => r.level === state.level && r.sex === "all" && sameKind(r.period));
    const nation = rows.filter((r) => r.level === "nation" && r.sex === "all" && sameKind(r.period) && r.value !== null).map(at);
    const has = new Set(series.map((r) => r.period)).size > 1;
    $("#trend").hidden = !has;
    $("#trend-table").parentElement.hidden = !has;
    $("#highlight").parentElement.hidden = !has;
    $("#trend-note").textContent = has ? (rolling ? w.trend_note_rolling : w.trend_note) : w.trend_none;
    if (!has) {
      $("#trend").replaceChildren();
      $("#highlight-profile").hidden = true;
      return;
    }
    const names = [...new Map(series.map((r) => [r.area, r.area_name])).entries()].sort((a, b) => a[1].localeCompare(b[1], locale));
    if (!names.some(([code]) => code === state.highlight)) state.highlight = "";
    $("#highlight").replaceChildren(option("", w.none_selected), ...names.map(([code, name]) => option(code, name)));
    $("#highlight").value = state.highlight;
    linkProfile(names);
    const points = series.filter((r) => r.value !== null).map(at);
    const chosen = points.filter((r) => r.area === state.highlight);
    const periods = [...new Set(series.map((r) => r.period))].sort();
    const label = new Map(periods.map((p) => [Number(p.split("-").pop()), p]));
    const chart = plot({
      width: 760,
      height: 380,
      marginLeft: 60,
      marginRight: 120,
      x: { label: rolling ? w.period : w.year, ticks: [...label.keys()], tickFormat: (y) => label.get(y) },
      y: { label: unit(), grid: true, zero: true },
      marks: [
        Plot.line(points, { x: "year", y: "value", z: "area", stroke: "#b9c4cf", strokeWidth: 1 }),
        Plot.dot(points, { x: "year", y: "value", r: 2, fill: "#b9c4cf", title: (r) => `${r.period} · ${describe(r)}`, tip: true }),
        Plot.line(nation, { x: "year", y: "value", stroke: "#1a1a1a", strokeWidth: 3 }),
        Plot.text(nation.slice(-1), { x: "year", y: "value", text: () => w.nation, textAnchor: "start", dx: 8, fill: "#1a1a1a" }),
        ...(view.target ? [Plot.ruleY([view.target.value], { stroke: "#b3261e", strokeDasharray: "6 3" })] : []),
        Plot.line(chosen, { x: "year", y: "value", stroke: "#6a3d9a", strokeWidth: 3 }),
        Plot.dot(chosen, { x: "year", y: "value", fill: "#6a3d9a", r: 4 }),
        Plot.text(chosen.slice(-1), { x: "year", y: "value", text: "area_name", textAnchor: "start", dx: 8, fill: "#6a3d9a" }),
      ],
      ariaLabel: `${w.trend_heading}: ${view.title[textLang]}`,
    });
    $("#trend").replaceChildren(chart);
    const byArea = d3.group(series, (r) => r.area);
    $("#trend-table").replaceChildren(table(`${w.trend_heading}: ${view.title[textLang]}`, [
      { label: w.area, text: (r) => r.area_name },
      ...periods.map((p) => ({
        label: p, number: true,
        text: (r) => { const cell = byArea.get(r.area).find((x) => x.period === p); return cell ? (isSuppressed(cell) ? w.status_suppressed : fmt(cell.value)) : "–"; },
      })),
    ], names.map(([code, name]) => ({ area: code, area_name: name, flag: "" }))));
  }

  // From A to Å: the median of each phase of a lead time, stacked per area ----------------------
  function drawPhases() {
    const phases = view.phases || [];
    const section = $("#phases-section");
    if (!section) return;
    const shown = phases.length > 0 && state.level !== "municipality";
    section.hidden = !shown;
    if (!shown) return;
    const areas = [...selected("nation"), ...selected()];
    const segments = [];
    for (const phase of phases) {
      const found = new Map(records(phase.rows)
        .filter((r) => r.period === state.period && r.sex === state.sex)
        .map((r) => [`${r.level}|${r.area}`, r]));
      for (const area of areas) {
        const row = found.get(`${area.level}|${area.area}`);
        if (row && row.value !== null) {
          segments.push({ area_name: area.area_name, area: area.area, phase: phase.label, value: row.value });
        }
      }
    }
    // Norway first, then the areas with the longest total time.
    const total = d3.rollup(segments, (v) => d3.sum(v, (r) => r.value), (r) => r.area_name);
    const order = [areas[0]?.area_name, ...areas.slice(1).map((r) => r.area_name)
      .sort((a, b) => (total.get(b) ?? -1) - (total.get(a) ?? -1))].filter(Boolean);
    const labels = phases.map((p) => p.label);
    const standard = (p) => (p.target ? `${w.phase_standard} ${p.target.comparison === "<=" ? "≤" : "≥"} ${fmt(p.target.value, 0)}` : w.phase_no_standard);
    $("#phases-legend").textContent = phases.map((p) => `${p.label}: ${standard(p)}`).join(" · ");
    const chart = plot({
      width: 760,
      height: 60 + 24 * order.length,
      marginLeft: 170,
      x: { label: w.phase_days, grid: true },
      y: { label: null, domain: order },
      color: { domain: labels, range: ["#c6dbef", "#6baed6", "#08519c"], legend: true },
      marks: [
        Plot.barX(segments, { x: "value", y: "area_name", fill: "phase", title: (r) => `${r.area_name}, ${r.phase}: ${fmt(r.value)}`, tip: true }),
        Plot.ruleX([0]),
      ],
      ariaLabel: `${w.phases_heading}: ${view.title[textLang]}`,
    });
    $("#phases").replaceChildren(chart);
    const byArea = d3.group(segments, (r) => r.area);
    $("#phases-table").replaceChildren(table(`${w.phases_heading}, ${w[`levels_${state.level}`]}, ${state.period}`, [
      { label: w.area, text: (r) => r.area_name },
      ...labels.map((label) => ({
        label, number: true,
        text: (r) => fmt((byArea.get(r.area) || []).find((s) => s.phase === label)?.value ?? null),
      })),
    ], areas));
  }

  // Downloads: every chart as SVG and PNG -------------------------------------------------
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
    const name = `${id}-${figure.id}-${state.level}-${state.period}-${state.sex}`;
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

  function addDownloads() {
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

  // Drawing -----------------------------------------------------------------------------------
  function update() {
    fillPeriods();
    writeAddress();
    drawSummary();
    drawMap();
    drawBars();
    drawPhases();
    drawMunicipalities();
    drawFunnel();
    drawTrend();
    body.dataset.drawn = key();
  }

  async function start() {
    [view, boundaries, links] = await Promise.all([
      getJSON(`atlas/${id}.json`), getJSON("boundaries.geojson"), getJSON("atlas/areas.json"),
    ]);
    rows = records(view.rows);
    // The comparisons (compare.js), loaded before the page says it is drawn.
    if (document.atlasComparisonsFor) await document.atlasComparisonsFor(view);
    readAddress();
    initControls();
    addDownloads();
    update();
  }

  start().catch((error) => {
    const message = document.createElement("p");
    message.className = "warning";
    message.textContent = w.draw_failed.replace("{error}", error.message);
    $("#controls").before(message);
    throw error;
  });
})();

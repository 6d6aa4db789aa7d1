// variatlas indicator page: inequality across SSB's centrality classes, for indicators published
// for municipalities. The value of each class with its interval, and the slope and relative
// indices of inequality (SII, RII) with theirs, come computed in atlas/<id>.compare.json; this
// file draws them (least central to most central) with a table twin under the chart.
/* global Plot */
(() => {
  "use strict";

  const body = document.body;
  const lang = body.dataset.lang;
  const root = body.dataset.root;
  const id = body.dataset.indicator;
  const section = document.getElementById("gradient-section");
  if (!section || typeof Plot === "undefined") return;
  const w = JSON.parse(document.getElementById("strings").textContent);
  const locale = lang === "en" ? "en-GB" : "nb-NO";
  const $ = (selector) => document.querySelector(selector);
  const CLASSES = ["6", "5", "4", "3", "2", "1"]; // least central first
  let indices = [];
  let classes = [];
  let places = 1;
  let unit = "";
  let title = "";

  function records(columns) {
    const keys = Object.keys(columns || {});
    if (!keys.length) return [];
    return columns[keys[0]].map((_, i) => Object.fromEntries(keys.map((k) => [k, columns[k][i]])));
  }

  const fmt = (value, digits = places) => (value === null || value === undefined || !Number.isFinite(value) ? "–"
    : new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value));
  const className = (code) => w.compare_centrality_named.replace("{code}", code);

  function current() {
    const wanted = new URLSearchParams(location.hash.slice(1));
    const period = wanted.get("period");
    const sex = wanted.get("sex") || "all";
    const has = (p, s) => indices.some((r) => r.period === p && r.sex === s);
    if (has(period, sex)) return { period, sex };
    // The page's view has no gradient (a single year, a sex alone): the latest one that has.
    const latest = [...indices].filter((r) => r.sex === "all").sort((a, b) => a.period.localeCompare(b.period)).pop();
    return latest ? { period: latest.period, sex: "all" } : null;
  }

  function table(caption, points) {
    const element = document.createElement("table");
    element.createCaption().textContent = caption;
    const head = element.createTHead().insertRow();
    for (const [label, number] of [[w.gradient_class, false], [`${w.value} (${unit})`, true], [w.lower, true], [w.upper, true]]) {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = label;
      if (number) cell.className = "number";
      head.append(cell);
    }
    const tbody = element.createTBody();
    for (const p of points) {
      const row = tbody.insertRow();
      row.dataset.class = p.class;
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = p.label;
      row.append(name);
      for (const value of [p.value, p.lower, p.upper]) {
        const cell = row.insertCell();
        cell.className = "number";
        cell.textContent = fmt(value);
        cell.dataset.raw = value ?? "";
      }
    }
    return element;
  }

  function draw() {
    const view = current();
    section.hidden = !view;
    if (!view) return;
    const index = indices.find((r) => r.period === view.period && r.sex === view.sex);
    const points = CLASSES.map((code) => classes.find((c) => c.period === view.period && c.sex === view.sex && String(c.class) === code))
      .filter(Boolean)
      .map((c) => ({ ...c, class: String(c.class), label: className(String(c.class)) }));
    const reading = [w.gradient_view.replace("{period}", view.period).replace("{sex}", w[`sex_${view.sex}`].toLocaleLowerCase(locale))];
    if (index && Number.isFinite(index.sii)) {
      reading.push(w.gradient_sii
        .replace("{sii}", fmt(index.sii)).replace("{lower}", fmt(index.sii_lower)).replace("{upper}", fmt(index.sii_upper)).replace("{unit}", unit));
    }
    if (index && Number.isFinite(index.rii)) {
      reading.push(w.gradient_rii.replace("{rii}", fmt(index.rii, 2)).replace("{lower}", fmt(index.rii_lower, 2)).replace("{upper}", fmt(index.rii_upper, 2)));
    }
    if (!index || !Number.isFinite(index.sii)) reading.push(w.gradient_none);
    $("#gradient-reading").textContent = reading.join(" ");
    const shown = points.filter((p) => Number.isFinite(p.value));
    const chart = Plot.plot({
      width: 640,
      height: 320,
      marginLeft: 60,
      marginBottom: 50,
      x: { label: w.gradient_axis, domain: CLASSES.map(className), tickRotate: 0 },
      y: { label: unit, grid: true, zero: true },
      marks: [
        Plot.ruleX(shown.filter((p) => Number.isFinite(p.lower)), { x: "label", y1: "lower", y2: "upper", stroke: "#08306b", strokeWidth: 2 }),
        Plot.dot(shown, { x: "label", y: "value", r: 5, fill: "#08306b", title: (p) => `${p.label}: ${fmt(p.value)} (${fmt(p.lower)}–${fmt(p.upper)})`, tip: true }),
      ],
      ariaLabel: `${w.gradient_heading}: ${title}`,
    });
    for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
    $("#gradient").replaceChildren(chart);
    $("#gradient-table").replaceChildren(table(`${w.gradient_heading}: ${title}, ${view.period}`, points));
    body.dataset.gradient = `${view.period}|${view.sex}`;
  }

  async function start() {
    const [data, atlas] = await Promise.all([
      fetch(`${root}atlas/${id}.compare.json`).then((r) => (r.ok ? r.json() : {})),
      fetch(`${root}atlas/${id}.json`).then((r) => r.json()),
    ]);
    places = atlas.decimals;
    unit = atlas.unit[body.dataset.textLang];
    title = atlas.title[body.dataset.textLang];
    indices = records(data.inequality);
    classes = records(data.inequality_classes);
    document.addEventListener("atlas:view", draw);
    draw();
  }

  start();
})();

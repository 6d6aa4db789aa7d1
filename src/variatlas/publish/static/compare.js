// variatlas indicator page: compare each area with more than the country. The comparisons
// (the comparator's value with its interval, the judgement and its method) come computed in
// atlas/<id>.compare.json; this file only chooses among them, keeps the choice in the address
// (#...&compare=region) and writes them out. atlas.js says when the view changes.
(() => {
  "use strict";

  const body = document.body;
  const lang = body.dataset.lang;
  const root = body.dataset.root;
  const id = body.dataset.indicator;
  const section = document.getElementById("compare-section");
  if (!section) return;
  const w = JSON.parse(document.getElementById("strings").textContent);
  const locale = lang === "en" ? "en-GB" : "nb-NO";
  const $ = (selector) => document.querySelector(selector);
  const ORDER = ["nation", "region", "health_trust", "referral_area", "kostra_group", "centrality", "target", "previous"];
  const RESULTS = ["higher", "lower", "similar", "better", "worse"];
  let comparisons = [];
  let names = new Map();
  let places = 1;

  function records(columns) {
    const keys = Object.keys(columns || {});
    if (!keys.length) return [];
    return columns[keys[0]].map((_, i) => Object.fromEntries(keys.map((k) => [k, columns[k][i]])));
  }

  const formats = new Map();
  function fmt(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "–";
    if (!formats.has(places)) {
      formats.set(places, new Intl.NumberFormat(locale, { minimumFractionDigits: places, maximumFractionDigits: places }));
    }
    return formats.get(places).format(value);
  }
  const interval = (lower, upper) => (Number.isFinite(lower) && Number.isFinite(upper) ? `${fmt(lower)}–${fmt(upper)}` : "");

  function address() {
    return new URLSearchParams(location.hash.slice(1));
  }

  function view() {
    const wanted = address();
    return { level: wanted.get("level"), period: wanted.get("period"), sex: wanted.get("sex") || "all", area: wanted.get("area") || "" };
  }

  // The comparator by name: Helse Nord, KOSTRA group 11, the target...
  function comparatorName(comparator, area) {
    if (comparator === "kostra_group" || comparator === "centrality") return w[`compare_${comparator}_named`].replace("{code}", area);
    if (!area || ["nation", "target", "previous"].includes(comparator)) return w[`compare_${comparator}`];
    return names.get(area) || area;
  }
  const resultWords = (result) => (RESULTS.includes(result) ? w[`compare_result_${result}`] : w.compare_result_none);
  const methodWords = (method) => w[`compare_method_${method}`] || method || "";

  function option(value, label) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

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
      row.dataset.area = datum.area;
      for (const column of columns) {
        const cell = row.insertCell();
        cell.textContent = column.text(datum);
        if (column.number) cell.className = "number";
        if (column.raw) cell.dataset.raw = column.raw(datum) ?? "";
      }
    }
    return element;
  }

  function draw() {
    const current = view();
    if (!current.level) return;
    const here = comparisons.filter((c) => c.level === current.level && c.period === current.period && c.sex === current.sex);
    const offered = ORDER.filter((c) => c === "nation" || here.some((r) => r.comparator === c));
    let chosen = address().get("compare");
    if (!offered.includes(chosen)) chosen = "nation";
    const select = $("#compare");
    select.replaceChildren(...offered.map((c) => option(c, w[`compare_${c}`])));
    select.value = chosen;
    section.hidden = false;
    const shown = here.filter((r) => r.comparator === chosen);
    const label = w[`compare_${chosen}`];
    if (!shown.length) {
      $("#compare-reading").textContent = here.length || chosen !== "nation" ? w.no_data : w.compare_only_country;
      $("#compare-counts").textContent = "";
      $("#compare-method").textContent = "";
      $("#compare-table").replaceChildren();
      body.dataset.compared = `${current.level}|${current.period}|${current.sex}|${chosen}`;
      return;
    }
    const counts = Object.fromEntries(RESULTS.map((r) => [r, shown.filter((s) => s.comparison === r).length]));
    const told = RESULTS.filter((r) => counts[r]).map((r) => `${resultWords(r).toLocaleLowerCase(locale)} ${counts[r]}`).join(", ");
    $("#compare-counts").textContent = w.compare_counts.replace("{levels}", w[`levels_${current.level}`] || "")
      .replace("{name}", label).replace("{counts}", told || w.compare_result_none.toLocaleLowerCase(locale));
    const a = shown.find((r) => r.area === current.area);
    $("#compare-reading").textContent = a ? w.compare_area_reading
      .replace("{area}", a.area_name || names.get(a.area) || a.area)
      .replace("{value}", fmt(a.value))
      .replace("{area_interval}", interval(a.lower, a.upper) || "–")
      .replace("{comparator}", comparatorName(chosen, a.comparator_area))
      .replace("{comparator_value}", fmt(a.comparator_value))
      .replace("{interval}", interval(a.comparator_lower, a.comparator_upper) || "–")
      .replace("{result}", resultWords(a.comparison).toLocaleLowerCase(locale)) : w.compare_pick_area;
    const methods = [...new Set(shown.map((r) => methodWords(r.method)).filter(Boolean))];
    $("#compare-method").textContent = methods.length ? `${w.compare_column_method}: ${methods.join(" ")}` : "";
    const sorted = [...shown].sort((a, b) => (a.area_name || "").localeCompare(b.area_name || "", locale));
    $("#compare-table").replaceChildren(table(`${w.compared_with.replace("{name}", label)}, ${current.period}`, [
      { label: w.area, text: (r) => r.area_name || names.get(r.area) || r.area },
      { label: w.value, number: true, text: (r) => fmt(r.value), raw: (r) => r.value },
      { label: w.compare_column_comparator, text: (r) => comparatorName(chosen, r.comparator_area) },
      { label: w.compare_column_value, number: true, text: (r) => fmt(r.comparator_value), raw: (r) => r.comparator_value },
      { label: w.interval, text: (r) => interval(r.comparator_lower, r.comparator_upper) },
      { label: w.compare_column_result, text: (r) => resultWords(r.comparison) },
    ], sorted));
    body.dataset.compared = `${current.level}|${current.period}|${current.sex}|${chosen}`;
  }

  function choose() {
    const wanted = address();
    wanted.set("compare", $("#compare").value);
    history.replaceState(null, "", `#${wanted}`);
    draw();
  }

  async function start() {
    const [data, atlas] = await Promise.all([
      fetch(`${root}atlas/${id}.compare.json`).then((r) => (r.ok ? r.json() : {})),
      fetch(`${root}atlas/${id}.json`).then((r) => r.json()),
    ]);
    places = atlas.decimals;
    const rows = records(atlas.rows);
    names = new Map(rows.map((r) => [r.area, r.area_name]));
    const values = new Map(rows.map((r) => [`${r.level}|${r.area}|${r.period}|${r.sex}`, r]));
    comparisons = records(data.comparisons).map((c) => {
      const own = values.get(`${c.level}|${c.area}|${c.period}|${c.sex}`) || {};
      return { value: own.value ?? null, lower: own.lower ?? null, upper: own.upper ?? null, area_name: own.area_name, ...c };
    });
    $("#compare").addEventListener("change", choose);
    document.addEventListener("atlas:view", draw);
    draw();
  }

  start();
})();

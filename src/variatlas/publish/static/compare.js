// variatlas indicator page: compare each area with more than the country. The comparisons
// (the comparator's value with its interval, the judgement) come computed in
// atlas/<id>.compare.json (publish/peers.py: by view "level|period|sex", area, comparator:
// [comparator area, value, lower, upper, comparison, reason(, period)]); this file only
// chooses among them, keeps the choice in the address (#...&compare=region) and writes them
// out, the method in words. atlas.js says when the view changes (atlas:view).
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
  const RESULTS = ["higher", "lower", "similar", "better", "worse", "met", "not met", "not compared"];
  // How each comparator is compared (variation/comparators.py METHODS).
  const METHOD = { target: "target", previous: "difference" };
  let comparisons = {};
  let values = new Map();
  let names = new Map();
  let places = 1;

  const formats = new Map();
  function fmt(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "–";
    if (!formats.has(places)) {
      formats.set(places, new Intl.NumberFormat(locale, { minimumFractionDigits: places, maximumFractionDigits: places }));
    }
    return formats.get(places).format(value);
  }
  const interval = (lower, upper) => (Number.isFinite(lower) && Number.isFinite(upper) ? `${fmt(lower)}–${fmt(upper)}` : "");

  const inWords = (text) => (text ? w.compare_interval.replace("{interval}", text) : "");

  function address() {
    return new URLSearchParams(location.hash.slice(1));
  }

  function view() {
    const wanted = address();
    return { level: wanted.get("level"), period: wanted.get("period"), sex: wanted.get("sex") || "all", area: wanted.get("area") || "" };
  }

  // The comparator by name: Helse Nord, KOSTRA group 11, the target...
  function comparatorName(comparator, area, period) {
    if (comparator === "kostra_group" || comparator === "centrality") return w[`compare_${comparator}_named`].replace("{code}", area);
    if (comparator === "previous" && period) return w.compare_previous_named.replace("{period}", period);
    if (!area || ["nation", "target", "previous"].includes(comparator)) return w[`compare_${comparator}`];
    return names.get(`${comparator}|${area}`) || area;
  }
  function resultWords(result, reason) {
    const words = w[`compare_result_${(result || "").replace(" ", "_")}`];
    if (result !== "not compared" && words) return words;
    const why = w[`compare_reason_${(reason || "").replaceAll(" ", "_")}`];
    return why ? `${w.compare_result_none}: ${why}` : w.compare_result_none;
  }

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

  function shownFor(here, chosen, current) {
    return Object.entries(here).filter(([, by]) => by[chosen]).map(([area, by]) => {
      const [comparatorArea, value, lower, upper, comparison, reason, period] = by[chosen];
      const own = values.get(`${current.level}|${area}|${current.period}|${current.sex}`) || {};
      return {
        area, area_name: own.area_name || area, value: own.value ?? null, lower: own.lower ?? null, upper: own.upper ?? null,
        comparator_area: comparatorArea, comparator_value: value, comparator_lower: lower, comparator_upper: upper,
        comparison, reason, comparator_period: period || "",
      };
    });
  }

  function draw() {
    const current = view();
    if (!current.level) return;
    const here = comparisons[`${current.level}|${current.period}|${current.sex}`] || {};
    const offered = ORDER.filter((c) => c === "nation" || Object.values(here).some((by) => by[c]));
    let chosen = address().get("compare");
    if (!offered.includes(chosen)) chosen = "nation";
    const select = $("#compare");
    select.replaceChildren(...offered.map((c) => option(c, w[`compare_${c}`])));
    select.value = chosen;
    section.hidden = false;
    const shown = shownFor(here, chosen, current);
    const label = w[`compare_${chosen}`];
    const done = `${current.level}|${current.period}|${current.sex}|${chosen}`;
    if (!shown.length) {
      $("#compare-reading").textContent = Object.keys(here).length ? w.no_data : w.compare_only_country;
      $("#compare-counts").textContent = "";
      $("#compare-method").textContent = "";
      $("#compare-table").replaceChildren();
      body.dataset.compared = done;
      return;
    }
    const counts = RESULTS.map((r) => [r, shown.filter((s) => s.comparison === r).length]).filter(([, n]) => n);
    const told = counts.map(([r, n]) => `${resultWords(r).toLocaleLowerCase(locale)} ${n}`).join(", ");
    $("#compare-counts").textContent = w.compare_counts.replace("{levels}", w[`levels_${current.level}`] || "")
      .replace("{name}", label).replace("{counts}", told);
    const a = shown.find((r) => r.area === current.area);
    $("#compare-reading").textContent = a ? w.compare_area_reading
      .replace("{area}", a.area_name)
      .replace("{value}", fmt(a.value))
      .replace("{area_interval}", inWords(interval(a.lower, a.upper)))
      .replace("{comparator}", comparatorName(chosen, a.comparator_area, a.comparator_period))
      .replace("{comparator_value}", fmt(a.comparator_value))
      .replace("{interval}", inWords(interval(a.comparator_lower, a.comparator_upper)))
      .replace("{result}", resultWords(a.comparison, a.reason).toLocaleLowerCase(locale)) : w.compare_pick_area;
    $("#compare-method").textContent = `${w.compare_column_method}: ${w[`compare_method_${METHOD[chosen] || "interval"}`]}`;
    const sorted = [...shown].sort((x, y) => x.area_name.localeCompare(y.area_name, locale));
    // The table of every area (357 rows for municipalities) is built when its twin is opened:
    // a phone reading the sentence above does not pay for it.
    pending = () => table(`${w.compared_with.replace("{name}", label)}, ${current.period}`, [
      { label: w.area, text: (r) => r.area_name },
      { label: w.value, number: true, text: (r) => fmt(r.value), raw: (r) => r.value },
      { label: w.compare_column_comparator, text: (r) => comparatorName(chosen, r.comparator_area, r.comparator_period) },
      { label: w.compare_column_value, number: true, text: (r) => fmt(r.comparator_value), raw: (r) => r.comparator_value },
      { label: w.interval, text: (r) => interval(r.comparator_lower, r.comparator_upper) },
      { label: w.compare_column_result, text: (r) => resultWords(r.comparison, r.reason) },
    ], sorted);
    $("#compare-table").replaceChildren();
    showTable();
    body.dataset.compared = done;
  }

  let pending = null;
  function showTable() {
    if (!pending || !$("#compare-table").closest("details").open) return;
    $("#compare-table").replaceChildren(pending());
    pending = null;
  }

  function choose() {
    const wanted = address();
    wanted.set("compare", $("#compare").value);
    history.replaceState(null, "", `#${wanted}`);
    draw();
  }

  // The comparisons exist for indicators published for the levels that are compared
  // (variation/comparators.py SUBJECT_LEVELS): fetched once (atlas.js waits for them before it
  // says the page is drawn), and shared with gradient.js.
  const SUBJECT_LEVELS = ["municipality", "referral_area", "health_trust"];
  let loading = null;

  function load(atlas) {
    if (loading) return loading;
    places = atlas.decimals;
    const has = atlas.levels.some((l) => SUBJECT_LEVELS.includes(l));
    loading = (has ? fetch(`${root}atlas/${id}.compare.json`).then((r) => {
      if (!r.ok) throw new Error(`atlas/${id}.compare.json: HTTP ${r.status}`);
      return r.json();
    }) : Promise.resolve({})).catch((error) => {
      // The page draws without the comparisons; the console says why.
      console.error(error);
      return {};
    }).then((data) => {
      comparisons = data.comparisons || {};
      document.atlasComparisons = data;
      document.dispatchEvent(new Event("atlas:comparisons"));
    });
    return loading;
  }
  document.atlasComparisonsFor = load;

  function onView() {
    const shared = document.atlasView;
    if (!shared) return;
    if (!values.size) {
      names = new Map(shared.rows.map((r) => [`${r.level}|${r.area}`, r.area_name]));
      values = new Map(shared.rows.map((r) => [`${r.level}|${r.area}|${r.period}|${r.sex}`, r]));
    }
    load(shared.view).then(draw);
  }

  $("#compare").addEventListener("change", choose);
  $("#compare-table").closest("details").addEventListener("toggle", showTable);
  document.addEventListener("atlas:view", onView);
  onView();
})();

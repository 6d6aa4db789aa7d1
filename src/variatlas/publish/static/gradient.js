// variatlas indicator page: inequality across SSB's centrality classes, for indicators published
// for municipalities. The value of each class with its interval, the slope and relative indices
// of inequality (SII, RII) with theirs, and how much of the variation between municipalities
// centrality accounts for come computed in atlas/<id>.compare.json (publish/peers.py; fetched
// by compare.js); this file draws them, least central to most central, with a table under the
// chart.
(() => {
  "use strict";

  const body = document.body;
  const lang = body.dataset.lang;
  const textLang = body.dataset.textLang;
  const section = document.getElementById("gradient-section");
  if (!section) return;
  // Observable Plot (vendor/plot.js, an ES module), fetched for the first gradient drawn.
  let Plot = null;
  const w = JSON.parse(document.getElementById("strings").textContent);
  const locale = lang === "en" ? "en-GB" : "nb-NO";
  const $ = (selector) => document.querySelector(selector);
  const className = (code) => w.compare_centrality_named.replace("{code}", code);
  const fmt = (value, digits) => (value === null || value === undefined || !Number.isFinite(value) ? "–"
    : new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value));

  // The page's view, else (a single year, one sex: no classes published) the latest period
  // with both sexes that has the classes.
  function chosen(inequality) {
    const wanted = new URLSearchParams(location.hash.slice(1));
    const key = `${wanted.get("period")}|${wanted.get("sex") || "all"}`;
    if (inequality[key] && inequality[key].centrality) return key;
    const periods = Object.keys(inequality).filter((k) => k.endsWith("|all") && inequality[k].centrality);
    return periods.sort((a, b) => a.split("|")[0].slice(-4).localeCompare(b.split("|")[0].slice(-4))).pop() || null;
  }

  function table(caption, points, places, unit) {
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
      row.dataset.class = p.code;
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = p.label;
      row.append(name);
      for (const [n, value] of [p.value, p.lower, p.upper].entries()) {
        const cell = row.insertCell();
        cell.className = "number";
        // A hidden class says so once, in its value's cell.
        cell.textContent = value === null ? (n === 0 ? w.status_suppressed : "") : fmt(value, places);
        cell.dataset.raw = value ?? "";
      }
    }
    return element;
  }

  function reading(view, key, gradient, places, unit) {
    const [period, sex] = key.split("|");
    const sentences = [w.gradient_view.replace("{period}", period).replace("{sex}", w[`sex_${sex}`].toLocaleLowerCase(locale))];
    const [sii, siiLower, siiUpper] = gradient.sii || [];
    const [rii, riiLower, riiUpper] = gradient.rii || [];
    if (Number.isFinite(sii)) {
      sentences.push(w.gradient_sii.replace("{sii}", fmt(sii, places)).replace("{lower}", fmt(siiLower, places))
        .replace("{upper}", fmt(siiUpper, places)).replace("{unit}", unit));
    }
    if (Number.isFinite(rii)) {
      sentences.push(w.gradient_rii.replace("{rii}", fmt(rii, 2)).replace("{lower}", fmt(riiLower, 2)).replace("{upper}", fmt(riiUpper, 2)));
    }
    if (!Number.isFinite(sii)) sentences.push(w[`gradient_none_${(gradient.reason || "hidden").replace(" ", "_")}`] || w.gradient_none_hidden);
    const explained = ((document.atlasComparisons || {}).explained || {})[key];
    if (explained && Number.isFinite(explained.centrality)) {
      sentences.push(w.gradient_explained.replace("{share}", fmt(100 * explained.centrality, 0))
        + (Number.isFinite(explained.need) ? ` ${w.gradient_explained_need.replace("{share}", fmt(100 * explained.need, 0))}` : ""));
    }
    return sentences.join(" ");
  }

  async function draw() {
    const shared = document.atlasView;
    const data = document.atlasComparisons;
    if (!shared || !data) return;
    const inequality = data.inequality || {};
    const key = chosen(inequality);
    section.hidden = !key;
    if (!key) return;
    const { view } = shared;
    const places = view.decimals;
    const unit = view.unit[textLang];
    const title = view.title[textLang];
    const gradient = inequality[key].centrality;
    const points = gradient.groups.map(([code, value, lower, upper]) => ({ code, label: className(code), value, lower, upper }));
    $("#gradient-reading").textContent = reading(view, key, gradient, places, unit);
    const shown = points.filter((p) => Number.isFinite(p.value));
    Plot ??= await import("./vendor/plot.js");
    const chart = Plot.plot({
      width: 640,
      height: 320,
      marginLeft: 60,
      marginBottom: 50,
      x: { label: w.gradient_axis, domain: points.map((p) => p.code) },
      y: { label: unit, grid: true, zero: true },
      marks: [
        Plot.ruleX(shown.filter((p) => Number.isFinite(p.lower)), { x: "code", y1: "lower", y2: "upper", stroke: "#08306b", strokeWidth: 2 }),
        Plot.dot(shown, { x: "code", y: "value", r: 5, fill: "#08306b", title: (p) => `${p.label}: ${fmt(p.value, places)} (${fmt(p.lower, places)}–${fmt(p.upper, places)})`, tip: true }),
      ],
      ariaLabel: `${w.gradient_heading}: ${title}`,
    });
    // Plot's labelled mark groups need a role to carry a label (axe: aria-prohibited-attr).
    for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
    $("#gradient").replaceChildren(chart);
    $("#gradient-table").replaceChildren(table(`${w.gradient_heading}: ${title}, ${key.split("|")[0]}`, points, places, unit));
    body.dataset.gradient = key;
  }

  document.addEventListener("atlas:view", draw);
  document.addEventListener("atlas:comparisons", draw);
  draw();
})();

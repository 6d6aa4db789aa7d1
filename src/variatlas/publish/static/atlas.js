// variatlas indicator page: draws the map, the sorted bars, the funnel plot and the trend
// from atlas/<id>.json, with a table twin for each. All statistics (intervals, classes,
// funnel limits, the reading) come computed from the publication; this file only draws.
// The page's opening view (controls, reading, summary, the bars' table) is in its HTML
// (publish/first_view.py); this ES module, deferred, draws the same over it and the charts,
// each in a task of its own so that the page answers while they are drawn. The maps come
// drawn as paths (atlas/maps/); Observable Plot (vendor/plot.js) is fetched for the first
// chart that comes near the screen.
import * as d3 from "./vendor/d3.js";
import { mapDrawer } from "./atlas-map.js";
import { chartDrawer } from "./atlas-charts.js";
import { addDownloads } from "./atlas-downloads.js";

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
let referralAreas;
let links;
let drawMap;
let charts;

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
    charts.drawTrend();
  });
  $("#municipality-search").addEventListener("input", drawMunicipalities);
  $("#municipality-shown").addEventListener("change", drawMunicipalities);
}

// Tables (the twin of each chart) ---------------------------------------------------------
// A long table (357 municipalities) is made a screenful at once and the rest of its rows in
// tasks of their own, so that making it never holds the page; update() waits for them.
const FIRST_ROWS = 60;
const ROWS_PER_TASK = 100;
const tablesFilling = new Set();

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
  const addRows = (from, to) => {
    for (const datum of data.slice(from, to)) {
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
  };
  addRows(0, FIRST_ROWS);
  if (data.length > FIRST_ROWS) {
    const filling = (async () => {
      for (let at = FIRST_ROWS; at < data.length; at += ROWS_PER_TASK) {
        await nextTask();
        addRows(at, at + ROWS_PER_TASK);
      }
    })();
    tablesFilling.add(filling);
    filling.finally(() => tablesFilling.delete(filling));
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
  charts.drawTrend();
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

// Drawing -----------------------------------------------------------------------------------
// The tables in a task each (a reader's click is answered between two, and a newer choice
// stops the making of an older one's); each chart when its section comes within half a
// screen of the view, so a phone draws what it shows and no more. Printing draws them all,
// and so does a "beforeprint" event. body[data-drawn] is the view's key once its text and
// tables are made, body[data-charts] once its charts are drawn too.
const nextTask = () => new Promise((resolve) => { setTimeout(resolve, 0); });
let drawing = 0;
const pending = new Map();
const near = new IntersectionObserver((entries) => {
  for (const entry of entries) if (entry.isIntersecting) drawPending(entry.target);
}, { rootMargin: "0px 0px 50% 0px" });

// Plot is fetched the first time a chart that uses it comes near (a phone that reads the
// summary never loads it); a chart waiting for it is dropped if the view changes meanwhile.
let Plot = null;
let plotLoading = null;
let waiting = 0;
function loadPlot() {
  plotLoading ??= import("./vendor/plot.js").then((found) => { Plot = found; return found; });
  return plotLoading;
}

function later(selector, draw, { plot = false } = {}) {
  const section = $(selector);
  pending.set(section, { draw, plot, run: drawing });
  delete body.dataset.charts;
  near.observe(section);
}

async function drawPending(section) {
  const chart = pending.get(section);
  near.unobserve(section);
  if (!chart) return;
  pending.delete(section);
  if (chart.plot && !Plot) {
    waiting += 1;
    await loadPlot().finally(() => { waiting -= 1; });
  }
  if (chart.run !== drawing) return;
  const begun = performance.now();
  chart.draw(Plot);
  performance.measure(`atlas chart ${section.id}`, { start: begun });
  settled();
}

function settled() {
  if (pending.size === 0 && waiting === 0 && body.dataset.drawn === key()) body.dataset.charts = key();
}

function drawAll() {
  return Promise.all([...pending.keys()].map(drawPending));
}
window.addEventListener("beforeprint", drawAll);

async function update() {
  const run = ++drawing;
  for (const section of pending.keys()) near.unobserve(section);
  pending.clear();
  fillPeriods();
  writeAddress();
  drawSummary();
  const steps = [drawMap, charts.drawBars, charts.drawPhases, drawMunicipalities, charts.drawFunnel, charts.drawTrend];
  for (const step of steps) {
    await nextTask();
    if (run !== drawing) return;
    // Each chart's time, for the browser's performance panel and the benchmarks.
    const begun = performance.now();
    step();
    performance.measure(`atlas ${step.name}`, { start: begun });
  }
  await Promise.all([...tablesFilling]);
  if (run !== drawing) return;
  body.dataset.drawn = key();
  settled();
}

const context = () => ({
  d3, $, w, state, view, rows, referralAreas, links, locale, textLang,
  fmt, count, unit, describe, position, isSuppressed, isYear, yearsOf, records,
  selected, nationRow, key, table, valueColumns, option, linkProfile, getJSON,
  highlight: (row) => highlight(row),
  later,
});

async function start() {
  [view, referralAreas, links] = await Promise.all([
    getJSON(`atlas/${id}.json`), getJSON("atlas/maps/referral_area.json"), getJSON("atlas/areas.json"),
  ]);
  const begun = performance.now();
  rows = records(view.rows);
  performance.measure("atlas records", { start: begun });
  // The comparisons (compare.js), loaded before the page says it is drawn.
  if (document.atlasComparisonsFor) await document.atlasComparisonsFor(view);
  drawMap = mapDrawer(context());
  charts = chartDrawer(context());
  readAddress();
  initControls();
  addDownloads(w, (figure) => `${id}-${figure.id}-${state.level}-${state.period}-${state.sex}`);
  await update();
}

start().catch((error) => {
  const message = document.createElement("p");
  message.className = "warning";
  message.textContent = w.draw_failed.replace("{error}", error.message);
  $("#controls").before(message);
  throw error;
});

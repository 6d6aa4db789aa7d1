// The indicator page's Plot charts (atlas.js): the sorted bars, the funnel plot, the trend and
// a lead time's phases, each with its table twin. Plot (vendor/plot.js, an ES module) is
// loaded when the first of them is drawn.
// A table is made at once; its chart when it comes near the screen (later, in atlas.js).
export function chartDrawer(c) {
  const {
    d3, $, w, state, view, rows, locale, textLang,
    fmt, count, unit, describe, position, isSuppressed, isYear, yearsOf, records,
    selected, nationRow, key, table, valueColumns, option, linkProfile, later,
  } = c;
  // Observable Plot, given when the first chart is drawn (atlas.js loads it then).
  let Plot = null;
  const withPlot = (draw) => (loaded) => {
    Plot = loaded;
    draw();
  };

  // Observable Plot labels its mark groups (<g aria-label="bar">) without a role, which ARIA
  // does not allow; a group role makes the label valid (axe: aria-prohibited-attr).
  function plot(options) {
    const chart = Plot.plot(options);
    for (const group of chart.querySelectorAll("g[aria-label]:not([role])")) group.setAttribute("role", "group");
    return chart;
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
    later("#bars-section", withPlot(() => {
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
    }), { plot: true });
    const byArea = d3.group(yearly, (r) => r.area);
    $("#bars-table").replaceChildren(table(`${view.title[textLang]}, ${w[`levels_${state.level}`]}, ${state.period}`, [
      ...valueColumns(),
      ...(view.published_by ? [{ label: w.published_value, number: true, text: (r) => fmt(r.published_value), raw: (r) => r.published_value }] : []),
      ...(yearly.length ? [{ label: w.years, text: (r) => (byArea.get(r.area) || []).map((y) => `${y.period}: ${fmt(y.value)}`).join("; ") }] : []),
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
    later("#funnel-section", withPlot(() => {
      const lineMarks = [];
      for (const [set, dash] of [[limits.limits, null], [limits.adjusted, "5 4"]]) {
        if (!set) continue;
        for (const [level, colour, widthOf] of [["95", "#767676", 1], ["99.8", "#1a1a1a", 1.5]]) {
          for (const side of ["lower", "upper"]) {
            lineMarks.push(Plot.line(curve(set, level, side), { x: "x", y: "y", stroke: colour, strokeWidth: widthOf, strokeDasharray: dash, curve: "monotone-x", clip: true }));
          }
        }
      }
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
    }), { plot: true });
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
    later("#trend-section", withPlot(() => {
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
    }), { plot: true });
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
    later("#phases-section", withPlot(() => {
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
    }), { plot: true });
    const byArea = d3.group(segments, (r) => r.area);
    $("#phases-table").replaceChildren(table(`${w.phases_heading}, ${w[`levels_${state.level}`]}, ${state.period}`, [
      { label: w.area, text: (r) => r.area_name },
      ...labels.map((label) => ({
        label, number: true,
        text: (r) => fmt((byArea.get(r.area) || []).find((s) => s.phase === label)?.value ?? null),
      })),
    ], areas));
  }


  return { drawBars, drawFunnel, drawTrend, drawPhases };
}

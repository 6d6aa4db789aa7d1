"""A figure of an atlas document, drawn on its page without a script.

A figure bound to an indicator of the publication is its published values per area (and the
nation's), sorted, each with a bar drawn as a small inline SVG (stacked where the figure
stacks its series; none for a table), and a link to the indicator's own page at the figure's
level, period and sex, which draws the map, funnel and trend. A figure of one series also
shows, where the published rows have them, each area's 95 % confidence interval (a line
across the bar; the publisher's own limits where the value is the publisher's) and, for a
run of years, each single year's value (a dot on the period's bar, as SKDE's atlases draw
them); its table, the text alternative of the SVG, has the same numbers in columns. Every
value comes from the disclosed results: a hidden cell says so and has no bar, no interval
and no dot. A figure whose data are not shipped, or whose indicator this publication does
not hold, says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Template
from markupsafe import Markup

from variatlas.documents.model import Figure, Reason, reason_in
from variatlas.documents.model import Language as Written
from variatlas.documents.placeholders import decimals, number
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import period_key
from variatlas.publish.markdown import inline
from variatlas.publish.wording import Language, catalogue_language
from variatlas.results import NATION_CODE, is_suppressed

BAR_WIDTH, BAR_HEIGHT = 160, 12
DOT_RADIUS = TICK = 2.5
SERIES_CLASSES = 4
"""Stacked series are coloured by class (``s0`` … ``s3``, atlas.css), then again from s0."""
ROW_COLUMNS = (
    "area", "area_name", "value", "flag", "lower", "upper",
    "published_value", "published_lower", "published_upper",
)  # fmt: skip
"""What a figure reads of a published row."""
ViewKey = tuple[str, str, str, str]
"""(indicator, level, period, sex)."""


@dataclass(frozen=True)
class Views:
    """The published rows of the indicators the documents show (their columns, as lists),
    which rows each view holds, and the periods of each (indicator, level, sex), latest
    first."""

    columns: Mapping[str, list[Any]]
    places: Mapping[ViewKey, Sequence[int]]
    periods: Mapping[tuple[str, str, str], list[str]]
    kept: dict[ViewKey, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """``records`` of each view asked for, made once (a box's map and bars, a period's years
    for each figure of it)."""

    def period(self, figure: Figure, indicator: str) -> str | None:
        """The figure's period, or the latest the indicator has at its level and sex."""
        if figure.period is not None:
            return figure.period
        found = self.periods.get((indicator, figure.level, figure.sex), [])
        return found[0] if found else None

    def has(self, indicator: str, figure: Figure, period: str) -> bool:
        """Whether the indicator has published the figure's view for ``period``."""
        return (indicator, figure.level, period, figure.sex) in self.places

    def records(self, indicator: str, figure: Figure, period: str) -> dict[str, dict[str, Any]]:
        """The view's rows and the nation's, by area code."""
        key = (indicator, figure.level, period, figure.sex)
        if key not in self.kept:
            found: dict[str, dict[str, Any]] = {}
            for view in (key, (indicator, "nation", period, figure.sex)):
                for i in self.places.get(view, ()):
                    row = {name: values[i] for name, values in self.columns.items()}
                    found[str(row["area"])] = row
            self.kept[key] = found
        return self.kept[key]

    def single_years(self, indicator: str, figure: Figure, period: str) -> list[str]:
        """The years inside a run of years (2022-2024) that the indicator has published at
        the figure's level and sex; none for a single year."""
        first, _, last = period.partition("-")
        if not last:
            return []
        years = [str(year) for year in range(int(first), int(last) + 1)]
        return [y for y in years if self.has(indicator, figure, y)]


def views(results: pd.DataFrame, indicators: set[str]) -> Views:
    """The rows of ``indicators`` in the disclosed results, grouped once by view."""
    shown = results[results["indicator"].isin(indicators)].reset_index(drop=True)
    keys = ["indicator", "level", "period", "sex"]
    places: dict[ViewKey, Sequence[int]] = {}
    periods: dict[tuple[str, str, str], list[str]] = {}
    for key, found in shown.groupby(keys, sort=False, observed=True).indices.items():
        indicator, level, period, sex = (str(k) for k in key)
        places[(indicator, level, period, sex)] = found.tolist()
        periods.setdefault((indicator, level, sex), []).append(period)
    for found_periods in periods.values():
        found_periods.sort(key=period_key, reverse=True)
    columns = {c: shown[c].tolist() for c in ROW_COLUMNS if c in shown}
    return Views(columns, places, periods)


def _hidden(row: Mapping[str, Any] | None) -> bool:
    return row is not None and is_suppressed(row.get("flag") or "")


def _finite(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    found = float(value)
    return found if math.isfinite(found) else None


def _value(row: Mapping[str, Any] | None) -> float | None:
    """A published value, None where it is hidden or missing."""
    if row is None or _hidden(row):
        return None
    return _finite(row.get("value"))


def _interval(row: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """A shown value's 95 % confidence interval, if its row has both limits: its own
    (``lower``, ``upper``), else the publisher's where the value is the publisher's (an
    interval drawn around a value it was not computed for would mislead)."""
    value = _value(row)
    if value is None or row is None:
        return None
    limits = [("lower", "upper")]
    if _finite(row.get("published_value")) == value:
        limits.append(("published_lower", "published_upper"))
    for low, high in limits:
        lower, upper = _finite(row.get(low)), _finite(row.get(high))
        if lower is not None and upper is not None:
            return lower, upper
    return None


@dataclass(frozen=True)
class Marks:
    """What one area's SVG draws: its value (or its stacked series), its interval and the
    values of the single years of the period."""

    values: list[float | None]
    interval: tuple[float, float] | None = None
    years: list[float] = field(default_factory=list)

    def total(self, stacked: bool) -> float | None:
        if not stacked:
            return self.values[0]
        found = [v for v in self.values if v is not None]
        return sum(found) if found else None

    def reach(self, stacked: bool) -> float | None:
        """The furthest right anything of the area is drawn, before scaling (nothing is drawn
        for an area without a value)."""
        if self.total(stacked) is None:
            return None
        found = [self.total(stacked), *(self.interval or ()), *self.years]
        shown = [v for v in found if v is not None]
        return max(shown) if shown else None


def _x(value: float, top: float) -> float:
    """Where ``value`` is drawn: the largest a dot's radius from the end, so it shows whole."""
    return (BAR_WIDTH - DOT_RADIUS - 1) * min(max(value, 0.0), top) / top


def _bar(marks: Marks, top: float, stacked: bool) -> Markup:
    """The SVG of one area against the largest reach of the figure: its bar, then its
    interval as a line with end ticks across it, then the years as dots."""
    parts, x = [], 0.0
    middle = BAR_HEIGHT / 2
    for i, value in enumerate(marks.values if stacked else marks.values[:1]):
        if value is None or value <= 0 or top <= 0:
            continue
        width = _x(value, top)
        parts.append(
            f'<rect class="s{i % SERIES_CLASSES}" x="{x:.1f}" y="1" width="{width:.1f}" '
            f'height="{BAR_HEIGHT - 2}"/>'
        )
        x += width
    if marks.interval is not None and top > 0:
        low, high = (_x(v, top) for v in marks.interval)
        ticks = f"{TICK}V{BAR_HEIGHT - TICK}"  # the ends, across the bar's middle part
        parts.append(
            f'<path class="interval" d="M{low:.1f} {middle}H{high:.1f}'
            f'M{low:.1f} {ticks}M{high:.1f} {ticks}"/>'
        )
    for year in marks.years if top > 0 else []:
        parts.append(
            f'<circle class="year" cx="{_x(year, top):.1f}" cy="{middle}" r="{DOT_RADIUS}"/>'
        )
    return Markup(
        f'<svg class="bar" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" width="{BAR_WIDTH}" '
        f'height="{BAR_HEIGHT}" aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )


@dataclass(frozen=True)
class Drawing:
    """What a figure's template is given besides the words."""

    catalogue: Mapping[str, Indicator]
    published: frozenset[str]
    views: Views
    template: Template
    marks: Mapping[str, str] = field(default_factory=dict)
    """Indicators new or revised in this release (``changes``)."""


def figure_html(
    figure: Figure,
    lang: Written,
    ui: Language,
    w: Mapping[str, str],
    drawing: Drawing,
    *,
    repeated: bool = False,
) -> Markup:
    """A figure of a document in ``lang`` on a page in ``ui`` (its words), as HTML;
    ``repeated``: the box has shown its numbers already (SKDE's map beside its bars), so it
    links only. Text not in ``ui`` is marked with its ``lang``: the document's, the
    catalogue's indicator titles (bokmål on a nynorsk page) and the reasons (English)."""
    titles = catalogue_language(ui)
    context: dict[str, Any] = {
        "w": w,
        "lang": lang,
        "repeated": repeated,
        "title": inline(figure.title[lang]) if figure.title else None,
        "caption": inline(figure.caption[lang]) if figure.caption else None,
        **reason_words(figure.reason, ui),
        "own": Markup(f' lang="{lang}"') if lang != ui else "",
        "title_attr": Markup(f' lang="{titles}"') if titles != ui else "",
        "state": "not shipped",
    }
    if figure.indicator is not None:
        context.update(_bound(figure, ui, w, drawing))
    return Markup(drawing.template.render(**context))


def reason_words(reason: Reason, lang: str) -> dict[str, str | None]:
    """A reason for a page in ``lang``: its text in that language (or the nearest written),
    and the language to mark it with where it is another (``reason_lang``)."""
    text, written = reason_in(reason, lang)
    return {"reason": text, "reason_lang": None if written == lang else written}


def _bound(figure: Figure, ui: Language, w: Mapping[str, str], drawing: Drawing) -> dict[str, Any]:
    """A bound figure's link and table, or why it has none in this publication."""
    main = str(figure.indicator)
    indicator = drawing.catalogue[main]
    titles = catalogue_language(ui)
    title = str(getattr(indicator.title, titles))
    found: dict[str, Any] = {"indicator": main, "indicator_title": title}
    if main not in drawing.published:
        return {**found, "state": "unpublished"}
    period = drawing.views.period(figure, main)
    view = {"level": figure.level, "period": period or "", "sex": figure.sex}
    found["href"] = f"../../{ui}/{main}.html#{urlencode(view)}"
    found["mark"] = drawing.marks.get(main)
    found["whats_new"] = f"../../{ui}/whats-new.html#indicator-{main}"
    found["where"] = f"{w['level_' + figure.level]}, {period or ''}"
    if period is None or not drawing.views.has(main, figure, period):
        return {**found, "state": "empty"}
    series = [main, *(i for i in figure.also if i in drawing.published)]
    found["missing"] = [
        str(getattr(drawing.catalogue[i].title, titles)) for i in figure.also if i not in series
    ]
    found["series"] = [
        {
            "title": str(getattr(drawing.catalogue[i].title, titles)),
            "unit": _unit(drawing, i, titles),
        }
        for i in series
    ]
    found.update(_table(figure, series, period, ui, w, drawing.views))
    found["bars"] = figure.kind != "table"
    found["period"] = period
    return {**found, "state": "drawn"}


def _unit(drawing: Drawing, indicator: str, ui: str) -> str:
    return str(getattr(drawing.catalogue[indicator].unit, ui))


def _table(
    figure: Figure, series: list[str], period: str, ui: str, w: Mapping[str, str], views: Views
) -> dict[str, Any]:
    """The figure's rows (its areas and the nation, largest first, hidden and missing last),
    whether they have intervals, and the single years they show."""
    by_series = [views.records(indicator, figure, period) for indicator in series]
    names = {area: str(row["area_name"]) for rows in by_series for area, row in rows.items()}
    areas = list(by_series[0])
    one = len(series) == 1 and not figure.stacked  # intervals and years: of one series only
    years = views.single_years(series[0], figure, period) if one else []
    by_year = [views.records(series[0], figure, year) for year in years]
    marks = {
        area: Marks(
            [_value(s.get(area)) for s in by_series],
            _interval(by_series[0].get(area)) if one else None,
            [v for v in (_value(y.get(area)) for y in by_year) if v is not None],
        )
        for area in areas
    }
    intervals = any(m.interval is not None for m in marks.values())
    places = [_places(s) for s in by_series]
    totals = {a: m.total(figure.stacked) for a, m in marks.items()}
    top = max((r for m in marks.values() if (r := m.reach(figure.stacked)) is not None), default=0)
    ordered = sorted(areas, key=lambda a: (totals[a] is None, -(totals[a] or 0.0), names[a]))
    rows = []
    for area in ordered:
        main = by_series[0].get(area)
        cells = [
            _cell(s.get(area), _value(s.get(area)), ui, places[i], w)
            for i, s in enumerate(by_series)
        ]
        if intervals:
            interval = marks[area].interval
            cells += [_cell(main, limit, ui, places[0], w) for limit in interval or (None, None)]
        cells += [_cell(y.get(area), _value(y.get(area)), ui, places[0], w) for y in by_year]
        rows.append(
            {
                "area": area,
                "name": names[area],
                "nation": area == NATION_CODE,
                "cells": cells,
                "bar": _bar(marks[area], top, figure.stacked) if totals[area] is not None else "",
            }
        )
    return {"rows": rows, "intervals": intervals, "years": years}


def _cell(
    row: Mapping[str, Any] | None, value: float | None, ui: str, places: int, w: Mapping[str, str]
) -> dict[str, Any]:
    """A table cell: ``value`` (of ``row``) as the reader writes it; a hidden row says so;
    none is a dash."""
    if _hidden(row):
        return {"text": w["profile_hidden"], "hidden": True}
    return {"text": "–" if value is None else number(value, ui, places), "hidden": False}


def _places(rows: Mapping[str, Mapping[str, Any]]) -> int:
    """Decimals for a series: from the nation's value, else the largest shown."""
    value = _value(rows.get(NATION_CODE))
    if value is None:
        shown = [v for v in (_value(r) for r in rows.values()) if v is not None]
        value = max(shown, default=0.0)
    return decimals(value)

"""A figure of an atlas document, drawn on its page without a script.

A figure bound to an indicator of the publication is its published values per area (and the
nation's), sorted, each with a bar drawn as a small inline SVG (stacked where the figure
stacks its series; none for a table), and a link to the indicator's own page at the figure's
level, period and sex, which draws the map, funnel, trend and intervals. Every value comes
from the disclosed results: a hidden cell says so and has no bar. A figure whose data are not
shipped, or whose indicator this publication does not hold, says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Template
from markupsafe import Markup

from variatlas.documents.model import Figure
from variatlas.documents.model import Language as Written
from variatlas.documents.placeholders import decimals, number
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import period_key
from variatlas.publish.markdown import inline
from variatlas.publish.wording import Language, catalogue_language
from variatlas.results import NATION_CODE, is_suppressed

BAR_WIDTH, BAR_HEIGHT = 120, 12
SERIES_CLASSES = 4
"""Stacked series are coloured by class (``s0`` … ``s3``, atlas.css), then again from s0."""
ViewKey = tuple[str, str, str, str]
"""(indicator, level, period, sex)."""


@dataclass(frozen=True)
class Views:
    """The published rows of the indicators the documents show, by view, and the periods of
    each (indicator, level, sex), latest first."""

    rows: Mapping[ViewKey, pd.DataFrame]
    periods: Mapping[tuple[str, str, str], list[str]]

    def period(self, figure: Figure, indicator: str) -> str | None:
        """The figure's period, or the latest the indicator has at its level and sex."""
        if figure.period is not None:
            return figure.period
        found = self.periods.get((indicator, figure.level, figure.sex), [])
        return found[0] if found else None

    def cells(self, indicator: str, figure: Figure, period: str) -> pd.DataFrame | None:
        return self.rows.get((indicator, figure.level, period, figure.sex))

    def nation(self, indicator: str, figure: Figure, period: str) -> pd.DataFrame | None:
        return self.rows.get((indicator, "nation", period, figure.sex))


def views(results: pd.DataFrame, indicators: set[str]) -> Views:
    """The rows of ``indicators`` in the disclosed results, grouped once by view."""
    shown = results[results["indicator"].isin(indicators)]
    columns = ["area", "area_name", "value", "flag"]
    keys = ["indicator", "level", "period", "sex"]
    rows: dict[ViewKey, pd.DataFrame] = {}
    periods: dict[tuple[str, str, str], list[str]] = {}
    for key, frame in shown.groupby(keys, sort=False, observed=True):
        indicator, level, period, sex = (str(k) for k in key)
        rows[(indicator, level, period, sex)] = frame[columns]
        periods.setdefault((indicator, level, sex), []).append(period)
    for found in periods.values():
        found.sort(key=period_key, reverse=True)
    return Views(rows, periods)


def _value(row: Mapping[str, Any]) -> float | None:
    """A published value, None where it is hidden or missing."""
    value = row.get("value")
    if is_suppressed(row.get("flag") or "") or value is None:
        return None
    number_ = float(value)
    return number_ if math.isfinite(number_) else None


def _bar(values: list[float | None], top: float, stacked: bool) -> Markup:
    """The bar of one area: its value (or its stacked series) against the largest total."""
    parts, x = [], 0.0
    for i, value in enumerate(values if stacked else values[:1]):
        if value is None or value <= 0 or top <= 0:
            continue
        width = BAR_WIDTH * value / top
        parts.append(
            f'<rect class="s{i % SERIES_CLASSES}" x="{x:.1f}" y="1" width="{width:.1f}" '
            f'height="{BAR_HEIGHT - 2}"/>'
        )
        x += width
    return Markup(
        f'<svg class="bar" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" width="{BAR_WIDTH}" '
        f'height="{BAR_HEIGHT}" aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )


def _total(values: list[float | None], stacked: bool) -> float | None:
    if not stacked:
        return values[0]
    found = [v for v in values if v is not None]
    return sum(found) if found else None


@dataclass(frozen=True)
class Drawing:
    """What a figure's template is given besides the words."""

    catalogue: Mapping[str, Indicator]
    published: frozenset[str]
    views: Views
    template: Template


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
        "own": Markup(f' lang="{lang}"') if lang != ui else "",
        "title_attr": Markup(f' lang="{titles}"') if titles != ui else "",
        "reason": figure.reason,
        "reason_lang": None if ui == "en" else "en",
        "state": "not shipped",
    }
    if figure.indicator is not None:
        context.update(_bound(figure, ui, w, drawing))
    return Markup(drawing.template.render(**context))


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
    cells = drawing.views.cells(main, figure, period) if period else None
    view = {"level": figure.level, "period": period or "", "sex": figure.sex}
    found["href"] = f"../../{ui}/{main}.html#{urlencode(view)}"
    found["where"] = f"{w['level_' + figure.level]}, {period or ''}"
    if cells is None or period is None:
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
    found["rows"] = _rows(figure, series, period, ui, w, drawing.views)
    found["bars"] = figure.kind != "table"
    return {**found, "state": "drawn"}


def _unit(drawing: Drawing, indicator: str, ui: str) -> str:
    return str(getattr(drawing.catalogue[indicator].unit, ui))


def _rows(
    figure: Figure, series: list[str], period: str, ui: str, w: Mapping[str, str], views: Views
) -> list[dict[str, Any]]:
    """The figure's areas and the nation, largest first, hidden and missing last."""
    by_series: list[dict[str, dict[str, Any]]] = []
    names: dict[str, str] = {}
    for indicator in series:
        frames = [views.cells(indicator, figure, period), views.nation(indicator, figure, period)]
        records = pd.concat([f for f in frames if f is not None]).to_dict("records")
        by_series.append({str(r["area"]): r for r in records})
        names.update({str(r["area"]): str(r["area_name"]) for r in records})
    areas = list(by_series[0])
    values = {a: [_value(s[a]) if a in s else None for s in by_series] for a in areas}
    places = [_places(s) for s in by_series]
    totals = {a: _total(values[a], figure.stacked) for a in areas}
    top = max((t for t in totals.values() if t is not None), default=0.0)
    ordered = sorted(areas, key=lambda a: (totals[a] is None, -(totals[a] or 0.0), names[a]))
    rows = []
    for area in ordered:
        cells = []
        for i, found in enumerate(values[area]):
            row = by_series[i].get(area)
            hidden = row is not None and is_suppressed(row.get("flag") or "")
            cells.append({"text": _cell(found, hidden, ui, places[i], w), "hidden": hidden})
        rows.append(
            {
                "area": area,
                "name": names[area],
                "nation": area == NATION_CODE,
                "cells": cells,
                "bar": _bar(values[area], top, figure.stacked) if totals[area] is not None else "",
            }
        )
    return rows


def _cell(value: float | None, hidden: bool, ui: str, places: int, w: Mapping[str, str]) -> str:
    """A value as the reader writes it; a hidden cell says so; none is a dash."""
    if hidden:
        return w["profile_hidden"]
    return "–" if value is None else number(value, ui, places)


def _places(rows: Mapping[str, Mapping[str, Any]]) -> int:
    """Decimals for a series: from the nation's value, else the largest shown."""
    nation = rows.get(NATION_CODE)
    value = _value(nation) if nation is not None else None
    if value is None:
        shown = [v for v in (_value(r) for r in rows.values()) if v is not None]
        value = max(shown, default=0.0)
    return decimals(value)

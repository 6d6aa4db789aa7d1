"""What an indicator page shows before any script runs: the view ``assets/atlas.js`` opens on
(the first level, its latest multi-year period, both sexes), in the HTML as published.

The controls with their choices, the reading, the variation summary's measures and the table
twin of the sorted bars are written here with the same words and number formats the script
uses (``wording.number`` writes numbers as ``Intl.NumberFormat`` does for ``nb-NO`` and
``en-GB``), so that the script, when it comes, draws the same text over it and nothing moves:
the page's largest text is there at first paint, a reader without a script (or a crawler)
has the figures, and each chart's box is reserved at its final size (``reserved``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from variatlas.publish.wording import Language, catalogue_language, number

SUMMARY_MEASURES = ("FT", "FT2", "FT3", "CV", "SCV", "φ")
CHART_WIDTH = 760
"""The width every Plot chart of the page is drawn at (``atlas.js``), scaled to its box."""
MAP_SIZE = (560, 640)


def first_views(
    view: Mapping[str, Any], words: Mapping[Language, Mapping[str, str]]
) -> dict[Language, dict[str, Any]]:
    """``first_view`` in every language (``words``: each language's interface words)."""
    return {lang: first_view(view, lang, w) for lang, w in words.items()}


def first_view(view: Mapping[str, Any], lang: Language, w: Mapping[str, str]) -> dict[str, Any]:
    """The page's opening view from its view data (``atlas.indicator_view``): what the
    template writes into the controls, the summary and the table twin."""
    rows = _records(view["rows"])
    level = view["levels"][0] if view["levels"] else ""
    present = {r["period"] for r in rows if r["level"] == level}
    periods = [p for p in view["periods"] if p in present]
    period = next((p for p in periods if "-" in p), periods[0] if periods else "")
    sexes = {r["sex"] for r in rows if r["level"] == level and r["period"] == period}
    current = [r for r in rows if (r["level"], r["period"], r["sex"]) == (level, period, "all")]
    summary = next(
        (
            s
            for s in view["summaries"]
            if (s["level"], s["period"], s["sex"]) == (level, period, "all")
        ),
        None,
    )
    places = int(view["decimals"])
    bars = [] if level == "municipality" else _sorted_by_value(current)
    yearly = _yearly(rows, level, period, {r["area"] for r in bars})
    return {
        "level": level,
        "levels": list(view["levels"]),
        "period": period,
        "periods": periods,
        "sexes": sexes,
        "reading": summary["reading"][lang] if summary else "",
        "measures": _measures(summary, lang, w, places) if summary else [],
        "map_note": _map_note(level, w),
        "table": _bars_table(view, bars, yearly, lang, w, places) if bars else None,
        "reserved": {
            "bars": _chart_height(len(bars)),
            "phases": _chart_height(len(bars) + 1),
        },
    }


def _map_note(level: str, w: Mapping[str, str]) -> str:
    """What the map shows at ``level`` (``drawMap`` in ``atlas.js``)."""
    if level == "county":
        return w["map_counties"]
    own = {"municipality": w["map_municipalities"], "dps": w["map_dps"], "referral_area": ""}
    if level in own:
        return f"{own[level]} {w['map_inset']}".strip()
    named = w["map_note_level"].replace("{level}", w.get(f"level_{level}", level).lower())
    return f"{named} {w['map_inset']}"


def _chart_height(areas: int) -> int:
    """The height of a chart with a bar per area (``atlas.js``: 60 + 24 per bar)."""
    return 60 + 24 * areas


def _records(columns: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _sorted_by_value(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Highest value first, areas without one last in the order they come (as the script)."""
    return sorted(rows, key=lambda r: -r["value"] if r["value"] is not None else float("inf"))


def _yearly(
    rows: list[dict[str, Any]], level: str, period: str, areas: set[str]
) -> list[dict[str, Any]]:
    """The single years within a multi-year period, for the areas shown (the bars' dots)."""
    if "-" not in period:
        return []
    first, last = (int(y) for y in period.split("-"))
    years = {str(y) for y in range(first, last + 1)}
    return [
        r
        for r in rows
        if r["level"] == level
        and r["sex"] == "all"
        and r["period"] in years
        and r["area"] in areas
        and r["value"] is not None
    ]


def _fmt(value: float | None, lang: Language, places: int) -> str:
    """``value`` as ``Intl.NumberFormat`` writes it: a tie rounded away from zero (81.25 is
    81.3), where Python's own formatting would round it to even."""
    if value is None or not math.isfinite(value):
        return "–"
    step = Decimal(1).scaleb(-places)
    return number(float(Decimal(value).quantize(step, rounding=ROUND_HALF_UP)), lang, places)


def _measures(
    summary: Mapping[str, Any], lang: Language, w: Mapping[str, str], places: int
) -> list[tuple[str, str]]:
    """The summary's terms and values, as ``drawSummary`` in ``atlas.js`` writes them."""
    if summary.get("comparison"):
        scv = w["too_few_areas"]
    elif summary.get("scv_class") == "none beyond chance":
        scv = w["scv_none"]
    else:
        scv = _fmt(summary.get("scv"), lang, 1)
    cv = summary.get("cv")
    phi = summary.get("phi")
    values = [
        _fmt(summary.get("ft"), lang, 1),
        _fmt(summary.get("ft2"), lang, 1),
        _fmt(summary.get("ft3"), lang, 1),
        "–" if cv is None else f"{_fmt(cv, lang, 0)} %",
        scv,
        _fmt(phi, lang, 2),
    ]
    outside = "–" if phi is None else _fmt(summary.get("outside_998"), lang, 0)
    return [
        *zip(SUMMARY_MEASURES, values, strict=True),
        (f"> {w['limit_998']}", outside),
        (w["nation"], _fmt(summary.get("national_value"), lang, places)),
    ]


def _bars_table(
    view: Mapping[str, Any],
    rows: list[dict[str, Any]],
    yearly: list[dict[str, Any]],
    lang: Language,
    w: Mapping[str, str],
    places: int,
) -> dict[str, Any]:
    """The sorted bars' table twin: its caption, column heads and cells (text, raw value)."""
    text_lang = catalogue_language(lang)
    unit = view["unit"][text_lang]
    heads = [
        (w["area"], False),
        (f"{w['value']} ({unit})", True),
        (w["lower"], True),
        (w["upper"], True),
        (w["numerator"], True),
        (w["denominator"], True),
    ]
    if view.get("published_by"):
        heads.append((w["published_value"], True))
    if yearly:
        heads.append((w["years"], False))
    body = []
    for row in rows:
        hidden = str(row["flag"]).startswith("suppressed")
        cells: list[tuple[str, Any]] = [
            (w["status_suppressed"] if hidden else _fmt(row["value"], lang, places), row["value"]),
            (_fmt(row["lower"], lang, places), row["lower"]),
            (_fmt(row["upper"], lang, places), row["upper"]),
            (_fmt(row["numerator"], lang, 0), row["numerator"]),
            (_fmt(row["denominator"], lang, 0), row["denominator"]),
        ]
        if view.get("published_by"):
            published = row.get("published_value")
            cells.append((_fmt(published, lang, places), published))
        extra = []
        if yearly:
            years = [y for y in yearly if y["area"] == row["area"]]
            extra = ["; ".join(f"{y['period']}: {_fmt(y['value'], lang, places)}" for y in years)]
        body.append(
            {
                "area": row["area"],
                "name": row["area_name"],
                "suppressed": hidden,
                "numbers": [(text, _raw(raw)) for text, raw in cells],
                "texts": extra,
            }
        )
    level_words = w[f"levels_{rows[0]['level']}"] if rows else ""
    caption = f"{view['title'][text_lang]}, {level_words}, {rows[0]['period'] if rows else ''}"
    return {"caption": caption, "heads": heads, "rows": body}


def _raw(value: Any) -> str:
    """A cell's ``data-raw``: the number as JavaScript's ``String`` writes it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)

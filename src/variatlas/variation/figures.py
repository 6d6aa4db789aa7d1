"""What the atlas draws of a variation summary: funnel limits and map classes per view.

Computed here, from the rows and summaries of one indicator, so that publishing only
serialises them and the browser does no statistics.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from variatlas.indicators.model import Indicator
from variatlas.variation.breaks import natural_breaks
from variatlas.variation.funnels import funnel_curves, funnel_kind

MAP_LEVELS = ("municipality", "county", "referral_area", "dps", "health_trust", "region")
"""Levels drawn on a map (trusts and regions colour their referral areas; municipalities,
counties and DPS areas have maps of their own)."""
MAP_CLASSES = 5


def view_key(level: str, period: str, sex: str) -> str:
    return f"{level}|{period}|{sex}"


def view_figures(
    indicator: Indicator, rows: pd.DataFrame, summaries: pd.DataFrame
) -> dict[str, dict[str, Any]]:
    """Per view (``level|period|sex``, in the order of ``summaries``): its funnel limits
    (``funnel_curves``, where the indicator has a funnel) and its natural-breaks map classes
    (where the level is mapped and some area has a value)."""
    kind = funnel_kind(indicator)
    by_view = dict(tuple(rows.groupby(["level", "period", "sex"], sort=False)))
    figures: dict[str, dict[str, Any]] = {}
    for summary in summaries.to_dict("records"):
        cells = by_view[(summary["level"], summary["period"], summary["sex"])]
        figure: dict[str, Any] = {"funnel": None, "breaks": None}
        if kind is not None:
            figure["funnel"] = funnel_curves(kind, cells, summary, indicator.multiplier)
        if summary["level"] in MAP_LEVELS:
            values = cells["value"].dropna()
            if len(values):
                figure["breaks"] = [float(b) for b in natural_breaks(values, k=MAP_CLASSES)]
        figures[view_key(summary["level"], summary["period"], summary["sex"])] = figure
    return figures

"""Funnel plots of areas: which funnel an indicator is judged on, each area's position on it,
the overdispersion of the areas, and the limits as lines to draw.

The statistics themselves are ``variatlas.stats.funnel``; this module applies them to the
rows of the results contract.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from variatlas import stats
from variatlas.indicators.model import Indicator
from variatlas.stats.estimate import as_float
from variatlas.stats.funnel import FUNNEL_LEVELS

FUNNEL_POINTS = 80
"""Points along each drawn limit: finer than the eye needs at a chart's size."""

FunnelKind = Literal["ratio", "proportion"]


def funnel_kind(indicator: Indicator) -> FunnelKind | None:
    """Which funnel an indicator's areas are judged on, if any.

    Rates (and aggregates, and case-mix adjusted proportions): observed against expected, a
    ratio funnel. Other proportions: the proportion against its denominator. Durations, means
    and scores: none.
    """
    if (
        (indicator.kind in ("rate", "coverage") and indicator.population is not None)
        or (indicator.source == "aggregates")
        or indicator.standardisation.method == "logistic"
    ):
        return "ratio"
    if indicator.kind in ("proportion", "coverage"):
        return "proportion"
    return None


def funnel_flags(indicator: Indicator, frame: pd.DataFrame) -> pd.Series:
    """Where each area lies on its funnel (PHE labels), empty where no funnel applies.

    Ratio funnels: O against E. Proportion funnels: the Wilson interval against the share of
    all areas of the same level, period and sex.
    """
    labels = pd.Series("", index=frame.index, dtype=object)
    o, e, n = frame["numerator"], frame["expected"], frame["denominator"]
    kind = funnel_kind(indicator)
    if kind == "ratio":
        rows = o.notna() & (o >= 0) & e.notna() & (e > 0)
        if rows.any():
            labels[rows] = stats.funnel_significance("ratio", o[rows], e[rows])
    elif kind == "proportion":
        rows = o.notna() & n.notna() & (n > 0)
        if rows.any():
            part = frame[rows]
            groups = [part["level"], part["period"], part["sex"]]
            centre = part["numerator"].groupby(groups).transform("sum") / part[
                "denominator"
            ].groupby(groups).transform("sum")
            nation = part["level"] == "nation"
            labels[rows] = np.where(
                nation,
                "",
                stats.funnel_significance("proportion", o[rows], n[rows], centre=centre),
            )
    return labels


def area_overdispersion(
    indicator: Indicator, numerator: ArrayLike, expected: ArrayLike, denominator: ArrayLike
) -> tuple[float, float]:
    """(phi, tau²) of the areas of one view around their funnel; NaN with fewer than 5."""
    o, e, n = as_float(numerator), as_float(expected), as_float(denominator)
    if len(o) < 5:
        return float("nan"), float("nan")
    if indicator.kind == "proportion" and indicator.standardisation.method != "logistic":
        keep = n > 0
        if keep.sum() < 5:
            return float("nan"), float("nan")
        result = stats.overdispersion(o[keep], n[keep], kind="proportion")
    elif np.all(e > 0) and np.all(o > 0):
        result = stats.overdispersion(o, e)
    else:
        return float("nan"), float("nan")
    return result.phi, result.tau2


Line = dict[str, list[float | None]]


def finite(value: Any) -> float | None:
    """A number as a plain float, None where it is missing, NaN or infinite."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _drawn(value: Any) -> float | None:
    """A coordinate to draw: 4 significant digits are finer than a screen's pixels."""
    number = finite(value)
    return None if number is None else float(f"{number:.4g}")


def _line(x: Any, y: Any) -> Line:
    return {"x": [_drawn(v) for v in x], "y": [_drawn(v) for v in y]}


def funnel_curves(
    kind: str, cells: pd.DataFrame, summary: dict[str, Any], multiplier: float
) -> dict[str, Any] | None:
    """The 95 % and 99.8 % funnel limits over the span of the areas' x values, as lines.

    Ratio funnels (O/E against E): PHE's exact limits, traced along the observed count O,
    each point at the expected count where O just reaches the tail (``stats.funnel_limits``
    with ``ratio``), the same test that labels the areas. Proportion funnels: the proportion
    against n around the national proportion (``stats.funnel_limits``). Where phi > 1, also
    the limits widened by tau² (Spiegelhalter 2005, the overdispersion the summary reports;
    ``stats.ratio_limits`` on the square-root scale for ratios).
    """
    centre = finite(summary.get("national_value"))
    column = "expected" if kind == "ratio" else "denominator"
    x = cells[column].dropna()
    x = x[x > 0]
    if len(x) < 2 or (kind == "proportion" and centre is None):
        return None
    low, high = float(x.min()), float(x.max())
    grid = np.geomspace(max(low / 1.5, 0.5), high * 1.5, FUNNEL_POINTS)
    phi, tau2 = finite(summary.get("phi")), finite(summary.get("tau2")) or 0.0
    overdispersed = phi is not None and phi > 1 and tau2 > 0
    limits: dict[str, dict[str, Line]] = {}
    adjusted: dict[str, dict[str, Line]] = {}
    if kind == "ratio":
        observed = np.geomspace(max(low / 3, 1.0), high * 3 + 10, FUNNEL_POINTS)
        exact = stats.funnel_limits("ratio", observed, baseline=1.0)
        widened = stats.ratio_limits(grid, tau2=tau2) if overdispersed else None
        for level in FUNNEL_LEVELS:
            limits[f"{level * 100:g}"] = {
                "lower": _line(exact.extra["lower_expected"][level], exact.lower[level]),
                "upper": _line(exact.extra["upper_expected"][level], exact.upper[level]),
            }
            if widened is not None:
                adjusted[f"{level * 100:g}"] = {
                    side: _line(grid, getattr(widened, side)[level]) for side in ("lower", "upper")
                }
    else:
        assert centre is not None
        plain = stats.funnel_limits("proportion", grid, baseline=centre, multiplier=multiplier)
        spread = (
            stats.funnel_limits(
                "proportion", grid, baseline=centre, multiplier=multiplier, tau2=tau2
            )
            if overdispersed
            else None
        )
        for level in FUNNEL_LEVELS:
            limits[f"{level * 100:g}"] = {
                side: _line(grid, getattr(plain, side)[level]) for side in ("lower", "upper")
            }
            if spread is not None:
                adjusted[f"{level * 100:g}"] = {
                    side: _line(grid, getattr(spread, side)[level]) for side in ("lower", "upper")
                }
    return {
        "centre": 1.0 if kind == "ratio" else centre,
        "limits": limits,
        "adjusted": adjusted or None,
        "phi": phi,
    }

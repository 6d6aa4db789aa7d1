"""Inequality across the municipalities' classes: the gradient over SSB's centrality classes
(slope and relative index of inequality), the values of the KOSTRA groups, and how much of the
between-municipality variation centrality accounts for.

All from published rows: the classes' own rows (levels ``centrality`` and ``kostra_group``,
aggregated from the municipality cells and disclosure-controlled like any level) and the
published municipality values.

The centrality classes are ordered, from the least central (class 6) to the most (class 1), so
a slope over them means something: the SII is the modelled difference between the most
central and the least central end of the population, the RII their ratio
(``variatlas.stats.inequality.slope_index``, PHE's method). The KOSTRA groups are not
ordered: they cross size (small, middle, large) with bound costs and free disposable income,
and no ordering of the 17 groups runs from less to more of one thing, so there is no slope
over them, only each group's value beside the others'.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from variatlas.geography import peer_groups
from variatlas.indicators.model import Indicator
from variatlas.results import CONFIDENCE, INEQUALITY_FIELDS, is_suppressed
from variatlas.stats.estimate import as_float
from variatlas.stats.inequality import ValueType, slope_index

CENTRALITY_ORDER: tuple[str, ...] = ("6", "5", "4", "3", "2", "1")
"""Centrality classes from the least central to the most: the order of the slope."""
REPETITIONS = 10_000
"""Simulated draws for the SII's and RII's intervals: enough for limits stable to well within
their own width (phe_sii's default is 100,000; the limits are percentiles of the draws)."""
INEQUALITY_COLUMNS = [f.name for f in INEQUALITY_FIELDS]
NO_SLOPE = {
    "hidden": "a class's value or population is hidden or missing",
    "no denominator": "the indicator has no population or denominator to rank classes by",
    "invalid": "a class's value or interval cannot enter the model (zero, or no interval)",
}
"""Why a view has no slope (the ``reason`` column holds the key)."""


def class_share(values: ArrayLike, classes: ArrayLike, weights: ArrayLike) -> float:
    """The share of the weighted variance of log(value) across areas that their classes'
    weighted means account for: the correlation ratio η² of a one-way analysis of variance
    (between-class sum of squares over the total), i.e. the R² of a weighted regression of
    log(value) on the classes, on the same scale as ``summarise.need_share``.

    NaN with fewer than 4 areas, fewer than 2 classes, or no variation.

    References: Pearson K. On the general theory of skew correlation and non-linear
    regression. Drapers' Company Research Memoirs, Biometric Series II, 1905 (the
    correlation ratio); Cohen J. Statistical power analysis for the behavioral sciences,
    2nd ed. 1988, section 8.2 (η² as variance explained).
    """
    v, w = as_float(values), as_float(weights)
    labels = np.asarray(classes, dtype=object)
    known = np.array([isinstance(c, str) and c != "" for c in labels], dtype=bool)
    keep = ~np.isnan(v) & (v > 0) & ~np.isnan(w) & (w > 0) & known
    if keep.sum() < 4:
        return float("nan")
    y, w, labels = np.log(v[keep]), w[keep], labels[keep]
    codes, group = np.unique(labels.astype(str), return_inverse=True)
    if len(codes) < 2:
        return float("nan")
    totals = np.bincount(group, weights=w)
    means = np.bincount(group, weights=w * y) / totals
    grand = np.average(y, weights=w)
    total = float(np.sum(w * (y - grand) ** 2))
    between = float(np.sum(totals * (means - grand) ** 2))
    return between / total if total > 0 else float("nan")


def centrality_explained(rows: pd.DataFrame) -> float:
    """``class_share`` of the published municipality rows of one view by their centrality
    classes, weighted by their denominators (population or eligible cases; equal weights
    where the indicator has none)."""
    shown = rows[~rows["flag"].map(is_suppressed).astype(bool)]
    classes = shown["area"].astype(str).map(peer_groups()["centrality"])
    weights = pd.to_numeric(shown["denominator"]).to_numpy(float)
    if np.isnan(weights).all():
        weights = np.ones(len(shown))
    return class_share(pd.to_numeric(shown["value"]).to_numpy(float), classes, weights)


def _value_type(indicator: Indicator) -> ValueType:
    """How a value's standard error is derived from its interval: a proportion on the logit
    scale, a rate or a coverage (counted against a population, its interval Byar's or
    exact Poisson, and not bounded by 100 %) on the log scale, anything else as it is."""
    if indicator.kind == "proportion":
        return "proportion"
    if indicator.kind in ("rate", "coverage"):
        return "rate"
    return "other"


def centrality_slope(indicator: Indicator, classes: pd.DataFrame, seed: int) -> dict[str, object]:
    """The SII and RII over the centrality class rows of one view (``classes``: published
    rows at level ``centrality``), least central first; empty with a ``reason`` where a
    class is hidden or cannot enter the model."""
    found: dict[str, object] = {"value_type": _value_type(indicator), "reason": ""}
    by_class = classes.assign(area=classes["area"].astype(str)).set_index("area")
    ordered = by_class.reindex(list(CENTRALITY_ORDER))
    found["groups"] = int(ordered["value"].notna().sum())
    hidden = ordered["flag"].map(lambda f: is_suppressed(f) if isinstance(f, str) else True)
    if (
        indicator.kind in ("count", "duration", "mean_score")
        and ordered["denominator"].isna().all()
    ):
        found["reason"] = "no denominator"
        return found
    population = pd.to_numeric(ordered["denominator"]).to_numpy(float)
    value = pd.to_numeric(ordered["value"]).to_numpy(float)
    if hidden.any() or np.isnan(population).any() or np.isnan(value).any():
        found["reason"] = "hidden"
        return found
    lower = pd.to_numeric(ordered["lower"]).to_numpy(float)
    upper = pd.to_numeric(ordered["upper"]).to_numpy(float)
    value_type = _value_type(indicator)
    scale = indicator.multiplier if value_type == "proportion" else 1.0
    try:
        index = slope_index(
            population,
            value / scale,
            value_type=value_type,
            lower=lower / scale,
            upper=upper / scale,
            limits_confidence=CONFIDENCE,
            multiplier=scale,
            confidence=CONFIDENCE,
            repetitions=REPETITIONS,
            seed=seed,
        )
    except ValueError:
        found["reason"] = "invalid"
        return found
    sii_low, sii_high = index.interval(CONFIDENCE)
    rii_low, rii_high = index.interval(CONFIDENCE, relative=True)
    found.update(
        sii=index.sii,
        sii_lower=sii_low,
        sii_upper=sii_high,
        rii=index.rii,
        rii_lower=rii_low,
        rii_upper=rii_high,
    )
    return found


def inequality(indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per period and sex with centrality class rows (``INEQUALITY_COLUMNS``): the
    slope across the classes. The classes' and the KOSTRA groups' own values are their rows
    in the results (levels ``centrality`` and ``kostra_group``)."""
    classes = rows[rows["level"] == "centrality"]
    found = []
    for (period, sex), view in classes.groupby(["period", "sex"], sort=True):
        # A seed of its own for each view, so a view's limits do not depend on the others.
        seed = zlib.crc32(f"{indicator.id}|{period}|{sex}".encode())
        found.append(
            {
                "indicator": indicator.id,
                "period": period,
                "sex": sex,
                "grouping": "centrality",
                **centrality_slope(indicator, view, seed),
            }
        )
    return pd.DataFrame(found, columns=INEQUALITY_COLUMNS)

"""Many small areas: which differ from the country once chance among hundreds is allowed for
(false discovery rate), and a stable estimate for each (empirical Bayes).

Both work on an indicator's funnel: observed against expected counts (rates, ratios) or
successes of a total (proportions). The statistics are ``variatlas.stats.multiple`` and
``variatlas.stats.shrinkage``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from variatlas import stats
from variatlas.indicators.model import Indicator
from variatlas.stats.estimate import FloatArray, as_float
from variatlas.variation.funnels import funnel_kind

FALSE_DISCOVERY_RATE = 0.05
"""The share of false flags tolerated among the areas flagged."""

SHRUNK_COLUMNS = ["shrunk_value", "shrunk_lower", "shrunk_upper", "shrinkage"]
SHRINKAGE_METHODS = {"ratio": "poisson-gamma", "proportion": "beta-binomial"}


def _usable_rows(
    indicator: Indicator, numerator: FloatArray, denominator: FloatArray, expected: FloatArray
) -> NDArray[np.bool_]:
    """The areas with the counts their funnel needs (published cells only)."""
    basis = expected if funnel_kind(indicator) == "ratio" else denominator
    return ~np.isnan(numerator) & (basis > 0)


def column_numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    """A results column as floats, NaN where a value is missing (a hidden count is None) or
    the column is absent."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column]).to_numpy(dtype=float, na_value=np.nan)


def _usable(indicator: Indicator, areas: pd.DataFrame) -> pd.DataFrame:
    o, n, e = (column_numbers(areas, c) for c in ("numerator", "denominator", "expected"))
    return areas[_usable_rows(indicator, o, n, e)]


def fdr_outliers(
    indicator: Indicator, numerator: ArrayLike, denominator: ArrayLike, expected: ArrayLike
) -> tuple[float, float]:
    """(above, below): areas of one view that differ from the country at a false discovery
    rate of 5 % (Benjamini–Hochberg over the areas), each tested exactly against the country
    (O against E, or successes against the pooled share); NaN where there is no funnel."""
    o, n, e = as_float(numerator), as_float(denominator), as_float(expected)
    kind = funnel_kind(indicator)
    usable = _usable_rows(indicator, o, n, e)
    if kind is None or not usable.any():
        return float("nan"), float("nan")
    o, n, e = o[usable], n[usable], e[usable]
    if kind == "ratio":
        p, direction = stats.poisson_p_values(o, e), np.sign(o - e)
    else:
        share = o.sum() / n.sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            p, direction = stats.binomial_p_values(o, n, share), np.sign(o / n - share)
    flagged = stats.benjamini_hochberg(p) <= FALSE_DISCOVERY_RATE
    return float(np.sum(flagged & (direction > 0))), float(np.sum(flagged & (direction < 0)))


NO_NATIONAL_VALUE = "not fitted: no national value"


def shrunken(indicator: Indicator, areas: pd.DataFrame, national: float) -> pd.DataFrame:
    """Empirical-Bayes estimates of the areas of one view, on the indicator's scale, from the
    published cells only: the prior is fitted to what is published, so the estimates say
    nothing about a hidden cell. Rates and ratios: Poisson–gamma relative risk × the
    national value; proportions: beta–binomial share × the multiplier.

    ``shrinkage`` names the model on every area with an estimate; where the view gets none
    (fewer than 5 published areas, every published count zero, every share complete, no
    national value) it gives the reason on the areas with published counts
    (``variatlas.stats.shrinkage``'s ``FEWER_AREAS``, ``ALL_ZERO``, ``ALL_COMPLETE`` and
    ``NO_NATIONAL_VALUE`` here); cells without a published count, and indicators without a
    funnel, get ""."""
    found = pd.DataFrame(
        {"shrunk_value": np.nan, "shrunk_lower": np.nan, "shrunk_upper": np.nan, "shrinkage": ""},
        index=areas.index,
    )
    kind = funnel_kind(indicator)
    if kind is None:
        return found
    usable = _usable(indicator, areas)
    o = usable["numerator"].to_numpy(dtype=float)
    if kind == "ratio":
        if not np.isfinite(national):
            found.loc[usable.index, "shrinkage"] = NO_NATIONAL_VALUE
            return found
        fit = stats.poisson_gamma(o, usable["expected"].to_numpy(dtype=float))
        scale = national
    else:
        fit = stats.beta_binomial(o, usable["denominator"].to_numpy(dtype=float))
        scale = indicator.multiplier
    if fit.reason:
        found.loc[usable.index, "shrinkage"] = fit.reason
        return found
    for column, values in zip(SHRUNK_COLUMNS, (fit.value, fit.lower, fit.upper), strict=False):
        found.loc[usable.index, column] = np.asarray(values * scale, dtype=float)
    estimated = usable.index[np.isfinite(fit.value)]
    found.loc[estimated, "shrinkage"] = SHRINKAGE_METHODS[kind]
    return found


def with_shrinkage(indicator: Indicator, results: pd.DataFrame) -> pd.DataFrame:
    """Published results with the empirical-Bayes columns for every municipality view (the
    level where areas are small and many); empty elsewhere."""
    results = results.drop(columns=SHRUNK_COLUMNS, errors="ignore")
    national = results[results["level"] == "nation"].set_index(["period", "sex"])["value"]
    municipal = results[results["level"] == "municipality"]
    parts = [
        shrunken(indicator, areas, float(national.get((period, sex), np.nan)))
        for (period, sex), areas in municipal.groupby(["period", "sex"], sort=False)
    ]
    found = pd.concat(parts) if parts else pd.DataFrame(columns=SHRUNK_COLUMNS, dtype=float)
    results = results.join(found)
    method = results["shrinkage"].astype(object)
    results["shrinkage"] = method.where(method.notna(), "")
    return results

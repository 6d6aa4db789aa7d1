"""Distribution-free confidence intervals for medians and other quantiles."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from variatlas.stats.estimate import (
    Confidence,
    Estimate,
    as_float,
    confidence_levels,
    stack_levels,
)


def order_statistic_ranks(n: ArrayLike, q: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """1-based ranks (r, s) with P(X_(r) ≤ ξ_q ≤ X_(s)) ≥ ``level`` for a sample of size n.

    ``r = B⁻¹((1-c)/2)`` and ``s = B⁻¹((1+c)/2) + 1`` with B ~ Binomial(n, q), so the coverage
    ``B(s-1) − B(r-1)`` is at least c. Ranks outside 1..n mean the bound cannot be had from
    the sample (it is then NaN). Reference: Conover WJ. Practical Nonparametric Statistics,
    3rd ed. Wiley, 1999, §3.2; Campbell MJ, Gardner MJ. BMJ 1988;296:1454-6.
    """
    size = np.asarray(n, dtype=float)
    alpha = 1 - level
    lower = stats.binom.ppf(alpha / 2, size, q)
    upper = stats.binom.ppf(1 - alpha / 2, size, q) + 1
    return lower, upper


def quantile_ci(
    values: ArrayLike,
    *,
    q: float = 0.5,
    groups: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    confidence: Confidence = 0.95,
) -> Estimate:
    """Sample quantile per group with a distribution-free interval from order statistics.

    The point estimate is the sample quantile (``numpy.quantile``, linear interpolation; the
    median for q = 0.5). The bounds are order statistics chosen from the binomial
    distribution (``order_statistic_ranks``): exact coverage of at least the level, with no
    assumption about the shape of the distribution, as lead and waiting times need.
    ``weights`` are whole frequencies: a value with weight 3 counts as three observations
    (aggregated data: days and the number of rows with that many days).
    Reference: Conover 1999, §3.2.
    """
    if not 0 < q < 1:
        raise ValueError("q must lie strictly between 0 and 1")
    x = as_float(values)
    keys = np.zeros(len(x), dtype=int) if groups is None else np.asarray(groups)
    if weights is not None:
        repeat = np.asarray(weights, dtype=np.int64)
        x, keys = np.repeat(x, repeat), np.repeat(keys, repeat)
    keep = ~np.isnan(x)
    x, keys = x[keep], keys[keep]
    unique = np.unique(keys)
    order = np.lexsort((x, keys))
    x, keys = x[order], keys[order]
    starts = np.searchsorted(keys, unique, side="left")
    ends = np.searchsorted(keys, unique, side="right")
    sizes = ends - starts
    value = _sorted_quantile(x, starts, sizes, q)
    levels = confidence_levels(confidence)
    bounds = []
    for level in levels:
        r, s = order_statistic_ranks(sizes, q, level)
        bounds.append((_pick(x, starts, sizes, r), _pick(x, starts, sizes, s)))
    lower, upper = stack_levels(bounds)
    return Estimate(value, lower, upper, levels, np.full(value.shape, "order-statistics"), unique)


def median_ci(
    values: ArrayLike,
    *,
    groups: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    confidence: Confidence = 0.95,
) -> Estimate:
    """The median with its distribution-free interval (``quantile_ci`` at q = 0.5)."""
    return quantile_ci(values, q=0.5, groups=groups, weights=weights, confidence=confidence)


def _sorted_quantile(x: np.ndarray, starts: np.ndarray, sizes: np.ndarray, q: float) -> np.ndarray:
    """``numpy.quantile`` (linear interpolation) of each sorted run x[start : start + size],
    for every run at once: at h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)."""
    if not len(x):
        return np.full(len(starts), np.nan)
    h = (np.maximum(sizes, 1) - 1) * q
    below = np.floor(h).astype(int)
    above = np.minimum(below + 1, np.maximum(sizes, 1) - 1)
    first = x[np.clip(starts + below, 0, len(x) - 1)]
    second = x[np.clip(starts + above, 0, len(x) - 1)]
    return np.where(sizes > 0, first + (h - below) * (second - first), np.nan)


def _pick(x: np.ndarray, starts: np.ndarray, sizes: np.ndarray, rank: np.ndarray) -> np.ndarray:
    valid = (rank >= 1) & (rank <= sizes)
    index = starts + np.clip(rank, 1, np.maximum(sizes, 1)).astype(int) - 1
    index = np.clip(index, 0, max(len(x) - 1, 0))
    picked = x[index] if len(x) else np.full(len(starts), np.nan)
    return np.where(valid, picked, np.nan)

"""Distribution-free confidence intervals for medians and other quantiles."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from variatlas.stats.estimate import (
    Confidence,
    Estimate,
    as_float,
    checked_confidence,
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
    alpha = 1 - checked_confidence(level)
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
    counts = np.ones(len(x), dtype=np.int64) if weights is None else np.asarray(weights, np.int64)
    keep = ~np.isnan(x) & (counts > 0)
    x, keys, counts = x[keep], keys[keep], counts[keep]
    unique, codes = np.unique(keys, return_inverse=True)
    order = np.lexsort((x, codes))
    sample = _Sorted(x[order], codes[order], counts[order], len(unique))
    sizes = sample.sizes
    h = (np.maximum(sizes, 1) - 1) * q
    below = np.floor(h).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(sizes, 1) - 1)
    first, second = sample.at_rank(below + 1), sample.at_rank(above + 1)
    value = np.where(sizes > 0, first + (h - below) * (second - first), np.nan)
    levels = confidence_levels(confidence)
    bounds = []
    for level in levels:
        r, s = order_statistic_ranks(sizes, q, level)
        bounds.append((sample.pick(r), sample.pick(s)))
    lower, upper = stack_levels(bounds)
    return Estimate(value, lower, upper, levels, np.full(value.shape, "order-statistics"), unique)


class _Sorted:
    """Values sorted within their groups, each with how many observations it stands for, so
    that the k-th observation of a group is found without writing the observations out one
    by one (a national waiting time: millions of patients, a few thousand distinct days)."""

    def __init__(self, x: np.ndarray, codes: np.ndarray, counts: np.ndarray, groups: int):
        self.x = x
        self.running = np.cumsum(counts)
        self.sizes = np.bincount(codes, weights=counts, minlength=groups).astype(np.int64)
        self.before = np.cumsum(self.sizes) - self.sizes

    def at_rank(self, rank: np.ndarray) -> np.ndarray:
        """The observation of 1-based ``rank`` in each group (ranks within 1..size)."""
        if not len(self.x):
            return np.full(len(self.sizes), np.nan)
        position = np.searchsorted(self.running, self.before + rank, side="left")
        return self.x[np.clip(position, 0, len(self.x) - 1)]

    def pick(self, rank: np.ndarray) -> np.ndarray:
        """As ``at_rank``, NaN where the rank lies outside the group (no such bound)."""
        valid = (rank >= 1) & (rank <= self.sizes)
        clipped = np.clip(rank, 1, np.maximum(self.sizes, 1)).astype(np.int64)
        return np.where(valid, self.at_rank(clipped), np.nan)


def median_ci(
    values: ArrayLike,
    *,
    groups: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    confidence: Confidence = 0.95,
) -> Estimate:
    """The median with its distribution-free interval (``quantile_ci`` at q = 0.5)."""
    return quantile_ci(values, q=0.5, groups=groups, weights=weights, confidence=confidence)

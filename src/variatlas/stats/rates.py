"""Crude rates, proportions and means with their confidence intervals (PHE methods)."""

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
from variatlas.stats.intervals import poisson_limits, wilson


def crude_rate(
    events: ArrayLike,
    population: ArrayLike,
    *,
    multiplier: float = 1000,
    confidence: Confidence = 0.95,
) -> Estimate:
    """Crude rate per ``multiplier`` with exact Poisson limits below 10 events, Byar's above.

    ``value = events / population * multiplier``; the limits of the count divided by the
    population. At 0 events the value and lower limit are 0 and the upper limit is the exact
    one. References: PHE Fingertips technical guidance, "Confidence intervals for rates"
    (Breslow & Day 1987 for Byar's; Armitage & Berry 2002 for the exact limits);
    PHEindicatormethods ``phe_rate``.
    """
    x, n = np.broadcast_arrays(as_float(events), as_float(population))
    _check_counts(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n * multiplier
        levels = confidence_levels(confidence)
        bounds = []
        for level in levels:
            lower, upper, _ = poisson_limits(x, level)
            bounds.append((lower / n * multiplier, upper / n * multiplier))
    lower, upper = stack_levels(bounds)
    method = np.where(np.isnan(x), "", np.where(x < 10, "exact", "byar"))
    return Estimate(value, lower, upper, levels, method)


def proportion(
    successes: ArrayLike,
    total: ArrayLike,
    *,
    multiplier: float = 100,
    confidence: Confidence = 0.95,
) -> Estimate:
    """Proportion (× ``multiplier``, 100 = percent) with the Wilson score interval.

    References: Wilson EB 1927; Newcombe RG, Altman DG 2000; PHEindicatormethods
    ``phe_proportion``.
    """
    x, n = np.broadcast_arrays(as_float(successes), as_float(total))
    _check_counts(x, n)
    if np.any(x > n):
        raise ValueError("successes must not exceed the total")
    levels = confidence_levels(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n * multiplier
        bounds = [tuple(b * multiplier for b in wilson(x, n, level)) for level in levels]
    lower, upper = stack_levels(bounds)  # type: ignore[arg-type]
    return Estimate(value, lower, upper, levels, np.full(value.shape, "wilson"))


def mean(
    values: ArrayLike,
    *,
    groups: ArrayLike | None = None,
    confidence: Confidence = 0.95,
) -> Estimate:
    """Mean per group with a Student's t interval (n - 1 degrees of freedom).

    ``mean ± |t((1-c)/2, n-1)| · sd / sqrt(n)`` with the sample sd. Missing values are ignored.
    Returns one estimate per group, groups sorted (one group when ``groups`` is None).
    Reference: Student. Biometrika 1908;6:1-25; PHEindicatormethods ``phe_mean``.
    """
    summary = group_moments(values, groups)
    return mean_from_moments(summary[1], summary[2], summary[3], confidence=confidence)


def group_moments(
    values: ArrayLike, groups: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(group keys, count, mean, sample sd) of the non-missing values per group."""
    x = as_float(values)
    keys = np.zeros(len(x), dtype=int) if groups is None else np.asarray(groups)
    keep = ~np.isnan(x)
    x, keys = x[keep], keys[keep]
    unique, inverse = np.unique(keys, return_inverse=True)
    count = np.bincount(inverse, minlength=len(unique)).astype(float)
    total = np.bincount(inverse, weights=x, minlength=len(unique))
    with np.errstate(divide="ignore", invalid="ignore"):
        average = total / count
        squares = np.bincount(inverse, weights=(x - average[inverse]) ** 2, minlength=len(unique))
        sd = np.sqrt(squares / (count - 1))
    return unique, count, average, sd


def mean_from_moments(
    count: ArrayLike, average: ArrayLike, sd: ArrayLike, *, confidence: Confidence = 0.95
) -> Estimate:
    """Student's t interval from a count, mean and sample sd (for aggregated data)."""
    n, m, s = (as_float(a) for a in (count, average, sd))
    levels = confidence_levels(confidence)
    bounds = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in levels:
            t = np.abs(stats.t.ppf((1 - level) / 2, n - 1))
            half = t * s / np.sqrt(n)
            bounds.append((m - half, m + half))
    lower, upper = stack_levels(bounds)
    return Estimate(m, lower, upper, levels, np.full(m.shape, "student-t"))


def _check_counts(x: np.ndarray, n: np.ndarray) -> None:
    if np.any(x < 0):
        raise ValueError("counts must not be negative")
    if np.any(n <= 0):
        raise ValueError("denominators must all be greater than zero")

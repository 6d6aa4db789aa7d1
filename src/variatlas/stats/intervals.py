"""Confidence limits for a Poisson count and a binomial proportion."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from variatlas.stats.estimate import FloatArray, as_float, checked_confidence, z_value


def byars_lower(observed: ArrayLike, level: float) -> FloatArray:
    """Byar's approximate lower limit for a Poisson count.

    ``O (1 - 1/(9O) - z/(3 sqrt O))^3``; NaN where that is negative, 0 at O = 0.
    Reference: Breslow NE, Day NE. Statistical Methods in Cancer Research, vol. II. IARC, 1987.
    """
    o = as_float(observed)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    return np.where(lower < 0, np.nan, lower)


def byars_upper(observed: ArrayLike, level: float) -> FloatArray:
    """Byar's approximate upper limit: ``(O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3``.

    Reference: Breslow NE, Day NE 1987 (as ``byars_lower``).
    """
    o1 = as_float(observed) + 1
    z = z_value(level)
    return o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3


def exact_poisson(observed: ArrayLike, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) limits for a Poisson count from the chi-squared distribution.

    Lower ``chi2((1-c)/2, 2O)/2`` (0 at O = 0), upper ``chi2((1+c)/2, 2O+2)/2``.
    Reference: Armitage P, Berry G, Matthews JNS. Statistical Methods in Medical Research,
    4th ed. Blackwell, 2002; Garwood F. Biometrika 1936;28:437-42.
    """
    o = as_float(observed)
    alpha = 1 - checked_confidence(level)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(o, 1e-300)) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return lower, upper


def poisson_limits(observed: ArrayLike, level: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Exact limits below 10 events and Byar's from 10 on, as PHE does; returns method flags.

    The third array is 1 where the exact method was used.
    """
    o = as_float(observed)
    exact_lower, exact_upper = exact_poisson(o, level)
    exact = o < 10
    lower = np.where(exact, exact_lower, byars_lower(o, level))
    upper = np.where(exact, exact_upper, byars_upper(o, level))
    return lower, upper, exact.astype(np.float64)


def wilson(successes: ArrayLike, total: ArrayLike, level: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion.

    ``(2x + z² ∓ z sqrt(z² + 4x(1 - x/n))) / (2(n + z²))``; (0, 1) at 100 % confidence.
    References: Wilson EB. J Am Stat Assoc 1927;22:209-12; Newcombe RG, Altman DG. In:
    Statistics with Confidence, 2nd ed. BMJ Books, 2000.
    """
    x, n = as_float(successes), as_float(total)
    level = checked_confidence(level)
    if level >= 1:
        return np.zeros_like(x), np.ones_like(x)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        denominator = 2 * (n + z**2)
        return (2 * x + z**2 - root) / denominator, (2 * x + z**2 + root) / denominator

"""Tests for a linear trend over an area's recent periods (the profile's trend marker).

Two tests, as Fingertips' trend markers use them (Public Health England, "Fingertips trend
markers", public health technical guidance): the chi-squared test for trend in proportions
when counts are known, and for every other value with a confidence interval a weighted
least-squares slope with the variances read from the intervals. Both give a slope, a
chi-squared statistic on one degree of freedom and its p-value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as distributions

from variatlas.stats.estimate import as_float, z_value


@dataclass(frozen=True)
class Trend:
    """A linear trend: ``slope`` per unit of time (in the value's unit), its chi-squared
    statistic (1 df) and two-sided p-value; NaN where it cannot be computed."""

    slope: float
    statistic: float
    p_value: float

    def direction(self, level: float = 0.95) -> str:
        """``increasing``, ``decreasing``, ``no change`` (not significant at ``level``), or
        ``not computed``."""
        if not np.isfinite(self.p_value):
            return "not computed"
        if self.p_value >= 1 - level:
            return "no change"
        return "increasing" if self.slope > 0 else "decreasing"


NOT_COMPUTED = Trend(np.nan, np.nan, np.nan)


def _times(times: ArrayLike | None, size: int) -> np.ndarray:
    return np.arange(size, dtype=np.float64) if times is None else as_float(times)


def _chi_squared(slope: float, variance: float) -> Trend:
    if not (np.isfinite(slope) and np.isfinite(variance) and variance > 0):
        return NOT_COMPUTED
    statistic = slope**2 / variance
    return Trend(slope, float(statistic), float(distributions.chi2.sf(statistic, 1)))


def proportion_trend(
    successes: ArrayLike, totals: ArrayLike, times: ArrayLike | None = None
) -> Trend:
    """The chi-squared test for trend in proportions x_i / n_i over times t_i.

    The slope b of the proportions on t, weighted by n_i, has variance p(1 − p) / Sxx with p
    the pooled proportion and Sxx = Σ n_i (t_i − t̄)²; the statistic is b² / var(b). It is the
    test of R's ``prop.trend.test``.

    Reference: Armitage P. Tests for linear trends in proportions and frequencies. Biometrics
    1955;11:375-86.
    """
    x, n = as_float(successes), as_float(totals)
    t = _times(times, x.size)
    if x.size < 2 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(n)) and np.all(n > 0)):
        return NOT_COMPUTED
    total = n.sum()
    pooled = x.sum() / total
    centre = (n * t).sum() / total
    sxx = (n * (t - centre) ** 2).sum()
    if sxx <= 0 or pooled in (0.0, 1.0):
        return NOT_COMPUTED
    slope = float((x * (t - centre)).sum() / sxx)
    return _chi_squared(slope, pooled * (1 - pooled) / sxx)


def weighted_trend(
    values: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    times: ArrayLike | None = None,
    confidence: float = 0.95,
) -> Trend:
    """The weighted least-squares slope of values with confidence intervals over times t_i.

    Each value's standard error is the width of its interval over 2 z (z for ``confidence``),
    its weight w_i = 1 / se_i²; the slope b = Σ w_i (t_i − t̄)(y_i − ȳ) / Sxx with t̄, ȳ
    weighted means and Sxx = Σ w_i (t_i − t̄)², var(b) = 1 / Sxx (the variances are taken
    as known), and the statistic is b² / var(b).

    Reference: Public Health England. Fingertips trend markers (public health technical
    guidance), the method for indicator types other than proportions; Armitage P, Berry G,
    Matthews JNS. Statistical Methods in Medical Research, 4th ed. 2002 (weighted regression).
    """
    y, low, high = as_float(values), as_float(lower), as_float(upper)
    t = _times(times, y.size)
    se = (high - low) / (2 * z_value(confidence))
    if y.size < 2 or not np.all(np.isfinite(y) & np.isfinite(se) & (se > 0)):
        return NOT_COMPUTED
    w = 1 / se**2
    centre = (w * t).sum() / w.sum()
    mean = (w * y).sum() / w.sum()
    sxx = (w * (t - centre) ** 2).sum()
    if sxx <= 0:
        return NOT_COMPUTED
    slope = float((w * (t - centre) * (y - mean)).sum() / sxx)
    return _chi_squared(slope, 1 / sxx)

"""Trend markers: is an area's series of recent values rising or falling?

The method of the Fingertips trend markers (Office for Health Improvement and Disparities,
"Fingertips trend markers", public health technical guidance, 2025), as PHEindicatormethods'
``assign_trend_markers`` computes it (dhsc-govuk/PHEindicatormethods, commit bd97b04a of
September 2025; every sheet of its test data reproduces here, ``tests/stats/test_trend.py``):

1. The points are ordered by time, which must not repeat, and the latest five are tested
   (fewer: no marker). They are taken as equally spaced, one unit apart, so the slope is per
   point (per year for a yearly series): Fingertips asks for series without breaks, and
   PHEindicatormethods tests a series with a missing year in just this way.
2. A slope and a chi-squared statistic on one degree of freedom:

   - proportions x_i / n_i: the statistic is the chi-squared test for trend in proportions
     (Armitage 1955; R's ``prop.trend.test``); the slope is the least-squares slope of the
     logits log(p_i / (1 − p_i)), the scale on which a proportion's trend is linear in a
     logistic model (Cox & Snell 1989);
   - every other value with a confidence interval: the weighted least-squares slope with the
     variances read from the intervals, taken as known, and its statistic b² / var(b)
     (Armitage, Berry & Matthews 2002).

3. A trend is called only when the statistic exceeds 9.5495, the 99.8 % point of χ²₁ to four
   decimals (p < 0.002), and only when the slope keeps its sign with each point left out in
   turn ("no outliers"): one point alone never makes a trend.

Fingertips' "Increasing", "Decreasing", "No significant change" and "Cannot be calculated"
are here ``increasing``, ``decreasing``, ``no change`` and ``not computed``. Beyond the
reference, which fails there: a proportion of exactly 0 or 1 has no logit, and an interval of
zero width gives no weight, so such a series is not computed; and a slope within rounding of
zero counts as zero when the points are left out in turn.

References: OHID. Fingertips trend markers. Public health technical guidance, 2025
(https://fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Presentation/Trend_markers.html);
PHEindicatormethods ``assign_trend_markers`` (GPL-3; the method only, no code, is taken);
Armitage P. Tests for linear trends in proportions and frequencies. Biometrics 1955;11:375-86;
Cox DR, Snell EJ. Analysis of Binary Data, 2nd ed. Chapman & Hall 1989 (the logit transform);
Armitage P, Berry G, Matthews JNS. Statistical Methods in Medical Research, 4th ed. Blackwell
2002 (weighted regression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as distributions

from variatlas.stats.estimate import FloatArray, as_float, checked_confidence, z_value

TREND_POINTS: Final = 5
"""Fingertips tests the latest five points of a series."""
FINGERTIPS_LEVEL: Final = 0.998
"""A trend is called at 99.8 %: the chi-squared statistic above 9.5495."""


def critical_value(level: float = FINGERTIPS_LEVEL) -> float:
    """The chi-squared (1 df) value a trend's statistic must exceed at ``level``, to four
    decimals as Fingertips uses it (9.5495 at 99.8 %, 3.8415 at 95 %; 0.998 or 99.8)."""
    return round(float(distributions.chi2.isf(1 - checked_confidence(level), 1)), 4)


@dataclass(frozen=True)
class Trend:
    """A linear trend: its ``slope`` per point (on the logit scale for proportions, in the
    value's unit otherwise), chi-squared ``statistic`` (1 df) and two-sided ``p_value``;
    ``steady`` when the slope keeps its sign with each point left out in turn. NaN where it
    cannot be computed, and then ``not_computed`` says why."""

    slope: float
    statistic: float
    p_value: float
    steady: bool = False
    not_computed: str = ""

    def direction(self, level: float = FINGERTIPS_LEVEL) -> str:
        """``increasing``, ``decreasing``, ``no change`` (not significant at ``level``, or not
        without one of its points), or ``not computed``."""
        if self.not_computed or not np.isfinite(self.statistic):
            return "not computed"
        if self.statistic <= critical_value(level) or not self.steady or self.slope == 0:
            return "no change"
        return "increasing" if self.slope > 0 else "decreasing"

    def reason(self, level: float = FINGERTIPS_LEVEL) -> str:
        """Why the direction is what it is, in Fingertips' words where it has them."""
        if self.not_computed or not np.isfinite(self.statistic):
            return self.not_computed or "not computed"
        if self.statistic <= critical_value(level):
            return "no significant trend"
        if not self.steady:
            return "outlier found"
        return "no outliers and significant trend"


NOT_COMPUTED = Trend(np.nan, np.nan, np.nan, not_computed="not computed")


def _failed(reason: str) -> Trend:
    return Trend(np.nan, np.nan, np.nan, not_computed=reason)


def _latest(
    times: ArrayLike | None, columns: list[FloatArray], points: int | None
) -> tuple[FloatArray, list[FloatArray]] | str:
    """The positions 0, 1, … of the latest ``points`` in time and their columns so ordered,
    or why there are none."""
    if points is not None and points < 3:
        raise ValueError("a trend needs at least three points, to leave each out in turn")
    size = columns[0].size
    if any(column.size != size for column in columns):
        raise ValueError("a trend's columns must have the same length")
    t = np.arange(size, dtype=np.float64) if times is None else as_float(times)
    if t.size != size:
        raise ValueError("a trend's times must have the length of its values")
    if not np.all(np.isfinite(t)):
        return "missing times"
    if np.unique(t).size < size:
        return "duplicate times"
    if size < (points or 3):
        return "not enough data points"
    order = np.argsort(t, kind="stable")[-(points or size) :]
    return np.arange(order.size, dtype=np.float64), [column[order] for column in columns]


def _slope(t: FloatArray, y: FloatArray, w: FloatArray) -> float:
    """The least-squares slope of y on t with weights w."""
    centre = (w * t).sum() / w.sum()
    mean = (w * y).sum() / w.sum()
    return float((w * (t - centre) * (y - mean)).sum() / (w * (t - centre) ** 2).sum())


def _steady(t: FloatArray, y: FloatArray, w: FloatArray, slope: float) -> bool:
    """Whether the slope keeps the sign of ``slope`` without each point in turn.

    A slope within rounding of zero (1e-12 of the largest value's size) counts as zero, so
    that the rest of a series with one odd point reads as flat whatever the rounding."""
    tolerance = 1e-12 * float(np.abs(y).max())

    def sign(value: float) -> float:
        return 0.0 if abs(value) <= tolerance else float(np.sign(value))

    keep = ~np.eye(t.size, dtype=bool)
    return all(sign(_slope(t[k], y[k], w[k])) == sign(slope) for k in keep)


def proportion_trend(
    successes: ArrayLike,
    totals: ArrayLike,
    times: ArrayLike | None = None,
    points: int | None = TREND_POINTS,
) -> Trend:
    """The Fingertips trend of proportions x_i / n_i over the latest ``points`` in time
    (``None``: all), at positions t_i = 0, 1, ….

    The statistic is the chi-squared test for trend in proportions: with N = Σn_i, X = Σx_i,
    χ² = N (N Σx_i t_i − X Σn_i t_i)² / (X (N − X) (N Σn_i t_i² − (Σn_i t_i)²)), the test of
    R's ``prop.trend.test``. The slope is the unweighted least-squares slope of the logits
    log(p_i / (1 − p_i)) on t_i, and ``steady`` asks the same slope of the series without
    each point in turn. As PHEindicatormethods' ``assign_trend_markers`` (value_type
    "proportion") and the Fingertips technical guidance on trend markers.

    References: Armitage P. Tests for linear trends in proportions and frequencies.
    Biometrics 1955;11:375-86; OHID, Fingertips trend markers (public health technical
    guidance); Cox DR, Snell EJ. Analysis of Binary Data, 2nd ed. 1989 (the logit).
    """
    latest = _latest(times, [as_float(successes), as_float(totals)], points)
    if isinstance(latest, str):
        return _failed(latest)
    t, (x, n) = latest
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(n))):
        return _failed("missing values")
    if np.any(n <= 0) or np.any(x < 0) or np.any(x > n):
        return _failed("counts out of range")
    if np.any(x == 0) or np.any(x == n):
        return _failed("a proportion of 0 or 1")
    total, events = n.sum(), x.sum()
    spread = total * (n * t**2).sum() - (n * t).sum() ** 2
    statistic = total * (total * (x * t).sum() - events * (n * t).sum()) ** 2
    statistic /= events * (total - events) * spread
    logits = np.log(x / (n - x))
    unweighted = np.ones_like(t)
    slope = _slope(t, logits, unweighted)
    return Trend(
        slope,
        float(statistic),
        float(distributions.chi2.sf(statistic, 1)),
        _steady(t, logits, unweighted, slope),
    )


def weighted_trend(
    values: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    times: ArrayLike | None = None,
    confidence: float = 0.95,
    points: int | None = TREND_POINTS,
) -> Trend:
    """The Fingertips trend of values with confidence intervals over the latest ``points``
    in time (``None``: all), at positions t_i = 0, 1, ….

    Each value's standard error is the width of its interval over 2 z (z for ``confidence``,
    0.95 or 95), its weight w_i = 1 / se_i²; the slope b = Σ w_i (t_i − t̄)(y_i − ȳ) / Sxx
    with t̄, ȳ weighted means and Sxx = Σ w_i (t_i − t̄)², var(b) = 1 / Sxx (the variances
    are taken as known), and the statistic is b² / var(b); ``steady`` asks whether b keeps
    its sign without each point in turn. As PHEindicatormethods' ``assign_trend_markers``
    (value_type "other") and the Fingertips technical guidance on trend markers.

    References: OHID, Fingertips trend markers (public health technical guidance), the
    method for indicator types other than proportions; Armitage P, Berry G, Matthews JNS.
    Statistical Methods in Medical Research, 4th ed. 2002 (weighted regression).
    """
    level = checked_confidence(confidence)
    latest = _latest(times, [as_float(values), as_float(lower), as_float(upper)], points)
    if isinstance(latest, str):
        return _failed(latest)
    t, (y, low, high) = latest
    if not np.all(np.isfinite(y)):
        return _failed("missing values")
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        return _failed("missing at least one confidence interval value")
    se = (high - low) / (2 * z_value(level))
    if not np.all(np.isfinite(se) & (se > 0)):
        return _failed("an interval of zero or negative width")
    w = 1 / se**2
    slope = _slope(t, y, w)
    centre = (w * t).sum() / w.sum()
    statistic = slope**2 * (w * (t - centre) ** 2).sum()
    return Trend(
        slope,
        float(statistic),
        float(distributions.chi2.sf(statistic, 1)),
        _steady(t, y, w, slope),
    )

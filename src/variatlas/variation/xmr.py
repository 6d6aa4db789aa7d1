"""Individuals (XmR) charts for trends: limits and the four special-cause rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from variatlas.stats.estimate import as_float

LIMIT_FACTOR = 2.66
"""3 / d2 with d2 = 1.128 for moving ranges of two points."""
SCREEN_FACTOR = 3.267
"""D4 for n = 2: moving ranges above D4 · mean are screened out (NHSRplotthedots)."""


@dataclass(frozen=True)
class XmrChart:
    """Centre line, process limits and where each special-cause rule fires."""

    centre: float
    lower: float
    upper: float
    mean_moving_range: float
    outside_limits: np.ndarray
    shift: np.ndarray
    """Part of a run of ``shift_length`` or more points on one side of the centre."""
    trend: np.ndarray
    """Part of a run of ``trend_length`` or more points all rising or all falling."""
    two_of_three: np.ndarray
    """Two of three consecutive points beyond two sigma on the same side."""

    @property
    def special_cause(self) -> np.ndarray:
        return self.outside_limits | self.shift | self.trend | self.two_of_three


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every position that is part of a run of ``length`` or more True values."""
    marked = np.zeros(len(flags), dtype=bool)
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                marked[start:i] = True
            start = None
    return marked


def xmr_limits(
    series: ArrayLike,
    *,
    baseline: int | None = None,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 6,
) -> XmrChart:
    """XmR chart of a series in time order, as the NHS "Making Data Count" charts draw it.

    Centre: the mean of the first ``baseline`` points (all by default). Limits:
    ``centre ± 2.66 · mean moving range``, where moving ranges above 3.267 times their mean are
    first screened out. Special causes: a point outside the limits; ``shift_length`` (7) or
    more points in a row on one side of the centre; ``trend_length`` (6) or more points in a
    row all rising or all falling; two out of three points beyond two sigma
    (``centre ± 2/3 · 2.66 · mR̄``) on the same side.

    References: Wheeler DJ, Chambers DS. Understanding Statistical Process Control, 2nd ed.
    SPC Press, 1992; NHS England and NHS Improvement. Making Data Count. 2019;
    NHSRplotthedots (NHS-R Community) ``ptd_spc``.
    """
    x = as_float(series)
    base = x[: baseline or len(x)]
    centre = float(np.mean(base))
    ranges = np.abs(np.diff(base))
    mean_range = float(np.mean(ranges)) if len(ranges) else float("nan")
    if screen_outliers and len(ranges):
        kept = ranges[ranges <= SCREEN_FACTOR * mean_range]
        mean_range = float(np.mean(kept)) if len(kept) else mean_range
    half = LIMIT_FACTOR * mean_range
    lower, upper = centre - half, centre + half
    outside = (x < lower) | (x > upper)
    above, below = x > centre, x < centre
    shift = _runs(above, shift_length) | _runs(below, shift_length)
    steps = np.diff(x)
    rising = np.zeros(len(x), dtype=bool)
    falling = np.zeros(len(x), dtype=bool)
    rise_runs = _runs(steps > 0, trend_length - 1)
    fall_runs = _runs(steps < 0, trend_length - 1)
    rising[1:] |= rise_runs
    rising[:-1] |= rise_runs
    falling[1:] |= fall_runs
    falling[:-1] |= fall_runs
    two_sigma = 2 / 3 * half
    high, low = x > centre + two_sigma, x < centre - two_sigma
    two_of_three = np.zeros(len(x), dtype=bool)
    for i in range(len(x) - 2):
        for side in (high, low):
            window = side[i : i + 3]
            if window.sum() >= 2:
                two_of_three[i : i + 3] |= window
    return XmrChart(
        centre, lower, upper, mean_range, outside, shift, rising | falling, two_of_three
    )

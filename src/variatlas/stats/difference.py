"""Whether two estimates of the same figure differ by more than their intervals allow.

The difference of two estimates E1 and E2, each with a confidence interval, is tested as
Altman and Bland describe: each standard error is recovered from its interval
(SE = (upper − lower) / (2 · z), z = 1.96 for 95 %), the difference d = E2 − E1 has
SE(d) = √(SE1² + SE2²), and z = d / SE(d) is compared with the standard normal distribution.
Ratios (rates, standardised rates, observed/expected) are compared on the log scale, where
their intervals are symmetric. Reference: Altman DG, Bland JM. Interaction revisited: the
difference between two estimates. BMJ 2003;326:219 (doi:10.1136/bmj.326.7382.219).

The test takes the two estimates to be independent. Two releases of the same figure share
most of their cases (a revision adds late registrations), so the true variance of the
difference is smaller than SE(d)² and the test is conservative: a change it finds is beyond
chance, and some changes beyond chance go unfound. It is still stricter than asking whether
the two intervals overlap, which misses differences up to ≈ 1.4 times as large (Schenker N,
Gentleman JF. On judging the significance of differences by examining the overlap between
confidence intervals. Am Stat 2001;55:182–6).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm


def difference_z(
    before: np.ndarray,
    before_interval: tuple[np.ndarray, np.ndarray],
    after: np.ndarray,
    after_interval: tuple[np.ndarray, np.ndarray],
    log_scale: np.ndarray,
    confidence: float = 0.95,
) -> np.ndarray:
    """z = (after − before) / SE of the difference, per figure; NaN where an interval is
    missing or has no width (a standard error cannot be recovered), or where a figure on the
    log scale is not above zero (it falls back to the natural scale)."""
    before, after = np.asarray(before, float), np.asarray(after, float)
    low1, high1 = (np.asarray(x, float) for x in before_interval)
    low2, high2 = (np.asarray(x, float) for x in after_interval)
    positive = (low1 > 0) & (low2 > 0) & (before > 0) & (after > 0)
    logged = np.asarray(log_scale, bool) & positive
    with np.errstate(divide="ignore", invalid="ignore"):
        values = [
            np.where(logged, np.log(np.where(positive, x, 1.0)), x)
            for x in (before, low1, high1, after, low2, high2)
        ]
        e1, l1, h1, e2, l2, h2 = values
        quantile = norm.ppf(0.5 + confidence / 2)
        se1 = (h1 - l1) / (2 * quantile)
        se2 = (h2 - l2) / (2 * quantile)
        spread = np.sqrt(se1**2 + se2**2)
        z = (e2 - e1) / spread
    return np.where((spread > 0) & np.isfinite(spread), z, np.nan)


def beyond_intervals(z: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Whether each difference is significant at ``confidence`` (two-sided)."""
    return np.abs(np.nan_to_num(np.asarray(z, float))) > norm.ppf(0.5 + confidence / 2)

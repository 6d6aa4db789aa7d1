"""Vectorised numerics for the marginal likelihoods of ``variatlas.stats.shrinkage``: many
one-dimensional roots at once, and log Γ(a + n) − log Γ(a) accurate for every a.

References: Dowell M, Jarratt P. A modified regula falsi method for computing the root of an
equation. BIT 1971;11:168-74 (the Illinois method); Abramowitz M, Stegun IA. Handbook of
Mathematical Functions, 1964, 6.1.41 (Stirling's series).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special

from variatlas.stats.estimate import FloatArray


def solve_decreasing(
    score: Callable[[FloatArray, np.ndarray], FloatArray], centre: FloatArray, width: float
) -> FloatArray:
    """One zero per row of decreasing functions of u (``score(u, rows)`` evaluates the rows
    given), bracketed outwards from ``centre`` ± ``width`` and found by the Illinois method
    (regula falsi halving a retained end's value); a row stops once it has converged."""
    rows = len(centre)
    every = np.arange(rows)
    low, high = centre - width, centre + width
    f_low, f_high = score(low, every), score(high, every)
    for _ in range(200):
        short, long = np.flatnonzero(f_low < 0), np.flatnonzero(f_high > 0)
        if not (short.size or long.size):
            break
        for side, end, f_end, other, f_other, sign in (
            (short, low, f_low, high, f_high, -1.0),
            (long, high, f_high, low, f_low, 1.0),
        ):
            if side.size:
                step = high[side] - low[side]
                other[side], f_other[side] = end[side], f_end[side]
                end[side] += sign * 2 * step
                f_end[side] = score(end[side], side)
    u, last, active = np.full(rows, np.inf), np.zeros(rows), every
    for _ in range(200):
        lo, hi, f_lo, f_hi = low[active], high[active], f_low[active], f_high[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            new = hi - f_hi * (hi - lo) / (f_hi - f_lo)
        new = np.where(np.isfinite(new) & (new > lo) & (new < hi), new, (lo + hi) / 2)
        value = score(new, active)
        up, before = value > 0, last[active]
        f_hi = np.where(up & (before < 0), f_hi / 2, f_hi)
        f_lo = np.where(~up & (before > 0), f_lo / 2, f_lo)
        low[active], f_low[active] = np.where(up, new, lo), np.where(up, value, f_lo)
        high[active], f_high[active] = np.where(up, hi, new), np.where(up, f_hi, value)
        last[active] = np.where(up, -1.0, 1.0)
        done = (np.abs(new - u[active]) <= 1e-11 * (1 + np.abs(new))) | (value == 0)
        u[active] = new
        active = active[~done]
        if not active.size:
            break
    return u


def log_rising(start: FloatArray, count: FloatArray) -> FloatArray:
    """log Γ(start + count) − log Γ(start): through log B for a small start, by Stirling's
    series (the difference taken term by term, to 1e-13) from a start of 100, where log B
    loses digits (1e-5 at a start of 1e9)."""
    positive = count > 0
    safe = np.where(positive, count, 1.0)
    exact = np.where(positive, special.gammaln(safe) - special.betaln(start, safe), 0.0)
    s = np.maximum(start, 100.0)
    end = s + count
    series = (s - 0.5) * np.log1p(count / s) + count * (np.log(end) - 1)
    series += (1 / end - 1 / s) / 12 - (1 / end**3 - 1 / s**3) / 360
    series += (1 / end**5 - 1 / s**5) / 1260
    return np.where(start >= 100, series, exact)

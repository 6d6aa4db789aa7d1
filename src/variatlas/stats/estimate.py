"""Shared helpers: confidence levels, z values and the result type."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

Confidence = float | Sequence[float]
FloatArray = NDArray[np.float64]


def checked_confidence(level: float) -> float:
    """One confidence level as a share: 0.95 stays 0.95 and a percentage such as 95 becomes
    0.95 (every level above 1 is read as a percentage). Anything else, a level of 0 or less,
    above 100, missing or not a number, raises ValueError with one sentence, so that no
    function of ``variatlas.stats`` turns a mistyped level into NaN or a silently wrong
    interval."""
    share = float("nan")
    if not isinstance(level, str | bytes | bool):
        with contextlib.suppress(TypeError, ValueError):
            share = float(level)
    if np.isfinite(share) and share > 1:
        share /= 100
    if not (np.isfinite(share) and 0 < share <= 1):
        raise ValueError(
            "confidence must be a share between 0 and 1, such as 0.95, or a percentage up to "
            f"100, such as 95; got {level!r}"
        )
    return share


def confidence_levels(confidence: Confidence) -> tuple[float, ...]:
    """Confidence as shares: 0.95 and 95 both mean 95 %; one level or several, each checked
    by ``checked_confidence``."""
    if isinstance(confidence, str) or not np.iterable(confidence):
        return (checked_confidence(confidence),)
    levels = tuple(checked_confidence(level) for level in confidence)
    return levels or (checked_confidence(confidence),)  # type: ignore[arg-type]


def z_value(level: float) -> float:
    """The two-sided standard normal quantile for ``level`` (inf at 1), the level checked by
    ``checked_confidence``."""
    return float(stats.norm.ppf(0.5 + checked_confidence(level) / 2))


def as_float(values: ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


@dataclass(frozen=True)
class Estimate:
    """Estimates with confidence intervals.

    ``lower`` and ``upper`` have the shape of ``value`` for one confidence level, and a leading
    axis of levels (in the order given) for several.
    """

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    confidence: tuple[float, ...]
    method: NDArray[np.str_]
    groups: np.ndarray | None = None
    """The group of each estimate, where the function grouped its input (sorted)."""

    def interval(self, confidence: float) -> tuple[FloatArray, FloatArray]:
        """The (lower, upper) bounds at one of the computed levels."""
        level = confidence_levels(confidence)[0]
        if level not in self.confidence:
            raise KeyError(f"{level} was not computed; levels are {self.confidence}")
        if len(self.confidence) == 1:
            return self.lower, self.upper
        index = self.confidence.index(level)
        return self.lower[index], self.upper[index]


def stack_levels(
    bounds: list[tuple[FloatArray, FloatArray]],
) -> tuple[FloatArray, FloatArray]:
    if len(bounds) == 1:
        return bounds[0]
    return np.stack([b[0] for b in bounds]), np.stack([b[1] for b in bounds])

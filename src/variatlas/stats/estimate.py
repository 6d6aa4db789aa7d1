"""Shared helpers: confidence levels, z values and the result type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

Confidence = float | Sequence[float]
FloatArray = NDArray[np.float64]


def confidence_levels(confidence: Confidence) -> tuple[float, ...]:
    """Confidence as fractions: 0.95 and 95 both mean 95 %; one level or several."""
    levels = np.atleast_1d(np.asarray(confidence, dtype=np.float64)).tolist()
    fractions = tuple(c / 100 if c > 1 else c for c in levels)
    for level in fractions:
        if not 0 < level <= 1:
            raise ValueError(f"confidence must lie in (0, 1] or (0, 100], not {level}")
    return fractions


def z_value(level: float) -> float:
    """The two-sided standard normal quantile for ``level`` (inf at 1)."""
    return float(stats.norm.ppf(0.5 + level / 2))


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

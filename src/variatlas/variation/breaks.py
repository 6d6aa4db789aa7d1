"""Natural breaks (Jenks–Fisher) for map classes."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from variatlas.stats.estimate import FloatArray, as_float


def natural_breaks(values: ArrayLike, k: int = 4) -> FloatArray:
    """Class bounds ``[min, b1, …, b(k-1), max]`` minimising the within-class sum of squares.

    An exact dynamic programme over the sorted values (Fisher's optimal partition), so the
    classes are those Jenks' method seeks; class i holds the values in (b(i-1), b(i)], the
    first class also its minimum. Missing values are ignored. With fewer distinct values than
    ``k`` each distinct value is a class.

    References: Jenks GF. The data model concept in statistical mapping. International Yearbook
    of Cartography 1967;7:186-90; Fisher WD. On grouping for maximum homogeneity. J Am Stat
    Assoc 1958;53:789-98.
    """
    x = np.sort(as_float(values)[~np.isnan(as_float(values))])
    distinct = np.unique(x)
    if len(distinct) <= k:
        return np.concatenate([[x[0]], distinct]) if len(x) else np.array([])
    n = len(x)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x**2)])

    def cost(start: np.ndarray, end: int) -> np.ndarray:
        """Sum of squared deviations of x[start:end] for each start."""
        count = end - start
        total = s1[end] - s1[start]
        return s2[end] - s2[start] - total**2 / count

    best = np.full((k + 1, n + 1), np.inf)
    cut = np.zeros((k + 1, n + 1), dtype=int)
    best[0, 0] = 0.0
    for classes in range(1, k + 1):
        for end in range(classes, n + 1):
            starts = np.arange(classes - 1, end)
            candidates = best[classes - 1, starts] + cost(starts, end)
            choice = int(np.argmin(candidates))
            best[classes, end] = candidates[choice]
            cut[classes, end] = starts[choice]
    bounds = [x[-1]]
    end = n
    for classes in range(k, 1, -1):
        end = cut[classes, end]
        bounds.append(x[end - 1])
    bounds.append(x[0])
    return np.array(bounds[::-1])

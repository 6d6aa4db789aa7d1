"""Many areas tested at once: exact p-values against the country, and the false discovery rate.

With 357 municipalities, the funnel's 99.8 % limits still flag some areas by chance; the
Benjamini–Hochberg procedure keeps the expected share of false flags among the flagged at q.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as distributions

from variatlas.stats.estimate import FloatArray, as_float


def poisson_p_values(observed: ArrayLike, expected: ArrayLike) -> FloatArray:
    """Two-sided exact p-values of O against Poisson(E): twice the smaller tail, at most 1.

    Reference: Armitage P, Berry G, Matthews JNS. Statistical Methods in Medical Research,
    4th ed. 2002, §5.2 (doubling the smaller exact tail).
    """
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    below = distributions.poisson.cdf(o, e)
    above = distributions.poisson.sf(o - 1, e)
    return np.minimum(1.0, 2 * np.minimum(below, above))


def binomial_p_values(successes: ArrayLike, total: ArrayLike, share: ArrayLike) -> FloatArray:
    """Two-sided exact p-values of x of n against Binomial(n, p): twice the smaller tail.

    Reference: as ``poisson_p_values``.
    """
    x, n, p = np.broadcast_arrays(as_float(successes), as_float(total), as_float(share))
    below = distributions.binom.cdf(x, n, p)
    above = distributions.binom.sf(x - 1, n, p)
    return np.minimum(1.0, 2 * np.minimum(below, above))


def benjamini_hochberg(p_values: ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (q-values): an area is flagged at a false
    discovery rate q when its adjusted p-value is at most q. NaN stays NaN and is not counted.

    Reference: Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. J R Stat Soc B 1995;57:289-300; as R's
    ``p.adjust(method = "BH")``.
    """
    p = as_float(p_values)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if present.size == 0:
        return adjusted
    order = present[np.argsort(p[present], kind="stable")]
    m = order.size
    scaled = p[order] * m / np.arange(1, m + 1)
    # The running minimum from the largest p-value down keeps the adjusted values monotone.
    adjusted[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return adjusted

"""The slope and relative indices of inequality (SII, RII) across ordered groups.

The groups are ordered from the least to the most advantaged (deprivation deciles, centrality
classes from the least central to the most, education levels from the lowest). Each group is
placed at the midpoint of its share of the cumulative population (its relative rank, 0 to 1),
and the value is regressed on that rank, each group weighted by its population share. The SII
is the slope: the modelled difference between the top (rank 1) and the bottom (rank 0) of the
population. The RII is the ratio of the two ends, ``Y1 / Y0 = (Y0 + SII) / Y0``. Confidence
intervals are simulated: each group's value is drawn from a normal distribution with its
standard error, the regression fitted to every draw, and the percentiles of the simulated
SIIs and RIIs taken as the limits.

This is the method of PHEindicatormethods' ``phe_sii`` (value types, the optional log/logit
transformation of rates and proportions, the multiplier and its effect on the RII, the
percentile positions), written afresh here; only the random draws differ (a seeded numpy
Generator instead of R's), so the limits agree with phe_sii's to simulation error.

References: Low A, Low A. Measuring the gap: quantifying and comparing local health
inequalities. Journal of Public Health 2004;26:388-395. Public Health England. Technical
guide: the slope index of inequality (SII) (Fingertips / PHE Analytical Tools). Mackenbach
JP, Kunst AE. Measuring the magnitude of socio-economic inequalities in health. Soc Sci Med
1997;44:757-771. PHEindicatormethods (UKHSA), ``phe_sii``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from variatlas.stats.estimate import (
    Confidence,
    FloatArray,
    as_float,
    confidence_levels,
    z_value,
)

ValueType = Literal["other", "rate", "proportion"]
VALUE_TYPES: tuple[ValueType, ...] = ("other", "rate", "proportion")
"""phe_sii's ``value_type`` 0, 1 and 2, in that order."""

MIN_REPETITIONS = 1000


@dataclass(frozen=True)
class SlopeIndex:
    """The SII and RII of one set of ordered groups, with simulated confidence limits.

    ``sii_lower`` … ``rii_upper`` hold one limit per confidence level, in the order of
    ``confidence``. ``intercept`` is the modelled value at rank 0 (the least advantaged end),
    in the unit of the input values (not multiplied).
    """

    sii: float
    rii: float
    intercept: float
    sii_lower: FloatArray
    sii_upper: FloatArray
    rii_lower: FloatArray
    rii_upper: FloatArray
    confidence: tuple[float, ...]
    repetitions: int

    def interval(self, confidence: float, *, relative: bool = False) -> tuple[float, float]:
        """(lower, upper) of the SII, or of the RII with ``relative``, at a computed level."""
        level = confidence_levels(confidence)[0]
        if level not in self.confidence:
            raise KeyError(f"{level} was not computed; levels are {self.confidence}")
        index = self.confidence.index(level)
        if relative:
            return float(self.rii_lower[index]), float(self.rii_upper[index])
        return float(self.sii_lower[index]), float(self.sii_upper[index])


def relative_ranks(population: ArrayLike) -> FloatArray:
    """The midpoint of each group's share of the cumulative population, in the given order.

    A first group with 12 % of the population gets 0.06; a second with 10 % gets 0.17.
    """
    share = _shares(as_float(population))
    return np.cumsum(share) - share / 2


def slope_index(
    population: ArrayLike,
    value: ArrayLike | None = None,
    *,
    successes: ArrayLike | None = None,
    value_type: ValueType = "other",
    se: ArrayLike | None = None,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    limits_confidence: float = 0.95,
    transform: bool = False,
    multiplier: float = 1.0,
    confidence: Confidence = 0.95,
    repetitions: int = 100_000,
    seed: int | np.random.Generator = 0,
) -> SlopeIndex:
    """The slope and relative indices of inequality of ordered groups, as ``phe_sii``.

    Parameters
    ----------
    population
        The population of each group, the groups in order from the least advantaged (first)
        to the most advantaged (last). Every population must be positive.
    value
        The indicator value of each group. For proportions it may be left out when
        ``successes`` is given (the value is then ``successes / population``).
    successes
        For ``value_type="proportion"`` without ``value``: the numerator of each group.
    value_type
        ``"other"`` (phe_sii's 0: life expectancy, means, …), ``"rate"`` (1) or
        ``"proportion"`` (2, as a fraction 0–1). Rates and proportions and their limits are
        log or logit transformed before their standard errors are derived, and the
        simulation draws on that scale.
    se
        The standard error of each value: on the value's scale for ``"other"``, of the log
        rate or the logit proportion otherwise. Give either ``se`` or ``lower`` and
        ``upper``; not allowed with ``transform``.
    lower, upper
        The confidence limits of each value at ``limits_confidence`` (95 % by default), from
        which the standard errors are derived: ``(t(upper) - t(lower)) / (2 z)`` with ``t``
        the identity, log or logit.
    transform
        Fit the regression to the log rates or logit proportions and express the SII and RII
        back on the value's scale (``Y1 - Y0`` and ``Y1 / Y0`` of the back-transformed line).
        Recommended by PHE for rates and proportions; needs ``lower`` and ``upper``.
    multiplier
        Multiplies the SII and its limits (100 for percentages). A negative multiplier flips
        the polarity: the SII changes sign and the RII is inverted.
    confidence
        The level or levels of the simulated intervals (0.95 or 95; a sequence for several).
    repetitions
        The number of simulated draws (at least 1000; phe_sii's default is 100,000).
    seed
        A seed or a numpy Generator for the draws: the same seed gives the same limits.

    Returns
    -------
    SlopeIndex
        The SII (times ``multiplier``), the RII, the intercept and the simulated limits. The
        limits are the ``round(R·(1−c)/2)``-th and ``round(R·(1+c)/2)``-th of the R sorted
        simulated values, as in phe_sii.

    Raises
    ------
    ValueError
        For fewer than two groups, missing or non-positive populations, missing values,
        negative or missing standard errors or limits, proportions outside (0, 1), rates
        not above 0, an unknown value type, ``transform`` with ``"other"`` or with ``se``,
        or too few repetitions.
        (phe_sii requires 5 to 100 groups; here two suffice, and more than ten warn as in
        phe_sii, since small groups make the SII unstable.)

    References
    ----------
    Low A, Low A. Measuring the gap: quantifying and comparing local health inequalities.
    J Public Health 2004;26:388-395. Public Health England, technical guide to the slope
    index of inequality. PHEindicatormethods ``phe_sii``.
    """
    if value_type not in VALUE_TYPES:
        raise ValueError(f"value_type must be one of {VALUE_TYPES}, not {value_type!r}")
    if transform and value_type == "other":
        raise ValueError("transform needs value_type 'rate' or 'proportion'")
    if transform and se is not None:
        raise ValueError("transform needs the confidence limits, not standard errors")
    if repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be at least {MIN_REPETITIONS}, not {repetitions}")
    levels = confidence_levels(confidence)
    if any(level >= 1 for level in levels):
        raise ValueError("a simulated interval needs a confidence level below 100 %")

    pop = as_float(population)
    if pop.size < 2:
        raise ValueError("the SII needs at least two groups")
    if pop.size > 10:
        warnings.warn(
            "small values can make the SII unstable with more than ten groups",
            stacklevel=2,
        )
    share = _shares(pop)
    y = _values(pop, value, successes, value_type)
    forward, backward = _link(value_type)
    sd = _standard_errors(y, se, lower, upper, value_type, forward, limits_confidence)

    weight = np.sqrt(share)
    design = np.column_stack([weight, relative_ranks(pop) * weight])
    # Least squares of (weight · y) on [weight, rank · weight] without a constant: the
    # population-weighted regression of y on rank, once as a 2 × k matrix for every draw.
    solver = np.linalg.solve(design.T @ design, design.T)

    def ends(scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Modelled values at rank 0 and rank 1, on the value's scale, from values on the
        regression's scale (log or logit with ``transform``), of shape (k,) or (k, draws)."""
        shaped = weight.reshape((-1,) + (1,) * (scale.ndim - 1))
        intercept, slope = solver @ (scale * shaped)
        if transform:
            return backward(intercept), backward(intercept + slope)
        return intercept, intercept + slope

    bottom, top = ends(forward(y) if transform else y)
    sii = float(multiplier * (top - bottom))
    rii = float(_relative(top, bottom, multiplier))

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = rng.normal(forward(y)[:, None], sd[:, None], size=(pop.size, repetitions))
    sim_bottom, sim_top = ends(draws if transform else backward(draws))
    sim_sii = np.sort(multiplier * (sim_top - sim_bottom))
    sim_rii = np.sort(_relative(sim_top, sim_bottom, multiplier))

    bounds = [_positions(repetitions, level) for level in levels]
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    return SlopeIndex(
        sii=sii,
        rii=rii,
        intercept=float(bottom),
        sii_lower=sim_sii[low],
        sii_upper=sim_sii[high],
        rii_lower=sim_rii[low],
        rii_upper=sim_rii[high],
        confidence=levels,
        repetitions=repetitions,
    )


def _shares(pop: FloatArray) -> FloatArray:
    if not np.all(np.isfinite(pop)) or np.any(pop <= 0):
        raise ValueError("every group needs a positive population")
    return pop / pop.sum()


def _values(
    pop: FloatArray,
    value: ArrayLike | None,
    successes: ArrayLike | None,
    value_type: ValueType,
) -> FloatArray:
    if value is not None:
        y = as_float(value)
    elif successes is not None and value_type == "proportion":
        x = as_float(successes)
        if np.any(x <= 0):
            raise ValueError("the SII of a proportion from counts needs positive counts")
        y = x / pop
    else:
        raise ValueError("give the values, or the successes of a proportion")
    if y.shape != pop.shape:
        raise ValueError("values and populations must have one entry per group")
    if not np.all(np.isfinite(y)):
        raise ValueError("every group needs a value")
    if value_type == "proportion" and np.any((y < 0) | (y > 1)):
        raise ValueError("proportions must lie between 0 and 1")
    if value_type == "proportion" and np.any((y == 0) | (y == 1)):
        raise ValueError("proportions of 0 or 1 have no logit: the simulation needs 0 < p < 1")
    if value_type == "rate" and np.any(y <= 0):
        raise ValueError("rates must be positive: the simulation draws their logarithms")
    return y


def _link(
    value_type: ValueType,
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """The transformation of a value type (identity, log, logit) and its inverse."""
    if value_type == "rate":
        return np.log, np.exp
    if value_type == "proportion":
        return (lambda p: np.log(p / (1 - p))), (lambda t: 1 / (1 + np.exp(-t)))
    return (lambda v: v), (lambda v: v)


def _standard_errors(
    y: FloatArray,
    se: ArrayLike | None,
    lower: ArrayLike | None,
    upper: ArrayLike | None,
    value_type: ValueType,
    forward: Callable[[np.ndarray], np.ndarray],
    limits_confidence: float,
) -> FloatArray:
    if se is not None:
        sd = np.broadcast_to(as_float(se), y.shape).astype(np.float64)
        if not np.all(np.isfinite(sd)) or np.any(sd < 0):
            raise ValueError("standard errors must be present and not negative")
        return sd
    if lower is None or upper is None:
        raise ValueError("give the standard errors or both confidence limits")
    low, high = as_float(lower), as_float(upper)
    if low.shape != y.shape or high.shape != y.shape:
        raise ValueError("confidence limits must have one entry per group")
    if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
        raise ValueError("every group needs both confidence limits")
    if value_type == "proportion" and np.any((low < 0) | (low > 1) | (high < 0) | (high > 1)):
        raise ValueError("confidence limits of proportions must lie between 0 and 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = (forward(high) - forward(low)) / (2 * z_value(confidence_levels(limits_confidence)[0]))
    if not np.all(np.isfinite(sd)) or np.any(sd < 0):
        raise ValueError("the confidence limits give no finite, non-negative standard error")
    return np.asarray(sd, dtype=np.float64)


def _relative(top: np.ndarray, bottom: np.ndarray, multiplier: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = top / bottom
        return 1 / ratio if multiplier < 0 else ratio


def _positions(repetitions: int, level: float) -> tuple[int, int]:
    """0-based indices of the lower and upper limits among the sorted simulated values.

    phe_sii takes the ``round(R·(1−c′))``-th and ``round(R·c′)``-th of R sorted values, with
    c′ = c + (1 − c)/2 and 1-based positions; numpy rounds half to even like R.
    """
    upper_tail = level + (1 - level) / 2
    low = int(np.round(repetitions * (1 - upper_tail)))
    high = int(np.round(repetitions * upper_tail))
    return max(low, 1) - 1, min(max(high, 1), repetitions) - 1

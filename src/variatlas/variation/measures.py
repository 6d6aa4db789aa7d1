"""How much areas differ: extremal quotients, coefficients of variation, systematic component."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from variatlas.stats.estimate import as_float


@dataclass(frozen=True)
class VariationSummary:
    """Variation statistics across areas (one indicator, level and period)."""

    areas: int
    """Areas that entered the statistics (after ``minimum_count``)."""
    minimum: float
    maximum: float
    ft: float
    ft2: float
    ft3: float
    cv: float
    cv_weighted: float
    scv: float
    scv2: float
    scv_class: str
    scv_log: float

    def as_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


SCV_CLASSES = ((3.0, "low"), (5.5, "medium"), (10.0, "high"))
NO_SYSTEMATIC_VARIATION = "none beyond chance"
"""The class of an SCV estimate at or below zero: the areas differ no more than chance makes
them (SCV estimates the variance of log relative risks; below zero it says that variance is
nil, not that it is negative)."""


def scv_class(scv: float) -> str:
    """SCV class (Appleby et al. 2011, as SKDE cites them).

    Low < 3, medium 3–5.4, high 5.5–10, very high > 10; an estimate at or below zero is
    "none beyond chance" (McPherson et al. 1982: SCV is a variance estimate from which the
    Poisson variance is subtracted, so sampling alone can drive it below zero).
    """
    if np.isnan(scv):
        return ""
    if scv <= 0:
        return NO_SYSTEMATIC_VARIATION
    for bound, name in SCV_CLASSES:
        if scv < bound:
            return name
    return "high" if scv <= 10 else "very high"


def extremal_quotient(rates: ArrayLike, rank: int = 1) -> float:
    """The ``rank``-th highest over the ``rank``-th lowest rate (FT, FT2, FT3 in SKDE's terms).

    Reference: SKDE-Analyse/sas_codes, rateprogram/variasjon.sas; McPherson K et al. NEJM
    1982;307:1310-4.
    """
    r = np.sort(as_float(rates)[~np.isnan(as_float(rates))])
    if len(r) < 2 * rank or r[rank - 1] <= 0:
        return float("nan")
    return float(r[-rank] / r[rank - 1])


def coefficient_of_variation(rates: ArrayLike, weights: ArrayLike | None = None) -> float:
    """100 · SD / mean of the area rates.

    Unweighted: the sample SD (n − 1) over the unweighted mean, as SKDE computes CV.
    Weighted (by population): the weighted SD around the population-weighted mean.
    Reference: SKDE-Analyse/sas_codes, rateprogram/variasjon.sas.
    """
    r = as_float(rates)
    if weights is None:
        if len(r) < 2 or np.mean(r) == 0:
            return float("nan")
        return float(100 * np.std(r, ddof=1) / np.mean(r))
    w = as_float(weights)
    if not np.isfinite(w).all() or np.sum(w) <= 0:
        return float("nan")
    centre = np.sum(w * r) / np.sum(w)
    if centre == 0:
        return float("nan")
    return float(100 * np.sqrt(np.sum(w * (r - centre) ** 2) / np.sum(w)) / centre)


def systematic_component(observed: ArrayLike, expected: ArrayLike) -> float:
    """SCV = 100 · (1/K) · [Σ((O − E)/E)² − Σ 1/E], the Poisson noise removed.

    References: McPherson K, Wennberg JE, Hovind OB, Clifford P. NEJM 1982;307:1310-4;
    Diehr P et al. (1990) for this approximation; SKDE-Analyse/sas_codes rateprogram.
    """
    o, e = as_float(observed), as_float(expected)
    if len(o) == 0:
        return float("nan")
    return float(100 * (np.sum(((o - e) / e) ** 2) - np.sum(1 / e)) / len(o))


def systematic_component_log(observed: ArrayLike, expected: ArrayLike) -> float:
    """McPherson's log form: 100 · mean((ln(O/E))² − 1/E); areas with O = 0 left out.

    Reference: McPherson K et al. Small-area variations in the use of common surgical
    procedures. Soc Sci Med 1982;16:1451-61 (as summarised in the domain brief).
    """
    o, e = as_float(observed), as_float(expected)
    keep = o > 0
    if not keep.any():
        return float("nan")
    return float(100 * np.mean(np.log(o[keep] / e[keep]) ** 2 - 1 / e[keep]))


def variation_summary(
    rates: ArrayLike,
    *,
    observed: ArrayLike | None = None,
    expected: ArrayLike | None = None,
    population: ArrayLike | None = None,
    counts: ArrayLike | None = None,
    minimum_count: float = 0,
) -> VariationSummary:
    """The variation statistics of SKDE's atlases for one set of area rates.

    ``rates`` are the (adjusted) area rates; ``observed``/``expected`` the counts for SCV
    (indirect standardisation); ``population`` weights the weighted CV; areas whose ``counts``
    (the numerator, default ``observed``) are below ``minimum_count`` are left out first
    (an area without a count stays).
    SCV2 is SCV without the areas with the highest and lowest O/E.
    Reference: SKDE-Analyse/sas_codes rateprogram/variasjon.sas (FT, CV, SCV);
    Appleby J et al. Variations in health care. King's Fund, 2011 (SCV classes).
    """
    r = as_float(rates)
    keep = ~np.isnan(r)
    count_basis = counts if counts is not None else observed
    if count_basis is not None and minimum_count > 0:
        # An area whose count was not published (NaN) is not known to be small.
        keep &= ~(as_float(count_basis) < minimum_count)
    r = r[keep]
    weight = as_float(population)[keep] if population is not None else None
    scv = scv2 = scv_log = float("nan")
    if observed is not None and expected is not None:
        o, e = as_float(observed)[keep], as_float(expected)[keep]
        scv = systematic_component(o, e)
        scv_log = systematic_component_log(o, e)
        if len(o) > 2:
            order = np.argsort(o / e)
            middle = order[1:-1]
            scv2 = systematic_component(o[middle], e[middle])
    return VariationSummary(
        areas=len(r),
        minimum=float(np.min(r)) if len(r) else float("nan"),
        maximum=float(np.max(r)) if len(r) else float("nan"),
        ft=extremal_quotient(r, 1),
        ft2=extremal_quotient(r, 2),
        ft3=extremal_quotient(r, 3),
        cv=coefficient_of_variation(r),
        cv_weighted=coefficient_of_variation(r, weight) if weight is not None else float("nan"),
        scv=scv,
        scv2=scv2,
        scv_class=scv_class(scv),
        scv_log=scv_log,
    )

"""Direct and indirect standardisation, and the standard populations."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from numpy.typing import ArrayLike

from variatlas.stats.estimate import (
    Confidence,
    Estimate,
    FloatArray,
    as_float,
    confidence_levels,
    stack_levels,
)
from variatlas.stats.intervals import byars_lower, byars_upper, poisson_limits

DSR_MINIMUM_EVENTS = 10


@cache
def esp2013() -> FloatArray:
    """The European Standard Population 2013 in 19 bands (0–4, 5–9, …, 85–89, 90+), total 100,000.

    Source: Eurostat, Revision of the European Standard Population, report of Eurostat's task
    force, 2013 edition (KS-RA-13-028), the 0 and 1–4 bands and 90–94 and 95+ combined.
    """
    text = (files("variatlas.stats") / "data" / "esp2013.csv").read_text()
    return np.array([float(line.split(",")[-1]) for line in text.splitlines()[1:]])


def five_year_band(age: ArrayLike, top: int = 90) -> np.ndarray:
    """The 5-year band index of each age (0 = 0–4, …), the last band open from ``top``."""
    return np.minimum(np.asarray(age) // 5, top // 5).astype(int)


def national_standard(
    population: ArrayLike, age: ArrayLike, sex: ArrayLike | None = None, *, top: int = 90
) -> tuple[np.ndarray, FloatArray]:
    """A standard population from a national population: persons per 5-year band (and sex).

    SKDE standardises to the national population of the standardisation year (by default the
    last year in the data) in 5-year age bands, with sex where the indicator is age–sex
    standardised. Returns the band keys (band index, or band index × 2 + sex code) and the
    persons in each. Reference: SKDE-Analyse/sas_codes, rateprogram/standard_rate.sas.
    """
    band = five_year_band(age, top)
    if sex is not None:
        codes = np.unique(np.asarray(sex), return_inverse=True)[1]
        band = band * 2 + codes
    keys, inverse = np.unique(band, return_inverse=True)
    return keys, as_float(np.bincount(inverse, weights=as_float(population), minlength=len(keys)))


def _grouping(groups: ArrayLike | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.zeros(n, dtype=int) if groups is None else np.asarray(groups)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, inverse


def dsr(
    events: ArrayLike,
    population: ArrayLike,
    standard: ArrayLike,
    *,
    groups: ArrayLike | None = None,
    multiplier: float = 1000,
    confidence: Confidence = 0.95,
    event_frequency: ArrayLike | None = None,
    bands: ArrayLike | None = None,
) -> Estimate:
    """Directly standardised rate per group with Dobson's confidence interval.

    Input is long: one row per group and age(–sex) band, with the events, the population and
    the standard population weight of the band. Per group, with ``O = Σx``:
    ``DSR = Σ(x·w/n) / Σw · multiplier``, ``var = Σ(x·(w/n)²) / (Σw)²`` and the limits
    ``DSR + sqrt(var/O) · (Byar(O) − O) · multiplier``. Groups with fewer than 10 events get
    NaN (method ``suppressed: fewer than 10 events``). Missing events count as 0.

    Non-independent events (a person counted more than once): give ``event_frequency`` f and,
    as ``events``, the number of persons with f events, one row per group, band and f, with
    ``bands`` naming the band of each row. Then the events are ``Σ f·persons`` and
    ``var = Σ_f f² var_f``, ``var_f`` computed from the persons with frequency f.

    References: Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted
    sums of Poisson parameters. Stat Med 1991;10:457-62, doi:10.1002/sim.4780100317;
    PHEindicatormethods ``calculate_dsr`` (non-independent events: PHE Fingertips technical
    guidance, "DSR with non-independent events").
    """
    x = np.nan_to_num(as_float(events))
    n, w = as_float(population), as_float(standard)
    x, n, w = np.broadcast_arrays(x, n, w)
    if np.any(n <= 0):
        raise ValueError("denominators must all be greater than zero")
    keys, inverse = _grouping(groups, len(x))
    k = len(keys)
    frequency = np.ones_like(x) if event_frequency is None else as_float(event_frequency)
    if event_frequency is not None:
        if bands is None:
            raise ValueError("non-independent events need the band of each row (bands=)")
        band_index = np.unique(np.asarray(bands), return_inverse=True)[1]
        # Σw counts each band once, though its rows repeat per frequency.
        _, rows = np.unique(inverse * (band_index.max() + 1) + band_index, return_index=True)
        weight_sum = np.bincount(inverse[rows], weights=w[rows], minlength=k)
    else:
        weight_sum = np.bincount(inverse, weights=w, minlength=k)
    events_total = np.bincount(inverse, weights=frequency * x, minlength=k)
    value = np.bincount(inverse, weights=frequency * x * w / n, minlength=k) / weight_sum
    variance = (
        np.bincount(inverse, weights=frequency**2 * x * (w / n) ** 2, minlength=k) / weight_sum**2
    )
    levels = confidence_levels(confidence)
    bounds = []
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(variance / events_total)
        for level in levels:
            lower = value + spread * (byars_lower(events_total, level) - events_total)
            upper = value + spread * (byars_upper(events_total, level) - events_total)
            bounds.append((lower * multiplier, upper * multiplier))
    lower, upper = stack_levels(bounds)
    small = events_total < DSR_MINIMUM_EVENTS
    value = np.where(small, np.nan, value * multiplier)
    lower, upper = np.where(small, np.nan, lower), np.where(small, np.nan, upper)
    method = np.where(small, "suppressed: fewer than 10 events", "dsr-dobson")
    return Estimate(value, lower, upper, levels, method, keys)


@dataclass(frozen=True)
class IndirectResult:
    """Observed and expected counts, with the standardised ratio and rate."""

    groups: np.ndarray
    observed: FloatArray
    expected: FloatArray
    ratio: Estimate
    rate: Estimate


def indirect(
    events: ArrayLike,
    population: ArrayLike,
    reference_events: ArrayLike,
    reference_population: ArrayLike,
    *,
    groups: ArrayLike | None = None,
    observed: ArrayLike | None = None,
    multiplier: float = 1000,
    reference_value: float = 1,
    confidence: Confidence = 0.95,
) -> IndirectResult:
    """Indirect standardisation: expected counts, standardised ratio (O/E) and rate.

    Long input, one row per group and band. ``E = Σ n·x_ref/n_ref``; ratio ``O/E ·
    reference_value``; rate ``O/E · Σx_ref/Σn_ref · multiplier`` (the reference totals are those
    of the first group's rows, as the reference is the same for every group); a band with a
    missing population or reference count adds nothing to E. Limits: exact
    Poisson on O below 10 events, Byar's from 10, divided by E. ``observed`` gives O per group
    (sorted) where the events are not known by band.

    References: Breslow NE, Day NE 1987, ch. 2; PHEindicatormethods ``calculate_ISRatio`` and
    ``calculate_ISRate``.
    """
    n, x_ref, n_ref = np.broadcast_arrays(
        as_float(population), as_float(reference_events), as_float(reference_population)
    )
    x = np.nan_to_num(np.broadcast_to(as_float(events), n.shape))
    if np.any(n < 0) or np.any(n_ref <= 0):
        raise ValueError(
            "populations must not be negative and reference populations must be above zero"
        )
    keys, inverse = _grouping(groups, len(n))
    k = len(keys)
    # A band with a missing population or reference count adds nothing to E (as PHE).
    expected = np.bincount(inverse, weights=np.nan_to_num(n * x_ref / n_ref), minlength=k)
    o = np.bincount(inverse, weights=x, minlength=k) if observed is None else as_float(observed)
    first_group = inverse == 0
    reference_rate = np.nansum(x_ref[first_group]) / np.nansum(n_ref[first_group])
    levels = confidence_levels(confidence)
    ratio_bounds, rate_bounds = [], []
    for level in levels:
        lower, upper, _ = poisson_limits(o, level)
        ratio_bounds.append(
            (lower / expected * reference_value, upper / expected * reference_value)
        )
        scale = reference_rate * multiplier
        rate_bounds.append((lower / expected * scale, upper / expected * scale))
    method = np.where(o < 10, "exact", "byar")
    ratio = Estimate(
        o / expected * reference_value, *stack_levels(ratio_bounds), levels, method, keys
    )
    rate = Estimate(
        o / expected * reference_rate * multiplier, *stack_levels(rate_bounds), levels, method, keys
    )
    return IndirectResult(keys, as_float(o), as_float(expected), ratio, rate)

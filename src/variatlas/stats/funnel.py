"""Funnel plots: control limits, significance and overdispersion.

Limits and significance follow PHEindicatormethods (``calculate_funnel_limits``,
``assign_funnel_significance``); overdispersion follows Spiegelhalter (2005) and the SHMI and
CQC variants as FunnelPlotR implements them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from variatlas.stats.estimate import Confidence, FloatArray, as_float, confidence_levels, z_value
from variatlas.stats.intervals import exact_poisson, poisson_limits, wilson

FunnelKind = Literal["proportion", "rate", "ratio"]
FUNNEL_LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits at each point of the x axis, per confidence level."""

    kind: str
    points: FloatArray
    baseline: float
    lower: dict[float, FloatArray]
    upper: dict[float, FloatArray]
    extra: dict[str, dict[float, FloatArray]] = field(default_factory=dict)
    """Rate funnels: ``lower_population``/``upper_population`` (one year); ratio funnels:
    ``lower_expected``/``upper_expected``."""


def funnel_limits(
    kind: FunnelKind,
    points: ArrayLike,
    *,
    baseline: float,
    multiplier: float = 1,
    confidence: Confidence = FUNNEL_LEVELS,
    years_of_data: float = 1,
    tau2: float = 0.0,
) -> FunnelLimits:
    """Funnel-plot control limits around ``baseline`` at each point of the x axis.

    - ``proportion``: points are denominators N and ``baseline`` a proportion in the units of
      ``multiplier``. Limits ``p̄ ± z sqrt(p̄(1-p̄)/N)`` in [0, 1] (where the Wilson interval of
      an observed proportion at N just reaches p̄, PHE's inversion). With ``tau2 > 0``, the
      overdispersed limits of Spiegelhalter (2005) on the arcsine scale:
      ``sin²(asin(sqrt p̄) ± z sqrt(1/(4N) + τ²))``.
    - ``ratio``: points are observed counts O; ``baseline`` the reference ratio (1, or 100 as
      an ISR). The limit is ``O / E_limit`` where ``E_limit`` is the exact Poisson mean at which
      O lies on the tail (chi-squared form), times ``baseline``.
    - ``rate``: points are observed counts O and ``baseline`` a rate per ``multiplier``; the
      limit is ``O / (E_limit / p̄) · multiplier`` and the one-year population
      ``E_limit / p̄ / years_of_data`` is returned in ``extra``.

    References: Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-202, doi:10.1002/sim.1970; PHEindicatormethods ``calculate_funnel_limits``.
    """
    x = as_float(points)
    levels = confidence_levels(confidence)
    lower: dict[float, FloatArray] = {}
    upper: dict[float, FloatArray] = {}
    extra: dict[str, dict[float, FloatArray]] = {}
    for level in levels:
        z = z_value(level)
        if kind == "proportion":
            p = baseline / multiplier
            if tau2 > 0:
                centre = np.arcsin(np.sqrt(p))
                spread = z * np.sqrt(1 / (4 * x) + tau2)
                low = np.sin(np.clip(centre - spread, 0, np.pi / 2)) ** 2
                high = np.sin(np.clip(centre + spread, 0, np.pi / 2)) ** 2
            else:
                spread = z * np.sqrt(p * (1 - p) / x)
                low, high = p - spread, p + spread
            lower[level] = np.clip(low, 0, 1) * multiplier
            upper[level] = np.clip(high, 0, 1) * multiplier
        elif kind in ("ratio", "rate"):
            expected_low, expected_high = exact_poisson(x, level)
            with np.errstate(divide="ignore"):
                if kind == "ratio":
                    lower[level] = x / expected_high * baseline
                    upper[level] = x / expected_low * baseline
                    extra.setdefault("lower_expected", {})[level] = expected_high
                    extra.setdefault("upper_expected", {})[level] = expected_low
                else:
                    p = baseline / multiplier
                    lower[level] = x / (expected_high / p) * multiplier
                    upper[level] = x / (expected_low / p) * multiplier
                    extra.setdefault("lower_population", {})[level] = (
                        expected_high / p / years_of_data
                    )
                    extra.setdefault("upper_population", {})[level] = (
                        expected_low / p / years_of_data
                    )
        else:
            raise ValueError(f"kind must be proportion, rate or ratio, not {kind!r}")
    return FunnelLimits(kind, x, float(baseline), lower, upper, extra)


def ratio_limits(
    expected: ArrayLike,
    *,
    target: float = 1.0,
    confidence: Confidence = FUNNEL_LEVELS,
    tau2: float = 0.0,
    method: Literal["shmi", "spiegelhalter"] = "spiegelhalter",
) -> FunnelLimits:
    """Limits for a standardised ratio O/E against the expected count E (x axis).

    Without overdispersion, the exact Poisson limits continuous in E:
    ``chi2((1-c)/2, 2E)/(2E)`` and ``chi2((1+c)/2, 2(E+1))/(2E)``, times ``target``. With
    ``tau2`` from ``overdispersion``: SHMI ``exp(± z sqrt(1/E + τ²))``, or Spiegelhalter's
    square-root scale ``(1 ± z sqrt(1/(4E) + τ²))²`` (squared back to the ratio scale, which
    FunnelPlotR's CQC limits omit, its issue #33).

    References: Spiegelhalter 2005; NHS Digital, SHMI methodology; FunnelPlotR
    ``calculate_limits``.
    """
    e = as_float(expected)
    lower: dict[float, FloatArray] = {}
    upper: dict[float, FloatArray] = {}
    for level in confidence_levels(confidence):
        z = z_value(level)
        if tau2 > 0 and method == "shmi":
            spread = z * np.sqrt(1 / e + tau2)
            low, high = np.exp(-spread), np.exp(spread)
        elif tau2 > 0:
            spread = z * np.sqrt(1 / (4 * e) + tau2)
            low, high = np.clip(1 - spread, 0, None) ** 2, (1 + spread) ** 2
        else:
            low = stats.chi2.ppf((1 - level) / 2, 2 * e) / (2 * e)
            high = stats.chi2.ppf((1 + level) / 2, 2 * (e + 1)) / (2 * e)
        lower[level], upper[level] = low * target, high * target
    return FunnelLimits("ratio", e, target, lower, upper)


SIGNIFICANCE_LABELS = ("High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)")


def funnel_significance(
    kind: FunnelKind,
    numerator: ArrayLike,
    denominator: ArrayLike | None = None,
    *,
    rate: ArrayLike | None = None,
    rate_type: Literal["dsr", "crude"] = "crude",
    multiplier: float = 1,
    centre: ArrayLike | None = None,
) -> np.ndarray:
    """Where each area lies against the funnel: High/Low at 0.025 or 0.001, or not significant.

    - ``proportion``: the area's Wilson interval (95 %, 99.8 %) against p̄ = Σx/Σn.
    - ``ratio``: numerator O, denominator E; the exact (O < 10) or Byar's interval of O/E
      against 1.
    - ``rate``: numerator O with either the denominator or the ``rate`` (per ``multiplier``),
      from which the denominator is derived as ``O / rate · multiplier``; the interval of
      O/denominator against ΣO/Σdenominator. For DSRs, areas with O = 0 are left out of the
      average and areas with fewer than 10 events are "Not applicable".

    ``centre`` overrides the average compared against (one value, or one per area, so that
    several funnels can be assessed in one call).

    Reference: PHEindicatormethods ``assign_funnel_significance``.
    """
    o = as_float(numerator)
    override = None if centre is None else as_float(centre)
    if kind in ("proportion", "ratio") and denominator is None:
        raise ValueError(f"a {kind} funnel needs the denominator")
    if kind == "proportion":
        n = as_float(denominator)  # type: ignore[arg-type]
        centre = o.sum() / n.sum()

        def bounds(level: float) -> tuple[FloatArray, FloatArray]:
            return wilson(o, n, level)

    elif kind == "ratio":
        e = as_float(denominator)  # type: ignore[arg-type]
        centre = 1.0

        def bounds(level: float) -> tuple[FloatArray, FloatArray]:
            low, high, _ = poisson_limits(o, level)
            return low / e, high / e

    elif kind == "rate":
        if rate is not None:
            r = as_float(rate)
            with np.errstate(divide="ignore", invalid="ignore"):
                derived = o / r * multiplier
            if denominator is not None and rate_type == "crude":
                derived = np.where(o == 0, as_float(denominator), derived)
        elif denominator is not None:
            derived = as_float(denominator)
        else:
            raise ValueError("a rate funnel needs the denominator or the rate")
        use = o > 0 if rate_type == "dsr" else np.isfinite(derived)
        centre = o[use].sum() / derived[use].sum()

        def bounds(level: float) -> tuple[FloatArray, FloatArray]:
            low, high, _ = poisson_limits(o, level)
            with np.errstate(divide="ignore", invalid="ignore"):
                return low / derived, high / derived

    else:
        raise ValueError(f"kind must be proportion, rate or ratio, not {kind!r}")
    reference: FloatArray = as_float(centre if override is None else override)
    low95, high95 = bounds(0.95)
    low998, high998 = bounds(0.998)
    label = np.full(o.shape, "Not significant", dtype=object)
    label[low95 > reference] = "High (0.025)"
    label[low998 > reference] = "High (0.001)"
    label[high95 < reference] = "Low (0.025)"
    label[high998 < reference] = "Low (0.001)"
    if kind == "rate" and rate_type == "dsr":
        label[o < 10] = "Not applicable for events less than 10 for dsrs"
    return label


@dataclass(frozen=True)
class Overdispersion:
    """Multiplicative (phi) and additive (tau²) overdispersion, with the z-scores used."""

    phi: float
    tau2: float
    z: FloatArray
    used: np.ndarray
    """Areas that entered phi and tau² (truncation leaves some out)."""
    method: str


def overdispersion(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    kind: Literal["ratio", "proportion"] = "ratio",
    method: Literal["spiegelhalter", "cqc", "shmi"] = "spiegelhalter",
    trim: float = 0.1,
    shmi_rounding: bool = True,
) -> Overdispersion:
    """Overdispersion of areas around the funnel: phi and tau² (DerSimonian–Laird form).

    z-scores: ratios (O/E) on the square-root scale ``z = (sqrt(O/E) − 1) · 2 sqrt E``
    (Spiegelhalter 2005; FunnelPlotR's ``CQC``), or for ``shmi`` on the log scale
    ``z = sqrt(E) · ln(O/E)`` with E rounded to 2 dp; proportions on the arcsine scale
    ``z = (asin sqrt p − asin sqrt p̄) · 2 sqrt n``. Outlying z are winsorised at the ``trim``
    and ``1 − trim`` quantiles (``spiegelhalter``/``cqc``), or, for ``shmi``, the outer
    ``trim`` of ranks are dropped. ``phi = mean(z²)``;
    ``tau² = max(0, (n·phi − (n − 1)) / (Σw − Σw²/Σw))`` with ``w = 1/s²``.

    References: Spiegelhalter DJ. Stat Med 2005;24:1185-202, doi:10.1002/sim.1970;
    Spiegelhalter DJ, Sherlaw-Johnson C, Bardsley M et al. Stat Med 2012;31:2845-62;
    DerSimonian R, Laird N. Control Clin Trials 1986;7:177-88; NHS Digital SHMI methodology;
    FunnelPlotR (Mainey C) ``funnel_plot``.
    """
    o, d = as_float(numerator), as_float(denominator)
    if kind == "proportion":
        target = np.arcsin(np.sqrt(o.sum() / d.sum()))
        s = 1 / (2 * np.sqrt(d))
        z = (np.arcsin(np.sqrt(o / d)) - target) / s
    elif method == "shmi":
        e = np.round(d, 2) if shmi_rounding else d
        s = 1 / np.sqrt(e)
        z = np.log(o / e) / s
    else:
        s = 1 / (2 * np.sqrt(d))
        z = (np.sqrt(o / d) - 1) / s
    used = np.ones(len(z), dtype=bool)
    if method == "shmi":
        ranks = stats.rankdata(z, method="average")
        groups_count = round(1 / trim)
        group = np.floor(ranks * groups_count / (len(z) + 1))
        used = (group > 0) & (group < groups_count - 1)
        scores = z[used]
    else:
        low, high = np.quantile(z, [trim, 1 - trim])
        scores = np.clip(z, low, high)
    n = len(scores)
    phi = float(np.mean(scores**2))
    w = 1 / s[used] ** 2
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Overdispersion(phi, float(tau2), z, used, method)

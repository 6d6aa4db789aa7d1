"""Empirical-Bayes estimates for small areas: each area's figure pulled towards the country's
by as much as its own count leaves it uncertain.

Poisson–gamma for counts against expected counts (rates and standardised ratios) and
beta–binomial for proportions. The prior is fitted by maximising the marginal likelihood of
all areas (negative binomial, beta-binomial); each area's estimate is its posterior mean, its
interval the posterior's equal-tailed quantiles. The intervals do not carry the uncertainty of
the fitted prior, which is small with the hundreds of areas this is used for (the simulation
test measures their coverage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special
from scipy import stats as distributions

from variatlas.stats.estimate import FloatArray, as_float

NO_SPREAD = 1e6
"""Cap of the prior's size parameter: beyond it the areas show no spread beyond chance and
every estimate is the country's (the likelihood is flat out there)."""


@dataclass(frozen=True)
class Shrunk:
    """Posterior means and equal-tailed intervals per area, and the fitted prior's two
    parameters (gamma: shape and rate of the relative risk; beta: a and b of the share)."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    prior: tuple[float, float]


def _fit(negative_log_likelihood, start: tuple[float, float]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    bounds = [(-20.0, np.log(NO_SPREAD))] * 2
    found = optimize.minimize(negative_log_likelihood, np.log(start), bounds=bounds)
    first, second = np.exp(found.x)
    return float(first), float(second)


def poisson_gamma(observed: ArrayLike, expected: ArrayLike, *, confidence: float = 0.95) -> Shrunk:
    """Relative risks θᵢ = Oᵢ/Eᵢ shrunk towards the country's, with Oᵢ ~ Poisson(θᵢEᵢ) and
    θᵢ ~ Gamma(shape a, rate b): the posterior is Gamma(a + Oᵢ, b + Eᵢ), its mean
    (a + Oᵢ)/(b + Eᵢ). a and b maximise the marginal (negative binomial) likelihood.

    Multiply by the national rate to get shrunken rates. Areas with E = 0 or a missing count
    get no estimate and do not enter the fit.
    Reference: Clayton D, Kaldor J. Empirical Bayes estimates of age-standardized relative
    risks for use in disease mapping. Biometrics 1987;43:671-81 (the gamma prior fitted by
    the marginal likelihood, eq. 3–5); Marshall RJ. Mapping disease and mortality rates using
    empirical Bayes estimators. Appl Stat 1991;40:283-94.
    """
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    used = np.isfinite(o) & np.isfinite(e) & (e > 0)
    ou, eu = o[used], e[used]

    def negative_log_likelihood(log_parameters: np.ndarray) -> float:
        a, b = np.exp(log_parameters)
        return -float(
            np.sum(
                special.gammaln(a + ou)
                - special.gammaln(a)
                + a * np.log(b / (b + eu))
                + ou * np.log(eu / (b + eu))
            )
        )

    mean = ou.sum() / eu.sum() if eu.sum() > 0 else 1.0
    a, b = _fit(negative_log_likelihood, (4.0, 4.0 / max(mean, 1e-9)))
    tail = (1 - confidence) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        shape, rate = a + o, b + e
        value = np.where(used, shape / rate, np.nan)
        lower = np.where(used, distributions.gamma.ppf(tail, shape, scale=1 / rate), np.nan)
        upper = np.where(used, distributions.gamma.ppf(1 - tail, shape, scale=1 / rate), np.nan)
    return Shrunk(value, lower, upper, (a, b))


def beta_binomial(successes: ArrayLike, total: ArrayLike, *, confidence: float = 0.95) -> Shrunk:
    """Proportions pᵢ shrunk towards the country's, with xᵢ ~ Binomial(nᵢ, pᵢ) and
    pᵢ ~ Beta(a, b): the posterior is Beta(a + xᵢ, b + nᵢ − xᵢ), its mean
    (a + xᵢ)/(a + b + nᵢ). a and b maximise the marginal (beta-binomial) likelihood.

    Areas with n = 0 or a missing count get no estimate and do not enter the fit.
    Reference: Kleinman JC. Proportions with extraneous variance: single and independent
    samples. JASA 1973;68:46-54; Carlin BP, Louis TA. Bayesian Methods for Data Analysis,
    3rd ed. 2009, §5.3 (parametric empirical Bayes for the beta-binomial).
    """
    x, n = np.broadcast_arrays(as_float(successes), as_float(total))
    used = np.isfinite(x) & np.isfinite(n) & (n > 0)
    xu, nu = x[used], n[used]

    def negative_log_likelihood(log_parameters: np.ndarray) -> float:
        a, b = np.exp(log_parameters)
        return -float(np.sum(special.betaln(a + xu, b + nu - xu) - special.betaln(a, b)))

    share = min(max(xu.sum() / nu.sum() if nu.sum() > 0 else 0.5, 1e-6), 1 - 1e-6)
    a, b = _fit(negative_log_likelihood, (10 * share, 10 * (1 - share)))
    tail = (1 - confidence) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        first, second = a + x, b + n - x
        value = np.where(used, first / (first + second), np.nan)
        lower = np.where(used, distributions.beta.ppf(tail, first, second), np.nan)
        upper = np.where(used, distributions.beta.ppf(1 - tail, first, second), np.nan)
    return Shrunk(value, lower, upper, (a, b))

"""Empirical-Bayes estimates for small areas: each area's figure pulled towards the country's
by as much as its own count leaves it uncertain.

Poisson–gamma for counts against expected counts (rates and standardised ratios) and
beta–binomial for proportions. The prior is parametrised by its mean μ and its spread τ (the
gamma's coefficient of variation; the square root of the beta's intra-class correlation ρ, so
that the share's SD is τ√(μ(1−μ))) and fitted by maximising the full marginal likelihood of
all areas (negative binomial, beta-binomial, with every constant), μ profiled out for each τ:
a grid over τ that holds zero and the method-of-moments estimate, then a bounded Brent search
between the best grid point's neighbours.

Each area's interval carries the prior's uncertainty: its posterior mean and variance are
averaged over τ, weighted by the profile likelihood under a flat prior on the prior's
variance τ² (Morris 1983), with the sampling variance of μ added to first order (Kass &
Steffey 1989); the estimate is that averaged mean, the interval the equal-tailed quantiles of
the gamma (beta) with the averaged mean and variance. So a view with no spread beyond chance
gets the country's value with intervals as wide as the spreads the data still allow, not the
country's value with a tiny interval; ``no_spread`` says when that is so.
References: Deely JJ, Lindley DV. Bayes empirical Bayes. JASA 1981;76:833-41; Morris CN.
Parametric empirical Bayes inference: theory and applications. JASA 1983;78:47-55; Kass RE,
Steffey D. Approximate Bayesian inference in conditionally independent hierarchical models
(parametric empirical Bayes models). JASA 1989;84:717-26.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special
from scipy import stats as distributions

from variatlas.stats.estimate import FloatArray, as_float, checked_confidence
from variatlas.stats.roots import log_rising as _log_rising
from variatlas.stats.roots import solve_decreasing as _solve

MINIMUM_AREAS = 5
"""With fewer areas with counts than this no prior is fitted."""
FEWER_AREAS = f"not fitted: fewer than {MINIMUM_AREAS} areas with published counts"
ALL_ZERO = "not fitted: every published count is zero"
ALL_COMPLETE = "not fitted: every published count equals its denominator"
NO_SPREAD_STATISTIC = 2.71
"""Below this twice the log-likelihood gained by the spread, the areas show no spread beyond
chance: the 5 % point of ½χ²₀ + ½χ²₁, for a variance tested on its boundary (Self SG, Liang
KY. JASA 1987;82:605-10)."""
WEIGHED = 10.0
"""The spreads averaged over: those whose profile log-likelihood is within this of the
maximum (beyond it a spread's weight is below e⁻¹⁰)."""
NODES = 24
TINY = 1e-9
"""A lower limit below this share of the prior mean is given as 0, and an upper limit of a
share this close to 1 as 1 (a zero count's quantiles can be like 1e-300)."""

Moments = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


@dataclass(frozen=True)
class Shrunk:
    """Posterior means and equal-tailed intervals per area (NaN where there is none); the
    prior at the maximum likelihood: its two parameters (gamma: shape and rate of the
    relative risk; beta: a and b of the share; both inf where the fit has no spread), its
    ``mean`` and ``spread`` (coefficient of variation, SD over mean); the maximised marginal
    ``log_likelihood`` with every constant; ``no_spread`` when the spread does not improve
    the fit beyond chance; and ``reason``, why there are no estimates ("" when there are)."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    prior: tuple[float, float]
    mean: float = float("nan")
    spread: float = float("nan")
    log_likelihood: float = float("nan")
    no_spread: bool = False
    reason: str = ""


class _Model:
    """A prior family on the used areas: the profile over spreads τ (rows) and the posterior
    moments of every area at given (τ, μ)."""

    top: float
    pooled: float
    start: float

    def profile(
        self, taus: FloatArray, near: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """μ̂ and the profile log-likelihood per τ (``near``: guesses at μ̂)."""
        raise NotImplementedError

    def moments(self, taus: FloatArray, mus: FloatArray) -> Moments:
        """Posterior mean, variance and ∂mean/∂μ per (τ, area), and the variance of μ̂ per τ."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Fit:
    spread: float
    mean: float
    log_likelihood: float
    no_spread: bool
    nodes: FloatArray
    means: FloatArray
    weights: FloatArray


def _fit(model: _Model) -> _Fit:
    """Maximise the profile log-likelihood over τ in [0, top], and the weights of the spreads
    within ``WEIGHED`` of the maximum (Gauss–Legendre nodes, flat prior on τ²)."""
    top = model.top
    grid = np.unique(np.r_[0.0, np.geomspace(1e-5 * top, top, 32), np.clip(model.start, 0, top)])
    grid_means, values = model.profile(grid)
    values = np.where(np.isfinite(values), values, -np.inf)

    def guess(taus: FloatArray) -> FloatArray:
        return np.asarray(np.interp(taus, grid, grid_means), dtype=float)

    seen: dict[float, tuple[float, float]] = {}

    def at(tau: float) -> float:
        if tau not in seen:
            mu, value = model.profile(np.array([tau]), guess(np.array([tau])))
            seen[tau] = float(mu[0]), float(value[0]) if np.isfinite(value[0]) else -np.inf
        return seen[tau][1]

    best = int(np.argmax(values))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    found = optimize.minimize_scalar(
        lambda t: -at(t), bounds=(low, high), method="bounded", options={"xatol": 1e-4 * high}
    )
    spread = float(found.x) if -found.fun > values[best] + 1e-9 else float(grid[best])
    peak = at(spread)
    mean = seen[spread][0]
    floor = peak - WEIGHED
    below = np.flatnonzero(values[: best + 1] < floor)
    above = best + np.flatnonzero(values[best:] < floor)

    def edge(inside: float, outside: float) -> float:
        """Where the profile falls below the floor between a τ above it and one below, to
        1/32 of their distance, erring outwards."""
        candidates = np.linspace(inside, outside, 33)
        _, profiled = model.profile(candidates, guess(candidates))
        return float(candidates[np.argmax(~(profiled >= floor))])

    start_at = edge(spread, grid[below[-1]]) if below.size else 0.0
    end_at = edge(spread, grid[above[0]]) if above.size else top
    points, gauss = np.polynomial.legendre.leggauss(NODES)
    nodes = start_at + (points + 1) / 2 * (end_at - start_at)
    node_means, node_values = model.profile(nodes, guess(nodes))
    weights = (
        gauss * nodes * np.exp(np.where(np.isfinite(node_values), node_values, -np.inf) - peak)
    )
    if not (np.isfinite(weights).all() and weights.sum() > 0):
        nodes, node_means, weights = np.array([spread]), np.array([mean]), np.ones(1)
    no_spread = 2 * (peak - values[0]) < NO_SPREAD_STATISTIC
    return _Fit(spread, mean, peak, bool(no_spread), nodes, node_means, weights / weights.sum())


def _shrink(
    model: _Model,
    used: np.ndarray,
    confidence: float,
    quantiles: Callable[[FloatArray, FloatArray, float], FloatArray],
    share: bool,
) -> tuple[_Fit, FloatArray, FloatArray, FloatArray]:
    """The estimates of every area: the posterior's mean and variance averaged over the
    spread, and the equal-tailed interval of the distribution with those moments, never on
    the wrong side of its mean, absurdly small limits read as the ends of the scale."""
    tail = (1 - checked_confidence(confidence)) / 2
    fit = _fit(model)
    mean, variance, slope, mean_variance = model.moments(fit.nodes, fit.means)
    weights = fit.weights[:, None]
    value = np.sum(weights * mean, axis=0)
    second = np.sum(weights * (variance + slope**2 * mean_variance[:, None] + mean**2), axis=0)
    variance_all = np.maximum(second - value**2, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = quantiles(value, variance_all, tail)
        upper = quantiles(value, variance_all, 1 - tail)
    lower = np.where(lower < TINY * fit.mean, 0.0, np.minimum(lower, value))
    upper = np.maximum(upper, value)
    if share:
        upper = np.where(upper > 1 - TINY * (1 - fit.mean), 1.0, upper)
    shaped = []
    for values in (value, lower, upper):
        full = np.full(used.shape, np.nan)
        full[used] = values
        shaped.append(full)
    return fit, shaped[0], shaped[1], shaped[2]


def _empty(shape: tuple[int, ...], reason: str) -> Shrunk:
    value, lower, upper = (np.full(shape, np.nan) for _ in range(3))
    return Shrunk(value, lower, upper, (np.nan, np.nan), reason=reason)


class _PoissonGamma(_Model):
    def __init__(self, o: FloatArray, e: FloatArray) -> None:
        self.o, self.e, self.top = o, e, 5.0
        self.pooled = o.sum() / e.sum()
        self.constant = special.gammaln(o + 1)
        # Marshall's moment estimator of the variance of θ, over μ², as a CV.
        variance = np.sum(e * (o / e - self.pooled) ** 2) / e.sum() - self.pooled / e.mean()
        self.start = float(np.sqrt(max(variance, 0.0)) / self.pooled)

    def profile(
        self, taus: FloatArray, near: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        o, e, kappa = self.o, self.e, (taus**2)[:, None]

        def score(u: FloatArray, rows: np.ndarray) -> FloatArray:
            m, k = np.exp(u)[:, None] * e, kappa[rows]
            return o.sum() - np.sum((1 + k * o) * m / (1 + k * m), axis=1)

        centre = np.log(np.full(len(taus), self.pooled) if near is None else near)
        mus = np.exp(_solve(score, centre, 0.1 if near is None else 0.002))
        m = mus[:, None] * e
        poisson = np.sum(special.xlogy(o, m) - m - self.constant, axis=1)
        a = 1 / np.where(kappa > 0, kappa, 1.0)
        terms = _log_rising(a, o) + special.xlogy(o, m / (a + m)) - a * np.log1p(m / a)
        negative_binomial = np.sum(terms - self.constant, axis=1)
        return mus, np.where(taus > 0, negative_binomial, poisson)

    def moments(self, taus: FloatArray, mus: FloatArray) -> Moments:
        o, e, kappa, mu = self.o, self.e, (taus**2)[:, None], mus[:, None]
        grown, m = 1 + kappa * o, 1 + kappa * mu * e
        mean = mu * grown / m
        information = np.sum(o / mu**2 - kappa * grown * e**2 / m**2, axis=1)
        return mean, kappa * mean**2 / grown, grown / m**2, 1 / information


def poisson_gamma(observed: ArrayLike, expected: ArrayLike, *, confidence: float = 0.95) -> Shrunk:
    """Relative risks θᵢ = Oᵢ/Eᵢ shrunk towards the country's, with Oᵢ ~ Poisson(θᵢEᵢ) and
    θᵢ ~ Gamma(shape a, rate b), mean μ = a/b and CV τ = 1/√a: given the prior the posterior
    is Gamma(a + Oᵢ, b + Eᵢ), its mean (a + Oᵢ)/(b + Eᵢ). μ and τ maximise the marginal
    (negative binomial) likelihood, the search starting from Marshall's moment estimator of
    the variance of θ, s² − μ/ē; the estimates average over τ (module docstring).

    Multiply by the national rate to get shrunken rates. Areas with E = 0, a negative or a
    missing count get no estimate and do not enter the fit; with fewer than 5 areas left, or
    none with a count above zero, no area gets one and ``reason`` says why.
    Reference: Clayton D, Kaldor J. Empirical Bayes estimates of age-standardized relative
    risks for use in disease mapping. Biometrics 1987;43:671-81 (the gamma prior fitted by
    the marginal likelihood, eq. 3–5); Marshall RJ. Mapping disease and mortality rates using
    empirical Bayes estimators. Appl Stat 1991;40:283-94 (the moment estimator).
    """
    checked_confidence(confidence)
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    used = np.isfinite(o) & np.isfinite(e) & (e > 0) & (o >= 0)
    if used.sum() < MINIMUM_AREAS:
        return _empty(o.shape, FEWER_AREAS)
    if o[used].sum() == 0:
        return _empty(o.shape, ALL_ZERO)

    def gamma_quantiles(mean: FloatArray, variance: FloatArray, q: float) -> FloatArray:
        return np.asarray(distributions.gamma.ppf(q, mean**2 / variance, scale=variance / mean))

    model = _PoissonGamma(o[used], e[used])
    fit, value, lower, upper = _shrink(model, used, confidence, gamma_quantiles, share=False)
    a = 1 / fit.spread**2 if fit.spread > 0 else np.inf
    prior = (a, a / fit.mean)
    return Shrunk(
        value, lower, upper, prior, fit.mean, fit.spread, fit.log_likelihood, fit.no_spread
    )


class _BetaBinomial(_Model):
    def __init__(self, x: FloatArray, n: FloatArray) -> None:
        self.x, self.n, self.y, self.top = x, n, n - x, 0.995
        self.pooled = x.sum() / n.sum()
        self.constant = special.gammaln(n + 1) - special.gammaln(x + 1) - special.gammaln(n - x + 1)
        # The moment estimator of ρ from Σnᵢ(p̂ᵢ − μ)², whose expectation is
        # μ(1 − μ) Σ(1 − nᵢ/N)(1 + (nᵢ − 1)ρ) (Kleinman's weights nᵢ).
        share, left = self.pooled, 1 - n / n.sum()
        spread = np.sum(n * (x / n - share) ** 2) / (share * (1 - share))
        rho = (spread - left.sum()) / max(float(np.sum(left * (n - 1))), TINY)
        self.start = float(np.sqrt(np.clip(rho, 0.0, 0.99)))

    def profile(
        self, taus: FloatArray, near: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        x, y, n = self.x, self.y, self.n
        phi = (taus**2 / (1 - taus**2))[:, None]
        some = np.where(phi > 0, phi, 1.0)

        def score(u: FloatArray, rows: np.ndarray) -> FloatArray:
            mu, zero = special.expit(u)[:, None], phi[rows, 0] == 0
            result = np.empty(len(rows))
            result[zero] = np.sum(x - mu[zero] * n, axis=1)
            if not zero.all():
                a, b = mu[~zero] / some[rows][~zero], (1 - mu[~zero]) / some[rows][~zero]
                gained = special.digamma(a + x) - special.digamma(a)
                lost = special.digamma(b + y) - special.digamma(b)
                result[~zero] = np.sum(gained - lost, axis=1)
            return result

        centre = special.logit(np.full(len(taus), self.pooled) if near is None else near)
        mus = special.expit(_solve(score, centre, 0.1 if near is None else 0.002))
        mu = mus[:, None]
        binomial = np.sum(self.constant + special.xlogy(x, mu) + special.xlog1py(y, -mu), axis=1)
        a, b = mu / some, (1 - mu) / some
        rising = _log_rising(a, x) + _log_rising(b, y) - _log_rising(a + b, n)
        beta_binomial = np.sum(self.constant + rising, axis=1)
        return mus, np.where(taus > 0, beta_binomial, binomial)

    def moments(self, taus: FloatArray, mus: FloatArray) -> Moments:
        x, y, n = self.x, self.y, self.n
        phi, mu = (taus**2 / (1 - taus**2))[:, None], mus[:, None]
        mean = (mu + phi * x) / (1 + phi * n)
        variance = mean * (1 - mean) * phi / (1 + phi * (n + 1))
        some = np.where(phi > 0, phi, 1.0)
        a, b = mu / some, (1 - mu) / some
        bent = special.polygamma(1, a + x) - special.polygamma(1, a)
        bent += special.polygamma(1, b + y) - special.polygamma(1, b)
        beta = -np.sum(bent, axis=1) / some[:, 0] ** 2
        binomial = np.sum(x / mu**2 + y / (1 - mu) ** 2, axis=1)
        information = np.where(phi[:, 0] > 0, beta, binomial)
        return mean, variance, 1 / (1 + phi * n), 1 / information


def beta_binomial(successes: ArrayLike, total: ArrayLike, *, confidence: float = 0.95) -> Shrunk:
    """Proportions pᵢ shrunk towards the country's, with xᵢ ~ Binomial(nᵢ, pᵢ) and
    pᵢ ~ Beta(a, b), mean μ = a/(a + b) and intra-class correlation ρ = τ² = 1/(a + b + 1):
    given the prior the posterior is Beta(a + xᵢ, b + nᵢ − xᵢ), its mean (a + xᵢ)/(a + b + nᵢ).
    μ and τ maximise the marginal (beta-binomial) likelihood, the search starting from the
    moment estimator of ρ with Kleinman's weights nᵢ; the estimates average over τ (module
    docstring).

    Areas with n = 0, a count outside 0..n or a missing one get no estimate and do not enter
    the fit; with fewer than 5 areas left, or every count 0, or every count n, no area gets
    one and ``reason`` says why.
    Reference: Kleinman JC. Proportions with extraneous variance: single and independent
    samples. JASA 1973;68:46-54; Carlin BP, Louis TA. Bayesian Methods for Data Analysis,
    3rd ed. 2009, §5.3 (parametric empirical Bayes for the beta-binomial).
    """
    checked_confidence(confidence)
    x, n = np.broadcast_arrays(as_float(successes), as_float(total))
    used = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0) & (x <= n)
    if used.sum() < MINIMUM_AREAS:
        return _empty(x.shape, FEWER_AREAS)
    if x[used].sum() == 0:
        return _empty(x.shape, ALL_ZERO)
    if (x[used] == n[used]).all():
        return _empty(x.shape, ALL_COMPLETE)

    def beta_quantiles(mean: FloatArray, variance: FloatArray, q: float) -> FloatArray:
        size = mean * (1 - mean) / np.minimum(variance, 0.999 * mean * (1 - mean)) - 1
        return np.asarray(distributions.beta.ppf(q, mean * size, (1 - mean) * size))

    model = _BetaBinomial(x[used], n[used])
    fit, value, lower, upper = _shrink(model, used, confidence, beta_quantiles, share=True)
    phi = fit.spread**2 / (1 - fit.spread**2)
    prior = (fit.mean / phi, (1 - fit.mean) / phi) if phi > 0 else (np.inf, np.inf)
    cv = fit.spread * np.sqrt((1 - fit.mean) / fit.mean)
    return Shrunk(
        value, lower, upper, prior, fit.mean, float(cv), fit.log_likelihood, fit.no_spread
    )

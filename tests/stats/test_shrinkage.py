"""Empirical-Bayes shrinkage: the fitted prior against an independent optimiser of the
marginal likelihood (scipy's own negative binomial and beta-binomial distributions, a grid and
Nelder–Mead on the natural parameters) over rates, spreads and Norway's real municipality
sizes; the estimate against numerical integration over the spread; properties for any input;
the degenerate views; the coverage of the intervals per scenario by simulation (slow); and
the multiple-testing helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize
from scipy import stats as distributions

from variatlas.stats.shrinkage import (
    ALL_COMPLETE,
    ALL_ZERO,
    FEWER_AREAS,
    Shrunk,
    beta_binomial,
    poisson_gamma,
)

RATES = (0.5, 5.0, 50.0)
"""Events per 1,000 a year."""
SPREADS = (0.0, 0.05, 0.10, 0.20)
"""The planted coefficient of variation between municipalities."""
SHARES = (0.1, 0.5, 0.85)
COHORT = 0.011
"""A cohort as a share of a municipality's population (one year of age, roughly)."""


@functools.cache
def municipal_population() -> np.ndarray:
    """The 357 municipalities of Norway, persons on 1 January 2024 (SSB table 07459)."""
    population = pd.read_parquet(
        str(files("variatlas.contract") / "data" / "population_ssb.parquet")
    )
    sizes = population[population["year"] == 2024].groupby("municipality")["population"].sum()
    return sizes.to_numpy(dtype=float)


def draw_counts(rng: np.random.Generator, rate: float, cv: float) -> tuple[np.ndarray, ...]:
    """(true relative risks, counts, expected counts) for one year of Norway's municipalities."""
    expected = municipal_population() * rate / 1000
    truth = rng.gamma(1 / cv**2, cv**2, expected.size) if cv > 0 else np.ones(expected.size)
    return truth, rng.poisson(truth * expected).astype(float), expected


def draw_shares(rng: np.random.Generator, share: float, cv: float) -> tuple[np.ndarray, ...]:
    """(true shares, successes, cohort sizes) for Norway's municipalities."""
    cohorts = np.maximum(1.0, np.round(municipal_population() * COHORT))
    if cv > 0:
        size = share * (1 - share) / (cv * share) ** 2 - 1
        truth = rng.beta(share * size, (1 - share) * size, cohorts.size)
    else:
        truth = np.full(cohorts.size, share)
    return truth, rng.binomial(cohorts.astype(int), truth).astype(float), cohorts


def reference_fit(log_likelihood: Callable[[float, float], float], centre: tuple[float, float]):  # type: ignore[no-untyped-def]
    """The best (log a, log b) of a log-likelihood on the natural parameters (a, b): a grid
    over the log shape from 0.14 to 2.4e7 and a band around the pooled mean's line, then
    Nelder–Mead from the best grid point. It shares no code with the fit under test."""
    best, start = -np.inf, centre
    for log_a in np.linspace(-2, 17, 39):
        for log_b in log_a - centre[0] + centre[1] + np.linspace(-1, 1, 21):
            value = log_likelihood(np.exp(log_a), np.exp(log_b))
            if value > best:
                best, start = value, (log_a, log_b)
    found = optimize.minimize(
        lambda p: -log_likelihood(np.exp(p[0]), np.exp(p[1])),
        np.array(start),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 5000, "maxfev": 10000},
    )
    return max(best, -float(found.fun))


def negative_binomial(o: np.ndarray, e: np.ndarray) -> Callable[[float, float], float]:
    # O ~ NB(n = a, p = b / (b + E)) in scipy's parameterisation.
    return lambda a, b: float(distributions.nbinom.logpmf(o, a, b / (b + e)).sum())


def beta_binomial_likelihood(x: np.ndarray, n: np.ndarray) -> Callable[[float, float], float]:
    return lambda a, b: float(distributions.betabinom.logpmf(x, n, a, b).sum())


def scipy_log_likelihood(fit: Shrunk, counts: np.ndarray, basis: np.ndarray, gamma: bool) -> float:
    """The log-likelihood of the fitted prior by scipy's distributions."""
    a, b = fit.prior
    if np.isinf(a):
        if gamma:
            return float(distributions.poisson.logpmf(counts, fit.mean * basis).sum())
        return float(distributions.binom.logpmf(counts, basis, fit.mean).sum())
    if gamma:
        return negative_binomial(counts, basis)(a, b)
    return beta_binomial_likelihood(counts, basis)(a, b)


def agreement(gamma: bool, level: float, cv: float, seed: int) -> tuple[float, float]:
    """(ours − the reference's maximum, ours − scipy's log-likelihood of our prior)."""
    rng = np.random.default_rng(seed)
    if gamma:
        _, counts, basis = draw_counts(rng, level, cv)
        fit = poisson_gamma(counts, basis)
        likelihood = negative_binomial(counts, basis)
        pooled = counts.sum() / basis.sum()
    else:
        _, counts, basis = draw_shares(rng, level, cv)
        fit = beta_binomial(counts, basis)
        likelihood = beta_binomial_likelihood(counts, basis)
        pooled = counts.sum() / basis.sum()
    # The grid's band: b = a/μ (gamma) or b = a(1 − μ)/μ (beta) at the pooled μ.
    centre = (np.log(20.0), np.log(20.0 / pooled if gamma else 20.0 * (1 - pooled) / pooled))
    reference = reference_fit(likelihood, centre)
    ours = scipy_log_likelihood(fit, counts, basis, gamma)
    return ours - reference, fit.log_likelihood - ours


@pytest.mark.parametrize("cv", SPREADS)
@pytest.mark.parametrize("rate", RATES)
def test_the_gamma_prior_is_as_likely_as_an_independent_optimisers(rate, cv) -> None:
    """On Norway's 357 municipalities, rates of 0.5, 5 and 50 per 1,000 and planted spreads
    of CV 0–20 %: the fitted prior's negative binomial log-likelihood (scipy's) is at least
    the independent optimiser's − 0.01, and our reported log-likelihood is scipy's."""
    seed = int(rate * 1000 + cv * 100)
    gained, reported = agreement(True, rate, cv, seed)
    assert gained >= -0.01
    assert reported == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("cv", SPREADS)
@pytest.mark.parametrize("share", SHARES)
def test_the_beta_prior_is_as_likely_as_an_independent_optimisers(share, cv) -> None:
    """Shares of 10, 50 and 85 % with planted spreads of CV 0–20 % in cohorts of 1.1 % of
    each municipality's population: likewise with scipy's beta-binomial."""
    seed = int(share * 1000 + cv * 100) + 7
    gained, reported = agreement(False, share, cv, seed)
    assert gained >= -0.01
    assert reported == pytest.approx(0, abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("gamma", [True, False], ids=["poisson-gamma", "beta-binomial"])
def test_the_fit_agrees_with_the_independent_optimiser_over_many_draws(gamma) -> None:
    """Ten draws per scenario: the smallest and largest gain over the reference, printed."""
    rows = []
    for level in RATES if gamma else SHARES:
        for cv in SPREADS:
            gains = [agreement(gamma, level, cv, 1000 + seed)[0] for seed in range(10)]
            rows.append((level, cv, min(gains), max(gains)))
            print(
                f"{level:5} CV {cv:.2f}: ours − reference from {min(gains):.4f} to {max(gains):.4f}"
            )
    assert min(row[2] for row in rows) >= -0.01


RUNS = 100


def simulate(gamma: bool, level: float, cv: float) -> tuple[float, float, float]:
    """(coverage of the 95 % intervals of each area's true rate or share, MSE of the
    estimates over the raw figures', share of runs with no spread beyond chance)."""
    rng = np.random.default_rng(int(level * 1000 + cv * 100))
    covered = total = squared_raw = squared_shrunk = no_spread = 0.0
    for _ in range(RUNS):
        if gamma:
            truth, counts, basis = draw_counts(rng, level, cv)
            fit = poisson_gamma(counts, basis)
        else:
            truth, counts, basis = draw_shares(rng, level, cv)
            fit = beta_binomial(counts, basis)
        assert not fit.reason
        covered += float(np.sum((fit.lower <= truth) & (truth <= fit.upper)))
        total += truth.size
        squared_raw += float(np.sum((counts / basis - truth) ** 2))
        squared_shrunk += float(np.sum((fit.value - truth) ** 2))
        no_spread += fit.no_spread
    return covered / total, squared_shrunk / squared_raw, no_spread / RUNS


@pytest.mark.slow
@pytest.mark.parametrize("gamma", [True, False], ids=["poisson-gamma", "beta-binomial"])
def test_the_intervals_cover_the_planted_truth_in_every_scenario(gamma) -> None:
    """On Norway's municipalities of their real 2024 size, 100 runs per scenario: the 95 %
    intervals cover the planted truth at least 90 % of the time where there is spread (95 %
    where there is none), and the estimates have a lower mean squared error than the raw
    figures (the printed figures are in docs/methods.md)."""
    name = "rate per 1,000" if gamma else "share"
    print(f"\n{name:>14} | CV | coverage | MSE shrunk/raw | runs with no spread")
    for level in RATES if gamma else SHARES:
        for cv in SPREADS:
            coverage, ratio, none = simulate(gamma, level, cv)
            print(f"{level:>14} | {cv:.0%} | {coverage:.3f} | {ratio:.3f} | {none:.2f}")
            assert coverage >= (0.90 if cv > 0 else 0.95), (level, cv)
            assert ratio < 1, (level, cv)


def _weights_and_means(
    log_likelihood: Callable[[float, float], float], taus: np.ndarray, bounds: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per τ of a fine grid: the prior mean maximising the likelihood (bounded scalar search on
    its logit or log) and the weight τ·L(τ) of a flat prior on τ²."""
    means, values = [], []
    for tau in taus:
        found = optimize.minimize_scalar(
            lambda u, tau=tau: -log_likelihood(u, tau),
            bounds=bounds,
            method="bounded",
            options={"xatol": 1e-10},
        )
        means.append(found.x)
        values.append(-found.fun)
    values = np.array(values)
    return taus * np.exp(values - values.max()), np.array(means)


def test_the_estimate_is_the_posterior_mean_averaged_over_the_spread() -> None:
    """Each estimate is ∫ E[θ | O, μ̂(τ), τ] τ L(τ) dτ / ∫ τ L(τ) dτ (a flat prior on the
    variance τ², μ at its maximum for each τ), here by a fine grid and scipy's negative
    binomial; the gamma posterior mean itself checked by numerical integration."""
    rng = np.random.default_rng(5)
    expected = rng.uniform(2, 30, 40)
    observed = rng.poisson(rng.gamma(1 / 0.3**2, 0.3**2, 40) * expected).astype(float)
    shrunk = poisson_gamma(observed, expected)

    def log_likelihood(u: float, tau: float) -> float:
        a = 1 / tau**2
        return negative_binomial(observed, expected)(a, a / np.exp(u))

    taus = np.linspace(1e-4, 1.2, 400)
    centre = np.log(observed.sum() / expected.sum())
    weights, means = _weights_and_means(log_likelihood, taus, (centre - 2, centre + 2))
    assert weights[-1] < 1e-8 * weights.max()
    a, b = 1 / taus**2, 1 / taus**2 / np.exp(means)
    posterior = (a[:, None] + observed) / (b[:, None] + expected)
    averaged = weights @ posterior / weights.sum()
    assert shrunk.value == pytest.approx(averaged, rel=2e-4)
    shape, rate = a[100], b[100]
    for o, e in zip(observed[:3], expected[:3], strict=True):
        top = integrate.quad(_joint, 0, 20, args=(o, e, shape, rate, 1), points=[o / e])[0]
        bottom = integrate.quad(_joint, 0, 20, args=(o, e, shape, rate, 0), points=[o / e])[0]
        assert top / bottom == pytest.approx((shape + o) / (rate + e), rel=1e-7)


def _joint(t: float, o: float, e: float, shape: float, rate: float, power: int) -> float:
    """t^power × Poisson(o | te) × Gamma(t | shape, rate)."""
    prior = distributions.gamma.pdf(t, shape, scale=1 / rate)
    return float(t**power * distributions.poisson.pmf(o, t * e) * prior)


def test_the_share_is_the_posterior_mean_averaged_over_the_spread() -> None:
    """Likewise for the beta-binomial, τ² = ρ the intra-class correlation."""
    rng = np.random.default_rng(6)
    total = rng.integers(5, 80, 40).astype(float)
    successes = rng.binomial(total.astype(int), rng.beta(12, 28, 40)).astype(float)
    shrunk = beta_binomial(successes, total)

    def log_likelihood(u: float, tau: float) -> float:
        size = (1 - tau**2) / tau**2
        mu = 1 / (1 + np.exp(-u))
        return beta_binomial_likelihood(successes, total)(mu * size, (1 - mu) * size)

    taus = np.linspace(1e-4, 0.6, 400)
    centre = np.log(successes.sum() / (total - successes).sum())
    weights, logits = _weights_and_means(log_likelihood, taus, (centre - 2, centre + 2))
    assert weights[-1] < 1e-8 * weights.max()
    size, mu = (1 - taus**2) / taus**2, 1 / (1 + np.exp(-logits))
    posterior = (mu[:, None] * size[:, None] + successes) / (size[:, None] + total)
    assert shrunk.value == pytest.approx(weights @ posterior / weights.sum(), rel=2e-4)


def test_without_spread_beyond_chance_the_intervals_still_carry_the_priors_uncertainty() -> None:
    """200 areas of 20 expected events and no spread: the fit says so (no spread, an infinite
    prior), every estimate is near the country's, but no interval is the country's value
    ± 0.2 %: each is as wide as the spreads the data still allow, wider for fewer events."""
    rng = np.random.default_rng(20261202)
    expected = np.r_[np.full(100, 20.0), np.full(100, 5.0)]
    observed = rng.poisson(expected).astype(float)
    shrunk = poisson_gamma(observed, expected)
    assert shrunk.no_spread and shrunk.spread == 0 and shrunk.prior == (np.inf, np.inf)
    pooled = observed.sum() / expected.sum()
    assert shrunk.mean == pytest.approx(pooled)
    assert np.abs(shrunk.value / pooled - 1).max() < 0.1
    width = (shrunk.upper - shrunk.lower) / shrunk.value
    assert width.min() > 0.05
    assert ((shrunk.lower <= pooled) & (pooled <= shrunk.upper)).all()


def test_a_clear_spread_is_found_and_not_called_chance() -> None:
    rng = np.random.default_rng(3)
    expected = rng.uniform(20, 200, 300)
    observed = rng.poisson(rng.gamma(25.0, 1 / 25.0, 300) * expected)
    shrunk = poisson_gamma(observed, expected)
    assert not shrunk.no_spread
    assert shrunk.spread == pytest.approx(0.2, abs=0.03)


@pytest.mark.parametrize(
    ("counts", "basis", "reason"),
    [
        ([0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6], ALL_ZERO),
        ([1, 2, 3, 4], [1, 2, 3, 4], FEWER_AREAS),
        ([1, 2, np.nan, 4, 5], [1, 2, 3, 4, 5], FEWER_AREAS),
        ([1, 2, 3, 4, 5], [1, 2, 0, 4, 5], FEWER_AREAS),
    ],
)
def test_degenerate_ratio_views_get_no_estimate_and_a_reason(counts, basis, reason) -> None:
    shrunk = poisson_gamma(counts, basis)
    assert shrunk.reason == reason
    assert np.isnan(shrunk.value).all() and np.isnan(shrunk.lower).all()
    assert np.isnan(shrunk.upper).all()


@pytest.mark.parametrize(
    ("counts", "basis", "reason"),
    [
        ([0, 0, 0, 0, 0, 0], [10, 20, 3, 4, 5, 6], ALL_ZERO),
        ([10, 20, 3, 4, 5, 6], [10, 20, 3, 4, 5, 6], ALL_COMPLETE),
        ([1, 2, 3, 4], [5, 5, 5, 5], FEWER_AREAS),
        ([1, 2, 3, 4, 9], [5, 5, 5, 5, 5], FEWER_AREAS),
    ],
)
def test_degenerate_share_views_get_no_estimate_and_a_reason(counts, basis, reason) -> None:
    shrunk = beta_binomial(counts, basis)
    assert shrunk.reason == reason
    assert np.isnan(shrunk.value).all()


def test_a_percentage_confidence_is_read_as_one_and_nonsense_is_refused() -> None:
    rng = np.random.default_rng(8)
    expected = rng.uniform(5, 50, 50)
    observed = rng.poisson(expected).astype(float)
    share = poisson_gamma(observed, expected, confidence=0.9)
    percent = poisson_gamma(observed, expected, confidence=90)
    assert np.array_equal(share.lower, percent.lower)
    for level in (-1, 0, 101, np.nan, "95"):
        with pytest.raises(ValueError, match="confidence must be a share between 0 and 1"):
            poisson_gamma(observed, expected, confidence=level)
        with pytest.raises(ValueError, match="confidence must be a share between 0 and 1"):
            beta_binomial(observed, observed + 3, confidence=level)


def _sane(shrunk: Shrunk, used: np.ndarray, share: bool) -> None:
    value, lower, upper = shrunk.value[used], shrunk.lower[used], shrunk.upper[used]
    assert np.isfinite(value).all() and np.isfinite(lower).all() and np.isfinite(upper).all()
    assert ((lower <= value) & (value <= upper)).all()
    assert ((lower == 0) | (lower >= 1e-9 * shrunk.mean)).all()
    assert np.isnan(shrunk.value[~used]).all()
    if share:
        assert ((lower >= 0) & (upper <= 1)).all()
    else:
        assert (lower >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 300), st.sampled_from([0.0, 0.5, 3.0, 40.0, 300.0])),
        min_size=5,
        max_size=60,
    )
)
def test_ratio_estimates_are_finite_ordered_and_follow_the_counts(areas) -> None:
    """Any view: a reason and no estimates, or a finite estimate inside its interval for
    every area with E > 0, and among areas of equal E more events never a lower estimate."""
    observed = np.array([o for o, _ in areas], dtype=float)
    expected = np.array([e for _, e in areas])
    shrunk = poisson_gamma(observed, expected)
    used = expected > 0
    if shrunk.reason:
        assert used.sum() < 5 or observed[used].sum() == 0
        return
    _sane(shrunk, used, share=False)
    for size in np.unique(expected[used]):
        same = np.flatnonzero(expected == size)
        order = same[np.argsort(observed[same], kind="stable")]
        assert (np.diff(shrunk.value[order]) >= -1e-9 * shrunk.value[order][1:]).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=5, max_size=60))
def test_share_estimates_are_finite_ordered_and_stay_within_0_and_1(areas) -> None:
    successes = np.array([min(x, n) for x, n in areas], dtype=float)
    total = np.array([n for _, n in areas], dtype=float)
    shrunk = beta_binomial(successes, total)
    used = total > 0
    if shrunk.reason:
        x, n = successes[used], total[used]
        assert used.sum() < 5 or x.sum() == 0 or (x == n).all()
        return
    _sane(shrunk, used, share=True)


def test_benjamini_hochberg_against_the_hand_worked_adjustment() -> None:
    from variatlas.stats.multiple import benjamini_hochberg

    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.2, np.nan])
    # m = 5: sorted 0.005, 0.01, 0.03, 0.04, 0.2 → ×5/rank: 0.025, 0.025, 0.05, 0.05, 0.2.
    assert adjusted[:5] == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.2])
    assert np.isnan(adjusted[5])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=80))
def test_benjamini_hochberg_keeps_the_order_and_never_lowers_a_p_value(p_values) -> None:
    from variatlas.stats.multiple import benjamini_hochberg

    p = np.array(p_values)
    q = benjamini_hochberg(p)
    assert (q >= p - 1e-12).all() and (q <= 1).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(q[order]) >= -1e-12).all()


def test_exact_p_values_by_hand() -> None:
    from variatlas.stats.multiple import binomial_p_values, poisson_p_values

    # P(X ≥ 5 | Poisson 1) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24) = 0.0036598; doubled.
    assert poisson_p_values([5], [1.0])[0] == pytest.approx(2 * 0.0036598468, rel=1e-6)
    # P(X ≤ 0 | Binomial(10, 0.5)) = 1/1024; doubled.
    assert binomial_p_values([0], [10], [0.5])[0] == pytest.approx(2 / 1024)
    assert poisson_p_values([3], [3.0])[0] == 1.0

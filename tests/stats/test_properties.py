"""Properties of the statistics core that hold for any input, and coverage by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variatlas import stats
from variatlas.stats.quantiles import order_statistic_ranks

counts = st.integers(0, 5_000)
populations = st.integers(1, 1_000_000)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])


@given(counts, populations, levels)
def test_crude_rate_interval_holds_the_estimate_and_widens(events, population, level) -> None:
    result = stats.crude_rate([events], [population], confidence=[level, 0.999])
    lower, upper = result.interval(level)
    wide_lower, wide_upper = result.interval(0.999)
    assert lower[0] <= result.value[0] <= upper[0]
    assert wide_lower[0] <= lower[0] + 1e-12 and upper[0] <= wide_upper[0] + 1e-12


@given(populations, st.sampled_from([1, 100, 1000, 100_000]))
def test_crude_rate_at_zero_events(population, multiplier) -> None:
    result = stats.crude_rate([0], [population], multiplier=multiplier)
    assert result.value[0] == 0 and result.lower[0] == 0
    # The exact upper limit for 0 events at 95 % is -ln(0.025) events.
    assert result.upper[0] == pytest.approx(-np.log(0.025) / population * multiplier)


@given(st.integers(1, 10_000), st.data(), levels)
def test_wilson_interval_stays_in_range_and_behaves_at_the_ends(total, data, level) -> None:
    successes = data.draw(st.integers(0, total))
    result = stats.proportion(
        [successes, 0, total], [total, total, total], multiplier=100, confidence=level
    )
    assert (result.lower <= result.value + 1e-9).all() and (
        result.value <= result.upper + 1e-9
    ).all()
    assert (result.lower >= -1e-12).all() and (result.upper <= 100 + 1e-9).all()
    assert result.lower[1] == pytest.approx(0, abs=1e-12)
    assert result.upper[2] == pytest.approx(100)


@settings(max_examples=50)
@given(st.lists(st.integers(1, 5_000), min_size=3, max_size=19), st.floats(0.0005, 0.2), levels)
def test_dsr_of_equal_band_rates_is_that_rate(populations_by_band, rate, level) -> None:
    population = np.array(populations_by_band, dtype=float)
    events = population * rate  # the same rate in every band
    standard = np.arange(1, len(population) + 1, dtype=float)
    result = stats.dsr(events, population, standard, multiplier=1000, confidence=level)
    if events.sum() < 10:
        assert np.isnan(result.value[0])
    else:
        assert result.value[0] == pytest.approx(rate * 1000)
        assert result.lower[0] <= result.value[0] <= result.upper[0]


@settings(max_examples=50)
@given(
    st.lists(st.integers(1, 5_000), min_size=2, max_size=19),
    st.lists(st.floats(0.001, 0.3), min_size=19, max_size=19),
)
def test_indirect_ratio_is_one_when_an_area_has_the_reference_rates(population, rates) -> None:
    n = np.array(population, dtype=float)
    reference_rate = np.array(rates[: len(n)])
    events = n * reference_rate
    result = stats.indirect(events, n, reference_rate * 1e6, np.full(len(n), 1e6))
    assert result.expected[0] == pytest.approx(events.sum())
    assert result.ratio.value[0] == pytest.approx(1.0)


@given(st.lists(st.floats(0, 365, allow_nan=False), min_size=1, max_size=200), levels)
def test_quantile_interval_holds_the_sample_median(values, level) -> None:
    result = stats.median_ci(values, confidence=level)
    lower, upper = result.lower[0], result.upper[0]
    assert np.isnan(lower) or lower <= result.value[0]
    assert np.isnan(upper) or result.value[0] <= upper


@pytest.mark.parametrize(("n", "ranks"), [(10, (2, 9)), (20, (6, 15)), (30, (10, 21))])
def test_median_interval_ranks_of_the_published_tables(n, ranks) -> None:
    # Campbell MJ, Gardner MJ. BMJ 1988;296:1454-6, table (95 % CI for a median).
    lower, upper = order_statistic_ranks(n, 0.5, 0.95)
    assert (int(lower), int(upper)) == ranks


@given(st.floats(0.01, 99.99), levels)
def test_proportion_funnel_narrows_around_the_baseline(baseline, level) -> None:
    limits = stats.funnel_limits(
        "proportion", [10, 100, 1_000, 10_000], baseline=baseline, multiplier=100, confidence=level
    )
    low, high = limits.lower[level], limits.upper[level]
    assert (low <= baseline + 1e-9).all() and (baseline <= high + 1e-9).all()
    assert (np.diff(high - low) <= 1e-9).all()


@given(st.lists(st.tuples(st.integers(1, 500), st.floats(1, 500)), min_size=5, max_size=40))
def test_overdispersion_is_never_negative(areas) -> None:
    observed, expected = (np.array(x, dtype=float) for x in zip(*areas, strict=True))
    for method in ("spiegelhalter", "shmi"):
        result = stats.overdispersion(observed, expected, method=method)  # type: ignore[arg-type]
        assert result.phi >= 0 and result.tau2 >= 0


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["small", "large"])
def test_dsr_interval_coverage_by_simulation(scenario: str) -> None:
    rng = np.random.default_rng(2024)
    standard = np.array(
        [
            5000,
            5500,
            5500,
            5500,
            6000,
            6000,
            6500,
            7000,
            7000,
            7000,
            7000,
            6500,
            6000,
            5500,
            5000,
            4000,
            2500,
            1500,
            1000,
        ],
        dtype=float,
    )
    population = np.full(19, 2_000.0 if scenario == "small" else 20_000.0)
    rates = np.linspace(0.0005, 0.02, 19)
    truth = np.sum(rates * standard) / standard.sum() * 1000
    draws = 2000
    events = rng.poisson(rates * population, size=(draws, 19))
    groups = np.repeat(np.arange(draws), 19)
    result = stats.dsr(
        events.ravel(), np.tile(population, draws), np.tile(standard, draws), groups=groups
    )
    covered = (result.lower <= truth) & (truth <= result.upper)
    assert abs(covered.mean() * 100 - 95) <= 1.5


@pytest.mark.slow
@pytest.mark.parametrize(("n", "p"), [(100, 0.2), (200, 0.3), (1000, 0.7)])
def test_wilson_interval_coverage_by_simulation(n: int, p: float) -> None:
    # Wilson's coverage oscillates with n·p by discreteness and over-covers below n·p ≈ 10
    # (Brown LD, Cai TT, DasGupta A. Stat Sci 2001;16:101-33); these scenarios are above it.
    rng = np.random.default_rng(7)
    successes = rng.binomial(n, p, 2000)
    result = stats.proportion(successes, np.full(2000, n), multiplier=1)
    covered = (result.lower <= p) & (p <= result.upper)
    assert abs(covered.mean() * 100 - 95) <= 1.5


def test_national_standard_sums_persons_by_band_and_sex() -> None:
    keys, persons = stats.national_standard(
        [10, 20, 30, 40, 5], [0, 4, 5, 93, 101], ["M", "F", "M", "F", "F"]
    )
    # bands 0 (ages 0 and 4), 1 (age 5), 18 (90+: 93 and 101); F = 0, M = 1
    assert dict(zip(keys.tolist(), persons.tolist(), strict=True)) == {
        0: 20.0,
        1: 10.0,
        3: 30.0,
        36: 45.0,
    }


@given(
    st.lists(st.tuples(st.integers(0, 5), st.floats(0, 400)), min_size=1, max_size=60),
    st.sampled_from([0.1, 0.25, 0.5, 0.9]),
)
def test_each_groups_quantile_is_numpys(pairs, q) -> None:
    groups = np.array([g for g, _ in pairs])
    values = np.array([v for _, v in pairs])
    found = stats.quantile_ci(values, q=q, groups=groups)
    expected = [np.quantile(values[groups == g], q) for g in np.unique(groups)]
    np.testing.assert_allclose(found.value, expected, rtol=1e-12, atol=1e-9)

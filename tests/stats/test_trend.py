"""The trend marker's tests: a published example, an independent implementation (statsmodels)
and properties."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table

from variatlas.stats.trend import proportion_trend, weighted_trend

SMOKERS = [83, 90, 129, 70]
PATIENTS = [86, 93, 136, 82]


def test_the_proportion_trend_gives_rs_documented_example() -> None:
    # R's ?prop.trend.test example (smokers among patients, after Fleiss), as R prints it:
    # X-squared = 8.2249, df = 1, p-value = 0.004132.
    trend = proportion_trend(SMOKERS, PATIENTS)
    assert trend.statistic == pytest.approx(8.2249, abs=5e-5)
    assert trend.p_value == pytest.approx(0.004132, abs=5e-7)
    assert trend.direction() == "decreasing"


@given(
    st.lists(st.integers(1, 400), min_size=3, max_size=7).flatmap(
        lambda totals: st.tuples(st.just(totals), st.tuples(*(st.integers(0, n) for n in totals)))
    )
)
def test_the_proportion_trend_is_statsmodels_linear_by_linear_test_scaled(case) -> None:
    # statsmodels' linear-by-linear association statistic is (N - 1) r²; Armitage's is N r².
    totals, successes = np.array(case[0]), np.array(case[1])
    trend = proportion_trend(successes, totals)
    if successes.sum() in (0, totals.sum()):
        assert np.isnan(trend.statistic)
        return
    table = Table(np.c_[successes, totals - successes], shift_zeros=False)
    other = table.test_ordinal_association(
        row_scores=np.arange(len(totals)), col_scores=np.array([1, 0])
    )
    n = totals.sum()
    assert trend.statistic == pytest.approx(other.zscore**2 * n / (n - 1), rel=1e-9, abs=1e-9)


@given(
    st.lists(
        st.tuples(st.floats(1, 100), st.floats(0.1, 10)),
        min_size=3,
        max_size=8,
    )
)
def test_the_weighted_trend_is_statsmodels_wls_with_known_variances(points) -> None:
    values = np.array([v for v, _ in points])
    se = np.array([s for _, s in points])
    z = 1.959963984540054
    trend = weighted_trend(values, values - z * se, values + z * se)
    times = np.arange(len(values), dtype=float)
    fit = sm.WLS(values, sm.add_constant(times), weights=1 / se**2).fit(cov_type="fixed scale")
    assert trend.slope == pytest.approx(fit.params[1], rel=1e-7, abs=1e-9)
    assert trend.p_value == pytest.approx(fit.pvalues[1], rel=1e-6, abs=1e-12)


@given(
    st.lists(st.integers(1, 500), min_size=3, max_size=7),
    st.floats(0.05, 0.95),
    st.integers(-3000, 3000),
)
def test_trends_do_not_depend_on_where_time_starts_and_reverse_with_it(
    totals, share, shift
) -> None:
    n = np.array(totals)
    x = np.round(n * np.linspace(share / 2, share, n.size))
    times = np.arange(n.size, dtype=float)
    forward = proportion_trend(x, n, times)
    shifted = proportion_trend(x, n, times + shift)
    backward = proportion_trend(x[::-1], n[::-1], times)
    if np.isnan(forward.statistic):
        return
    assert shifted.statistic == pytest.approx(forward.statistic, rel=1e-6)
    assert backward.statistic == pytest.approx(forward.statistic, rel=1e-6)
    assert backward.slope == pytest.approx(-forward.slope, rel=1e-6, abs=1e-12)
    assert 0 <= forward.p_value <= 1


def test_a_flat_series_shows_no_change_and_a_gap_is_not_computed() -> None:
    flat = weighted_trend([5.0] * 5, [4.0] * 5, [6.0] * 5)
    assert flat.statistic == 0 and flat.direction() == "no change"
    gap = weighted_trend([5.0, np.nan, 5, 6, 7], [4.0] * 5, [6.0] * 5)
    assert gap.direction() == "not computed"
    assert proportion_trend([0, 0, 0], [10, 10, 10]).direction() == "not computed"

"""The trend marker's tests: PHEindicatormethods' expected markers (every sheet), R's
documented example, independent implementations (statsmodels) and properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import assume, given
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table

from variatlas.stats.trend import critical_value, proportion_trend, weighted_trend

PHE = Path(__file__).parents[1] / "reference" / "phe"

# Fingertips' words (PHEindicatormethods' recent_trend and recent_trend_reason) as ours.
MARKERS = {
    "Increasing": "increasing",
    "Decreasing": "decreasing",
    "No significant change": "no change",
    "Cannot be calculated": "not computed",
}
REASONS = {
    "No outliers and significant trend": "no outliers and significant trend",
    "No significant trend": "no significant trend",
    "Outlier found": "outlier found",
    "Missing values": "missing values",
    "Missing at least one confidence interval value": (
        "missing at least one confidence interval value"
    ),
    "Not enough data points": "not enough data points",
    "Duplicate years in group": "duplicate times",
}
SHEETS = {
    "testdata_prop_trends": 5,
    "testdata_prop_grouped": 25,
    "testdata_other_trends": 5,
    "testdata_other_grouped": 24,
    "testdata_other_6": 6,
}


def _blank(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_every_sheet_of_phe_indicator_methods_trend_markers_reproduces(sheet: str) -> None:
    # assign_trend_markers(value_type = "proportion" from Count and denominator, or "other"
    # from Value, LL and UL at 95 %), grouped by Ethnicity where the sheet has it: the marker,
    # its reason, the chi-squared statistic (Significance) and the slope (Gradient), the last
    # two as upstream compares them (rounded to 4 decimals), on the group's latest row.
    table = pd.read_csv(PHE / f"trend_markers__{sheet}.csv", keep_default_na=False, na_values=[""])
    assert len(table) == SHEETS[sheet]
    ours = pd.DataFrame(
        {"marker": "", "reason": "", "statistic": np.nan, "slope": np.nan}, index=table.index
    )
    groups = table.groupby("Ethnicity", sort=False) if "Ethnicity" in table else [("", table)]
    for _, group in groups:
        if sheet.startswith("testdata_prop"):
            trend = proportion_trend(group["Count"], group["denominator"], group["Year"])
        else:
            trend = weighted_trend(group["Value"], group["LL"], group["UL"], group["Year"])
        latest = group.sort_values("Year", kind="stable").index[-1]
        ours.loc[latest, ["marker", "reason"]] = trend.direction(), trend.reason()
        ours.loc[latest, ["statistic", "slope"]] = trend.statistic, trend.slope
    assert list(ours["marker"]) == list(_blank(table["recent_trend"].map(MARKERS)))
    assert list(ours["reason"]) == list(_blank(table["recent_trend_reason"].map(REASONS)))
    for mine, theirs in [("statistic", "Significance"), ("slope", "Gradient")]:
        pd.testing.assert_series_equal(
            ours[mine].round(4), table[theirs].astype(float), check_names=False
        )


def test_fingertips_critical_value_is_the_998_point_of_chi_squared() -> None:
    # Fingertips: chi-squared above 9.5495 (99.8 %); the 95 % point is the textbook 3.8415.
    assert critical_value() == 9.5495
    assert critical_value(0.95) == 3.8415
    assert critical_value(99.8) == 9.5495


def test_the_intervals_confidence_is_a_share_or_a_percentage_and_checked() -> None:
    values = np.array([30.6, 30.2, 28.0, 24.6, 24.67])
    low, high = values - 1.6, values + 1.6
    assert weighted_trend(values, low, high, confidence=95) == weighted_trend(values, low, high)
    for wrong in (0, -0.95, 950, float("nan")):
        with pytest.raises(ValueError, match="confidence"):
            weighted_trend(values, low, high, confidence=wrong)


SMOKERS = [83, 90, 129, 70]
PATIENTS = [86, 93, 136, 82]


def test_the_proportion_trend_gives_rs_documented_example() -> None:
    # R's ?prop.trend.test example (smokers among patients, after Fleiss), as R prints it:
    # X-squared = 8.2249, df = 1, p-value = 0.004132: significant at 95 %, not at 99.8 %.
    trend = proportion_trend(SMOKERS, PATIENTS, points=None)
    assert trend.statistic == pytest.approx(8.2249, abs=5e-5)
    assert trend.p_value == pytest.approx(0.004132, abs=5e-7)
    assert trend.direction() == "no change"
    assert trend.reason() == "no significant trend"
    # The shares 96.5, 96.8, 94.9, 85.4 % fall without any one of the four.
    assert trend.direction(0.95) == "decreasing"


def test_one_point_alone_makes_no_trend() -> None:
    # Flat at 10 with a last value of 20, each with standard error 0.1: slope 2 per point,
    # var(b) = 0.1² / 10, chi-squared 4000 by hand; but without the last point the slope is
    # 0, so Fingertips finds an outlier and calls no change.
    values = np.array([10.0, 10, 10, 10, 20])
    spike = weighted_trend(values, values - 0.196, values + 0.196, confidence=0.95)
    assert spike.statistic == pytest.approx(4000, rel=1e-3) and spike.slope > 0
    assert spike.direction() == "no change" and spike.reason() == "outlier found"
    # The same for a proportion: 50 of 100 four times, then 90 of 100: b = 80 / 1000 on the
    # proportion scale, var(b) = 0.58 · 0.42 / 1000, chi-squared 26.27 by hand.
    share = proportion_trend([50, 50, 50, 50, 90], [100] * 5)
    assert share.statistic == pytest.approx(26.27, abs=0.01) and share.slope > 0
    assert share.direction() == "no change" and share.reason() == "outlier found"


def test_what_cannot_be_computed_says_why() -> None:
    wide = [4.0] * 5, [6.0] * 5
    assert weighted_trend([5.0, np.nan, 5, 6, 7], *wide).reason() == "missing values"
    assert weighted_trend([5.0] * 4, [4.0] * 4, [6.0] * 4).reason() == "not enough data points"
    assert weighted_trend([5.0] * 5, *wide, times=[1, 2, 2, 3, 4]).reason() == "duplicate times"
    assert weighted_trend([5.0] * 5, [4.0] * 5, [5.0] * 4 + [4.0]).direction() == "not computed"
    # A proportion of 0 or 1 has no logit (PHEindicatormethods fails there).
    assert proportion_trend([0, 1, 2, 3, 4], [10] * 5).reason() == "a proportion of 0 or 1"
    assert proportion_trend([0, 0, 0], [10, 10, 10], points=None).direction() == "not computed"
    assert proportion_trend([1, 2, 3, 4, 11], [10] * 5).reason() == "counts out of range"
    # Only the latest five points count: a gap before them does not matter.
    assert weighted_trend([np.nan, 5, 5, 5, 5, 5], [4.0] * 6, [6.0] * 6).reason() == (
        "no significant trend"
    )


@given(
    st.lists(st.integers(1, 400), min_size=3, max_size=7).flatmap(
        lambda totals: st.tuples(st.just(totals), st.tuples(*(st.integers(0, n) for n in totals)))
    )
)
def test_the_proportion_trend_is_statsmodels_linear_by_linear_test_scaled(case) -> None:
    # statsmodels' linear-by-linear association statistic is (N - 1) r²; Armitage's is N r².
    totals, successes = np.array(case[0]), np.array(case[1])
    trend = proportion_trend(successes, totals, points=None)
    if np.any(successes == 0) or np.any(successes == totals):
        assert trend.direction() == "not computed"
        return
    table = Table(np.c_[successes, totals - successes], shift_zeros=False)
    other = table.test_ordinal_association(
        row_scores=np.arange(len(totals)), col_scores=np.array([1, 0])
    )
    n = totals.sum()
    assert trend.statistic == pytest.approx(other.zscore**2 * n / (n - 1), rel=1e-9, abs=1e-9)


@given(
    st.lists(st.tuples(st.integers(1, 400), st.floats(0.02, 0.98)), min_size=3, max_size=7).map(
        lambda pairs: [(n, max(1, min(n - 1, round(n * p)))) for n, p in pairs if n > 1]
    )
)
def test_the_proportion_slope_and_its_steadiness_are_statsmodels_ols_on_the_logits(
    pairs,
) -> None:
    assume(len(pairs) >= 3)
    totals = np.array([n for n, _ in pairs], dtype=float)
    successes = np.array([x for _, x in pairs], dtype=float)
    trend = proportion_trend(successes, totals, points=None)
    logits = np.log(successes / (totals - successes))
    times = np.arange(len(pairs), dtype=float)

    def ols(keep: np.ndarray) -> float:
        return float(sm.OLS(logits[keep], sm.add_constant(times[keep])).fit().params[1])

    everything = np.ones(len(pairs), dtype=bool)
    assert trend.slope == pytest.approx(ols(everything), rel=1e-7, abs=1e-9)
    left_out = [ols(~np.eye(len(pairs), dtype=bool)[k]) for k in range(len(pairs))]
    if all(abs(s) > 1e-9 for s in [trend.slope, *left_out]):
        assert trend.steady == all(np.sign(s) == np.sign(trend.slope) for s in left_out)


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
    trend = weighted_trend(values, values - z * se, values + z * se, points=None)
    times = np.arange(len(values), dtype=float)
    fit = sm.WLS(values, sm.add_constant(times), weights=1 / se**2).fit(cov_type="fixed scale")
    assert trend.slope == pytest.approx(fit.params[1], rel=1e-7, abs=1e-9)
    assert trend.p_value == pytest.approx(fit.pvalues[1], rel=1e-6, abs=1e-12)


SERIES = st.lists(
    st.tuples(st.integers(20, 500), st.floats(0.05, 0.95)), min_size=5, max_size=5
).map(lambda pairs: (np.array([n for n, _ in pairs]), np.array([round(n * p) for n, p in pairs])))


FLIPPED = {"increasing": "decreasing", "decreasing": "increasing"}


def _clear_of_the_critical_value(trend) -> bool:
    return abs(trend.statistic - critical_value()) > 1e-6 * critical_value()


@given(SERIES, st.integers(-3000, 3000), st.integers(1, 3))
def test_reversing_time_flips_the_marker_and_only_the_order_of_times_matters(
    series, shift, spacing
) -> None:
    n, x = series
    x = np.clip(x, 1, n - 1)
    times = np.arange(5, dtype=float)
    forward = proportion_trend(x, n, times)
    spaced = proportion_trend(x, n, shift + spacing * times)
    backward = proportion_trend(x, n, -times)
    assert spaced == forward
    assert backward.statistic == pytest.approx(forward.statistic, rel=1e-9)
    assert backward.slope == pytest.approx(-forward.slope, rel=1e-9, abs=1e-12)
    assert backward.steady == forward.steady
    if _clear_of_the_critical_value(forward):
        assert backward.direction() == FLIPPED.get(forward.direction(), forward.direction())
    assert 0 <= forward.p_value <= 1


@given(SERIES)
def test_counting_the_other_outcome_flips_a_proportions_marker(series) -> None:
    n, x = series
    x = np.clip(x, 1, n - 1)
    events, others = proportion_trend(x, n), proportion_trend(n - x, n)
    assert others.statistic == pytest.approx(events.statistic, rel=1e-9)
    assert others.slope == pytest.approx(-events.slope, rel=1e-9, abs=1e-12)
    assert others.steady == events.steady
    if _clear_of_the_critical_value(events):
        assert others.direction() == FLIPPED.get(events.direction(), events.direction())


@given(
    st.lists(st.tuples(st.floats(1, 100), st.floats(0.1, 10)), min_size=5, max_size=5),
    st.floats(0.01, 1000),
)
def test_a_multiplier_scales_the_slope_and_leaves_the_marker(points, factor) -> None:
    values = np.array([v for v, _ in points])
    se = np.array([s for _, s in points])
    trend = weighted_trend(values, values - 2 * se, values + 2 * se)
    scaled = weighted_trend(factor * values, factor * (values - 2 * se), factor * (values + 2 * se))
    assert scaled.statistic == pytest.approx(trend.statistic, rel=1e-7, abs=1e-9)
    assert scaled.slope == pytest.approx(factor * trend.slope, rel=1e-7, abs=1e-9)
    assert scaled.steady == trend.steady
    if _clear_of_the_critical_value(trend):
        assert scaled.direction() == trend.direction()


@given(
    st.lists(st.tuples(st.floats(1, 100), st.floats(0.1, 10)), min_size=5, max_size=5),
    st.lists(st.tuples(st.floats(1, 100), st.floats(0.1, 10)), min_size=1, max_size=4),
)
def test_points_older_than_the_latest_five_change_nothing(latest, older) -> None:
    values = np.array([v for v, _ in older + latest])
    se = np.array([s for _, s in older + latest])
    times = np.arange(values.size)
    full = weighted_trend(values, values - se, values + se, times)
    five = weighted_trend(values[-5:], values[-5:] - se[-5:], values[-5:] + se[-5:], times[-5:])
    assert full == five
    # Shuffled rows give the same trend: the times order the points.
    order = np.random.default_rng(values.size).permutation(values.size)
    assert (
        weighted_trend(values[order], (values - se)[order], (values + se)[order], times[order])
        == five
    )


@given(
    st.integers(-50, 50),
    st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=5, max_size=5),
    st.integers(0, 4),
    st.floats(-1000, 1000),
)
def test_a_constant_series_or_one_odd_point_is_no_change(level, se, odd, jump) -> None:
    values = np.full(5, float(level))
    errors = np.array(se)
    constant = weighted_trend(values, values - errors, values + errors)
    assert constant.statistic == pytest.approx(0, abs=1e-20)
    assert constant.direction() == "no change"
    values[odd] += jump
    assert weighted_trend(values, values - errors, values + errors).direction() == "no change"
    totals = np.full(5, 200.0)
    shares = np.full(5, 80.0)
    assert proportion_trend(shares, totals).direction() == "no change"
    shares[odd] = 80 + int(jump) % 119
    assert proportion_trend(shares, totals).direction() == "no change"


@given(SERIES)
def test_a_trend_called_at_998_is_called_alike_at_95(series) -> None:
    n, x = series
    trend = proportion_trend(np.clip(x, 1, n - 1), n)
    if trend.direction() in ("increasing", "decreasing"):
        assert trend.direction(0.95) == trend.direction()

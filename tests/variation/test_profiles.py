"""Area profiles: the spine-chart rows of one indicator, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from variatlas.indicators import load_catalogue
from variatlas.variation.profiles import area_trend, indicator_profile, profile_period

YEARS = ["2020", "2021", "2022", "2023", "2024"]


def _row(level, area, period, numerator, denominator, funnel="", flag="", lower=None, upper=None):
    value = np.nan if numerator is None else 100 * numerator / denominator
    return {
        "level": level,
        "area": area,
        "area_name": f"Area {area}",
        "period": period,
        "sex": "all",
        "numerator": np.nan if numerator is None else float(numerator),
        "denominator": np.nan if numerator is None else float(denominator),
        "value": value,
        "lower": np.nan if lower is None else lower,
        "upper": np.nan if upper is None else upper,
        "funnel": funnel,
        "flag": flag,
    }


@pytest.fixture(scope="module")
def share():
    # A proportion with a direction (higher is better) and a proportion funnel.
    return load_catalogue()["cancer_pathways_within_standard_time"]


def _rows() -> pd.DataFrame:
    rows = [_row("nation", "8888", "2022-2024", 600, 1000)]
    # Municipality A rises 50, 60, 70, 80, 90 of 100: an increasing share (better).
    rows += [_row("municipality", "A", y, 50 + 10 * k, 100) for k, y in enumerate(YEARS)]
    # B flat at 60 of 100; C has a hidden year (no trend).
    rows += [_row("municipality", "B", y, 60, 100) for y in YEARS]
    rows += [_row("municipality", "C", y, 30, 100) for y in YEARS[:-1]]
    rows.append(_row("municipality", "C", "2024", None, None, flag="suppressed: fewer than 5"))
    rows += [
        _row("municipality", "A", "2022-2024", 240, 300, funnel="High (0.001)"),
        _row("municipality", "B", "2022-2024", 180, 300, funnel="Not significant"),
        _row("municipality", "C", "2022-2024", 60, 200, funnel="Low (0.025)"),
        _row("municipality", "D", "2022-2024", 120, 200, funnel="Not significant"),
    ]
    return pd.DataFrame(rows)


def test_a_profile_row_places_the_area_on_the_spread_of_its_level(share) -> None:
    summaries = pd.DataFrame(
        [{"level": "municipality", "sex": "all", "period": "2024", "learn_from_areas": "A"}]
    )
    profile = indicator_profile(share, _rows(), summaries).set_index("area")
    assert set(profile["period"]) == {"2022-2024"}
    # The four values 80, 60, 30, 60 %: lowest 30, highest 80, quartiles 52.5 and 65
    # (linear interpolation between order statistics: 30, 60, 60, 80).
    a = profile.loc["A"]
    assert (a["lowest"], a["highest"]) == pytest.approx((30, 80))
    assert (a["q25"], a["q75"]) == pytest.approx((52.5, 65))
    assert a["national"] == pytest.approx(60)
    # Funnel positions judged by the direction: high is better here.
    assert profile["compared"].to_dict() == {
        "A": "better",
        "B": "similar",
        "C": "worse",
        "D": "similar",
    }
    assert profile.loc["A", "trend"] == "increasing"
    assert profile.loc["A", "trend_judgement"] == "better"
    assert profile.loc["B", "trend"] == "no change"
    assert profile.loc["C", "trend"] == "not computed"  # its 2024 is hidden
    assert profile.loc["D", "trend"] == "not computed"  # no single years
    assert profile["learn_from"].to_dict() == {"A": True, "B": False, "C": False, "D": False}


def test_a_trend_marker_is_called_as_fingertips_calls_one(share) -> None:
    # Worked by hand (chi-squared test for trend, 100 per year, Sxx = 1000):
    # E: 60 of 100 four years, then 90: b = 0.06, var(b) = 0.66 * 0.34 / 1000, chi-squared
    # 16.0, beyond 9.5495 (99.8 %); but without 2024 the series is flat: an outlier, no change.
    # F: 50, 54, 58, 62, 66 of 100: b = 0.04, var(b) = 0.58 * 0.42 / 1000, chi-squared 6.57:
    # past 3.84 (95 %), not 9.5495, so no change; it rises without any one year.
    rows = [_row("nation", "8888", "2022-2024", 600, 1000)]
    rows += [
        _row("municipality", "E", y, x, 100)
        for y, x in zip(YEARS, [60, 60, 60, 60, 90], strict=True)
    ]
    rows += [
        _row("municipality", "F", y, x, 100)
        for y, x in zip(YEARS, [50, 54, 58, 62, 66], strict=True)
    ]
    rows += [
        _row("municipality", "E", "2022-2024", 210, 300, funnel="Not significant"),
        _row("municipality", "F", "2022-2024", 186, 300, funnel="Not significant"),
    ]
    table = pd.DataFrame(rows)
    profile = indicator_profile(share, table, table.iloc[:0]).set_index("area")
    assert profile["trend"].to_dict() == {"E": "no change", "F": "no change"}
    assert profile["trend_judgement"].to_dict() == {"E": "", "F": ""}
    series = pd.DataFrame(rows[6:11])
    assert area_trend(share, series).reason() == "no significant trend"
    assert area_trend(share, series).direction(0.95) == "increasing"
    assert area_trend(share, pd.DataFrame(rows[1:6])).reason() == "outlier found"


def test_a_series_with_a_missing_year_has_no_trend_marker(share) -> None:
    # Fingertips asks for series without breaks: 2019, 2020, 2022, 2023, 2024 is not tested.
    years = ["2019", "2020", "2022", "2023", "2024"]
    series = pd.DataFrame(
        [_row("municipality", "G", y, 50 + 10 * k, 100) for k, y in enumerate(years)]
    )
    trend = area_trend(share, series)
    assert trend.direction() == "not computed"
    assert trend.reason() == "a break in the series"
    # The same five values over consecutive years rise (as area A's do).
    series["period"] = YEARS
    assert area_trend(share, series).direction() == "increasing"


def test_without_a_funnel_the_interval_is_compared_with_the_country() -> None:
    lead_time = load_catalogue()["bup_waiting_time"]  # lower is better, no funnel
    rows = pd.DataFrame(
        [
            _row("nation", "8888", "2024", 40, 100, lower=39, upper=41),
            _row("referral_area", "1", "2024", 30, 100, lower=25, upper=35),
            _row("referral_area", "2", "2024", 50, 100, lower=45, upper=55),
            _row("referral_area", "3", "2024", 42, 100, lower=35, upper=49),
            _row("referral_area", "4", "2024", 44, 100),
        ]
    )
    profile = indicator_profile(lead_time, rows, rows.iloc[:0]).set_index("area")
    assert profile["compared"].to_dict() == {"1": "better", "2": "worse", "3": "similar", "4": ""}


def test_the_profile_period_is_the_latest_run_of_years_else_the_latest_year() -> None:
    assert profile_period(pd.Series(["2023", "2024", "2019-2021", "2022-2024"])) == "2022-2024"
    assert profile_period(pd.Series(["2023", "2024"])) == "2024"
    assert profile_period(pd.Series(["2017-2019", "2019", "2015-2019"])) == "2015-2019"

"""Comparisons with a comparator, against cases whose answers follow from the definitions
(Fingertips' interval method, a target, the difference of two independent estimates) and
against properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from variatlas.geography import load_geography
from variatlas.indicators import load_catalogue
from variatlas.indicators.model import Indicator, Target
from variatlas.results import COMPARATORS, SUPPRESSED_FLAG
from variatlas.variation.comparators import COLUMNS, comparisons, judge, previous_period

CATALOGUE = load_catalogue()
NEUTRAL = CATALOGUE["tonsillectomy_children"]


def _with(indicator: Indicator, **changes: object) -> Indicator:
    return indicator.model_copy(update=changes)


def _pairs(**columns: object) -> pd.DataFrame:
    defaults: dict[str, object] = {
        "comparator": "nation",
        "value": 10.0,
        "lower": 8.0,
        "upper": 12.0,
        "hidden": False,
        "method": "byar",
        "comparator_value": 10.0,
        "comparator_lower": np.nan,
        "comparator_upper": np.nan,
        "comparator_hidden": False,
    }
    defaults.update(columns)
    length = max((len(v) for v in defaults.values() if isinstance(v, list)), default=1)
    return pd.DataFrame(
        {k: v if isinstance(v, list) else [v] * length for k, v in defaults.items()}
    )


def test_the_previous_period_has_the_same_length_and_shares_no_year() -> None:
    assert previous_period("2022-2024") == "2019-2021"
    assert previous_period("2024") == "2023"
    assert previous_period("2020-2021") == "2018-2019"


def test_an_interval_wholly_above_or_below_the_comparator_is_higher_or_lower() -> None:
    """Fingertips: significantly higher when the lower limit is above the benchmark's value,
    lower when the upper limit is below it, similar when the interval holds it."""
    frame = _pairs(comparator_value=[7.0, 13.0, 8.0, 12.0, 10.0])
    outcome, reason, method = judge(NEUTRAL, frame)
    assert outcome.tolist() == ["higher", "lower", "similar", "similar", "similar"]
    assert set(reason) == {""}
    assert set(method) == {"interval"}


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("higher_is_better", ["better", "worse"]), ("lower_is_better", ["worse", "better"])],
)
def test_a_direction_reads_higher_and_lower_as_better_and_worse(direction, expected) -> None:
    frame = _pairs(comparator_value=[7.0, 13.0])
    outcome, _, _ = judge(_with(NEUTRAL, direction=direction), frame)
    assert outcome.tolist() == expected


def test_hidden_or_missing_values_are_not_compared_and_say_why() -> None:
    frame = _pairs(
        hidden=[True, False, False, False, False],
        value=[np.nan, np.nan, 10.0, 10.0, 10.0],
        lower=[np.nan, np.nan, 8.0, 8.0, np.nan],
        upper=[np.nan, np.nan, 12.0, 12.0, np.nan],
        comparator_hidden=[False, False, True, False, False],
        comparator_value=[10.0, 10.0, np.nan, np.nan, 10.0],
    )
    outcome, reason, _ = judge(NEUTRAL, frame)
    assert set(outcome) == {"not compared"}
    assert reason.tolist() == [
        "suppressed",
        "missing",
        "comparator suppressed",
        "comparator missing",
        "no interval",
    ]


def test_a_target_is_met_by_the_value_on_its_side() -> None:
    indicator = _with(NEUTRAL, target=Target(value=95.0, comparison=">="))
    frame = _pairs(comparator="target", value=[96.0, 95.0, 94.0], comparator_value=95.0)
    outcome, _, method = judge(indicator, frame)
    assert outcome.tolist() == ["met", "met", "not met"]
    assert set(method) == {"target"}
    at_most = _with(NEUTRAL, target=Target(value=14.0, comparison="<="))
    outcome, _, _ = judge(at_most, _pairs(comparator="target", value=[13.0, 15.0]))
    assert outcome.tolist() == ["met", "not met"]


def test_the_previous_period_is_compared_by_the_difference_of_two_estimates() -> None:
    """On the natural scale (a proportion's "wilson" interval), SE = half-width / 1.96: two
    values 4 apart with half-widths 1.96 differ by z = 4 / √2 ≈ 2.83 (beyond 1.96); 2 apart,
    z ≈ 1.41 (similar), though neither interval holds the other's value."""
    frame = _pairs(
        comparator="previous",
        method="wilson",
        value=[14.0, 12.0, 6.0],
        lower=[14 - 1.96, 12 - 1.96, 6 - 1.96],
        upper=[14 + 1.96, 12 + 1.96, 6 + 1.96],
        comparator_value=10.0,
        comparator_lower=10 - 1.96,
        comparator_upper=10 + 1.96,
    )
    outcome, _, method = judge(NEUTRAL, frame)
    assert outcome.tolist() == ["higher", "similar", "lower"]
    assert set(method) == {"difference"}


finite = st.floats(0.1, 1000, allow_nan=False)


@given(value=finite, half=st.floats(0.0, 50), benchmark=finite)
def test_the_interval_method_agrees_with_its_definition(value, half, benchmark) -> None:
    frame = _pairs(value=value, lower=value - half, upper=value + half, comparator_value=benchmark)
    outcome = judge(NEUTRAL, frame)[0][0]
    if value - half > benchmark:
        assert outcome == "higher"
    elif value + half < benchmark:
        assert outcome == "lower"
    else:
        assert outcome == "similar"


@given(a=finite, b=finite, half=st.floats(0.01, 50))
def test_the_difference_is_antisymmetric(a, b, half) -> None:
    """Swapping this period and the previous swaps higher and lower."""

    def outcome(now: float, before: float) -> str:
        frame = _pairs(
            comparator="previous",
            method="wilson",
            value=now,
            lower=now - half,
            upper=now + half,
            comparator_value=before,
            comparator_lower=before - half,
            comparator_upper=before + half,
        )
        return str(judge(NEUTRAL, frame)[0][0])

    swapped = {"higher": "lower", "lower": "higher", "similar": "similar"}
    assert outcome(b, a) == swapped[outcome(a, b)]


def _published() -> pd.DataFrame:
    """Bodø (1804) and the areas it is compared with, 2019–2021 and 2022–2024."""
    rows = []
    for period, shift in (("2019-2021", 0.0), ("2022-2024", 1.0)):
        rows += [
            ("municipality", "1804", period, 20.0 + shift, 18.0, 22.0, ""),
            ("region", "1", period, 15.0, 14.0, 16.0, ""),
            ("referral_area", "3", period, 21.0, 19.0, 23.0, ""),
            ("kostra_group", "11", period, np.nan, np.nan, np.nan, SUPPRESSED_FLAG),
            ("centrality", "3", period, 25.0, 24.0, 26.0, ""),
            ("nation", "8888", period, 17.0, 16.5, 17.5, ""),
        ]
    frame = pd.DataFrame(
        rows, columns=["level", "area", "period", "value", "lower", "upper", "flag"]
    )
    return frame.assign(indicator=NEUTRAL.id, sex="all", method="byar")


def test_bodo_is_compared_with_its_region_referral_area_groups_and_last_period() -> None:
    indicator = _with(NEUTRAL, target=Target(value=30.0, comparison="<="))
    found = comparisons(indicator, _published(), load_geography())
    assert list(found.columns) == COLUMNS
    latest = found[(found["area"] == "1804") & (found["period"] == "2022-2024")]
    by = latest.set_index("comparator")
    assert set(by.index) == {
        "nation",
        "region",
        "referral_area",
        "kostra_group",
        "centrality",
        "target",
        "previous",
    }
    assert by.loc["region", "comparator_area"] == "1"
    assert by.loc["region", "comparison"] == "higher"
    assert by.loc["referral_area", "comparison"] == "similar"
    assert by.loc["centrality", "comparison"] == "lower"
    assert by.loc["nation", "comparison"] == "higher"
    assert by.loc["kostra_group", "comparison"] == "not compared"
    assert by.loc["kostra_group", "reason"] == "comparator suppressed"
    assert np.isnan(by.loc["kostra_group", "comparator_value"])
    assert by.loc["target", "comparison"] == "met"
    assert by.loc["previous", "comparator_period"] == "2019-2021"
    assert by.loc["previous", "method"] == "difference"
    # The earliest period has no previous one in the data, and is not compared with one.
    earliest = found[(found["area"] == "1804") & (found["period"] == "2019-2021")]
    assert "previous" not in set(earliest["comparator"])
    # A referral area has no KOSTRA group; its region is compared.
    area = found[found["level"] == "referral_area"]
    assert set(area["comparator"]) <= set(COMPARATORS) - {"kostra_group", "centrality"}
    assert "region" in set(area["comparator"])


def test_an_area_whose_own_value_is_hidden_has_no_comparisons() -> None:
    rows = _published()
    hidden = (rows["area"] == "1804") & (rows["period"] == "2022-2024")
    rows.loc[hidden, ["value", "lower", "upper"]] = np.nan
    rows.loc[hidden, "flag"] = SUPPRESSED_FLAG
    found = comparisons(NEUTRAL, rows, load_geography())
    assert not ((found["area"] == "1804") & (found["period"] == "2022-2024")).any()
    assert ((found["area"] == "1804") & (found["period"] == "2019-2021")).any()

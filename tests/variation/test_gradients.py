"""The gradient across centrality classes and the share of variation centrality accounts for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from variatlas.geography import centrality
from variatlas.indicators import load_catalogue
from variatlas.results import SUPPRESSED_FLAG
from variatlas.stats.inequality import slope_index
from variatlas.variation.gradients import (
    CENTRALITY_ORDER,
    REPETITIONS,
    centrality_explained,
    centrality_slope,
    class_share,
    inequality,
)

CATALOGUE = load_catalogue()


def test_classes_that_hold_all_the_variation_explain_all_of_it() -> None:
    values = [1.0, 1.0, 4.0, 4.0]
    assert class_share(values, ["a", "a", "b", "b"], [1, 2, 3, 4]) == pytest.approx(1.0)


def test_classes_with_equal_means_explain_none_of_it() -> None:
    values = [1.0, 4.0, 1.0, 4.0]
    assert class_share(values, ["a", "a", "b", "b"], [1, 1, 1, 1]) == pytest.approx(0.0)


def test_the_share_is_the_weighted_between_sum_of_squares_over_the_total() -> None:
    """By hand, on the log scale: y = log(1, e, e², e) = 0, 1, 2, 1, weights 1, 1, 2, 2,
    classes a a b b. Mean 7/6 ... total Σw(y − ȳ)², between Σ_class W(ȳ_c − ȳ)²."""
    values = np.exp([0.0, 1.0, 2.0, 1.0])
    weights = np.array([1.0, 1.0, 2.0, 2.0])
    grand = (0 + 1 + 4 + 2) / 6
    total = 1 * grand**2 + 1 * (1 - grand) ** 2 + 2 * (2 - grand) ** 2 + 2 * (1 - grand) ** 2
    between = 2 * (0.5 - grand) ** 2 + 4 * (1.5 - grand) ** 2
    found = class_share(values, ["a", "a", "b", "b"], weights)
    assert found == pytest.approx(between / total)


def test_too_few_areas_or_one_class_give_no_share() -> None:
    assert np.isnan(class_share([1.0, 2.0, 3.0], ["a", "b", "b"], [1, 1, 1]))
    assert np.isnan(class_share([1.0, 2.0, 3.0, 4.0], ["a"] * 4, [1, 1, 1, 1]))


@given(
    st.lists(
        st.tuples(st.floats(0.01, 1e4), st.sampled_from(["1", "2", "3"]), st.floats(0.1, 1e4)),
        min_size=4,
        max_size=40,
    )
)
def test_the_share_lies_between_zero_and_one(rows) -> None:
    values, classes, weights = zip(*rows, strict=True)
    found = class_share(values, classes, weights)
    assert np.isnan(found) or -1e-9 <= found <= 1 + 1e-9


def test_hidden_municipalities_do_not_enter_the_share() -> None:
    codes = centrality().head(8)
    rows = pd.DataFrame(
        {
            "area": codes["municipality"],
            "value": np.linspace(1, 8, 8),
            "denominator": 100.0,
            "flag": [SUPPRESSED_FLAG] + [""] * 7,
        }
    )
    shown = rows.iloc[1:]
    expected = class_share(
        shown["value"],
        shown["area"].map(codes.set_index("municipality")["centrality_class"].astype(str)),
        shown["denominator"],
    )
    assert centrality_explained(rows) == pytest.approx(expected)


def _classes(values: list[float], flag: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": "centrality",
            "area": list(CENTRALITY_ORDER),
            "period": "2022-2024",
            "sex": "all",
            "value": values,
            "lower": [v * 0.9 for v in values],
            "upper": [v * 1.1 for v in values],
            "denominator": [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0],
            "flag": [flag] + [""] * 5,
        }
    )


def test_the_slope_runs_from_the_least_central_class_to_the_most() -> None:
    """The classes given most central first come out as slope_index of the least central
    first: the same SII and limits as a direct call with the same seed."""
    indicator = CATALOGUE["tonsillectomy_children"]
    values = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    shuffled = _classes(values).iloc[::-1]
    found = centrality_slope(indicator, shuffled, seed=7)
    direct = slope_index(
        [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0],
        values,
        value_type="rate",
        lower=[v * 0.9 for v in values],
        upper=[v * 1.1 for v in values],
        repetitions=REPETITIONS,
        seed=7,
    )
    assert found["reason"] == ""
    assert found["sii"] == pytest.approx(direct.sii)
    assert found["sii"] > 0  # values rise towards the central end
    assert (found["sii_lower"], found["sii_upper"]) == pytest.approx(direct.interval(0.95))
    assert found["rii"] == pytest.approx(direct.rii)


def test_a_hidden_class_leaves_no_slope_and_says_why() -> None:
    indicator = CATALOGUE["tonsillectomy_children"]
    classes = _classes([2.0, 3.0, 4.0, 5.0, 6.0, 7.0], flag=SUPPRESSED_FLAG)
    classes.loc[0, ["value", "lower", "upper", "denominator"]] = np.nan
    found = centrality_slope(indicator, classes, seed=1)
    assert found["reason"] == "hidden"
    assert "sii" not in found
    assert found["groups"] == 5


def test_a_proportion_is_modelled_as_a_fraction_and_its_slope_is_in_its_unit() -> None:
    indicator = next(i for i in CATALOGUE.values() if i.kind == "proportion")
    values = [40.0, 45.0, 50.0, 55.0, 60.0, 65.0]
    found = centrality_slope(indicator, _classes(values), seed=3)
    direct = slope_index(
        [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0],
        [v / indicator.multiplier for v in values],
        value_type="proportion",
        lower=[v * 0.9 / indicator.multiplier for v in values],
        upper=[v * 1.1 / indicator.multiplier for v in values],
        multiplier=indicator.multiplier,
        repetitions=REPETITIONS,
        seed=3,
    )
    assert found["value_type"] == "proportion"
    assert found["sii"] == pytest.approx(direct.sii)


def test_one_slope_row_per_period_and_sex_with_classes() -> None:
    indicator = CATALOGUE["tonsillectomy_children"]
    rows = pd.concat(
        [_classes([2.0, 3, 4, 5, 6, 7]), _classes([2.0, 3, 4, 5, 6, 7]).assign(period="2019-2021")]
    )
    found = inequality(indicator, rows.assign(indicator=indicator.id))
    assert found["period"].tolist() == ["2019-2021", "2022-2024"]
    assert set(found["grouping"]) == {"centrality"}
    # The same classes give the same slope, whichever period: a seed per view, same draws
    # only if the views are named alike, so the limits may differ but the SII may not.
    assert found["sii"].iloc[0] == pytest.approx(found["sii"].iloc[1])

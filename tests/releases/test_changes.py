"""What changed between two releases, on tables made by hand (so that what is expected is
known without the code under test), and the test of a difference it rests on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from variatlas.publish.changes import Tables, compare, summary
from variatlas.stats.difference import beyond_intervals, difference_z


def test_the_difference_of_two_estimates_as_altman_and_bland_compute_it() -> None:
    # Altman & Bland, BMJ 2003;326:219: relative risks 0.67 (0.46 to 0.98) and 0.88 (0.71 to
    # 1.08); on the log scale the difference is −0.2726 with SE 0.2206, z = −1.24.
    z = difference_z(
        np.array([0.88]),
        (np.array([0.71]), np.array([1.08])),
        np.array([0.67]),
        (np.array([0.46]), np.array([0.98])),
        np.array([True]),
    )
    assert z[0] == pytest.approx(-0.2726 / 0.2206, abs=0.01)
    assert not beyond_intervals(z)[0]
    # On the natural scale: 10 (8.04 to 11.96) and 13 (11.04 to 14.96) have SE 1 each, so
    # z = 3 / √2 = 2.12, beyond at 95 %.
    natural = difference_z(
        np.array([10.0]),
        (np.array([8.04]), np.array([11.96])),
        np.array([13.0]),
        (np.array([11.04]), np.array([14.96])),
        np.array([False]),
    )
    assert natural[0] == pytest.approx(3 / np.sqrt(2), abs=0.01)
    assert beyond_intervals(natural)[0]
    # No interval, no test.
    missing = difference_z(
        np.array([1.0]), (np.array([np.nan]), np.array([np.nan])),
        np.array([2.0]), (np.array([1.5]), np.array([2.5])), np.array([False]),
    )  # fmt: skip
    assert np.isnan(missing[0]) and not beyond_intervals(missing)[0]


def _row(indicator: str, area: str, period: str, value: float, **extra: object) -> dict:
    row = {
        "indicator": indicator,
        "level": "referral_area",
        "area": area,
        "area_name": f"Area {area}",
        "period": period,
        "sex": "all",
        "numerator": value * 10,
        "denominator": 1000.0,
        "value": value,
        "lower": value - 1.96,
        "upper": value + 1.96,
        "flag": "",
        "funnel": "Not significant",
        "method": "wilson",
    }
    row.update(extra)
    return row


HIDDEN = {"flag": "suppressed: hidden to protect small numbers", "numerator": np.nan}


def _tables(rows: list[dict], variation: list[dict], definitions: dict, years: list[int],
            episodes: str, release: str) -> Tables:  # fmt: skip
    return Tables(
        pd.DataFrame(rows),
        pd.DataFrame(variation),
        {
            "indicators": definitions,
            "years": years,
            "inputs": {"episodes": {"sha256": episodes, "rows_accepted": 10}},
        },
        {"id": release, "date": "2026-01-01"},
    )


def _view(indicator: str, period: str, learn_from: str) -> dict:
    return {"indicator": indicator, "level": "referral_area", "period": period, "sex": "all",
            "learn_from_areas": learn_from}  # fmt: skip


@pytest.fixture()
def two() -> tuple[Tables, Tables]:
    before = _tables(
        [
            _row("steady", "1", "2023", 10.0),
            _row("steady", "2", "2023", 10.0),
            _row("moved", "1", "2023", 10.0),  # to 20: beyond its interval (z = 10 / √2 · 1)
            _row("moved", "2", "2023", 10.0),  # to 11: within (z = 0.71)
            _row("moved", "3", "2023", 10.0, funnel="High (0.001)"),  # ceases to be an outlier
            _row("moved", "4", "2023", 10.0, **HIDDEN),  # shown now
            _row("moved", "5", "2023", 10.0),  # hidden now
            _row("redone", "1", "2023", 10.0),
            _row("dropped", "1", "2023", 10.0),
        ],
        [_view("moved", "2023", "1;3"), _view("steady", "2023", "")],
        {"steady": "s", "moved": "m", "redone": "r1", "dropped": "d"},
        [2023],
        "aaa",
        "A",
    )
    after = _tables(
        [
            _row("steady", "1", "2023", 10.0),
            _row("steady", "2", "2023", 10.0),
            _row("steady", "1", "2024", 12.0),  # a new period only
            _row("moved", "1", "2023", 20.0, funnel="High (0.001)"),  # becomes an outlier
            _row("moved", "2", "2023", 11.0),
            _row("moved", "3", "2023", 10.0),
            _row("moved", "4", "2023", 10.0),
            _row("moved", "5", "2023", 10.0, **HIDDEN),
            _row("redone", "1", "2023", 30.0),  # redefined: not compared figure by figure
            _row("new", "1", "2023", 10.0),
        ],
        [_view("moved", "2023", "1;2"), _view("steady", "2023", "")],
        {"steady": "s", "moved": "m", "redone": "r2", "new": "n"},
        [2023, 2024],
        "bbb",
        "B",
    )
    return before, after


def test_every_class_of_change_is_found(two: tuple[Tables, Tables]) -> None:
    found = compare(*two)
    changes = found["changes"]
    assert found["release"] == "B" and found["previous"] == "A"
    assert changes["indicators_added"] == ["new"]
    assert changes["indicators_removed"] == ["dropped"]
    assert [c["indicator"] for c in changes["indicators_redefined"]] == ["redone"]
    assert [c["table"] for c in changes["inputs_changed"]] == ["episodes"]
    assert changes["years_added"] == [2024] and changes["years_removed"] == []
    beyond = changes["figures_beyond_intervals"]
    assert [(c["indicator"], c["area"]) for c in beyond] == [("moved", "1")]
    assert beyond[0]["z"] == pytest.approx(10 / np.sqrt(2), abs=0.01)
    assert [c["area"] for c in changes["became_outliers"]] == ["1"]
    assert [c["area"] for c in changes["ceased_outliers"]] == ["3"]
    assert [c["area"] for c in changes["became_places_to_learn_from"]] == ["2"]
    assert [c["area"] for c in changes["ceased_places_to_learn_from"]] == ["3"]
    assert [c["area"] for c in changes["newly_hidden"]] == ["5"]
    assert [c["area"] for c in changes["newly_shown"]] == ["4"]
    assert found["counts"]["newly_hidden"] == 1


def test_each_indicator_is_marked(two: tuple[Tables, Tables]) -> None:
    marks = {i: m["mark"] for i, m in compare(*two)["indicators"].items()}
    assert marks == {"new": "new", "moved": "revised", "redone": "revised", "steady": "updated"}
    found = compare(*two)["indicators"]
    assert found["steady"]["periods_added"] == ["2024"]
    assert found["redone"]["redefined"] and not found["moved"]["redefined"]
    # Area 1 moved, 2 moved a little, 4 was shown and 5 hidden: four figures revised.
    assert found["moved"]["revised_figures"] == 4
    sentence = summary(compare(*two))
    assert sentence.startswith("Compared with A: year 2024 added; indicators added: 1;")


def test_a_first_release_has_nothing_to_compare_with(two: tuple[Tables, Tables]) -> None:
    found = compare(None, two[1])
    assert found["previous"] is None and set(found["counts"].values()) == {0}
    assert {m["mark"] for m in found["indicators"].values()} == {"first"}
    assert summary(found) == "First release: 4 indicators."

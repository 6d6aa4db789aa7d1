"""The audit of a publication from its published tables alone (``disclosure.published``), on
tables made by hand: the counts a reader can prove small are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from variatlas.disclosure.published import Rule, audit_published
from variatlas.geography import load_geography

HIDDEN = "suppressed: hidden to protect small numbers"
REGIONS = ["1", "2", "3", "4"]


@pytest.fixture(scope="module")
def geography():
    return load_geography()


def _cell(area: str, period: str, numerator: float, denominator: float = 1000.0,
          hidden: bool = False, level: str = "region") -> dict:  # fmt: skip
    return {
        "indicator": "x",
        "level": "nation" if area == "8888" else level,
        "area": area,
        "period": period,
        "sex": "all",
        "numerator": np.nan if hidden else numerator,
        "denominator": denominator,
        "flag": HIDDEN if hidden else "",
    }


def _regions(period: str, counts: list[float], hidden: set[str]) -> list[dict]:
    """The four regions and the nation of one period: the nation their sum."""
    rows = [_cell(r, period, c, hidden=r in hidden) for r, c in zip(REGIONS, counts, strict=True)]
    return [*rows, _cell("8888", period, sum(counts), 4000.0)]


def _leaks(rows: list[dict], geography, rule: Rule | None = None) -> list:
    return list(audit_published(pd.DataFrame(rows), {"x": rule or Rule(5)}, geography))


def test_a_hidden_count_given_away_by_its_siblings_is_found(geography) -> None:
    # 2023 shows that the regions add up to the nation; in 2024 one region is hidden alone.
    rows = _regions("2023", [30, 40, 50, 60], set()) + _regions("2024", [3, 40, 50, 60], {"1"})
    leaks = _leaks(rows, geography)
    assert [(leak.cell, leak.lower, leak.upper) for leak in leaks] == [
        (("numerator", "region", "1", "2024", "all"), 3.0, 3.0)
    ]
    assert "can be worked out" in leaks[0].sentence()


def test_a_hidden_count_with_a_hidden_sibling_of_its_own_size_is_not(geography) -> None:
    rows = _regions("2023", [30, 40, 50, 60], set()) + _regions("2024", [3, 40, 50, 60], {"1", "2"})
    # The two hidden regions share 43: the small one may be anything from 1 to 42.
    assert _leaks(rows, geography) == []


def test_sums_a_reader_cannot_see_hold_are_not_used(geography) -> None:
    # No period shows the regions adding up to the nation: a reader cannot take it as given.
    rows = _regions("2024", [3, 40, 50, 60], {"1"})
    rows[-1]["numerator"] = 160.0  # the nation is not their sum in any published period
    assert _leaks(rows, geography) == []


def test_a_published_small_count_and_a_small_complement_are_found(geography) -> None:
    rows = _regions("2023", [2, 40, 50, 60], set())
    leaks = _leaks(rows, geography)
    assert [(leak.cell[0], leak.cell[2], leak.published) for leak in leaks] == [
        ("numerator", "1", True)
    ]
    assert "is published, below the threshold" in leaks[0].sentence()
    # A share of 998 of 1,000 shows the 2 without it: a complement of persons.
    share = _regions("2023", [998, 990, 980, 970], set())
    persons = _leaks(share, geography, Rule(5, bounded=True, persons=True))
    assert [(leak.cell[0], leak.cell[2]) for leak in persons] == [("complement", "1")]
    assert _leaks(share, geography, Rule(5, bounded=True, persons=False)) == []


def test_a_hidden_complement_is_reported_when_it_is_proved_above_zero(geography) -> None:
    rule = Rule(5, bounded=True, persons=True)
    shown = _regions("2023", [990, 980, 970, 960], set())
    # One region hidden alone: its numerator, 998 of 1,000, is given away, and with it the two
    # who are not counted.
    alone = shown + _regions("2024", [998, 980, 970, 960], {"1"})
    found = {(leak.cell[0], leak.lower, leak.upper) for leak in _leaks(alone, geography, rule)}
    assert found == {("complement", 2.0, 2.0)}
    # Two hidden regions whose complements add up to 3: each may be 0, which shows no one.
    two = shown + _regions("2024", [998, 999, 970, 960], {"1", "2"})
    assert _leaks(two, geography, rule) == []

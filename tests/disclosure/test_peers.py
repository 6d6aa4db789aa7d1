"""Peer groups (KOSTRA groups, centrality classes) are tables that overlap the published ones:
a group that differs from a region by one small municipality must not give it away."""

from __future__ import annotations

import pandas as pd
import pytest

from variatlas.disclosure import protect, publishable
from variatlas.disclosure import relations as relations_module
from variatlas.disclosure.control import _apply
from variatlas.disclosure.relations import candidate_relations
from variatlas.geography import kostra_groups, load_geography

PERIOD = "2022-2024"
BINDAL, SOMNA, VEVELSTAD = "1811", "1812", "1816"
"""Three municipalities of Helse Nord (region 1): Bindal and Sømna in KOSTRA group 15,
Vevelstad in group 16."""


def _pinned(low: float, high: float, threshold: float) -> bool:
    return high < threshold - 1e-6 or high - low < threshold - 1 - 1e-6


def _region_and_group(small: float) -> pd.DataFrame:
    """Helse Nord's count is Bindal's, Sømna's and Vevelstad's; KOSTRA group 15's is Bindal's
    and Sømna's: the region less the group is Vevelstad, whose count is ``small``."""
    counts = {BINDAL: 40.0, SOMNA: 30.0, VEVELSTAD: small}
    rows = [("municipality", code, n) for code, n in counts.items()]
    rows += [("region", "1", sum(counts.values())), ("kostra_group", "15", 70.0)]
    frame = pd.DataFrame(rows, columns=["level", "area", "numerator"])
    return frame.assign(
        period=PERIOD,
        sex="all",
        denominator=frame["numerator"] * 100,
        value=1.0,
        flag="",
    )


def test_the_chosen_municipalities_are_where_the_case_says() -> None:
    groups = kostra_groups().set_index("municipality")["kostra_group"]
    regions = load_geography().municipalities.set_index("municipality")["region"]
    assert [int(groups[c]) for c in (BINDAL, SOMNA, VEVELSTAD)] == [15, 15, 16]
    assert {str(regions[c]) for c in (BINDAL, SOMNA, VEVELSTAD)} == {"1"}


def test_a_municipality_sums_into_its_kostra_group_and_centrality_class() -> None:
    frame = _region_and_group(2.0)
    frame = pd.concat(
        [frame, frame.iloc[:1].assign(level="centrality", area="6")], ignore_index=True
    )
    found = {(r.total, r.parts) for r in candidate_relations(frame, load_geography())}
    group = ("kostra_group", "15", PERIOD, "all")
    assert (
        group,
        (("municipality", BINDAL, PERIOD, "all"), ("municipality", SOMNA, PERIOD, "all")),
    ) in found
    assert any(total == ("centrality", "6", PERIOD, "all") for total, _ in found)


@pytest.mark.parametrize("small", [1.0, 2.0, 4.0])
def test_a_kostra_group_one_small_municipality_short_of_a_region_does_not_give_it_away(
    intruder, small: float
) -> None:
    """The reader knows the region and the group are sums of their municipalities: with
    the region, the group and one of the group's municipalities published, the other is
    the group less that one, and Vevelstad the region less the group. The audit hides
    enough that Vevelstad's count cannot be pinned."""
    truth = _region_and_group(small)
    geography = load_geography()
    published = _apply(truth, protect(truth, 5, geography))
    found = intruder(truth, published, 5, geography, bounded=False)
    cell = ("numerator", ("municipality", VEVELSTAD, PERIOD, "all"))
    assert cell in found
    assert not _pinned(found[cell].low, found[cell].high, 5), found[cell]


def test_without_the_peer_sums_the_same_case_is_given_away(intruder, monkeypatch) -> None:
    """The test above can fail: a suppression that does not know the KOSTRA groups hides
    one more municipality of the region, and the group gives both back."""
    truth = _region_and_group(2.0)
    geography = load_geography()
    monkeypatch.setattr(relations_module, "peer_groups", lambda: {})
    published = _apply(truth, protect(truth, 5, geography))
    found = intruder(truth, published, 5, geography, bounded=False)
    low, high, exact = found[("numerator", ("municipality", VEVELSTAD, PERIOD, "all"))]
    assert _pinned(low, high, 5)
    assert low == high == 2.0 and exact


def test_peer_groups_are_published_as_their_municipalities_are() -> None:
    """Three-year periods of both sexes only, the views a municipality is compared in."""
    frame = pd.DataFrame(
        {
            "level": ["kostra_group", "kostra_group", "kostra_group", "centrality", "region"],
            "period": ["2022-2024", "2024", "2022-2024", "2024", "2024"],
            "sex": ["all", "all", "F", "all", "all"],
        }
    )
    assert publishable(frame).tolist() == [True, False, False, False, True]

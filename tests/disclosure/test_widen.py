"""Where a pinned cell gets its room, and when an interval protects a small count."""

from __future__ import annotations

from variatlas.disclosure import audit, suppress
from variatlas.disclosure.audit import protected
from variatlas.disclosure.relations import Relation
from variatlas.disclosure.widen import more_room


def test_an_interval_protects_when_it_holds_the_threshold_and_no_one_is_shown_counted() -> None:
    """At threshold 5: [1, 5] protects a 2 (five values, and it may be 5); [1, 4] proves it
    below 5 and [3, 6] holds four values; [0, 4] may be 0, so no one is shown to be
    counted."""
    assert protected(1, 5, 5)
    assert not protected(1, 4, 5)
    assert not protected(3, 6, 5)
    assert protected(0, 4, 5)
    assert not protected(0, 3, 5)


def _chain() -> tuple[dict, list[Relation], set]:
    """A municipality m (2) with a sibling n (1) in a hidden referral area r = m + n + p,
    whose two years y1 + y2 = r are hidden too but held by their published regions
    (y1 + z1 = R1, y2 + z2 = R2): r can rise only if a year's sibling z falls."""
    names = ("m", "n", "p", "r", "y1", "y2", "z1", "z2", "R1", "R2")
    cell = {name: ("l", name, "p", "all") for name in names}
    values = {
        cell["m"]: 2.0, cell["n"]: 1.0, cell["p"]: 0.0, cell["r"]: 3.0,
        cell["y1"]: 1.0, cell["y2"]: 2.0, cell["z1"]: 40.0, cell["z2"]: 30.0,
        cell["R1"]: 41.0, cell["R2"]: 32.0,
    }  # fmt: skip
    relations = [
        Relation(cell["r"], (cell["m"], cell["n"], cell["p"])),
        Relation(cell["r"], (cell["y1"], cell["y2"])),
        Relation(cell["R1"], (cell["y1"], cell["z1"])),
        Relation(cell["R2"], (cell["y2"], cell["z2"])),
    ]
    hidden = {cell[k] for k in ("m", "n", "r", "y1", "y2")}
    return values, relations, hidden


def test_the_room_a_pinned_cell_needs_is_found_through_a_chain_of_relations() -> None:
    """m lies in [1, 2] (r is pinned at 3 by its years, which their regions pin): no sibling
    of m can give it room, only a year's sibling or its region, two relations away; one
    programme finds it, and after hiding it m is protected."""
    values, relations, hidden = _chain()
    exposed = audit(values, relations, hidden, 5, {("l", "m", "p", "all")})
    assert [(e.lower, e.upper) for e in exposed] == [(1.0, 2.0)]
    found = more_room(exposed, values, relations, hidden, 5)
    assert found and found <= {("l", x, "p", "all") for x in ("z1", "z2", "R1", "R2")}
    assert audit(values, relations, hidden | found, 5, {("l", "m", "p", "all")}) == []


def test_a_municipality_moves_before_a_total() -> None:
    """Room for a hidden 2 can come from its published sibling (a municipality) or from the
    country's total above the two: the sibling is hidden, not the country's figure."""
    a, b, c = (("municipality", x, "p", "all") for x in ("a", "b", "c"))
    region, nation = ("region", "R", "p", "all"), ("nation", "N", "p", "all")
    values = {a: 2.0, b: 2.0, c: 20.0, region: 24.0, nation: 24.0}
    relations = [Relation(region, (a, b, c)), Relation(nation, (region,))]
    exposed = audit(values, relations, {a, b}, 5, {a, b})
    assert exposed
    assert more_room(exposed, values, relations, {a, b}, 5) == {c}


def test_suppression_settles_the_chain() -> None:
    values, relations, _ = _chain()
    found = suppress(values, relations, 5)
    assert audit(values, relations, found.hidden, 5) == []
    assert not found.fallback

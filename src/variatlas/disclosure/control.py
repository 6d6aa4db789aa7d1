"""Primary and secondary suppression of one indicator, audited (with the releases before it,
where there are: ``together``), and what its publication hides.

The whole publication, every indicator, is ``publication.disclose``. See the package
documentation and docs/disclosure.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from variatlas.disclosure import counts, linking, together
from variatlas.disclosure.audit import audit, determined
from variatlas.disclosure.counts import COMPLEMENT, COUNTS
from variatlas.disclosure.disclosed import IndicatorDisclosure
from variatlas.disclosure.relations import (
    Cell,
    Relation,
    candidate_relations,
    exact_relations,
    relations_by_cell,
)
from variatlas.disclosure.releases import Earlier
from variatlas.disclosure.suppression import primary, secondary
from variatlas.disclosure.widen import more_room
from variatlas.geography import Geography
from variatlas.results import NUMERIC_COLUMNS, PEER_LEVELS, SUPPRESSED_FLAG

HIDDEN_WITH_A_COUNT = [
    "numerator",
    "value",
    "lower",
    "upper",
    "crude_value",
    "expected",
    "funnel",
    "published_value",
    "published_lower",
    "published_upper",
    # "exact" beside "byar" would say whether the hidden count is below 10.
    "method",
]


def _cells(frame: pd.DataFrame, column: str) -> dict[Cell, float]:
    present = frame[frame[column].notna()]
    keys = zip(present["level"], present["area"], present["period"], present["sex"], strict=True)
    return dict(zip(keys, present[column].astype(float), strict=True))


GREEDY_ROUNDS = 50
"""Rounds of one more cell per pinned primary cell before the fallback hides whole groups."""


@dataclass(frozen=True)
class Suppression:
    """What is hidden of one count: the primary cells, all hidden cells, those the fallback
    hid, and complements that were released again because the published cells determine
    them exactly (hiding them protected nothing)."""

    primary: set[Cell]
    hidden: set[Cell]
    fallback: set[Cell] = field(default_factory=set)
    released: set[Cell] = field(default_factory=set)


def _unchanged(hidden: set[Cell]) -> set[Cell]:
    return hidden


def _itself(cell: Cell) -> Cell:
    return cell


def suppress(
    values: dict[Cell, float],
    relations: list[Relation],
    threshold: float,
    *,
    sensitive: Set[Cell] | None = None,
    forced: Set[Cell] = frozenset(),
    close: Callable[[set[Cell]], set[Cell]] = _unchanged,
    releasable: Callable[[set[Cell]], set[Cell]] = _unchanged,
    carrier: Callable[[Cell], Cell] = _itself,
) -> Suppression:
    """The cells to hide of one count (or of all counts of an indicator as one system, see
    ``counts``), audited until no primary cell can be pinned.

    After the greedy pass (``secondary``), the linear-programming audit looks for primary
    (small) cells that the relations together pin to less than the threshold; for each, the
    published cells that must move for it to reach a protected bound are hidden
    (``widen.more_room``), and the greedy pass and the audit run again. Where that has not
    settled after ``GREEDY_ROUNDS`` rounds, or finds no cell to add, the fallback hides the
    smallest whole relation of each pinned cell, and failing that its whole connected group
    of cells: each round hides more, and a primary cell whose every connected cell is hidden
    cannot be pinned, so the loop always ends, in a safe publication. Last, hidden
    complementary cells that the published cells determine exactly are released
    (``determined``), until none is left: publishing a number the public can already compute
    adds nothing to what it knows. Counts of non-persons (threshold ≤ 1) are not suppressed.

    ``sensitive`` are the primary cells (by default every count from 1 to the threshold − 1);
    ``forced`` cells are hidden from the start and protected like any hidden cell (those an
    earlier release makes this one hide: ``together``); ``close`` gives what the publication
    hides when a set of cells is hidden (the numerator with its denominator, say),
    ``releasable`` the hidden cells that can be published on their own, and ``carrier`` the
    cell to hide so that a cell is hidden (a complement is hidden by hiding its numerator).

    A cell the audit finds protected stays protected as more cells are hidden (every point a
    reader could take before is still open to them), so each round after the first attacks
    only the cells still exposed.
    """
    small = set(primary(values, threshold) if sensitive is None else sensitive)
    if threshold <= 1:
        return Suppression(small, set())

    def settle(cells: set[Cell]) -> set[Cell]:
        # The greedy pass and what the publication hides with it, until neither adds a cell.
        while True:
            done = secondary(values, relations, cells, threshold, small)
            cells = close(done)
            if cells == done:
                return done

    hidden = settle(small | set(forced))
    by_cell = relations_by_cell(relations)
    fallback: set[Cell] = set()
    rounds = 0
    open_ = small
    while exposed := audit(values, relations, hidden, threshold, open_):
        open_ = {e.cell for e in exposed}
        added: set[Cell] = set()
        if rounds < GREEDY_ROUNDS:
            moved = more_room(exposed, values, relations, hidden, threshold)
            added = {carrier(c) for c in moved} - hidden
        if not added:
            added = _whole_groups([e.cell for e in exposed], values, by_cell, hidden)
            fallback |= added
        if not added:
            raise RuntimeError(f"the audit pins {exposed[0].cell} with every connected cell hidden")
        hidden = settle(hidden | added)
        rounds += 1
    released: set[Cell] = set()
    # A numerator can be released only with its denominator shown: releasing a determined
    # denominator may leave its numerator determined in turn.
    while more := determined(
        values, relations, hidden - released, releasable(hidden - small - released)
    ):
        released |= more
    final = close(hidden - released)
    return Suppression(small, final, fallback & final, released)


def _whole_groups(
    cells: list[Cell],
    values: dict[Cell, float],
    by_cell: Mapping[Cell, list[Relation]],
    hidden: set[Cell],
) -> set[Cell]:
    """The fallback: for each pinned cell, every published cell of its smallest relation that
    still has some (fewest cells to hide, then the smallest counts); where all its relations
    are hidden already, every published cell connected to it."""
    found: set[Cell] = set()
    for cell in cells:
        groups: list[list[Cell]] = [
            sorted(c for c in (r.total, *r.parts) if c not in hidden) for r in by_cell.get(cell, [])
        ]
        groups = [g for g in groups if g]

        def cost(group: list[Cell]) -> tuple[int, float, list[Cell]]:
            return len(group), sum(values[c] for c in group), group

        if groups:
            found |= set(sorted(groups, key=cost)[0])
    if found:
        return found
    frontier, seen = list(cells), set(cells)
    while frontier:
        cell = frontier.pop()
        for relation in by_cell.get(cell, []):
            for other in (relation.total, *relation.parts):
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
    return seen - hidden


def protect(
    frame: pd.DataFrame,
    threshold: float,
    geography: Geography,
    *,
    bounded: bool = False,
    persons: bool = False,
    earlier: Sequence[Earlier] = (),
) -> IndicatorDisclosure:
    """Primary and secondary suppression of one indicator's numerators and denominators, as
    one system with their complements (``counts``).

    ``bounded``: a reader knows that the numerator is at most the denominator (a share);
    ``persons``: the complement counts persons, and is protected like a numerator;
    ``earlier``: the releases that published the indicator before, under the same definition
    (oldest first): no small count of theirs or of this one may be pinned by a reader who
    holds them all (``together``).
    """
    candidates = candidate_relations(frame, geography)
    values, relations = {}, {}
    for column in COUNTS:
        values[column] = _cells(frame, column)
        relations[column] = exact_relations(values[column], candidates)
    if bounded or persons:
        values[COMPLEMENT] = counts.complements(values)
        relations[COMPLEMENT] = exact_relations(values[COMPLEMENT], candidates)
    small = {
        (column, *cell)
        for column, found in values.items()
        if column != COMPLEMENT or persons
        for cell in primary(found, threshold)
    }
    joint, links = counts.joined(values, relations)

    def run(forced: set[Cell]) -> Suppression:
        return suppress(
            joint,
            links,
            threshold,
            sensitive=small,
            forced=forced,
            close=partial(counts.close, joint),
            releasable=counts.releasable,
            carrier=counts.carrier,
        )

    linked = (
        linking.linked(
            joint,
            relations,
            candidates,
            earlier,
            threshold,
            bounded=bounded or persons,
            persons=persons,
        )
        if earlier and threshold > 1
        else None
    )
    for_releases: set[Cell] = set()
    if linked is None:
        done = run(set())
    else:
        done, for_releases = together.consistent(
            run, joint, links, linked, threshold, counts.carrier
        )
    parts = {
        name: counts.split(cells)
        for name, cells in (
            ("primary", done.primary),
            ("hidden", done.hidden),
            ("fallback", done.fallback),
            ("released", done.released),
        )
    }
    per_count = {
        name: {column: parts[name].get(column, set()) for column in values} for name in parts
    }
    return IndicatorDisclosure(
        threshold,
        values,
        relations,
        per_count["primary"],
        per_count["hidden"],
        per_count["fallback"],
        per_count["released"],
        linked=tuple(e.name for e in earlier) if linked is not None else (),
        for_releases=counts.split(for_releases),
        contradicted=linked.contradicted if linked is not None else 0,
    )


def _apply(frame: pd.DataFrame, detail: IndicatorDisclosure) -> pd.DataFrame:
    frame = frame.copy()
    keys = list(zip(frame["level"], frame["area"], frame["period"], frame["sex"], strict=True))
    hidden_numerator = np.array([k in detail.hidden["numerator"] for k in keys], dtype=bool)
    hidden_denominator = np.array([k in detail.hidden["denominator"] for k in keys], dtype=bool)
    hide = hidden_numerator | hidden_denominator
    for column in HIDDEN_WITH_A_COUNT:
        if column in frame:
            frame[column] = frame[column].astype(object).where(~hide, None)
    frame["denominator"] = frame["denominator"].astype(object).where(~hidden_denominator, None)
    # One flag for every hidden cell: "fewer than 5" beside "protects another" would tell a
    # reader which hidden counts are 1–4 and which 0 or at least 5 (docs/disclosure.md).
    frame["flag"] = np.where(hide, SUPPRESSED_FLAG, frame["flag"].fillna("").astype(str))
    for column in NUMERIC_COLUMNS:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def publishable(results: pd.DataFrame) -> pd.Series:
    """Rows that may be published at all.

    Men and women separately only for 3-year periods; municipalities only for 3-year periods
    and both sexes together. Single years by sex, and small municipalities by year, would be
    mostly suppressed, and what remained would tie every cell to every other through the
    relations between years, sexes and areas. The peer groups of municipalities (KOSTRA
    groups, centrality classes) as their municipalities, the views they are compared in:
    their single years and sexes would add cells tied to the regions' and the country's and
    take nothing a comparison uses, at the cost of more hidden cells.
    """
    municipal = results["level"].isin(("municipality", *PEER_LEVELS))
    multi_year = results["period"].astype(str).str.contains("-")
    both = results["sex"] == "all"
    return (multi_year | both) & (~municipal | (multi_year & both))

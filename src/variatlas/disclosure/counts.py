"""The counts of one indicator as one system: numerators, denominators and their complements.

A reader who sees a cell's numerator and denominator knows their difference, the complement:
the deaths beside a 30-day survival, the unvaccinated beside a vaccination coverage. Where
the indicator's complement counts persons (``Indicator.complement_counts_persons``, true
unless its file says otherwise), a complement from 1 to the threshold − 1 is protected like a
numerator: the cell's numerator (or denominator) is hidden, and the complement's own sums
across areas, sexes and periods are protected as the numerator's are. Where the numerator
is part of the denominator (``bounded``: shares, and every indicator whose complement counts
persons), a reader knows that the numerator is at most the denominator: the system says so
with the relation denominator = numerator + complement, the complement ≥ 0 like every count.

Cells of the system are (count, level, area, period, sex). The publication hides a cell's
numerator whenever its denominator is hidden (a hidden row shows no count), and a reader
knows a complement exactly when both its numerator and denominator are published: ``close``
keeps the hidden cells of the system what the publication hides, so that the audit attacks
what a reader really sees.
"""

from __future__ import annotations

from collections.abc import Mapping

from variatlas.disclosure.audit import Exposure, audit
from variatlas.disclosure.disclosed import IndicatorDisclosure
from variatlas.disclosure.relations import COMPLEMENT, Cell, Relation
from variatlas.indicators.model import Indicator

NUMERATOR, DENOMINATOR = "numerator", "denominator"
COUNTS = (NUMERATOR, DENOMINATOR)


def complement_rule(indicator: Indicator) -> tuple[bool, bool]:
    """(bounded, persons): whether a reader knows that the numerator is at most the
    denominator, and whether the complement counts persons (and is protected)."""
    persons = indicator.complement_counts_persons
    return indicator.kind in ("proportion", "coverage") or persons, persons


def complements(values: Mapping[str, dict[Cell, float]]) -> dict[Cell, float]:
    """Denominator − numerator of every cell that has both (and where it is not negative:
    a numerator beyond its denominator bounds nothing)."""
    numerators, denominators = values[NUMERATOR], values[DENOMINATOR]
    found = {}
    for cell, numerator in numerators.items():
        denominator = denominators.get(cell)
        if denominator is not None and denominator - numerator >= 0:
            found[cell] = denominator - numerator
    return found


def _lift(count: str, cell: Cell) -> Cell:
    return (count, *cell)


def joined(
    values: Mapping[str, dict[Cell, float]], relations: Mapping[str, list[Relation]]
) -> tuple[dict[Cell, float], list[Relation]]:
    """Every count's cells and relations in one system, with denominator = numerator +
    complement for every cell that has a complement."""
    cells = {_lift(count, c): v for count, found in values.items() for c, v in found.items()}
    linked = [
        Relation(
            _lift(count, r.total),
            tuple(_lift(count, p) for p in r.parts),
        )
        for count, found in relations.items()
        for r in found
    ]
    linked += [
        Relation(_lift(DENOMINATOR, c), (_lift(NUMERATOR, c), _lift(COMPLEMENT, c)))
        for c in sorted(values.get(COMPLEMENT, {}))
    ]
    return cells, linked


def close(values: Mapping[Cell, float], hidden: set[Cell]) -> set[Cell]:
    """What the publication hides when ``hidden`` is hidden: also the numerator of every cell
    whose denominator is hidden, and the complement of every cell whose numerator or
    denominator is; and not the complement of a cell whose numerator and denominator are
    both published (a reader works it out)."""
    found = {c for c in hidden if c[0] != COMPLEMENT}
    found |= {n for c in hidden if c[0] == DENOMINATOR and (n := (NUMERATOR, *c[1:])) in values}
    found |= {m for c in found if (m := (COMPLEMENT, *c[1:])) in values}
    return found


def releasable(hidden: set[Cell]) -> set[Cell]:
    """The hidden cells that could be published alone: not a complement (it has no column of
    its own) and not a numerator whose denominator is hidden."""
    return {
        c
        for c in hidden
        if c[0] == DENOMINATOR or (c[0] == NUMERATOR and (DENOMINATOR, *c[1:]) not in hidden)
    }


def carrier(cell: Cell) -> Cell:
    """The cell to hide so that ``cell`` is hidden: a complement has no column of its own,
    and hiding its numerator hides it (its denominator published, it lies between 0 and the
    denominator less 1)."""
    return (NUMERATOR, *cell[1:]) if cell[0] == COMPLEMENT else cell


def split(cells: set[Cell]) -> dict[str, set[Cell]]:
    """A set of the system's cells, per count."""
    found: dict[str, set[Cell]] = {}
    for cell in cells:
        found.setdefault(cell[0], set()).add(cell[1:])
    return found


def lifted(found: Mapping[str, set[Cell]]) -> set[Cell]:
    return {_lift(count, c) for count, cells in found.items() for c in cells}


def audit_disclosure(detail: IndicatorDisclosure) -> list[Exposure]:
    """The audit of one indicator's publication over all its counts at once: numerators,
    denominators and complements, with every relation between them."""
    values, relations = joined(detail.values, detail.relations)
    return audit(values, relations, lifted(detail.hidden), detail.threshold, lifted(detail.primary))

"""Releases together: no small count of one release recoverable by combining it with another.

A reader may hold every release. Between two releases, late registrations add events and
persons to periods already published, and a new year adds periods. A reader holding both
can difference them: a cell hidden in one release and published in the other with a value
that barely changed, a change in published totals that tells the change in a hidden cell,
or both releases' sums at once.

What the reader is taken to know of releases of an indicator with the same definition
(``releases.linked_releases``): each release's published counts and exact sums (as of one
release, ``audit``), and that **late registrations only add**: a count of events or persons
of the same area, period and sex is at least as large in the later release (``linking``).
From that the LP draws what a reader would guess of revisions: a cell's late registrations
are at most the published change of any total that contains it, so a cell hidden in one
release and published in the other, under totals that did not change, is the published
value. Complements (denominator − numerator) are not linked: a late vaccination lowers the
unvaccinated. Where a count fell (a correction), the reader is taken to know it fell. A
redefined indicator is not linked at all.

Only the earlier releases' published results are known here, not their true hidden counts:
they are unknowns with a point that keeps every sum, floor and link it can
(``linking._point``), and each is guarded as if it were small (``linking.linked``).

The method (``consistent``): suppress this release as one would alone, then audit it with
the earlier releases over the union of their sums and the links; where a small count of
either is pinned, the published cells of this release that must move to free it are hidden
(``widen.more_room``, with the earlier releases' cells fixed: they are out), and this
release is suppressed again with every cell hidden so far kept hidden, until the joint
audit finds nothing. This is the suppression of linked tables by backtracking, with a
global audit (Hundepool A et al. Statistical Disclosure Control. Wiley, 2012, ch. 4, on
linked tables), here with one table fixed; the attacker's LP and its relaxation as in
Fischetti M, Salazar-González JJ. Models and algorithms for optimizing cell suppression in
tabular data with linear constraints. JASA 2000;95:916–928. The audit is run only on the
hidden cells connected to a link (a cell hidden in either release): the rest are each
release's own audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from variatlas.disclosure.audit import Exposure, audit
from variatlas.disclosure.linking import TOLERANCE, Joint
from variatlas.disclosure.relations import Cell, Relation, relations_by_cell
from variatlas.disclosure.widen import more_room

ROUNDS = 20
"""Rounds of ``more_room`` before the joint fallback hides every connected cell."""


class Outcome(Protocol):
    @property
    def primary(self) -> set[Cell]: ...

    @property
    def hidden(self) -> set[Cell]: ...


Done = TypeVar("Done", bound=Outcome)


def _reach(start: set[Cell], relations: list[Relation], through: set[Cell] | None) -> set[Cell]:
    """The cells connected to ``start`` by relations, passing only ``through`` (all: None)."""
    by_cell = relations_by_cell(relations)
    seen, frontier = set(start), list(start)
    while frontier:
        for relation in by_cell.get(frontier.pop(), []):
            for other in (relation.total, *relation.parts):
                if other not in seen and (through is None or other in through):
                    seen.add(other)
                    frontier.append(other)
    return seen


@dataclass(frozen=True)
class _System:
    values: dict[Cell, float]
    relations: list[Relation]
    hidden: set[Cell]


def _system(
    joint: Joint, values: dict[Cell, float], relations: list[Relation], hidden: set[Cell]
) -> tuple[_System, set[Cell]]:
    """This release with the earlier ones, and the late registrations of the active links."""
    active = [c for c in joint.links if c.later in hidden or c.earlier in joint.hidden]
    lates = {c.late for c in active}
    system = _System(
        {**values, **joint.values},
        relations + joint.own + [c.relation() for c in active],
        hidden | joint.hidden | lates,
    )
    return system, lates


def _exposures(
    joint: Joint, system: _System, lates: set[Cell], primary: set[Cell], threshold: float
) -> list[Exposure]:
    """The small counts of this release, and the earlier releases' guarded counts, that the
    releases together pin. An earlier count proved at least the threshold, or proved zero,
    is no small count."""
    touched = _reach(lates, system.relations, system.hidden)
    kept = [r for r in system.relations if r.total in touched or any(p in touched for p in r.parts)]
    sensitive = (primary | joint.guarded) & touched
    return [
        e
        for e in audit(system.values, kept, touched, threshold, sensitive, joint.floors)
        if e.cell not in joint.guarded or (e.lower < threshold - TOLERANCE and e.upper > TOLERANCE)
    ]


def consistent(
    run: Callable[[set[Cell]], Done],
    values: dict[Cell, float],
    relations: list[Relation],
    joint: Joint,
    threshold: float,
    carrier: Callable[[Cell], Cell],
) -> tuple[Done, set[Cell]]:
    """This release's suppression (``run``, given the cells to hide from the start) made
    safe together with the earlier releases; and the cells hidden for that (beyond what
    this release alone hides).

    Each round keeps every cell the round before hid and adds those the joint audit needs,
    so the hidden cells only grow: a cell ``more_room`` counted on being hidden stays so."""
    alone = done = run(set())
    forced: set[Cell] = set()
    rounds = 0
    while True:
        system, lates = _system(joint, values, relations, done.hidden)
        exposed = _exposures(joint, system, lates, done.primary, threshold)
        if not exposed:
            return done, done.hidden - alone.hidden
        added: set[Cell] = set()
        if rounds < ROUNDS:
            # Every link, not only the active ones: a published cell that moves is hidden, and
            # then its link to the earlier release holds it (later ≥ earlier) as well.
            moved = more_room(
                exposed,
                system.values,
                relations + joint.own + [c.relation() for c in joint.links],
                system.hidden | {c.late for c in joint.links},
                threshold,
                floors=joint.floors,
                fixed=joint.fixed,
            )
            added = {carrier(c) for c in moved if c in values} - done.hidden
        if not added:
            # Every cell of this release connected to an exposed one: then it tells a reader
            # nothing of the earlier releases, and its own small counts only that they are at
            # least what an earlier release published (0, or at least the threshold).
            reach = _reach({e.cell for e in exposed}, system.relations, None)
            added = {carrier(c) for c in reach if c in values} - done.hidden
        if not added:
            raise RuntimeError(f"releases together pin {exposed[0].cell} with all hidden")
        forced = forced | done.hidden | added
        done = run(forced)
        rounds += 1

"""Primary and secondary (complementary) suppression of small counts."""

from __future__ import annotations

from collections.abc import Set

from variatlas.disclosure.relations import Cell, Relation, least, relations_by_cell, room
from variatlas.results import PEER_LEVELS


def primary(values: dict[Cell, float], threshold: float) -> set[Cell]:
    """Cells whose count is at least 1 and below ``threshold`` (zero reveals no person)."""
    return {cell for cell, value in values.items() if 0 < value < threshold}


def _choose(
    relation: Relation, values: dict[Cell, float], suppressed: set[Cell], needed: float
) -> Cell:
    """The published part to suppress next: the smallest that gives the hidden parts the
    room still ``needed``, else the largest; the total when every part is hidden, or when it
    is a peer group's (``PEER_LEVELS``): a KOSTRA group or centrality class is a comparator,
    and hiding it costs less than hiding one more municipality, which would pull its
    referral area's and region's relations along."""
    if relation.total[-4] in PEER_LEVELS and relation.total not in suppressed:
        return relation.total
    parts = [c for c in relation.parts if c not in suppressed]
    if not parts:
        return relation.total
    enough = [c for c in parts if room(c, values[c]) >= needed and values[c] > 0]
    if enough:
        return min(enough, key=lambda c: values[c])
    return max(parts, key=lambda c: values[c])


def unsafe(
    relation: Relation,
    values: dict[Cell, float],
    suppressed: set[Cell],
    threshold: float,
    sensitive: Set[Cell] | None = None,
) -> float | None:
    """None if the relation protects its hidden cells, else how much more room they need.

    Every relation with a hidden cell needs a second one, so that no subtraction gives a
    hidden cell back. Where a ``sensitive`` cell (a primary one: all hidden cells when not
    given) is among the hidden parts of a published total, their sum is known, and each is
    at least what a reader takes it to be (``least``: 1, or 0 for a complement): a part can
    rise above its floor by the others' room, and must be able to reach the threshold over
    at least ``threshold`` whole values (``audit.protected``), so that all = 8 with men and
    women hidden leaves each anywhere from 1 to 7, and all = 5 would not.
    """
    hidden_parts = [c for c in relation.parts if c in suppressed]
    total_hidden = relation.total in suppressed
    if not hidden_parts and not total_hidden:
        return None
    if total_hidden:
        # T = published parts + hidden parts: safe while some part is hidden too.
        return None if hidden_parts else 1.0
    # T − published parts is known: each hidden part can move as far as the others' room.
    free = sum(room(c, values[c]) for c in hidden_parts)
    guarded = [c for c in hidden_parts if sensitive is None or c in sensitive]
    # A part p lies in [floor, floor + room]: protected when room ≥ threshold − floor.
    needed = max((threshold - least(c, values[c]) for c in guarded), default=0.0)
    if len(hidden_parts) >= 2 and free >= needed:
        return None
    return max(needed - free, 1.0) if guarded else 1.0


def secondary(
    values: dict[Cell, float],
    relations: list[Relation],
    suppressed: set[Cell],
    threshold: float,
    sensitive: Set[Cell] | None = None,
) -> set[Cell]:
    """Suppress more cells until no single relation gives a suppressed cell back.

    In every relation "total = Σ parts" with hidden cells, at least two cells are hidden and,
    when the total is published and a ``sensitive`` (primary) cell is among the hidden parts,
    those parts (whose sum the published cells reveal) add up to enough that each can take
    ``threshold`` whole values or more (each is at least 1, see ``unsafe``). Otherwise
    another part (or the total) is hidden, the smallest that is enough, so that complements
    cost as little as they can.
    Repeated until nothing changes: the usual greedy heuristic (Hundepool A et al.
    Statistical Disclosure Control. Wiley, 2012, ch. 5); the
    linear-programming audit (``audit``) checks the outcome over all relations at once.
    """
    suppressed = set(suppressed)
    by_cell = relations_by_cell(relations)
    queue = [r for r in relations if r.total in suppressed or any(p in suppressed for p in r.parts)]
    while queue:
        relation = queue.pop()
        needed = unsafe(relation, values, suppressed, threshold, sensitive)
        if needed is None:
            continue
        chosen = _choose(relation, values, suppressed, needed)
        if chosen in suppressed:
            continue
        suppressed.add(chosen)
        queue.extend(by_cell[chosen])
        queue.append(relation)
    return suppressed

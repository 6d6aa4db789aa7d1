"""The earlier releases of one indicator as a reader holds them, linked to this release: the
system ``together`` audits.

Cells of an earlier release are ("earlier", its place oldest first, count, level, area,
period, sex); the late registrations of a cell between a release and the next are ("late",
the earlier one's place, count, level, area, period, sex). A link says later = earlier +
late, late ≥ 0 (late registrations only add), or, where the count fell, earlier = later +
late. See ``together`` for what a reader is taken to know, and docs/disclosure.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, hstack, identity

from variatlas.disclosure.audit import audit
from variatlas.disclosure.counts import COUNTS, DENOMINATOR, NUMERATOR
from variatlas.disclosure.relations import COMPLEMENT, Cell, Relation
from variatlas.disclosure.releases import Earlier

EARLIER, LATE = "earlier", "late"
"""The first element of an earlier release's cell, and of a late registration's."""
TOLERANCE = 1e-6
GUESSED_SUM, FLOOR, LINK, SUM = 0.5, 1.0, 1e2, 1e4
"""What breaking each costs in ``_point``: a sum that does not hold in this release (it may
have held in the earlier), a hidden count's floor of 1, a link, a sum that holds now."""


@dataclass(frozen=True)
class Link:
    """One count of one cell in two releases: ``later`` = ``earlier`` + ``late`` (late ≥ 0),
    or, where the count fell, ``earlier`` = ``later`` + ``late``."""

    later: Cell
    earlier: Cell
    late: Cell
    fell: bool = False

    def relation(self) -> Relation:
        if self.fell:
            return Relation(self.earlier, (self.later, self.late))
        return Relation(self.later, (self.earlier, self.late))


@dataclass(frozen=True)
class Joint:
    """The earlier releases of one indicator, linked to each other and to this release."""

    values: dict[Cell, float]
    """The earlier releases' published counts, and a point for their hidden counts and the
    late registrations (``_point``)."""
    own: list[Relation]
    """The earlier releases' sums, and the links between them."""
    links: list[Link]
    """Between the newest earlier release and this one."""
    hidden: set[Cell]
    """The earlier releases' hidden counts, and the late registrations between them."""
    floors: dict[Cell, float]
    fixed: set[Cell]
    """The earlier releases' published cells: they cannot be hidden now."""
    guarded: set[Cell]
    """The earlier releases' hidden counts of persons, each protected as if it were small."""
    contradicted: int
    """Sums and links that the earlier releases' published cells contradict."""


def _cell(kind: str, release: int, count: str, key: Cell) -> Cell:
    return (kind, str(release), count, *key)


def _cells_of(found: Earlier, bounded: bool) -> tuple[dict[str, dict[Cell, float]], dict]:
    """The published values and the hidden keys of an earlier release, per count, with the
    complement (denominator − numerator) where a reader bounds the numerator."""
    published = {c: dict(found.published[c]) for c in COUNTS}
    hidden = {c: set(found.hidden[c]) for c in COUNTS}
    if bounded:
        numerators = published[NUMERATOR].keys() | hidden[NUMERATOR]
        denominators = published[DENOMINATOR].keys() | hidden[DENOMINATOR]
        published[COMPLEMENT], hidden[COMPLEMENT] = {}, set()
        for key in sorted(numerators & denominators):
            if key in published[NUMERATOR] and key in published[DENOMINATOR]:
                rest = published[DENOMINATOR][key] - published[NUMERATOR][key]
                if rest >= 0:
                    published[COMPLEMENT][key] = rest
            else:
                hidden[COMPLEMENT].add(key)
    return published, hidden


def linked(
    values: dict[Cell, float],
    relations: dict[str, list[Relation]],
    candidates: list[Relation],
    earlier: Sequence[Earlier],
    threshold: float,
    *,
    bounded: bool,
    persons: bool,
) -> Joint:
    """The earlier releases' cells, sums and links: ``values`` are this release's counts as
    one system (``counts.joined``), ``relations`` its exact sums per count, ``candidates``
    every sum that might hold (``relations.candidate_relations``).

    A sum that holds in this release held in the earlier ones (what lies outside its parts
    is a count too, and late registrations only add to it). One that does not hold now may
    have held then: it is taken to have held wherever the published cells allow, as a reader
    who guesses it would (``_point``). The earlier releases' hidden counts are guarded as if
    each were small, except those the earlier releases alone bound as narrowly already:
    complementary cells, large counts an earlier audit had no need to keep wide."""
    known: dict[Cell, float] = {}
    variables: set[Cell] = set()
    own: list[tuple[Relation, float]] = []
    guarded: set[Cell] = set()
    links: list[Link] = []
    chain: list[Link] = []
    previous: tuple[dict, dict] | None = None
    for i, found in enumerate(earlier):
        published, hidden = _cells_of(found, bounded)
        for count in published:
            for key, value in published[count].items():
                known[_cell(EARLIER, i, count, key)] = value
            variables |= {_cell(EARLIER, i, count, key) for key in hidden[count]}
            if count != COMPLEMENT or persons:
                guarded |= {_cell(EARLIER, i, count, key) for key in hidden[count]}
            present = published[count].keys() | hidden[count]
            holds = set(relations.get(count, []))
            for r in candidates:
                cells = (r.total, *r.parts)
                if all(c in present for c in cells) and any(c in hidden[count] for c in cells):
                    mapped = Relation(
                        _cell(EARLIER, i, count, r.total),
                        tuple(_cell(EARLIER, i, count, p) for p in r.parts),
                    )
                    own.append((mapped, SUM if r in holds else GUESSED_SUM))
        own += [
            (
                Relation(
                    _cell(EARLIER, i, DENOMINATOR, key),
                    (_cell(EARLIER, i, NUMERATOR, key), _cell(EARLIER, i, COMPLEMENT, key)),
                ),
                SUM,
            )
            for key in sorted(hidden.get(COMPLEMENT, ()))
        ]
        if previous is not None:
            chain += _links(i - 1, previous, (published, hidden), known, lambda c, k: None)
        previous = (published, hidden)
    if previous is not None:
        links = _links(
            len(earlier) - 1,
            previous,
            None,
            known,
            lambda count, key: (count, *key) if (count, *key) in values else None,
        )
    point, floors, sums, kept, contradicted = _point(known, values, variables, own, chain + links)
    sums += [c.relation() for c in kept if c.later[0] == EARLIER]
    unknown = variables | {c.late for c in kept if c.later[0] == EARLIER}
    everything = {**known, **point}
    already = audit(everything, sums, unknown, threshold, guarded, floors)
    return Joint(
        everything,
        sums,
        [c for c in kept if c.later[0] != EARLIER],
        unknown,
        floors,
        set(known),
        guarded - {e.cell for e in already},
        contradicted,
    )


def _links(
    i: int,
    earlier: tuple[dict, dict],
    later: tuple[dict, dict] | None,
    known: dict[Cell, float],
    in_this: Callable[[str, Cell], Cell | None],
) -> list[Link]:
    """Links from release ``i`` to the next earlier release (``later``) or, where that is
    None, to this one (``in_this`` gives this release's cell of a count and key)."""
    published, hidden = earlier
    found = []
    for count in COUNTS:
        for key in sorted(published[count].keys() | hidden[count]):
            before = _cell(EARLIER, i, count, key)
            if later is None:
                after = in_this(count, key)
            elif key in later[0][count] or key in later[1][count]:
                after = _cell(EARLIER, i + 1, count, key)
            else:
                after = None
            if after is None:
                continue
            late = _cell(LATE, i, count, key)
            if before in known and after in known:
                continue  # both published: the reader knows the change, and nothing more
            found.append(Link(after, before, late))
    return found


def _point(
    known: dict[Cell, float],
    values: dict[Cell, float],
    variables: set[Cell],
    own: list[tuple[Relation, float]],
    links: list[Link],
) -> tuple[dict[Cell, float], dict[Cell, float], list[Relation], list[Link], int]:
    """A point for the earlier releases' hidden counts and the late registrations that keeps
    every sum and link, each hidden count at least 1, where the published cells allow.

    One linear programme finds the point that breaks the least, by price: a guessed sum (one
    that does not hold in this release), a floor of 1 (a hidden zero: a numerator hidden
    with its small denominator), a link (a count that fell), a sum that holds in this
    release. What it breaks is left out of the joint audit; the rest holds at the point, so
    the joint audit can take it for the true values (``audit`` needs one feasible point, not
    the truth). Every constraint kept that the truth does not satisfy narrows what the audit
    takes a reader to know to less than the truth allows, never more: it errs on the safe
    side."""
    constants = {**known, **values}
    rows: list[tuple[Relation | Link, float]] = list(own)
    fixed_late: dict[Cell, float] = {}
    resolved: list[Link] = []
    for link in links:
        if link.earlier in constants and link.later in constants:
            change = constants[link.later] - constants[link.earlier]
            fell = change < -TOLERANCE * max(1.0, abs(constants[link.earlier]))
            fixed_late[link.late] = abs(change) if fell else max(change, 0.0)
            resolved.append(Link(link.later, link.earlier, link.late, fell))
        else:
            rows.append((link, LINK))
    order = sorted(variables | {r.late for r, _ in rows if isinstance(r, Link)})
    index = {c: i for i, c in enumerate(order)}
    floored = [index[c] for c in sorted(variables)]
    n, m, k = len(order), len(floored), len(rows)
    point: dict[Cell, float] = dict(fixed_late)
    floors: dict[Cell, float] = {c: 0.0 for c in fixed_late}
    if k == 0:
        return point, floors, [], resolved, 0
    entries: list[tuple[int, int, float]] = []
    rhs = np.zeros(k)
    for row, (found, _) in enumerate(rows):
        relation = found.relation() if isinstance(found, Link) else found
        for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
            if cell in index:
                entries.append((row, index[cell], sign))
            else:
                rhs[row] -= sign * constants[cell]
    r, c, s = zip(*entries, strict=True) if entries else ((), (), ())
    sums = csr_matrix((s, (r, c)), shape=(k, n))
    a_eq = hstack([sums, csr_matrix((k, m)), identity(k), -identity(k)])
    lift = coo_matrix((-np.ones(m), (np.arange(m), floored)), shape=(m, n))
    a_ub = hstack([lift, -identity(m), csr_matrix((m, 2 * k))])
    weights = np.array([w for _, w in rows])
    cost = np.concatenate([np.zeros(n), np.full(m, FLOOR), weights, weights])
    bounds = [(0, None)] * n + [(0, 1)] * m + [(0, None)] * (2 * k)
    solved = linprog(
        cost,
        A_ub=a_ub.tocsr() if m else None,
        b_ub=-np.ones(m) if m else None,
        A_eq=a_eq.tocsr(),
        b_eq=rhs,
        bounds=bounds,
        method="highs",
    )
    if solved.status != 0:
        raise RuntimeError(f"the point of the earlier releases failed: {solved.message}")
    x = solved.x
    slack = np.abs(x[n + m : n + m + k] - x[n + m + k :])
    broken = slack > TOLERANCE * np.maximum(1.0, np.abs(rhs))
    kept = [found for (found, _), bad in zip(rows, broken, strict=True) if not bad]
    for cell, i in index.items():
        point[cell] = float(x[i])
        floors[cell] = 1.0 if cell[0] == EARLIER and x[i] >= 1 - TOLERANCE else 0.0
    sums = [r for r in kept if isinstance(r, Relation)]
    links = resolved + [c for c in kept if isinstance(c, Link)]
    for (found, _), bad in zip(rows, broken, strict=True):
        if bad and isinstance(found, Link):
            # The count fell at the point: taken to have fallen, as where both are known.
            before, after = (
                point.get(c, constants.get(c, 0.0)) for c in (found.earlier, found.later)
            )
            point[found.late] = max(before - after, 0.0)
            links.append(Link(found.later, found.earlier, found.late, fell=True))
    hard = np.array([w > GUESSED_SUM for _, w in rows])
    return point, floors, sums, links, int((broken & hard).sum())

"""Attacking the suppression pattern: how far can each hidden count be pinned down?

For each hidden cell, two linear programmes (HiGHS) find the smallest and largest
value it can take given every published count and every exact relation between counts, with
every count non-negative and every hidden numerator or denominator that is not zero at least
1 (``least``: all hidden cells carry the same flag, but zero is published, so a reader takes
a hidden count to be at least 1). A small cell is protected when it can take at least
``threshold`` whole values and either may be 0 or cannot be proved below the threshold
(``protected``): [1, 5] protects a count of 2 at threshold 5, [1, 4] and [3, 6] do not.
Reference: Willenborg L, de Waal T. Elements of Statistical Disclosure Control. Springer,
2001, ch. 6 (the "attacker's" LP); Hundepool A et al. 2012, §5.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from variatlas.disclosure.relations import Cell, Relation, least


def protected(low: float, high: float, threshold: float, tolerance: float = 1e-9) -> bool:
    """Whether a small count the reader can bound to [``low``, ``high``] is safe: it can take
    at least ``threshold`` whole values, and either it may be 0 (then no one is shown to be
    counted: [0, 4]) or the reader cannot prove it below the threshold ([1, 5] protects a 2
    at threshold 5; [1, 4] and [3, 6] do not)."""
    wide = high - low >= threshold - 1 - tolerance
    return wide and (low <= tolerance or high >= threshold - tolerance)


@dataclass(frozen=True)
class Exposure:
    """A hidden small cell whose feasible interval does not protect it (``protected``)."""

    cell: Cell
    value: float
    lower: float
    upper: float


def _components(hidden: list[Cell], relations: list[Relation]) -> list[list[int]]:
    index = {c: i for i, c in enumerate(hidden)}
    parent = list(range(len(hidden)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for relation in relations:
        members = [index[c] for c in (relation.total, *relation.parts) if c in index]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(hidden)):
        groups[find(i)].append(i)
    return list(groups.values())


def _component_systems(
    values: dict[Cell, float], relations: list[Relation], hidden: set[Cell]
) -> list[tuple[list[Cell], object, np.ndarray]]:
    """Per connected component of hidden cells: the cells, A_eq and b_eq of its relations."""
    order = sorted(hidden)
    index = {c: i for i, c in enumerate(order)}
    used = [r for r in relations if r.total in index or any(p in index for p in r.parts)]
    components = _components(order, used)
    component_of = np.empty(len(order), dtype=np.int64)
    position = np.empty(len(order), dtype=np.int64)
    for k, component in enumerate(components):
        component_of[component] = k
        position[component] = np.arange(len(component))
    rows_of: list[list[Relation]] = [[] for _ in components]
    for relation in used:
        first = next(c for c in (relation.total, *relation.parts) if c in index)
        rows_of[component_of[index[first]]].append(relation)
    systems = []
    for component, rows in zip(components, rows_of, strict=True):
        row_ids, col_ids, signs = [], [], []
        rhs = np.zeros(len(rows))
        for k, relation in enumerate(rows):
            # total − Σ parts = 0 over the hidden cells, = what the published cells leave. The
            # right-hand side is taken from the hidden cells' true values, not the published
            # ones: relations hold to a relative 1e-6 (averages over years are rounded), and
            # several such relations on the same cells would otherwise leave the true values
            # outside the programme, or none at all.
            for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
                i = index.get(cell)
                if i is not None:
                    rhs[k] += sign * values[cell]
                    row_ids.append(k)
                    col_ids.append(position[i])
                    signs.append(sign)
        # Duplicate entries add up, as the relation's coefficients do.
        matrix = csr_matrix((signs, (row_ids, col_ids)), shape=(len(rows), len(component)))
        systems.append(([order[i] for i in component], matrix, rhs))
    return systems


@contextmanager
def _quiet() -> Iterator[None]:
    """Standard output closed at the file level: HiGHS prints its banner from C++ the first
    time a model is made, before any option can silence it."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs() -> highspy.Highs:
    with _quiet():
        model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    return model


def equalities(model: highspy.Highs, a_eq: object, rhs: np.ndarray) -> None:
    """Adds the rows A x = rhs to a HiGHS model."""
    rows = csr_matrix(a_eq)
    model.addRows(
        len(rhs),
        rhs,
        rhs,
        rows.nnz,
        rows.indptr[:-1].astype(np.int32),
        rows.indices.astype(np.int32),
        rows.data,
    )


class _Intervals:
    """One HiGHS model per component, re-solved per cell with a warm start (only the
    objective changes between solves)."""

    def __init__(
        self, a_eq: object, rhs: np.ndarray, lower: np.ndarray, cap: float = highspy.kHighsInf
    ) -> None:
        size = self.size = len(lower)
        self.seen: tuple[np.ndarray, np.ndarray] | None = None
        """The lowest and highest value of each cell over the feasible points found so far."""
        self.highs = _highs()
        self.highs.addVars(size, lower, np.full(size, cap))
        equalities(self.highs, a_eq, rhs)

    def _optimum(self, i: int, sense: float) -> float:
        self.highs.changeColCost(i, sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        value = float(sense * self.highs.getInfo().objective_function_value)
        self.highs.changeColCost(i, 0.0)
        if status == highspy.HighsModelStatus.kUnbounded:
            return np.inf
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the audit LP failed: {self.highs.modelStatusToString(status)}")
        if self.seen is not None:
            # Each optimum is a feasible point: it widens what is known of every other cell.
            point = np.asarray(self.highs.getSolution().col_value)
            self.seen = (np.minimum(self.seen[0], point), np.maximum(self.seen[1], point))
        return value

    def of(self, i: int) -> tuple[float, float]:
        return self._optimum(i, 1.0), self._optimum(i, -1.0)

    def vertex(self, objective: np.ndarray) -> np.ndarray | None:
        """The optimal point for a whole objective, or None where there is none."""
        self.highs.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), objective)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.array(self.highs.getSolution().col_value)


Floors = Mapping[Cell, float]
"""The least a reader takes some hidden cells to be, where it is not ``least`` of their value:
an earlier release's hidden counts, whose true values are not known here, and the late
registrations between two releases (at least 0: ``together``)."""


def _floors(members: list[Cell], values: dict[Cell, float], floors: Floors | None) -> np.ndarray:
    given = floors or {}
    return np.array([given[c] if c in given else least(c, values[c]) for c in members], dtype=float)


def feasible_intervals(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    floors: Floors | None = None,
) -> dict[Cell, tuple[float, float]]:
    """The exact (min, max) each hidden cell can take given the published cells and relations."""
    intervals: dict[Cell, tuple[float, float]] = {}
    for members, a_eq, rhs in _component_systems(values, relations, hidden):
        solver = _Intervals(a_eq, rhs, _floors(members, values, floors))
        for i, cell in enumerate(members):
            intervals[cell] = solver.of(i)
    return intervals


Settled = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Given the lowest and highest values seen of some cells, whether each is settled."""

CHASES = 20
"""At most this many vertices chase the cells that the first few leave open."""


def _spread(
    members: list[Cell],
    values: dict[Cell, float],
    a_eq: object,
    rhs: np.ndarray,
    rng: np.random.Generator,
    wanted: np.ndarray,
    settled: Settled,
    floors: Floors | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of each cell over a few feasible points: a lower bound
    on its feasible width.

    Any feasible points bound the width from below; the true values are one, and LPs with
    the all-ones and random objectives (in a box, so that they have optima) give others.
    Then vertices chase the ``wanted`` cells not yet ``settled``: all of them as high as they
    go together (random weights, so that cells that share a sum take turns), then as low,
    while that settles more of them. One programme moves many cells; what is left is
    solved a cell at a time (``_exact_intervals``).
    """
    truth = np.array([values[c] for c in members])
    cap = 10 * truth.max() + 1000
    points = [truth]
    objectives = [np.ones(len(members)), -np.ones(len(members))]
    objectives += [rng.choice([-1.0, 1.0], len(members)) for _ in range(4)]
    # One model re-solved per objective (scipy's linprog rebuilds it each time, at many
    # times the cost of the solve).
    box = _Intervals(a_eq, rhs, _floors(members, values, floors), cap)
    for objective in objectives:
        point = box.vertex(objective)
        if point is not None:
            points.append(point)
    stacked = np.vstack(points)
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    stalled = 0
    for k in range(CHASES):
        open_ = wanted & ~settled(low, high)
        if not open_.any() or stalled >= 2:
            break
        weights = rng.uniform(0.5, 1.5, len(members)) * (-1.0 if k % 2 == 0 else 1.0)
        point = box.vertex(np.where(open_, weights, 0.0))
        if point is not None:
            low, high = np.minimum(low, point), np.maximum(high, point)
        still = wanted & ~settled(low, high)
        # A vertex costs what a cell's own programme does: chase while it settles several.
        stalled = stalled + 1 if open_.sum() - still.sum() < 2 else 0
    return low, high


def _exact_intervals(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    wanted: Set[Cell],
    settled: Settled,
    seed: int,
    floors: Floors | None = None,
) -> Iterator[tuple[Cell, float, float]]:
    """The exact (min, max) of each ``wanted`` hidden cell whose range over the feasible
    points found so far (lowest, highest) does not already ``settle`` it.

    Feasible points come cheap: the true values, a few vertices (``_spread``), and every
    optimum solved on the way; a cell they show wide enough needs no programme of its own.
    """
    rng = np.random.default_rng(seed)
    for members, a_eq, rhs in _component_systems(values, relations, hidden):
        if not any(cell in wanted for cell in members):
            continue
        mask = np.array([cell in wanted for cell in members])
        seen = _spread(members, values, a_eq, rhs, rng, mask, settled, floors)
        solver: _Intervals | None = None
        for i, cell in enumerate(members):
            if solver is not None and solver.seen is not None:
                seen = solver.seen
            if not mask[i] or settled(seen[0][i : i + 1], seen[1][i : i + 1])[0]:
                continue
            if solver is None:
                solver = _Intervals(a_eq, rhs, _floors(members, values, floors))
                solver.seen = seen
            low, high = solver.of(i)
            yield cell, low, high


def audit(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    threshold: float,
    sensitive: Set[Cell] | None = None,
    floors: Floors | None = None,
) -> list[Exposure]:
    """Sensitive hidden cells an attacker can bound to an interval that does not protect
    them (``protected``).

    ``sensitive`` defaults to the hidden counts from 1 to ``threshold`` − 1 (the primary
    cells); a complementary cell is a count large enough to publish, so pinning it down reveals
    no one, and the attacker's use of it is inside the LP anyway. Exact: cells not already
    shown free enough by feasible points get their own pair of linear programmes. ``floors``
    overrides ``least`` for the cells it names.
    """
    if sensitive is None:
        sensitive = {c for c in hidden if 0 < values[c] < threshold}
    return [
        Exposure(cell, values[cell], low, high)
        for cell, low, high in _exact_intervals(
            values,
            relations,
            hidden,
            sensitive,
            lambda low, high: (
                (high - low >= threshold - 1 - 1e-9) & ((low <= 1e-9) | (high >= threshold - 1e-9))
            ),
            seed=0,
            floors=floors,
        )
        if not protected(low, high, threshold)
    ]


def determined(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    candidates: Set[Cell],
    tolerance: float = 1e-7,
) -> set[Cell]:
    """The ``candidates`` among the hidden cells whose value the published cells and the
    relations fix exactly: an attacker's two linear programmes give the same number.

    Feasible points show most cells free at once; only cells whose points all agree get
    their own pair of programmes.
    """
    return {
        cell
        for cell, low, high in _exact_intervals(
            values,
            relations,
            hidden,
            candidates,
            lambda low, high: high - low > tolerance,
            seed=1,
        )
        if high - low <= tolerance * max(1.0, abs(values[cell]))
    }

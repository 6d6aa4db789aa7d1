"""Attacking the suppression pattern: how far can each hidden count be pinned down?

For each hidden cell, two linear programmes (HiGHS) find the smallest and largest
value it can take given every published count and every exact relation between counts, with
all counts non-negative. The cell is protected when that interval is at least the threshold
wide. Reference: Willenborg L, de Waal T. Elements of Statistical Disclosure Control.
Springer, 2001, ch. 6 (the "attacker's" LP); Hundepool A et al. 2012, §5.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix, lil_matrix

from variatlas.disclosure.relations import Cell, Relation


@dataclass(frozen=True)
class Exposure:
    """A hidden cell whose feasible interval is narrower than the threshold."""

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
    systems = []
    for component in _components(order, used):
        members = [order[i] for i in component]
        local = {c: i for i, c in enumerate(members)}
        rows = [r for r in used if r.total in local or any(p in local for p in r.parts)]
        matrix = lil_matrix((len(rows), len(members)))
        rhs = np.zeros(len(rows))
        for k, relation in enumerate(rows):
            # total − Σ parts = 0, with published cells moved to the right-hand side
            for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
                if cell in local:
                    matrix[k, local[cell]] += sign
                else:
                    rhs[k] -= sign * values[cell]
        systems.append((members, matrix.tocsr(), rhs))
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


class _Intervals:
    """One HiGHS model per component, re-solved per cell with a warm start (only the
    objective changes between solves)."""

    def __init__(
        self, a_eq: object, rhs: np.ndarray, size: int, cap: float = highspy.kHighsInf
    ) -> None:
        rows = csr_matrix(a_eq)
        self.size = size
        self.seen: tuple[np.ndarray, np.ndarray] | None = None
        """The lowest and highest value of each cell over the feasible points found so far."""
        self.highs = _highs()
        self.highs.addVars(size, np.zeros(size), np.full(size, cap))
        self.highs.addRows(
            len(rhs),
            rhs,
            rhs,
            rows.nnz,
            rows.indptr[:-1].astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data,
        )

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


def feasible_intervals(
    values: dict[Cell, float], relations: list[Relation], hidden: set[Cell]
) -> dict[Cell, tuple[float, float]]:
    """The exact (min, max) each hidden cell can take given the published cells and relations."""
    intervals: dict[Cell, tuple[float, float]] = {}
    for members, a_eq, rhs in _component_systems(values, relations, hidden):
        solver = _Intervals(a_eq, rhs, len(members))
        for i, cell in enumerate(members):
            intervals[cell] = solver.of(i)
    return intervals


def _spread(
    members: list[Cell],
    values: dict[Cell, float],
    a_eq: object,
    rhs: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of each cell over a few feasible points: a lower bound
    on its feasible width.

    Any feasible points bound the width from below; the true values are one, and LPs with
    the all-ones and random objectives (in a box, so that they have optima) give others.
    """
    truth = np.array([values[c] for c in members])
    cap = 10 * truth.max() + 1000
    points = [truth]
    objectives = [np.ones(len(members)), -np.ones(len(members))]
    objectives += [rng.choice([-1.0, 1.0], len(members)) for _ in range(4)]
    # One model re-solved per objective (scipy's linprog rebuilds it each time, at many
    # times the cost of the solve).
    box = _Intervals(a_eq, rhs, len(members), cap)
    for objective in objectives:
        point = box.vertex(objective)
        if point is not None:
            points.append(point)
    stacked = np.vstack(points)
    return stacked.min(axis=0), stacked.max(axis=0)


def _exact_intervals(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    wanted: Set[Cell],
    settled: Callable[[float], bool],
    seed: int,
) -> Iterator[tuple[Cell, float, float]]:
    """The exact (min, max) of each ``wanted`` hidden cell whose width the feasible points
    found so far do not already ``settle``.

    Feasible points come cheap: the true values, a few vertices (``_spread``), and every
    optimum solved on the way; a cell they show wide enough needs no programme of its own.
    """
    rng = np.random.default_rng(seed)
    for members, a_eq, rhs in _component_systems(values, relations, hidden):
        if not any(cell in wanted for cell in members):
            continue
        seen = _spread(members, values, a_eq, rhs, rng)
        solver: _Intervals | None = None
        for i, cell in enumerate(members):
            if solver is not None and solver.seen is not None:
                seen = solver.seen
            if cell not in wanted or settled(float(seen[1][i] - seen[0][i])):
                continue
            if solver is None:
                solver = _Intervals(a_eq, rhs, len(members))
                solver.seen = seen
            low, high = solver.of(i)
            yield cell, low, high


def audit(
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    threshold: float,
    sensitive: Set[Cell] | None = None,
) -> list[Exposure]:
    """Sensitive hidden cells an attacker can pin to an interval narrower than ``threshold``.

    ``sensitive`` defaults to the hidden counts from 1 to ``threshold`` − 1 (the primary
    cells); a complementary cell is a count large enough to publish, so pinning it down reveals
    no one, and the attacker's use of it is inside the LP anyway. Exact: cells not already
    shown wide enough by feasible points get their own pair of linear programmes.
    """
    if sensitive is None:
        sensitive = {c for c in hidden if 0 < values[c] < threshold}
    return [
        Exposure(cell, values[cell], low, high)
        for cell, low, high in _exact_intervals(
            values, relations, hidden, sensitive, lambda width: width >= threshold, seed=0
        )
        if high - low < threshold - 1e-9
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
            values, relations, hidden, candidates, lambda width: width > tolerance, seed=1
        )
        if high - low <= tolerance * max(1.0, abs(values[cell]))
    }

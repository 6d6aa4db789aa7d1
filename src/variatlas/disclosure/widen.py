"""Where a pinned cell gets more room: the published cells to hide after the audit finds it
exposed.

For each pinned cell one linear programme asks the attacker's question backwards: what is
the cheapest change to the published cells that lets the cell reach the bound that would
protect it (its least value plus the threshold − 1), every relation and every reader's
floor kept? The published cells that change are the ones to hide: with them hidden, that
point is open to a reader, so the cell is protected after one round, whatever chain of
relations held it (a municipality in a hidden referral area whose years are held by their
region's, say), where hiding cells one relation at a time can take dozens of rounds. This is
the linear relaxation of the cell suppression problem (Fischetti M, Salazar-González JJ.
Models and algorithms for optimizing cell suppression in tabular data with linear
constraints. JASA 2000;95:916–928), solved per cell and rounded up: every cell that moves is
hidden.

The cost of moving a published cell one unit is its level's weight over the room it offers
(up to the threshold), so that small areas' counts move before the country's or a region's
totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from variatlas.disclosure.audit import Exposure, Floors, _highs, equalities
from variatlas.disclosure.relations import Cell, Relation, least

LEVEL_WEIGHT = {
    "nation": 1000.0,
    "region": 50.0,
    "health_trust": 10.0,
    "referral_area": 10.0,
    "kostra_group": 0.5,
    "centrality": 0.5,
}
"""What hiding a cell of a level costs beside a municipality's (1): the atlas is read by
referral area, trust and region first. A peer group (KOSTRA group, centrality class) is a
comparator, not a place: it is hidden before a municipality is."""
VIEW_WEIGHT = 5.0
"""And a figure of three years and both sexes beside a single year's or one sex's: the atlas
opens on those, the others are its detail."""

MOVED = 1e-6
"""A published cell that moves by more than this is hidden."""


def _cost(cell: Cell) -> float:
    # A cell is (level, area, period, sex), or (count, level, ...) in the joined system.
    level, _, period, sex = cell[-4:]
    view = VIEW_WEIGHT if "-" in period and sex == "all" else 1.0
    return LEVEL_WEIGHT.get(level, 1.0) * view


def _weight(cell: Cell, value: float, floor: float, threshold: float) -> float:
    # A cell is hidden whole however far it moves, and none need move further than the
    # threshold: its cost is spread over the room it offers up to that, so that a region's
    # large count is not cheap per unit beside a municipality's.
    offered = min(value - floor, threshold)
    return _cost(cell) / max(offered, 1.0)


def more_room(
    exposed: Iterable[Exposure],
    values: dict[Cell, float],
    relations: list[Relation],
    hidden: set[Cell],
    threshold: float,
    *,
    floors: Floors | None = None,
    fixed: Set[Cell] = frozenset(),
) -> set[Cell]:
    """The published cells to hide so that every ``exposed`` cell can reach its least value
    plus the threshold − 1 (``audit.protected``): per cell, those that move in the cheapest
    feasible point.

    ``floors`` overrides ``least`` for the cells it names; ``fixed`` published cells cannot
    move (an earlier release's: they are out already)."""
    exposed = list(exposed)
    if not exposed:
        return set()
    cells = sorted({c for r in relations for c in (r.total, *r.parts)} | set(values))
    index = {c: i for i, c in enumerate(cells)}
    n = len(cells)
    truth = np.array([values[c] for c in cells])
    given = floors or {}
    floor = np.array([given[c] if c in given else least(c, values[c]) for c in cells])
    shown = np.array([c not in hidden for c in cells])
    movable = shown & np.array([c not in fixed for c in cells])
    model = _model(cells, index, relations, truth, floor, (shown, movable), threshold)
    found: set[Cell] = set()
    for exposure in exposed:
        i = index[exposure.cell]  # a hidden cell: the audit attacks no other
        model.changeColBounds(i, exposure.lower + threshold - 1, highspy.kHighsInf)
        model.run()
        if model.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            solution = np.asarray(model.getSolution().col_value)
            moved = movable & ((solution[n : 2 * n] + solution[2 * n :]) > MOVED)
            found |= {cells[k] for k in np.flatnonzero(moved)}
        model.changeColBounds(i, floor[i], highspy.kHighsInf)
    return found


def _model(
    cells: list[Cell],
    index: dict[Cell, int],
    relations: list[Relation],
    truth: np.ndarray,
    floor: np.ndarray,
    published: tuple[np.ndarray, np.ndarray],
    threshold: float,
) -> highspy.Highs:
    """Columns: each hidden cell's value (at least its floor), then each published cell's
    rise and fall from its value (the fall at most down to its floor; neither for a cell
    that cannot move); a row per relation, total − Σ parts = 0 at the true values."""
    n = len(cells)
    shown, movable = published
    weight = np.array(
        [_weight(c, v, f, threshold) for c, v, f in zip(cells, truth, floor, strict=True)]
    )
    lower = np.concatenate([np.where(shown, 0.0, floor), np.zeros(2 * n)])
    upper = np.concatenate(
        [
            np.where(shown, 0.0, highspy.kHighsInf),
            np.where(movable, highspy.kHighsInf, 0.0),
            np.where(movable, truth - floor, 0.0),
        ]
    )
    cost = np.concatenate([np.zeros(n), np.where(shown, weight, 0.0), np.where(shown, weight, 0.0)])
    rows, cols, signs = [], [], []
    rhs = np.zeros(len(relations))
    for k, relation in enumerate(relations):
        for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
            i = index[cell]
            if shown[i]:
                # The published cell is its value + rise − fall; the value, on both sides of
                # the row, cancels.
                rows += [k, k]
                cols += [n + i, 2 * n + i]
                signs += [sign, -sign]
            else:
                # At the true values, so that they satisfy the row exactly (relations hold
                # to a relative 1e-6).
                rhs[k] += sign * truth[i]
                rows.append(k)
                cols.append(i)
                signs.append(sign)
    matrix = csr_matrix((signs, (rows, cols)), shape=(len(relations), 3 * n))
    model = _highs()
    model.addVars(3 * n, lower, upper)
    model.changeColsCost(3 * n, np.arange(3 * n, dtype=np.int32), cost)
    equalities(model, matrix, rhs)
    return model

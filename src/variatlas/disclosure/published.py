"""The audit of a publication as a reader holds it: only its published tables.

``disclose`` audits its own suppression knowing every true count (``audit``). A release is
checked again before it goes out (``variatlas check``), from its files alone, as an attacker
would attack it: a file edited after disclosure control, or a table that was not made by
it, may show what it must not. The check finds

- a **published count** from 1 to the threshold − 1: a numerator, a denominator, or the
  complement of persons (denominator − numerator) of a cell that shows both;
- a **hidden count a reader can prove small**: the published counts and the relations between
  them leave it no value outside 1 to the threshold − 1 (a linear programme, as in
  ``audit``: every count at least 0, the numerator of a share at most its denominator).

The relations are those a reader can see hold: "total = Σ parts" across areas, sexes and
periods (``relations.candidate_relations``), taken where every cell is published and the sum
holds, and, where some cells are hidden, where every fully published relation of the same
kind (count, levels and what is summed: areas, sexes or years) holds. A hidden count that
the programme can lift to the threshold is not reported: a cell hidden to protect another
may be pinned to a range (a reader learns a large count), which ``disclose``'s own audit,
knowing the true values, accepts (docs/disclosure.md); and a count the reader can bound to 0
to 4 may be 0, which shows no one. ``disclose``'s audit also lets the reader guess that a
hidden count is at least 1, which from the files alone cannot be told from a hidden 0. What
this check reports is certain: the reader can prove, with no guess, that the count is small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from variatlas.disclosure.audit import _highs, equalities
from variatlas.disclosure.counts import COUNTS, DENOMINATOR, NUMERATOR
from variatlas.disclosure.relations import COMPLEMENT, Cell, Relation, candidate_relations
from variatlas.geography import Geography
from variatlas.results import SUPPRESSED

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Rule:
    """What disclosure control applied to one indicator: its threshold, and whether the
    numerator is at most the denominator (``bounded``) and the complement counts persons."""

    threshold: float
    bounded: bool = False
    persons: bool = False


@dataclass(frozen=True)
class Leak:
    """A count the publication shows, or lets a reader prove, to be from 1 to the threshold − 1:
    (count, level, area, period, sex), and the range a reader can bound it to."""

    indicator: str
    cell: Cell
    lower: float
    upper: float
    published: bool

    def sentence(self) -> str:
        count, level, area, period, sex = self.cell
        where = f"{self.indicator}, {level} {area}, {period}, sex {sex}"
        if self.published:
            return f"{where}: the {count} {self.lower:g} is published, below the threshold."
        return (
            f"{where}: the hidden {count} can be worked out from the published counts to lie "
            f"between {self.lower:g} and {self.upper:g}, below the threshold."
        )


def audit_published(
    results: pd.DataFrame, rules: Mapping[str, Rule], geography: Geography
) -> Iterator[Leak]:
    """The leaks of every indicator of a published results table (``variatlas.results``),
    indicator by indicator (so that a caller can show progress)."""
    for indicator, frame in results.groupby("indicator", sort=False):
        rule = rules.get(str(indicator))
        if rule is None or rule.threshold <= 1:
            continue
        yield from indicator_leaks(str(indicator), frame, rule, geography)


def _counts(frame: pd.DataFrame, rule: Rule) -> tuple[dict[Cell, float], set[Cell]]:
    """The published counts of the system (count, level, area, period, sex), and its
    hidden ones."""
    keys = list(zip(frame["level"], frame["area"], frame["period"], frame["sex"], strict=True))
    hidden_row = frame["flag"].fillna("").astype(str).str.startswith(SUPPRESSED).to_numpy()
    numerators = frame["numerator"].to_numpy(float)
    denominators = frame["denominator"].to_numpy(float)
    has_denominators = bool(np.isfinite(denominators).any())
    values: dict[Cell, float] = {}
    hidden: set[Cell] = set()
    for key, secret, n, d in zip(keys, hidden_row, numerators, denominators, strict=True):
        if secret:
            hidden.add((NUMERATOR, *key))
        elif np.isfinite(n):
            values[(NUMERATOR, *key)] = float(n)
        if np.isfinite(d):
            values[(DENOMINATOR, *key)] = float(d)
        elif secret and has_denominators:
            hidden.add((DENOMINATOR, *key))
        if not (rule.bounded or rule.persons):
            continue
        parts = (NUMERATOR, *key), (DENOMINATOR, *key)
        if all(p in values for p in parts):
            values[(COMPLEMENT, *key)] = float(d - n)
        elif any(p in hidden for p in parts) and all(p in values or p in hidden for p in parts):
            hidden.add((COMPLEMENT, *key))
    return values, hidden


def _kind(count: str, relation: Relation) -> tuple[str, ...]:
    total, part = relation.total, relation.parts[0]
    summed = "sexes" if total[3] != part[3] else "years" if total[2] != part[2] else "areas"
    return (count, total[0], part[0], summed)


def _relations(
    frame: pd.DataFrame, values: Mapping[Cell, float], hidden: set[Cell], geography: Geography
) -> list[Relation]:
    """The relations a reader can take to hold (see the module's documentation)."""
    candidates = candidate_relations(frame, geography)
    counts = [*COUNTS, COMPLEMENT]
    holds: dict[tuple[str, ...], bool] = {}
    unverified: list[tuple[tuple[str, ...], Relation]] = []
    kept = []
    for count in counts:
        for relation in candidates:
            lifted = Relation((count, *relation.total), tuple((count, *p) for p in relation.parts))
            members = (lifted.total, *lifted.parts)
            if not all(c in values or c in hidden for c in members):
                continue
            kind = _kind(count, lifted)
            if all(c in values for c in members):
                total = values[lifted.total]
                exact = abs(total - sum(values[p] for p in lifted.parts)) <= TOLERANCE * max(
                    1.0, abs(total)
                )
                holds[kind] = holds.get(kind, True) and exact
                if exact:
                    kept.append(lifted)
            else:
                unverified.append((kind, lifted))
    kept += [relation for kind, relation in unverified if holds.get(kind, False)]
    # A reader knows that a count is its numerator and its complement together.
    for cell in sorted(c for c in (*values, *hidden) if c[0] == COMPLEMENT):
        kept.append(Relation((DENOMINATOR, *cell[1:]), ((NUMERATOR, *cell[1:]), cell)))
    return kept


def _components(hidden: list[Cell], relations: list[Relation]) -> list[list[Relation]]:
    """The relations that bind hidden cells, grouped by the hidden cells they connect."""
    index = {c: i for i, c in enumerate(hidden)}
    parent = list(range(len(hidden)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    used = [r for r in relations if any(c in index for c in (r.total, *r.parts))]
    for relation in used:
        members = [index[c] for c in (relation.total, *relation.parts) if c in index]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[int, list[Relation]] = defaultdict(list)
    for relation in used:
        first = next(c for c in (relation.total, *relation.parts) if c in index)
        groups[find(index[first])].append(relation)
    return list(groups.values())


def indicator_leaks(
    indicator: str, frame: pd.DataFrame, rule: Rule, geography: Geography
) -> Iterator[Leak]:
    """The leaks of one indicator's published rows."""
    values, hidden = _counts(frame, rule)
    threshold = rule.threshold
    for cell, value in sorted(values.items()):
        if (cell[0] != COMPLEMENT or rule.persons) and 0 < value < threshold - TOLERANCE:
            yield Leak(indicator, cell, value, value, published=True)
    relations = _relations(frame, values, hidden, geography)
    for group in _components(sorted(hidden), relations):
        yield from _proved_small(indicator, group, values, hidden, rule)


def _proved_small(
    indicator: str,
    relations: list[Relation],
    values: Mapping[Cell, float],
    hidden: set[Cell],
    rule: Rule,
) -> Iterator[Leak]:
    """The hidden cells of one component a reader can prove below the threshold."""
    members = sorted({c for r in relations for c in (r.total, *r.parts) if c in hidden})
    position = {c: i for i, c in enumerate(members)}
    rows, columns, signs = [], [], []
    rhs = np.zeros(len(relations))
    for k, relation in enumerate(relations):
        for cell, sign in ((relation.total, 1.0), *((p, -1.0) for p in relation.parts)):
            if cell in position:
                rows.append(k)
                columns.append(position[cell])
                signs.append(sign)
            else:
                rhs[k] -= sign * values[cell]
    matrix = csr_matrix((signs, (rows, columns)), shape=(len(relations), len(members)))
    cap = 10 * max((abs(v) for v in values.values()), default=0.0) + 1000 + rule.threshold
    model = _model(matrix, rhs, np.zeros(len(members)), cap)
    if model is None:
        return  # the relations a reader took to hold do not all hold: nothing provable
    sensitive = np.array([c[0] != COMPLEMENT or rule.persons for c in members])
    lowest, highest = _seen(model, len(members))
    small = rule.threshold - TOLERANCE
    for i, cell in enumerate(members):
        if not sensitive[i] or highest[i] >= small or lowest[i] < 1 - TOLERANCE:
            continue  # a feasible point shows it may be large, or 0
        upper = _optimum(model, len(members), i, maximise=True)
        lower = _optimum(model, len(members), i, maximise=False) if upper < small else 0.0
        if lower >= 1 - TOLERANCE and upper < small:
            yield Leak(indicator, cell, round(lower, 6) + 0.0, round(upper, 6) + 0.0, False)


def _model(
    matrix: csr_matrix, rhs: np.ndarray, floors: np.ndarray, cap: float
) -> highspy.Highs | None:
    """The reader's programme, or None where it has no feasible point."""
    model = _highs()
    model.addVars(len(floors), floors, np.full(len(floors), cap))
    equalities(model, matrix, rhs)
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return model


def _seen(model: highspy.Highs, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of each cell over a few vertices (all cells as high as
    they go together, as low, then with random weights): a cell shown able to reach the
    threshold, or 0, needs no programme of its own."""
    rng = np.random.default_rng(0)
    lowest, highest = np.full(size, np.inf), np.full(size, -np.inf)
    every = np.arange(size, dtype=np.int32)
    weights = [rng.uniform(0.1, 1.0, size) for _ in range(3)]
    for objective in (-np.ones(size), np.ones(size), *(-w for w in weights), *weights):
        model.changeColsCost(size, every, objective)
        model.run()
        if model.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            point = np.asarray(model.getSolution().col_value)
            lowest, highest = np.minimum(lowest, point), np.maximum(highest, point)
    model.changeColsCost(size, every, np.zeros(size))
    return lowest, highest


def _optimum(model: highspy.Highs, size: int, i: int, *, maximise: bool) -> float:
    model.changeColsCost(size, np.arange(size, dtype=np.int32), np.zeros(size))
    model.changeColCost(i, -1.0 if maximise else 1.0)
    model.run()
    value = float(model.getInfo().objective_function_value)
    model.changeColCost(i, 0.0)
    return -value if maximise else value

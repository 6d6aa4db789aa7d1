"""An attacker of a publication, written apart from ``variatlas.disclosure`` (the ``attacker``,
``intruder`` and ``releases_intruder`` fixtures).

The attacker knows the published cells, the hierarchy of areas (from the geography, with
the municipalities' KOSTRA groups and centrality classes), that
both sexes are men plus women and that a 3-year period is its three years, and (the worst
case) which of those sums hold exactly in the true counts. For every hidden count it solves
two linear programmes (scipy's HiGHS, counts ≥ 0) for the least and the most it can be.

The intruder (``intrude``) knows more, as a reader of the flags and of the shares does: a
hidden count is not zero (zero is published; it guesses so of every hidden count that is not
zero in truth, the worst case); a flag that says "fewer than t" bounds the row's numerator by
t − 1, one that says "protects another" puts its counts at t or more; and the numerator of a
share is at most its denominator, so the complement (denominator − numerator) of every row
is a count too, known where both are published and bounded where they are not.

Both ask of a count only what the tests ask (``_bounds``): that a count from 1 to t − 1 is
not pinned (``high < t`` or ``high − low < t − 1``), or that a hidden count is not
recoverable (``high = low``). Why that need not take two programmes per count: every
solution of any programme over the same rows and floors is a point all the counts can take
at once, so the least and the most a count has been *seen* at in such points lie inside the
range it can truly take. Both verdicts can only turn from "given away" to "safe" as a range
widens; so a seen range that shows a small count reaching t and spanning t − 1, or a hidden
count taking two values (more than ``SPREAD`` apart), shows the same of the true range, and
that count needs no programme of its own. The points come first from programmes over
everything at once that push every count still open down, then up to what would settle it,
and down again (``_push``), for as long as a push settles a few; then each count still open
gets its own two (the most first; each optimum is one more point). A count that got both is
returned ``exact``; the others carry their seen range, narrower than the truth, which is
sound for the verdicts but need not hold the true value. A count a seen range does not
settle is solved for, so every verdict is the one of the exhaustive intruder
(``exhaustive=True``: every count its own two programmes, as all were before December
2026), which ``test_attack.py`` checks on random tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from typing import Literal, NamedTuple, TypeVar

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, identity

from variatlas.geography import Geography, centrality, kostra_groups

Key = tuple[str, str, str, str]
Sum = tuple[Key, list[Key]]
V = TypeVar("V", bound=Hashable)
Row = list[tuple[V, float]]
"""Σ sign × count = 0, over unknown and known counts."""
Need = Literal["small", "hidden", "report"]
"""What a test asks of a count: not pinned, not recoverable, or only its bounds."""

SPREAD = 1e-3
"""A seen range proves a count unrecoverable only if wider than this, far above HiGHS's
tolerance (1e-7), so that two solutions' rounding never passes for two values."""
PUSH_YIELD = 3
"""Counts a programme that pushes all open counts together must settle to be worth another
(one count's own programme settles about one)."""


class Bounds(NamedTuple):
    """The least and the most a count can be: ``exact`` when its own two programmes found
    them, otherwise seen in solutions found for other counts (inside the true range)."""

    low: float
    high: float
    exact: bool


Groups = dict[tuple[str, str], dict[str, list[str]]]


def _groups(geography: Geography) -> Groups:
    """(child level, parent level) → parent → children, from the geography's tables."""
    groups: Groups = defaultdict(lambda: defaultdict(list))
    for area, region in zip(
        geography.referral_areas["code"], geography.referral_areas["region"], strict=True
    ):
        groups[("referral_area", "region")][region].append(area)
    for row in geography.municipalities.itertuples():
        groups[("municipality", "region")][row.region].append(row.municipality)
        if isinstance(row.referral_area, str) and row.referral_area:
            groups[("municipality", "referral_area")][row.referral_area].append(row.municipality)
    for row in geography.trusts.itertuples():
        if row.region:
            groups[("health_trust", "region")][row.region].append(row.code)
    # Peer groups, from SSB's classifications as shipped: a reader can add up a KOSTRA
    # group's or a centrality class's municipalities as well as a region's.
    for row in kostra_groups().dropna(subset=["kostra_group"]).itertuples():
        groups[("municipality", "kostra_group")][str(int(row.kostra_group))].append(
            row.municipality
        )
    for row in centrality().itertuples():
        groups[("municipality", "centrality")][str(row.centrality_class)].append(row.municipality)
    return groups


def _sums(keys: set[Key], groups: Groups) -> Iterator[Sum]:
    """Every "total = sum of parts" the attacker can write down among ``keys``."""
    for period in {k[2] for k in keys}:
        for sex in ("all", "M", "F"):
            for level in {k[0] for k in keys} - {"nation"}:
                parts = [k for k in keys if k[0] == level and k[2] == period and k[3] == sex]
                yield ("nation", "8888", period, sex), parts
            for (child, parent), members in groups.items():
                for parent_area, children in members.items():
                    yield (
                        (parent, parent_area, period, sex),
                        [(child, c, period, sex) for c in children],
                    )
    for level, area, period, sex in keys:
        if sex == "all":
            yield (level, area, period, sex), [(level, area, period, s) for s in ("M", "F")]
        if "-" in period:
            first, last = (int(p) for p in period.split("-"))
            yield (
                (level, area, period, sex),
                [(level, area, str(y), sex) for y in range(first, last + 1)],
            )


def _keys(frame: pd.DataFrame) -> Iterator[Key]:
    return zip(
        frame["level"],
        frame["area"].astype(str),
        frame["period"].astype(str),
        frame["sex"],
        strict=True,
    )


def _cells(frame: pd.DataFrame, column: str) -> dict[Key, float]:
    present = frame[frame[column].notna()]
    return dict(zip(_keys(present), present[column].astype(float), strict=True))


def _settled(need: Need, low: float, high: float, threshold: float) -> bool:
    """Whether a range, and so any range around it, shows what the test asks of a count."""
    if need == "small":
        return high >= threshold and high - low >= threshold - 1
    return need == "report" or high - low >= SPREAD


def _goal(need: Need, low: float, high: float, threshold: float, *, up: bool) -> float:
    """How high (``up``) or how low a point must take a count to settle it."""
    width = threshold - 1 if need == "small" else 1.0
    if up:
        return max(threshold if need == "small" else -np.inf, low + width)
    return high - width


def _linked(size: int, rows: list[list[int]]) -> tuple[list[list[int]], list[list[int]]]:
    """The components of ``size`` unknowns linked by ``rows`` (their unknowns' numbers):
    each one's unknowns and rows."""
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in rows:
        for other in row[1:]:
            parent[root(other)] = root(row[0])
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(size):
        members[root(i)].append(i)
    used: dict[int, list[int]] = defaultdict(list)
    for r, row in enumerate(rows):
        used[root(row[0])].append(r)
    return list(members.values()), [used[group] for group in members]


def _push(
    matrix: csr_matrix,
    rhs: np.ndarray,
    box: np.ndarray,
    goals: dict[int, float],
    weights: np.random.Generator,
    *,
    up: bool,
) -> np.ndarray | None:
    """A point with the counts in ``goals`` pushed up (or down) to their goals together,
    random weights settling which go first where they compete. Count i gets an unknown a
    (a ≤ xᵢ, a ≤ goal, the most Σ w·a; or a ≥ xᵢ, a ≥ goal, the least Σ w·a): one that
    has reached its goal pulls no more, and leaves the rest to the others."""
    size, pushed = matrix.shape[1], len(goals)
    sign, goal = (1.0 if up else -1.0), np.array(list(goals.values()))
    link = csr_matrix((np.full(pushed, -sign), (range(pushed), list(goals))), (pushed, size))
    free = np.full(pushed, np.inf)
    result = linprog(
        np.concatenate([np.zeros(size), -sign * weights.uniform(1, 2, pushed)]),
        A_ub=hstack([link, sign * identity(pushed)]),
        b_ub=np.zeros(pushed),
        A_eq=hstack([matrix, csr_matrix((matrix.shape[0], pushed))]),
        b_eq=rhs,
        bounds=np.vstack([box, np.column_stack([-free, goal] if up else [goal, free])]),
    )
    return result.x[:size] if result.status == 0 else None


def _bounds(
    variables: list[V],
    rows: list[Row[V]],
    known: Callable[[V], float],
    floors: tuple[np.ndarray, np.ndarray],
    needs: dict[V, Need],
    threshold: float,
    *,
    exhaustive: bool,
) -> dict[V, Bounds]:
    """Bounds of the unknown counts in ``needs`` (``variables``, each between its floors),
    given ``rows`` over them and the ``known`` counts. Without ``exhaustive``, a count that
    needs nothing and was seen in no point is not returned."""
    index = {v: i for i, v in enumerate(variables)}
    rows = [row for row in rows if any(t in index for t, _ in row)]
    entries = [(r, index[t], sign) for r, row in enumerate(rows) for t, sign in row if t in index]
    at, of, signs = zip(*entries, strict=True) if entries else ((), (), ())
    matrix = csr_matrix((signs, (at, of)), shape=(len(rows), len(variables)))
    rhs = np.array([-sum(s * known(t) for t, s in row if t not in index) for row in rows])
    box = np.column_stack(floors)
    targets = {index[v]: need for v, need in needs.items()}
    seen = np.full(len(variables), np.inf), np.full(len(variables), -np.inf)
    exact: tuple[dict[int, float], dict[int, float]] = ({}, {})

    def see(columns: list[int], part: csr_matrix, b: np.ndarray, x: np.ndarray | None) -> None:
        """A solution, put within its box and holding every row (to 1e-6, inside the slack
        the tests' verdicts allow), is a point of all counts."""
        if (
            x is not None
            and np.abs(part @ (x := x.clip(*box[columns].T)) - b).max(initial=0) <= 1e-6
        ):
            seen[0][columns] = np.minimum(seen[0][columns], x)
            seen[1][columns] = np.maximum(seen[1][columns], x)

    def bounds(i: int) -> tuple[float, float]:
        return exact[0].get(i, seen[0][i]), exact[1].get(i, seen[1][i])

    def open_(i: int) -> bool:
        return exhaustive or not _settled(targets[i], *bounds(i), threshold)

    pending, weights = [i for i in targets if open_(i)], np.random.default_rng(0)
    worth, up, first = {False: not exhaustive, True: not exhaustive}, False, True
    while pending and any(worth.values()):
        # All components at once: down first (every count gets a point; nothing is settled
        # by one), then up and down for as long as a push settles enough to be worth it.
        goals = {i: _goal(targets[i], *bounds(i), threshold, up=up) for i in pending}
        point = _push(matrix, rhs, box, goals, weights, up=up)
        see(list(range(len(variables))), matrix, rhs, point)
        before, pending = len(pending), [i for i in pending if open_(i)]
        worth[up], first = first or before - len(pending) >= PUSH_YIELD, False
        up = not up if worth[not up] else up
    components = _linked(len(variables), [[index[t] for t, _ in r if t in index] for r in rows])
    for columns, used in zip(*components, strict=True):
        if not any(i in targets and open_(i) for i in columns):
            continue
        part = matrix[used][:, columns]
        for j, i in enumerate(columns):
            # The most first: a small count is most often settled by its most alone.
            for side, sense in ((1, -1.0), (0, 1.0)):
                if i in targets and open_(i):
                    objective = np.eye(1, len(columns), j).ravel() * sense
                    result = linprog(objective, A_eq=part, b_eq=rhs[used], bounds=box[columns])
                    assert result.status == 0 or (side, result.status) == (1, 3), variables[i]
                    see(columns, part, rhs[used], result.x if result.status == 0 else None)
                    exact[side][i] = sense * result.fun if result.status == 0 else np.inf
    return {
        variables[i]: Bounds(*bounds(i), exact=i in exact[0] and i in exact[1])
        for i in targets
        if i in exact[0] or seen[0][i] <= seen[1][i]
    }


def attack(
    truth: pd.DataFrame, published: pd.DataFrame, column: str, geography: Geography
) -> dict[Key, tuple[float, float]]:
    """Every hidden cell → (the least, the most) the attacker can prove it to be."""
    true, shown = _cells(truth, column), _cells(published, column)
    hidden = sorted(set(true) - set(shown))
    rows: list[Row[Key]] = [
        [(total, 1.0), *((p, -1.0) for p in parts)]
        for total, parts in _exact_sums(true, _groups(geography))
    ]
    floors = np.zeros(len(hidden)), np.full(len(hidden), np.inf)
    needs: dict[Key, Need] = dict.fromkeys(hidden, "report")
    found = _bounds(hidden, rows, shown.__getitem__, floors, needs, 1.0, exhaustive=True)
    return {cell: (bounds.low, bounds.high) for cell, bounds in found.items()}


@pytest.fixture(scope="session")
def attacker():  # type: ignore[no-untyped-def]
    """``attack(truth, published, column, geography)``."""
    return attack


Target = tuple[str, Key]
"""(count, cell): count is numerator, denominator or complement (denominator − numerator)."""


def _flags(published: pd.DataFrame) -> dict[Key, str]:
    return dict(zip(_keys(published), published["flag"].fillna("").astype(str), strict=True))


def _floor(value: float) -> float:
    return min(value, 1.0) if value > 0 else 0.0


def intrude(
    truth: pd.DataFrame,
    published: pd.DataFrame,
    threshold: float,
    geography: Geography,
    *,
    bounded: bool,
    persons: bool = True,
    small_only: bool = False,
    exhaustive: bool = False,
) -> dict[Target, Bounds]:
    """Every hidden count, and every complement not published → the least and the most it
    can be proved to be. ``bounded``: the numerator is at most the denominator (a share);
    ``persons``: its complement counts persons, so a small one must not be pinned either.
    ``small_only``: only the counts from 1 to ``threshold`` − 1 (the ones that matter).
    ``exhaustive``: every count solved exactly; otherwise a count is solved only where the
    points seen do not already show it not pinned, or not recoverable where it could be
    published alone, and the counts of a component that needs neither are left out."""
    counts = ("numerator", "denominator")
    true = {c: _cells(truth, c) for c in counts}
    shown = {c: _cells(published, c) for c in counts}
    flags = _flags(published)
    variables: list[Target] = [(c, k) for c in counts for k in sorted(set(true[c]) - set(shown[c]))]
    hidden = set(variables)
    if bounded:
        true["complement"] = {
            k: true["denominator"][k] - n
            for k, n in true["numerator"].items()
            if k in true["denominator"] and true["denominator"][k] >= n
        }
        variables += [
            ("complement", k)
            for k in sorted(true["complement"])
            if ("numerator", k) in hidden or ("denominator", k) in hidden
        ]
        hidden.update(variables)
    groups = _groups(geography)
    rows: list[Row[Target]] = [
        [((count, total), 1.0), *(((count, p), -1.0) for p in parts)]
        for count in counts
        for total, parts in _exact_sums(true[count], groups)
    ]
    if bounded:
        rows += [
            [(("denominator", k), 1.0), (("numerator", k), -1.0), (("complement", k), -1.0)]
            for c, k in variables
            if c == "complement"
        ]
    lower = np.array([_floor(true[c][k]) for c, k in variables])
    upper = np.full(len(variables), np.inf)
    needs: dict[Target, Need] = {}
    for i, (count, key) in enumerate(variables):
        flag, value = flags.get(key, ""), true[count][key]
        if flag.startswith("suppressed: fewer than") and count == "numerator":
            # The row's own count is small: the numerator (or, when the denominator is hidden
            # too, the numerator of a denominator that small).
            if key in shown["denominator"] or bounded:
                upper[i] = threshold - 1
        elif flag.startswith("suppressed: protects") and count != "complement":
            lower[i] = threshold if value > 0 else 0.0
        small = 0 < value < threshold
        if small_only and not small:
            continue
        if small and (count != "complement" or persons):
            needs[(count, key)] = "small"
        elif count == "denominator" or (count == "numerator" and key in shown["denominator"]):
            needs[(count, key)] = "hidden"
        else:
            needs[(count, key)] = "report"

    def known(target: Target) -> float:
        return shown[target[0]][target[1]]

    found = _bounds(variables, rows, known, (lower, upper), needs, threshold, exhaustive=exhaustive)
    if bounded:
        for key, value in true["complement"].items():
            if ("complement", key) not in hidden and 0 < value < threshold:
                found[("complement", key)] = Bounds(value, value, exact=True)
    return found


@pytest.fixture(scope="session")
def intruder():  # type: ignore[no-untyped-def]
    """``intrude(truth, published, threshold, geography, bounded=..., persons=...,
    small_only=..., exhaustive=...)``."""
    return intrude


Held = tuple[int, str, Key]
"""(release, count, cell): a count of one release a reader holds."""


def _exact_sums(true: dict[Key, float], groups: Groups) -> Iterator[Sum]:
    for total, parts in _sums(set(true), groups):
        kept = [p for p in parts if p in true]
        exact = total in true and abs(true[total] - sum(true[p] for p in kept)) <= 1e-6 * max(
            1.0, true[total]
        )
        if kept and exact:
            yield total, kept


def intrude_releases(
    truths: list[pd.DataFrame],
    publications: list[pd.DataFrame],
    threshold: float,
    geography: Geography,
    *,
    bounded: bool,
    persons: bool = True,
    exhaustive: bool = False,
) -> dict[Held, Bounds]:
    """A reader who holds several releases of one indicator (oldest first): every count from
    1 to ``threshold`` − 1 of any of them (and, where ``persons``, every complement that
    small) that is hidden → the least and the most it can be proved to be (``exhaustive``
    as in ``intrude``).

    Besides what ``intrude`` knows of each release (the sums, that a hidden count is not zero
    wherever it is not, that a share's numerator is at most its denominator), the reader
    knows that late registrations only add: a numerator or denominator of the same cell is
    at least as large in the later release. Where that does not hold in truth (a count
    fell) the reader knows it fell: the worst case, as with the sums."""
    counts = ("numerator", "denominator")
    true: dict[tuple[int, str], dict[Key, float]] = {}
    shown: dict[tuple[int, str], dict[Key, float]] = {}
    for r, (truth, published) in enumerate(zip(truths, publications, strict=True)):
        for c in counts:
            true[(r, c)], shown[(r, c)] = _cells(truth, c), _cells(published, c)
        if bounded:
            numerators, denominators = true[(r, "numerator")], true[(r, "denominator")]
            true[(r, "complement")] = {
                k: denominators[k] - n
                for k, n in numerators.items()
                if k in denominators and denominators[k] >= n
            }
            shown[(r, "complement")] = {
                k: v
                for k, v in true[(r, "complement")].items()
                if k in shown[(r, "numerator")] and k in shown[(r, "denominator")]
            }

    def value(target: Held) -> float:
        r, c, k = target
        return true[(r, c)][k]

    def known(target: Held) -> bool:
        r, c, k = target
        return k in shown[(r, c)]

    rows: list[Row[Held]] = []
    groups = _groups(geography)
    for (r, c), cells in true.items():
        for total, parts in _exact_sums(cells, groups):
            rows.append([((r, c, total), 1.0), *(((r, c, p), -1.0) for p in parts)])
        if c == "complement":
            rows += [
                [((r, "denominator", k), 1.0), ((r, "numerator", k), -1.0), ((r, c, k), -1.0)]
                for k in cells
            ]
    late: dict[Held, float] = {}
    for r in range(len(truths) - 1):
        for c in counts:
            before, after = true[(r, c)], true[(r + 1, c)]
            for k in sorted(before.keys() & after.keys()):
                change = after[k] - before[k]
                name: Held = (r, f"late {c}", k)
                late[name] = abs(change)
                first, second = (
                    ((r + 1, c, k), (r, c, k)) if change >= 0 else ((r, c, k), (r + 1, c, k))
                )
                rows.append([(first, 1.0), (second, -1.0), (name, -1.0)])
    variables: list[Held] = sorted({t for row in rows for t, _ in row if t in late or not known(t)})
    lower = np.array([0.0 if v in late else _floor(value(v)) for v in variables])
    needs: dict[Held, Need] = {
        v: "small"
        for v in variables
        if v not in late and (v[1] != "complement" or persons) and 0 < value(v) < threshold
    }
    floors = lower, np.full(len(variables), np.inf)
    found = _bounds(variables, rows, value, floors, needs, threshold, exhaustive=exhaustive)
    for (r, c), cells in true.items():
        for k, v in cells.items():
            if k in shown[(r, c)] and 0 < v < threshold and (c != "complement" or persons):
                found[(r, c, k)] = Bounds(v, v, exact=True)
    return found


@pytest.fixture(scope="session")
def releases_intruder():  # type: ignore[no-untyped-def]
    """``intrude_releases(truths, publications, threshold, geography, bounded=...)``."""
    return intrude_releases

"""An attacker of a publication, written apart from ``variatlas.disclosure`` (the ``attack``
and ``intruder`` fixtures).

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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from variatlas.geography import Geography, centrality, kostra_groups

Key = tuple[str, str, str, str]
Sum = tuple[Key, list[Key]]


def _groups(geography: Geography) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(child level, parent level) → parent → children, from the geography's tables."""
    groups: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
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


def _sums(keys: set[Key], geography: Geography) -> Iterator[Sum]:
    """Every "total = sum of parts" the attacker can write down among ``keys``."""
    groups = _groups(geography)
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


def _components(hidden: list[Key], sums: list[Sum]) -> list[list[Key]]:
    parent = {cell: cell for cell in hidden}

    def root(cell: Key) -> Key:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for total, parts in sums:
        members = [c for c in (total, *parts) if c in parent]
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    found: dict[Key, list[Key]] = defaultdict(list)
    for cell in hidden:
        found[root(cell)].append(cell)
    return list(found.values())


def attack(
    truth: pd.DataFrame, published: pd.DataFrame, column: str, geography: Geography
) -> dict[Key, tuple[float, float]]:
    """Every hidden cell → (the least, the most) the attacker can prove it to be."""
    true, shown = _cells(truth, column), _cells(published, column)
    hidden = sorted(set(true) - set(shown))
    sums = [
        (total, kept)
        for total, parts in _sums(set(true), geography)
        if total in true
        and (kept := [p for p in parts if p in true])
        and abs(true[total] - sum(true[p] for p in kept)) <= 1e-6 * max(1.0, true[total])
    ]
    found: dict[Key, tuple[float, float]] = {}
    for component in _components(hidden, sums):
        index = {cell: i for i, cell in enumerate(component)}
        used = [s for s in sums if s[0] in index or any(p in index for p in s[1])]
        matrix = lil_matrix((max(len(used), 1), len(component)))
        rhs = np.zeros(max(len(used), 1))
        for row, (total, parts) in enumerate(used):
            for cell, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
                if cell in index:
                    matrix[row, index[cell]] += sign
                else:
                    rhs[row] -= sign * shown[cell]
        for cell, i in index.items():
            objective = np.zeros(len(component))
            objective[i] = 1.0
            low = linprog(objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=(0, None))
            high = linprog(-objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=(0, None))
            found[cell] = (
                float(low.fun) if low.status == 0 else 0.0,
                float(-high.fun) if high.status == 0 else float("inf"),
            )
    return found


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
    small_only: bool = False,
) -> dict[Target, tuple[float, float]]:
    """Every hidden count, and every complement not published → (least, most) it can be
    proved to be. ``bounded``: the numerator is at most the denominator (a share).
    ``small_only``: only the counts from 1 to ``threshold`` − 1 (the ones that matter)."""
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
    index = {v: i for i, v in enumerate(variables)}
    rows: list[list[tuple[Target, float]]] = []
    for count in counts:
        for total, parts in _sums(set(true[count]), geography):
            kept = [p for p in parts if p in true[count]]
            if total not in true[count] or not kept:
                continue
            if abs(true[count][total] - sum(true[count][p] for p in kept)) > 1e-6 * max(
                1.0, true[count][total]
            ):
                continue
            rows.append([((count, total), 1.0), *(((count, p), -1.0) for p in kept)])
    if bounded:
        rows += [
            [(("denominator", k), 1.0), (("numerator", k), -1.0), (("complement", k), -1.0)]
            for k in true["complement"]
            if ("complement", k) in index
        ]
    rows = [r for r in rows if any(t in index for t, _ in r)]
    lower = np.array([_floor(true[c][k]) for c, k in variables])
    upper = np.full(len(variables), np.inf)
    for i, (count, key) in enumerate(variables):
        flag = flags.get(key, "")
        if flag.startswith("suppressed: fewer than") and count == "numerator":
            # The row's own count is small: the numerator (or, when the denominator is hidden
            # too, the numerator of a denominator that small).
            if key in shown["denominator"] or bounded:
                upper[i] = threshold - 1
        elif flag.startswith("suppressed: protects") and count != "complement":
            lower[i] = threshold if true[count][key] > 0 else 0.0
    parent = list(range(len(variables)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in rows:
        members = [index[t] for t, _ in row if t in index]
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(variables)):
        groups[root(i)].append(i)
    found: dict[Target, tuple[float, float]] = {}
    for members in groups.values():
        local = {v: j for j, v in enumerate(members)}
        used = [r for r in rows if any(t in index and index[t] in local for t, _ in r)]
        matrix = lil_matrix((max(len(used), 1), len(members)))
        rhs = np.zeros(max(len(used), 1))
        for r, row in enumerate(used):
            for target, sign in row:
                if target in index:
                    matrix[r, local[index[target]]] += sign
                else:
                    rhs[r] -= sign * shown[target[0]][target[1]]
        bounds = list(zip(lower[members], upper[members], strict=True))
        for i in members:
            count, key = variables[i]
            value = true[count][key]
            if small_only and not 0 < value < threshold:
                continue
            objective = np.zeros(len(members))
            objective[local[i]] = 1.0
            low = linprog(objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=bounds)
            high = linprog(-objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=bounds)
            found[(count, key)] = (
                float(low.fun) if low.status == 0 else 0.0,
                float(-high.fun) if high.status == 0 else float("inf"),
            )
    if bounded:
        for key, value in true["complement"].items():
            if ("complement", key) not in index and 0 < value < threshold:
                found[("complement", key)] = (value, value)
    return found


@pytest.fixture(scope="session")
def intruder():  # type: ignore[no-untyped-def]
    """``intrude(truth, published, threshold, geography, bounded=..., small_only=...)``."""
    return intrude


Held = tuple[int, str, Key]
"""(release, count, cell): a count of one release a reader holds."""


def _exact_sums(true: dict[Key, float], geography: Geography) -> Iterator[Sum]:
    for total, parts in _sums(set(true), geography):
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
) -> dict[Held, tuple[float, float]]:
    """A reader who holds several releases of one indicator (oldest first): every count from
    1 to ``threshold`` − 1 of any of them (and, where ``persons``, every complement that
    small) that is hidden → (least, most) it can be proved to be.

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

    rows: list[list[tuple[Held, float]]] = []
    for (r, c), cells in true.items():
        for total, parts in _exact_sums(cells, geography):
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
    index = {v: i for i, v in enumerate(variables)}
    rows = [row for row in rows if any(t in index for t, _ in row)]
    lower = np.array([0.0 if v in late else _floor(value(v)) for v in variables])
    parent = list(range(len(variables)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in rows:
        members = [index[t] for t, _ in row if t in index]
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(variables)):
        groups[root(i)].append(i)
    by_group: dict[int, list[list[tuple[Held, float]]]] = defaultdict(list)
    for row in rows:
        by_group[root(next(index[t] for t, _ in row if t in index))].append(row)
    found: dict[Held, tuple[float, float]] = {}
    for group, members in groups.items():
        targets = [
            i
            for i in members
            if variables[i] not in late
            and (variables[i][1] != "complement" or persons)
            and 0 < value(variables[i]) < threshold
        ]
        if not targets:
            continue
        local = {variables[i]: j for j, i in enumerate(members)}
        used = by_group[group]
        matrix = lil_matrix((len(used), len(members)))
        rhs = np.zeros(len(used))
        for k, row in enumerate(used):
            for target, sign in row:
                if target in local:
                    matrix[k, local[target]] += sign
                else:
                    rhs[k] -= sign * value(target)
        bounds = [(lower[i], None) for i in members]
        for i in targets:
            objective = np.zeros(len(members))
            objective[local[variables[i]]] = 1.0
            low = linprog(objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=bounds)
            high = linprog(-objective, A_eq=matrix.tocsr(), b_eq=rhs, bounds=bounds)
            assert low.status == 0 and high.status in (0, 3), (variables[i], low.message)
            found[variables[i]] = (
                float(low.fun),
                float(-high.fun) if high.status == 0 else float("inf"),
            )
    for (r, c), cells in true.items():
        for k, v in cells.items():
            if k in shown[(r, c)] and 0 < v < threshold and (c != "complement" or persons):
                found[(r, c, k)] = (v, v)
    return found


@pytest.fixture(scope="session")
def releases_intruder():  # type: ignore[no-untyped-def]
    """``intrude_releases(truths, publications, threshold, geography, bounded=...)``."""
    return intrude_releases

"""The additive relations an attacker can use between published counts.

For one indicator and one count (numerator or denominator), cells are identified by
(level, area, period, sex). Candidate relations are "total = sum of parts":
across the area hierarchy (municipality → referral area → region → nation, and trusts →
region → nation), municipalities into their peer groups (KOSTRA group, centrality class) and
those into the nation, across sexes (all = M + F) and across periods (a 3-year period = its
years). A candidate is kept only if the computed counts satisfy it exactly, so the list is
what the numbers really allow, whatever the attribution of the indicator.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from variatlas.geography import NATION_CODE, Geography, peer_groups

Cell = tuple[str, ...]
"""(level, area, period, sex); in the system of all counts of one indicator
(``variatlas.disclosure.counts``), (count, level, area, period, sex)."""


COMPLEMENT = "complement"
"""The first element of a complement's cell (denominator − numerator: ``counts``)."""


def least(cell: Cell, value: float) -> float:
    """The least a reader takes a hidden count to be: 1 if it is not zero.

    Zero identifies no one and is published, and the cells hidden to protect another are
    chosen among counts that are not zero wherever there are any, so a reader may well guess
    that a hidden count is at least 1. The audit assumes the reader guesses right of every
    hidden count, numerator, denominator or complement (denominator − numerator: the
    voluntary admissions beside the coercive), which is more than any reader knows, so it
    errs on the safe side. (Counts below 1 that are not zero, from published averages, are
    their own floor.)
    """
    return min(value, 1.0) if value > 0 else 0.0


def room(cell: Cell, value: float) -> float:
    """How far a hidden count lies above the least a reader takes it to be."""
    return value - least(cell, value)


@dataclass(frozen=True)
class Relation:
    total: Cell
    parts: tuple[Cell, ...]


def _memberships(geography: Geography) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(child level, parent level) → parent area → child areas, from the geography."""
    found: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in geography.municipalities.itertuples():
        found[("municipality", "region")][row.region].append(row.municipality)
        # Oslo's referral areas hold city districts besides municipalities: their sum over
        # the municipalities is a candidate too, kept where it holds (no one in the
        # districts), as a reader who finds it exact would use it.
        if isinstance(row.referral_area, str) and row.referral_area:
            found[("municipality", "referral_area")][row.referral_area].append(row.municipality)
    # Peer groups of municipalities: a KOSTRA group that differs from a region, another
    # group or the country by one small municipality would give it away by subtraction.
    for level, groups in peer_groups().items():
        for municipality, group in groups.items():
            found[("municipality", level)][group].append(municipality)
    for row in geography.referral_areas.itertuples():
        found[("referral_area", "region")][row.region].append(row.code)
    for row in geography.trusts.itertuples():
        if row.region:
            found[("health_trust", "region")][row.region].append(row.code)
    return found


def candidate_relations(cells: pd.DataFrame, geography: Geography) -> list[Relation]:
    """All "total = Σ parts" candidates among the cells present (any of them may fail)."""
    present = set(zip(cells["level"], cells["area"], cells["period"], cells["sex"], strict=True))
    periods = sorted(set(cells["period"]))
    sexes = sorted(set(cells["sex"]))
    relations: list[Relation] = []

    def add(total: Cell, parts: list[Cell]) -> None:
        parts = [p for p in parts if p in present]
        if total in present and len(parts) >= 1:
            relations.append(Relation(total, tuple(parts)))

    # Sorted, so that the relations, and with them the suppression, do not depend on the
    # order a set happens to iterate in (string hashes change from run to run).
    by_level = {
        level: sorted({area for lv, area, _, _ in present if lv == level})
        for level in sorted({lv for lv, _, _, _ in present})
    }
    memberships = _memberships(geography)
    for period in periods:
        for sex in sexes:
            for level, areas in by_level.items():
                if level != "nation":
                    add(
                        ("nation", NATION_CODE, period, sex),
                        [(level, a, period, sex) for a in areas],
                    )
            for (child, parent), groups in memberships.items():
                for parent_area, children in groups.items():
                    add(
                        (parent, parent_area, period, sex),
                        [(child, c, period, sex) for c in children],
                    )
    for level, areas in by_level.items():
        for area in areas:
            for period in periods:
                if "all" in sexes and len(sexes) > 1:
                    add(
                        (level, area, period, "all"),
                        [(level, area, period, s) for s in sexes if s != "all"],
                    )
            for period in periods:
                if "-" in period:
                    first, last = (int(p) for p in period.split("-"))
                    for sex in sexes:
                        add(
                            (level, area, period, sex),
                            [(level, area, str(y), sex) for y in range(first, last + 1)],
                        )
    return relations


def exact_relations(
    values: dict[Cell, float], candidates: list[Relation], tolerance: float = 1e-6
) -> list[Relation]:
    """The candidates whose parts add up to the total in ``values`` (all of them present)."""
    kept = []
    for relation in candidates:
        if any(p not in values for p in relation.parts) or relation.total not in values:
            continue
        total = values[relation.total]
        parts = sum(values[p] for p in relation.parts)
        if abs(total - parts) <= tolerance * max(1.0, abs(total)):
            kept.append(relation)
    return kept


def relations_by_cell(relations: list[Relation]) -> dict[Cell, list[Relation]]:
    """Every cell's relations (as total or part)."""
    found: dict[Cell, list[Relation]] = defaultdict(list)
    for relation in relations:
        for cell in (relation.total, *relation.parts):
            found[cell].append(relation)
    return found

"""Primary and secondary suppression of every indicator, audited, and the ``DisclosedResults``.

See the package documentation and docs/disclosure.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from variatlas.disclosure.audit import audit, determined
from variatlas.disclosure.disclosed import _TOKEN, DisclosedResults, IndicatorDisclosure
from variatlas.disclosure.relations import (
    Cell,
    Relation,
    candidate_relations,
    exact_relations,
    relations_by_cell,
)
from variatlas.disclosure.suppression import primary, secondary
from variatlas.geography import Geography
from variatlas.indicators.model import Indicator
from variatlas.results import NUMERIC_COLUMNS, PRIMARY_FLAG, SECONDARY_FLAG
from variatlas.variation import summarise, view_figures, with_shrinkage
from variatlas.workers import mapped, worth_workers

HIDDEN_WITH_A_COUNT = [
    "numerator",
    "value",
    "lower",
    "upper",
    "crude_value",
    "expected",
    "funnel",
    "published_value",
    "published_lower",
    "published_upper",
]


def _cells(frame: pd.DataFrame, column: str) -> dict[Cell, float]:
    present = frame[frame[column].notna()]
    keys = zip(present["level"], present["area"], present["period"], present["sex"], strict=True)
    return dict(zip(keys, present[column].astype(float), strict=True))


GREEDY_ROUNDS = 50
"""Rounds of one more cell per pinned primary cell before the fallback hides whole groups."""


@dataclass(frozen=True)
class Suppression:
    """What is hidden of one count: the primary cells, all hidden cells, those the fallback
    hid, and complements that were released again because the published cells determine
    them exactly (hiding them protected nothing)."""

    primary: set[Cell]
    hidden: set[Cell]
    fallback: set[Cell] = field(default_factory=set)
    released: set[Cell] = field(default_factory=set)


def suppress(values: dict[Cell, float], relations: list[Relation], threshold: float) -> Suppression:
    """The cells to hide of one count, audited until no primary cell can be pinned.

    After the greedy pass (``secondary``), the linear-programming audit looks for primary
    (small) cells that the relations together pin to less than the threshold; for each, one
    more cell of one of its relations is hidden (``_widen``), and the greedy pass and the
    audit run again. Where that has not settled after ``GREEDY_ROUNDS`` rounds, or finds no
    cell to add, the fallback hides the smallest whole relation of each pinned cell, and
    failing that its whole connected group of cells: each round hides more, and a primary
    cell whose every connected cell is hidden cannot be pinned, so the loop always ends, in
    a safe publication. Last, hidden complements that the published cells determine exactly
    are released (``determined``): publishing a number the public can already compute adds
    nothing to what it knows. Counts of non-persons (threshold ≤ 1) are not suppressed.
    """
    small = primary(values, threshold)
    if threshold <= 1:
        return Suppression(small, set())
    hidden = secondary(values, relations, small, threshold, small)
    by_cell = relations_by_cell(relations)
    fallback: set[Cell] = set()
    rounds = 0
    while exposed := audit(values, relations, hidden, threshold, small):
        added: set[Cell] = set()
        if rounds < GREEDY_ROUNDS:
            added = {c for e in exposed if (c := _widen(e.cell, values, by_cell, hidden))}
        if not added:
            added = _whole_groups([e.cell for e in exposed], values, by_cell, hidden)
            fallback |= added
        if not added:
            raise RuntimeError(f"the audit pins {exposed[0].cell} with every connected cell hidden")
        hidden = secondary(values, relations, hidden | added, threshold, small)
        rounds += 1
    released = determined(values, relations, hidden, hidden - small)
    return Suppression(small, hidden - released, fallback & hidden - released, released)


def _whole_groups(
    cells: list[Cell],
    values: dict[Cell, float],
    by_cell: Mapping[Cell, list[Relation]],
    hidden: set[Cell],
) -> set[Cell]:
    """The fallback: for each pinned cell, every published cell of its smallest relation that
    still has some (fewest cells to hide, then the smallest counts); where all its relations
    are hidden already, every published cell connected to it."""
    found: set[Cell] = set()
    for cell in cells:
        groups: list[list[Cell]] = [
            sorted(c for c in (r.total, *r.parts) if c not in hidden) for r in by_cell.get(cell, [])
        ]
        groups = [g for g in groups if g]

        def cost(group: list[Cell]) -> tuple[int, float, list[Cell]]:
            return len(group), sum(values[c] for c in group), group

        if groups:
            found |= set(sorted(groups, key=cost)[0])
    if found:
        return found
    frontier, seen = list(cells), set(cells)
    while frontier:
        cell = frontier.pop()
        for relation in by_cell.get(cell, []):
            for other in (relation.total, *relation.parts):
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
    return seen - hidden


def protect(frame: pd.DataFrame, threshold: float, geography: Geography) -> IndicatorDisclosure:
    """Primary and secondary suppression of one indicator's numerators and denominators."""
    values, relations, found = {}, {}, {}
    for column in ("numerator", "denominator"):
        counts = _cells(frame, column)
        exact = exact_relations(counts, candidate_relations(frame, geography))
        values[column], relations[column] = counts, exact
        found[column] = suppress(counts, exact, threshold)
    return IndicatorDisclosure(
        threshold,
        values,
        relations,
        {column: s.primary for column, s in found.items()},
        {column: s.hidden for column, s in found.items()},
        {column: s.fallback for column, s in found.items()},
        {column: s.released for column, s in found.items()},
    )


def _widen(
    cell: Cell,
    values: dict[Cell, float],
    by_cell: Mapping[Cell, list[Relation]],
    suppressed: set[Cell],
) -> Cell | None:
    """Another cell to hide so that ``cell`` gets room.

    The smallest published cell (a part before a total) of the nearest relation that has one,
    searching outwards from ``cell`` through relations whose cells are all hidden. None only
    when nothing connected to ``cell`` is published.
    """
    frontier, seen = [cell], {cell}
    while frontier:
        best: tuple[int, float, Cell] | None = None
        following: list[Cell] = []
        for current in frontier:
            for relation in by_cell.get(current, []):
                for other in (relation.total, *relation.parts):
                    if other in suppressed:
                        if other not in seen:
                            seen.add(other)
                            following.append(other)
                        continue
                    key = (
                        2 * int(other == relation.total) + int(values[other] <= 0),
                        values[other],
                        other,
                    )
                    if best is None or key < best:
                        best = key
        if best is not None:
            return best[2]
        frontier = following
    return None


def _apply(frame: pd.DataFrame, detail: IndicatorDisclosure) -> pd.DataFrame:
    frame = frame.copy()
    keys = list(zip(frame["level"], frame["area"], frame["period"], frame["sex"], strict=True))
    hidden_numerator = np.array([k in detail.hidden["numerator"] for k in keys], dtype=bool)
    hidden_denominator = np.array([k in detail.hidden["denominator"] for k in keys], dtype=bool)
    first = np.array(
        [k in detail.primary["numerator"] or k in detail.primary["denominator"] for k in keys],
        dtype=bool,
    )
    hide = hidden_numerator | hidden_denominator
    for column in HIDDEN_WITH_A_COUNT:
        if column in frame:
            frame[column] = frame[column].astype(object).where(~hide, None)
    frame["denominator"] = frame["denominator"].astype(object).where(~hidden_denominator, None)
    flag = frame["flag"].fillna("").astype(str)
    frame["flag"] = np.where(
        first,
        PRIMARY_FLAG.format(t=f"{detail.threshold:g}"),
        np.where(hide, SECONDARY_FLAG, flag),
    )
    for column in NUMERIC_COLUMNS:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column])
    return frame


def publishable(results: pd.DataFrame) -> pd.Series:
    """Rows that may be published at all.

    Men and women separately only for 3-year periods; municipalities only for 3-year periods
    and both sexes together. Single years by sex, and small municipalities by year, would be
    mostly suppressed, and what remained would tie every cell to every other through the
    relations between years, sexes and areas.
    """
    municipal = results["level"] == "municipality"
    multi_year = results["period"].astype(str).str.contains("-")
    both = results["sex"] == "all"
    return (multi_year | both) & (~municipal | (multi_year & both))


@dataclass(frozen=True)
class _Work:
    indicator: Indicator
    results: pd.DataFrame
    variation: pd.DataFrame
    geography: Geography


@dataclass(frozen=True)
class _Done:
    indicator: str
    safe: pd.DataFrame
    detail: IndicatorDisclosure
    summary: pd.DataFrame
    figures: dict[str, dict[str, Any]]


def _disclose_one(work: _Work) -> _Done:
    """One indicator's suppression, its stable estimates, summaries and figures (a worker's
    task: see ``variatlas.workers``)."""
    indicator, frame, earlier = work.indicator, work.results, work.variation
    detail = protect(frame, indicator.minimum_count, work.geography)
    # Shrinkage after suppression: its prior is fitted to published cells only.
    safe = with_shrinkage(indicator, _apply(frame, detail))
    comparator = (
        str(earlier["comparator"].iloc[0])
        if "comparator" in earlier and len(earlier) and pd.notna(earlier["comparator"].iloc[0])
        else "nation"
    )
    summary = summarise(
        indicator, safe.assign(funnel=safe["funnel"].fillna("")), comparator=comparator
    )
    carried = earlier.set_index(["level", "period", "sex"])["need_explained"]
    summary["need_explained"] = [
        carried.get((r.level, r.period, r.sex), np.nan) for r in summary.itertuples()
    ]
    return _Done(indicator.id, safe, detail, summary, view_figures(indicator, safe, summary))


def disclose(
    results: pd.DataFrame,
    variation: pd.DataFrame,
    provenance: Mapping[str, object],
    *,
    catalogue: Mapping[str, Indicator],
    geography: Geography,
    on_indicator: Callable[[str], None] | None = None,
) -> DisclosedResults:
    """Suppress what must not be published and recompute the variation summaries on the rest.

    The variation summaries are computed again from the published cells only, so that no
    minimum, maximum or outlier count comes from a hidden cell; the share of variation that
    need explains is carried over (a fit over many areas).
    """
    results = results[publishable(results)]
    earlier = {str(name): rows for name, rows in variation.groupby("indicator", sort=False)}
    work = [
        _Work(catalogue[str(name)], frame, earlier.get(str(name), variation.iloc[:0]), geography)
        for name, frame in results.groupby("indicator", sort=False)
    ]
    disclosed, summaries, details, figures = [], [], {}, {}
    for done in mapped(_disclose_one, work, parallel=worth_workers(len(results))):
        if on_indicator is not None:
            on_indicator(done.indicator)
        disclosed.append(done.safe)
        summaries.append(done.summary)
        details[done.indicator] = done.detail
        figures[done.indicator] = done.figures
    public = pd.concat(disclosed, ignore_index=True) if disclosed else results.iloc[:0]
    summary_table = pd.concat(summaries, ignore_index=True) if summaries else variation.iloc[:0]
    record = dict(provenance)
    record["disclosure"] = {
        "thresholds": {name: d.threshold for name, d in details.items()},
        "rule": "primary: a numerator or denominator from 1 to the threshold − 1; secondary: "
        "complementary cells across areas, sexes and periods (greedy, LP-audited; where that "
        "does not settle, whole relation groups); complements the published cells determine "
        "exactly are released",
        "suppressed_rows": int(public["flag"].str.startswith("suppressed").sum()),
        **cost(details.values()),
    }
    return DisclosedResults(public, summary_table, record, details, figures, _token=_TOKEN)


def cost(details: Iterable[IndicatorDisclosure]) -> dict[str, float | int]:
    """What suppression cost, over every count of every indicator: cells, hidden cells and
    their share, cells the fallback hid, complements released."""
    cells = hidden = fallback = released = 0
    for detail in details:
        for column in detail.values:
            cells += len(detail.values[column])
            hidden += len(detail.hidden[column])
            fallback += len(detail.fallback.get(column, ()))
            released += len(detail.released.get(column, ()))
    return {
        "cells": cells,
        "hidden_cells": hidden,
        "hidden_share": round(hidden / cells, 6) if cells else 0.0,
        "fallback_cells": fallback,
        "released_complements": released,
    }

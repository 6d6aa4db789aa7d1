"""Primary and secondary suppression of every indicator, audited, and the ``DisclosedResults``.

See the package documentation and docs/disclosure.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from variatlas.disclosure.audit import audit
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
from variatlas.variation import summarise, view_figures

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


MAX_ROUNDS = 50


def suppress(
    values: dict[Cell, float], relations: list[Relation], threshold: float
) -> tuple[set[Cell], set[Cell]]:
    """(primary, all hidden) cells for one count, audited until no cell can be pinned.

    After the greedy pass (``secondary``), the linear-programming audit looks for primary
    (small) cells that the relations together pin to less than the threshold; for each, one
    more cell of one of its relations is hidden, and the greedy pass and the audit run again
    until the audit finds nothing. Counts of non-persons (threshold ≤ 1) are not suppressed.
    """
    small = primary(values, threshold)
    if threshold <= 1:
        return small, set()
    hidden = secondary(values, relations, small, threshold, small)
    by_cell = relations_by_cell(relations)
    for round_ in range(MAX_ROUNDS):
        exposed = audit(values, relations, hidden, threshold, small)
        if os.environ.get("VARIATLAS_DEBUG_DISCLOSURE"):
            print(round_, len(hidden), len(exposed), flush=True)
        if not exposed:
            return small, hidden
        added = {c for e in exposed if (c := _widen(e.cell, values, by_cell, hidden))}
        if not added:
            raise RuntimeError(f"no published cell is left to protect {exposed[0].cell}")
        hidden = secondary(values, relations, hidden | added, threshold, small)
    raise RuntimeError("disclosure control did not converge")


def protect(frame: pd.DataFrame, threshold: float, geography: Geography) -> IndicatorDisclosure:
    """Primary and secondary suppression of one indicator's numerators and denominators."""
    values, relations, first, hidden = {}, {}, {}, {}
    for column in ("numerator", "denominator"):
        counts = _cells(frame, column)
        exact = exact_relations(counts, candidate_relations(frame, geography))
        values[column], relations[column] = counts, exact
        first[column], hidden[column] = suppress(counts, exact, threshold)
    return IndicatorDisclosure(threshold, values, relations, first, hidden)


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
    disclosed, summaries, details, figures = [], [], {}, {}
    for name, frame in results.groupby("indicator", sort=False):
        if on_indicator is not None:
            on_indicator(str(name))
        indicator = catalogue[str(name)]
        detail = protect(frame, indicator.minimum_count, geography)
        safe = _apply(frame, detail)
        disclosed.append(safe)
        details[str(name)] = detail
        summary = summarise(indicator, safe.assign(funnel=safe["funnel"].fillna("")))
        carried = variation[variation["indicator"] == name].set_index(["level", "period", "sex"])[
            "need_explained"
        ]
        summary["need_explained"] = [
            carried.get((r.level, r.period, r.sex), np.nan) for r in summary.itertuples()
        ]
        summaries.append(summary)
        figures[str(name)] = view_figures(indicator, safe, summary)
    public = pd.concat(disclosed, ignore_index=True) if disclosed else results.iloc[:0]
    summary_table = pd.concat(summaries, ignore_index=True) if summaries else variation.iloc[:0]
    record = dict(provenance)
    record["disclosure"] = {
        "thresholds": {name: d.threshold for name, d in details.items()},
        "rule": "primary: a numerator or denominator from 1 to the threshold − 1; secondary: "
        "complementary cells across areas, sexes and periods (greedy, LP-audited)",
        "suppressed_rows": int(public["flag"].str.startswith("suppressed").sum()),
    }
    return DisclosedResults(public, summary_table, record, details, figures, _token=_TOKEN)

"""What changed between a release and the one before it, computed once at publish.

``compare`` reads two publications' tables (the published results, variation summaries and
provenance: what a reader holds of each) and finds, in this order:

- **indicators** added, removed, or redefined (their definition hash in the provenance
  differs: ``Indicator.definition_hash``);
- **inputs** whose file changed (its SHA-256 in the provenance), and years added or removed;
- **figures beyond their intervals**: a figure published in both whose change is larger than
  its two 95 % intervals allow (``stats.difference``: Altman and Bland's test of the
  difference of two estimates, on the log scale for rates and ratios);
- **outliers**: areas that moved outside the 99.8 % funnel limits, or back inside them (the
  ``funnel`` column: PHE's labels, ``High (0.001)`` and ``Low (0.001)``);
- **places to learn from**: areas that entered or left a view's ``learn_from_areas``;
- **hidden cells**: cells hidden now that were shown, and shown now that were hidden.

The figures of a redefined indicator are not compared with the old definition's (their
change is the definition's). What is found is written to ``changes.json`` in the release;
the pages, the API and ``variatlas diff`` read it from there. Each indicator gets a mark:
``new`` (not in the release before), ``revised`` (redefined, or figures published before
changed or were hidden or shown), ``updated`` (only new periods) or ``unchanged``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from variatlas.results import SUPPRESSED
from variatlas.stats.difference import beyond_intervals, difference_z

CHANGES_FILE = "changes.json"
KEY = ["indicator", "level", "area", "period", "sex"]
VIEW = ["indicator", "level", "period", "sex"]
OUTLIER_LABELS = ("High (0.001)", "Low (0.001)")
"""Outside the 99.8 % funnel limits: the funnel column's labels (PHE's significance levels)."""
LOG_SCALE_METHODS = frozenset({"dsr-dobson", "byar", "exact", "logistic-case-mix-oe"})
"""Methods whose intervals are for rates or ratios: compared on the log scale."""
COMPARED = ["value", "lower", "upper", "numerator", "denominator", "flag", "funnel", "method"]
CLASSES = (
    "indicators_added",
    "indicators_removed",
    "indicators_redefined",
    "inputs_changed",
    "years_added",
    "years_removed",
    "figures_beyond_intervals",
    "became_outliers",
    "ceased_outliers",
    "became_places_to_learn_from",
    "ceased_places_to_learn_from",
    "newly_hidden",
    "newly_shown",
)
"""Every class of change, in the order the pages and ``variatlas diff`` give them."""
MARKS = ("new", "revised", "updated", "unchanged", "first")
"""``first``: every indicator of the first release (nothing to compare with: no mark shown)."""


@dataclass
class Tables:
    """What a reader holds of one publication."""

    results: pd.DataFrame
    variation: pd.DataFrame
    provenance: dict[str, Any]
    release: dict[str, Any]

    @property
    def definitions(self) -> dict[str, str]:
        """Definition hash of every published indicator."""
        hashes = self.provenance.get("indicators") or {}
        return {str(i): str(hashes.get(i, "")) for i in self.results["indicator"].unique()}


def tables_of(folder: Path) -> Tables:
    """The published tables of a publication folder."""
    release = folder / "release.json"
    return Tables(
        pd.read_parquet(folder / "data" / "results.parquet"),
        pd.read_parquet(folder / "data" / "variation.parquet"),
        json.loads((folder / "provenance.json").read_text(encoding="utf-8")),
        json.loads(release.read_text(encoding="utf-8")) if release.exists() else {},
    )


def _hidden(flags: pd.Series) -> pd.Series:
    return flags.fillna("").astype(str).str.startswith(SUPPRESSED)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as JSON records (NaN as null)."""
    found = []
    for row in frame[columns].to_dict("records"):
        found.append(
            {
                k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                for k, v in row.items()
            }
        )
    return found


def compare(before: Tables | None, after: Tables) -> dict[str, Any]:
    """Every change from ``before`` (None: the first release) to ``after``."""
    new_ids = set(after.results["indicator"].unique())
    if before is None:
        return _document(after, None, {i: _blank("first") for i in sorted(new_ids)}, {})
    old_ids = set(before.results["indicator"].unique())
    definitions = before.definitions, after.definitions
    common = old_ids & new_ids
    redefined = sorted(i for i in common if definitions[0][i] != definitions[1][i])
    compared = sorted(common - set(redefined))
    found: dict[str, Any] = {
        "indicators_added": sorted(new_ids - old_ids),
        "indicators_removed": sorted(old_ids - new_ids),
        "indicators_redefined": [
            {"indicator": i, "before": definitions[0][i], "after": definitions[1][i]}
            for i in redefined
        ],
        **_inputs(before.provenance, after.provenance),
    }
    cells = _cells(before.results, after.results, compared)
    found.update(_figures(cells))
    found.update(_learn_from(before.variation, after.variation, compared))
    marks = _marks(before, after, new_ids, redefined, cells, found)
    return _document(after, before, marks, found)


def _document(
    after: Tables,
    before: Tables | None,
    indicators: dict[str, dict[str, Any]],
    found: dict[str, Any],
) -> dict[str, Any]:
    lists = {name: found.get(name, []) for name in CLASSES}
    return {
        "release": after.release.get("id"),
        "previous": before.release.get("id") if before is not None else None,
        "previous_date": before.release.get("date") if before is not None else None,
        "counts": {name: len(items) for name, items in lists.items()},
        "changes": lists,
        "indicators": indicators,
    }


def _inputs(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    old, new = before.get("inputs") or {}, after.get("inputs") or {}
    changed = []
    for table in sorted(set(old) | set(new)):
        a, b = old.get(table) or {}, new.get(table) or {}
        if a.get("sha256") != b.get("sha256"):
            changed.append(
                {
                    "table": table,
                    "before": {k: a.get(k) for k in ("sha256", "rows_accepted")} if a else None,
                    "after": {k: b.get(k) for k in ("sha256", "rows_accepted")} if b else None,
                }
            )
    years = set(before.get("years") or []), set(after.get("years") or [])
    return {
        "inputs_changed": changed,
        "years_added": sorted(years[1] - years[0]),
        "years_removed": sorted(years[0] - years[1]),
    }


def _cells(old: pd.DataFrame, new: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """The cells of ``indicators`` published in both, side by side (``_before``, ``_after``)."""
    columns = [*KEY, "area_name", *COMPARED]
    kept = [f[f["indicator"].isin(indicators)][columns] for f in (old, new)]
    merged = (
        kept[0]
        .drop(columns="area_name")
        .merge(kept[1], on=KEY, how="inner", suffixes=("_before", "_after"))
    )
    return merged


def _figures(cells: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    hidden = _hidden(cells["flag_before"]), _hidden(cells["flag_after"])
    both = cells[~hidden[0] & ~hidden[1]]
    z = difference_z(
        both["value_before"].to_numpy(float),
        (both["lower_before"].to_numpy(float), both["upper_before"].to_numpy(float)),
        both["value_after"].to_numpy(float),
        (both["lower_after"].to_numpy(float), both["upper_after"].to_numpy(float)),
        both["method_after"].isin(LOG_SCALE_METHODS).to_numpy(),
    )
    beyond = both.assign(z=np.round(z, 2))[beyond_intervals(z)]
    keys = [*KEY, "area_name"]
    figures = [*keys, "value_before", "lower_before", "upper_before"]
    figures += ["value_after", "lower_after", "upper_after", "z"]
    # Outliers among the cells shown in both (one hidden before and shown now is newly shown).
    funnel = both["funnel_before"].isin(OUTLIER_LABELS), both["funnel_after"].isin(OUTLIER_LABELS)
    sides = [*keys, "funnel_before", "funnel_after"]
    return {
        "figures_beyond_intervals": _records(beyond, figures),
        "became_outliers": _records(both[funnel[1] & ~funnel[0]], sides),
        "ceased_outliers": _records(both[funnel[0] & ~funnel[1]], sides),
        "newly_hidden": _records(cells[hidden[1] & ~hidden[0]], keys),
        "newly_shown": _records(cells[hidden[0] & ~hidden[1]], keys),
    }


def _areas(text: object) -> set[str]:
    return {a for a in str(text or "").split(";") if a and a != "nan"}


def _learn_from(
    old: pd.DataFrame, new: pd.DataFrame, indicators: list[str]
) -> dict[str, list[dict[str, Any]]]:
    columns = [*VIEW, "learn_from_areas"]
    merged = old[old["indicator"].isin(indicators)][columns].merge(
        new[new["indicator"].isin(indicators)][columns], on=VIEW, suffixes=("_before", "_after")
    )
    became, ceased = [], []
    for row in merged.to_dict("records"):
        view = {k: row[k] for k in VIEW}
        a, b = _areas(row["learn_from_areas_before"]), _areas(row["learn_from_areas_after"])
        became += [{**view, "area": area} for area in sorted(b - a)]
        ceased += [{**view, "area": area} for area in sorted(a - b)]
    return {"became_places_to_learn_from": became, "ceased_places_to_learn_from": ceased}


def _blank(mark: str) -> dict[str, Any]:
    return {"mark": mark, "redefined": False, "revised_figures": 0, "periods_added": []}


def _periods(results: pd.DataFrame) -> dict[str, set[str]]:
    return {str(i): set(p) for i, p in results.groupby("indicator")["period"].unique().items()}


def _marks(
    before: Tables,
    after: Tables,
    new_ids: set[str],
    redefined: list[str],
    cells: pd.DataFrame,
    found: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """Each published indicator's mark and what it rests on."""
    old_periods, new_periods = _periods(before.results), _periods(after.results)
    revised = _revised_figures(cells)
    per_class: dict[str, dict[str, int]] = {}
    for name in ("figures_beyond_intervals", "newly_hidden", "newly_shown", "became_outliers"):
        for record in found[name]:
            counts = per_class.setdefault(record["indicator"], {})
            counts[name] = counts.get(name, 0) + 1
    marks = {}
    for indicator in sorted(new_ids):
        if indicator not in old_periods:
            marks[indicator] = _blank("new")
            continue
        added = sorted(new_periods[indicator] - old_periods[indicator])
        changed = int(revised.get(indicator, 0))
        if indicator in redefined or changed:
            mark = "revised"
        else:
            mark = "updated" if added else "unchanged"
        marks[indicator] = {
            "mark": mark,
            "redefined": indicator in redefined,
            "revised_figures": changed,
            "periods_added": added,
            **per_class.get(indicator, {}),
        }
    return marks


def _revised_figures(cells: pd.DataFrame) -> pd.Series:
    """Per indicator, the cells published in both whose value, counts or hiding changed."""
    differs = pd.Series(False, index=cells.index)
    for column in ("value", "numerator", "denominator"):
        a, b = cells[f"{column}_before"].astype(float), cells[f"{column}_after"].astype(float)
        same = (a == b) | (a.isna() & b.isna())
        differs |= ~same
    differs |= _hidden(cells["flag_before"]) != _hidden(cells["flag_after"])
    return cells[differs].groupby("indicator").size()


def write_changes(folder: Path, changes: Mapping[str, Any]) -> None:
    (folder / CHANGES_FILE).write_text(
        json.dumps(changes, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
        encoding="utf-8",
    )


def read_changes(folder: Path) -> dict[str, Any] | None:
    """A release's ``changes.json`` (None for a publication made before releases)."""
    try:
        found: dict[str, Any] = json.loads((folder / CHANGES_FILE).read_text(encoding="utf-8"))
    except OSError:
        return None
    return found


def summary(changes: Mapping[str, Any]) -> str:
    """The changes in one sentence (English): the default release note."""
    counts = changes.get("counts", {})
    if changes.get("previous") is None:
        return f"First release: {len(changes.get('indicators', {}))} indicators."
    parts = [
        f"{name.replace('_', ' ')}: {counts[name]}"
        for name in CLASSES
        if counts.get(name) and not name.startswith("years_")
    ]
    added = changes["changes"].get("years_added") or []
    if added:
        years = ", ".join(map(str, added))
        parts.insert(0, f"{'years' if len(added) > 1 else 'year'} {years} added")
    text = "; ".join(parts) if parts else "no change in the figures"
    return f"Compared with {changes['previous']}: {text}."

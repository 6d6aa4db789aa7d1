"""What the pages read of the comparisons and the gradients: one compact JSON file per
indicator, and each municipality's memberships.

``write_peers`` adds to a publication folder:

- ``atlas/<id>.compare.json`` beside ``atlas/<id>.json``, for each published indicator with
  areas to compare (``compare_view``)::

      {
        "id": "hpv_vaccination",
        "comparators": ["nation", "region", ...],      # those the indicator has, in order
        "comparisons": {                                # by view key "level|period|sex"
          "municipality|2022-2024|all": {
            "1804": {                                   # area code
              "kostra_group": ["11", 79.2, 70.71, 88.43, "better", ""],
              "target":       ["", 95, null, null, "not met", ""],
              "previous":     ["1804", 86.96, 62.12, 118.4, "similar", "", "2019-2021"],
              ...                                       # [comparator area, value, lower,
            }                                           #  upper, comparison, reason(, period)]
          }
        },
        "inequality": {                                 # by "period|sex"
          "2022-2024|all": {
            "centrality": {
              "groups": [["6", 81.2, 77.0, 85.1, 5120.0], ...],  # least central first:
                                                        # [class, value, lower, upper,
                                                        #  denominator]; null where hidden
              "sii": [4.1, 1.2, 7.0], "rii": [1.05, 1.01, 1.09],   # [value, lower, upper]
              "reason": ""                              # or why there is no slope
            },
            "kostra_group": {"groups": [["1", ...], ...]}   # by group number: no slope
          }
        },
        "explained": {"2022-2024|all": {"centrality": 0.12, "need": 0.3}},
        "peers": {                                      # by "grouping|period|sex"
          "kostra_group|2022-2024|all": {
            "11": [14, 9, 71.2, 80.1, 84.0, 88.3, 97.5, ["1804", "5001"]]
          }                                             # [members, published, lowest, q25,
        }                                               #  median, q75, highest, best first]
      }

  Values are rounded to 4 significant digits. ``comparison`` and ``reason`` are the keys of
  ``variatlas.variation.comparators.OUTCOMES`` and ``REASONS``; a hidden comparator has a
  null value. ``peers`` is ``variatlas.variation.peers.peer_summary``: the spread of each
  peer group's published municipalities and, for an indicator with a direction, up to three
  that do best (none otherwise).
- ``atlas/memberships.json``: each municipality's groups, ``{"municipality": {"1804":
  {"region": "1", "referral_area": "3", "health_trust": "…", "kostra_group": "11",
  "kostra_group_name": "…", "centrality": "3", "centrality_index": 812}}, "names":
  {"kostra_group": {"11": "KOSTRA-gruppe 11"}, "centrality": {"3": "Sentralitetsklasse 3"}}}``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from variatlas.disclosure import DisclosedResults
from variatlas.geography import Geography, centrality, kostra_groups, peer_group_names
from variatlas.indicators.model import Indicator
from variatlas.results import COMPARATORS, is_suppressed
from variatlas.variation import view_key
from variatlas.variation.gradients import CENTRALITY_ORDER
from variatlas.variation.peers import peer_summary

DIGITS = 4
"""Significant digits of a value in the compact files."""


def rounded(value: Any) -> float | None:
    """``value`` to ``DIGITS`` significant digits; None where it is missing or not finite."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    if number == 0:
        return 0.0
    places = DIGITS - 1 - math.floor(math.log10(abs(number)))
    return round(number, max(places, 0)) if places > 0 else float(round(number))


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _comparisons(frame: pd.DataFrame) -> tuple[list[str], dict[str, Any]]:
    found: dict[str, dict[str, dict[str, list[Any]]]] = {}
    for row in frame.itertuples(index=False):
        entry: list[Any] = [
            _text(row.comparator_area),
            rounded(row.comparator_value),
            rounded(row.comparator_lower),
            rounded(row.comparator_upper),
            row.comparison,
            _text(row.reason),
        ]
        if row.comparator == "previous":
            entry.append(_text(row.comparator_period))
        view = found.setdefault(view_key(row.level, row.period, row.sex), {})
        view.setdefault(str(row.area), {})[str(row.comparator)] = entry
    present = set(frame["comparator"])
    return [c for c in COMPARATORS if c in present], found


def _groups(rows: pd.DataFrame, order: Iterable[str]) -> list[list[Any]]:
    by_area = {str(r.area): r for r in rows.itertuples(index=False)}
    found = []
    for code in order:
        row = by_area.get(code)
        if row is None:
            continue
        hidden = is_suppressed(row.flag)
        found.append(
            [
                code,
                *(
                    None if hidden else rounded(getattr(row, c))
                    for c in ("value", "lower", "upper")
                ),
                None if hidden else rounded(row.denominator),
            ]
        )
    return found


def _inequality(rows: pd.DataFrame, slopes: pd.DataFrame) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {}
    kostra_order = [str(g) for g in range(1, 18)]
    for level, order in (("centrality", CENTRALITY_ORDER), ("kostra_group", kostra_order)):
        for (period, sex), view in rows[rows["level"] == level].groupby(["period", "sex"]):
            key = f"{period}|{sex}"
            found.setdefault(key, {})[level] = {"groups": _groups(view, order)}
    for slope in slopes.itertuples(index=False):
        key = f"{slope.period}|{slope.sex}"
        entry = found.setdefault(key, {}).setdefault(str(slope.grouping), {"groups": []})
        entry["sii"] = [rounded(slope.sii), rounded(slope.sii_lower), rounded(slope.sii_upper)]
        entry["rii"] = [rounded(slope.rii), rounded(slope.rii_lower), rounded(slope.rii_upper)]
        entry["reason"] = _text(slope.reason)
    return found


def _explained(summaries: pd.DataFrame) -> dict[str, Any]:
    municipal = summaries[summaries["level"] == "municipality"]
    return {
        f"{r.period}|{r.sex}": {
            "centrality": rounded(r.centrality_explained),
            "need": rounded(r.need_explained),
        }
        for r in municipal.itertuples(index=False)
    }


def _peers(indicator: Indicator, rows: pd.DataFrame) -> dict[str, Any]:
    found: dict[str, dict[str, list[Any]]] = {}
    for r in peer_summary(indicator, rows).itertuples(index=False):
        spread = [rounded(getattr(r, c)) for c in ("lowest", "q25", "median", "q75", "highest")]
        entry = [r.members, r.areas, *spread, [b for b in r.best.split(";") if b]]
        found.setdefault(f"{r.grouping}|{r.period}|{r.sex}", {})[r.group] = entry
    return found


def compare_view(
    indicator: Indicator,
    rows: pd.DataFrame,
    compared: pd.DataFrame,
    slopes: pd.DataFrame,
    summaries: pd.DataFrame,
) -> dict[str, Any]:
    """The compact comparisons and gradients of one indicator (the module's first shape)."""
    comparators, comparisons = _comparisons(compared)
    return {
        "id": indicator.id,
        "comparators": comparators,
        "comparisons": comparisons,
        "inequality": _inequality(rows, slopes),
        "explained": _explained(summaries),
        "peers": _peers(indicator, rows),
    }


def memberships(geography: Geography) -> dict[str, Any]:
    """Each municipality's region, referral area, health trust, KOSTRA group and centrality
    (the module's second shape)."""
    trusts = geography.trusts
    trust_of = {
        str(r): str(c) for r, c in zip(trusts["referral_area"], trusts["code"], strict=False) if r
    }
    kostra = kostra_groups().set_index("municipality")
    central = centrality().set_index("municipality")
    found = {}
    for row in geography.municipalities.itertuples(index=False):
        code = str(row.municipality)
        area = row.referral_area if isinstance(row.referral_area, str) else ""
        group = kostra.loc[code, "kostra_group"] if code in kostra.index else pd.NA
        found[code] = {
            "region": _text(row.region),
            "referral_area": area,
            "health_trust": trust_of.get(area, ""),
            "kostra_group": "" if pd.isna(group) else str(int(group)),
            "kostra_group_name": str(kostra.loc[code, "kostra_group_name"])
            if code in kostra.index
            else "",
            "centrality": str(int(central.loc[code, "centrality_class"]))
            if code in central.index
            else "",
            "centrality_index": int(central.loc[code, "centrality_index"])
            if code in central.index
            else None,
        }
    return {"municipality": found, "names": peer_group_names()}


def write_peers(
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    published: Iterable[str],
    folder: Path,
    geography: Geography,
) -> None:
    """``atlas/<id>.compare.json`` for each of the ``published`` indicators that has areas to
    compare, and ``atlas/memberships.json``."""
    (folder / "atlas").mkdir(exist_ok=True)
    rows_by = dict(tuple(disclosed.results.groupby("indicator", sort=False)))
    compared_by = dict(tuple(disclosed.comparisons.groupby("indicator", sort=False)))
    slopes_by = dict(tuple(disclosed.inequality.groupby("indicator", sort=False)))
    summaries_by = dict(tuple(disclosed.variation.groupby("indicator", sort=False)))
    empty = disclosed.comparisons.iloc[:0]
    for indicator in published:
        compared = compared_by.get(indicator, empty)
        if compared.empty:
            continue
        view = compare_view(
            catalogue[indicator],
            rows_by[indicator],
            compared,
            slopes_by.get(indicator, disclosed.inequality.iloc[:0]),
            summaries_by.get(indicator, disclosed.variation.iloc[:0]),
        )
        _dump(folder / "atlas" / f"{indicator}.compare.json", view)
    _dump(folder / "atlas" / "memberships.json", memberships(geography))


def _dump(path: Path, document: Mapping[str, Any]) -> None:
    path.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
        encoding="utf-8",
    )

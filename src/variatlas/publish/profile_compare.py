"""What a profile says about its area against more than the country: the comparator chosen
(its region, health trust, referral area, KOSTRA group, centrality class, the indicator's
target, its own previous period) and, for a municipality, its peers.

The comparisons are the disclosed results' (``comparisons``: one row per published area,
indicator, view and comparator, with the comparator's value, its interval, the judgement and
the method), read here for the profile's view of each indicator; nothing is computed from a
hidden cell. The peers' spreads and the best peers come from ``variatlas.publish.profile_peers``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

import pandas as pd

from variatlas.indicators.model import Indicator
from variatlas.publish.profile_peers import PEER_GROUPS
from variatlas.publish.wording import Language, catalogue_language, decimals, number

COMPARATORS = (
    "nation",
    "region",
    "health_trust",
    "referral_area",
    "kostra_group",
    "centrality",
    "target",
    "previous",
)
"""Every comparator a page may offer, in the order its chooser lists them."""


def comparator_name(
    comparator: str,
    area: str,
    names: Mapping[tuple[str, str], str],
    w: Mapping[str, str],
    period: str = "",
) -> str:
    """The comparator as a reader names it: Helse Nord, KOSTRA group 11, the target, its own
    previous period (2019-2021)...; ``names`` by (level, area), the comparator being named
    after its level (region, health_trust, referral_area)."""
    if comparator in ("kostra_group", "centrality"):
        return w[f"compare_{comparator}_named"].format(code=area)
    if comparator == "previous" and period:
        return w["compare_previous_named"].format(period=period)
    if comparator in ("nation", "target", "previous") or not area:
        return w[f"compare_{comparator}"]
    return names.get((comparator, area), area)


def result_words(comparison: str, reason: str, w: Mapping[str, str]) -> str:
    """The judgement (``higher``... ``met``, ``not met``, ``not compared``) in words, with
    why where it is not compared (``variatlas.variation.comparators.REASONS``)."""
    key = f"compare_result_{comparison.replace(' ', '_')}"
    if comparison != "not compared" and key in w:
        return w[key]
    why = w.get(f"compare_reason_{reason.replace(' ', '_')}")
    return f"{w['compare_result_none']}: {why}" if why else w["compare_result_none"]


def method_words(method: str, w: Mapping[str, str]) -> str:
    """How the comparison was made, in words (``variatlas.variation.comparators.METHODS``)."""
    return w.get(f"compare_method_{method}", method)


def profile_comparisons(
    comparisons: pd.DataFrame | None, table: pd.DataFrame
) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """For each (area level, area): per indicator, the comparison rows of the profile's view
    of it (its period, both sexes), as ``{indicator: {comparator: row}}`` flattened to
    ``{(level, area): {f"{indicator}|{comparator}": row}}``."""
    if comparisons is None or comparisons.empty:
        return {}
    views = table[["indicator", "level", "area", "period"]]
    found = comparisons[comparisons["sex"] == "all"].merge(
        views, on=["indicator", "level", "area", "period"]
    )
    out: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in found.to_dict("records"):
        place = out.setdefault((row["level"], row["area"]), {})
        place[f"{row['indicator']}|{row['comparator']}"] = row
    return out


def _interval(lower: Any, upper: Any, lang: Language, places: int) -> str:
    if not (_finite(lower) and _finite(upper)):
        return ""
    return f"{number(lower, lang, places)} – {number(upper, lang, places)}"


def _text(value: Any) -> str:
    """A text cell as text: empty where it is missing."""
    return (
        ""
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else str(value)
    )


def _finite(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and math.isfinite(value)


def comparison_tables(
    entries: list[dict[str, Any]],
    found: Mapping[str, dict[str, Any]],
    names: Mapping[tuple[str, str], str],
    lang: Language,
    w: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One table per comparator the area has: each indicator's value beside the comparator's
    value with its interval, the judgement and the method."""
    tables = []
    # The country is the spine charts' comparator already: its table would repeat them.
    for comparator in COMPARATORS[1:]:
        lines = []
        for entry in entries:
            row = found.get(f"{entry['id']}|{comparator}")
            if row is None:
                continue
            places = entry["places"]
            value = row.get("comparator_value")
            lines.append(
                {
                    "id": entry["id"],
                    "title": entry["title"],
                    "href": entry["href"],
                    "value": entry["value"],
                    "interval": entry["interval"] if not entry["hidden"] else "",
                    "name": comparator_name(
                        comparator,
                        _text(row.get("comparator_area")),
                        names,
                        w,
                        _text(row.get("comparator_period")),
                    ),
                    "comparator_value": number(value, lang, places) if _finite(value) else "–",
                    "comparator_interval": _interval(
                        row.get("comparator_lower"), row.get("comparator_upper"), lang, places
                    ),
                    "result": _text(row.get("comparison")) or "not compared",
                    "result_words": result_words(
                        _text(row.get("comparison")), _text(row.get("reason")), w
                    ),
                    "method": method_words(_text(row.get("method")), w),
                }
            )
        if lines:
            tables.append(
                {
                    "comparator": comparator,
                    "label": w[f"compare_{comparator}"],
                    "lines": lines,
                    # One method per comparator (variation.comparators.METHODS).
                    "method": lines[0]["method"],
                }
            )
    return tables


def peer_groups(area: str, members: pd.DataFrame, w: Mapping[str, str]) -> list[dict[str, str]]:
    """A municipality's KOSTRA group and centrality class, named."""
    if area not in members.index:
        return []
    groups = []
    for group in PEER_GROUPS:
        code = str(members.at[area, group])
        if code:
            groups.append(
                {
                    "group": group,
                    "code": code,
                    "name": w[f"compare_{group}_named"].format(code=code),
                }
            )
    return groups


def peer_lines(
    entries: list[dict[str, Any]],
    peers: Mapping[str, Mapping[str, Any]],
    lang: Language,
    w: Mapping[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Where the municipality stands among its peers on each indicator (the table twin of
    the spines' peer bands), and the peers that do best on the indicators with a
    direction, named."""
    lines, best = [], []
    for entry in entries:
        found = peers.get(entry["id"])
        if found is None:
            continue
        places = entry["places"]
        line: dict[str, Any] = {"id": entry["id"], "title": entry["title"], "value": entry["value"]}
        leaders = []
        for group in PEER_GROUPS:
            count = int(found.get(f"{group}_count") or 0)
            rank = found.get(f"{group}_rank")
            spread = [found.get(f"{group}_{k}") for k in ("lowest", "q25", "q75", "highest")]
            line[group] = {
                "place": w["peers_place"].format(rank=int(rank), count=count)
                if _finite(rank) and count
                else "–",
                "range": _interval(spread[0], spread[3], lang, places),
                "middle": _interval(spread[1], spread[2], lang, places),
            }
            if found.get(f"{group}_best"):
                leaders.append(
                    {
                        "group": group,
                        "area": found[f"{group}_best"],
                        "name": found[f"{group}_best_name"],
                        "value": number(found[f"{group}_best_value"], lang, places),
                    }
                )
        lines.append(line)
        if leaders:
            best.append(
                {
                    "id": entry["id"],
                    "title": entry["title"],
                    "href": entry["href"],
                    "value": entry["value"],
                    "leaders": leaders,
                }
            )
    return lines, best


def title_of(indicator: Indicator, lang: Language) -> str:
    return str(getattr(indicator.title, catalogue_language(lang)))


def places_of(row: Mapping[str, Any]) -> int:
    national = row["national"]
    return decimals(national if _finite(national) else row["highest"])

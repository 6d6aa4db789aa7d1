"""A municipality among its peers, for its profile: the municipalities of its SSB KOSTRA group
and of its centrality class (``variatlas.geography.classifications``).

For each indicator's profile view (the period and sex the profile shows, so the peers are
read in the same view as the municipality), ``peer_table`` gives every municipality the
spread of its peers' published values (lowest, quartiles, highest: drawn beside the
country's spread on the spine), how many peers have a figure, its own place among them and
the peer that does best where the indicator has a direction. Only published cells enter:
this runs on the profiles table, which is made from disclosed results, and a hidden cell is
neither counted nor ranked.

The best peer is chosen on the stable estimate (``shrunk_value``, the empirical-Bayes value
of ``variatlas.stats.shrinkage``) where there is one, so that a small municipality's extreme
value by chance is not named as the one to learn from; its observed value is what is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from variatlas.geography import load_geography
from variatlas.publish.peers import memberships as group_memberships
from variatlas.results import is_suppressed

PEER_GROUPS = ("kostra_group", "centrality")
"""The peer groups of a municipality, in the order the profile shows them."""
SPREAD = ("lowest", "q25", "q75", "highest")
PEER_COLUMNS = [
    f"{group}_{field}"
    for group in PEER_GROUPS
    for field in ("code", *SPREAD, "count", "rank", "best", "best_name", "best_value")
]


@cache
def memberships() -> pd.DataFrame:
    """Each municipality of 2024 with its region, referral area, health trust, KOSTRA group
    (empty where SSB's 2020 grouping cannot give it) and centrality class, as area codes (the
    atlas's ``memberships.json``, ``variatlas.publish.peers``), indexed by municipality."""
    found = group_memberships(load_geography())["municipality"]
    return pd.DataFrame.from_dict(found, orient="index")


def _leaders(published: pd.DataFrame, direction: str) -> list[tuple[str, str, float]]:
    """The two peers that do best (area, name, observed value), on their stable estimate
    where they have one, else their value: the second names the best for the first itself.
    None for an indicator without a direction."""
    if direction not in ("higher_is_better", "lower_is_better") or published.empty:
        return []
    score = published["shrunk_value"].where(published["shrunk_value"].notna(), published["value"])
    order = score.sort_values(ascending=direction == "lower_is_better").index[:2]
    return [
        (
            str(published.at[i, "area"]),
            str(published.at[i, "area_name"]),
            float(published.at[i, "value"]),
        )
        for i in order
    ]


def _rank(value: float, values: pd.Series, direction: str) -> int | None:
    """The area's place among its peers: 1 is the best (the highest without a direction)."""
    if not math.isfinite(value):
        return None
    if direction == "lower_is_better":
        return int((values < value).sum()) + 1
    return int((values > value).sum()) + 1


def peer_table(table: pd.DataFrame, directions: Mapping[str, str]) -> pd.DataFrame:
    """The municipality rows of the profiles ``table`` with their peers (``PEER_COLUMNS``),
    keyed by ``indicator`` and ``area``; ``directions`` is each indicator's direction."""
    rows = table[table["level"] == "municipality"].copy()
    if rows.empty:
        return pd.DataFrame(columns=["indicator", "area", *PEER_COLUMNS])
    members = memberships()
    if "shrunk_value" not in rows:
        rows["shrunk_value"] = np.nan
    rows["shown"] = rows["value"].notna() & ~rows["flag"].fillna("").map(is_suppressed)
    out = rows[["indicator", "area"]].copy()
    for group in PEER_GROUPS:
        rows[group] = rows["area"].map(members[group]).fillna("")
        records: list[dict[str, Any]] = []
        for (indicator, code), peers in rows.groupby(["indicator", group], sort=False):
            direction = directions.get(str(indicator), "")
            published = peers[peers["shown"]]
            values = published["value"]
            spread = dict(
                zip(
                    SPREAD,
                    [values.min(), values.quantile(0.25), values.quantile(0.75), values.max()],
                    strict=True,
                )
                if code and len(values)
                else dict.fromkeys(SPREAD, np.nan)
            )
            leaders = _leaders(published, direction) if code else []
            for index, row in peers.iterrows():
                others = [leader for leader in leaders if leader[0] != row["area"]]
                best = others[0] if others else ("", "", None)
                shown = bool(row["shown"]) and bool(code)
                records.append(
                    {
                        "index": index,
                        f"{group}_code": code,
                        **{f"{group}_{k}": v for k, v in spread.items()},
                        f"{group}_count": len(values) if code else 0,
                        f"{group}_rank": _rank(row["value"], values, direction) if shown else None,
                        f"{group}_best": best[0],
                        f"{group}_best_name": best[1],
                        f"{group}_best_value": np.nan if best[2] is None else best[2],
                    }
                )
        found = pd.DataFrame(records).set_index("index")
        out = out.join(found)
    return out.reset_index(drop=True)


def peer_spine(
    entry: Mapping[str, Any], peers: Mapping[str, Any], direction: str, width: int, band: int
) -> Markup:
    """The spine of a municipality with its peers: three bands on one scale, centred on the
    country: all municipalities, the KOSTRA group, the centrality class (lowest to highest,
    the middle half darker), the municipality's value as a dot on each band."""
    spreads = [[entry[k] for k in SPREAD]] + [
        [peers.get(f"{group}_{k}", np.nan) for k in SPREAD] for group in PEER_GROUPS
    ]
    known = [v for spread in spreads for v in spread if _finite(v)]
    height = band * len(spreads)
    empty = (
        f'<svg class="spine peers" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" aria-hidden="true">'
    )
    if not known:
        return Markup(empty + "</svg>")
    centre = entry["national"] if _finite(entry["national"]) else (min(known) + max(known)) / 2
    half = max(abs(v - centre) for v in known) or 1.0
    sign = -1 if direction == "lower_is_better" else 1
    middle, reach = width / 2, width / 2 - 8

    def x(value: float) -> float:
        return middle + sign * reach * (value - centre) / half

    parts = []
    for n, spread in enumerate(spreads):
        top = n * band + band / 4
        if all(_finite(v) for v in spread):
            low, q25, q75, high = sorted(x(v) for v in spread)
            parts.append(
                f'<rect class="range band-{n}" x="{low:.1f}" y="{top:g}" width="{high - low:.1f}"'
                f' height="{band / 2:g}"/>'
                f'<rect class="middle band-{n}" x="{q25:.1f}" y="{top:g}" width="{q75 - q25:.1f}"'
                f' height="{band / 2:g}"/>'
            )
        if _finite(entry["value"]):
            marker, centre_y = entry["compared"] or "none", n * band + band / 2
            parts.append(
                f'<circle class="{marker}" cx="{x(entry["value"]):.1f}" cy="{centre_y:g}"'
                f' r="{band / 2 - 3:g}"/>'
            )
    parts.insert(0, f'<path class="centre" d="M{middle:g} 0v{height}"/>')
    return Markup(empty + "".join(parts) + "</svg>")


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float, np.floating)) and math.isfinite(value)

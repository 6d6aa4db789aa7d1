"""Where a municipality stands among its peers: the spread of the published values of its
KOSTRA group and of its centrality class, and the peers that do best.

For each peer group, period and sex with published municipality rows: how many of the
group's municipalities are published, the lowest, quartiles, median and highest of their
values (as the profile's spine shows the country's spread), and, for an indicator with a
direction, up to ``BEST`` municipalities with the most favourable published values. Only
published values enter (this runs on disclosed results), so a hidden municipality is neither
in the spread nor named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from variatlas.geography import peer_groups
from variatlas.indicators.model import Indicator
from variatlas.results import PEER_LEVELS, is_suppressed

BEST = 3
"""Peers named as doing best, per group."""
PEER_COLUMNS = [
    "indicator",
    "grouping",
    "group",
    "period",
    "sex",
    "members",
    "areas",
    "lowest",
    "q25",
    "median",
    "q75",
    "highest",
    "best",
]


def peer_summary(indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per peer grouping (``kostra_group``, ``centrality``), group, period and sex
    (``PEER_COLUMNS``): ``members`` (municipalities in the group), ``areas`` (those
    published), the spread, and ``best`` (codes separated by ";", most favourable first;
    empty for an indicator without a direction)."""
    municipal = rows[rows["level"] == "municipality"]
    shown = municipal[
        ~municipal["flag"].map(is_suppressed).astype(bool) & municipal["value"].notna()
    ]
    groups = peer_groups()
    higher_first = {"higher_is_better": True, "lower_is_better": False}.get(indicator.direction)
    found = []
    for grouping in PEER_LEVELS:
        members = pd.Series(groups[grouping]).value_counts()
        placed = shown.assign(group=shown["area"].astype(str).map(groups[grouping]))
        placed = placed[placed["group"].notna()]
        for (group, period, sex), view in placed.groupby(["group", "period", "sex"]):
            values = pd.to_numeric(view["value"]).to_numpy(float)
            best = ""
            if higher_first is not None:
                ranked = view.assign(v=values).sort_values(
                    ["v", "area"], ascending=[not higher_first, True]
                )
                best = ";".join(ranked["area"].astype(str).head(BEST))
            found.append(
                {
                    "indicator": indicator.id,
                    "grouping": grouping,
                    "group": str(group),
                    "period": period,
                    "sex": sex,
                    "members": int(members.get(group, 0)),
                    "areas": len(values),
                    "lowest": float(values.min()),
                    "q25": float(np.quantile(values, 0.25)),
                    "median": float(np.median(values)),
                    "q75": float(np.quantile(values, 0.75)),
                    "highest": float(values.max()),
                    "best": best,
                }
            )
    return pd.DataFrame(found, columns=PEER_COLUMNS)

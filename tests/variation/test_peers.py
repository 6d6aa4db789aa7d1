"""The spread of a peer group's published municipalities and the peers that do best."""

from __future__ import annotations

import pandas as pd
import pytest

from variatlas.geography import kostra_groups
from variatlas.indicators import load_catalogue
from variatlas.results import SUPPRESSED_FLAG
from variatlas.variation.peers import peer_summary

CATALOGUE = load_catalogue()


def _group_rows() -> tuple[str, pd.DataFrame]:
    """Five municipalities of one KOSTRA group, values 1–5, the one with 5 hidden."""
    groups = kostra_groups().dropna(subset=["kostra_group"])
    group = groups["kostra_group"].value_counts().index[0]
    codes = sorted(groups.loc[groups["kostra_group"] == group, "municipality"])[:5]
    rows = pd.DataFrame(
        {
            "level": "municipality",
            "area": codes,
            "period": "2022-2024",
            "sex": "all",
            "value": [3.0, 1.0, 4.0, 2.0, None],
            "flag": ["", "", "", "", SUPPRESSED_FLAG],
        }
    )
    return str(int(group)), rows


def test_the_spread_and_the_best_are_of_the_published_peers_only() -> None:
    group, rows = _group_rows()
    indicator = CATALOGUE["hpv_vaccination"].model_copy(update={"direction": "higher_is_better"})
    found = peer_summary(indicator, rows)
    row = found[(found["grouping"] == "kostra_group") & (found["group"] == group)].iloc[0]
    assert row["areas"] == 4
    assert row["members"] >= 5
    assert (row["lowest"], row["median"], row["highest"]) == (1.0, 2.5, 4.0)
    assert (row["q25"], row["q75"]) == pytest.approx((1.75, 3.25))
    codes = rows["area"].tolist()
    assert row["best"].split(";") == [codes[2], codes[0], codes[3]]


def test_lower_is_better_names_the_lowest_and_no_direction_names_none() -> None:
    group, rows = _group_rows()
    lower = CATALOGUE["hpv_vaccination"].model_copy(update={"direction": "lower_is_better"})
    found = peer_summary(lower, rows)
    row = found[(found["grouping"] == "kostra_group") & (found["group"] == group)].iloc[0]
    assert row["best"].split(";")[0] == rows["area"].iloc[1]
    neutral = CATALOGUE["hpv_vaccination"].model_copy(update={"direction": "neutral"})
    assert set(peer_summary(neutral, rows)["best"]) == {""}

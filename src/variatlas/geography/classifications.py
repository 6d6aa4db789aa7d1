"""Statistics Norway's classifications of municipalities: centrality, KOSTRA groups, commuting
regions, for the 357 municipalities of 2024.

They let an area be compared with its peers (the municipalities of its KOSTRA group or
centrality class) rather than only with the country, and let gradients be measured across
ordered groups (the centrality classes, from the least central to the most, for the slope
index of inequality in ``variatlas.stats.inequality``).

The data are shipped (``data/SOURCE.md`` says where each comes from, its licence and date) and
made by ``tools/make_classifications.py``:

- ``centrality()``: SSB's centrality index 2023 (sentralitetsindeks, 0–1000) and class (1 most
  central … 6 least), on 2024 borders; SSB Klass 128. Method: Høydahl E, Ny sentralitetsindeks
  for kommunene, SSB Notater 2017/40.
- ``kostra_groups()``: SSB's KOSTRA groups per 2020 (Klass 112; 17 groups; Kringlebotten M,
  Langørgen A, SSB Rapporter 2020/48), carried to 2024 codes through the municipality history.
  A municipality whose group the 2020 grouping cannot give (Haram, split from Ålesund in 2024)
  has no group and says why.
- ``commuting_regions()``: the 160 commuting regions (bo- og arbeidsmarkedsregioner 2020,
  NIBR/OsloMet, published by SSB) on 2024 codes.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

import pandas as pd

from variatlas.geography.areas import load_geography

CENTRALITY_CLASSES: dict[int, str] = {
    1: "925–1000 (most central)",
    2: "870–924",
    3: "775–869",
    4: "670–774",
    5: "565–669",
    6: "0–564 (least central)",
}
"""SSB's six centrality classes and the index interval of each (Klass 128)."""


def _table(name: str) -> pd.DataFrame:
    text = (files("variatlas.geography") / "data" / name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@cache
def _names() -> pd.Series:
    frame = load_geography().municipalities
    return frame.set_index("municipality")["name"]


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(1, "name", frame["municipality"].map(_names()))
    return frame.reset_index(drop=True)


@cache
def _centrality() -> pd.DataFrame:
    table = _table("centrality_2024.csv")
    table["centrality_class"] = table["centrality_class"].astype(int)
    table["centrality_index"] = table["centrality_index"].astype(int)
    table["interval"] = table["centrality_class"].map(CENTRALITY_CLASSES)
    return _with_names(table)


def centrality() -> pd.DataFrame:
    """SSB's centrality of each municipality of 2024.

    Columns: ``municipality`` (4 digits), ``name``, ``centrality_class`` (1 most central … 6
    least central), ``centrality_index`` (0–1000, SSB's index 2023) and ``interval`` (the
    class's index interval). One row per municipality, sorted by code.

    Source: Statistics Norway (SSB), sentralitetsindeks 2023 on 2024 municipality borders
    ("sentralitet 2023-2024 kommuner.xlsx"; Klass 128), CC BY 4.0.
    """
    return _centrality().copy()


@cache
def _kostra() -> pd.DataFrame:
    table = _table("kostra_groups_2024.csv")
    names = _table("kostra_group_names.csv").set_index("kostra_group")["name"]
    table["kostra_group_name"] = table["kostra_group"].map(names).fillna("")
    table["kostra_group"] = pd.array(
        [int(g) if g else None for g in table["kostra_group"]], dtype="Int64"
    )
    table = table[
        ["municipality", "kostra_group", "kostra_group_name", "codes_2020", "reason", "note"]
    ]
    return _with_names(table)


def kostra_groups() -> pd.DataFrame:
    """SSB's KOSTRA group (per 2020) of each municipality of 2024.

    Columns: ``municipality``, ``name``, ``kostra_group`` (1–17, nullable: missing where the
    group cannot be known), ``kostra_group_name`` (the group's criteria in SSB's words:
    population, bound costs, free disposable income), ``codes_2020`` (the 2020 municipality
    the group was read from), ``reason`` (why there is no group; empty where there is one)
    and ``note`` (what else the reader should know, e.g. that the municipality lost part of
    itself after 2020).

    Source: Statistics Norway (SSB), Klass 112 "Gruppering av kommuner etter folkemengde og
    økonomiske rammebetingelser", version per 2020, CC BY 4.0; carried to 2024 codes through
    the municipality history (``data/SOURCE.md``).
    """
    return _kostra().copy()


def kostra_group_names() -> pd.DataFrame:
    """The 17 KOSTRA groups per 2020: ``kostra_group``, ``name``, ``population``,
    ``bound_costs``, ``free_income`` (the criteria as SSB states them, in Norwegian)."""
    table = _table("kostra_group_names.csv")
    table["kostra_group"] = table["kostra_group"].astype(int)
    return table


@cache
def _commuting() -> pd.DataFrame:
    return _with_names(_table("commuting_regions_2024.csv"))


def commuting_regions() -> pd.DataFrame:
    """The commuting region (bo- og arbeidsmarkedsregion 2020) of each municipality of 2024.

    Columns: ``municipality``, ``name``, ``commuting_region`` (two-digit code, 160 regions),
    ``commuting_region_name`` and ``basis`` (why the municipality belongs to the region: a
    centre, or commuting and travel-time criteria, in Norwegian).

    Source: NIBR (OsloMet)'s classification of 2020, published by SSB, as FHI's csdata
    package keeps it on 2024 codes (MIT); three codes of earlier structures carried forward
    through the municipality history.
    """
    return _commuting().copy()


PEER_LEVEL_NAMES = {"kostra_group": "KOSTRA-gruppe", "centrality": "Sentralitetsklasse"}
"""The name of a peer group's area (in Norwegian, like the other area names), before its
number: "KOSTRA-gruppe 5", "Sentralitetsklasse 6"."""


@cache
def peer_groups() -> dict[str, dict[str, str]]:
    """Peer level → municipality (2024 code) → the group it belongs to, as text: its KOSTRA
    group ("1".."17") and its centrality class ("1" most central … "6" least). A municipality
    whose KOSTRA group cannot be known (Haram) is in no KOSTRA group."""
    groups = _kostra().dropna(subset=["kostra_group"])
    classes = _centrality()
    return {
        "kostra_group": dict(
            zip(groups["municipality"], groups["kostra_group"].astype(int).astype(str), strict=True)
        ),
        "centrality": dict(
            zip(classes["municipality"], classes["centrality_class"].astype(str), strict=True)
        ),
    }


def peer_group_names() -> dict[str, dict[str, str]]:
    """Peer level → group code → the group's area name (``PEER_LEVEL_NAMES``)."""
    return {
        "kostra_group": {
            str(g): f"{PEER_LEVEL_NAMES['kostra_group']} {g}"
            for g in kostra_group_names()["kostra_group"]
        },
        "centrality": {str(c): f"{PEER_LEVEL_NAMES['centrality']} {c}" for c in CENTRALITY_CLASSES},
    }

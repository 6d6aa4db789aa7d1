"""SSB's municipality classifications: centrality, KOSTRA groups and commuting regions.

Expected values are read from the reference copies in ../shared/reference/ssb/classifications
(see that folder's README), never computed with the code under test.
"""

from __future__ import annotations

import importlib.util
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from variatlas.geography import (
    CENTRALITY_CLASSES,
    centrality,
    commuting_regions,
    kostra_group_names,
    kostra_groups,
    load_geography,
)

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "ssb" / "classifications"
TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_classifications.py"


def reference(name: str) -> pd.DataFrame:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def municipalities() -> list[str]:
    return sorted(load_geography().municipalities["municipality"])


def test_every_municipality_of_2024_has_a_centrality_class(municipalities) -> None:
    table = centrality()
    assert list(table["municipality"]) == municipalities
    assert table["centrality_class"].between(1, 6).all()
    assert table["centrality_index"].between(0, 1000).all()
    assert (table["name"] != "").all()
    # Every index lies in its class's interval (Klass 128's class names).
    for row in table.itertuples():
        low, high = CENTRALITY_CLASSES[row.centrality_class].split(" ")[0].split("–")
        assert int(low) <= row.centrality_index <= int(high), row


def test_centrality_is_ssbs_published_table() -> None:
    expected = reference("centrality_2023_2024.csv").set_index("knr 2024")
    table = centrality().set_index("municipality")
    assert sorted(table.index) == sorted(expected.index)
    assert (table["centrality_class"] == expected["Klasse 2023"].astype(int)).all()
    assert (table["centrality_index"] == expected["Indeks 2023"].astype(int)).all()
    assert table.loc["0301", "centrality_class"] == 1  # Oslo, the most central
    bodo = expected.loc["1804"]
    assert table.loc["1804", "centrality_class"] == int(bodo["Klasse 2023"])
    assert table.loc["1804", "centrality_index"] == int(bodo["Indeks 2023"])


def test_centrality_agrees_with_klass_128_but_for_smola() -> None:
    klass = reference("centrality_klass128_codes.csv")
    klass = klass[klass["level"] == "2"].set_index("code")
    table = centrality().set_index("municipality")
    shared = table.index.intersection(klass.index)
    assert len(shared) == 357
    other_class = klass.loc[shared, "parentCode"].astype(int)
    other_index = klass.loc[shared, "notes"].astype(int)
    assert (table.loc[shared, "centrality_class"] == other_class).all()
    differs = table.loc[shared][table.loc[shared, "centrality_index"] != other_index]
    assert list(differs.index) == ["1573"]  # Smøla: 445 in SSB's Excel file, 501 in Klass


def test_kostra_groups_cover_2024_or_say_why_not(municipalities) -> None:
    table = kostra_groups()
    assert list(table["municipality"]) == municipalities
    known = table["kostra_group"].notna()
    assert table.loc[known, "kostra_group"].between(1, 17).all()
    assert (table.loc[known, "reason"] == "").all()
    assert (table.loc[known, "kostra_group_name"] != "").all()
    assert (table.loc[~known, "reason"] != "").all()
    assert (table.loc[~known, "kostra_group_name"] == "").all()
    assert list(table.loc[~known, "municipality"]) == ["1580"]
    assert list(kostra_group_names()["kostra_group"]) == list(range(1, 18))


def test_kostra_groups_follow_the_2020_grouping_through_the_history() -> None:
    expected = reference("kostra_groups_2020_borders.csv")
    geography = load_geography()
    table = kostra_groups().set_index("municipality")
    for row in expected.itertuples():
        successor = geography.current_municipality(row.komnr)
        assert successor is not None, row
        assert table.loc[successor, "kostra_group"] == int(row.kostragr), row
        assert row.komnr in table.loc[successor, "codes_2020"].split()
    by_code = expected.set_index("komnr")["kostragr"].astype(int)
    assert table.loc["0301", "kostra_group"] == by_code["0301"] == 13  # Oslo is its own group
    assert table.loc["1804", "kostra_group"] == by_code["1804"]  # Bodø, unchanged since 2020
    # Ålesund (1507 in 2020, 1508 from 2024) keeps its group, with a note; Haram, split off
    # from it in 2024, has none in the 2020 grouping, and says so.
    assert table.loc["1508", "kostra_group"] == by_code["1507"]
    assert "Haram" in table.loc["1508", "note"]
    assert pd.isna(table.loc["1580", "kostra_group"])
    assert "split off from 1507" in table.loc["1580", "reason"]


def test_commuting_regions_cover_2024(municipalities) -> None:
    expected = reference("commuting_regions_2024.csv")
    geography = load_geography()
    table = commuting_regions().set_index("municipality")
    assert sorted(table.index) == municipalities
    assert table["commuting_region"].nunique() == expected["ba_nr"].nunique() == 160
    for row in expected.itertuples():
        code = geography.current_municipality(row.knr)  # three codes of earlier structures
        assert table.loc[code, "commuting_region"] == row.ba_nr, row
        assert table.loc[code, "commuting_region_name"] == row.ba_navn, row
    assert table.loc["0301", "commuting_region_name"] == "Oslo/Bærum"


def test_the_tool_remakes_the_shipped_files(tmp_path, monkeypatch) -> None:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is not available")
    spec = importlib.util.spec_from_file_location("make_classifications", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "DATA", tmp_path)
    tool.main(REFERENCE)
    shipped = files("variatlas.geography") / "data"
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == [
        "centrality_2024.csv",
        "commuting_regions_2024.csv",
        "kostra_group_names.csv",
        "kostra_groups_2024.csv",
    ]
    for name in made:
        assert (tmp_path / name).read_text(encoding="utf-8") == (shipped / name).read_text(
            encoding="utf-8"
        ), name

"""Extracts as users bring them: a few of the tables, or the residents of one health region.
Each runs end to end (compute → disclose → publish) and says what it could not do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from variatlas.geography import load_geography
from variatlas.indicators.model import load_catalogue
from variatlas.pipeline import compute, disclose, publish
from variatlas.results import NATION_CODE, read_results
from variatlas.synth import synthesize

HELSE_NORD = "1"


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("whole")
    synthesize(folder, [2023, 2024], scale=0.01, seed=5)
    return folder


def test_a_partial_extract_computes_what_its_tables_allow(whole: Path, tmp_path: Path) -> None:
    present = {"population", "episodes", "cancer_pathways", "vaccinations"}
    for name in present:
        shutil.copy(whole / f"{name}.parquet", tmp_path / f"{name}.parquet")
    output = compute(tmp_path, tmp_path / "out")
    catalogue = load_catalogue()
    possible = {
        i.id
        for i in catalogue.values()
        if {table for table, needed in i.tables().items() if needed} <= present
    }
    computed = set(output.results["indicator"])
    assert computed == possible
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert set(provenance["not_computed"]) == set(catalogue) - possible
    assert "deaths" in provenance["not_computed"]["cancer_surgery_survival_30d"]
    assert "deaths" in provenance["optional_tables_absent"].get("readmission_elderly", [])
    publish(disclose(read_results(tmp_path / "out")), tmp_path / "site")
    published = json.loads((tmp_path / "site" / "catalogue.json").read_text())
    assert {i["id"] for i in published["indicators"]} <= possible


def test_a_regional_extract_compares_with_the_areas_in_the_data(
    whole: Path, tmp_path: Path
) -> None:
    geography = load_geography()
    north = set(
        geography.municipalities.loc[
            geography.municipalities["region"] == HELSE_NORD, "municipality"
        ]
    )
    for name in ("population", "episodes"):
        table = pd.read_parquet(whole / f"{name}.parquet")
        table[table["municipality"].isin(north)].to_parquet(tmp_path / f"{name}.parquet")
    # Helse Nord at 1 % is some 5,000 people: a common indicator, so that areas vary.
    output = compute(tmp_path, tmp_path / "out", indicators=["hospital_contacts_children"])
    results = output.results
    municipalities = set(results.loc[results["level"] == "municipality", "area"])
    assert municipalities and municipalities <= north
    assert set(results.loc[results["level"] == "region", "area"]) == {HELSE_NORD}
    nation = results[results["level"] == "nation"]
    assert set(nation["area"]) == {NATION_CODE}
    assert set(nation["area_name"]) == {"Alle områder i dataene"}
    assert set(output.variation["comparator"]) == {"data"}
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert provenance["coverage"]["national"] is False
    assert provenance["coverage"]["regions"] == [HELSE_NORD]

    publish(disclose(read_results(tmp_path / "out")), tmp_path / "site")
    site = tmp_path / "site"
    areas = pd.read_csv(site / "data" / "areas.csv", dtype=str)
    assert areas.loc[areas["level"] == "nation", "name"].tolist() == ["Alle områder i dataene"]
    page = (site / "en" / "hospital_contacts_children.html").read_text()
    assert 'id="regional-note"' in page
    assert "all areas in the data" in page.lower()
    front = (site / "index.html").read_text()
    assert "Alle områdene i dataene".lower() in front.lower()


def test_an_extract_without_a_population_uses_the_shipped_one(whole: Path, tmp_path: Path) -> None:
    from variatlas.contract import ReadOptions
    from variatlas.contract.validation import SHIPPED_POPULATION
    from variatlas.pipeline import InputRefused

    shutil.copy(whole / "episodes.parquet", tmp_path / "episodes.parquet")
    output = compute(
        tmp_path,
        tmp_path / "out",
        read=ReadOptions(population="ssb"),
        indicators=["tonsillectomy_children"],
    )
    # Only the years of the episodes, not every year of the shipped table.
    episodes = pd.read_parquet(whole / "episodes.parquet")
    assert output.years == sorted(pd.to_datetime(episodes["start_date"]).dt.year.unique())
    ssb = pd.read_parquet(SHIPPED_POPULATION["ssb"])
    children = ssb[(ssb["year"] == 2024) & (ssb["age"] <= 16)]["population"].sum()
    r = output.results
    nation = r[(r["level"] == "nation") & (r["period"] == "2024") & (r["sex"] == "all")]
    assert nation["denominator"].item() == children
    assert "population_ssb.parquet" in output.provenance["inputs"]["population"]["file"]
    assert output.provenance["inputs"]["population"]["sha256"]
    shutil.copy(whole / "population.parquet", tmp_path / "population.parquet")
    with pytest.raises(InputRefused, match="has its own population table"):
        compute(tmp_path, tmp_path / "out2", read=ReadOptions(population="ssb"))

"""The whole catalogue on synthetic Norway (scale 0.05, 2019–2024): planted effects are found,
and counts add up across areas, sexes and periods. Also SKDE's real Barnehelseatlas figures.
"""

from __future__ import annotations

import csv
import json
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from variatlas.indicators import load_catalogue
from variatlas.results import LEVELS

PERIOD = "2022-2024"


def _rows(
    results: pd.DataFrame, indicator: str, level: str, period: str = PERIOD, sex: str = "all"
) -> pd.DataFrame:
    return results[
        (results["indicator"] == indicator)
        & (results["level"] == level)
        & (results["period"] == period)
        & (results["sex"] == sex)
    ].set_index("area")


def test_every_catalogue_indicator_has_results(norway) -> None:
    results, variation, _ = norway
    expected = set(load_catalogue())
    assert set(results["indicator"]) == expected
    assert set(variation["indicator"]) == expected
    assert set(results["level"]) == set(LEVELS)
    # DPS areas come only from SKDE's published figures: patient data has no DPS column.
    dps = results.loc[results["level"] == "dps", "indicator"]
    assert dps.str.startswith("skde_psyk2_").all()
    municipal = results[
        (results["level"] == "municipality")
        & (results["indicator"] == "hospital_contacts_children")
    ]
    assert municipal["area"].nunique() == 357


def test_planted_tonsillectomy_areas_are_found(norway) -> None:
    results, _, truth = norway
    rows = _rows(results, "tonsillectomy_children", "referral_area")
    high = truth["tonsillectomy_high_areas"]
    null = truth["tonsillectomy_null_areas"]
    flagged_high = rows.loc[high, "funnel"].str.startswith("High").sum()
    assert flagged_high >= 2
    assert rows.loc[null, "funnel"].str.endswith("(0.001)").sum() <= 1
    ratio = rows["numerator"] / rows["expected"]
    assert ratio.loc[high].mean() > 1.4 * ratio.loc[null].mean()
    assert ratio.loc[truth["tonsillectomy_low_areas"]].mean() < 0.85 * ratio.loc[null].mean()


def test_planted_readmission_municipalities_are_found(norway) -> None:
    results, _, truth = norway
    rows = _rows(results, "readmission_elderly", "municipality")
    planted = rows.index.isin(truth["high_readmission_municipalities"])
    pooled = rows.loc[planted, "numerator"].sum() / rows.loc[planted, "expected"].sum()
    others = rows.loc[~planted, "numerator"].sum() / rows.loc[~planted, "expected"].sum()
    # Planted as odds ratio 2 on the synthetic readmissions; other acute stays of the same
    # person within 30 days also count, which dilutes the ratio in every municipality.
    assert pooled > 1.2 and 0.9 < others < 1.1


def test_planted_trust_effects_are_found(norway) -> None:
    results, _, truth = norway
    coercion = _rows(results, "coercive_admission_share", "health_trust")
    assert coercion["value"].idxmax() == truth["high_coercion_trust"]
    assert coercion.loc[truth["high_coercion_trust"], "funnel"] == "High (0.001)"
    lung = _rows(results, "cancer_pathways_within_standard_time_lung", "health_trust")
    assert lung["value"].idxmin() == truth["slow_lung_pathways_trust"]
    assert lung.loc[truth["slow_lung_pathways_trust"], "funnel"].startswith("Low")
    wait = _rows(results, "bup_waiting_time", "health_trust")
    slow = truth["long_bup_wait_trust"]
    assert wait.loc[slow, "lower"] > wait.drop(index=slow)["upper"].max()
    experience = _rows(results, "psychiatric_inpatient_experience", "health_trust")
    assert experience["value"].idxmin() == truth["low_patient_experience_trust"]


def test_planted_area_and_municipality_effects_are_found(norway) -> None:
    results, variation, truth = norway
    inclusion = _rows(results, "cancer_patients_in_pathway", "referral_area")
    assert inclusion.loc[truth["low_pathway_inclusion_area"], "funnel"].startswith("Low")
    hpv = _rows(results, "hpv_vaccination", "municipality")
    low = hpv.index.isin(truth["low_hpv_municipalities"])
    share_low = hpv.loc[low, "numerator"].sum() / hpv.loc[low, "denominator"].sum()
    share_rest = hpv.loc[~low, "numerator"].sum() / hpv.loc[~low, "denominator"].sum()
    assert 0.65 < share_low / share_rest < 0.85
    asthma = variation[
        (variation["indicator"] == "asthma_admissions_children")
        & (variation["level"] == "referral_area")
        & (variation["sex"] == "all")
        & variation["period"].str.contains("-")
    ]
    # On the real population at 5 %, Finnmark has some 700 children a year in the data:
    # chance takes a share of the variation, need most of it.
    assert (asthma["need_explained"] > 0.3).all() and asthma["need_explained"].mean() > 0.45
    rates = _rows(results, "asthma_admissions_children", "referral_area")["crude_value"]
    needy = truth["asthma_higher_from_morbidity_areas"]
    assert rates.loc[needy].min() > rates.drop(index=needy).median()


def test_areas_sexes_and_periods_add_up(norway) -> None:
    results, _, _ = norway
    events = results[results["indicator"] == "hospital_contacts_children"]
    for (period, sex), frame in events.groupby(["period", "sex"]):
        nation = frame.loc[frame["level"] == "nation", "numerator"].item()
        for level in ("municipality", "referral_area", "region"):
            assert frame.loc[frame["level"] == level, "numerator"].sum() == nation, (
                period,
                sex,
                level,
            )
    nation = events[events["level"] == "nation"].set_index(["period", "sex"])["numerator"]
    for period in nation.index.get_level_values(0).unique():
        assert nation[(period, "M")] + nation[(period, "F")] == nation[(period, "all")]
    assert nation[("2022-2024", "all")] == sum(nation[(str(y), "all")] for y in (2022, 2023, 2024))
    persons = results[
        (results["indicator"] == "bup_treated_share")
        & (results["sex"] == "all")
        & (results["period"] == "2024")
    ]
    assert (
        persons.loc[persons["level"] == "referral_area", "numerator"].sum()
        == persons.loc[persons["level"] == "nation", "numerator"].item()
    )


def test_values_lie_inside_their_intervals(norway) -> None:
    results, _, _ = norway
    rows = results[results["value"].notna() & results["lower"].notna()]
    assert (rows["lower"] <= rows["value"] + 1e-9).all()
    assert (rows["value"] <= rows["upper"] + 1e-9).all()


def _published() -> list[dict[str, str]]:
    source = files("variatlas.indicators") / "data" / "barnehelseatlas_2011_2014.csv"
    with source.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_barnehelseatlas_is_computed_beside_skde_values(norway) -> None:
    results, variation, _ = norway
    atlas = results[results["indicator"].str.startswith("barnehelseatlas")]
    published = _published()
    assert len(atlas) == len(published) == 475
    merged = atlas.set_index(["indicator", "area"])
    for row in published:
        ours = merged.loc[(row["indicator"], row["area"])]
        assert ours["published_value"] == pytest.approx(float(row["value"]))
        crude = float(row["numerator"]) / float(row["denominator"]) * 100_000
        assert ours["value"] == pytest.approx(crude)
        assert ours["lower"] < crude < ours["upper"]
    tonsils = variation[
        (variation["indicator"] == "barnehelseatlas_23") & (variation["level"] == "referral_area")
    ]
    assert tonsils["areas"].item() == 18
    assert np.isfinite(tonsils["scv"].item())


def test_compute_writes_parquet_csv_and_provenance(norway, norway_folder) -> None:
    out = norway_folder / "out"
    for name in ("results", "variation"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["engine"] == "duckdb"
    assert provenance["years"] == list(range(2019, 2025))
    assert provenance["inputs"]["episodes"]["sha256"]
    assert set(provenance["indicators"]) == set(load_catalogue())

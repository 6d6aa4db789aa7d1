"""The SKDE atlases shipped since issue 24 hold SKDE's own numbers: each test reads SKDE's file
(../shared/reference/skde) beside the shipped rows, so a figure is checked against what SKDE
published, not against the tool that converted it."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from variatlas.compute.published import aggregate_results
from variatlas.indicators.model import load_catalogue
from variatlas.synth.norway import write_published

RESULTS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "skde" / "results"
pytestmark = pytest.mark.skipif(not RESULTS.exists(), reason=f"{RESULTS} is not available")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("published") / "aggregates.csv"
    write_published(path)
    return pd.read_csv(path, dtype={"area": str, "period": str, "sex": str, "age_group": str})


def _blocks(atlas: str, name: str) -> dict[str, list[dict[str, Any]]]:
    spec = json.loads((RESULTS / "mongts-atlas-data" / atlas / name).read_text(encoding="utf-8"))
    return {b["label"]: b["data"] for b in spec["innhold"] if b["type"] == "data"}


def _rows(shipped: pd.DataFrame, indicator: str, level: str, period: str) -> pd.DataFrame:
    found = shipped[
        (shipped["indicator"] == indicator)
        & (shipped["level"] == level)
        & (shipped["period"] == period)
    ]
    return found.set_index("area_name")


def test_a_lab_figure_is_skdes_by_referral_area_region_and_year(shipped) -> None:
    blocks = _blocks("lab", "natrium_rb1.json")
    areas = _rows(shipped, "skde_lab_natrium", "referral_area", "2021-2023")
    referral = [r for r in blocks["datasett_1"] if r["area"] != "Norge"]
    assert len(areas) == len(referral) == 21
    for record in referral:
        row = areas.loc[record["area"]]
        assert row["value"] == pytest.approx(record["totsnitt"], rel=1e-9)
        assert row["numerator"] == pytest.approx(record["tot_events"], rel=1e-9)
        assert row["denominator"] == pytest.approx(record["tot_pop"], rel=1e-9)
        year = _rows(shipped, "skde_lab_natrium", "referral_area", "2022").loc[record["area"]]
        assert year["value"] == pytest.approx(record["tot2022"], rel=1e-9)
    regions = _rows(shipped, "skde_lab_natrium", "region", "2021-2023")
    by_region = [r for r in blocks["datasett_2"] if r["borhf"] != "Norge"]
    assert sorted(regions.index) == sorted(r["borhf"] for r in by_region)
    for record in by_region:
        assert regions.loc[record["borhf"], "value"] == pytest.approx(record["totsnitt"])


def test_a_county_figure_is_skdes_by_county_number_and_its_counts_give_its_rate(shipped) -> None:
    # SKDE's drug rates by county are unadjusted ("*Ujusterte rater"): its counts give them.
    blocks = _blocks("barn2025", "aad_rb1_tot_fylke.json")
    counties = _rows(shipped, "skde_barn2025_aad_tot_fylke_drugs", "county", "2022-2024")
    assert len(counties) == 15
    for record in blocks["datasett_1"]:
        if record["area"] == "Norge":
            continue
        row = counties.loc[record["area"]]
        assert row["area"] == f"{record['fylke']:02d}"
        assert row["value"] == pytest.approx(record["ratesnitt"], rel=1e-9)
        assert row["numerator"] == pytest.approx(record["passnitt"], rel=1e-9)
    indicator = load_catalogue()["skde_barn2025_aad_tot_fylke_drugs"]
    rows = shipped[shipped["indicator"] == indicator.id].reset_index(drop=True)
    results = aggregate_results(indicator, rows)
    counted = results[results["numerator"].notna()]
    assert set(counted["level"]) == {"county", "nation"}
    assert (counted["crude_value"] / counted["published_value"] - 1).abs().max() < 1e-6


def test_the_county_boxes_patient_rate_is_the_line_beside_the_bars(shipped) -> None:
    blocks = _blocks("barn2025", "astma_rb1_tot_fylke.json")
    patients = _rows(shipped, "skde_barn2025_astma_tot_fylke_patients", "county", "2022-2024")
    for record in blocks["datasett_2"]:
        if record["area"] != "Norge":
            assert patients.loc[record["area"], "value"] == pytest.approx(record["unprratesnitt"])
    unit = load_catalogue()["skde_barn2025_astma_tot_fylke_patients"].unit
    assert unit.en == "per 1,000 children (0-18 years)"


def test_totals_over_the_period_are_shipped_as_yearly_means(shipped) -> None:
    # fysioterapi_20_10.json: "Samla verdiar for perioden 2018–2021", four years of counts.
    blocks = _blocks("hjarteinfarkt", "fysioterapi_20_10.json")
    areas = _rows(shipped, "skde_hjarteinfarkt_fysioterapi_20_10", "referral_area", "2018-2021")
    for record in blocks["qwerty"]:
        if record["area"] in areas.index:
            row = areas.loc[record["area"]]
            assert row["numerator"] == pytest.approx(record["Samla_trening"] / 4)
            assert row["denominator"] == pytest.approx(record["Samla_indeks"] / 4)


def test_a_national_line_over_the_years_extends_the_figures_national_values(shipped) -> None:
    line = {str(r["aar"]): r["rate"] for r in _blocks("barn2025", "innl_rb1.json")["datasett_2"]}
    nation = shipped[
        (shipped["indicator"] == "skde_barn2025_innl_contacts") & (shipped["level"] == "nation")
    ].set_index("period")["value"]
    assert sorted(line) == [str(y) for y in range(2017, 2025)]
    for year, value in line.items():
        assert nation[year] == pytest.approx(value, rel=1e-9)


def test_a_first_generation_figure_is_skdes_csv(shipped) -> None:
    text = (RESULTS / "helseatlas-data" / "gyn.csv").read_text(encoding="utf-8-sig")
    rows = [r for r in csv.DictReader(text.splitlines(), delimiter=";")]
    published = [r for r in rows if r["level2_name"] == "Sterilisering"]
    areas = _rows(shipped, "skde_gyn_sterilisering", "referral_area", "2015-2017")
    assert len(areas) == len(published) - 1 == 21
    for record in published:
        if record["area_name"] != "Norge":
            row = areas.loc[record["area_name"]]
            assert row["value"] == pytest.approx(float(record["value"]))
            assert row["numerator"] == pytest.approx(float(record["numerator"]))
            assert row["denominator"] == pytest.approx(float(record["denominator"]))


def test_the_mental_health_atlas_2014_2018_is_skdes_workbook(shipped) -> None:
    path = RESULTS / "mongts-download-xlsx" / "psykiskhelsevernogtsb_data.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(
            values_only=True
        ))  # fmt: skip
    column = table[1].index("Poliklinikk – pasientar 18-64 år")
    areas = _rows(shipped, "skde_psyk_poliklinikk_pasientar_18_64_ar", "referral_area", "2014-2018")
    checked = 0
    for record in table[3:]:
        if record[0] in areas.index:
            rate, lower, upper, count, population = record[column : column + 5]
            row = areas.loc[record[0]]
            assert (row["value"], row["lower"], row["upper"]) == pytest.approx((rate, lower, upper))
            assert (row["numerator"], row["denominator"]) == pytest.approx((count, population))
            checked += 1
    assert checked == 21
    title = load_catalogue()["skde_psyk_poliklinikk_pasientar_18_64_ar"].title
    assert title.en.startswith("Outpatient treatment – patients 18-64 years")  # mhc_data.xlsx


def test_no_two_published_figures_share_a_title_and_english_units_say_per() -> None:
    published = [i for i in load_catalogue().values() if i.source == "aggregates"]
    titles = pd.Series([i.title.nb for i in published])
    assert not titles.duplicated().any(), titles[titles.duplicated()].tolist()
    assert not [i.id for i in published if " pr. " in f" {i.unit.en} "]

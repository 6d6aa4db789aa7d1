"""SKDE's published atlases as shipped: every figure has its rows, its words and, through the
same path the atlas takes (aggregate results, then the variation summary), SKDE's own FT, FT2
and CV where SKDE printed them (the bup atlas's "Vurdering av variasjon")."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from variatlas.compute.published import aggregate_results
from variatlas.indicators.model import load_catalogue
from variatlas.synth.norway import write_published
from variatlas.variation import funnel_flags, summarise

PRINTED = Path(__file__).parents[1] / "reference" / "skde" / "published_variation_stats.csv"

# SKDE's printed row (source, indicator) → the shipped figure of the result box it describes.
# The 16 rows whose FT, FT2 and CV reproduce from the result box's own data file (see
# docs/methods.md for the 11 that do not).
BUP_ROWS = {
    (
        "kapittel[0].innhold[1]",
        "Pasientar i poliklinikk behandling",
    ): "skde_bup_pasient_polyklinikk",
    ("kapittel[0].innhold[1]", "Pasientar i allmennlege"): "skde_bup_ny_55_kpr_pasient",
    ("kapittel[0].innhold[1]", "Pasientar i døgnbehandling"): "skde_bup_ny_pasient_dogn",
    ("kapittel[0].innhold[1]", "ADHD"): "skde_bup_adhd_pas2",
    ("kapittel[0].innhold[1]", "Depresjon"): "skde_bup_depresjon_pas1",
    ("kapittel[0].innhold[2]", "Kontaktdagar, poliklinikk"): "skde_bup_polyklinikk_kontakt",
    (
        "kapittel[0].innhold[2]",
        "Kontaktdagar, poliklinikk (0-5 år)",
    ): "skde_bup_polyklinikk_kontakt_5",
    (
        "kapittel[0].innhold[2]",
        "Kontaktdagar, poliklinikk (6-12 år)",
    ): "skde_bup_polyklinikk_kontakt_12",
    (
        "kapittel[0].innhold[2]",
        "Kontaktdagar, poliklinikk (13-17 år)",
    ): "skde_bup_polyklinikk_kontakt_17",
    ("kapittel[0].innhold[2]", "Kontaktdagar, allmennlege"): "skde_bup_ny_kpr_kontakt",
    ("kapittel[0].innhold[2]", "Oppholdsrate døgnbehandling"): "skde_bup_ny_inn_dogn_kontakt",
    ("kapittel[0].innhold[2]", "Angst"): "skde_bup_angst_pol_kon",
    ("kapittel[0].innhold[2]", "Eteforstyring,"): "skde_bup_etefortyr_pol_kon",
    ("kapittel[0].innhold[2]", "Tilpassningforstyrring"): "skde_bup_tilpasningforstyr_pol_kon",
    (
        "kapittel[0].innhold[2]",
        "Spesifikk utviklingsforstyrring",
    ): "skde_bup_utviklingforstyrring_pol",
    ("kapittel[0].innhold[2]", "Rusliding,  18-24 år"): "skde_bup_rus18pluss_konrate",
}


# The rows whose FT and FT2 reproduce from the result box's own data file but whose CV does
# not (the text was written from another version of the data; docs/methods.md).
BUP_CV_DIFFERS = {
    ("kapittel[0].innhold[1]", "Tilpassningforstyrring"): "skde_bup_tilpasningstyring_pas",
    (
        "kapittel[0].innhold[1]",
        "Spesifikk utviklingsforstyrring",
    ): "skde_bup_utviklingforstyring_pas2",
    ("kapittel[0].innhold[2]", "ADHD"): "skde_bup_adhd_polkon",
    ("kapittel[0].innhold[2]", "Depresjon"): "skde_bup_depr_pol_kontaktrate",
}

# Figures whose counts the converter once left out (a contact count above its population; a
# share stored as a fraction): SKDE's national value, as published, and the data file's
# national count and population for the period.
COUNTED_AGAIN = {
    "skde_barn2025_all_tot_contacts": 1953.28676503,
    "skde_bup_polyklinikk_kontakt_17": 1400.77,
    "skde_kronikere_ak_epi_rater2": 0.380147207601,
    "skde_kronikere_migrene_3pasienter_botox": 0.0925459449004,
    "skde_kronikere_migrene_4pasienter_sykemld": 0.200622221429,
    "skde_kronikere_ms_3pasienter_lm": 0.36008906253,
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("published") / "aggregates.csv"
    rows = write_published(path)
    frame = pd.read_csv(path, dtype={"area": str, "period": str, "sex": str, "age_group": str})
    assert len(frame) == rows
    return frame


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


def _results(indicator_id: str, shipped: pd.DataFrame, catalogue) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    rows = shipped[shipped["indicator"] == indicator_id].reset_index(drop=True)
    return aggregate_results(catalogue[indicator_id], rows)


def test_every_published_figure_has_rows_words_and_a_national_value(shipped, catalogue) -> None:
    published = {i.id for i in catalogue.values() if i.source == "aggregates"}
    assert set(shipped["indicator"]) == published
    assert len(published) >= 170
    for indicator_id in published:
        indicator = catalogue[indicator_id]
        assert indicator.publication is not None, indicator_id
        assert indicator.published_by, indicator_id
        rows = shipped[shipped["indicator"] == indicator_id]
        # Every period has its referral areas (or, barn2025's drug use, its 15 counties), but
        # the years before a figure's own that SKDE drew for Norway alone (barn2025's lines).
        areas = rows["level"].isin(["referral_area", "county"]).groupby(rows["period"]).sum()
        own = areas[areas > 0]
        assert len(own) and own.min() >= 15, indicator_id
        assert rows["level"].eq("nation").groupby(rows["period"]).sum().eq(1).all(), indicator_id


def test_every_theme_has_real_published_figures(catalogue) -> None:
    themes = {i.theme for i in catalogue.values() if i.source == "aggregates"}
    assert themes == {"children", "cancer", "mental_health", "municipal"}


def test_published_counts_give_our_crude_value_and_published_rates_are_shown_as_published(
    shipped, catalogue
) -> None:
    for indicator_id in ("skde_barn2025_innl_patients", "skde_kvalitet_lungekreft_overlevelse"):
        results = _results(indicator_id, shipped, catalogue)
        indicator = catalogue[indicator_id]
        counted = results["numerator"].notna()
        expected = results["numerator"] / results["denominator"] * indicator.multiplier
        assert np.allclose(results.loc[counted, "value"], expected[counted])
        assert (results.loc[counted, "lower"] < results.loc[counted, "value"]).all()
        assert (results.loc[~counted, "method"] == "published").all()
        assert np.allclose(results.loc[~counted, "value"], results.loc[~counted, "published_value"])
    yearly = _results("skde_barn2025_innl_patients", shipped, catalogue)
    assert set(yearly["period"]) == {"2022", "2023", "2024", "2022-2024"}
    assert yearly.loc[yearly["period"] == "2023", "numerator"].isna().all()


def test_shares_published_as_fractions_are_shown_as_percent(shipped, catalogue) -> None:
    results = _results("skde_kronikere_migrene_3pasienter_botox", shipped, catalogue)
    raw = shipped[shipped["indicator"] == "skde_kronikere_migrene_3pasienter_botox"]
    assert np.allclose(results["published_value"], raw["value"].to_numpy() * 100)


def test_proportions_get_the_wilson_interval(shipped, catalogue) -> None:
    results = _results("skde_kvalitet_prostatakreft_fri_rand", shipped, catalogue)
    assert (results["method"] == "wilson").all()
    assert (results["upper"] <= 100).all()


@pytest.mark.parametrize(
    ("row", "indicator_id"), list(BUP_ROWS.items()), ids=list(BUP_ROWS.values())
)
def test_the_atlas_shows_skdes_printed_variation_for_bup(
    row, indicator_id, shipped, catalogue
) -> None:
    printed = pd.read_csv(PRINTED).set_index(["source", "indicator"]).loc[row]
    results = _results(indicator_id, shipped, catalogue)
    results["funnel"] = ""
    summary = summarise(catalogue[indicator_id], results)
    average = summary[(summary["level"] == "referral_area") & summary["period"].str.contains("-")]
    assert len(average) == 1
    found = average.iloc[0]

    def number(text: str) -> float:
        return float(str(text).replace(",", "."))

    assert found["areas"] == 21
    assert round(found["ft"], 1) == number(printed["FT"])
    assert round(found["ft2"], 1) == number(printed["FT2"])
    assert round(found["cv"], 1) == number(printed["CV"])


def test_the_shipped_figures_are_the_ones_the_tool_writes() -> None:
    # The tool's output format: the aggregates table of the contract, area name kept.
    text = (Path(__file__).parents[2] / "src/variatlas/indicators/data/skde_atlases.csv").read_text(
        encoding="utf-8"
    )
    header = pd.read_csv(io.StringIO(text), nrows=0).columns.tolist()
    assert header[:11] == [
        "indicator", "level", "area", "period", "sex", "age_group",
        "numerator", "denominator", "value", "lower", "upper",
    ]  # fmt: skip


def _printed(row: tuple[str, str]) -> pd.Series:
    return pd.read_csv(PRINTED).set_index(["source", "indicator"]).loc[row]


def _number(text: object) -> float:
    return float(str(text).replace(",", "."))


def _average_summary(indicator_id: str, shipped, catalogue) -> pd.Series:  # type: ignore[no-untyped-def]
    results = _results(indicator_id, shipped, catalogue)
    results["funnel"] = funnel_flags(catalogue[indicator_id], results)
    summary = summarise(catalogue[indicator_id], results)
    average = summary[(summary["level"] == "referral_area") & summary["period"].str.contains("-")]
    assert len(average) == 1
    return average.iloc[0]


@pytest.mark.parametrize(("row", "indicator_id"), list(BUP_CV_DIFFERS.items()))
def test_bup_rows_whose_ft_and_ft2_reproduce_but_not_cv(
    row, indicator_id, shipped, catalogue
) -> None:
    printed = _printed(row)
    found = _average_summary(indicator_id, shipped, catalogue)
    assert round(found["ft"], 1) == _number(printed["FT"])
    assert round(found["ft2"], 1) == _number(printed["FT2"])
    assert 0.05 < abs(found["cv"] - _number(printed["CV"])) < 1.2


@pytest.mark.parametrize("indicator_id", list(COUNTED_AGAIN))
def test_skdes_counts_give_its_national_value_and_a_funnel(
    indicator_id, shipped, catalogue
) -> None:
    indicator = catalogue[indicator_id]
    rows = shipped[shipped["indicator"] == indicator_id]
    average = rows[rows["period"].str.contains("-")]
    assert average["numerator"].notna().all() and average["denominator"].notna().all()
    nation = average[average["level"] == "nation"].iloc[0]
    assert nation["value"] == pytest.approx(COUNTED_AGAIN[indicator_id], rel=1e-9)
    # SKDE's national value is adjusted to one year's population and its counts are yearly
    # means, so the crude value from them differs a little (at most 0.09 % here).
    crude = nation["numerator"] / nation["denominator"] * indicator.aggregate_multiplier
    assert crude == pytest.approx(nation["value"], rel=2e-3)
    results = _results(indicator_id, shipped, catalogue)
    counted = results[results["period"].str.contains("-")]
    assert (counted["method"] != "published").all()
    assert (counted["lower"] < counted["value"]).all() and (
        counted["value"] < counted["upper"]
    ).all()
    assert np.allclose(counted["value"], counted["crude_value"])
    if indicator.kind == "proportion":
        assert (counted["method"] == "wilson").all() and (counted["upper"] <= 100).all()
    flags = funnel_flags(indicator, counted)
    assert flags[counted["level"] == "referral_area"].ne("").all()
    summary = _average_summary(indicator_id, shipped, catalogue)
    assert np.isfinite(summary["phi"]) and summary["outside_95"] >= 0


def test_every_chart_of_several_series_is_shipped_one_figure_per_series(shipped, catalogue) -> None:
    series = {
        i.id: i
        for i in catalogue.values()
        if i.source == "aggregates" and "One series of SKDE's chart" in i.documentation.en
    }
    boxes = {str(i.references[-1]).split(", series")[0] for i in series.values()}
    assert len(boxes) == 51
    atlases = pd.Series([i.split("_")[1] for i in series]).value_counts().to_dict()
    assert atlases == {
        "barn2025": 22, "kronikere": 26, "psyk2": 20, "bup": 9,
        "radiologi": 32, "radiologi2": 8, "fedme": 3, "hjarteinfarkt": 3,
    }  # fmt: skip
    counted = {
        i for i in series if shipped.loc[shipped["indicator"] == i, "numerator"].notna().any()
    }
    assert counted == {
        "skde_kronikere_migrene_3pasienter_botox_sykehus",
        "skde_kronikere_migrene_3pasienter_botox_avtalespesialist",
        "skde_kronikere_ms_1pasienter_alle_kun_spesialist",
        "skde_kronikere_ms_1pasienter_alle_kun_allmennlege",
    }
    # Where the documentation names the chart's total, the series add up to it, area by area
    # (to within 1.1 %: kronikere's consultations in hospital and with contract specialists).
    parts: dict[str, list[str]] = {}
    for indicator_id, indicator in series.items():
        if "to the figure" in indicator.documentation.en:
            total = indicator.documentation.en.split("to the figure ")[1].split(".")[0]
            parts.setdefault(total, []).append(indicator_id)
    # All but bup's shares of patients by GP and outpatient care, the first part of the
    # radiology atlas (its totals are in another box, the examinations per 10,000 of rb1),
    # radiologi2's elderly (its series are in another block than its total) and
    # hjarteinfarkt's rehabilitation (its series are rounded to whole percents).
    assert len(parts) == 39
    for total, members in parts.items():
        assert len(members) >= 2, total
        values = _results(total, shipped, catalogue)
        keys = ["level", "area"]
        whole = values[values["period"].str.contains("-")].set_index(keys)["published_value"]
        summed = sum(
            _results(m, shipped, catalogue).set_index(keys)["published_value"] for m in members
        )
        assert np.allclose(summed, whole.reindex(summed.index), rtol=0.015), total


def test_barn2025_series_are_named_by_their_legend_not_their_column(shipped, catalogue) -> None:
    # barn2025 reuses the column privratesnitt for the specialist care of aad_rb1_tot: it
    # equals the total of the specialist-care box aad_rb1_poli in every area.
    specialist = _results("skde_barn2025_aad_tot_spesialist", shipped, catalogue)
    box = _results("skde_barn2025_aad_poli_contacts", shipped, catalogue)
    box = box[box["period"] == "2022-2024"].set_index("area")["published_value"]
    assert np.allclose(
        specialist.set_index("area")["published_value"], box.reindex(specialist["area"])
    )
    assert "Allmennlege" in catalogue["skde_barn2025_aad_tot_allmennlege"].title.nb
    assert "offentlig/privat" not in catalogue["skde_barn2025_poliklinikk_tot_privat"].unit.nb


def test_labels_name_the_ages_skde_counts(catalogue) -> None:
    adults = ("skde_kronikere_migrene", "skde_kronikere_ms", "skde_kronikere_parkinson")
    for indicator in catalogue.values():
        if indicator.id.startswith(adults) and "pr. 1 000" in indicator.unit.nb:
            assert indicator.unit.nb.endswith("innbyggere 18 år og eldre"), indicator.id
            assert indicator.unit.en.endswith("inhabitants aged 18 and over"), indicator.id
    bronchiolitis = catalogue["barnehelseatlas_11"]
    assert "0–3" in bronchiolitis.unit.en and "0–16" not in bronchiolitis.title.en
    assert "0–16" not in bronchiolitis.title.nb
    survival = catalogue["skde_kvalitet_tykktarmskreft_overlevelse"]
    assert survival.title.en == "Colon cancer, survival – Quality atlas"
    assert "30" not in survival.title.en

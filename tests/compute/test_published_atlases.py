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
from variatlas.variation import summarise

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
        assert rows["level"].eq("referral_area").groupby(rows["period"]).sum().min() >= 15
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

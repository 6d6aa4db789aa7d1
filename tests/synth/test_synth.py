"""Synthetic Norway: realistic shape, determinism, and the planted effects in truth.json."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.contract import TABLES
from variatlas.geography import load_geography
from variatlas.synth import synthesize


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_files_other_seed_other_files(tmp_path) -> None:
    for name, seed in (("a", 4), ("b", 4), ("c", 5)):
        synthesize(tmp_path / name, [2024], scale=0.003, seed=seed, fmt="csv")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["episodes.csv"] != _digest(tmp_path / "c")["episodes.csv"]


def test_every_municipality_with_a_plausible_population(small_norway) -> None:
    folder, _truth = small_norway
    population = pq.read_table(folder / "population.parquet").to_pandas()
    one_year = population[population["year"] == 2024]
    assert set(one_year["municipality"]) == set(load_geography().municipalities["municipality"])
    total = one_year["population"].sum()
    assert 0.9 * 5.5e6 * 0.01 < total < 1.1 * 5.5e6 * 0.01
    oslo = one_year[one_year["municipality"] == "0301"]
    assert oslo["district"].notna().all() and oslo["district"].nunique() == 17
    by_age = one_year.groupby("age")["population"].sum()
    assert by_age.loc[0:17].sum() / total == pytest_approx(0.21, 0.04)
    assert by_age.loc[80:].sum() / total == pytest_approx(0.05, 0.02)


def pytest_approx(value: float, tolerance: float):
    import pytest

    return pytest.approx(value, abs=tolerance)


def test_episode_volume_and_codes_are_realistic(small_norway) -> None:
    folder, _truth = small_norway
    episodes = pq.read_table(folder / "episodes.parquet").to_pandas()
    per_year = len(episodes) / 2 / 0.01
    assert 7e6 < per_year < 11e6  # about 8–10 M contacts a year at scale 1
    assert set(episodes["sector"]) == {"somatic", "bup", "vop", "tsb"}
    assert set(episodes["care_level"]) == {"inpatient", "day", "outpatient"}
    tonsils = episodes["procedures"].fillna("").str.contains("EMB1")
    assert tonsils.sum() > 0 and (episodes.loc[tonsils, "age"] <= 16).all()
    vop = episodes[(episodes["sector"] == "vop") & (episodes["care_level"] == "inpatient")]
    coercive = vop["legal_basis"].isin(["observation", "compulsory"]).mean()
    assert 0.12 < coercive < 0.30
    assert episodes.loc[episodes["sector"] != "vop", "legal_basis"].isna().all()
    assert (pd.to_datetime(episodes["end_date"]) >= pd.to_datetime(episodes["start_date"])).all()


def test_truth_names_the_planted_effects(small_norway) -> None:
    folder, truth = small_norway
    written = json.loads((folder / "truth.json").read_text())
    effects = written["effects"]
    ratios = effects["tonsillectomy_rate_ratio_by_referral_area"]
    assert len(ratios) == 21
    assert len(effects["tonsillectomy_high_areas"]) == 3
    assert all(ratios[a] > 1.5 for a in effects["tonsillectomy_high_areas"])
    assert all(ratios[a] == 1.0 for a in effects["tonsillectomy_null_areas"])
    assert len(effects["high_readmission_municipalities"]) == 10
    assert effects["slow_lung_pathways_trust"] in set(load_geography().trusts["code"])
    assert written["rows"] == truth.counts


def test_cli_synth_writes_every_table(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["synth", str(tmp_path / "n"), "--years", "2024", "--scale", "0.002", "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    names = {p.stem for p in (tmp_path / "n").glob("*.parquet")}
    assert names == {n for n, t in TABLES.items() if n != "aggregates" and not t.replaces_shipped}
    bad = CliRunner().invoke(app, ["synth", str(tmp_path / "m"), "--years", "2024-2020"])
    assert bad.exit_code != 0 and "ends before it starts" in bad.output

"""Shared fixtures: a small synthetic Norway, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from variatlas.pipeline import compute
from variatlas.synth import Truth, synthesize

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def small_norway(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    """Two years of synthetic Norway at 1 % scale, as Parquet."""
    folder = tmp_path_factory.mktemp("small_norway")
    truth = synthesize(folder, [2023, 2024], scale=0.01, seed=11)
    return folder, truth


@pytest.fixture(scope="session")
def small_norway_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    """The same as CSV."""
    folder = tmp_path_factory.mktemp("small_norway_csv")
    truth = synthesize(folder, [2023, 2024], scale=0.01, seed=11, fmt="csv")
    return folder, truth


@pytest.fixture(scope="session")
def norway_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic Norway at 5 % scale, 2019–2024, computed into ``out``."""
    folder = tmp_path_factory.mktemp("norway")
    synthesize(folder / "input", list(range(2019, 2025)), scale=0.05, seed=1)
    compute(folder / "input", folder / "out")
    return folder


@pytest.fixture(scope="session")
def norway(norway_folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(results, variation, planted effects) of synthetic Norway."""
    import json

    out = norway_folder / "out"
    truth = json.loads((norway_folder / "input" / "truth.json").read_text())
    return (
        pd.read_parquet(out / "results.parquet"),
        pd.read_parquet(out / "variation.parquet"),
        truth["effects"],
    )


@pytest.fixture(scope="session")
def disclosed(norway_folder: Path):
    """Synthetic Norway's results after disclosure control."""

    from variatlas.pipeline import disclose
    from variatlas.results import read_results

    return disclose(read_results(norway_folder / "out"))


@pytest.fixture(scope="session")
def few_disclosed(norway_folder: Path):
    """Three indicators of synthetic Norway after disclosure control (one of each source of
    figures), for the tests of publishing itself, which need not publish 238 indicators."""
    from variatlas.pipeline import disclose
    from variatlas.results import ResultSet, read_results

    found = read_results(norway_folder / "out")
    keep = ["tonsillectomy_children", "hpv_vaccination", "skde_bup_pasient_polyklinikk"]
    return disclose(
        ResultSet(
            found.results[found.results["indicator"].isin(keep)],
            found.variation[found.variation["indicator"].isin(keep)],
            found.provenance,
        )
    )


@pytest.fixture(scope="session")
def site(norway_folder: Path, disclosed) -> Path:
    """The publication of synthetic Norway."""
    from variatlas.pipeline import publish

    target = norway_folder / "site"
    publish(disclosed, target)
    return target

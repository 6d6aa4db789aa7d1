"""Shared fixtures: a small synthetic Norway, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

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

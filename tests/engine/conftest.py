"""The engines' shared input: three years of synthetic Norway at 1 %, validated once."""

from __future__ import annotations

from pathlib import Path

import pytest

from variatlas.pipeline import validate
from variatlas.synth import synthesize


@pytest.fixture(scope="session")
def compliance_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compliance")
    synthesize(folder / "input", [2022, 2023, 2024], scale=0.01, seed=21)
    validate(folder / "input", folder / "validated")
    return folder / "validated"

"""A compute run is reproducible to the last digit: engines hand back aggregates in whatever
order their threads finish, and the sums of floats must not depend on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from variatlas.pipeline import compute, validate
from variatlas.synth import synthesize

ONE_OF_EACH_KIND = [
    "tonsillectomy_children",  # rate, direct standardisation
    "coercive_admission_share",  # proportion
    "readmission_elderly",  # proportion, logistic case-mix
    "bup_waiting_time",  # duration
    "psychiatric_inpatient_experience",  # mean score
    "cancer_coordinator_municipalities",  # count
]


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("twice")
    synthesize(folder / "input", [2023, 2024], scale=0.01, seed=8)
    validate(folder / "input", folder / "validated")
    return folder / "validated"


def test_two_runs_write_the_same_bytes(validated: Path, tmp_path: Path) -> None:
    for run in ("first", "second"):
        compute(validated, tmp_path / run, indicators=ONE_OF_EACH_KIND, engine=None)
    for name in ("results.csv", "variation.csv"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_one_process_and_two_workers_write_the_same_bytes(
    validated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for workers in ("1", "2"):
        monkeypatch.setenv("VARIATLAS_WORKERS", workers)
        compute(validated, tmp_path / workers, indicators=ONE_OF_EACH_KIND, engine=None)
    for name in ("results.parquet", "variation.parquet", "results.csv", "variation.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()

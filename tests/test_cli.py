"""The command line: every command runs, says what went wrong in one sentence, and hands its
options to the pipeline (the Spark options reach the Spark session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.pipeline import validate
from variatlas.synth import synthesize

runner = CliRunner()


def said(result: object) -> str:
    """What a command printed, with rich's line wrapping undone."""
    return " ".join(str(getattr(result, "output", "")).split())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One year of synthetic Norway at 0.5 %, validated."""
    folder = tmp_path_factory.mktemp("tiny")
    synthesize(folder / "input", [2024], scale=0.005, seed=4)
    validate(folder / "input", folder / "validated")
    return folder / "validated"


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("synth", "validate", "compute", "publish", "serve", "indicators", "geography"):
        assert name in result.output


def test_indicators_and_geography_list_what_is_shipped() -> None:
    assert "tonsillectomy_children" in runner.invoke(app, ["indicators"]).output
    regions = runner.invoke(app, ["geography", "regions"])
    assert regions.exit_code == 0 and "Helse Nord" in regions.output


def test_compute_refuses_an_unknown_indicator_and_spark_options_without_spark(
    tiny: Path, tmp_path: Path
) -> None:
    unknown = runner.invoke(app, ["compute", str(tiny), str(tmp_path), "--indicator", "nope"])
    assert unknown.exit_code == 2 and "No indicator named nope" in said(unknown)
    mixed = runner.invoke(
        app, ["compute", str(tiny), str(tmp_path), "--spark-master", "spark://x:7077"]
    )
    assert mixed.exit_code == 2 and "need --engine spark" in said(mixed)


def test_compute_writes_results_on_duckdb(tiny: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compute", str(tiny), str(tmp_path / "out"), "--indicator", "grommets_children"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "results.parquet").exists()
    assert json.loads((tmp_path / "out" / "provenance.json").read_text())["engine"] == "duckdb"


@pytest.mark.spark
def test_the_spark_options_reach_the_spark_session(tiny: Path, tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    settings = tmp_path / "spark.json"
    settings.write_text(json.dumps({"spark.sql.shuffle.partitions": "3"}))
    result = runner.invoke(
        app,
        [
            "compute",
            str(tiny),
            str(tmp_path / "out"),
            "--indicator",
            "grommets_children",
            "--engine",
            "spark",
            "--spark-master",
            "local[2]",
            "--spark-config",
            str(settings),
        ],
    )
    assert result.exit_code == 0, result.output
    session = SparkSession.getActiveSession()
    assert session is not None
    assert session.sparkContext.master == "local[2]"
    assert session.conf.get("spark.sql.shuffle.partitions") == "3"


def test_publish_and_serve_say_what_to_run_first(tmp_path: Path) -> None:
    publish = runner.invoke(app, ["publish", str(tmp_path), str(tmp_path / "site")])
    assert publish.exit_code == 2 and "run variatlas compute first" in said(publish)
    serve = runner.invoke(app, ["serve", str(tmp_path)])
    assert serve.exit_code == 2 and "run variatlas publish first" in said(serve)

"""Every command against a catalogue of bad inputs: each fails (or carries on) with one sentence
that says what to do, exits as it should, and never shows a Python trace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.cli.failures import DEBUG
from variatlas.synth import synthesize

runner = CliRunner()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per bad input, made from one year of synthetic Norway at 0.5 %."""
    root = tmp_path_factory.mktemp("bad")
    whole = root / "whole"
    synthesize(whole, [2024], scale=0.005, seed=4, fmt="csv")

    def folder(name: str, *tables: str) -> Path:
        made = root / name
        made.mkdir()
        for table in tables:
            shutil.copy(whole / f"{table}.csv", made / f"{table}.csv")
        return made

    folder("absent_tables", "population", "episodes")
    empty = folder("empty_tables")
    for table in ("population", "episodes"):
        header = (whole / f"{table}.csv").read_text().splitlines()[0]
        (empty / f"{table}.csv").write_text(header + "\n")
    folder("garbage_parquet", "population")
    (root / "garbage_parquet" / "episodes.parquet").write_bytes(b"PAR1" + bytes(range(256)) * 8)
    folder("wrong_header", "population")
    (root / "wrong_header" / "episodes.csv").write_text("a,b\n1,2\n")
    folder("no_population", "episodes")
    folder("nothing")
    binary = folder("binary_csv", "population")
    (binary / "episodes.csv").write_bytes(bytes(range(256)) * 40)
    regional = folder("regional")
    population = pd.read_csv(whole / "population.csv", dtype={"municipality": str})
    population[population["municipality"].str.startswith("18")].to_csv(
        regional / "population.csv", index=False
    )
    excel = folder("saved_from_excel")
    north = population[population["municipality"].str.startswith("18")].astype({"age": float})
    north.to_csv(excel / "population.csv", sep=";", index=False, encoding="cp1252")
    results = root / "corrupt_results"
    results.mkdir()
    for name in ("results.parquet", "variation.parquet"):
        (results / name).write_text("not parquet")
    (results / "provenance.json").write_text("{")
    (root / "a_file").write_text("not a folder")
    return root


CASES = [
    # (name, arguments with {root}, expected exit code, words the output must contain)
    ("absent tables", ["compute", "{root}/absent_tables", "{root}/o1"], 0, "taken as empty"),
    ("empty tables", ["compute", "{root}/empty_tables", "{root}/o2"], 1, "no accepted rows"),
    ("empty tables", ["validate", "{root}/empty_tables", "--out", "{root}/v2"], 0, "read"),
    ("garbage parquet", ["compute", "{root}/garbage_parquet", "{root}/o3"], 1, "Parquet"),
    ("garbage parquet", ["validate", "{root}/garbage_parquet"], 1, "refused"),
    ("wrong header", ["compute", "{root}/wrong_header", "{root}/o4"], 1, "missing from the"),
    ("binary csv", ["compute", "{root}/binary_csv", "{root}/o5"], 1, "cannot be used"),
    ("no population", ["compute", "{root}/no_population", "{root}/o6"], 1, "is required"),
    ("empty folder", ["compute", "{root}/nothing", "{root}/o7"], 1, "is required"),
    ("regional", ["compute", "{root}/regional", "{root}/o8"], 0, "Written to"),
    ("excel", ["validate", "{root}/saved_from_excel"], 0, "found out rather than given"),
    ("excel", ["compute", "{root}/saved_from_excel", "{root}/o11"], 0, "Written to"),
    ("absent input", ["compute", "{root}/absent", "{root}/o9"], 2, "does not exist"),
    ("out is a file", ["compute", "{root}/absent_tables", "{root}/a_file"], 1, "is a file"),
    ("corrupt results", ["publish", "{root}/corrupt_results", "{root}/s1"], 2, "compute again"),
    ("no results", ["publish", "{root}/nothing", "{root}/s2"], 2, "compute first"),
    ("no publication", ["serve", "{root}/nothing"], 2, "publish first"),
    ("years backwards", ["synth", "{root}/s", "--years", "2024-2020"], 2, "ends before"),
    ("scale", ["synth", "{root}/s", "--scale", "-1"], 2, "scale must be"),
    ("engine", ["compute", "{root}/absent_tables", "{root}/o", "--engine", "x"], 2, "duckdb"),
    ("encoding", ["validate", "{root}/absent_tables", "--encoding", "klingon"], 2, "encoding"),
    ("delimiter", ["validate", "{root}/absent_tables", "--delimiter", ";;"], 2, "character"),
    ("indicator", ["compute", "{root}/absent_tables", "{root}/o", "--indicator", "x"], 2, "No"),
    ("spark alone", ["compute", "{root}/nothing", "{root}/o", "--spark-master", "y"], 2, "spark"),
    ("geography", ["geography", "counties"], 2, "choose one of"),
]


@pytest.mark.parametrize(
    ("arguments", "exit_code", "words"),
    [case[1:] for case in CASES],
    ids=[f"{case[0]}: {case[1][0]}" for case in CASES],
)
def test_a_bad_input_gets_a_sentence_never_a_trace(
    inputs: Path, arguments: list[str], exit_code: int, words: str
) -> None:
    result = runner.invoke(app, [a.format(root=inputs) for a in arguments])
    output = " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == exit_code, output
    assert words in output, output


def test_debug_shows_the_trace_that_is_otherwise_kept_back(inputs: Path) -> None:
    arguments = ["compute", str(inputs / "empty_tables"), str(inputs / "o10")]
    quiet = runner.invoke(app, arguments)
    assert quiet.exit_code == 1 and isinstance(quiet.exception, SystemExit)
    try:
        loud = runner.invoke(app, ["--debug", *arguments])
    finally:
        DEBUG["on"] = False
    assert loud.exception is not None and not isinstance(loud.exception, SystemExit)

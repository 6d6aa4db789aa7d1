"""A real Spark cluster: a standalone master and two workers on 127.0.0.1, and a Spark Connect
server, started from the pyspark wheel's own ``spark-class`` and ``spark-submit``. The
``variatlas`` command runs validate and compute on them as a user would (its own process,
``--spark-master spark://…`` or ``--spark-remote sc://…``) and must give what DuckDB gives:
the same rows accepted and set aside, with the same file, line, column, value and rule, and
the same results."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from variatlas.pipeline import compute, validate
from variatlas.synth import synthesize
from variatlas.synth.corrupt import corrupt_folder

pytestmark = pytest.mark.spark
pyspark = pytest.importorskip("pyspark")

SPARK_HOME = Path(pyspark.__file__).parent
INDICATORS = [
    "tonsillectomy_children",  # a standardised rate with the population
    "readmission_elderly",  # episodes linked to later episodes of the same person
    "cancer_pathways_within_standard_time",  # a proportion with lead-time limits
    "bup_waiting_time",  # a median duration
]
TABLES = ("population", "episodes", "cancer_pathways")
"""What those indicators read: each table more costs Spark some thirty small jobs."""
KEYS = ["indicator", "level", "area", "period", "sex"]
NUMBERS = ["numerator", "denominator", "value", "lower", "upper", "expected"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(logs: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(logs),
        "PYSPARK_PYTHON": sys.executable,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _start(command: list[str], logs: Path, name: str) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_environment(logs),
        start_new_session=True,
    )


def _wait(ready, what: str, logs: Path, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(1)
    tails = {p.name: p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log")}
    raise RuntimeError(f"{what} did not start: {tails}")


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A standalone master with two one-core workers, and a Spark Connect server."""
    logs = tmp_path_factory.mktemp("spark-logs")
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    port, ui, connect = _free_port(), _free_port(), _free_port()
    master = f"spark://127.0.0.1:{port}"
    processes = [
        _start(
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)),
            ],
            logs,
            "master",
        )
    ]
    try:
        for n in (1, 2):
            processes.append(
                _start(
                    [
                        spark_class,
                        "org.apache.spark.deploy.worker.Worker",
                        master,
                        *("--host", "127.0.0.1", "--cores", "1", "--memory", "1g"),
                        *("--webui-port", str(_free_port()), "--work-dir", str(logs / f"w{n}")),
                    ],
                    logs,
                    f"worker{n}",
                )
            )

        def workers() -> bool:
            with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as answer:
                state = json.load(answer)
            return sum(w["state"] == "ALIVE" for w in state["workers"]) == 2

        _wait(workers, "the standalone cluster", logs)
        # Spark Connect on its own two local cores: on the cluster it would hold every core.
        processes.append(
            _start(
                [
                    str(SPARK_HOME / "bin" / "spark-submit"),
                    *("--master", "local[2]"),
                    *("--class", "org.apache.spark.sql.connect.service.SparkConnectServer"),
                    *("--conf", f"spark.connect.grpc.binding.port={connect}"),
                    *("--conf", "spark.connect.grpc.binding.address=127.0.0.1"),
                    *("--conf", "spark.ui.enabled=false", "spark-internal"),
                ],
                logs,
                "connect",
            )
        )

        def connect_listens() -> bool:
            with socket.create_connection(("127.0.0.1", connect), timeout=2):
                return True

        _wait(connect_listens, "the Spark Connect server", logs)
        yield {"master": master, "remote": f"sc://127.0.0.1:{connect}", "logs": str(logs)}
    finally:
        _stop(processes)


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[int]]]:
    """One year of synthetic Norway (0.5 %) as CSV with 1 % of the rows corrupted."""
    folder = tmp_path_factory.mktemp("cluster") / "input"
    synthesize(folder, [2024], scale=0.005, seed=3, fmt="csv")
    for other in folder.glob("*.csv"):
        if other.stem not in TABLES:
            other.unlink()
    return folder, corrupt_folder(folder, 0.01, seed=5)


@pytest.fixture(scope="module")
def on_duckdb(corrupted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("duckdb")
    validate(corrupted[0], out / "validated")
    compute(out / "validated", out / "results", indicators=INDICATORS)
    return out


def _variatlas(*arguments: str, logs: str) -> None:
    command = [str(Path(sys.executable).with_name("variatlas")), *arguments]
    done = subprocess.run(
        command, capture_output=True, text=True, env=_environment(Path(logs)), timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "WARN" not in done.stderr, done.stderr


def _set_aside(folder: Path, table: str) -> pd.DataFrame:
    frame = pd.read_parquet(folder / "set_aside" / f"{table}.parquet")
    columns = ["_file", "_line", "_column", "_value", "_rule"]
    return frame[columns].sort_values(columns).reset_index(drop=True)


def _results(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "results.parquet").set_index(KEYS).sort_index()


def _same_validation(spark: Path, duckdb: Path, hit: dict[str, list[int]]) -> None:
    ours = json.loads((spark / "validation.json").read_text())["tables"]
    theirs = json.loads((duckdb / "validation.json").read_text())["tables"]
    for table, found in ours.items():
        report = theirs[table]
        counts = ("rows_read", "rows_accepted", "rows_set_aside", "reasons")
        assert {k: found[k] for k in counts} == {k: report[k] for k in counts}, table
        assert found["rows_read"] == found["rows_accepted"] + found["rows_set_aside"]
        pd.testing.assert_frame_equal(_set_aside(spark, table), _set_aside(duckdb, table))
        assert sorted(_set_aside(spark, table)["_line"].unique()) == hit.get(table, []), table


def _same_results(spark: Path, duckdb: Path) -> None:
    a, b = _results(duckdb), _results(spark)
    assert a.index.equals(b.index) and set(a.index.get_level_values(0)) == set(INDICATORS)
    for column in NUMBERS:
        pd.testing.assert_series_equal(b[column], a[column], rtol=1e-9, check_dtype=False)
    assert (a["flag"].fillna("") == b["flag"].fillna("")).all()
    provenance = json.loads((spark / "provenance.json").read_text())
    assert provenance["engine"] == "spark"


CHOSEN = [a for i in INDICATORS for a in ("--indicator", i)]


def test_a_standalone_cluster_validates_and_computes_what_duckdb_does(
    cluster, corrupted, on_duckdb: Path, tmp_path: Path
) -> None:
    folder, hit = corrupted
    reach = ["--engine", "spark", "--spark-master", cluster["master"]]
    logs = cluster["logs"]
    _variatlas("validate", str(folder), "--out", str(tmp_path / "validated"), *reach, logs=logs)
    _same_validation(tmp_path / "validated", on_duckdb / "validated", hit)
    results = tmp_path / "results"
    _variatlas("compute", str(tmp_path / "validated"), str(results), *reach, *CHOSEN, logs=logs)
    _same_results(results, on_duckdb / "results")


def test_spark_connect_validates_and_computes_what_duckdb_does(
    cluster, corrupted, on_duckdb: Path, tmp_path: Path
) -> None:
    # The smaller tables here (each table costs Spark some thirty jobs); the cluster test
    # validates all three.
    folder, hit = corrupted
    small = tmp_path / "input"
    small.mkdir()
    for table in ("population", "cancer_pathways"):
        shutil.copy(folder / f"{table}.csv", small / f"{table}.csv")
    reach = ["--engine", "spark", "--spark-remote", cluster["remote"]]
    logs = cluster["logs"]
    _variatlas("validate", str(small), "--out", str(tmp_path / "validated"), *reach, logs=logs)
    _same_validation(tmp_path / "validated", on_duckdb / "validated", hit)
    results = tmp_path / "results"
    validated = str(on_duckdb / "validated")
    _variatlas("compute", validated, str(results), *reach, *CHOSEN, logs=logs)
    _same_results(results, on_duckdb / "results")

"""A run killed with SIGKILL leaves the previous output whole (compute and publish), and the
next run cleans up after it. The tests run in file order: publishing uses the full results
before the compute test replaces them with one indicator's."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from variatlas.folders import versions_of
from variatlas.pipeline import compute, disclose, publish
from variatlas.publish.releases import store_of
from variatlas.results import read_results
from variatlas.synth import synthesize

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and rename(2) are POSIX")
CLI = [sys.executable, "-c", "from variatlas.cli import app; app()"]


FEW = ["grommets_children", "hpv_vaccination", "cancer_pathways_within_standard_time"]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An input folder, its results and their publication, made in this process."""
    folder = tmp_path_factory.mktemp("crash")
    synthesize(folder / "input", [2024], scale=0.005, seed=4)
    # A few indicators are enough to be killed midway (every file kind is written for each).
    compute(folder / "input", folder / "out", indicators=FEW)
    publish(disclose(read_results(folder / "out")), folder / "site")
    return folder


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (through its link) and the SHA-256 of its bytes."""
    root = folder.resolve()
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def kill_while_writing(arguments: list[str], building: Path, written: str) -> None:
    """Start the command, wait until its new folder (in ``building``) holds ``written``
    files, SIGKILL it."""
    process = subprocess.Popen(
        CLI + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if any(building.glob(f"*.building/{written}")):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the command ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL


def test_publish_killed_midway_leaves_the_previous_publication_whole(made: Path) -> None:
    site = made / "site"
    before = fingerprint(site)
    arguments = ["publish", str(made / "out"), str(site), "--no-pdf"]
    kill_while_writing(arguments, store_of(site), "data/*.xlsx")
    assert fingerprint(site) == before
    assert (site / "datapackage.json").is_file()
    # The next release finishes and removes the killed run's folder.
    publish(disclose(read_results(made / "out")), site)
    assert not list(store_of(site).glob("*.building"))


def test_compute_killed_midway_leaves_the_previous_results_whole(made: Path) -> None:
    out = made / "out"
    before = fingerprint(out)
    kill_while_writing(
        ["compute", str(made / "input"), str(out)], versions_of(out), "validated/*/*"
    )
    assert fingerprint(out) == before
    assert len(read_results(out).results) > 0
    assert list(versions_of(out).glob("*.building"))
    # The next run finishes, replaces the results whole and removes the killed run's folder.
    compute(made / "input", out, indicators=["grommets_children"])
    assert set(read_results(out).results["indicator"]) == {"grommets_children"}
    assert not list(versions_of(out).glob("*.building"))


def test_compute_and_publish_refuse_a_folder_of_other_files(made: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    for arguments in (
        ["compute", str(made / "input"), str(mine), "--indicator", "grommets_children"],
        ["publish", str(made / "out"), str(mine), "--no-pdf"],
    ):
        ran = subprocess.run(CLI + arguments, capture_output=True, text=True, timeout=300)
        assert ran.returncode == 1
        assert "folder of other files" in " ".join(ran.stderr.split())
        assert "Traceback" not in ran.stderr + ran.stdout
    assert (mine / "thesis.docx").read_text() == "years of work"
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.docx"]

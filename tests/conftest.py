"""Shared fixtures: a small synthetic Norway, made once per test session.

``make test`` runs the tests in two processes (pytest-xdist, ``--dist loadfile``); synthetic
Norway, its disclosure and its publication take minutes, so the first process to need each
makes it in the run's shared temporary folder and the others wait for it and reuse it
(``made_once``) instead of making their own.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from variatlas.pipeline import compute
from variatlas.synth import Truth, synthesize

SHARED = Path(__file__).resolve().parents[2] / "shared"


LONG_ON_THEIR_OWN = ("engine/test_cluster.py", "engine/test_compliance.py")
"""Files of minutes that need no synthetic Norway: Spark on a cluster, and the whole catalogue
on both engines."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files in the order that keeps two processes busy (``--dist loadfile`` hands them out
    in this order): first one that needs the publication of synthetic Norway, so one process
    starts the minutes of making it (``made_once``) at once; then the files that need none of
    it, which the other process works through meanwhile, the long ones of them last; and last
    the rest of the files that need synthetic Norway, made by then."""
    needs: dict[str, set[str]] = {}
    for item in items:
        needs.setdefault(item.nodeid.split("::")[0], set()).update(
            getattr(item, "fixturenames", ())
        )
    publication = next((f for f, names in needs.items() if "site" in names), None)

    def rank(path: str) -> int:
        if path == publication:
            return 0
        if "norway_folder" in needs[path]:
            return 3
        return 2 if path.endswith(LONG_ON_THEIR_OWN) else 1

    order = {path: rank(path) for path in needs}
    items.sort(key=lambda item: order[item.nodeid.split("::")[0]])


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every test process of this run sees: under pytest-xdist the
    parent of each worker's own (``…/pytest-N/popen-gw0``), else the run's own."""
    root = factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def made_once(path: Path, make: Callable[[Path], object]) -> Path:
    """``path``, made by ``make`` by the first process to ask; the others wait on a lock
    beside it and reuse what it made. A process that died half-way left no ``.made`` mark,
    so the next one makes it again from the start."""
    lock, made = (path.with_name(f"{path.name}.{end}") for end in ("lock", "made"))
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not made.exists():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            make(path)
            made.touch()
    return path


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

    def make(folder: Path) -> None:
        synthesize(folder / "input", list(range(2019, 2025)), scale=0.05, seed=1)
        compute(folder / "input", folder / "out")

    return made_once(shared_root(tmp_path_factory) / "norway", make)


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

    def make(path: Path) -> None:
        path.write_bytes(pickle.dumps(disclose(read_results(norway_folder / "out"))))

    return pickle.loads(made_once(norway_folder.parent / "disclosed.pickle", make).read_bytes())


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

    return made_once(norway_folder / "site", lambda target: publish(disclosed, target))

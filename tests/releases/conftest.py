"""Three releases of a changing synthetic Norway, made once for the release tests (the
module's ``made`` fixture, shared by every test of this folder).

- A: 2021–2023 (the results of B without any period that holds 2024);
- B: 2024 added, and ``grommets_children`` redefined (children 0–12 instead of 0–16: a
  copy of the catalogue with that one file changed), made as a draft and released;
- C: late registrations: tonsillectomies added to the 2023 episodes, many in the
  municipality that has most (a change beyond its interval) and one each in a few others;
  made as a draft.

At 1 % of Norway and five indicators, each compute takes seconds.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from variatlas.indicators.model import catalogue_folder, load_catalogue
from variatlas.pipeline import compute, disclose, publish, validate
from variatlas.results import ResultSet, read_results, write_results
from variatlas.synth import synthesize

KEEP = [
    "tonsillectomy_children",
    "grommets_children",
    "hpv_vaccination",
    "coercive_admission_share",
    "skde_bup_pasient_polyklinikk",
]
REDEFINED = "grommets_children"
REVISED = "tonsillectomy_children"


@dataclass
class Made:
    site: Path
    ids: list[str]
    """A, B, C: oldest first (C a draft)."""
    folder: Path
    late: Path
    """The validated folder with the late registrations (its true counts)."""


def _redefined_catalogue(folder: Path) -> dict:
    shutil.copytree(catalogue_folder(), folder)
    path = next(folder.rglob(f"{REDEFINED}.yaml"))
    text = path.read_text(encoding="utf-8")
    assert text.count("- 0\n      - 16") == 1 and text.count("- 0\n  - 16") == 1
    path.write_text(
        text.replace("- 0\n      - 16", "- 0\n      - 12").replace("- 0\n  - 16", "- 0\n  - 12"),
        encoding="utf-8",
    )
    return load_catalogue(folder)


def _without_2024(found: ResultSet) -> ResultSet:
    def kept(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[~frame["period"].astype(str).str.contains("2024")].reset_index(drop=True)

    provenance = {**found.provenance, "years": [y for y in found.provenance["years"] if y < 2024]}
    return ResultSet(kept(found.results), kept(found.variation), provenance)


def _tonsillectomies(episodes: pd.DataFrame) -> pd.Series:
    diagnoses = (
        episodes["main_diagnosis"].fillna("") + ";" + episodes["secondary_diagnoses"].fillna("")
    )
    return (
        episodes["procedures"].fillna("").str.contains("EMB")
        & diagnoses.str.contains("J35|H65")
        & episodes["age"].between(0, 16)
        & episodes["start_date"].astype(str).str.startswith("2023")
    )


def _late(episodes: pd.DataFrame) -> pd.DataFrame:
    """Late registrations: the 2023 tonsillectomies of the municipality with most of them,
    four times over, and one more in each of three other municipalities."""
    found = episodes[_tonsillectomies(episodes)]
    most = found["municipality"].value_counts().index[0]
    here = found[found["municipality"] == most]
    assert len(here) >= 3, "too few tonsillectomies to register late"
    others = found[found["municipality"] != most].drop_duplicates("municipality")
    added = pd.concat([here] * 4 + [others.head(3)], ignore_index=True)
    added["episode_id"] = [f"LATE-{i}" for i in range(len(added))]
    added["patient_id"] = [f"PLATE{i}" for i in range(len(added))]
    return added


def _with_late_registrations(input: Path, validated: Path, folder: Path) -> Path:
    """A copy of the input and of its validation with the late rows in both."""
    late_input, late = folder / "input-late", folder / "validated-late"
    shutil.copytree(input, late_input)
    shutil.copytree(validated, late)
    accepted = pd.read_parquet(late / "accepted" / "episodes.parquet")
    added = _late(accepted)
    pd.concat([accepted, added], ignore_index=True).to_parquet(
        late / "accepted" / "episodes.parquet", index=False
    )
    raw = pd.read_parquet(late_input / "episodes.parquet")
    pd.concat([raw, added[raw.columns]], ignore_index=True).to_parquet(
        late_input / "episodes.parquet", index=False
    )
    report = json.loads((late / "validation.json").read_text())
    report["input"] = str(late_input)
    counts = report["tables"]["episodes"]
    for key in ("rows_read", "rows_accepted"):
        counts[key] = int(counts.get(key) or 0) + len(added)
    (late / "validation.json").write_text(json.dumps(report))
    return late


def make_releases(folder: Path) -> Made:
    synthesize(folder / "input", [2021, 2022, 2023, 2024], scale=0.01, seed=7)
    validate(folder / "input", folder / "validated")
    original = load_catalogue()
    redefined = _redefined_catalogue(folder / "catalogue")
    site = folder / "site"
    compute(folder / "validated", folder / "out-a", catalogue=original, indicators=KEEP)
    compute(folder / "validated", folder / "out-b", catalogue=redefined, indicators=KEEP)
    late = _with_late_registrations(folder / "input", folder / "validated", folder)
    compute(late, folder / "out-c", catalogue=redefined, indicators=KEEP)
    a = _without_2024(read_results(folder / "out-a"))
    write_results(folder / "results-a", a.results, a.variation, a.provenance)
    ids = []
    for name, catalogue, draft in (("a", original, False), ("b", redefined, True)):
        found = read_results(folder / ("results-a" if name == "a" else f"out-{name}"))
        made = publish(disclose(found, catalogue=catalogue), site, catalogue=catalogue, draft=draft)
        ids.append(made.name)
    from variatlas.publish.releases import ReleaseStore

    store = ReleaseStore(site)
    with store.lock():
        store.promote(ids[1])
    found = read_results(folder / "out-c")
    made = publish(
        disclose(found, catalogue=redefined),
        site,
        catalogue=redefined,
        draft=True,
        note="Late registrations of 2023.",
    )
    ids.append(made.name)
    return Made(site, ids, folder, late)


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    return make_releases(tmp_path_factory.mktemp("releases"))

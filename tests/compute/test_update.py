"""An update costs what changed, and gives the bytes of a full run.

One synthetic Norway (2021–2023) in three versions: without 2023 (the run before), with it
(a new year), and with late registrations for 2021 (episodes added to that year). Each is
computed into the same OUT, reusing the last run there, and into a fresh OUT in full; the
two must be the same bytes (results and variation, Parquet and CSV; provenance but for its
run-time fields), and the engine must not be asked for what did not change.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import variatlas.compute.reading as reading
from variatlas.compute.keys import ALL, UP_TO, YEAR, read_rules
from variatlas.engine.compile import DATE_OF_ROW
from variatlas.engine.partitions import table_digests
from variatlas.indicators import load_catalogue
from variatlas.pipeline import InputRefused, compute, validate
from variatlas.synth import synthesize

INDICATORS = [
    "tonsillectomy_children",  # rate, directly standardised
    "coercive_admission_share",  # proportion, counted row by row (one scan with the above)
    "readmission_elderly",  # proportion, links to later episodes, logistic case-mix
    "bup_waiting_time",  # duration, the first referral ever
    "psychiatric_inpatient_experience",  # mean score (survey responses)
    "skde_bup_pasient_polyklinikk",  # published figures
    "skde_barn2025_aad_ped_offentlig",  # published figures, first published with the new year
]
LATER = "skde_barn2025_aad_ped_offentlig"
OUTPUT = ("results.parquet", "results.csv", "variation.parquet", "variation.csv")
RUN_TIME = ("computed_at", "run_seconds", "reuse")
NEW_YEAR, LATE_YEAR = 2023, 2021


def _year(name: str, table: pa.Table) -> pa.ChunkedArray | None:
    if name in DATE_OF_ROW:
        return pc.year(table[DATE_OF_ROW[name]])
    return table["year"] if "year" in table.column_names else None


def _derived(source: Path, target: Path, change: Callable[[str, pa.Table], pa.Table]) -> Path:
    """A copy of a validated folder with each accepted table changed by ``change``."""
    shutil.copytree(source, target)
    for path in (target / "accepted").glob("*.parquet"):
        pq.write_table(change(path.stem, pq.read_table(path)), path)
    return target


def _without_new_year(name: str, table: pa.Table) -> pa.Table:
    if name == "aggregates":
        earlier = pc.invert(pc.ends_with(table["period"], str(NEW_YEAR)))
        return table.filter(pc.and_(earlier, pc.not_equal(table["indicator"], LATER)))
    year = _year(name, table)
    return table if year is None else table.filter(pc.not_equal(year, NEW_YEAR))


def _late_registrations(name: str, table: pa.Table) -> pa.Table:
    """Every tenth episode of 2021 registered again, late, under a new id."""
    if name != "episodes":
        return table
    of_year = table.filter(pc.equal(_year(name, table), LATE_YEAR))
    late = of_year.take(pa.array(range(0, of_year.num_rows, 10)))
    ids = pc.binary_join_element_wise(late["episode_id"], pa.scalar("-late"), "")
    late = late.set_column(late.column_names.index("episode_id"), "episode_id", ids)
    return pa.concat_tables([table, late])


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[int, ...]]]:
    """Every query the engine is given for an indicator's cells: (indicator, years)."""
    asked: list[tuple[str, tuple[int, ...]]] = []
    own, shared = reading.compile_indicator, reading.compile_shared

    def compile_indicator(indicator: Any, tables: Any, years: list[int]) -> Any:
        asked.append((indicator.id, tuple(years)))
        return own(indicator, tables, years)

    def compile_shared(source: str, indicators: Any, tables: Any, years: list[int]) -> Any:
        asked.extend((i.id, tuple(years)) for i in indicators)
        return shared(source, indicators, tables, years)

    monkeypatch.setattr(reading, "compile_indicator", compile_indicator)
    monkeypatch.setattr(reading, "compile_shared", compile_shared)
    return asked


def _snapshot(out: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in (*OUTPUT, "provenance.json"):
        shutil.copy2(out / name, target / name)
    return target


def _assert_same(updated: Path, full: Path) -> None:
    for name in OUTPUT:
        assert filecmp.cmp(updated / name, full / name, shallow=False), name
    described = [json.loads((f / "provenance.json").read_text()) for f in (updated, full)]
    for provenance in described:
        for field in RUN_TIME:
            provenance.pop(field)
    assert described[0] == described[1]


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("update")
    synthesize(folder / "input", [2021, 2022, NEW_YEAR], scale=0.01, seed=8)
    validate(folder / "input", folder / "after")
    return {
        "after": folder / "after",
        "before": _derived(folder / "after", folder / "before", _without_new_year),
        "late": _derived(folder / "after", folder / "late", _late_registrations),
    }


@pytest.fixture(scope="module")
def updates(versions: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each version computed into one OUT in turn (an update of the last), snapshots of
    what each update wrote, what it reused and which queries the engine was given, and a
    full run of each version into its own OUT."""
    folder = tmp_path_factory.mktemp("updates")
    out, found = folder / "out", {}
    catalogue = load_catalogue()
    redefined = dict(catalogue)
    changed = catalogue["coercive_admission_share"]
    redefined[changed.id] = changed.model_copy(update={"multiplier": changed.multiplier / 10})
    steps = [
        ("before", "before", catalogue),
        ("unchanged", "before", catalogue),
        ("new year", "after", catalogue),
        ("late", "late", catalogue),
        ("redefined", "late", redefined),
    ]
    for step, version, chosen in steps:
        with pytest.MonkeyPatch.context() as monkeypatch:
            asked = _counting(monkeypatch)
            output = compute(versions[version], out, catalogue=chosen, indicators=INDICATORS)
        found[step] = {
            "out": _snapshot(out, folder / step),
            "reuse": output.reuse,
            "asked": asked,
            "problems": output.problems,
        }
        if step == "before":
            # The first run into OUT has nothing to reuse: it is the full run.
            found[step]["full"] = found[step]["out"]
        elif step != "unchanged":
            full = folder / f"full {step}"
            compute(versions[version], full, catalogue=chosen, indicators=INDICATORS, full=True)
            found[step]["full"] = full
    return found


def test_unchanged_input_asks_the_engine_nothing_and_writes_the_same_bytes(updates: dict) -> None:
    before, again = updates["before"], updates["unchanged"]
    _assert_same(again["out"], before["full"])
    assert again["asked"] == []
    reuse = again["reuse"]
    # An indicator with nothing to count is not computed, the same way, and is no change.
    assert LATER in again["problems"] and LATER in before["problems"]
    assert reuse["unchanged"] is True
    assert reuse["years_read"] == 0 and reuse["periods_computed"] == 0
    assert reuse["computed"] == {}
    assert reuse["years_reused"] > 0 and reuse["periods_reused"] > 0


def test_a_new_year_computes_only_the_periods_that_contain_it(updates: dict) -> None:
    step = updates["new year"]
    _assert_same(step["out"], step["full"])
    computed = step["reuse"]["computed"]
    # Rows counted in the year of their date: the engine reads the new year alone, and only
    # the periods with the new year in them are computed again.
    for indicator in ("coercive_admission_share", "psychiatric_inpatient_experience"):
        assert computed[indicator] == {
            "years_read": [NEW_YEAR],
            "periods_computed": [str(NEW_YEAR), f"2021-{NEW_YEAR}"],
        }
        assert (indicator, (NEW_YEAR,)) in step["asked"]
    # The first referral ever looks at every year before: 2021 and 2022 are not read again.
    assert computed["bup_waiting_time"]["years_read"] == [NEW_YEAR]
    # Directly standardised to the population of the last year: every period changes.
    assert computed["tonsillectomy_children"]["years_read"] == [NEW_YEAR]
    assert len(computed["tonsillectomy_children"]["periods_computed"]) == 4
    # Links look at every year (a readmission in January follows a stay in December).
    assert computed["readmission_elderly"]["years_read"] == [2021, 2022, NEW_YEAR]
    asked = {indicator for indicator, _ in step["asked"]}
    assert asked == set(INDICATORS) - {"skde_bup_pasient_polyklinikk", LATER}
    assert computed[LATER]["periods_computed"] == ["all"]  # published with the new year
    assert LATER not in step["problems"]


def test_late_registrations_in_one_year_recompute_that_year(updates: dict) -> None:
    step = updates["late"]
    _assert_same(step["out"], step["full"])
    computed = step["reuse"]["computed"]
    assert computed["coercive_admission_share"]["years_read"] == [LATE_YEAR]
    assert set(computed["tonsillectomy_children"]["periods_computed"]) <= {
        str(LATE_YEAR),
        f"{LATE_YEAR}-{NEW_YEAR}",
    }
    assert "psychiatric_inpatient_experience" not in computed  # survey responses: unchanged
    catalogue = load_catalogue()
    for indicator, years in step["asked"]:
        if set(read_rules(catalogue[indicator]).values()) == {YEAR}:
            assert years == (LATE_YEAR,), indicator


def test_a_redefined_indicator_is_the_only_one_computed_again(updates: dict) -> None:
    step = updates["redefined"]
    _assert_same(step["out"], step["full"])
    assert set(step["reuse"]["computed"]) == {"coercive_admission_share"}
    assert step["reuse"]["computed"]["coercive_admission_share"]["periods_computed"] == [
        "2021",
        "2022",
        "2023",
        "2021-2023",
    ]
    assert {indicator for indicator, _ in step["asked"]} == {"coercive_admission_share"}


def test_the_cache_keeps_unchanged_files_once(updates: dict, tmp_path: Path) -> None:
    """What did not change is a hard link to the last run's file, not a copy."""
    out = updates["before"]["out"].parent / "out"
    cells = out / "cache" / "cells" / "psychiatric_inpatient_experience.parquet"
    assert cells.stat().st_nlink >= 2


def test_a_full_run_reuses_nothing(updates: dict) -> None:
    assert updates["before"]["reuse"]["from"] is None
    reuse = json.loads((updates["new year"]["full"] / "provenance.json").read_text())["reuse"]
    assert reuse["from"] is None
    assert reuse["years_reused"] == 0 and reuse["periods_reused"] == 0


def test_reuse_of_a_folder_without_a_run_is_refused(versions: dict, tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="holds no earlier run"):
        compute(versions["before"], tmp_path / "out", indicators=INDICATORS, reuse=tmp_path)


def test_read_rules_say_how_far_a_year_looks() -> None:
    catalogue = load_catalogue()
    assert read_rules(catalogue["coercive_admission_share"]) == {"episodes": YEAR}
    assert read_rules(catalogue["bup_waiting_time"]) == {"episodes": UP_TO}
    assert read_rules(catalogue["readmission_elderly"])["episodes"] == ALL
    assert read_rules(catalogue["hpv_vaccination"]) == {"vaccinations": ALL}


def test_partitions_change_only_where_rows_change(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted"
    accepted.mkdir()
    rows = pa.table(
        {
            "episode_id": [f"e{i}" for i in range(6)],
            "start_date": pa.array(
                [f"{year}-0{month}-01" for year in (2021, 2022, 2023) for month in (1, 2)]
            ).cast(pa.date32()),
        }
    )
    path = accepted / "episodes.parquet"
    pq.write_table(rows, path)
    first = table_digests(accepted)["episodes"]
    assert set(first.parts) == {"2021", "2022", "2023"}
    pq.write_table(rows.take(pa.array([5, 3, 1, 0, 2, 4])), path)
    assert table_digests(accepted)["episodes"].parts == first.parts  # order does not count
    late = pa.table({"episode_id": ["late"], "start_date": rows["start_date"].take([2])})
    pq.write_table(pa.concat_tables([rows, late]), path)
    changed = table_digests(accepted)["episodes"]
    assert {y for y in first.parts if first.parts[y] != changed.parts[y]} == {"2022"}
    # An unchanged file keeps what was known of it, without reading its rows.
    known = {"episodes": type(changed)(changed.file, {"2022": "known"})}
    assert table_digests(accepted, known)["episodes"].parts == {"2022": "known"}


def test_an_unchanged_input_folder_is_validated_once(
    tmp_path: Path, small_norway: tuple[Path, Any]
) -> None:
    input_folder, _ = small_norway
    out = tmp_path / "out"
    for _ in range(2):
        compute(input_folder, out, indicators=["coercive_admission_share"])
    accepted = out / "validated" / "accepted" / "episodes.parquet"
    assert accepted.stat().st_nlink >= 2  # the last run's validated file, linked

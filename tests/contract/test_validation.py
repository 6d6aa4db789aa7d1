"""Reading and validating the input contract: round trips, refusals and fuzzed bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.contract import TABLES, validate_table
from variatlas.engine import EngineOptions, open_engine
from variatlas.geography import load_geography
from variatlas.geography.placement import placement_for
from variatlas.pipeline import validate as prepare_input
from variatlas.synth.corrupt import corrupt_folder

PLACE = placement_for(load_geography())
STORE = open_engine(EngineOptions())


def validate_folder(folder: Path, out: Path):  # type: ignore[no-untyped-def]
    """The contract's validation alone, without placing rows in the geography."""
    from variatlas.contract import validate_folder as run

    return run(folder, out, STORE)


def _accepted(out: Path, table: str) -> pd.DataFrame:
    # The engine writes rows in the order its threads finish: compare them as sets of rows.
    frame = pd.read_parquet(out / "accepted" / f"{table}.parquet")
    return frame.sort_values(list(frame.columns), kind="mergesort").reset_index(drop=True)


def test_round_trip_parquet_and_csv_agree(small_norway, small_norway_csv, tmp_path) -> None:
    (parquet_in, truth), (csv_in, _) = small_norway, small_norway_csv
    from_parquet = prepare_input(parquet_in, tmp_path / "p")
    from_csv = prepare_input(csv_in, tmp_path / "c")
    for name, rows in truth.counts.items():
        for report in (from_parquet, from_csv):
            table = report.tables[name]
            assert (table.rows_read, table.rows_accepted, table.rows_set_aside) == (rows, rows, 0)
        pd.testing.assert_frame_equal(
            _accepted(tmp_path / "p", name), _accepted(tmp_path / "c", name)
        )
    episodes = _accepted(tmp_path / "p", "episodes")
    assert episodes["referral_area"].notna().all()
    schema = pq.read_schema(tmp_path / "p" / "accepted" / "episodes.parquet")
    assert schema.field("start_date").type == pa.date32()
    assert schema.field("age").type == pa.int64()
    assert not episodes["main_diagnosis"].str.contains(".", regex=False).any()


def test_corrupted_rows_are_exactly_the_rows_set_aside_and_kept(tmp_path) -> None:
    from variatlas.synth import synthesize

    folder = tmp_path / "input"
    synthesize(folder, [2024], scale=0.005, seed=3, fmt="csv")
    hit = corrupt_folder(folder, 0.01, seed=5)
    assert sum(map(len, hit.values())) > 100
    report = prepare_input(folder, tmp_path / "out")
    for table, lines in hit.items():
        r = report.tables[table]
        assert r.rows_read == r.rows_accepted + r.rows_set_aside
        kept = pd.read_parquet(tmp_path / "out" / "set_aside" / f"{table}.parquet")
        assert sorted(kept["_line"]) == lines, table
        assert (kept["_file"] == f"{table}.csv").all()
        assert kept["_rule"].str.len().gt(0).all()
        assert (tmp_path / "out" / "set_aside" / f"{table}.csv").exists()


def _write(folder: Path, name: str, text: bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


POPULATION_OK = "year,municipality,sex,age,population\n2024,0301,M,40,100\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("population.csv", "", r"population\.csv: the file is empty: it has no header row"),
        (
            "population.csv",
            "year,municipality,sex,population\n2024,0301,M,3\n",
            r"column age is missing from the header; the population table needs the columns "
            r"year, municipality, sex, age, population",
        ),
        (
            "population.csv",
            "year,year,municipality,sex,age,population\n",
            r"names column year more than once",
        ),
        (
            "population.csv",
            b"year,municipality,s\xffx,age,population\n",
            r"header row is not valid UTF-8",
        ),
    ],
)
def test_unreadable_files_are_refused_whole(tmp_path, name, content, expected) -> None:
    _write(tmp_path / "in", name, content)
    report = validate_folder(tmp_path / "in", tmp_path / "out")
    refused = report.tables["population"].refused
    assert re.search(expected, f"{name}: {refused}"), refused
    assert not (tmp_path / "out" / "accepted" / "population.parquet").exists()


def test_parquet_with_unusable_type_is_refused(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    table = pa.table(
        {
            "year": [2024],
            "municipality": ["0301"],
            "sex": ["M"],
            "age": [3],
            "population": pa.array([{"n": 1}]),
        }
    )
    pq.write_table(table, folder / "population.parquet")
    report = validate_folder(folder, tmp_path / "out")
    assert "column population has type struct" in report.tables["population"].refused


def test_two_files_for_one_table_and_a_missing_population_are_refused(tmp_path) -> None:
    folder = tmp_path / "in"
    _write(folder, "deaths.csv", "patient_id,date_of_death\nP1,2024-01-01\n")
    _write(folder, "deaths.parquet", b"")
    report = validate_folder(folder, tmp_path / "out")
    assert "keep one file per table" in report.tables["deaths"].refused
    assert "population table is required" in report.tables["population"].refused


def test_cli_validate_exit_codes_and_no_person_keys(tmp_path) -> None:
    folder = tmp_path / "in"
    _write(folder, "population.csv", POPULATION_OK + "2024,0301,X,41,7\n")
    _write(
        folder,
        "deaths.csv",
        "patient_id,date_of_death\nSECRET-PERSON-1,2024-02-30\nSECRET-PERSON-2,2024-01-01\n"
        "SECRET-PERSON-2,2024-01-02\n",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "SECRET-PERSON" not in result.output
    assert "set aside" in result.output
    report = json.loads((tmp_path / "out" / "validation.json").read_text())
    assert report["tables"]["deaths"]["rows_set_aside"] == 2
    assert "SECRET-PERSON" not in json.dumps(report)
    _write(folder, "vaccinations.csv", "patient_id\n")
    result = runner.invoke(app, ["validate", str(folder), "--out", str(tmp_path / "out2")])
    assert result.exit_code == 1
    assert "vaccinations.csv" in result.output and "birth_year" in result.output


EPISODE_HEADER = TABLES["episodes"].column_names
VALID_EPISODE = {
    "episode_id": "E1",
    "patient_id": "P1",
    "start_date": "2024-03-01",
    "end_date": "2024-03-04",
    "age": "7",
    "sex": "F",
    "municipality": "1804",
    "district": "",
    "hospital": "nordland",
    "sector": "somatic",
    "care_level": "inpatient",
    "urgency": "acute",
    "main_diagnosis": "J35.0",
    "secondary_diagnoses": "J45.9 I10",
    "procedures": "EMB10",
    "legal_basis": "",
    "discharge": "home",
    "referral_date": "",
    "deadline": "",
    "ready_for_discharge": "",
    "letter_sent": "",
}

SAFE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00\ufffd"),
    max_size=12,
)
BAD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "age": st.sampled_from(["121", "-1", "1.5", "abc", "", "7 years"]),
    "start_date": st.sampled_from(["2023-13-01", "2023-02-29", "01/02/2023", "", "2023-1-1"]),
    "sex": st.sampled_from(["K", "", "male", "3"]),
    "municipality": st.sampled_from(["0000", "99999", "", "=1+2", "9898"]),
    "main_diagnosis": st.sampled_from(["", "J3", "35.0", "tonsils"]),
    "care_level": SAFE_TEXT.filter(lambda v: v.strip() not in {"inpatient", "day", "outpatient"}),
    "sector": SAFE_TEXT.filter(lambda v: v.strip() not in {"somatic", "bup", "vop", "tsb"}),
    "patient_id": st.sampled_from(["", "=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2"]),
    "hospital": st.sampled_from(["unknown-hf", ""]),
    "procedures": st.sampled_from(["EMB", "10EMB", "EMB10,DCA20"]),
}
STRUCTURAL = ["end_before_start", "duplicate_id", "extra_field", "missing_field", "not_utf8"]
corruption = st.one_of(
    st.none(),
    st.none(),
    st.tuples(st.sampled_from(sorted(BAD_VALUES)), st.data()),
    st.sampled_from(STRUCTURAL),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(corruption, min_size=1, max_size=25), st.sampled_from(["csv", "parquet"]))
def test_fuzzed_bad_rows_are_set_aside_with_a_reason(plan, fmt) -> None:
    lines: list[bytes] = []
    expected: list[int] = []
    rows = []
    parsed_ids: list[str] = []
    for index, change in enumerate(plan):
        row = dict(VALID_EPISODE, episode_id=f"E{index}", patient_id=f"P{index}")
        raw_suffix = b""
        if isinstance(change, tuple):
            column, data = change
            row[column] = data.draw(BAD_VALUES[column])
        elif change == "end_before_start":
            row["end_date"] = "2024-02-01"
        elif change == "duplicate_id":
            row["episode_id"] = parsed_ids[0] if parsed_ids else "=dup"
        elif change == "extra_field" and fmt == "csv":
            raw_suffix = b",surplus"
        elif change == "missing_field" and fmt == "csv":
            row["referral_date"] = None
        elif change == "not_utf8" and fmt == "csv":
            row["patient_id"] = "P\x00"
        elif change in ("extra_field", "missing_field", "not_utf8"):
            row["age"] = "-9"
        if change is not None:
            expected.append(index + 2)
        if fmt != "csv" or change not in ("extra_field", "missing_field"):
            parsed_ids.append(row["episode_id"])
        rows.append(row)
        buffer = io.StringIO()
        values = [row[c] for c in EPISODE_HEADER if row.get(c, "") is not None]
        csv.writer(buffer, lineterminator="\n").writerow(values)
        lines.append(
            buffer.getvalue().encode().replace(b"\x00", b"\xff").rstrip(b"\n") + raw_suffix + b"\n"
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        if fmt == "csv":
            path = folder / "episodes.csv"
            path.write_bytes(",".join(EPISODE_HEADER).encode() + b"\n" + b"".join(lines))
        else:
            path = folder / "episodes.parquet"
            frame = pd.DataFrame(rows)[EPISODE_HEADER].replace("", None)
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
            expected = [line - 1 for line in expected]
        report = validate_table(path, TABLES["episodes"], Path(tmp) / "out", STORE, PLACE)
        assert report.rows_read == len(plan)
        assert report.rows_read == report.rows_accepted + report.rows_set_aside
        kept = pd.read_parquet(Path(tmp) / "out" / "set_aside" / "episodes.parquet")
        assert sorted(kept["_line"]) == expected
        assert kept["_rule"].str.len().gt(3).all()

"""Files as users bring them: saved from a spreadsheet in a Norwegian locale, exported from an
older system in Windows-1252, hospitals named the way registries name them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from variatlas.contract import ReadOptions
from variatlas.pipeline import validate

EPISODE = (
    "episode_id;patient_id;start_date;end_date;age;sex;municipality;hospital;sector;"
    "care_level;urgency;main_diagnosis\n"
)


def _accepted(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / "accepted" / f"{table}.parquet")


def _set_aside(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / "set_aside" / f"{table}.parquet")


def _population(folder: Path, text: str, encoding: str = "utf-8") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "population.csv").write_bytes(text.encode(encoding))


def test_a_semicolon_file_with_integral_floats_is_read_and_says_so(tmp_path: Path) -> None:
    _population(
        tmp_path / "in",
        "year;municipality;sex;age;population\n2024;301;1;12.0;100\n2024;0301;2;13;7.00\n",
    )
    report = validate(tmp_path / "in", tmp_path / "out")
    table = report.tables["population"]
    assert (table.rows_read, table.rows_accepted, table.rows_set_aside) == (2, 2, 0)
    accepted = _accepted(tmp_path / "out", "population").sort_values("age")
    assert accepted["age"].tolist() == [12, 13]
    assert accepted["population"].tolist() == [100, 7]
    assert accepted["municipality"].tolist() == ["0301", "0301"]
    assert accepted["sex"].tolist() == ["M", "F"]
    said = " ".join(table.inferred)
    assert "semicolon" in said
    assert "age: 1 values written like 12.0" in said
    assert "population: 1 values written like 12.0" in said


def test_a_fractional_number_in_an_integer_column_is_still_set_aside(tmp_path: Path) -> None:
    _population(tmp_path / "in", "year,municipality,sex,age,population\n2024,0301,M,12.5,3\n")
    report = validate(tmp_path / "in", tmp_path / "out")
    assert report.tables["population"].rows_set_aside == 1
    aside = _set_aside(tmp_path / "out", "population")
    assert aside["_rule"].tolist() == ["must be a whole number"]
    assert aside["_line"].tolist() == [2]


def test_windows_1252_is_recognised_and_utf8_with_a_broken_byte_is_not(tmp_path: Path) -> None:
    facts = "year;municipality;fact;value\n2024;1804;kreftkoordinator_æøå;0,5\n"
    folder = tmp_path / "in"
    _population(folder, "year,municipality,sex,age,population\n2024,1804,F,40,10\n")
    (folder / "municipal_facts.csv").write_bytes(facts.encode("cp1252"))
    report = validate(folder, tmp_path / "out")
    table = report.tables["municipal_facts"]
    assert table.rows_accepted == 1, table.as_dict()
    assert any("Windows-1252" in note for note in table.inferred)
    assert any("decimal comma" in note for note in table.inferred)
    accepted = _accepted(tmp_path / "out", "municipal_facts")
    assert accepted["fact"].tolist() == ["kreftkoordinator_æøå"]
    assert accepted["value"].tolist() == [0.5]
    # A UTF-8 file with Norwegian letters and one broken byte stays UTF-8: that row is set aside.
    broken = "year,municipality,fact,value\n2024,1804,kreftkoordinator_æøå,1\n".encode()
    (folder / "municipal_facts.csv").write_bytes(broken + b"2024,1804,bad\xff,1\n")
    report = validate(folder, tmp_path / "out2")
    table = report.tables["municipal_facts"]
    assert (table.rows_accepted, table.rows_set_aside) == (1, 1)
    assert _set_aside(tmp_path / "out2", "municipal_facts")["_rule"].tolist() == [
        "must be valid UTF-8 text"
    ]


def test_hospitals_by_code_number_and_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _population(folder, "year;municipality;sex;age;population\n2024;0301;F;40;10\n")
    names = [
        "ahus",
        "983971636",
        "Akershus universitetssykehus HF",
        "AHUS NORDBYHAGEN SOMATIKK",
        "Ahus",
        "OUS",
        "St. Olavs hospital",
        "Haukeland universitetssjukehus",
        "Nowhere HF",
    ]
    rows = [
        f"E{i};P{i};2024-03-01;2024-03-02;40;F;0301;{name};somatic;inpatient;acute;J18.9\n"
        for i, name in enumerate(names)
    ]
    (folder / "episodes.csv").write_text(EPISODE + "".join(rows), encoding="utf-8")
    report = validate(folder, tmp_path / "out")
    table = report.tables["episodes"]
    accepted = _accepted(tmp_path / "out", "episodes").sort_values("episode_id")
    assert accepted["hospital"].tolist() == ["ahus"] * 5 + ["ous", "st-olav", "bergen"]
    assert (accepted["hospital_region"] == ["4"] * 6 + ["2", "3"]).all()
    aside = _set_aside(tmp_path / "out", "episodes")
    assert aside["hospital"].tolist() == ["Nowhere HF"]
    assert aside["_column"].tolist() == ["hospital"]
    said = " ".join(table.inferred)
    assert "1 rows gave the trust by organisation number" in said
    assert "rows gave the trust by name" in said


def test_the_user_can_say_how_a_file_is_written(tmp_path: Path) -> None:
    # Latin-1 bytes that are not Norwegian letters are not guessed: the user says so.
    _population(tmp_path / "in", "year|municipality|sex|age|population\n2024|0301|M|40|5\n")
    report = validate(
        tmp_path / "in", tmp_path / "out", read=ReadOptions(encoding="latin-1", delimiter="|")
    )
    assert report.tables["population"].rows_accepted == 1
    assert report.tables["population"].inferred == []


@pytest.mark.parametrize("quoted", [False, True])
def test_lines_are_counted_past_blank_lines_and_line_breaks_in_quotes(
    tmp_path: Path, quoted: bool
) -> None:
    text = (
        "year,municipality,sex,age,population\n"
        "2024,0301,M,40,5\n"
        "\n" + ('2024,"03\n01",M,41,5\n' if quoted else "2024,0301,M,41,5\n") + "2024,0301,X,42,5\n"
        "2024,0301,M,43\n"
        "\r\n"
        "2024,0301,M,44,-1\n"
    )
    _population(tmp_path / "in", text)
    report = validate(tmp_path / "in", tmp_path / "out")
    table = report.tables["population"]
    assert table.rows_read == 5 and table.rows_read == table.rows_accepted + table.rows_set_aside
    aside = _set_aside(tmp_path / "out", "population").sort_values("_line")
    expected = [4, 6, 7, 9] if quoted else [5, 6, 8]
    assert aside["_line"].tolist() == expected

"""Corrupting a share of the rows of a CSV input folder, remembering which lines were hit.

Used to show that validation sets aside exactly the corrupted rows and keeps them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from variatlas.contract import TABLES

Row = list[str]
Corruption = Callable[[Row, dict[str, int], list[Row], np.random.Generator], bytes | None]


def _set(column: str, value: str) -> Corruption:
    def corrupt(row: Row, at: dict[str, int], rows: list[Row], rng: np.random.Generator) -> None:
        row[at[column]] = value

    corrupt.__name__ = f"{column}={value}"
    return corrupt


def _blank(column: str) -> Corruption:
    return _set(column, "")


def _extra_field(row: Row, at: dict[str, int], rows: list[Row], rng: np.random.Generator) -> None:
    row.append("unexpected")


def _not_utf8(column: str) -> Corruption:
    def corrupt(row: Row, at: dict[str, int], rows: list[Row], rng: np.random.Generator) -> bytes:
        row[at[column]] = row[at[column]] + "\x00"
        return b"\xff\xfe"

    return corrupt


def _end_before_start(
    row: Row, at: dict[str, int], rows: list[Row], rng: np.random.Generator
) -> None:
    year = int(row[at["start_date"]][:4])
    row[at["start_date"]] = f"{year}-06-15"
    row[at["end_date"]] = f"{year}-06-01"


def _duplicate_id(column: str) -> Corruption:
    def corrupt(row: Row, at: dict[str, int], rows: list[Row], rng: np.random.Generator) -> None:
        earlier = rows[int(rng.integers(0, len(rows)))] if rows else None
        row[at[column]] = earlier[at[column]] if earlier else "=1+1"

    return corrupt


def _corruptions(table: str) -> list[Corruption]:
    columns = set(TABLES[table].column_names)
    found: list[Corruption] = [_extra_field]
    if "age" in columns:
        found += [_set("age", "999"), _set("age", "-3"), _set("age", "twelve")]
    if "sex" in columns:
        found.append(_set("sex", "X"))
    if "municipality" in columns:
        found += [_set("municipality", "9898"), _set("municipality", "12a4")]
    for name in ("start_date", "date", "date_of_death", "referral_received"):
        if name in columns:
            found += [_set(name, "2023-02-30"), _set(name, "15.06.2023"), _blank(name)]
    for name in ("patient_id", "respondent_id"):
        if name in columns:
            found += [_set(name, '=HYPERLINK("http://x")'), _blank(name), _not_utf8(name)]
    if table == "episodes":
        found += [
            _end_before_start,
            _duplicate_id("episode_id"),
            _set("main_diagnosis", "tonsils"),
            _set("sector", "dental"),
            _set("hospital", "nowhere-hf"),
        ]
    if table == "population":
        found += [_set("population", "-5"), _set("population", "many")]
    if table == "survey_responses":
        found.append(_set("score", "7"))
    return found


def corrupt_folder(folder: Path, share: float, seed: int = 7) -> dict[str, list[int]]:
    """Corrupt about ``share`` of the data rows of every CSV table in ``folder``, in place.

    Returns, per table, the line numbers corrupted (header = line 1); also written to
    ``corrupted.json`` beside the tables.
    """
    rng = np.random.default_rng(seed)
    hit: dict[str, list[int]] = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = list(reader)
        at = {name: i for i, name in enumerate(header)}
        options = [c for c in _corruptions(table) if _applies(c, at)]
        chosen = np.flatnonzero(rng.random(len(rows)) < share)
        prefix: dict[int, bytes] = {}
        for index in map(int, chosen):
            corruption = options[int(rng.integers(0, len(options)))]
            extra = corruption(rows[index], at, rows[:index], rng)
            if isinstance(extra, bytes):
                prefix[index] = extra
        with open(path, "wb") as handle:
            handle.write(_csv_line(header))
            for index, row in enumerate(rows):
                line = _csv_line(row)
                if index in prefix:
                    line = line.replace(b"\x00", prefix[index], 1)
                handle.write(line)
        hit[table] = sorted(int(i) + 2 for i in chosen)
    (folder / "corrupted.json").write_text(json.dumps(hit) + "\n", encoding="utf-8")
    return hit


def _applies(corruption: Corruption, at: dict[str, int]) -> bool:
    name = corruption.__name__
    return "=" not in name or name.split("=")[0] in at


def _csv_line(row: Row) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue().encode("utf-8")

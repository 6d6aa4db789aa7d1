"""What each accepted table holds, year by year, as digests: what an update changed.

An incremental compute (``variatlas.compute.reuse``) asks of every table which of its years
differ from the last run's: a new year is a new partition, late registrations for 2021
change the partition 2021 and no other. A table's rows fall in the year of their date (the
date ``DATE_OF_ROW`` names) or of their ``year`` column; the published aggregates fall in
their indicator's partition (an indicator reads its own rows, whatever their periods); a
table with neither (the lead times) is one partition, ``WHOLE``; rows without a date are the
partition ``NO_YEAR``.

A partition's digest is the number of its rows, the sum and the exclusive or of one 64-bit
hash per row (DuckDB's ``hash`` over every column): it does not depend on the order of the
rows, which validation does not keep. An accidental collision (a changed partition with the
same three numbers) has a chance of about 2⁻⁶⁴; the digest guards against change, not
against an adversary. The whole file's SHA-256 is taken first: an unchanged file keeps the
digests of its years from the last run without reading its rows.

The digests are taken with DuckDB on the Parquet files, whatever engine computes: they
describe the input, not the engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from variatlas.engine.compile import DATE_OF_ROW

YEAR_COLUMN_TABLES = ("population", "survey_responses", "municipal_facts")
"""Tables whose rows carry their year in a ``year`` column."""
WHOLE = "*"
"""The one partition of a table without years."""
NO_YEAR = "none"
"""The partition of rows whose date is empty."""


@dataclass(frozen=True)
class TableDigest:
    """One accepted table: its file's SHA-256 and a digest per partition (year)."""

    file: str
    parts: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "parts": self.parts}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TableDigest:
        parts = data.get("parts")
        return cls(str(data.get("file")), dict(parts) if isinstance(parts, dict) else {})


def _files(path: Path) -> list[Path]:
    """A Parquet file, or the part files of a folder that Spark wrote under that name."""
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def file_digest(path: Path) -> str:
    """SHA-256 of a table's file (of its part files' names and bytes, for a folder)."""
    digest = hashlib.sha256()
    for part in _files(path):
        digest.update(part.name.encode())
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _partition_expression(name: str, columns: list[str]) -> str:
    if name == "aggregates" and "indicator" in columns:
        return 'CAST("indicator" AS VARCHAR)'
    date = DATE_OF_ROW.get(name)
    if date is not None and date in columns:
        return f'CAST(year("{date}") AS VARCHAR)'
    if name in YEAR_COLUMN_TABLES and "year" in columns:
        return 'CAST("year" AS VARCHAR)'
    return f"'{WHOLE}'"


def _partition_digests(
    connection: duckdb.DuckDBPyConnection, name: str, path: Path
) -> dict[str, str]:
    location = str(path / "*.parquet") if path.is_dir() else str(path)
    source = "read_parquet('{}')".format(location.replace("'", "''"))
    columns = [
        str(row[0]) for row in connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    ]
    row_hash = "hash({})".format(", ".join('"{}"'.format(c.replace('"', '""')) for c in columns))
    query = (
        f"SELECT {_partition_expression(name, columns)} AS part, count(*), "
        f"CAST(sum({row_hash}) AS VARCHAR), CAST(bit_xor({row_hash}) AS VARCHAR) "
        f"FROM {source} GROUP BY ALL"
    )
    found = {}
    for part, rows, total, xor in connection.execute(query).fetchall():
        text = f"{duckdb.__version__}|{','.join(columns)}|{rows}|{total}|{xor}"
        label = NO_YEAR if part is None else str(part)
        found[label] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return found


def table_digests(
    accepted: Path, known: Mapping[str, TableDigest] | None = None
) -> dict[str, TableDigest]:
    """Every accepted table of ``accepted`` (the files the engine registers), with the digests
    of its partitions; a table whose file is the one ``known`` describes keeps those."""
    known = known or {}
    found: dict[str, TableDigest] = {}
    connection: duckdb.DuckDBPyConnection | None = None
    try:
        for path in sorted(accepted.glob("*.parquet")):
            name, whole = path.stem, file_digest(path)
            before = known.get(name)
            if before is not None and before.file == whole:
                found[name] = before
                continue
            connection = connection or duckdb.connect()
            found[name] = TableDigest(whole, _partition_digests(connection, name, path))
    finally:
        if connection is not None:
            connection.close()
    return found

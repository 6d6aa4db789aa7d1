"""Reading contract files (CSV or Parquet) as text, in chunks, with their line numbers."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from variatlas.contract.schemas import Table

CHUNK_ROWS = 200_000
_NOT_UTF8 = "\ufffd"
_SURROGATE = re.compile("[\udc80-\udcff]")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class RefusedFile(Exception):
    """A file that cannot be read at all; the message names the file, column and expectation."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class Chunk:
    """Up to CHUNK_ROWS rows as text (missing = NA), with the line each row starts on."""

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: list[tuple[int, str, str]] = field(default_factory=list)
    """Rows that could not be split into the header's fields: (line, raw text, rule)."""


def find_table_file(folder: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``folder`` (``<table>.csv`` or ``<table>.parquet``)."""
    found = [p for p in (folder / f"{table}.csv", folder / f"{table}.parquet") if p.exists()]
    if len(found) > 1:
        raise RefusedFile(
            found[0],
            f"both {found[0].name} and {found[1].name} exist; keep one file per table",
        )
    return found[0] if found else None


def _check_header(path: Path, table: Table, header: list[str]) -> None:
    if any(_NOT_UTF8 in name or _SURROGATE.search(name) for name in header):
        raise RefusedFile(path, "the header row is not valid UTF-8; save the file as UTF-8")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise RefusedFile(path, f"the header names column {', '.join(duplicates)} more than once")
    missing = [c.name for c in table.columns if c.required and c.name not in header]
    if missing:
        expected = ", ".join(c.name for c in table.columns if c.required)
        raise RefusedFile(
            path,
            f"column {', '.join(missing)} is missing from the header; the {table.name} table "
            f"needs the columns {expected}",
        )


TEXT = pd.StringDtype("pyarrow")
"""Text columns are Arrow-backed, so that the checks run vectorised."""


def _text_column(values: list[str]) -> pd.Series:
    try:
        array = pa.array(values, type=pa.string())
    except (UnicodeEncodeError, pa.ArrowInvalid):
        # Lone surrogates stand for bytes that were not UTF-8; show them as U+FFFD.
        array = pa.array([_SURROGATE.sub(_NOT_UTF8, v) for v in values], type=pa.string())
    series = pd.Series(array.to_pandas(types_mapper={pa.string(): TEXT}.get), dtype=TEXT)
    return series.mask(series == "")


def _text_frame(rows: list[list[str]], header: list[str]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    return pd.DataFrame(
        {name: _text_column(list(values)) for name, values in zip(header, columns, strict=True)}
    )


def _clean_raw(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_csv_chunks(path: Path, table: Table, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read a CSV contract file as text; refuse it whole if its header cannot be used."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, strict=False)
        try:
            header = next(reader)
        except StopIteration:
            raise RefusedFile(path, "the file is empty: it has no header row") from None
        except csv.Error as error:
            raise RefusedFile(path, f"the header row cannot be read as CSV ({error})") from None
        if header:
            header[0] = header[0].removeprefix("\ufeff")
        header = [name.strip() for name in header]
        _check_header(path, table, header)
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        malformed: list[tuple[int, str, str]] = []
        previous_end = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                malformed.append((previous_end + 1, "", f"cannot be read as CSV ({error})"))
                previous_end = reader.line_num
                continue
            start, previous_end = previous_end + 1, reader.line_num
            if not row or (len(row) == 1 and row[0] == ""):
                continue
            if len(row) != width:
                malformed.append(
                    (
                        start,
                        _clean_raw(",".join(row)),
                        f"has {len(row)} fields where the header has {width}",
                    )
                )
            else:
                rows.append(row)
                lines.append(start)
            if len(rows) >= chunk_rows:
                yield Chunk(_text_frame(rows, header), np.asarray(lines), malformed)
                rows, lines, malformed = [], [], []
        yield Chunk(_text_frame(rows, header), np.asarray(lines, dtype=np.int64), malformed)


def _as_text(column: pa.ChunkedArray | pa.Array, name: str, path: Path) -> pa.Array:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_timestamp(kind):
        column = column.cast(pa.date32())
    elif pa.types.is_floating(kind):
        integral = pc.equal(pc.floor(column), column)
        as_int = pc.cast(pc.if_else(integral, column, None), pa.int64(), safe=False)
        column = pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(column, pa.string()))
        return column
    elif not (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
    ):
        raise RefusedFile(path, f"column {name} has type {kind}; expected text, a number or a date")
    return pc.cast(column, pa.string())


def read_parquet_chunks(path: Path, table: Table, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read a Parquet contract file as text; refuse it whole if it cannot be read."""
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for unreadable files
        raise RefusedFile(path, f"is not a readable Parquet file ({error})") from None
    header = list(parquet.schema_arrow.names)
    _check_header(path, table, header)
    first_row = 1
    batches = parquet.iter_batches(batch_size=chunk_rows)
    emitted = False
    for batch in batches:
        columns = {}
        for i, name in enumerate(header):
            text = _as_text(batch.column(i), name, path)
            series = pd.Series(text.to_pandas(types_mapper={pa.string(): TEXT}.get), dtype=TEXT)
            columns[name] = series.mask(series == "")
        frame = pd.DataFrame(columns)
        lines = np.arange(first_row, first_row + len(frame), dtype=np.int64)
        first_row += len(frame)
        emitted = True
        yield Chunk(frame, lines)
    if not emitted:
        yield Chunk(
            pd.DataFrame({name: pd.Series([], dtype=TEXT) for name in header}),
            np.zeros(0, dtype=np.int64),
        )


def read_chunks(path: Path, table: Table, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    if path.suffix == ".parquet":
        return read_parquet_chunks(path, table, chunk_rows)
    return read_csv_chunks(path, table, chunk_rows)

"""Staging a CSV file: a Parquet copy with every value as text and the line each row starts
on, so that validation runs on an engine over the whole file. Rows that cannot be split into
the header's fields are kept aside with their line and raw text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from variatlas.contract.files import BLOCK_BYTES, LINE, CsvFormat
from variatlas.contract.schemas import Table

SLOW_BATCH_ROWS = 100_000


@dataclass
class Staged:
    """A CSV file as a Parquet file of text with each row's line, and the rows that were not
    well formed: (line, the raw text, why)."""

    path: Path
    header: list[str]
    rows: int
    malformed: list[tuple[int, str, str]] = field(default_factory=list)


def _record_lines(path: Path) -> np.ndarray | None:
    """Where each record starts, when no line break can be inside a quoted value.

    Returns ``c``: for blank line j (in order), the number of records before it, so that
    record r (1 = the header) starts on line ``r + #{j: c_j <= r - 1}``. None when a line
    break lies inside quotes (or quotes do not pair up), and only a CSV parser can tell.
    """
    size = path.stat().st_size
    data = np.memmap(path, dtype=np.uint8, mode="r")
    quotes = 0
    line = 1
    previous = -1
    blanks: list[np.ndarray] = []
    for start in range(0, size, BLOCK_BYTES):
        block = np.asarray(data[start : start + BLOCK_BYTES])
        breaks = np.flatnonzero(block == 10) + start
        marks = np.flatnonzero(block == 34)
        if len(marks):
            if ((quotes + np.searchsorted(marks + start, breaks)) % 2).any():
                return None
            quotes += len(marks)
        if not len(breaks):
            continue
        begins = np.concatenate([[previous + 1], breaks[:-1] + 1])
        length = breaks - begins
        blank = (length == 0) | ((length == 1) & (data[np.maximum(breaks - 1, 0)] == 13))
        numbers = line + np.arange(len(breaks))
        blanks.append(numbers[blank])
        line += len(breaks)
        previous = int(breaks[-1])
    found = np.concatenate(blanks) if blanks else np.zeros(0, dtype=np.int64)
    return found - np.arange(1, len(found) + 1)


def _lines_of(records: np.ndarray, before_blanks: np.ndarray) -> np.ndarray:
    return records + np.searchsorted(before_blanks, records - 1, side="right")


def _text(column: pa.Array) -> pa.Array:
    """Bytes as text; values that are not UTF-8 get U+FFFD where a byte was broken."""
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, UnicodeDecodeError):
        values = [None if v is None else v.decode("utf-8", "replace") for v in column.to_pylist()]
        return pa.array(values, type=pa.string())


def _schema(header: list[str]) -> pa.Schema:
    return pa.schema([*((name, pa.string()) for name in header), (LINE, pa.int64())])


def stage_csv(path: Path, table: Table, fmt: CsvFormat, header: list[str], target: Path) -> Staged:
    """Copy a CSV file to ``target`` (Parquet, text, with lines); see the module doc."""
    before_blanks = _record_lines(path)
    if before_blanks is None:
        return _stage_with_python(path, fmt, header, target)
    malformed: list[tuple[int, str, str]] = []
    invalid: set[int] = set()
    width = len(header)

    def set_aside(row: pacsv.InvalidRow) -> str:
        line = int(_lines_of(np.array([row.number]), before_blanks)[0])
        malformed.append(
            (line, row.text, f"has {row.actual_columns} fields where the header has {width}")
        )
        invalid.add(row.number)
        return "skip"

    binary = fmt.encoding != "cp1252"
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            use_threads=False,
            block_size=BLOCK_BYTES,
            encoding="cp1252" if not binary else "utf8",
            column_names=[f"c{i}" for i in range(width)],
            skip_rows=1,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=fmt.delimiter, invalid_row_handler=set_aside, ignore_empty_lines=True
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={f"c{i}": pa.binary() if binary else pa.string() for i in range(width)},
            strings_can_be_null=False,
        ),
    )
    schema = _schema(header)
    record = 2
    rows = 0
    with pq.ParquetWriter(target, schema) as writer:
        for batch in reader:
            numbers: list[int] = []
            while len(numbers) < batch.num_rows:
                if record not in invalid:
                    numbers.append(record)
                record += 1
            columns = [_text(batch.column(i)) if binary else batch.column(i) for i in range(width)]
            lines = pa.array(_lines_of(np.asarray(numbers, dtype=np.int64), before_blanks))
            writer.write_table(pa.Table.from_arrays([*columns, lines], schema=schema))
            rows += batch.num_rows
    return Staged(target, header, rows, sorted(malformed))


def _stage_with_python(path: Path, fmt: CsvFormat, header: list[str], target: Path) -> Staged:
    """The careful way, for files with line breaks inside quoted values: Python's csv module,
    which knows the line each row starts on."""
    width = len(header)
    schema = _schema(header)
    malformed: list[tuple[int, str, str]] = []
    rows = 0
    batch: list[list[str]] = []
    lines: list[int] = []

    def flush(writer: pq.ParquetWriter) -> None:
        columns = [pa.array(list(c), type=pa.string()) for c in zip(*batch, strict=True)]
        if not batch:
            columns = [pa.array([], type=pa.string()) for _ in header]
        writer.write_table(
            pa.Table.from_arrays([*columns, pa.array(lines, type=pa.int64())], schema=schema)
        )
        batch.clear()
        lines.clear()

    with (
        open(path, encoding=fmt.encoding, errors="replace", newline="") as handle,
        pq.ParquetWriter(target, schema) as writer,
    ):
        reader = csv.reader(handle, delimiter=fmt.delimiter, strict=False)
        next(reader, None)
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
                text = fmt.delimiter.join(row)
                malformed.append(
                    (start, text, f"has {len(row)} fields where the header has {width}")
                )
                continue
            batch.append(row)
            lines.append(start)
            rows += 1
            if len(batch) >= SLOW_BATCH_ROWS:
                flush(writer)
        flush(writer)
    return Staged(target, header, rows, malformed)


def write_csv(rows: pa.Table, target: Path, *, first: bool) -> None:
    """Append a table to a CSV file (with the header the first time)."""
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, write_options=pacsv.WriteOptions(include_header=first))
    with open(target, "wb" if first else "ab") as handle:
        handle.write(buffer.getvalue())

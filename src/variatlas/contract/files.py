"""Contract files as they come: finding them, and telling how a CSV file is written.

A CSV file may be UTF-8 (with or without a byte-order mark) or Windows-1252, separated by
``,`` ``;`` tab or ``|``: all of it is found out from the file (or given by the user) and said
in the validation report. ``staging`` then copies it to Parquet for the engine.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from variatlas.contract.schemas import Table

BLOCK_BYTES = 1 << 24
"""Bytes read at a time when scanning or parsing a CSV file."""
SLOW_BATCH_ROWS = 100_000
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}
LINE = "_line"
"""The staged column that holds each row's line (CSV) or row number (Parquet), from 1."""

# Bytes that Windows-1252 uses for Norwegian and Sámi letters and common punctuation: a file
# whose only non-ASCII bytes are these, and that is not valid UTF-8, was written in it.
_CP1252_TEXT = frozenset(
    b"\xc6\xd8\xc5\xe6\xf8\xe5\xc9\xe9\xc8\xe8\xdc\xfc\xd6\xf6\xc4\xe4\xc1\xe1\xd3\xf3"
    b"\x8a\x9a\x8e\x9e\x96\x97\x91\x92\x93\x94\xab\xbb\xb0\xa7\xa0\xbd\xb4"
)
_NOT_UTF8 = "\ufffd"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class RefusedFile(Exception):
    """A file that cannot be read at all; the message names the file, column and expectation."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written, and what of it was found out rather than given."""

    encoding: str
    """A Python codec: ``utf-8``, ``utf-8-sig`` or ``cp1252``."""
    delimiter: str
    inferred: tuple[str, ...] = ()

    @property
    def decimal_comma(self) -> bool:
        """A ``;``-separated file is how a spreadsheet in a Norwegian locale saves CSV, and
        there a number is written with a decimal comma (``12,5``)."""
        return self.delimiter == ";"


def find_table_file(folder: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``folder`` (``<table>.csv`` or ``<table>.parquet``)."""
    found = [p for p in (folder / f"{table}.csv", folder / f"{table}.parquet") if p.exists()]
    if len(found) > 1:
        raise RefusedFile(
            found[0],
            f"both {found[0].name} and {found[1].name} exist; keep one file per table",
        )
    return found[0] if found else None


def check_header(path: Path, table: Table, header: list[str]) -> None:
    """Refuse a header with broken text, a repeated name or a missing required column."""
    if any(_NOT_UTF8 in name for name in header):
        raise RefusedFile(path, "the header row is not valid UTF-8; save the file as UTF-8")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise RefusedFile(path, f"the header names column {', '.join(duplicates)} more than once")
    if LINE in header:
        raise RefusedFile(path, f"the header has a column named {LINE}, which variatlas keeps")
    missing = [c.name for c in table.columns if c.required and c.name not in header]
    if missing:
        expected = ", ".join(c.name for c in table.columns if c.required)
        raise RefusedFile(
            path,
            f"column {', '.join(missing)} is missing from the header; the {table.name} table "
            f"needs the columns {expected}",
        )


def detect_encoding(path: Path) -> tuple[str, str | None]:
    """The file's encoding, and a note when it is not plain UTF-8.

    UTF-8 unless the file is not valid UTF-8 *and* has no valid UTF-8 letter beyond ASCII
    *and* every byte beyond ASCII is one that Windows-1252 uses for Norwegian text: then
    Windows-1252. A UTF-8 file with a few broken bytes stays UTF-8, and its broken rows are
    set aside, rather than being read as another encoding.
    """
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == b"\xef\xbb\xbf":
            return "utf-8-sig", None
        handle.seek(0)
        decoder = _Utf8Census()
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            decoder.feed(block)
            if decoder.valid_beyond_ascii:
                break  # UTF-8 letters: UTF-8, whatever else the file holds
    if decoder.invalid and not decoder.valid_beyond_ascii and decoder.invalid <= _CP1252_TEXT:
        return "cp1252", "read as Windows-1252 (the file is not UTF-8)"
    return "utf-8", None


class _Utf8Census:
    """Which bytes beyond ASCII a file has: valid UTF-8 letters, and bytes that are not."""

    def __init__(self) -> None:
        self.invalid: set[int] = set()
        self.valid_beyond_ascii = False
        self._carry = b""

    def feed(self, block: bytes) -> None:
        data = self._carry + block
        if data.isascii():
            self._carry = b""
            return
        # Keep an incomplete sequence at the end for the next block.
        cut = len(data)
        for back in range(1, 4):
            if len(data) >= back and data[-back] & 0xC0 == 0xC0:
                cut = len(data) - back
                break
            if len(data) >= back and data[-back] & 0x80 == 0:
                break
        data, self._carry = data[:cut], data[cut:]
        text = data.decode("utf-8", "surrogateescape")
        broken = {ord(c) - 0xDC00 for c in re.findall("[\udc80-\udcff]", text)}
        self.invalid |= broken
        if not self.valid_beyond_ascii:
            self.valid_beyond_ascii = bool(re.search("[^\x00-\x7f\udc80-\udcff]", text))


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        return handle.readline().rstrip("\r\n")


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=False), [])
    except csv.Error:
        return []


def detect_delimiter(line: str, table: Table) -> str:
    """The delimiter that splits the header into most of the table's column names."""
    names = set(table.column_names)

    def found(delimiter: str) -> tuple[int, int]:
        header = [h.strip().removeprefix("\ufeff") for h in _split(line, delimiter)]
        return len(names & set(header)), -list(DELIMITERS).index(delimiter)

    return max(DELIMITERS, key=found)


def csv_format(
    path: Path, table: Table, encoding: str | None = None, delimiter: str | None = None
) -> tuple[CsvFormat, list[str]]:
    """How ``path`` is written (found out where not given), and its header."""
    if path.stat().st_size == 0:
        raise RefusedFile(path, "the file is empty: it has no header row")
    inferred = []
    if encoding is None:
        encoding, note = detect_encoding(path)
        if note:
            inferred.append(note)
    line = _first_line(path, encoding)
    if delimiter is None:
        delimiter = detect_delimiter(line, table)
        if delimiter != ",":
            inferred.append(f"columns separated by {DELIMITERS[delimiter]} ({delimiter!r})")
    header = [h.strip().removeprefix("\ufeff") for h in _split(line, delimiter)]
    if not header:
        raise RefusedFile(path, "the header row cannot be read as CSV")
    check_header(path, table, header)
    return CsvFormat(encoding, delimiter, tuple(inferred)), header


PARQUET_TEXT_TYPES = (
    pa.types.is_string,
    pa.types.is_large_string,
    pa.types.is_integer,
    pa.types.is_floating,
    pa.types.is_date,
    pa.types.is_timestamp,
    pa.types.is_boolean,
    pa.types.is_null,
    pa.types.is_dictionary,
)


def parquet_header(path: Path, table: Table) -> list[str]:
    """The column names of a Parquet file; refuse it if it cannot be read as the contract's text."""
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises several types for unreadable files
        raise RefusedFile(path, f"is not a readable Parquet file ({error})") from None
    header = list(schema.names)
    check_header(path, table, header)
    for column in schema:
        kind = column.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if not any(test(kind) for test in PARQUET_TEXT_TYPES):
            raise RefusedFile(
                path, f"column {column.name} has type {kind}; expected text, a number or a date"
            )
    return header

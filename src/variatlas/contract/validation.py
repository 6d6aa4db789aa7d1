"""Validation of contract files: every row read is accepted or set aside with its reasons.

Accepted rows go, typed, to ``accepted/<table>.parquet``; set-aside rows, as read, to
``set_aside/<table>.parquet`` and ``.csv`` with the file, line, column, value and rule of
each failure. ``rows_read == rows_accepted + rows_set_aside`` always holds.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.parquet as pq
from pandera.errors import SchemaErrors

from variatlas.contract.checks import arrow_schema, normalise_text, pandera_schema, to_typed
from variatlas.contract.reading import Chunk, RefusedFile, find_table_file, read_chunks
from variatlas.contract.schemas import FORMULA_START, TABLES, Table

Placement = Callable[[str, pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]
"""A hook run on accepted rows of a table: returns (rows with added columns, failures).

Failures is a frame indexed like the input with ``column``, ``value`` and ``rule`` for each row
it rejects; the geography uses it to set aside unknown codes.
"""

SET_ASIDE_COLUMNS = ["_file", "_line", "_column", "_value", "_rule", "_failures"]


@dataclass
class TableReport:
    """What happened to one table's file."""

    table: str
    file: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_set_aside: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    refused: str = ""
    notes: Counter[str] = field(default_factory=Counter)

    def top_reasons(self, n: int = 3) -> list[tuple[str, int]]:
        return self.reasons.most_common(n)

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "file": self.file,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_set_aside": self.rows_set_aside,
            "reasons": dict(self.reasons.most_common()),
            "notes": dict(self.notes),
            "refused": self.refused,
        }


def _failures(table: Table, chunk: Chunk) -> pd.DataFrame:
    """One row per failure: index (row position in chunk), column, value, rule."""
    schema: pa.DataFrameSchema = pandera_schema(table, set(chunk.frame.columns))
    try:
        schema.validate(chunk.frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        broken = cases[cases["index"].isna()]
        if len(broken):
            # A check that raised is a bug in the schema, never a property of the data.
            raise RuntimeError(
                f"a {table.name} check failed to run: {broken.to_dict('records')}"
            ) from None
        rules = cases["check"].astype(str).replace({"not_nullable": "a value is required"})
        return pd.DataFrame(
            {
                "index": cases["index"].astype(np.int64).to_numpy(),
                "column": cases["column"].astype(str).to_numpy(),
                "value": cases["failure_case"].to_numpy(),
                "rule": rules.to_numpy(),
            }
        )
    return pd.DataFrame(columns=["index", "column", "value", "rule"])


def _duplicate_failures(
    table: Table, frame: pd.DataFrame, seen: dict[str, set[int]]
) -> pd.DataFrame:
    """Repeated values of unique columns: the first row keeps the id, later ones are set aside."""
    found = []
    for column in table.columns:
        if not column.unique or column.name not in frame:
            continue
        values = frame[column.name]
        hashes = pd.util.hash_pandas_object(values, index=False).to_numpy()
        earlier = seen.setdefault(column.name, set())
        repeated = np.fromiter((h in earlier for h in hashes.tolist()), bool, len(hashes))
        repeated |= pd.Series(hashes).duplicated().to_numpy()
        repeated &= values.notna().to_numpy()
        earlier.update(hashes.tolist())
        positions = np.flatnonzero(repeated)
        found.append(
            pd.DataFrame(
                {
                    "index": positions,
                    "column": column.name,
                    "value": values.to_numpy()[positions],
                    "rule": f"must be unique: an earlier row has the same {column.name}",
                }
            )
        )
    return pd.concat(found) if found else pd.DataFrame(columns=["index", "column", "value", "rule"])


def _neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    text = frame.astype("string")
    for name in text.columns:
        risky = text[name].str.contains(FORMULA_START, regex=True, na=False)
        if risky.any():
            text.loc[risky, name] = "'" + text.loc[risky, name]
    return text


class _Writer:
    """Appends chunks to one Parquet file (and optionally CSV) with a fixed schema."""

    def __init__(self, path: Path, schema: pa_arrow.Schema, csv_path: Path | None = None):
        self.path, self.schema, self.csv_path = path, schema, csv_path
        self._parquet: pq.ParquetWriter | None = None
        self._csv_started = False

    def write(self, frame: pd.DataFrame) -> None:
        if self._parquet is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._parquet = pq.ParquetWriter(self.path, self.schema)
        if len(frame):
            self._parquet.write_table(
                pa_arrow.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
            )
        if self.csv_path is not None:
            _neutralise_formulas(frame).to_csv(
                self.csv_path,
                mode="a" if self._csv_started else "w",
                header=not self._csv_started,
                index=False,
            )
            self._csv_started = True

    def close(self) -> None:
        if self._parquet is None:
            self.write(pd.DataFrame({name: [] for name in self.schema.names}))
        assert self._parquet is not None
        self._parquet.close()


def _set_aside_frame(
    chunk: Chunk, failures: pd.DataFrame, file_name: str, header: list[str]
) -> pd.DataFrame:
    failures = failures.astype({"index": np.int64}).sort_values("index", kind="stable")
    failures["text"] = failures["column"] + ": " + failures["rule"]
    grouped = failures.groupby("index", sort=True)
    first = grouped.first()
    rows = chunk.frame.iloc[first.index.to_numpy()].reset_index(drop=True)
    meta = pd.DataFrame(
        {
            "_file": file_name,
            "_line": chunk.lines[first.index.to_numpy(dtype=np.int64)],
            "_column": first["column"].to_numpy(),
            "_value": first["value"].astype("string").to_numpy(),
            "_rule": first["rule"].to_numpy(),
            "_failures": grouped["text"].agg("; ".join).to_numpy(),
        }
    )
    for name in header:
        meta[name] = rows[name].to_numpy() if name in rows else None
    if chunk.malformed:
        lines, raws, rules = zip(*chunk.malformed, strict=True)
        bad = pd.DataFrame(
            {
                "_file": file_name,
                "_line": lines,
                "_column": "",
                "_value": raws,
                "_rule": rules,
                "_failures": [f"row: {rule}" for rule in rules],
            }
        )
        meta = pd.concat([meta, bad], ignore_index=True)
    return meta.sort_values("_line", kind="stable")


def validate_table(
    path: Path,
    table: Table,
    out: Path,
    placement: Placement | None = None,
    chunk_rows: int | None = None,
) -> TableReport:
    """Validate one file into ``out/accepted`` and ``out/set_aside``; see the module doc."""
    report = TableReport(table=table.name, file=path.name)
    seen: dict[str, set[int]] = {}
    accepted_writer: _Writer | None = None
    aside_writer: _Writer | None = None
    chunks = read_chunks(path, table, chunk_rows) if chunk_rows else read_chunks(path, table)
    try:
        for chunk in chunks:
            frame = chunk.frame
            header = list(frame.columns)
            for column in table.columns:
                if column.name in frame:
                    frame[column.name] = normalise_text(column, frame[column.name])
            failures = pd.concat([_failures(table, chunk), _duplicate_failures(table, frame, seen)])
            good = np.ones(len(frame), dtype=bool)
            good[failures["index"].to_numpy(dtype=np.int64)] = False
            typed = to_typed(table, frame[good]) if len(frame) else to_typed(table, frame)
            if placement is not None:
                typed, placed_failures = placement(table.name, typed)
                positions = np.flatnonzero(good)
                if len(placed_failures):
                    lookup = pd.Series(positions, index=frame.index[good])
                    placed_failures = placed_failures.assign(
                        index=lookup.loc[placed_failures.index].to_numpy()
                    )
                    failures = pd.concat([failures, placed_failures.reset_index(drop=True)])
                    good[placed_failures["index"].to_numpy(dtype=np.int64)] = False
                    typed = typed.loc[frame.index[good]]
            if "residence_note" in typed:
                report.notes.update(typed["residence_note"][typed["residence_note"] != ""])
            extra = [name for name in header if name not in table.column_names]
            typed = typed[
                [*table.column_names, *[c for c in typed.columns if c not in table.column_names]]
            ]
            if accepted_writer is None:
                schema = arrow_schema(table)
                for name in typed.columns:
                    if name not in schema.names:
                        schema = schema.append(pa_arrow.field(name, pa_arrow.string()))
                accepted_writer = _Writer(out / "accepted" / f"{table.name}.parquet", schema)
                aside_schema = pa_arrow.schema(
                    [("_file", pa_arrow.string()), ("_line", pa_arrow.int64())]
                    + [(n, pa_arrow.string()) for n in SET_ASIDE_COLUMNS[2:]]
                    + [(n, pa_arrow.string()) for n in [*table.column_names, *extra] if n in header]
                )
                aside_writer = _Writer(
                    out / "set_aside" / f"{table.name}.parquet",
                    aside_schema,
                    out / "set_aside" / f"{table.name}.csv",
                )
            for name in extra:
                typed[name] = typed[name].astype("string")
            accepted_writer.write(typed)
            set_aside = (
                _set_aside_frame(chunk, failures, path.name, header)
                if len(failures) or chunk.malformed
                else None
            )
            assert aside_writer is not None
            if set_aside is not None:
                aside_writer.write(set_aside[aside_writer.schema.names])
                for rule_column, rule in zip(set_aside["_column"], set_aside["_rule"], strict=True):
                    report.reasons[f"{rule_column}: {rule}" if rule_column else rule] += 1
            n_aside = 0 if set_aside is None else len(set_aside)
            report.rows_read += len(frame) + len(chunk.malformed)
            report.rows_accepted += len(typed)
            report.rows_set_aside += n_aside
    finally:
        for writer in (accepted_writer, aside_writer):
            if writer is not None:
                writer.close()
    if report.rows_read != report.rows_accepted + report.rows_set_aside:
        raise AssertionError(f"{path}: rows read differ from rows accepted + set aside")
    return report


@dataclass
class FolderReport:
    """The validation of a whole input folder."""

    input: str
    tables: dict[str, TableReport]
    absent: list[str]

    @property
    def refused(self) -> dict[str, TableReport]:
        return {name: r for name, r in self.tables.items() if r.refused}

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "tables": {name: r.as_dict() for name, r in self.tables.items()},
            "absent": self.absent,
        }

    def write(self, out: Path) -> None:
        (out / "validation.json").write_text(json.dumps(self.as_dict(), indent=2) + "\n")


def validate_folder(
    folder: Path,
    out: Path,
    placement: Placement | None = None,
    tables: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> FolderReport:
    """Validate every contract table present in ``folder`` into ``out``."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the input folder {folder} does not exist")
    reports: dict[str, TableReport] = {}
    absent = []
    for name in tables or TABLES:
        table = TABLES[name]
        try:
            path = find_table_file(folder, name)
        except RefusedFile as refused:
            reports[name] = TableReport(name, refused.path.name, refused=refused.message)
            continue
        if path is None:
            absent.append(name)
            continue
        if progress is not None:
            progress(name)
        try:
            reports[name] = validate_table(path, table, out, placement)
        except RefusedFile as refused:
            for leftover in (
                out / "accepted" / f"{name}.parquet",
                out / "set_aside" / f"{name}.parquet",
                out / "set_aside" / f"{name}.csv",
            ):
                leftover.unlink(missing_ok=True)
            reports[name] = TableReport(name, path.name, refused=refused.message)
    if "population" in absent:
        reports["population"] = TableReport(
            "population",
            "population.csv",
            refused="the population table is required (population.csv or population.parquet)",
        )
        absent.remove("population")
    report = FolderReport(str(folder), reports, absent)
    out.mkdir(parents=True, exist_ok=True)
    report.write(out)
    return report

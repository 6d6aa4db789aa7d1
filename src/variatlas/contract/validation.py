"""Validation of contract files on an engine: every row read is accepted or set aside.

Each file is read as text with the line each row starts on (a CSV file is staged first, see
``files``); the rules of ``checks`` run over the whole file on the engine (DuckDB, or Spark),
and the geography places each distinct residence and hospital code once (``Placement``).
Accepted rows go, typed, to ``accepted/<table>.parquet``; set-aside rows, as read, to
``set_aside/<table>.parquet`` and ``.csv`` with the file, line, column, value and rule of
their first failure and all their failures. ``rows_read == rows_accepted + rows_set_aside``
always holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from variatlas.contract.checks import NULL, as_text, typed
from variatlas.contract.files import (
    LINE,
    RefusedFile,
    csv_format,
    find_table_file,
    parquet_header,
)
from variatlas.contract.judging import Judged, Placement, Store, judge
from variatlas.contract.report import FolderReport, TableReport
from variatlas.contract.schemas import FORMULA_START, TABLES, Table, arrow_schema
from variatlas.contract.staging import stage_csv, write_csv

SET_ASIDE_COLUMNS = ["_file", "_line", "_column", "_value", "_rule", "_failures"]
RESIDENCE = ["referral_area", "region", "residence_note"]


@dataclass(frozen=True)
class ReadOptions:
    """How CSV files are written, where the user says so (else it is found out)."""

    encoding: str | None = None
    delimiter: str | None = None
    population: str | None = None
    """``ssb``: use the shipped population of Norway (SSB) for an input without its own."""


SHIPPED_POPULATION = {"ssb": Path(__file__).parent / "data" / "population_ssb.parquet"}
SHIPPED_NOTE = (
    "population: the shipped population of Norway, Statistics Norway (SSB) table 07459 "
    "(NLOD 2.0), asked for by --population ssb"
)


def _accepted(judged: Judged, table: Table, header: list[str]) -> ir.Table:
    """Accepted rows, typed, placed, with the extra columns as text."""
    rows = judged.rows
    columns: dict[str, ir.Value] = {}
    kinds = {"int": "int64", "number": "float64", "date": "date"}
    placed = {
        "municipality": "placed_municipality",
        "district": "placed_district",
        "hospital": "hospital_code",
    }
    for column in table.columns:
        if column.name not in header:
            columns[column.name] = ibis.null(kinds.get(column.kind, "string"))
        elif placed.get(column.name) in rows.columns:
            columns[column.name] = rows[placed[column.name]]
        else:
            columns[column.name] = typed(column, judged.values[column.name])
    if "placed_municipality" in rows.columns:
        columns.update({name: rows[name] for name in RESIDENCE})
    if "hospital_region" in rows.columns:
        columns["hospital_region"] = rows.hospital_region
    for name in header:
        if name not in table.column_names:
            columns[name] = as_text(rows[name])
    return rows.filter(~rows._failed).select(**columns)


def _set_aside(
    judged: Judged, header: list[str], file: str, malformed: list[tuple[int, str, str]]
) -> ir.Table:
    """Set-aside rows as read, with the first failure (column, value, rule) and all of them."""
    rows = judged.rows.filter(judged.rows._failed)
    first = rows._failures.split("; ")[0]
    column = first.split(": ")[0]
    aside = rows.select(
        _file=ibis.literal(file),
        _line=rows[LINE],
        _column=column,
        _value=column.cases(*[(name, as_text(rows[name])) for name in header], else_=NULL),
        _rule=first.substr(column.length() + 2),
        _failures=rows._failures,
        **{name: as_text(rows[name]) for name in header},
    )
    if malformed:
        lines, raws, rules = zip(*malformed, strict=True)
        broken = pd.DataFrame(
            {
                "_file": file,
                "_line": pd.array(lines, dtype="int64"),
                "_column": "",
                "_value": list(raws),
                "_rule": list(rules),
                "_failures": [f"row: {rule}" for rule in rules],
                **{name: pd.Series([None] * len(lines), dtype="string") for name in header},
            }
        )
        aside = aside.union(ibis.memtable(broken, schema=aside.schema()))
    return aside.order_by("_line")


def _neutralised(batch: pa.RecordBatch) -> pa.Table:
    """Text that a spreadsheet would run as a formula, prefixed with ' (in the CSV copy)."""
    import pyarrow.compute as pc

    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, FORMULA_START), False)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=batch.schema.names)


def _parquet(path: Path) -> ds.Dataset:
    """A Parquet file, or the folder of part files that Spark writes under the same name."""
    return ds.dataset(path, format="parquet")


def _csv_copy(parquet: Path, target: Path) -> None:
    first = True
    for batch in _parquet(parquet).to_batches(batch_size=100_000):
        write_csv(_neutralised(batch), target, first=first)
        first = False
    if first:
        write_csv(_parquet(parquet).to_table(), target, first=True)


def _inferred(counts: dict[str, int]) -> list[str]:
    """Sentences on values read as something other than they were written."""
    sentences = []
    for key, n in counts.items():
        if not n:
            continue
        name, kind = key.split("|")
        if kind == "int":
            sentences.append(f"{name}: {n:,} values written like 12.0 read as whole numbers")
        elif kind == "comma":
            sentences.append(f"{name}: {n:,} values with a decimal comma read as numbers")
        else:
            sentences.append(f"hospital: {n:,} rows gave the trust by {kind}")
    return sentences


def _whole(value: object) -> int:
    """A count from the engine (a sum over no rows is missing: 0)."""
    return 0 if pd.isna(value) else int(value)  # type: ignore[call-overload]


def validate_table(
    path: Path,
    table: Table,
    out: Path,
    store: Store,
    placement: Placement | None = None,
    options: ReadOptions | None = None,
) -> TableReport:
    """Validate one file into ``out/accepted`` and ``out/set_aside``; see the module doc."""
    options = options or ReadOptions()
    report = TableReport(table=table.name, file=path.name)
    staging = out / ".staging"
    staging.mkdir(parents=True, exist_ok=True)
    malformed: list[tuple[int, str, str]] = []
    decimal_comma = False
    if path.suffix == ".csv":
        fmt, header = csv_format(path, table, options.encoding, options.delimiter)
        report.inferred += fmt.inferred
        decimal_comma = fmt.decimal_comma
        staged = stage_csv(path, table, fmt, header, staging / f"{table.name}.csv.parquet")
        malformed = staged.malformed
        raw = store.read_parquet(staged.path)
    else:
        header = parquet_header(path, table)
        raw = store.read_parquet(path, lines=True)
    judged = judge(raw, table, header, store, placement, decimal_comma)
    accepted_path = out / "accepted" / f"{table.name}.parquet"
    aside_path = out / "set_aside" / f"{table.name}.parquet"
    store.write_parquet(_accepted(judged, table, header), accepted_path)
    read = _whole(store.execute(raw.count().as_table()).iloc[0, 0])
    accepted_rows = _parquet(accepted_path).count_rows()
    aside = _set_aside(judged, header, path.name, malformed)
    # A clean file: nothing to set aside, and no second pass over it to find that out.
    store.write_parquet(aside if read > accepted_rows or malformed else aside.limit(0), aside_path)
    _csv_copy(aside_path, out / "set_aside" / f"{table.name}.csv")
    reasons = store.execute(
        store.read_parquet(aside_path).group_by(["_column", "_rule"]).aggregate(n=ibis._.count())
    )
    for row in reasons.itertuples():
        report.reasons[f"{row._1}: {row._2}" if row._1 else row._2] += int(row.n)
    accepted = store.read_parquet(accepted_path)
    if "residence_note" in accepted.columns:
        notes = store.execute(
            accepted.filter(accepted.residence_note != "")
            .group_by("residence_note")
            .aggregate(n=ibis._.count())
        )
        report.notes.update(dict(zip(notes["residence_note"], notes["n"].astype(int), strict=True)))
    report.inferred += _inferred(judged.counts)
    report.rows_read = read + len(malformed)
    report.rows_accepted = accepted_rows
    report.rows_set_aside = _parquet(aside_path).count_rows()
    shutil.rmtree(staging, ignore_errors=True)
    if report.rows_read != report.rows_accepted + report.rows_set_aside:
        raise AssertionError(f"{path}: rows read differ from rows accepted + set aside")
    return report


def validate_folder(
    folder: Path,
    out: Path,
    store: Store,
    placement: Placement | None = None,
    tables: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    options: ReadOptions | None = None,
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
            if name == "population" and options is not None and options.population:
                path = _shipped_population(options.population, path)
        except RefusedFile as refused:
            reports[name] = TableReport(name, refused.path.name, refused=refused.message)
            continue
        if path is None:
            absent.append(name)
            continue
        if progress is not None:
            progress(name)
        try:
            reports[name] = validate_table(path, table, out, store, placement, options)
            if path in SHIPPED_POPULATION.values():
                # The shipped population: named in full, so that provenance can hash it.
                reports[name].file = str(path)
                reports[name].inferred.append(SHIPPED_NOTE)
        except RefusedFile as refused:
            for leftover in (
                out / "accepted" / f"{name}.parquet",
                out / "set_aside" / f"{name}.parquet",
                out / "set_aside" / f"{name}.csv",
            ):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(out / ".staging", ignore_errors=True)
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


def shipped_population(validated: Path) -> bool:
    """Whether the validated folder's population is the shipped one, not the user's."""
    report = validated / "validation.json"
    if not report.exists():
        return False
    tables = json.loads(report.read_text()).get("tables", {})
    return SHIPPED_NOTE in tables.get("population", {}).get("inferred", [])


def _shipped_population(name: str, own: Path | None) -> Path:
    shipped = SHIPPED_POPULATION.get(name)
    if shipped is None:
        raise RefusedFile(Path(name), f"there is no shipped population called {name!r} (ssb)")
    if own is not None:
        raise RefusedFile(
            own,
            f"the input has its own population table, and --population {name} asks for the "
            "shipped one: remove the file or the option",
        )
    return shipped


__all__ = [
    "Placement",
    "ReadOptions",
    "Store",
    "arrow_schema",
    "shipped_population",
    "validate_folder",
    "validate_table",
]

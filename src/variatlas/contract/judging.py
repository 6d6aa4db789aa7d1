"""Judging every row of a file against its table's rules, on an engine.

Rules about a value alone are asked once per distinct value of each column, and their
verdicts looked up for every row carrying that value; the geography is asked once per
distinct residence and hospital. What is asked of each row is only what needs the row:
whether a required value is there, free text and ids, dates in order, repeated ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import ibis
import ibis.expr.types as ir
import pandas as pd

from variatlas.contract.checks import (
    DECIMAL_COMMA,
    INTEGRAL_FLOAT,
    NULL,
    ROW_KINDS,
    as_text,
    required_rule,
    row_rule,
    trimmed,
    value_of,
    value_rules,
    when,
)
from variatlas.contract.files import LINE
from variatlas.contract.schemas import Column, Table

INLINE_VERDICTS = 1_000
"""Up to this many distinct bad values of a column are looked up in the row's expression; more
are joined from the engine."""


class Store(Protocol):
    """What validation needs of an engine (``variatlas.engine`` implements it)."""

    def read_parquet(self, path: Path, *, lines: bool = False) -> ir.Table:
        """A Parquet file as a table; with ``lines``, its row numbers (from 1) as ``_line``."""
        ...

    def write_parquet(self, expression: ir.Table, path: Path) -> None: ...

    def execute(self, expression: ir.Table) -> pd.DataFrame: ...


class Placement(Protocol):
    """Where codes lie in the geography (``variatlas.geography.placement`` implements it).

    Each is asked once per distinct code, however many rows carry it."""

    def residences(self, codes: pd.DataFrame) -> pd.DataFrame:
        """``municipality`` and ``district`` ('' for none) → the same with ``placed_municipality``,
        ``placed_district``, ``referral_area``, ``region``, ``residence_note`` and, for codes
        that cannot be placed, ``reason`` and ``reason_column``."""
        ...

    def hospitals(self, codes: pd.Series) -> pd.DataFrame:
        """``hospital`` values → ``hospital``, ``hospital_code``, ``hospital_region``,
        ``how`` (what the value was: a code, an organisation number, a name) and
        ``hospital_reason``."""
        ...


@dataclass(frozen=True)
class Failure:
    """A row fails where ``condition`` holds, and ``message`` says how ("column: rule")."""

    condition: ir.BooleanValue
    message: ir.StringValue

    @staticmethod
    def found(message: ir.StringValue) -> Failure:
        """A failure that is its message where there is one."""
        return Failure(message.notnull(), message)


@dataclass
class Judged:
    """Every row of a file with its values, placement and verdict: ``_failed``, and
    ``_failures`` ("column: rule; …", made only for the rows that fail); and what was found
    out about the values on the way."""

    rows: ir.Table
    values: dict[str, ir.Value]
    counts: dict[str, int] = field(default_factory=dict)
    """Values read as something other than they were written: ``column|kind`` → rows."""


def _verdicts(
    column: Column, source: ir.Value, store: Store, decimal_comma: bool
) -> tuple[ir.Table, ir.Table, pd.Series]:
    """The distinct values of a column with their rows, their failures (``failure``), and
    the counts of values read as something else."""
    distinct = source.name("source").as_table().group_by("source").aggregate(rows=ibis._.count())
    value = value_of(column, distinct.source, decimal_comma)
    messages = [when(c, f"{column.name}: {m}") for c, m in value_rules(column, value)]
    judged = distinct.mutate(value=value, failure=_joined(messages))
    text = trimmed(as_text(distinct.source))
    flags = {
        "int": text.re_search(INTEGRAL_FLOAT) if column.kind == "int" else None,
        "comma": text.re_search(DECIMAL_COMMA)
        if column.kind == "number" and decimal_comma
        else None,
    }
    counts = {
        k: (f.fill_null(False).cast("int64") * distinct.rows).sum()
        for k, f in flags.items()
        if f is not None
    }
    found = store.execute(distinct.aggregate(**counts)).iloc[0] if counts else pd.Series()
    return judged, judged.filter(judged.failure.notnull()), found


def _joined(messages: list[ir.StringValue]) -> ir.StringValue:
    """The messages that are there, separated by "; " (NULL where there is none)."""
    return ibis.literal("; ").join(messages).nullif("") if messages else NULL


def _verdict(rows: ir.Table, failures: list[Failure]) -> ir.Table:
    """``_failed`` (cheap: booleans only) and ``_failures`` (text, only where failed)."""
    failed: ir.BooleanValue = ibis.literal(False)
    for failure in failures:
        failed |= failure.condition.fill_null(False)
    text = _joined([when(f.condition, f.message) for f in failures])
    return rows.mutate(_failed=failed, _failures=when(failed, text))


def _lookup(
    rows: ir.Table, column: str, bad: ir.Table, store: Store
) -> tuple[ir.Table, Failure | None]:
    """Each row's verdict on ``column``: inline where few values are bad, else joined."""
    found = store.execute(bad.select("source", "failure").limit(INLINE_VERDICTS + 1))
    if found.empty:
        return rows, None
    if len(found) <= INLINE_VERDICTS:
        pairs = [
            (ibis.literal(s, type=rows[column].type()), f) for s, f in found.itertuples(index=False)
        ]
        return rows, Failure(
            rows[column].isin([p[0] for p in pairs]), rows[column].cases(*pairs, else_=NULL)
        )
    name = f"v__{column}"
    verdicts = bad.select(k=bad.source, **{name: bad.failure})
    joined = rows.left_join(verdicts, rows[column] == verdicts.k).drop("k")
    return joined, Failure.found(joined[name])


def _duplicates(rows: ir.Table, column: Column, store: Store) -> tuple[ir.Table, Failure | None]:
    """Later rows with a value of a unique column that an earlier row has."""
    key = as_text(rows[column.name])
    other = rows.view()  # the same rows, as the other side of a self-join
    firsts = (
        other.select(k=as_text(other[column.name]), line=other[LINE])
        .filter(ibis._.k.notnull())
        .group_by("k")
        .aggregate(first=ibis._.line.min(), n=ibis._.count())
        .filter(ibis._.n > 1)
    )
    if store.execute(firsts.count().as_table()).iloc[0, 0] == 0:
        return rows, None
    name = f"first__{column.name}"
    earliest = firsts.select("k", **{name: firsts["first"]})
    joined = rows.left_join(earliest, key == earliest.k).drop("k")
    message = f"{column.name}: must be unique: an earlier row has the same {column.name}"
    later = joined[name].notnull() & (joined[LINE] != joined[name])
    return joined, Failure(later, ibis.literal(message))


def _placed(
    rows: ir.Table,
    values: dict[str, ir.Value],
    good: dict[str, ir.Table],
    store: Store,
    placement: Placement,
) -> tuple[ir.Table, list[Failure], dict[str, int]]:
    """Rows joined to where their residence and hospital lie; the failures of codes that
    lie nowhere; the rows whose hospital was given by number or name."""
    failures: list[Failure] = []
    counts: dict[str, int] = {}
    if "municipality" in values:
        district = values["district"].fill_null("") if "district" in values else ibis.literal("")
        rows = rows.mutate(k_m=values["municipality"], k_d=district)
        pairs = rows.select("k_m", "k_d").distinct()
        pairs = pairs.filter(pairs.k_m.isin(good["municipality"].value))
        if "district" in good:
            pairs = pairs.filter((pairs.k_d == "") | pairs.k_d.isin(good["district"].value))
        codes = store.execute(pairs).rename(columns={"k_m": "municipality", "k_d": "district"})
        lookup = placement.residences(codes).rename(
            columns={"municipality": "k_m", "district": "k_d"}
        )
        rows = rows.left_join(ibis.memtable(lookup), ["k_m", "k_d"]).drop("k_m", "k_d")
        for column in ("municipality", "district"):
            if column in values:
                failures.append(Failure(rows.reason_column == column, f"{column}: " + rows.reason))
    if "hospital" in values:
        # Several spellings may come to one value (" ahus" and "ahus"): one row per value.
        codes = store.execute(good["hospital"].group_by("value").aggregate(rows=ibis._.rows.sum()))
        codes = codes[codes["value"].notna()]
        lookup = placement.hospitals(codes["value"]).assign(rows=codes["rows"].to_numpy())
        for how in ("organisation number", "name"):
            counts[f"hospital|{how}"] = int(lookup.loc[lookup["how"] == how, "rows"].sum())
        lookup = lookup.drop(columns="rows").rename(columns={"hospital": "k_h"})
        rows = rows.mutate(k_h=values["hospital"])
        rows = rows.left_join(ibis.memtable(lookup), "k_h").drop("k_h")
        failures.append(Failure.found(ibis.literal("hospital: ") + rows.hospital_reason))
    return rows, failures, counts


def judge(
    raw: ir.Table,
    table: Table,
    header: list[str],
    store: Store,
    placement: Placement | None,
    decimal_comma: bool,
) -> Judged:
    """Every row of ``raw`` (its columns and ``_line``) with its verdict; see the module doc."""
    present = [c for c in table.columns if c.name in header]
    rows = raw
    failures: list[Failure] = []
    good: dict[str, ir.Table] = {}
    counts: dict[str, int] = {}
    for column in present:
        if column.kind in ROW_KINDS:
            continue
        # A view: the verdicts come from the rows they are joined back to.
        judged, bad, found = _verdicts(column, raw.view()[column.name], store, decimal_comma)
        good[column.name] = judged.filter(judged.failure.isnull())
        counts.update({f"{column.name}|{k}": 0 if pd.isna(v) else int(v) for k, v in found.items()})
        rows, verdict = _lookup(rows, column.name, bad, store)
        if verdict is not None:
            failures.append(verdict)
    for column in present:
        if column.unique:
            rows, verdict = _duplicates(rows, column, store)
            if verdict is not None:
                failures.append(verdict)
    values = {c.name: value_of(c, rows[c.name], decimal_comma) for c in present}
    if placement is not None:
        rows, placed, found_counts = _placed(rows, values, good, store, placement)
        failures += placed
        counts.update(found_counts)
        values = {c.name: value_of(c, rows[c.name], decimal_comma) for c in present}
    failures = [*_row_failures(present, rows, values, table), *failures]
    return Judged(_verdict(rows, failures), values, counts)


def _row_failures(
    present: list[Column], rows: ir.Table, values: dict[str, ir.Value], table: Table
) -> Iterator[Failure]:
    """What is asked of each row: required values, free text and ids, dates in order."""
    for column in present:
        rules = [required_rule(column, rows[column.name])]
        if column.kind in ROW_KINDS:
            rules += value_rules(column, values[column.name])
        for rule in rules:
            if rule is not None:
                yield Failure(rule[0], ibis.literal(f"{column.name}: {rule[1]}"))
    for order in table.row_rules:
        if all(name in values for name in order.columns):
            condition, message = row_rule(order, values)
            yield Failure(condition, ibis.literal(f"{order.later}: {message}"))

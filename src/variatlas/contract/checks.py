"""Executing the contract's declarations on text as read: the checks of each column kind
(pandera), the spelling fixes applied first, and the typing of accepted rows."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow

from variatlas.contract.schemas import FORMULA_START, ICD10, NCSP, Column, Table

_PATTERNS: dict[str, tuple[str, str]] = {
    "int": (r"[+-]?[0-9]+", "must be a whole number"),
    "number": (
        r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
        "must be a number written with a dot as decimal mark",
    ),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "must be a date written YYYY-MM-DD"),
    "municipality": (r"[0-9]{3,4}", "must be a 4-digit municipality number"),
    "district": (r"[0-9]{5,6}", "must be a 6-digit city-district number"),
    "sex": (r"[MF12]", "must be M or F (or 1 = male, 2 = female)"),
    "icd10": (ICD10, "must be an ICD-10 code such as J35.0 or J350"),
    "icd10_list": (rf"{ICD10}(?: +{ICD10})*", "must be ICD-10 codes separated by spaces"),
    "ncsp_list": (
        rf"{NCSP}(?: +{NCSP})*",
        "must be NCSP/NCMP procedure codes (such as EMB10) separated by spaces",
    ),
}


def _checks(column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = [
        pa.Check(
            lambda s: ~s.str.contains("\ufffd", regex=False),
            error="must be valid UTF-8 text",
        )
    ]
    if column.kind in ("text", "id"):
        checks.append(
            pa.Check(
                lambda s: ~s.str.contains(FORMULA_START, regex=True),
                error="must not start with =, +, -, @, tab or carriage return "
                "(it would run as a spreadsheet formula)",
            )
        )
    if column.kind in _PATTERNS:
        pattern, error = _PATTERNS[column.kind]
        checks.append(pa.Check(lambda s, p=pattern: s.str.fullmatch(p), error=error))
    if column.kind == "date":
        checks.append(
            pa.Check(
                lambda s: (
                    pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()
                    | ~s.str.fullmatch(_PATTERNS["date"][0])
                ),
                error="must be a real calendar date",
            )
        )
    if column.kind == "enum":
        allowed = set(column.values)
        checks.append(
            pa.Check(
                lambda s, a=allowed: s.isin(a),
                error="must be one of " + ", ".join(column.values),
            )
        )
    if column.minimum is not None or column.maximum is not None:
        lo = -float("inf") if column.minimum is None else column.minimum
        hi = float("inf") if column.maximum is None else column.maximum
        bounds = (
            f"between {column.minimum:g} and {column.maximum:g}"
            if (column.minimum is not None and column.maximum is not None)
            else (
                f"at least {column.minimum:g}"
                if column.minimum is not None
                else f"at most {column.maximum:g}"
            )
        )

        def within_bounds(s: pd.Series, lo: float = lo, hi: float = hi) -> pd.Series:
            numbers = pd.to_numeric(s, errors="coerce")
            return numbers.isna() | numbers.between(lo, hi)

        checks.append(pa.Check(within_bounds, error=f"must be {bounds}"))
    return checks


def pandera_schema(table: Table, present: set[str]) -> pa.DataFrameSchema:
    """A pandera schema that checks ``table``'s columns as text (those present in the file)."""
    columns = {
        c.name: pa.Column(
            None,
            checks=_checks(c),
            nullable=c.nullable,
            required=False,
            coerce=False,
        )
        for c in table.columns
        if c.name in present
    }
    row_checks = [
        pa.Check(rule.holds, error=rule.description)
        for rule in table.row_rules
        if all(name in present for name in rule.columns)
    ]
    return pa.DataFrameSchema(columns, checks=row_checks, strict=False)


def normalise_text(column: Column, values: pd.Series) -> pd.Series:
    """Unambiguous spelling fixes applied before the checks (codes only, never values)."""
    if column.kind in ("text", "id", "int", "number", "date"):
        return values
    values = values.str.strip()
    if column.kind == "municipality":
        return values.where(~values.str.fullmatch(r"[0-9]{3}", na=False), "0" + values)
    if column.kind == "district":
        return values.where(~values.str.fullmatch(r"[0-9]{5}", na=False), "0" + values)
    if column.kind == "sex":
        return values.replace({"1": "M", "2": "F"})
    if column.kind in ("icd10", "icd10_list", "ncsp_list"):
        return values.str.upper().str.replace(r"\s+", " ", regex=True)
    return values


def to_typed(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns for accepted rows (text stays text, dots are removed from ICD-10)."""
    out = frame.copy()
    for column in table.columns:
        if column.name not in out:
            out[column.name] = pd.Series(pd.NA, index=out.index, dtype="string")
        values = out[column.name]
        if column.kind == "int":
            out[column.name] = pd.to_numeric(values).astype("Int64")
        elif column.kind == "number":
            out[column.name] = pd.to_numeric(values).astype("Float64")
        elif column.kind == "date":
            out[column.name] = pd.to_datetime(values, format="%Y-%m-%d")
        elif column.kind in ("icd10", "icd10_list"):
            out[column.name] = values.astype("string").str.replace(".", "", regex=False)
        else:
            out[column.name] = values.astype("string")
    return out


_ARROW_TYPES = {"int": pa_arrow.int64(), "number": pa_arrow.float64(), "date": pa_arrow.date32()}


def arrow_schema(table: Table) -> pa_arrow.Schema:
    """The Parquet schema of accepted rows: the contract's columns, typed."""
    return pa_arrow.schema(
        [(c.name, _ARROW_TYPES.get(c.kind, pa_arrow.string())) for c in table.columns]
    )

"""The contract's declarations as engine expressions (Ibis): each column's value as read,
its spelling fixed where that is unambiguous, each rule a message where a value or a row
breaks it, and the types of accepted rows. They run unchanged on DuckDB and on Spark.

Most rules are about a value alone (a code, a date, a number): validation asks them once per
distinct value (``VALUE_KINDS``) and looks the answer up for each row. Free text and ids, the
rules across columns and uniqueness are asked of each row.
"""

from __future__ import annotations

from collections.abc import Iterator

import ibis
import ibis.expr.types as ir

from variatlas.contract.schemas import FORMULA_START, ICD10, NCSP, Column, DateOrder

NULL = ibis.null("string")

PATTERNS: dict[str, tuple[str, str]] = {
    "int": (r"[+-]?[0-9]+", "must be a whole number"),
    "number": (
        r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
        "must be a number written with a dot as decimal mark",
    ),
    "date": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "must be a date written YYYY-MM-DD"),
    "municipality": (r"[0-9]{3,4}", "must be a 4-digit municipality number"),
    "district": (r"[0-9]{5,6}", "must be a 6-digit city-district number"),
    "period": (r"[0-9]{4}(?:-[0-9]{4})?", "must be a year (2023) or a span of years (2021-2023)"),
    "sex": (r"[MF12]", "must be M or F (or 1 = male, 2 = female)"),
    "icd10": (ICD10, "must be an ICD-10 code such as J35.0 or J350"),
    "icd10_list": (rf"{ICD10}(?: +{ICD10})*", "must be ICD-10 codes separated by spaces"),
    "ncsp_list": (
        rf"{NCSP}(?: +{NCSP})*",
        "must be NCSP/NCMP procedure codes (such as EMB10) separated by spaces",
    ),
}
NOT_UTF8 = "must be valid UTF-8 text"
FORMULA = (
    "must not start with =, +, -, @, tab or carriage return (it would run as a spreadsheet formula)"
)
REQUIRED = "a value is required"
INTEGRAL_FLOAT = r"^[+-]?[0-9]+\.0*$"
DECIMAL_COMMA = r"^[+-]?[0-9]*,[0-9]+$"
ROW_KINDS = ("text", "id")
"""Kinds whose values are mostly distinct: their rules are asked of each row."""


Rule = tuple[ir.BooleanValue, str]
"""Where a rule is broken, and its message."""


def when(condition: ir.BooleanValue, message: str | ir.StringValue) -> ir.StringValue:
    """``message`` where ``condition`` holds, else NULL."""
    return ibis.cases((condition.fill_null(False), message), else_=NULL)


def matches(value: ir.StringValue, pattern: str) -> ir.BooleanValue:
    return value.re_search(f"^(?:{pattern})$")


def as_text(column: ir.Value) -> ir.StringValue:
    """A column as text, with empty values missing (NULL)."""
    kind = column.type()
    if kind.is_timestamp():
        column = column.cast("date")
    text = column if kind.is_string() else column.cast("string")
    return text.nullif("")


def trimmed(value: ir.StringValue) -> ir.StringValue:
    """Without white space at either end. Not Ibis's ``strip()``: on Spark it compiles to a
    ``TRIM(BOTH …)`` whose backslash escapes Spark reads as the letters t, n, r, v and f
    ("vop" became "op"); a regular expression means the same on every engine."""
    return value.re_replace(r"^\s+|\s+$", "")


def _typed_source(column: Column, source: ir.Value) -> bool:
    """A Parquet column that already has the type the contract asks for."""
    kind = source.type()
    return (
        (column.kind == "int" and kind.is_integer())
        or (column.kind == "number" and kind.is_numeric())
        or (column.kind == "date" and (kind.is_date() or kind.is_timestamp()))
    )


def value_of(column: Column, source: ir.Value, decimal_comma: bool) -> ir.Value:
    """The value the rules judge: the source as typed where it already has the contract's type,
    else its text with unambiguous spelling fixes (they never change a meaning).

    Codes are trimmed and upper-cased; a municipality of 3 digits and a district of 5 get
    their leading zero back (spreadsheets drop it); sex 1/2 becomes M/F; a whole number
    written ``12.0`` (as pandas and spreadsheets write an integer column with a gap) is 12;
    in a ``;``-separated file a number may have a decimal comma.
    """
    if _typed_source(column, source):
        return source.cast("date") if column.kind == "date" else source
    value = as_text(source)
    if column.kind in ROW_KINDS:
        return value
    value = trimmed(value)
    if column.kind == "int":
        return ibis.cases(
            (value.re_search(INTEGRAL_FLOAT), value.left(value.find("."))), else_=value
        )
    if column.kind == "number" and decimal_comma:
        return ibis.cases((value.re_search(DECIMAL_COMMA), value.replace(",", ".")), else_=value)
    if column.kind == "municipality":
        return ibis.cases((value.re_search(r"^[0-9]{3}$"), "0" + value), else_=value)
    if column.kind == "district":
        return ibis.cases((value.re_search(r"^[0-9]{5}$"), "0" + value), else_=value)
    if column.kind == "sex":
        return value.cases(("1", "M"), ("2", "F"), else_=value)
    if column.kind in ("icd10", "icd10_list", "ncsp_list"):
        return value.upper().re_replace(r"\s+", " ")
    return value


def value_rules(column: Column, value: ir.Value) -> Iterator[Rule]:
    """Each rule about a value alone (a NULL value passes: whether a value is required is
    ``required_rule``)."""
    if not value.type().is_string():
        yield from _bounds_rule(column, value)
        return
    yield value.contains("\ufffd"), NOT_UTF8
    if column.kind in ("text", "id", "hospital"):
        yield value.left(1).re_search(FORMULA_START), FORMULA
    if column.kind in PATTERNS:
        pattern, message = PATTERNS[column.kind]
        yield ~matches(value, pattern), message
    if column.kind == "date":
        valid = matches(value, PATTERNS["date"][0]) & value.try_cast("date").isnull()
        yield valid, "must be a real calendar date"
    if column.kind == "enum":
        yield ~value.isin(column.values), "must be one of " + ", ".join(column.values)
    yield from _bounds_rule(column, value.try_cast("float64"))


def _bounds_rule(column: Column, number: ir.Value) -> Iterator[Rule]:
    if column.minimum is None and column.maximum is None:
        return
    outside: ir.BooleanValue = ibis.literal(False)
    if column.minimum is not None:
        outside |= number < column.minimum
    if column.maximum is not None:
        outside |= number > column.maximum
    if column.minimum is not None and column.maximum is not None:
        bounds = f"between {column.minimum:g} and {column.maximum:g}"
    elif column.minimum is not None:
        bounds = f"at least {column.minimum:g}"
    else:
        bounds = f"at most {column.maximum:g}"
    yield outside, f"must be {bounds}"


def required_rule(column: Column, source: ir.Value) -> Rule | None:
    """A required value is missing: asked of the value as read (``source``), not of the
    value judged. What ``value_of`` does (trimming, spelling fixes) never makes a missing
    value of a present one, nor the other way, and asking the read value spares a regular
    expression per row and column (the most of a national file's validation time)."""
    if column.nullable:
        return None
    return (source if _typed_source(column, source) else as_text(source)).isnull(), REQUIRED


def as_date(value: ir.Value) -> ir.DateValue:
    """A value as a date where it is one (written YYYY-MM-DD, a real day), else NULL."""
    if not value.type().is_string():
        return value.cast("date")
    return ibis.cases(
        (matches(value, PATTERNS["date"][0]), value.try_cast("date")), else_=ibis.null("date")
    )


def row_rule(rule: DateOrder, values: dict[str, ir.Value]) -> Rule:
    return as_date(values[rule.later]) < as_date(values[rule.earlier]), rule.description


def typed(column: Column, value: ir.Value) -> ir.Value:
    """An accepted value in its type: ICD-10 codes are stored without the dot."""
    if column.kind == "int":
        return value.cast("int64")
    if column.kind == "number":
        return value.cast("float64")
    if column.kind == "date":
        return value.cast("date")
    if column.kind in ("icd10", "icd10_list"):
        return value.replace(".", "")
    return value

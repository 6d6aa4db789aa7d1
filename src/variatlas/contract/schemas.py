"""The input data contract (../shared/design/data-contract.md) as declarative table schemas.

Each table is a list of columns, each with a kind and its rules, plus row rules that relate
columns. ``pandera_schema`` turns a table into a pandera schema that checks the text as read;
``to_typed`` turns accepted text into typed columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow

Kind = Literal[
    "text",
    "id",
    "int",
    "number",
    "date",
    "enum",
    "municipality",
    "district",
    "sex",
    "icd10",
    "icd10_list",
    "ncsp_list",
]

ICD10 = r"[A-Z][0-9]{2}(?:\.?[0-9A-Z]{1,4})?"
NCSP = r"[A-Z]{2,5}[0-9]{2}[A-Z0-9]{0,2}"
FORMULA_START = r"^[=+\-@\t\r]"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    """The column must be in the file's header."""
    nullable: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    person_key: bool = False
    """Identifies a person: never shown in messages."""


@dataclass(frozen=True)
class RowRule:
    """A rule across columns; ``holds`` gets the parsed frame and returns True where it holds."""

    description: str
    columns: tuple[str, ...]
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    row_rules: tuple[RowRule, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(pd.NaT, index=frame.index)
    return pd.to_datetime(frame[name], format="%Y-%m-%d", errors="coerce")


def _not_before(later: str, earlier: str) -> RowRule:
    def holds(frame: pd.DataFrame) -> pd.Series:
        late, early = _dates(frame, later), _dates(frame, earlier)
        return ~(late < early)

    return RowRule(f"{later} must not be before {earlier}", (later, earlier), holds)


def _residence(required_district: bool = False) -> tuple[Column, ...]:
    return (
        Column("municipality", "municipality"),
        Column("district", "district", required=required_district, nullable=True),
    )


AGE = Column("age", "int", minimum=0, maximum=120)
SEX = Column("sex", "sex")
HOSPITAL = Column("hospital", "text")
PATIENT = Column("patient_id", "id", person_key=True)
YEAR = Column("year", "int", minimum=1900, maximum=2100)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "population",
            (YEAR, *_residence(), SEX, AGE, Column("population", "int", minimum=0)),
        ),
        Table(
            "episodes",
            (
                Column("episode_id", "id", unique=True),
                PATIENT,
                Column("start_date", "date"),
                Column("end_date", "date"),
                AGE,
                SEX,
                *_residence(),
                HOSPITAL,
                Column("sector", "enum", values=("somatic", "bup", "vop", "tsb")),
                Column("care_level", "enum", values=("inpatient", "day", "outpatient")),
                Column("urgency", "enum", values=("acute", "elective")),
                Column("main_diagnosis", "icd10"),
                Column("secondary_diagnoses", "icd10_list", required=False, nullable=True),
                Column("procedures", "ncsp_list", required=False, nullable=True),
                Column(
                    "legal_basis",
                    "enum",
                    required=False,
                    nullable=True,
                    values=("voluntary", "observation", "compulsory"),
                ),
                Column(
                    "discharge",
                    "enum",
                    required=False,
                    nullable=True,
                    values=("home", "municipal_care", "other_hospital", "died"),
                ),
                Column("referral_date", "date", required=False, nullable=True),
            ),
            (
                _not_before("end_date", "start_date"),
                _not_before("start_date", "referral_date"),
            ),
        ),
        Table(
            "cancer_pathways",
            (
                Column("pathway_id", "id", unique=True),
                PATIENT,
                Column("cancer_type", "text"),
                AGE,
                SEX,
                *_residence(),
                HOSPITAL,
                Column("referral_received", "date"),
                Column("pathway_start", "date"),
                Column("clinical_decision", "date", required=False, nullable=True),
                Column("treatment_start", "date", required=False, nullable=True),
                Column(
                    "treatment_type",
                    "enum",
                    nullable=True,
                    values=("surgery", "drug", "radiotherapy", "none"),
                ),
                Column("exit", "enum", required=False, nullable=True, values=("no_cancer",)),
            ),
            (
                _not_before("pathway_start", "referral_received"),
                _not_before("clinical_decision", "pathway_start"),
                _not_before("treatment_start", "referral_received"),
            ),
        ),
        Table(
            "coercive_measures",
            (
                Column("episode_id", "id"),
                PATIENT,
                Column("date", "date"),
                Column(
                    "measure",
                    "enum",
                    values=("mechanical_restraint", "isolation", "short_restraint", "medication"),
                ),
            ),
        ),
        Table(
            "deaths",
            (
                Column("patient_id", "id", unique=True, person_key=True),
                Column("date_of_death", "date"),
            ),
        ),
        Table(
            "care_services",
            (
                PATIENT,
                Column("municipality", "municipality"),
                Column(
                    "service",
                    "enum",
                    values=(
                        "nursing_home_long",
                        "nursing_home_short",
                        "home_nursing",
                        "practical_help",
                    ),
                ),
                Column("start_date", "date"),
                Column("end_date", "date", nullable=True),
                AGE,
                SEX,
            ),
            (_not_before("end_date", "start_date"),),
        ),
        Table(
            "survey_responses",
            (
                Column("respondent_id", "id", person_key=True),
                Column("survey", "text"),
                YEAR,
                Column("hospital", "text", nullable=True),
                *_residence(),
                AGE,
                SEX,
                Column("item", "text"),
                Column("score", "int", nullable=True, minimum=1, maximum=5),
            ),
        ),
        Table(
            "vaccinations",
            (
                PATIENT,
                Column("birth_year", "int", minimum=1900, maximum=2100),
                SEX,
                *_residence(),
                Column("vaccine", "text"),
                Column("dose", "int", minimum=1, maximum=10),
                Column("date", "date"),
            ),
        ),
        Table(
            "municipal_facts",
            (
                YEAR,
                Column("municipality", "municipality"),
                Column("fact", "text"),
                Column("value", "number"),
            ),
        ),
        Table(
            "aggregates",
            (
                Column("indicator", "text"),
                Column(
                    "level",
                    "enum",
                    values=("municipality", "referral_area", "health_trust", "region", "nation"),
                ),
                Column("area", "text"),
                Column("period", "text"),
                Column("sex", "sex", required=False, nullable=True),
                Column("age_group", "text", required=False, nullable=True),
                Column("numerator", "number", nullable=True, minimum=0),
                Column("denominator", "number", nullable=True, minimum=0),
                Column("value", "number", required=False, nullable=True),
                Column("lower", "number", required=False, nullable=True),
                Column("upper", "number", required=False, nullable=True),
            ),
        ),
    )
}

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

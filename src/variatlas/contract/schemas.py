"""The input data contract (../shared/design/data-contract.md) as declarative table schemas.

Each table is a list of columns, each with a kind and its rules, plus row rules that relate
columns. This module only declares; ``variatlas.contract.checks`` turns the declarations into
engine expressions over the text as read, and ``variatlas.contract.validation`` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

from variatlas.results import LEVELS

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
    "hospital",
    "period",
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
class DateOrder:
    """A rule across two date columns: ``later`` is not before ``earlier`` (where both are
    valid dates; a missing or broken date is the business of its own column)."""

    later: str
    earlier: str

    @property
    def columns(self) -> tuple[str, str]:
        return (self.later, self.earlier)

    @property
    def description(self) -> str:
        return f"{self.later} must not be before {self.earlier}"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    row_rules: tuple[DateOrder, ...] = field(default=())
    replaces_shipped: bool = False
    """A reference table variatlas ships; a user's own file replaces it."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _residence(required_district: bool = False) -> tuple[Column, ...]:
    return (
        Column("municipality", "municipality"),
        Column("district", "district", required=required_district, nullable=True),
    )


AGE = Column("age", "int", minimum=0, maximum=120)
SEX = Column("sex", "sex")
HOSPITAL = Column("hospital", "hospital")
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
                Column("deadline", "date", required=False, nullable=True),
                Column("ready_for_discharge", "date", required=False, nullable=True),
                Column("letter_sent", "date", required=False, nullable=True),
            ),
            (
                DateOrder("end_date", "start_date"),
                DateOrder("start_date", "referral_date"),
                DateOrder("deadline", "referral_date"),
                DateOrder("ready_for_discharge", "start_date"),
                DateOrder("end_date", "ready_for_discharge"),
                DateOrder("letter_sent", "end_date"),
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
                Column("first_attendance", "date", required=False, nullable=True),
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
                DateOrder("pathway_start", "referral_received"),
                DateOrder("first_attendance", "referral_received"),
                DateOrder("clinical_decision", "pathway_start"),
                DateOrder("clinical_decision", "first_attendance"),
                DateOrder("treatment_start", "referral_received"),
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
            (DateOrder("end_date", "start_date"),),
        ),
        Table(
            "survey_responses",
            (
                Column("respondent_id", "id", person_key=True),
                Column("survey", "text"),
                YEAR,
                Column("hospital", "hospital", nullable=True),
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
                    values=LEVELS,
                ),
                Column("area", "text"),
                Column("period", "period"),
                Column("sex", "sex", required=False, nullable=True),
                Column("age_group", "text", required=False, nullable=True),
                Column("numerator", "number", nullable=True, minimum=0),
                Column("denominator", "number", nullable=True, minimum=0),
                Column("value", "number", required=False, nullable=True),
                Column("lower", "number", required=False, nullable=True),
                Column("upper", "number", required=False, nullable=True),
            ),
        ),
        Table(
            "cancer_lead_times",
            (
                Column("cancer_type", "text"),
                Column("treatment_type", "enum", values=("surgery", "drug", "radiotherapy")),
                Column("of4_days", "int", minimum=0, maximum=365),
                Column("valid_from", "date"),
                Column("valid_to", "date", required=False, nullable=True),
                Column(
                    "unverified", "enum", required=False, nullable=True, values=("true", "false")
                ),
                Column("source", "text", required=False, nullable=True),
            ),
            (DateOrder("valid_to", "valid_from"),),
            replaces_shipped=True,
        ),
    )
}


_ARROW_TYPES = {"int": pa.int64(), "number": pa.float64(), "date": pa.date32()}


def arrow_schema(table: Table) -> pa.Schema:
    """The Parquet schema of accepted rows: the contract's columns, typed."""
    return pa.schema([(c.name, _ARROW_TYPES.get(c.kind, pa.string())) for c in table.columns])

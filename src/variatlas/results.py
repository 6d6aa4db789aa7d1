"""The results contract: what ``compute`` writes, and disclosure, publish, the API and tests read.

Declared once, here, at the bottom of the import graph (../shared/design/architecture.md,
"Results contract"): one row per indicator × level × area × period × sex, and beside it one
variation summary per indicator × level × period × sex. Every other module takes its column
lists, types, levels, sexes and flags from this module, and writes and reads results through
``write_results`` and ``read_results``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

NATION_CODE = "8888"
"""The area code of the nation (SKDE's code for Norway as a whole)."""
COMPARATOR_NAMES = {"nation": "Norge", "data": "Alle områder i dataene"}
"""The name of the ``nation`` row: Norway, or all areas of a regional extract (comparator)."""
LEVELS: tuple[str, ...] = (
    *("municipality", "county", "referral_area", "dps", "health_trust", "region"),
    *("kostra_group", "centrality", "nation"),
)
"""Area levels. ``county`` (the 15 counties of 2024, by county number) and ``dps``
(catchment areas of district psychiatric centres) come only from published figures:
patient-level data is placed by municipality and referral area, not by county or DPS.
``kostra_group`` (SSB's KOSTRA groups 1–17) and ``centrality`` (SSB's centrality classes
1 most central … 6 least) are peer groups of municipalities (``PEER_LEVELS``)."""
PEER_LEVELS: tuple[str, ...] = ("kostra_group", "centrality")
"""Levels whose areas are groups of municipalities alike rather than places: aggregated from
the municipality cells like any level, but with no map, no variation summary of their own,
and published for multi-year periods only (``variatlas.disclosure.control.publishable``).
Area codes are the group's number as text ("1".."17", "1".."6")."""
SEXES: tuple[str, ...] = ("all", "M", "F")
CONFIDENCE = 0.95
"""The level of every published confidence interval."""

SUPPRESSED = "suppressed"
"""Every flag of a cell hidden by disclosure control starts with this word."""
SUPPRESSED_FLAG = "suppressed: hidden to protect small numbers"
"""The one flag of every cell hidden by disclosure control, whether its own count is small or
it protects another: two flags would tell a reader which hidden counts are 1 to the
threshold − 1 and which are 0 or at least the threshold (docs/disclosure.md)."""
TOO_FEW_AREAS = "too few published areas to compare"
"""The ``comparison`` of a variation summary whose published areas are too few (or hold too
little of the population) for FT, CV and SCV to describe the level."""
FEW_EVENTS = "fewer than 10 events: no standardised rate"
OUTSIDE_POPULATION = "events outside the population table left out"
FEW_ROWS = "too few rows for a confidence interval"
ONE_RESPONDENT = "one respondent: no interval"

FieldType = Literal["string", "number", "integer"]


@dataclass(frozen=True)
class Field:
    """One column of a results table: its name, Table Schema type and meaning."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    """Every row has a value (a key of the row, or its name)."""


INDICATOR = Field("indicator", "string", "Indicator id (see the catalogue).", required=True)
LEVEL = Field("level", "string", "Area level: " + ", ".join(LEVELS) + ".", required=True)
PERIOD = Field("period", "string", "A year (2023) or a run of years (2021-2023).", required=True)
SEX = Field("sex", "string", "all, M or F.", required=True)

RESULT_FIELDS: tuple[Field, ...] = (
    INDICATOR,
    LEVEL,
    Field("area", "string", "Area code at that level (text: keeps its zero).", required=True),
    Field("area_name", "string", "Area name.", required=True),
    PERIOD,
    SEX,
    Field("numerator", "number", "Events or persons counted (empty when suppressed)."),
    Field("denominator", "number", "Population or eligible cases (empty when suppressed)."),
    Field("value", "number", "The indicator's value in its unit."),
    Field("lower", "number", "Lower limit of the 95% confidence interval."),
    Field("upper", "number", "Upper limit of the 95% confidence interval."),
    Field("crude_value", "number", "The unadjusted value."),
    Field("expected", "number", "Expected count from the national rates (indirect)."),
    Field("method", "string", "How the value and its interval were computed."),
    Field("flag", "string", "Empty, or why the value is suppressed, uncertain or missing."),
    Field("funnel", "string", "Position on the funnel plot (PHE's significance labels)."),
    Field("published_value", "number", "The publisher's own value (published aggregates)."),
    Field("published_lower", "number", "The publisher's own lower limit."),
    Field("published_upper", "number", "The publisher's own upper limit."),
    Field(
        "shrunk_value",
        "number",
        "Municipalities: the empirical-Bayes estimate (posterior mean), the value pulled "
        "towards the country's by as much as its count leaves it uncertain; published beside "
        "the value, never instead of it.",
    ),
    Field("shrunk_lower", "number", "Lower limit of its 95% posterior interval."),
    Field("shrunk_upper", "number", "Upper limit of its 95% posterior interval."),
    Field("shrinkage", "string", "The model: poisson-gamma (rates, ratios) or beta-binomial."),
)

VARIATION_FIELDS: tuple[Field, ...] = (
    INDICATOR,
    LEVEL,
    PERIOD,
    SEX,
    Field("areas", "integer", "Areas that entered the statistics.", required=True),
    Field(
        "areas_at_level",
        "integer",
        "Areas of the level in this view, published or not: the areas that entered are "
        "compared with it.",
    ),
    Field(
        "population_share",
        "number",
        "Share of the country's denominator (population or eligible cases) held by the "
        "published areas; empty where the country's denominator is not published.",
    ),
    Field(
        "comparison",
        "string",
        "Empty when FT, CV and SCV are given; otherwise why not (too few published areas "
        "to compare: see docs/methods.md, 'Variation over what is published').",
    ),
    Field("national_value", "number", "The value for the whole country."),
    Field("min", "number", "The lowest area value."),
    Field("max", "number", "The highest area value."),
    Field("ft", "number", "Extremal quotient FT: highest / lowest."),
    Field("ft2", "number", "FT2: second highest / second lowest."),
    Field("ft3", "number", "FT3: third highest / third lowest."),
    Field("cv", "number", "Coefficient of variation, 100 · SD / mean of the area values."),
    Field("cv_weighted", "number", "Population-weighted coefficient of variation."),
    Field("scv", "number", "Systematic component of variation (McPherson), × 100."),
    Field("scv2", "number", "SCV without the highest and lowest area."),
    Field(
        "scv_class",
        "string",
        "SCV class: none beyond chance (an SCV estimate at or below zero), low, medium, high, "
        "very high.",
    ),
    Field("scv_log", "number", "SCV on the log scale."),
    Field("phi", "number", "Overdispersion factor of the funnel plot."),
    Field("tau2", "number", "Between-area variance added to the funnel limits."),
    Field("outside_95", "integer", "Areas outside the 95% funnel limits."),
    Field("outside_998", "integer", "Areas outside the 99.8% funnel limits."),
    Field("high_998", "integer", "Areas above the upper 99.8% limit."),
    Field("low_998", "integer", "Areas below the lower 99.8% limit."),
    Field(
        "high_fdr",
        "number",
        "Areas above the country at a false discovery rate of 5% (Benjamini–Hochberg).",
    ),
    Field("low_fdr", "number", "Areas below the country at a false discovery rate of 5%."),
    Field(
        "persistent_outliers",
        "number",
        "Areas outside the 95% limits, on one side, in at least two of the last three years.",
    ),
    Field("persistent_outlier_areas", "string", "Their codes, separated by ;."),
    Field(
        "learn_from_areas",
        "string",
        "Of those, the areas on the favourable side (for an indicator with a direction): "
        "consistently better than the country, places others can learn from.",
    ),
    Field("need_explained", "number", "Share of the variation the need covariate explains."),
    Field(
        "centrality_explained",
        "number",
        "Municipalities: share of the weighted between-municipality variance of the "
        "published values that the centrality classes' means account for (eta squared).",
    ),
    Field(
        "comparator",
        "string",
        "What the areas are compared with: nation (Norway), or data (all areas in a "
        "regional extract).",
    ),
)

COMPARATORS: tuple[str, ...] = (
    *("nation", "region", "health_trust", "referral_area", "kostra_group", "centrality"),
    *("target", "previous"),
)
"""What an area can be compared with, in the order offered (``COMPARISON_FIELDS``)."""

COMPARISON_FIELDS: tuple[Field, ...] = (
    INDICATOR,
    Field("level", "string", "Area level of the area compared.", required=True),
    Field("area", "string", "The area compared (code at its level).", required=True),
    PERIOD,
    SEX,
    Field("comparator", "string", "One of: " + ", ".join(COMPARATORS) + ".", required=True),
    Field("comparator_level", "string", "The comparator's level (empty for a target)."),
    Field("comparator_area", "string", "The comparator's area code (empty for a target)."),
    Field("comparator_period", "string", "The comparator's period (empty for a target)."),
    Field("comparator_value", "number", "The comparator's value (empty when hidden)."),
    Field("comparator_lower", "number", "Lower limit of its 95% confidence interval."),
    Field("comparator_upper", "number", "Upper limit of its 95% confidence interval."),
    Field(
        "comparison",
        "string",
        "higher, lower or similar (better, worse or similar for an indicator with a "
        "direction); met or not met against a target; not compared (see reason).",
        required=True,
    ),
    Field("reason", "string", "Why not compared (docs/methods.md, Comparisons)."),
    Field(
        "method",
        "string",
        "interval: the area's 95% confidence interval against the comparator's value "
        "(Fingertips' comparison with a benchmark); target: the area's value against the "
        "target; difference: the difference of two independent estimates, z test at 95% "
        "(Altman and Bland 2003).",
        required=True,
    ),
)
"""Each published area (municipality, referral area, health trust) against its comparators
(``variatlas.variation.comparators``), computed from published values only."""

INEQUALITY_FIELDS: tuple[Field, ...] = (
    INDICATOR,
    PERIOD,
    SEX,
    Field(
        "grouping",
        "string",
        "The ordered groups: centrality (SSB's classes, least central 6 first, most "
        "central 1 last). The groups' own values are the results at that level.",
        required=True,
    ),
    Field("groups", "integer", "Groups with a published value.", required=True),
    Field(
        "sii",
        "number",
        "Slope index of inequality: the modelled value at the most central end of the "
        "population minus that at the least central end (PHE's method).",
    ),
    Field("sii_lower", "number", "Lower limit of its simulated 95% confidence interval."),
    Field("sii_upper", "number", "Upper limit of its simulated 95% confidence interval."),
    Field("rii", "number", "Relative index of inequality: the two ends' ratio."),
    Field("rii_lower", "number", "Lower limit of its simulated 95% confidence interval."),
    Field("rii_upper", "number", "Upper limit of its simulated 95% confidence interval."),
    Field("value_type", "string", "rate (log scale), proportion (logit) or other."),
    Field("reason", "string", "Empty, or why no slope: hidden, no denominator, invalid."),
)
"""The gradient of each municipality indicator across the centrality classes
(``variatlas.variation.gradients``)."""

RESULT_COLUMNS: list[str] = [f.name for f in RESULT_FIELDS]
NUMERIC_COLUMNS: list[str] = [f.name for f in RESULT_FIELDS if f.type == "number"]
SUMMARY_COLUMNS: list[str] = [f.name for f in VARIATION_FIELDS]

_ARROW: dict[FieldType, pa.DataType] = {
    "string": pa.string(),
    "number": pa.float64(),
    "integer": pa.int64(),
}


def arrow_schema(fields: tuple[Field, ...]) -> pa.Schema:
    """The Parquet schema of a results table."""
    return pa.schema([(f.name, _ARROW[f.type]) for f in fields])


def python_type(field: Field) -> type:
    """The Python type of a field's values (for API models)."""
    return {"string": str, "number": float, "integer": int}[field.type]


def empty_results() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=RESULT_COLUMNS)


def empty_variation() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=SUMMARY_COLUMNS)


def is_suppressed(flag: object) -> bool:
    return str(flag).startswith(SUPPRESSED)


@dataclass
class ResultSet:
    """Results, their variation summaries and the provenance of the run that made them."""

    results: pd.DataFrame
    variation: pd.DataFrame
    provenance: dict[str, Any]


RESULT_FILES = ("results.parquet", "variation.parquet", "provenance.json")


class ResultsMissing(FileNotFoundError):
    """A folder that holds no results; the message says what to run."""


def write_results(
    folder: Path,
    results: pd.DataFrame,
    variation: pd.DataFrame,
    provenance: Mapping[str, Any],
) -> None:
    """Results and variation summaries as Parquet and CSV, with ``provenance.json``."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for name, frame, fields in (
        ("results", results, RESULT_FIELDS),
        ("variation", variation, VARIATION_FIELDS),
    ):
        table = pa.Table.from_pandas(frame, schema=arrow_schema(fields), preserve_index=False)
        pq.write_table(table, folder / f"{name}.parquet")
        frame.to_csv(folder / f"{name}.csv", index=False)
    write_provenance(folder, provenance)


def write_provenance(folder: Path, provenance: Mapping[str, Any]) -> None:
    """``provenance.json`` alone (``write_results`` writes it with the results)."""
    (folder / "provenance.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def holds_results(folder: Path) -> bool:
    """Whether ``folder`` holds what ``write_results`` writes (a results folder)."""
    return any((folder / name).exists() for name in RESULT_FILES)


def read_results(folder: Path) -> ResultSet:
    """What ``write_results`` wrote; ``ResultsMissing`` names the missing files."""
    import pandas as pd

    missing = [name for name in RESULT_FILES if not (folder / name).exists()]
    if missing:
        raise ResultsMissing(f"{folder} has no {', '.join(missing)}: run variatlas compute first.")
    try:
        found = ResultSet(
            pd.read_parquet(folder / "results.parquet"),
            pd.read_parquet(folder / "variation.parquet"),
            json.loads((folder / "provenance.json").read_text(encoding="utf-8")),
        )
    except (OSError, ValueError, pa.ArrowException) as error:
        raise ResultsMissing(
            f"The results in {folder} cannot be read ({' '.join(str(error).split())}): "
            "run variatlas compute again."
        ) from error
    for name, frame, fields in (
        ("results", found.results, RESULT_FIELDS),
        ("variation", found.variation, VARIATION_FIELDS),
    ):
        absent = [f.name for f in fields if f.name not in frame.columns]
        if absent:
            raise ResultsMissing(
                f"{folder / name}.parquet lacks the columns {', '.join(absent)}: it was not "
                "written by this version of variatlas compute; run it again."
            )
    return found


PUBLISHED_FILES = ("data/results.parquet", "data/variation.parquet", "provenance.json")
"""Where a publication (``variatlas publish``) keeps its disclosed results and provenance."""


def read_published(folder: Path) -> ResultSet:
    """The disclosed results of a publication, or of one of its releases: what any reader
    can download. ``ResultsMissing`` names the folder and what it lacks."""
    import pandas as pd

    missing = [name for name in PUBLISHED_FILES if not (folder / name).exists()]
    if missing:
        raise ResultsMissing(
            f"{folder} is not a publication made by variatlas publish (it has no "
            f"{', '.join(missing)})."
        )
    try:
        return ResultSet(
            pd.read_parquet(folder / PUBLISHED_FILES[0]),
            pd.read_parquet(folder / PUBLISHED_FILES[1]),
            json.loads((folder / PUBLISHED_FILES[2]).read_text(encoding="utf-8")),
        )
    except (OSError, ValueError, pa.ArrowException) as error:
        raise ResultsMissing(
            f"The publication in {folder} cannot be read ({' '.join(str(error).split())})."
        ) from error

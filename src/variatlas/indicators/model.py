"""The declarative indicator definition: a pydantic model, loaded from one YAML file each."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Theme = Literal["children", "cancer", "mental_health", "municipal"]
Kind = Literal["rate", "proportion", "duration", "mean_score", "coverage", "count"]
Table = Literal[
    "episodes",
    "cancer_pathways",
    "coercive_measures",
    "deaths",
    "care_services",
    "survey_responses",
    "vaccinations",
    "municipal_facts",
    "aggregates",
    "population",
]
THEMES: tuple[str, ...] = ("children", "cancer", "mental_health", "municipal")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: the catalogue loads in a tenth of the
time (2.4 s → 0.2 s for 238 files, paid by every command)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in Norwegian bokmål and English."""

    nb: str
    en: str


class ColumnFilter(Strict):
    """A condition on one column; give exactly one of the forms."""

    values: list[str | int | float] | None = None
    """The column equals one of these."""
    not_values: list[str | int | float] | None = None
    codes: list[str] | None = None
    """ICD-10 / NCSP codes: prefixes (J35, J35.0) and ranges (T10-T39); for list columns any
    code of the list counts."""
    not_codes: list[str] | None = None
    range: tuple[float | None, float | None] | None = None
    """Inclusive [min, max]; null for open."""
    missing: bool | None = None
    """True: the column is empty; False: it has a value."""

    @model_validator(mode="after")
    def one_form(self) -> ColumnFilter:
        given = [k for k, v in self.__dict__.items() if v is not None]
        if len(given) != 1:
            raise ValueError(
                f"a column filter takes exactly one of values, not_values, codes, "
                f"not_codes, range, missing (got {', '.join(given) or 'none'})"
            )
        return self


class Link(Strict):
    """A flag set where a linked record exists (same person), optionally within a time window.

    ``window`` days are counted from the row's ``from`` date to the linked row's ``to`` date:
    ``[1, 30]`` means 1 to 30 days later.
    """

    table: Table
    on: str = "patient_id"
    where: dict[str, ColumnFilter] = Field(default_factory=dict)
    window_from: str | None = None
    window_to: str | None = None
    days: tuple[int, int] | None = None
    same_year: bool = False
    """The linked row's year (of ``window_to``, or of its first date) equals the row's year."""
    required: bool = True
    """Whether the indicator needs the linked table. An optional link to a table the input
    does not have is taken as empty (no row links), and provenance says so; a required one
    means the indicator is not computed without that table."""


class Duration(Strict):
    start: str
    end: str


class Within(Strict):
    """The row's duration (``start`` → ``end``, days) is within a limit."""

    start: str
    end: str
    days: int | None = None
    lead_time_table: bool = False
    """Use the limit of the row's cancer_type and treatment_type from the lead-time table
    (OF4) valid on the row's ``start`` date; rows with no valid limit are not judged."""
    beyond: bool = False
    """Count the rows beyond the limit instead (a missed deadline, say)."""


class YearRule(Strict):
    """Conditions that hold only in some years (of the row's period): a definition that
    changed, or a group that was not yet offered a service."""

    years: tuple[int | None, int | None]
    """Inclusive [first, last]; null for open."""
    where: dict[str, ColumnFilter]

    def applies(self, year: int) -> bool:
        first, last = self.years
        return (first is None or year >= first) and (last is None or year <= last)


class Group(Strict):
    """A covariate derived from codes: the first group whose codes match."""

    column: str
    groups: dict[str, list[str]]


class Selection(Strict):
    """Rows of a table that count: column filters, links and derived flags."""

    table: Table | None = None
    where: dict[str, ColumnFilter] = Field(default_factory=dict)
    require: list[str] = Field(default_factory=list)
    """Flags (from ``links``) that must hold: ``name``, ``not name``, or ``a or not b``."""
    within: Within | None = None
    count: Literal["events", "persons"] = "events"
    year_from: tuple[str, int] | None = None
    """Take the year from another column plus an offset, e.g. [birth_year, 12]."""
    in_progress_on: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")
    """Count periods (start_date to end_date) in progress on this day ("12-31") of each year."""
    first_of: list[str] = Field(default_factory=list)
    """Keep only the earliest selected row (by the row's date) of each value of these columns,
    over all years: one waiting time per referral, the first operation of a patient."""
    when: list[YearRule] = Field(default_factory=list)
    """Conditions that apply in some years only; a row must meet those of its year."""
    sum_days: Duration | None = None
    """Count the days from ``start`` to ``end`` of each row instead of the rows (bed-days)."""
    by_end_of_period: str | None = None
    """Only rows whose date in this column falls in or before the row's period year (doses
    given by the year a cohort turns 16, say)."""


class PopulationSelection(Strict):
    age: tuple[int, int] | None = None
    sex: Literal["M", "F"] | None = None
    when: list[YearRule] = Field(default_factory=list)
    """Conditions on sex or age that apply in some years only (a birth cohort not offered)."""


class Standardisation(Strict):
    method: Literal["direct", "indirect", "none", "logistic"] = "none"
    by: list[Literal["age", "sex"]] = Field(default_factory=lambda: ["age", "sex"])  # type: ignore[arg-type]
    reference_year: Literal["last"] | int = "last"
    covariates: list[str] = Field(default_factory=list)
    """For ``logistic``: age_band, sex and derived groups."""


class Target(Strict):
    value: float
    comparison: Literal[">=", "<="]
    source: str = ""


class Conformance(Strict):
    """How the definition stands to the official one that readers compare the figures with."""

    status: Literal["official", "variant", "own"]
    """``official``: as the source defines it; ``variant``: departs from it, in what
    ``differs`` says; ``own``: no official definition was found, ``differs`` says why."""
    source: str = Field(min_length=10)
    """The official definition followed or departed from: document, table or code, and where."""
    differs: str = ""

    @model_validator(mode="after")
    def explained(self) -> Conformance:
        if self.status != "official" and not self.differs.strip():
            raise ValueError(
                f"a definition marked {self.status} must say in `differs` what differs from "
                "the source, and why"
            )
        if self.status == "official" and self.differs.strip():
            raise ValueError("an official definition differs in nothing: mark it variant")
        return self


class Publication(Strict):
    """The publisher's own words for figures shown as published: quoted, never translated."""

    atlas: str
    url: str
    period: str
    language: Literal["nb", "nn"] = "nb"
    selection: str = ""
    """The case definition (SKDE's ``utvalg``), plain text, paragraphs apart."""
    assessment: str = ""
    """The publisher's assessment of the variation (SKDE's ``resultat``)."""


class Indicator(Strict):
    """One quality indicator, as declared in its YAML file."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    description: Text
    theme: Theme
    kind: Kind
    source: Table
    unit: Text
    multiplier: float = 1
    numerator: Selection = Field(default_factory=Selection)
    denominator: Selection | None = None
    population: PopulationSelection | None = None
    """Rates and coverage: the population denominator."""
    links: dict[str, Link] = Field(default_factory=dict)
    derive: dict[str, Group] = Field(default_factory=dict)
    duration: Duration | None = None
    phases: list[str] = Field(default_factory=list)
    """For a lead time: the indicators of its phases, in order ("from A to Å")."""
    statistic: Literal["median", "mean"] = "median"
    """For durations: the median (with its order-statistic interval) or the mean (Student's t)."""
    score: str | None = None
    score_range: tuple[int, int] | None = None
    """For mean scores: the answer scale's [lowest, highest], shown on 0–100 (lowest = 0)."""
    attribution: Literal["residence", "treating_trust"] = "residence"
    standardisation: Standardisation = Field(default_factory=Standardisation)
    direction: Literal["higher_is_better", "lower_is_better", "neutral"] = "neutral"
    target: Target | None = None
    minimum_count: int = 5
    complement_counts_persons: bool = True
    """Whether denominator − numerator counts persons (the deaths beside a survival, the
    unvaccinated): if so, it is protected like the numerator (docs/disclosure.md). False only
    where it counts no one: population-years less events, days, municipalities."""
    need_covariate: str | None = None
    """A municipal fact (e.g. morbidity_index) whose share of the variation is reported."""
    published_by: str | None = None
    """For ``source: aggregates``: whose figures these are."""
    aggregate_multiplier: float | None = None
    """For ``source: aggregates``: the multiplier of the publisher's own values."""
    publication: Publication | None = None
    """For ``source: aggregates``: the atlas, its case definition and assessment."""
    conformance: Conformance
    """Where the definition comes from, and how it stands to it."""
    documentation: Text
    references: list[str] = Field(default_factory=list)
    unverified: list[str] = Field(default_factory=list)
    """Parts of the definition the domain sources could not confirm."""

    @field_validator("links")
    @classmethod
    def link_names(cls, links: dict[str, Link]) -> dict[str, Link]:
        for name in links:
            if not name.isidentifier():
                raise ValueError(f"link name {name!r} must be a plain identifier")
        return links

    @model_validator(mode="after")
    def consistent(self) -> Indicator:
        if self.source == "aggregates":
            return self
        if (
            self.kind in ("rate", "coverage")
            and self.population is None
            and (self.denominator is None)
        ):
            raise ValueError(f"a {self.kind} needs a population or a denominator")
        if self.kind == "proportion" and self.denominator is None:
            raise ValueError("a proportion needs a denominator (the eligible rows)")
        if self.kind == "duration" and self.duration is None:
            raise ValueError("a duration needs duration: {start, end}")
        if self.kind == "mean_score" and self.score is None:
            raise ValueError("a mean_score needs score: the column")
        if self.statistic == "mean" and self.kind != "duration":
            raise ValueError("statistic: mean is for durations (mean scores are means already)")
        if self.score_range is not None and self.kind != "mean_score":
            raise ValueError("score_range is for mean scores")
        if self.numerator.sum_days is not None and self.denominator is not None:
            raise ValueError("sum_days counts days in rates and counts, not in proportions")
        if self.standardisation.method == "logistic" and not self.standardisation.covariates:
            raise ValueError("a logistic case-mix model needs covariates")
        flags = set(self.links)
        for selection in (self.numerator, self.denominator):
            for term in selection.require if selection else []:
                for part in term.split(" or "):
                    name = part.removeprefix("not ").strip()
                    if name not in flags:
                        raise ValueError(f"require names {name!r}, which is not among links")
        return self

    def tables(self) -> dict[str, bool]:
        """Every input table the indicator reads, and whether it needs it (False: optional)."""
        found: dict[str, bool] = {self.source: True}
        if self.population is not None:
            found["population"] = True
        for link in self.links.values():
            found[link.table] = found.get(link.table, False) or link.required
        if self.need_covariate:
            found.setdefault("municipal_facts", False)
        return found

    @property
    def definition_hash(self) -> str:
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class CatalogueError(ValueError):
    """An indicator file that does not follow the model; the message names file and line."""


def _line_of(text: str, location: tuple[Any, ...]) -> int | None:
    """The line of a YAML key path, found by walking the composed node tree."""
    node: Any = yaml.compose(text)
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                return int(node.start_mark.line) + 1
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return int(node.start_mark.line) + 1 if node is not None else None


def load_indicator(path: Path) -> Indicator:
    """Read and check one indicator file; errors name the file, line and field."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML ({error})") from None
    try:
        indicator = Indicator.model_validate(data)
    except ValidationError as error:
        messages = []
        for problem in error.errors():
            line = _line_of(text, problem["loc"])
            where = ".".join(str(p) for p in problem["loc"]) or "(top)"
            messages.append(f"{path}:{line}: {where}: {problem['msg']}")
        raise CatalogueError("\n".join(messages)) from None
    if indicator.id != path.stem:
        raise CatalogueError(f"{path}:1: id {indicator.id!r} must equal the file name")
    return indicator


def catalogue_folder() -> Path:
    return Path(str(files("variatlas.indicators") / "catalogue"))


@cache
def load_catalogue(folder: Path | None = None) -> dict[str, Indicator]:
    """Every indicator of the catalogue folder (default: the shipped one), by id, sorted."""
    root = folder or catalogue_folder()
    indicators = [load_indicator(p) for p in sorted(root.rglob("*.yaml"))]
    known = {i.id for i in indicators}
    for indicator in indicators:
        unknown = [p for p in indicator.phases if p not in known]
        if unknown:
            raise CatalogueError(
                f"{indicator.id}: phases {', '.join(unknown)} are not indicators of the catalogue"
            )
    return {i.id: i for i in sorted(indicators, key=lambda i: (THEMES.index(i.theme), i.id))}


def json_schema() -> dict[str, Any]:
    """The JSON schema of an indicator file (shipped as ``indicator.schema.json``)."""
    schema = Indicator.model_json_schema()
    schema["$id"] = "https://variatlas.no/schema/indicator.schema.json"
    return schema

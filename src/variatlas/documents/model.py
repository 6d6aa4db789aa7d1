"""The atlas document: a pydantic model of ``atlas.yaml`` and of each chapter file.

An atlas is a folder: ``atlas.yaml`` (its head: id, titles, languages, publisher, year,
source, licence, and the chapter files in order) and ``chapters/*.yaml``, one file per chapter,
holding its blocks: text, fact boxes, result boxes (figures bound to indicators, with their
summary, case definition and assessment) and the figures the texts show. Every text is
Markdown, one per language of the atlas. See docs/documents.md.

The JSON schemas ``atlas.schema.json`` and ``chapter.schema.json`` are generated from these
models (``python -m variatlas.documents --schemas``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from variatlas.results import LEVELS

Language = Literal["nb", "nn", "en"]
Level = Literal[
    "municipality",
    "county",
    "referral_area",
    "dps",
    "health_trust",
    "region",
    "kostra_group",
    "centrality",
    "nation",
]
assert get_args(Level) == LEVELS, "the levels of the results contract"
FigureKind = Literal["map", "bars", "trend", "funnel", "table"]
Shipping = Literal["shipped", "partly shipped", "not shipped"]
PERIOD = r"^\d{4}(-\d{4})?$"
IDENTIFIER = r"^[a-z0-9][a-z0-9_-]*$"


def _year_as_text(value: object) -> object:
    """A period written as a bare year (``period: 2024``, which YAML reads as a number)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Period = Annotated[
    str,
    BeforeValidator(_year_as_text),
    Field(pattern=PERIOD),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": PERIOD}, {"type": "integer"}]}),
]
"""A year (2024) or a run of years (2022-2024)."""

Text = dict[Language, str]
"""A text per language: Markdown, with placeholders (``{{ … }}``, see placeholders.py)."""

Reason = str | dict[Language, str]
"""Why a figure's data are not (all) shipped: plain text per language, in English and in
each language of the atlas (a page shows the one in its language); a single string is
English (atlases written before reasons had languages)."""

NEAREST: dict[str, tuple[Language, ...]] = {
    "nb": ("nb", "nn", "en"),
    "nn": ("nn", "nb", "en"),
    "en": ("en", "nb", "nn"),
}


def reason_in(reason: Reason, lang: str) -> tuple[str, Language]:
    """A reason in the page's language ``lang``, or the nearest it is written in (the other
    written standard of Norwegian, then English), with the language it is in."""
    if isinstance(reason, str):
        return reason, "en"
    for found in NEAREST[lang]:
        if found in reason:
            return reason[found], found
    return "", "en"


def _said(reason: Reason) -> bool:
    return (
        bool(reason.strip()) if isinstance(reason, str) else any(t.strip() for t in reason.values())
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Origin(Strict):
    """Where a block comes from in a document imported from elsewhere (SKDE's, say)."""

    data: str | None = None
    """The publisher's data file of a result box."""
    map: str | None = None
    """The publisher's map file."""
    image: str | None = None
    """The publisher's picture of a figure (not shipped)."""
    published: str | None = None
    updated: str | None = None
    note: str | None = None


class Figure(Strict):
    """A chart bound to the data: an indicator at a level, for a period and sex, drawn as a
    map, bars (with intervals and yearly dots), a trend, a funnel or a table.

    A figure the texts show (``{{ figure ID }}``) has an ``id``; one whose data are not
    shipped has ``data: not shipped`` and the ``reason``, and names no indicator.
    """

    id: str | None = Field(default=None, pattern=IDENTIFIER)
    title: Text | None = None
    caption: Text | None = None
    kind: FigureKind | None = None
    indicator: str | None = None
    also: list[str] = Field(default_factory=list)
    """Further indicators in the same figure: the series of a chart of several, the columns
    of a table."""
    stacked: bool = False
    """Bars: the indicator and ``also`` are series stacked into one bar per area."""
    level: Level = "referral_area"
    period: Period | None = None
    """A year (2024) or a run of years (2022-2024); none: the latest of the data."""
    sex: Literal["all", "M", "F"] = "all"
    intervals: bool = False
    """Bars: draw each area's confidence interval."""
    years: bool = False
    """Bars: draw each year of the period as a dot on the period's bar."""
    data: Literal["shipped", "not shipped"] = "shipped"
    reason: Reason = ""
    """Why the figure's data are not shipped (a page says so)."""
    origin: Origin | None = None

    @model_validator(mode="after")
    def bound(self) -> Figure:
        if self.data == "not shipped":
            if not _said(self.reason):
                raise ValueError("a figure whose data are not shipped needs the reason")
            if self.indicator is not None or self.also:
                raise ValueError("a figure whose data are not shipped names no indicator")
            return self
        if self.indicator is None or self.kind is None:
            raise ValueError("a figure names its indicator and kind (or says data: not shipped)")
        if (self.intervals or self.years or self.stacked) and self.kind != "bars":
            raise ValueError("intervals, years and stacked are for bars")
        if self.stacked and not self.also:
            raise ValueError("stacked bars need further series in also")
        return self


class TextBlock(Strict):
    """Running text: Markdown with placeholders."""

    type: Literal["text"]
    label: Text | None = None
    """A short name of the text (SKDE's ``beskrivelse``: "Hovedfunn")."""
    text: Text | None = None
    summary: Text | None = None
    assessment: Text | None = None
    origin: Origin | None = None

    @model_validator(mode="after")
    def something(self) -> TextBlock:
        if self.text is None and self.summary is None and self.assessment is None:
            raise ValueError("a text block has a text, a summary or an assessment")
        return self


class FactBox(Strict):
    """A fact box: background beside the results, with its own title."""

    type: Literal["fact"]
    title: Text
    text: Text
    summary: Text | None = None
    assessment: Text | None = None


class ResultBox(Strict):
    """A result box: figures with a short summary, the case definition (``selection``,
    SKDE's ``utvalg``) and the publisher's assessment (SKDE's ``resultat``)."""

    type: Literal["result"]
    id: str = Field(pattern=IDENTIFIER)
    title: Text
    summary: Text
    selection: Text | None = None
    assessment: Text | None = None
    text: Text | None = None
    figures: list[Figure] = Field(default_factory=list)
    data: Shipping = "shipped"
    """``not shipped`` (no figure bound to an indicator) or ``partly shipped`` (some of the
    publisher's charts are not): say the ``reason``, which a page shows."""
    reason: Reason = ""
    origin: Origin | None = None

    @model_validator(mode="after")
    def shipped(self) -> ResultBox:
        bound = [f for f in self.figures if f.indicator is not None]
        if self.data != "shipped" and not _said(self.reason):
            raise ValueError(f"a result box whose data are {self.data} needs the reason")
        if self.data == "not shipped" and bound:
            raise ValueError("a result box whose data are not shipped has no figure bound")
        if self.data != "not shipped" and not bound:
            raise ValueError(
                "a result box has a figure bound to an indicator, or says data: not shipped"
            )
        return self


Block = Annotated[TextBlock | FactBox | ResultBox, Field(discriminator="type")]


class Chapter(Strict):
    """One chapter file: its title, its blocks in order, and the figures its texts show."""

    title: Text | None = None
    """None: a chapter without a heading (an atlas's opening)."""
    blocks: list[Block] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    """Figures the chapter's texts show where they say ``{{ figure ID }}``; each has an id."""

    @model_validator(mode="after")
    def named(self) -> Chapter:
        if any(f.id is None for f in self.figures):
            raise ValueError("a figure that a text shows needs an id")
        return self


class Atlas(Strict):
    """The head of an atlas (``atlas.yaml``)."""

    id: str = Field(pattern=IDENTIFIER)
    title: Text
    short_title: Text | None = None
    languages: list[Language] = Field(min_length=1)
    publisher: str
    authors: str | None = None
    year: int = Field(ge=1990, le=2100)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}")
    published: bool = True
    """False: a draft the publisher had not published."""
    optional: bool = False
    """True: a publication whose results cannot draw the atlas whole (an indicator of its
    figures, or a number of its texts, is not in them) leaves it out and says why, where one
    that is not optional stops. For an atlas shipped over computed indicators (the demo's),
    which a user's data may lack."""
    synthetic: bool = False
    """True: the texts speak of synthetic Norway (``variatlas synth``), so the atlas is drawn
    only from results computed from synthetic data (their provenance's ``synthetic``)."""
    summary: Text | None = None
    front_page: Text | None = None
    """The words shown with the atlas on a front page."""
    url: str | None = None
    source: str
    """Where the document comes from (for an imported one: repository, commit and file)."""
    licence: str
    chapters: list[str] = Field(min_length=1)
    """The chapter files, in order, relative to ``chapters/``."""
    origin: Origin | None = None

    @model_validator(mode="after")
    def distinct(self) -> Atlas:
        for name, values in (("languages", self.languages), ("chapters", self.chapters)):
            if len(set(values)) != len(values):
                raise ValueError(f"{name} names one more than once")
        return self


def _schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema["$id"] = f"https://variatlas.no/schema/{name}"
    return schema


SCHEMAS: dict[str, type[BaseModel]] = {
    "atlas.schema.json": Atlas,
    "chapter.schema.json": Chapter,
}


def schema_text(name: str) -> str:
    """The JSON schema shipped as ``name`` (``atlas.schema.json``, ``chapter.schema.json``)."""
    return json.dumps(_schema(SCHEMAS[name], name), indent=2, ensure_ascii=False) + "\n"

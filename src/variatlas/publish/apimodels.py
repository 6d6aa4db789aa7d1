"""The API's response models: the shapes of its answers, as OpenAPI documents them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, create_model
from pydantic import Field as PydanticField

from variatlas.results import (
    COMPARISON_FIELDS,
    INEQUALITY_FIELDS,
    RESULT_FIELDS,
    VARIATION_FIELDS,
    Field,
    python_type,
)


class ErrorBody(BaseModel):
    status: int
    message: str


class Error(BaseModel):
    error: ErrorBody


class Text(BaseModel):
    nb: str
    en: str


class Conformance(BaseModel):
    """Where the definition comes from: official, a variant (what differs) or our own."""

    status: Literal["official", "variant", "own"]
    source: str
    differs: str


class IndicatorSummary(BaseModel):
    id: str
    theme: str
    kind: str
    title: Text
    description: Text
    unit: Text
    direction: str
    target: dict[str, Any] | None
    conformance: Conformance
    mark: str | None = PydanticField(
        default=None,
        description="new, revised (redefined, or figures published before changed), updated "
        "(new periods only) or unchanged since the release before; first in a first release.",
    )
    since: str | None = PydanticField(
        default=None, description="The release that first published its figures as they are."
    )


class Theme(BaseModel):
    id: str
    indicators: list[str]


def _row_model(name: str, fields: tuple[Field, ...], doc: str) -> type[BaseModel]:
    """A response model with the columns of a results table (all but ``indicator``)."""
    columns: dict[str, Any] = {
        f.name: (
            (python_type(f), PydanticField(description=f.description))
            if f.required
            else (python_type(f) | None, PydanticField(default=None, description=f.description))
        )
        for f in fields
        if f.name != "indicator"
    }
    return create_model(name, __doc__=doc, **columns)


ResultRow = _row_model("ResultRow", RESULT_FIELDS, "One result (see the results contract).")
VariationRow = _row_model(
    "VariationRow", VARIATION_FIELDS, "One variation summary (see the results contract)."
)


ComparisonRow = _row_model(
    "ComparisonRow",
    COMPARISON_FIELDS,
    "One area against one comparator (see docs/methods.md, 'Comparisons').",
)
InequalityRow = _row_model(
    "InequalityRow",
    INEQUALITY_FIELDS,
    "The gradient across centrality classes in one period and sex (SII, RII).",
)


class Results(BaseModel):
    indicator: str
    release: str | None = PydanticField(description="The release the figures belong to.")
    count: int
    rows: list[ResultRow]  # type: ignore[valid-type]
    comparisons: list[ComparisonRow] | None = PydanticField(  # type: ignore[valid-type]
        default=None,
        description="With ?compare=: each matching row's comparison with each comparator "
        "asked for.",
    )


class Inequality(BaseModel):
    indicator: str
    release: str | None = PydanticField(description="The release the figures belong to.")
    rows: list[InequalityRow]  # type: ignore[valid-type]
    groups: list[ResultRow] = PydanticField(  # type: ignore[valid-type]
        description="The centrality classes' and KOSTRA groups' own results (levels "
        "centrality and kostra_group)."
    )


class Variation(BaseModel):
    indicator: str
    release: str | None = PydanticField(description="The release the figures belong to.")
    rows: list[VariationRow]  # type: ignore[valid-type]


class Area(BaseModel):
    level: str
    code: str
    name: str


class Downloads(BaseModel):
    csv: str
    xlsx: str
    parquet: str
    jsonstat: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Error, "description": "A parameter is not valid."},
    404: {"model": Error, "description": "No such indicator or area."},
}

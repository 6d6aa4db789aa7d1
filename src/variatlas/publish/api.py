"""The read-only JSON API over a publication folder (``variatlas serve SITE``).

It reads only what ``publish`` wrote: disclosure-controlled results, variation summaries and
the catalogue. Every error under ``/api`` has one shape:
``{"error": {"status": ..., "message": ...}}``; a page that is not there is the publication's
HTML 404 page. How the answers and the files are served (compression, ETags, cache policy,
security headers, HEAD, CORS) is ``serving``'s; the documentation page is ``apidocs``'s.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from variatlas import __version__
from variatlas.publish.answers import Answer, Answers, AreaNotFound
from variatlas.publish.apidocs import add_docs
from variatlas.publish.apimodels import (
    ERRORS,
    Area,
    Downloads,
    IndicatorSummary,
    Inequality,
    Results,
    Theme,
    Variation,
)
from variatlas.publish.archive import ReleasesRouting
from variatlas.publish.release_api import Chosen, ReleaseChoice, add_releases
from variatlas.publish.releases import ReleaseNotFound, ReleaseStore
from variatlas.publish.serving import Served, SiteFiles, is_api, not_found_page
from variatlas.results import COMPARATOR_NAMES, COMPARATORS, LEVELS, NATION_CODE, SEXES


def _one_of(values: tuple[str, ...]) -> Any:
    """A query parameter that takes one of ``values``, documented as an enum."""
    return Query(
        default=None,
        pattern="^(" + "|".join(values) + ")$",
        json_schema_extra={"enum": list(values)},
    )


COMPARE = Query(
    default=None,
    description="Compare each municipality, referral area and health trust with: "
    + ", ".join(COMPARATORS)
    + " (repeat the parameter, or separate by commas). The answer's `comparisons` give each "
    "comparator's area, value and interval, the comparison (higher, lower or similar; better "
    "or worse where the indicator has a direction; met or not met against a target; not "
    "compared, with the reason) and its method (docs/methods.md, 'Comparisons').",
    json_schema_extra={"items": {"type": "string", "enum": list(COMPARATORS)}},
)
"""The ``compare`` query parameter of the results."""


class Publication:
    """The published files of one release, loaded once."""

    def __init__(self, site: Path) -> None:
        self.site = site
        catalogue = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
        self.release = catalogue.get("release") or {}
        self.indicators = {i["id"]: i for i in catalogue["indicators"]}
        self.areas = catalogue["areas"]
        self.results = pd.read_parquet(site / "data" / "results.parquet")
        self.variation = pd.read_parquet(site / "data" / "variation.parquet")
        self.provenance = json.loads((site / "provenance.json").read_text(encoding="utf-8"))
        self.answers = Answers(
            self.results,
            self.variation,
            self.release.get("id"),
            _table(site, "comparisons"),
            _table(site, "inequality"),
        )
        nation = self.results.loc[self.results["level"] == "nation", "area_name"]
        self.nation_name = str(nation.iloc[0]) if len(nation) else COMPARATOR_NAMES["nation"]


def _table(site: Path, name: str) -> pd.DataFrame | None:
    """``data/<name>.parquet`` of a release (None in a release made before it was written)."""
    path = site / "data" / f"{name}.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def comparators_asked(asked: list[str] | None) -> tuple[str, ...]:
    """The comparators of ``?compare=`` (repeated, or separated by commas), in the order
    ``COMPARATORS`` offers them; ``BadRequest`` names an unknown one."""
    names = [n.strip() for value in asked or [] for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in COMPARATORS]
    if unknown:
        raise BadRequest(
            f"compare takes {', '.join(COMPARATORS)}, not {', '.join(map(repr, unknown))}."
        )
    return tuple(c for c in COMPARATORS if c in names)


def _json(answer: Answer) -> Response:
    return Response(answer.body, media_type="application/json", headers={"ETag": answer.etag})


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"status": status, "message": message}}
    )


class BadRequest(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


KEPT_RELEASES = 3
"""Releases whose tables are kept loaded (the newest and those asked for most lately)."""


def create_app(site: Path, *, static: bool = True) -> FastAPI:
    """The API (under /api) and, with ``static``, the site's files at /, every earlier
    release at /releases/<id>/ and drafts at /preview/<id>/ (``archive``).

    ``site`` is followed on every request: when ``variatlas publish`` swaps in a new
    release, the API loads it and the files come from it, without a restart. The data
    endpoints answer from an earlier release with ``?release=<id>``.
    """
    loaded: OrderedDict[Path, Publication] = OrderedDict()
    store = ReleaseStore(site)

    def publication_at(target: Path) -> Publication:
        if target not in loaded:
            loaded[target] = Publication(target)
            while len(loaded) > KEPT_RELEASES:
                loaded.popitem(last=False)
        loaded.move_to_end(target)
        return loaded[target]

    def publication(choice: ReleaseChoice | None = None) -> Publication:
        if choice is None or choice.release is None:
            return publication_at(site.resolve())
        try:
            return publication_at(store.find(choice.release, drafts=choice.preview).folder)
        except ReleaseNotFound:
            raise NotFound(
                f"There is no release {choice.release!r}; GET /api/releases lists them."
            ) from None

    known = sorted(publication().indicators)
    # The enum lets clients and fuzzers reach the indicator routes without reading the docs;
    # it is the publication served at start (an unknown id still gets a 404 that says why).
    indicator_id_parameter = PathParameter(
        description="An indicator id: GET /api/indicators lists them.",
        json_schema_extra={"enum": known, "examples": known[:1]},
    )
    app = FastAPI(
        title="variatlas API",
        version=__version__,
        description="Read-only access to disclosure-controlled quality indicators, variation "
        "summaries and downloads. Small counts are suppressed: a suppressed cell "
        "has no numerator, value or interval, and its flag says why.",
        docs_url=None,
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    add_docs(app, openapi_url="/api/openapi.json")
    app.add_middleware(Served)
    app.add_middleware(ReleasesRouting, site=site)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
            for e in error.errors()
        )
        return _error(400, f"The request is not valid: {problems}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404 and not is_api(request.url.path):
            return not_found_page(site, request.url.path)
        answer = _error(error.status_code, str(error.detail))
        answer.headers.update(error.headers or {})
        if error.status_code == 405:
            # Every path here is read-only, and the API's routes answer HEAD too (serving);
            # the static files' mount would not say what is allowed, which RFC 9110 §15.5.6
            # requires.
            answer.headers["Allow"] = "GET, HEAD"
        return answer

    @app.exception_handler(NotFound)
    async def not_found(_: Request, error: NotFound) -> JSONResponse:
        return _error(404, error.message)

    @app.exception_handler(BadRequest)
    async def bad_request(_: Request, error: BadRequest) -> JSONResponse:
        return _error(400, error.message)

    def indicator_or_404(indicator_id: str, choice: ReleaseChoice) -> dict[str, Any]:
        found = publication(choice)
        if indicator_id not in found.indicators:
            raise NotFound(
                f"There is no indicator {indicator_id!r}"
                + (f" in release {choice.release}" if choice.release else "")
                + "; GET /api/indicators lists them."
            )
        return found.indicators[indicator_id]

    @app.get("/api/themes", response_model=list[Theme], responses=ERRORS)
    def themes(choice: Chosen) -> list[Theme]:
        """The four themes and their indicators."""
        grouped: dict[str, list[str]] = {}
        for indicator in publication(choice).indicators.values():
            grouped.setdefault(indicator["theme"], []).append(indicator["id"])
        return [Theme(id=k, indicators=v) for k, v in grouped.items()]

    @app.get("/api/indicators", response_model=list[IndicatorSummary], responses=ERRORS)
    def indicators(
        choice: Chosen,
        theme: Literal["children", "cancer", "mental_health", "municipal"] | None = None,
    ) -> list[IndicatorSummary]:
        """The published indicators, optionally of one theme, with their marks: new or
        revised in the release."""
        found = []
        for entry in publication(choice).indicators.values():
            if theme is None or entry["theme"] == theme:
                fields: dict[str, Any] = {k: entry.get(k) for k in IndicatorSummary.model_fields}
                fields.update({k: (entry.get("release") or {}).get(k) for k in ("mark", "since")})
                found.append(IndicatorSummary(**fields))
        return found

    @app.get("/api/indicators/{indicator_id}", response_model=dict[str, Any], responses=ERRORS)
    def indicator(choice: Chosen, indicator_id: str = indicator_id_parameter) -> dict[str, Any]:
        """One indicator's definition, documentation, downloads and mark in the release."""
        return indicator_or_404(indicator_id, choice)

    @app.get("/api/indicators/{indicator_id}/results", response_model=Results, responses=ERRORS)
    def results(
        choice: Chosen,
        indicator_id: str = indicator_id_parameter,
        level: str | None = _one_of(LEVELS),
        area: str | None = Query(default=None, max_length=40),
        period: str | None = Query(default=None, pattern=r"^\d{4}(-\d{4})?$"),
        sex: str | None = _one_of(SEXES),
        compare: list[str] | None = COMPARE,
    ) -> Response:
        """Results of one indicator, filtered by level, area, period and sex, and with
        ``compare`` each area against its comparators."""
        indicator_or_404(indicator_id, choice)
        chosen = comparators_asked(compare)
        try:
            answer = publication(choice).answers.results(
                indicator_id, level, area, period, sex, chosen
            )
        except AreaNotFound:
            raise NotFound(
                f"Indicator {indicator_id!r} has no results for area {area!r}"
                + (f" at level {level}" if level else "")
                + "; GET /api/areas lists the area codes."
            ) from None
        return _json(answer)

    @app.get("/api/indicators/{indicator_id}/variation", response_model=Variation, responses=ERRORS)
    def variation(
        choice: Chosen,
        indicator_id: str = indicator_id_parameter,
        level: str | None = _one_of(LEVELS),
        period: str | None = Query(default=None, pattern=r"^\d{4}(-\d{4})?$"),
        sex: str | None = _one_of(SEXES),
    ) -> Response:
        """The variation summaries of one indicator (FT, CV, SCV, funnel outliers, …)."""
        indicator_or_404(indicator_id, choice)
        return _json(publication(choice).answers.variation(indicator_id, level, period, sex))

    @app.get(
        "/api/indicators/{indicator_id}/inequality", response_model=Inequality, responses=ERRORS
    )
    def inequality(
        choice: Chosen,
        indicator_id: str = indicator_id_parameter,
        period: str | None = Query(default=None, pattern=r"^\d{4}(-\d{4})?$"),
        sex: str | None = _one_of(SEXES),
    ) -> Response:
        """The gradient of a municipality indicator across SSB's centrality classes, least
        central (6) to most central (1): the slope and relative index of inequality with
        their 95 % intervals (PHE's method), and each class's and KOSTRA group's value with
        its interval. KOSTRA groups are not ordered, so there is no slope over them."""
        indicator_or_404(indicator_id, choice)
        return _json(publication(choice).answers.inequality(indicator_id, period, sex))

    @app.get("/api/indicators/{indicator_id}/downloads", response_model=Downloads, responses=ERRORS)
    def downloads(choice: Chosen, indicator_id: str = indicator_id_parameter) -> Downloads:
        """Where the indicator's open data files are (CSV, Parquet, JSON-stat 2.0), from the
        site's root: an earlier release's under releases/<id>/."""
        paths = indicator_or_404(indicator_id, choice)["downloads"]
        newest = publication().release.get("id")
        if choice.release is None or choice.release == newest:
            return Downloads(**paths)
        where = "preview" if choice.preview else "releases"
        return Downloads(**{k: f"{where}/{choice.release}/{v}" for k, v in paths.items()})

    @app.get("/api/areas", response_model=list[Area], responses=ERRORS)
    def areas(choice: Chosen, level: str | None = _one_of(LEVELS)) -> list[Area]:
        """Area codes and names per level."""
        found = []
        for name, entries in publication(choice).areas.items():
            if level is None or level == name:
                found += [
                    Area(level=name, code=str(e["code"]), name=str(e["name"])) for e in entries
                ]
        if level in (None, "nation"):
            found.append(
                Area(level="nation", code=NATION_CODE, name=publication(choice).nation_name)
            )
        return found

    @app.get("/api/provenance", response_model=dict[str, Any], responses=ERRORS)
    def provenance(choice: Chosen) -> dict[str, Any]:
        """How the release was made: inputs, engine, thresholds, definition hashes."""
        return publication(choice).provenance

    add_releases(app, store, ERRORS)

    if static:
        app.mount("/", SiteFiles(site), name="site")
    return app

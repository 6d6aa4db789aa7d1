"""The API's releases: ``/api/releases`` and ``?release=`` on the data endpoints (``api``).

``/api/releases`` lists the releases, newest first: id, date, note, status, counts (of
indicators, rows, hidden rows and of every class of change) and where each is read;
``/api/releases/<id>`` is one, ``/api/releases/<id>/changes`` what changed in it since the
release before (its ``changes.json``). Drafts are listed only to a request made under their
preview path (``/preview/<id>/api/releases``), marked ``draft``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParameter
from pydantic import BaseModel, Field

from variatlas.publish.archive import RELEASE_ID, SCOPE_PREVIEW
from variatlas.publish.changes import read_changes
from variatlas.publish.releases import Release, ReleaseNotFound, ReleaseStore


class ReleaseChoice:
    """The release a data endpoint answers from: ``?release=`` (default: the newest), and
    whether the request came through a draft's preview path (which may name the draft)."""

    def __init__(
        self,
        request: Request,
        release: str | None = Query(
            default=None,
            pattern=f"^{RELEASE_ID}$",
            description="A release id (GET /api/releases lists them); default: the newest.",
        ),
    ) -> None:
        self.release = release
        self.preview = bool(request.scope.get(SCOPE_PREVIEW))


Chosen = Annotated[ReleaseChoice, Depends()]
"""A data endpoint's release (its parameter ``release``)."""


class ReleaseRecord(BaseModel):
    """One release of the site."""

    id: str = Field(description="Its date and a hash of its content.")
    date: str
    made_at: str
    released_at: str | None
    status: str = Field(description="released, or draft (shown only under /preview/<id>/).")
    note: str = Field(description="The release note (by default, what changed).")
    previous: str | None = Field(description="The release it was compared with.")
    counts: dict[str, int] = Field(
        description="Indicators, rows and hidden rows, and the changes of every class."
    )
    newest: bool = Field(description="Whether it is the release served at the site's root.")
    url: str = Field(description="Where it is read, from the site's root.")


def _record(release: Release, newest: Release | None) -> ReleaseRecord:
    is_newest = newest is not None and newest.id == release.id
    where = "preview" if release.status == "draft" else "releases"
    return ReleaseRecord(
        **release.public(),
        newest=is_newest,
        url="" if is_newest else f"{where}/{release.id}/",
    )


def add_releases(app: FastAPI, store: ReleaseStore, errors: dict[int | str, Any]) -> None:
    """The release routes on ``app``; an unknown id answers 404 through ``not_found``."""
    from variatlas.publish.api import NotFound

    release_id = PathParameter(pattern=f"^{RELEASE_ID}$", description="A release id.")

    def find(request: Request, wanted: str) -> Release:
        try:
            return store.find(wanted, drafts=bool(request.scope.get(SCOPE_PREVIEW)))
        except ReleaseNotFound:
            raise NotFound(
                f"There is no release {wanted!r}; GET /api/releases lists them."
            ) from None

    @app.get("/api/releases", response_model=list[ReleaseRecord], responses=errors)
    def releases(request: Request) -> list[ReleaseRecord]:
        """Every release, newest first (drafts too, marked, under their preview path)."""
        newest = store.newest()
        found = store.releases(drafts=bool(request.scope.get(SCOPE_PREVIEW)))
        return [_record(r, newest) for r in found]

    @app.get("/api/releases/{release}", response_model=ReleaseRecord, responses=errors)
    def release(request: Request, release: str = release_id) -> ReleaseRecord:
        """One release."""
        return _record(find(request, release), store.newest())

    @app.get("/api/releases/{release}/changes", response_model=dict[str, Any], responses=errors)
    def changes(request: Request, release: str = release_id) -> dict[str, Any]:
        """What changed in a release since the one before (its changes.json)."""
        found = read_changes(find(request, release).folder)
        if found is None:
            raise NotFound(f"Release {release} was made before releases recorded changes.")
        return found

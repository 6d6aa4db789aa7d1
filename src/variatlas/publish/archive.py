"""Every release at its own address, and drafts for review (``variatlas serve``).

- ``/`` is the newest release (what ``SITE`` points at); ``/releases/<id>/…`` is any release,
  whole: its pages, data and files, and its API answers (``/releases/<id>/api/…`` is
  ``/api/…?release=<id>``). A page of a release that is not the newest gets a banner that
  says so and links to the same page in the newest (its front page where the page is gone).
- ``/preview/<id>/…`` is a draft (``publish --draft``), the same way, with a banner, a
  ``<meta name="robots" content="noindex">`` and ``X-Robots-Tag: noindex`` on every answer;
  drafts are listed nowhere public and are in no sitemap.
- A link from one release to another is relative (``../releases/<id>/``), so read inside a
  release it names ``/releases/<a>/releases/<b>/``: that is sent on to ``/releases/<b>/``.
- ``/releases/index.json`` is the list of releases (the store's ``released/index.json``).

The banners are written into the HTML as it is sent (a release's files never change, and
which release is the newest does), so the files checked before a release are the files
that go out. A static host serves the releases with an alias and the same redirect (see
docs/releases.md); it shows no banner.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL, Headers
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.staticfiles import NotModifiedResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from variatlas.publish.releases import PUBLIC_INDEX, Release, ReleaseNotFound, ReleaseStore
from variatlas.publish.serving import (
    CORS_HEADERS,
    SCOPE_FOLDER,
    SCOPE_PAGES,
    SECURITY_HEADERS,
    digest_of,
    entity_tag,
    matches,
    not_found_page,
)
from variatlas.publish.wording import strings

RELEASE_ID = r"\d{4}-\d{2}-\d{2}-[0-9a-f]{8}(?:-\d+)?"
"""A release id (``releases.content_id``): its date and content hash."""
_NESTED = re.compile(
    rf"^/(?:releases|preview)/{RELEASE_ID}(/(?:releases|preview)/{RELEASE_ID}/.*)$"
)
_PREFIX = re.compile(rf"^/(releases|preview)/({RELEASE_ID})(/.*)?$")
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)
SCOPE_PREVIEW = "variatlas.preview"
"""The scope key that lets the API answer from a draft (a request under /preview/)."""
NOINDEX = "noindex, nofollow"


def _word(key: str, lang: str) -> str:
    text = strings()[key]
    return text.get(lang) or text["nb"]


def page_language(path: str) -> str:
    """The interface language of a page of a release, from its path in the release."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in ("en", "nn") else "nb"


@dataclass(frozen=True)
class Banner:
    """The banner of a page of an earlier release, or of a draft."""

    release: Release
    draft: bool
    newest: Path | None
    """The newest release's folder, where the same page is looked for."""
    root: str
    """The path the site is served at (``root_path``), for the link to the newest."""

    def html(self, path: str) -> bytes:
        lang = page_language(path)
        if self.draft:
            text = html.escape(_word("release_draft_banner", lang).format(id=self.release.id))
            return f'<p class="release-banner draft" role="note">{text}</p>'.encode()
        said = _word("release_earlier_banner", lang).format(
            id=self.release.id, date=self.release.date
        )
        page = path.lstrip("/")
        if self.newest is None or not (self.newest / page).is_file() or page.endswith("/"):
            page = "" if lang == "nb" else f"{lang}/"
        link = html.escape(f"{self.root}/{page}")
        words = html.escape(_word("release_newest_link", lang))
        return (
            f'<p class="release-banner" role="note">{html.escape(said)} '
            f'<a href="{link}">{words}</a></p>'
        ).encode()

    def response(self, name: str, path: str, headers: dict[str, str], request: Headers) -> Response:
        """The page ``name`` (``path`` in its release) with its banner, its own ETag, or 304
        (``serving.SiteFiles``)."""
        with open(name, "rb") as file:
            page = self.write_into(file.read(), path)
        headers = {**headers, "ETag": entity_tag(digest_of(page), None)}
        if matches(request.get("if-none-match"), headers["ETag"]):
            return NotModifiedResponse(Headers(headers))
        return Response(page, 200, headers, "text/html")

    def write_into(self, page: bytes, path: str) -> bytes:
        """The page with the banner first in its body (and, for a draft, noindex)."""
        if self.draft:
            page = page.replace(
                b"</head>", b'<meta name="robots" content="noindex, nofollow">\n</head>', 1
            )
        found = _BODY.search(page)
        if found is None:
            return page
        return page[: found.end()] + self.html(path) + page[found.end() :]


class ReleasesRouting:
    """ASGI middleware in front of the site's files and API: the release (or draft) a request
    is for, by its path (see the module's documentation)."""

    def __init__(self, app: ASGIApp, site: Path) -> None:
        self.app = app
        self.store = ReleaseStore(site)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        nested = _NESTED.match(path)
        if nested:
            url = URL(scope=scope)
            await RedirectResponse(str(url.replace(path=nested.group(1))), 301)(
                scope, receive, _with_headers(send, SECURITY_HEADERS)
            )
            return
        if path == f"/releases/{PUBLIC_INDEX}":
            listing = JSONResponse([r.public() for r in self.store.releases()])
            await listing(scope, receive, _with_headers(send, {**SECURITY_HEADERS, **CORS_HEADERS}))
            return
        found = _PREFIX.match(path)
        if not found:
            await self.app(scope, receive, send)
            return
        kind, release_id, rest = found.group(1), found.group(2), found.group(3) or "/"
        draft = kind == "preview"
        try:
            release = self.store.find(release_id, drafts=draft)
        except ReleaseNotFound:
            release = None
        if release is not None and draft and release.status != "draft":
            # Released since it was a draft: sent on to its stable address.
            url = URL(scope=scope).replace(path=f"/releases/{release_id}{rest}")
            await RedirectResponse(str(url), 301)(
                scope, receive, _with_headers(send, SECURITY_HEADERS)
            )
            return
        if release is None:
            await _not_found(self.store, release_id, rest, draft)(
                scope, receive, _with_headers(send, SECURITY_HEADERS)
            )
            return
        await self._serve(scope, receive, send, release, rest, draft)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        release: Release,
        rest: str,
        draft: bool,
    ) -> None:
        if rest == "/api" or rest.startswith("/api/"):
            query = [
                (k, v)
                for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                if k != "release"
            ]
            query.append(("release", release.id))
            scope = dict(
                scope,
                path=rest,
                raw_path=rest.encode(),
                query_string=urlencode(query).encode("latin-1"),
            )
        else:
            newest = self.store.newest()
            earlier = newest is None or newest.id != release.id
            banner = (
                Banner(
                    release, draft, newest.folder if newest else None, scope.get("root_path", "")
                )
                if draft or earlier
                else None
            )
            prefix = f"/{'preview' if draft else 'releases'}/{release.id}"
            scope = dict(
                scope,
                root_path=scope.get("root_path", "") + prefix,
                **{SCOPE_FOLDER: release.folder, SCOPE_PAGES: banner},
            )
        if draft:
            scope[SCOPE_PREVIEW] = True
            send = _with_headers(send, {"x-robots-tag": NOINDEX})
        await self.app(scope, receive, send)


def _not_found(store: ReleaseStore, release_id: str, rest: str, draft: bool) -> Response:
    """The 404 of an address under a release that does not exist: JSON under its API."""
    what = "draft" if draft else "release"
    message = f"There is no {what} {release_id!r}; GET /api/releases lists the releases."
    if rest == "/api" or rest.startswith("/api/"):
        return JSONResponse({"error": {"status": 404, "message": message}}, status_code=404)
    return not_found_page(store.site, rest)


def _with_headers(send: Send, extra: Mapping[str, str]) -> Send:
    """``send`` with ``extra`` headers on the response (those it has already are kept)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            headers += [
                (k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present
            ]
            message = dict(message, headers=headers)
        await send(message)

    return sending


def relative_to_site(path: str, release: Release, newest: Release | None) -> str:
    """A path in a release (``data/x.csv``) as a path from the site's root."""
    if newest is not None and newest.id == release.id:
        return path
    return f"{'preview' if release.status == 'draft' else 'releases'}/{release.id}/{path}"

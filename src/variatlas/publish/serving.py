"""Serving a publication the way a web server should (``variatlas serve``).

- **Compression.** A file is sent as its ``.br`` or ``.gz`` sibling (written by ``publish``,
  see ``static_files``) when the request accepts that coding; an API answer is compressed here
  once per answer and kept. Either way with ``Content-Encoding`` and ``Vary: Accept-Encoding``.
- **Caching.** Every file and API answer has a strong ``ETag`` made from a hash of its content
  (one per coding) and is answered ``304 Not Modified`` to a matching ``If-None-Match``. Pages,
  data and answers are ``Cache-Control: no-cache`` (kept, but asked again each time: a new
  publication shows at once); files under ``assets/`` may be kept five minutes; a file asked for
  with ``?v=`` its fingerprint (``fingerprint``) is ``immutable`` for a year.
- **Security headers** on every response: ``Content-Security-Policy`` (scripts and styles from
  the site only, no inline script; the site may frame itself, nobody else may, except an
  atlas's result box on its own page, ``<lang>/atlases/<atlas>/<box>.html``, made to be
  embedded by any site: ``frame-ancestors *``),
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``.
- **The API** (``/api``) answers ``HEAD`` like ``GET`` without the body, any origin may read it
  (``Access-Control-Allow-Origin: *``, no credentials: it is public and read-only), and a path
  that does not exist there is a JSON 404; elsewhere it is the publication's HTML 404 page.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
from collections import OrderedDict
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import brotli
from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from variatlas.publish.policy import (
    ASSETS_KEPT,
    CODINGS,
    COMPRESSIBLE,
    COMPRESSIBLE_TYPES,
    CORS_HEADERS,
    EMBED_HEADERS,
    EMBEDDED,
    FINGERPRINT_LENGTH,
    IMMUTABLE,
    MEDIA_TYPES,
    REVALIDATE,
    SECURITY_HEADERS,
    SMALLEST_COMPRESSED,
)

SCOPE_FOLDER, SCOPE_PAGES = "variatlas.folder", "variatlas.pages"  # archive: a release, banner

NOT_FOUND_PAGES = {"nb": "404.html", "nn": "404.nn.html", "en": "404.en.html"}
"""The 404 pages ``publish`` writes at the top of the publication (static hosts serve
``404.html``)."""
NOT_FOUND_FALLBACK = (
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>404</title></head><body>'
    "<h1>Fant ikke siden</h1><p>Det finnes ingen side på denne adressen.</p>"
    '<p lang="en">Page not found: there is no page at this address.</p>'
    '<p><a href="/">Forside</a> · <a href="/en/" lang="en">Front page</a></p></body></html>'
)
"""The 404 page of a publication made before it had its own (``404.html``)."""


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def compressible(media_type: str | None) -> bool:
    kind = (media_type or "").split(";")[0].strip().lower()
    return kind.startswith(COMPRESSIBLE) or kind in COMPRESSIBLE_TYPES


def chosen_coding(accept_encoding: str | None, available: set[str]) -> str | None:
    """The best of ``available`` (``br``, then ``gzip``) that ``Accept-Encoding`` accepts."""
    if not accept_encoding:
        return None
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name.lower()] = weight
    for coding in CODINGS:
        if coding in available and weights.get(coding, weights.get("*", 0.0)) > 0:
            return coding
    return None


def entity_tag(digest: str, coding: str | None) -> str:
    """A strong ETag: the content's hash, and the coding (each coding is its own bytes)."""
    return f'"{digest}-{coding}"' if coding else f'"{digest}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


def digest_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def fingerprint(path: Path) -> str:
    """What ``?v=`` must say for ``path`` to be served as immutable: its content's hash."""
    return _file_digest(str(path), path.stat())[:FINGERPRINT_LENGTH]


_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def _file_digest(path: str, found: os.stat_result) -> str:
    """The hash of a file's content, made once per file (a publication never changes)."""
    key = (path, found.st_ino, found.st_size, found.st_mtime_ns)
    if key not in _DIGESTS:
        if len(_DIGESTS) > 100_000:
            _DIGESTS.clear()
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()[:32]
    return _DIGESTS[key]


def compressed(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return bytes(brotli.compress(body, quality=5))
    return gzip.compress(body, compresslevel=6, mtime=0)


class KeptCodings:
    """Compressed answers kept by ETag and coding, up to a budget of bytes, oldest out first."""

    def __init__(self, budget: int = 64 << 20) -> None:
        self.budget = budget
        self.size = 0
        self.kept: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    def get(self, etag: str, coding: str, body: bytes) -> bytes:
        key = (etag, coding)
        if key in self.kept:
            self.kept.move_to_end(key)
            return self.kept[key]
        encoded = compressed(body, coding)
        self.kept[key] = encoded
        self.size += len(encoded)
        while self.size > self.budget and len(self.kept) > 1:
            _, dropped = self.kept.popitem(last=False)
            self.size -= len(dropped)
        return encoded


def not_found_page(site: Path | None, path: str) -> Response:
    """The publication's HTML 404 page (the nynorsk one under ``/nn/``, the English one under
    ``/en/``)."""
    names = [NOT_FOUND_PAGES["nb"]]
    for lang, name in NOT_FOUND_PAGES.items():
        if lang != "nb" and path.startswith(f"/{lang}/"):
            names.insert(0, name)
    folder = site.resolve() if site is not None else None
    for name in names:
        if folder is not None and (folder / name).is_file():
            page = (folder / name).read_bytes()
            return HTMLResponse(page, status_code=404, headers={"Cache-Control": REVALIDATE})
    return HTMLResponse(NOT_FOUND_FALLBACK, status_code=404, headers={"Cache-Control": REVALIDATE})


class SiteFiles(StaticFiles):
    """The publication's files, from whatever folder ``site`` points at when asked: a
    precompressed sibling when accepted, a content-hash ETag and the cache policy, the index of
    a folder, and the HTML 404 page for what is not there."""

    def __init__(self, site: Path) -> None:
        super().__init__(directory=site, html=True)
        self.site = site

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})
        if path.split(os.sep)[0] == "api":
            raise HTTPException(status_code=404)  # the API's own: a JSON 404
        folder = scope.get(SCOPE_FOLDER) or self.site
        full_path, found = await anyio.to_thread.run_sync(self._lookup, path, folder)
        if found is not None and stat.S_ISDIR(found.st_mode):
            full_path, found = await anyio.to_thread.run_sync(
                self._lookup, os.path.join(path, "index.html"), folder
            )
            if found is not None and not scope["path"].endswith("/"):
                url = URL(scope=scope)
                return RedirectResponse(url=url.replace(path=url.path + "/"))
        if found is None or not stat.S_ISREG(found.st_mode):
            return not_found_page(self.site, scope["path"])
        return await anyio.to_thread.run_sync(self.file_response, full_path, found, scope)

    def _lookup(self, path: str, folder: Path) -> tuple[str, os.stat_result | None]:
        root = os.path.realpath(folder)  # where ``site`` points now, or a release (archive)
        try:
            full_path = os.path.realpath(os.path.join(root, path))
            inside = os.path.commonpath([full_path, root]) == root
            return (full_path, os.stat(full_path)) if inside else ("", None)
        except (OSError, ValueError):  # not there, a name too long, a null byte
            return "", None

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request = Headers(scope=scope)
        name = os.fspath(full_path)
        digest = _file_digest(name, stat_result)
        media_type = _media_type(name)
        relative = os.path.relpath(name, os.path.realpath(scope.get(SCOPE_FOLDER) or self.site))
        headers = {"Cache-Control": _cache_control(relative, scope, digest)}
        if scope.get(SCOPE_PAGES) is not None and media_type == "text/html":
            return scope[SCOPE_PAGES].response(name, relative, headers, request)
        served, served_stat, coding = name, stat_result, None
        if compressible(media_type):
            headers["Vary"] = "Accept-Encoding"
            variants = {c for c, end in CODINGS.items() if _fresh(name + end, stat_result)}
            coding = chosen_coding(request.get("accept-encoding"), variants)
            if coding is not None:
                served = name + CODINGS[coding]
                served_stat = os.stat(served)
                headers["Content-Encoding"] = coding
        headers["ETag"] = entity_tag(digest, coding)
        response = FileResponse(
            served,
            status_code=status_code,
            headers=headers,
            media_type=media_type,
            stat_result=served_stat,
        )
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response


def _media_type(name: str) -> str:
    """A file's type; a ``.gz`` or ``.br`` asked for by its own name is bytes to download."""
    kind, coding = mimetypes.guess_type(name)
    if coding is not None or name.endswith(".br"):
        return "application/octet-stream"
    return MEDIA_TYPES.get(os.path.splitext(name)[1].lower()) or kind or "application/octet-stream"


def _fresh(variant: str, original: os.stat_result) -> bool:
    """A precompressed sibling that exists and is not older than the file it compresses."""
    try:
        found = os.stat(variant)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and found.st_mtime_ns >= original.st_mtime_ns


def _cache_control(relative: str, scope: Scope, digest: str) -> str:
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v")
    if asked == [digest[:FINGERPRINT_LENGTH]]:
        return IMMUTABLE
    if relative.split(os.sep)[0] == "assets":
        return ASSETS_KEPT
    return REVALIDATE


class Served:
    """ASGI middleware: the security headers on every response and, under ``/api``, HEAD,
    CORS, the ETag, ``304 Not Modified`` and compression of the answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.codings = KeptCodings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_api(scope["path"]):
            policy = EMBED_HEADERS if EMBEDDED.fullmatch(scope["path"]) else SECURITY_HEADERS

            async def secured(message: Message) -> None:
                if message["type"] == "http.response.start":
                    _add(message, policy)
                await send(message)

            await self.app(scope, receive, secured)
            return
        request = Headers(scope=scope)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in request:
            await _preflight(request, send)
            return
        head = scope["method"] == "HEAD"
        start: Message = {}
        parts: list[bytes] = []

        async def kept(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        await self.app(dict(scope, method="GET") if head else scope, receive, kept)
        body = b"".join(parts)
        headers = MutableHeaders(scope=start)
        if start["status"] == 200:
            start, body = self._answer(start, headers, body, request)
        _add(start, {**SECURITY_HEADERS, **CORS_HEADERS})
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else body})

    def _answer(
        self, start: Message, headers: MutableHeaders, body: bytes, request: Headers
    ) -> tuple[Message, bytes]:
        """A 200 answer with its ETag, compressed if accepted, or a 304 if not modified."""
        etag = headers.get("etag") or entity_tag(digest_of(body), None)
        headers.setdefault("cache-control", REVALIDATE)
        coding = None
        if compressible(headers.get("content-type")) and "content-encoding" not in headers:
            headers["vary"] = "Accept-Encoding"
            if len(body) >= SMALLEST_COMPRESSED:
                coding = chosen_coding(request.get("accept-encoding"), set(CODINGS))
        tag = etag if coding is None else etag[:-1] + f'-{coding}"'
        headers["etag"] = tag
        if matches(request.get("if-none-match"), tag):
            unchanged = MutableHeaders()
            for name in NotModifiedResponse.NOT_MODIFIED_HEADERS:
                if name in headers:
                    unchanged[name] = headers[name]
            return {"type": "http.response.start", "status": 304, "headers": unchanged.raw}, b""
        if coding is not None:
            body = self.codings.get(etag, coding, body)
            headers["content-encoding"] = coding
        headers["content-length"] = str(len(body))
        return start, body


def _add(start: Message, extra: dict[str, str]) -> None:
    headers = MutableHeaders(scope=start)
    for name, value in extra.items():
        headers.setdefault(name, value)


async def _preflight(request: Headers, send: Send) -> None:
    """The answer to a browser's CORS preflight: any origin may GET and HEAD."""
    headers = {
        **SECURITY_HEADERS,
        **CORS_HEADERS,
        "access-control-allow-methods": "GET, HEAD",
        "access-control-allow-headers": request.get("access-control-request-headers", ""),
        "access-control-max-age": "86400",
        "content-length": "0",
    }
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items() if v],
        }
    )
    await send({"type": "http.response.body", "body": b""})

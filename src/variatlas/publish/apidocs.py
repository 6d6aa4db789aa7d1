"""The API's documentation page (``/api/docs``): Swagger UI served from the package.

Swagger UI is vendored from the npm registry by ``make assets`` (``frontend/vendor.mjs``) into
``static/vendor/swagger-ui``, so the page loads nothing from another site and works offline.
FastAPI's own page starts Swagger UI with an inline script, which the Content-Security-Policy
(``script-src 'self'``) refuses: this page starts it from a file of its own instead. Each file
is linked with ``?v=`` the hash of its content and served as immutable (``serving``).
"""

from __future__ import annotations

import hashlib
import html
from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from variatlas.publish.serving import FINGERPRINT_LENGTH, IMMUTABLE, REVALIDATE, entity_tag

START = b"""// Starts Swagger UI on the element #swagger-ui, with the OpenAPI document it names.
"use strict";
(() => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
"""

FILES = {
    "swagger-ui.css": ("vendor/swagger-ui/swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": ("vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "start.js": (None, "text/javascript"),
    "favicon.svg": ("favicon.svg", "image/svg+xml"),
}
"""The page's files: where in the package's ``static`` each comes from, and its type."""


class DocsFile:
    def __init__(self, body: bytes, media_type: str) -> None:
        self.body = body
        self.media_type = media_type
        self.digest = hashlib.sha256(body).hexdigest()[:32]

    def url(self, root: str, name: str) -> str:
        return f"{root}/api/docs/{name}?v={self.digest[:FINGERPRINT_LENGTH]}"


def _static() -> Path:
    return Path(str(resources.files("variatlas.publish").joinpath("static")))


@cache
def docs_file(name: str) -> DocsFile | None:
    """One of the page's files, read once; None when Swagger UI was not vendored."""
    source, media_type = FILES[name]
    if source is None:
        return DocsFile(START, media_type)
    path = _static() / source
    return DocsFile(path.read_bytes(), media_type) if path.is_file() else None


def docs_page(root: str, title: str, openapi_url: str) -> tuple[int, str]:
    """The page's status and HTML: 503 with what to do when Swagger UI was not vendored."""
    files = {name: docs_file(name) for name in FILES}
    missing = [name for name, found in files.items() if found is None]
    if missing:
        return 503, (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>Swagger UI is missing from the package ({html.escape(', '.join(missing))}): "
            "run <code>make assets</code>. The API itself works; its OpenAPI document is at "
            f'<a href="{html.escape(root + openapi_url)}">{html.escape(openapi_url)}</a>.</p>'
            "</body></html>"
        )
    url = {name: found.url(root, name) for name, found in files.items() if found is not None}
    return 200, "\n".join(
        (
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f'<link rel="stylesheet" href="{url["swagger-ui.css"]}">',
            f'<link rel="icon" href="{url["favicon.svg"]}" type="image/svg+xml">',
            "</head>",
            "<body>",
            f'<div id="swagger-ui" data-openapi="{html.escape(root + openapi_url)}"></div>',
            f'<script src="{url["swagger-ui-bundle.js"]}"></script>',
            f'<script src="{url["start.js"]}"></script>',
            "</body>",
            "</html>",
            "",
        )
    )


def add_docs(app: FastAPI, *, openapi_url: str) -> None:
    """``/api/docs`` and its files (make the app with ``docs_url=None``)."""

    @app.get("/api/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        status, page = docs_page(request.scope.get("root_path", ""), app.title, openapi_url)
        return HTMLResponse(page, status_code=status, headers={"Cache-Control": REVALIDATE})

    @app.get("/api/docs/{name}", include_in_schema=False)
    def docs_files(name: str, request: Request) -> Response:
        found = docs_file(name) if name in FILES else None
        if found is None:
            raise HTTPException(404, f"The API's documentation page has no file {name!r}.")
        fingerprinted = request.query_params.get("v") == found.digest[:FINGERPRINT_LENGTH]
        return Response(
            found.body,
            media_type=found.media_type,
            headers={
                "ETag": entity_tag(found.digest, None),
                "Cache-Control": IMMUTABLE if fingerprinted else REVALIDATE,
            },
        )

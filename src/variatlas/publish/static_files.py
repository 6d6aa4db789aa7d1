"""What a web server needs beside the pages, written into the publication by ``publish``.

- ``robots.txt`` and ``sitemap.xml``: every page but a draft's (``noindex``), with itself in
  every language as an ``xhtml:link rel="alternate" hreflang`` (absolute URLs from the base
  URL the site is served at: ``variatlas publish --base-url``);
- ``404.html`` (bokmål, with a line in English: what static hosts send), ``404.nn.html`` and
  ``404.en.html`` (nynorsk and English, sent under ``/nn/`` and ``/en/`` by ``variatlas
  serve``): the page for an address not there;
- every page's ``<link rel="alternate" hreflang>`` made absolute from the base URL (search
  engines and Lighthouse take no relative one; the links between pages stay relative);
- a ``.gz`` (gzip) and a ``.br`` (Brotli) beside every text file worth compressing, for any
  server that sends them when asked (nginx's ``gzip_static`` and ``brotli_static``, Caddy's
  ``precompressed``, ``variatlas serve``), so that no file is compressed per request.

The compressed files are the same bytes whatever the machine and the number of workers
(no time stamp in the gzip header).
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape, quoteattr

import brotli

from variatlas.publish.atlas import environment, page_context
from variatlas.publish.serving import NOT_FOUND_PAGES
from variatlas.publish.wording import LANGUAGES, Language, versions
from variatlas.workers import mapped

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
"""Where ``variatlas serve`` serves by default; set ``--base-url`` for a real host."""
COMPRESSED_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".json", ".geojson", ".csv", ".svg", ".txt", ".xml"}
)
SMALLEST = 512
"""Files below this many bytes are not compressed: it would save a few bytes at most."""
WORTH_IT = 0.9
"""A compressed file is kept only if it is at most this share of the original."""
WORKERS_FROM = 16 << 20
"""Bytes to compress from which worker processes share the work."""
GZIP_LEVEL = 6
BROTLI_QUALITY = 6
"""Brotli's 10 and 11 save ~15 % more but take 20–70 times as long (2.8 and 0.2 MB/s on the
demo's pages against 14 MB/s): too long for a national publication."""

NOT_FOUND = """{% extends "base.html" %}
{% block title %}{{ heading }} · {{ w.site_short }}{% endblock %}
{% block main %}
<h1>{{ heading }}</h1>
<p class="lede">{{ message }}</p>
<p><a href="{{ home }}">{{ w.front_page }}</a> ·
<a href="{{ pages }}areas/index.html">{{ w.areas_heading }}</a></p>
<p lang="{{ other_lang }}">{{ other_text }}</p>
{% endblock %}
"""
NOT_FOUND_WORDS: dict[Language, dict[str, str]] = {
    "nb": {
        "heading": "Fant ikke siden",
        "message": "Det finnes ingen side på denne adressen. Den kan ha blitt flyttet, eller "
        "adressen kan være skrevet feil.",
    },
    "nn": {
        "heading": "Fann ikkje sida",
        "message": "Det finst inga side på denne adressa. Ho kan ha blitt flytta, eller adressa "
        "kan vere skriven feil.",
    },
    "en": {
        "heading": "Page not found",
        "message": "There is no page at this address. It may have moved, or the address may be "
        "mistyped.",
    },
}


class BaseUrlInvalid(ValueError):
    """The address a site will be served at is not an absolute http(s) URL."""


def base_url(url: str) -> str:
    """``url`` as a base: absolute http(s), ending in ``/``; ``BaseUrlInvalid`` otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BaseUrlInvalid(
            f"The base URL must be an absolute http(s) URL without a query, such as "
            f"https://atlas.example.no/ or https://example.no/variatlas/, not {url!r}."
        )
    return parts._replace(path=parts.path.rstrip("/") + "/").geturl()


def site_files(url: str) -> Callable[[Path], None]:
    """What to give ``publish`` as ``extra`` for a site served at ``url``: its ``robots.txt``,
    ``sitemap.xml`` and 404 pages (``url`` is checked at once, the files written last)."""
    return functools.partial(write_site_files, url=base_url(url))


def finish_publication(folder: Path) -> None:
    """The last step of ``publish``: the site files with the default base URL unless they
    were written already (``site_files``, given as ``extra``: ``--base-url``), then the
    ``.gz`` and ``.br`` of every text file."""
    if not (folder / "sitemap.xml").exists():
        write_site_files(folder, DEFAULT_BASE_URL)
    absolute_alternates(folder, _served_at(folder))
    precompress(folder)


ALTERNATE = re.compile(r'(<link rel="alternate" hreflang="[^"]+" href=")([^"]*)(")')


def _served_at(folder: Path) -> str:
    """The base URL the site files were written for (``robots.txt``'s sitemap line)."""
    for line in (folder / "robots.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("Sitemap: "):
            return line.removeprefix("Sitemap: ").removesuffix("sitemap.xml")
    return DEFAULT_BASE_URL


def absolute_alternates(folder: Path, base: str) -> int:
    """Make every page's hreflang alternates absolute URLs below ``base``; returns how many
    pages changed. A page is replaced, never written in place: it may share its bytes with
    an earlier release."""
    changed = 0
    for page in folder.rglob("*.html"):
        if page.is_symlink() or not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        address = base + page.relative_to(folder).as_posix()

        def absolute(found: re.Match[str], address: str = address) -> str:
            url = urljoin(address, html.unescape(found[2]))
            return found[1] + html.escape(url) + found[3]

        new = ALTERNATE.sub(absolute, text)
        if new != text:
            temporary = page.with_name(f".{page.name}.tmp")
            temporary.write_text(new, encoding="utf-8")
            os.replace(temporary, page)
            changed += 1
    return changed


def write_site_files(folder: Path, url: str) -> None:
    """``robots.txt``, ``sitemap.xml`` and the 404 pages for a site served at ``url``."""
    base = base_url(url)
    path = urlsplit(base).path
    _write_not_found(folder, path)
    (folder / "sitemap.xml").write_text(sitemap(folder, base), encoding="utf-8")
    (folder / "robots.txt").write_text(
        "\n".join(
            (
                "# variatlas: every page is listed in the sitemap; the API's answers are data,",
                "# not pages (its documentation is at api/docs).",
                "User-agent: *",
                f"Allow: {path}api/docs",
                f"Disallow: {path}api/",
                f"Sitemap: {base}sitemap.xml",
                "",
            )
        ),
        encoding="utf-8",
    )


def _address(page: str) -> str:
    """A page's address below the base: a folder's index as the folder."""
    return page.removesuffix("index.html")


NOINDEX = b'<meta name="robots" content="noindex">'
"""What a page that is not to be found by search engines (a draft atlas) says in its head."""


def _in_language(path: str) -> str | None:
    """A page's address within its language (``index.html`` for a front page, ``<id>.html``,
    ``areas/...``), or None for a page in no language."""
    if path == "index.html":
        return path
    for lang in LANGUAGES:
        if path.startswith(f"{lang}/"):
            return path.removeprefix(f"{lang}/")
    return None


def _indexed(page: Path) -> bool:
    """Whether a page is for search engines: not a draft's (``NOINDEX`` in its head)."""
    with page.open("rb") as read:
        return NOINDEX not in read.read(2048)


def sitemap(folder: Path, base: str) -> str:
    """Every page of the publication but the drafts', with itself in every language it has
    (and ``x-default``, the bokmål page) as absolute ``hreflang`` alternates."""
    pages = sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*.html")
        if p.name not in NOT_FOUND_PAGES.values() and p.is_file() and _indexed(p)
    )
    if len(pages) > 50_000:
        raise ValueError(f"{len(pages)} pages: a sitemap holds 50,000 (split it in an index)")
    known = set(pages)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"',
        '        xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for page in pages:
        lines += ["<url>", f"  <loc>{escape(base + _address(page))}</loc>"]
        within = _in_language(page)
        if within is not None:
            same = {v["lang"]: v["href"] for v in versions("", within) if v["href"] in known}
            if len(same) > 1:
                for lang, other in same.items():
                    lines.append(_alternate(lang, base + _address(other)))
                if "nb" in same:
                    lines.append(_alternate("x-default", base + _address(same["nb"])))
        lines.append("</url>")
    lines += ["</urlset>", ""]
    return "\n".join(lines)


def _alternate(lang: str, url: str) -> str:
    return f'  <xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(url)}/>'


def _write_not_found(folder: Path, path: str) -> None:
    """The 404 pages: links from the site's root path, since a page is sent for an address at
    any depth."""
    template = environment().from_string(NOT_FOUND)
    for lang in LANGUAGES:
        other: Language = "nb" if lang == "en" else "en"
        home = path if lang == "nb" else f"{path}{lang}/"
        page = template.render(
            **page_context(lang, _comparator(folder)),
            root=path,
            home=home,
            pages=f"{path}{lang}/",
            versions=[{**v, "href": _address(v["href"])} for v in versions(path, "index.html")],
            other_lang=other,
            other_text=NOT_FOUND_WORDS[other]["message"],
            **NOT_FOUND_WORDS[lang],
        )
        (folder / NOT_FOUND_PAGES[lang]).write_text(page, encoding="utf-8")


def _comparator(folder: Path) -> str:
    """``data`` for a regional extract, as the pages say it (``atlas.comparator_of``)."""
    try:
        provenance: dict[str, Any] = json.loads((folder / "provenance.json").read_text("utf-8"))
    except (OSError, ValueError):
        return "nation"
    coverage = provenance.get("coverage")
    return "data" if isinstance(coverage, dict) and coverage.get("national") is False else "nation"


def precompress(folder: Path) -> tuple[int, int, int]:
    """Write ``NAME.gz`` and ``NAME.br`` beside every text file worth it; returns the bytes of
    the text files, and what they weigh served as gzip and as Brotli where accepted."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in COMPRESSED_SUFFIXES and p.is_file() and not p.is_symlink()
    )
    sizes = [p.stat().st_size for p in files]
    chosen = [str(p) for p, size in zip(files, sizes, strict=True) if size >= SMALLEST]
    totals = [0, 0, 0]
    work = mapped(_compress, chosen, parallel=sum(sizes) >= WORKERS_FROM)
    for written in work:
        totals = [a + b for a, b in zip(totals, written, strict=True)]
    return totals[0], totals[1], totals[2]


def _compress(name: str) -> tuple[int, int, int]:
    """The ``.gz`` and ``.br`` of one file (each only if it saves enough): its size and what is
    sent of it with each coding."""
    data = Path(name).read_bytes()
    sizes = [len(data), len(data), len(data)]
    for i, (suffix, packed) in enumerate(
        (
            (".gz", gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)),
            (".br", bytes(brotli.compress(data, quality=BROTLI_QUALITY))),
        ),
        start=1,
    ):
        if len(packed) <= WORTH_IT * len(data):
            Path(name + suffix).write_bytes(packed)
            sizes[i] = len(packed)
    return sizes[0], sizes[1], sizes[2]

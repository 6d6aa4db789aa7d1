"""Each atlas printed whole to a PDF beside its opening page at publish time, by chromium
through Playwright.

An atlas's pages are an opening page and a page per chapter (``document_pages``); the PDF is
the whole atlas, front to back, so chromium prints the whole atlas on one page, written for it
alone into a folder that is not published (``document_pages.printed_pages``), from the file
(``file://``: an atlas draws its figures as inline SVG and fetches nothing, so no server is
needed; its ``assets`` are the publication's) with the print stylesheet of
``atlas.css``, on A4, tagged (headings and tables kept for a screen reader) and with an
outline of its headings, the page number in the footer. One browser prints every page, in a
tab per core. The PDF's title is the atlas's, its author the publisher (the page's
``<meta name="author">``), its language the page's; chromium sets the title and language,
the author and creator are written after it as an incremental update (pypdf), which leaves
chromium's bytes as they are.

Chromium, and not WeasyPrint: the pages are already tested in chromium (``make test`` installs
Debian's), it prints what a reader's browser shows, the inline SVG included, and Playwright is
the one Python package it needs; WeasyPrint would be a second layout engine with its own
system libraries (Pango) whose output no test of the atlas sees.

The opening page's link to its PDF says the PDF's size: the page is written with
``SIZE_MARK`` there, which is replaced once the PDF is made.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from variatlas import __version__
from variatlas.documents.placeholders import number
from variatlas.workers import worker_count

CHROMIUM_VARIABLE = "VARIATLAS_CHROMIUM"
"""An environment variable naming the chromium (or Chrome) to print with."""
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SIZE_MARK = "VARIATLASPDFSIZE"
"""Where an atlas's opening page says its PDF's size, until the PDF is made."""
FOOTER = (
    '<div style="font: 8px system-ui, sans-serif; color: #595959; width: 100%; '
    'padding: 0 16mm; display: flex; justify-content: space-between">'
    '<span class="title"></span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)
"""Chromium's footer template (its own small page, outside the site's CSP): the title and
the page number."""
PAGE_TIMEOUT_MS = 120_000
"""The longest atlas page (barn2025, ~40 tables) prints in seconds; this is for a loaded
machine."""


class PdfUnavailable(RuntimeError):
    """The PDFs cannot be made here: chromium or Playwright is missing."""


def chromium_path(path: str | None = None) -> str:
    """The chromium to print with: ``path``, else ``$VARIATLAS_CHROMIUM``, else the first
    chromium on the PATH, else Playwright's own if it has downloaded one; ``PdfUnavailable``,
    in one sentence, if there is none (or Playwright is not installed)."""
    how = (
        "install Debian's chromium (apt-get install chromium; `make demo` does) or publish "
        "without the atlases' PDFs (variatlas publish --no-pdf)"
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfUnavailable(
            "The atlases' PDFs need the Python package playwright, which is not installed: "
            f"pip install playwright, and {how}."
        ) from None
    named = path or os.environ.get(CHROMIUM_VARIABLE)
    if named:
        if not Path(named).is_file():
            where = "" if path else f" (from {CHROMIUM_VARIABLE})"
            raise PdfUnavailable(
                f"The atlases' PDFs are printed by chromium, which is not at {named}{where}: {how}."
            )
        return named
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    with sync_playwright() as playwright:
        own = playwright.chromium.executable_path
    if own and Path(own).is_file():
        return own
    raise PdfUnavailable(
        f"The atlases' PDFs are printed by chromium, which is not installed: {how}."
    )


@dataclass(frozen=True)
class Printed:
    """A page printed: its PDF, how many bytes and how many seconds it took."""

    pdf: Path
    size: int
    seconds: float


def print_pages(pages: Sequence[tuple[Path, Path]], chromium: str) -> list[Printed]:
    """Print each atlas, given as (the whole atlas on one page, its opening page), to a PDF
    beside the opening page (``<id>.html`` → ``<id>.pdf``) with one browser, write its
    metadata, and put the PDF's size into the opening page's link to it.

    The browser prints in as many tabs at once as there are workers (``worker_count``: one
    per core, ``VARIATLAS_WORKERS``), each tab in a context of its own so that its pages are
    laid out and printed by a renderer process of its own (tabs of one context share one for
    ``file://`` pages): 4 of the largest atlases in 66–94 s with two tabs against 103–106 s
    with one, on a loaded 2-core machine."""
    tabs = max(1, min(len(pages), worker_count()))
    return asyncio.run(_print_all(list(pages), chromium, tabs))


async def _print_all(pages: list[tuple[Path, Path]], chromium: str, tabs: int) -> list[Printed]:
    from playwright.async_api import async_playwright

    # The longest first, so that no tab is left printing the longest alone at the end.
    waiting = sorted(pages, key=lambda pair: pair[0].stat().st_size, reverse=True)
    printed: dict[Path, Printed] = {}

    async def tab_work(browser: Any) -> None:
        tab = await (await browser.new_context()).new_page()
        while waiting:
            whole, page = waiting.pop(0)
            started = time.perf_counter()
            pdf = page.with_suffix(".pdf")
            head = await _print(tab, whole, pdf)
            _write_metadata(pdf, head)
            size = pdf.stat().st_size
            _fill_size(page, size, head["lang"])
            printed[page] = Printed(pdf, size, time.perf_counter() - started)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium,
            args=["--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            await asyncio.gather(*(tab_work(browser) for _ in range(tabs)))
        finally:
            await browser.close()
    return [printed[page] for _, page in pages]


async def _print(tab: Any, page: Path, pdf: Path) -> dict[str, str]:
    """Print one page; return its title, author, summary and language as the page says."""
    await tab.goto(page.resolve().as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)
    head: dict[str, str] = await tab.evaluate(
        """() => {
          const meta = name => document.querySelector(`meta[name="${name}"]`)?.content ?? "";
          return {
            title: (document.querySelector("h1")?.textContent ?? document.title).trim(),
            author: meta("author"),
            subject: meta("description"),
            lang: document.documentElement.lang,
          };
        }"""
    )
    await tab.pdf(
        path=str(pdf),
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        tagged=True,
        outline=True,
    )
    return head


def _write_metadata(pdf: Path, head: dict[str, str]) -> None:
    """The PDF's title, author, subject and creator, appended as an incremental update."""
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(pdf.read_bytes()), incremental=True)
    found = {
        "/Title": head["title"],
        "/Author": head["author"],
        "/Subject": head["subject"],
        "/Creator": f"variatlas {__version__}",
    }
    writer.add_metadata({key: value for key, value in found.items() if value})
    with pdf.open("wb") as file:
        writer.write(file)


def _fill_size(page: Path, size: int, lang: str) -> None:
    html = page.read_text(encoding="utf-8")
    if SIZE_MARK in html:
        page.write_text(html.replace(SIZE_MARK, file_size(size, lang)), encoding="utf-8")


def file_size(size: int, lang: str) -> str:
    """A file's size as a reader of ``lang`` writes it: ``840 kB``, ``1,2 MB``."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))}\u00a0kB"
    return f"{number(size / 1_000_000, lang, 1)}\u00a0MB"

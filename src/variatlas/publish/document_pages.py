"""An atlas in one language as pages: an opening page, a page per chapter, and the whole atlas
for printing.

An atlas drawn whole on one page was too long for a phone: barn2025's page was 830 kB of
HTML and 15,800 elements (12 chapters, ~966 figure rows), and Lighthouse's mobile preset
measured 562 ms of total blocking time spent parsing and laying it out (issue 26; see
docs/performance.md). A chapter alone is a page a phone reads at once (barn2025's largest,
06-atopiske-sykdommer, ~4,000 elements), so an atlas is published as a book is read, front to
back:

- the **opening page**, ``<lang>/atlases/<id>.html``, keeps the atlas's address (front pages,
  sitemap and links from elsewhere still lead to it): the title, byline, draft banner,
  summary, source, PDF link and the contents (every chapter and, under it, its result boxes,
  each linked on the page that holds it). It also carries the first chapter where that
  chapter has no result box: SKDE's atlases open with their main findings, a discussion or a
  line on where the report is, text that belongs with the title and would be a thin page of
  its own; a first chapter of results gets its own page like the others;
- a **chapter page**, ``<lang>/atlases/<id>.<chapter>.html`` (``<chapter>``: the chapter's
  file name without ``.yaml``), for every other chapter: the chapter with all its texts,
  fact boxes, result boxes, figures and maps, then the previous and next chapter and the
  way back to the contents. It sits in the opening page's folder, so that every relative
  address in a chapter (the figures' links, the boxes' own pages, the assets) is the one the
  opening page and the boxes' pages use: the chapters are drawn once for all three. It is
  not under ``<id>/``, where the result boxes' own pages are, which other sites may frame
  (``policy.EMBEDDED``): a chapter page may be framed by the site alone;
- the **whole atlas**, the head, the contents and every chapter in one document, written only
  into a folder for printing (``pdf``), never published: the PDF is the whole atlas.

Every link into an atlas at a chapter or box goes to the page that holds it (``paginate``: the
contents, the pager, a box's own page's link back). A link written before chapters had pages
(``<id>.html#box-…``, ``#chapter-…``) reaches the opening page, whose script
(``assets/document-anchors.js``) sends it on to the chapter's page; the map it reads is the
contents themselves (each link's ``data-anchor``), and without a script the contents are there
to follow.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment

from variatlas.documents.loading import Document
from variatlas.documents.model import Chapter, ResultBox
from variatlas.publish.embeds import write_box_pages
from variatlas.publish.wording import versions

PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
SENTENCE = 60
"""Characters a paragraph needs to describe a chapter (more than a label's)."""


def chapter_slug(name: str) -> str:
    """A chapter's name in its anchor (``chapter-<slug>``) and page: its file's name without
    ``.yaml``, in lower case, anything but letters, digits and ``-`` made ``-``."""
    return re.sub(r"[^a-z0-9-]+", "-", Path(name).stem.lower())


def opening_page(atlas: str) -> str:
    """An atlas's opening page, from its language's ``atlases/`` folder."""
    return f"{atlas}.html"


def chapter_page(atlas: str, name: str) -> str:
    """A chapter's own page, from its language's ``atlases/`` folder. The atlas's id has no
    ``.``, so no other atlas's page has this name."""
    return f"{atlas}.{chapter_slug(name)}.html"


def carries_first(chapter: Chapter) -> bool:
    """Whether the opening page carries this first chapter: it has no result box."""
    return not any(isinstance(block, ResultBox) for block in chapter.blocks)


def chapter_pages(document: Document) -> dict[str, str]:
    """Each chapter's name → the page that holds it, from the ``atlases/`` folder."""
    atlas = document.atlas.id
    pages = {}
    for number, (name, chapter) in enumerate(document.chapters.items(), start=1):
        on_opening = number == 1 and carries_first(chapter)
        pages[name] = opening_page(atlas) if on_opening else chapter_page(atlas, name)
    return pages


def reading_order(document: Document, lang: str) -> list[str]:
    """The atlas's pages in ``lang``, from the publication's root, in the order they are
    read: the opening page, then each chapter's."""
    found = [opening_page(document.atlas.id), *chapter_pages(document).values()]
    return [f"{lang}/atlases/{page}" for page in dict.fromkeys(found)]


def paginate(document: Document, chapters: Sequence[dict[str, Any]]) -> None:
    """Give each chapter of ``document`` as drawn (``_Writer.chapters``) its number, its page
    and its page's description, and it and each of its result boxes (in the chapter and in
    the contents) the link to where it is, from the ``atlases/`` folder."""
    opening = opening_page(document.atlas.id)
    pages = chapter_pages(document).values()
    for number, (chapter, page) in enumerate(zip(chapters, pages, strict=True), start=1):
        chapter["number"] = number
        chapter["page"] = page
        chapter["href"] = f"{page}#{chapter['anchor']}" if page == opening else page
        for block in chapter["blocks"]:
            if block["type"] == "result":
                block["href"] = f"{page}#{block['anchor']}"
        for box in chapter["boxes"]:
            box["href"] = f"{page}#{box['anchor']}"
        chapter["description"] = _description(chapter)


def _description(chapter: Mapping[str, Any]) -> str | None:
    """A chapter's first paragraph of a sentence or more (a bold line such as "Hovedfunn" is a
    heading in all but name), for its page's meta description; else its first of any length."""
    found = []
    for block in chapter["blocks"]:
        for field in ("summary", "text"):
            for paragraph in PARAGRAPH.findall(str(block.get(field) or "")):
                words = " ".join(re.sub(r"<[^>]+>", "", paragraph).split())
                if len(words) >= SENTENCE:
                    return words
                if words:
                    found.append(words)
    return found[0] if found else None


def write_atlas_pages(
    templates: Environment,
    folder: Path,
    context: Mapping[str, Any],
    pdf: Mapping[str, str] | None = None,
    printing: Path | None = None,
) -> Path:
    """Write one atlas in one language: its opening page, each chapter's page and each result
    box's page into the publication ``folder``, and, given a ``printing`` folder, the whole
    atlas there at the opening page's path (for ``pdf.print_pages``); return the opening
    page. ``context``: what the pages are given (``atlas``, ``chapters`` paginated, the
    words); ``pdf``: the opening page's link to the atlas's PDF."""
    atlas, chapters, ui = context["atlas"], context["chapters"], context["page_lang"]
    opening = opening_page(atlas["id"])
    target = folder / ui / "atlases" / opening
    target.parent.mkdir(parents=True, exist_ok=True)
    page = templates.get_template("document.html")
    common = {**context, "home": "../../index.html" if ui == "nb" else "../index.html"}
    shown = [c for c in chapters if c["page"] == opening]
    rest = [c for c in chapters if c["page"] != opening]
    target.write_text(
        page.render(
            **common,
            versions=versions("../../", f"atlases/{opening}"),
            shown=shown,
            next=rest[0] if rest else None,
            pdf=pdf,
        ),
        encoding="utf-8",
    )
    chapter_template = templates.get_template("document_chapter.html")
    for at, chapter in enumerate(chapters):
        if chapter["page"] == opening:
            continue
        (target.parent / chapter["page"]).write_text(
            chapter_template.render(
                **common,
                versions=versions("../../", f"atlases/{chapter['page']}"),
                chapter=chapter,
                count=len(chapters),
                previous=chapters[at - 1] if at > 0 else None,
                next=chapters[at + 1] if at + 1 < len(chapters) else None,
                opening=opening,
            ),
            encoding="utf-8",
        )
    write_box_pages(templates.get_template("document_box.html"), target.parent, context, chapters)
    if printing is not None:
        _write_whole(page, common, printing, folder, ui, opening)
    return target


def _write_whole(
    page: Any, context: Mapping[str, Any], printing: Path, folder: Path, ui: str, opening: str
) -> None:
    """The whole atlas, every chapter on one page, into the ``printing`` folder at the
    opening page's path, its ``assets`` the publication's (a link: the assets are written
    before anything is printed)."""
    target = printing / ui / "atlases" / opening
    target.parent.mkdir(parents=True, exist_ok=True)
    assets = printing / "assets"
    if not assets.is_symlink():
        os.symlink((folder / "assets").resolve(), assets, target_is_directory=True)
    whole = {**context, "versions": [], "shown": context["chapters"], "next": None, "pdf": None}
    whole["whole"] = True
    html = page.render(**whole)
    target.write_text(html, encoding="utf-8")


def printed_pages(pages: Iterable[Path], folder: Path, printing: Path) -> list[tuple[Path, Path]]:
    """Each opening page of ``folder`` with the whole atlas written for it into ``printing``:
    what ``pdf.print_pages`` prints."""
    return [(printing / page.relative_to(folder), page) for page in pages]

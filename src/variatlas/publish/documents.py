"""The atlas documents drawn as pages of the web atlas.

Each atlas (``variatlas.documents``: SKDE's 23 are shipped) is drawn in every interface
language beside the indicator pages (``nb/``, ``nn/``, ``en/``) as a book is read, front to
back (``document_pages``, which says why): an opening page, ``<lang>/atlases/<id>.html``, with
the title, the summary and the contents (a link to each chapter and result box, on the page
that holds it), then a page per chapter, ``<lang>/atlases/<id>.<chapter>.html``, with its
texts, fact boxes and result boxes (summary, figures, case definition, assessment) and the
way to the chapters before and after. The words around the document are the page's
language; the document's own text is in that language where the atlas is written in it,
else in the nearest language it is written in (``NEAREST``), marked with its ``lang`` and
with a line saying so. A draft (``published: false``) is written with a banner, ``noindex``
and no place on the front pages or in the sitemap.

Each result box with a figure also has a page of its own to link to and embed
(``embeds``: ``<lang>/atlases/<id>/<box>.html``), and the opening page a PDF of the whole
atlas beside it when the publication makes them (``pdf``: ``<lang>/atlases/<id>.pdf``,
printed from the whole atlas on one page, written for it alone), linked from the page.

Numbers in the texts are filled from the disclosed results (``documents.Bindings``): a
placeholder that would print a hidden cell, or that cannot be filled, stops the publication
with its sentence. Figures are drawn by ``document_figures`` from the disclosed results only.
The front page lists every atlas (``atlas_listing``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from variatlas.disclosure import DisclosedResults
from variatlas.documents import Bindings, load_atlas, shipped_atlases
from variatlas.documents.loading import Document
from variatlas.documents.model import Chapter, FactBox, Figure, ResultBox, Text, TextBlock
from variatlas.documents.model import Language as Written
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import comparator_of, environment, page_context
from variatlas.publish.document_figures import Drawing, figure_html, reason_words, views
from variatlas.publish.document_pages import chapter_slug, paginate, write_atlas_pages
from variatlas.publish.embeds import share
from variatlas.publish.markdown import inline, markdown
from variatlas.publish.pdf import SIZE_MARK
from variatlas.publish.wording import LANGUAGES, Language

NEAREST: dict[Language, tuple[Written, ...]] = {
    "nb": ("nb", "nn", "en"),
    "nn": ("nn", "nb", "en"),
    "en": ("en", "nb", "nn"),
}
"""For a page in each interface language, the atlas's languages to show its text in, best
first: the other written Norwegian before English, bokmål before nynorsk for English."""
FIGURE_MARK = "VARIATLASFIGURE{}END"
"""What a ``{{ figure ID }}`` becomes in the Markdown, replaced by the figure once rendered
(letters and digits, which Markdown leaves as they are)."""
MARKED = re.compile(r"(?:<p>)?VARIATLASFIGURE(\d+)END(?:</p>)?")


def page_file(atlas: str, lang: str) -> str:
    """An atlas's page in ``lang``, from the publication's root."""
    return f"{lang}/atlases/{atlas}.html"


def text_language(languages: Sequence[Written], ui: Language) -> Written:
    """The language an atlas written in ``languages`` is shown in on a page in ``ui``."""
    return next(lang for lang in NEAREST[ui] if lang in languages)


def load_documents(
    folders: Iterable[Path] | None, catalogue: Mapping[str, Indicator]
) -> list[Document]:
    """The atlases to publish (default: the shipped ones), read and checked; a faulty one
    raises ``DocumentError`` with every fault."""
    found = shipped_atlases() if folders is None else list(folders)
    return [load_atlas(folder, catalogue) for folder in found]


def atlas_listing(documents: Sequence[Document], ui: Language) -> list[dict[str, Any]]:
    """The front page's list in ``ui``: each published atlas's title (in the language its
    page shows it in), publisher, year and page in ``ui``, newest first; drafts are left
    out."""
    listed = []
    for document in documents:
        atlas = document.atlas
        if not atlas.published:
            continue
        lang = text_language(atlas.languages, ui)
        listed.append(
            {
                "id": atlas.id,
                "title": inline(atlas.title[lang]).striptags(),
                "lang": lang,
                "publisher": atlas.publisher,
                "year": atlas.year,
                "page": page_file(atlas.id, ui),
            }
        )
    return sorted(listed, key=lambda a: (-a["year"], a["title"]))


def bound_indicators(documents: Iterable[Document]) -> set[str]:
    """Every indicator a figure of the documents shows."""
    found: set[str] = set()
    for document in documents:
        for chapter in document.chapters.values():
            for figure in _figures(chapter):
                found.update(i for i in (figure.indicator, *figure.also) if i)
    return found


def _figures(chapter: Chapter) -> Iterable[Figure]:
    for block in chapter.blocks:
        if isinstance(block, ResultBox):
            yield from block.figures
    yield from chapter.figures


def write_documents(
    documents: Sequence[Document],
    disclosed: DisclosedResults,
    catalogue: Mapping[str, Indicator],
    published: Iterable[str],
    folder: Path,
    *,
    marks: Mapping[str, str] | None = None,
    base_url: str | None = None,
    pdf: bool = False,
    printing: Path | None = None,
) -> list[Path]:
    """Write every atlas in every interface language into the publication ``folder``: its
    opening page, its chapters' pages and the page of each of its result boxes
    (``document_pages``), its figures' links marked where their indicator is new or revised
    in this release (``marks``); return the opening pages. ``base_url``: the address the
    publication is served at, for the boxes' embed snippets (else relative); ``pdf``: the
    opening pages link to their PDF (``pdf.print_pages`` makes it and fills in its size);
    ``printing``: a folder to write each atlas whole into, to be printed
    (``document_pages.printed_pages``)."""
    templates = environment()
    drawing = Drawing(
        catalogue,
        frozenset(published),
        views(disclosed.results, bound_indicators(documents)),
        templates.get_template("document_figure.html"),
        marks or {},
    )
    bindings = Bindings(disclosed.results, disclosed.variation, catalogue)
    comparator = comparator_of(disclosed)
    written = []
    for document in documents:
        atlas = document.atlas
        for ui in LANGUAGES:
            lang = text_language(atlas.languages, ui)
            common = page_context(ui, comparator)
            writer = _Writer(document, lang, ui, common["w"], bindings, drawing, base_url)
            chapters = writer.chapters()
            paginate(document, chapters)
            context = {
                **common,
                "page_lang": ui,
                "root": "../../",
                "document_lang": lang,
                "noindex": not atlas.published,
                "own": Markup(f' lang="{lang}"') if lang != ui else "",
                "atlas": writer.head(),
                "chapters": chapters,
                "whole": False,
            }
            link = {"href": f"{atlas.id}.pdf", "size": SIZE_MARK} if pdf else None
            written.append(write_atlas_pages(templates, folder, context, link, printing))
    return written


@dataclass
class _Writer:
    """One atlas in one language (``lang``) on a page in ``ui``: its texts filled and rendered,
    its figures drawn."""

    document: Document
    lang: Written
    ui: Language
    w: Mapping[str, str]
    bindings: Bindings
    drawing: Drawing
    served_at: str | None = None
    """The publication's address (``--base-url``), for the boxes' embed snippets."""

    @property
    def base(self) -> str | None:
        return self.document.atlas.url

    def head(self) -> dict[str, Any]:
        atlas = self.document.atlas
        where = f"{atlas.id}/atlas.yaml"
        title = self.fill(atlas.title[self.lang], f"{where}: title.{self.lang}")
        summary = atlas.summary[self.lang] if atlas.summary else None
        return {
            "id": atlas.id,
            "title": inline(title, base=self.base),
            "plain_title": inline(title).striptags(),
            "publisher": atlas.publisher,
            "authors": atlas.authors,
            "year": atlas.year,
            "date": atlas.date,
            "draft": not atlas.published,
            "url": atlas.url,
            "source": atlas.source,
            "licence": atlas.licence,
            "summary": self.text(summary, f"{where}: summary", 1) if summary else None,
        }

    def chapters(self) -> list[dict[str, Any]]:
        found = []
        for number, (name, chapter) in enumerate(self.document.chapters.items(), start=1):
            where = f"{self.document.atlas.id}/chapters/{name}"
            title = self._title(chapter.title, f"{where}: title")
            under = 2 if title is not None else 1
            shown = {str(f.id): f for f in chapter.figures}
            blocks = [
                self.block(block, f"{where}: blocks[{b}]", under, shown)
                for b, block in enumerate(chapter.blocks)
            ]
            found.append(
                {
                    "anchor": "chapter-" + chapter_slug(name),
                    "title": title,
                    "toc": title.striptags() if title else self._untitled(number),
                    "under": under,
                    "blocks": blocks,
                    "boxes": [
                        {"anchor": b["anchor"], "toc": b["title"].striptags()}
                        for b in blocks
                        if b["type"] == "result"
                    ],
                }
            )
        return found

    def _untitled(self, number: int) -> str:
        """What the contents call a chapter without a title (an atlas's opening)."""
        if number == 1:
            return self.w["document_opening"]
        return f"{self.w['document_part']} {number}"

    def block(
        self,
        block: TextBlock | FactBox | ResultBox,
        where: str,
        under: int,
        shown: Mapping[str, Figure],
    ) -> dict[str, Any]:
        """A block's texts as HTML, at heading level ``under`` (that of its chapter)."""
        box = under + 1  # a box's own heading

        def text(field: str, level: int) -> Markup | None:
            value = getattr(block, field, None)
            if value is None:
                return None
            return self.text(value[self.lang], f"{where}.{field}", level, shown)

        found: dict[str, Any] = {"type": block.type}
        if isinstance(block, TextBlock):
            found.update(
                summary=text("summary", under), text=text("text", under),
                assessment=text("assessment", under),
            )  # fmt: skip
            return found
        found.update(
            title=self._title(block.title, f"{where}.title"),
            summary=text("summary", box),
            text=text("text", box),
            selection=text("selection", box + 1),
            assessment=text("assessment", box + 1),
        )
        if isinstance(block, ResultBox):
            figures = self.box_figures(block.figures)
            found.update(
                id=block.id,
                anchor=f"box-{block.id}",
                data=block.data,
                **reason_words(block.reason, self.ui),
                figures=figures,
                share=None,
            )
            if block.data != "not shipped":
                title = found["title"].striptags()
                atlas = self.document.atlas.id
                found["share"] = share(atlas, block.id, self.ui, title, figures, self.served_at)
        return found

    def box_figures(self, figures: list[Figure]) -> list[Markup]:
        """A box's figures; one that shows the same numbers as one before it only links."""
        drawn, seen = [], set()
        for figure in figures:
            view = (figure.indicator, tuple(figure.also), figure.level, figure.period, figure.sex)
            drawn.append(
                self.figure(figure, repeated=figure.indicator is not None and view in seen)
            )
            seen.add(view)
        return drawn

    def figure(self, figure: Figure, *, repeated: bool = False) -> Markup:
        return figure_html(figure, self.lang, self.ui, self.w, self.drawing, repeated=repeated)

    def fill(self, markdown_text: str, where: str, marks: list[str] | None = None) -> str:
        """A text with its numbers printed; ``{{ figure ID }}`` marked in ``marks`` (none
        given, as for a title: dropped, a figure has no place in one line)."""

        def mark(name: str) -> str:
            if marks is None:
                return ""
            marks.append(name)
            return "\n\n" + FIGURE_MARK.format(len(marks) - 1) + "\n\n"

        return self.bindings.fill(markdown_text, self.lang, where=where, figure=mark)

    def text(
        self,
        value: str,
        where: str,
        under: int,
        shown: Mapping[str, Figure] | None = None,
    ) -> Markup:
        """A Markdown text filled, rendered below heading level ``under``, with its figures."""
        marks: list[str] = []
        html = markdown(
            self.fill(value, f"{where}.{self.lang}", marks), base=self.base, under=under
        )
        if not marks:
            return html
        figures = shown or {}
        return Markup(
            MARKED.sub(lambda m: str(self.figure(figures[marks[int(m.group(1))]])), str(html))
        )

    def _title(self, value: Text | None, where: str) -> Markup | None:
        if value is None:
            return None
        return inline(self.fill(value[self.lang], f"{where}.{self.lang}"), base=self.base)

"""Each result box of an atlas on a page of its own, to link to and to embed in an iframe.

A box with a figure gets ``<lang>/atlases/<atlas>/<box>.html``: its title, summary and
figures (the same markup as on the atlas's pages), the source and licence, a link to the
atlas's opening page and one back to the box on its chapter's page; no site header or
footer, and any site may frame it (``serving`` sends ``frame-ancestors *`` for these pages
alone). Its relative addresses are those of the atlas's pages (``<base href="../">``: the
opening page and the chapters' pages are all in ``<lang>/atlases/``), so the figures are
drawn once for both; its links open outside the frame (``target="_blank"``).

On its chapter's page each such box has a "share / embed" disclosure with the box's address
and an ``<iframe>`` snippet to copy: absolute when the publication knows the address it is
served at (``variatlas publish --base-url``), else relative, which ``assets/document.js``
makes absolute from where the page is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Template
from markupsafe import Markup, escape

FRAME_HEIGHT = {"base": 260, "row": 29, "figure": 110, "most": 2000}
"""Pixels, for the snippet's ``height``: a guess from the box's table rows (the reader of the
snippet may change it); a box with a long summary needs more."""


def box_page(atlas: str, box: str) -> str:
    """A box's page, from the atlas's pages' folder (``<lang>/atlases/``)."""
    return f"{atlas}/{box}.html"


def share(
    atlas: str, box: str, lang: str, title: str, figures: Iterable[Markup], base_url: str | None
) -> dict[str, str]:
    """What a box shows on its chapter's page to share it: the address of its own page
    (absolute from ``base_url`` if given) and the ``<iframe>`` snippet for it."""
    relative = box_page(atlas, box)
    src = f"{base_url}{lang}/atlases/{relative}" if base_url else relative
    rows = sum(str(figure).count("<tr") for figure in figures)
    drawn = sum(1 for figure in figures if "<table" in str(figure))
    height = min(
        FRAME_HEIGHT["most"],
        FRAME_HEIGHT["base"] + FRAME_HEIGHT["row"] * rows + FRAME_HEIGHT["figure"] * drawn,
    )
    code = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
        f'height="{height}" loading="lazy"></iframe>'
    )
    return {"href": relative, "src": src, "code": code}


def write_box_pages(
    template: Template,
    folder: Path,
    context: Mapping[str, Any],
    chapters: Iterable[Mapping[str, Any]],
) -> list[Path]:
    """The page of every box of one atlas in one language that has something to share
    (``folder``: the atlas's pages'); ``context``: what its pages were given; ``chapters``:
    paginated (``document_pages.paginate``), each box with the link to it on its page."""
    atlas = context["atlas"]
    written = []
    for chapter in chapters:
        for block in chapter["blocks"]:
            if block["type"] != "result" or not block.get("share"):
                continue
            target = folder / box_page(atlas["id"], block["id"])
            target.parent.mkdir(parents=True, exist_ok=True)
            html = template.render(
                **context,
                box=block,
                opening=f"{atlas['id']}.html",
                back=block["href"],
            )
            target.write_text(html, encoding="utf-8")
            written.append(target)
    return written

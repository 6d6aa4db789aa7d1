"""An atlas document's Markdown as HTML that is safe to put in a page.

The texts are CommonMark with tables (markdown-it-py). Documents imported from elsewhere
hold some raw HTML too (SKDE's tables, ``<br>`` in figure titles), so the rendered HTML is
rebuilt from an allowlist rather than trusted: text is escaped again, only structural
elements are kept (paragraphs, lists, emphasis, tables, headings, links), with no attribute
but a link's address and a table cell's span and right alignment, so nothing from a document
can run a script, load anything or style the page (the server's CSP refuses inline styles).
What is dropped keeps its text; ``<script>``, ``<style>`` and comments are dropped whole.

Links: ``#anchor``, http(s) and mailto are kept; an address relative to the publisher's site
(``/helseatlas/…``) is made absolute from the atlas's ``url``, and dropped (its text kept)
when the atlas has none. Headings are moved below the heading the text is written beneath,
each at most one level below the heading before it, so that a page's headings stay in order.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED = frozenset(
    {
        "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "sub", "sup", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span",
    }
)  # fmt: skip
VOID = frozenset({"br", "hr"})
DROPPED_WHOLE = frozenset({"script", "style", "template", "iframe", "object", "svg", "math"})
SCHEMES = frozenset({"http", "https", "mailto"})
HEADING = re.compile(r"<h([1-6])\b")
SPAN = re.compile(r"^[1-9][0-9]?$")


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is parsed here and then rebuilt from the allowlist by ``_Sanitiser``.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _ranks(html: str) -> dict[int, int]:
    """Each heading level a text uses, by rank (its highest is 0)."""
    levels = sorted({int(level) for level in HEADING.findall(html)})
    return {level: rank for rank, level in enumerate(levels)}


def link(href: str, base: str | None) -> str | None:
    """The address a document's link may point at, or None (the link is dropped)."""
    href = href.strip()
    if not href:
        return None
    if href.startswith("#"):
        return href
    scheme = urlsplit(href).scheme.lower()
    if scheme:
        return href if scheme in SCHEMES else None
    if base is None:
        return None
    absolute = urljoin(base, href)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


class _Sanitiser(HTMLParser):
    """Rebuilds HTML from the allowlist: every element emitted is closed, nothing else passes."""

    def __init__(self, base: str | None, under: int, ranks: dict[int, int]) -> None:
        super().__init__(convert_charrefs=True)
        self.base, self.under, self.ranks = base, under, ranks
        self.last = under
        """The level of the heading emitted last (``under`` before any)."""
        self.link: int | None = None
        """Where the open link begins in ``out``, until it has words (a link with none has no
        name to read out, and is dropped)."""
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WHOLE:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED:
            return
        found = {name: value or "" for name, value in attrs}
        kept = self._attributes(tag, found)
        if tag == "a" and "href" not in kept:
            return  # a link that may not be followed: its text stays
        tag = self._heading(tag, opening=True)
        if tag == "table":
            # A wide table scrolls in its box, which the keyboard must reach to scroll it.
            self.out.append('<div class="table-scroll" tabindex="0">')
            self.open.append("div")
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in kept.items())
        if tag == "a":
            self.link = len(self.out)
        self.out.append(f"<{tag}{attributes}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.skipping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WHOLE:
            self.skipping = max(0, self.skipping - 1)
            return
        tag = self._heading(tag)
        if self.skipping or tag not in self.open:
            return  # a stray end tag, or that of a dropped element
        while self.open:
            closed = self.open.pop()
            self._close(closed)
            if closed == tag:
                if tag == "table" and self.open and self.open[-1] == "div":
                    self.out.append(f"</{self.open.pop()}>")
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data, quote=False))
            if data.strip():
                self.link = None

    def _close(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            self.out[self.link] = ""  # a link without words: its tags go, nothing else
        else:
            self.out.append(f"</{tag}>")
        if tag == "a":
            self.link = None

    def _heading(self, tag: str, opening: bool = False) -> str:
        """A heading moved below ``under``, its levels made consecutive, never more than one
        below the heading before it (so that a page's headings are in order)."""
        if not (len(tag) == 2 and tag[0] == "h" and tag[1] in "123456") or not self.under:
            return tag
        if not opening:  # headings do not nest: this ends the one open
            return next((t for t in reversed(self.open) if t[0] == "h" and len(t) == 2), tag)
        level = self.under + 1 + self.ranks.get(int(tag[1]), 0)
        self.last = min(6, level, self.last + 1)
        return f"h{self.last}"

    def _attributes(self, tag: str, found: dict[str, str]) -> dict[str, str]:
        kept: dict[str, str] = {}
        if tag == "a":
            href = link(found.get("href", ""), self.base)
            if href is not None:
                kept["href"] = href
        elif tag in ("th", "td"):
            for name in ("colspan", "rowspan"):
                if SPAN.match(found.get(name, "")):
                    kept[name] = found[name]
            style = found.get("style", "").replace(" ", "")
            if "text-align:right" in style or found.get("align") == "right":
                kept["class"] = "number"
        elif tag == "ol" and found.get("start", "").isdigit():
            kept["start"] = found["start"]
        return kept

    def result(self) -> str:
        self.close()
        while self.open:
            self._close(self.open.pop())
        return "".join(self.out)


def sanitise(html: str, *, base: str | None = None, under: int = 0) -> str:
    """``html`` rebuilt from the allowlist (see the module), headings under level ``under``."""
    sanitiser = _Sanitiser(base, under, _ranks(html))
    sanitiser.feed(html)
    return sanitiser.result()


def markdown(text: str, *, base: str | None = None, under: int = 1) -> Markup:
    """A Markdown text as safe HTML, its headings below level ``under``; links relative to the
    publisher's site are made absolute from ``base`` (the atlas's ``url``)."""
    return Markup(sanitise(_markdown().render(text), base=base, under=under).strip())


def inline(text: str, *, base: str | None = None) -> Markup:
    """A one-line Markdown text (a title, a caption) as safe inline HTML."""
    return Markup(sanitise(_markdown().renderInline(text), base=base).strip())

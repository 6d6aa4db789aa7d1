"""Atlas documents drawn as pages, an opening page and a page per chapter: a small atlas of two
chapters over three published indicators (``few_disclosed``), SKDE's 23 shipped atlases, the
whole atlas written for printing, and a number that would print a hidden cell stopping the
publication with one sentence."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.documents import PlaceholderRefused, load_atlas, shipped_atlases
from variatlas.documents.loading import texts
from variatlas.documents.model import ResultBox
from variatlas.documents.placeholders import decimals, number
from variatlas.indicators import load_catalogue
from variatlas.pipeline import publish
from variatlas.publish.document_choice import choose_documents
from variatlas.publish.document_pages import chapter_page, reading_order
from variatlas.publish.documents import (
    load_documents,
    page_file,
    text_language,
    write_documents,
)
from variatlas.publish.markdown import link, markdown
from variatlas.publish.static_files import DEFAULT_BASE_URL
from variatlas.publish.wording import LANGUAGES, strings
from variatlas.results import is_suppressed, read_results, write_results

INDICATOR = "tonsillectomy_children"
PERIOD = "2022-2024"
ROW = r'<tr data-area="(\w+)".*?<td class="number[^"]*">([^<]*)<'
"""A figure's row: the area and its first value."""
SECOND = "tonsils.02-second.html"
"""The small atlas's second chapter's page (its first, without a result box, is on the opening
page)."""


def _view(disclosed: Any, level: str = "referral_area") -> pd.DataFrame:
    rows = disclosed.results
    return rows[
        (rows["indicator"] == INDICATOR)
        & (rows["level"] == level)
        & (rows["period"] == PERIOD)
        & (rows["sex"] == "all")
    ]


def _cells(disclosed: Any) -> tuple[pd.Series, pd.Series]:
    """A published referral area and a hidden cell (any level) of the figure's view."""
    view = _view(disclosed)
    shown = view[~view["flag"].map(is_suppressed) & view["value"].notna()].iloc[0]
    hidden_rows = pd.concat([view, _view(disclosed, "municipality")])
    hidden = hidden_rows[hidden_rows["flag"].map(is_suppressed)].iloc[0]
    return shown, hidden


def write_atlas(folder: Path, shown: pd.Series, hidden: pd.Series | None = None) -> Path:
    """A two-chapter atlas in bokmål and English; ``hidden``: a summary that prints it."""
    atlas = folder / "tonsils"
    (atlas / "chapters").mkdir(parents=True)
    value = f"{{{{ value {INDICATOR} referral_area {shown['area']} {PERIOD} }}}}"
    secret = (
        f"{{{{ value {INDICATOR} {hidden['level']} {hidden['area']} {PERIOD} }}}}"
        if hidden is not None
        else value
    )
    (atlas / "atlas.yaml").write_text(
        textwrap.dedent(
            """\
            id: tonsils
            title: {nb: Mandeloperasjoner hos barn, en: Tonsil surgery in children}
            languages: [nb, en]
            publisher: variatlas
            year: 2026
            url: https://example.org/atlas/tonsils
            summary:
              nb: Hvor mange barn får fjernet mandlene?
              en: How many children have their tonsils out?
            source: a test
            licence: CC BY 4.0
            chapters: [01-first.yaml, 02-second.yaml]
            """
        )
    )
    (atlas / "chapters" / "01-first.yaml").write_text(
        textwrap.dedent(
            f"""\
            title: {{nb: Første kapittel, en: First chapter}}
            blocks:
            - type: text
              text:
                nb: |-
                  ## Bakgrunn

                  I området var raten {value}. <script>alert(1)</script><b onclick="x()">Fet</b>
                  [Mer](/more/) og [ikke](javascript:alert(1)).

                  {{{{ figure tonsils_map }}}}
                en: |-
                  ## Background

                  In the area the rate was {value}.

                  {{{{ figure tonsils_map }}}}
            - type: fact
              title: {{nb: Hvorfor fjerne mandlene?, en: Why remove the tonsils?}}
              text: {{nb: Halsbetennelser og snorking., en: Throat infections and snoring.}}
            figures:
            - id: tonsils_map
              kind: map
              indicator: {INDICATOR}
              period: {PERIOD}
              caption: {{nb: Operasjoner etter opptaksområde., en: Operations by referral area.}}
            """
        )
    )
    (atlas / "chapters" / "02-second.yaml").write_text(
        textwrap.dedent(
            f"""\
            title: {{nb: Andre kapittel, en: Second chapter}}
            blocks:
            - type: result
              id: tonsils
              title: {{nb: Fjerning av mandler, en: Tonsillectomy}}
              summary: {{nb: "Raten var {secret}.", en: "The rate was {secret}."}}
              selection: {{nb: Barn 0–16 år operert med EMB10–EMB20., en: Children 0–16 operated.}}
              assessment: {{nb: Variasjonen er uberettiget., en: The variation is unwarranted.}}
              figures:
              - kind: bars
                indicator: {INDICATOR}
                period: {PERIOD}
            - type: result
              id: waiting
              title: {{nb: Ventetid, en: Waiting time}}
              summary: {{nb: Ventetiden varierte., en: Waiting times varied.}}
              data: not shipped
              reason: the waiting times are not among the indicators of the catalogue
            """
        )
    )
    return atlas


@pytest.fixture(scope="module")
def pages(few_disclosed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.Series]:
    """The small atlas's pages, written from the three published indicators."""
    root = tmp_path_factory.mktemp("documents")
    shown, _ = _cells(few_disclosed)
    catalogue = load_catalogue()
    documents = load_documents([write_atlas(root / "atlases", shown)], catalogue)
    published = set(few_disclosed.results["indicator"])
    write_documents(
        documents, few_disclosed, catalogue, published, root / "site", printing=root / "print"
    )
    return root / "site", shown


def _read(site: Path, lang: str, page: str = "tonsils.html") -> str:
    return (site / lang / "atlases" / page).read_text(encoding="utf-8")


def _both(site: Path, lang: str) -> str:
    """The small atlas's opening page and its second chapter's page, one after the other."""
    return _read(site, lang) + _read(site, lang, SECOND)


class Outline(HTMLParser):
    """The headings, ids, links and table rows of a page, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self._heading: int | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = str(found.get("lang"))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), ""

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading, " ".join(self._text.split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text += data


class PageWords(HTMLParser):
    """The words of a page's text in the page's own language: not inside an element whose
    ``lang`` is another, nor in the ``<title>`` (which cannot say its language), nor in a
    script."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.page = ""
        self.words: set[str] = set()
        self._open: list[tuple[str, str, bool]] = []  # tag, language, skipped
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang") or (self._open[-1][1] if self._open else "")
        if tag == "html":
            self.page = lang
        skipped = tag in ("title", "script", "style") or lang != self.page
        self._open.append((tag, lang, skipped or any(s for _, _, s in self._open)))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open and not self._open[-1][2]:
            self.words.update(re.findall(r"\w+", data.lower()))


BOKMAL_ONLY = {"ikke", "bare", "hvor", "hva", "fra", "disse", "hvert", "tallene", "utvalg"}
"""Bokmål words a nynorsk text does not use (ikkje, berre, kvar, kva, frå, desse, kvart)."""


def _in_order(headings: list[tuple[int, str]]) -> bool:
    """One h1 first, and no heading more than one level below the one before it."""
    levels = [level for level, _ in headings]
    steps = itertools.pairwise(levels)
    return levels[:1] == [1] and levels.count(1) == 1 and all(b <= a + 1 for a, b in steps)


def test_the_pages_read_front_to_back(pages) -> None:
    site, _ = pages
    html = (site / page_file("tonsils", "nb")).read_text(encoding="utf-8")
    opening = Outline(html)
    assert opening.lang == "nb"
    # The opening page: the head, the contents and the first chapter (it has no result box).
    assert [text for _, text in opening.headings] == [
        "Mandeloperasjoner hos barn",
        "Innhold",
        "Første kapittel",
        "Bakgrunn",
        "Hvorfor fjerne mandlene?",
    ]
    assert _in_order(opening.headings)
    # The contents link each chapter and result box on the page that holds it.
    assert [link for link in opening.links if link.startswith("tonsils.")] == [
        "tonsils.html#chapter-01-first",
        SECOND,
        f"{SECOND}#box-tonsils",
        f"{SECOND}#box-waiting",
        SECOND,  # the next chapter, after the first
    ]
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert [i for i in opening.ids if i.startswith(("chapter-", "box-"))] == ["chapter-01-first"]
    # The second chapter's page: the atlas's title, the chapter whole, the way back.
    chapter = _read(site, "nb", SECOND)
    outline = Outline(chapter)
    assert outline.lang == "nb"
    assert [text for _, text in outline.headings] == [
        "Mandeloperasjoner hos barn",
        "Andre kapittel",
        "Fjerning av mandler",
        "Utvalg",
        "Resultat",
        "Ventetid",
    ]
    assert _in_order(outline.headings)
    anchors = ["chapter-02-second", "box-tonsils", "box-waiting"]
    assert [i for i in outline.ids if i.startswith(("chapter-", "box-"))] == anchors
    assert "Kapittel 2 av 2" in chapter
    assert '<a href="tonsils.html#chapter-01-first" rel="prev">' in chapter
    assert 'rel="next"' not in chapter  # the last chapter
    assert '<a href="tonsils.html#contents">Til innholdet i atlaset</a>' in chapter
    crumbs = re.search(r'<ol class="crumbs">.*?</ol>', chapter, re.S)
    assert crumbs is not None and '<a href="tonsils.html">Mandeloperasjoner hos barn</a>' in (
        crumbs.group(0)
    )
    assert '<meta name="description" content="Raten var' in chapter  # its first text
    for words in (
        "Hvor mange barn får fjernet mandlene?",
        "Halsbetennelser og snorking.",
    ):
        assert words in html, words
    for words in (
        "Barn 0–16 år operert med EMB10–EMB20.",
        "Variasjonen er uberettiget.",
        "the waiting times are not among the indicators of the catalogue",
    ):
        assert words in chapter and words not in html, words
    assert "{{" not in html + chapter


def test_the_whole_atlas_is_written_for_printing(pages) -> None:
    """One page with every chapter, the contents linking within it, its assets the
    publication's; written only where asked (a folder that is not published)."""
    site, _ = pages
    folder = site.parent / "print"
    whole = (folder / page_file("tonsils", "en")).read_text(encoding="utf-8")
    outline = Outline(whole)
    assert [text for _, text in outline.headings] == [
        "Tonsil surgery in children",
        "Contents",
        "First chapter",
        "Background",
        "Why remove the tonsils?",
        "Second chapter",
        "Tonsillectomy",
        "Selection",
        "Assessment",
        "Waiting time",
    ]
    anchors = ["chapter-01-first", "chapter-02-second", "box-tonsils", "box-waiting"]
    assert [a for a in outline.links if a.startswith("#") and a[1:] in anchors] == [
        f"#{a}" for a in anchors
    ]
    assert [i for i in outline.ids if i in anchors] == anchors
    assert "data-anchor" not in whole and 'class="pager"' not in whole and "<script" not in whole
    assert (folder / "assets").is_symlink()
    assert (folder / "assets").resolve() == (site / "assets").resolve()
    assert 'id="chapter-02-second"' not in _read(site, "en")  # the opening page is not it


def test_a_figure_shows_the_published_values_and_links_to_its_indicator(
    pages, few_disclosed
) -> None:
    site, shown = pages
    html = _both(site, "nb")
    figures = re.findall(r"<figure\b.*?</figure>", html, re.S)
    assert len(figures) == 2  # the chapter's map and the result box's bars
    view = _view(few_disclosed)
    national = _view(few_disclosed, "nation")["value"].iloc[0]
    places = decimals(national)
    for figure in figures:
        href = f"../../nb/{INDICATOR}.html#level=referral_area&amp;period={PERIOD}&amp;sex=all"
        assert f'href="{href}"' in figure
        cells = dict(re.findall(ROW, figure, re.S))
        assert set(cells) == {*view["area"], "8888"}
        for row in view.to_dict("records"):
            expected = (
                "skjult"
                if is_suppressed(row["flag"])
                else (number(row["value"], "nb", places) if pd.notna(row["value"]) else "–")
            )
            assert cells[row["area"]] == expected, row
        assert cells["8888"] == number(national, "nb", places)
    # The number in the text is the published cell's, as the reader writes it.
    assert f"var raten {number(shown['value'], 'nb', decimals(shown['value']))}." in html


def test_a_box_whose_data_are_not_shipped_says_why(pages) -> None:
    site, _ = pages
    html = _read(site, "en", SECOND)
    box = re.search(r'<section class="result-box" id="box-waiting".*?</section>', html, re.S)
    assert box is not None and "<figure" not in box.group(0)
    assert "The figures of this box are not here:" in box.group(0)
    assert "not among the indicators of the catalogue" in box.group(0)


def test_each_language_has_its_page_linked_to_the_others(pages) -> None:
    site, _ = pages
    english = _read(site, "en")
    assert Outline(english).lang == "en"
    assert "In the area the rate was" in english and "Contents" in english
    assert f"../../en/{INDICATOR}.html#level=referral_area" in english
    assert Outline(_read(site, "en", SECOND)).lang == "en"
    assert f"../../en/{INDICATOR}.html#level=referral_area" in _read(site, "en", SECOND)
    for lang, page in itertools.product(LANGUAGES, ("tonsils.html", SECOND)):
        html = _read(site, lang, page)
        for other in LANGUAGES:
            href = f"../../{other}/atlases/{page}"
            assert f'<link rel="alternate" hreflang="{other}" href="{href}">' in html
            if other != lang:
                assert f'<a class="language" href="{href}" hreflang="{other}"' in html


def test_an_atlas_not_written_in_nynorsk_is_shown_in_bokmal_on_the_nynorsk_page(
    pages, few_disclosed
) -> None:
    """The atlas is written in bokmål and English: its nynorsk page shows the bokmål text,
    marked so and said once, among nynorsk words, with numbers as Norwegian writes them."""
    site, shown = pages
    said = strings()["document_not_in_language"]["nn"].format(shown="bokmål")
    for page in ("tonsils.html", SECOND):
        one = _read(site, "nn", page)
        assert Outline(one).lang == "nn"
        assert '<h1 lang="nb">Mandeloperasjoner hos barn</h1>' in one
        assert one.count(said) == 1, page
    html = _both(site, "nn")
    outline = Outline(html)
    headings = [text for _, text in outline.headings]
    assert "Innhald" in headings and "Utval" in headings and "Utvalg" not in headings
    assert "Tala i denne boksen er ikkje med her:" in html
    assert f"var raten {number(shown['value'], 'nb', decimals(shown['value']))}." in html
    assert f'href="../../nn/{INDICATOR}.html#level=referral_area' in html
    # The indicator's title is the catalogue's, in bokmål.
    title = load_catalogue()[INDICATOR].title.nb
    assert f'lang="nb">{title}</a>' in html


def test_no_raw_html_nor_script_comes_from_a_document(pages) -> None:
    site, _ = pages
    html = _both(site, "nb")
    assert "<script>alert" not in html and "onclick" not in html
    assert "<b>Fet</b>" in html
    assert '<a href="https://example.org/more/">Mer</a>' in html  # from the atlas's url
    assert 'href="javascript' not in html  # Markdown leaves such a link as its words
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


def test_markdown_keeps_structure_and_drops_the_rest() -> None:
    html = markdown(
        '### A\n\n<table><tr><td style="text-align:right" onclick="x">1</td></tr></table>'
        "\n\n<!-- note --><iframe src=x>y</iframe>![picture](/p.png)</div>",
        under=3,
    )
    assert str(html).startswith("<h4>A</h4>")
    table = '<table><tr><td class="number">1</td></tr></table></div>'
    assert '<div class="table-scroll" tabindex="0">' + table in html
    assert "iframe" not in html and "note" not in html and "<img" not in html
    assert html.count("<div") == html.count("</div>")
    assert link("/x", None) is None and link("mailto:a@b.no", None) == "mailto:a@b.no"
    assert link("data:text/html,x", "https://a.no/") is None


def test_every_shipped_atlas_is_drawn_whole(few_disclosed, tmp_path) -> None:
    catalogue = load_catalogue()
    shipped = load_documents(None, catalogue)
    documents, left_out = choose_documents(shipped, few_disclosed, catalogue)
    published = set(few_disclosed.results["indicator"])
    written = write_documents(documents, few_disclosed, catalogue, published, tmp_path)
    assert len(documents) == 23  # SKDE's; the demo's own atlas needs more than 3 indicators
    assert [s.split(":")[0] for s in left_out] == ["The atlas variatlas is left out"]
    assert len(written) == len(LANGUAGES) * len(documents)
    states: Counter[str] = Counter()
    for document in documents:
        atlas = document.atlas.id
        boxes = [
            b.id
            for chapter in document.chapters.values()
            for b in chapter.blocks
            if isinstance(b, ResultBox)
        ]
        for lang in LANGUAGES:
            pages = reading_order(document, lang)
            assert pages[0] == page_file(atlas, lang)
            own = lang in document.atlas.languages
            html = {page: (tmp_path / page).read_text(encoding="utf-8") for page in pages}
            for page, text in html.items():
                outline = Outline(text)
                assert outline.lang == lang
                assert ('id="text-language"' not in text) == own, (page, lang)
                assert _in_order(outline.headings), page
                assert "{{" not in text and "VARIATLASFIGURE" not in text
                assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text)
                states.update(re.findall(r'class="document-figure ([a-z-]+)"', text))
            whole = "".join(html.values())
            assert re.findall(r'data-box="([^"]+)"', whole) == boxes
            assert whole.count('<section class="chapter"') == len(document.chapters)
            # The contents link every chapter and box on its page, and the pages follow
            # each other chapter by chapter (next from the opening page to the last).
            contents = re.search(r'<nav class="toc".*?</nav>', html[pages[0]], re.S)
            assert contents is not None
            linked = re.findall(r'<a href="([^"#]+)[^"]*" data-anchor="chapter-', contents[0])
            first = next(iter(document.chapters.values()))
            carried = not any(isinstance(b, ResultBox) for b in first.blocks)
            own_pages = [chapter_page(atlas, name) for name in document.chapters]
            assert linked == ([f"{atlas}.html", *own_pages[1:]] if carried else own_pages)
            assert len(pages) == len(own_pages) + (0 if carried else 1)
            assert _followed(html, pages[0], lang) == pages[1:], (atlas, lang)
    # bup's boxes are bound to an indicator of these three, the others are not published;
    # every figure whose data SKDE did not publish says so, wherever a text of a page shows it.
    not_shipped = 0
    for document in documents:
        for chapter in document.chapters.values():
            missing = {f.id for f in chapter.figures if f.data == "not shipped"}
            for _, text in texts(chapter):
                for ui in LANGUAGES:
                    lang = text_language(document.atlas.languages, ui)
                    shown = re.findall(r"\{\{\s*figure\s+(\S+)\s*\}\}", text.get(lang, ""))
                    not_shipped += sum(name in missing for name in shown)
    assert states["drawn"] > 0 and states["unpublished"] > 0
    assert states["not-shipped"] == not_shipped > 600


def _followed(html: dict[str, str], page: str, lang: str) -> list[str]:
    """The pages reached from ``page`` by following each page's link to the next chapter."""
    found = []
    while (link := re.search(r'<a href="([^"#]+)[^"]*" rel="next"', html[page])) is not None:
        page = f"{lang}/atlases/{link[1]}"
        found.append(page)
    return found


@pytest.fixture(scope="module")
def refused_atlas(few_disclosed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    shown, hidden = _cells(few_disclosed)
    return write_atlas(tmp_path_factory.mktemp("refused"), shown, hidden)


def test_a_number_of_a_hidden_cell_stops_publishing_with_a_sentence(
    few_disclosed, refused_atlas: Path, tmp_path: Path
) -> None:
    load_atlas(refused_atlas)  # the document itself is sound: only its number is refused
    with pytest.raises(PlaceholderRefused) as refused:
        publish(few_disclosed, tmp_path / "site", atlases=[refused_atlas])
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("tonsils/chapters/02-second.yaml: blocks[0].summary.nb: {{ value")
    assert "would print a cell hidden by disclosure control" in message
    assert not (tmp_path / "site").exists()


def test_the_command_says_the_sentence_and_no_trace(
    few_disclosed, refused_atlas: Path, norway_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    found = read_results(norway_folder / "out")
    keep = set(few_disclosed.results["indicator"])
    write_results(
        tmp_path / "results",
        found.results[found.results["indicator"].isin(keep)],
        found.variation[found.variation["indicator"].isin(keep)],
        found.provenance,
    )
    monkeypatch.setattr("variatlas.publish.documents.shipped_atlases", lambda: [refused_atlas])
    arguments = ["publish", str(tmp_path / "results"), str(tmp_path / "s"), "--no-pdf"]
    result = CliRunner().invoke(app, arguments)
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert "would print a cell hidden by disclosure control" in output
    assert output.count("{{ value") == 1


def test_publishing_draws_the_atlases_and_lists_them_on_the_front_page(
    few_disclosed, tmp_path: Path
) -> None:
    left_out: list[str] = []
    site = publish(few_disclosed, tmp_path / "site", report=left_out.append)
    documents = [load_atlas(folder) for folder in shipped_atlases()]
    # The demo's own atlas is optional, and three indicators cannot draw it: it is left out.
    assert len(left_out) == 1 and left_out[0].startswith("The atlas variatlas is left out: ")
    documents = [d for d in documents if d.atlas.id != "variatlas"]
    drafts = {d.atlas.id for d in documents if not d.atlas.published}
    assert "psyk2-1" in drafts  # SKDE's unpublished drafts (psyk2-1, rus) stay off the list
    for lang in LANGUAGES:
        front = site / ("index.html" if lang == "nb" else f"{lang}/index.html")
        html = front.read_text(encoding="utf-8")
        listed = re.findall(r'<li data-atlas="([^"]+)"><a href="([^"]+)"', html)
        # Every atlas but the draft, each linked to its page in the front page's language.
        assert {atlas for atlas, _ in listed} == {d.atlas.id for d in documents} - drafts
        for atlas, href in listed:
            assert (front.parent / href).resolve() == (site / page_file(atlas, lang)), href
        assert 'data-atlas="barn2025"><a href="' in html and "SKDE, 2025" in html
    # SKDE's nynorsk atlas: in nynorsk words on its nynorsk page, in nynorsk text (so marked)
    # among bokmål words on its bokmål page.
    nynorsk = (site / page_file("psyk2", "nn")).read_text(encoding="utf-8")
    assert '<html lang="nn">' in nynorsk and '<header class="site">' in nynorsk
    assert "Innhald" in nynorsk and "Innhold" not in nynorsk and 'id="text-language"' not in nynorsk
    bokmal = (site / page_file("psyk2", "nb")).read_text(encoding="utf-8")
    assert '<html lang="nb">' in bokmal and "Innhold" in bokmal
    assert re.search(r'<h1 lang="nn">', bokmal)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    # The sitemap lists every page of every published atlas, its chapters' too.
    by_id = {d.atlas.id: d for d in documents}
    for atlas, lang in itertools.product(set(by_id) - drafts, LANGUAGES):
        for page in reading_order(by_id[atlas], lang):
            assert f"<loc>{DEFAULT_BASE_URL}{page}</loc>" in sitemap, page
    # The nynorsk pages' own text is nynorsk: what is in bokmål (the catalogue's titles, a
    # bokmål atlas) is marked lang="nb".
    barn = reading_order(by_id["barn2025"], "nn")
    assert len(barn) == 12  # the opening page carries the first chapter, a discussion
    for page in ("nn/index.html", f"nn/{INDICATOR}.html", "nn/areas/index.html", *barn[:2]):
        found = PageWords((site / page).read_text(encoding="utf-8"))
        assert found.page == "nn" and len(found.words) > 20, page
        assert found.words & BOKMAL_ONLY == set(), page
    assert PageWords((site / "nb" / "atlases" / "barn2025.html").read_text()).words & BOKMAL_ONLY
    # A draft's every page is written, said to be one and kept from search engines.
    for atlas, lang in itertools.product(drafts, LANGUAGES):
        pages = reading_order(by_id[atlas], lang)
        assert len(pages) > 1, atlas
        for page in pages:
            draft = (site / page).read_text(encoding="utf-8")
            assert '<meta name="robots" content="noindex">' in draft
            assert strings()["document_draft"][lang] in draft
        assert f"/atlases/{atlas}." not in sitemap

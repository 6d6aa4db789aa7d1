"""The demo's own atlas published from synthetic Norway: drawn in bokmål, nynorsk and English
with every chapter, result box and figure, its numbers those of the published tables, listed
on the front pages; and left out, with a sentence, where the results cannot draw it."""

from __future__ import annotations

import copy
import itertools
import re
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.documents import DocumentError, load_atlas
from variatlas.documents.loading import Document, atlases_folder, figures
from variatlas.documents.model import ResultBox, TextBlock
from variatlas.documents.placeholders import PLACEHOLDER, decimals, number, parse
from variatlas.indicators import load_catalogue
from variatlas.publish.document_choice import choose_documents
from variatlas.publish.document_pages import reading_order
from variatlas.publish.documents import page_file
from variatlas.publish.static_files import DEFAULT_BASE_URL
from variatlas.results import NATION_CODE, read_results, write_results

ATLAS = atlases_folder() / "variatlas"
LANGUAGES = ("nb", "nn", "en")
MEASURES = {"ft": "ft", "cv": "cv", "lowest": "min", "highest": "max"}


@pytest.fixture(scope="module")
def document() -> Document:
    return load_atlas(ATLAS)


@pytest.fixture(scope="module")
def tables(site: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The publication's own results and variation tables (its open data)."""
    return (
        pd.read_parquet(site / "data" / "results.parquet"),
        pd.read_parquet(site / "data" / "variation.parquet"),
    )


def _pages(site: Path, lang: str, document: Document) -> dict[str, str]:
    """The atlas's pages in ``lang``, in reading order: the opening page, each chapter's."""
    return {
        page: (site / page).read_text(encoding="utf-8") for page in reading_order(document, lang)
    }


def _page(site: Path, lang: str, document: Document) -> str:
    """The atlas's pages in ``lang``, one after the other."""
    return "".join(_pages(site, lang, document).values())


def _section(html: str, attribute: str, value: str) -> str:
    """The HTML from the element with ``attribute="value"`` to the next chapter or the end of
    its page (and, for a result box, ``data-box``, to the next box)."""
    start = html.index(f'{attribute}="{value}"')
    ends = ['<section class="chapter"', "</article>"]
    if attribute == "data-box":
        ends.append('<section class="result-box"')
    found = [e for e in (html.find(end, start + 1) for end in ends) if e != -1]
    return html[start : min(found) if found else len(html)]


def _words(html: str) -> str:
    """A page's text as a reader reads it: inline elements joined to their words."""
    inline = re.sub(r"</?(?:strong|em|code|a|span|q)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_it_is_drawn_in_three_languages_with_every_chapter_box_and_figure(
    site: Path, document: Document
) -> None:
    boxes = [b for c in document.chapters.values() for b in c.blocks if isinstance(b, ResultBox)]
    for lang in LANGUAGES:
        pages = _pages(site, lang, document)
        # The opening page carries the first chapter (about the atlas: no result box), and
        # each other chapter has its page.
        assert len(pages) == len(document.chapters)
        html = "".join(pages.values())
        assert all(f'<html lang="{lang}">' in page for page in pages.values())
        assert html.count('<section class="chapter"') == len(document.chapters)
        assert re.findall(r'data-box="([^"]+)"', html) == [b.id for b in boxes]
        for box in boxes:
            section = _section(html, "data-box", box.id)
            assert section.count('class="document-figure drawn"') == len(box.figures), box.id
            for figure in box.figures:
                view = f"level={figure.level}&amp;period=2022-2024&amp;sex={figure.sex}"
                assert f'href="../../{lang}/{figure.indicator}.html#{view}"' in section, box.id
        opening = _section(html, "id", "chapter-01-om-atlaset")
        assert 'data-indicator="hospital_admissions_children"' in opening  # {{ figure … }}
        assert "{{" not in html and "VARIATLASFIGURE" not in html
        others = [o for o in LANGUAGES if o != lang]
        for (page, text), other in itertools.product(pages.items(), others):
            # Absolute below the base URL (static_files.absolute_alternates).
            href = f"{DEFAULT_BASE_URL}{other}/{page.removeprefix(f'{lang}/')}"
            assert f'hreflang="{other}" href="{href}"' in text


def _printed(placeholder: str, lang: str, tables: tuple[pd.DataFrame, pd.DataFrame]) -> str:
    """A placeholder as docs/documents.md says it prints, from the published tables."""
    results, variation = tables
    p = parse(placeholder)
    if p.what in MEASURES:
        rows = variation[
            (variation["indicator"] == p.indicator)
            & (variation["level"] == p.level)
            & (variation["period"] == p.period)
            & (variation["sex"] == p.sex)
        ]
        value = float(rows[MEASURES[p.what]].iloc[0])
        places = 1 if p.what in ("ft", "cv") else decimals(value)
    else:
        area = NATION_CODE if p.what == "national" else p.area
        rows = results[
            (results["indicator"] == p.indicator)
            & (results["level"] == p.level)
            & (results["area"] == area)
            & (results["period"] == p.period)
            & (results["sex"] == p.sex)
        ]
        value = float(rows["value"].iloc[0])
        places = decimals(value)
    assert len(rows) == 1, placeholder
    return number(value, lang, p.digits if p.digits is not None else places)


def _expected(markdown: str, lang: str, tables: tuple[pd.DataFrame, pd.DataFrame]) -> str:
    filled = PLACEHOLDER.sub(lambda m: _printed(m.group(0), lang, tables), markdown)
    return " ".join(filled.split())


def test_every_number_in_its_text_is_the_published_one(
    site: Path, document: Document, tables: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    for lang in LANGUAGES:
        html = _page(site, lang, document)
        assert _expected(str(document.atlas.summary[lang]), lang, tables).replace(  # type: ignore[index]
            "**", ""
        ).replace("`", "") in _words(html)
        for name, chapter in document.chapters.items():
            section = _words(_section(html, "id", f"chapter-{name.removesuffix('.yaml')}"))
            for block in chapter.blocks:
                if isinstance(block, ResultBox):
                    box = _words(_section(html, "data-box", block.id))
                    assert _expected(block.summary[lang], lang, tables) in box, (block.id, lang)
                elif isinstance(block, TextBlock) and block.text is not None:
                    for placeholder in PLACEHOLDER.findall(block.text[lang]):
                        written = "{{" + placeholder + "}}"
                        if parse(written).what != "figure":
                            assert _printed(written, lang, tables) in section, (name, written)


def test_the_front_pages_list_it_beside_skdes_atlases(site: Path) -> None:
    for front, lang in ((site / "index.html", "nb"), (site / "en" / "index.html", "en")):
        html = front.read_text(encoding="utf-8")
        listed = dict(re.findall(r'<li data-atlas="([^"]+)"><a href="([^"]+)"', html))
        assert listed["variatlas"].endswith(page_file("variatlas", lang))
        assert "barn2025" in listed
        assert (front.parent / listed["variatlas"]).is_file()


def test_every_figure_is_a_view_the_published_results_hold(
    document: Document, tables: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    results, _ = tables
    held = set(results[["indicator", "level", "period", "sex"]].itertuples(index=False, name=None))
    for chapter in document.chapters.values():
        for _, figure in figures(chapter):
            assert (figure.indicator, figure.level, figure.period, figure.sex) in held, figure


def _without_synthetic(disclosed: Any) -> Any:
    other = copy.copy(disclosed)
    other.provenance = {k: v for k, v in disclosed.provenance.items() if k != "synthetic"}
    return other


def test_it_is_drawn_only_from_synthetic_results(disclosed, document: Document) -> None:
    assert disclosed.provenance["synthetic"]["seed"] == 1
    catalogue = load_catalogue()
    chosen, left_out = choose_documents([document], disclosed, catalogue)
    assert [d.atlas.id for d in chosen] == ["variatlas"] and left_out == []
    chosen, left_out = choose_documents([document], _without_synthetic(disclosed), catalogue)
    assert chosen == []
    assert left_out == [
        "The atlas variatlas is left out: it is written about synthetic Norway (synthetic: "
        "true), and these results are not computed from synthetic data (their provenance.json "
        "has no synthetic)."
    ]


def _copy(folder: Path, edit: dict[str, tuple[str, str]]) -> Path:
    """The atlas copied to ``folder/variatlas``, each file of ``edit`` with one text replaced."""
    target = folder / "variatlas"
    (target / "chapters").mkdir(parents=True)
    for source in [ATLAS / "atlas.yaml", *sorted((ATLAS / "chapters").glob("*.yaml"))]:
        text = source.read_text(encoding="utf-8")
        name = str(source.relative_to(ATLAS))
        if name in edit:
            old, new = edit[name]
            assert old in text
            text = text.replace(old, new)
        (target / name).write_text(text, encoding="utf-8")
    return target


def test_an_atlas_about_synthetic_data_that_is_not_optional_is_refused(
    disclosed, document: Document, tmp_path: Path
) -> None:
    folder = _copy(tmp_path, {"atlas.yaml": ("optional: true\n", "")})
    mine = load_atlas(folder)
    head = (folder / "atlas.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(head, 1) if text.startswith("synthetic:"))
    with pytest.raises(DocumentError) as refused:
        choose_documents([mine], _without_synthetic(disclosed), load_catalogue())
    assert str(refused.value) == (
        f"{folder / 'atlas.yaml'}:{line}: synthetic: it is written about synthetic Norway "
        "(synthetic: true), and these results are not computed from synthetic data (their "
        "provenance.json has no synthetic)"
    )
    with pytest.raises(DocumentError, match=r"atlas.yaml:\d+: id: the id variatlas is the id"):
        choose_documents([document, mine], disclosed, load_catalogue())


@pytest.fixture(scope="module")
def few_results(few_disclosed, norway_folder: Path, tmp_path_factory) -> Path:
    """Synthetic Norway's results of three indicators only, as compute writes them."""
    folder = tmp_path_factory.mktemp("few") / "results"
    found = read_results(norway_folder / "out")
    keep = set(few_disclosed.results["indicator"])
    write_results(
        folder,
        found.results[found.results["indicator"].isin(keep)],
        found.variation[found.variation["indicator"].isin(keep)],
        found.provenance,
    )
    return folder


def test_the_command_leaves_it_out_of_results_without_its_indicators_and_says_why(
    few_results: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["publish", str(few_results), str(tmp_path / "s")])
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert (
        "The atlas variatlas is left out: chapters/01-om-atlaset.yaml shows "
        "hospital_admissions_children at the level referral_area for 2022-2024 (sex all), "
        "which these results do not hold." in output
    )
    assert not (tmp_path / "s" / page_file("variatlas", "nb")).exists()
    assert (tmp_path / "s" / page_file("barn2025", "nb")).exists()


def test_the_command_refuses_an_own_atlas_with_a_fault_before_disclosure(
    few_results: Path, tmp_path: Path
) -> None:
    chapter = "chapters/02-barn-og-unge.yaml"
    folder = _copy(tmp_path, {chapter: ("indicator: grommets_children", "indicator: grommets")})
    line = next(
        i
        for i, text in enumerate((folder / chapter).read_text().splitlines(), 1)
        if text.endswith("indicator: grommets")
    )
    result = CliRunner().invoke(
        app, ["publish", str(few_results), str(tmp_path / "s"), "--atlas", str(folder)]
    )
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    fault = f"{chapter}:{line}: blocks[3].figures[1].indicator: 'grommets' is not an indicator"
    assert fault.replace(" ", "") in output.replace(" ", "")  # the terminal may wrap the path
    assert "Traceback" not in output
    assert not (tmp_path / "s").exists()

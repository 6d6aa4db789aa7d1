"""An atlas to read, print and share: its figures' intervals and yearly dots, each result box
on a page of its own with the snippet that embeds it, and the PDF made at publish time (read
back with poppler's pdftotext and pdfinfo)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin

import pandas as pd
import pytest
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.documents import load_atlas, shipped_atlases
from variatlas.documents.model import ResultBox
from variatlas.documents.placeholders import decimals, number
from variatlas.indicators import load_catalogue
from variatlas.pipeline import publish
from variatlas.publish.document_pages import chapter_pages
from variatlas.publish.documents import load_documents, page_file, write_documents
from variatlas.publish.pdf import SIZE_MARK, file_size
from variatlas.results import SUPPRESSED_FLAG, is_suppressed, read_results, write_results

INDICATOR = "tonsillectomy_children"
PERIOD = "2022-2024"
YEARS = ["2022", "2023", "2024"]
ROW = re.compile(r'<tr data-area="(\w+)"[^>]*>(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="number( hidden-cell)?">([^<]*)</td>')
BASE = "https://atlas.example.no/"
SECOND = "tonsils.02-second.html"
"""The small atlas's second chapter's page, which holds its result boxes."""


def write_atlas(folder: Path) -> Path:
    """An atlas in bokmål and English: a chapter with a box of bars per referral area and per
    municipality (where cells are hidden), and a box whose data are not shipped."""
    atlas = folder / "tonsils"
    (atlas / "chapters").mkdir(parents=True)
    (atlas / "atlas.yaml").write_text(
        textwrap.dedent(
            """\
            id: tonsils
            title: {nb: Mandeloperasjoner hos barn, en: Tonsil surgery in children}
            languages: [nb, en]
            publisher: Testforlaget
            year: 2026
            summary: {nb: Hvor mange barn får fjernet mandlene?, en: How many children?}
            source: a test
            licence: CC BY 4.0
            chapters: [01-first.yaml, 02-second.yaml]
            """
        )
    )
    (atlas / "chapters" / "01-first.yaml").write_text(
        textwrap.dedent(
            """\
            title: {nb: Første kapittel, en: First chapter}
            blocks:
            - type: text
              text: {nb: Barn får fjernet mandlene., en: Children have their tonsils out.}
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
              summary: {{nb: Ratene varierte., en: The rates varied.}}
              figures:
              - kind: bars
                indicator: {INDICATOR}
                period: {PERIOD}
                intervals: true
                years: true
            - type: result
              id: municipalities
              title: {{nb: Per kommune, en: By municipality}}
              summary: {{nb: Mange kommuner er små., en: Many municipalities are small.}}
              figures:
              - kind: bars
                indicator: {INDICATOR}
                level: municipality
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
def atlas_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_atlas(tmp_path_factory.mktemp("atlases"))


@pytest.fixture(scope="module")
def written(few_disclosed, atlas_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small atlas and barn2025 written, with the address the publication is served at."""
    site = tmp_path_factory.mktemp("shared")
    catalogue = load_catalogue()
    barn = next(f for f in shipped_atlases() if f.name == "barn2025")
    documents = load_documents([atlas_folder, barn], catalogue)
    published = set(few_disclosed.results["indicator"])
    write_documents(documents, few_disclosed, catalogue, published, site, base_url=BASE)
    return site


def _rows(disclosed: Any, level: str, period: str) -> dict[str, dict[str, Any]]:
    rows = disclosed.results
    view = rows[
        (rows["indicator"] == INDICATOR)
        & rows["level"].isin([level, "nation"])
        & (rows["period"] == period)
        & (rows["sex"] == "all")
    ]
    return {str(r["area"]): r for r in view.to_dict("records")}


def _chapter(site: Path, lang: str) -> str:
    return (site / lang / "atlases" / SECOND).read_text(encoding="utf-8")


def _box(html: str, box: str) -> str:
    found = re.search(rf'<section class="result-box" id="box-{box}".*?</section>', html, re.S)
    assert found is not None, box
    return found.group(0)


def _shown(row: dict[str, Any] | None) -> bool:
    return row is not None and not is_suppressed(row["flag"]) and pd.notna(row["value"])


def test_bars_draw_each_interval_and_year_and_the_table_has_them(written, few_disclosed) -> None:
    html = _chapter(written, "nb")
    figure = _box(html, "tonsils")
    header = re.search(r"<thead>.*?</thead>", figure, re.S)
    assert header is not None
    for words in ("Nedre KI", "Øvre KI", *YEARS):
        assert f">{words}</th>" in header.group(0), words
    assert "Stolpen viser 2022-2024. Streken er 95 %-konfidensintervallet (KI)." in figure
    period = _rows(few_disclosed, "referral_area", PERIOD)
    years = [_rows(few_disclosed, "referral_area", year) for year in YEARS]
    places = decimals(period["8888"]["value"])
    drawn = dict(ROW.findall(figure))
    assert set(drawn) == set(period)
    intervals = 0
    for area, row in period.items():
        cells = CELL.findall(drawn[area])
        texts = [text for _, text in cells]
        if not _shown(row):  # hidden or missing: no bar, no interval, no dot
            said = "skjult" if is_suppressed(row["flag"]) else "–"
            assert "<svg" not in drawn[area] and texts[:3] == [said] * 3, area
            continue
        assert texts[0] == number(row["value"], "nb", places)
        assert texts[1:3] == [number(row[c], "nb", places) for c in ("lower", "upper")]
        for found, text, year in zip(cells[3:], texts[3:], years, strict=True):
            other = year.get(area)
            if other is not None and is_suppressed(other["flag"]):
                assert found[0] and text == "skjult"
            else:
                assert text == ("–" if not _shown(other) else number(other["value"], "nb", places))
        dots = sum(_shown(year.get(area)) for year in years)
        assert drawn[area].count('<circle class="year"') == dots, area
        # The line runs from the lower to the upper limit, on the bar's scale.
        width = float(
            re.findall(r'<rect class="s0" x="0.0" y="1" width="([\d.]+)"', drawn[area])[0]
        )
        line = re.findall(r'<path class="interval" d="M([\d.]+) [\d.]+H([\d.]+)', drawn[area])
        low, high = (float(x) for x in line[0])
        assert low / width == pytest.approx(row["lower"] / row["value"], abs=0.02)
        assert high / width == pytest.approx(row["upper"] / row["value"], abs=0.02)
        intervals += 1
    assert intervals >= 10


def test_a_hidden_cell_has_no_interval_and_no_dot(written, few_disclosed) -> None:
    html = _chapter(written, "nb")
    drawn = dict(ROW.findall(_box(html, "municipalities")))
    period = _rows(few_disclosed, "municipality", PERIOD)
    hidden = [area for area, row in period.items() if is_suppressed(row["flag"])]
    assert len(hidden) >= 10
    for area in hidden:
        texts = [text for _, text in CELL.findall(drawn[area])]
        assert texts[:3] == ["skjult", "skjult", "skjult"]  # the value and both limits
        assert "<svg" not in drawn[area]


def test_the_flag_hides_a_cell_whatever_its_row_still_holds(
    few_disclosed, atlas_folder, tmp_path
) -> None:
    """A period and a single year flagged hidden, their values and limits left in the rows:
    the flag alone keeps them off the page (no number, no bar, no line, no dot)."""
    period = _rows(few_disclosed, "referral_area", PERIOD)
    years = [_rows(few_disclosed, "referral_area", year) for year in YEARS]
    whole = [a for a, r in period.items() if a != "8888" and _shown(r)]
    whole = [a for a in whole if all(_shown(y.get(a)) for y in years)]
    year_hidden, period_hidden = whole[:2]
    results = few_disclosed.results.copy()
    view = (results["indicator"] == INDICATOR) & (results["level"] == "referral_area")
    view &= results["sex"] == "all"
    for area, when in ((year_hidden, YEARS[1]), (period_hidden, PERIOD)):
        results.loc[view & (results["area"] == area) & (results["period"] == when), "flag"] = (
            SUPPRESSED_FLAG
        )
    # Disclosure control makes DisclosedResults itself; the pages read these three fields.
    flagged = SimpleNamespace(
        results=results, variation=few_disclosed.variation, provenance=few_disclosed.provenance
    )
    catalogue = load_catalogue()
    documents = load_documents([atlas_folder], catalogue)
    published = set(results["indicator"])
    write_documents(documents, flagged, catalogue, published, tmp_path)
    html = _chapter(tmp_path, "nb")
    drawn = dict(ROW.findall(_box(html, "tonsils")))
    texts = [text for _, text in CELL.findall(drawn[year_hidden])]
    assert texts[4] == "skjult" and "skjult" not in texts[:4] + texts[5:]
    assert drawn[year_hidden].count('<circle class="year"') == 2
    assert drawn[year_hidden].count('class="interval"') == 1
    texts = [text for _, text in CELL.findall(drawn[period_hidden])]
    assert texts[:3] == ["skjult"] * 3 and "<svg" not in drawn[period_hidden]
    places = decimals(period["8888"]["value"])
    assert number(period[period_hidden]["value"], "nb", places) not in texts


def test_every_box_with_a_figure_has_a_page_to_embed(written, atlas_folder) -> None:
    barn = next(f for f in shipped_atlases() if f.name == "barn2025")
    shared = 0
    for document in (load_atlas(atlas_folder), load_atlas(barn)):
        atlas = document.atlas
        pages = chapter_pages(document)
        for lang in atlas.languages:
            for name, chapter in document.chapters.items():
                page = written / lang / "atlases" / pages[name]
                html = page.read_text(encoding="utf-8")
                for box in (b for b in chapter.blocks if isinstance(b, ResultBox)):
                    embed = page.parent / atlas.id / f"{box.id}.html"
                    if box.data == "not shipped":
                        assert not embed.exists() and "<details" not in _box(html, box.id)
                        continue
                    _check_embed(page, html, embed, box, lang, atlas)
                    shared += 1
    assert shared >= 17  # barn2025's boxes with a figure, and two of the small atlas's


def _check_embed(page: Path, html: str, embed: Path, box: ResultBox, lang: str, atlas: Any) -> None:
    """A box's own page, beside the chapter's ``page`` that holds the box (``html``)."""
    own = embed.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in own and '<base href="../" target="_blank">' in own
    assert "<header" not in own and "<nav" not in own
    assert re.search(rf"<h1>{re.escape(str(box.title[lang]))}</h1>", unescape(own))
    # Resolved from <base>: the folder of the atlas's pages. The title leads to the opening
    # page, the link back to the box on its chapter's page.
    back = f'href="{page.name}#box-{box.id}"'
    assert back in own and page.name != f"{atlas.id}.html"  # every box here is on a chapter's
    assert f'{atlas.publisher}, <a href="{atlas.id}.html">' in own
    assert atlas.licence in own and "variatlas" in own
    in_atlas = _box(html, box.id)
    assert own.count("<figure") == len(box.figures) >= 1  # the box's, not its texts'
    figures = re.findall(r"<figure\b.*?</figure>", in_atlas, re.S)[: len(box.figures)]
    assert all(figure in own for figure in figures)  # the same markup as in the atlas
    # The atlas's box has the snippet, pointing at the box's page from the base URL.
    snippet = re.search(r"<textarea[^>]*>(.*?)</textarea>", in_atlas, re.S)
    assert snippet is not None
    iframe = unescape(snippet.group(1))
    src = re.fullmatch(r'<iframe src="([^"]+)" title="([^"]+)" width="100%" height="\d+" '
                       r'loading="lazy"></iframe>', iframe)  # fmt: skip
    assert src is not None, iframe
    where = f"{BASE}{lang}/atlases/"
    assert src.group(1) == urljoin(where + page.name, f"{atlas.id}/{box.id}.html")
    assert (page.parent / src.group(1).removeprefix(where)) == embed
    assert src.group(2) == unescape(re.sub(r"<[^>]+>", "", str(box.title[lang])))


def test_without_a_base_url_the_snippet_is_relative(few_disclosed, atlas_folder, tmp_path) -> None:
    catalogue = load_catalogue()
    documents = load_documents([atlas_folder], catalogue)
    published = set(few_disclosed.results["indicator"])
    write_documents(documents, few_disclosed, catalogue, published, tmp_path)
    html = _chapter(tmp_path, "en")
    assert 'data-embed="tonsils/tonsils.html"' in html
    assert "&lt;iframe src=&#34;tonsils/tonsils.html&#34;" in html
    opening = (tmp_path / page_file("tonsils", "en")).read_text(encoding="utf-8")
    for page in (html, opening):
        assert SIZE_MARK not in page and ".pdf" not in page  # no PDF asked for: no link to one


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (make test installs Debian's poppler-utils)"
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.mark.browser
def test_publishing_prints_each_atlas_page_to_a_pdf(few_disclosed, atlas_folder, tmp_path) -> None:
    if shutil.which("chromium") is None and not os.environ.get("VARIATLAS_CHROMIUM"):
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (make test installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    pdftotext, pdfinfo = _tool("pdftotext"), _tool("pdfinfo")
    site = publish(few_disclosed, tmp_path / "site", atlases=[atlas_folder], pdf=True)
    document = load_atlas(atlas_folder)
    nation = _rows(few_disclosed, "referral_area", PERIOD)["8888"]
    national, norway = nation["value"], nation["area_name"]
    for lang in ("nb", "en"):
        pdf = site / lang / "atlases" / "tonsils.pdf"
        info = subprocess.run([pdfinfo, pdf], capture_output=True, text=True, check=True).stdout
        fields = dict(re.findall(r"^([\w ]+):\s+(.*)$", info, re.M))
        assert fields["Title"] == document.atlas.title[lang]
        assert fields["Author"] == "Testforlaget"
        assert fields["Tagged"] == "yes"
        assert 2 <= int(fields["Pages"]) <= 20
        assert f"/Lang ({lang})".encode() in pdf.read_bytes()
        text = subprocess.run(
            [pdftotext, "-layout", pdf, "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = " ".join(text.split())
        assert document.atlas.title[lang] in flat
        for chapter in document.chapters.values():
            assert chapter.title is not None and chapter.title[lang] in flat
        assert str(document.chapters["02-second.yaml"].blocks[0].title[lang]) in flat
        places = decimals(national)
        assert re.search(rf"{norway} {re.escape(number(national, lang, places))}\b", flat)
        assert "Del / bygg inn" not in flat and "Share / embed" not in flat  # not printed
        # The whole atlas, front to back, from one page: no way between chapter pages.
        first, second = {
            "nb": ("Barn får fjernet mandlene.", "Andre kapittel"),
            "en": ("Children have their tonsils out.", "Second chapter"),
        }[lang]
        assert flat.index(first) < flat.rindex(second)
        assert "Neste kapittel" not in flat and "Previous chapter" not in flat
        page = (site / page_file("tonsils", lang)).read_text(encoding="utf-8")
        assert f"({file_size(pdf.stat().st_size, lang)})</span>" in page
        assert 'href="tonsils.pdf"' in page and SIZE_MARK not in page
        assert ".pdf" not in _chapter(site, lang)  # the opening page links it


def test_publishing_without_chromium_says_so_in_one_sentence(
    few_disclosed, norway_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    found = read_results(norway_folder / "out")
    keep = set(few_disclosed.results["indicator"])
    write_results(
        tmp_path / "results",
        found.results[found.results["indicator"].isin(keep)],
        found.variation[found.variation["indicator"].isin(keep)],
        found.provenance,
    )
    monkeypatch.setenv("VARIATLAS_CHROMIUM", str(tmp_path / "no-chromium"))
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "results"), str(tmp_path / "s")])
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert "Traceback" not in output and output.count(". ") <= 1
    assert "printed by chromium, which is not at" in output and "VARIATLAS_CHROMIUM" in output
    assert "--no-pdf" in output
    assert not (tmp_path / "s").exists()

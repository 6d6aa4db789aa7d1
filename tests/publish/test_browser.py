"""The atlas in a real browser: Playwright driving Debian's chromium (``make test`` installs it).

The publication of synthetic Norway is served as ``variatlas serve`` serves it (files and API
on one port) and, once, from a plain static file server.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from variatlas.documents import load_atlas, shipped_atlases
from variatlas.documents.model import ResultBox
from variatlas.indicators import load_catalogue
from variatlas.publish.browser import Watched
from variatlas.publish.wording import LANGUAGES, strings

playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, installed by ``make assets`` (npm ci) for these tests only, never published."""
# One page of each kind the atlas has, and the views that draw something else.
PAGE_KINDS = [
    "index.html",
    "en/index.html",
    "nb/tonsillectomy_children.html",
    "en/hpv_vaccination.html#level=municipality",
    "en/cancer_pathway_median_lead_time_breast_surgery.html",
    "nb/skde_psyk2_polyklinikk_18_patients.html#level=dps",
    "en/skde_kvalitet_lungekreft_overlevelse.html",
    "nb/areas/municipality-1804.html",
    "en/areas/referral_area-1.html",
    "nb/areas/index.html",
    "nb/atlases/barn2025.html",
    "nb/atlases/barn2025.06-atopiske-sykdommer.html",  # its largest chapter
    "nn/atlases/psyk2.html",
    "nn/atlases/psyk2.07-stemningslidingar.html",
    "nn/atlases/variatlas.html",
    "en/atlases/variatlas.02-barn-og-unge.html",
    "en/whats-new.html",
    "nb/atlases/barn2025/total_tot_rb1.html",
    # Nynorsk: its words are longer, and the catalogue's bokmål is marked in it.
    "nn/index.html",
    "nn/hpv_vaccination.html",
    "nn/areas/referral_area-1.html",
    "nn/atlases/barn2025.html",
    "nn/atlases/barn2025.02-helsetjenester-til-barn.html",
    "en/atlases/psyk2.html",
]


def _draws(path: str) -> bool:
    """Indicator pages say when their charts are drawn; the others are whole when loaded."""
    return not any(k in path for k in ("index.html", "/areas/", "/atlases/", "whats-new"))


def _drawn(page: Any) -> str:
    return str(page.get_attribute("body", "data-drawn"))


def _select(page: Any, selector: str, value: str) -> None:
    before = _drawn(page)
    page.select_option(selector, value)
    page.wait_for_function("b => document.body.dataset.drawn !== b", arg=before)


def _table(page: Any, selector: str) -> dict[str, list[str]]:
    """A table twin as area code → the raw values of its numeric cells."""
    found: dict[str, list[str]] = page.eval_on_selector_all(
        f"{selector} tbody tr",
        """rows => Object.fromEntries(rows.map(r => [r.dataset.area,
              [...r.querySelectorAll('td[data-raw]')].map(c => c.dataset.raw)]))""",
    )
    return found


def test_front_page_shows_the_four_themes_and_every_indicator(watched, atlas_url) -> None:
    catalogue = load_catalogue()
    for path, lang in (("", "nb"), ("nn/index.html", "nn"), ("en/index.html", "en")):
        page = watched.open(atlas_url + path, drawn=False)
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("section.theme").count() == 4
        links = page.eval_on_selector_all(".card h4 a", "as => as.map(a => a.href)")
        assert {link.rsplit("/", 1)[1].removesuffix(".html") for link in links} == set(catalogue)
        # Children's hospital contacts are counted in thousands: their referral areas are all
        # published, so the finding gives the FT (tonsillectomy's small counts, at the demo's
        # 5 % scale, leave too few areas shown once a reader's floors are audited).
        card = page.locator(".card", has=page.locator('a[href$="hospital_contacts_children.html"]'))
        assert "FT " in card.locator(".finding").inner_text()
        # Our own indicators under one h3, SKDE's published figures under another.
        headings = page.locator("#theme-children h3").all_inner_texts()
        assert len(headings) == 2 and "SKDE" in headings[1], headings
    assert watched.problems == []


def _page_kinds() -> list[str]:
    """Every indicator of our own, and the first published figure of each atlas: the 170
    other published figures use the same page with other numbers (all: the slow test)."""
    first: dict[str, str] = {}
    for indicator in load_catalogue().values():
        atlas = indicator.publication.atlas if indicator.publication else indicator.id
        first.setdefault(atlas, indicator.id)
    return list(first.values())


@pytest.mark.parametrize(
    "indicators",
    [
        pytest.param(_page_kinds, id="kinds"),
        pytest.param(load_catalogue, id="all", marks=pytest.mark.slow),
    ],
)
def test_every_indicator_page_draws_without_errors(watched, atlas_url, indicators) -> None:
    # Bokmål in the default run (the nynorsk and English pages differ only in their words,
    # which test_every_word_has_every_language checks); all three in the slow run.
    languages = LANGUAGES if indicators is load_catalogue else ("nb",)
    for indicator in indicators():
        for lang in languages:
            page = watched.open(f"{atlas_url}{lang}/{indicator}.html")
            assert (
                page.locator("#reading").inner_text().strip()
                or page.locator("#bars-table tbody tr").count()
            ), indicator
        assert watched.problems == [], (indicator, watched.problems[:3])


def test_the_map_draws_21_referral_areas_with_a_legend(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    areas = page.locator("#map path.area")
    assert areas.count() == 21
    fills = set(areas.evaluate_all("ps => ps.map(p => p.getAttribute('fill'))"))
    assert len(fills - {"#ffffff", "url(#suppressed)"}) >= 3, fills
    assert page.locator("#legend li").count() >= 5
    assert page.locator("#map-table tbody tr").count() == 21
    assert watched.problems == []


def test_keyboard_focus_on_an_area_shows_its_figures(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    page.locator("#level").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('area')"):
            break
    else:
        pytest.fail("Tab never reached a map area")
    first = page.evaluate("document.activeElement.dataset.area")
    page.keyboard.press("ArrowRight")
    code = page.evaluate("document.activeElement.dataset.area")
    assert code != first
    assert page.locator("#map path.area[tabindex='0']").count() == 1
    info = page.locator("#map-info").inner_text()
    rows = json.loads(
        page.evaluate(
            "fetch('../api/indicators/tonsillectomy_children/results?level=referral_area"
            f"&period={_period(page)}&sex=all').then(r => r.text())"
        )
    )
    row = next(r for r in rows["rows"] if r["area"] == code)
    assert row["area_name"] in info
    if row["value"] is not None:
        assert "95% CI" in info and "n =" in info
    page.keyboard.press("Enter")
    assert page.locator("#highlight").input_value() == code
    x, y, name = page.evaluate(
        """() => {  // a point of the screen where Innlandet (19) is the topmost element
          const area = document.querySelector('#map path.area[data-area="19"]');
          area.scrollIntoView({ block: 'center' });
          const box = area.getBoundingClientRect();
          for (let i = 1; i < 20; i += 1) for (let j = 1; j < 20; j += 1) {
            const [x, y] = [box.left + box.width * i / 20, box.top + box.height * j / 20];
            if (document.elementFromPoint(x, y) === area) return [x, y, area.ariaLabel];
          }
          return [null, null, null]; }"""
    )
    page.mouse.move(x, y)
    assert page.locator("#map-info strong").inner_text() == name.split(":")[0]


def _period(page: Any) -> str:
    return str(page.input_value("#period"))


def test_switching_level_period_and_sex_changes_what_is_shown(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/coercive_admission_share.html")
    referral = _table(page, "#bars-table")
    _select(page, "#level", "health_trust")
    trusts = _table(page, "#bars-table")
    assert set(trusts) != set(referral) and "ous" in trusts
    assert "health trust" in page.locator("#map-note").inner_text()
    _select(page, "#level", "referral_area")
    periods = page.eval_on_selector_all("#period option", "os => os.map(o => o.value)")
    _select(page, "#period", periods[-1])
    assert _table(page, "#bars-table") != referral
    assert page.url.endswith(f"period={periods[-1]}&sex=all")
    three_year = next(p for p in periods if "-" in p)
    _select(page, "#period", three_year)
    both = _table(page, "#bars-table")
    before = _drawn(page)
    page.check('#sex input[value="F"]')
    page.wait_for_function("b => document.body.dataset.drawn !== b", arg=before)
    assert _table(page, "#bars-table") != both
    _select(page, "#level", "municipality")
    assert page.locator("#municipality-section").is_visible()
    # The municipality map: fetched when first asked for, 357 municipalities, Oslo in the
    # inset too (one path, two polygons), Kartverket named.
    page.wait_for_function("() => document.querySelectorAll('#map path.area').length === 357")
    oslo = page.locator('#map path.area[data-area="0301"]')
    assert oslo.get_attribute("d").count("M") >= 2
    assert "Kartverket" in page.locator("#map-note").inner_text()
    # Wound as d3 wants it: Bodø is a small shape, not the world around it.
    bodo = page.locator('#map path.area[data-area="1804"]')
    assert bodo.evaluate("p => p.getBBox().width") < 60
    assert page.locator("#map rect.inset").count() == 1
    every = page.locator("#municipality-table tbody tr").count()
    assert every > 250  # municipalities with a figure or a suppressed one; some have no case
    page.check("#municipality-shown")
    with_figure = page.locator("#municipality-table tbody tr").count()
    assert 0 < with_figure < every
    assert page.locator("#municipality-table tbody tr.suppressed").count() == 0
    page.uncheck("#municipality-shown")
    page.fill("#municipality-search", "Tromsø")
    assert page.locator("#municipality-table tbody tr").count() == 1
    assert watched.problems == []


def test_skde_figures_show_the_atlas_words_and_the_dps_map(watched, atlas_url) -> None:
    for lang in ("nb", "en"):
        page = watched.open(f"{atlas_url}{lang}/skde_psyk2_polyklinikk_18_patients.html")
        words = page.locator("#publication")
        assert "Psykisk helsevern for vaksne" in words.inner_text()
        assert words.locator("blockquote[lang=nn]").count() == 2  # case definition, assessment
        assert page.locator("#bars-table tbody tr").count() == 21
        _select(page, "#level", "dps")
        page.wait_for_function("() => document.querySelectorAll('#map path.area').length === 69")
        assert "DPS" in page.locator("#map-note").inner_text()
        assert page.locator("#map rect.inset").count() == 1
        fills = set(
            page.locator("#map path.area").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")
        )
        assert len(fills - {"#ffffff", "url(#suppressed)"}) >= 3
        # Yearly periods are SKDE's published rates: the trend has five points per area.
        _select(page, "#period", "2024")
        assert page.locator("#trend-table tbody tr").count() >= 5
    assert watched.problems == []


def test_drug_use_by_county_is_drawn_on_the_county_map_from_its_atlas_box(
    watched, atlas_url
) -> None:
    page = watched.open(f"{atlas_url}nb/atlases/barn2025.06-atopiske-sykdommer.html", drawn=False)
    link = page.locator("a[href*='skde_barn2025_aad_tot_fylke_drugs.html'][href*='level=county']")
    assert link.count() >= 1
    link.first.click()
    page.locator("#map path.area").nth(14).wait_for()  # no eval: the page's CSP refuses it
    assert page.locator("#map path.area").count() == 15
    assert page.locator("#level").input_value() == "county"
    assert "fylkene" in page.locator("#map-note").inner_text()
    assert page.locator("#map rect.inset").count() == 0
    assert page.locator("#bars-table tbody tr").count() == 15
    assert watched.problems == []


def test_a_lead_time_shows_where_the_time_goes(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/cancer_pathway_median_lead_time_breast_surgery.html")
    section = page.locator("#phases-section")
    assert section.is_visible()
    assert "OF1: standard lead time (days) ≤ 7" in section.inner_text()
    phases = _table(page, "#phases-table")
    norway = page.locator("#phases-table tbody tr").first.text_content()
    assert norway.startswith(("Norway", "Norge")) and len(phases) >= 10
    assert page.locator("#phases svg g[aria-label='bar'] rect").count() >= 30
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    assert page.locator("#phases-section").count() == 0
    assert watched.problems == []


def _axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # the CSP refuses an inline script tag
    found = page.evaluate(
        """axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, `
             + v.nodes[0].target.join(' ')))"""
    )
    return list(found)


def test_axe_finds_no_wcag_21_violation_on_any_kind_of_page(watched, atlas_url) -> None:
    if not AXE.exists():
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail(f"{AXE} is missing: run `make assets`")
        pytest.skip("axe-core is not installed (make assets)")
    for path in PAGE_KINDS:
        page = watched.open(atlas_url + path, drawn=_draws(path))
        assert _axe_violations(page) == [], path
    assert watched.problems == []


def test_a_phone_never_scrolls_sideways(watched, atlas_url) -> None:
    watched.page.set_viewport_size({"width": 390, "height": 844})
    for path in PAGE_KINDS:
        page = watched.open(atlas_url + path, drawn=_draws(path))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        if "/atlases/" in path:
            _check_scroll_hints(page, path, drawn=not _opening(path))
    assert watched.problems == []


def _opening(path: str) -> bool:
    """Whether a page is an atlas's opening page (``<id>.html``), whose first chapter, if
    it carries one, may have no figure."""
    parts = path.split("/")
    return len(parts) == 3 and parts[1] == "atlases" and parts[2].count(".") == 1


def _check_scroll_hints(page: Any, path: str, *, drawn: bool) -> None:
    """A figure's table wider than the phone says it scrolls sideways, one that fits does
    not; the table scrolls in its own box. A table is measured as it comes near the screen
    (document.js), so each is scrolled to first. ``drawn``: the page has figures."""
    tables = page.eval_on_selector_all(
        ".scroll-hint + .table-scroll",
        """async boxes => {
             const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
             const found = [];
             for (const b of boxes) {
               b.scrollIntoView({ block: 'center' });
               await frame(); await frame();
               found.push([b.scrollWidth > b.clientWidth + 1,
                 b.previousElementSibling.checkVisibility(), b.getBoundingClientRect().width]);
             }
             return found; }""",
    )
    if drawn:
        assert any(wider for wider, _, _ in tables), path  # the bars and intervals need room
    for wider, hinted, box in tables:
        assert hinted == wider and box <= 390, (path, wider, hinted, box)


def test_a_link_reopens_its_view_and_every_chart_downloads(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    periods = page.eval_on_selector_all("#period option", "os => os.map(o => o.value)")
    view = f"#level=region&period={periods[-1]}&sex=all"
    watched.open(atlas_url, drawn=False)  # away, so that the link loads the page anew
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html{view}")
    assert page.input_value("#level") == "region"
    assert page.input_value("#period") == periods[-1]
    assert page.url.endswith(view)
    figures = page.eval_on_selector_all(
        ".figure[id]", "fs => fs.filter(f => f.querySelector('svg')).map(f => f.id)"
    )
    assert {"map", "bars", "trend"} <= set(figures)
    for figure in figures:
        for format, magic in (("svg", b"<svg"), ("png", b"\x89PNG")):
            with page.expect_download() as download:
                page.click(f"#{figure} + .chart-downloads button[data-format={format}]")
            saved = Path(download.value.path()).read_bytes()
            assert saved.startswith(magic), (figure, format)
            name = download.value.suggested_filename
            assert name == f"tonsillectomy_children-{figure}-region-{periods[-1]}-all.{format}"
    assert watched.problems == []


@pytest.mark.parametrize(
    ("indicator", "level"),
    [
        ("tonsillectomy_children", "referral_area"),
        ("coercive_admission_share", "health_trust"),
        ("barnehelseatlas_01", "referral_area"),
    ],
)
def test_the_table_twin_matches_the_api(watched, atlas_url, indicator, level) -> None:
    page = watched.open(f"{atlas_url}nb/{indicator}.html#level={level}")
    period = _period(page)
    shown = _table(page, "#bars-table")
    api = json.loads(
        page.evaluate(
            f"fetch('../api/indicators/{indicator}/results?level={level}&period={period}"
            "&sex=all').then(r => r.text())"
        )
    )["rows"]
    assert set(shown) == {r["area"] for r in api}
    for row in api:
        raw = shown[row["area"]]
        expected = [row[c] for c in ("value", "lower", "upper", "numerator", "denominator")]
        for cell, value in zip(raw, expected, strict=False):
            assert (cell == "" and value is None) or float(cell) == pytest.approx(value), row


def test_tables_twin_every_chart_and_text_has_contrast(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    for section in ("#map-section", "#bars-section", "#funnel-section", "#trend-section"):
        assert page.locator(f"{section} details.twin table").count() == 1, section
        assert page.locator(f"{section} svg[aria-label]").count() >= 1, section
    worst = page.evaluate(
        """() => {
          const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number)
            .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const background = (e) => { for (; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (!c.startsWith('rgba') || !c.endsWith(', 0)')) return c; }
            return 'rgb(255,255,255)'; };
          let worst = [21, ''];
          const text = 'p, a, li, dt, dd, th, td, label, h1, h2, h3, summary, legend';
          for (const e of document.querySelectorAll(text)) {
            if (!e.offsetParent || !e.textContent.trim()) continue;
            const [a, b] = [lum(getComputedStyle(e).color), lum(background(e))];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < worst[0]) worst = [ratio, e.tagName + ' ' + e.textContent.slice(0, 40)];
          }
          return worst; }"""
    )
    assert worst[0] >= 4.5, worst


def test_a_screenshot_of_an_indicator_page(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/tonsillectomy_children.html")
    page.locator("#map-info").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "atlas-tonsillectomy_children.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 50_000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_site_works_from_a_plain_static_server(browser, site: Path) -> None:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watched = Watched(browser)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        watched.open(url, drawn=False)
        page = watched.open(url + "nb/hpv_vaccination.html")
        assert page.locator("#map path.area").count() == 21
        assert page.locator("#funnel svg").count() >= 1
        assert watched.problems == []
    finally:
        watched.close()
        server.shutdown()


def test_an_area_found_on_the_front_page_has_its_profile_in_every_language(
    watched, atlas_url
) -> None:
    page = watched.open(atlas_url, drawn=False)
    page.fill("#area-query", "1804")
    page.wait_for_selector("#area-matches li a")
    assert page.locator("#area-matches li a").first.inner_text() == "Bodø"
    page.fill("#area-query", "nowhere at all")
    page.wait_for_function("() => !document.querySelector('#area-matches li')")
    assert "Fant ikke" in page.locator("#area-search-status").inner_text()
    page.fill("#area-query", "bodø")
    page.press("#area-query", "Enter")
    page.wait_for_url("**/nb/areas/municipality-1804.html")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "nb"
    assert "Bodø" in page.locator("h1").inner_text()
    # The overview counts the indicators of each theme; each theme has its page.
    counted = page.locator("table.theme-counts tr[data-theme='children'] td").first.inner_text()
    assert int(counted.split("/")[1]) >= 5
    page.click("table.theme-counts a.theme-page[href*='-children.html']")
    page.wait_for_url("**/nb/areas/municipality-1804-children.html*")
    page.wait_for_load_state("networkidle")
    spine = page.locator("table.spine-chart tbody tr")
    assert spine.count() == int(counted.split("/")[1])
    assert page.locator("table.spine-chart svg.spine circle").count() >= 5
    # The chart's table has the numbers: a municipality's stable estimate too.
    assert "Stabilt anslag" in page.locator("table.spine-chart thead").inner_text()
    assert page.locator("table.spine-chart td.spread .note").count() == spine.count()
    assert page.locator("nav.other-themes a.theme-page").count() >= 1
    page.click("a.language[hreflang=nn]")
    page.wait_for_url("**/nn/areas/municipality-1804-children.html*")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "nn"
    assert "samanlikna med landet" in page.locator("table.spine-chart caption").first.inner_text()
    assert page.locator("table.spine-chart tbody tr").count() == spine.count()
    page.click("a.language[hreflang=en]")
    page.wait_for_url("**/en/areas/municipality-1804-children.html*")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == "en"
    assert "against the country" in page.locator("table.spine-chart caption").first.inner_text()
    assert page.locator("table.spine-chart tbody tr").count() == spine.count()
    # An indicator's link opens its page at this level, with the area highlighted, and that
    # page links back to the profile.
    page.click("table.spine-chart a[href*='tonsillectomy_children.html']")
    page.wait_for_selector("body[data-drawn]")
    assert page.input_value("#level") == "municipality"
    assert page.input_value("#highlight") == "1804"
    back = page.locator("#highlight-profile")
    assert back.is_visible() and back.inner_text() == "Profile of Bodø"
    assert back.get_attribute("href") == "areas/municipality-1804.html"
    assert watched.problems == []


def _read_on(page: Any) -> tuple[list[str], list[str]]:
    """Follow an atlas from its opening page (open in ``page``) to its last chapter by each
    page's link to the next: the chapters' anchors and the result boxes' ids read, in order."""
    chapters: list[str] = []
    boxes: list[str] = []
    while True:
        chapters += page.eval_on_selector_all("section.chapter", "cs => cs.map(c => c.id)")
        boxes += page.eval_on_selector_all("section.result-box", "bs => bs.map(b => b.dataset.box)")
        following = page.locator("nav.pager a[rel=next]")
        if following.count() == 0:
            return chapters, boxes
        href = str(following.get_attribute("href"))
        following.click()
        page.wait_for_url(f"**/{href}")
        page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_atlas_reads_whole_and_its_boxes_open_their_indicators(watched, atlas_url, lang) -> None:
    """barn2025, written in bokmål, read from each front page: its opening page, then chapter
    by chapter to the last; in nynorsk and English its text is bokmål (so marked, and the page
    says so) among the page's own words."""
    document = load_atlas(next(f for f in shipped_atlases() if f.name == "barn2025"))
    page = watched.open(atlas_url + ("" if lang == "nb" else f"{lang}/index.html"), drawn=False)
    page.click("#atlases a[href$='atlases/barn2025.html']")
    page.wait_for_url(f"**/{lang}/atlases/barn2025.html")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").inner_text() == document.atlas.title["nb"]
    assert page.get_attribute("h1", "lang") == (None if lang == "nb" else "nb")
    assert page.locator("nav.toc h2").inner_text() == strings()["document_contents"][lang]
    boxes = [b for c in document.chapters.values() for b in c.blocks if isinstance(b, ResultBox)]
    # The contents link every chapter and every box, on the page that holds it.
    toc = page.eval_on_selector_all("nav.toc a", "as => as.map(a => a.getAttribute('href'))")
    assert len(toc) == len(document.chapters) + len(boxes)
    anchors = [f"chapter-{name.removesuffix('.yaml')}" for name in document.chapters]
    pages = [f"barn2025.{a.removeprefix('chapter-')}.html" for a in anchors]
    # The first chapter, a discussion without a result box, is on the opening page.
    assert [t for t in toc if "#box-" not in t] == [f"barn2025.html#{anchors[0]}", *pages[1:]]
    assert [t.split("#")[1] for t in toc if "#box-" in t] == [f"box-{b.id}" for b in boxes]
    # Read on from the opening page, which carries the first chapter, to the last.
    read, shown = _read_on(page)
    assert read == anchors and shown == [b.id for b in boxes]
    assert page.url.endswith("barn2025.12-har-du-sporsmal.html")
    assert page.locator("nav.pager a[rel=prev]").count() == 1
    # A box from the contents: its chapter's page, scrolled to it.
    page = watched.open(f"{atlas_url}{lang}/atlases/barn2025.html", drawn=False)
    page.click("nav.toc a[href$='#box-aad_rb1_tot_fylke']")
    page.wait_for_url("**/barn2025.06-atopiske-sykdommer.html#box-aad_rb1_tot_fylke")
    box = page.locator("#box-aad_rb1_tot_fylke")
    assert box.locator("h3").inner_text() == next(
        b.title["nb"] for b in boxes if b.id == "aad_rb1_tot_fylke"
    )
    playwright_sync.expect(box).to_be_in_viewport()
    atopic = document.chapters["06-atopiske-sykdommer.yaml"].blocks
    atopic_boxes = [b for b in atopic if isinstance(b, ResultBox)]
    for found in atopic_boxes:
        section = page.locator(f"section.result-box[data-box='{found.id}']")
        assert section.locator("h3").inner_text() == found.title["nb"]
        assert section.locator("figure.drawn").count() or section.locator(".not-shipped").count()
    # A box's figure opens its indicator at the figure's level and period, and back.
    box = page.locator("section.result-box", has=page.locator("figure.drawn")).first
    link = box.locator("figure.drawn .figure-link a").first
    href = str(link.get_attribute("href"))
    rows = box.locator("figure.drawn").first.locator("tbody tr").count()
    assert rows >= 20  # 21 referral areas and the nation, less any hidden without a row
    link.click()
    page.wait_for_selector("body[data-drawn]", timeout=20_000)
    assert page.input_value("#level") == "referral_area"
    assert page.input_value("#period") == href.split("period=")[1].split("&")[0]
    assert page.get_attribute("html", "lang") == lang
    page.wait_for_load_state("networkidle")  # read, then back: no fetch cut short
    page.go_back()
    page.wait_for_url("**/barn2025.06-atopiske-sykdommer.html#box-aad_rb1_tot_fylke")
    assert page.locator("section.result-box").count() == len(atopic_boxes)
    assert watched.problems == []


def test_an_old_link_into_the_atlas_lands_on_its_chapters_page(browser, watched, atlas_url) -> None:
    """A link written when an atlas was one page (``barn2025.html#box-…``, ``#chapter-…``) is
    sent to the chapter's page that holds the anchor now (document-anchors.js), in place (back
    leads to where the reader was, not to the opening page sending them on again); an anchor
    the opening page holds stays there, and without a script the contents lead to it."""
    opening = f"{atlas_url}nb/atlases/barn2025.html"
    chapter = f"{atlas_url}nb/atlases/barn2025.06-atopiske-sykdommer.html"
    page = watched.page
    page.goto(f"{opening}#box-aad_rb1_ped", wait_until="commit")
    page.wait_for_url(f"{chapter}#box-aad_rb1_ped")
    page.wait_for_load_state("networkidle")
    playwright_sync.expect(page.locator("#box-aad_rb1_ped")).to_be_in_viewport()
    # From the opening page, a link to an old anchor on it (a hash change, no new load).
    watched.open(opening, drawn=False)
    page.goto(f"{opening}#chapter-06-atopiske-sykdommer", wait_until="commit")
    page.wait_for_url(f"{chapter}#chapter-06-atopiske-sykdommer")
    page.wait_for_load_state("networkidle")
    playwright_sync.expect(page.locator("#chapter-06-atopiske-sykdommer h2")).to_be_in_viewport()
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert page.url == opening
    for stays in ("chapter-01-overordnet-drofting", "contents", "no-such-anchor"):
        watched.open(f"{opening}#{stays}", drawn=False)
        assert page.url == f"{opening}#{stays}"  # the first chapter is on the opening page
    assert watched.problems == []
    # Without a script an old link shows the contents, whose link leads to the box.
    still = browser.new_context(java_script_enabled=False)
    try:
        plain = still.new_page()
        plain.goto(f"{opening}#box-aad_rb1_ped", wait_until="networkidle")
        assert plain.url == f"{opening}#box-aad_rb1_ped"
        plain.click("nav.toc a[data-anchor='box-aad_rb1_ped']")
        plain.wait_for_url(f"{chapter}#box-aad_rb1_ped")
        assert plain.locator("#box-aad_rb1_ped h3").count() == 1
    finally:
        still.close()


# The demo's own atlas in each language: the box whose figure the test follows, its chapter
# and its level.
OWN_ATLAS_BOXES = {
    "nb": ("barn-sykehuskontakter", "02-barn-og-unge", "referral_area"),
    "nn": ("psyk-tvangsandel", "04-psykisk-helse-og-rus", "health_trust"),
    "en": ("kommune-institusjon", "05-kommunene", "referral_area"),
}


def test_the_demos_own_atlas_reads_whole_in_three_languages_and_opens_its_indicators(
    watched, atlas_url
) -> None:
    document = load_atlas(next(f for f in shipped_atlases() if f.name == "variatlas"))
    boxes = [b for c in document.chapters.values() for b in c.blocks if isinstance(b, ResultBox)]
    anchors = [f"chapter-{name.removesuffix('.yaml')}" for name in document.chapters]
    page = watched.open(atlas_url, drawn=False)
    page.click("#atlases a[href$='atlases/variatlas.html']")
    for lang, (followed, chapter, level) in OWN_ATLAS_BOXES.items():
        if lang != "nb":  # each version links to the others
            page = watched.open(f"{atlas_url}nb/atlases/variatlas.html", drawn=False)
            page.click(f"a.language[hreflang='{lang}']")
        page.wait_for_url(f"**/{lang}/atlases/variatlas.html")
        page.wait_for_load_state("networkidle")
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("h1").inner_text() == document.atlas.title[lang]
        assert "synt" in page.locator("header.document-head .lede").inner_text()  # synthetic
        toc = page.eval_on_selector_all("nav.toc a", "as => as.map(a => a.getAttribute('href'))")
        assert len(toc) == len(document.chapters) + len(boxes)
        read, shown = _read_on(page)
        assert read == anchors and shown == [b.id for b in boxes]
        # Every box of a chapter's page drawn, in the page's language.
        page = watched.open(f"{atlas_url}{lang}/atlases/variatlas.{chapter}.html", drawn=False)
        assert page.locator("h1").inner_text() == document.atlas.title[lang]
        for box in document.chapters[f"{chapter}.yaml"].blocks:
            if not isinstance(box, ResultBox):
                continue
            section = page.locator(f"section.result-box[data-box='{box.id}']")
            assert section.locator("h3").inner_text() == box.title[lang]
            drawn = section.locator("figure.drawn")
            assert drawn.count() == len(box.figures), box.id
            assert drawn.first.locator("tbody tr").count() >= 5, box.id
            assert "{{" not in section.inner_text(), box.id
        # A box's figure opens its indicator at the figure's level and period, and back.
        link = page.locator(f"section.result-box[data-box='{followed}'] figure.drawn a").first
        link.click()
        page.wait_for_selector("body[data-drawn]", timeout=20_000)
        assert page.input_value("#level") == level
        assert page.input_value("#period") == "2022-2024"
        page.wait_for_load_state("networkidle")  # read, then back: no fetch cut short
        page.go_back()
        page.wait_for_url(f"**/{lang}/atlases/variatlas.{chapter}.html")
        assert page.locator(f"section.result-box[data-box='{followed}']").count() == 1
    assert watched.problems == []


def test_a_box_embeds_in_another_site_and_its_code_copies(
    browser, watched, atlas_url, tmp_path: Path
) -> None:
    page = watched.open(
        f"{atlas_url}nb/atlases/barn2025.02-helsetjenester-til-barn.html", drawn=False
    )
    box = page.locator("section.result-box", has=page.locator("details.share")).first
    box.locator("details.share summary").click()
    code = box.locator("textarea")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    box.locator("details.share button").click()
    playwright_sync.expect(box.locator(".copied")).to_have_text("Koden er kopiert.")
    snippet = code.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    src = re.search(r'<iframe src="([^"]+)"', snippet)
    assert src is not None and src.group(1).startswith(f"{atlas_url}nb/atlases/barn2025/")
    title = box.locator("h3").inner_text()
    # Another site (a server of its own at localhost: another origin, and local, since
    # chromium lets no public site frame a local address) frames the box's page, and cannot
    # frame the chapter's page.
    (tmp_path / "framing.html").write_text(
        f'<iframe src="{src.group(1)}"></iframe><iframe src="{page.url}"></iframe>'
    )
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    elsewhere = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    other = browser.new_context()
    try:
        site = other.new_page()
        site.goto(f"http://localhost:{elsewhere.server_address[1]}/framing.html")
        site.wait_for_load_state("networkidle")
        frames = [frame.url for frame in site.frames[1:]]
        assert frames == [src.group(1), "chrome-error://chromewebdata/"], frames
        embedded = site.frames[1]
        assert embedded.locator("h1").inner_text() == title
        assert embedded.locator("figure.drawn").count() >= 1
        assert embedded.evaluate("document.querySelector('base').target") == "_blank"
    finally:
        other.close()
        elsewhere.shutdown()
    assert watched.problems == []


def test_every_level_has_profiles_listed_on_the_areas_page(watched, atlas_url) -> None:
    page = watched.open(f"{atlas_url}en/areas/index.html", drawn=False)
    counts = {
        level: page.locator(f"section:has(#level-{level}) li a").count()
        for level in ("municipality", "referral_area", "health_trust", "region")
    }
    assert counts["municipality"] >= 300 and counts["region"] == 4
    assert counts["referral_area"] >= 20 and counts["health_trust"] >= 15
    page.click("section:has(#level-region) li a >> nth=0")
    page.wait_for_load_state("networkidle")
    # A region's profile has every indicator published per region, SKDE's figures too, on
    # the pages of its themes.
    totals = page.locator("table.theme-counts tbody td:nth-child(2)").all_inner_texts()
    assert sum(int(t.split("/")[1]) for t in totals) >= 60
    page.click("table.theme-counts a.theme-page >> nth=0")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.spine-chart tbody tr").count() == int(totals[0].split("/")[1])
    assert watched.problems == []

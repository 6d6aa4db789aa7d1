"""Comparators, peers and inequality in a real browser (issue 27): Bodø (municipality 1804)
against its KOSTRA group, its centrality class, its referral area (Nordland) and its health
region (Helse Nord), on an indicator page and on its profile, the choice kept in the link;
axe-core and the 390 px phone width on the pages that show them.

The fixtures are those of ``test_browser.py`` (the publication of synthetic Norway served as
``variatlas serve`` serves it, Debian's chromium driven by Playwright), made the same way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from variatlas.indicators import load_catalogue
from variatlas.publish.wording import strings

playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BODO = "1804"
INDICATOR = "hpv_vaccination"
"""A municipality indicator of the demo with a direction, published for Bodø."""
WORDS = strings()


@pytest.fixture(scope="module")
def compared(site: Path) -> dict[str, Any]:
    """What the publication holds for the indicator's comparisons and inequality."""
    found: dict[str, Any] = json.loads((site / "atlas" / f"{INDICATOR}.compare.json").read_text())
    return found


def _rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _compared(page: Any, comparator: str) -> None:
    page.wait_for_function(
        "c => (document.body.dataset.compared || '').endsWith('|' + c)", arg=comparator
    )


def _choose(page: Any, comparator: str) -> None:
    page.select_option("#compare", comparator)
    _compared(page, comparator)


def _axe(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # the CSP refuses an inline script tag
    found = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, `
             + v.nodes[0].target.join(' ')))"""
    )
    return list(found)


def _open_table(page: Any) -> None:
    """Open the comparison's table twin (built when opened) and wait for its rows."""
    twin = page.locator("#compare-section details.twin")
    if twin.get_attribute("open") is None:
        twin.locator("summary").click()
    page.wait_for_selector("#compare-table tbody tr", state="attached")


def _bodo_row(page: Any) -> list[str]:
    _open_table(page)
    cells: list[str] = page.eval_on_selector_all(
        f"#compare-table tr[data-area='{BODO}'] td", "cs => cs.map(c => c.textContent)"
    )
    return cells


def _period(page: Any) -> str:
    return str(page.input_value("#period"))


def test_bodo_against_its_peers_and_its_areas_on_an_indicator_page(
    watched, atlas_url, compared
) -> None:
    link = f"{atlas_url}en/{INDICATOR}.html#level=municipality&area={BODO}&compare=kostra_group"
    page = watched.open(link)
    _compared(page, "kostra_group")
    assert page.input_value("#compare") == "kostra_group"
    # hpv_vaccination has no health-trust figures of its own: no trust to compare with.
    offered = page.eval_on_selector_all("#compare option", "os => os.map(o => o.value)")
    assert offered[0] == "nation"
    assert {"region", "referral_area", "kostra_group", "centrality"} <= set(offered)
    bodo = compared["comparisons"][f"municipality|{_period(page)}|all"][BODO]
    expected = {
        "kostra_group": "KOSTRA group 11",
        "centrality": "centrality class 3",
        "region": "Helse Nord",
        "referral_area": "Nordland",
    }
    for comparator, name in expected.items():
        if comparator != "kostra_group":
            _choose(page, comparator)
        _, value, _, _, comparison, *_ = bodo[comparator]
        row = _bodo_row(page)
        assert name in row[2], (comparator, row)
        raw = page.get_attribute(
            f"#compare-table tr[data-area='{BODO}'] td:nth-child(4)", "data-raw"
        )
        # A hidden comparator (a group one small municipality from a region) shows no value.
        assert (raw == "" and value is None) or float(raw) == pytest.approx(value), comparator
        reading = page.locator("#compare-reading").inner_text()
        assert reading.startswith("Bodø:") and name in reading, reading
        result = "none" if comparison == "not compared" else comparison.replace(" ", "_")
        words = WORDS[f"compare_result_{result}"]["en"]
        assert words.lower() in reading and row[5].startswith(words), (comparator, reading)
        assert page.locator("#compare-method").inner_text().startswith("Method:")
        assert f"compare={comparator}" in page.url
    # Helse Nord's number is the region's: 1 (and the referral area Nordland's, 3).
    assert bodo["region"][0] == "1" and bodo["referral_area"][0] == "3"
    # The link keeps the choice: opened anew it shows Bodø against Nordland's referral area.
    kept = page.url
    watched.open(atlas_url, drawn=False)
    page = watched.open(kept)
    _compared(page, "referral_area")
    assert page.input_value("#compare") == "referral_area"
    assert "Nordland" in _bodo_row(page)[2]
    # Changing the level keeps the comparator where the new level has it: a referral area
    # too has a region, but no referral area of its own to be compared with.
    _choose(page, "region")
    page.select_option("#level", "referral_area")
    _compared(page, "region")
    assert "compare=region" in page.url and "level=referral_area" in page.url
    _open_table(page)
    assert "Helse Nord" in page.locator("#compare-table tr[data-area='3']").text_content()
    assert watched.problems == []


def test_the_centrality_gradient_has_its_table_and_indices(watched, atlas_url, compared) -> None:
    page = watched.open(f"{atlas_url}en/{INDICATOR}.html#level=municipality")
    page.wait_for_function("() => Boolean(document.body.dataset.gradient)")
    key = page.get_attribute("body", "data-gradient")
    gradient = compared["inequality"][key]["centrality"]
    rows = page.eval_on_selector_all(
        "#gradient-table tbody tr",
        "rs => rs.map(r => [r.dataset.class, r.querySelector('td').dataset.raw])",
    )
    # Least central (6) first, each class's published value beside it.
    assert [code for code, _ in rows] == [g[0] for g in gradient["groups"]]
    assert rows[0][0] == "6" and rows[-1][0] == "1"
    for (_, raw), group in zip(rows, gradient["groups"], strict=True):
        assert (raw == "" and group[1] is None) or float(raw) == pytest.approx(group[1])
    reading = page.locator("#gradient-reading").inner_text()
    if gradient.get("sii") and gradient["sii"][0] is not None:
        assert "SII:" in reading and "RII:" in reading
    assert page.locator("#gradient svg[aria-label]").count() >= 1
    assert page.locator("#gradient-table table caption").count() == 1
    assert watched.problems == []


def test_bodos_profile_keeps_the_comparator_and_names_its_peers(watched, atlas_url) -> None:
    page = watched.open(
        f"{atlas_url}en/areas/municipality-{BODO}.html#compare=kostra_group", drawn=False
    )
    page.wait_for_selector("body[data-compare='kostra_group']")
    visible = page.eval_on_selector_all(
        "#compare-section .compare-table",
        "bs => bs.filter(b => !b.hidden).map(b => b.dataset.compare)",
    )
    assert visible == ["kostra_group"]
    names = {
        "kostra_group": "KOSTRA group 11",
        "centrality": "centrality class 3",
        "referral_area": "Nordland",
        "region": "Helse Nord",
    }
    for comparator, name in names.items():
        page.select_option("#compare", comparator)
        page.wait_for_selector(f"body[data-compare='{comparator}']")
        table = page.locator(f".compare-table[data-compare='{comparator}']")
        assert table.is_visible()
        cells = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
        assert cells and all(name in c for c in cells), (comparator, cells[:3])
        assert page.url.endswith(f"#compare={comparator}")
    # The link keeps the choice, and the profile's links carry it to the indicator pages.
    kept = page.url
    watched.open(atlas_url, drawn=False)
    page = watched.open(kept, drawn=False)
    page.wait_for_selector("body[data-compare='region']")
    assert page.input_value("#compare") == "region"
    # Through the theme's page, which passes the choice on.
    theme = load_catalogue()[INDICATOR].theme
    page.click(f"table.theme-counts a.theme-page[href*='-{theme}.html']")
    page.wait_for_url(f"**/municipality-{BODO}-{theme}.html#compare=region")
    page.click(f"table.spine-chart a[href*='{INDICATOR}.html']")
    page.wait_for_selector("body[data-drawn]")
    _compared(page, "region")
    assert page.input_value("#compare") == "region" and page.input_value("#level") == "municipality"
    assert "Helse Nord" in _bodo_row(page)[2]
    assert watched.problems == []


def test_bodos_profile_shows_it_among_its_kostra_group_and_centrality_class(
    watched, atlas_url, site: Path
) -> None:
    page = watched.open(f"{atlas_url}en/areas/municipality-{BODO}.html", drawn=False)
    groups = page.locator("#peers .peer-groups li").all_inner_texts()
    assert groups == ["KOSTRA group 11", "centrality class 3"]
    # Every spine has three bands: the country's municipalities, the KOSTRA group, the class.
    theme = watched.open(f"{atlas_url}en/areas/municipality-{BODO}-cancer.html", drawn=False)
    spines = theme.locator("table.spine-chart svg.spine")
    assert (
        spines.count() >= 10
        and theme.locator("table.spine-chart svg.spine.peers").count() == spines.count()
    )
    page = watched.open(f"{atlas_url}en/areas/municipality-{BODO}.html", drawn=False)
    # The best peers are municipalities of Bodø's groups, and their links open their profiles.
    members = json.loads((site / "atlas" / "memberships.json").read_text())["municipality"]
    leaders = page.eval_on_selector_all(
        "#best-peers tbody tr td a.peer",
        "as => as.map(a => [a.dataset.area, a.closest('td').cellIndex])",
    )
    assert leaders
    for area, column in leaders:
        group = "kostra_group" if column == 2 else "centrality"
        assert members[area][group] == members[BODO][group] and area != BODO, (area, column)
    first = page.locator("#best-peers a.peer").first
    area = first.get_attribute("data-area")
    first.click()
    page.wait_for_url(f"**/en/areas/municipality-{area}.html*")
    assert page.locator("h1").inner_text().startswith(first_name(site, area))
    assert watched.problems == []


def first_name(site: Path, area: str) -> str:
    index = json.loads((site / "atlas" / "areas-index.json").read_text())
    return next(a["name"] for a in index if a["level"] == "municipality" and a["area"] == area)


COMPARE_PAGES = [
    f"en/{INDICATOR}.html#level=municipality&area={BODO}&compare=kostra_group",
    "nn/tonsillectomy_children.html#level=referral_area&area=3&compare=region",
    f"en/areas/municipality-{BODO}.html#compare=centrality",
    f"nn/areas/municipality-{BODO}.html#compare=kostra_group",
    f"en/areas/municipality-{BODO}-cancer.html#compare=centrality",
    "nb/areas/referral_area-3.html#compare=region",
]


def test_axe_and_a_phone_find_nothing_wrong_with_the_comparisons(watched, atlas_url) -> None:
    if not AXE.exists():
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail(f"{AXE} is missing: run `make assets`")
        pytest.skip("axe-core is not installed (make assets)")
    for width in (1280, 390):
        watched.page.set_viewport_size({"width": width, "height": 844})
        for path in COMPARE_PAGES:
            indicator = "/areas/" not in path
            page = watched.open(atlas_url + path, drawn=indicator)
            if indicator:
                page.wait_for_function("() => Boolean(document.body.dataset.compared)")
                page.locator("#compare-section details.twin summary").click()
            else:
                page.wait_for_selector("body[data-compare]")
            if width == 390:
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                assert scroll <= 390, (path, scroll)
            else:
                assert _axe(page) == [], path
    assert watched.problems == []


def test_screenshots_of_bodo_compared(watched, atlas_url) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = watched.open(
        f"{atlas_url}en/{INDICATOR}.html#level=municipality&area={BODO}&compare=kostra_group"
    )
    _compared(page, "kostra_group")
    page.wait_for_function("() => Boolean(document.body.dataset.gradient)")
    for section in ("compare-section", "gradient-section"):
        target = ARTIFACTS / f"compare-{INDICATOR}-{section}.png"
        page.locator(f"#{section}").screenshot(path=str(target))
        assert target.stat().st_size > 10_000
    page = watched.open(
        f"{atlas_url}en/areas/municipality-{BODO}.html#compare=kostra_group", drawn=False
    )
    page.wait_for_selector("body[data-compare='kostra_group']")
    target = ARTIFACTS / f"compare-profile-{BODO}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 50_000
    assert watched.problems == []

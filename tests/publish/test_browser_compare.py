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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from variatlas.publish.browser import Watched, chromium, launched, served
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
def atlas_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if chromium() is None:
        message = "chromium is not installed (make test installs Debian's chromium)"
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    with launched() as found:
        yield found


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    page.close()


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


def _bodo_row(page: Any) -> list[str]:
    cells: list[str] = page.eval_on_selector_all(
        f"#compare-table tr[data-area='{BODO}'] td", "cs => cs.map(c => c.textContent)"
    )
    return cells

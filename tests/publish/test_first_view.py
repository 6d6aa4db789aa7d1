"""An indicator page's opening view is in its HTML (``publish/first_view.py``) as the script
draws it, and a page opened from the disk says, in its language, that it needs a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from variatlas.publish.browser import served
from variatlas.publish.wording import strings

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

SHOWN = ("#reading", "#measures", "#map-note", "#level", "#period", "#sex")


@pytest.mark.parametrize(
    "path",
    [
        "nb/coercive_admission_share.html",
        "nn/tonsillectomy_children.html",
        "en/skde_psyk2_polyklinikk_18_patients.html",
        "en/hpv_vaccination.html",
    ],
)
def test_the_html_shows_what_the_script_draws(browser, site: Path, path: str) -> None:
    with served(site) as url:
        without = browser.new_context(java_script_enabled=False)
        with_script = browser.new_context()
        try:
            bare = without.new_page()
            bare.goto(url + path)
            drawn = with_script.new_page()
            drawn.goto(url + path)
            drawn.wait_for_selector("body[data-drawn]")
            assert bare.inner_text("#reading").strip(), path
            assert bare.locator("#bars-table tbody tr").count() >= 5, path
            for selector in SHOWN:
                assert bare.inner_text(selector) == drawn.inner_text(selector), (path, selector)
            # The table twin, cell for cell (its raw values too).
            html = [re.sub(r"\s+", "", p.inner_html("#bars-table")) for p in (bare, drawn)]
            assert html[0] == html[1], path
        finally:
            without.close()
            with_script.close()


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_page_opened_from_the_disk_says_it_needs_a_web_server(browser, site, lang) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site / lang / "hpv_vaccination.html").resolve().as_uri())
        note = page.locator("#needs-server")
        note.wait_for(state="visible")
        assert note.inner_text() == strings()["needs_server"][lang]
        assert page.get_attribute("html", "lang") == lang
        # The text is there all the same.
        assert page.inner_text("#reading").strip()
    finally:
        context.close()

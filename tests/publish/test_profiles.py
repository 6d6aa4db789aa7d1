"""Area profiles as published: a page per area in each language, showing published cells only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from variatlas.indicators import load_catalogue
from variatlas.publish.wording import LANGUAGES, strings

TWIN_ROW = re.compile(
    r'<tr data-indicator="(?P<id>\w+)">\s*<th scope="row">.*?</th><td>(?P<period>[^<]*)</td>'
    r'<td class="number">(?P<count>[^<]*)</td>\s*<td class="number">(?P<value>[^<]*)</td>',
    re.S,
)


def _number(text: str) -> float:
    cleaned = text.replace("\u00a0", "").replace("−", "-").replace(",", ".")
    return np.nan if cleaned == "–" else float(cleaned)


@pytest.fixture(scope="module")
def index(site: Path) -> list[dict[str, str]]:
    found: list[dict[str, str]] = json.loads((site / "atlas" / "areas-index.json").read_text())
    return found


def test_every_area_in_the_search_has_a_profile_in_every_language(site: Path, index) -> None:
    levels = {a["level"] for a in index}
    assert levels == {"municipality", "referral_area", "health_trust", "region"}
    assert sum(a["level"] == "municipality" for a in index) >= 300
    for area in index:
        for lang in LANGUAGES:
            page = site / lang / "areas" / f"{area['level']}-{area['area']}.html"
            text = page.read_text(encoding="utf-8")
            assert area["name"] in text and f'<html lang="{lang}">' in text, page
    # The nynorsk profile's words are nynorsk; the indicators' titles are the catalogue's
    # bokmål, marked so, and the page says they exist in bokmål only.
    area = next(a for a in index if a["level"] == "referral_area")
    text = (site / "nn" / "areas" / f"referral_area-{area['area']}.html").read_text("utf-8")
    assert strings()["profile_key_heading"]["nn"] in text and "Slik leser du" not in text
    assert strings()["catalogue_in_nb"]["nn"] in text
    assert re.search(r'<th scope="row"><a href="[^"]+" lang="nb">', text)


def test_a_profile_shows_the_published_cell_and_never_a_hidden_one(
    site: Path, disclosed, index
) -> None:
    catalogue = load_catalogue()
    hidden_word = strings()["profile_hidden"]["nb"]
    results = disclosed.results
    cells = results[results["sex"] == "all"].set_index(["indicator", "level", "area", "period"])
    checked = hidden = 0
    for area in index:
        text = (site / "nb" / "areas" / f"{area['level']}-{area['area']}.html").read_text()
        rows = list(TWIN_ROW.finditer(text))
        assert rows, area
        for row in rows:
            cell = cells.loc[(row["id"], area["level"], area["area"], row["period"])]
            count = _number(row["count"])
            assert not 0 < count < catalogue[row["id"]].minimum_count, (area, row["id"])
            if str(cell["flag"]).startswith("suppressed"):
                assert row["value"] == hidden_word and np.isnan(count), (area, row["id"])
                hidden += 1
            elif np.isfinite(cell["numerator"]):
                # Shown whole: SKDE's yearly means of counts are not whole numbers.
                assert abs(count - cell["numerator"]) <= 0.5, (area, row["id"])
            checked += 1
    assert checked > 10_000 and hidden > 1_000


def test_places_to_learn_from_say_so_on_their_own_profile(site: Path, disclosed) -> None:
    catalogue = load_catalogue()
    variation = disclosed.variation
    named = variation[
        (variation["sex"] == "all")
        & variation["learn_from_areas"].fillna("").ne("")
        & variation["level"].isin(["municipality", "referral_area", "health_trust", "region"])
    ]
    assert len(named) > 0
    for summary in named.to_dict("records"):
        for area in summary["learn_from_areas"].split(";"):
            page = site / "en" / "areas" / f"{summary['level']}-{area}.html"
            text = page.read_text(encoding="utf-8")
            box = text[text.index('id="learn-from"') : text.index("</section>")]
            title = str(escape(catalogue[summary["indicator"]].title.en))
            assert title in box, (page, summary["indicator"])

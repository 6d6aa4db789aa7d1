"""Area profiles as published: an overview and a page per theme for each area in each language,
showing published cells only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from variatlas.indicators import load_catalogue
from variatlas.publish.wording import LANGUAGES, strings

TABLE_ROW = re.compile(
    # A theme page's line: the heading (a link, the unit and the period, maybe a mark) never
    # runs into the next row (the comparison and peer tables' rows have other cells).
    r'<tr data-indicator="(?P<id>\w+)">\s*<th scope="row">(?:(?!</tr>).)*?'
    r", (?P<period>\d{4}(?:-\d{4})?)</span>(?:(?!</tr>).)*?</th>\s*"
    r'<td class="number">(?P<count>[^<]*)</td><td class="number">(?P<value>[^<]*)</td>',
    re.S,
)


SAID = re.compile(r'<td class="spread">(?:(?!</td>).)*?<span class="note">([^<.]*)\.', re.S)
"""What a line says of the area against the country (the words before the spread's)."""
THEME_LINK = re.compile(r'<a class="theme-page" href="([^"]+)">')
THEME_COUNTS = re.compile(
    r'<tr data-theme="(?P<theme>\w+)"><th scope="row"><a class="theme-page" href="(?P<file>[^"]+)">'
    r'.*?</th><td class="number">(?P<shown>\d+) / (?P<total>\d+)</td>(?P<counts>.*?)</tr>',
    re.S,
)


def theme_pages(site: Path, lang: str, level: str, area: str) -> dict[str, str]:
    """An area's theme pages, as its overview links them: file → text."""
    folder = site / lang / "areas"
    overview = (folder / f"{level}-{area}.html").read_text("utf-8")
    start = overview.index('id="themes"')
    listed = overview[start : overview.index("</section>", start)]
    return {f: (folder / f).read_text("utf-8") for f in dict.fromkeys(THEME_LINK.findall(listed))}


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
    text = "".join(theme_pages(site, "nn", "referral_area", area["area"]).values())
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
        text = "".join(theme_pages(site, "nb", area["level"], area["area"]).values())
        rows = list(TABLE_ROW.finditer(text))
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


@pytest.mark.parametrize("level", ["municipality", "referral_area", "region"])
def test_the_overview_counts_each_theme_as_its_page_shows_it(site: Path, index, level) -> None:
    """The overview's count per theme is what its theme page shows: one line per indicator,
    each saying how it compares with the country, and a theme page for every theme the area
    has."""
    catalogue = load_catalogue()
    kinds = ("better", "worse", "higher", "lower", "similar")
    for area in [a for a in index if a["level"] == level][:25]:
        folder = site / "en" / "areas"
        overview = (folder / f"{level}-{area['area']}.html").read_text("utf-8")
        lines = list(THEME_COUNTS.finditer(overview))
        assert lines, area
        for line in lines:
            page = (folder / line["file"]).read_text("utf-8")
            assert line["file"] == f"{level}-{area['area']}-{line['theme']}.html"
            chart = page[page.index('<table class="spine-chart">') : page.index("</table>")]
            ids = re.findall(r'<tr data-indicator="(\w+)">', chart)
            assert int(line["total"]) == len(ids) > 0, (area, line["theme"])
            assert {catalogue[i].theme for i in ids} == {line["theme"]}
            counts = [int(c) for c in re.findall(r'<td class="number">(\d+)</td>', line["counts"])]
            said = SAID.findall(chart)
            drawn = [said.count(strings()[f"compared_{kind}"]["en"]) for kind in kinds]
            assert len(said) == len(ids)
            assert counts == drawn, (area, line["theme"])
            hidden = chart.count(f'<td class="number">{strings()["profile_hidden"]["en"]}</td>')
            assert int(line["shown"]) == len(ids) - hidden, (area, line["theme"])


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


COMPARE_ROW = re.compile(
    r'<tr data-indicator="(?P<id>\w+)"><th scope="row"[^>]*>.*?</th><td class="number">[^<]*</td>'
    r"<td>(?P<name>[^<]*)</td><td class=\"number\">(?P<value>[^<]*)</td>",
    re.S,
)


def _compare_tables(text: str) -> dict[str, list[re.Match[str]]]:
    """A profile's comparison tables: comparator → its rows."""
    found = {}
    for part in text.split('<div class="compare-table" data-compare="')[1:]:
        comparator = part[: part.index('"')]
        if "<table" not in part.split("</div>")[0]:
            continue  # the country's: the spine charts
        found[comparator] = list(COMPARE_ROW.finditer(part[: part.index("</table>")]))
    return found


def _written(text: str, lang: str) -> str:
    """A number as a page in ``lang`` writes it, as Python reads one."""
    if lang == "en":
        return text.replace(",", "")
    return text.replace("\u00a0", "").replace("−", "-").replace(",", ".")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bodos_profile_compares_it_with_each_comparator_it_has(site: Path, disclosed, lang) -> None:
    """Bodø against its region, health trust, referral area, KOSTRA group, centrality class,
    target and previous period: every table has the comparisons' value of the profile's view,
    and a hidden comparator shows no value."""
    text = (site / lang / "areas" / "municipality-1804.html").read_text(encoding="utf-8")
    comparisons = disclosed.comparisons
    bodo = comparisons[
        (comparisons["level"] == "municipality")
        & (comparisons["area"] == "1804")
        & (comparisons["sex"] == "all")
    ]
    tables = _compare_tables(text)
    assert {"region", "referral_area", "kostra_group", "centrality"} <= set(tables)
    w = strings()
    expected_names = {
        "kostra_group": w["compare_kostra_group_named"][lang].format(code="11"),
        "centrality": w["compare_centrality_named"][lang].format(code="3"),
    }
    checked = 0
    for comparator, rows in tables.items():
        assert rows, comparator
        for row in rows:
            found = bodo[(bodo["indicator"] == row["id"]) & (bodo["comparator"] == comparator)]
            profile_period = found["period"].max()  # the latest 3-year period, as the profile
            cell = found[found["period"] == profile_period].iloc[0]
            if comparator in expected_names:
                assert row["name"] == expected_names[comparator]
            if np.isfinite(cell["comparator_value"]):
                shown = _written(row["value"], lang)
                places = len(shown.split(".")[1]) if "." in shown else 0
                assert float(shown) == pytest.approx(
                    cell["comparator_value"], abs=0.5 * 10**-places + 1e-9
                ), (comparator, row["id"])
            else:
                assert row["value"] == "–", (comparator, row["id"])
            checked += 1
    assert checked > 100
    assert w["peers_heading"][lang] in text and 'id="best-peers"' in text


def test_every_indicator_with_compared_levels_has_its_comparisons_for_the_page(site: Path) -> None:
    """compare.js asks for atlas/<id>.compare.json where the page has a level that is compared
    (municipalities, referral areas, health trusts): it must be there, or the page reports an
    error."""
    subject = {"municipality", "referral_area", "health_trust"}
    for path in (site / "atlas").glob("*.json"):
        if path.name.count(".") > 1 or path.stem in ("areas", "areas-index", "memberships"):
            continue
        view = json.loads(path.read_text(encoding="utf-8"))
        if subject & set(view["levels"]):
            assert (path.parent / f"{path.stem}.compare.json").exists(), path.stem

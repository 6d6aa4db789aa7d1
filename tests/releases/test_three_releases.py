"""Three releases of a changing synthetic Norway (``conftest.make_releases``): a year added
and an indicator redefined, then late registrations. Their addresses and the API's release
parameter, what changed and the marks, ``variatlas diff``, and the checks that refuse a
release with a broken link or a leak. The tests run in file order: the last releases C."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from variatlas.cli import app
from variatlas.publish.api import create_app
from variatlas.publish.releases import ReleaseStore
from variatlas.publish.wording import LANGUAGES
from variatlas.results import is_suppressed, read_results

pytestmark = pytest.mark.slow
runner = CliRunner()
REDEFINED = "grommets_children"  # conftest.REDEFINED
REVISED = "tonsillectomy_children"  # conftest.REVISED
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def said(result: object) -> str:
    return " ".join(str(getattr(result, "output", "")).split())


def _folder(made, release: str) -> Path:
    return ReleaseStore(made.site).find(release, drafts=True).folder


def _changes(made, release: str) -> dict:
    return json.loads((_folder(made, release) / "changes.json").read_text())


def test_every_release_is_read_at_its_address_and_through_the_api(made) -> None:
    a, b, c = made.ids
    client = TestClient(create_app(made.site))
    assert [r["id"] for r in client.get("/api/releases").json()] == [b, a]
    url = f"/api/indicators/{REVISED}/results"
    periods = {
        release: {r["period"] for r in client.get(url, params={"release": release}).json()["rows"]}
        for release in (a, b)
    }
    assert not any("2024" in p for p in periods[a]) and "2024" in periods[b]
    assert client.get(f"/releases/{a}{url}").json()["release"] == a
    page = client.get(f"/releases/{a}/nb/{REVISED}.html")
    assert page.status_code == 200 and f"({a}, " in page.text
    assert f'href="/nb/{REVISED}.html"' in page.text
    data = {r: client.get(f"/releases/{r}/atlas/{REVISED}.json").json() for r in (a, b)}
    assert "2024" in data[b]["periods"] and "2024" not in data[a]["periods"]
    preview = client.get(f"/preview/{c}/nb/whats-new.html")
    assert preview.status_code == 200 and preview.headers["x-robots-tag"].startswith("noindex")
    assert client.get(f"/releases/{c}/index.html").status_code == 404


def test_files_say_their_release_and_unchanged_ones_are_stored_once(made) -> None:
    _a, b, c = made.ids
    folders = {r: _folder(made, r) for r in made.ids}
    assert json.loads((folders[b] / "datapackage.json").read_text())["version"] == b
    catalogue = json.loads((folders[c] / "catalogue.json").read_text())
    since = {e["id"]: e["release"]["since"] for e in catalogue["indicators"]}
    # C changed only the tonsillectomies: every other indicator's figures are B's (or A's).
    assert since[REVISED] == c and since[REDEFINED] == b
    for indicator, first in since.items():
        stat = json.loads((folders[c] / "data" / f"{indicator}.jsonstat.json").read_text())
        assert stat["extension"]["release"] == first
        for ending in (".csv", ".xlsx", ".parquet", ".jsonstat.json"):
            name = f"data/{indicator}{ending}"
            same = (folders[first] / name).stat().st_ino == (folders[c] / name).stat().st_ino
            assert same, name


def test_what_changed_between_the_releases(made) -> None:
    a, b, c = made.ids
    second = _changes(made, b)
    assert second["previous"] == a and second["changes"]["years_added"] == [2024]
    assert [r["indicator"] for r in second["changes"]["indicators_redefined"]] == [REDEFINED]
    assert second["indicators"][REDEFINED]["mark"] == "revised"
    third = _changes(made, c)
    assert [r["table"] for r in third["changes"]["inputs_changed"]] == ["episodes"]
    marks = {i: m["mark"] for i, m in third["indicators"].items()}
    assert marks[REVISED] == "revised" and set(marks.values()) == {"revised", "unchanged"}
    # The late tonsillectomies of 2023 move the country's 2023 rate beyond its interval.
    beyond = third["changes"]["figures_beyond_intervals"]
    assert {r["indicator"] for r in beyond} == {REVISED}
    assert ("nation", "2023") in {(r["level"], r["period"]) for r in beyond}
    assert all("2023" in r["period"] for r in beyond)
    # What is said newly hidden or shown is what the two releases publish.
    tables = {r: pd.read_parquet(_folder(made, r) / "data" / "results.parquet") for r in (b, c)}
    key = ["indicator", "level", "area", "period", "sex"]
    flags = {
        r: {tuple(k): is_suppressed(f) for *k, f in t[[*key, "flag"]].itertuples(index=False)}
        for r, t in tables.items()
    }
    for name, before, after in (("newly_hidden", False, True), ("newly_shown", True, False)):
        for cell in third["changes"][name]:
            k = tuple(cell[c] for c in key)
            assert (flags[b][k], flags[c][k]) == (before, after), (name, k)


def test_marks_on_the_pages_the_catalogue_and_the_api(made) -> None:
    _a, b, c = made.ids
    client = TestClient(create_app(made.site))
    listed = client.get("/api/indicators", params={"release": b}).json()
    assert {i["id"]: i["mark"] for i in listed}[REDEFINED] == "revised"
    preview = f"/preview/{c}"
    page = client.get(f"{preview}/nb/{REVISED}.html").text
    assert 'class="mark mark-revised" href="whats-new.html#indicator-' + REVISED in page
    assert "mark-revised" not in client.get(f"{preview}/nb/{REDEFINED}.html").text
    assert f"whats-new.html#indicator-{REVISED}" in client.get(f"{preview}/").text
    profile = client.get(f"{preview}/en/areas/region-1.html").text
    assert "../whats-new.html#indicator-" + REVISED in profile
    for lang in LANGUAGES:
        news = client.get(f"{preview}/{lang}/whats-new.html")
        assert news.status_code == 200 and f'<html lang="{lang}"' in news.text
        assert f'id="indicator-{REVISED}" data-mark="revised"' in news.text
        assert f"../releases/{b}/" in news.text  # the release it is compared with


def test_diff_prints_each_class_of_change(made) -> None:
    a, b, c = made.ids
    both = runner.invoke(app, ["diff", a, b, "--site", str(made.site)])
    assert both.exit_code == 0, both.output
    assert "years added │ 1 │ 2024" in said(both)
    assert f"indicators redefined │ 1 │ {REDEFINED}" in said(both)
    own = runner.invoke(app, ["diff", str(_folder(made, c))])
    assert own.exit_code == 0 and "inputs changed │ 1 │ episodes" in said(own)
    assert f"{b} → {c}" in said(own)


def _replace(path: Path, content: bytes) -> bytes:
    """Write ``path`` anew (its old bytes are shared with other releases: never in place)."""
    before = path.read_bytes()
    path.unlink()
    path.write_bytes(content)
    return before


def test_a_release_with_a_broken_link_or_a_leak_is_refused(made) -> None:
    _a, b, c = made.ids
    folder = _folder(made, c)
    page = folder / "nb" / "whats-new.html"
    original = _replace(
        page, page.read_bytes().replace(b"</main>", b'<a href="gone.html">x</a></main>')
    )
    refused = runner.invoke(app, ["check", str(made.site), c, "--no-browser"])
    assert refused.exit_code == 1
    assert "links: nb/whats-new.html links to gone.html, which is not there." in said(refused)
    _replace(page, original)
    # A small count the disclosure hid, written back into the published results.
    truth = read_results(made.folder / "out-c").results
    table = folder / "data" / "results.parquet"
    published = pd.read_parquet(table)
    key = ["indicator", "level", "area", "period", "sex"]
    merged = published.merge(truth[[*key, "numerator"]], on=key, suffixes=("", "_true"))
    small = merged[merged["flag"].map(is_suppressed) & merged["numerator_true"].between(1, 4)]
    leaked = small.iloc[0]
    chosen = (published[key] == leaked[key].to_numpy()).all(axis=1)
    published.loc[chosen, ["numerator", "flag"]] = [leaked["numerator_true"], ""]
    original = _replace(table, b"")
    published.to_parquet(table, index=False)
    refused = runner.invoke(app, ["release", str(made.site), c, "--no-browser"])
    assert refused.exit_code == 1 and "is not released" in said(refused)
    assert f"disclosure: {leaked['indicator']}, {leaked['level']} {leaked['area']}" in said(refused)
    assert "below the threshold" in said(refused)
    assert made.site.resolve().name == b
    _replace(table, original)
    released = runner.invoke(app, ["release", str(made.site), c, "--no-browser"])
    assert released.exit_code == 0, said(released)
    assert os.path.basename(made.site.resolve()) == c
    client = TestClient(create_app(made.site))
    assert f"({b}, " in client.get(f"/releases/{b}/nb/{REVISED}.html").text


@pytest.mark.browser
def test_an_earlier_release_draws_its_own_data_and_passes_the_browser_check(made) -> None:
    pytest.importorskip("playwright.sync_api")
    from variatlas.publish.browser import Watched, chromium, launched, served

    if chromium() is None:
        pytest.skip("chromium is not installed")
    a, _b, _c = made.ids
    checked = runner.invoke(app, ["check", str(made.site), a])
    assert checked.exit_code == 0, said(checked)
    with launched() as browser, served(made.site) as url:
        watched = Watched(browser)
        fetched: list[str] = []
        watched.page.on("request", lambda r: fetched.append(r.url))
        page = watched.open(f"{url}releases/{a}/nb/{REVISED}.html")
        assert page.locator(".release-banner").is_visible()
        periods = page.eval_on_selector_all("#period option", "os => os.map(o => o.value)")
        assert periods and not any("2024" in p for p in periods)
        data = [u for u in fetched if u.endswith(".json") or u.endswith(".geojson")]
        assert data and all(f"/releases/{a}/" in u for u in data), data
        page.click(".release-banner a")
        page.wait_for_selector("body[data-drawn]")
        assert page.url.split("#")[0] == f"{url}nb/{REVISED}.html"
        assert page.locator(".release-banner").count() == 0
        news = watched.open(f"{url}en/whats-new.html", drawn=False)
        assert news.locator("li[data-mark] .mark").count() >= 1
        if AXE.exists():  # installed by make assets, for the tests only
            news.evaluate(AXE.read_text(encoding="utf-8"))
            violations = news.evaluate(
                """axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa',
                   'wcag21a', 'wcag21aa']}}).then(r => r.violations.map(v => v.id))"""
            )
            assert violations == []
        assert watched.problems == []
        watched.close()

"""The publication keeps its weight budgets (``publish/budgets.py``, issue 26): every script
and data file, every indicator page at referral-area and municipality level, sent with
Brotli, and every atlas's opening and chapter page (what it sends, and its elements). Over
budget, the test fails naming the file or page and its size."""

from __future__ import annotations

import fnmatch
import os
import shutil
from pathlib import Path

import brotli

from variatlas.publish.budgets import (
    DOCUMENT_BUDGETS,
    FILE_BUDGETS,
    KB,
    PAGE_BUDGETS,
    elements,
    over_budget,
    page_files,
    page_weight,
)
from variatlas.publish.profiles import is_theme_page
from variatlas.publish.static_files import precompress


def test_the_publication_keeps_every_budget(site: Path) -> None:
    found = over_budget(site)
    assert found == [], "\n".join(found)


def test_an_indicator_page_counts_its_scripts_their_imports_and_its_data(site: Path) -> None:
    page = site / "nb" / "hpv_vaccination.html"
    loaded = {
        p.relative_to(site.resolve()).as_posix() for p in page_files(site, page, "municipality")
    }
    assert {"assets/atlas.js", "assets/atlas-map.js", "assets/atlas-charts.js"} <= loaded
    assert {"assets/vendor/plot.js", "assets/vendor/d3.js", "assets/atlas.css"} <= loaded
    assert any(p.startswith("assets/vendor/chunks/") for p in loaded)
    assert {"atlas/hpv_vaccination.json", "atlas/maps/municipality.json"} <= loaded
    referral = page_weight(site, page, "referral_area")
    municipality = page_weight(site, page, "municipality")
    # Sent compressed: well under what the files weigh as they are.
    assert (
        referral
        < municipality
        < sum(p.stat().st_size for p in page_files(site, page, "municipality"))
    )


def _small_site(folder: Path, site: Path) -> Path:
    """A copy of the publication's assets, one indicator page and its data."""
    for name in ("assets", "atlas/maps"):
        shutil.copytree(site / name, folder / name, ignore=shutil.ignore_patterns("*.gz"))
    (folder / "nb").mkdir()
    shutil.copy(site / "nb" / "hpv_vaccination.html", folder / "nb")
    for name in ("hpv_vaccination.json", "hpv_vaccination.json.br", "areas.json"):
        if (site / "atlas" / name).exists():
            shutil.copy(site / "atlas" / name, folder / "atlas" / name)
    return folder


def test_a_file_over_its_budget_is_named_with_its_size(site: Path, tmp_path: Path) -> None:
    folder = _small_site(tmp_path / "site", site)
    assert over_budget(folder) == []
    # Bytes that do not compress: a script of 300 kB stays 300 kB sent.
    (folder / "assets" / "oversized.js").write_bytes(os.urandom(300 * KB))
    (folder / "atlas" / "oversized.json").write_bytes(os.urandom(250 * KB))
    precompress(folder)
    found = over_budget(folder)
    assert any(f.startswith("assets/oversized.js sends 300.") and "20 kB" in f for f in found), (
        found
    )
    assert any(f.startswith("atlas/oversized.json sends 250.") for f in found), found


def test_a_page_over_its_budget_is_named_with_its_size(site: Path, tmp_path: Path) -> None:
    folder = _small_site(tmp_path / "site", site)
    # The page's view swollen past what a page at municipality level may send.
    view = folder / "atlas" / "hpv_vaccination.json"
    text = view.read_text(encoding="utf-8")
    view.write_text(text[:-1] + ',"padding":"' + os.urandom(400 * KB).hex() + '"}', "utf-8")
    view.with_name(view.name + ".br").write_bytes(brotli.compress(view.read_bytes(), quality=1))
    found = over_budget(folder, ["nb/hpv_vaccination.html"])
    for level, budget in PAGE_BUDGETS.items():
        assert any(
            f.startswith(f"nb/hpv_vaccination.html at {level} level sends")
            and f"over its budget of {budget // KB} kB" in f
            for f in found
        ), found


def test_every_page_of_an_atlas_is_weighed(site: Path) -> None:
    """The atlas's opening page and its chapters' pages are each held to the budget; the
    whole of barn2025 on one page, as it was, would be over it."""
    pages = sorted((site / "nb" / "atlases").glob("barn2025*.html"))
    assert len(pages) == 12  # the opening page (with the first chapter) and 11 chapters
    counts = {p.name: elements(p.read_text(encoding="utf-8")) for p in pages}
    assert max(counts.values()) <= DOCUMENT_BUDGETS["elements"], counts
    assert sum(counts.values()) > DOCUMENT_BUDGETS["elements"]
    loaded = {
        p.relative_to(site.resolve()).as_posix()
        for p in page_files(site, site / "nb" / "atlases" / "barn2025.html")
    }
    assert {"assets/document.js", "assets/document-anchors.js", "assets/atlas.css"} <= loaded


def test_every_page_of_a_profile_is_weighed(site: Path) -> None:
    """A profile's overview and its theme pages are each held to the budget of a long page;
    the largest profile on one page, as it was, would be over it."""
    areas = site / "nb" / "areas"
    sizes: dict[str, int] = {}
    for page in areas.glob("*-*.html"):
        sizes[page.name] = elements(page.read_text(encoding="utf-8"))
    assert max(sizes.values()) <= DOCUMENT_BUDGETS["elements"]
    whole = {
        profile.stem: sum(n for name, n in sizes.items() if name.startswith(f"{profile.stem}-"))
        for profile in areas.glob("referral_area-*.html")
        if not is_theme_page(profile.name)
    }
    assert max(whole.values()) > DOCUMENT_BUDGETS["elements"], whole
    big = max(sizes, key=sizes.__getitem__)
    assert over_budget(site, pages=[], documents=[f"nb/areas/{big}"]) == []


def test_an_atlas_page_over_its_budget_is_named_with_its_size(site: Path, tmp_path: Path) -> None:
    folder = _small_site(tmp_path / "site", site)
    atlases = folder / "nb" / "atlases"
    atlases.mkdir()
    chapter = site / "nb" / "atlases" / "barn2025.06-atopiske-sykdommer.html"
    html = chapter.read_text(encoding="utf-8")
    _write_sent(atlases / chapter.name, html)
    assert over_budget(folder) == []
    # Its figures three times over: more elements than a phone lays out in time; and bytes.
    body = html.index("<main")
    swollen = html[:body] + html[body:] * 3 + os.urandom(DOCUMENT_BUDGETS["sent"]).hex()
    _write_sent(atlases / chapter.name, swollen)
    found = over_budget(folder)
    address = f"nb/atlases/{chapter.name}"
    assert any(
        f.startswith(f"{address} has ") and f"{DOCUMENT_BUDGETS['elements']:,}." in f for f in found
    ), found
    assert any(f.startswith(f"{address} sends ") for f in found), found


def _write_sent(page: Path, html: str) -> None:
    """A page and the Brotli beside it that a browser is sent."""
    page.write_text(html, encoding="utf-8")
    page.with_name(page.name + ".br").write_bytes(brotli.compress(html.encode(), quality=5))


def test_every_script_and_data_file_has_a_budget() -> None:
    patterns = [pattern for pattern, _ in FILE_BUDGETS]
    for name in ("assets/compare.js", "assets/vendor/plot.js", "atlas/x/comparisons.json"):
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name

"""What a page of the atlas costs a reader to load, and the budgets it must keep.

The weight of a file is what a browser that accepts Brotli is sent: its ``.br`` beside it
where ``precompress`` wrote one, else the file itself. An indicator page loads its HTML,
what the HTML links (style sheets, icon, scripts), every module those scripts import
(``import ... from "./x.js"`` or ``import("./x.js")``, followed through the chunks) and the
data ``atlas.js`` fetches: the view (``atlas/<id>.json``), the area links and the map of its
level (``atlas/maps/``). A script or a page added later is counted the same way, by what
the HTML and the imports name; a script that fetches data of its own adds it to
``PAGE_DATA``.

An atlas's pages (its opening page and each chapter's, ``document_pages``) and an area's
profile pages (its overview and each theme's, ``profiles``) are held to a budget of their
own: what they send, and how many elements their HTML has, since a long document's time on
a phone goes to parsing and laying out its HTML, not to a script (docs/performance.md).

``over_budget`` lists every file over its budget (by pattern, so a new script or data file
has one too), every indicator page over its total and every atlas or profile page over its
own, as sentences naming it and its size; ``tests/publish/test_budgets.py`` runs it on the test
publication, so ``make test`` fails on them. Budgets are kilobytes (1,000 bytes) sent.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from pathlib import Path

KB = 1000
FILE_BUDGETS: tuple[tuple[str, int], ...] = (
    ("assets/vendor/chunks/*.js", 40 * KB),
    ("assets/vendor/*.js", 90 * KB),
    ("assets/*.js", 20 * KB),
    ("assets/*.css", 15 * KB),
    ("atlas/maps/*.json", 90 * KB),
    ("atlas/*.json", 200 * KB),
    ("*.geojson", 200 * KB),
)
"""The first pattern a file's path (below the site) matches sets its budget, sent (``*``
matches across folders: ``atlas/*.json`` is every data file under ``atlas/``)."""
PAGE_BUDGETS = {"referral_area": 400 * KB, "municipality": 600 * KB}
"""An indicator page opened at each level: everything it loads, sent (issue 26)."""
PAGE_DATA = (
    "atlas/{id}.json",
    "atlas/{id}.compare.json",
    "atlas/areas.json",
    "atlas/maps/referral_area.json",
)
"""What ``atlas.js`` and ``compare.js`` fetch for every indicator page; at a level with a map
of its own ``atlas.js`` fetches ``atlas/maps/<level>.json`` too."""
OWN_MAPS = ("municipality", "dps", "county")
DOCUMENT_BUDGETS = {"sent": 60 * KB, "elements": 8_000}
"""An atlas's opening page and each of its chapters' pages, and each page of an area's
profile: everything the page loads, sent, and the elements of its HTML. barn2025 on one page
(15,800 elements, 91 kB sent) blocked a phone for 562 ms; the longest chapter of the shipped
atlases (psyk2's 04, 7,350 elements, 36 kB) blocks it for 85 ms (docs/performance.md)."""
ELEMENT = re.compile(r"<[a-zA-Z]")

IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}/[^"']+\.js)["']""")
LINKED = re.compile(
    r"""<(?:script[^>]*\bsrc|link[^>]*\brel="(?:stylesheet|icon|modulepreload)"[^>]*\bhref)="""
    r"""["']([^"']+)["']"""
)


def sent(path: Path) -> int:
    """Bytes sent for ``path`` to a browser that accepts Brotli."""
    packed = path.with_name(path.name + ".br")
    return (packed if packed.is_file() else path).stat().st_size


def _budget(relative: str) -> int | None:
    for pattern, budget in FILE_BUDGETS:
        if fnmatch.fnmatch(relative, pattern):
            return budget
    return None


def _files(site: Path) -> Iterable[Path]:
    for pattern in ("assets/**/*.js", "assets/*.css", "atlas/**/*.json", "*.geojson"):
        yield from site.glob(pattern)


def _resolve(site: Path, page: Path, address: str) -> Path | None:
    """A link of ``page`` as a file of the site (None: another host, or not there)."""
    if re.match(r"^[a-z]+:", address) or address.startswith("//"):
        return None
    found = (page.parent / address.split("?")[0].split("#")[0]).resolve()
    return found if found.is_file() and found.is_relative_to(site.resolve()) else None


def page_files(site: Path, page: Path, level: str | None = None) -> set[Path]:
    """Every file an indicator (or any) page loads: its links, their imports and, for an
    indicator page at ``level``, its data."""
    html = page.read_text(encoding="utf-8")
    found = {page.resolve()}
    scripts = [f for a in LINKED.findall(html) if (f := _resolve(site, page, a)) is not None]
    while scripts:
        script = scripts.pop()
        if script in found:
            continue
        found.add(script)
        if script.suffix == ".js":
            text = script.read_text(encoding="utf-8")
            scripts += [
                f for a in IMPORT.findall(text) if (f := _resolve(site, script, a)) is not None
            ]
    indicator = re.search(r'data-indicator="([^"]+)"', html)
    if indicator and level is not None:
        data = [d.format(id=indicator[1]) for d in PAGE_DATA]
        if level in OWN_MAPS:
            data.append(f"atlas/maps/{level}.json")
        found |= {(site / d).resolve() for d in data if (site / d).is_file()}
    return found


def page_weight(site: Path, page: Path, level: str | None = None) -> int:
    """Bytes sent to open ``page`` (at ``level``) in a browser with an empty cache."""
    return sum(sent(f) for f in page_files(site, page, level))


def elements(html: str) -> int:
    """How many elements an HTML page has (its start tags: the pages escape every ``<`` of
    their text)."""
    return len(ELEMENT.findall(html))


def over_budget(
    site: Path, pages: Iterable[str] | None = None, documents: Iterable[str] | None = None
) -> list[str]:
    """Every file, indicator page, atlas page and area profile page of ``site`` over its
    budget, in sentences. ``pages``: the indicator pages to weigh, ``documents`` the atlases'
    opening and chapter pages and the areas' profile pages (addresses below the site; default
    every bokmål one)."""
    site = site.resolve()
    found = []
    for path in sorted(_files(site)):
        relative = path.relative_to(site).as_posix()
        budget = _budget(relative)
        if budget is not None and (size := sent(path)) > budget:
            found.append(
                f"{relative} sends {size / KB:.1f} kB, over its budget of {budget // KB} kB."
            )
    if pages is None:
        pages = [f"nb/{p.stem}.html" for p in sorted(site.glob("atlas/*.json")) if _is_view(p)]
    for address in pages:
        page = site / address
        levels = _levels(site, page)
        for level, budget in PAGE_BUDGETS.items():
            if level in levels and (weight := page_weight(site, page, level)) > budget:
                found.append(
                    f"{address} at {level} level sends {weight / KB:.1f} kB, over its budget "
                    f"of {budget // KB} kB."
                )
    if documents is None:
        documents = [
            p.relative_to(site).as_posix()
            for pattern in ("nb/atlases/*.html", "nb/areas/*-*.html")
            for p in sorted(site.glob(pattern))
        ]
    for address in documents:
        found += _over_document_budget(site, address)
    return found


def _over_document_budget(site: Path, address: str) -> list[str]:
    page = site / address
    kind = "an area profile's page" if "/areas/" in address else "an atlas's page"
    found = []
    if (weight := page_weight(site, page)) > DOCUMENT_BUDGETS["sent"]:
        found.append(
            f"{address} sends {weight / KB:.1f} kB, over the budget of {kind} of "
            f"{DOCUMENT_BUDGETS['sent'] // KB} kB."
        )
    if (count := elements(page.read_text(encoding="utf-8"))) > DOCUMENT_BUDGETS["elements"]:
        found.append(
            f"{address} has {count:,} elements, over the budget of {kind} of "
            f"{DOCUMENT_BUDGETS['elements']:,}."
        )
    return found


def _is_view(path: Path) -> bool:
    return path.stem not in ("areas", "areas-index") and path.parent.name == "atlas"


def _levels(site: Path, page: Path) -> list[str]:
    view = site / "atlas" / f"{page.stem}.json"
    if not page.is_file() or not view.is_file():
        return []
    return list(json.loads(view.read_text(encoding="utf-8")).get("levels", []))

"""The checks a release passes before it goes out (``variatlas check``, ``variatlas release``).

- **disclosure**: the published tables attacked as a reader holds them
  (``variatlas.disclosure.published``): no count from 1 to the threshold − 1 shown or
  provable, in the results table the API serves and in every indicator's CSV, JSON-stat and
  page data, none of which may show a count the results table hides;
- **data package**: ``datapackage.json`` validated by frictionless, every CSV and JSON
  resource, and the spreadsheet and Parquet files of a few indicators (one writer makes
  every indicator's);
- **links**: every ``href`` and ``src`` of every page leads to a file of the release, to a
  route of the API, or to an earlier release of the site;
- **browser**: one page of each kind opened in chromium (``browser``): no console error, no
  failed request, every figure drawn.

Each finding is one sentence. A check that cannot run (chromium missing) is itself a finding,
unless it is skipped (``--no-browser``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from variatlas.disclosure.published import Rule, audit_published
from variatlas.geography import load_geography
from variatlas.publish.profiles import is_theme_page
from variatlas.publish.releases import Release, ReleaseStore
from variatlas.results import SUPPRESSED

Advance = Callable[[], None]
SAMPLED_SPREADSHEETS = 3
"""Indicators whose spreadsheet and Parquet files frictionless reads (slow to read, and all
made by the same writer)."""
_LINK = re.compile(rb"""\s(?:href|src)=["']([^"']*)["']""")
_EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "tel:", "//")
API_PATHS = re.compile(
    r"^api(/(docs|openapi\.json|themes|indicators|areas|provenance|releases)\b.*)?$"
)


@dataclass(frozen=True)
class Finding:
    """One thing a check found wrong, in a sentence."""

    check: str
    sentence: str


@dataclass(frozen=True)
class Check:
    """A check: its name, how many steps it takes (for the progress bar) and the check."""

    name: str
    steps: Callable[[Path], int]
    run: Callable[[Path, Advance], list[Finding]]


# Disclosure ------------------------------------------------------------------------------


def _rules(folder: Path) -> dict[str, Rule]:
    """Each indicator's threshold and complement rule, from the release's catalogue."""
    entries = json.loads((folder / "catalogue.json").read_text("utf-8"))["indicators"]
    rules = {}
    for entry in entries:
        persons = bool(entry.get("complement_counts_persons", True))
        bounded = entry.get("kind") in ("proportion", "coverage") or persons
        # 0 (counts of municipalities, not persons) is a threshold too: nothing is hidden.
        found = [entry.get(k) for k in ("threshold", "minimum_count")]
        threshold = next((t for t in found if t is not None), 5)
        rules[entry["id"]] = Rule(float(threshold), bounded, persons)
    return rules


def _indicators(folder: Path) -> list[str]:
    entries = json.loads((folder / "catalogue.json").read_text("utf-8"))["indicators"]
    return [e["id"] for e in entries]


KEY = ["level", "area", "period", "sex"]


def _copies(folder: Path, indicator: str) -> Iterator[tuple[str, pd.DataFrame]]:
    """The indicator's rows as its other files give them: its CSV and its page's data."""
    csv = folder / "data" / f"{indicator}.csv"
    if csv.is_file():
        yield csv.name, pd.read_csv(csv, dtype={"area": str, "period": str})
    view = folder / "atlas" / f"{indicator}.json"
    if view.is_file():
        rows = json.loads(view.read_text("utf-8")).get("rows") or {}
        yield view.name, pd.DataFrame(rows)


def _shown_elsewhere(
    folder: Path, indicator: str, rows: pd.DataFrame, rule: Rule
) -> Iterator[Finding]:
    """A count another file of the indicator shows where the results table hides it, or
    shows small."""
    hidden = rows["flag"].fillna("").astype(str).str.startswith(SUPPRESSED)
    for name, copy in _copies(folder, indicator):
        for count in ("numerator", "denominator"):
            if count not in copy:
                continue
            shown = copy[copy[count].notna()]
            small = shown[(shown[count] > 0) & (shown[count] < rule.threshold)]
            for row in small.head(3).itertuples():
                yield Finding(
                    "disclosure",
                    f"{indicator}: {name} shows the {count} {getattr(row, count):g} for "
                    f"{row.level} {row.area}, {row.period}, below the threshold.",
                )
            secret = rows[hidden & rows[count].isna()][KEY].astype(str)
            leaked = shown[KEY].astype(str).merge(secret, on=KEY)
            for row in leaked.head(3).itertuples():
                yield Finding(
                    "disclosure",
                    f"{indicator}: {name} shows the {count} of {row.level} {row.area}, "
                    f"{row.period}, which the results table hides.",
                )


def check_disclosure(folder: Path, advance: Advance) -> list[Finding]:
    results = pd.read_parquet(folder / "data" / "results.parquet")
    rules = _rules(folder)
    geography = load_geography()
    findings = []
    by_indicator = dict(tuple(results.groupby("indicator", sort=False)))
    for indicator in _indicators(folder):
        rows = by_indicator.get(indicator)
        rule = rules.get(indicator)
        if rows is not None and rule is not None and rule.threshold > 1:
            for leak in audit_published(rows, {indicator: rule}, geography):
                findings.append(Finding("disclosure", leak.sentence()))
            findings += _shown_elsewhere(folder, indicator, rows, rule)
        advance()
    return findings


# The data package ----------------------------------------------------------------------------


def _resources(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    sampled = {f"{i}-" for i in _indicators(folder)[:SAMPLED_SPREADSHEETS]}
    chosen = [
        r
        for r in descriptor.get("resources", [])
        if r.get("format") not in ("xlsx", "parquet")
        or any(r["name"].startswith(s) for s in sampled)
    ]
    return descriptor, chosen


def check_data_package(folder: Path, advance: Advance) -> list[Finding]:
    try:
        import frictionless
    except ImportError:
        return [
            Finding(
                "data package",
                "frictionless is not installed, so the data package cannot be validated: "
                "pip install 'variatlas[check]'.",
            )
        ]
    descriptor, chosen = _resources(folder)
    findings = []
    described = frictionless.Package.validate_descriptor(descriptor, basepath=str(folder))
    for task in described.tasks:
        for error in task.errors[:5]:
            findings.append(Finding("data package", f"datapackage.json: {error.message}"))
    for error in described.errors[:5]:
        findings.append(Finding("data package", f"datapackage.json: {error.message}"))
    if findings:
        return findings
    package = frictionless.Package.from_descriptor(
        {**descriptor, "resources": chosen}, basepath=str(folder)
    )
    for resource in package.resources:
        # Validated as a resource of its package, which its foreign keys (areas) need.
        report = resource.validate()
        for task in report.tasks:
            for error in task.errors[:3]:
                findings.append(Finding("data package", f"{resource.path}: {error.message}"))
        advance()
    return findings


# Links -------------------------------------------------------------------------------------


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if p.is_file())


def _base_path(folder: Path) -> str:
    """The path the site is served at (``publish --base-url``), which the 404 pages' links
    start from: read from the ``Sitemap:`` line of ``robots.txt``."""
    try:
        for line in (folder / "robots.txt").read_text("utf-8").splitlines():
            if line.startswith("Sitemap:"):
                return urlsplit(line.split(":", 1)[1].strip()).path.removesuffix("sitemap.xml")
    except OSError:
        pass
    return "/"


def _target_exists(folder: Path, page: Path, link: str, base: str, releases: set[str]) -> bool:
    target = unquote(urlsplit(link).path)
    if not target:
        return True  # a fragment or a query of the page itself
    root = folder.resolve()
    if target.startswith("/"):
        if not target.startswith(base):
            return False
        resolved = (root / target.removeprefix(base)).resolve()
    else:
        resolved = (page.parent / target).resolve()
    if resolved != root and root not in resolved.parents:
        return False
    relative = resolved.relative_to(root).as_posix()
    other = re.match(r"^releases/([^/]+)(/|$)", relative)
    if other:  # an earlier release of the site, read under /releases/<id>/
        return other.group(1) in releases
    if API_PATHS.match(relative):
        return True
    return resolved.is_file() or (resolved / "index.html").is_file()


def check_links(folder: Path, advance: Advance, releases: set[str] | None = None) -> list[Finding]:
    findings = []
    known = releases if releases is not None else set()
    base = _base_path(folder)
    for page in _pages(folder):
        broken = set()
        for match in _LINK.finditer(page.read_bytes()):
            link = match.group(1).decode("utf-8", "replace").strip()
            if not link or link.startswith(_EXTERNAL) or link.startswith("#"):
                continue
            if not _target_exists(folder, page, link, base, known):
                broken.add(link)
        for link in sorted(broken)[:5]:
            where = page.relative_to(folder).as_posix()
            findings.append(Finding("links", f"{where} links to {link}, which is not there."))
        advance()
    return findings


# The browser --------------------------------------------------------------------------------


def sample_pages(folder: Path) -> list[str]:
    """One page of each kind of the release (and the front page in English)."""
    indicators = _indicators(folder)
    wanted = ["index.html", "en/index.html"]
    if indicators:
        wanted.append(f"nb/{indicators[0]}.html")
        entries = json.loads((folder / "catalogue.json").read_text("utf-8"))["indicators"]
        published = [e["id"] for e in entries if e.get("published_by")]
        if published:
            wanted.append(f"en/{published[0]}.html")
    wanted += ["nb/areas/index.html", "nb/whats-new.html"]
    profiles = sorted(folder.glob("nb/areas/referral_area-*.html"))
    themes = [p for p in profiles if is_theme_page(p.name)]
    overviews = [p for p in profiles if p not in themes]
    # An atlas's opening page (``<id>.html``) and a chapter's page (``<id>.<chapter>.html``).
    atlases = sorted(folder.glob("nb/atlases/*.html"))
    openings = [p for p in atlases if p.name.count(".") == 1]
    chapters = [p for p in atlases if p.name.count(".") == 2]
    for found in (overviews, themes, openings, chapters):
        if found:
            wanted.append(found[0].relative_to(folder).as_posix())
    return [p for p in wanted if (folder / p).is_file()]


def check_pages(site: Path, release: Release) -> Check:
    """The browser check of ``release`` of ``site``, served as ``variatlas serve`` serves it
    (a draft under /preview/<id>/, a release under /releases/<id>/)."""

    def run(folder: Path, advance: Advance) -> list[Finding]:
        from variatlas.publish.browser import BrowserMissing, launched

        try:
            with launched() as browser:
                return _open_pages(browser, site, release, folder, advance)
        except BrowserMissing as error:
            return [Finding("browser", str(error))]

    return Check("browser", lambda folder: len(sample_pages(folder)), run)


def _open_pages(
    browser: Any, site: Path, release: Release, folder: Path, advance: Advance
) -> list[Finding]:
    from variatlas.publish.browser import Watched, missing_figures, served

    findings = []
    where = "preview" if release.status == "draft" else "releases"
    with served(site) as url:
        for path in sample_pages(folder):
            watched = Watched(browser)
            try:
                drawn = re.match(r"^(nb|nn|en)/[^/]+\.html$", path) is not None
                drawn = drawn and not path.endswith(("whats-new.html", "index.html"))
                page = watched.open(f"{url}{where}/{release.id}/{path}", drawn=drawn)
                missing = missing_figures(page)
            except Exception as error:  # a page that never draws: a timeout
                findings.append(Finding("browser", f"{path} did not load whole: {error}."))
                watched.close()
                advance()
                continue
            for problem in watched.problems[:3]:
                findings.append(Finding("browser", f"{path}: {problem}."))
            if missing:
                findings.append(
                    Finding("browser", f"{path} shows empty figures: {', '.join(missing)}.")
                )
            watched.close()
            advance()
    return findings


def release_checks(site: Path, release: Release, *, browser: bool = True) -> list[Check]:
    """The checks of one release of ``site`` (the browser's unless told not to)."""
    known = {r.id for r in ReleaseStore(site).releases()}
    found = [
        Check("disclosure", lambda f: len(_indicators(f)), check_disclosure),
        Check("data package", lambda f: len(_resources(f)[1]), check_data_package),
        Check("links", lambda f: len(_pages(f)), lambda f, a: check_links(f, a, known)),
    ]
    if browser:
        found.append(check_pages(site, release))
    return found

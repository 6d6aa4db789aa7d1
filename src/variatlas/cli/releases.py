"""The commands of releases and of serving them: ``publish`` (a release; ``--draft`` a draft),
``serve``, ``releases``, ``check``, ``release`` and ``diff`` (docs/releases.md)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from variatlas.cli.commands import app
from variatlas.cli.failures import reported
from variatlas.cli.report import console, errors, progress_bar

if TYPE_CHECKING:
    from variatlas.publish.checks import Finding
    from variatlas.publish.releases import Release, ReleaseStore

Site = Annotated[Path, typer.Argument(help="The site (a folder made by variatlas publish).")]
NoBrowser = Annotated[
    bool,
    typer.Option(
        "--no-browser", help="Skip the pages in chromium (when chromium is not installed)."
    ),
]
EXAMPLES = 3


@app.command()
@reported
def publish(
    results: Annotated[Path, typer.Argument(help="A folder made by variatlas compute.")],
    site: Annotated[Path, typer.Argument(help="The publication folder (replaced atomically).")],
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Where SITE will be served (default http://127.0.0.1:8000/): the sitemap's "
            "links start there, and the atlas boxes' embed code is absolute from it."
        ),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option(
            help="Print each atlas page to a PDF beside it (needs chromium; --no-pdf skips)."
        ),
    ] = True,
    atlas: Annotated[
        list[Path] | None,
        typer.Option(
            help="An atlas document folder of your own to publish beside the shipped ones "
            "(docs/documents.md); repeat for more.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    draft: Annotated[
        bool,
        typer.Option("--draft", help="Make a draft, shown only under /preview/ until released."),
    ] = False,
    note: Annotated[str | None, typer.Option(help="Release note (default: what changed).")] = None,
    note_file: Annotated[Path | None, typer.Option(help="A text file with the note.")] = None,
    earlier: Annotated[
        list[Path] | None,
        typer.Option(
            help="A release published before (a publication's folder); repeat for each. "
            "No small count of it or of this release may be recoverable from them together."
        ),
    ] = None,
) -> None:
    """Suppress small numbers, then write a release (open data, API files, atlas) to SITE."""
    from variatlas.documents import load_atlas, shipped_atlases
    from variatlas.geography import load_geography
    from variatlas.indicators.model import load_catalogue
    from variatlas.pipeline import disclose, earlier_releases
    from variatlas.pipeline import publish as write_site
    from variatlas.publish.atlas import AssetsMissing, check_assets
    from variatlas.publish.pdf import chromium_path
    from variatlas.publish.static_files import DEFAULT_BASE_URL, BaseUrlInvalid, site_files
    from variatlas.publish.static_files import base_url as served_at
    from variatlas.results import ResultsMissing, is_suppressed, read_results

    text = release_note(note, note_file)
    try:
        check_assets()
        extra = site_files(base_url or DEFAULT_BASE_URL)
        found = read_results(results)
    except (AssetsMissing, BaseUrlInvalid, ResultsMissing) as error:
        errors.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    chromium = chromium_path() if pdf else None  # before the work: one sentence if missing
    catalogue, geography = load_catalogue(), load_geography()
    for own in atlas or []:
        load_atlas(own, catalogue)  # its faults now, not after disclosure control
    with progress_bar() as progress:
        task = progress.add_task("Disclosure control", total=found.results["indicator"].nunique())

        def advance(name: str) -> None:
            progress.update(task, description=f"Disclosure control: {name}")
            progress.advance(task)

        disclosed = disclose(
            found,
            catalogue=catalogue,
            geography=geography,
            on_indicator=advance,
            earlier=[*(earlier or []), *earlier_releases(site)],
        )
    folder = write_site(
        disclosed,
        site,
        catalogue=catalogue,
        geography=geography,
        extra=extra,
        atlases=[*shipped_atlases(), *atlas] if atlas else None,
        report=lambda sentence: console.print(sentence, markup=False, highlight=False),
        note=text,
        draft=draft,
        base_url=served_at(base_url) if base_url else None,
        pdf=pdf,
        chromium=chromium,
    )
    suppressed = disclosed.results["flag"].map(is_suppressed).sum()
    pdfs = len(list(folder.glob("*/atlases/*.pdf")))
    console.print(
        f"Published {disclosed.results['indicator'].nunique()} indicators "
        f"({len(disclosed.results):,} rows, {suppressed:,} suppressed)"
        + (f" and {pdfs} atlas PDFs" if pdf else "")
        + f" to {site}. "
        + published_note(site, folder, draft)
    )


def release_note(note: str | None, note_file: Path | None) -> str | None:
    """The note given on the command line, or read from a file."""
    if note is not None and note_file is not None:
        raise typer.BadParameter("give --note or --note-file, not both", param_hint="--note")
    if note_file is None:
        return note
    try:
        return note_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise typer.BadParameter(
            f"{note_file} cannot be read ({error})", param_hint="--note-file"
        ) from None


def published_note(site: Path, folder: Path, draft: bool) -> str:
    """What to say after ``publish``: the release made, or the draft and how to release it."""
    if draft:
        return (
            f"Draft {folder.name}: `variatlas serve {site}` shows it at /preview/{folder.name}/; "
            f"`variatlas release {site} {folder.name}` checks and releases it."
        )
    return f"Release {folder.name} is shown at the site's root; earlier ones at /releases/<id>/."


def _store(site: Path) -> ReleaseStore:
    from variatlas.publish.releases import ReleaseStore

    store = ReleaseStore(site)
    if not store.exists():
        errors.print(f"[red]{site} has no releases: run variatlas publish first.[/red]")
        raise typer.Exit(2)
    return store


def _chosen(store: ReleaseStore, release_id: str | None, *, draft_first: bool) -> Release:
    """The release named, else the newest draft (else, unless only drafts will do, the
    newest release)."""
    if release_id is not None:
        return store.find(release_id, drafts=True)
    found = store.newest_draft() or (None if draft_first else store.newest())
    if found is None:
        errors.print(f"[red]{store.site} has no draft: make one with publish --draft.[/red]")
        raise typer.Exit(2)
    return found


@app.command()
@reported
def serve(
    site: Annotated[Path, typer.Argument(help="A folder made by variatlas publish.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the atlas and the read-only JSON API (/api, docs at /api/docs), every earlier
    release at /releases/<id>/ and drafts at /preview/<id>/."""
    import uvicorn

    from variatlas.publish.api import create_app

    if not (site / "catalogue.json").exists():
        errors.print(f"[red]{site} is not a publication: run variatlas publish first.[/red]")
        raise typer.Exit(2)
    console.print(
        f"Serving the atlas in {site} at http://{host}:{port}/ (English: /en/; "
        "API docs: /api/docs; earlier releases: /releases/<id>/). Ctrl-C stops."
    )
    uvicorn.run(create_app(site), host=host, port=port, log_level="warning")


@app.command()
@reported
def releases(site: Site) -> None:
    """List the releases of SITE, newest first, and its drafts."""
    store = _store(site)
    newest = store.newest()
    table = Table(title=f"Releases of {site}")
    for column in ("id", "status", "date", "indicators", "note"):
        table.add_column(column)
    for found in store.releases(drafts=True):
        status = "newest" if newest is not None and found.id == newest.id else found.status
        table.add_row(
            found.id, status, found.date, str(found.counts.get("indicators", "")), found.note
        )
    console.print(table)


def run_checks(site: Path, release: Release, browser: bool) -> list[Finding]:
    """Every check of ``release``, with a progress bar; the findings."""
    from variatlas.publish.checks import release_checks

    found: list[Finding] = []
    checks = release_checks(site, release, browser=browser)
    with progress_bar() as progress:
        for check in checks:
            task = progress.add_task(f"Checking {check.name}", total=check.steps(release.folder))
            found += check.run(release.folder, functools.partial(progress.advance, task))
            progress.update(task, completed=progress.tasks[task].total)
    if not browser:
        console.print("The pages were not opened in a browser (--no-browser).")
    return found


def _say(findings: list[Finding]) -> None:
    for finding in findings:
        errors.print(f"[red]{finding.check}: {finding.sentence}[/red]")


@app.command()
@reported
def check(
    site: Site,
    release_id: Annotated[
        str | None, typer.Argument(help="A release or draft id (default: the newest draft).")
    ] = None,
    no_browser: NoBrowser = False,
) -> None:
    """Check a release: disclosure, the data package, links, and pages in a browser.

    One sentence per finding; exits with 1 when there are findings.
    """
    store = _store(site)
    chosen = _chosen(store, release_id, draft_first=False)
    findings = run_checks(site, chosen, not no_browser)
    if findings:
        _say(findings)
        errors.print(f"[red]{chosen.id}: {len(findings)} findings.[/red]")
        raise typer.Exit(1)
    console.print(f"{chosen.id} passes every check.")


@app.command()
@reported
def release(
    site: Site,
    release_id: Annotated[
        str | None, typer.Argument(help="The draft to release (default: the newest).")
    ] = None,
    no_browser: NoBrowser = False,
    discard: Annotated[
        bool,
        typer.Option("--discard", help="Discard the draft instead (and the files only it held)."),
    ] = False,
) -> None:
    """Release a draft: its checks first (variatlas check), then the site shows it.

    Refuses, with the findings, when a check finds anything.
    """
    store = _store(site)
    chosen = _chosen(store, release_id, draft_first=True)
    if chosen.status != "draft":
        errors.print(f"[red]{chosen.id} is released already.[/red]")
        raise typer.Exit(2)
    if discard:
        with store.lock():
            store.discard(chosen.id)
        console.print(f"Draft {chosen.id} discarded.")
        return
    findings = run_checks(site, chosen, not no_browser)
    if findings:
        _say(findings)
        errors.print(f"[red]{chosen.id} is not released: {len(findings)} findings.[/red]")
        raise typer.Exit(1)
    with store.lock():
        store.promote(chosen.id)
    console.print(f"Released {chosen.id}: {site} shows it; /releases/{chosen.id}/ keeps it.")


@app.command()
@reported
def diff(
    a: Annotated[str, typer.Argument(help="The earlier release: a folder, or an id of --site.")],
    b: Annotated[
        str | None,
        typer.Argument(help="The later release (default: A's own changes since the one before)."),
    ] = None,
    site: Annotated[Path | None, typer.Option(help="The site whose release ids A and B are.")] = (
        None
    ),
) -> None:
    """What changed between two releases: one line per class of change, with examples."""
    from variatlas.publish.changes import compare, read_changes, tables_of

    first = _folder(a, site)
    if b is None:
        changes = read_changes(first)
        if changes is None:
            errors.print(f"[red]{first} records no changes: name two releases.[/red]")
            raise typer.Exit(2)
    else:
        changes = compare(tables_of(first), tables_of(_folder(b, site)))
        changes["previous"], changes["release"] = _name(first), _name(_folder(b, site))
    print_changes(changes)


def _folder(given: str, site: Path | None) -> Path:
    from variatlas.publish.releases import ReleaseStore

    path = Path(given)
    if (path / "catalogue.json").is_file():
        return path.resolve()
    if site is not None:
        return ReleaseStore(site).find(given, drafts=True).folder
    errors.print(f"[red]{given} is not a publication folder; name release ids with --site.[/red]")
    raise typer.Exit(2)


def _name(folder: Path) -> str:
    import json

    record = folder / "release.json"
    if record.is_file():
        return str(json.loads(record.read_text(encoding="utf-8"))["id"])
    return str(folder)


def _example(record: Any) -> str:
    if not isinstance(record, dict):
        return str(record)
    if "table" in record:
        return str(record["table"])
    if "level" not in record:
        return str(record.get("indicator", record))
    where = f"{record['indicator']} {record['level']} {record.get('area', '')} {record['period']}"
    if "value_before" in record:
        return f"{where}: {record['value_before']:.4g} → {record['value_after']:.4g}"
    return where


def print_changes(changes: dict[str, Any]) -> None:
    """The changes as a table: each class of change, how many, and a few examples."""
    from variatlas.publish.changes import CLASSES

    title = f"{changes.get('previous') or '(nothing)'} → {changes.get('release') or ''}"
    table = Table(title=f"What changed: {title}")
    table.add_column("change")
    table.add_column("count", justify="right")
    table.add_column("examples")
    for name in CLASSES:
        found = changes["changes"].get(name, [])
        examples = "; ".join(_example(r) for r in found[:EXAMPLES])
        table.add_row(name.replace("_", " "), f"{len(found):,}", examples)
    console.print(table)
    marks: dict[str, int] = {}
    for found in changes.get("indicators", {}).values():
        marks[found["mark"]] = marks.get(found["mark"], 0) + 1
    console.print("Indicators: " + ", ".join(f"{n} {m}" for m, n in sorted(marks.items())) + ".")

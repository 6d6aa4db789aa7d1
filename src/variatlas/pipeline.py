"""The way from an input folder to a publication: validate → compute → disclose → publish.

Plain functions, each taking the catalogue, the geography and the engine options once and
handing them down (the shipped catalogue and the 2026 allocation when not given); the
command line (``variatlas.cli``) only parses options and reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from variatlas.compute import ComputeOutput, compute_indicators
from variatlas.compute.provenance import provenance
from variatlas.compute.reuse import (
    VALIDATION_KEY,
    Previous,
    link_outputs,
    previous_run,
    reused_validation,
    validation_key,
)
from variatlas.compute.update import Reuse
from variatlas.contract import FolderReport, ReadOptions, shipped_population, validate_folder
from variatlas.disclosure import DisclosedResults, release
from variatlas.disclosure import disclose as disclose_results
from variatlas.engine import EngineOptions, open_engine
from variatlas.engine.partitions import table_digests
from variatlas.folders import replaced_whole
from variatlas.geography import Geography, load_geography
from variatlas.geography.placement import placement_for
from variatlas.indicators.model import Indicator, load_catalogue
from variatlas.publish.releases import ReleaseStore
from variatlas.publish.site import publish as publish_site
from variatlas.results import (
    ResultSet,
    holds_results,
    read_published,
    write_provenance,
    write_results,
)

Progress = Callable[[str], None]


class InputRefused(ValueError):
    """An input folder with a file that cannot be read at all."""


def validate(
    input: Path,
    out: Path,
    *,
    geography: Geography | None = None,
    engine: EngineOptions | None = None,
    read: ReadOptions | None = None,
    progress: Progress | None = None,
) -> FolderReport:
    """Check every table of ``input`` against the contract and place it in the geography.

    The rules run on the engine (DuckDB unless told otherwise). Accepted rows go to
    ``out/accepted``, set-aside rows with their reasons to ``out/set_aside`` and the report
    to ``out/validation.json``.
    """
    geography = geography or load_geography()
    store = open_engine(engine or EngineOptions())
    try:
        return validate_folder(
            input, out, store, placement_for(geography), progress=progress, options=read
        )
    finally:
        store.close()


def validated(
    input: Path,
    out: Path,
    *,
    geography: Geography,
    engine: EngineOptions | None = None,
    read: ReadOptions | None = None,
    previous: Previous | None = None,
) -> Path:
    """``input`` itself when it is a validated folder, else validate it into ``out/validated``
    (the ``previous`` run's validation, linked, where it validated the same files the same
    way)."""
    if (input / "accepted").is_dir():
        return input
    target = out / "validated"
    key = validation_key(input, read)
    if previous is not None and reused_validation(previous, key, target):
        return target
    report = validate(input, target, geography=geography, engine=engine, read=read)
    if report.refused:
        names = "; ".join(f"{r.file}: {r.refused}" for r in report.refused.values())
        raise InputRefused(
            f"The input folder {input} cannot be used until these are mended: {names}"
        )
    (target / VALIDATION_KEY).write_text(key + "\n", encoding="utf-8")
    return target


def compute(
    input: Path,
    out: Path,
    *,
    catalogue: Mapping[str, Indicator] | None = None,
    geography: Geography | None = None,
    engine: EngineOptions | None = None,
    read: ReadOptions | None = None,
    indicators: list[str] | None = None,
    on_indicator: Progress | None = None,
    reuse: Path | None = None,
    full: bool = False,
) -> ComputeOutput:
    """Compute every catalogue indicator (or those named) on ``input`` into ``out``.

    ``input`` is an input folder (validated first, into ``out/validated``) or a folder made
    by ``validate``. Writes ``results``, ``variation`` and ``provenance.json`` into a new
    folder that replaces ``out`` only when complete (``variatlas.folders``), so a run that
    fails or is killed leaves the previous results whole.

    What the last run in ``out`` (or in ``reuse``) computed from the same inputs and
    definitions is reused, and the output is the same bytes as a full run's
    (``variatlas.compute.update``); ``full`` computes everything again.
    """
    started = time.time()
    catalogue = catalogue or load_catalogue()
    geography = geography or load_geography()
    options = engine or EngineOptions()
    if reuse is not None and full:
        raise ValueError("give --reuse or --full, not both")
    with replaced_whole(out, ours=holds_results) as new:
        previous = None if full else previous_run(reuse if reuse is not None else out)
        if reuse is not None and previous is None:
            raise InputRefused(
                f"{reuse} holds no earlier run of variatlas compute to reuse (no "
                "cache/manifest.json beside its results): name the OUT of an earlier run"
            )
        folder = validated(
            input, new, geography=geography, engine=options, read=read, previous=previous
        )
        chosen = [catalogue[i] for i in indicators] if indicators else list(catalogue.values())
        tables = table_digests(folder / "accepted", previous.tables() if previous else None)
        running = open_engine(options, folder / "accepted")
        try:
            output = compute_indicators(
                running,
                chosen,
                geography,
                on_indicator,
                events_only=shipped_population(folder),
                reuse=Reuse(tables, previous),
            )
        finally:
            running.close()
        if not output.years:
            raise InputRefused(
                f"The population table in {input} has no accepted rows, so there is nothing "
                "to compute: see the validation report for why its rows were set aside"
            )
        output.provenance = provenance(
            folder,
            options.name,
            chosen,
            output.years,
            time.time() - started,
            output.problems,
            output.assumed_empty,
            output.coverage,
            output.reuse,
        )
        if output.unchanged and previous is not None:
            link_outputs(previous.folder, new)
            write_provenance(new, output.provenance)
        else:
            write_results(new, output.results, output.variation, output.provenance)
        if output.kept is not None:
            output.kept.write(new, output.years, [i.id for i in chosen])
    if output.unchanged:
        # Read, if asked for, from this run's folder (the last run's may be pruned).
        output.frames = out.resolve()
    return output


def disclose(
    found: ResultSet,
    *,
    catalogue: Mapping[str, Indicator] | None = None,
    geography: Geography | None = None,
    on_indicator: Progress | None = None,
    earlier: Iterable[Path] = (),
) -> DisclosedResults:
    """Apply disclosure control to what ``compute`` wrote (``variatlas.results.read_results``).

    ``earlier`` are the folders of releases published before (a publication, or a release in
    its archive): a reader may hold them all, so no small count of any of them, or of this
    one, may be recoverable from them together (docs/disclosure.md, "Releases together").
    """
    return disclose_results(
        found.results,
        found.variation,
        found.provenance,
        catalogue=catalogue or load_catalogue(),
        geography=geography or load_geography(),
        on_indicator=on_indicator,
        earlier=[release(str(folder), read_published(folder)) for folder in earlier],
    )


def publish(
    disclosed: DisclosedResults,
    site: Path,
    *,
    catalogue: Mapping[str, Indicator] | None = None,
    geography: Geography | None = None,
    extra: Callable[[Path], None] | None = None,
    atlases: Iterable[Path] | None = None,
    report: Callable[[str], None] | None = None,
    note: str | None = None,
    draft: bool = False,
    base_url: str | None = None,
    pdf: bool = False,
    chromium: str | None = None,
) -> Path:
    """Write a release (open data, the API's files, the atlas) and swap it in at ``site``.

    Every earlier release stays readable (``variatlas.publish.releases``); a ``draft`` is
    stored without being shown (``variatlas release`` shows it once its checks pass).
    ``note`` is the release note (default: what changed, in a sentence). ``extra`` adds files
    to the new publication before it is stored (a plugin's pages); ``atlases`` are the atlas
    documents drawn as pages (default: the shipped ones); ``report`` is told, in a sentence
    each, of an optional atlas left out. ``base_url`` is where it will be served (the atlas
    boxes' embed snippets; else relative); ``pdf``: each atlas page printed to a PDF by
    ``chromium`` (``variatlas.publish.pdf``; the command ``variatlas publish`` does unless
    ``--no-pdf``). Returns the release's folder.
    """
    return publish_site(
        disclosed,
        site,
        catalogue=catalogue or load_catalogue(),
        geography=geography or load_geography(),
        extra=extra,
        atlases=atlases,
        report=report,
        note=note,
        draft=draft,
        base_url=base_url,
        pdf=pdf,
        chromium=chromium,
    )


def earlier_releases(site: Path) -> list[Path]:
    """The folders of the releases ``site`` has made, newest first: what a reader may hold
    beside a new release (for an audit of the new release together with them)."""
    return [release.folder for release in ReleaseStore(site).releases()]

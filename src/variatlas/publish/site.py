"""Building a release in a fresh folder and storing it only when complete (``releases``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from variatlas import __version__
from variatlas.disclosure import DisclosedResults
from variatlas.folders import check_target
from variatlas.geography import (
    Geography,
    county_boundaries,
    dps_boundaries,
    municipality_boundaries,
    peer_group_names,
)
from variatlas.geography.maps import inset_polygons
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import comparator_of, write_atlas
from variatlas.publish.changes import Tables, compare, summary, tables_of, write_changes
from variatlas.publish.document_choice import choose_documents
from variatlas.publish.document_pages import printed_pages
from variatlas.publish.documents import atlas_listing, load_documents, write_documents
from variatlas.publish.map_paths import write_map_paths
from variatlas.publish.opendata import Earlier, Stamp, data_package, same_figures, write_open_data
from variatlas.publish.pdf import chromium_path, print_pages
from variatlas.publish.peers import memberships, write_peers
from variatlas.publish.profiles import write_profiles
from variatlas.publish.releases import Release, ReleaseStore, content_id
from variatlas.publish.static_files import finish_publication
from variatlas.publish.whats_new import write_whats_new
from variatlas.publish.wording import LANGUAGES


def publish(
    disclosed: DisclosedResults,
    site: Path,
    *,
    catalogue: Mapping[str, Indicator],
    geography: Geography,
    extra: Callable[[Path], None] | None = None,
    atlases: Iterable[Path] | None = None,
    report: Callable[[str], None] | None = None,
    note: str | None = None,
    draft: bool = False,
    base_url: str | None = None,
    pdf: bool = False,
    chromium: str | None = None,
) -> Path:
    """Write a release of the publication and, unless a ``draft``, make ``site`` show it.

    The files are written into a new folder in the site's release store (``releases``),
    shared with earlier releases where they are the same bytes, and ``site`` becomes a
    symbolic link to it in one ``rename`` (``variatlas.folders``): a reader sees the old
    release or the new one, never half of one, and a crash leaves the old one whole. A draft
    is stored but not shown (``variatlas release`` shows it once its checks pass). What
    changed since the release the site shows is computed once, into ``changes.json``, and
    marked on the pages; ``note`` is the release note (default: a sentence of what changed).
    ``extra`` adds files to the new folder (a plugin's pages). ``atlases`` are the atlas
    document folders drawn as pages (default: the shipped ones, ``variatlas.documents``); a
    number in their texts that would print a hidden cell stops the publication
    (``PlaceholderRefused``), except in an optional atlas (the demo's), which these results
    cannot draw whole and which is left out: ``report`` is told why, in a sentence
    (``publish.document_choice``). ``base_url``: the address the publication will be served
    at (``static_files.base_url``), for the absolute addresses in the atlas boxes' embed
    snippets (else relative). ``pdf``: print each atlas whole to a PDF beside its opening page
    with ``chromium`` (default: found as ``pdf.chromium_path`` says; ``PdfUnavailable`` before
    anything is written if there is none), from a page of the whole atlas written into a
    temporary folder for it alone. Returns the new release's folder.
    """
    if not isinstance(disclosed, DisclosedResults):
        raise TypeError("publish takes DisclosedResults, made by variatlas.disclosure.disclose")
    documents, left_out = choose_documents(load_documents(atlases, catalogue), disclosed, catalogue)
    if report is not None:
        for sentence in left_out:
            report(sentence)
    printer = chromium_path(chromium) if pdf else None
    store = ReleaseStore(site)
    check_target(site, lambda folder: (folder / "datapackage.json").exists())
    with (
        store.lock(),
        store.building() as new,
        tempfile.TemporaryDirectory(prefix="variatlas-print-") as whole,
    ):
        previous = store.newest()
        before = _tables(previous)
        record, changes = _record(disclosed, store, previous, before, note)
        earlier = _earlier(previous, before)
        downloads = write_open_data(
            disclosed,
            catalogue,
            new,
            geography,
            comparator_of(disclosed),
            release=record["id"],
            earlier=earlier,
        )
        since = _since(new, downloads, earlier, record["id"])
        published = [catalogue[i] for i in downloads]
        _write_catalogue(new, disclosed, published, downloads, geography, record, changes, since)
        write_changes(new, changes)
        marks = {i: str(found["mark"]) for i, found in changes["indicators"].items()}
        listing = {lang: atlas_listing(documents, lang) for lang in LANGUAGES}
        computed = {i: stamp.updated for i, stamp in since.items() if stamp.updated}
        write_atlas(
            disclosed, catalogue, downloads, new, geography, listing, marks=marks, computed=computed
        )
        write_peers(disclosed, catalogue, downloads, new, geography)
        pages = write_documents(
            documents,
            disclosed,
            catalogue,
            downloads,
            new,
            marks=marks,
            base_url=base_url,
            pdf=pdf,
            printing=Path(whole) if printer is not None else None,
        )
        write_profiles(disclosed, catalogue, downloads, new, marks=marks)
        write_whats_new(new, changes, record, catalogue, comparator_of(disclosed))
        if printer is not None:
            print_pages(printed_pages(pages, new, Path(whole)), printer)
        if extra is not None:
            extra(new)
        finish_publication(new)
        release = store.add(new, record, draft=draft)
    return release.folder


def _record(
    disclosed: DisclosedResults,
    store: ReleaseStore,
    previous: Release | None,
    before: Tables | None,
    note: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The new release's record (``release.json``) and what changed since ``previous``."""
    made = dt.datetime.now(dt.UTC)
    release_id = content_id(made.date(), content_digest(disclosed), store.ids())
    after = Tables(disclosed.results, disclosed.variation, disclosed.provenance, {"id": release_id})
    changes = compare(before, after)
    record = {
        "id": release_id,
        "date": made.date().isoformat(),
        "made_at": made.isoformat(),
        "note": note if note and note.strip() else summary(changes),
        "previous": previous.id if previous else None,
        "counts": _counts(disclosed, changes),
        "variatlas_version": __version__,
    }
    return record, changes


MAP_DECIMALS = 3
"""Decimals of a degree the maps keep (about 100 m, a pixel of the atlas's map at most), as the
shipped municipality, DPS and county maps do."""


def rounded(geo: dict[str, Any], places: int = MAP_DECIMALS) -> dict[str, Any]:
    """A GeoJSON's coordinates rounded to ``places`` decimals. A ring that rounding turns
    inside out or flat (a sliver a few metres wide) is left out, since d3 reads a ring's
    direction as which side of it is inside: the wrong way round, it would cover the globe.
    A feature's ``inset`` polygons are found again (``geography.maps.inset_polygons``)."""
    for feature in geo["features"]:
        geometry = feature["geometry"]
        multi = geometry["type"] == "MultiPolygon"
        polygons = []
        for polygon in geometry["coordinates"] if multi else [geometry["coordinates"]]:
            rings = [_rounded_ring(ring, places) for ring in polygon]
            if rings[0] is not None:
                polygons.append([ring for ring in rings if ring is not None])
        geometry["coordinates"] = polygons if multi else polygons[0]
        if "inset" in feature["properties"]:
            feature["properties"]["inset"] = inset_polygons(geometry)
    return geo


def _rounded_ring(ring: list[list[float]], places: int) -> list[list[float]] | None:
    """A ring rounded, or None if rounding flattens it or turns it the other way round."""
    points = [[round(x, places), round(y, places)] for x, y, *_ in ring]
    before, after = _signed_area(ring), _signed_area(points)
    return points if after != 0 and (before > 0) == (after > 0) else None


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def content_digest(disclosed: DisclosedResults) -> str:
    """A hash of what a release publishes: its results, variation summaries, definitions and
    inputs (the release id's second half)."""
    digest = hashlib.sha256()
    for frame in (disclosed.results, disclosed.variation):
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    kept = {k: disclosed.provenance.get(k) for k in ("indicators", "inputs", "years")}
    digest.update(json.dumps(kept, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _tables(previous: Release | None) -> Tables | None:
    """What a reader holds of the release before (None: there is none, or it was made before
    releases had their tables in data/)."""
    if previous is None or not (previous.folder / "data" / "results.parquet").is_file():
        return None
    return tables_of(previous.folder)


def _counts(disclosed: DisclosedResults, changes: Mapping[str, Any]) -> dict[str, int]:
    results = disclosed.results
    hidden = results["flag"].fillna("").astype(str).str.startswith("suppressed")
    return {
        "indicators": int(results["indicator"].nunique()),
        "rows": len(results),
        "suppressed": int(hidden.sum()),
        **{k: int(v) for k, v in changes["counts"].items()},
    }


def _earlier(previous: Release | None, before: Tables | None) -> dict[str, Earlier]:
    """The release before's CSV and stamp of each of its indicators."""
    if previous is None or before is None:
        return {}
    try:
        entries = json.loads((previous.folder / "catalogue.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    found = {}
    for entry in entries.get("indicators", []):
        stamp = entry.get("release") or {}
        if stamp.get("since"):
            csv = previous.folder / "data" / f"{entry['id']}.csv"
            found[entry["id"]] = (csv, Stamp(stamp["since"], stamp.get("updated", "")))
    return found


def _since(
    folder: Path, downloads: Mapping[str, Any], earlier: Mapping[str, Earlier], release: str
) -> dict[str, Stamp]:
    """Each indicator's stamp, as ``write_open_data`` chose it."""
    found = {}
    for indicator in downloads:
        before = earlier.get(indicator)
        written = folder / "data" / f"{indicator}.csv"
        if before is not None and same_figures(written, before[0]):
            found[indicator] = before[1]
        else:
            found[indicator] = Stamp(release, "")
    return found


def _write_catalogue(
    folder: Path,
    disclosed: DisclosedResults,
    published: list[Indicator],
    downloads: dict[str, dict[str, str]],
    geography: Geography,
    record: Mapping[str, Any],
    changes: Mapping[str, Any],
    since: Mapping[str, Stamp],
) -> None:
    """``catalogue.json`` (the release, the published indicators with their marks and the
    areas), ``provenance.json``, ``datapackage.json`` and the maps."""
    entries = []
    computed = str(disclosed.provenance.get("computed_at", ""))
    for indicator in published:
        entry = indicator.model_dump(mode="json")
        entry["downloads"] = downloads[indicator.id]
        entry["threshold"] = disclosed.thresholds.get(indicator.id)
        stamp = since[indicator.id]
        entry["release"] = {
            **changes["indicators"].get(indicator.id, {}),
            "since": stamp.release,
            "updated": stamp.updated or computed,
        }
        entries.append(entry)
    areas = {
        "referral_area": geography.referral_areas.to_dict("records"),
        "region": geography.regions.to_dict("records"),
        "health_trust": geography.trusts[["code", "short_name", "region"]]
        .rename(columns={"short_name": "name"})
        .to_dict("records"),
        "municipality": _municipalities(geography),
        **{
            level: [{"code": code, "name": name} for code, name in names.items()]
            for level, names in peer_group_names().items()
        },
    }
    (folder / "catalogue.json").write_text(
        json.dumps(
            {"release": dict(record), "indicators": entries, "areas": areas},
            ensure_ascii=False,
            indent=1,
        )
    )
    (folder / "provenance.json").write_text(
        json.dumps(disclosed.provenance, ensure_ascii=False, indent=2, default=str)
    )
    (folder / "datapackage.json").write_text(
        json.dumps(
            data_package(
                disclosed,
                {i.id: i for i in published},
                downloads,
                record,
                {i: stamp.release for i, stamp in since.items()},
            ),
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    (folder / "boundaries.geojson").write_text(
        json.dumps(
            rounded(geography.referral_area_boundaries()), ensure_ascii=False, separators=(",", ":")
        )
    )
    (folder / "municipalities.geojson").write_text(
        json.dumps(municipality_boundaries(), ensure_ascii=False, separators=(",", ":"))
    )
    (folder / "dps.geojson").write_text(
        json.dumps(dps_boundaries(), ensure_ascii=False, separators=(",", ":"))
    )
    (folder / "counties.geojson").write_text(
        json.dumps(county_boundaries(), ensure_ascii=False, separators=(",", ":"))
    )
    write_map_paths(
        folder,
        {
            "referral_area": geography.referral_area_boundaries,
            "municipality": municipality_boundaries,
            "dps": dps_boundaries,
            "county": county_boundaries,
        },
    )


def _municipalities(geography: Geography) -> list[dict[str, Any]]:
    """Each municipality with where it lies and its peer groups (``peers.memberships``)."""
    groups = memberships(geography)["municipality"]
    return [
        {"code": code, "name": name, **groups[code]}
        for code, name in zip(
            geography.municipalities["municipality"], geography.municipalities["name"], strict=True
        )
    ]

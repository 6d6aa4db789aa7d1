"""Building a publication in a fresh folder and swapping it in only when complete."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from variatlas.disclosure import DisclosedResults
from variatlas.geography import Geography
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import write_atlas
from variatlas.publish.opendata import data_package, write_open_data

KEEP_VERSIONS = 2


def _versions(site: Path) -> Path:
    return site.parent / f".{site.name}.versions"


def publish(
    disclosed: DisclosedResults,
    site: Path,
    *,
    catalogue: Mapping[str, Indicator],
    geography: Geography,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write the publication and make ``site`` point at it atomically.

    The files are written into a new folder beside the site; ``site`` is then a symbolic
    link replaced in one ``rename``, so a reader sees the old publication or the new one,
    never half of one, and a crash or a full disk leaves the old one whole. ``extra`` adds
    files to the new folder (a plugin's pages).
    """
    if not isinstance(disclosed, DisclosedResults):
        raise TypeError("publish takes DisclosedResults, made by variatlas.disclosure.disclose")
    versions = _versions(site)
    versions.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6}"
    building = versions / f"{stamp}.building"
    try:
        building.mkdir()
        downloads = write_open_data(disclosed, catalogue, building)
        _write_catalogue(
            building, disclosed, [catalogue[i] for i in downloads], downloads, geography
        )
        write_atlas(disclosed, catalogue, downloads, building, geography)
        if extra is not None:
            extra(building)
        finished = versions / stamp
        building.rename(finished)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap(site, finished)
    _prune(versions, keep=finished)
    return finished


def _write_catalogue(
    folder: Path,
    disclosed: DisclosedResults,
    published: list[Indicator],
    downloads: dict[str, dict[str, str]],
    geography: Geography,
) -> None:
    """``catalogue.json`` (the published indicators and the areas), ``provenance.json``,
    ``datapackage.json`` and the referral-area map."""
    entries = []
    for indicator in published:
        entry = indicator.model_dump(mode="json")
        entry["downloads"] = downloads[indicator.id]
        entry["threshold"] = disclosed.thresholds.get(indicator.id)
        entries.append(entry)
    areas = {
        "referral_area": geography.referral_areas.to_dict("records"),
        "region": geography.regions.to_dict("records"),
        "health_trust": geography.trusts[["code", "short_name", "region"]]
        .rename(columns={"short_name": "name"})
        .to_dict("records"),
        "municipality": geography.municipalities.rename(columns={"municipality": "code"})[
            ["code", "name", "referral_area", "region"]
        ]
        .fillna("")
        .to_dict("records"),
    }
    (folder / "catalogue.json").write_text(
        json.dumps({"indicators": entries, "areas": areas}, ensure_ascii=False, indent=1)
    )
    (folder / "provenance.json").write_text(
        json.dumps(disclosed.provenance, ensure_ascii=False, indent=2, default=str)
    )
    (folder / "datapackage.json").write_text(
        json.dumps(
            data_package(disclosed, {i.id: i for i in published}, downloads),
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    (folder / "boundaries.geojson").write_text(
        json.dumps(geography.referral_area_boundaries(), ensure_ascii=False)
    )


def _swap(site: Path, target: Path) -> None:
    link = site.parent / f".{site.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(target, site.parent), target_is_directory=True)
    if site.exists() and not site.is_symlink():
        # A plain folder from before: move it into the versions, then link.
        site.rename(_versions(site) / f"{site.name}.previous-{int(time.time())}")
    os.replace(link, site)


def _prune(versions: Path, keep: Path) -> None:
    finished = sorted(
        p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".building")
    )
    for old in finished[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)

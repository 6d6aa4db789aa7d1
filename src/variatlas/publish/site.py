"""Building a publication in a fresh folder and swapping it in only when complete."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from variatlas.disclosure import DisclosedResults
from variatlas.folders import replaced_whole
from variatlas.geography import Geography, dps_boundaries, municipality_boundaries
from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import comparator_of, write_atlas
from variatlas.publish.documents import atlas_listing, load_documents, write_documents
from variatlas.publish.opendata import data_package, write_open_data
from variatlas.publish.pdf import chromium_path, print_pages
from variatlas.publish.profiles import write_profiles
from variatlas.publish.static_files import finish_publication
from variatlas.publish.wording import LANGUAGES


def publish(
    disclosed: DisclosedResults,
    site: Path,
    *,
    catalogue: Mapping[str, Indicator],
    geography: Geography,
    extra: Callable[[Path], None] | None = None,
    atlases: Iterable[Path] | None = None,
    base_url: str | None = None,
    pdf: bool = False,
    chromium: str | None = None,
) -> Path:
    """Write the publication and make ``site`` point at it atomically.

    The files are written into a new folder beside the site and ``site`` becomes a symbolic
    link to it in one ``rename`` (``variatlas.folders``): a reader sees the old publication
    or the new one, never half of one, and a crash leaves the old one whole. ``extra`` adds
    files to the new folder (a plugin's pages). ``atlases`` are the atlas document folders
    drawn as pages (default: the shipped ones, ``variatlas.documents``); a number in their
    texts that would print a hidden cell stops the publication (``PlaceholderRefused``).
    ``base_url``: the address the publication will be served at (``static_files.base_url``),
    for the absolute addresses in the atlas boxes' embed snippets (else relative). ``pdf``:
    print each atlas page to a PDF beside it with ``chromium`` (default: found as
    ``pdf.chromium_path`` says; ``PdfUnavailable`` before anything is written if there is
    none). Returns the new publication's folder.
    """
    if not isinstance(disclosed, DisclosedResults):
        raise TypeError("publish takes DisclosedResults, made by variatlas.disclosure.disclose")
    documents = load_documents(atlases, catalogue)
    printer = chromium_path(chromium) if pdf else None
    with replaced_whole(site, ours=lambda folder: (folder / "datapackage.json").exists()) as new:
        downloads = write_open_data(disclosed, catalogue, new, geography, comparator_of(disclosed))
        _write_catalogue(new, disclosed, [catalogue[i] for i in downloads], downloads, geography)
        listing = {lang: atlas_listing(documents, lang) for lang in LANGUAGES}
        write_atlas(disclosed, catalogue, downloads, new, geography, listing)
        pages = write_documents(
            documents, disclosed, catalogue, downloads, new, base_url=base_url, pdf=pdf
        )
        write_profiles(disclosed, catalogue, downloads, new)
        if printer is not None:
            print_pages(pages, printer)
        if extra is not None:
            extra(new)
        finish_publication(new)
    return site.resolve()


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
    (folder / "municipalities.geojson").write_text(
        json.dumps(municipality_boundaries(), ensure_ascii=False, separators=(",", ":"))
    )
    (folder / "dps.geojson").write_text(
        json.dumps(dps_boundaries(), ensure_ascii=False, separators=(",", ":"))
    )

"""Earlier releases as a reader holds them: what each published, and what it hid, per indicator.

A release's published results (``variatlas.results.read_published``) are all that is known of
it here: its true hidden counts are not kept anywhere a later run can read. Its provenance
says what each indicator meant (the definition hash ``compute`` records): a release links to
this one only through the indicators whose definition is the same (``together``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from variatlas.disclosure.counts import COUNTS
from variatlas.disclosure.disclosed import IndicatorDisclosure
from variatlas.disclosure.relations import Cell
from variatlas.results import ResultSet, is_suppressed


@dataclass(frozen=True)
class Release:
    """An earlier release: its published results and what each indicator meant in it."""

    name: str
    """Where it was read from (a publication's folder), or its id."""
    results: pd.DataFrame
    definitions: Mapping[str, str]
    """Indicator → definition hash, from the release's provenance."""
    computed_at: str = ""
    digest: str = ""
    """A hash of its published results: the same release read twice (the site's newest at
    ``/`` and again in its archive) is taken into account once."""


def release(name: str, found: ResultSet) -> Release:
    """The release a publication holds (``variatlas.results.read_published``)."""
    definitions = found.provenance.get("indicators", {})
    hashed = pd.util.hash_pandas_object(found.results, index=False).to_numpy().tobytes()
    return Release(
        name,
        found.results,
        {str(k): str(v) for k, v in definitions.items()} if isinstance(definitions, dict) else {},
        str(found.provenance.get("computed_at", "")),
        hashlib.sha256(hashed).hexdigest(),
    )


def distinct(releases: Iterable[Release]) -> list[Release]:
    """Each release once (by the hash of its published results), oldest first."""
    seen: dict[str, Release] = {}
    for found in releases:
        seen.setdefault(found.digest or found.name, found)
    return sorted(seen.values(), key=lambda r: (r.computed_at, r.name))


@dataclass(frozen=True)
class Earlier:
    """One earlier release's cells of one indicator, per count (numerator, denominator):
    the values it published and the cells it hid (``Cell``: level, area, period, sex)."""

    name: str
    published: dict[str, dict[Cell, float]]
    hidden: dict[str, set[Cell]]


def earlier_cells(name: str, rows: pd.DataFrame) -> Earlier:
    """What a release published and hid of one indicator's counts. A hidden row shows no
    count; its denominator may be shown (only the numerator hidden)."""
    keys = list(
        zip(
            rows["level"].astype(str),
            rows["area"].astype(str),
            rows["period"].astype(str),
            rows["sex"].astype(str),
            strict=True,
        )
    )
    suppressed = rows["flag"].map(is_suppressed).to_numpy(dtype=bool)
    published: dict[str, dict[Cell, float]] = {}
    hidden: dict[str, set[Cell]] = {}
    for count in COUNTS:
        values = pd.to_numeric(rows[count]).to_numpy(dtype=float)
        shown = ~pd.isna(values)
        published[count] = {k: float(v) for k, v, s in zip(keys, values, shown, strict=True) if s}
        hidden[count] = {k for k, s, h in zip(keys, shown, suppressed, strict=True) if h and not s}
    return Earlier(name, published, hidden)


def linked_releases(
    indicator: str, definition: str | None, releases: Sequence[Release]
) -> tuple[Earlier, ...]:
    """The releases (oldest first) that published ``indicator`` under the same definition:
    a redefined indicator's cells count something else, and are not linked."""
    if definition is None:
        return ()
    found = []
    for earlier in releases:
        if earlier.definitions.get(indicator) != definition:
            continue
        rows = earlier.results[earlier.results["indicator"] == indicator]
        if len(rows):
            found.append(earlier_cells(earlier.name, rows))
    return tuple(found)


def across(
    releases: Sequence[Release],
    details: Iterable[IndicatorDisclosure],
    definitions: Mapping[str, str],
) -> dict[str, object]:
    """What ``provenance.json`` says of the earlier releases taken into account: each, with
    how many indicators were linked to it (and which were not, redefined), and what the
    joint control cost."""
    details = list(details)
    ids = set(definitions)
    return {
        "assumption": "a reader holds every release; late registrations only add (a count of "
        "the same indicator definition, area, period and sex is at least as large in a later "
        "release); redefined indicators are not linked",
        "releases": [
            {
                "name": found.name,
                "computed_at": found.computed_at,
                "digest": found.digest,
                "linked_indicators": sum(found.name in d.linked for d in details),
                "redefined": sorted(
                    i
                    for i in ids & found.definitions.keys()
                    if found.definitions[i] != definitions[i]
                ),
            }
            for found in releases
        ],
        "hidden_cells": sum(
            len(d.for_releases.get(count, ())) for d in details for count in COUNTS
        ),
        "contradicted": sum(d.contradicted for d in details),
    }

"""What a compute run keeps for the next one, in ``OUT/cache``, and reads back.

``cache/manifest.json`` records the digests of the input tables' partitions and, per
indicator, the keys of its cells by year and of its results by period
(``variatlas.compute.keys``); ``cache/cells/<indicator>.parquet`` holds its cells (the
engine's aggregated counts, every year). An indicator's result rows and variation summaries
are the run's own ``results.parquet`` and ``variation.parquet``: the rows of a period whose
key did not change are taken from them as they are.

Files that did not change are hard links to the last run's (a copy where the two folders
are on different file systems): ten runs cost the disk of what changed, not ten caches.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from variatlas.compute.keys import code_digest, digest
from variatlas.engine.partitions import TableDigest, file_digest
from variatlas.results import RESULT_FIELDS, VARIATION_FIELDS, Field, arrow_schema

CACHE = "cache"
MANIFEST = "manifest.json"
CELLS = "cells"
FORMAT = 1
"""The manifest's format: a manifest of another format is not read (a full run)."""
OUTPUT_FILES = ("results.parquet", "results.csv", "variation.parquet", "variation.csv")
VALIDATION_KEY = "validation.key"
"""Beside a validated folder that ``compute`` made: ``validation_key`` of what it validated."""


def canonical(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """``frame`` as it reads back from its Parquet file: the column types of the results
    contract, whatever types the rows were made with. A run's output is written from this,
    so that rows computed now and rows kept from the last run give the same bytes."""
    table = pa.Table.from_pandas(frame, schema=arrow_schema(fields), preserve_index=False)
    return table.to_pandas()


def canonical_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as they read back from their cache file (text as text, whole numbers as such)."""
    return pa.Table.from_pandas(frame, preserve_index=False).to_pandas()


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` is ``source``'s bytes: a hard link, or a copy across file systems."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Every file under ``source`` at the same place under ``target`` (``link_or_copy``)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            link_or_copy(path, target / path.relative_to(source))


def link_outputs(source: Path, target: Path) -> None:
    """The results and variation files of an earlier run as this run's (an unchanged run)."""
    for name in OUTPUT_FILES:
        link_or_copy(source / name, target / name)


def validation_key(input: Path, read: object) -> str:
    """What the validation of an input folder is made from: the folder, the bytes of every
    file in it, how it is read (``ReadOptions``) and the code."""
    files = sorted(p for p in input.rglob("*") if p.is_file())
    return digest(
        "validation",
        code_digest(),
        str(input.resolve()),
        [(str(p.relative_to(input)), file_digest(p)) for p in files],
        repr(read),
    )


def reused_validation(previous: Previous, key: str, target: Path) -> bool:
    """Link the last run's validated folder to ``target`` if it was made the same way."""
    before = previous.folder / "validated"
    try:
        same = (before / VALIDATION_KEY).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False
    if same:
        link_tree(before, target)
    return same


@dataclass
class Previous:
    """An earlier run's output folder, as a cache: its manifest, cells and rows."""

    folder: Path
    manifest: dict[str, Any]
    _rows: dict[str, tuple[pd.DataFrame, pd.DataFrame]] | None = None

    def tables(self) -> dict[str, TableDigest]:
        tables = self.manifest.get("tables", {})
        return {name: TableDigest.from_json(data) for name, data in tables.items()}

    def entry(self, indicator: str) -> dict[str, Any] | None:
        found = self.manifest.get("indicators", {}).get(indicator)
        return found if isinstance(found, dict) else None

    def cells_file(self, indicator: str) -> Path:
        return self.folder / CACHE / CELLS / f"{indicator}.parquet"

    def cells(self, indicator: str, years: list[int]) -> pd.DataFrame:
        """The indicator's cells of ``years`` as the last run kept them."""
        frame = pd.read_parquet(self.cells_file(indicator))
        return frame[frame["year"].isin(years)] if "year" in frame else frame

    def rows(self, indicator: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The indicator's result rows and variation summaries of the last run."""
        if self._rows is None:
            results = pd.read_parquet(self.folder / "results.parquet")
            variation = pd.read_parquet(self.folder / "variation.parquet")
            by_results = dict(tuple(results.groupby("indicator", sort=False)))
            by_variation = dict(tuple(variation.groupby("indicator", sort=False)))
            self._rows = {
                str(name): (rows, by_variation.get(name, variation.iloc[:0]))
                for name, rows in by_results.items()
            }
        if indicator not in self._rows:
            # No rows last time (nothing counted): none now either, in the same types.
            self._rows[indicator] = (
                canonical(pd.DataFrame(columns=[f.name for f in RESULT_FIELDS]), RESULT_FIELDS),
                canonical(
                    pd.DataFrame(columns=[f.name for f in VARIATION_FIELDS]), VARIATION_FIELDS
                ),
            )
        return self._rows[indicator]


def previous_run(folder: Path | None) -> Previous | None:
    """The run in ``folder`` if it left a cache this version reads, else None."""
    if folder is None:
        return None
    path = folder / CACHE / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None
    if not all((folder / name).is_file() for name in OUTPUT_FILES):
        return None
    return Previous(folder, manifest)


@dataclass
class Kept:
    """What a run leaves for the next: the manifest's indicator entries, and per indicator
    its cells (a frame to write, or the last run's file to link)."""

    tables: Mapping[str, TableDigest] = field(default_factory=dict)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    cells: dict[str, pd.DataFrame | Path] = field(default_factory=dict)

    def write(self, folder: Path, years: list[int], order: list[str]) -> None:
        """``folder/cache``: the cells files and the manifest (last, so that a manifest
        always describes files that are there)."""
        cells = folder / CACHE / CELLS
        cells.mkdir(parents=True, exist_ok=True)
        for indicator, kept in self.cells.items():
            target = cells / f"{indicator}.parquet"
            if isinstance(kept, Path):
                link_or_copy(kept, target)
            else:
                pq.write_table(pa.Table.from_pandas(kept, preserve_index=False), target)
        manifest = {
            "format": FORMAT,
            "years": years,
            "order": order,
            "tables": {name: t.as_json() for name, t in sorted(self.tables.items())},
            "indicators": self.indicators,
        }
        (folder / CACHE / MANIFEST).write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )

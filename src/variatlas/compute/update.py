"""An update: what of an earlier run a compute reuses, indicator by indicator.

For each indicator the engine reads again only the years whose cells' key changed (its
definition, or the partitions of the tables it reads: ``keys.engine_key``); the cells of
the other years come from the last run's cache. The statistics are computed again only for
the periods whose key changed (the cells of their years, by content, and what stands beside
them: ``keys.period_key``); the rows of the other periods are the last run's. An indicator
none of whose periods changed is taken whole.

Without an earlier run every year is read and every period computed: a full run, which
leaves the cache for the next one all the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from variatlas.compute.cells import periods
from variatlas.compute.keys import cells_digests, digest, engine_keys, period_keys, published_key
from variatlas.compute.reading import in_order
from variatlas.compute.reuse import Kept, Previous, canonical_cells
from variatlas.engine.partitions import TableDigest
from variatlas.geography import Coverage
from variatlas.indicators.model import Indicator


@dataclass(frozen=True)
class Reuse:
    """What a run may reuse: the digests of its input tables' partitions and the run to
    reuse (None: compute everything, and keep what the next run needs)."""

    tables: Mapping[str, TableDigest]
    previous: Previous | None = None


@dataclass(frozen=True)
class Planned:
    """One indicator's plan, once its stale years are read: the periods to compute (empty:
    take it whole from the last run) and its cells (None where not needed)."""

    periods: tuple[str, ...]
    whole: bool
    cells: pd.DataFrame | None


@dataclass
class Update:
    """The reuse of one run, with what it keeps for the next and what it did."""

    reuse: Reuse
    engine: str
    years: list[int]
    coverage: Coverage
    comparator: str
    kept: Kept = field(default_factory=Kept)
    done: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("years_read", "years_reused", "periods_computed", "periods_reused"), 0
        )
    )
    _engine_keys: dict[str, dict[int, str]] = field(default_factory=dict)
    _definitions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.kept.tables = self.reuse.tables
        self.context = digest(
            self.comparator,
            self.coverage.national,
            sorted(self.coverage.municipalities) if not self.coverage.national else None,
        )

    @property
    def previous(self) -> Previous | None:
        return self.reuse.previous

    def definition(self, indicator: Indicator) -> str:
        """The indicator's definition hash, taken once (it dumps the whole model)."""
        if indicator.id not in self._definitions:
            self._definitions[indicator.id] = indicator.definition_hash
        return self._definitions[indicator.id]

    def before(self, indicator: Indicator) -> dict[str, Any] | None:
        """The last run's entry for the indicator, where it can be reused."""
        entry = self.previous.entry(indicator.id) if self.previous is not None else None
        if entry is None or entry.get("definition") != self.definition(indicator):
            return None
        if "cells" in entry and not self.previous.cells_file(indicator.id).is_file():  # type: ignore[union-attr]
            return None
        return entry

    def needs_tables(self, indicator: Indicator) -> None:
        self.kept.indicators[indicator.id] = {
            "definition": self.definition(indicator),
            "needs_tables": True,
        }

    def stale_years(self, indicator: Indicator) -> list[int]:
        """The years whose cells the engine reads again."""
        keys = engine_keys(
            indicator, self.definition(indicator), self.years, self.reuse.tables, self.engine
        )
        self._engine_keys[indicator.id] = keys
        before = self.before(indicator)
        known = before.get("engine", {}) if before is not None else {}
        return [y for y in self.years if known.get(str(y)) != keys[y]]

    def published(self, indicator: Indicator) -> bool:
        """Whether a published-figures indicator is taken whole from the last run."""
        definition = self.definition(indicator)
        key = published_key(definition, indicator.id, self.reuse.tables, self.context)
        self.kept.indicators[indicator.id] = {"definition": definition, "published": key}
        before = self.before(indicator)
        whole = before is not None and before.get("published") == key
        self._count(indicator, [], [] if whole else ["all"], 1, 0)
        return whole

    def plan(self, indicator: Indicator, stale: list[int], fresh: pd.DataFrame | None) -> Planned:
        """The plan of an engine indicator, given the cells ``fresh`` read for ``stale``."""
        before = self.before(indicator)
        old_cells: dict[str, str] = before.get("cells", {}) if before is not None else {}
        found = {y: old_cells.get(str(y), "") for y in self.years if y not in stale}
        if fresh is not None:
            found.update(cells_digests(fresh, stale))
        definition = self.definition(indicator)
        keys = period_keys(
            indicator, definition, periods(self.years), found, self.reuse.tables, self.context
        )
        old_periods: dict[str, str] = before.get("periods", {}) if before is not None else {}
        todo = tuple(label for label, key in keys.items() if old_periods.get(label) != key)
        whole = before is not None and not todo and set(old_periods) == set(keys)
        changed = before is None or any(old_cells.get(str(y)) != found[y] for y in stale)
        self.kept.indicators[indicator.id] = {
            "definition": definition,
            "engine": {str(y): k for y, k in self._engine_keys[indicator.id].items()},
            "cells": {str(y): found[y] for y in self.years},
            "periods": keys,
        }
        self._count(indicator, stale, list(todo), len(keys), len(self.years))
        cells = None
        if changed or not whole:
            cells = self._cells(indicator, stale, fresh)
        if cells is not None and changed:
            self.kept.cells[indicator.id] = cells
        elif self.previous is not None:
            self.kept.cells[indicator.id] = self.previous.cells_file(indicator.id)
        return Planned(todo, whole, cells)

    def _cells(
        self, indicator: Indicator, stale: list[int], fresh: pd.DataFrame | None
    ) -> pd.DataFrame:
        """The indicator's cells of every year: the last run's, and those read again."""
        others = [y for y in self.years if y not in stale]
        if self.previous is None or not others:
            assert fresh is not None
            return fresh
        old = self.previous.cells(indicator.id, others)
        if fresh is None:
            return old.reset_index(drop=True)
        return in_order(canonical_cells(pd.concat([old, fresh], ignore_index=True)))

    def kept_rows(
        self, indicator: Indicator, todo: tuple[str, ...]
    ) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """The last run's rows of the periods not computed again (None: no last run)."""
        if self.previous is None or self.before(indicator) is None:
            return None
        results, variation = self.previous.rows(indicator.id)
        current = {label for label, _ in periods(self.years)} - set(todo)
        return (
            results[results["period"].isin(current)],
            variation[variation["period"].isin(current)],
        )

    def _count(
        self, indicator: Indicator, read: list[int], todo: list[str], total: int, years: int
    ) -> None:
        self.counts["years_read"] += len(read)
        self.counts["years_reused"] += years - len(read)
        self.counts["periods_computed"] += len(todo)
        self.counts["periods_reused"] += total - len(todo)
        if read or todo:
            self.done[indicator.id] = {"years_read": read, "periods_computed": todo}

    def report(self, unchanged: bool) -> dict[str, object]:
        """What ``provenance.json`` says of the reuse (a run-time field, like the time)."""
        return {
            "from": str(self.previous.folder) if self.previous is not None else None,
            "unchanged": unchanged,
            **self.counts,
            "computed": self.done,
        }

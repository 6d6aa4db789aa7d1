"""What compute reads from the engine: each indicator's cells and the tables beside them.

The reading is the engine's work (DuckDB or Spark, in this process); what comes back is
small pandas frames, which ``run`` turns into statistics, in worker processes where there
are cores to spare. What several indicators read alike is read once (``Fetched``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir
import pandas as pd

from variatlas.engine import Engine, compile_indicator
from variatlas.engine.compile import population_cells
from variatlas.engine.shared import SharedScan, cells_of, compile_shared, shares_a_scan
from variatlas.geography import Coverage
from variatlas.indicators.model import Indicator


def missing_tables(indicator: Indicator, present: set[str]) -> tuple[list[str], list[str]]:
    """(tables the indicator needs that are absent, optional tables that are absent)."""
    tables = indicator.tables()
    absent = [t for t in tables if t not in present]
    return [t for t in absent if tables[t]], [t for t in absent if not tables[t]]


def fetch(engine: Engine, expression: ir.Table) -> pd.DataFrame:
    return in_order(engine.execute(expression))


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order.

    Engines return aggregates in whatever order their threads finish, and sums of floats
    depend on the order they are added in: sorted rows make every run give the same digits.
    """
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Read:
    """One indicator's input to its statistics: its cells (counted rows, aggregated), the
    population beside them (rates and coverage), or the published figures (aggregates)."""

    indicator: Indicator
    cells: pd.DataFrame | None = None
    population: pd.DataFrame | None = None
    published: pd.DataFrame | None = None


@dataclass
class Fetched:
    """What several indicators read alike, read once: the published aggregates (one scan for
    every published figure), the rows of a table that several indicators count alike (one
    scan of each table, ``engine.shared``), each distinct population expression (rates over
    the same ages and years share it) and each need covariate."""

    engine: Engine
    scans: dict[str, SharedScan] = field(default_factory=dict)
    """Indicator → the shared scan that counts it."""
    aggregates: dict[str, pd.DataFrame] | None = None
    scanned: dict[str, pd.DataFrame] = field(default_factory=dict)
    populations: dict[object, pd.DataFrame] = field(default_factory=dict)
    covariates: dict[str, dict[str, pd.Series]] = field(default_factory=dict)

    def published(self, indicator: str) -> pd.DataFrame | None:
        if self.aggregates is None:
            table = self.engine.tables["aggregates"]
            every = self.engine.execute(table)
            self.aggregates = {
                str(k): rows.reset_index(drop=True)
                for k, rows in every.groupby("indicator", sort=False)
            }
        return self.aggregates.get(indicator)

    def shared_cells(self, indicator: str) -> pd.DataFrame:
        scan = self.scans[indicator]
        if scan.source not in self.scanned:
            self.scanned[scan.source] = self.engine.execute(scan.cells)
        return in_order(cells_of(self.scanned[scan.source], scan, indicator))

    def covariate(self, fact: str, years: list[int]) -> dict[str, pd.Series]:
        if fact not in self.covariates:
            self.covariates[fact] = _need_covariates(self.engine, fact, years)
        return self.covariates[fact]

    def population(self, expression: ir.Table) -> pd.DataFrame:
        # Ibis operations compare and hash by structure: the same query is the same key.
        key = expression.op()
        if key not in self.populations:
            self.populations[key] = fetch(self.engine, expression)
        return self.populations[key]


def read_cells(indicator: Indicator, fetched: Fetched, years: list[int]) -> pd.DataFrame | None:
    """What the engine counts for ``indicator`` in ``years``: its cells, in a fixed order
    (None where its table is absent). A year's cells are the same whichever other years
    are read with it: each cell is of one year."""
    engine = fetched.engine
    if indicator.source not in engine.tables:
        return None
    if indicator.id in fetched.scans:
        return fetched.shared_cells(indicator.id)
    compiled = compile_indicator(indicator, engine.tables, years)
    try:
        return fetch(engine, compiled.cells)
    finally:
        for table in compiled.cached:
            table.release()


def read_beside(
    indicator: Indicator,
    fetched: Fetched,
    cells: pd.DataFrame,
    years: list[int],
    coverage: Coverage,
) -> Read:
    """The input to ``indicator``'s statistics from its ``cells``: a regional extract's
    residents only, and the population of ``years`` beside a rate (nothing where no cell is
    left)."""
    if not coverage.national and indicator.attribution == "residence" and "municipality" in cells:
        # A regional extract: residents of the municipalities it covers, and no one else.
        cells = cells[cells["municipality"].isin(coverage.municipalities)]
    if cells.empty:
        return Read(indicator)
    population = None
    if indicator.population is not None:
        query = population_cells(fetched.engine.tables["population"], indicator, years)
        population = fetched.population(query)
    return Read(indicator, cells=cells, population=population)


def read_indicator(
    indicator: Indicator, fetched: Fetched, years: list[int], coverage: Coverage
) -> Read:
    """Read what ``indicator`` counts (nothing where its table is absent or no row counts)."""
    engine = fetched.engine
    if indicator.source == "aggregates":
        if "aggregates" not in engine.tables:
            return Read(indicator)
        return Read(indicator, published=fetched.published(indicator.id))
    cells = read_cells(indicator, fetched, years)
    if cells is None:
        return Read(indicator)
    return read_beside(indicator, fetched, cells, years, coverage)


def _need_covariates(engine: Engine, fact: str, years: list[int]) -> dict[str, pd.Series]:
    if "municipal_facts" not in engine.tables:
        return {}
    facts = engine.tables["municipal_facts"]
    values = fetch(engine, facts.filter(facts.fact == fact))
    if values.empty:
        return {}
    by_municipality = values.groupby("municipality")["value"].mean()
    people = engine.tables["population"]
    population = fetch(
        engine,
        people.filter(people.year == max(years))
        .group_by(["municipality", "referral_area", "region"])
        .aggregate(population=people.population.sum()),
    )
    population["covariate"] = population["municipality"].map(by_municipality)
    population = population[population["covariate"].notna()]
    found = {"municipality": by_municipality}
    for level in ("referral_area", "region"):
        weighted = population.assign(w=population["covariate"] * population["population"])
        grouped = weighted.groupby(level)[["w", "population"]].sum()
        found[level] = grouped["w"] / grouped["population"]
    return found


def shared_scans(
    engine: Engine, indicators: list[Indicator], years: Mapping[str, list[int]]
) -> dict[str, SharedScan]:
    """One scan per table for the indicators that count its rows alike (two or more) and are
    read for the same years (``years``, by indicator; an indicator without years is not
    read)."""
    by_source: dict[tuple[str, tuple[int, ...]], list[Indicator]] = {}
    for indicator in indicators:
        wanted = tuple(years.get(indicator.id, ()))
        if not wanted or not shares_a_scan(indicator):
            continue
        if not missing_tables(indicator, set(engine.tables))[0]:
            by_source.setdefault((indicator.source, wanted), []).append(indicator)
    scans = {}
    for (source, wanted), sharing in by_source.items():
        if len(sharing) > 1:
            scan = compile_shared(source, sharing, engine.tables, list(wanted))
            scans.update({indicator.id: scan for indicator in sharing})
    return scans

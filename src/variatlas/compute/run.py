"""Computing indicators on an engine: aggregated cells → result rows and variation summaries.

Each run reuses what an earlier run computed from the same inputs and definitions, where it
is given one (``variatlas.compute.update``), and keeps what the next run needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from variatlas.compute.cells import periods as _periods
from variatlas.compute.reading import (
    Fetched,
    fetch,
    in_order,
    missing_tables,
    read_beside,
    read_cells,
    read_indicator,
    shared_scans,
)
from variatlas.compute.reuse import Kept, canonical, canonical_cells
from variatlas.compute.statistics import Task, statistics
from variatlas.compute.update import Reuse, Update
from variatlas.engine import Engine
from variatlas.engine.compile import DATE_OF_ROW
from variatlas.geography import Coverage, Geography
from variatlas.indicators.model import Indicator
from variatlas.results import (
    COMPARATOR_NAMES,
    NATION_CODE,
    RESULT_FIELDS,
    VARIATION_FIELDS,
    empty_results,
    empty_variation,
)
from variatlas.workers import mapped

NO_ROWS = "no input rows to count (its table is empty, or no row meets the definition)"


def _needs(tables: list[str]) -> str:
    names = " and ".join(", ".join(tables).rsplit(", ", 1))
    return f"needs the {names} table{'s' if len(tables) > 1 else ''}, which the input does not have"


@dataclass
class ComputeOutput:
    """Results and variation summaries of a run, the years it covered and what it could not
    compute (indicator → reason); ``provenance`` is filled in by the pipeline."""

    frames: tuple[pd.DataFrame, pd.DataFrame] | Path
    """The results and variation summaries, or the folder whose files hold them, read when
    first asked for (an unchanged run links the last run's files and need not read them)."""
    years: list[int]
    problems: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, object] = field(default_factory=dict)
    assumed_empty: dict[str, list[str]] = field(default_factory=dict)
    """Indicator → optional tables the input does not have, taken as empty."""
    coverage: Coverage | None = None
    """What the population table covers (Norway, or a regional extract)."""
    kept: Kept | None = None
    """What the next run may reuse (``variatlas.compute.reuse``)."""
    reuse: dict[str, object] = field(default_factory=dict)
    """What this run reused of an earlier one (for ``provenance.json``)."""
    unchanged: bool = False
    """Every indicator was taken whole from the earlier run: its output files are this run's."""

    @property
    def results(self) -> pd.DataFrame:
        return self._read()[0]

    @property
    def variation(self) -> pd.DataFrame:
        return self._read()[1]

    def _read(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if isinstance(self.frames, Path):
            folder = self.frames
            self.frames = (
                pd.read_parquet(folder / "results.parquet"),
                pd.read_parquet(folder / "variation.parquet"),
            )
        return self.frames


def data_coverage(engine: Engine, geography: Geography) -> Coverage:
    """What the population table covers: Norway, or the areas of a regional extract."""
    population = engine.tables["population"]
    present = fetch(
        engine,
        population.filter(population.population > 0).select("municipality").distinct(),
    )
    return geography.coverage(set(present["municipality"].dropna()))


def data_years(engine: Engine, events_only: bool = False) -> list[int]:
    """The years of the population table: the years every indicator is computed for.

    With ``events_only`` (a population not the user's own, covering many years), only the
    years in which some other table has a row: a year without data is no year of zeros.
    """
    population = engine.tables["population"]
    years = {int(y) for y in engine.execute(population.select("year").distinct())["year"]}
    if not events_only:
        return sorted(years)
    found: set[int] = set()
    for name, table in engine.tables.items():
        column = DATE_OF_ROW.get(name)
        if column is not None:
            dated = table.select(year=table[column].year().cast("int64")).distinct()
            found |= {int(y) for y in engine.execute(dated)["year"].dropna()}
        elif name in ("survey_responses", "municipal_facts"):
            found |= {int(y) for y in engine.execute(table.select("year").distinct())["year"]}
    return sorted(years & found)


def compute_indicators(
    engine: Engine,
    indicators: list[Indicator],
    geography: Geography,
    on_indicator: Callable[[str], None] | None = None,
    events_only: bool = False,
    reuse: Reuse | None = None,
) -> ComputeOutput:
    """Every indicator on ``engine``: results, variation summaries and what was not computed
    (``events_only``: see ``data_years``), reusing what ``reuse`` allows."""
    years = data_years(engine, events_only)
    coverage = data_coverage(engine, geography)
    if not years:
        # No population row was accepted: no indicator has a year to be computed for.
        return ComputeOutput((empty_results(), empty_variation()), [], coverage=coverage)
    comparator = "nation" if coverage.national else "data"
    names = geography.area_names()
    names["nation"] = {NATION_CODE: COMPARATOR_NAMES[comparator]}
    update = Update(reuse or Reuse({}), engine.name, years, coverage, comparator)
    present = set(engine.tables)
    computable = [i for i in indicators if not missing_tables(i, present)[0]]
    stale = {i.id: update.stale_years(i) for i in computable if i.source != "aggregates"}
    fetched = Fetched(engine, scans=shared_scans(engine, computable, stale))
    problems: dict[str, str] = {}
    assumed: dict[str, list[str]] = {}
    whole: set[str] = set()

    def done(name: str) -> None:
        if on_indicator is not None:
            on_indicator(name)

    def task(indicator: Indicator) -> Task | None:
        """The indicator's statistics to compute, None where taken whole."""
        need = indicator.need_covariate
        common = (years, coverage, names, comparator)
        if indicator.source == "aggregates":
            if update.published(indicator):
                return None
            covariate = fetched.covariate(need, years) if need else None
            return Task(read_indicator(indicator, fetched, years, coverage), *common, covariate)
        wanted = stale[indicator.id]
        fresh = read_cells(indicator, fetched, wanted) if wanted else None
        if fresh is not None:
            fresh = in_order(canonical_cells(fresh))
        planned = update.plan(indicator, wanted, fresh)
        if planned.whole:
            return None
        assert planned.cells is not None
        asked = [
            y for label, members in _periods(years) if label in planned.periods for y in members
        ]
        read = read_beside(
            indicator, fetched, planned.cells, sorted({*asked, max(years)}), coverage
        )
        covariate = fetched.covariate(need, years) if need and planned.periods else None
        return Task(
            read,
            *common,
            covariate,
            periods=planned.periods,
            kept=update.kept_rows(indicator, planned.periods),
        )

    def tasks() -> Iterator[Task]:
        # The engine reads in this process while the workers compute what was read.
        for indicator in indicators:
            needed, optional = missing_tables(indicator, present)
            if needed:
                problems[indicator.id] = _needs(needed)
                update.needs_tables(indicator)
                done(indicator.id)
                continue
            if optional:
                assumed[indicator.id] = optional
            work = task(indicator)
            if work is None:
                whole.add(indicator.id)
                done(indicator.id)
                continue
            yield work

    computed: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for name, frame, summary in mapped(statistics, tasks(), parallel=len(indicators) > 1):
        done(name)
        if frame is not None and summary is not None:
            computed[name] = (frame, summary)
    for indicator in indicators:
        if indicator.id in problems:
            continue
        entry = update.previous.entry(indicator.id) if update.previous is not None else None
        rows = indicator.id in computed or (
            indicator.id in whole and entry is not None and bool(entry.get("rows"))
        )
        update.kept.indicators[indicator.id]["rows"] = rows
        if not rows:
            problems[indicator.id] = NO_ROWS
    unchanged = _unchanged(update, indicators, whole, problems)
    frames: tuple[pd.DataFrame, pd.DataFrame] | Path
    if unchanged:
        # The last run's files are this run's, as they are: not put together again.
        assert update.previous is not None
        frames = update.previous.folder
    else:
        frames = _assembled(update, indicators, computed, whole)
    problems = {i.id: problems[i.id] for i in indicators if i.id in problems}
    return ComputeOutput(
        frames,
        years,
        problems,
        assumed_empty=assumed,
        coverage=coverage,
        kept=update.kept,
        reuse=update.report(unchanged),
        unchanged=unchanged,
    )


def _assembled(
    update: Update,
    indicators: list[Indicator],
    computed: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
    whole: set[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator's rows, computed now or the last run's, in the catalogue's order, as
    they read back from their files (``canonical``)."""
    parts = []
    for indicator in indicators:
        if indicator.id in computed:
            parts.append(computed[indicator.id])
        elif indicator.id in whole and update.previous is not None:
            parts.append(update.previous.rows(indicator.id))
    parts = [p for p in parts if not p[0].empty]
    if not parts:
        return canonical(empty_results(), RESULT_FIELDS), canonical(
            empty_variation(), VARIATION_FIELDS
        )
    return (
        canonical(pd.concat([p[0] for p in parts], ignore_index=True), RESULT_FIELDS),
        canonical(pd.concat([p[1] for p in parts], ignore_index=True), VARIATION_FIELDS),
    )


def _unchanged(
    update: Update,
    indicators: list[Indicator],
    whole: set[str],
    problems: dict[str, str],
) -> bool:
    """Every indicator taken whole (or not computable, as before), in the same order, over
    the same years: the last run's output files are this run's, byte for byte."""
    previous = update.previous
    if previous is None:
        return False
    if previous.manifest.get("order") != [i.id for i in indicators]:
        return False
    if previous.manifest.get("years") != update.years:
        return False
    for indicator in indicators:
        if indicator.id in whole:
            continue  # with its rows, or with none (not computed for that reason, as before)
        entry = previous.entry(indicator.id)
        needs = indicator.id in problems and problems[indicator.id] != NO_ROWS
        if not (needs and entry is not None and entry.get("needs_tables")):
            return False
    return True

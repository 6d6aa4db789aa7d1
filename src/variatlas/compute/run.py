"""Computing indicators on an engine: aggregated cells → result rows and variation summaries."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from variatlas.compute.cells import Slice, slices
from variatlas.compute.kinds import (
    count_results,
    duration_results,
    mean_results,
    proportion_results,
    rate_results,
)
from variatlas.compute.published import aggregate_results
from variatlas.compute.reading import (
    Fetched,
    Read,
    fetch,
    missing_tables,
    read_indicator,
    shared_scans,
)
from variatlas.engine import Engine
from variatlas.engine.compile import DATE_OF_ROW
from variatlas.geography import Coverage, Geography
from variatlas.indicators.model import Indicator
from variatlas.results import (
    COMPARATOR_NAMES,
    NATION_CODE,
    RESULT_COLUMNS,
    empty_results,
    empty_variation,
)
from variatlas.stats.casemix import logistic_expected_share
from variatlas.variation import funnel_flags, summarise
from variatlas.workers import mapped

NO_ROWS = "no input rows to count (its table is empty, or no row meets the definition)"


def _needs(tables: list[str]) -> str:
    names = " and ".join(", ".join(tables).rsplit(", ", 1))
    return f"needs the {names} table{'s' if len(tables) > 1 else ''}, which the input does not have"


@dataclass
class ComputeOutput:
    """Results and variation summaries of a run, the years it covered and what it could not
    compute (indicator → reason); ``provenance`` is filled in by the pipeline."""

    results: pd.DataFrame
    variation: pd.DataFrame
    years: list[int]
    problems: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, object] = field(default_factory=dict)
    assumed_empty: dict[str, list[str]] = field(default_factory=dict)
    """Indicator → optional tables the input does not have, taken as empty."""
    coverage: Coverage | None = None
    """What the population table covers (Norway, or a regional extract)."""


@dataclass(frozen=True)
class _Task:
    """One indicator's statistics, from what was read for it (a worker's task)."""

    read: Read
    years: list[int]
    coverage: Coverage
    names: Mapping[str, Mapping[str, str]]
    comparator: str
    need: dict[str, pd.Series] | None


def _statistics(task: _Task) -> tuple[str, pd.DataFrame | None, pd.DataFrame | None]:
    """(indicator, result rows, variation summaries); no rows where nothing was counted."""
    indicator, coverage = task.read.indicator, task.coverage
    frame = _results(task.read, task.years)
    covered = [
        coverage.covers(level, area)
        for level, area in zip(frame["level"], frame["area"], strict=True)
    ]
    frame = frame[covered]
    if frame.empty:
        return indicator.id, None, None
    frame = _name_areas(frame, task.names)
    frame["funnel"] = funnel_flags(indicator, frame)
    summary = summarise(indicator, frame, task.need, task.comparator)
    return indicator.id, frame.reindex(columns=RESULT_COLUMNS), summary


def _results(read: Read, years: list[int]) -> pd.DataFrame:
    indicator, cells, population = read.indicator, read.cells, read.population
    if read.published is not None:
        return aggregate_results(indicator, read.published)
    if cells is None:
        return empty_results()
    frames = []
    if population is not None:
        standard = population[population["year"] == max(years)]
        residence = {"year", "sex", "band", "municipality", "referral_area", "region"}
        cells = cells.groupby(
            [c for c in cells.columns if c in residence], as_index=False, dropna=False
        )["numerator"].sum()
        pop_parts = {(p.level, p.sex): p for p in slices(population, indicator, years)}
        for part in slices(cells, indicator, years):
            people = pop_parts[(part.level, part.sex)].cells
            frames.append(rate_results(indicator, part, people, standard))
        return pd.concat(frames, ignore_index=True)
    for part in slices(cells, indicator, years):
        frames.append(_kind_results(indicator, part))
    return pd.concat(frames, ignore_index=True)


def _kind_results(indicator: Indicator, part: Slice) -> pd.DataFrame:
    if indicator.kind == "duration":
        return duration_results(indicator, part)
    if indicator.kind == "mean_score":
        return mean_results(indicator, part)
    if indicator.kind == "count":
        return count_results(indicator, part)
    share = None
    if indicator.standardisation.method == "logistic":
        covariates = [
            "band" if c == "age_band" else c
            for c in indicator.standardisation.covariates
            if not (c == "sex" and part.sex != "all")
        ]
        cells = part.cells
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            share = pd.Series(
                logistic_expected_share(
                    cells["numerator"].to_numpy(dtype=float),
                    cells["denominator"].to_numpy(dtype=float),
                    [cells[c].to_numpy() for c in covariates],
                    cells["period"].to_numpy(),
                ),
                index=cells.index,
            )
    return proportion_results(indicator, part, share)


def _name_areas(results: pd.DataFrame, names: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    if "area_name" not in results:
        results["area_name"] = None
    results["area_name"] = results["area_name"].astype(object)
    missing = results["area_name"].isna()
    for level, lookup in names.items():
        rows = missing & (results["level"] == level)
        results.loc[rows, "area_name"] = results.loc[rows, "area"].map(lookup)
    results["area_name"] = results["area_name"].fillna(results["area"])
    return results


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
) -> ComputeOutput:
    """Every indicator on ``engine``: results, variation summaries and what was not computed
    (``events_only``: see ``data_years``)."""
    years = data_years(engine, events_only)
    coverage = data_coverage(engine, geography)
    if not years:
        # No population row was accepted: no indicator has a year to be computed for.
        return ComputeOutput(empty_results(), empty_variation(), [], coverage=coverage)
    comparator = "nation" if coverage.national else "data"
    names = geography.area_names()
    names["nation"] = {NATION_CODE: COMPARATOR_NAMES[comparator]}
    fetched = Fetched(engine, scans=shared_scans(engine, indicators, years))
    problems: dict[str, str] = {}
    assumed: dict[str, list[str]] = {}

    def tasks() -> Iterator[_Task]:
        # The engine reads in this process while the workers compute what was read.
        for indicator in indicators:
            needed, optional = missing_tables(indicator, set(engine.tables))
            if needed:
                problems[indicator.id] = _needs(needed)
                if on_indicator is not None:
                    on_indicator(indicator.id)
                continue
            if optional:
                assumed[indicator.id] = optional
            need = indicator.need_covariate
            yield _Task(
                read_indicator(indicator, fetched, years, coverage),
                years,
                coverage,
                names,
                comparator,
                fetched.covariate(need, years) if need else None,
            )

    results, summaries = [], []
    for name, frame, summary in mapped(_statistics, tasks(), parallel=len(indicators) > 1):
        if on_indicator is not None:
            on_indicator(name)
        if frame is None:
            problems[name] = NO_ROWS
            continue
        results.append(frame)
        summaries.append(summary)
    problems = {i.id: problems[i.id] for i in indicators if i.id in problems}
    return ComputeOutput(
        pd.concat(results, ignore_index=True) if results else empty_results(),
        pd.concat(summaries, ignore_index=True) if summaries else empty_variation(),
        years,
        problems,
        assumed_empty=assumed,
        coverage=coverage,
    )

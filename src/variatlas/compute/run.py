"""Computing indicators on an engine: aggregated cells → result rows and variation summaries."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir
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
from variatlas.engine import Engine, compile_indicator
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

NO_ROWS = "no input rows to count (its table is empty, or no row meets the definition)"


def missing_tables(indicator: Indicator, present: set[str]) -> tuple[list[str], list[str]]:
    """(tables the indicator needs that are absent, optional tables that are absent)."""
    tables = indicator.tables()
    absent = [t for t in tables if t not in present]
    return [t for t in absent if tables[t]], [t for t in absent if not tables[t]]


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


def _fetch(engine: Engine, expression: ir.Table) -> pd.DataFrame:
    """An expression's rows in a fixed order.

    Engines return aggregates in whatever order their threads finish, and sums of floats
    depend on the order they are added in: sorted rows make every run give the same digits.
    """
    frame = engine.execute(expression)
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


@dataclass
class Fetched:
    """What several indicators read alike, read once: the published aggregates (one scan for
    every published figure), each distinct population expression (rates over the same ages
    and years share it) and each need covariate."""

    engine: Engine
    aggregates: dict[str, pd.DataFrame] | None = None
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

    def covariate(self, fact: str, years: list[int]) -> dict[str, pd.Series]:
        if fact not in self.covariates:
            self.covariates[fact] = _need_covariates(self.engine, fact, years)
        return self.covariates[fact]

    def population(self, expression: ir.Table) -> pd.DataFrame:
        # Ibis operations compare and hash by structure: the same query is the same key.
        key = expression.op()
        if key not in self.populations:
            self.populations[key] = _fetch(self.engine, expression)
        return self.populations[key]


def _indicator_results(
    indicator: Indicator, fetched: Fetched, years: list[int], coverage: Coverage
) -> pd.DataFrame:
    engine = fetched.engine
    if indicator.source == "aggregates":
        if "aggregates" not in engine.tables:
            return empty_results()
        rows = fetched.published(indicator.id)
        return aggregate_results(indicator, rows) if rows is not None else empty_results()
    if indicator.source not in engine.tables:
        return empty_results()
    compiled = compile_indicator(indicator, engine.tables, years)
    cells = _fetch(engine, compiled.cells)
    if not coverage.national and indicator.attribution == "residence" and "municipality" in cells:
        # A regional extract: residents of the municipalities it covers, and no one else.
        cells = cells[cells["municipality"].isin(coverage.municipalities)]
    if cells.empty:
        return empty_results()
    population = (
        fetched.population(compiled.population) if compiled.population is not None else None
    )
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


def _need_covariates(engine: Engine, fact: str, years: list[int]) -> dict[str, pd.Series]:
    if "municipal_facts" not in engine.tables:
        return {}
    facts = engine.tables["municipal_facts"]
    values = _fetch(engine, facts.filter(facts.fact == fact))
    if values.empty:
        return {}
    by_municipality = values.groupby("municipality")["value"].mean()
    people = engine.tables["population"]
    population = _fetch(
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
    present = _fetch(
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
    results, summaries, problems, assumed = [], [], {}, {}
    fetched = Fetched(engine)
    for indicator in indicators:
        if on_indicator is not None:
            on_indicator(indicator.id)
        needed, optional = missing_tables(indicator, set(engine.tables))
        if needed:
            problems[indicator.id] = _needs(needed)
            continue
        if optional:
            assumed[indicator.id] = optional
        frame = _indicator_results(indicator, fetched, years, coverage)
        covered = [
            coverage.covers(level, area)
            for level, area in zip(frame["level"], frame["area"], strict=True)
        ]
        frame = frame[covered]
        if frame.empty:
            problems[indicator.id] = NO_ROWS
            continue
        frame = _name_areas(frame, names)
        frame["funnel"] = funnel_flags(indicator, frame)
        need = (
            fetched.covariate(indicator.need_covariate, years) if indicator.need_covariate else None
        )
        results.append(frame.reindex(columns=RESULT_COLUMNS))
        summaries.append(summarise(indicator, frame, need, comparator))
    return ComputeOutput(
        pd.concat(results, ignore_index=True) if results else empty_results(),
        pd.concat(summaries, ignore_index=True) if summaries else empty_variation(),
        years,
        problems,
        assumed_empty=assumed,
        coverage=coverage,
    )

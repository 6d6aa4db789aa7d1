"""An indicator's statistics, from what was read for it: result rows and variation summaries.

Run in worker processes (``variatlas.workers``). A task may ask for some periods only and
bring the rows of the others from the last run (``variatlas.compute.update``): the rows of
a period are the same whether it is computed alone or with the others, and the rows are put
in one fixed order, so that the output is the same bytes either way.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

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
from variatlas.compute.reading import Read
from variatlas.geography import Coverage
from variatlas.indicators.model import Indicator
from variatlas.results import (
    LEVELS,
    RESULT_COLUMNS,
    SEXES,
    SUMMARY_COLUMNS,
    empty_results,
    empty_variation,
)
from variatlas.stats.casemix import logistic_expected_share
from variatlas.variation import funnel_flags, summarise, with_persistence

PERSISTENCE_COLUMNS = {
    "persistent_outliers": float("nan"),
    "persistent_outlier_areas": "",
    "learn_from_areas": "",
}
"""A variation summary's persistent outliers before ``with_persistence`` fills them in."""


@dataclass(frozen=True)
class Task:
    """One indicator's statistics, from what was read for it (a worker's task)."""

    read: Read
    years: list[int]
    coverage: Coverage
    names: Mapping[str, Mapping[str, str]]
    comparator: str
    need: dict[str, pd.Series] | None
    periods: tuple[str, ...] | None = None
    """The periods to compute (None: every one)."""
    kept: tuple[pd.DataFrame, pd.DataFrame] | None = None
    """The result rows and variation summaries of the other periods, from the last run."""


def statistics(task: Task) -> tuple[str, pd.DataFrame | None, pd.DataFrame | None]:
    """(indicator, result rows, variation summaries); no rows where nothing was counted."""
    indicator = task.read.indicator
    results, summary = _computed(task)
    if task.kept is not None:
        kept_results, kept_summary = task.kept
        results = pd.concat([kept_results, results], ignore_index=True)
        summary = pd.concat(
            [kept_summary.assign(**PERSISTENCE_COLUMNS), summary], ignore_index=True
        )
    if results.empty:
        return indicator.id, None, None
    if indicator.source != "aggregates":
        # Published figures keep the publisher's order; they are never computed in part.
        results = in_view_order(results, with_area=True)
        summary = in_view_order(summary, with_area=False)
    summary = with_persistence(indicator, results, summary)
    return indicator.id, results, summary.reindex(columns=SUMMARY_COLUMNS)


def in_view_order(frame: pd.DataFrame, *, with_area: bool) -> pd.DataFrame:
    """Rows by level, sex, then period and area as text: the order the statistics make them
    in (``slices``, then "period|area" keys), whichever periods were computed when."""
    text = frame["period"].astype(str) + "|"
    if with_area:
        text = text + frame["area"].astype(str)
    keys = pd.DataFrame(
        {
            "level": frame["level"].map({level: i for i, level in enumerate(LEVELS)}),
            "sex": frame["sex"].map({sex: i for i, sex in enumerate(SEXES)}),
            "text": text,
        }
    )
    order = keys.sort_values(["level", "sex", "text"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _computed(task: Task) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows and summaries of the task's periods (none, if no period is asked for)."""
    indicator, coverage = task.read.indicator, task.coverage
    if task.periods is not None and not task.periods:
        return empty_results(), empty_variation()
    frame = _results(task.read, task.years, task.periods)
    covered = [
        coverage.covers(level, area)
        for level, area in zip(frame["level"], frame["area"], strict=True)
    ]
    frame = frame[covered]
    if frame.empty:
        return empty_results(), empty_variation()
    frame = _name_areas(frame, task.names)
    frame["funnel"] = funnel_flags(indicator, frame)
    summary = summarise(indicator, frame, task.need, task.comparator, persistent=False)
    return frame.reindex(columns=RESULT_COLUMNS), summary


def _results(read: Read, years: list[int], only: tuple[str, ...] | None) -> pd.DataFrame:
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
        pop_parts = {(p.level, p.sex): p for p in slices(population, indicator, years, only=only)}
        for part in slices(cells, indicator, years, only=only):
            people = pop_parts[(part.level, part.sex)].cells
            frames.append(rate_results(indicator, part, people, standard))
        return pd.concat(frames, ignore_index=True)
    for part in slices(cells, indicator, years, only=only):
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

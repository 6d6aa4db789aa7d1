"""From aggregated cells to the areas and periods of the results: levels, periods, sexes."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pandas as pd

from variatlas.geography import peer_groups
from variatlas.indicators.model import Indicator
from variatlas.results import LEVELS, NATION_CODE, PEER_LEVELS, SEXES


def periods(years: list[int], window: int = 3) -> list[tuple[str, list[int]]]:
    """Each year, and every run of ``window`` consecutive years ("2021-2023")."""
    years = sorted(set(years))
    found = [(str(y), [y]) for y in years]
    for i in range(len(years) - window + 1):
        run = years[i : i + window]
        if run[-1] - run[0] == window - 1:
            found.append((f"{run[0]}-{run[-1]}", run))
    return found


def level_column(level: str, indicator: Indicator) -> str | None:
    """The cell column that identifies an area at ``level`` (None for the nation)."""
    if level == "nation":
        return None
    if level == "health_trust":
        return "hospital"
    if level == "region":
        return "hospital_region" if indicator.attribution == "treating_trust" else "region"
    return level


def with_peer_groups(cells: pd.DataFrame) -> pd.DataFrame:
    """``cells`` with the KOSTRA group and centrality class of their municipality (missing
    where it has none: Haram has no KOSTRA group), where they have a municipality."""
    if "municipality" not in cells.columns:
        return cells
    groups = peer_groups()
    codes = cells["municipality"]
    return cells.assign(**{level: codes.map(groups[level]) for level in PEER_LEVELS})


def levels_for(indicator: Indicator, columns: set[str]) -> list[str]:
    found = []
    for level in LEVELS:
        column = level_column(level, indicator)
        if column is None or column in columns:
            found.append(level)
    return found


@dataclass(frozen=True)
class Slice:
    """Cells of one level and sex, expanded to every period (``period`` and ``area`` added)."""

    level: str
    sex: str
    cells: pd.DataFrame


def slices(
    cells: pd.DataFrame,
    indicator: Indicator,
    years: list[int],
    sexes: tuple[str, ...] = SEXES,
    only: Collection[str] | None = None,
) -> Iterator[Slice]:
    """Every level × sex, with the cells of each period stacked (a year may be in several);
    with ``only``, of those periods alone (each period's cells are the same either way)."""
    mapping = pd.DataFrame(
        [
            (label, y)
            for label, members in periods(years)
            if only is None or label in only
            for y in members
        ],
        columns=["period", "year"],
    )
    expanded = with_peer_groups(cells.merge(mapping, on="year"))
    has_sex = "sex" in cells and cells["sex"].isin(["M", "F"]).any()
    for level in levels_for(indicator, set(expanded.columns)):
        column = level_column(level, indicator)
        frame = expanded.assign(area=NATION_CODE if column is None else expanded[column])
        frame = frame[frame["area"].notna()]
        for sex in sexes if has_sex else ("all",):
            chosen = frame if sex == "all" else frame[frame["sex"] == sex]
            yield Slice(level, sex, chosen)

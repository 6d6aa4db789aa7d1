"""The statistics of each kind of indicator, from the cells of one level and sex to result rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from variatlas import stats
from variatlas.compute.cells import Slice
from variatlas.indicators.model import Indicator
from variatlas.results import CONFIDENCE, FEW_EVENTS, FEW_ROWS, ONE_RESPONDENT, OUTSIDE_POPULATION


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["period"].astype(str) + "|" + frame["area"].astype(str)


def key_totals(frame: pd.DataFrame, keys: ArrayLike, columns: list[str]) -> pd.DataFrame:
    """Each column's total per key (sorted keys, as ``groupby(keys).sum()``), added row by
    row in the rows' order from the key's own rows alone; empty values count as 0.

    Not ``groupby().sum()``: pandas chooses how to add by the whole frame (numpy's
    ``reduceat`` where the frame happens to be sorted by key and has no empty value, else
    compensated sums), so that the same rows could get another last digit beside other rows,
    and a period computed alone would not give the bytes it gives beside the others
    (``variatlas.compute.update``). Whole-number columns stay whole numbers.
    """
    codes, uniques = pd.factorize(np.asarray(keys), sort=True)
    found = {}
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        total = np.bincount(
            codes, weights=np.where(np.isnan(values), 0.0, values), minlength=len(uniques)
        )
        whole = pd.api.types.is_integer_dtype(frame[column].dtype)
        found[column] = total.round().astype(np.int64) if whole else total
    return pd.DataFrame(found, index=pd.Index(uniques, name="key"))


def _split(keys: np.ndarray) -> tuple[list[str], list[str]]:
    parts = [k.split("|", 1) for k in keys]
    return [p[0] for p in parts], [p[1] for p in parts]


def _frame(indicator: Indicator, part: Slice, keys: np.ndarray, **columns: object) -> pd.DataFrame:
    period, area = _split(keys)
    frame = pd.DataFrame(
        {
            "indicator": indicator.id,
            "level": part.level,
            "area": area,
            "period": period,
            "sex": part.sex,
            **columns,
        }
    )
    return frame


def rate_results(
    indicator: Indicator, part: Slice, population: pd.DataFrame, standard: pd.DataFrame
) -> pd.DataFrame:
    """Rates per population: crude, direct (DSR, Dobson) and indirect (expected counts).

    ``population`` is the population slice of the same level and sex (with period and area);
    ``standard`` the reference-year population by band and sex (direct standardisation).
    """
    strata = ["band", "sex"] if part.sex == "all" else ["band"]
    if (part.cells["band"] == -1).all():
        # The events carry no age (a birth cohort, say): one stratum per sex.
        part = Slice(part.level, part.sex, part.cells.assign(band=0))
        population = population.assign(band=0)
        standard = standard.assign(band=0)
    events = part.cells.groupby(["period", "area", *strata], as_index=False)["numerator"].sum()
    people = population.groupby(["period", "area", *strata], as_index=False)["population"].sum()
    grid = people.merge(events, on=["period", "area", *strata], how="left").fillna(
        {"numerator": 0.0}
    )
    grid = grid[grid["population"] > 0]
    lost = events.merge(people, on=["period", "area", *strata], how="left")
    lost = lost[lost["population"].isna() | (lost["population"] <= 0)]
    # National rates per stratum and period give the expected counts (indirect standardisation).
    national = grid.groupby(["period", *strata], as_index=False)[["numerator", "population"]].sum()
    national["national_rate"] = national["numerator"] / national["population"]
    grid = grid.merge(national[["period", *strata, "national_rate"]], on=["period", *strata])
    grid["expected"] = grid["population"] * grid["national_rate"]
    totals = key_totals(grid, _keys(grid), ["numerator", "population", "expected"])
    crude = stats.crude_rate(
        totals["numerator"],
        totals["population"],
        multiplier=indicator.multiplier,
        confidence=CONFIDENCE,
    )
    frame = _frame(
        indicator,
        part,
        totals.index.to_numpy(),
        numerator=totals["numerator"].to_numpy(),
        denominator=totals["population"].to_numpy(),
        crude_value=crude.value,
        expected=totals["expected"].to_numpy(),
    )
    method = indicator.standardisation.method
    if method == "direct":
        chosen = standard if part.sex == "all" else standard[standard["sex"] == part.sex]
        weights = (
            chosen.groupby(strata, as_index=False)["population"]
            .sum()
            .rename(columns={"population": "standard"})
        )
        grid = grid.merge(weights, on=strata, how="left").fillna({"standard": 0.0})
        result = stats.dsr(
            grid["numerator"],
            grid["population"],
            grid["standard"],
            groups=_keys(grid).to_numpy(),
            multiplier=indicator.multiplier,
            confidence=CONFIDENCE,
        )
        order = pd.Index(result.groups).get_indexer(totals.index)
        frame["value"] = result.value[order]
        frame["lower"] = result.lower[order]
        frame["upper"] = result.upper[order]
        frame["method"] = "dsr-dobson"
        frame["flag"] = np.where(np.isnan(frame["value"]), FEW_EVENTS, "")
    else:
        frame["value"], frame["lower"], frame["upper"] = crude.value, crude.lower, crude.upper
        frame["method"] = np.where(totals["numerator"].to_numpy() < 10, "exact", "byar")
        frame["flag"] = ""
    if len(lost):
        missing = set(_keys(lost))
        frame.loc[_keys(frame).isin(missing), "flag"] += "; " + OUTSIDE_POPULATION
        frame["flag"] = frame["flag"].str.lstrip("; ")
    return frame


def proportion_results(
    indicator: Indicator, part: Slice, expected_share: pd.Series | None = None
) -> pd.DataFrame:
    """Proportions with Wilson intervals; ``expected_share`` per cell gives case-mix O/E."""
    cells = part.cells.assign(key=_keys(part.cells))
    national = cells.groupby("period")[["numerator", "denominator"]].sum()
    national_share = national["numerator"] / national["denominator"]
    if expected_share is not None:
        cells["expected"] = cells["denominator"] * expected_share.loc[cells.index]
    else:
        cells["expected"] = cells["denominator"] * cells["period"].map(national_share)
    totals = key_totals(cells, cells["key"], ["numerator", "denominator", "expected"])
    result = stats.proportion(
        totals["numerator"],
        totals["denominator"],
        multiplier=indicator.multiplier,
        confidence=CONFIDENCE,
    )
    frame = _frame(
        indicator,
        part,
        totals.index.to_numpy(),
        numerator=totals["numerator"].to_numpy(),
        denominator=totals["denominator"].to_numpy(),
        crude_value=result.value,
        expected=totals["expected"].to_numpy(),
    )
    if expected_share is None:
        frame["value"], frame["lower"], frame["upper"] = result.value, result.lower, result.upper
        frame["method"] = "wilson"
    else:
        # Indirectly standardised proportion: O/E × the national share, Poisson limits on O.
        period, _ = _split(totals.index.to_numpy())
        observed, expected = totals["numerator"].to_numpy(), totals["expected"].to_numpy()
        lower, upper, _ = stats.intervals.poisson_limits(observed, CONFIDENCE)
        scale = national_share.reindex(period).to_numpy() * indicator.multiplier / expected
        frame["value"] = observed * scale
        frame["lower"] = lower * scale
        frame["upper"] = upper * scale
        frame["method"] = "logistic-case-mix-oe"
    frame["flag"] = ""
    return frame


def duration_results(indicator: Indicator, part: Slice) -> pd.DataFrame:
    """Median days with the order-statistic interval, or the mean with Student's t interval;
    numerator = the number of rows."""
    cells = part.cells.assign(key=_keys(part.cells))
    grouped = cells.groupby(["key", "days"], as_index=False)["numerator"].sum()
    if indicator.statistic == "mean":
        return _mean_duration(indicator, part, grouped)
    result = stats.median_ci(
        grouped["days"],
        groups=grouped["key"].to_numpy(),
        weights=grouped["numerator"],
        confidence=CONFIDENCE,
    )
    assert result.groups is not None
    counts = grouped.groupby("key")["numerator"].sum().reindex(result.groups)
    return _frame(
        indicator,
        part,
        result.groups,
        numerator=counts.to_numpy(),
        denominator=np.nan,
        value=result.value,
        lower=result.lower,
        upper=result.upper,
        crude_value=result.value,
        expected=np.nan,
        method="median-order-statistics",
        flag=np.where(
            np.isnan(result.lower) | np.isnan(result.upper),
            FEW_ROWS,
            "",
        ),
    )


def _mean_duration(indicator: Indicator, part: Slice, grouped: pd.DataFrame) -> pd.DataFrame:
    weighted = grouped.assign(
        total=grouped["numerator"] * grouped["days"],
        squares=grouped["numerator"] * grouped["days"].astype(float) ** 2,
    )
    totals = key_totals(weighted, weighted["key"], ["numerator", "total", "squares"])
    n = totals["numerator"].to_numpy(dtype=float)
    return _mean_frame(indicator, part, totals.index.to_numpy(), n, totals, FEW_ROWS)


def _mean_frame(
    indicator: Indicator,
    part: Slice,
    keys: np.ndarray,
    n: np.ndarray,
    totals: pd.DataFrame,
    few: str,
    scale: tuple[float, float] = (0.0, 1.0),
) -> pd.DataFrame:
    """The mean of values given their count, sum and sum of squares, with Student's t
    interval, shown as ``(mean - scale[0]) * scale[1]`` (a linear change of scale)."""
    average = totals["total"].to_numpy() / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (totals["squares"].to_numpy() - n * average**2) / (n - 1)
    sd = np.sqrt(np.clip(variance, 0, None))
    result = stats.mean_from_moments(n, average, sd, confidence=CONFIDENCE)
    offset, factor = scale
    value = (result.value - offset) * factor
    return _frame(
        indicator,
        part,
        keys,
        numerator=n,
        denominator=np.nan,
        value=value,
        lower=(result.lower - offset) * factor,
        upper=(result.upper - offset) * factor,
        crude_value=value,
        expected=np.nan,
        method="student-t",
        flag=np.where(n < 2, few, ""),
    )


def mean_results(indicator: Indicator, part: Slice) -> pd.DataFrame:
    """The mean of respondents' scores (each the mean of their answered items), Student's t."""
    score = part.cells["item_sum"] / part.cells["items"]
    cells = part.cells.assign(
        key=_keys(part.cells),
        total=part.cells["respondents"] * score,
        squares=part.cells["respondents"] * score**2,
    )
    totals = key_totals(cells, cells["key"], ["respondents", "total", "squares"])
    scale = (0.0, 1.0)
    if indicator.score_range is not None:
        lowest, highest = indicator.score_range
        scale = (float(lowest), 100 / (highest - lowest))
    n = totals["respondents"].to_numpy(dtype=float)
    return _mean_frame(indicator, part, totals.index.to_numpy(), n, totals, ONE_RESPONDENT, scale)


def count_results(indicator: Indicator, part: Slice) -> pd.DataFrame:
    cells = part.cells.assign(key=_keys(part.cells))
    totals = cells.groupby("key")["numerator"].sum()
    lower, upper, _ = stats.intervals.poisson_limits(totals.to_numpy(), CONFIDENCE)
    return _frame(
        indicator,
        part,
        totals.index.to_numpy(),
        numerator=totals.to_numpy(),
        denominator=np.nan,
        value=totals.to_numpy(dtype=float),
        lower=lower,
        upper=upper,
        crude_value=totals.to_numpy(dtype=float),
        expected=np.nan,
        method=np.where(totals.to_numpy() < 10, "exact", "byar"),
        flag="",
    )

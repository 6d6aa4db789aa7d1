"""Area profiles: every indicator for one area against the country, as a spine chart reads it.

For each indicator and area level, one view (both sexes, the latest period of three years or
else the latest year: the view in which the fewest small areas are hidden) gives each area's
value beside the country's and the spread of all areas of its level (lowest, quartiles,
highest); how the area compares with the country (its funnel position where the indicator
has a funnel, else its confidence interval against the national value), judged by the
indicator's direction; and its trend marker over the last five single years, as Fingertips
calls one (``variatlas.stats.trend``: at 99.8 %, and only if no single year makes it). Only
published cells enter: this runs on disclosed results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from variatlas.indicators.model import Indicator
from variatlas.stats.trend import TREND_POINTS, Trend, proportion_trend, weighted_trend
from variatlas.variation.funnels import funnel_kind

PROFILE_LEVELS = ("municipality", "referral_area", "health_trust", "region")
TREND_PERIODS = TREND_POINTS
"""Fingertips' trend markers use the latest five points of a series."""

SHOWN = [
    "level",
    "area",
    "area_name",
    "period",
    "numerator",
    "value",
    "lower",
    "upper",
    "shrunk_value",
    "flag",
]
"""The result columns a profile line carries as they are."""
PROFILE_COLUMNS = [
    "indicator",
    *SHOWN,
    "national",
    "lowest",
    "q25",
    "q75",
    "highest",
    "compared",
    "trend",
    "trend_judgement",
    "learn_from",
]
JUDGED = {
    "higher_is_better": {"higher": "better", "lower": "worse"},
    "lower_is_better": {"higher": "worse", "lower": "better"},
}


def profile_period(periods: pd.Series) -> str:
    """The latest run of years if there is one (the longest of those ending last), else the
    latest year."""
    unique = pd.Series(periods.unique())
    runs = unique[unique.str.contains("-")]
    pool = runs if len(runs) else unique
    return str(max(pool, key=lambda p: (int(p[-4:]), int(p[-4:]) - int(p[:4]))))


def judged(indicator: Indicator, side: str) -> str:
    """``higher``/``lower`` as ``better``/``worse`` for an indicator with a direction."""
    return JUDGED.get(indicator.direction, {}).get(side, side)


def _sides(indicator: Indicator, view: pd.DataFrame, national: float) -> pd.Series:
    """``higher``, ``lower``, ``similar`` or empty (not compared) for each area of a view."""
    sides = pd.Series("", index=view.index, dtype=object)
    if funnel_kind(indicator) is not None and view["funnel"].fillna("").ne("").any():
        position = view["funnel"].fillna("")
        sides[position.str.startswith("High")] = "higher"
        sides[position.str.startswith("Low")] = "lower"
        sides[position == "Not significant"] = "similar"
        return sides
    if not np.isfinite(national):
        return sides
    known = view["lower"].notna() & view["upper"].notna() & view["value"].notna()
    sides[known] = "similar"
    sides[known & (view["lower"] > national)] = "higher"
    sides[known & (view["upper"] < national)] = "lower"
    return sides


def area_trend(indicator: Indicator, series: pd.DataFrame) -> Trend:
    """The Fingertips trend marker of one area over its last ``TREND_PERIODS`` years, every
    one published and none missing between them (Fingertips asks for series without breaks):
    the chi-squared test for trend with the logit slope for proportions with counts, the
    weighted regression on the confidence intervals otherwise (``variatlas.stats.trend``)."""
    years = series["period"].astype(float).to_numpy()
    if np.any(np.diff(np.unique(years)) > 1):
        return Trend(np.nan, np.nan, np.nan, not_computed="a break in the series")
    if funnel_kind(indicator) == "proportion" and series["numerator"].notna().all():
        return proportion_trend(
            series["numerator"], series["denominator"], years, points=TREND_PERIODS
        )
    return weighted_trend(
        series["value"], series["lower"], series["upper"], years, points=TREND_PERIODS
    )


def _trends(indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """Trend and its judgement per (level, area), both sexes."""
    yearly = rows[(rows["sex"] == "all") & rows["period"].str.fullmatch(r"\d{4}")]
    last = sorted(yearly["period"].unique())[-TREND_PERIODS:]
    recent = yearly[yearly["period"].isin(last)].sort_values("period")
    records = []
    for (level, area), series in recent.groupby(["level", "area"], sort=False):
        direction = area_trend(indicator, series).direction()
        side = {"increasing": "higher", "decreasing": "lower"}.get(direction, "")
        judgement = judged(indicator, side) if side else ""
        records.append((level, area, direction, judgement if judgement != side else ""))
    return pd.DataFrame(records, columns=["level", "area", "trend", "trend_judgement"])


def _learn_from(summaries: pd.DataFrame) -> set[tuple[str, str]]:
    """(level, area) pairs named as places to learn from in the latest single-year view."""
    found = set()
    for summary in summaries[summaries["sex"] == "all"].to_dict("records"):
        for area in str(summary.get("learn_from_areas") or "").split(";"):
            if area:
                found.add((summary["level"], area))
    return found


def indicator_profile(
    indicator: Indicator, rows: pd.DataFrame, summaries: pd.DataFrame
) -> pd.DataFrame:
    """One row per area of each profile level: the indicator's spine-chart entry."""
    if "shrunk_value" not in rows:
        rows = rows.assign(shrunk_value=np.nan)
    trends = _trends(indicator, rows)
    learn = _learn_from(summaries)
    nation = rows[(rows["level"] == "nation") & (rows["sex"] == "all")]
    parts = []
    for level in PROFILE_LEVELS:
        at_level = rows[(rows["level"] == level) & (rows["sex"] == "all")]
        if at_level.empty:
            continue
        period = profile_period(at_level["period"])
        view = at_level[at_level["period"] == period]
        national_rows = nation.loc[nation["period"] == period, "value"]
        national = float(national_rows.iloc[0]) if len(national_rows) else np.nan
        values = view["value"].dropna()
        part = view[SHOWN].copy()
        part["national"] = national
        part["lowest"], part["highest"] = values.min(), values.max()
        part["q25"], part["q75"] = values.quantile(0.25), values.quantile(0.75)
        part["compared"] = [judged(indicator, s) for s in _sides(indicator, view, national)]
        part["learn_from"] = [(level, a) in learn for a in part["area"]]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=PROFILE_COLUMNS)
    profile = pd.concat(parts, ignore_index=True).merge(trends, on=["level", "area"], how="left")
    profile["trend"] = profile["trend"].fillna("not computed")
    profile["trend_judgement"] = profile["trend_judgement"].fillna("")
    profile["indicator"] = indicator.id
    return profile[PROFILE_COLUMNS]

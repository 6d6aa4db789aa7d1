"""Each area against its comparators: the country, its region, health trust and referral area,
its peers (KOSTRA group, centrality class), the indicator's target and its own previous period.

Computed from published (disclosure-controlled) rows only: a comparison never reads a hidden
value. An area whose own value is hidden or missing is not compared at all; one with a value
says "not compared" with its reason where it has no interval or the comparator's value is
hidden or missing.

Methods (``METHODS``):

- ``interval``: the area's 95 % confidence interval against the comparator's value, as
  Fingertips compares an area with its benchmark (England, its region, or a group of
  similar areas): higher where the interval lies wholly above the comparator's value, lower
  where wholly below, similar where it holds it. The comparator's own interval is published
  beside it but does not enter the test: the benchmark is taken as the reference value.
  Reference: Public Health England / OHID, Fingertips technical guidance, "Comparing
  indicator values with a benchmark" (the confidence-interval overlap method with a
  benchmark), and PHE, Technical Guide: Confidence intervals (2018).
- ``target``: the area's value against the indicator's target (``Target``: at least, or at
  most, the target value): met or not met, as the atlas's readings count areas meeting a
  target (Fingertips compares with a goal by the value alone).
- ``difference``: the area against its own previous period of the same length (2019–2021
  for 2022–2024, 2023 for 2024: periods that share no year, so the two estimates are
  independent), by the difference of two independent estimates (Altman DG, Bland JM.
  Interaction revisited: the difference between two estimates. BMJ 2003;326:219), rates
  and ratios on the log scale (``variatlas.stats.difference``).

Where the indicator has a direction (higher or lower is better), higher and lower read as
better and worse.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from variatlas.geography import Geography, peer_groups
from variatlas.indicators.model import Indicator
from variatlas.results import (
    COMPARATORS,
    COMPARISON_FIELDS,
    CONFIDENCE,
    NATION_CODE,
    is_suppressed,
)
from variatlas.stats.difference import beyond_intervals, difference_z

SUBJECT_LEVELS: tuple[str, ...] = ("municipality", "referral_area", "health_trust")
"""The levels whose areas are compared with their comparators."""
APPLIES: dict[str, tuple[str, ...]] = {
    "municipality": COMPARATORS,
    "referral_area": ("nation", "region", "health_trust", "target", "previous"),
    "health_trust": ("nation", "region", "target", "previous"),
}
"""The comparators of each subject level (a referral area has no KOSTRA group)."""
METHODS: dict[str, str] = {
    "interval": "the area's 95 % confidence interval against the comparator's value "
    "(Fingertips' comparison with a benchmark)",
    "target": "the area's value against the indicator's target",
    "difference": "the difference of two independent estimates, z test at 95 % (Altman and "
    "Bland 2003), rates and ratios on the log scale",
}
"""How each comparison is made (the ``method`` column holds the key)."""
OUTCOMES: tuple[str, ...] = (
    "higher",
    "lower",
    "similar",
    "better",
    "worse",
    "met",
    "not met",
    "not compared",
)
REASONS: dict[str, str] = {
    "suppressed": "the area's value is hidden to protect small numbers",
    "missing": "the area has no value",
    "no interval": "the area's value has no confidence interval",
    "comparator suppressed": "the comparator's value is hidden to protect small numbers",
    "comparator missing": "the comparator has no value for this period and sex",
    "comparator no interval": "the previous period's value has no confidence interval",
}
"""Why a comparison is not made (the ``reason`` column holds the key)."""
LOG_SCALE_METHODS = frozenset({"dsr-dobson", "byar", "exact", "logistic-case-mix-oe"})
"""Interval methods of rates and ratios: their differences are taken on the log scale."""
COLUMNS = [f.name for f in COMPARISON_FIELDS]


def previous_period(period: str) -> str:
    """The period of the same length just before ``period``, sharing no year with it:
    "2019-2021" before "2022-2024", "2023" before "2024"."""
    first, _, last = period.partition("-")
    if not last:
        return str(int(first) - 1)
    length = int(last) - int(first) + 1
    return f"{int(first) - length}-{int(last) - length}"


def _memberships(geography: Geography) -> dict[str, dict[str, dict[str, str]]]:
    """Subject level → comparator → area → the comparator's area."""
    munis = geography.municipalities
    trusts = geography.trusts
    trust_of_area = {
        str(r): str(c) for r, c in zip(trusts["referral_area"], trusts["code"], strict=False) if r
    }
    areas = geography.referral_areas
    muni_area = {
        str(m): str(r)
        for m, r in zip(munis["municipality"], munis["referral_area"], strict=True)
        if isinstance(r, str) and r
    }
    peers = peer_groups()
    return {
        "municipality": {
            "region": dict(zip(munis["municipality"], munis["region"].astype(str), strict=True)),
            "referral_area": muni_area,
            "health_trust": {
                m: trust_of_area[r] for m, r in muni_area.items() if r in trust_of_area
            },
            **peers,
        },
        "referral_area": {
            "region": dict(zip(areas["code"], areas["region"].astype(str), strict=True)),
            "health_trust": trust_of_area,
        },
        "health_trust": {
            "region": {
                str(c): str(r) for c, r in zip(trusts["code"], trusts["region"], strict=False) if r
            },
        },
    }


def _pairs(
    indicator: Indicator,
    subjects: pd.DataFrame,
    geography: Geography,
    present: set[tuple[str, str]],
) -> pd.DataFrame:
    """Each subject row with each comparator that applies: comparator level, area, period."""
    links = _memberships(geography)
    parts = []
    for level, rows in subjects.groupby("level", sort=False):
        for comparator in APPLIES[str(level)]:
            frame = rows[["level", "area", "period", "sex"]].assign(comparator=comparator)
            if comparator == "nation":
                frame = frame.assign(
                    comparator_level="nation",
                    comparator_area=NATION_CODE,
                    comparator_period=frame["period"],
                )
            elif comparator == "target":
                if indicator.target is None:
                    continue
                frame = frame.assign(comparator_level="", comparator_area="", comparator_period="")
            elif comparator == "previous":
                frame = frame.assign(
                    comparator_level=frame["level"],
                    comparator_area=frame["area"],
                    comparator_period=frame["period"].map(previous_period),
                )
                # Only where the data reach back that far at this level.
                reached = zip(frame["level"], frame["comparator_period"], strict=True)
                frame = frame[np.array([key in present for key in reached], dtype=bool)]
            else:
                frame = frame.assign(
                    comparator_level=comparator,
                    comparator_area=frame["area"].map(links[str(level)].get(comparator, {})),
                    comparator_period=frame["period"],
                )
                # A comparator level the indicator has no rows at is no comparator of it.
                at_level = np.array([(comparator, p) in present for p in frame["period"]], bool)
                frame = frame[frame["comparator_area"].notna().to_numpy() & at_level]
            parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["level", "area", "period", "sex", "comparator"])
    return pd.concat(parts, ignore_index=True)


def comparisons(indicator: Indicator, rows: pd.DataFrame, geography: Geography) -> pd.DataFrame:
    """Every published row of ``indicator`` with a value at a subject level
    (``SUBJECT_LEVELS``) against each comparator that applies to it (``COLUMNS``; ``rows``:
    its published results). A row whose own value is hidden or missing has nothing to
    compare (its flag says why), and no comparisons: in the demo they were two thirds of
    all, and three times the results' size in the open data."""
    rows = rows.assign(
        area=rows["area"].astype(str), hidden=rows["flag"].map(is_suppressed).astype(bool)
    )
    present = set(zip(rows["level"], rows["period"], strict=True))
    subjects = rows[rows["level"].isin(SUBJECT_LEVELS) & ~rows["hidden"] & rows["value"].notna()]
    pairs = _pairs(indicator, subjects, geography, present)
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    own = rows[["level", "area", "period", "sex", "value", "lower", "upper", "hidden", "method"]]
    other = own.rename(
        columns={
            "level": "comparator_level",
            "area": "comparator_area",
            "period": "comparator_period",
            "value": "comparator_value",
            "lower": "comparator_lower",
            "upper": "comparator_upper",
            "hidden": "comparator_hidden",
            "method": "comparator_method",
        }
    )
    keys = ["comparator_level", "comparator_area", "comparator_period", "sex"]
    frame = pairs.merge(own, on=["level", "area", "period", "sex"], how="left").merge(
        other, on=keys, how="left"
    )
    if indicator.target is not None:
        aimed = frame["comparator"] == "target"
        frame.loc[aimed, "comparator_value"] = indicator.target.value
        frame.loc[aimed, "comparator_hidden"] = False
    comparison, reason, method = judge(indicator, frame)
    frame = frame.assign(
        indicator=indicator.id, comparison=comparison, reason=reason, method=method
    )
    hidden = frame["comparator_hidden"].fillna(False).astype(bool)
    for column in ("comparator_value", "comparator_lower", "comparator_upper"):
        frame[column] = pd.to_numeric(frame[column]).where(~hidden)
    return frame[COLUMNS].reset_index(drop=True)


def judge(indicator: Indicator, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(comparison, reason, method) of each pair: the area's ``value``, ``lower``, ``upper``
    against its ``comparator_value`` (with ``comparator_lower`` and ``comparator_upper`` for a
    previous period); ``hidden`` and ``comparator_hidden`` mark suppressed values."""
    value, low, high = (
        pd.to_numeric(frame[c]).to_numpy(float) for c in ("value", "lower", "upper")
    )
    other = pd.to_numeric(frame["comparator_value"]).to_numpy(float)
    other_low = pd.to_numeric(frame["comparator_lower"]).to_numpy(float)
    other_high = pd.to_numeric(frame["comparator_upper"]).to_numpy(float)
    kind = frame["comparator"].to_numpy(object)
    target, previous = kind == "target", kind == "previous"
    method = np.where(target, "target", np.where(previous, "difference", "interval"))
    reason = np.full(len(frame), "", dtype=object)
    hidden = frame["hidden"].fillna(False).to_numpy(bool)
    other_hidden = frame["comparator_hidden"].fillna(False).to_numpy(bool)
    no_interval = np.isnan(low) | np.isnan(high)
    checks = (
        (hidden, "suppressed"),
        (np.isnan(value), "missing"),
        (no_interval & ~target, "no interval"),
        (other_hidden, "comparator suppressed"),
        (np.isnan(other), "comparator missing"),
        (previous & (np.isnan(other_low) | np.isnan(other_high)), "comparator no interval"),
    )
    for failed, why in reversed(checks):
        reason[failed] = why
    outcome = np.full(len(frame), "similar", dtype=object)
    with np.errstate(invalid="ignore"):
        outcome[low > other] = "higher"
        outcome[high < other] = "lower"
    if previous.any():
        z = difference_z(
            other[previous],
            (other_low[previous], other_high[previous]),
            value[previous],
            (low[previous], high[previous]),
            frame["method"].isin(LOG_SCALE_METHODS).to_numpy()[previous],
            CONFIDENCE,
        )
        beyond = beyond_intervals(z, CONFIDENCE)
        outcome[previous] = np.where(beyond, np.where(z > 0, "higher", "lower"), "similar")
    outcome = _with_direction(indicator, outcome)
    if target.any() and indicator.target is not None:
        goal = indicator.target
        with np.errstate(invalid="ignore"):
            met = value >= goal.value if goal.comparison == ">=" else value <= goal.value
        outcome[target] = np.where(met[target], "met", "not met")
    outcome[reason != ""] = "not compared"
    return outcome, reason, method


def _with_direction(indicator: Indicator, outcome: np.ndarray) -> np.ndarray:
    better = {"higher_is_better": "higher", "lower_is_better": "lower"}.get(indicator.direction)
    if better is None:
        return outcome
    worse = "lower" if better == "higher" else "higher"
    return np.select([outcome == better, outcome == worse], ["better", "worse"], outcome)


def every_comparison(
    indicators: Mapping[str, Indicator], results: pd.DataFrame, geography: Geography
) -> pd.DataFrame:
    """``comparisons`` of every indicator of ``results`` (published rows)."""
    parts = [
        comparisons(indicators[str(name)], rows, geography)
        for name, rows in results.groupby("indicator", sort=False)
        if str(name) in indicators
    ]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)

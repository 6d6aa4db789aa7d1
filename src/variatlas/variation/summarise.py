"""The variation summary of each indicator × level × period × sex (the results contract).

From the area rows of one indicator: how much the areas differ (``measures``), how many lie
outside their funnel (``funnels``), which stay outside year after year, and how much of the
variation need explains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from variatlas.indicators.model import Indicator
from variatlas.results import PEER_LEVELS, SUMMARY_COLUMNS, TOO_FEW_AREAS
from variatlas.stats.estimate import FloatArray, as_float
from variatlas.variation.estimates import column_numbers, fdr_outliers
from variatlas.variation.funnels import area_overdispersion
from variatlas.variation.gradients import centrality_explained
from variatlas.variation.measures import scv_class, variation_summary

BoolArray = NDArray[np.bool_]

MINIMUM_AREA_SHARE = 0.5
"""FT, CV and SCV describe a level only when at least this share of its areas is published
(has a value after disclosure control)..."""
MINIMUM_POPULATION_SHARE = 0.8
"""...and those areas hold at least this share of the country's denominator: the extremes of
a level are most often its smallest areas, the ones disclosure control hides, so statistics
over the large areas that remain would understate the spread and read as if about all."""
COMPARED = ("min", "max", "ft", "ft2", "ft3", "cv", "cv_weighted", "scv", "scv2", "scv_log")
"""The measures of how much the areas differ, left empty where too few areas are published."""


def need_share(values: ArrayLike, covariate: ArrayLike, weights: ArrayLike) -> float:
    """R² of a weighted regression of log(value) on the need covariate across areas."""
    v, x, w = as_float(values), as_float(covariate), as_float(weights)
    keep = ~np.isnan(v) & (v > 0) & ~np.isnan(x) & (w > 0)
    if keep.sum() < 4:
        return float("nan")
    y, x, w = np.log(v[keep]), x[keep], w[keep]
    design = np.column_stack([np.ones(len(x)), x])
    root = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)
    fitted = design @ coef
    mean = np.average(y, weights=w)
    total = np.sum(w * (y - mean) ** 2)
    return float(1 - np.sum(w * (y - fitted) ** 2) / total) if total > 0 else float("nan")


@dataclass(frozen=True)
class _Areas:
    """The area rows of one indicator as arrays, read once: each view is a set of positions
    (a summary per view over pandas slices spent most of its time in pandas itself)."""

    numerator: FloatArray
    denominator: FloatArray
    expected: FloatArray
    value: FloatArray
    rates: FloatArray
    published_rates: bool
    covariate: FloatArray
    outside_95: BoolArray
    outside_998: BoolArray
    high_998: BoolArray
    low_998: BoolArray


def _areas(indicator: Indicator, areas: pd.DataFrame, need: dict[str, pd.Series] | None) -> _Areas:
    labels = areas["funnel"].fillna("").astype(str)
    outside_998 = labels.str.endswith("(0.001)").to_numpy(dtype=bool)
    covariate = np.full(len(areas), np.nan)
    for level, by_area in (need or {}).items():
        rows = (areas["level"] == level).to_numpy()
        covariate[rows] = pd.to_numeric(areas["area"][rows].map(by_area)).to_numpy(
            dtype=float, na_value=np.nan
        )
    value = column_numbers(areas, "value")
    # For published figures the publisher's own (adjusted) values where every area of a view
    # has one, so that FT and CV are the publisher's; SCV and the funnel still come from the
    # published counts.
    published = indicator.source == "aggregates" and "published_value" in areas
    return _Areas(
        numerator=column_numbers(areas, "numerator"),
        denominator=column_numbers(areas, "denominator"),
        expected=column_numbers(areas, "expected"),
        value=value,
        rates=column_numbers(areas, "published_value") if published else value,
        published_rates=published,
        covariate=covariate,
        outside_95=labels.str.endswith("(0.025)").to_numpy(dtype=bool) | outside_998,
        outside_998=outside_998,
        high_998=(labels == "High (0.001)").to_numpy(dtype=bool),
        low_998=(labels == "Low (0.001)").to_numpy(dtype=bool),
    )


def summarise(
    indicator: Indicator,
    results: pd.DataFrame,
    need: dict[str, pd.Series] | None = None,
    comparator: str = "nation",
    persistent: bool = True,
) -> pd.DataFrame:
    """One variation summary row per level (other than the nation and the peer groups, whose
    classes are compared in ``gradients`` instead), period and sex.

    ``comparator`` says what the national rows are: ``nation`` (Norway) or ``data`` (all the
    areas of a regional extract). Without ``persistent``, the persistent outliers are left
    empty: they look across periods, and a caller that summarises some periods alone adds
    them over all (``with_persistence``)."""
    nation = results[results["level"] == "nation"].set_index(["period", "sex"])
    national = nation["value"]
    national_denominator = pd.to_numeric(nation.get("denominator", national * np.nan))
    areas = results[(results["level"] != "nation") & ~results["level"].isin(PEER_LEVELS)]
    found = _areas(indicator, areas, need)
    rows = []
    views = areas.groupby(["level", "period", "sex"], sort=False).indices
    for (level, period, sex), at in views.items():
        measured = _view(indicator, found, at, need is not None and level in need)
        if measured is None:
            continue
        measured.update(coverage(found, at, float(national_denominator.get((period, sex), np.nan))))
        if level == "municipality":
            measured["centrality_explained"] = centrality_explained(areas.iloc[at])
        rows.append(
            {
                "indicator": indicator.id,
                "level": level,
                "period": period,
                "sex": sex,
                "national_value": national.get((period, sex), np.nan),
                **measured,
                "persistent_outliers": np.nan,
                "persistent_outlier_areas": "",
                "learn_from_areas": "",
                "comparator": comparator,
            }
        )
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    too_few = (summary["comparison"] == TOO_FEW_AREAS).to_numpy()
    summary.loc[too_few, list(COMPARED)] = np.nan
    summary.loc[too_few, "scv_class"] = ""
    summary.loc[too_few, "centrality_explained"] = np.nan
    return with_persistence(indicator, results, summary) if persistent else summary


def coverage(found: _Areas, at: np.ndarray, national_denominator: float) -> dict[str, object]:
    """How much of a level the published areas of one view are: their number against the
    level's, the share of the country's denominator they hold, and whether that is enough
    for FT, CV and SCV (``MINIMUM_AREA_SHARE`` and ``MINIMUM_POPULATION_SHARE``). Only
    published figures enter: a hidden denominator is not counted, the country's is published."""
    shown = at[~np.isnan(found.value[at])]
    held = found.denominator[shown]
    share = float("nan")
    if np.isfinite(national_denominator) and national_denominator > 0 and np.isfinite(held).all():
        share = min(1.0, float(held.sum()) / national_denominator)
    enough = len(shown) >= MINIMUM_AREA_SHARE * len(at) and not share < MINIMUM_POPULATION_SHARE
    return {
        "areas_at_level": len(at),
        "population_share": share,
        "comparison": "" if enough else TOO_FEW_AREAS,
    }


def _view(
    indicator: Indicator, found: _Areas, at: np.ndarray, with_need: bool
) -> dict[str, object] | None:
    """The measures of one view (the areas at positions ``at``); None if no area has a value."""
    numerator = found.numerator[at]
    shown = at[~np.isnan(found.value[at])]
    if len(shown) == 0:
        return None
    # Areas without a value (a DSR below 10 events) still have O and E for SCV and funnels.
    counted = at[~np.isnan(numerator)]
    weights = found.denominator[shown]
    rates = found.rates[shown]
    if found.published_rates and np.isnan(rates).any():
        rates = found.value[shown]
    summary = variation_summary(
        rates,
        population=weights if np.all(weights > 0) else None,
        counts=found.numerator[shown],
        minimum_count=indicator.minimum_count,
    )
    scv = scv2 = scv_log = float("nan")
    with_e = counted[found.expected[counted] > 0]
    if len(with_e) >= 3:
        o, e = found.numerator[with_e], found.expected[with_e]
        spread = variation_summary(o / e, observed=o, expected=e)
        scv, scv2, scv_log = spread.scv, spread.scv2, spread.scv_log
    o, n, e = found.numerator[counted], found.denominator[counted], found.expected[counted]
    high_fdr, low_fdr = fdr_outliers(indicator, o, n, e)
    phi, tau2 = area_overdispersion(indicator, o, e, n)
    explained = float("nan")
    if with_need:
        explained = need_share(
            found.value[shown], found.covariate[shown], np.nan_to_num(weights, nan=0.0)
        )
    return {
        "areas": summary.areas,
        "min": summary.minimum,
        "max": summary.maximum,
        "ft": summary.ft,
        "ft2": summary.ft2,
        "ft3": summary.ft3,
        "cv": summary.cv,
        "cv_weighted": summary.cv_weighted,
        "scv": scv,
        "scv2": scv2,
        "scv_class": scv_class(scv),
        "scv_log": scv_log,
        "phi": phi,
        "tau2": tau2,
        "outside_95": int(found.outside_95[counted].sum()),
        "outside_998": int(found.outside_998[counted].sum()),
        "high_998": int(found.high_998[counted].sum()),
        "low_998": int(found.low_998[counted].sum()),
        "high_fdr": high_fdr,
        "low_fdr": low_fdr,
        "need_explained": explained,
    }


FAVOURABLE_SIDE = {"higher_is_better": "High", "lower_is_better": "Low"}
"""The funnel side of good results, for indicators with a direction."""


def with_persistence(
    indicator: Indicator, results: pd.DataFrame, summary: pd.DataFrame
) -> pd.DataFrame:
    """Areas outside the 95 % limits (same side) in at least 2 of the last 3 single years, and
    of those the ones on the favourable side: places others can learn from (in the summaries
    of the last year; ``summary`` as ``summarise`` leaves it without ``persistent``)."""
    yearly = results[results["period"].str.fullmatch(r"\d{4}") & (results["level"] != "nation")]
    if yearly.empty:
        return summary
    last = sorted(yearly["period"].unique())[-3:]
    recent = yearly[yearly["period"].isin(last)]
    sides = pd.DataFrame(
        {
            "level": recent["level"],
            "sex": recent["sex"],
            "area": recent["area"],
            "side": recent["funnel"].fillna("").astype(str).str.split(" ").str[0],
        }
    )
    outside = sides[sides["side"].isin(["High", "Low"])]
    repeated = outside.groupby(["level", "sex", "area", "side"]).size()
    repeated = repeated[repeated >= 2].reset_index()
    better = FAVOURABLE_SIDE.get(indicator.direction)
    persistent: dict[tuple[str, str], set[str]] = {
        k: set() for k in sides.groupby(["level", "sex"]).groups
    }
    learn: dict[tuple[str, str], set[str]] = {k: set() for k in persistent}
    for level, sex, area, side in repeated[["level", "sex", "area", "side"]].itertuples(
        index=False
    ):
        persistent[(level, sex)].add(area)
        if side == better:
            learn[(level, sex)].add(area)
    summary = summary.copy()
    count = summary["persistent_outliers"].to_numpy(dtype=float, copy=True)
    named = summary["persistent_outlier_areas"].to_numpy(dtype=object, copy=True)
    learnt = summary["learn_from_areas"].to_numpy(dtype=object, copy=True)
    views = zip(summary["level"], summary["sex"], summary["period"], strict=True)
    for row, (level, sex, period) in enumerate(views):
        if period == last[-1] and (level, sex) in persistent:
            count[row] = len(persistent[(level, sex)])
            named[row] = ";".join(sorted(persistent[(level, sex)]))
            learnt[row] = ";".join(sorted(learn[(level, sex)]))
    return summary.assign(
        persistent_outliers=count, persistent_outlier_areas=named, learn_from_areas=learnt
    )

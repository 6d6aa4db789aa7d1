"""The variation summary of each indicator × level × period × sex (the results contract).

From the area rows of one indicator: how much the areas differ (``measures``), how many lie
outside their funnel (``funnels``), which stay outside year after year, and how much of the
variation need explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from variatlas.indicators.model import Indicator
from variatlas.results import SUMMARY_COLUMNS
from variatlas.variation.estimates import fdr_outliers
from variatlas.variation.funnels import area_overdispersion
from variatlas.variation.measures import scv_class, variation_summary


def need_share(values: pd.Series, covariate: pd.Series, weights: pd.Series) -> float:
    """R² of a weighted regression of log(value) on the need covariate across areas."""
    keep = values.notna() & (values > 0) & covariate.notna() & (weights > 0)
    if keep.sum() < 4:
        return float("nan")
    y, x, w = np.log(values[keep]), covariate[keep], weights[keep]
    design = np.column_stack([np.ones(len(x)), x])
    root = np.sqrt(w.to_numpy())
    coef, *_ = np.linalg.lstsq(design * root[:, None], y.to_numpy() * root, rcond=None)
    fitted = design @ coef
    mean = np.average(y, weights=w)
    total = np.sum(w * (y - mean) ** 2)
    return float(1 - np.sum(w * (y - fitted) ** 2) / total) if total > 0 else float("nan")


def _rates(indicator: Indicator, frame: pd.DataFrame) -> pd.Series:
    """The rates whose spread is measured: for published figures the publisher's own
    (adjusted) values where every area has one, so that FT and CV are the publisher's;
    SCV and the funnel still come from the published counts."""
    published = frame.get("published_value")
    if indicator.source == "aggregates" and published is not None and published.notna().all():
        return published
    return frame["value"]


def summarise(
    indicator: Indicator,
    results: pd.DataFrame,
    need: dict[str, pd.Series] | None = None,
    comparator: str = "nation",
) -> pd.DataFrame:
    """One variation summary row per level (other than the nation), period and sex.

    ``comparator`` says what the national rows are: ``nation`` (Norway) or ``data`` (all the
    areas of a regional extract)."""
    rows = []
    national = results[results["level"] == "nation"].set_index(["period", "sex"])["value"]
    areas = results[results["level"] != "nation"]
    for (level, period, sex), every in areas.groupby(["level", "period", "sex"], sort=False):
        # Areas without a value (a DSR below 10 events) still have O and E for SCV and funnels.
        counted = every[every["numerator"].notna()]
        frame = every[every["value"].notna()]
        if frame.empty:
            continue
        weights = frame["denominator"]
        summary = variation_summary(
            _rates(indicator, frame),
            population=weights if weights.notna().all() and (weights > 0).all() else None,
            counts=frame["numerator"],
            minimum_count=indicator.minimum_count,
        )
        scv = scv2 = scv_log = float("nan")
        with_e = counted[counted["expected"].notna() & (counted["expected"] > 0)]
        if len(with_e) >= 3:
            spread = variation_summary(
                with_e["numerator"] / with_e["expected"],
                observed=with_e["numerator"],
                expected=with_e["expected"],
            )
            scv, scv2, scv_log = spread.scv, spread.scv2, spread.scv_log
        labels = counted["funnel"].fillna("")
        high_fdr, low_fdr = fdr_outliers(indicator, counted)
        phi, tau2 = area_overdispersion(indicator, counted)
        explained = float("nan")
        if need and level in need:
            covariate = frame["area"].map(need[level])
            weights = frame["denominator"].fillna(0)
            explained = need_share(frame["value"], covariate, weights)
        rows.append(
            {
                "indicator": indicator.id,
                "level": level,
                "period": period,
                "sex": sex,
                "areas": summary.areas,
                "national_value": national.get((period, sex), np.nan),
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
                "outside_95": int(
                    labels.str.endswith("(0.025)").sum() + labels.str.endswith("(0.001)").sum()
                ),
                "outside_998": int(labels.str.endswith("(0.001)").sum()),
                "high_998": int((labels == "High (0.001)").sum()),
                "low_998": int((labels == "Low (0.001)").sum()),
                "high_fdr": high_fdr,
                "low_fdr": low_fdr,
                "persistent_outliers": np.nan,
                "persistent_outlier_areas": "",
                "learn_from_areas": "",
                "need_explained": explained,
                "comparator": comparator,
            }
        )
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return _persistence(indicator, results, summary)


FAVOURABLE_SIDE = {"higher_is_better": "High", "lower_is_better": "Low"}
"""The funnel side of good results, for indicators with a direction."""


def _persistence(
    indicator: Indicator, results: pd.DataFrame, summary: pd.DataFrame
) -> pd.DataFrame:
    """Areas outside the 95 % limits (same side) in at least 2 of the last 3 single years, and
    of those the ones on the favourable side: places others can learn from."""
    yearly = results[results["period"].str.fullmatch(r"\d{4}") & (results["level"] != "nation")]
    if yearly.empty:
        return summary
    last = sorted(yearly["period"].unique())[-3:]
    for (level, sex), frame in yearly[yearly["period"].isin(last)].groupby(["level", "sex"]):
        sides = pd.DataFrame(
            {"area": frame["area"], "side": frame["funnel"].fillna("").str.split(" ").str[0]}
        )
        sides = sides[sides["side"].isin(["High", "Low"])]
        counts = sides.groupby(["area", "side"]).size()
        persistent = sorted({area for (area, _), n in counts.items() if n >= 2})
        row = (
            (summary["level"] == level) & (summary["sex"] == sex) & (summary["period"] == last[-1])
        )
        summary.loc[row, "persistent_outliers"] = len(persistent)
        summary.loc[row, "persistent_outlier_areas"] = ";".join(persistent)
        better = FAVOURABLE_SIDE.get(indicator.direction)
        learn = sorted({a for (a, side), n in counts.items() if n >= 2 and side == better})
        summary.loc[row, "learn_from_areas"] = ";".join(learn)
    return summary

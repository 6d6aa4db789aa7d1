"""Published aggregates: the publisher's figures, with our interval where counts were published."""

from __future__ import annotations

import numpy as np
import pandas as pd

from variatlas import stats
from variatlas.indicators.model import Indicator
from variatlas.results import CONFIDENCE


def _period_length(period: str) -> int:
    if "-" in str(period):
        first, last = str(period).split("-")
        return int(last) - int(first) + 1
    return 1


def _column(rows: pd.DataFrame, name: str) -> np.ndarray:
    column = rows[name] if name in rows else pd.Series(np.nan, index=rows.index)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def aggregate_results(indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    """Our crude value and interval beside the publisher's value; the published value alone
    where no counts were published (method ``published``).

    The numerator and denominator may be yearly means over the period; the interval is
    computed on the totals (means × years), which gives the same value. Proportions get the
    Wilson interval, everything else Byar's (exact below 10 events).
    """
    years = rows["period"].map(_period_length).to_numpy(dtype=float)
    numerator, denominator = _column(rows, "numerator"), _column(rows, "denominator")
    counted = ~np.isnan(numerator) & (denominator > 0)
    events = np.where(counted, numerator * years, 0.0)
    people = np.where(counted, denominator * years, 1.0)
    proportion = indicator.kind == "proportion" and bool(np.all(events <= people))
    estimate = stats.proportion if proportion else stats.crude_rate
    ours = estimate(events, people, multiplier=indicator.multiplier, confidence=CONFIDENCE)
    scale = indicator.multiplier / (indicator.aggregate_multiplier or indicator.multiplier)
    published = {name: _column(rows, name) * scale for name in ("value", "lower", "upper")}
    method = "wilson" if proportion else np.where(events < 10, "exact", "byar")
    frame = pd.DataFrame(
        {
            "indicator": indicator.id,
            "level": rows["level"].to_numpy(),
            "area": rows["area"].to_numpy(),
            "period": rows["period"].to_numpy(),
            "sex": rows["sex"].fillna("all").replace("", "all").to_numpy(),
            "numerator": np.where(counted, numerator, np.nan),
            "denominator": np.where(counted, denominator, np.nan),
            "value": np.where(counted, ours.value, published["value"]),
            "lower": np.where(counted, ours.lower, published["lower"]),
            "upper": np.where(counted, ours.upper, published["upper"]),
            "crude_value": np.where(counted, ours.value, np.nan),
            "expected": np.nan,
            "method": np.where(counted, method, "published"),
            "flag": "",
            "published_value": published["value"],
            "published_lower": published["lower"],
            "published_upper": published["upper"],
        }
    )
    if "area_name" in rows:
        frame["area_name"] = rows["area_name"].to_numpy()
    # Expected counts from the national crude rate of the same period and sex (for SCV).
    nation = frame[frame["level"] == "nation"].set_index(["period", "sex"])
    national_rate = nation["numerator"] / nation["denominator"]
    keys = pd.MultiIndex.from_frame(frame[["period", "sex"]])
    frame["expected"] = frame["denominator"].to_numpy() * national_rate.reindex(keys).to_numpy()
    return frame

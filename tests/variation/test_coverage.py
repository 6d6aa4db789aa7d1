"""Variation over what is published: FT, CV and SCV only where enough of a level is shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variatlas.indicators import load_catalogue
from variatlas.publish.wording import finding, reading
from variatlas.results import TOO_FEW_AREAS
from variatlas.variation import summarise
from variatlas.variation.summarise import MINIMUM_AREA_SHARE, MINIMUM_POPULATION_SHARE


def _view(populations: list[float], shown: list[bool]) -> pd.DataFrame:
    """One municipal view: each area's rate 5 per 1,000 ± a little, hidden where not shown
    (value, counts and interval empty, as disclosure control leaves a hidden cell)."""
    rows = []
    for i, (people, visible) in enumerate(zip(populations, shown, strict=True)):
        count = round(people * (0.004 + 0.002 * (i % 3)))
        rows.append(
            {
                "level": "municipality",
                "area": f"{1000 + i}",
                "period": "2022-2024",
                "sex": "all",
                "numerator": float(count) if visible else np.nan,
                "denominator": people if visible else np.nan,
                "value": 1000 * count / people if visible else np.nan,
                "expected": people * 0.005 if visible else np.nan,
                "funnel": "",
                "flag": "" if visible else "suppressed",
            }
        )
    total = sum(populations)
    rows.append(
        {
            "level": "nation",
            "area": "8888",
            "period": "2022-2024",
            "sex": "all",
            "numerator": 0.005 * total,
            "denominator": total,
            "value": 5.0,
            "expected": 0.005 * total,
            "funnel": "",
            "flag": "",
        }
    )
    return pd.DataFrame(rows)


def test_seven_of_357_municipalities_are_too_few_to_compare() -> None:
    # The demo's tonsillectomy page: 7 of 357 municipalities published, the rest hidden.
    populations = [60_000.0] * 7 + [2_000.0] * 350
    frame = _view(populations, [True] * 7 + [False] * 350)
    indicator = load_catalogue()["tonsillectomy_children"]
    row = summarise(indicator, frame).iloc[0]
    assert row["comparison"] == TOO_FEW_AREAS
    assert row["areas"] == 7 and row["areas_at_level"] == 357
    assert row["population_share"] == pytest.approx(7 * 60_000 / sum(populations))
    assert all(np.isnan(row[c]) for c in ("ft", "ft2", "cv", "scv", "min", "max"))
    assert row["scv_class"] == ""
    en = reading(row.to_dict(), indicator, "en", names={})
    nb = reading(row.to_dict(), indicator, "nb", names={})
    assert en.startswith("Too few published areas to compare: in 2022-2024, 7 of 357")
    assert nb.startswith("For få publiserte områder til å sammenligne: i 2022-2024 har 7 av 357")
    assert "FT " not in finding(row.to_dict(), "en")
    assert finding(row.to_dict(), "nb").startswith("For få publiserte områder")


def test_a_level_mostly_published_is_compared() -> None:
    populations = [10_000.0] * 20
    frame = _view(populations, [True] * 19 + [False])
    row = summarise(load_catalogue()["tonsillectomy_children"], frame).iloc[0]
    assert row["comparison"] == "" and np.isfinite(row["ft"]) and row["areas_at_level"] == 20


def test_many_areas_holding_little_of_the_population_are_too_few() -> None:
    # 15 of 20 areas published, but the five hidden hold most people.
    frame = _view([1_000.0] * 15 + [100_000.0] * 5, [True] * 15 + [False] * 5)
    row = summarise(load_catalogue()["tonsillectomy_children"], frame).iloc[0]
    assert row["comparison"] == TOO_FEW_AREAS and row["population_share"] < 0.1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(500, 200_000), min_size=4, max_size=40),
    st.data(),
)
def test_the_measures_are_given_exactly_when_coverage_is_enough(populations, data) -> None:
    shown = data.draw(st.lists(st.booleans(), min_size=len(populations), max_size=len(populations)))
    if not any(shown):
        return
    frame = _view(populations, shown)
    row = summarise(load_catalogue()["tonsillectomy_children"], frame).iloc[0]
    share = sum(p for p, s in zip(populations, shown, strict=True) if s) / sum(populations)
    enough = sum(shown) >= MINIMUM_AREA_SHARE * len(shown) and share >= MINIMUM_POPULATION_SHARE
    assert (row["comparison"] == "") == enough
    assert enough or np.isnan(row["ft"])


def test_a_negative_scv_reads_as_no_systematic_variation() -> None:
    indicator = load_catalogue()["tonsillectomy_children"]
    summary = {
        "level": "referral_area",
        "period": "2022-2024",
        "areas": 21,
        "areas_at_level": 21,
        "national_value": 4.4,
        "min": 4.0,
        "max": 4.9,
        "ft": 1.2,
        "scv": -546.9,
        "scv_class": "none beyond chance",
        "phi": float("nan"),
    }
    en = reading(summary, indicator, "en", names={})
    nb = reading(summary, indicator, "nb", names={})
    assert "no systematic variation" in en and "546" not in en
    assert "ingen systematisk variasjon" in nb and "546" not in nb
    assert finding(summary, "en") == "FT 1.2, SCV none beyond chance"

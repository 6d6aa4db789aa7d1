"""An independent attacker (``conftest.attack``) against the publication of synthetic Norway:
no small count can be pinned, and no hidden count can be worked out exactly (hiding a
number the public can compute protects nothing and costs the reader)."""

from __future__ import annotations

import pandas as pd
import pytest

from variatlas.disclosure import publishable
from variatlas.geography import load_geography
from variatlas.indicators import load_catalogue

ATTACKED = [
    "tonsillectomy_children",
    "coercive_admission_share",
    "readmission_elderly",
    "cancer_pathways_within_standard_time_lung",
    "nursing_home_residents_80",
    "grommets_children",
]


@pytest.mark.parametrize("indicator", ATTACKED)
def test_an_independent_attack_pins_no_small_count_and_recovers_no_hidden_one(
    norway, disclosed, attacker, indicator
) -> None:
    results, _, _ = norway
    truth = results[(results["indicator"] == indicator) & publishable(results)]
    published = disclosed.results[disclosed.results["indicator"] == indicator]
    threshold = load_catalogue()[indicator].minimum_count
    geography = load_geography()
    for column in ("numerator", "denominator"):
        found = attacker(truth, published, column, geography)
        true = truth.set_index(["level", "area", "period", "sex"])[column]
        for cell, (low, high) in found.items():
            value = float(true.loc[cell])
            assert low - 1e-6 <= value <= high + 1e-6, (indicator, column, cell)
            if 0 < value < threshold:
                assert high - low >= threshold - 1e-6, (indicator, column, cell, low, high)
            else:
                assert high - low > 1e-6, ("recoverable", indicator, column, cell, value)


def test_the_attack_finds_what_a_naive_suppression_leaves_open(attacker) -> None:
    """The attacker is not toothless: a region with one hidden referral area gives it back."""
    truth = pd.DataFrame(
        {
            "level": ["referral_area"] * 4 + ["region", "nation"],
            "area": ["1", "2", "3", "4", "1", "8888"],
            "period": "2024",
            "sex": "all",
            "numerator": [3.0, 40.0, 50.0, 7.0, 100.0, 100.0],
        }
    )
    published = truth.assign(numerator=truth["numerator"].where(truth["area"] != "1", None))
    published.loc[published["level"] != "referral_area", "numerator"] = truth["numerator"]
    found = attacker(truth, published, "numerator", load_geography())
    assert found == {("referral_area", "1", "2024", "all"): (3.0, 3.0)}

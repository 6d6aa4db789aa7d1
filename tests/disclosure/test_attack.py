"""An independent attacker (``conftest.attack``, ``conftest.intrude``) against the publication
of synthetic Norway: no small count can be pinned, not with the flags, the sums and the
complements together, and no hidden count can be worked out exactly (hiding a number the
public can compute protects nothing and costs the reader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from variatlas.disclosure import complement_rule, protect, publishable
from variatlas.disclosure.control import _apply
from variatlas.geography import load_geography
from variatlas.indicators import load_catalogue
from variatlas.results import SUPPRESSED, SUPPRESSED_FLAG


def pinned(low: float, high: float, threshold: float) -> bool:
    """A small count the intruder proves below the threshold, or to fewer than ``threshold``
    whole values."""
    return high < threshold - 1e-6 or high - low < threshold - 1 - 1e-6


ATTACKED = [
    "tonsillectomy_children",
    "coercive_admission_share",
    "readmission_elderly",
    "cancer_pathways_within_standard_time_lung",
    "nursing_home_residents_80",
    "grommets_children",
    "cancer_surgery_survival_30d",
    "hpv_vaccination",
    "cancer_patients_in_pathway",
]


@pytest.mark.parametrize("indicator", ATTACKED)
def test_an_independent_attack_pins_no_small_count_and_recovers_no_hidden_one(
    norway, disclosed, intruder, indicator
) -> None:
    """The intruder knows the flags, that a hidden count is not zero, the sums (sexes into
    both, municipalities into referral areas, years into their run of years, areas upwards)
    and, for shares, that the numerator is at most the denominator: no count from 1 to the
    threshold − 1, and no complement of persons that small, is pinned. A count shown safe by
    points the intruder found for others carries the range it was seen in (narrower than
    the truth, so no less pinned); one solved for carries its exact range, and its true
    value lies in it."""
    results, _, _ = norway
    truth = results[(results["indicator"] == indicator) & publishable(results)]
    published = disclosed.results[disclosed.results["indicator"] == indicator]
    found_indicator = load_catalogue()[indicator]
    threshold = found_indicator.minimum_count
    bounded, persons = complement_rule(found_indicator)
    found = intruder(
        truth, published, threshold, load_geography(), bounded=bounded, persons=persons
    )
    assert found, indicator
    true = {count: _cells(truth, count) for count in ("numerator", "denominator")}
    shown_denominators = set(_cells(published, "denominator"))
    for (count, cell), (low, high, exact) in found.items():
        value = (
            true["denominator"][cell] - true["numerator"][cell]
            if count == "complement"
            else true[count][cell]
        )
        if exact:
            assert low - 1e-6 <= value <= high + 1e-6, (indicator, count, cell)
        if 0 < value < threshold and (count != "complement" or persons):
            assert not pinned(low, high, threshold), (indicator, count, cell, value, low, high)
        elif count == "denominator" or (count == "numerator" and cell in shown_denominators):
            # A count that could be published on its own is not hidden for nothing.
            assert high - low > 1e-6, ("recoverable", indicator, count, cell, value)


def _cells(frame: pd.DataFrame, column: str) -> dict[tuple[str, str, str, str], float]:
    shown = frame[frame[column].notna()]
    areas, periods = shown["area"].astype(str), shown["period"].astype(str)
    keys = zip(shown["level"], areas, periods, shown["sex"], strict=True)
    return dict(zip(keys, shown[column].astype(float), strict=True))


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


HELSE_NORD = ["1", "2", "3", "4"]
"""Referral areas of region 1."""


@st.composite
def hidden_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, bool]]:
    """Helse Nord's referral areas and region, women, men and both, one year: random counts
    (small ones among them) with random cells hidden, so that some are pinned and some not;
    a hidden row may carry a flag, which tells the truth."""
    threshold = draw(st.sampled_from([3, 5]))
    counts = st.integers(0, 3 * threshold)
    parts = {
        (area, sex): (float(draw(counts)), float(draw(counts)))
        for area in HELSE_NORD
        for sex in ("F", "M")
    }
    rows = []
    for level, area, areas in [
        *(("referral_area", a, [a]) for a in HELSE_NORD),
        ("region", "1", HELSE_NORD),
    ]:
        for sex, sexes in (("F", ["F"]), ("M", ["M"]), ("all", ["F", "M"])):
            numerator, extra = (sum(parts[(a, s)][n] for a in areas for s in sexes) for n in (0, 1))
            rows.append((level, area, sex, numerator, numerator + extra))
    truth = pd.DataFrame(rows, columns=["level", "area", "sex", "numerator", "denominator"])
    truth = truth.assign(period="2024", value=1.0, flag="")
    hidden = st.lists(st.booleans(), min_size=len(truth), max_size=len(truth))
    numerators, denominators, told = draw(hidden), draw(hidden), draw(hidden)
    published = truth.assign(
        numerator=truth["numerator"].mask(numerators),
        denominator=truth["denominator"].mask(
            [a and b for a, b in zip(numerators, denominators, strict=True)]
        ),
        flag=[
            ""
            if not (hide and tell) or n == 0
            else f"suppressed: fewer than {threshold}"
            if n < threshold
            else "suppressed: protects another"
            for hide, tell, n in zip(numerators, told, truth["numerator"], strict=True)
        ],
    )
    options = {o: draw(st.booleans()) for o in ("bounded", "persons", "small_only")}
    return truth, published, threshold, options


def _given_away(low: float, high: float, threshold: float, *, small: bool) -> bool:
    return pinned(low, high, threshold) if small else high - low <= 1e-6


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hidden_tables())
def test_the_fast_intruder_reaches_the_exhaustive_ones_verdicts(
    intruder: Callable[..., dict[Any, Any]],
    table: tuple[pd.DataFrame, pd.DataFrame, int, dict[str, bool]],
) -> None:
    """The intruder settles a count by the points it has seen where it can, and solves for
    it only where they do not settle it: on random tables, with random cells hidden, it
    finds pinned and recoverable exactly the counts the exhaustive intruder (every count
    solved for) does, its exact ranges are the exhaustive ones and its seen ranges lie
    inside them."""
    truth, published, threshold, options = table
    geography = load_geography()
    fast = intruder(truth, published, threshold, geography, **options)
    full = intruder(truth, published, threshold, geography, exhaustive=True, **options)
    true = {c: _cells(truth, c) for c in ("numerator", "denominator")}
    shown = set(_cells(published, "denominator"))
    for (count, cell), (low, high, exact) in full.items():
        value = (
            true["denominator"][cell] - true["numerator"][cell]
            if count == "complement"
            else true[count][cell]
        )
        assert exact and low - 1e-6 <= value <= high + 1e-6, (count, cell)
        seen = fast.get((count, cell))
        small = 0 < value < threshold and (count != "complement" or options["persons"])
        if small or count == "denominator" or (count == "numerator" and cell in shown):
            assert seen is not None, (count, cell)
            verdict = _given_away(seen.low, seen.high, threshold, small=small)
            assert verdict == _given_away(low, high, threshold, small=small), (cell, seen, high)
        if seen is not None and seen.exact:
            assert abs(seen.low - low) <= 1e-6 and abs(seen.high - high) <= 1e-6, (cell, seen)
        elif seen is not None:
            assert low - 1e-6 <= seen.low <= seen.high <= high + 1e-6, (count, cell, seen)
    assert set(fast) <= set(full)


def _tonsils(female: float, male: float) -> pd.DataFrame:
    """Tonsillectomy in referral area 18 (Diakonhjemmet), 2022–2024, as the demo had it:
    both sexes published (8), women and men small."""
    return pd.DataFrame(
        {
            "level": "referral_area",
            "area": "18",
            "period": "2022-2024",
            "sex": ["all", "F", "M"],
            "numerator": [female + male, female, male],
            "denominator": [2400.0, 1150.0, 1250.0],
            "value": 1.0,
            "flag": "",
        }
    )


@pytest.mark.parametrize("female", [4.0, 2.0, 1.0])
def test_two_flags_give_small_counts_away_and_one_flag_does_not(intruder, female) -> None:
    """Tonsillectomy, referral area 18, 2022–2024: all = 8, women and men hidden. Flagged
    "fewer than 5" both, they are 1–4 and add up to 8: both are 4. With one flag for every
    hidden cell, and each at least 1, they are anywhere from 1 to 7. Where the sum is too
    small for that (5 = 1 + 4), both sexes are hidden too."""
    geography = load_geography()
    truth = _tonsils(female, 8.0 - female if female == 4.0 else 5.0 - female)
    detail = protect(truth, 5, geography, bounded=False, persons=False)
    published = _apply(truth, detail)
    assert set(published.loc[published["flag"] != "", "flag"]) == {SUPPRESSED_FLAG}
    found = intruder(truth, published, 5, geography, bounded=False, small_only=True)
    assert found and not any(pinned(low, high, 5) for low, high, _ in found.values()), found
    if female == 4.0:
        assert published.loc[published["sex"] == "all", "numerator"].iloc[0] == 8
        two_flags = published.assign(
            flag=published["flag"].where(published["sex"] == "all", "suppressed: fewer than 5")
        )
        found = intruder(truth, two_flags, 5, geography, bounded=False, small_only=True)
        assert found == {
            ("numerator", ("referral_area", "18", "2022-2024", "F")): (4.0, 4.0, True),
            ("numerator", ("referral_area", "18", "2022-2024", "M")): (4.0, 4.0, True),
        }


def test_a_small_complement_of_persons_is_hidden_like_a_numerator(intruder) -> None:
    """30-day survival after surgery: 18 of 21 alive in one referral area is 3 deaths, a
    complement of persons from 1 to 4; published, anyone would read it off. Its row is
    hidden, and the areas beside it, so that neither the deaths nor the survivors are pinned;
    where the complement does not count persons, the same row is published."""
    geography = load_geography()
    areas = ["1", "2", "3", "4"]
    alive = [18.0, 40.0, 55.0, 30.0]
    operated = [21.0, 41.0, 60.0, 33.0]
    truth = pd.DataFrame(
        {
            "level": ["referral_area"] * 4 + ["region", "nation"],
            "area": [*areas, "1", "8888"],
            "period": "2024",
            "sex": "all",
            "numerator": [*alive, sum(alive), sum(alive)],
            "denominator": [*operated, sum(operated), sum(operated)],
            "value": 1.0,
            "flag": "",
        }
    )
    detail = protect(truth, 5, geography, bounded=True, persons=True)
    assert ("referral_area", "1", "2024", "all") in detail.primary["complement"]
    published = _apply(truth, detail)
    assert published.loc[0, "numerator"] != published.loc[0, "numerator"]  # hidden (NaN)
    found = intruder(truth, published, 5, geography, bounded=True, small_only=True)
    assert ("complement", ("referral_area", "1", "2024", "all")) in found
    assert not any(pinned(low, high, 5) for low, high, _ in found.values()), found
    # Not persons: nothing is small, nothing is hidden.
    plain = protect(truth, 5, geography, bounded=True, persons=False)
    assert not plain.hidden["numerator"] and not plain.primary["complement"]


def test_nothing_published_tells_a_small_count_from_its_protection(disclosed) -> None:
    """Every hidden cell of the publication carries the same flag: none says "fewer than 5"
    or "protects another", which would tell 1–4 from 0 or at least 5."""
    flags = disclosed.results["flag"].fillna("")
    hidden = flags[flags.str.startswith(SUPPRESSED)]
    assert len(hidden) > 0
    assert set(hidden) == {SUPPRESSED_FLAG}
    assert not flags.str.contains("protects|suppressed: fewer", regex=True).any()

"""The slope and relative indices of inequality against PHEindicatormethods' reference data.

``sii__testdata_SII.csv`` (../shared/reference/phe, from PHEindicatormethods'
``tests/testthat/testdata_SII.xlsx``; see that folder's README) holds blocks of ten deciles (or
five quintiles) for two areas, with the values PHE's Excel SII tool gave. The arguments of
each block are those of upstream ``testSII.R``, written out in ``CALLS`` below. The SII, RII
and intercept are deterministic and must agree to rounding. The limits are simulated, by
PHE with R's or Excel's random numbers and here with a seeded numpy Generator: they must agree
within a relative 5 %, the tolerance of upstream's own tests (the worst block, 10,000
repetitions on both sides, differs by about 2 %; at 100,000 repetitions the differences are
below 0.5 %).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from variatlas import stats
from variatlas.stats.inequality import VALUE_TYPES, relative_ranks, slope_index

SHARED = Path(__file__).resolve().parents[3] / "shared"
SII_DATA = SHARED / "reference" / "phe" / "sii__testdata_SII.csv"
POINT = 1e-9
SIMULATED = 0.05

# TestDescription → (transform, multiplier, confidence levels), from upstream testSII.R.
CALLS: dict[str, tuple[bool, float, tuple[int, ...]]] = {
    "default (e.g. life expectancy) - default parameters": (False, 1, (95,)),
    "default - testing 99% confidence": (False, 1, (99,)),
    "default - testing 10,000 repetitions": (False, 1, (95,)),
    "default - testing quintiles": (False, 1, (95,)),
    "rate (e.g. infant mortality) - default parameters": (False, 1, (95,)),
    "proportion (e.g. child obesity) - default parameters": (False, 1, (95,)),
    "proportion - testing multiplier (x 100)": (False, 100, (95,)),
    "proportion - testing multiplier (x -100)": (False, -100, (95,)),
    "default (e.g. life expectancy) - multiple CIs": (False, 1, (95, 99)),
    "default (e.g. life expectancy) - intercept": (False, 1, (95,)),
    "rate (e.g. infant mortality) - intercept": (False, 1, (95,)),
    "proportion (e.g. child obesity) - intercept": (False, 1, (95,)),
    "rate (e.g. infant mortality) - log transform with intercept": (True, 1, (95,)),
    "proportion (e.g. child obesity) - logit transform with intercept": (True, 1, (95,)),
    "proportion (e.g. child obesity) - logit transform with negative multiplier": (
        True,
        -1,
        (95,),
    ),
    "rate (e.g. infant mortality) - log transform with multiple Cis (95 and 98)": (
        True,
        1,
        (95, 98),
    ),
    "rate (e.g. infant mortality) - log transform with negative multiplier": (True, -1, (95,)),
    "rate (e.g. infant mortality) - log transform with 98% CI": (True, 1, (98,)),
    "rate (e.g. infant mortality) - log transform without rii": (True, 1, (95,)),
    "proportion (e.g. child obesity) - logit transform without rii": (True, 1, (95,)),
    "proportion (e.g. child obesity) - logit transform with 98% cis": (True, 1, (98,)),
    "proportion (e.g. child obesity) - logit transform with 95% and 98% cis": (
        True,
        1,
        (95, 98),
    ),
}


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    if not SII_DATA.exists():
        pytest.skip(f"{SII_DATA} is not available")
    return pd.read_csv(SII_DATA)


def block(table: pd.DataFrame, description: str, area: str | None = None) -> pd.DataFrame:
    rows = table[table["TestDescription"] == description]
    if area is not None:
        rows = rows[rows["Area"] == area]
    return rows.sort_values("Quantile")


def computed(rows: pd.DataFrame, *, limits: bool = False, seed: int = 1) -> stats.SlopeIndex:
    transform, multiplier, levels = CALLS[rows["TestDescription"].iloc[0]]
    uncertainty = (
        {"lower": rows["LowerCL"], "upper": rows["UpperCL"]}
        if transform or limits
        else {"se": rows["StandardError"]}
    )
    return slope_index(
        rows["Population"],
        rows["Value"],
        value_type=VALUE_TYPES[int(rows["ValueType"].iloc[0])],
        transform=transform,
        multiplier=multiplier,
        confidence=levels,
        repetitions=int(rows["Repetitions"].iloc[0]),
        seed=seed,
        **uncertainty,
    )


CASES = [(description, area) for description in CALLS for area in ("area1", "area2")]


@pytest.mark.parametrize(("description", "area"), CASES)
def test_sii_rii_and_intercept_match_phe(reference, description, area) -> None:
    rows = block(reference, description, area)
    expected = rows.iloc[0]
    result = computed(rows)
    assert result.sii == pytest.approx(expected["sii"], rel=POINT)
    if pd.notna(expected["rii"]):
        assert result.rii == pytest.approx(expected["rii"], rel=POINT)
    if pd.notna(expected["Intercept"]):
        assert result.intercept == pytest.approx(expected["Intercept"], rel=POINT)


@pytest.mark.parametrize(("description", "area"), CASES)
@pytest.mark.parametrize("limits", [False, True], ids=["se", "limits"])
def test_simulated_limits_match_phe(reference, description, area, limits) -> None:
    rows = block(reference, description, area)
    expected = rows.iloc[0]
    if pd.isna(expected["sii_lowercl_1"]):
        pytest.skip("PHE's Excel tool gave no limits for this block")
    result = computed(rows, limits=limits)
    for index in range(len(result.confidence)):
        suffix = f"_{index + 1}"
        pairs = [
            (result.sii_lower[index], expected["sii_lowercl" + suffix]),
            (result.sii_upper[index], expected["sii_uppercl" + suffix]),
            (result.rii_lower[index], expected["rii_lowercl" + suffix]),
            (result.rii_upper[index], expected["rii_uppercl" + suffix]),
        ]
        for actual, wanted in pairs:
            if pd.notna(wanted):
                assert actual == pytest.approx(wanted, rel=SIMULATED)


def test_a_proportion_from_counts_equals_the_proportion_given(reference) -> None:
    rows = block(reference, "proportion (e.g. child obesity) - default parameters", "area1")
    limits = {"lower": rows["LowerCL"], "upper": rows["UpperCL"], "repetitions": 2000}
    from_counts = slope_index(
        rows["Population"], successes=rows["Count"], value_type="proportion", **limits
    )
    given_values = slope_index(rows["Population"], rows["Value"], value_type="proportion", **limits)
    assert from_counts.sii == pytest.approx(given_values.sii, rel=1e-12)
    assert from_counts.sii_lower == pytest.approx(given_values.sii_lower, rel=1e-9)


def test_the_same_seed_gives_the_same_limits(reference) -> None:
    rows = block(reference, "default (e.g. life expectancy) - default parameters", "area1")
    first = slope_index(rows["Population"], rows["Value"], se=rows["StandardError"], seed=5)
    again = slope_index(rows["Population"], rows["Value"], se=rows["StandardError"], seed=5)
    other = slope_index(rows["Population"], rows["Value"], se=rows["StandardError"], seed=6)
    assert np.array_equal(first.sii_lower, again.sii_lower)
    assert first.sii_upper[0] == again.sii_upper[0]
    assert first.sii_upper[0] != other.sii_upper[0]
    generator = slope_index(
        rows["Population"], rows["Value"], se=rows["StandardError"], seed=np.random.default_rng(5)
    )
    assert generator.sii_upper[0] == first.sii_upper[0]


@pytest.mark.parametrize(
    ("description", "rows", "arguments", "message"),
    [
        ("error handling - negative populations", None, {"se": True}, "positive population"),
        (
            "error handling - negative counts/standard error",
            slice(0, 5),
            {"se": True},
            "standard errors",
        ),
        (
            "error handling - negative counts/standard error",
            slice(5, 10),
            {"counts": True, "value_type": "proportion", "se": True},
            "positive counts",
        ),
        (
            "error handling - invalid proportion in CLs",
            slice(0, 5),
            {"value_type": "proportion", "limits": True},
            "between 0 and 1",
        ),
        (
            "error handling - invalid proportion in CLs",
            slice(5, 10),
            {"value_type": "proportion", "limits": True},
            "between 0 and 1",
        ),
        ("error handling - missing value field", None, {"se": True}, "needs a value"),
        ("error handling - missing confidence limits and se", None, {"se": True}, "standard"),
        ("error handling - missing confidence limits and se", None, {"limits": True}, "limits"),
        (
            "warning handling - missing populations, counts or values",
            None,
            {"limits": True},
            "positive population",
        ),
        (
            "default (e.g. life expectancy) - default parameters",
            None,
            {"value_type": "proportion", "se": True},
            "between 0 and 1",
        ),
    ],
)
def test_invalid_input_is_refused_as_phe_refuses_it(
    reference, description, rows, arguments, message
) -> None:
    # PHE drops an area with missing populations or values (with a warning); a single set of
    # groups has nothing to fall back on, so it is refused here.
    data = block(reference, description)
    data = data.iloc[rows] if rows is not None else data[data["Area"] == data["Area"].iloc[0]]
    kwargs: dict = {"value_type": arguments.get("value_type", "other"), "repetitions": 1000}
    if arguments.get("se"):
        kwargs["se"] = data["StandardError"]
    if arguments.get("limits"):
        kwargs["lower"], kwargs["upper"] = data["LowerCL"], data["UpperCL"]
    values = {"successes": data["Count"]} if arguments.get("counts") else {"value": data["Value"]}
    with pytest.raises(ValueError, match=message):
        slope_index(data["Population"], **values, **kwargs)


def test_more_than_ten_groups_warn(reference) -> None:
    rows = block(reference, "warning handling - large number of quantiles (>10)")
    with pytest.warns(UserWarning, match="unstable"):
        slope_index(rows["Population"], rows["Value"], se=rows["StandardError"], repetitions=1000)


def test_arguments_phe_refuses_are_refused() -> None:
    pop, value, se = [10, 20, 30, 40, 50], [1.0, 2, 3, 4, 5], [0.1] * 5
    with pytest.raises(ValueError, match="transform"):
        slope_index(pop, value, lower=value, upper=value, transform=True)
    with pytest.raises(ValueError, match="transform"):
        slope_index(pop, value, se=se, value_type="rate", transform=True)
    with pytest.raises(ValueError, match="repetitions"):
        slope_index(pop, value, se=se, repetitions=999)
    with pytest.raises(ValueError, match="value_type"):
        slope_index(pop, value, se=se, value_type="ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="two groups"):
        slope_index([10], [1.0], se=[0.1])


# Properties -----------------------------------------------------------------------------

group_counts = st.integers(2, 10)


@st.composite
def groups(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = draw(group_counts)
    pop = np.array(draw(st.lists(st.integers(100, 100_000), min_size=size, max_size=size)))
    value = np.array(draw(st.lists(st.floats(1, 100), min_size=size, max_size=size)))
    se = np.array(draw(st.lists(st.floats(0.01, 5), min_size=size, max_size=size)))
    return pop.astype(float), value, se


@settings(max_examples=40, deadline=None)
@given(groups(), st.floats(-50, 50))
def test_a_flat_gradient_has_no_inequality(data, level) -> None:
    pop, _, se = data
    result = slope_index(pop, np.full(pop.size, level), se=se, repetitions=1000)
    assert result.sii == pytest.approx(0, abs=1e-9 * max(1, abs(level)))
    if abs(level) > 1e-6:
        assert result.rii == pytest.approx(1, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(groups())
def test_reversing_the_order_flips_the_sign_and_inverts_the_rii(data) -> None:
    pop, value, se = data
    forward = slope_index(pop, value, se=se, repetitions=1000)
    backward = slope_index(pop[::-1], value[::-1], se=se[::-1], repetitions=1000)
    assert backward.sii == pytest.approx(-forward.sii, rel=1e-9, abs=1e-9)
    assert backward.rii == pytest.approx(1 / forward.rii, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(groups())
def test_the_line_passes_through_the_population_mean_at_mid_rank(data) -> None:
    # Weighted least squares on population shares passes through (mean rank, mean value),
    # and the population-weighted mean rank is 1/2: Y(1/2) = Σ share · value. Hence
    # RII = Y1 / Y0 = 1 + SII / (mean − SII / 2), phe_sii's RII (not SII / mean).
    pop, value, se = data
    result = slope_index(pop, value, se=se, repetitions=1000)
    average = float(np.sum(pop * value) / pop.sum())
    assert result.intercept + result.sii / 2 == pytest.approx(average, rel=1e-9)
    assert result.rii == pytest.approx(1 + result.sii / (average - result.sii / 2), rel=1e-9)
    assert result.rii == pytest.approx((result.intercept + result.sii) / result.intercept)


@settings(max_examples=40, deadline=None)
@given(groups(), st.floats(-20, 20), st.floats(-20, 20))
def test_a_straight_line_in_rank_is_recovered(data, start, slope) -> None:
    pop, _, se = data
    value = start + slope * relative_ranks(pop)
    result = slope_index(pop, value, se=se, repetitions=1000)
    assert result.sii == pytest.approx(slope, abs=1e-8)
    assert result.intercept == pytest.approx(start, abs=1e-8)


@settings(max_examples=30, deadline=None)
@given(groups(), st.sampled_from([100, -1, -100]), st.floats(-30, 30))
def test_multiplier_and_shift(data, multiplier, shift) -> None:
    pop, value, se = data
    plain = slope_index(pop, value, se=se, repetitions=1000, seed=3)
    scaled = slope_index(pop, value, se=se, repetitions=1000, seed=3, multiplier=multiplier)
    shifted = slope_index(pop, value + shift, se=se, repetitions=1000, seed=3)
    assert scaled.sii == pytest.approx(multiplier * plain.sii, rel=1e-9, abs=1e-9)
    expected_rii = plain.rii if multiplier > 0 else 1 / plain.rii
    assert scaled.rii == pytest.approx(expected_rii, rel=1e-9)
    assert shifted.sii == pytest.approx(plain.sii, rel=1e-7, abs=1e-7)
    assert shifted.sii_upper - shifted.sii_lower == pytest.approx(
        plain.sii_upper - plain.sii_lower, rel=1e-6, abs=1e-6
    )


@settings(max_examples=30, deadline=None)
@given(groups())
def test_intervals_hold_the_estimate_and_widen_with_confidence(data) -> None:
    pop, value, se = data
    result = slope_index(pop, value, se=se, repetitions=4000, confidence=(0.9, 0.998))
    for index in range(2):
        assert result.sii_lower[index] <= result.sii <= result.sii_upper[index]
    assert result.sii_lower[1] <= result.sii_lower[0]
    assert result.sii_upper[0] <= result.sii_upper[1]
    assert result.interval(0.9) == (result.sii_lower[0], result.sii_upper[0])
    assert result.interval(99.8, relative=True) == (result.rii_lower[1], result.rii_upper[1])


@settings(max_examples=30, deadline=None)
@given(groups(), st.booleans())
def test_rates_and_proportions_with_transformation(data, rate) -> None:
    pop, value, _ = data
    if rate:
        values, value_type = value, "rate"
    else:
        values, value_type = value / 101, "proportion"
    lower, upper = values * 0.9, np.minimum(values * 1.1, 0.999 if not rate else np.inf)
    result = slope_index(
        pop,
        values,
        lower=lower,
        upper=upper,
        value_type=value_type,
        transform=True,
        repetitions=1000,
    )
    assert np.isfinite(result.sii) and result.rii > 0
    flat = slope_index(
        pop,
        np.full(pop.size, values[0]),
        lower=np.full(pop.size, lower[0]),
        upper=np.full(pop.size, upper[0]),
        value_type=value_type,
        transform=True,
        repetitions=1000,
    )
    assert flat.sii == pytest.approx(0, abs=1e-9) and flat.rii == pytest.approx(1, abs=1e-9)

"""Every statistical function that takes a confidence level reads 0.95 and 95 alike and
refuses anything else with one sentence (``checked_confidence``), never a NaN or a silently
wrong interval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from variatlas import stats
from variatlas.stats.estimate import checked_confidence, confidence_levels, z_value
from variatlas.stats.intervals import (
    byars_lower,
    byars_upper,
    exact_poisson,
    poisson_limits,
    wilson,
)
from variatlas.stats.quantiles import order_statistic_ranks
from variatlas.stats.shrinkage import beta_binomial, poisson_gamma

SENTENCE = "confidence must be a share between 0 and 1, such as 0.95, or a percentage up to 100"
BAD = [-1, 0, -0.5, 100.5, 1e6, np.nan, np.inf, "95", "0.95", None, True, [[0.95]], ()]

COUNTS = np.array([0.0, 3, 12, 40, 7, 9])
TOTALS = np.array([10.0, 20, 30, 80, 15, 25])

CALLS: dict[str, Callable[[Any], Any]] = {
    "checked_confidence": checked_confidence,
    "confidence_levels": confidence_levels,
    "z_value": z_value,
    "byars_lower": lambda c: byars_lower(COUNTS, c),
    "byars_upper": lambda c: byars_upper(COUNTS, c),
    "exact_poisson": lambda c: exact_poisson(COUNTS, c),
    "poisson_limits": lambda c: poisson_limits(COUNTS, c),
    "wilson": lambda c: wilson(COUNTS, TOTALS, c),
    "order_statistic_ranks": lambda c: order_statistic_ranks(TOTALS, 0.5, c),
    "crude_rate": lambda c: stats.crude_rate(COUNTS, TOTALS, confidence=c),
    "proportion": lambda c: stats.proportion(COUNTS, TOTALS, confidence=c),
    "mean": lambda c: stats.mean(TOTALS, confidence=c),
    "mean_from_moments": lambda c: stats.mean_from_moments([10], [5.0], [2.0], confidence=c),
    "dsr": lambda c: stats.dsr(COUNTS + 10, TOTALS * 100, TOTALS, confidence=c),
    "indirect": lambda c: stats.indirect(COUNTS, TOTALS, COUNTS + 1, TOTALS * 2, confidence=c),
    "median_ci": lambda c: stats.median_ci(TOTALS, confidence=c),
    "funnel_limits": lambda c: stats.funnel_limits(
        "proportion", TOTALS, baseline=0.3, confidence=c
    ),
    "ratio_limits": lambda c: stats.ratio_limits(TOTALS, confidence=c),
    "estimate.interval": lambda c: stats.crude_rate(COUNTS, TOTALS).interval(c),
    "poisson_gamma": lambda c: poisson_gamma(COUNTS, TOTALS, confidence=c),
    "beta_binomial": lambda c: beta_binomial(COUNTS, TOTALS, confidence=c),
}


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("level", BAD, ids=repr)
def test_a_level_that_is_neither_a_share_nor_a_percentage_is_refused_in_one_sentence(
    name, level
) -> None:
    if name == "estimate.interval" and level == ():
        pytest.skip("interval takes one level")
    with pytest.raises(ValueError, match=SENTENCE):
        CALLS[name](level)


def _same(first: Any, second: Any) -> None:
    if isinstance(first, tuple | list):
        for a, b in zip(first, second, strict=True):
            _same(a, b)
    elif isinstance(first, dict):
        assert list(first) == list(second)
        for key in first:
            _same(first[key], second[key])
    elif hasattr(first, "__dataclass_fields__"):
        for field in first.__dataclass_fields__:
            _same(getattr(first, field), getattr(second, field))
    elif isinstance(first, np.ndarray) and first.dtype.kind == "f":
        assert np.array_equal(first, second, equal_nan=True)
    else:
        assert np.all(np.asarray(first) == np.asarray(second))


@pytest.mark.parametrize("name", CALLS)
def test_95_and_0_95_give_the_same_answer(name) -> None:
    _same(CALLS[name](0.95), CALLS[name](95))


def test_the_sentence_names_what_was_given() -> None:
    with pytest.raises(ValueError) as refused:
        checked_confidence(-3)
    assert str(refused.value) == (
        "confidence must be a share between 0 and 1, such as 0.95, or a percentage up to 100, "
        "such as 95; got -3"
    )
    assert checked_confidence(1) == 1.0 and checked_confidence(99.8) == pytest.approx(0.998)

"""The stable estimates of one municipal view (``variation.estimates.shrunken``): the model
named where there are estimates, the reason where a view gets none, and limits that never
lie on the wrong side of their value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from variatlas.indicators.model import Indicator, load_catalogue
from variatlas.stats.shrinkage import ALL_COMPLETE, ALL_ZERO, FEWER_AREAS
from variatlas.variation.estimates import NO_NATIONAL_VALUE, SHRUNK_COLUMNS, shrunken
from variatlas.variation.funnels import funnel_kind


def _first(kind: str | None) -> Indicator:
    return next(i for i in load_catalogue().values() if funnel_kind(i) == kind)


def _view(numerator, denominator, expected=None) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    numerator = np.asarray(numerator, dtype=float)
    frame = pd.DataFrame(
        {
            "numerator": pd.array(numerator, dtype="Float64"),
            "denominator": np.asarray(denominator, dtype=float),
            "expected": np.asarray(expected if expected is not None else denominator, dtype=float),
        }
    )
    frame.loc[np.isnan(numerator), "numerator"] = pd.NA
    return frame


def test_a_ratio_view_gets_estimates_on_the_national_scale_and_its_model_named() -> None:
    rng = np.random.default_rng(4)
    expected = rng.uniform(2, 80, 60)
    observed = rng.poisson(expected * rng.gamma(25, 1 / 25, 60)).astype(float)
    observed[:3] = np.nan  # hidden cells
    found = shrunken(_first("ratio"), _view(observed, expected * 100, expected), national=4.2)
    assert list(found.columns) == SHRUNK_COLUMNS
    shown = found.iloc[3:]
    assert (shown["shrinkage"] == "poisson-gamma").all()
    assert (found.iloc[:3]["shrinkage"] == "").all() and found.iloc[:3]["shrunk_value"].isna().all()
    assert (shown["shrunk_lower"] <= shown["shrunk_value"]).all()
    assert (shown["shrunk_value"] <= shown["shrunk_upper"]).all()
    assert shown["shrunk_value"].median() == pytest.approx(4.2, rel=0.15)


@pytest.mark.parametrize(
    ("kind", "numerator", "denominator", "national", "reason"),
    [
        ("ratio", [0, 0, 0, 0, 0, 0], [5, 6, 7, 8, 9, 10], 3.0, ALL_ZERO),
        ("ratio", [1, 2, 3, 4, np.nan, np.nan], [5, 6, 7, 8, 9, 10], 3.0, FEWER_AREAS),
        ("ratio", [1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], float("nan"), NO_NATIONAL_VALUE),
        ("proportion", [0, 0, 0, 0, 0, 0], [5, 6, 7, 8, 9, 10], 50.0, ALL_ZERO),
        ("proportion", [5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 9, 10], 50.0, ALL_COMPLETE),
    ],
)
def test_a_view_without_estimates_says_why(kind, numerator, denominator, national, reason):  # type: ignore[no-untyped-def]
    found = shrunken(_first(kind), _view(numerator, denominator), national)
    published = ~np.isnan(np.asarray(numerator, dtype=float))
    assert (found.loc[published, "shrinkage"] == reason).all()
    assert (found.loc[~published, "shrinkage"] == "").all()
    assert found["shrunk_value"].isna().all() and found["shrunk_upper"].isna().all()


def test_an_indicator_without_a_funnel_gets_nothing_and_no_reason() -> None:
    found = shrunken(_first(None), _view([1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10]), 2.0)
    assert (found["shrinkage"] == "").all() and found["shrunk_value"].isna().all()

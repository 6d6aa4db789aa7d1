"""Case-mix adjustment by a logistic model on aggregated cells (readmission and the like)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike

from variatlas.stats.estimate import FloatArray, as_float


def _codes(values: np.ndarray) -> np.ndarray:
    return np.unique(values, return_inverse=True)[1].reshape(-1)


def _dummies(values: np.ndarray) -> np.ndarray:
    """Indicator columns of a categorical term, its values read as text, the first level
    (in sorted order) the reference."""
    text = values.astype(str)
    levels = np.unique(text)
    return (text[:, None] == levels[None, 1:]).astype(float)


def logistic_expected_share(
    numerator: ArrayLike,
    denominator: ArrayLike,
    covariates: Sequence[ArrayLike],
    groups: ArrayLike,
) -> FloatArray:
    """The modelled probability of each cell, from a binomial GLM fitted per group (period).

    Cells are the rows: ``numerator`` events of ``denominator`` trials, with categorical
    ``covariates`` (age band, sex, diagnosis group …). Within each group, cells with the same
    covariates are pooled and the model ``logit p = β₀ + Σ terms`` is fitted to the pooled
    cells (weights = trials); a cell's expected count is its denominator times its
    probability. With categorical covariates this equals the person-level logistic
    regression. Cells whose covariate pattern has no trials get NaN.

    References: Hosmer DW, Lemeshow S. Applied Logistic Regression, 2nd ed. Wiley, 2000;
    FHI/Kunnskapssenteret 2012, Readmission in Norwegian hospitals (age, sex and diagnosis
    group as case-mix).
    """
    events, trials = as_float(numerator), as_float(denominator)
    terms = [np.asarray(c) for c in covariates]
    group = np.asarray(groups)
    shares = np.full(len(events), np.nan)
    for value in np.unique(group):
        rows = np.flatnonzero(group == value)
        codes = np.column_stack([_codes(t[rows]) for t in terms])
        patterns, pattern = np.unique(codes, axis=0, return_inverse=True)
        pattern = pattern.reshape(-1)
        pooled_events = np.bincount(pattern, weights=events[rows], minlength=len(patterns))
        pooled_trials = np.bincount(pattern, weights=trials[rows], minlength=len(patterns))
        # One row per pattern, each pattern's covariates taken from its first cell.
        first = np.zeros(len(patterns), dtype=np.int64)
        first[pattern[::-1]] = np.arange(len(rows))[::-1]
        fitted = pooled_trials > 0
        keep = first[fitted]
        design = np.column_stack([np.ones(len(keep)), *[_dummies(t[rows][keep]) for t in terms]])
        model = sm.GLM(
            pooled_events[fitted] / pooled_trials[fitted],
            design,
            family=sm.families.Binomial(),
            var_weights=pooled_trials[fitted],
        )
        probability = np.full(len(patterns), np.nan)
        probability[fitted] = model.fit().predict(design)
        shares[rows] = probability[pattern]
    return shares

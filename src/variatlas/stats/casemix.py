"""Case-mix adjustment by a logistic model on aggregated cells (readmission and the like)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike

from variatlas.stats.estimate import FloatArray, as_float


def _codes(values: np.ndarray) -> np.ndarray:
    # Text as fixed-width strings: the same order as Python's, sorted twice as fast.
    text = values.astype(str) if values.dtype == object else values
    return np.unique(text, return_inverse=True)[1].reshape(-1)


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
    # Each term's values as whole numbers once, not per group: sorting text is most of the
    # work (a national readmission model: 140,000 cells, 20 periods).
    term_codes = [_codes(t) for t in terms]
    labels, group = np.unique(np.asarray(groups), return_inverse=True)
    group = group.reshape(-1)
    shares = np.full(len(events), np.nan)
    for value in range(len(labels)):
        rows = np.flatnonzero(group == value)
        codes = [c[rows] for c in term_codes]
        # A pattern as one number (its codes in mixed radix, so in the same order).
        key = np.ravel_multi_index(codes, [int(c.max()) + 1 for c in term_codes])
        patterns, pattern = np.unique(key, return_inverse=True)
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

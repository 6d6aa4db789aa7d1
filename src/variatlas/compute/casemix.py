"""Case-mix adjustment by a logistic model on aggregated cells (readmission and the like)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm


def logistic_expected_share(cells: pd.DataFrame, covariates: list[str]) -> pd.Series:
    """The modelled probability for each cell, from a binomial GLM per period.

    The model is fitted nationally on the cells (numerator events of denominator trials) with
    the covariates as categorical terms; a cell's expected count is its denominator times its
    probability. With categorical covariates this equals the person-level logistic regression.
    Reference: Hosmer DW, Lemeshow S. Applied Logistic Regression, 2nd ed. Wiley, 2000;
    FHI/Kunnskapssenteret 2012, Readmission in Norwegian hospitals (age, sex and diagnosis
    group as case-mix).
    """
    terms = [c if c != "age_band" else "band" for c in covariates]
    shares = pd.Series(np.nan, index=cells.index)
    for _, part in cells.groupby("period"):
        grouped = part.groupby(terms, as_index=False)[["numerator", "denominator"]].sum()
        grouped = grouped[grouped["denominator"] > 0]
        design = pd.get_dummies(grouped[terms].astype(str), drop_first=True, dtype=float)
        design = sm.add_constant(design, has_constant="add")
        endog = grouped["numerator"] / grouped["denominator"]
        model = sm.GLM(
            endog, design, family=sm.families.Binomial(), var_weights=grouped["denominator"]
        )
        fitted = model.fit()
        grouped["share"] = fitted.predict(design)
        lookup = (
            part[terms]
            .astype(str)
            .merge(
                grouped[terms].astype(str).assign(share=grouped["share"].to_numpy()),
                on=terms,
                how="left",
            )
        )
        shares.loc[part.index] = lookup["share"].to_numpy()
    return shares

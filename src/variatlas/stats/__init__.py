"""Pure statistical functions on aggregated counts: numpy and scipy only, vectorised over areas.

Each function cites its method and reference, and is tested against published values
(PHEindicatormethods and FunnelPlotR fixtures under ``tests/reference``). See
``docs/methods.md``.
"""

from variatlas.stats.estimate import Estimate, confidence_levels
from variatlas.stats.funnel import (
    FunnelLimits,
    Overdispersion,
    funnel_limits,
    funnel_significance,
    overdispersion,
    ratio_limits,
)
from variatlas.stats.inequality import SlopeIndex, relative_ranks, slope_index
from variatlas.stats.intervals import byars_lower, byars_upper, exact_poisson, wilson
from variatlas.stats.multiple import benjamini_hochberg, binomial_p_values, poisson_p_values
from variatlas.stats.quantiles import median_ci, quantile_ci
from variatlas.stats.rates import crude_rate, mean, mean_from_moments, proportion
from variatlas.stats.shrinkage import Shrunk, beta_binomial, poisson_gamma
from variatlas.stats.standardisation import (
    IndirectResult,
    dsr,
    esp2013,
    five_year_band,
    indirect,
    national_standard,
)

__all__ = [
    "Estimate",
    "FunnelLimits",
    "IndirectResult",
    "Overdispersion",
    "Shrunk",
    "SlopeIndex",
    "benjamini_hochberg",
    "beta_binomial",
    "binomial_p_values",
    "byars_lower",
    "byars_upper",
    "confidence_levels",
    "crude_rate",
    "dsr",
    "esp2013",
    "exact_poisson",
    "five_year_band",
    "funnel_limits",
    "funnel_significance",
    "indirect",
    "mean",
    "mean_from_moments",
    "median_ci",
    "national_standard",
    "overdispersion",
    "poisson_gamma",
    "poisson_p_values",
    "proportion",
    "quantile_ci",
    "ratio_limits",
    "relative_ranks",
    "slope_index",
    "wilson",
]

"""Variation analysis on area results: how much areas differ, funnels, map classes and trends.

``measures``, ``breaks`` and ``xmr`` are pure numpy functions like ``variatlas.stats``;
``funnels``, ``summarise`` and ``figures`` apply them to the rows of the results contract
(``variatlas.results``). See ``docs/methods.md``.
"""

from variatlas.variation.breaks import natural_breaks
from variatlas.variation.estimates import SHRUNK_COLUMNS, fdr_outliers, with_shrinkage
from variatlas.variation.figures import MAP_LEVELS, view_figures, view_key
from variatlas.variation.funnels import funnel_curves, funnel_flags, funnel_kind
from variatlas.variation.measures import (
    VariationSummary,
    coefficient_of_variation,
    extremal_quotient,
    scv_class,
    systematic_component,
    systematic_component_log,
    variation_summary,
)
from variatlas.variation.summarise import need_share, summarise, with_persistence
from variatlas.variation.xmr import XmrChart, xmr_limits

__all__ = [
    "MAP_LEVELS",
    "SHRUNK_COLUMNS",
    "VariationSummary",
    "XmrChart",
    "coefficient_of_variation",
    "extremal_quotient",
    "fdr_outliers",
    "funnel_curves",
    "funnel_flags",
    "funnel_kind",
    "natural_breaks",
    "need_share",
    "scv_class",
    "summarise",
    "systematic_component",
    "systematic_component_log",
    "variation_summary",
    "view_figures",
    "view_key",
    "with_persistence",
    "with_shrinkage",
    "xmr_limits",
]

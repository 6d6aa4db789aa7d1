"""Variation analysis on area results: how much areas differ, map classes and trends.

Pure numpy functions like ``variatlas.stats``; see ``docs/methods.md``.
"""

from variatlas.variation.breaks import natural_breaks
from variatlas.variation.summary import (
    VariationSummary,
    coefficient_of_variation,
    extremal_quotient,
    scv_class,
    systematic_component,
    systematic_component_log,
    variation_summary,
)
from variatlas.variation.xmr import XmrChart, xmr_limits

__all__ = [
    "VariationSummary",
    "XmrChart",
    "coefficient_of_variation",
    "extremal_quotient",
    "natural_breaks",
    "scv_class",
    "systematic_component",
    "systematic_component_log",
    "variation_summary",
    "xmr_limits",
]

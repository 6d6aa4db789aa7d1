"""Disclosure control: nothing below the small-number threshold leaves in published output.

``disclose`` applies primary suppression (a count from 1 to the threshold − 1, the threshold
set per indicator by its ``minimum_count``, default 5) to numerators, denominators and the
complements that count persons (denominator − numerator), then secondary suppression so that
no hidden count can be recovered by differencing published totals across the area
hierarchy, the sexes and the periods, nor by what a reader knows besides (a hidden count is
at least 1; a share's numerator is at most its denominator). Every hidden cell carries the
same flag. A hidden count hides everything that would give it back: the value, its interval,
the crude value, the expected count and the funnel position. Only this module can make a
``DisclosedResults``; ``variatlas.publish`` accepts nothing else.

A reader may hold every release: ``disclose(..., earlier=...)`` takes the releases published
before (``release``), and no small count of any of them, or of the new one, can be recovered
from them together (``together``).

Sexes are published separately for 3-year periods only, and municipalities for 3-year periods
and both sexes together (``publishable``).
"""

from variatlas.disclosure.audit import Exposure, audit, feasible_intervals
from variatlas.disclosure.control import protect, publishable, suppress
from variatlas.disclosure.counts import audit_disclosure, complement_rule
from variatlas.disclosure.disclosed import DisclosedResults, IndicatorDisclosure
from variatlas.disclosure.publication import disclose
from variatlas.disclosure.releases import Release, release

__all__ = [
    "DisclosedResults",
    "Exposure",
    "IndicatorDisclosure",
    "Release",
    "audit",
    "audit_disclosure",
    "complement_rule",
    "disclose",
    "feasible_intervals",
    "protect",
    "publishable",
    "release",
    "suppress",
]

"""The type of disclosure-controlled results: the only thing ``variatlas.publish`` accepts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from variatlas.disclosure.relations import Cell, Relation
from variatlas.results import COMPARISON_FIELDS, INEQUALITY_FIELDS

COMPARISON_COLUMNS = [f.name for f in COMPARISON_FIELDS]
INEQUALITY_COLUMNS = [f.name for f in INEQUALITY_FIELDS]

_TOKEN = object()


@dataclass(frozen=True)
class IndicatorDisclosure:
    """What was hidden for one indicator, with the values and relations (for the audit).

    Per count: ``numerator``, ``denominator`` and, where a reader can bound the numerator by
    the denominator, ``complement`` (denominator − numerator: ``counts``). ``primary`` and
    ``fallback`` are the reasons, for this step's own use: the publication gives every
    hidden cell the same flag. ``hidden`` is what the publication hides (a numerator whenever
    its denominator is hidden, a complement whenever either is)."""

    threshold: float
    values: dict[str, dict[Cell, float]]
    relations: dict[str, list[Relation]]
    primary: dict[str, set[Cell]]
    hidden: dict[str, set[Cell]]
    fallback: dict[str, set[Cell]] = field(default_factory=dict)
    """Cells the fallback hid (whole relation groups), where the greedy rounds did not settle."""
    released: dict[str, set[Cell]] = field(default_factory=dict)
    """Complements released because the published cells determine them exactly."""
    linked: tuple[str, ...] = ()
    """The earlier releases audited with this one (those with the same definition)."""
    for_releases: dict[str, set[Cell]] = field(default_factory=dict)
    """Cells hidden so that no small count of this or an earlier release can be pinned by a
    reader who holds them all (``together``)."""
    contradicted: int = 0
    """Sums, floors and links the earlier releases' published cells contradict (left out of
    the joint audit)."""


class DisclosedResults:
    """Results and variation summaries cleared for publication.

    Made only by ``variatlas.disclosure.disclose``; the constructor refuses anyone else.
    """

    def __init__(
        self,
        results: pd.DataFrame,
        variation: pd.DataFrame,
        provenance: Mapping[str, object],
        details: Mapping[str, IndicatorDisclosure],
        figures: Mapping[str, dict[str, dict[str, Any]]],
        *,
        comparisons: pd.DataFrame | None = None,
        inequality: pd.DataFrame | None = None,
        _token: object = None,
    ) -> None:
        if _token is not _TOKEN:
            raise TypeError("DisclosedResults are made only by variatlas.disclosure.disclose")
        self.results = results
        self.variation = variation
        self.provenance = dict(provenance)
        self.details = dict(details)
        self.figures = dict(figures)
        """Per indicator, what the atlas draws of each view (``variation.view_figures``),
        computed from the published cells only."""
        self.comparisons = (
            comparisons if comparisons is not None else pd.DataFrame(columns=COMPARISON_COLUMNS)
        )
        """Each published area against its comparators (``variation.comparators``; the
        columns of ``results.COMPARISON_FIELDS``), from the published cells only."""
        self.inequality = (
            inequality if inequality is not None else pd.DataFrame(columns=INEQUALITY_COLUMNS)
        )
        """The gradient across centrality classes per indicator, period and sex
        (``variation.gradients``; ``results.INEQUALITY_FIELDS``)."""

    @property
    def thresholds(self) -> dict[str, float]:
        return {name: d.threshold for name, d in self.details.items()}


def cost(details: Iterable[IndicatorDisclosure]) -> dict[str, float | int]:
    """What suppression cost, over the numerators and denominators of every indicator: cells,
    hidden cells and their share, cells the fallback hid, complements released; and the
    complements of persons from 1 to the threshold − 1 that were protected."""
    cells = hidden = fallback = released = small_complements = 0
    for detail in details:
        small_complements += len(detail.primary.get("complement", ()))
        for column in ("numerator", "denominator"):
            cells += len(detail.values[column])
            hidden += len(detail.hidden[column])
            fallback += len(detail.fallback.get(column, ()))
            released += len(detail.released.get(column, ()))
    return {
        "cells": cells,
        "hidden_cells": hidden,
        "hidden_share": round(hidden / cells, 6) if cells else 0.0,
        "fallback_cells": fallback,
        "released_complements": released,
        "small_complements": small_complements,
    }

"""The type of disclosure-controlled results: the only thing ``variatlas.publish`` accepts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from variatlas.disclosure.relations import Cell, Relation

_TOKEN = object()


@dataclass(frozen=True)
class IndicatorDisclosure:
    """What was hidden for one indicator, with the values and relations (for the audit)."""

    threshold: float
    values: dict[str, dict[Cell, float]]
    relations: dict[str, list[Relation]]
    primary: dict[str, set[Cell]]
    hidden: dict[str, set[Cell]]
    fallback: dict[str, set[Cell]] = field(default_factory=dict)
    """Cells the fallback hid (whole relation groups), where the greedy rounds did not settle."""
    released: dict[str, set[Cell]] = field(default_factory=dict)
    """Complements released because the published cells determine them exactly."""


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

    @property
    def thresholds(self) -> dict[str, float]:
        return {name: d.threshold for name, d in self.details.items()}

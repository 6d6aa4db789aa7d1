"""The disclosure of a whole publication: every indicator in a worker of its own
(``variatlas.workers``), its stable estimates, summaries and figures on the published cells,
and what control cost in the provenance. See the package documentation and
docs/disclosure.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from variatlas.disclosure.control import _apply, protect, publishable
from variatlas.disclosure.counts import complement_rule
from variatlas.disclosure.disclosed import _TOKEN, DisclosedResults, IndicatorDisclosure, cost
from variatlas.disclosure.releases import Earlier, Release, across, distinct, linked_releases
from variatlas.geography import Geography
from variatlas.indicators.model import Indicator
from variatlas.results import COMPARISON_FIELDS, INEQUALITY_FIELDS, Field
from variatlas.variation import summarise, view_figures, with_shrinkage
from variatlas.variation.comparators import comparisons
from variatlas.variation.gradients import inequality
from variatlas.workers import mapped, worth_workers


@dataclass(frozen=True)
class _Work:
    indicator: Indicator
    results: pd.DataFrame
    variation: pd.DataFrame
    geography: Geography
    releases: tuple[Earlier, ...] = ()


@dataclass(frozen=True)
class _Done:
    indicator: str
    safe: pd.DataFrame
    detail: IndicatorDisclosure
    summary: pd.DataFrame
    figures: dict[str, dict[str, Any]]
    comparisons: pd.DataFrame
    inequality: pd.DataFrame


def _disclose_one(work: _Work) -> _Done:
    """One indicator's suppression, its stable estimates, summaries and figures, its areas
    against their comparators and its gradient across centrality classes, all from the
    published cells (a worker's task: see ``variatlas.workers``)."""
    indicator, frame, earlier = work.indicator, work.results, work.variation
    bounded, persons = complement_rule(indicator)
    detail = protect(
        frame,
        indicator.minimum_count,
        work.geography,
        bounded=bounded,
        persons=persons,
        earlier=work.releases,
    )
    # Shrinkage after suppression: its prior is fitted to published cells only.
    safe = with_shrinkage(indicator, _apply(frame, detail))
    comparator = (
        str(earlier["comparator"].iloc[0])
        if "comparator" in earlier and len(earlier) and pd.notna(earlier["comparator"].iloc[0])
        else "nation"
    )
    summary = summarise(
        indicator, safe.assign(funnel=safe["funnel"].fillna("")), comparator=comparator
    )
    carried = earlier.set_index(["level", "period", "sex"])["need_explained"]
    summary["need_explained"] = [
        carried.get((r.level, r.period, r.sex), np.nan) for r in summary.itertuples()
    ]
    return _Done(
        indicator.id,
        safe,
        detail,
        summary,
        view_figures(indicator, safe, summary),
        comparisons(indicator, safe, work.geography),
        inequality(indicator, safe),
    )


def disclose(
    results: pd.DataFrame,
    variation: pd.DataFrame,
    provenance: Mapping[str, object],
    *,
    catalogue: Mapping[str, Indicator],
    geography: Geography,
    on_indicator: Callable[[str], None] | None = None,
    earlier: Sequence[Release] = (),
) -> DisclosedResults:
    """Suppress what must not be published and recompute the variation summaries on the rest.

    The variation summaries are computed again from the published cells only, so that no
    minimum, maximum or outlier count comes from a hidden cell; the share of variation that
    need explains is carried over (a fit over many areas).

    ``earlier`` are the releases published before (``releases.release``): a reader may hold
    them all, so each indicator with the same definition in them is suppressed so that no
    small count of any release can be pinned from them together (``together``).
    """
    results = results[publishable(results)]
    summaries_before = {
        str(name): rows for name, rows in variation.groupby("indicator", sort=False)
    }
    releases = distinct(earlier)
    definitions = provenance.get("indicators", {})
    definitions = definitions if isinstance(definitions, Mapping) else {}
    work = [
        _Work(
            catalogue[str(name)],
            frame,
            summaries_before.get(str(name), variation.iloc[:0]),
            geography,
            linked_releases(str(name), definitions.get(str(name)), releases),
        )
        for name, frame in results.groupby("indicator", sort=False)
    ]
    disclosed, summaries, details, figures = [], [], {}, {}
    compared, gradients = [], []
    for done in mapped(_disclose_one, work, parallel=worth_workers(len(results))):
        if on_indicator is not None:
            on_indicator(done.indicator)
        disclosed.append(done.safe)
        summaries.append(done.summary)
        details[done.indicator] = done.detail
        figures[done.indicator] = done.figures
        compared.append(done.comparisons)
        gradients.append(done.inequality)
    public = pd.concat(disclosed, ignore_index=True) if disclosed else results.iloc[:0]
    summary_table = pd.concat(summaries, ignore_index=True) if summaries else variation.iloc[:0]
    record = dict(provenance)
    control: dict[str, object] = {
        "thresholds": {name: d.threshold for name, d in details.items()},
        "rule": "primary: a numerator, denominator or complement of persons (denominator − "
        "numerator) from 1 to the threshold − 1; secondary: complementary cells across areas, "
        "sexes and periods (greedy, LP-audited with every hidden count at least 1 and every "
        "numerator of a share at most its denominator; where that does not settle, whole "
        "relation groups); complements the published cells determine exactly are released; "
        "one flag for every hidden cell",
        "suppressed_rows": int(public["flag"].str.startswith("suppressed").sum()),
        **cost(details.values()),
    }
    if releases:
        control["earlier_releases"] = across(releases, details.values(), definitions)
    record["disclosure"] = control
    return DisclosedResults(
        public,
        summary_table,
        record,
        details,
        figures,
        comparisons=_stacked(compared, COMPARISON_FIELDS),
        inequality=_stacked(gradients, INEQUALITY_FIELDS),
        _token=_TOKEN,
    )


def _stacked(frames: list[pd.DataFrame], fields: tuple[Field, ...]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=[f.name for f in fields])
    return pd.concat(frames, ignore_index=True)

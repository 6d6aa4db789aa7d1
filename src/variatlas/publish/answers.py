"""The API's answers to result and variation queries, as JSON bytes made once per query.

A publication never changes (a new one is a new folder), so an answer can be kept for as long
as the publication is served. The rows are grouped by indicator when the publication is
loaded; a query filters one indicator's rows, serialises it once and keeps the bytes
(least recently used first out), with its strong ETag, the hash of the bytes, made with them.
A request that was answered before costs a dictionary lookup, which is what lets one process
serve hundreds of requests a second (``bench/api.py``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

import pandas as pd

from variatlas.results import (
    COMPARISON_FIELDS,
    INEQUALITY_FIELDS,
    PEER_LEVELS,
    RESULT_FIELDS,
    VARIATION_FIELDS,
    Field,
    python_type,
)

KEPT_ANSWERS = 4096
"""Answers kept per kind; the demo's every level × period × sex of every indicator is ~3,000."""


_NONE = pd.DataFrame(columns=["level", "area", "period", "sex"])
"""The rows of an indicator that has none."""


class Answer(NamedTuple):
    """An answer's JSON bytes and their strong ETag."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, document: dict[str, Any]) -> Answer:
        body = json.dumps(
            document, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()
        return cls(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


class AreaNotFound(LookupError):
    """An area the indicator has no results for (at the level asked for)."""


def _convert(field: Field) -> Callable[[Any], Any]:
    """Values as the API's models declare them: NaN is null, counts of areas are integers."""
    kind = python_type(field)

    def convert(value: Any) -> Any:
        if value is None or value is pd.NA:
            return None
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        return kind(value)

    return convert


def _records(frame: pd.DataFrame, fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    present = [f for f in fields if f.name in frame.columns and f.name != "indicator"]
    converters = [(f.name, _convert(f)) for f in present]
    columns = [frame[name].tolist() for name, _ in converters]
    return [
        {
            name: convert(values[i])
            for (name, convert), values in zip(converters, columns, strict=True)
        }
        for i in range(len(frame))
    ]


def _by_indicator(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        str(indicator): group.reset_index(drop=True)
        for indicator, group in frame.groupby("indicator", sort=False)
    }


def _matching(frame: pd.DataFrame, **wanted: str | None) -> pd.DataFrame:
    """The rows whose columns equal every value asked for (None: any)."""
    for column, value in wanted.items():
        if value is not None:
            frame = frame[frame[column] == value]
    return frame


class Answers:
    """The answers of one publication's results and variation."""

    def __init__(
        self,
        results: pd.DataFrame,
        variation: pd.DataFrame,
        release: str | None = None,
        comparisons: pd.DataFrame | None = None,
        inequality: pd.DataFrame | None = None,
    ) -> None:
        self.release = release
        """The release the answers are of (said in each answer)."""
        self._results = _by_indicator(results)
        self._variation = _by_indicator(variation)
        self._comparisons = _by_indicator(comparisons) if comparisons is not None else {}
        self._inequality = _by_indicator(inequality) if inequality is not None else {}
        self.results = lru_cache(maxsize=KEPT_ANSWERS)(self._results_answer)
        self.variation = lru_cache(maxsize=KEPT_ANSWERS)(self._variation_answer)
        self.inequality = lru_cache(maxsize=KEPT_ANSWERS)(self._inequality_answer)

    def _results_answer(
        self,
        indicator: str,
        level: str | None,
        area: str | None,
        period: str | None,
        sex: str | None,
        compare: tuple[str, ...] = (),
    ) -> Answer:
        """The results of ``indicator`` that match, as ``{"indicator", "count", "rows"}``,
        with ``compare`` (comparators) also ``"comparisons"``: the matching rows' comparisons
        with those comparators; ``AreaNotFound`` when it has none for ``area``."""
        frame = _matching(self._results.get(indicator, _NONE), level=level, area=area)
        if area is not None and frame.empty:
            raise AreaNotFound(area)
        rows = _records(_matching(frame, period=period, sex=sex), RESULT_FIELDS)
        document: dict[str, Any] = {
            "indicator": indicator,
            "release": self.release,
            "count": len(rows),
            "rows": rows,
        }
        if compare:
            found = _matching(
                self._comparisons.get(indicator, _NONE),
                level=level,
                area=area,
                period=period,
                sex=sex,
            )
            found = found[found["comparator"].isin(compare)] if "comparator" in found else found
            document["comparisons"] = _records(found, COMPARISON_FIELDS)
        return Answer.of(document)

    def _inequality_answer(self, indicator: str, period: str | None, sex: str | None) -> Answer:
        """The gradient of ``indicator`` across centrality classes (``"rows"``) and the
        classes' and KOSTRA groups' own results (``"groups"``), as ``{"indicator", "rows",
        "groups"}``."""
        slopes = _matching(self._inequality.get(indicator, _NONE), period=period, sex=sex)
        results = self._results.get(indicator, _NONE)
        groups = _matching(results[results["level"].isin(PEER_LEVELS)], period=period, sex=sex)
        return Answer.of(
            {
                "indicator": indicator,
                "release": self.release,
                "rows": _records(slopes, INEQUALITY_FIELDS),
                "groups": _records(groups, RESULT_FIELDS),
            }
        )

    def _variation_answer(
        self, indicator: str, level: str | None, period: str | None, sex: str | None
    ) -> Answer:
        """The variation summaries of ``indicator`` that match, as ``{"indicator", "rows"}``."""
        frame = _matching(
            self._variation.get(indicator, _NONE), level=level, period=period, sex=sex
        )
        rows = _records(frame, VARIATION_FIELDS)
        return Answer.of({"indicator": indicator, "release": self.release, "rows": rows})

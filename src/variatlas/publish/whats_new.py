"""The "what's new" page of a release, in every interface language, from its ``changes.json``.

``<lang>/whats-new.html``: the release note, the release it is compared with (a link to it
under ``/releases/<id>/``), the count of every class of change, and the changes themselves:
inputs, years, indicators added, removed and redefined, then per indicator what changed in
its figures, with examples of figures beyond their intervals, outliers and places to learn
from that came or went, and cells newly hidden or shown. Everything else is in
``changes.json``, linked from the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from variatlas.indicators.model import Indicator
from variatlas.publish.atlas import environment, page_context
from variatlas.publish.changes import CLASSES
from variatlas.publish.wording import (
    LANGUAGES,
    Language,
    catalogue_language,
    decimals,
    number,
    versions,
)

PAGE = "whats-new.html"
EXAMPLES = 40
"""Figures listed per class of change on the page (all of them are in changes.json)."""


def page_of(lang: str) -> str:
    """The page's path in a release."""
    return f"{lang}/{PAGE}"


def _release_home(release: str, lang: str) -> str:
    """A release's front page in ``lang``, from a page in ``<lang>/`` of another release."""
    front = "index.html" if lang == "nb" else f"{lang}/index.html"
    return f"../releases/{release}/{front}"


def _figure(value: Any, lang: Language) -> str:
    if value is None:
        return "–"
    return number(float(value), lang, decimals(float(value)))


def _examples(
    records: list[dict[str, Any]], titles: Mapping[str, str], lang: Language
) -> list[dict[str, Any]]:
    """The first ``EXAMPLES`` records of a class, with their figures written for ``lang``."""
    shown = []
    for record in records[:EXAMPLES]:
        entry = dict(record)
        entry["title"] = titles.get(record["indicator"], record["indicator"])
        for side in ("before", "after"):
            if f"value_{side}" in record:
                entry[side] = _figure(record[f"value_{side}"], lang)
                entry[f"interval_{side}"] = (
                    f"{_figure(record[f'lower_{side}'], lang)} – "
                    f"{_figure(record[f'upper_{side}'], lang)}"
                )
        shown.append(entry)
    return shown


def _by_indicator(changes: Mapping[str, Any]) -> dict[str, Counter[str]]:
    """Per indicator, how many changes of each class of figures it has."""
    found: dict[str, Counter[str]] = {}
    for name, records in changes["changes"].items():
        for record in records:
            if isinstance(record, dict) and "indicator" in record and "level" in record:
                found.setdefault(record["indicator"], Counter())[name] += 1
    return found


def write_whats_new(
    folder: Path,
    changes: Mapping[str, Any],
    record: Mapping[str, Any],
    catalogue: Mapping[str, Indicator],
    comparator: str = "nation",
) -> list[Path]:
    """Write the page in every interface language; return the pages."""
    template = environment().get_template("whats_new.html")
    per_indicator = _by_indicator(changes)
    written = []
    for lang in LANGUAGES:
        shown = catalogue_language(lang)
        titles = {i: str(getattr(c.title, shown)) for i, c in catalogue.items()}
        marked = [
            {
                "id": indicator,
                "title": titles.get(indicator, indicator),
                "mark": found["mark"],
                "redefined": found.get("redefined", False),
                "revised_figures": found.get("revised_figures", 0),
                "periods_added": found.get("periods_added", []),
                "classes": per_indicator.get(indicator, Counter()),
            }
            for indicator, found in sorted(changes["indicators"].items())
            if found["mark"] in ("new", "revised", "updated")
        ]
        html = template.render(
            **page_context(lang, comparator),
            root="../",
            home="../index.html" if lang == "nb" else "index.html",
            versions=versions("../", PAGE),
            release=record,
            changes=changes,
            classes=CLASSES,
            previous_home=(
                _release_home(changes["previous"], lang) if changes.get("previous") else None
            ),
            titles=titles,
            marked=marked,
            examples={
                name: _examples(changes["changes"][name], titles, lang)
                for name in (
                    "figures_beyond_intervals",
                    "became_outliers",
                    "ceased_outliers",
                    "became_places_to_learn_from",
                    "ceased_places_to_learn_from",
                )
            },
            limit=EXAMPLES,
        )
        target = folder / page_of(lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written

"""Numbers in the text bound to the data: ``{{ … }}`` placeholders, parsed, checked and filled.

A placeholder names what to print and where it is in the results::

    {{ value INDICATOR LEVEL AREA PERIOD }}     an area's value (also lower, upper)
    {{ count INDICATOR LEVEL AREA PERIOD }}     its numerator (population: its denominator)
    {{ national INDICATOR PERIOD }}             the nation's value
    {{ ft INDICATOR LEVEL PERIOD }}             a variation measure of the level: ft, ft2, ft3,
                                                cv, scv, lowest, highest
    {{ figure ID }}                             a figure of the chapter, drawn there

with ``sex=M`` or ``sex=F`` (default: both sexes) and ``digits=N`` after the words. Validation
checks each (``check``); ``Bindings.fill`` prints the numbers in the reader's language, and
refuses (``PlaceholderRefused``) any that would print a cell hidden by disclosure control, a
count below the indicator's threshold, or a variation measure the summary says cannot be
compared (its ``comparison`` is not empty).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from variatlas.documents.model import PERIOD as YEARS
from variatlas.results import LEVELS, NATION_CODE, SEXES, is_suppressed

if TYPE_CHECKING:
    import pandas as pd

    from variatlas.indicators.model import Indicator

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
PERIOD = re.compile(YEARS)
AREA_MEASURES = {
    "value": "value",
    "lower": "lower",
    "upper": "upper",
    "count": "numerator",
    "population": "denominator",
}
"""Words that print a column of an area's result row."""
VARIATION_MEASURES = {
    "ft": "ft",
    "ft2": "ft2",
    "ft3": "ft3",
    "cv": "cv",
    "scv": "scv",
    "lowest": "min",
    "highest": "max",
}
"""Words that print a column of a level's variation summary."""
COMPARED = frozenset({"ft", "ft2", "ft3", "cv", "scv"})
"""Measures a summary whose ``comparison`` is not empty does not give."""
COUNTS = frozenset({"count", "population"})
WORDS = (*AREA_MEASURES, "national", *VARIATION_MEASURES, "figure")
THOUSANDS = "\u00a0"
"""The thousands separator of bokmål and nynorsk, as publish/wording.py's ``number`` has it."""
MINUS = "\u2212"


class PlaceholderError(ValueError):
    """A placeholder that cannot be filled; the message is one sentence."""


class PlaceholderSyntaxError(PlaceholderError):
    """A placeholder that is not written as the syntax says."""


class PlaceholderRefused(PlaceholderError):
    """A placeholder that would print a hidden cell, a count below the threshold, or a
    variation measure of a level whose areas are too few to compare."""


class PlaceholderUnfilled(PlaceholderError):
    """A placeholder whose row is not in the results, or has no value."""


@dataclass(frozen=True)
class Placeholder:
    """One parsed placeholder."""

    text: str
    """As written, braces included."""
    what: str
    indicator: str | None = None
    level: str | None = None
    area: str | None = None
    period: str | None = None
    sex: str = "all"
    digits: int | None = None
    figure: str | None = None


def _shape(what: str) -> tuple[str, ...]:
    if what == "figure":
        return ("id",)
    if what == "national":
        return ("indicator", "period")
    if what in AREA_MEASURES:
        return ("indicator", "level", "area", "period")
    return ("indicator", "level", "period")


def parse(text: str) -> Placeholder:
    """A placeholder (``{{ … }}``) as its parts; ``PlaceholderSyntaxError`` says what is wrong."""
    inner = PLACEHOLDER.fullmatch(text.strip())
    words = (inner.group(1) if inner else text).split()
    if not words:
        raise PlaceholderSyntaxError(f"{text} is empty: it names nothing to print")
    what, rest = words[0], words[1:]
    if what not in WORDS:
        raise PlaceholderSyntaxError(
            f"{text} begins with {what!r}, which is none of {', '.join(WORDS)}"
        )
    options = dict(w.split("=", 1) for w in rest if "=" in w)
    given = [w for w in rest if "=" not in w]
    shape = _shape(what)
    if len(given) != len(shape):
        raise PlaceholderSyntaxError(
            f"{text} gives {len(given)} words after {what!r}, where it takes {len(shape)} "
            f"({', '.join(shape)})"
        )
    parts = dict(zip(shape, given, strict=True))
    unknown = sorted(set(options) - ({"sex", "digits"} if what != "figure" else set()))
    if unknown:
        raise PlaceholderSyntaxError(
            f"{text} has the option {unknown[0]!r}, which it does not take"
        )
    level = "nation" if what == "national" else parts.get("level")
    if level is not None and level not in LEVELS:
        raise PlaceholderSyntaxError(
            f"{text} names the level {level!r}, not one of {', '.join(LEVELS)}"
        )
    period = parts.get("period")
    if period is not None and not PERIOD.match(period):
        raise PlaceholderSyntaxError(
            f"{text} names the period {period!r}, not a year or years (2022-2024)"
        )
    sex = options.get("sex", "all")
    if sex not in SEXES:
        raise PlaceholderSyntaxError(f"{text} names the sex {sex!r}, not one of {', '.join(SEXES)}")
    digits = options.get("digits")
    if digits is not None and not (digits.isdigit() and int(digits) <= 6):
        raise PlaceholderSyntaxError(f"{text} asks for {digits!r} digits, not 0 to 6")
    return Placeholder(
        text=text.strip(),
        what=what,
        indicator=parts.get("indicator"),
        level=level,
        area=NATION_CODE if what == "national" else parts.get("area"),
        period=period,
        sex=sex,
        digits=int(digits) if digits is not None else None,
        figure=parts.get("id"),
    )


def find(markdown: str) -> Iterator[tuple[int, str]]:
    """Each placeholder of a text (as written) with its line in the text, counted from 0."""
    for match in PLACEHOLDER.finditer(markdown):
        yield markdown.count("\n", 0, match.start()), match.group(0)


def decimals(value: float) -> int:
    """Decimals for figures of this size: 0 from 100, 1 from 10, else 2 (as the atlas shows)."""
    size = abs(value) if math.isfinite(value) else 0.0
    return 0 if size >= 100 else 1 if size >= 10 else 2


def number(value: float, lang: str, places: int) -> str:
    """A number as a reader of ``lang`` writes it: ``1 234,5`` in bokmål and nynorsk (no-break
    space, comma, minus sign), ``1,234.5`` in English."""
    text = f"{value:,.{places}f}"
    if lang in ("nb", "nn"):
        text = text.replace(",", THOUSANDS).replace(".", ",").replace("-", MINUS)
    return text


def _float(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        found = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(found) else found


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _small(row: Mapping[str, Any], indicator: Indicator, printed: str | None) -> str:
    """Which count of a row disclosure control protects (from 1 to the threshold − 1), or
    "": the count printed (the column ``printed``), or, for a value, its numerator and
    denominator; and the complement where it counts persons (docs/disclosure.md)."""
    numerator, denominator = _float(row.get("numerator")), _float(row.get("denominator"))
    checked = [("count", numerator), ("denominator", denominator)]
    if printed is not None:
        checked = checked[:1] if printed == "numerator" else checked[1:]
    if indicator.complement_counts_persons and numerator is not None and denominator is not None:
        checked.append(("complement (denominator − numerator)", denominator - numerator))
    for name, count in checked:
        if count is not None and 0 < count < indicator.minimum_count:
            return name
    return ""


@dataclass
class Bindings:
    """Results and variation summaries (the columns of ``variatlas.results``) to fill
    placeholders from; indexed by indicator on first use."""

    results: pd.DataFrame
    variation: pd.DataFrame
    catalogue: Mapping[str, Indicator] | None = None
    _rows: dict[str, dict[tuple[str, str, str, str], dict[str, Any]]] = field(default_factory=dict)
    _summaries: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = field(default_factory=dict)

    def _indicators(self) -> Mapping[str, Indicator]:
        if self.catalogue is None:
            from variatlas.indicators.model import load_catalogue

            self.catalogue = load_catalogue()
        return self.catalogue

    def _row(self, p: Placeholder) -> dict[str, Any] | None:
        assert p.indicator is not None
        if p.indicator not in self._rows:
            frame = self.results[self.results["indicator"] == p.indicator]
            self._rows[p.indicator] = {
                (str(r["level"]), str(r["area"]), str(r["period"]), str(r["sex"])): r
                for r in frame.to_dict("records")
            }
        return self._rows[p.indicator].get((str(p.level), str(p.area), str(p.period), p.sex))

    def _summary(self, p: Placeholder) -> dict[str, Any] | None:
        assert p.indicator is not None
        if p.indicator not in self._summaries:
            frame = self.variation[self.variation["indicator"] == p.indicator]
            self._summaries[p.indicator] = {
                (str(r["level"]), str(r["period"]), str(r["sex"])): r
                for r in frame.to_dict("records")
            }
        return self._summaries[p.indicator].get((str(p.level), str(p.period), p.sex))

    def value(self, p: Placeholder, where: str = "") -> tuple[float, int]:
        """The number a placeholder prints and its decimals, or the error it raises."""
        indicator = self._indicators().get(str(p.indicator))
        if indicator is None:
            raise PlaceholderUnfilled(f"{where}{p.text} names no indicator of the catalogue")
        if p.what in VARIATION_MEASURES:
            summary = self._summary(p)
            if summary is None:
                raise PlaceholderUnfilled(f"{where}{p.text} has no variation summary to print")
            why = _text(summary.get("comparison"))
            if p.what in COMPARED and why:
                raise PlaceholderRefused(
                    f"{where}{p.text} would print a measure the summary does not give ({why})"
                )
            found = _float(summary.get(VARIATION_MEASURES[p.what]))
            places = 1 if p.what in COMPARED else None
        else:
            row = self._row(p)
            if row is None:
                raise PlaceholderUnfilled(f"{where}{p.text} has no row in the results")
            flag = _text(row.get("flag"))
            if is_suppressed(flag):
                raise PlaceholderRefused(
                    f"{where}{p.text} would print a cell hidden by disclosure control ({flag})"
                )
            column = AREA_MEASURES.get(p.what, "value")
            small = _small(row, indicator, column if p.what in COUNTS else None)
            if small:
                raise PlaceholderRefused(
                    f"{where}{p.text} would print a cell whose {small} is below the "
                    f"threshold of {indicator.minimum_count}"
                )
            found = _float(row.get(column))
            places = 0 if p.what in COUNTS else None
            if found is None and flag:
                raise PlaceholderUnfilled(f"{where}{p.text} has no value ({flag})")
        if found is None:
            raise PlaceholderUnfilled(f"{where}{p.text} has no value in the results")
        return found, p.digits if p.digits is not None else (
            places if places is not None else decimals(found)
        )

    def fill(
        self,
        markdown: str,
        lang: str,
        *,
        where: str = "",
        figure: Callable[[str], str] | None = None,
    ) -> str:
        """The text with each number placeholder printed in ``lang`` (``nb``, ``nn``, ``en``).

        ``figure`` gives what stands for ``{{ figure ID }}`` (default: the placeholder, left
        for the page to draw). ``where`` (file, line, field) begins each error's sentence.
        Raises ``PlaceholderRefused`` for a hidden cell, a count below the threshold or a
        measure not compared, ``PlaceholderUnfilled`` for a row or value that is missing, and
        ``PlaceholderSyntaxError`` for a placeholder not written as the syntax says.
        """
        prefix = f"{where}: " if where else ""

        def printed(match: re.Match[str]) -> str:
            try:
                p = parse(match.group(0))
            except PlaceholderSyntaxError as error:
                raise PlaceholderSyntaxError(f"{prefix}{error}") from None
            if p.what == "figure":
                return figure(str(p.figure)) if figure else match.group(0)
            found, places = self.value(p, prefix)
            return number(found, lang, places)

        return PLACEHOLDER.sub(printed, markdown)


def fill(
    markdown: str,
    lang: str,
    results: pd.DataFrame,
    variation: pd.DataFrame,
    catalogue: Mapping[str, Indicator] | None = None,
    *,
    where: str = "",
) -> str:
    """One text filled from results and variation summaries (see ``Bindings.fill``)."""
    return Bindings(results, variation, catalogue).fill(markdown, lang, where=where)

"""Plain-language readings of a variation summary, in bokmål and English.

The atlas shows these sentences beside the charts and, shortened, on the front page, so the
wording lives here, in one place, and is tested; the browser only displays it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from variatlas.indicators.model import Indicator
from variatlas.variation.summarise import MINIMUM_AREA_SHARE, MINIMUM_POPULATION_SHARE

Language = Literal["nb", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "en")


@cache
def strings() -> dict[str, dict[str, str]]:
    """The atlas's words (``strings.yaml``): key → {nb, en}."""
    text = resources.files("variatlas.publish").joinpath("strings.yaml").read_text("utf-8")
    words: dict[str, dict[str, str]] = yaml.safe_load(text)
    return words


def word(key: str, lang: Language, **values: object) -> str:
    return strings()[key][lang].format(**values)


def decimals(value: float) -> int:
    """Decimals to show for figures of this size: 0 from 100, 1 from 10, else 2."""
    size = abs(value) if value is not None and math.isfinite(value) else 0.0
    return 0 if size >= 100 else 1 if size >= 10 else 2


def number(value: float, lang: Language, places: int = 1) -> str:
    """A number as a reader of ``lang`` writes it: ``1 234,5`` in bokmål, ``1,234.5`` in English."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{places}f}"
    if lang == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


SCV_WORDS: dict[str, dict[Language, str]] = {
    "none beyond chance": {"nb": "ingen utover tilfeldigheter", "en": "none beyond chance"},
    "low": {"nb": "lav", "en": "low"},
    "medium": {"nb": "middels", "en": "medium"},
    "high": {"nb": "høy", "en": "high"},
    "very high": {"nb": "svært høy", "en": "very high"},
}
COUNT_WORDS: dict[Language, list[str]] = {
    "nb": ["ingen", "ett", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti"],
    "en": ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
}


def _count(n: int, lang: Language) -> str:
    return COUNT_WORDS[lang][n] if 0 <= n < len(COUNT_WORDS[lang]) else str(n)


def _areas(n: int, lang: Language) -> str:
    if lang == "nb":
        return f"{_count(n, lang)} {'område' if n == 1 else 'områder'}"
    return f"{_count(n, lang)} {'area' if n == 1 else 'areas'}"


def _number(summary: Mapping[str, Any], key: str) -> float | None:
    """A summary's figure, None where it is missing or NaN."""
    value = summary.get(key)
    if value is None or value == "":
        return None
    number_ = float(value)
    return None if math.isnan(number_) else number_


def _whole(summary: Mapping[str, Any], key: str) -> int:
    return int(_number(summary, key) or 0)


def finding(summary: Mapping[str, Any], lang: Language) -> str:
    """One line for the front page: FT, SCV class, outliers and persistent outliers.

    For example "FT 2.4, SCV high; two areas above the upper 99.8% limit; one area outside
    the 95% limits in at least two of the last three years".
    """
    if summary.get("comparison"):
        return _too_few(summary, lang)
    parts = []
    head = []
    ft = _number(summary, "ft")
    if ft is not None:
        head.append(f"FT {number(ft, lang, 1)}")
    if summary.get("scv_class"):
        head.append(f"SCV {SCV_WORDS[summary['scv_class']][lang]}")
    if head:
        parts.append(", ".join(head))
    high, low = _whole(summary, "high_998"), _whole(summary, "low_998")
    if _by_fdr(summary):
        parts.append(_fdr_words(summary, lang))
    elif _number(summary, "phi") is not None:
        if high or low:
            sides = []
            if high:
                sides.append(
                    f"{_areas(high, lang)} over øvre 99,8 %-grense"
                    if lang == "nb"
                    else f"{_areas(high, lang)} above the upper 99.8% limit"
                )
            if low:
                sides.append(
                    f"{_areas(low, lang)} under nedre grense"
                    if lang == "nb"
                    else f"{_areas(low, lang)} below the lower limit"
                )
            parts.append(", ".join(sides))
        else:
            parts.append(
                "ingen områder utenfor 99,8 %-grensene"
                if lang == "nb"
                else "no area outside the 99.8% limits"
            )
    n = _whole(summary, "persistent_outliers")
    if n > 0:
        parts.append(
            f"{_areas(n, lang)} utenfor 95 %-grensene minst to av de tre siste årene"
            if lang == "nb"
            else f"{_areas(n, lang)} outside the 95% limits in two of the last three years or more"
        )
    if not parts:
        return ""
    line = "; ".join(parts)
    return line[0].upper() + line[1:]


def reading(
    summary: Mapping[str, Any],
    indicator: Indicator,
    lang: Language,
    *,
    names: Mapping[str, str],
    target_met: tuple[int, int] | None = None,
) -> str:
    """A paragraph reading one variation summary to a lay reader.

    ``names`` maps area codes to names (for the persistent outliers); ``target_met`` is
    (areas reaching the target, areas with a value). The measures are SKDE's (FT, SCV with
    Appleby's classes) and the funnel counts are PHE's labels: see docs/methods.md.
    """
    national = _number(summary, "national_value")
    places = decimals(national if national is not None else _number(summary, "max") or 0)
    unit = indicator.unit.nb if lang == "nb" else indicator.unit.en
    level = word(f"levels_{summary['level']}", lang)
    areas = int(summary["areas"])
    low, high = number(summary["min"], lang, places), number(summary["max"], lang, places)
    regional = summary.get("comparator") == "data"
    if summary.get("comparison"):
        return _too_few(summary, lang, level)
    sentences = []
    if lang == "nb":
        whole = "alle områdene i dataene" if regional else "hele landet"
        sentences.append(
            f"I {summary['period']} gikk verdien fra {low} i det laveste til {high} {unit} i det "
            f"høyeste av {areas} {level}"
            + (f"; for {whole} var den {number(national, lang, places)}." if national else ".")
        )
    else:
        whole = "all areas in the data" if regional else "the whole country"
        sentences.append(
            f"In {summary['period']} the value ranged from {low} in the lowest to {high} {unit} "
            f"in the highest of {areas} {level}"
            + (f"; for {whole} it was {number(national, lang, places)}." if national else ".")
        )
    if _number(summary, "ft") is not None:
        ft = number(summary["ft"], lang, 1)
        sentences.append(
            f"Det høyeste området lå {ft} ganger så høyt som det laveste (FT)."
            if lang == "nb"
            else f"The highest area was {ft} times the lowest (the extremal quotient, FT)."
        )
    if summary.get("scv_class") == "none beyond chance":
        sentences.append(
            "Forskjellene er ikke større enn tilfeldigheter alene gir: ingen systematisk "
            "variasjon (SCV)."
            if lang == "nb"
            else "The areas differ no more than chance alone makes them: no systematic "
            "variation (SCV)."
        )
    elif summary.get("scv_class"):
        scv = number(summary["scv"], lang, 1)
        klass = SCV_WORDS[summary["scv_class"]][lang]
        sentences.append(
            f"Den systematiske variasjonen (SCV) er {scv}, {klass} etter Appleby og medarbeideres "
            "inndeling: den delen av forskjellene som ikke skyldes tilfeldigheter."
            if lang == "nb"
            else f"The systematic component of variation (SCV) is {scv}, {klass} in Appleby and "
            "colleagues' classes: the part of the differences that chance does not explain."
        )
    sentences += _funnel_sentences(summary, lang, areas)
    persistent = _whole(summary, "persistent_outliers")
    if persistent > 0:
        listed = ", ".join(
            names.get(code, code)
            for code in str(summary.get("persistent_outlier_areas", "")).split(";")
            if code
        )
        sentences.append(
            f"{_areas(persistent, lang).capitalize()} ({listed}) lå utenfor 95 %-grensene, "
            "på samme side, minst to av de tre siste årene."
            if lang == "nb"
            else f"{_areas(persistent, lang).capitalize()} ({listed}) lay outside the 95% "
            "limits, on the same side, in at least two of the last three years."
        )
    learn = [names.get(c, c) for c in str(summary.get("learn_from_areas") or "").split(";") if c]
    if learn:
        listed = ", ".join(learn)
        sentences.append(
            f"Steder andre kan lære av: {listed}, bedre enn landet (utenfor 95 %-grensen på den "
            "gunstige siden) minst to av de tre siste årene. Tilfeldigheter alene kan av og "
            "til plassere et område der."
            if lang == "nb"
            else f"Places others can learn from: {listed}, better than the country (beyond the "
            "95% limit on the favourable side) in at least two of the last three years. Chance "
            "alone can now and then put an area there."
        )
    need = _number(summary, "need_explained")
    if need is not None:
        share = f"{max(0.0, need) * 100:.0f}"
        sentences.append(
            f"Forskjeller i behov forklarer omtrent {share} % av variasjonen mellom områdene."
            if lang == "nb"
            else f"Differences in need explain about {share}% of the variation between areas."
        )
    if indicator.target is not None and target_met is not None:
        met, total = target_met
        goal = f"{indicator.target.comparison} {number(indicator.target.value, lang, places)}"
        sentences.append(
            f"Målet er {goal} {unit}; {met} av {total} {level} nådde det."
            if lang == "nb"
            else f"The target is {goal} {unit}; {met} of {total} {level} reached it."
        )
    return " ".join(sentences)


def _too_few(summary: Mapping[str, Any], lang: Language, level: str | None = None) -> str:
    """Why a view has no FT, CV or SCV: how few of its areas are published, and how much of
    the population they hold."""
    shown, total = int(summary["areas"]), _whole(summary, "areas_at_level")
    share = _number(summary, "population_share")
    if level is None:
        return (
            f"For få publiserte områder til å sammenligne ({shown} av {total})"
            if lang == "nb"
            else f"Too few published areas to compare ({shown} of {total})"
        )
    held = ""
    if share is not None:
        percent = number(100 * share, lang, 0)
        held = (
            f", med {percent} % av befolkningen"
            if lang == "nb"
            else f", holding {percent}% of the population"
        )
    areas, people = (
        number(100 * s, lang, 0) for s in (MINIMUM_AREA_SHARE, MINIMUM_POPULATION_SHARE)
    )
    if lang == "nb":
        return (
            f"For få publiserte områder til å sammenligne: i {summary['period']} har {shown} av "
            f"{total} {level} en publisert verdi{held}; de andre er skjult for å verne små tall "
            f"eller har for få hendelser. FT, CV og SCV vises når minst {areas} % av områdene, "
            f"med minst {people} % av befolkningen, er publisert."
        )
    return (
        f"Too few published areas to compare: in {summary['period']}, {shown} of {total} "
        f"{level} have a published value{held}; the others are hidden to protect small "
        f"numbers or have too few events. FT, CV and SCV are shown when at least {areas}% of "
        f"the areas, holding at least {people}% of the population, are published."
    )


def _by_fdr(summary: Mapping[str, Any]) -> bool:
    """Municipalities are judged at a false discovery rate: among hundreds of areas the
    funnel's 99.8 % limits still flag some by chance."""
    return summary.get("level") == "municipality" and _number(summary, "high_fdr") is not None


def _fdr_words(summary: Mapping[str, Any], lang: Language) -> str:
    high, low = _whole(summary, "high_fdr"), _whole(summary, "low_fdr")
    if lang == "nb":
        return (
            f"{high} over og {low} under landet når tilfeldighet blant mange kommuner er tatt "
            "høyde for (falsk oppdagelsesrate 5 %)"
        )
    return (
        f"{high} above and {low} below the country once chance among many municipalities is "
        "allowed for (false discovery rate 5%)"
    )


def _funnel_sentences(summary: Mapping[str, Any], lang: Language, areas: int) -> list[str]:
    phi = _number(summary, "phi")
    if phi is None:
        return []
    if _by_fdr(summary):
        words = _fdr_words(summary, lang)
        return [
            f"Av {areas} kommuner lå {words}, med Benjamini–Hochbergs metode."
            if lang == "nb"
            else f"Of {areas} municipalities, {words}, by the Benjamini–Hochberg procedure."
        ]
    outside, high, low = (_whole(summary, key) for key in ("outside_998", "high_998", "low_998"))
    if lang == "nb":
        text = (
            f"{_areas(outside, lang).capitalize()} av {areas} lå utenfor 99,8 %-grensene i "
            f"traktplottet ({high} over, {low} under)."
            if outside
            else "Ingen områder lå utenfor 99,8 %-grensene i traktplottet."
        )
    else:
        text = (
            f"{_areas(outside, lang).capitalize()} of {areas} lay outside the 99.8% limits of "
            f"the funnel plot ({high} above, {low} below)."
            if outside
            else "No area lay outside the 99.8% limits of the funnel plot."
        )
    sentences = [text]
    if phi > 1 and (_number(summary, "tau2") or 0) > 0:
        sentences.append(
            f"Områdene sprer seg mer enn tilfeldighet alene gir (φ = {number(phi, lang, 1)}); "
            "traktplottet viser derfor også grenser utvidet for denne overspredningen."
            if lang == "nb"
            else f"The areas spread more than chance alone makes them (φ = "
            f"{number(phi, lang, 1)}), so the funnel plot also shows limits widened for this "
            "overdispersion."
        )
    return sentences

"""Plain-language readings of a variation summary, in bokmål, nynorsk and English.

The atlas shows these sentences beside the charts and, shortened, on the front page, so the
wording lives here and in ``readings.yaml`` (the sentences, per language), and is tested; the
browser only displays it. The interface's other words are in ``strings.yaml``.
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

Language = Literal["nb", "nn", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "en")
"""The interface's languages: bokmål (the default, at the publication's root), nynorsk and
English, each with every page."""
LANGUAGE_NAMES: dict[Language, str] = {
    "nb": "Norsk (bokmål)",
    "nn": "Norsk (nynorsk)",
    "en": "English",
}
"""Each language named in itself, for the links between a page's versions."""
CatalogueLanguage = Literal["nb", "en"]


def catalogue_language(lang: Language) -> CatalogueLanguage:
    """The language of the indicator catalogue's texts (titles, descriptions, units) on a page
    in ``lang``: the catalogue is written in bokmål and English, so a nynorsk page shows them
    in bokmål (marked ``lang="nb"``, and the page says so)."""
    return "en" if lang == "en" else "nb"


def site_page(lang: Language, page: str) -> str:
    """A page in ``lang``, from the publication's root: ``page`` (``index.html``,
    ``<id>.html``, ``areas/...``) under the language's folder, except that the bokmål front
    page is the root's ``index.html``."""
    return "index.html" if lang == "nb" and page == "index.html" else f"{lang}/{page}"


def versions(root: str, page: str) -> list[dict[str, str]]:
    """``page`` in every language, for the language switch and the ``hreflang`` links of a
    page ``root`` below the publication's root (``""``, ``"../"``...)."""
    return [
        {"lang": lang, "name": LANGUAGE_NAMES[lang], "href": root + site_page(lang, page)}
        for lang in LANGUAGES
    ]


def _load(name: str) -> dict[str, dict[str, Any]]:
    text = resources.files("variatlas.publish").joinpath(name).read_text("utf-8")
    found: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return found


@cache
def strings() -> dict[str, dict[str, str]]:
    """The atlas's words (``strings.yaml``): key → {nb, nn, en}."""
    return _load("strings.yaml")


@cache
def sentences() -> dict[str, dict[str, Any]]:
    """The readings' sentence patterns (``readings.yaml``): key → {nb, nn, en}."""
    return _load("readings.yaml")


def word(key: str, lang: Language, **values: object) -> str:
    return strings()[key][lang].format(**values)


def _say(key: str, lang: Language, **values: object) -> str:
    pattern: str = sentences()[key][lang]
    return pattern.format(**values)


def decimals(value: float) -> int:
    """Decimals to show for figures of this size: 0 from 100, 1 from 10, else 2."""
    size = abs(value) if value is not None and math.isfinite(value) else 0.0
    return 0 if size >= 100 else 1 if size >= 10 else 2


def number(value: float, lang: Language, places: int = 1) -> str:
    """A number as a reader of ``lang`` writes it: ``1 234,5`` in bokmål and nynorsk,
    ``1,234.5`` in English."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{places}f}"
    if lang != "en":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


def scv_words(klass: str, lang: Language) -> str:
    """Appleby's class of the SCV (``high``, ``none beyond chance``...) in ``lang``."""
    return _say(f"scv_{klass}", lang)


def _count(n: int, lang: Language) -> str:
    words: list[str] = sentences()["count_words"][lang]
    return words[n] if 0 <= n < len(words) else str(n)


def _areas(n: int, lang: Language) -> str:
    return f"{_count(n, lang)} {_say('area_one' if n == 1 else 'area_many', lang)}"


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
        head.append(f"SCV {scv_words(summary['scv_class'], lang)}")
    if head:
        parts.append(", ".join(head))
    high, low = _whole(summary, "high_998"), _whole(summary, "low_998")
    if _by_fdr(summary):
        parts.append(_fdr_words(summary, lang))
    elif _number(summary, "phi") is not None:
        if high or low:
            sides = []
            if high:
                sides.append(_say("finding_high", lang, areas=_areas(high, lang)))
            if low:
                sides.append(_say("finding_low", lang, areas=_areas(low, lang)))
            parts.append(", ".join(sides))
        else:
            parts.append(_say("finding_none_outside", lang))
    n = _whole(summary, "persistent_outliers")
    if n > 0:
        parts.append(_say("finding_persistent", lang, areas=_areas(n, lang)))
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
    Appleby's classes) and the funnel counts are PHE's labels: see docs/methods.md. The unit
    is the catalogue's (in bokmål on a nynorsk page: ``catalogue_language``).
    """
    national = _number(summary, "national_value")
    places = decimals(national if national is not None else _number(summary, "max") or 0)
    unit = getattr(indicator.unit, catalogue_language(lang))
    level = word(f"levels_{summary['level']}", lang)
    areas = int(summary["areas"])
    if summary.get("comparison"):
        return _too_few(summary, lang, level)
    whole = _say("whole_data" if summary.get("comparator") == "data" else "whole_country", lang)
    sentences = [
        _say(
            "range",
            lang,
            period=summary["period"],
            low=number(summary["min"], lang, places),
            high=number(summary["max"], lang, places),
            unit=unit,
            areas=areas,
            level=level,
        )
        + (
            _say("range_whole", lang, whole=whole, national=number(national, lang, places))
            if national
            else _say("range_end", lang)
        )
    ]
    if _number(summary, "ft") is not None:
        sentences.append(_say("ft", lang, ft=number(summary["ft"], lang, 1)))
    if summary.get("scv_class") == "none beyond chance":
        sentences.append(_say("scv_chance", lang))
    elif summary.get("scv_class"):
        scv = number(summary["scv"], lang, 1)
        sentences.append(_say("scv", lang, scv=scv, klass=scv_words(summary["scv_class"], lang)))
    sentences += _funnel_sentences(summary, lang, areas)
    persistent = _whole(summary, "persistent_outliers")
    if persistent > 0:
        listed = ", ".join(
            names.get(code, code)
            for code in str(summary.get("persistent_outlier_areas", "")).split(";")
            if code
        )
        many = _areas(persistent, lang).capitalize()
        sentences.append(_say("persistent", lang, areas=many, listed=listed))
    learn = [names.get(c, c) for c in str(summary.get("learn_from_areas") or "").split(";") if c]
    if learn:
        sentences.append(_say("learn_from", lang, listed=", ".join(learn)))
    need = _number(summary, "need_explained")
    if need is not None:
        sentences.append(_say("need", lang, share=f"{max(0.0, need) * 100:.0f}"))
    if indicator.target is not None and target_met is not None:
        met, total = target_met
        goal = f"{indicator.target.comparison} {number(indicator.target.value, lang, places)}"
        sentences.append(
            _say("target", lang, goal=goal, unit=unit, met=met, total=total, level=level)
        )
    return " ".join(sentences)


def _too_few(summary: Mapping[str, Any], lang: Language, level: str | None = None) -> str:
    """Why a view has no FT, CV or SCV: how few of its areas are published, and how much of
    the population they hold."""
    shown, total = int(summary["areas"]), _whole(summary, "areas_at_level")
    share = _number(summary, "population_share")
    if level is None:
        return _say("too_few_short", lang, shown=shown, total=total)
    held = ""
    if share is not None:
        held = _say("too_few_held", lang, percent=number(100 * share, lang, 0))
    areas, people = (
        number(100 * s, lang, 0) for s in (MINIMUM_AREA_SHARE, MINIMUM_POPULATION_SHARE)
    )
    return _say(
        "too_few",
        lang,
        period=summary["period"],
        shown=shown,
        total=total,
        level=level,
        held=held,
        areas=areas,
        people=people,
    )


def _by_fdr(summary: Mapping[str, Any]) -> bool:
    """Municipalities are judged at a false discovery rate: among hundreds of areas the
    funnel's 99.8 % limits still flag some by chance."""
    return summary.get("level") == "municipality" and _number(summary, "high_fdr") is not None


def _fdr_words(summary: Mapping[str, Any], lang: Language) -> str:
    high, low = _whole(summary, "high_fdr"), _whole(summary, "low_fdr")
    return _say("fdr", lang, high=high, low=low)


def _funnel_sentences(summary: Mapping[str, Any], lang: Language, areas: int) -> list[str]:
    phi = _number(summary, "phi")
    if phi is None:
        return []
    if _by_fdr(summary):
        return [_say("fdr_sentence", lang, areas=areas, words=_fdr_words(summary, lang))]
    outside, high, low = (_whole(summary, key) for key in ("outside_998", "high_998", "low_998"))
    if outside:
        many = _areas(outside, lang).capitalize()
        text = _say("funnel_outside", lang, outside=many, areas=areas, high=high, low=low)
    else:
        text = _say("funnel_none_outside", lang)
    sentences = [text]
    if phi > 1 and (_number(summary, "tau2") or 0) > 0:
        sentences.append(_say("overdispersion", lang, phi=number(phi, lang, 1)))
    return sentences

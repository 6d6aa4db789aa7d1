"""The interface in bokmål, nynorsk and English: every word and sentence in all three, the
nynorsk written as nynorsk, and the readings in each language."""

from __future__ import annotations

import re
import string

import pytest

from variatlas.indicators import load_catalogue
from variatlas.publish.wording import (
    LANGUAGES,
    catalogue_language,
    finding,
    reading,
    sentences,
    strings,
    versions,
)

BOKMAL_ONLY = {
    "ikke", "bare", "hvor", "hva", "hvem", "fra", "hele", "disse", "hvert", "noen", "noe",
    "mer", "ble", "hvordan", "tall", "tallene", "områder", "områdene", "kommuner",
    "indikatorer", "helseforetak", "sykehus", "befolkningen", "innbyggere", "utvalg",
    "forside", "innholdet", "høy", "lav", "høyere", "lavere", "forskjeller", "mye",
}  # fmt: skip
"""Words a nynorsk text does not use (its words are ikkje, berre, kvar, kva, frå, heile, ...)."""
NYNORSK = {
    "front_page": "Framside",
    "level_nation": "Noreg",
    "levels_health_trust": "helseføretak",
    "levels_referral_area": "opptaksområde",
    "levels_municipality": "kommunar",
    "only_with_figure": "Berre kommunar med tal",
    "area_search_none": "Fann ikkje noko område med det namnet eller nummeret.",
    "summary_heading": "Kor mykje skil områda seg frå kvarandre?",
    "document_selection": "Utval",
    "document_box_not_shipped": "Tala i denne boksen er ikkje med her:",
    "publication_assessment": "Vurderinga til SKDE",
    "value": "Verdi",
}
"""A sample of words as the state's nynorsk writes them."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [strings, sentences], ids=["strings", "readings"])
def test_every_word_and_sentence_is_in_all_three_languages(table) -> None:
    for key, text in table().items():
        assert set(text) == set(LANGUAGES), key
        assert all(text.values()), key
        if isinstance(text["nb"], list):
            assert len({len(words) for words in text.values()}) == 1, key
            continue
        # The same values are filled in, whatever the language.
        assert _fields(text["nb"]) == _fields(text["nn"]) == _fields(text["en"]), key


def test_nynorsk_is_written_in_nynorsk() -> None:
    words = strings()
    for key, expected in NYNORSK.items():
        assert words[key]["nn"] == expected, key
        assert words[key]["nn"] != words[key]["nb"] or key == "value", key
    texts = [t["nn"] for t in words.values()]
    texts += [t["nn"] for t in sentences().values() if isinstance(t["nn"], str)]
    texts += sentences()["count_words"]["nn"]
    for text in texts:
        prose = re.sub(r"\S*/\S*", "", text)  # not a name such as robhop/fylker-og-kommuner
        found = set(re.findall(r"\w+", prose.lower())) & BOKMAL_ONLY
        assert not found, (text, found)
    # Nynorsk differs from bokmål in most of the interface, not only in a few words.
    differs = sum(t["nn"] != t["nb"] for t in words.values())
    assert differs > 0.6 * len(words)


SUMMARY = {
    "level": "referral_area",
    "period": "2022-2024",
    "sex": "all",
    "areas": 21,
    "national_value": 4.39,
    "min": 3.07,
    "max": 8.66,
    "ft": 2.82,
    "scv": 12.4,
    "scv_class": "very high",
    "phi": 2.7,
    "tau2": 0.01,
    "outside_998": 3,
    "high_998": 2,
    "low_998": 1,
    "persistent_outliers": 1.0,
    "persistent_outlier_areas": "22",
    "need_explained": 0.31,
}


def test_the_front_page_finding_is_written_in_nynorsk() -> None:
    assert finding(SUMMARY, "nn") == (
        "FT 2,8, SCV svært høg; to område over øvre 99,8 %-grense, eitt område under nedre "
        "grense; eitt område utanfor 95 %-grensene minst to av dei tre siste åra"
    )
    few = {**SUMMARY, "comparison": "too few", "areas_at_level": 21, "areas": 5}
    assert finding(few, "nn") == "For få publiserte område til å samanlikne (5 av 21)"


def test_the_reading_is_written_in_nynorsk() -> None:
    indicator = load_catalogue()["tonsillectomy_children"]
    text = reading(SUMMARY, indicator, "nn", names={"22": "Telemark"})
    unit = indicator.unit.nb  # the catalogue's unit: it is written in bokmål only
    for sentence in (
        f"I 2022-2024 gjekk verdien frå 3,07 i det lågaste til 8,66 {unit} i det høgaste av 21 "
        "opptaksområde; for heile landet var han 4,39.",
        "Det høgaste området låg 2,8 gonger så høgt som det lågaste (FT).",
        "Den systematiske variasjonen (SCV) er 12,4, svært høg etter inndelinga til Appleby og "
        "medarbeidarar: den delen av skilnadene som ikkje kjem av tilfeldigheiter.",
        "Tre område av 21 låg utanfor 99,8 %-grensene i traktplottet (2 over, 1 under).",
        "Områda spreier seg meir enn tilfeldigheit åleine gjev (φ = 2,7); traktplottet viser "
        "difor også grenser utvida for denne overspreiinga.",
        "Eitt område (Telemark) låg utanfor 95 %-grensene, på same sida, minst to av dei tre "
        "siste åra.",
        "Skilnader i behov forklarer om lag 31 % av variasjonen mellom områda.",
    ):
        assert sentence in text, sentence
    assert text == " ".join(text.split())  # the sentences follow each other, one space apart


def test_every_page_links_to_itself_in_the_other_languages() -> None:
    front = versions("", "index.html")
    assert [(v["lang"], v["href"]) for v in front] == [
        ("nb", "index.html"),
        ("nn", "nn/index.html"),
        ("en", "en/index.html"),
    ]
    profile = {v["lang"]: v["href"] for v in versions("../../", "areas/region-1.html")}
    assert profile == {
        "nb": "../../nb/areas/region-1.html",
        "nn": "../../nn/areas/region-1.html",
        "en": "../../en/areas/region-1.html",
    }
    assert [catalogue_language(lang) for lang in LANGUAGES] == ["nb", "nb", "en"]

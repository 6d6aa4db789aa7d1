"""Why a figure or result box of an imported SKDE atlas is not (all) shipped, in bokmål,
nynorsk and English: used by import_skde_documents.py. A page shows the reason in its own
language (variatlas.documents.model.reason_in)."""

from __future__ import annotations

from collections import Counter

Words = dict[str, str]
"""A text per language: nb, nn, en."""

PICTURE: Words = {
    "nb": "SKDE publiserte denne figuren som bilde; dataene er ikke blant indikatorene i katalogen",
    "nn": "SKDE publiserte denne figuren som bilete; dataa er ikkje blant indikatorane i katalogen",
    "en": "SKDE published this figure as a picture; its data are not among the indicators of "
    "the catalogue",
}


def missing_file(data: str, repository: str) -> Words:
    """A result box whose data file is not in the public repository."""
    return {
        "nb": f"SKDEs datafil {data} finnes ikke i det offentlige repositoriet teksten er "
        f"hentet fra ({repository})",
        "nn": f"Datafila {data} frå SKDE finst ikkje i det offentlege repositoriet teksten er "
        f"henta frå ({repository})",
        "en": f"SKDE's data file {data} is not in the public repository the text comes from "
        f"({repository})",
    }


NONE_DRAWN: Words = {
    "nb": "ingen av figurene viser tall fra katalogen",
    "nn": "ingen av figurane viser tal frå katalogen",
    "en": "none of its charts draws a figure of the catalogue",
}


def no_indicators(atlas: str) -> Words:
    return {
        "nb": f"katalogen har ingen indikatorer fra SKDEs atlas {atlas}",
        "nn": f"katalogen har ingen indikatorar frå atlaset {atlas} til SKDE",
        "en": f"the catalogue has no indicators of SKDE's {atlas} atlas",
    }


def box_not_shipped(data: str, why: Words) -> Words:
    """A result box none of whose charts is shipped."""
    return {
        "nb": f"SKDEs data for denne boksen ({data}) er ikke med: {why['nb']}",
        "nn": f"Dataa til SKDE for denne boksen ({data}) er ikkje med: {why['nn']}",
        "en": f"SKDE's data of this box ({data}) are not shipped: {why['en']}",
    }


# What a chart that is not shipped draws: (singular, plural) per language.
CHARTS: dict[str, dict[str, tuple[str, str]]] = {
    "age": {
        "nb": ("linjediagram etter alder og kjønn", "linjediagrammer etter alder og kjønn"),
        "nn": ("linjediagram etter alder og kjønn", "linjediagram etter alder og kjønn"),
        "en": ("line chart by age and sex", "line charts by age and sex"),
    },
    "month": {
        "nb": ("linjediagram etter måned", "linjediagrammer etter måned"),
        "nn": ("linjediagram etter månad", "linjediagram etter månad"),
        "en": ("line chart by month", "line charts by month"),
    },
    "years": {
        "nb": ("linjediagram over år for andre serier", "linjediagrammer over år for andre serier"),
        "nn": ("linjediagram over år for andre seriar", "linjediagram over år for andre seriar"),
        "en": (
            "line chart of other series over the years",
            "line charts of other series over the years",
        ),
    },
    "bars": {
        "nb": ("søylediagram", "søylediagrammer"),
        "nn": ("søylediagram", "søylediagram"),
        "en": ("bar chart", "bar charts"),
    },
    "map": {"nb": ("kart", "kart"), "nn": ("kart", "kart"), "en": ("map", "maps")},
    "table": {
        "nb": ("tabell", "tabeller"),
        "nn": ("tabell", "tabellar"),
        "en": ("table", "tables"),
    },
}


def partly(missed: Counter[str], charts: int) -> Words:
    """A result box some of whose charts (``missed``: kind → how many) are not shipped, of
    ``charts`` in all."""
    n = sum(missed.values())

    def listed(lang: str) -> str:
        return ", ".join(f"{k} {CHARTS[kind][lang][k > 1]}" for kind, k in missed.items())

    return {
        "nb": f"{n} av SKDEs {charts} figurer for denne boksen er ikke med ({listed('nb')})",
        "nn": f"{n} av dei {charts} figurane til SKDE for denne boksen er ikkje med "
        f"({listed('nn')})",
        "en": f"{n} of SKDE's {charts} charts for this box {'is' if n == 1 else 'are'} not "
        f"shipped ({listed('en')})",
    }

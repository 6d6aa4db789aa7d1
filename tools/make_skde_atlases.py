"""Build SKDE's published atlases as ``aggregates`` rows and one indicator file per figure.

Reads ../shared/reference/skde (see its README): the result boxes of the second-generation
atlases (barn2025, bup, psyk2, kronikere: the atlas text names a data file; every bar chart of
one column over referral areas is one figure), the elderly atlas (helseatlas-data eldre.csv)
and the quality atlas workbook (cancer chapter). Writes

- ``src/variatlas/indicators/data/skde_atlases.csv`` (the aggregates table of the contract,
  with the area name kept as published), and
- ``src/variatlas/indicators/catalogue/<theme>/skde_<atlas>/<id>.yaml``.

Yearly columns become yearly periods (rate only, unless the block has that year's count and
population); the period average is its own period, with SKDE's yearly mean count and
population where the block has them (found as the two columns whose ratio gives the national
figure). A chart of several series (public and private providers, GP and specialist, …) gives
one figure per series. Areas that are not referral areas (counties, "Indre Oslo") are left out
and counted.

    python tools/make_skde_atlases.py ../shared/reference/skde
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from make_municipality_map import _wound_for_d3
from skde_first_generation import ATLASES as FIRST
from skde_first_generation import HELSEATLAS_DATA, UNITS, published
from skde_words import (
    ATLASES,
    COUNTY_NAMES,
    KVALITET_CHAPTER,
    KVALITET_DIRECTION,
    KVALITET_EN,
    KVALITET_NOTE,
    LAB_NAMES,
    LABELS,
    MEASURES,
    NAMES,
    PERIODS,
    SERIES,
)

ROOT = Path(__file__).parents[1] / "src/variatlas/indicators"
MONGTS = "mong/mongts@e9db421b2eeccbdb84a94c15dd4d1a09dbf66966 (GPL-3.0)"

AREAS = {
    "Finnmark": "1",
    "UNN": "2",
    "Nordland": "3",
    "Helgeland": "4",
    "Nord-Trøndelag": "6",
    "St. Olav": "7",
    "St. Olavs": "7",
    "St.Olav": "7",
    "Møre og Romsdal": "8",
    "Førde": "10",
    "Bergen": "11",
    "Fonna": "12",
    "Stavanger": "13",
    "Østfold": "14",
    "Akershus": "15",
    "Ahus": "15",
    "AHUS": "15",
    "Helgelandssykehuset": "4",
    "Helgelandsykehuset": "4",
    "Nordlandssykehuset": "3",
    "Nordlandsykehuset": "3",
    "OUS": "16",
    "Lovisenberg": "17",
    "Diakonhjemmet": "18",
    "Innlandet": "19",
    "Vestre Viken": "20",
    "Vestfold": "21",
    "Telemark": "22",
    "Sørlandet": "23",
}
NATION = {"Norge", "Noreg", "Norway"}
NATION_CODE = "8888"

URL = "https://apps.skde.no/helseatlas/v2/{atlas}"
ATLASES |= {a: (f.theme, f.title, f.title_en, f.period) for a, f in FIRST.items()}


@dataclass
class Figure:
    """One published figure: its rows and its words."""

    id: str
    atlas: str
    source: str
    heading: str
    label: dict[str, str]
    multiplier: float
    published_multiplier: float | None = None
    """Where SKDE's values are fractions shown as percent (chart format ``%``): 1."""
    kind: str = "rate"
    direction: str = "neutral"
    share: bool = False
    """A share (of persons or events): its count cannot exceed its denominator."""
    count_names: frozenset[str] | None = None
    """A series of a chart: the words a numerator's name must share with the series column."""
    series: tuple[str, str] | None = None
    """A series of a chart: its name (bokmål or nynorsk as published, English)."""
    total: str = ""
    """A series of a chart: the figure of the chart's total, where there is one."""
    selection: str = ""
    assessment: str = ""
    language: str = "nb"
    chart_label: str = ""
    """SKDE's label of the chart, as published (bokmål or nynorsk)."""
    period: str = ""
    """The period of SKDE's average where the chart draws no years (from the table)."""
    totals: bool = False
    """SKDE's counts are totals over the period ("Samla verdiar"), not yearly means."""
    excluded: frozenset[str] = frozenset()
    """Columns of the block that are not counts (rates, shares, ratios, charted values)."""
    qualifier: str = ""
    """Words that tell the figure from another of its box with the same heading."""
    theme: str = ""
    """The figure's theme where it is not its atlas's (the quality atlas's outside cancer)."""
    heading_en: str = ""
    """SKDE's English name of the figure, where it has one (its English workbook)."""
    countable: bool = True
    """False: the label gives no unit to search counts at (kroner per inhabitant)."""
    rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def has_counts(self) -> bool:
        return any(r["numerator"] not in ("", None) for r in self.rows)


def plain(markdown: str) -> str:
    """SKDE's markdown as plain paragraphs (links to their text, no images or emphasis)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("\\*", "*").replace("**", "").replace("\t", " ")
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*[*-]\s+", "• ", text, flags=re.M)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


LETTERS: dict[str, str | int | None] = {"ø": "o", "å": "a", "æ": "ae", ".": "_"}


def slug(text: str) -> str:
    text = text.lower().translate(str.maketrans(LETTERS))
    text = re.sub(r"[^a-z0-9]+", "_", text)
    for noise in ("_en", "_eng", "_rb1", "rb1_", "_all", "_updated", "_ny", "_json"):
        text = text.replace(noise + "_", "_")
        text = text.removesuffix(noise)
    return re.sub(r"_+", "_", text).strip("_")


PER = re.compile(r"p(?:e)?r\.?\s*(\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+)")
SHARE_WORDS = re.compile(r"andel|prosent|percent|share|proportion|%", re.I)


def label_multiplier(label: str) -> float | None:
    match = PER.search(label)
    if match:
        return float(re.sub(r"\D", "", match.group(1)))
    return 100.0 if SHARE_WORDS.search(label) else None


def is_share(label: str) -> bool:
    """A share by its label: share words and no "per 1 000"."""
    return not PER.search(label) and bool(SHARE_WORDS.search(label))


def unit_of(label: str) -> str:
    """The unit in a chart label ("pr. 1 000 innbyggjarar under 18 år"), without the full
    stop some labels end with: a unit is read inside sentences, which add their own."""
    match = re.search(r"(p(?:e)?r\.?\s*\d.*)$", label)
    unit = match.group(1).strip() if match else label.strip()
    return unit[:-1] if unit.endswith(".") and not unit.endswith("..") else unit.rstrip(".")


# SKDE's national population of a kronikere block → the ages it counts: Statistics Norway's
# table 07459 (../shared/reference/ssb) gives 4 244 783 persons aged 18 and over, 942 132 aged
# 65 and over and 1 117 604 aged 0–17 (means of 1 January 2019–2021) against SKDE's 4 244 785,
# 942 133 and 1 117 602; all ages: 5 362 387 (SKDE's epilepsy blocks: the same). The labels
# say only "innbyggere", "eldre" and "barn".
POPULATION_AGES = {
    4244785: ((r"\binnbyggere\b", "innbyggere 18 år og eldre"),
              (r"\binhabitants\b", "inhabitants aged 18 and over")),
    942133: ((r"\beldre\b", "eldre (65 år og eldre)"),
             (r"\belderly\b", "elderly (aged 65 and over)")),
    1117602: ((r"\bbarn\b", "barn (0–17 år)"), (r"\bchildren\b", "children (aged 0–17)")),
}  # fmt: skip


def with_ages(label: dict[str, str], national: dict[str, object]) -> dict[str, str]:
    """A label naming the ages of its population where SKDE's label does not."""
    population = national.get("innbyggere")
    ages = POPULATION_AGES.get(population) if isinstance(population, int) else None
    if ages is None:
        return label
    (nb, nb_new), (en, en_new) = ages
    return {
        "nb": re.sub(nb, nb_new, label["nb"], count=1),
        "en": re.sub(en, en_new, label["en"], count=1),
    }


def count_columns(
    national: dict[str, object],
    value: str,
    powers: set[float] | None,
    *,
    share: bool = False,
    names: frozenset[str] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> tuple[str, str, float] | None:
    """The (numerator, denominator) pair whose ratio gives the national figure.

    SKDE standardises on the national population, so the national adjusted rate equals the
    crude one: the pair must reproduce it within 2 % at a power of ten (one of ``powers``
    where given: the label's own, or 1 where SKDE stores a share as a fraction). A count may
    exceed its population (contacts per 1 000), but not in a share. ``names``: a numerator
    must share one of these words (a series of a chart: its own count, not the total's).
    ``excluded``: columns that are not counts (the table labels them rates or shares, or a
    chart draws them).
    """
    target = national.get(value)
    if not isinstance(target, int | float) or target <= 0:
        return None
    numeric = {
        k: float(v)
        for k, v in national.items()
        if isinstance(v, int | float)
        and k != value
        and k not in excluded
        and v > 0
        and not re.search(r"\d{4}|rate|andel|pct|prev|pr_|_p_", k, re.I)
    }
    found = []
    for numerator, x in numeric.items():
        if names is not None and not names & name_words(numerator):
            continue
        for denominator, n in numeric.items():
            if numerator == denominator or (share and x > n):
                continue
            ratio = target / (x / n)
            power = 10 ** round(math.log10(ratio))
            if powers and power not in powers:
                continue
            if abs(ratio / power - 1) < 0.02:
                score = abs(ratio / power - 1) - 0.01 * bool(
                    re.search("pop|innb", denominator, re.I)
                )
                found.append((score, numerator, denominator, float(power)))
    return min(found)[1:] if found else None


def name_words(name: str) -> frozenset[str]:
    """The words of a column name (``ant_botox_offb`` → ant, botox, offb), rate words aside."""
    return frozenset(re.split(r"[^a-z0-9]+", name.lower())) - {"", "rate", "snitt", "ratesnitt"}


def yearly_counts(
    figure: Figure, national: dict[str, object], yearly: str, year: str
) -> tuple[str, str] | None:
    """The year's count and population (columns named with the year), where the block has
    them and they give the national figure of that year."""
    named = {k.replace(year, ""): v for k, v in national.items() if year in k and k != yearly}
    if not named:
        return None
    counts = count_columns(
        {**named, "_value": national[yearly]},
        "_value",
        search_powers(figure),
        share=figure.share,
        names=figure.count_names,
        excluded=frozenset(k.replace(year, "") for k in figure.excluded),
    )
    if counts is None:
        return None
    columns = {k.replace(year, ""): k for k in national if year in k}
    return columns[counts[0]], columns[counts[1]]


def search_powers(figure: Figure) -> set[float]:
    """The powers of ten at which SKDE's stored values relate to the counts."""
    return {figure.published_multiplier or figure.multiplier}


REGIONS = {"Helse Nord": "1", "Helse Midt": "2", "Helse Midt-Norge": "2", "Helse Vest": "3",
           "Helse Sør-Øst": "4"}  # fmt: skip
# The DPS-area result boxes of psyk2 hold the same figures as these referral-area boxes (the
# national rows agree), so their rows join those figures as another level.
DPS_OF = {
    "poliklinikk_dps_18.json": "polyklinikk_18.json",
    "opphold_dps_18_ny.json": "opphold_18.json",
}
DPS_NAMES: set[str] = set()


# The 15 counties of 2024 by name, with Statistics Norway's county numbers (as Kartverket's
# county map writes them); SKDE's county blocks give the same numbers in their ``fylke``
# column, which the tool checks.
COUNTIES = {
    "Oslo": "03", "Rogaland": "11", "Møre og Romsdal": "15", "Nordland": "18", "Østfold": "31",
    "Akershus": "32", "Buskerud": "33", "Innlandet": "34", "Vestfold": "39", "Telemark": "40",
    "Agder": "42", "Vestland": "46", "Trøndelag": "50", "Troms": "55", "Finnmark": "56",
}  # fmt: skip


def area_of(name: str, kind: str | None = None) -> tuple[str, str] | None:
    """The level and code of an area as SKDE names it. ``kind``: what the block's areas are
    where a name is ambiguous (``dps``: DPS areas, some such as Lovisenberg share a referral
    area's name; ``county``: counties, eight of which share a referral area's name)."""
    name = str(name).strip()
    if name in NATION:
        return "nation", NATION_CODE
    if kind == "dps" and name in DPS_NAMES:
        return "dps", name
    if kind == "county":
        return ("county", COUNTIES[name]) if name in COUNTIES else None
    if name in REGIONS:
        return "region", REGIONS[name]
    return ("referral_area", AREAS[name]) if name in AREAS else None


def row(figure: Figure, level: str, area: str, period: str, name: str, **values: object) -> None:
    base: dict[str, object] = dict.fromkeys(("numerator", "denominator", "lower", "upper"), "")
    base.update(values)
    figure.rows.append(
        {
            "indicator": figure.id,
            "level": level,
            "area": area,
            "period": period,
            "sex": "",
            "age_group": "",
            **base,
            "area_name": name,
        }
    )


SKIPPED: Counter[str] = Counter()


def place_name(record: dict[str, Any]) -> str:
    """The area of a row of a data block as SKDE names it (``borhf`` in a block by region)."""
    return str(record.get("area", record.get("borhf", ""))).strip()


def national_row(block: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in block["data"] if place_name(r) in NATION)


def block_rows(
    figure: Figure,
    block: dict[str, Any],
    column: str,
    chart: dict[str, Any],
    *,
    areas: str | None = None,
    joined: bool = False,
) -> None:
    """One block's rows of one figure: the period average with counts and limits where the
    block has them, and each year's published value. ``areas``: what the block's areas are
    (see ``area_of``); ``joined``: the block is another level of a figure made from a
    referral-area block (DPS areas, or SKDE's bars by region), whose national row is that
    block's."""
    national = national_row(block)
    counts = figure.countable and count_columns(
        national,
        column,
        search_powers(figure),
        share=figure.share,
        names=figure.count_names,
        excluded=figure.excluded,
    )
    # A column name with a year wins over its label (one file's labels are wrong).
    labels = chart.get("annualVarLabels", {}).get("en", [])
    years = [
        ((re.findall(r"\d{4}", name) or [str(shown)])[-1], name)
        for shown, name in zip(labels, chart.get("annualVar", []), strict=True)
    ]
    period = f"{years[0][0]}-{years[-1][0]}" if years else figure.period or ATLASES[figure.atlas][3]
    # SKDE's totals over the period as yearly means, like every other count of its atlases.
    per_year = period_length(period) if figure.totals else 1
    errors = chart.get("errorBars") or [None, None]
    yearly_pairs = {
        year: yearly_counts(figure, national, name, year) if figure.countable else None
        for year, name in years
    }
    for record in block["data"]:
        name = place_name(record)
        place = area_of(name, areas)
        if place is None:
            SKIPPED[f"{figure.atlas}: {name}"] += 1
        if place is None or (joined and place[0] == "nation"):
            continue
        row(
            figure,
            *place,
            period,
            name,
            value=record[column],
            numerator=yearly_mean(record[counts[0]], per_year) if counts else "",
            denominator=yearly_mean(record[counts[1]], per_year) if counts else "",
            lower=record.get(errors[0], "") if errors[0] else "",
            upper=record.get(errors[1], "") if errors[1] else "",
        )
        for year, yearly in years:
            if record.get(yearly) is not None:
                pair = yearly_pairs[year]
                counted = (
                    {"numerator": record[pair[0]], "denominator": record[pair[1]]} if pair else {}
                )
                row(figure, *place, str(year), name, value=record[yearly], **counted)


def yearly_mean(count: object, years: int) -> object:
    """A count as a yearly mean: SKDE's total over ``years`` years divided (kept as
    published where it is a yearly mean already)."""
    return count if years == 1 else float(count) / years  # type: ignore[arg-type]


def period_length(period: str) -> int:
    first, _, last = period.partition("-")
    return int(last or first) - int(first) + 1


YEARS = re.compile(r"(\d{4})\s*[–-]\s*(\d{4})")


def table_caption(spec: list[dict[str, Any]]) -> str:
    """The caption of the box's first table (bokmål or nynorsk), or nothing."""
    for chart in spec:
        if chart["type"] == "table":
            caption = chart.get("caption") or {}
            return str(caption.get("nb") or caption.get("nn") or "")
    return ""


def not_counts(spec: list[dict[str, Any]]) -> frozenset[str]:
    """Columns of a box's blocks that are not counts: those the box's table labels as rates,
    shares or ratios ("Rate*", "Andel** privat", "Prøver pr. pas.") and those a chart draws
    (radiologi's ``privsnitt``/``totsnitt`` are rates whose ratio gives ``andel_priv``)."""
    found: set[str] = set()
    for chart in spec:
        if chart["type"] == "table":
            for column in chart.get("columns", []):
                words = f"{column.get('label_no', '')} {column.get('label_en', '')}"
                if RATE_WORDS.search(words):
                    found.add(column["id"])
        elif chart["type"] == "barchart":
            found.update(chart["x"])
            found.update(chart.get("annualVar", []))
    return frozenset(found)


RATE_WORDS = re.compile(
    r"rate|andel|prosent|proportion|percent|share|\bpr\.|\bper\b|konfidens|\bKI\b", re.I
)
CONFIDENCE_WORDS = re.compile(
    r",?\s*(?:med 95\s?% konfidensintervall|with pertaining 95\s?% confidence intervals?)", re.I
)


def written(label: str, language: str) -> str:
    """A label with the number of its unit written as the language writes it: "per 1,000"
    in English (SKDE's English often says "pr. 1000"), "pr. 1 000" in Norwegian."""
    if language == "en":
        label = re.sub(r"\bpr\.\s*(?=\d)", "per ", label)
    group = r"\1\2,\3" if language == "en" else r"\1\2 \3"
    return re.sub(r"(\b(?:per|pr\.)\s*)(\d{1,2})(\d{3})\b", group, label)


def chart_measures(spec: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(data block, column) → the bar charts' settings for it, merged (one chart may draw
    the limits, another the yearly values)."""
    measures: dict[tuple[str, str], dict[str, Any]] = {}
    for chart in spec:
        if chart["type"] != "barchart" or len(chart["x"]) != 1:
            continue
        merged = measures.setdefault((chart["data"], chart["x"][0]), {})
        for name in (
            "xLabel",
            "yLabel",
            "annualVar",
            "annualVarLabels",
            "errorBars",
            "format",
            "y",
        ):
            if name in chart:
                merged.setdefault(name, chart[name])
        # barn2025's county charts draw the patient rate as a line beside the drug rate.
        for column in chart.get("lollipopVar", []):
            line = {k: chart[k] for k in ("xLabel", "yLabel", "y", "format") if k in chart}
            measures.setdefault((chart["data"], column), line | {"line": True})
    return measures


def measured_figure(
    atlas: str,
    box: dict[str, Any],
    block: dict[str, Any],
    column: str,
    chart: dict[str, Any],
    figure_id: str,
    language: str,
    series: tuple[str, str] | None = None,
    spec: list[dict[str, Any]] | None = None,
) -> Figure:
    """A figure of one column of a block, its multiplier and kind from its chart and counts:
    a share may be stored as a fraction (chart format ``%``, or counts that give it at 1).
    ``spec``: the box's charts, which say what is not a count and the period of an average
    without years."""
    xlabel = chart["xLabel"]
    national = national_row(block)
    drawn = "+".join(chart["x"]) if series else column
    key = (box["data"], block["label"], drawn)
    label = with_ages(
        {
            "nb": xlabel.get("nb") or xlabel.get("nn", ""),
            "en": xlabel["en"],
        }
        | LABELS.get(key, {}),
        national,
    )
    label = {k: written(CONFIDENCE_WORDS.sub("", v).strip(), k) for k, v in label.items()}
    caption = table_caption(spec or [])
    excluded = not_counts(spec or []) - {column}
    if series:
        label = {k: series_label(v) for k, v in label.items()}
    multiplier = label_multiplier(label["nb"]) or label_multiplier(label["en"])
    fraction = "%" in str(chart.get("format", ""))
    share = fraction or is_share(label["nb"]) or is_share(label["en"])
    names = name_words(column) if series else None
    powers = (
        {1.0} if fraction else ({1.0, 100.0} if share else ({multiplier} if multiplier else None))
    )
    # A value without a unit to search counts at (kroner per inhabitant) has none.
    counts = (
        count_columns(national, column, powers, share=share, names=names, excluded=excluded)
        if powers
        else None
    )
    if share and counts and counts[2] == 1:
        fraction = True
    years = YEARS.search(caption)
    figure = Figure(
        id=figure_id,
        atlas=atlas,
        source=f"result box «{box['overskrift']}», data file {box['data']}",
        heading=box["overskrift"].strip(),
        label=label,
        multiplier=(counts[2] if counts else multiplier) or 1,
        selection=plain(box.get("utvalg", "")),
        assessment=plain(box.get("resultat", "")),
        language=language,
        share=share,
        count_names=names,
        series=series,
        chart_label=xlabel.get("nb") or xlabel.get("nn", ""),
        period=PERIODS.get(key) or (f"{years[1]}-{years[2]}" if years else ""),
        totals=caption.startswith("Samla"),
        excluded=excluded,
        countable=bool(powers),
    )
    if fraction:
        figure.multiplier, figure.published_multiplier = 100, 1
    if figure.multiplier == 100 and label_multiplier(label["nb"]) == 100:
        figure.kind = "proportion"
    return figure


SPLIT = re.compile(
    r"\s*,?\s*(?:offentlig/privat|spesialist/allmennlege|etter konsultasjonstype|public/private"
    r"|type of consultation|bilateralt/unilateralt|bilateral/unilateral|med/uten røntgen i "
    r"forkant|fordelt på type kirurgi|pakkeforløp/ikke pakkeforløp|Status ved MR-undersøkelsen)"
    r"\s*,?\s*"
)


def series_label(label: str) -> str:
    """A chart's label for one of its series: without the words naming the split (the
    series names it), and, in barn2025's English, consultations where it says admissions
    (the bokmål label and the data: outpatient consultations)."""
    label = SPLIT.sub(" ", label).replace("Number of admissions", "Number of consultations")
    return re.sub(r"\s+", " ", label).strip()


def adds_up(block: dict[str, Any], series: list[str], total: str) -> bool:
    """The series add up to the total in every area, within 1.5 %, stored alike or the total
    as a fraction and the series as percent (kronikere's botulinum toxin)."""
    for record in block["data"]:
        whole = sum(float(record[c]) for c in series)
        value = float(record[total])
        if whole and not any(abs(v / whole - 1) < 0.015 for v in (value, value * 100)):
            return False
    return True


def _shown(figure: Figure, value: object) -> float:
    """A stored value as the figure shows it (a fraction as percent)."""
    return float(value) * figure.multiplier / (figure.published_multiplier or figure.multiplier)  # type: ignore[arg-type]


def mongts_figures(reference: Path, atlas: str) -> list[Figure]:
    text = json.loads((reference / f"results/mongts-atlas-text/{atlas}.json").read_text())
    language = text.get("lang", "nb")
    figures: dict[tuple[str, str], Figure] = {}
    later = []
    boxes = [(c, b) for c in text["kapittel"] for b in c["innhold"]]
    boxes = [(c, b) for c, b in boxes if b.get("type") == "resultatboks"]
    headings = Counter(b["overskrift"].strip() for _, b in boxes)
    for chapter, box in boxes:
        path = reference / f"results/mongts-atlas-data/{atlas}/{box['data']}"
        if not path.exists():
            SKIPPED[f"{atlas}: {box['data']} (not in the repository)"] += 1
            continue
        spec = json.loads(path.read_text())["innhold"]
        blocks = {b["label"]: b for b in spec if b["type"] == "data"}
        measures = chart_measures(spec)
        own = [m for m, chart in measures.items() if chart.get("y") != "borhf"]
        stem = slug(Path(box["data"]).stem)
        heading = box["overskrift"].strip()
        # radiologi's "Antall undersøkelser" of each body part, and its "Eldre"
        if headings[heading] > 1 or atlas in ("radiologi", "radiologi2"):
            heading = f"{chapter['overskrift'].strip()}, {lower_first(heading)}"
        drawn: dict[tuple[object, ...], Figure] = {}
        for (label_name, column), chart in measures.items():
            block = blocks[label_name]
            if box["data"] in DPS_OF:
                later.append((DPS_OF[box["data"]], column, block, chart, "dps"))
                continue
            if chart.get("y") == "borhf":
                later.append((box["data"], column, block, chart, "region"))
                continue
            kind = "county" if chart.get("yLabel", {}).get("en") == "Counties" else None
            places = [area_of(place_name(r), kind) for r in block["data"]]
            wanted = kind or "referral_area"
            if sum(p is not None and p[0] == wanted for p in places) < 15:
                SKIPPED[f"{atlas}: {box['data']} (not referral areas)"] += len(block["data"])
                continue
            if kind == "county":
                check_county_numbers(block)
            if chart.get("line") and (box["data"], label_name, column) not in LABELS:
                SKIPPED[f"{atlas}: {box['data']} line {column} (no label)"] += 1
                continue
            # A chart of the same values as one before it (the county boxes' ``lmr_u_rate``
            # is their ``ratesnitt``) draws that figure.
            values = tuple(sorted((place_name(r), r.get(column)) for r in block["data"]))
            if values in drawn:
                continue
            # A column of a later block of the file (radiologi2's three ``totsnitt``).
            first = next(b for b in blocks.values() if column in b["data"][0])
            key = column if first is block else f"{label_name} {column}"
            if (box["data"], key) in figures:
                continue
            measure = (
                NAMES.get((box["data"], label_name, column))
                or (COUNTY_NAMES.get(column) if kind == "county" else None)
                or (LAB_NAMES.get(column) if atlas == "lab" else None)
                or MEASURES.get((stem, column))
                or MEASURES.get(column)
                or slug(column)
            )
            suffix = "" if len(own) == 1 else "_" + measure
            figure = measured_figure(
                atlas, box, block, column, chart, f"skde_{atlas}_{stem}{suffix}", language,
                spec=spec,
            )  # fmt: skip
            figure.heading = heading
            block_rows(figure, block, column, chart, areas=kind)
            figures[(box["data"], key)] = figure
            drawn[values] = figure
        for chart in spec:
            if chart["type"] != "barchart" or len(chart["x"]) < 2:
                continue
            block = blocks[chart["data"]]
            legend = chart["xLegend"].get("nb") or chart["xLegend"]["nn"]
            national = national_row(block)
            whole = sum(float(national[c]) for c in chart["x"])
            # The chart's total: the box's figure whose national value the series add to,
            # and whose every area's value too (hjarteinfarkt's series, rounded to whole
            # percents, do not).
            totals = [
                f.id
                for (data, column), f in figures.items()
                if data == box["data"]
                and (chart["data"], column) in measures
                and any(
                    abs(value / whole - 1) < 0.01
                    for value in (float(national[column]), _shown(f, national[column]))
                )
                and adds_up(block, chart["x"], column)
            ]
            for column, shown in zip(chart["x"], legend, strict=True):
                key, name_nb, name_en = SERIES[shown.strip().strip(",").strip().lower()]
                figure = measured_figure(
                    atlas, box, block, column, chart, f"skde_{atlas}_{stem}_{key}",
                    language, series=(name_nb, name_en), spec=spec,
                )  # fmt: skip
                figure.heading = heading
                figure.source += f", series «{shown.strip()}» (column {column})"
                figure.total = totals[0] if len(totals) == 1 else ""
                block_rows(figure, block, column, {})
                figures[(box["data"], f"series {column}")] = figure
        for chart in spec:
            if chart["type"] == "table" and box["data"] not in DPS_OF:
                for figure in table_figures(atlas, box, blocks[chart["data"]], chart, spec):
                    figure.heading = heading
                    figures[(box["data"], f"table {figure.id}")] = figure
            if chart["type"] == "linechart" and chart["x"] == ["aar"]:
                national_trend(list(figures.values()), box["data"], blocks[chart["data"]], chart)
    for base, column, block, chart, level in later:
        figure = figures.get((base, column)) or same_label(figures, base, chart)
        if level == "dps":
            figure.source += f"; DPS areas from {next(k for k, v in DPS_OF.items() if v == base)}"
        else:
            figure.source += f"; regions from the block {block['label']}"
        block_rows(figure, block, column, chart, areas=level, joined=True)
    return list(figures.values())


def table_figures(
    atlas: str,
    box: dict[str, Any],
    block: dict[str, Any],
    table: dict[str, Any],
    spec: list[dict[str, Any]],
) -> list[Figure]:
    """The columns of a table that no chart draws and that are figures of their own (bup):
    contact days (or stays, or consultations) per patient, and the shares of the box's
    patients with each other condition ("Prosentdel komorbiditet"). Both are shown as
    published: a mean per patient is not a count of events among independent persons, and
    SKDE gives no count for a share of comorbidity."""
    caption = table_caption([table])
    stem = slug(Path(box["data"]).stem)
    found: list[Figure] = []
    if not any(area_of(place_name(r)) for r in block["data"]):
        return found  # not a block of referral areas
    for column in table.get("columns", []):
        per_patient = column["id"] == "kontakt_p_pas"
        if not (per_patient or "komorbiditet" in caption.lower()) or column["id"] == "area":
            continue
        if per_patient:
            figure_id = f"skde_{atlas}_{stem}_per_patient"
            # SKDE's column names, spaced and spelt alike ("Kontakt-dagar", "Contacts days").
            label = (
                " ".join(column["label_no"].split()).replace("Kontakt-dagar", "Kontaktdagar"),
                " ".join(column["label_en"].split())
                .replace("Contacts days", "Contact days")
                .replace("Admission per", "Admissions per"),
            )
        else:
            name = column["label_no"].strip()
            figure_id = f"skde_{atlas}_{stem}_comorbidity_{slug(column['id'])}"
            label = (
                f"Prosentdel som òg har {lower_first(name)}",
                f"Percentage who also have {lower_first(column['label_en'].strip())}",
            )
        figure = Figure(
            id=figure_id,
            atlas=atlas,
            source=f"result box «{box['overskrift']}», data file {box['data']}, table "
            f"column {column['id']}",
            heading=box["overskrift"].strip(),
            label={"nb": label[0], "en": label[1]},
            multiplier=1 if per_patient else 100,
            published_multiplier=None if per_patient else 1,
            kind="rate" if per_patient else "proportion",
            selection=plain(box.get("utvalg", "")),
            assessment=plain(box.get("resultat", "")),
            language="nn",
            chart_label=label[0],
            period=(lambda y: f"{y[1]}-{y[2]}" if y else "")(YEARS.search(table_caption(spec))),
            countable=False,
        )
        block_rows(figure, block, column["id"], {})
        found.append(figure)
    return found


def national_trend(
    figures: list[Figure], data: str, block: dict[str, Any], chart: dict[str, Any]
) -> None:
    """SKDE's line chart of a national value over the years (barn2025: 2017–2024): where
    it is one of the box's figures (it gives that figure's national value in every year
    they share, and they share two or more), the other years become that figure's national
    yearly values."""
    if len(chart.get("linevars", [])) != 1:
        return
    column = chart["linevars"][0]
    line = {str(r["aar"]): r[column] for r in block["data"] if place_name(r) in NATION}
    for figure in (f for f in figures if data in f.source and not f.series):
        known = {
            str(r["period"]): float(r["value"])  # type: ignore[arg-type]
            for r in figure.rows
            if r["level"] == "nation" and "-" not in str(r["period"])
        }
        shared = set(known) & set(line)
        if len(shared) >= 2 and all(math.isclose(known[y], line[y], rel_tol=1e-9) for y in shared):
            years = sorted(set(line) - shared)
            for year in years:
                row(figure, "nation", NATION_CODE, year, "Norge", value=line[year])
            figure.source += (
                f"; Norway {years[0]}–{years[-1]} from the line chart ({block['label']})"
            )
            return


def check_county_numbers(block: dict[str, Any]) -> None:
    """SKDE's county numbers (``fylke``), where the block has them, are the table's."""
    for record in block["data"]:
        name = place_name(record)
        if "fylke" in record and name not in NATION:
            assert f"{int(record['fylke']):02d}" == COUNTIES[name], (name, record["fylke"])


def lower_first(text: str) -> str:
    """A heading inside another ("Antall undersøkelser" → "antall undersøkelser"), an
    abbreviation kept ("MR kne")."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def same_label(figures: dict[tuple[str, str], Figure], data: str, chart: dict[str, Any]) -> Figure:
    """The figure of a box's referral-area block that SKDE's region chart draws by region:
    the one whose chart has the same label (nipt_rb1's region column is ``totsnitt``, its
    referral-area columns ``totsnitt_18`` and ``totsnitt_35``)."""
    label = chart["xLabel"].get("nb") or chart["xLabel"]["nn"]
    found = [f for (d, _), f in figures.items() if d == data and f.chart_label == label]
    assert len(found) == 1, (data, label, [f.id for f in found])
    return found[0]


def first_generation_figures(reference: Path, atlas: str) -> list[Figure]:
    """The figures of a first-generation atlas (skde_first_generation.py), with the words of
    their chapter in the atlas's text; the multiplier is the power of ten at which SKDE's
    national value is the ratio of its counts."""
    text = json.loads((reference / f"results/mongts-atlas-text/{atlas}.json").read_text())
    chapters = {str(c.get("overskrift", "")).strip(): c for c in text["kapittel"]}
    found = published(reference, atlas)
    repeated = Counter(p.name for p in found)
    per_nb, per_en = FIRST[atlas].per
    figures = []
    for p in found:
        heading = p.name if repeated[p.name] == 1 else f"{p.chapter}, {lower_first(p.name)}"
        chapter = chapters.get(p.chapter, {"innhold": []})
        words = " ".join(str(b.get("tekst", "")) for b in chapter["innhold"])
        figure = Figure(
            id=f"skde_{atlas}_{slug(heading)}",
            atlas=atlas,
            source=f"helseatlas-data {atlas}.csv, {p.chapter}: {p.name} ({HELSEATLAS_DATA})",
            heading=heading,
            label={},
            multiplier=1,
            kind=p.kind,
            language=text.get("lang", "nb"),
            selection=f"{p.numerator_name} / {p.denominator_name}",
            assessment=plain(words),
        )
        for record in p.rows:
            place = area_of(record["area_name"])
            if place is None:
                SKIPPED[f"{atlas}: {record['area_name']}"] += 1
                continue
            limits = {
                "lower": record.get("ll") or record.get("lci") or "",
                "upper": record.get("ul") or record.get("uci") or "",
            }
            row(
                figure, *place, record["period"], record["area_name"], value=record["value"],
                numerator=record["numerator"], denominator=record["denominator"], **limits,
            )  # fmt: skip
        national = next(r for r in figure.rows if r["level"] == "nation")
        ratio = float(national["value"]) / (  # type: ignore[arg-type]
            float(national["numerator"]) / float(national["denominator"])  # type: ignore[arg-type]
        )
        figure.multiplier = float(10 ** round(math.log10(ratio)))
        per = f"{figure.multiplier:,.0f}"
        figure.label = (
            {"nb": "Andel (%)", "en": "Share (%)"}
            if p.kind == "proportion"
            else {"nb": f"pr. {per.replace(',', ' ')} {per_nb}", "en": f"per {per} {per_en}"}
        )
        if (atlas, p.name) in UNITS:
            figure.label = dict(zip(("nb", "en"), UNITS[(atlas, p.name)], strict=True))
        figure.heading_en = (
            p.name_en
            if repeated[p.name] == 1 or not p.chapter_en
            else f"{p.chapter_en}, {lower_first(p.name_en)}"
        )
        figures.append(figure)
    return figures


def eldre_figures(reference: Path) -> list[Figure]:
    text = json.loads((reference / "results/mongts-atlas-text/eldre.json").read_text())
    chapters = {c.get("overskrift"): c for c in text["kapittel"]}
    source = (reference / "results/helseatlas-data/eldre.csv").read_text(encoding="utf-8-sig")
    figures: dict[str, Figure] = {}
    for record in csv.DictReader(io.StringIO(source), delimiter=";"):
        if record["level1"] == "10":  # population projections, not services
            continue
        place = area_of(record["area_name"])
        if place is None:
            SKIPPED[f"eldre: {record['area_name']}"] += 1
            continue
        share = record["type"].startswith("Andel")
        key = record["level2"]
        if key not in figures:
            chapter = chapters.get(record["level1_name"], {"innhold": []})
            words = " ".join(b.get("tekst", "") for b in chapter["innhold"])
            figures[key] = Figure(
                id=f"skde_eldre_{slug(record['level2_name'])}",
                atlas="eldre",
                source=f"helseatlas-data eldre.csv, {record['level1_name']}: "
                f"{record['level2_name']} ({HELSEATLAS_DATA})",
                heading=record["level2_name"],
                label={
                    "nb": "Andel (%)" if share else "per 1 000 innbyggere 75 år og eldre",
                    "en": "Share (%)" if share else "per 1,000 inhabitants aged 75 and over",
                },
                multiplier=100 if share else 1000,
                kind="proportion" if share else "rate",
                assessment=plain(words),
                selection=f"{record['numerator_name']} / {record['denominator_name']}",
            )
        row(
            figures[key],
            *place,
            record["period"],
            record["area_name"],
            value=record["value"],
            numerator=record["numerator"],
            denominator=record["denominator"],
        )
    for figure in figures.values():
        national = next(r for r in figure.rows if r["level"] == "nation")
        ratio = float(national["value"]) / (  # type: ignore[arg-type]
            float(national["numerator"]) / float(national["denominator"])  # type: ignore[arg-type]
        )
        figure.multiplier = float(10 ** round(math.log10(ratio)))
        if figure.kind == "rate":
            per = f"{figure.multiplier:,.0f}"
            figure.label = {
                "nb": f"per {per.replace(',', ' ')} innbyggere 75 år og eldre",
                "en": f"per {per} inhabitants aged 75 and over",
            }
    return list(figures.values())


KVALITET_CANCER = {"Tykk", "Ende", "Brys", "Lung", "Pros"}


def kvalitet_figures(reference: Path) -> list[Figure]:
    text = json.loads((reference / "results/mongts-atlas-text/kvalitet.json").read_text())
    chapters = {c.get("overskrift"): c for c in text["kapittel"]}
    path = reference / "results/mongts-download-xlsx/last_ned_data_kvalitet.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        table = list(sheet.iter_rows(values_only=True))
    names, kinds = table[1], table[2]
    figures = []
    for column, heading in enumerate(names):
        if heading not in KVALITET_DIRECTION:
            continue
        months = kinds[column] == "Måneder"
        chapter = chapters[KVALITET_CHAPTER.get(heading) or KVALITET_CHAPTER[heading[:4]]]
        words = plain(chapter["innhold"][0]["tekst"])
        background, _, results = words.partition("Resultater")
        figure = Figure(
            id=f"skde_kvalitet_{slug(heading)}",
            atlas="kvalitet",
            source=f"last_ned_data_kvalitet.xlsx, «{heading}» ({MONGTS})",
            heading=heading,
            label={"nb": "Median overlevelse, måneder", "en": "Median survival, months"}
            if months
            else {"nb": "Andel (%)", "en": "Share (%)"},
            multiplier=1 if months else 100,
            kind="duration" if months else "proportion",
            direction=KVALITET_DIRECTION[heading],
            selection=background.strip(),
            assessment=results.strip(),
            theme=""
            if heading in KVALITET_NOTE or heading[:4] in KVALITET_CANCER
            else ("children" if heading.startswith("Diabetes barn") else "municipal"),
        )
        for record in table[3:]:
            place = area_of(record[0])
            if place is None:
                continue
            counts = (
                {}
                if months
                else {"numerator": record[column + 1], "denominator": record[column + 2]}
            )
            row(figure, *place, "2017-2019", str(record[0]), value=record[column], **counts)
        figures.append(figure)
    return figures


def qualify(figures: list[Figure]) -> None:
    """Tell apart the figures of one heading (a box's rate of contacts and of patients) by
    the lead of their label ("Innleggelsesrate", "Andel HbA1c-prøver tatt ...")."""
    same: dict[tuple[str, str, object], list[Figure]] = {}
    for figure in figures:
        same.setdefault((figure.atlas, figure.heading, figure.series), []).append(figure)
    for group in same.values():
        if len(group) > 1:
            for figure in group:
                lead = re.split(r":|\s+p(?:e)?r\.?\s*\d", figure.label["nb"])[0].strip()
                figure.qualifier = f" ({lower_first(lead)})"


def indicator_file(figure: Figure) -> dict[str, object]:
    theme, atlas_nb, atlas_en, period = ATLASES[figure.atlas]
    periods = sorted({str(r["period"]) for r in figure.rows})
    period = max(periods, key=len)
    if "-" not in period and len(periods) > 1:  # years only (the day-surgery atlas of 2018)
        period = f"{periods[0]}-{periods[-1]}"
    old = figure.atlas in FIRST or figure.atlas == "eldre"
    url = "https://helseatlas.no" if old else URL.format(atlas=figure.atlas)
    counted = figure.has_counts
    own_nb = (
        "vist sammen med våre ujusterte verdier og konfidensintervaller beregnet fra SKDEs antall "
        "(årlige gjennomsnitt × antall år)"
        if counted
        else "vist som publisert: SKDE publiserte ikke antall for denne figuren"
    )
    own_en = (
        "shown beside variatlas's crude values and confidence intervals computed from SKDE's "
        "counts (yearly means × years)"
        if counted
        else "shown as published: SKDE published no counts for this figure"
    )
    yearly = len(periods) > 1
    county = any(r["level"] == "county" for r in figure.rows)
    where_nb, where_en = (
        ("fylke", "county") if county else ("opptaksområde", "hospital referral area")
    )
    areas_nb, areas_en = (
        ("Fylkene er de 15 fylkene fra 2024.", "The counties are the 15 counties of 2024.")
        if county
        else ("Opptaksområdene er SKDEs.", "The referral areas are SKDE's.")
    )
    label_nb, label_en = figure.label["nb"], figure.label["en"]
    head_en = label_en.split(":")[0].strip() if ":" in label_en else label_en
    series_nb = series_en = part_nb = part_en = ""
    if figure.series:
        series_nb, series_en = f": {figure.series[0]}", f", {figure.series[1]}"
        total_nb = (
            f"; seriene summerer seg (innen om lag 1 %) til figuren {figure.total}"
            if figure.total
            else ""
        )
        total_en = (
            f"; the series add up (within about 1 %) to the figure {figure.total}"
            if figure.total
            else ""
        )
        part_nb = f" Én serie av SKDEs figur ({figure.series[0]}){total_nb}."
        part_en = f" One series of SKDE's chart ({figure.series[1]}){total_en}."
    return {
        "id": figure.id,
        "theme": figure.theme or theme,
        "title": {
            "nb": f"{figure.heading}{figure.qualifier}{series_nb}"
            + ("" if figure.heading == atlas_nb else f" – {atlas_nb}"),
            "en": f"{KVALITET_EN[figure.heading]} – {atlas_en}"
            if figure.atlas == "kvalitet"
            else f"{figure.heading_en} – {atlas_en}"
            if figure.heading_en
            else f"{head_en}{series_en} – {atlas_en} ({figure.heading})",
        },
        "description": {
            "nb": f"{label_nb}{series_nb}. SKDEs publiserte tall, {period}.",
            "en": f"{label_en}{series_en}. Figures published by SKDE, {period}.",
        },
        "kind": figure.kind,
        "source": "aggregates",
        "unit": {"nb": unit_of(label_nb), "en": unit_of(label_en)},
        "multiplier": figure.multiplier,
        "aggregate_multiplier": figure.published_multiplier or figure.multiplier,
        "published_by": f"SKDE, {atlas_nb} ({url})",
        "publication": {
            "atlas": atlas_nb,
            "url": url,
            "period": period,
            "language": figure.language,
            "selection": figure.selection,
            "assessment": figure.assessment,
        },
        "standardisation": {"method": "none"},
        "direction": figure.direction,
        "documentation": {
            "nb": f"SKDEs publiserte verdier etter {where_nb} ({period}"
            f"{', og hvert år' if yearly else ''}), {own_nb}. Kjønns- og aldersjustert der "
            f"SKDE oppgir det. {areas_nb}{part_nb}"
            + KVALITET_NOTE.get(figure.heading, ("", ""))[0],
            "en": f"SKDE's published values by {where_en} ({period}"
            f"{', and each year' if yearly else ''}), {own_en}. Age and sex adjusted where "
            f"SKDE says so. {areas_en}{part_en}"
            + ("" if counted else " Without counts there are no funnel limits and no SCV.")
            + KVALITET_NOTE.get(figure.heading, ("", ""))[1],
        },
        "references": [
            f"SKDE. {atlas_nb}. {url}",
            figure.source if old else f"{figure.source}; {MONGTS}",
        ],
        "conformance": {
            "status": "official",
            "source": f"SKDE, {atlas_nb}: {figure.source} (SKDE's published figures, shown "
            "as published)",
        },
    }


MAPS = Path(__file__).parents[1] / "src/variatlas/geography/data"
DPS_MAP = MAPS / "dps_areas_2025.geojson"
COUNTY_MAP = MAPS / "counties_2025.geojson"


def _rounded(ring: list[list[float]]) -> list[list[float]]:
    points: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, 3), round(lat, 3)]
        if not points or point != points[-1]:
            points.append(point)
    return points


def _display_map(source: Path, code_of: dict[str, str]) -> dict[str, Any]:
    """SKDE's map ``source`` with coordinates to 0.001° (about 100 m), rings wound as d3-geo
    wants them, and properties ``code`` and ``name`` (the name is SKDE's ``area``)."""
    geo = json.loads(source.read_text())
    for feature in geo["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        geometry["type"] = "MultiPolygon"
        rounded = [[_rounded(ring) for ring in polygon] for polygon in polygons]
        geometry["coordinates"] = [
            _wound_for_d3([ring for ring in polygon if len(ring) >= 4])
            for polygon in rounded
            if len(polygon[0]) >= 4
        ]
        name = feature["properties"]["area"]
        feature["properties"] = {"code": code_of.get(name, name), "name": name}
    return dict(geo)


def _write(path: Path, geo: dict[str, Any]) -> None:
    path.write_text(json.dumps(geo, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_maps(reference: Path) -> None:
    """SKDE's DPS-area map (with its Oslo inset; its codes are the DPS names) and its county
    map of the 2024 counties (codes: the county numbers), as shipped for display."""
    dps = _display_map(reference / "geo/mongts/kart_dps_p5_rewind.geojson", {})
    DPS_NAMES.update(f["properties"]["name"] for f in dps["features"])
    _write(DPS_MAP, dps)
    counties = _display_map(reference / "geo/mongts/fylke_2025.geojson", COUNTIES)
    assert sorted(f["properties"]["name"] for f in counties["features"]) == sorted(COUNTIES)
    counties["features"].sort(key=lambda f: f["properties"]["code"])
    _write(COUNTY_MAP, counties)


SECOND_GENERATION = (
    "barn2025", "bup", "psyk2", "kronikere",
    "lab", "radiologi", "radiologi2", "fedme", "hjarteinfarkt", "endometriose",
)  # fmt: skip


def main(reference: Path) -> None:
    write_maps(reference)
    figures = [f for atlas in SECOND_GENERATION for f in mongts_figures(reference, atlas)]
    figures += eldre_figures(reference) + kvalitet_figures(reference)
    figures += [f for atlas in FIRST for f in first_generation_figures(reference, atlas)]
    qualify(figures)
    ids = Counter(f.id for f in figures)
    assert not [i for i, n in ids.items() if n > 1], [i for i, n in ids.items() if n > 1]
    columns = [
        "indicator",
        "level",
        "area",
        "period",
        "sex",
        "age_group",
        "numerator",
        "denominator",
        "value",
        "lower",
        "upper",
        "area_name",
    ]
    with (ROOT / "data/skde_atlases.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        for figure in figures:
            writer.writerows(figure.rows)
    for atlas in ATLASES:
        for old in (ROOT / "catalogue").glob(f"*/skde_{atlas}/*.yaml"):
            old.unlink()
    for figure in figures:
        theme = figure.theme or ATLASES[figure.atlas][0]
        folder = ROOT / "catalogue" / theme / f"skde_{figure.atlas}"
        folder.mkdir(parents=True, exist_ok=True)
        body = yaml.safe_dump(
            indicator_file(figure), sort_keys=False, allow_unicode=True, width=100
        )
        (folder / f"{figure.id}.yaml").write_text(body, encoding="utf-8")
    print(Counter(f.atlas for f in figures), sum(len(f.rows) for f in figures), "rows")
    print("left out:", dict(SKIPPED))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""The figures of SKDE's first-generation atlases (helseatlas.no, 2015–2019) as published in
Helseatlas/data (``results/helseatlas-data/<atlas>.csv`` of ../shared/reference/skde), with
their English names from SKDE's English download workbooks where there is one: used by
make_skde_atlases.py.

Each CSV is long: one row per area and figure, with SKDE's adjusted ``value`` and the
unadjusted ``numerator`` and ``denominator`` (yearly means over the period, or the year's
counts where a row is one year). A figure is a ``level2_name`` of a chapter (``level1_name``);
in the day-surgery atlas of 2018 a figure is a procedure (``level1_name``) and ``level2_name``
is the year.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

HELSEATLAS_DATA = "Helseatlas/data@b18a235a580573b71623c91e9c012400290475a5 (MIT)"


@dataclass(frozen=True)
class Atlas:
    """A first-generation atlas: its theme, titles, the nouns of its rates' populations, and
    its workbooks (Norwegian and English, ``results/mongts-download-xlsx/``)."""

    theme: str
    title: str
    title_en: str
    period: str
    per: tuple[str, str]
    """The population a rate is per, as the atlas names it (bokmål or nynorsk, English)."""
    workbooks: tuple[str, str] | None = None
    yearly: bool = False
    """The figures are yearly (the day-surgery atlas of 2018): ``level2_name`` is the year."""
    from_workbook: bool = False
    """The figures are only in the workbook (the mental health atlas: Rate, ll, ul, Tal and
    Innb per figure, ``Tal`` and ``Innb`` yearly means, as its notes say)."""


ATLASES = {
    "kols": Atlas(
        "municipal",
        "Helseatlas kols",
        "COPD atlas",
        "2013-2015",
        ("innbyggere 40 år og eldre", "inhabitants aged 40 and over"),
    ),
    "gyn": Atlas(
        "municipal",
        "Helseatlas for gynekologi",
        "Gynaecology atlas",
        "2015-2017",
        ("kvinner", "women"),
        ("last_ned_data_gynekologi.xlsx", "download_data_gynaecology.xlsx"),
    ),
    "fodsel": Atlas(
        "municipal",
        "Helseatlas for fødselshjelp",
        "Obstetrics atlas",
        "2015-2017",
        ("fødsler", "births"),
        ("last_ned_data_fh.xlsx", "download_data_obstetrics.xlsx"),
    ),
    "ortopedi": Atlas(
        "municipal",
        "Helseatlas i ortopedi for Noreg",
        "Orthopaedics atlas",
        "2012-2016",
        ("innbyggarar", "inhabitants"),
        ("ortopedi_last_ned_data.xlsx", "orthopaedic_download_data.xlsx"),
    ),
    "dagkir2": Atlas(
        "municipal",
        "Dagkirurgi i Norge 2013–2017",
        "Day surgery in Norway 2013–2017",
        "2013-2017",
        ("innbyggere", "inhabitants"),
        ("last_ned_data_dagkir_oppdatering2018.xlsx", "download_data_daysurgery_update2018.xlsx"),
        yearly=True,
    ),
    "psyk": Atlas(
        "mental_health",
        "Helseatlas for psykisk helsevern og rusbehandling",
        "Health atlas for mental health care and substance abuse treatment",
        "2014-2018",
        ("innbyggarar", "inhabitants"),
        ("psykiskhelsevernogtsb_data.xlsx", "mhc_data.xlsx"),
        from_workbook=True,
    ),
}
KINDS = {"rate": "rate", "insidens": "rate", "andel": "proportion", "andel (%)": "proportion",
         "andel(%)": "proportion", "liggedøgn": "rate"}  # fmt: skip
"""SKDE's ``type`` → the kind of the figure; the others (``Snittalder``: a mean age) are left
out, as their counts are not what their value is made of."""

# Where the CSV's period is not the figure's: the COPD atlas's incidence of lung cancer is
# "per år i perioden 2006–15" (its picture's caption), and its population (4 945 981, the
# mean of 2006–2015, not of 2013–2015) agrees; every row of the file says 2013-2015.
# The rehabilitation figure is of 2015 alone (its picture: "i 2015"; its population is named
# "Innbyggere (2015)").
PERIODS = {
    ("kols", "Nye tilfeller av lungekreft"): "2006-2015",
    ("kols", "Personer deltatt på lungerehabilitering"): "2015",
}

# The unit where the atlas's population noun does not say it: a figure per person or birth
# (multiplier 1: bed days per death, contacts per birth), or a rate of the whole population
# (lung cancer: 4 945 981 inhabitants, all ages).
UNITS = {
    ("kols", "Liggetid siste år før død"): ("liggedøgn pr. død", "bed days per death"),
    ("kols", "Nye tilfeller av lungekreft"): (
        "pr. 10 000 innbyggere",
        "per 10,000 inhabitants",
    ),
    **{
        ("fodsel", name): ("kontakter pr. fødsel", "contacts per birth")
        for name in (
            "Kontakter hos jordmor",
            "Kontakter hos fastlege/legevakt",
            "Kontakter i spes.helsetjenesten",
        )
    },
    **{
        ("fodsel", f"Liggetid, {who} ({how})"): ("liggedøgn pr. fødsel", "bed days per birth")
        for who in ("førstegangsfødende", "flergangsfødende")
        for how in ("vaginal", "keisersnitt")
    },
}

# English names where SKDE has no English workbook (the COPD atlas): ours.
ENGLISH = {
    ("kols", "Personer hos fastlege eller legevakt"): "Persons seen by a GP or out-of-hours "
    "service for COPD",
    ("kols", "Spirometri hos fastlege (andeler)"): "Spirometry by the GP (share)",
    ("kols", "Personer på poliklinikk"): "Persons seen in outpatient clinics for COPD",
    ("kols", "Spirometri på poliklinikk (andeler)"): "Spirometry in outpatient clinics (share)",
    ("kols", "Akuttinnlagte personer"): "Persons admitted as emergencies for COPD",
    ("kols", "Liggedøgn"): "Bed days of emergency admissions for COPD",
    ("kols", "Ventilasjonsstøtte (andeler)"): "Ventilatory support in emergency admissions (share)",
    ("kols", "Reinnleggelser"): "Readmissions after emergency admissions for COPD (share)",
    ("kols", "Liggetid siste år før død"): "Bed days in the last year of life",
    ("kols", "Personer deltatt på lungerehabilitering"): "Persons in pulmonary rehabilitation",
    ("kols", "Nye tilfeller av lungekreft"): "New cases of lung cancer",
}


@dataclass
class Published:
    """One figure of a first-generation atlas as published."""

    atlas: str
    chapter: str
    name: str
    name_en: str
    chapter_en: str
    kind: str
    numerator_name: str
    denominator_name: str
    rows: list[dict[str, str]] = field(default_factory=list)


def english_names(reference: Path, atlas: Atlas) -> dict[tuple[str, str], tuple[str, str]]:
    """(chapter, name) → SKDE's English (chapter, name), from the English workbook that has
    the same columns as the Norwegian one."""
    if atlas.workbooks is None:
        return {}
    heads = [_heads(reference / "results/mongts-download-xlsx" / name) for name in atlas.workbooks]
    assert len(heads[0]) == len(heads[1]), atlas.workbooks
    return dict(zip(*heads, strict=True))


def _heads(path: Path) -> list[tuple[str, str]]:
    """(chapter, name) of each figure of a workbook, in order (its first two header rows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = (
            openpyxl.load_workbook(path, read_only=True)
            .worksheets[0]
            .iter_rows(max_row=2, values_only=True)
        )
        first, second = (list(r) for r in rows)
    chapter, found = "", []
    for group, name in zip(first, second, strict=True):
        chapter = str(group).strip() if group else chapter
        if name and chapter and str(name).strip() not in ("Opptaksområde", "Referral area"):
            found.append((chapter, str(name).replace("\xa0", " ").strip()))
    return found


def from_workbook(reference: Path, name: str) -> list[Published]:
    """The figures of an atlas published only as a workbook: each five columns (Rate, ll,
    ul, Tal, Innb) under the figure's name, one row per area, notes below."""
    atlas = ATLASES[name]
    assert atlas.workbooks is not None
    english = english_names(reference, atlas)
    path = reference / "results/mongts-download-xlsx" / atlas.workbooks[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(
            values_only=True
        ))  # fmt: skip
    found, chapter = [], ""
    for column, (group, figure) in enumerate(zip(table[0], table[1], strict=True)):
        chapter = str(group).strip() if group else chapter
        if not figure or column == 0:
            continue
        figure = str(figure).strip()
        assert table[2][column : column + 5] == ("Rate", "ll", "ul", "Tal", "Innb"), figure
        chapter_en, name_en = english[(chapter, figure)]
        # "… direkte kontaktar 2018 0-17 år" is of 2018 alone.
        period = "2018" if " 2018 " in figure else atlas.period
        item = Published(name, chapter, figure, name_en, chapter_en, "rate", "Tal", "Innb")
        for record in table[3:]:
            if not record[0]:
                break
            values = record[column : column + 5]
            item.rows.append(
                dict(zip(("value", "ll", "ul", "numerator", "denominator"), values, strict=True))
                | {"area_name": str(record[0]), "period": period}
            )
        found.append(item)
    return found


def published(reference: Path, name: str) -> list[Published]:
    """The figures of one first-generation atlas, with their rows as published."""
    atlas = ATLASES[name]
    if atlas.from_workbook:
        return from_workbook(reference, name)
    text = (reference / f"results/helseatlas-data/{name}.csv").read_text(encoding="utf-8-sig")
    english = english_names(reference, atlas)
    found: dict[tuple[str, str], Published] = {}
    for record in csv.DictReader(io.StringIO(text), delimiter=";"):
        kind = KINDS.get(record["type"].strip().lower())
        if kind is None:
            continue
        chapter = record["level1_name"].strip()
        figure = chapter if atlas.yearly else record["level2_name"].strip()
        key = (chapter, figure)
        if key not in found:
            workbook = ("Dagkirurgi", figure) if atlas.yearly else key
            chapter_en, name_en = english.get(workbook, ("", ENGLISH.get((name, figure), "")))
            found[key] = Published(
                name, chapter, figure, name_en, chapter_en, kind,
                record["numerator_name"], record["denominator_name"],
            )  # fmt: skip
        period = record["level2_name"] if atlas.yearly else record["period"]
        found[key].rows.append(record | {"period": PERIODS.get((name, figure), period)})
    return list(found.values())

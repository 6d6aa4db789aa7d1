"""Placeholders: parsed as written, filled in the reader's language, and refused where they
would print what disclosure control hides or what cannot be compared."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from variatlas.documents import (
    Bindings,
    PlaceholderRefused,
    PlaceholderSyntaxError,
    PlaceholderUnfilled,
    fill,
)
from variatlas.documents.loading import load_atlas, texts
from variatlas.documents.placeholders import find, number, parse
from variatlas.indicators import load_catalogue
from variatlas.results import (
    RESULT_COLUMNS,
    SUMMARY_COLUMNS,
    SUPPRESSED_FLAG,
    TOO_FEW_AREAS,
)

NBSP = "\u00a0"
TONSILS = "tonsillectomy_children"


def result(area: str, level: str = "referral_area", **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS, math.nan)
    row |= {"indicator": TONSILS, "level": level, "area": area, "area_name": area}
    row |= {"period": "2022-2024", "sex": "all", "flag": "", "method": ""}
    return row | values


@pytest.fixture(scope="module")
def bindings() -> Bindings:
    results = pd.DataFrame(
        [
            result("1", numerator=120.0, denominator=10_000.0, value=1234.5678, lower=1200.1),
            result("2", flag=SUPPRESSED_FLAG),
            result("3", numerator=3.0, denominator=2_000.0, value=1.5),
            result("4", numerator=10.0, denominator=9_000.0, value=-0.25),
            result("5", numerator=0.0, denominator=3.0, value=0.0),
            result("6", numerator=40.0, denominator=9_000.0, flag="fewer than 10 events"),
            result("8888", "nation", numerator=5000.0, denominator=900_000.0, value=5.4321),
            result("1", "region", numerator=98.0, denominator=100.0, value=98.0)
            | {"indicator": "cancer_pathways_within_standard_time"},
        ],
        columns=RESULT_COLUMNS,
    )
    summary: dict[str, object] = dict.fromkeys(SUMMARY_COLUMNS, math.nan)
    summary |= {"indicator": TONSILS, "period": "2022-2024", "sex": "all", "comparison": ""}
    variation = pd.DataFrame(
        [
            summary | {"level": "referral_area", "ft": 1.4876, "cv": 11.53, "min": 3.2},
            summary | {"level": "municipality", "comparison": TOO_FEW_AREAS, "min": 1.0},
        ],
        columns=SUMMARY_COLUMNS,
    )
    return Bindings(results, variation, load_catalogue())


def test_a_placeholder_is_parsed_into_its_parts() -> None:
    p = parse("{{ value tonsillectomy_children referral_area 1 2022-2024 sex=F digits=1 }}")
    assert (p.what, p.indicator, p.level, p.area, p.period, p.sex, p.digits) == (
        "value", TONSILS, "referral_area", "1", "2022-2024", "F", 1
    )  # fmt: skip
    national = parse("{{ national hpv_vaccination 2024 }}")
    assert (national.level, national.area, national.period) == ("nation", "8888", "2024")
    assert parse("{{figure tonsils_map}}").figure == "tonsils_map"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{{ }}", "is empty"),
        ("{{ rate x referral_area 1 2024 }}", "begins with 'rate'"),
        ("{{ value x referral_area 2024 }}", "gives 3 words after 'value', where it takes 4"),
        ("{{ ft x parish 2024 }}", "names the level 'parish'"),
        ("{{ ft x region 2024-25 }}", "names the period '2024-25'"),
        ("{{ national x 2024 sex=K }}", "names the sex 'K'"),
        ("{{ national x 2024 digits=many }}", "asks for 'many' digits"),
        ("{{ figure a sex=M }}", "has the option 'sex'"),
    ],
)
def test_a_placeholder_not_written_as_the_syntax_says_is_refused(text: str, says: str) -> None:
    with pytest.raises(PlaceholderSyntaxError, match=says):
        parse(text)


def test_placeholders_are_found_with_their_lines() -> None:
    text = "Én {{ figure a }}\n\nto {{ national x 2024 }} og\n{{ ft x region\n 2024 }}"
    assert list(find(text)) == [
        (0, "{{ figure a }}"),
        (2, "{{ national x 2024 }}"),
        (3, "{{ ft x region\n 2024 }}"),
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nb", f"1{NBSP}235 · 1{NBSP}234,57 · 5,43 · 1,5 · 11,5 · 120 · 10{NBSP}000 · −0,25 · 0"),
        ("nn", f"1{NBSP}235 · 1{NBSP}234,57 · 5,43 · 1,5 · 11,5 · 120 · 10{NBSP}000 · −0,25 · 0"),
        ("en", "1,235 · 1,234.57 · 5.43 · 1.5 · 11.5 · 120 · 10,000 · -0.25 · 0"),
    ],
)
def test_numbers_are_written_as_the_readers_language_writes_them(
    bindings: Bindings, lang: str, expected: str
) -> None:
    text = (
        "{{ value tonsillectomy_children referral_area 1 2022-2024 }} · "
        "{{ value tonsillectomy_children referral_area 1 2022-2024 digits=2 }} · "
        "{{ national tonsillectomy_children 2022-2024 }} · "
        "{{ ft tonsillectomy_children referral_area 2022-2024 }} · "
        "{{ cv tonsillectomy_children referral_area 2022-2024 }} · "
        "{{ count tonsillectomy_children referral_area 1 2022-2024 }} · "
        "{{ population tonsillectomy_children referral_area 1 2022-2024 }} · "
        "{{ value tonsillectomy_children referral_area 4 2022-2024 }} · "
        "{{ count tonsillectomy_children referral_area 5 2022-2024 }}"
    )
    assert bindings.fill(text, lang) == expected
    millions = "1,234,567.9" if lang == "en" else f"1{NBSP}234{NBSP}567,9"
    assert number(1234567.891, lang, 1) == millions


@pytest.mark.parametrize(
    ("text", "error", "says"),
    [
        ("{{ value tonsillectomy_children referral_area 2 2022-2024 }}", PlaceholderRefused,
         f"would print a cell hidden by disclosure control ({SUPPRESSED_FLAG})"),
        ("{{ count tonsillectomy_children referral_area 3 2022-2024 }}", PlaceholderRefused,
         "would print a cell whose count is below the threshold of 5"),
        ("{{ value tonsillectomy_children referral_area 3 2022-2024 }}", PlaceholderRefused,
         "would print a cell whose count is below the threshold of 5"),
        ("{{ value tonsillectomy_children referral_area 5 2022-2024 }}", PlaceholderRefused,
         "would print a cell whose denominator is below the threshold of 5"),
        ("{{ value cancer_pathways_within_standard_time region 1 2022-2024 }}",
         PlaceholderRefused, "would print a cell whose complement (denominator − numerator) "
         "is below the threshold of 5"),
        ("{{ ft tonsillectomy_children municipality 2022-2024 }}", PlaceholderRefused,
         f"would print a measure the summary does not give ({TOO_FEW_AREAS})"),
        ("{{ value tonsillectomy_children referral_area 9 2022-2024 }}", PlaceholderUnfilled,
         "has no row in the results"),
        ("{{ value tonsillectomy_children referral_area 6 2022-2024 }}", PlaceholderUnfilled,
         "has no value (fewer than 10 events)"),
        ("{{ ft tonsillectomy_children region 2022-2024 }}", PlaceholderUnfilled,
         "has no variation summary to print"),
        ("{{ national no_such_indicator 2024 }}", PlaceholderUnfilled,
         "names no indicator of the catalogue"),
        ("{{ ft tonsillectomy_children }}", PlaceholderSyntaxError, "gives 1 words"),
    ],
)  # fmt: skip
def test_a_placeholder_that_would_print_what_is_hidden_is_refused(
    bindings: Bindings, text: str, error: type[Exception], says: str
) -> None:
    where = "atlas/chapters/01.yaml:7: blocks[0].text.nb"
    with pytest.raises(error) as raised:
        bindings.fill(f"Tekst {text} mer tekst", "nb", where=where)
    message = str(raised.value)
    assert message.startswith(f"{where}: {text} {says}"), message
    assert "\n" not in message


def test_the_lowest_value_is_printed_where_the_areas_are_too_few_to_compare(
    bindings: Bindings,
) -> None:
    assert bindings.fill("{{ lowest tonsillectomy_children municipality 2022-2024 }}", "en") == (
        "1.00"
    )


def test_a_figure_is_left_for_the_page_or_drawn_by_the_caller(bindings: Bindings) -> None:
    text = "Se {{ figure tonsils_map }}."
    assert bindings.fill(text, "nb") == text
    assert bindings.fill(text, "nb", figure=lambda name: f"<figure {name}>") == (
        "Se <figure tonsils_map>."
    )


def test_fill_takes_the_tables_as_they_are(bindings: Bindings) -> None:
    text = "{{ national tonsillectomy_children 2022-2024 digits=3 }}"
    assert fill(text, "en", bindings.results, bindings.variation) == "5.432"


def test_every_text_of_an_atlas_is_filled_in_each_of_its_languages(
    bindings: Bindings, tmp_path, example
) -> None:
    document = load_atlas(example(tmp_path))
    for chapter in document.chapters.values():
        for location, text in texts(chapter):
            for lang, markdown in text.items():
                filled = bindings.fill(markdown, lang, where=".".join(map(str, location)))
                assert [p for _, p in find(filled) if not p.startswith("{{ figure")] == []

"""Atlas documents: the shipped ones validate, and each fault is one sentence naming file,
line and field; the schemas agree with the models; the YAML writer writes what it reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from variatlas.documents import DocumentError, check_atlas, load_atlas, shipped_atlases
from variatlas.documents.model import SCHEMAS, ResultBox, schema_text
from variatlas.documents.writing import dump
from variatlas.indicators.model import SAFE_LOADER

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "variatlas" / "documents"


def test_the_example_of_the_documentation_validates(tmp_path, example) -> None:
    document = load_atlas(example(tmp_path))
    assert document.atlas.languages == ["nb", "en"]
    chapter = document.chapters["01-mandler.yaml"]
    assert [b.type for b in chapter.blocks] == ["text", "fact", "result"]


def test_every_shipped_atlas_validates() -> None:
    folders = shipped_atlases()
    assert len(folders) == 24  # SKDE's 23 and the demo's own (variatlas)
    for folder in folders:
        document, faults = check_atlas(folder)
        assert faults == [], "\n".join(map(str, faults[:5]))
        assert document is not None


def test_barn2025_has_twelve_chapters_and_nineteen_result_boxes() -> None:
    document = load_atlas(next(f for f in shipped_atlases() if f.name == "barn2025"))
    assert len(document.chapters) == 12
    boxes = [b for c in document.chapters.values() for b in c.blocks if b.type == "result"]
    assert len(boxes) == 19


def test_how_many_of_skdes_figures_are_bound() -> None:
    boxes, pictures = [], []
    for folder in shipped_atlases():
        document = load_atlas(folder)
        if document.atlas.publisher != "SKDE":
            continue
        chapters = document.chapters.values()
        found = [b for c in chapters for b in c.blocks if isinstance(b, ResultBox)]
        boxes += found
        if not found:
            pictures += [f for c in chapters for f in c.figures]
    assert len(boxes) == 165
    # All but psyk2-1's eleven boxes whose data files are not in the public repository.
    assert sum(b.data != "not shipped" for b in boxes) == 154
    assert len(pictures) == 299
    # The first-generation atlases' pictures that draw one figure of SKDE's data per area:
    # barn 25, eldre 34, kvalitet 20, psyk 18, ortopedi 15, fodsel 12, gyn 8, kols 8.
    assert sum(f.indicator is not None for f in pictures) == 140
    for box in boxes:
        assert (box.data == "shipped") == (box.reason == ""), box.id


def fault_of(example, tmp_path: Path, old: str, new: str, at: str) -> tuple[str, int, str]:
    """The one fault of the example with ``old`` made ``new``: (its sentence, the line of the
    changed text that holds ``at``, the chapter's path)."""
    body = example.chapter
    assert old in body
    changed = body.replace(old, new, 1)
    start = changed.index(new)
    line = changed[:start].count("\n") + 1 + new[: new.index(at)].count("\n")
    folder = example(tmp_path, changed)
    with pytest.raises(DocumentError) as error:
        load_atlas(folder)
    faults = error.value.faults
    assert len(faults) == 1, "\n".join(map(str, faults))
    assert "\n" not in str(faults[0])
    return str(faults[0]), line, str(folder / "chapters" / "01-mandler.yaml")


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        (
            "  - kind: bars\n    indicator: tonsillectomy_children",
            "  - kind: bars\n    indicator: tonsilectomy_children",
            "blocks[2].figures[0].indicator",
            "'tonsilectomy_children' is not an indicator of the catalogue",
        ),
        (
            "    nb: Hvorfor fjerne mandlene?\n    en: Why remove the tonsils?",
            "    nb: Hvorfor fjerne mandlene?",
            "blocks[1].title",
            "has no text in en (the atlas is in nb, en)",
        ),
        (
            "their tonsils removed each year; in Finnmark, {{ value tonsillectomy_children",
            "their tonsils removed each year; in Finnmark, {{ value tonsilectomy_children",
            "blocks[0].text.en",
            "{{ value tonsilectomy_children referral_area 1 2022-2024 }}: "
            "'tonsilectomy_children' is not an indicator of the catalogue",
        ),
        (
            "  level: referral_area\n  period: 2022-2024\n  caption:",
            "  level: parish\n  period: 2022-2024\n  caption:",
            "figures[0].level",
            "Input should be 'municipality', 'county', 'referral_area', 'dps', 'health_trust', "
            "'region', 'kostra_group', 'centrality' or 'nation', not 'parish'",
        ),
        (
            "    nb: Den høyeste raten var {{ ft",
            "    nb: Den høyeste raten var {{ spread",
            "blocks[2].summary.nb",
            "begins with 'spread', which is none of",
        ),
        (
            "  - kind: funnel\n    indicator: tonsillectomy_children\n    period: 2022-2024",
            "  - kind: funnel\n    indicator: skde_barn2025_innl_contacts\n    period: 2019",
            "blocks[2].figures[1].period",
            "skde_barn2025_innl_contacts has no figures for 2019 at the level referral_area",
        ),
    ],
    ids=["unknown indicator", "language missing", "names nothing", "bad level", "bad word",
         "period lacking"],
)  # fmt: skip
def test_a_fault_is_one_sentence_naming_file_line_and_field(
    tmp_path, example, old: str, new: str, field: str, says: str
) -> None:
    at = {"title": "nb:", "text.en": "{{", "summary.nb": "{{"}
    marker = next((v for k, v in at.items() if field.endswith(k)), field.rsplit(".", 1)[-1])
    fault, line, path = fault_of(example, tmp_path, old, new, marker)
    assert fault.startswith(f"{path}:{line}: {field}: "), fault
    assert says in fault, fault


def test_a_placeholder_fault_names_its_line_within_the_text(tmp_path, example) -> None:
    fault, line, _ = fault_of(
        example, tmp_path, "hvert år. I Finnmark", "hvert år. {{ count }} I Finnmark", "{{"
    )
    assert f":{line}: blocks[0].text.nb: {{{{ count }}}} gives 0 words" in fault


def test_a_figure_placeholder_naming_nothing_is_refused_in_each_language(tmp_path, example) -> None:
    chapter = example.chapter.replace("{{ figure tonsils_map }}", "{{ figure tonsils_maps }}")
    _, faults = check_atlas(example(tmp_path, chapter))
    nothing = "{{ figure tonsils_maps }}: names no figure of the chapter's figures"
    unshown = (
        "no text of the chapter shows the figure tonsils_map "
        "(write {{ figure tonsils_map }} where it belongs)"
    )
    assert [(f.field, f.message) for f in faults] == [
        ("blocks[0].text.nb", nothing),
        ("blocks[0].text.en", nothing),
        ("figures[0].id", unshown),
    ]
    lines = chapter.splitlines()
    assert [f.line for f in faults[:2]] == [
        i + 1 for i, line in enumerate(lines) if "tonsils_maps" in line
    ]


def test_a_figure_shown_in_one_language_only_is_refused(tmp_path, example) -> None:
    chapter = example.chapter.replace(
        "\n\n      {{ figure tonsils_map }}\n- type: fact", "\n- type: fact"
    )
    _, faults = check_atlas(example(tmp_path, chapter))
    assert [(f.field, f.message) for f in faults] == [
        ("blocks[0].text.nb", "shows the figure tonsils_map in nb but not in en")
    ]


def test_a_chapter_not_listed_and_a_folder_misnamed_are_refused(tmp_path, example) -> None:
    folder = example(tmp_path)
    (folder / "chapters" / "02-extra.yaml").write_text("blocks: []\n", encoding="utf-8")
    renamed = folder.rename(tmp_path / "mandler")
    _, faults = check_atlas(renamed)
    assert [f.field for f in faults] == ["id", "chapters"]
    assert "lists no chapter file 02-extra.yaml" in str(faults[1])


def test_the_schemas_are_generated_from_the_models() -> None:
    for name in SCHEMAS:
        assert (PACKAGE / name).read_text(encoding="utf-8") == schema_text(name), (
            "run: python -m variatlas.documents --schemas"
        )


def test_the_schemas_and_the_models_agree_on_the_files(tmp_path, example) -> None:
    atlas, chapter = (jsonschema.Draft202012Validator(json.loads(schema_text(n))) for n in SCHEMAS)
    folders = [*shipped_atlases(), example(tmp_path)]
    for folder in folders:
        atlas.validate(read(folder / "atlas.yaml"))
        for path in sorted((folder / "chapters").glob("*.yaml")):
            chapter.validate(read(path))
    bad = read(folders[-1] / "chapters" / "01-mandler.yaml")
    bad["figures"][0]["level"] = "parish"
    with pytest.raises(jsonschema.ValidationError):
        chapter.validate(bad)


def read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


@given(st.text())
def test_the_writer_writes_any_text_so_that_it_reads_back(text: str) -> None:
    assert yaml.safe_load(dump({"text": {"nb": text}, "list": [text]})) == {
        "text": {"nb": text},
        "list": [text],
    }


def test_markdown_is_written_as_a_literal_block() -> None:
    markdown = "### Resultater  \n\n* første\n* andre\n\n  innrykket"
    assert dump({"nb": markdown}) == (
        "nb: |-\n  ### Resultater  \n\n  * første\n  * andre\n\n    innrykket\n"
    )

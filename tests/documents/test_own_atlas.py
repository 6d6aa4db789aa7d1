"""The demo's own atlas (``atlases/variatlas``): it validates in bokmål, nynorsk and English,
follows the four themes over computed indicators, says that its data are synthetic, binds its
numbers to the results, and names only the effects synthetic Norway plants. And the atlas
that docs/documents.md writes step by step validates."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from variatlas.documents import check_atlas, load_atlas
from variatlas.documents.loading import Document, atlases_folder, figures, texts
from variatlas.documents.model import FactBox, ResultBox, TextBlock
from variatlas.documents.placeholders import find, parse
from variatlas.geography import load_geography
from variatlas.indicators import load_catalogue

ATLAS = atlases_folder() / "variatlas"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "documents.md"
LANGUAGES = ["nb", "nn", "en"]
THEMES = {
    "02-barn-og-unge.yaml": "children",
    "03-kreft.yaml": "cancer",
    "04-psykisk-helse-og-rus.yaml": "mental_health",
    "05-kommunene.yaml": "municipal",
}
"""Each theme's chapter and the catalogue's theme its figures belong to."""


@pytest.fixture(scope="module")
def document() -> Document:
    return load_atlas(ATLAS)


def test_the_atlas_validates_in_bokmal_nynorsk_and_english() -> None:
    document, faults = check_atlas(ATLAS)
    assert faults == [], "\n".join(map(str, faults))
    assert document is not None
    assert document.atlas.languages == LANGUAGES
    # Optional: left out where the results cannot draw it; synthetic: never over real data.
    assert document.atlas.optional and document.atlas.synthetic


def test_it_opens_chapters_on_the_four_themes_and_closes_on_data_and_methods(document) -> None:
    names = list(document.chapters)
    assert names[1:5] == list(THEMES)
    assert names[0] == "01-om-atlaset.yaml" and names[-1] == "06-data-og-metode.yaml"
    opening = document.chapters[names[0]]
    assert sum(isinstance(b, FactBox) for b in opening.blocks) == 2  # variation; small numbers
    catalogue = load_catalogue()
    for name, theme in THEMES.items():
        chapter = document.chapters[name]
        assert isinstance(chapter.blocks[0], TextBlock), name
        assert any(isinstance(b, FactBox) for b in chapter.blocks), name
        boxes = [b for b in chapter.blocks if isinstance(b, ResultBox)]
        assert 2 <= len(boxes) <= 4, name
        for box in boxes:
            assert box.selection and box.assessment and box.figures, box.id
            assert {catalogue[str(f.indicator)].theme for f in box.figures} == {theme}, box.id


def test_every_figure_shows_an_indicator_variatlas_computes_for_three_years(document) -> None:
    catalogue = load_catalogue()
    levels: Counter[str] = Counter()
    for chapter in document.chapters.values():
        for _, figure in figures(chapter):
            indicator = catalogue[str(figure.indicator)]
            assert indicator.publication is None, indicator.id  # not a publisher's figures
            assert figure.period == "2022-2024" and not figure.also
            levels[figure.level] += 1
    assert {"referral_area", "municipality", "health_trust"} <= set(levels)


SYNTHETIC = {
    "nb": ("syntetiske", "`variatlas synth`", "plantet", "det virkelige Norge"),
    "nn": ("syntetiske", "`variatlas synth`", "planta", "det verkelege Noreg"),
    "en": ("synthetic", "`variatlas synth`", "planted", "the real Norway"),
}


def test_its_summary_and_first_text_say_the_data_are_synthetic(document) -> None:
    opening = next(iter(document.chapters.values())).blocks[0]
    assert isinstance(opening, TextBlock) and opening.text is not None
    for lang, words in SYNTHETIC.items():
        for text in (str(document.atlas.summary[lang]), opening.text[lang]):  # type: ignore[index]
            first = text.split("\n\n")[0]
            for word in words:
                assert word in first, (lang, word)


def _placeholders(document: Document) -> list[tuple[tuple[Any, ...], str, list[str]]]:
    """Every text's placeholders: (file and key path, language, as written)."""
    found = []
    for name, model in (("atlas.yaml", document.atlas), *document.chapters.items()):
        for location, text in texts(model):
            for lang, markdown in text.items():
                written = [w for _, w in find(markdown)]
                found.append(((name, *location), lang, written))
    return found


def test_every_language_of_a_text_prints_the_same_numbers(document) -> None:
    by_text: dict[tuple[Any, ...], dict[str, list[str]]] = {}
    for location, lang, written in _placeholders(document):
        by_text.setdefault(location, {})[lang] = sorted(written)
    for location, languages in by_text.items():
        assert languages["nb"] == languages["nn"] == languages["en"], location


def test_its_numbers_are_bound_to_the_results_and_every_box_has_some(document) -> None:
    kinds = Counter(parse(w).what for _, _, written in _placeholders(document) for w in written)
    assert {"national", "value", "ft", "cv", "lowest", "highest", "figure"} <= set(kinds)
    for chapter in document.chapters.values():
        for box in (b for b in chapter.blocks if isinstance(b, ResultBox)):
            assert list(find(box.summary["en"])), box.id


def _box(document: Document, box_id: str) -> ResultBox:
    return next(
        b
        for c in document.chapters.values()
        for b in c.blocks
        if isinstance(b, ResultBox) and b.id == box_id
    )


def test_the_effects_it_names_are_those_synthetic_norway_plants(document, small_norway) -> None:
    """The assessments say what ``variatlas synth`` planted; its truth.json says so too."""
    _, truth = small_norway
    effects = truth.effects
    names = load_geography().referral_areas.set_index("code")["name"]
    assert [names[a] for a in effects["asthma_higher_from_morbidity_areas"]] == [
        "Finnmark",
        "UNN",
        "Nordland",
    ]
    assert (effects["long_bup_wait_trust"], effects["bup_wait_extra_days"]) == ("helgeland", 40)
    assert (effects["high_coercion_trust"], effects["coercion_share_factor"]) == ("sorlandet", 2)
    assert effects["low_patient_experience_trust"] == "finnmark"
    assert (effects["slow_lung_pathways_trust"], effects["slow_lung_extra_days"]) == (
        "vestre-viken",
        16,
    )
    assert len(effects["high_readmission_municipalities"]) == 10
    assert effects["readmission_odds_ratio"] == 2.0
    assert (len(effects["low_hpv_municipalities"]), effects["hpv_coverage_factor"]) == (10, 0.75)
    ratios = sorted(r for r in effects["tonsillectomy_rate_ratio_by_referral_area"].values())
    assert [r for r in ratios if r != 1.0] == [0.6, 0.65, 0.7, 1.6, 1.8, 2.0]
    assert len(effects["grommets_high_areas"]) == 2
    said = {
        "barn-astma": {"nb": "Finnmark, UNN og", "nn": "Finnmark, UNN og", "en": "UNN and"},
        "barn-bup-ventetid": {"nb": "40 dager", "nn": "40 dagar", "en": "40 days"},
        "psyk-tvangsandel": {"nb": "Sørlandet", "nn": "Sørlandet", "en": "Sørlandet"},
        "psyk-pasienterfaringer": {"nb": "Finnmark", "nn": "Finnmark", "en": "Finnmark"},
        "kreft-forlopstid": {"nb": "Vestre Viken 16", "nn": "Vestre Viken 16", "en": "16 days"},
        "kommune-reinnleggelser": {"nb": "ti kommuner", "nn": "ti kommunar", "en": "ten"},
        "kreft-hpv": {"nb": "fjerdedel", "nn": "firedel", "en": "quarter"},
        "barn-mandler-dren": {"nb": "1,6–2,0", "nn": "1,6–2,0", "en": "1.6–2.0"},
    }
    for box_id, words in said.items():
        assessment = _box(document, box_id).assessment
        assert assessment is not None
        for lang, word in words.items():
            assert word in " ".join(assessment[lang].split()), (box_id, lang)


def test_the_atlas_written_step_by_step_in_the_documentation_validates(tmp_path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    steps = text.split("\n## Writing an atlas", 1)[1].split("\n## ", 1)[0]
    head, chapter = (textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", steps, re.S))
    folder = tmp_path / "hpv"
    (folder / "chapters").mkdir(parents=True)
    (folder / "atlas.yaml").write_text(head, encoding="utf-8")
    (folder / "chapters" / "01-hpv.yaml").write_text(chapter, encoding="utf-8")
    document, faults = check_atlas(folder)
    assert faults == [], "\n".join(map(str, faults))
    assert document is not None and document.atlas.languages == LANGUAGES

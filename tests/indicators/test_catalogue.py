"""The declarative catalogue: files validate, errors point at file and line, docs stay fresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from variatlas.indicators import CatalogueError, load_catalogue, load_indicator
from variatlas.indicators.docs import render, schema_text
from variatlas.indicators.model import THEMES, catalogue_folder

ROOT = Path(__file__).resolve().parents[2]


def test_every_theme_has_indicators_and_ids_match_files() -> None:
    catalogue = load_catalogue()
    assert {i.theme for i in catalogue.values()} == set(THEMES)
    files = {p.stem for p in catalogue_folder().rglob("*.yaml")}
    assert files == set(catalogue)


def test_unverified_sources_are_said_in_the_documentation() -> None:
    for indicator in load_catalogue().values():
        for text in indicator.unverified:
            assert text.strip(), indicator.id


def test_an_error_names_the_file_line_and_field(tmp_path) -> None:
    source = catalogue_folder() / "children" / "tonsillectomy_children.yaml"
    broken = tmp_path / "tonsillectomy_children.yaml"
    text = source.read_text(encoding="utf-8").replace("kind: rate", "kind: ratio")
    broken.write_text(text, encoding="utf-8")
    line = text.splitlines().index("kind: ratio") + 1
    with pytest.raises(CatalogueError) as error:
        load_indicator(broken)
    assert f"{broken}:{line}: kind:" in str(error.value)


def test_a_filter_with_two_forms_is_refused(tmp_path) -> None:
    source = catalogue_folder() / "children" / "grommets_children.yaml"
    broken = tmp_path / "grommets_children.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "      codes:\n      - DCA20", "      codes:\n      - DCA20\n      missing: false"
    )
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="exactly one of"):
        load_indicator(broken)


def test_adding_an_indicator_is_adding_a_file(tmp_path) -> None:
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue_folder(), folder)
    text = (folder / "children" / "grommets_children.yaml").read_text(encoding="utf-8")
    (folder / "children" / "appendectomy_children.yaml").write_text(
        text.replace("id: grommets_children", "id: appendectomy_children").replace(
            "DCA20", "JEA01"
        ),
        encoding="utf-8",
    )
    catalogue = load_catalogue.__wrapped__(folder)
    assert "appendectomy_children" in catalogue
    assert len(catalogue) == len(load_catalogue()) + 1


def test_docs_and_schema_are_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m variatlas.indicators.docs"
    schema = catalogue_folder().parent / "indicator.schema.json"
    assert schema.read_text(encoding="utf-8") == schema_text(), (
        "run: python -m variatlas.indicators.docs"
    )
    assert json.loads(schema_text())["title"] == "Indicator"


def test_every_indicator_file_says_where_its_definition_comes_from() -> None:
    import yaml

    files = sorted(catalogue_folder().rglob("*.yaml"))
    assert len(files) == len(load_catalogue())
    for path in files:
        declared = yaml.safe_load(path.read_text(encoding="utf-8")).get("conformance")
        assert declared and declared.get("status") and declared.get("source"), path.name
    statuses = {i.conformance.status for i in load_catalogue().values()}
    assert statuses == {"official", "variant", "own"}


@pytest.mark.parametrize(
    ("conformance", "complaint"),
    [
        ({"status": "variant", "source": "HDir, NKI ventetid"}, "must say in `differs`"),
        ({"status": "own", "source": "no official one found"}, "must say in `differs`"),
        ({"status": "official", "source": "HDir, NKI ventetid", "differs": "x"}, "mark it"),
        ({"status": "copied", "source": "HDir, NKI ventetid"}, "status"),
    ],
)
def test_a_variant_or_own_definition_must_say_what_differs(
    tmp_path: Path, conformance: dict[str, str], complaint: str
) -> None:
    import yaml

    source = next(catalogue_folder().rglob("tonsillectomy_children.yaml"))
    declared = yaml.safe_load(source.read_text(encoding="utf-8"))
    declared["conformance"] = conformance
    path = tmp_path / "tonsillectomy_children.yaml"
    path.write_text(yaml.safe_dump(declared, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=complaint):
        load_indicator(path)

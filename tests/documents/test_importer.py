"""tools/import_skde_documents.py remakes the shipped atlases byte for byte (two of them, one
of each generation, to stay quick; the tool writes all 23 the same way)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from variatlas.documents.loading import atlases_folder
from variatlas.indicators import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "skde"
TOOL = ROOT / "tools" / "import_skde_documents.py"


@pytest.fixture(scope="module")
def tool() -> Any:
    if not (REFERENCE / "results" / "mongts-atlas-text").exists():
        pytest.skip(f"{REFERENCE} is not available")
    # The tool imports its neighbours (skde_reasons.py) as a script run from tools/ does.
    if str(TOOL.parent) not in sys.path:
        sys.path.insert(0, str(TOOL.parent))
    spec = importlib.util.spec_from_file_location("import_skde_documents", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["barn2025", "eldre"])
def test_the_importer_remakes_the_shipped_files(tool, name: str) -> None:
    atlas = tool.Atlas(REFERENCE, name, load_catalogue())
    made = atlas.written()
    folder = atlases_folder() / name
    shipped = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert sorted(made) == shipped
    for path, text in made.items():
        assert (folder / path).read_text(encoding="utf-8") == text, path


def test_the_importer_keeps_skdes_words(tool) -> None:
    atlas = tool.Atlas(REFERENCE, "barn2025", load_catalogue())
    made = "".join(atlas.written().values())
    box = atlas.doc["kapittel"][2]["innhold"][1]
    for line in box["resultat"].splitlines():
        if line.strip() and "![" not in line:
            assert line in made, line
    assert atlas.count["boxes"] == 19
    # Every box is bound, the four drug-use boxes by county among them.
    assert atlas.count["boxes shipped"] + atlas.count["boxes partly shipped"] == 19

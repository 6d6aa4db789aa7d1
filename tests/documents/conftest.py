"""The example atlas of docs/documents.md, for the tests of this folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def example_files() -> tuple[str, str]:
    """The example's ``atlas.yaml`` and chapter, as docs/documents.md has them."""
    text = (ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    section = text.split("\n## An example", 1)[1].split("\n## ", 1)[0]
    head, body = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return head, body


def write_example(folder: Path, chapter: str | None = None) -> Path:
    """The example atlas written to ``folder/tonsils`` (its chapter replaced by ``chapter``)."""
    head, body = example_files()
    atlas = folder / "tonsils"
    (atlas / "chapters").mkdir(parents=True)
    (atlas / "atlas.yaml").write_text(head, encoding="utf-8")
    (atlas / "chapters" / "01-mandler.yaml").write_text(chapter or body, encoding="utf-8")
    return atlas


class Example:
    """Writes the example atlas (``example(folder, chapter=None)``); ``chapter``: its text."""

    chapter = example_files()[1]

    def __call__(self, folder: Path, chapter: str | None = None) -> Path:
        return write_example(folder, chapter)


@pytest.fixture
def example() -> Example:
    return Example()

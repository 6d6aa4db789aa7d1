"""Why a figure or result box is not shipped, in the page's language: a reason per language
(English and the atlas's), or one English string as atlases had before."""

from __future__ import annotations

import pytest
import yaml

from variatlas.documents import DocumentError, load_atlas
from variatlas.documents.loading import atlases_folder
from variatlas.documents.model import Figure, ResultBox, reason_in
from variatlas.publish.document_figures import reason_words

REASON = {"nb": "ikke publisert", "nn": "ikkje publisert", "en": "not published"}
WAITING = """\
- type: result
  id: waiting
  title:
    nb: Ventetid
    en: Waiting time
  summary:
    nb: Ventetiden varierte.
    en: Waiting times varied.
  data: not shipped
  reason: {reason}
"""


def _with_box(chapter: str, reason: str) -> str:
    """The example's chapter with a result box whose data are not shipped, after its blocks."""
    blocks, figures = chapter.split("\nfigures:\n")
    return f"{blocks}\n{WAITING.format(reason=reason)}figures:\n{figures}"


def test_a_page_shows_the_reason_in_its_language_or_the_nearest_written() -> None:
    assert reason_in(REASON, "nn") == ("ikkje publisert", "nn")
    assert reason_in({"nb": "ikke publisert", "en": "not published"}, "nn") == (
        "ikke publisert",
        "nb",
    )
    assert reason_in({"en": "not published"}, "nb") == ("not published", "en")
    assert reason_in("not published", "nb") == ("not published", "en")
    # The page marks a reason in another language than its own with that language.
    assert reason_words(REASON, "nb") == {"reason": "ikke publisert", "reason_lang": None}
    assert reason_words("not published", "nn") == {
        "reason": "not published",
        "reason_lang": "en",
    }


def test_a_reason_is_said_in_some_language() -> None:
    assert Figure(id="x", data="not shipped", reason=REASON).reason == REASON
    with pytest.raises(ValueError, match="needs the reason"):
        Figure(id="x", data="not shipped", reason={"en": " "})
    with pytest.raises(ValueError, match="needs the reason"):
        ResultBox(type="result", id="x", title={"nb": "x"}, summary={"nb": "x"}, data="not shipped")


def test_a_reason_lacking_english_or_a_language_of_the_atlas_is_a_fault(example, tmp_path) -> None:
    reason = "{nb: ikke publisert, nn: ikkje publisert}"
    folder = example(tmp_path, _with_box(example.chapter, reason))
    with pytest.raises(DocumentError) as error:
        load_atlas(folder)
    [fault] = error.value.faults
    assert fault.field == "blocks[3].reason"
    assert "has no reason in en" in fault.message
    lines = (folder / "chapters" / "01-mandler.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[fault.line - 1].startswith("  reason:")


def test_a_reason_in_english_and_the_atlas_languages_and_an_old_single_string_are_valid(
    example, tmp_path
) -> None:
    for reason in ("{nb: ikke publisert, en: not published}", "not published"):
        folder = example(tmp_path / reason[:3], _with_box(example.chapter, reason))
        load_atlas(folder)


def test_skdes_atlases_give_every_reason_in_bokmal_nynorsk_and_english() -> None:
    reasons = 0
    for path in sorted(atlases_folder().glob("*/chapters/*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() == "reason:":
                reasons += 1
        chapter = yaml.safe_load(path.read_text(encoding="utf-8"))
        said = [*chapter.get("blocks", []), *chapter.get("figures", [])]
        for item in said:
            if "reason" in item:
                assert set(item["reason"]) == {"nb", "nn", "en"}, path
    assert reasons > 100

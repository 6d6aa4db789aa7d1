"""Reading an atlas folder and checking it: every fault one sentence naming file, line, field.

``check_atlas`` reads ``atlas.yaml`` and each chapter file, checks them against the models
(model.py), then against each other and the catalogue: the folder is named by the atlas's id,
the chapter files are those listed, every text is in every language of the atlas and in no
other, every figure names indicators of the catalogue (and, for the publisher's figures
shipped in ``variatlas.indicators/data``, a level and period they have), ids are unique, every
placeholder parses and names what exists, and every figure of a chapter is shown by a text.
``load_atlas`` returns the document or raises ``DocumentError`` with all faults.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from variatlas.documents.model import Atlas, Chapter, Figure, ResultBox
from variatlas.documents.placeholders import PlaceholderSyntaxError, find, parse
from variatlas.indicators.model import SAFE_LOADER, Indicator, load_catalogue

TAGS = ("text", "fact", "result")
KEYS = ("indicator", "level", "area", "period")
"""The first columns of a file of published figures (the ``aggregates`` table)."""


@dataclass(frozen=True)
class Fault:
    """One fault of a document: where it is and what is wrong, said in one sentence."""

    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class DocumentError(ValueError):
    """An atlas folder with faults; the message is one line per fault."""

    def __init__(self, faults: list[Fault]) -> None:
        super().__init__("\n".join(str(f) for f in faults))
        self.faults = faults


@dataclass
class Source:
    """A YAML file as read, with its node tree composed when a line is wanted."""

    path: Path
    text: str
    _root: Any = None

    def node(self, location: tuple[Any, ...]) -> Any:
        if self._root is None:
            self._root = yaml.compose(self.text) or yaml.ScalarNode("tag:yaml.org,2002:null", "")
        node = self._root
        for key in location:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == str(key)), None)
                if match is None:
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    break
                node = node.value[key]
            else:
                break
        return node

    def line(self, location: tuple[Any, ...], offset: int = 0) -> int:
        """The line (from 1) of a key path; ``offset``: a line within the text found there."""
        node = self.node(location)
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        return int(node.start_mark.line) + 1 + (1 + offset if block else 0)


def field_name(location: tuple[Any, ...]) -> str:
    """A key path as a reader writes it: ``blocks[2].figures[0].indicator``."""
    text = ""
    for key in location:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(top)"


def _location(loc: tuple[Any, ...], error_type: str) -> tuple[Any, ...]:
    """Pydantic's location without the tag it inserts after a block's index."""
    found = list(loc)
    for i in range(len(found) - 2):
        if found[i] == "blocks" and isinstance(found[i + 1], int) and found[i + 2] in TAGS:
            if not error_type.startswith("union_tag"):
                del found[i + 2]
            break
    return tuple(k for k in found if k != "[key]")


def _model_faults(source: Source, error: ValidationError) -> list[Fault]:
    faults = []
    for problem in error.errors():
        location = _location(problem["loc"], problem["type"])
        message = problem["msg"].removeprefix("Value error, ")
        value = problem.get("input")
        if problem["type"] in ("literal_error", "string_pattern_mismatch", "enum") and isinstance(
            value, str | int | float
        ):
            message += f", not {value!r}"
        faults.append(Fault(source.path, source.line(location), field_name(location), message))
    return faults


def _read(path: Path, model: type[BaseModel]) -> tuple[Source, Any, list[Fault]]:
    """A file read and checked against its model: (source, model or None, faults)."""
    source = Source(path, path.read_text(encoding="utf-8"))
    try:
        data = yaml.load(source.text, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or "the file cannot be read"
        return source, None, [Fault(path, line, "(top)", f"not valid YAML: {reason}")]
    try:
        return source, model.model_validate(data), []
    except ValidationError as error:
        return source, None, _model_faults(source, error)


def texts(value: Any, location: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict]]:
    """Every text (a mapping of language to Markdown) of a model, with its key path; not the
    reasons, which are plain text in English and the atlas's languages (``reasons``)."""
    if isinstance(value, dict):
        yield location, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name != "reason":
                yield from texts(getattr(value, name), (*location, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, (*location, i))


def figures(chapter: Chapter) -> Iterator[tuple[tuple[Any, ...], Figure]]:
    """Every figure of a chapter (of its result boxes, and those its texts show)."""
    for b, block in enumerate(chapter.blocks):
        if isinstance(block, ResultBox):
            for f, figure in enumerate(block.figures):
                yield ("blocks", b, "figures", f), figure
    for f, figure in enumerate(chapter.figures):
        yield ("figures", f), figure


@cache
def published_cells() -> dict[str, dict[str, dict[str, frozenset[str]]]]:
    """The publisher's figures shipped in ``variatlas.indicators/data``: indicator → level →
    period → areas. Their levels and periods are known before any data are computed."""
    found: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for item in sorted((files("variatlas.indicators") / "data").iterdir(), key=str):
        if not item.name.endswith(".csv"):
            continue
        with item.open(encoding="utf-8") as handle:
            rows = csv.DictReader(handle)
            if list(rows.fieldnames or [])[:4] != list(KEYS):
                continue
            for row in rows:
                found[row["indicator"]][row["level"]][row["period"]].add(row["area"])
    return {
        i: {lv: {p: frozenset(a) for p, a in periods.items()} for lv, periods in levels.items()}
        for i, levels in found.items()
    }


@dataclass
class Checker:
    """The checks that need more than one file: languages, catalogue, ids, placeholders."""

    atlas: Atlas
    catalogue: Mapping[str, Indicator]
    faults: list[Fault] = field(default_factory=list)
    ids: Counter[str] = field(default_factory=Counter)

    def fault(
        self, source: Source, location: tuple[Any, ...], message: str, offset: int = 0
    ) -> None:
        line = source.line(location, offset)
        self.faults.append(Fault(source.path, line, field_name(location), message))

    def languages(self, source: Source, model: BaseModel) -> None:
        wanted = self.atlas.languages
        for location, text in texts(model):
            for lang in wanted:
                if lang not in text:
                    message = f"has no text in {lang} (the atlas is in {', '.join(wanted)})"
                    self.fault(source, location, message)
            for lang in text:
                if lang not in wanted:
                    message = (
                        f"is in {lang}, which is not among the atlas's languages "
                        f"({', '.join(wanted)})"
                    )
                    self.fault(source, (*location, lang), message)

    def reasons(self, source: Source, chapter: Chapter) -> None:
        """A reason written per language is in English and in every language of the atlas."""
        said: list[tuple[tuple[Any, ...], ResultBox | Figure]] = [
            (("blocks", b), block)
            for b, block in enumerate(chapter.blocks)
            if isinstance(block, ResultBox)
        ]
        said += figures(chapter)
        for location, item in said:
            reason = item.reason
            if isinstance(reason, str) or not reason:
                continue
            for lang in dict.fromkeys(("en", *self.atlas.languages)):
                if lang not in reason:
                    message = f"has no reason in {lang} (a reason is in en and in the atlas's)"
                    self.fault(source, (*location, "reason"), message)

    def missing(
        self, indicator: str, level: str, period: str | None, area: str | None = None
    ) -> tuple[str, str] | None:
        """What of an indicator, level, period and area does not exist (where that can be
        known): the part (``indicator``, ``level``, ``period``, ``area``) and why; or None."""
        if indicator not in self.catalogue:
            return "indicator", f"{indicator!r} is not an indicator of the catalogue"
        known = published_cells().get(indicator)
        if known is None:
            return None
        if level not in known:
            return (
                "level",
                f"{indicator} has no figures at the level {level} (it has {', '.join(known)})",
            )
        if period is not None and period not in known[level]:
            periods = ", ".join(sorted(known[level]))
            return "period", (
                f"{indicator} has no figures for {period} at the level {level} (it has {periods})"
            )
        if period is not None and area is not None and area not in known[level][period]:
            return "area", (
                f"{indicator} has no figure for the area {area!r} at the level {level} in {period}"
            )
        return None

    def unique(self, source: Source, location: tuple[Any, ...], name: str) -> None:
        self.ids[name] += 1
        if self.ids[name] == 2:
            self.fault(source, location, f"the id {name} is used twice in the atlas")

    def chapter(self, source: Source, chapter: Chapter) -> None:
        self.languages(source, chapter)
        self.reasons(source, chapter)
        for b, block in enumerate(chapter.blocks):
            if isinstance(block, ResultBox):
                self.unique(source, ("blocks", b, "id"), block.id)
        for location, figure in figures(chapter):
            if figure.id is not None:
                self.unique(source, (*location, "id"), figure.id)
            named: list[tuple[tuple[Any, ...], str | None]] = [(("indicator",), figure.indicator)]
            named += [(("also", i), other) for i, other in enumerate(figure.also)]
            for key, indicator in named:
                problem = (
                    self.missing(indicator, figure.level, figure.period) if indicator else None
                )
                if problem:
                    part, why = problem
                    self.fault(source, (*location, *(key if part == "indicator" else (part,))), why)
        shown = self.placeholders(source, chapter, {str(f.id) for f in chapter.figures})
        for f, figure in enumerate(chapter.figures):
            if figure.id not in shown:
                self.fault(
                    source,
                    ("figures", f, "id"),
                    f"no text of the chapter shows the figure {figure.id} "
                    f"(write {{{{ figure {figure.id} }}}} where it belongs)",
                )

    def placeholders(self, source: Source, model: BaseModel, declared: set[str]) -> set[str]:
        """Check every placeholder of the texts of a chapter (whose figures are ``declared``)
        or of the atlas's head; return the figures they show."""
        shown: set[str] = set()
        for location, text in texts(model):
            per_language: dict[str, set[str]] = {}
            for lang, markdown in text.items():
                at = (*location, lang)
                per_language[lang] = set()
                for offset, written in find(markdown):
                    try:
                        p = parse(written)
                    except PlaceholderSyntaxError as error:
                        self.fault(source, at, str(error), offset)
                        continue
                    if p.what == "figure":
                        shown.add(str(p.figure))
                        per_language[lang].add(str(p.figure))
                        if p.figure not in declared:
                            self.fault(
                                source,
                                at,
                                f"{written}: names no figure of the chapter's figures",
                                offset,
                            )
                        continue
                    problem = self.missing(str(p.indicator), str(p.level), p.period, p.area)
                    if problem:
                        self.fault(source, at, f"{written}: {problem[1]}", offset)
            everywhere = set.intersection(*per_language.values()) if per_language else set()
            for lang, figures_shown in per_language.items():
                for name in sorted(figures_shown - everywhere):
                    others = ", ".join(sorted(k for k, v in per_language.items() if name not in v))
                    message = f"shows the figure {name} in {lang} but not in {others}"
                    self.fault(source, (*location, lang), message)
        return shown


@dataclass(frozen=True)
class Document:
    """An atlas as read: its head and its chapters (file name → chapter), in order."""

    folder: Path
    atlas: Atlas
    chapters: dict[str, Chapter]


def check_atlas(
    folder: Path, catalogue: Mapping[str, Indicator] | None = None
) -> tuple[Document | None, list[Fault]]:
    """An atlas folder read and checked: the document (None where a file cannot be read as
    its model) and every fault found."""
    head = folder / "atlas.yaml"
    if not head.is_file():
        return None, [Fault(head, 1, "(top)", "the atlas folder has no atlas.yaml")]
    source, atlas, faults = _read(head, Atlas)
    if atlas is None:
        return None, faults
    checker = Checker(atlas, catalogue if catalogue is not None else load_catalogue())
    if atlas.id != folder.name:
        checker.fault(
            source, ("id",), f"the id {atlas.id} must be the folder's name, {folder.name}"
        )
    checker.languages(source, atlas)
    checker.placeholders(source, atlas, set())
    chapters: dict[str, Chapter] = {}
    listed = set(atlas.chapters)
    for name in sorted(p.name for p in (folder / "chapters").glob("*.yaml")):
        if name not in listed:
            checker.fault(
                source, ("chapters",), f"lists no chapter file {name}, which is in chapters/"
            )
    for i, name in enumerate(atlas.chapters):
        path = folder / "chapters" / name
        if not path.is_file():
            checker.fault(
                source, ("chapters", i), f"names {name}, which is not a file in chapters/"
            )
            continue
        chapter_source, chapter, read_faults = _read(path, Chapter)
        checker.faults += read_faults
        if chapter is not None:
            checker.chapter(chapter_source, chapter)
            chapters[name] = chapter
    faults = checker.faults
    complete = not faults and len(chapters) == len(atlas.chapters)
    return (Document(folder, atlas, chapters) if complete else None), faults


def load_atlas(folder: Path, catalogue: Mapping[str, Indicator] | None = None) -> Document:
    """An atlas folder read and checked; ``DocumentError`` lists every fault."""
    document, faults = check_atlas(folder, catalogue)
    if faults or document is None:
        raise DocumentError(faults)
    return document


def atlases_folder() -> Path:
    """The shipped atlases: ``variatlas/documents/atlases/<id>/``."""
    return Path(str(files("variatlas.documents") / "atlases"))


def shipped_atlases() -> list[Path]:
    return sorted(p.parent for p in atlases_folder().glob("*/atlas.yaml"))

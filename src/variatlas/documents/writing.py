"""Writing a document's YAML as an analyst would: Markdown texts as literal blocks.

PyYAML writes a text with a trailing space, as Markdown often has, as one double-quoted line of
``\\n`` escapes. ``dump`` writes every text of several lines as a literal block (``|``), which a
reader edits as the Markdown it is, and falls back to a quoted scalar only where a block
cannot hold the text (control characters, a carriage return). Each scalar is checked to read
back as written.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import yaml

from variatlas.indicators.model import SAFE_LOADER

INDENT = "  "
BREAKS = frozenset("\r\x85\u2028\u2029\ufeff")
"""Characters a literal block would read as a line break (or drop)."""


LOADERS = tuple({SAFE_LOADER, yaml.SafeLoader})
"""libyaml's loader and PyYAML's own: they differ at the edges (a tab in a plain scalar)."""


def reads_back(text: str, data: object) -> bool:
    """Whether every loader reads ``text`` as ``data``."""
    try:
        return all(yaml.load(text, Loader=loader) == data for loader in LOADERS)
    except yaml.YAMLError:
        return False


def _reads_back(written: str, value: object) -> bool:
    return reads_back(f"k: {written}\n", {"k": value})


def _block(text: str, indent: str) -> str | None:
    """A literal block scalar of ``text`` at ``indent``, or None where one cannot hold it."""
    if any(c in BREAKS or (unicodedata.category(c) == "Cc" and c not in "\n\t") for c in text):
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    hint = str(len(INDENT)) if text[:1] in (" ", "\n") else ""
    lines = [(indent + line if line else "") for line in body.split("\n")]
    lines += [""] * (trailing - 1 if trailing > 1 else 0)
    return f"|{hint}{chomp}\n" + "\n".join(lines)


def scalar(value: object, indent: str) -> str:
    """One value as YAML after ``key: `` (or ``- ``) at ``indent``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if "\n" not in text and text.strip() == text and text and _reads_back(text, text):
        return text
    if "\n" in text.rstrip("\n") or text.endswith("\n"):
        block = _block(text, indent + INDENT)
        if block is not None and _reads_back(block.replace("\n" + indent, "\n"), text):
            return block
    quoted = _quoted(text)
    if _reads_back(quoted, text):
        return quoted
    raise ValueError(f"the text {text[:40]!r}… cannot be written as YAML")


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def _printable(o: int) -> bool:
    """A character YAML reads as itself inside double quotes (not a control character, not a
    line break, no byte order mark)."""
    return (
        0x20 <= o <= 0x7E
        or (0xA0 <= o <= 0xD7FF and o not in (0x2028, 0x2029))
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
        or 0x10000 <= o <= 0x10FFFF
    )


def _quoted(text: str) -> str:
    """A double-quoted scalar: escapes for what YAML would not read as itself."""
    out = []
    for c in text:
        o = ord(c)
        if c in ESCAPES:
            out.append(ESCAPES[c])
        elif _printable(o):
            out.append(c)
        else:
            out.append(
                f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}"
            )
    return '"' + "".join(out) + '"'


def _lines(value: Any, indent: str) -> list[str]:
    """A mapping or sequence as YAML lines at ``indent`` (block style)."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{indent}{key}:")
                out += _lines(item, indent + INDENT if isinstance(item, dict) else indent)
            else:
                out.append(f"{indent}{key}: {_empty(item) or scalar(item, indent)}")
        return out
    for item in value:
        if isinstance(item, dict | list) and item:
            inner = _lines(item, indent + INDENT)
            out.append(f"{indent}- {inner[0][len(indent) + len(INDENT) :]}")
            out += inner[1:]
        else:
            out.append(f"{indent}- {_empty(item) or scalar(item, indent)}")
    return out


def _empty(value: object) -> str:
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    return ""


def dump(data: dict[str, Any], comment: str = "") -> str:
    """``data`` as a YAML document (block style, keys in their order), ``comment`` lines first;
    it reads back as ``data``."""
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    text = head + "\n".join(_lines(data, "")) + "\n"
    if not reads_back(text, data):
        raise ValueError("the document does not read back as written")
    return text

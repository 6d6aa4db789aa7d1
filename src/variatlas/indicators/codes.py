"""Code lists (ICD-10, NCSP) as regular expressions that every engine can run."""

from __future__ import annotations

import re

_RANGE = re.compile(r"^([A-Z]+)(\d+)-([A-Z]+)(\d+)$")


def normalise_code(code: str) -> str:
    """``J35.0`` → ``J350``: codes are stored upper-case and without the dot."""
    return code.replace(".", "").replace(" ", "").upper()


def expand(code: str) -> list[str]:
    """A code, prefix or range (``T10-T39``, ``S72.0-S72.2``) as a list of prefixes."""
    code = normalise_code(code)
    match = _RANGE.match(code)
    if not match:
        return [code]
    letters, first, end_letters, last = match.groups()
    if letters != end_letters or len(first) != len(last):
        raise ValueError(f"a code range must keep its letters and length: {code}")
    if int(first) > int(last):
        raise ValueError(f"the code range {code} ends before it starts")
    width = len(first)
    return [f"{letters}{n:0{width}d}" for n in range(int(first), int(last) + 1)]


def code_prefixes(codes: list[str]) -> list[str]:
    """The codes, prefixes and ranges as the sorted prefixes a value may start with."""
    return sorted({p for code in codes for p in expand(code)})


def code_pattern(codes: list[str], list_column: bool = False) -> str:
    """A regular expression matching a value that starts with one of the codes.

    For list columns (space-separated codes), any code of the list may match.
    """
    prefixes = code_prefixes(codes)
    alternatives = "|".join(re.escape(p) for p in prefixes)
    return f"(^| )({alternatives})" if list_column else f"^({alternatives})"

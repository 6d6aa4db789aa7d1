"""What validation says: per table, rows read, accepted and set aside, why, and what it found
out about the file; for the folder, which tables were there."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TableReport:
    """What happened to one table's file."""

    table: str
    file: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_set_aside: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    refused: str = ""
    notes: Counter[str] = field(default_factory=Counter)
    inferred: list[str] = field(default_factory=list)
    """How the file was read where that was found out rather than given (encoding, delimiter,
    spellings read as something else)."""

    def top_reasons(self, n: int = 3) -> list[tuple[str, int]]:
        return self.reasons.most_common(n)

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "file": self.file,
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_set_aside": self.rows_set_aside,
            "reasons": dict(self.reasons.most_common()),
            "notes": dict(self.notes),
            "inferred": self.inferred,
            "refused": self.refused,
        }


@dataclass
class FolderReport:
    """The validation of a whole input folder."""

    input: str
    tables: dict[str, TableReport]
    absent: list[str]

    @property
    def refused(self) -> dict[str, TableReport]:
        return {name: r for name, r in self.tables.items() if r.refused}

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "tables": {name: r.as_dict() for name, r in self.tables.items()},
            "absent": self.absent,
        }

    def write(self, out: Path) -> None:
        (out / "validation.json").write_text(json.dumps(self.as_dict(), indent=2) + "\n")

"""Check atlas folders: ``python -m variatlas.documents [FOLDER ...]`` (default: the shipped).

Prints every fault, one sentence a line, and exits with 1 if there is any. With
``--schemas``, writes the JSON schemas (``atlas.schema.json``, ``chapter.schema.json``) from
the models instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from variatlas.documents.loading import check_atlas, shipped_atlases
from variatlas.documents.model import SCHEMAS, schema_text


def main(arguments: list[str]) -> int:
    if arguments == ["--schemas"]:
        for name in SCHEMAS:
            path = Path(__file__).parent / name
            path.write_text(schema_text(name), encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
        return 0
    folders = [Path(a) for a in arguments] or shipped_atlases()
    found = 0
    for folder in folders:
        _, faults = check_atlas(folder)
        for fault in faults:
            print(fault)
        found += len(faults)
    print(f"{len(folders)} atlases checked, {found} faults", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The architecture as the code has it: what the read-only server loads, and module sizes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "variatlas"
HEAVY = ("ibis", "pandera", "pyspark", "duckdb")


def test_the_api_loads_nothing_of_the_engine_or_the_input_contract() -> None:
    script = (
        "import sys, variatlas.publish.api; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", loaded
    for package in ("variatlas.engine", "variatlas.contract", "variatlas.compute"):
        script = f"import sys, variatlas.publish.api; print({package!r} in sys.modules)"
        found = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert found == "False", package


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(SOURCE)): n
        for path in SOURCE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}

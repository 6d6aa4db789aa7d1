"""The provenance of a results set: inputs, engine, run time and definitions."""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path
from typing import Any

import pandas as pd

from variatlas import __version__
from variatlas.geography import Coverage
from variatlas.indicators.model import Indicator
from variatlas.results import CONFIDENCE


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _report(validated: Path) -> dict[str, Any]:
    """The validation report (``validation.json``), or nothing."""
    report_path = validated / "validation.json"
    found: dict[str, Any] = json.loads(report_path.read_text()) if report_path.exists() else {}
    return found


def _inputs(validated: Path) -> dict[str, Any]:
    """Per input table: its file, SHA-256 and rows read, accepted and set aside."""
    report = _report(validated)
    source = Path(report.get("input", ""))
    inputs = {}
    for name, table in report.get("tables", {}).items():
        path = source / table.get("file", "")
        inputs[name] = {
            "file": table.get("file"),
            "sha256": hash_file(path) if path.is_file() else None,
            "rows_read": table.get("rows_read"),
            "rows_accepted": table.get("rows_accepted"),
            "rows_set_aside": table.get("rows_set_aside"),
        }
    return inputs


def _synthetic(validated: Path) -> dict[str, Any] | None:
    """Synthetic Norway's seed, scale and years where the input folder was made by
    ``variatlas synth`` (which writes its planted effects to ``truth.json`` there), else None:
    an atlas written about synthetic data is drawn only from such results (docs/documents.md)."""
    source = _report(validated).get("input")
    truth_path = Path(source) / "truth.json" if source else None
    if truth_path is None or not truth_path.is_file():
        return None
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(truth, dict):
        return None
    return {key: truth.get(key) for key in ("seed", "scale", "years")}


def provenance(
    validated: Path,
    engine: str,
    chosen: list[Indicator],
    years: list[int],
    seconds: float,
    problems: dict[str, str],
    assumed_empty: dict[str, list[str]] | None = None,
    coverage: Coverage | None = None,
    reuse: dict[str, object] | None = None,
) -> dict[str, object]:
    """What ``provenance.json`` records of a compute run.

    ``computed_at``, ``run_seconds`` and ``reuse`` (what the run took from an earlier one)
    describe the run; everything else describes the results, and is the same for a run that
    reused an earlier one as for a full run on the same input."""
    return {
        "variatlas_version": __version__,
        "python": platform.python_version(),
        "engine": engine,
        "computed_at": pd.Timestamp.now(tz="UTC").isoformat(),
        "run_seconds": round(seconds, 2),
        "years": years,
        "confidence": CONFIDENCE,
        "standardisation": {
            "direct": "age (5-year bands, 90+) and sex, to the national population of the "
            f"reference year {max(years)} (the last year in the data)",
            "multi_year": "periods of 3 consecutive years; numerator and denominator are period "
            "totals (person-years), so the rate is the yearly mean",
        },
        "inputs": (inputs := _inputs(validated)),
        "lead_times": "the input's cancer_lead_times table"
        if "cancer_lead_times" in inputs
        else "shipped: variatlas/indicators/data/cancer_lead_times.csv",
        "indicators": {i.id: i.definition_hash for i in chosen},
        "not_computed": problems,
        "optional_tables_absent": assumed_empty or {},
        "coverage": _coverage(coverage),
        "reuse": reuse or {"from": None},
        "synthetic": _synthetic(validated),
    }


def _coverage(coverage: Coverage | None) -> dict[str, object]:
    if coverage is None or coverage.national:
        return {"national": True, "comparator": "Norway"}
    return {
        "national": False,
        "comparator": "all areas in the data",
        "municipalities": sorted(coverage.municipalities),
        "referral_areas": sorted(coverage.referral_areas, key=int),
        "regions": sorted(coverage.regions),
        "note": "a regional extract: results only for the areas whose whole population is "
        "in the population table, compared with all areas in the data, not with Norway",
    }

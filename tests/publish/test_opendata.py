"""The open data as standard clients read it: frictionless, a spreadsheet, a naive CSV reader."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest


def test_frictionless_finds_no_error_in_the_data_package(site: Path) -> None:
    """Every CSV resource, and the spreadsheet and Parquet files of two indicators (the
    same writer makes every indicator's, and reading spreadsheets is most of the time)."""
    frictionless = pytest.importorskip("frictionless")
    descriptor = json.loads((site / "datapackage.json").read_text())
    sampled = ("tonsillectomy_children-", "readmission_elderly-")
    descriptor["resources"] = [
        r
        for r in descriptor["resources"]
        if r["format"] not in ("xlsx", "parquet") or r["name"].startswith(sampled)
    ]
    package = frictionless.Package.from_descriptor(descriptor, basepath=str(site))
    report = package.validate()
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, errors[:5]
    assert len(report.tasks) > 100
    formats = {r["format"] for r in descriptor["resources"]}
    assert {"csv", "xlsx", "parquet"} <= formats


def test_every_tabular_resource_has_a_table_schema_with_text_area_codes(site: Path) -> None:
    package = json.loads((site / "datapackage.json").read_text())
    tabular = [r for r in package["resources"] if r["format"] in ("csv", "xlsx", "parquet")]
    assert tabular
    for resource in tabular:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        assert resource["schema"]["primaryKey"], resource["name"]
        code = fields.get("area") or fields.get("code")
        if code is not None:
            assert code["type"] == "string", resource["name"]


def test_every_area_in_the_results_is_named_in_the_areas_resource(site: Path) -> None:
    areas = pd.read_csv(site / "data" / "areas.csv", dtype=str, keep_default_na=False)
    results = pd.read_csv(site / "data" / "results.csv", dtype=str, keep_default_na=False)
    known = set(zip(areas["level"], areas["code"], strict=True))
    used = set(zip(results["level"], results["area"], strict=True))
    assert used <= known, sorted(used - known)[:5]
    assert ("municipality", "0301") in known
    assert areas["name"].ne("").all()


def test_the_spreadsheet_keeps_code_columns_as_text_and_numbers_as_numbers(site: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    package = json.loads((site / "datapackage.json").read_text())
    sheet_paths = [r["path"] for r in package["resources"] if r["format"] == "xlsx"]
    assert sheet_paths
    csv_path = Path(sheet_paths[0]).with_suffix(".csv")
    expected = pd.read_csv(site / csv_path, dtype=str, keep_default_na=False)
    sheet = openpyxl.load_workbook(site / sheet_paths[0], read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(expected.columns)
    assert len(rows) - 1 == len(expected)
    area, value = header.index("area"), header.index("value")
    municipal = [r for r in rows[1:] if r[header.index("level")] == "municipality"]
    assert municipal
    assert all(isinstance(r[area], str) and len(r[area]) == 4 for r in municipal)
    assert any(r[area].startswith("0") for r in municipal)
    assert all(r[value] is None or isinstance(r[value], int | float) for r in rows[1:])
    suppressed = expected["value"].eq("")
    assert [r[value] is None for r in rows[1:]] == suppressed.tolist()


def test_one_process_and_two_workers_write_the_same_files(
    disclosed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the open data, the spreadsheets too (dated by the computation, not by the
    clock), is the same whether written in one process or by workers."""
    from variatlas.geography import load_geography
    from variatlas.indicators import load_catalogue
    from variatlas.publish.opendata import write_open_data

    for workers in ("1", "2"):
        monkeypatch.setenv("VARIATLAS_WORKERS", workers)
        write_open_data(disclosed, load_catalogue(), tmp_path / workers, load_geography())
    one = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*.*"))
    two = sorted(p.relative_to(tmp_path / "2") for p in (tmp_path / "2").rglob("*.*"))
    assert one == two and len(one) > 4 * 200
    different = [
        p for p in one if (tmp_path / "1" / p).read_bytes() != (tmp_path / "2" / p).read_bytes()
    ]
    assert different == []


def test_comparisons_and_inequality_are_resources_with_their_own_columns(site: Path) -> None:
    """comparisons.csv and inequality.csv (validated with the rest above) hold what their
    Table Schemas declare, and area codes keep their zeros."""
    from variatlas.results import COMPARATORS, COMPARISON_FIELDS, INEQUALITY_FIELDS

    package = json.loads((site / "datapackage.json").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    for name, fields in (("comparisons", COMPARISON_FIELDS), ("inequality", INEQUALITY_FIELDS)):
        declared = [f["name"] for f in resources[name]["schema"]["fields"]]
        assert declared == [f.name for f in fields]
        written = pd.read_csv(site / resources[name]["path"], dtype=str, keep_default_na=False)
        assert list(written.columns) == declared
        assert len(written) > 0, name
    compared = pd.read_csv(site / "data" / "comparisons.csv", dtype=str, keep_default_na=False)
    assert set(compared["comparator"]) <= set(COMPARATORS)
    assert {"kostra_group", "centrality", "previous"} <= set(compared["comparator"])
    oslo = compared[(compared["level"] == "municipality") & (compared["area"] == "0301")]
    assert len(oslo) > 0
    hidden = compared["comparison"] == "not compared"
    assert (compared.loc[hidden, "reason"] != "").all()
    assert (compared.loc[~hidden, "reason"] == "").all()

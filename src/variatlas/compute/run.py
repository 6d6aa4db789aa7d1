"""``variatlas compute``: validated input → indicator results and variation summaries."""

from __future__ import annotations

import hashlib
import json
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from variatlas import __version__
from variatlas.compute.casemix import logistic_expected_share
from variatlas.compute.results import (
    CONFIDENCE,
    RESULT_COLUMNS,
    Slice,
    aggregate_results,
    area_names,
    count_results,
    duration_results,
    mean_results,
    proportion_results,
    rate_results,
    slices,
)
from variatlas.compute.summaries import SUMMARY_COLUMNS, funnel_flags, summarise
from variatlas.engine import Backend, compile_indicator, open_backend
from variatlas.geography import load_geography
from variatlas.geography.placement import prepare_input
from variatlas.indicators.model import Indicator, load_catalogue


@dataclass
class ComputeOutput:
    results: pd.DataFrame
    variation: pd.DataFrame
    provenance: dict[str, object]
    problems: dict[str, str] = field(default_factory=dict)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def validated_folder(input: Path, out: Path) -> Path:
    """``input`` itself when it is a validated folder, else validate it into ``out/validated``."""
    if (input / "accepted").is_dir():
        return input
    target = out / "validated"
    report = prepare_input(input, target)
    if report.refused:
        names = ", ".join(f"{r.file} ({r.refused})" for r in report.refused.values())
        raise ValueError(f"the input has files that cannot be read: {names}")
    return target


def _indicator_results(indicator: Indicator, backend: Backend, years: list[int]) -> pd.DataFrame:
    if indicator.source == "aggregates":
        if "aggregates" not in backend.tables:
            return pd.DataFrame(columns=RESULT_COLUMNS)
        table = backend.tables["aggregates"]
        rows = backend.execute(table.filter(table.indicator == indicator.id))
        return (
            aggregate_results(indicator, rows)
            if len(rows)
            else pd.DataFrame(columns=RESULT_COLUMNS)
        )
    if indicator.source not in backend.tables:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    compiled = compile_indicator(indicator, backend.tables, years)
    cells = backend.execute(compiled.cells)
    if cells.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    population = backend.execute(compiled.population) if compiled.population is not None else None
    frames = []
    if population is not None:
        standard = population[population["year"] == max(years)]
        residence = {"year", "sex", "band", "municipality", "referral_area", "region"}
        cells = cells.groupby(
            [c for c in cells.columns if c in residence], as_index=False, dropna=False
        )["numerator"].sum()
        pop_parts = {(p.level, p.sex): p for p in slices(population, indicator, years)}
        for part in slices(cells, indicator, years):
            people = pop_parts[(part.level, part.sex)].cells
            frames.append(rate_results(indicator, part, people, standard))
        return pd.concat(frames, ignore_index=True)
    for part in slices(cells, indicator, years):
        frames.append(_kind_results(indicator, part))
    return pd.concat(frames, ignore_index=True)


def _kind_results(indicator: Indicator, part: Slice) -> pd.DataFrame:
    if indicator.kind == "duration":
        return duration_results(indicator, part)
    if indicator.kind == "mean_score":
        return mean_results(indicator, part)
    if indicator.kind == "count":
        return count_results(indicator, part)
    share = None
    if indicator.standardisation.method == "logistic":
        covariates = [
            c
            for c in indicator.standardisation.covariates
            if not (c == "sex" and part.sex != "all")
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            share = logistic_expected_share(part.cells, covariates)
    return proportion_results(indicator, part, share)


def _need_covariates(backend: Backend, fact: str, years: list[int]) -> dict[str, pd.Series]:
    if "municipal_facts" not in backend.tables:
        return {}
    facts = backend.tables["municipal_facts"]
    values = backend.execute(facts.filter(facts.fact == fact))
    if values.empty:
        return {}
    by_municipality = values.groupby("municipality")["value"].mean()
    people = backend.tables["population"]
    population = backend.execute(
        people.filter(people.year == max(years))
        .group_by(["municipality", "referral_area", "region"])
        .aggregate(population=people.population.sum())
    )
    population["covariate"] = population["municipality"].map(by_municipality)
    population = population[population["covariate"].notna()]
    found = {"municipality": by_municipality}
    for level in ("referral_area", "region"):
        weighted = population.assign(w=population["covariate"] * population["population"])
        grouped = weighted.groupby(level)[["w", "population"]].sum()
        found[level] = grouped["w"] / grouped["population"]
    return found


def _name_areas(results: pd.DataFrame, names: dict[str, dict[str, str]]) -> pd.DataFrame:
    if "area_name" not in results:
        results["area_name"] = None
    results["area_name"] = results["area_name"].astype(object)
    missing = results["area_name"].isna()
    for level, lookup in names.items():
        rows = missing & (results["level"] == level)
        results.loc[rows, "area_name"] = results.loc[rows, "area"].map(lookup)
    results["area_name"] = results["area_name"].fillna(results["area"])
    return results


def compute(
    input: Path,
    out: Path,
    *,
    engine: str = "duckdb",
    indicators: list[str] | None = None,
    on_indicator: Callable[[str], None] | None = None,
    engine_options: dict[str, object] | None = None,
) -> ComputeOutput:
    """Compute every catalogue indicator (or those named) on ``input`` into ``out``."""
    started = time.time()
    out.mkdir(parents=True, exist_ok=True)
    validated = validated_folder(input, out)
    catalogue = load_catalogue()
    chosen = [catalogue[i] for i in indicators] if indicators else list(catalogue.values())
    backend = open_backend(validated / "accepted", engine, **(engine_options or {}))
    try:
        population = backend.tables["population"]
        years = sorted(
            int(y) for y in backend.execute(population.select("year").distinct())["year"]
        )
        names = area_names(load_geography())
        results, summaries, problems = [], [], {}
        for indicator in chosen:
            if on_indicator is not None:
                on_indicator(indicator.id)
            frame = _indicator_results(indicator, backend, years)
            if frame.empty:
                problems[indicator.id] = "no input rows (its table is absent or empty)"
                continue
            frame = _name_areas(frame, names)
            frame["funnel"] = funnel_flags(indicator, frame)
            need = (
                _need_covariates(backend, indicator.need_covariate, years)
                if indicator.need_covariate
                else None
            )
            results.append(frame.reindex(columns=RESULT_COLUMNS))
            summaries.append(summarise(indicator, frame, need))
    finally:
        backend.close()
    result_table = (
        pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=RESULT_COLUMNS)
    )
    variation = (
        pd.concat(summaries, ignore_index=True)
        if summaries
        else pd.DataFrame(columns=SUMMARY_COLUMNS)
    )
    provenance = _provenance(validated, engine, chosen, years, time.time() - started, problems)
    output = ComputeOutput(result_table, variation, provenance, problems)
    write(output, out)
    return output


def _provenance(
    validated: Path,
    engine: str,
    chosen: list[Indicator],
    years: list[int],
    seconds: float,
    problems: dict[str, str],
) -> dict[str, object]:
    report_path = validated / "validation.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    tables = report.get("tables", {})
    inputs = {}
    source = Path(report.get("input", ""))
    for name, table in tables.items():
        path = source / table.get("file", "")
        inputs[name] = {
            "file": table.get("file"),
            "sha256": _hash_file(path) if path.is_file() else None,
            "rows_read": table.get("rows_read"),
            "rows_accepted": table.get("rows_accepted"),
            "rows_set_aside": table.get("rows_set_aside"),
        }
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
        "inputs": inputs,
        "indicators": {i.id: i.definition_hash for i in chosen},
        "not_computed": problems,
    }


def write(output: ComputeOutput, out: Path) -> None:
    """Results and variation summaries as Parquet and CSV, with provenance.json."""
    for name, frame in (("results", output.results), ("variation", output.variation)):
        frame.to_parquet(out / f"{name}.parquet", index=False)
        frame.to_csv(out / f"{name}.csv", index=False)
    (out / "provenance.json").write_text(
        json.dumps(output.provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

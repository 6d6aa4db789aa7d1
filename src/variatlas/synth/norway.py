"""Synthetic Norway: every contract table, with planted effects written to ``truth.json``.

Rates are plausible orders of magnitude for Norway (hospital contacts about 1.6 per person a
year, tonsillectomy about 4 per 1,000 children, coercive admissions about 200 per 100,000
adults, cancer incidence rising steeply with age), not estimates. Everything is drawn from one
seeded generator, so the same seed gives the same files.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa

from variatlas.contract import TABLES
from variatlas.synth.cancer import cancer
from variatlas.synth.mental_health import mental_health
from variatlas.synth.municipal import care_services, municipal_facts
from variatlas.synth.plan import Truth, make_plan
from variatlas.synth.population import residence_units
from variatlas.synth.sink import Format, TableSink
from variatlas.synth.somatic import children_procedures, general_somatic, readmissions
from variatlas.synth.surveys import surveys
from variatlas.synth.vaccinations import vaccinations
from variatlas.synth.year import SEX_CODES, Year, blank_where, person_ids


def population_table(y: Year) -> pa.Table:
    cells = y.population
    district = y.units["district"].to_numpy()[cells["unit"].to_numpy()].astype(object)
    return pa.table(
        {
            "year": pa.array(np.full(len(cells), y.year, dtype=np.int64)),
            "municipality": pa.array(
                y.units["municipality"].to_numpy()[cells["unit"].to_numpy()].astype(object)
            ),
            "district": pa.array(blank_where(district == "", district)),
            "sex": pa.array(SEX_CODES[cells["sex"].to_numpy()]),
            "age": pa.array(cells["age"].to_numpy().astype(np.int64)),
            "population": pa.array(cells["population"].to_numpy().astype(np.int64)),
        }
    )


PUBLISHED_FIGURES = ("barnehelseatlas_2011_2014.csv", "skde_atlases.csv")
"""SKDE's published atlases, shipped in ``variatlas.indicators/data`` (see its SOURCE.md)."""


def write_published(path: Path) -> int:
    """Write SKDE's published figures as one ``aggregates`` file; return its row count."""
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        for number, name in enumerate(PUBLISHED_FIGURES):
            lines = (files("variatlas.indicators") / "data" / name).read_text("utf-8").splitlines()
            out.writelines(line + "\n" for line in lines[1 if number else 0 :])
            rows += len(lines) - 1
    return rows


def synthesize(
    out: Path,
    years: list[int],
    scale: float = 0.05,
    seed: int = 1,
    fmt: Format = "parquet",
    on_year: Callable[[int], None] | None = None,
    published: bool = True,
) -> Truth:
    """Write every contract table for a synthetic Norway into ``out``; return the truth.

    With ``published``, the folder also gets ``aggregates.csv``: SKDE's real, published
    atlas figures (``PUBLISHED_FIGURES``), so that the atlas carries real data beside synthetic.
    """
    out.mkdir(parents=True, exist_ok=True)
    root = np.random.default_rng(seed)
    units = residence_units(np.random.default_rng(root.integers(2**63)))
    truth = Truth(seed=seed, scale=scale, years=years)
    plan = make_plan(units, np.random.default_rng(root.integers(2**63)), truth)
    names = [n for n, t in TABLES.items() if n != "aggregates" and not t.replaces_shipped]
    sinks = {name: TableSink(out, name, fmt) for name in names}
    deaths: list[tuple[np.ndarray, np.ndarray]] = []
    year_seeds = root.integers(2**63, size=len(years))
    try:
        for year, year_seed in zip(years, year_seeds, strict=True):
            y = Year(units, year, scale, np.random.default_rng(year_seed))
            sinks["population"].write(population_table(y))
            write = sinks["episodes"].write
            general_somatic(y, plan, write)
            children_procedures(y, plan, write)
            psychiatry = mental_health(y, plan, write, sinks["coercive_measures"].write)
            readmissions(y, plan, write, deaths)
            cancer(y, plan, write, sinks["cancer_pathways"].write, deaths, year == years[-1])
            care = care_services(y, plan, sinks["care_services"].write, year == years[-1])
            surveys(y, plan, sinks["survey_responses"].write, psychiatry, care)
            vaccinations(y, plan, sinks["vaccinations"].write, first_year=year == years[0])
            municipal_facts(y, plan, sinks["municipal_facts"].write)
            if on_year is not None:
                on_year(year)
        keys = np.concatenate([k for k, _ in deaths]) if deaths else np.zeros(0, np.int64)
        dates = np.concatenate([d for _, d in deaths]) if deaths else np.zeros(0, "datetime64[D]")
        order = np.argsort(dates, kind="stable")
        _, first = np.unique(keys[order], return_index=True)
        chosen = order[first]
        sinks["deaths"].write(
            pa.table(
                {
                    "patient_id": person_ids(keys[chosen]),
                    "date_of_death": pa.array(dates[chosen].astype("datetime64[D]")),
                }
            )
        )
    finally:
        for sink in sinks.values():
            sink.close()
    truth.counts = {name: sink.rows for name, sink in sinks.items()}
    if published:
        truth.counts["aggregates"] = write_published(out / "aggregates.csv")
    truth.write(out / "truth.json")
    return truth

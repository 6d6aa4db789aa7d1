"""Benchmark: rows per second of the indicator engine, against a plain pandas baseline.

    python bench/run.py --scale 0.05 --years 2023-2024 --engines duckdb,spark

Makes (or reuses) a synthetic Norway, validates it, then times, in the same run:
- the baseline: tonsillectomy per referral area and year written as plain pandas over the
  accepted episodes and population (what an analyst would write by hand);
- variatlas on each engine: the same indicator, then the whole catalogue's reads as
  ``variatlas compute`` makes them (shared scans; the statistics after them work on small
  tables and are timed apart, by ``bench/national.py``).
Prints input rows, seconds, rows/s and the ratio to the pandas baseline.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from variatlas.compute.cells import periods
from variatlas.engine import EngineOptions, open_engine
from variatlas.indicators import load_catalogue
from variatlas.pipeline import validate
from variatlas.synth import synthesize


def pandas_tonsillectomy(accepted: Path) -> pd.DataFrame:
    """The baseline: crude tonsillectomy rate per 1,000 children by referral area and year."""
    episodes = pd.read_parquet(
        accepted / "episodes.parquet",
        columns=["start_date", "age", "sector", "procedures", "referral_area"],
    )
    children = episodes[(episodes["age"] <= 16) & (episodes["sector"] == "somatic")]
    operated = children[
        children["procedures"].fillna("").str.contains(r"(?:^| )(?:EMB10|EMB15|EMB20)", regex=True)
    ]
    events = operated.groupby(
        [pd.to_datetime(operated["start_date"]).dt.year.rename("year"), "referral_area"]
    ).size()
    population = pd.read_parquet(accepted / "population.parquet")
    kids = (
        population[population["age"] <= 16].groupby(["year", "referral_area"])["population"].sum()
    )
    return (events / kids * 1000).rename("rate").reset_index()


def timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def engine_reads(accepted: Path, engine: str, ids: list[str]) -> float:
    """Seconds for compute's reads on ``engine``: each indicator's cells, populations and
    published figures, as ``variatlas compute`` reads them (shared scans, each shared read
    once), without the statistics."""
    from variatlas.compute.reading import Fetched, missing_tables, read_indicator, shared_scans
    from variatlas.compute.run import data_coverage, data_years
    from variatlas.geography import load_geography
    from variatlas.pipeline import shipped_population

    catalogue = load_catalogue()
    indicators = [catalogue[i] for i in ids]
    backend = open_engine(EngineOptions(engine), accepted)  # type: ignore[arg-type]
    try:
        started = time.perf_counter()
        years = data_years(backend, shipped_population(accepted.parent))
        coverage = data_coverage(backend, load_geography())
        every = {indicator.id: years for indicator in indicators}
        fetched = Fetched(backend, scans=shared_scans(backend, indicators, every))
        for indicator in indicators:
            if not missing_tables(indicator, set(backend.tables))[0]:
                read_indicator(indicator, fetched, years, coverage)
        return time.perf_counter() - started
    finally:
        backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--years", default="2023-2024")
    parser.add_argument("--engines", default="duckdb")
    parser.add_argument("--work", type=Path, default=Path("build/bench"))
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    folder = args.work / f"scale-{args.scale}-{args.years}"
    if not (folder / "input" / "truth.json").exists():
        synthesize(folder / "input", years, scale=args.scale, seed=1)
    if not (folder / "validated" / "validation.json").exists():
        validate(folder / "input", folder / "validated")
    accepted = folder / "validated" / "accepted"
    rows = len(pd.read_parquet(accepted / "episodes.parquet", columns=["age"]))
    _, baseline = timed(pandas_tonsillectomy, accepted)
    ids = [i for i, x in load_catalogue().items() if x.source != "aggregates"]
    lines = [("pandas (baseline)", "tonsillectomy", baseline)]
    for engine in args.engines.split(","):
        engine_reads(accepted, engine, ["tonsillectomy_children"])  # warm up
        one = engine_reads(accepted, engine, ["tonsillectomy_children"])
        every = engine_reads(accepted, engine, ids)
        lines += [
            (f"variatlas {engine}", "tonsillectomy", one),
            (f"variatlas {engine}", f"catalogue ({len(ids)})", every),
        ]
    print(
        f"scale {args.scale}, years {args.years}: {rows:,} episodes; {len(periods(years))} periods"
    )
    print(f"{'run':<22}{'indicators':<18}{'seconds':>9}{'rows/s':>14}{'vs pandas':>11}")
    for name, what, seconds in lines:
        print(
            f"{name:<22}{what:<18}{seconds:>9.2f}{rows / seconds:>14,.0f}"
            f"{baseline / seconds:>10.2f}x"
        )


if __name__ == "__main__":
    main()

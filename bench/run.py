"""Benchmark: rows per second of the indicator engine, against a plain pandas baseline.

    python bench/run.py --scale 0.05 --years 2023-2024 --engines duckdb,spark

Makes (or reuses) a synthetic Norway, validates it, then times, in the same run:
- the baseline: tonsillectomy per referral area and year written as plain pandas over the
  accepted episodes and population (what an analyst would write by hand);
- variatlas on each engine: the same indicator, then the whole catalogue's aggregation
  (compile + execute; the statistics after it work on small tables and are timed apart).
Prints input rows, seconds, rows/s and the ratio to the pandas baseline.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from variatlas.compute.cells import periods
from variatlas.engine import EngineOptions, compile_indicator, open_engine
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


def engine_run(accepted: Path, engine: str, years: list[int], ids: list[str]) -> float:
    backend = open_engine(EngineOptions(engine), accepted)  # type: ignore[arg-type]
    catalogue = load_catalogue()
    try:
        started = time.perf_counter()
        for indicator_id in ids:
            compiled = compile_indicator(catalogue[indicator_id], backend.tables, years)
            backend.execute(compiled.cells)
            if compiled.population is not None:
                backend.execute(compiled.population)
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
        engine_run(accepted, engine, years, ["tonsillectomy_children"])  # warm up
        one = engine_run(accepted, engine, years, ["tonsillectomy_children"])
        every = engine_run(accepted, engine, years, ids)
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

"""Benchmark: what an update of the results costs against a full run, measured in one run.

    python bench/incremental.py --scale 0.05 --years 2019-2024 --doc docs/performance.md

Makes (or reuses) a synthetic Norway and validates it, then derives two versions of its
accepted tables: the run before (without the last year) and one with late registrations
(every tenth episode of the third year registered again, under a new id). Then, each
``variatlas.pipeline.compute`` in this process on the validated folder, timed:

- a full run of the run before, into OUT; the same input again into OUT (unchanged);
- the new year into OUT (an update), and a full run of it into a fresh folder;
- the late registrations into OUT (an update), and a full run of them;
- the input folder itself (validated by compute), twice into another OUT: validation and
  compute reused when no file changed.

Prints, for each: input rows, seconds, rows/s, the ratio to the full run of the same input,
what was read and computed again, and whether the output is the same bytes as the full
run's. With ``--doc``, writes the table into that Markdown file between its markers.
"""

from __future__ import annotations

import argparse
import filecmp
import gc
import hashlib
import os
import platform
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from variatlas.engine.compile import DATE_OF_ROW
from variatlas.pipeline import compute, validate
from variatlas.synth import synthesize

OUTPUT = ("results.parquet", "results.csv", "variation.parquet", "variation.csv")
Line = tuple[str, int, float, float, dict[str, Any], "bool | None"]
"""A row of the table: run, input rows, seconds, the full run's seconds, reuse, same bytes."""
START, END = "<!-- bench/incremental.py -->", "<!-- /bench/incremental.py -->"


def _year(name: str, table: pa.Table) -> Any:
    if name in DATE_OF_ROW:
        return pc.year(table[DATE_OF_ROW[name]])
    return table["year"] if "year" in table.column_names else None


def derived(source: Path, target: Path, change: Callable[[str, pa.Table], pa.Table]) -> Path:
    """A copy of the validated folder ``source`` with each accepted table changed."""
    if (target / "validation.json").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    for path in (target / "accepted").glob("*.parquet"):
        pq.write_table(change(path.stem, pq.read_table(path)), path)
    return target


def without_year(year: int) -> Callable[[str, pa.Table], pa.Table]:
    def change(name: str, table: pa.Table) -> pa.Table:
        if name == "aggregates":
            return table.filter(pc.invert(pc.ends_with(table["period"], str(year))))
        found = _year(name, table)
        return table if found is None else table.filter(pc.not_equal(found, year))

    return change


def late_registrations(year: int) -> Callable[[str, pa.Table], pa.Table]:
    def change(name: str, table: pa.Table) -> pa.Table:
        if name != "episodes":
            return table
        of_year = table.filter(pc.equal(_year(name, table), year))
        late = of_year.take(pa.array(range(0, of_year.num_rows, 10)))
        ids = pc.binary_join_element_wise(late["episode_id"], pa.scalar("-late"), "")
        late = late.set_column(late.column_names.index("episode_id"), "episode_id", ids)
        return pa.concat_tables([table, late])

    return change


def rows_of(validated: Path) -> int:
    accepted = sorted((validated / "accepted").glob("*.parquet"))
    return sum(pq.ParquetFile(p).metadata.num_rows for p in accepted)


def timed(input: Path, out: Path, **options: Any) -> tuple[dict[str, Any], float]:
    """What the run reused, and its seconds (the garbage of earlier runs collected first)."""
    gc.collect()
    started = time.perf_counter()
    output = compute(input, out, **options)
    return output.reuse, time.perf_counter() - started


def fastest(input: Path, out: Path, times: int = 3) -> tuple[dict[str, Any], float]:
    """The fastest of ``times`` runs that change nothing (this machine is shared: the least
    time is the one least disturbed)."""
    runs = [timed(input, out) for _ in range(times)]
    return min(runs, key=lambda run: run[1])


def same_bytes(a: Path, b: Path) -> bool:
    return all(filecmp.cmp(a / name, b / name, shallow=False) for name in OUTPUT)


def digests(out: Path) -> list[str]:
    return [hashlib.sha256((out / name).read_bytes()).hexdigest() for name in OUTPUT]


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(folder.parent / f".{folder.name}.versions", ignore_errors=True)
    return folder


def disk(folder: Path) -> int:
    """Bytes of the files under ``folder`` (each file once, however many links it has)."""
    seen, total = set(), 0
    for path in folder.resolve().rglob("*"):
        if path.is_file() and (info := path.stat()).st_ino not in seen:
            seen.add(info.st_ino)
            total += info.st_size
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--years", default="2019-2024")
    parser.add_argument("--work", type=Path, default=Path("build/incremental"))
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args()
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last) + 1))
    new_year, late_year = years[-1], years[min(2, len(years) - 1)]
    folder = args.work / f"scale-{args.scale}-{args.years}"
    if not (folder / "input" / "truth.json").exists():
        synthesize(folder / "input", years, scale=args.scale, seed=1)
    if not (folder / "validated" / "validation.json").exists():
        validate(folder / "input", folder / "validated")
    after = folder / "validated"
    before = derived(after, folder / "before", without_year(new_year))
    late = derived(after, folder / "late", late_registrations(late_year))
    runs = folder / "runs"
    out = fresh(runs / "out")

    lines: list[Line] = []

    def record(name: str, rows: int, seconds: float, full: float, reuse: Any, same: Any) -> None:
        lines.append((name, rows, seconds, full, reuse, same))
        print(f"{name}: {seconds:.1f} s", flush=True)

    reuse, full_before = timed(before, out)
    name = f"full run, {years[0]}–{years[-2]}"
    record(name, rows_of(before), full_before, full_before, reuse, None)
    written = digests(out)
    reuse, seconds = fastest(before, out)
    same = digests(out) == written
    record("unchanged input again", rows_of(before), seconds, full_before, reuse, same)
    reuse, seconds = timed(after, out)
    _, full_after = timed(after, fresh(runs / "full-new-year"), full=True)
    same = same_bytes(out, runs / "full-new-year")
    record(f"a new year ({new_year})", rows_of(after), seconds, full_after, reuse, same)
    reuse, seconds = timed(late, out)
    _, full_late = timed(late, fresh(runs / "full-late"), full=True)
    same = same_bytes(out, runs / "full-late")
    record(f"late registrations ({late_year})", rows_of(late), seconds, full_late, reuse, same)
    raw = fresh(runs / "from-input")
    reuse, full_raw = timed(folder / "input", raw)
    record("input folder: validate + full run", rows_of(after), full_raw, full_raw, reuse, None)
    written = digests(raw)
    reuse, seconds = fastest(folder / "input", raw)
    same = digests(raw) == written
    record("input folder unchanged again", rows_of(after), seconds, full_raw, reuse, same)

    text = table(args, lines, disk(out / "cache"), disk(out))
    print(text)
    if args.doc:
        document = args.doc.read_text(encoding="utf-8")
        head, _, rest = document.partition(START)
        _, _, tail = rest.partition(END)
        args.doc.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def table(args: argparse.Namespace, lines: list[Line], cache: int, out: int) -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    text = [
        f"Synthetic Norway at scale {args.scale}, {args.years}, every catalogue indicator; "
        f"`bench/incremental.py` on {cores} cores ({platform.processor() or platform.machine()}"
        f"), Python {platform.python_version()}, DuckDB {duckdb.__version__}. Seconds are "
        "`variatlas.pipeline.compute` in one process (the command adds 2–5 s of start-up); "
        "a run that changes nothing is the fastest of three.",
        "",
        "| run | input rows | seconds | rows/s | × the full run of the same input | "
        "indicator-years read again / kept | indicator-periods computed again / kept | "
        "same bytes as the full run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, rows, seconds, full, reuse, same in lines:
        text.append(
            f"| {name} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | "
            f"{seconds / full:.2f} | {reuse['years_read']} / {reuse['years_reused']} | "
            f"{reuse['periods_computed']} / {reuse['periods_reused']} | "
            f"{'—' if same is None else ('yes' if same else 'NO')} |"
        )
    text += [
        "",
        f"The cache (`OUT/cache`) holds {cache / 2**20:.1f} MiB; OUT with it "
        f"{out / 2**20:.1f} MiB.",
    ]
    return "\n".join(text)


if __name__ == "__main__":
    main()

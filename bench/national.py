"""Benchmark: a national run (validate, compute, publish) at scale, beside DuckDB's scan floor.

    python bench/national.py --scales 0.25,0.5,1.0 --years 2019-2024 --doc docs/performance.md

For each scale, makes a synthetic Norway (timed, not part of the national run) and runs each
stage as a user runs it, the ``variatlas`` command in its own process, recording the wall time
and the peak memory of that process and its workers together (their proportional set sizes,
sampled). Beside it, in the same run and on the same accepted files, the floor: DuckDB's one
filtered, grouped count over the episodes (municipality × year × sex × 5-year age band), and
one scan of every column of every source table (the least any compute can read); and the
engine's part of compute alone (every indicator's reads, no statistics). Prints the table with
the targets of issue 15 and, with ``--doc``, writes it to that file with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from run import engine_reads

TARGETS = {
    "validate_rows_per_s": 1_000_000,
    "compute_vs_floor": 3.0,
    "national_seconds": 180,
    "peak_gib": 4.0,
}
STAGES = ("synth", "validate", "compute", "publish")
GIB = 1024**3


@dataclass
class Stage:
    name: str
    seconds: float
    peak_bytes: int
    """The largest resident set of the command and of its worker processes together."""


def _tree(root: int) -> list[int]:
    """``root`` and every process under it (from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _proportional_set(pid: int) -> int:
    """A process's memory with the pages it shares (a forked worker's, with its parent)
    counted once across the sharers (``Pss``)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_stage(name: str, arguments: list[str]) -> Stage:
    """One ``variatlas`` command in its own process: wall time and the peak memory of it and
    its workers (sampled every 0.2 s; at least ``wait4``'s maximum resident set)."""
    command = [str(Path(sys.executable).with_name("variatlas")), *arguments]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], sum(_proportional_set(p) for p in _tree(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if status != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"`{' '.join(command)}` failed:\n{error}")
    # ru_maxrss is in kilobytes on Linux.
    return Stage(name, seconds, max(peak[0], usage.ru_maxrss * 1024))


def _computed() -> list[str]:
    from variatlas.indicators import load_catalogue

    return list(load_catalogue())


def best_of(connection: duckdb.DuckDBPyConnection, query: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        connection.execute(query).fetchall()
        times.append(time.perf_counter() - started)
    return min(times)


def floors(accepted: Path) -> tuple[float, float]:
    """(the filtered count over the episodes, the sum of one full scan per source table)."""
    connection = duckdb.connect()
    episodes = accepted / "episodes.parquet"
    count = best_of(
        connection,
        f"""SELECT municipality, year(start_date), sex, age // 5, count(*)
            FROM read_parquet('{episodes}') WHERE sector = 'somatic' GROUP BY ALL""",
    )
    scans = 0.0
    for table in sorted(accepted.glob("*.parquet")):
        columns = connection.execute(
            f"SELECT name FROM parquet_schema('{table}') WHERE num_children IS NULL"
        ).fetchall()
        every = ", ".join(f'max("{c}")' for (c,) in columns)
        scans += best_of(connection, f"SELECT count(*), {every} FROM read_parquet('{table}')")
    return count, scans


def national(scale: float, years: str, work: Path, reuse: bool) -> dict[str, object]:
    folder = work / f"scale-{scale}-{years}"
    folder.mkdir(parents=True, exist_ok=True)
    stages = []
    if not (reuse and (folder / "input" / "truth.json").exists()):
        stages.append(
            run_stage(
                "synth",
                [
                    "synth",
                    str(folder / "input"),
                    f"--years={years}",
                    f"--scale={scale}",
                    "--seed=1",
                ],
            )
        )
    stages += [
        run_stage("validate", ["validate", str(folder / "input"), "--out", str(folder / "v")]),
        # --full: the results of an earlier bench in the same folder are not reused.
        run_stage("compute", ["compute", str(folder / "v"), str(folder / "results"), "--full"]),
        # The atlases' PDFs take the same time at any scale (docs/documents.md): left out.
        run_stage(
            "publish", ["publish", str(folder / "results"), str(folder / "site"), "--no-pdf"]
        ),
    ]
    report = json.loads((folder / "v" / "validation.json").read_text())
    rows = sum(t["rows_read"] for t in report["tables"].values())
    episodes = report["tables"]["episodes"]["rows_read"]
    count, scans = floors(folder / "v" / "accepted")
    return {
        "scale": scale,
        "rows": rows,
        "episodes": episodes,
        "stages": stages,
        "count_floor": count,
        "scan_floor": scans,
        "engine_reads": engine_reads(folder / "v" / "accepted", "duckdb", _computed()),
    }


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    return (
        f"{os.cpu_count()} cores ({model or platform.machine()}), {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}"
    )


def table(runs: list[dict[str, object]], years: str) -> str:
    lines = [
        f"Synthetic Norway, years {years}. Machine: {_machine()}.",
        "",
        "| scale | input rows | episodes | stage | wall (s) | rows/s | "
        "peak memory, with workers (GiB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for stage in run["stages"]:  # type: ignore[attr-defined]
            lines.append(
                f"| {run['scale']} | {run['rows']:,} | {run['episodes']:,} | {stage.name} | "
                f"{stage.seconds:.1f} | {run['rows'] / stage.seconds:,.0f} | "  # type: ignore[operator]
                f"{stage.peak_bytes / GIB:.2f} |"
            )
    lines += [
        "",
        "| scale | national run (validate + compute + publish, s) | compute / scan floor | "
        "compute's engine reads alone (s) | engine reads / scan floor | "
        "filtered count over the episodes (s) | one scan of every source table (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        stages = {s.name: s for s in run["stages"]}  # type: ignore[attr-defined]
        total = sum(stages[s].seconds for s in ("validate", "compute", "publish"))
        ratio = stages["compute"].seconds / run["scan_floor"]  # type: ignore[operator]
        reads = run["engine_reads"] / run["scan_floor"]  # type: ignore[operator]
        lines.append(
            f"| {run['scale']} | {total:.0f} | {ratio:.1f}× | {run['engine_reads']:.1f} | "
            f"{reads:.1f}× | {run['count_floor']:.2f} | {run['scan_floor']:.2f} |"
        )
    return "\n".join(lines)


def verdicts(run: dict[str, object]) -> list[str]:
    """The targets of issue 15 against the largest run."""
    stages = {s.name: s for s in run["stages"]}  # type: ignore[attr-defined]
    total = sum(stages[s].seconds for s in ("validate", "compute", "publish"))
    validate_rate = run["rows"] / stages["validate"].seconds  # type: ignore[operator]
    ratio = stages["compute"].seconds / run["scan_floor"]  # type: ignore[operator]
    peak = max(stages[s].peak_bytes for s in ("validate", "compute", "publish")) / GIB
    checks = [
        (
            "validate ≥ 1 M rows/s",
            validate_rate >= TARGETS["validate_rows_per_s"],
            f"{validate_rate:,.0f} rows/s",
        ),
        ("compute ≤ 3× the scan floor", ratio <= TARGETS["compute_vs_floor"], f"{ratio:.1f}×"),
        ("national run < 3 min", total < TARGETS["national_seconds"], f"{total:.0f} s"),
        ("peak memory < 4 GiB", peak < TARGETS["peak_gib"], f"{peak:.2f} GiB"),
    ]
    return [f"- {name}: {'met' if ok else 'NOT met'} ({found})" for name, ok, found in checks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="0.25,0.5,1.0")
    parser.add_argument("--years", default="2019-2024")
    parser.add_argument("--work", type=Path, default=Path("build/national"))
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a synthetic Norway made by an earlier run"
    )
    args = parser.parse_args()
    runs = []
    for scale in (float(s) for s in args.scales.split(",")):
        print(f"scale {scale} …", flush=True)
        runs.append(national(scale, args.years, args.work, args.reuse))
    text = table(runs, args.years) + "\n\nTargets (issue 15), at the largest scale:\n"
    text += "\n".join(verdicts(runs[-1]))
    print(text)
    if args.doc:
        marker = "<!-- bench/national.py -->"
        document = args.doc.read_text() if args.doc.exists() else marker
        head = document.split(marker)[0]
        args.doc.write_text(f"{head}{marker}\n{text}\n")


if __name__ == "__main__":
    main()

"""Benchmark: requests per second of the read-only API under load, on loopback.

    python bench/api.py --site demo/site --requests 5000 --concurrency 16

Serves the publication with ``variatlas serve`` in its own process and loads it with Apache's
``ab`` (Debian's apache2-utils, a C load generator: one core of it is far from the bottleneck),
one route at a time: the results of one indicator at municipality level, its unfiltered
results, its variation summaries, the area list, and as the baseline a static page served by
the same process. Prints requests/s, median and 99th percentile, the ratio to the static
baseline, and the first (cold) answer's time. Targets (2 cores): ≥ 500 requests/s with p99 <
50 ms on the municipality results. Without ``--site``, makes a small publication first.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_RPS = 500
TARGET_P99_MS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def small_site(folder: Path) -> Path:
    from variatlas.pipeline import compute, disclose, publish
    from variatlas.results import read_results
    from variatlas.synth import synthesize

    synthesize(folder / "input", [2022, 2023, 2024], scale=0.02, seed=1)
    compute(folder / "input", folder / "results")
    publish(disclose(read_results(folder / "results")), folder / "site")
    return folder / "site"


def serve(site: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from variatlas.cli import app; app()",
            "serve",
            str(site),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/themes", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def cold_ms(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()
    return (time.perf_counter() - started) * 1000


def load(url: str, requests: int, concurrency: int) -> dict[str, float]:
    ran = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = ran.stdout
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": float(re.search(r"\n\s+50%\s+(\d+)", out).group(1)),  # type: ignore[union-attr]
        "p99": float(re.search(r"\n\s+99%\s+(\d+)", out).group(1)),  # type: ignore[union-attr]
        "failed": failed + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--indicator", default="hospital_admissions_children")
    arguments = parser.parse_args()
    if shutil.which("ab") is None:
        raise SystemExit("ab is missing: `make bench` installs Debian's apache2-utils")
    scratch = Path(tempfile.mkdtemp(prefix="variatlas-bench-api-"))
    site = arguments.site or small_site(scratch)
    indicators = {i["id"] for i in json.loads((site / "catalogue.json").read_text())["indicators"]}
    indicator = arguments.indicator if arguments.indicator in indicators else sorted(indicators)[0]
    port = free_port()
    server = serve(site, port)
    base = f"http://127.0.0.1:{port}"
    routes = {
        "static page (baseline)": f"{base}/index.html",
        "results, municipalities": f"{base}/api/indicators/{indicator}/results?level=municipality",
        "results, all": f"{base}/api/indicators/{indicator}/results",
        "variation": f"{base}/api/indicators/{indicator}/variation",
        "areas": f"{base}/api/areas?level=municipality",
    }
    try:
        rows = []
        for name, url in routes.items():
            cold = cold_ms(url)
            rows.append((name, cold, load(url, arguments.requests, arguments.concurrency)))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    baseline = rows[0][2]["rps"]
    print(
        f"API under load: {arguments.requests} requests, {arguments.concurrency} clients, "
        f"indicator {indicator}"
    )
    print(
        f"{'route':26} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'× static':>9} "
        f"{'cold ms':>8} {'failed':>6}"
    )
    for name, cold, found in rows:
        print(
            f"{name:26} {found['rps']:8.0f} {found['p50']:7.0f} {found['p99']:7.0f} "
            f"{found['rps'] / baseline:9.2f} {cold:8.1f} {found['failed']:6.0f}"
        )
    target = rows[1][2]
    met = target["rps"] >= TARGET_RPS and target["p99"] < TARGET_P99_MS
    print(
        f"target (municipality results): ≥ {TARGET_RPS} req/s, p99 < {TARGET_P99_MS} ms: "
        + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()

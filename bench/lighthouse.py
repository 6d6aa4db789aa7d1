"""Benchmark: Lighthouse's mobile preset on every kind of page of the atlas, as a phone sees it.

    python bench/lighthouse.py --doc docs/performance.md            # builds the demo site
    python bench/lighthouse.py --site demo/site --runs 3

Makes the demo publication (synthetic Norway at 5 % scale, 2019–2024, without PDFs) unless
``--site`` names one, serves it with ``variatlas serve`` (compressed as a reader's browser
gets it) and runs Lighthouse (npm ``lighthouse``, installed by ``make assets`` into
frontend/node_modules) with Debian's chromium (``CHROME_PATH``, default /usr/bin/chromium) on:
the front page, an indicator page at every level the demo has (from its view data), an area
profile's overview and its longest theme page, an SKDE figure, an atlas's opening page, its
longest chapter page and an atlas's result box on its own page.

Lighthouse's default: a Moto G Power on "slow 4G" (150 ms, 1.6 Mbit/s), CPU slowed four times,
simulated from one load. Each page is run ``--runs`` times and the median run (by performance
score) kept. Prints, per page: the four scores, largest contentful paint, cumulative layout
shift, total blocking time, bytes transferred (Lighthouse's count, headers included), what
the page's files weigh sent with Brotli (``publish.budgets.page_weight``, against the
budget of an indicator page at its level), DOM nodes, and each figure against the target
of issue 26 (LCP < 2.5 s, CLS < 0.1, TBT < 200 ms, performance >= 95, the rest 100). With
``--doc``, writes the table into that Markdown file between its markers. Exits non-zero if a
page misses a target (``--no-check`` to only report).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from variatlas.publish.budgets import PAGE_BUDGETS, page_weight
from variatlas.publish.profiles import is_theme_page

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "frontend" / "node_modules" / ".bin" / "lighthouse"
START, END = "<!-- bench/lighthouse.py -->", "<!-- /bench/lighthouse.py -->"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"lcp": 2500.0, "cls": 0.1, "tbt": 200.0}
SCORES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CLI = [sys.executable, "-c", "from variatlas.cli import main; main()"]
"""``variatlas`` as this Python runs it (the worktree's code where PYTHONPATH says so)."""
LEVEL_ORDER = ("referral_area", "dps", "health_trust", "region", "county", "municipality")


def build_demo(folder: Path) -> Path:
    """The demo publication, made with the CLI as ``make demo`` makes it (without PDFs)."""
    steps = [
        ["synth", str(folder / "input"), "--years", "2019-2024", "--scale", "0.05", "--seed", "1"],
        ["compute", str(folder / "input"), str(folder / "results")],
        ["publish", str(folder / "results"), str(folder / "site"), "--no-pdf"],
    ]
    for step in steps:
        print("variatlas", " ".join(step), flush=True)
        subprocess.run([*CLI, *step], check=True, stdout=subprocess.DEVNULL)
    return folder / "site"


def pages(site: Path) -> list[tuple[str, str]]:
    """(kind, address below the site) of each page measured."""
    site = site.resolve()
    views = {}
    for path in sorted((site / "atlas").glob("*.json")):
        if path.name in ("areas.json", "areas-index.json"):
            continue
        view = json.loads(path.read_text(encoding="utf-8"))
        if "levels" in view:
            views[path.stem] = view
    # One indicator of our own for every level it has, then each level it lacks from another.
    own = sorted(
        (v for v in views.values() if not v.get("published_by")), key=lambda v: -len(v["levels"])
    )
    found: list[tuple[str, str]] = [("front page", "index.html")]
    for level in LEVEL_ORDER:
        having = [v for v in own if level in v["levels"]] or [
            v for v in views.values() if level in v["levels"]
        ]
        if having:
            indicator = having[0]
            anchor = "" if indicator["levels"][0] == level else f"#level={level}"
            found.append((f"indicator, {level}", f"nb/{indicator['id']}.html{anchor}"))
    skde = sorted(v["id"] for v in views.values() if v.get("published_by"))
    if skde:
        found.append(("SKDE figure", f"nb/{skde[0]}.html"))
    areas = site / "nb" / "areas"
    profiles = sorted(p for p in areas.glob("referral_area-*.html") if not is_theme_page(p.name))
    if profiles:
        found.append(("area profile", f"nb/areas/{profiles[0].name}"))
    # The heaviest page of any area's theme, the longest a profile reads.
    themes = sorted((p for p in areas.glob("*.html") if is_theme_page(p.name)), key=_raw_size)
    if themes:
        found.append(("area profile, a theme", f"nb/areas/{themes[-1].name}"))
    # The first atlas with result boxes on pages of their own (its opening page and its
    # first box), and the longest chapter page of any atlas.
    atlases = sorted((site / "nb" / "atlases").glob("*.html"))
    for atlas in (a for a in atlases if a.name.count(".") == 1):
        boxes = sorted((atlas.parent / atlas.stem).glob("*.html"))
        if boxes:
            found.append(("atlas page", f"nb/atlases/{atlas.name}"))
            found.append(("result box (embedded)", f"nb/atlases/{atlas.stem}/{boxes[0].name}"))
            break
    chapters = sorted((a for a in atlases if a.name.count(".") == 2), key=_raw_size)
    if chapters:
        found.append(("atlas chapter, the longest", f"nb/atlases/{chapters[-1].name}"))
    return found


def _raw_size(path: Path) -> int:
    return path.stat().st_size


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(site: Path, port: int) -> subprocess.Popen[bytes]:
    """``variatlas serve`` on ``port``, once it answers."""
    server = subprocess.Popen(
        [*CLI, "serve", str(site), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("variatlas serve did not answer within a minute")


def lighthouse(url: str, chrome: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile preset) of ``url``: its report as JSON."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": chrome},
    )
    return dict(json.loads(out.read_text(encoding="utf-8")))


def figures(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]

    def value(name: str) -> float:
        return float(audits[name]["numericValue"]) if name in audits else float("nan")

    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [
        f"{c}: {a['id']}"
        for c in CATEGORIES
        for ref in report["categories"][c]["auditRefs"]
        if ref["weight"] > 0
        and (a := audits[ref["id"]])["score"] is not None
        and a["score"] < 1
        and c != "performance"
    ]
    return {
        **scores,
        "lcp": value("largest-contentful-paint"),
        "cls": value("cumulative-layout-shift"),
        "tbt": value("total-blocking-time"),
        "bytes": value("total-byte-weight"),
        "dom": value("dom-size"),
        "failed": failed,
    }


def misses(found: dict[str, Any]) -> list[str]:
    """The targets a page misses, in words."""
    said = [f"{k} {found[k]:.3g} ≥ {t:g}" for k, t in TARGETS.items() if not found[k] < t]
    said += [f"{c} {found[c]} < {t}" for c, t in SCORES.items() if found[c] < t]
    return said


def line(kind: str, f: dict[str, Any]) -> str:
    """A page's figures on one line, with the targets it misses and the audits it fails."""
    missed = misses(f)
    return (
        f"{kind:26} perf {f['performance']:3} a11y {f['accessibility']:3} "
        f"bp {f['best-practices']:3} seo {f['seo']:3}  LCP {f['lcp'] / 1000:5.2f} s  "
        f"CLS {f['cls']:.3f}  TBT {f['tbt']:5.0f} ms  {f['bytes'] / 1000:6.0f} kB "
        f"(sent {f.get('weight', 0) / 1000:4.0f})  "
        f"DOM {f['dom']:5.0f}  {'met' if not missed else 'MISSED ' + '; '.join(missed)}"
        + (f"  [{', '.join(f['failed'])}]" if f["failed"] else "")
    )


def table(rows: list[tuple[str, str, dict[str, Any]]], runs: int) -> str:
    lines = [
        f"Lighthouse {_version()} mobile preset (simulated slow 4G, CPU ×4), median of {runs} "
        f"run(s) per page, served by `variatlas serve` on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores), {time.strftime('%Y-%m-%d')}. Target (issue 26): LCP < 2.5 s, "
        "CLS < 0.1, TBT < 200 ms, performance ≥ 95, accessibility, best practices and SEO 100.",
        "",
        "| page | address | perf. | a11y | best pr. | SEO | LCP s | CLS | TBT ms | kB moved "
        "| kB sent (budget) | DOM nodes | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind, address, f in rows:
        missed = misses(f)
        budget = f" ({f['budget'] // 1000})" if f["budget"] else ""
        lines.append(
            f"| {kind} | `{address}` | {f['performance']} | {f['accessibility']} | "
            f"{f['best-practices']} | {f['seo']} | {f['lcp'] / 1000:.2f} | {f['cls']:.3f} | "
            f"{f['tbt']:.0f} | {f['bytes'] / 1000:.0f} | {f['weight'] / 1000:.0f}"
            f"{budget} | {f['dom']:.0f} | "
            f"{'met' if not missed else 'missed: ' + '; '.join(missed)} |"
        )
    return "\n".join(lines)


def _version() -> str:
    manifest = ROOT / "frontend" / "node_modules" / "lighthouse" / "package.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a published site (default: build the demo)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--only", help="only the pages whose kind contains this text")
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--no-check", action="store_true", help="exit 0 even if a target is missed")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make assets` (npm ci in frontend/)")
    with tempfile.TemporaryDirectory(prefix="variatlas-lighthouse-") as scratch:
        site = args.site or build_demo(Path(scratch))
        port = free_port()
        server = serve(site, port)
        rows = []
        try:
            for kind, address in pages(site):
                if args.only and args.only not in kind:
                    continue
                runs = [
                    figures(
                        lighthouse(
                            f"http://127.0.0.1:{port}/{address}",
                            chrome,
                            Path(scratch) / f"run{i}.json",
                        )
                    )
                    for i in range(args.runs)
                ]
                by_score = sorted(runs, key=lambda f: f["performance"])
                found = by_score[len(by_score) // 2]
                found["tbt"] = statistics.median(f["tbt"] for f in runs)
                level = kind.removeprefix("indicator, ") if kind.startswith("indicator") else None
                page = site / address.split("#")[0]
                found["weight"] = page_weight(site, page, level)
                found["budget"] = PAGE_BUDGETS.get(level or "", 0)
                rows.append((kind, address, found))
                print(line(kind, found), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = table(rows, args.runs)
    if args.doc:
        document = args.doc.read_text(encoding="utf-8")
        head, _, rest = document.partition(START)
        _, _, tail = rest.partition(END)
        args.doc.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    if not args.no_check and any(misses(f) for _, _, f in rows):
        raise SystemExit("Some pages miss their targets (above).")


if __name__ == "__main__":
    main()

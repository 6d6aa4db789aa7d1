"""Benchmark: what ten releases cost on disk against one.

    python bench/releases.py --results demo/results --indicators 40 --releases 10

Publishes the first ``--indicators`` indicators of RESULTS (made by ``variatlas compute``) as
a first release, then the others as a monthly update would make them: each revises one
indicator's figures (its last year's values and intervals 1 % higher, as late registrations
would move them; every other indicator's figures the same). Disclosure control runs once:
the revision touches no count, so what it hid stays hidden. Prints each release's bytes as
copies, the store's bytes on disk (every distinct file once: ``publish.releases``) and what
ten releases cost against one, and the time each publish took. Without ``--results``, a small
synthetic Norway is computed first.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from variatlas.disclosure import DisclosedResults

MB = 1 << 20


def _results(folder: Path) -> Path:
    from variatlas.pipeline import compute
    from variatlas.synth import synthesize

    synthesize(folder / "input", [2022, 2023, 2024], scale=0.02, seed=1)
    compute(folder / "input", folder / "results")
    return folder / "results"


def _revised(disclosed: DisclosedResults, indicator: str) -> DisclosedResults:
    """The disclosed results with ``indicator``'s last year 1 % higher (counts untouched)."""
    revised = copy.copy(disclosed)
    results = disclosed.results.copy()
    rows = results["indicator"] == indicator
    last = results.loc[rows, "period"].astype(str).str[-4:].max()
    chosen = rows & results["period"].astype(str).str.endswith(last)
    for column in ("value", "lower", "upper"):
        results.loc[chosen, column] = results.loc[chosen, column] * 1.01
    revised.results = results
    return revised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="A folder made by variatlas compute.")
    parser.add_argument("--indicators", type=int, default=40, help="How many indicators.")
    parser.add_argument("--releases", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="Publish here (default: a temporary folder).")
    options = parser.parse_args()

    from variatlas.pipeline import disclose, publish
    from variatlas.publish.releases import ReleaseStore, disk_use
    from variatlas.results import ResultSet, read_results

    work = Path(tempfile.mkdtemp(prefix="variatlas-releases-"))
    try:
        found = read_results(options.results or _results(work))
        chosen = list(dict.fromkeys(found.results["indicator"]))[: options.indicators]
        subset = ResultSet(
            found.results[found.results["indicator"].isin(chosen)],
            found.variation[found.variation["indicator"].isin(chosen)],
            found.provenance,
        )
        started = time.perf_counter()
        disclosed = disclose(subset)
        print(f"{len(chosen)} indicators disclosed in {time.perf_counter() - started:.1f} s")
        site = (options.keep or work) / "site"
        store = ReleaseStore(site)
        folders = []
        for n in range(options.releases):
            made = disclosed if n == 0 else _revised(disclosed, chosen[n % len(chosen)])
            started = time.perf_counter()
            folders.append(publish(made, site, note=f"release {n + 1}"))
            took = time.perf_counter() - started
            on_disk, as_copies = disk_use(folders)
            print(
                f"release {n + 1:2d}: {took:5.1f} s; {len(folders)} releases: "
                f"{as_copies / MB:7.1f} MB as copies, {on_disk / MB:6.1f} MB on disk"
            )
        one = disk_use(folders[:1])[0]
        on_disk, as_copies = disk_use(folders)
        print(
            f"One release: {one / MB:.1f} MB. {len(folders)} releases: {on_disk / MB:.1f} MB on "
            f"disk ({on_disk / one:.2f} × one release; {as_copies / MB:.1f} MB as copies, "
            f"{as_copies / one:.1f} ×). Releases kept: {len(store.releases())}."
        )
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

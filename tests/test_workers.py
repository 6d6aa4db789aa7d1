"""Work spread over worker processes comes back whole, in order, and the same as in one
process (``variatlas.workers``)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from variatlas.workers import WORTH_A_WORKER, WorkersInvalid, mapped, worker_count, worth_workers


def _where_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_workers_return_every_result_in_the_order_of_the_work(monkeypatch) -> None:
    monkeypatch.setenv("VARIATLAS_WORKERS", "2")
    found = list(mapped(_where_and_square, range(50), parallel=True))
    assert [square for _, square in found] == [x * x for x in range(50)]
    assert os.getpid() not in {pid for pid, _ in found}


def test_small_work_and_one_worker_stay_in_this_process(monkeypatch) -> None:
    monkeypatch.setenv("VARIATLAS_WORKERS", "2")
    small = list(mapped(_where_and_square, range(5), parallel=worth_workers(WORTH_A_WORKER - 1)))
    assert {pid for pid, _ in small} == {os.getpid()}
    monkeypatch.setenv("VARIATLAS_WORKERS", "1")
    one = list(mapped(_where_and_square, range(5), parallel=True))
    assert {pid for pid, _ in one} == {os.getpid()}


def test_a_failure_in_a_worker_reaches_the_caller(monkeypatch) -> None:
    monkeypatch.setenv("VARIATLAS_WORKERS", "2")
    with pytest.raises(ValueError, match="three"):
        list(mapped(_fails_on_three, range(6), parallel=True))


@pytest.mark.parametrize("given", ["0", "two", "-1", "1.5"])
def test_a_bad_worker_count_is_one_sentence(monkeypatch, given: str) -> None:
    monkeypatch.setenv("VARIATLAS_WORKERS", given)
    with pytest.raises(WorkersInvalid, match="VARIATLAS_WORKERS must be a whole number"):
        worker_count()


def test_disclosure_in_two_processes_is_disclosure_in_one(norway_folder, monkeypatch) -> None:
    from variatlas.disclosure.control import publishable
    from variatlas.pipeline import disclose
    from variatlas.results import read_results

    found = read_results(norway_folder / "out")
    # Enough indicators for the work to go to workers (publishable rows above the bar).
    sizes = found.results[publishable(found.results)].groupby("indicator", sort=False).size()
    chosen = sizes.index[: int((sizes.cumsum() < 1.2 * WORTH_A_WORKER).sum()) + 1]
    found.results = found.results[found.results["indicator"].isin(chosen)]
    assert sizes[chosen].sum() >= WORTH_A_WORKER
    disclosed = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("VARIATLAS_WORKERS", workers)
        disclosed[workers] = disclose(found)
    one, two = disclosed["1"], disclosed["2"]
    pd.testing.assert_frame_equal(one.results, two.results)
    pd.testing.assert_frame_equal(one.variation, two.variation)
    assert one.figures == two.figures
    assert one.provenance == two.provenance

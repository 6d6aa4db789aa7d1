"""The same work for each of many indicators, spread over the machine's cores when there is
enough of it to pay for starting the workers.

Workers are separate processes (the statistics are Python, which one process runs on one
core), forked where the system can: a forked worker starts at once with what the parent has
loaded, where a spawned one imports everything again (some 2 s) and runs the caller's
script again, which a user's script without ``if __name__ == "__main__"`` does not survive.
Results come back in the order of the work, so a run on one core and a run on eight write
the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

WORKERS_VARIABLE = "VARIATLAS_WORKERS"
"""``VARIATLAS_WORKERS=1`` keeps everything in one process; the default is one per core."""
WORTH_A_WORKER = 20_000
"""Below this many result rows the work is done in a second or two: no worker is started."""

AHEAD = 2
"""Items handed to the workers ahead of the result awaited, per worker."""

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkersInvalid(ValueError):
    """``VARIATLAS_WORKERS`` is not a whole number of at least 1."""


def worker_count() -> int:
    """How many processes to use: ``VARIATLAS_WORKERS``, else the cores this process may use."""
    given = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not given:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if not given.isdigit() or int(given) < 1:
        raise WorkersInvalid(
            f"{WORKERS_VARIABLE} must be a whole number of at least 1, not {given!r}"
        )
    return int(given)


def worth_workers(rows: int) -> bool:
    """Work over this many result rows takes long enough to share out."""
    return rows >= WORTH_A_WORKER


def mapped(
    function: Callable[[Item], Result], items: Iterable[Item], *, parallel: bool
) -> Iterator[Result]:
    """``function`` of each item, in the items' order: in worker processes if ``parallel``
    and this machine has more than one core for us, else here. ``function`` must be a
    module-level function (it is sent to the workers by name). Items may come from a
    generator: the workers work on the first while the generator makes the next, and the
    generator is never more than a few items ahead of the results."""
    workers = worker_count()
    if workers < 2 or not parallel:
        yield from map(function, items)
        return
    forks = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forks else "spawn")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    # A few items ahead of the one awaited, not all: the items wait in memory until a worker
    # takes them, and results come back (and progress shows) while items are still made.
    pending: deque[Future[Result]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) > AHEAD * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


def _worker_start(parent: int) -> None:
    """Ctrl-C is the parent's to answer (it says "Stopped."; a worker would print a trace),
    and a worker whose parent is gone (killed) ends instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()

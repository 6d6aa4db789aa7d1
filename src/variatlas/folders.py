"""Output folders replaced whole or not at all.

``compute`` and ``publish`` write into a new folder beside their target
(``.NAME.versions/STAMP.building``), rename it when it is complete and then make the target a
symbolic link to it, replaced in one ``rename``. A reader sees the old output or the new one,
never half of one; a run killed at any moment (SIGKILL, a full disk) leaves the old output
whole. POSIX ``rename(2)`` is atomic within a file system, which is why the versions live
beside the target.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

KEEP_VERSIONS = 2


class FolderRefused(ValueError):
    """A target that is a plain folder of something else, which a swap would move away."""


def versions_of(target: Path) -> Path:
    return target.parent / f".{target.name}.versions"


@contextmanager
def replaced_whole(
    target: Path, *, ours: Callable[[Path], bool] = lambda _: True
) -> Iterator[Path]:
    """Yield a new empty folder; when the block ends without error, ``target`` points at it.

    ``ours`` says whether a plain folder already at ``target`` holds output of the same kind
    (it is then kept among the versions); an empty folder is taken over; any other folder is
    refused before anything is written, since moving it would surprise its owner.
    """
    check_target(target, ours)
    versions = versions_of(target)
    with building_folder(versions) as building:
        yield building
        finished = versions / building.name.removesuffix(".building")
        building.rename(finished)
    swap_link(target, finished)
    _prune(versions, keep=finished)


@contextmanager
def building_folder(parent: Path) -> Iterator[Path]:
    """A new folder ``STAMP.building`` in ``parent``, removed if the block fails; the caller
    renames it when it is complete. One left by a killed run is removed by the next run
    (``remove_stale``)."""
    parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    building = parent / f"{stamp}.building"
    building.mkdir()
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def remove_stale(parent: Path) -> None:
    """The ``.building`` folders in ``parent`` whose writing process no longer runs."""
    for stale in parent.glob("*.building"):
        if _owner_gone(stale):
            shutil.rmtree(stale, ignore_errors=True)


def check_target(target: Path, ours: Callable[[Path], bool]) -> None:
    """Refuses a ``target`` that is a file, or a folder of something other than ``ours``."""
    if target.is_symlink() or not target.exists():
        return
    if not target.is_dir():
        raise FolderRefused(f"{target} is a file: name a folder to write into.")
    if any(target.iterdir()) and not ours(target):
        raise FolderRefused(
            f"{target} is a folder of other files: name a new or empty folder, "
            "so that nothing of yours is moved or replaced."
        )


def swap_link(target: Path, finished: Path) -> None:
    """Makes ``target`` a symbolic link to ``finished`` in one ``rename``; a plain folder of
    output already at ``target`` is kept among its versions."""
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(finished, target.parent), target_is_directory=True)
    if target.exists() and not target.is_symlink():
        if any(target.iterdir()):
            # A plain folder from an earlier version of variatlas: kept among the versions.
            target.rename(versions_of(target) / f"{target.name}.previous-{int(time.time())}")
        else:
            target.rmdir()
    os.replace(link, target)


def _prune(versions: Path, keep: Path) -> None:
    remove_stale(versions)
    finished = sorted(
        (p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".building")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in finished[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _owner_gone(building: Path) -> bool:
    """A ``.building`` folder whose writing process no longer runs (killed mid-run)."""
    try:
        pid = int(building.name.split("-")[1])
    except (IndexError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False

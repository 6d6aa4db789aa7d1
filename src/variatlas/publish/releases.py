"""Releases with a history: every publication is kept, citable by its id, each file stored once.

A site ``SITE`` has its release store beside it, ``.SITE.releases`` (beside it so that
``rename(2)`` is atomic, as in ``variatlas.folders``)::

    .SITE.releases/
      objects/ab/cdef…        every distinct file once, named by the SHA-256 of its bytes
      released/<id>/          the releases, each a whole publication (its files hard links)
      released/index.json     the public list of releases (what /releases/index.json serves)
      drafts/<id>/            drafts: made by ``publish --draft``, shown only under /preview/
      releases.json           every release and draft: the store's own index
    SITE -> .SITE.releases/released/<newest id>

A release id is its date and a short hash of its content (``2026-12-06-3fa9c2d1``). A release
never changes once made: promoting a draft renames its folder from ``drafts/`` to
``released/`` and points ``SITE`` at it, so what was checked is what goes out, byte for byte.
A file that did not change between releases is one file on disk (``objects``), whatever the
number of releases that hold it; the files are made read-only, since writing one in place
would change every release that holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from variatlas.folders import building_folder, check_target, remove_stale, swap_link

Status = Literal["draft", "released"]
RELEASE_FILE = "release.json"
"""Each release's own record, in its folder (its id, date, note, what it was compared with)."""
INDEX_FILE = "releases.json"
PUBLIC_INDEX = "index.json"
ID_HASH_LENGTH = 8


class ReleaseNotFound(LookupError):
    """An id that names no release (or no draft) of the site; the message says what does."""


@dataclass(frozen=True)
class Release:
    """One release of a site: its record (``release.json``) and where it stands."""

    id: str
    date: str
    made_at: str
    note: str
    previous: str | None
    counts: dict[str, int] = field(default_factory=dict)
    status: Status = "draft"
    released_at: str | None = None
    folder: Path = Path()

    def public(self) -> dict[str, Any]:
        """The record as the API and ``index.json`` give it (no folder)."""
        record = asdict(self)
        del record["folder"]
        return record


def store_of(site: Path) -> Path:
    """The release store of the site at ``site`` (the path given, not where it points)."""
    site = Path(os.path.abspath(site))
    return site.parent / f".{site.name}.releases"


def content_id(date: dt.date, digest: str, taken: set[str]) -> str:
    """``DATE-HASH``, with ``-2``, ``-3``… when a release of the same content and day exists
    (the same results published again with other pages or another note)."""
    base = f"{date.isoformat()}-{digest[:ID_HASH_LENGTH]}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class ReleaseStore:
    """The releases and drafts of one site, and the shared files they are made of."""

    def __init__(self, site: Path) -> None:
        self.site = Path(os.path.abspath(site))
        self.root = store_of(self.site)
        self.objects = self.root / "objects"
        self.released = self.root / "released"
        self.drafts = self.root / "drafts"

    def exists(self) -> bool:
        return (self.root / INDEX_FILE).is_file()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time (two publishes at once would race for the index)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # Reading

    def _index(self) -> dict[str, dict[str, Any]]:
        try:
            records = json.loads((self.root / INDEX_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {r["id"]: r for r in records}

    def releases(self, *, drafts: bool = False) -> list[Release]:
        """The releases, newest first (by when they were released; drafts by when made,
        after the releases); with ``drafts``, the drafts too."""
        found = []
        for record in self._index().values():
            status = record.get("status", "draft")
            if status == "draft" and not drafts:
                continue
            # A draft whose promotion was cut short (killed between its two renames) is in
            # released/ already; it is still a draft until the index says otherwise.
            places = (
                (self.released, self.drafts)
                if status == "released"
                else (self.drafts, self.released)
            )
            folder = next((f / record["id"] for f in places if (f / record["id"]).is_dir()), None)
            if folder is not None:
                found.append(_release(record, folder))
        released = sorted(
            (r for r in found if r.status == "released"),
            key=lambda r: (r.released_at or "", r.made_at),
            reverse=True,
        )
        made = sorted((r for r in found if r.status == "draft"), key=lambda r: r.made_at)
        return released + made[::-1]

    def newest(self) -> Release | None:
        """The release the site shows at its root: the one ``SITE`` points at (else the last
        one released)."""
        released = self.releases()
        shown = self.site.resolve()
        return next((r for r in released if r.folder.resolve() == shown), None) or (
            released[0] if released else None
        )

    def find(self, release_id: str, *, drafts: bool = False) -> Release:
        """The release (or, with ``drafts``, the draft) with this id."""
        for release in self.releases(drafts=drafts):
            if release.id == release_id:
                return release
        known = ", ".join(r.id for r in self.releases(drafts=drafts)) or "none yet"
        what = "release or draft" if drafts else "release"
        raise ReleaseNotFound(
            f"{self.site} has no {what} {release_id!r} (it has: {known}); "
            "`variatlas releases SITE` lists them."
        )

    def newest_draft(self) -> Release | None:
        drafts = [r for r in self.releases(drafts=True) if r.status == "draft"]
        return drafts[0] if drafts else None

    def ids(self) -> set[str]:
        return set(self._index())

    # Writing

    @contextlib.contextmanager
    def building(self) -> Iterator[Path]:
        """A new folder to write a release into (removed if the block fails; one left by a
        killed run is removed by the next)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if any(self.root.glob("*.building")):
            remove_stale(self.root)
            self._prune_objects()  # those a killed run stored and no release holds
        with building_folder(self.root) as folder:
            yield folder

    def add(self, folder: Path, record: dict[str, Any], *, draft: bool) -> Release:
        """Store the finished publication in ``folder`` as the release ``record`` describes:
        its files shared with earlier releases where they are the same bytes, then (unless a
        draft) promoted at once. Call under ``lock``."""
        check_target(self.site, lambda f: (f / "datapackage.json").exists())
        (folder / RELEASE_FILE).write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        share_files(folder, self.objects)
        self.drafts.mkdir(parents=True, exist_ok=True)
        target = self.drafts / record["id"]
        folder.rename(target)
        self._write_index({**self._index(), record["id"]: {**record, "status": "draft"}})
        if draft:
            return self.find(record["id"], drafts=True)
        return self.promote(record["id"])

    def promote(self, release_id: str) -> Release:
        """The draft ``release_id`` released: its folder moved to ``released/`` and the site
        pointed at it, each in one ``rename``. Call under ``lock``."""
        draft = self.find(release_id, drafts=True)
        if draft.status != "draft":
            raise ReleaseNotFound(f"{release_id} is released already: there is no draft of it.")
        self.released.mkdir(parents=True, exist_ok=True)
        target = self.released / release_id
        if draft.folder != target:
            draft.folder.rename(target)
        swap_link(self.site, target)
        index = self._index()
        index[release_id] = {**index[release_id], "status": "released", "released_at": _now()}
        self._write_index(index)
        return self.find(release_id)

    def discard(self, release_id: str) -> None:
        """Remove a draft, and the stored files no release holds any more. Call under
        ``lock``."""
        draft = self.find(release_id, drafts=True)
        if draft.status != "draft":
            raise ReleaseNotFound(f"{release_id} is released: only a draft can be discarded.")
        index = self._index()
        del index[release_id]
        self._write_index(index)
        shutil.rmtree(draft.folder)
        self._prune_objects()

    def _prune_objects(self) -> None:
        """The stored files no release or draft holds (their only link is the store's)."""
        for path in self.objects.rglob("*"):
            if path.is_file() and path.stat().st_nlink == 1:
                path.unlink()

    def _write_index(self, index: dict[str, dict[str, Any]]) -> None:
        records = sorted(index.values(), key=lambda r: r["made_at"])
        _write_atomically(self.root / INDEX_FILE, records)
        public = [
            {k: v for k, v in r.items() if k != "folder"}
            for r in records
            if r.get("status") == "released"
        ]
        self.released.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.released / PUBLIC_INDEX, public[::-1])


def _release(record: dict[str, Any], folder: Path) -> Release:
    return Release(
        id=record["id"],
        date=record["date"],
        made_at=record["made_at"],
        note=record.get("note", ""),
        previous=record.get("previous"),
        counts=dict(record.get("counts", {})),
        status=record.get("status", "draft"),
        released_at=record.get("released_at"),
        folder=folder,
    )


def _write_atomically(path: Path, content: Any) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", "utf-8")
    os.replace(partial, path)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def share_files(folder: Path, objects: Path) -> tuple[int, int]:
    """Every file of ``folder`` made a hard link to the stored file of the same bytes
    (``objects/ab/cdef…``), storing it there first if it is new. Returns (files, files that
    were stored already). Where the file system has no hard links, the files stay copies."""
    files = shared = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        digest = _digest(path)
        stored = objects / digest[:2] / digest[2:]
        files += 1
        try:
            if stored.exists():
                partial = path.with_name(f".{path.name}.link")
                os.link(stored, partial)
                os.replace(partial, path)
                shared += 1
            else:
                stored.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(path, READ_ONLY)
                os.link(path, stored)
        except OSError:
            continue  # no hard links here (another file system): a copy costs space only
    return files, shared


def disk_use(folders: list[Path]) -> tuple[int, int]:
    """(bytes on disk, bytes as copies) of the files under ``folders``: a file held by
    several releases counts once on disk (by inode) and once per release as copies."""
    seen: set[tuple[int, int]] = set()
    on_disk = as_copies = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_symlink() or not path.is_file():
                continue
            found = path.stat()
            as_copies += found.st_size
            if (found.st_dev, found.st_ino) not in seen:
                seen.add((found.st_dev, found.st_ino))
                on_disk += found.st_size
    return on_disk, as_copies

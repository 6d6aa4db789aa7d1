"""The release store and how ``serve`` serves it, on small publications made by hand: every
release at /releases/<id>/, drafts only under /preview/<id>/, ?release= on the API, each
distinct file stored once."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from variatlas.publish.api import create_app
from variatlas.publish.releases import (
    ReleaseNotFound,
    ReleaseStore,
    content_id,
    disk_use,
    store_of,
)
from variatlas.results import RESULT_COLUMNS, SUMMARY_COLUMNS

PAGE = "nb/page.html"
SHARED = "assets/shared.js"


def _page(text: str) -> str:
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>t</title></head>'
        f'<body><p id="marker">{text}</p><a href="../index.html">front</a></body></html>'
    )


def _publication(folder: Path, release: str, value: float) -> None:
    """A publication of one indicator whose one figure is ``value``."""
    row = dict.fromkeys(RESULT_COLUMNS)
    row.update(indicator="x", level="nation", area="8888", area_name="Norge", period="2024",
               sex="all", numerator=value, denominator=100.0, value=value, flag="")  # fmt: skip
    (folder / "data").mkdir()
    pd.DataFrame([row], columns=RESULT_COLUMNS).to_parquet(folder / "data" / "results.parquet")
    pd.DataFrame(columns=SUMMARY_COLUMNS).to_parquet(folder / "data" / "variation.parquet")
    downloads = {f: f"data/x.{f}" for f in ("csv", "xlsx", "parquet", "jsonstat")}
    mark = {"mark": "first", "since": release}
    entry = {"id": "x", "theme": "children", "release": mark, "downloads": downloads}
    catalogue = {"release": {"id": release}, "indicators": [entry], "areas": {}}
    (folder / "catalogue.json").write_text(json.dumps(catalogue))
    (folder / "provenance.json").write_text("{}")
    (folder / "datapackage.json").write_text(json.dumps({"version": release}))
    (folder / "index.html").write_text(_page(f"front of {release}"))
    (folder / "nb").mkdir()
    (folder / PAGE).write_text(_page(f"page of {release}"))
    (folder / "assets").mkdir()
    (folder / SHARED).write_text("// the same bytes in every release\n" * 100)


def _add(store: ReleaseStore, name: str, value: float, *, draft: bool = False) -> str:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=len(store.ids()))
    release = content_id(day, f"{name:0<8}", store.ids())
    with store.lock(), store.building() as folder:
        _publication(folder, release, value)
        record = {"id": release, "date": day.isoformat(),
                  "made_at": dt.datetime.now(dt.UTC).isoformat(), "note": f"note {name}",
                  "previous": None, "counts": {"indicators": 1}}  # fmt: skip
        store.add(folder, record, draft=draft)
    return release


@pytest.fixture()
def site(tmp_path: Path) -> tuple[Path, list[str]]:
    """Two releases and a draft."""
    site = tmp_path / "site"
    store = ReleaseStore(site)
    ids = [
        _add(store, "aaaa", 10.0),
        _add(store, "bbbb", 20.0),
        _add(store, "cccc", 30.0, draft=True),
    ]
    return site, ids


def test_ids_are_dates_and_content_hashes() -> None:
    day = dt.date(2026, 3, 1)
    assert content_id(day, "0123456789abcdef", set()) == "2026-03-01-01234567"
    assert content_id(day, "0123456789abcdef", {"2026-03-01-01234567"}) == "2026-03-01-01234567-2"


def test_the_site_shows_the_newest_and_keeps_every_release(site) -> None:
    path, (a, b, draft) = site
    store = ReleaseStore(path)
    assert path.is_symlink() and path.resolve() == (store_of(path) / "released" / b).resolve()
    assert [r.id for r in store.releases()] == [b, a]
    assert [r.id for r in store.releases(drafts=True)] == [b, a, draft]
    assert store.newest().id == b and store.newest_draft().id == draft
    assert json.loads((path / "datapackage.json").read_text())["version"] == b
    public = json.loads((store.released / "index.json").read_text())
    assert [r["id"] for r in public] == [b, a]
    with pytest.raises(ReleaseNotFound, match="no release"):
        store.find(draft)


def test_a_file_that_did_not_change_is_stored_once(site) -> None:
    path, (a, b, draft) = site
    store = ReleaseStore(path)
    shared = [
        (store.released / a / SHARED),
        (store.released / b / SHARED),
        (store.drafts / draft / SHARED),
    ]
    assert len({p.stat().st_ino for p in shared}) == 1
    assert (store.released / a / PAGE).stat().st_ino != (store.released / b / PAGE).stat().st_ino
    assert not shared[0].stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    folders = [store.released / a, store.released / b, store.drafts / draft]
    on_disk, as_copies = disk_use(folders)
    # What storing each distinct content once saves, counted from the bytes themselves.
    copies: dict[bytes, list[int]] = {}
    for file in (p for f in folders for p in f.rglob("*") if p.is_file()):
        content = file.read_bytes()
        copies.setdefault(content, []).append(len(content))
    assert as_copies - on_disk == sum(sum(sizes[1:]) for sizes in copies.values()) > 0


def test_a_draft_is_promoted_or_discarded(site) -> None:
    path, (_a, _b, draft) = site
    store = ReleaseStore(path)
    with store.lock():
        store.promote(draft)
    assert store.newest().id == draft and path.resolve().name == draft
    with pytest.raises(ReleaseNotFound, match="released already"), store.lock():
        store.promote(draft)
    other = _add(store, "dddd", 40.0, draft=True)
    own = (store.drafts / other / PAGE).stat().st_ino
    with store.lock():
        store.discard(other)
    assert not (store.drafts / other).exists()
    assert own not in {p.stat().st_ino for p in store.objects.rglob("*") if p.is_file()}
    assert all(p.stat().st_nlink > 1 for p in store.objects.rglob("*") if p.is_file())


def test_serve_reads_each_release_at_its_address_with_a_banner(site) -> None:
    path, (a, b, _draft) = site
    client = TestClient(create_app(path))
    assert "front of " + b in client.get("/").text
    old = client.get(f"/releases/{a}/{PAGE}")
    assert old.status_code == 200 and f"page of {a}" in old.text
    assert f"tidligere utgivelse ({a}, " in old.text and 'href="/nb/page.html"' in old.text
    newest = client.get(f"/releases/{b}/{PAGE}")
    assert newest.status_code == 200 and "release-banner" not in newest.text
    assert old.headers["etag"] != client.get(PAGE).headers["etag"]
    assert client.get(f"/releases/{a}/{SHARED}").status_code == 200
    # A relative link from one release to another, read inside a release, is sent on.
    hop = client.get(f"/releases/{b}/releases/{a}/{PAGE}", follow_redirects=False)
    assert hop.status_code == 301 and hop.headers["location"].endswith(f"/releases/{a}/{PAGE}")
    missing = client.get("/releases/2020-01-01-deadbeef/index.html")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    listed = client.get("/releases/index.json").json()
    assert [r["id"] for r in listed] == [b, a]


def test_the_api_answers_from_any_release(site) -> None:
    path, (a, b, _draft) = site
    client = TestClient(create_app(path))
    url = "/api/indicators/x/results"
    assert client.get(url).json()["rows"][0]["value"] == 20.0
    earlier = client.get(url, params={"release": a}).json()
    assert earlier["release"] == a and earlier["rows"][0]["value"] == 10.0
    assert client.get(f"/releases/{a}{url}").json() == earlier
    assert client.get("/api/indicators/x/downloads", params={"release": a}).json()["csv"] == (
        f"releases/{a}/data/x.csv"
    )
    unknown = client.get(url, params={"release": "2020-01-01-deadbeef"})
    assert unknown.status_code == 404 and "GET /api/releases" in unknown.json()["error"]["message"]
    assert client.get(url, params={"release": "../etc"}).status_code == 400
    releases = client.get("/api/releases").json()
    assert [(r["id"], r["status"], r["newest"]) for r in releases] == [
        (b, "released", True),
        (a, "released", False),
    ]
    assert releases[1]["url"] == f"releases/{a}/" and releases[1]["note"] == "note aaaa"


def test_a_draft_is_shown_only_under_its_preview_path(site) -> None:
    path, (_a, _b, draft) = site
    client = TestClient(create_app(path))
    preview = client.get(f"/preview/{draft}/{PAGE}")
    assert preview.status_code == 200 and f"page of {draft}" in preview.text
    assert preview.headers["x-robots-tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in preview.text
    assert "release-banner draft" in preview.text
    assert client.get(f"/releases/{draft}/{PAGE}").status_code == 404
    assert client.get("/api/indicators/x/results", params={"release": draft}).status_code == 404
    assert draft not in {r["id"] for r in client.get("/api/releases").json()}
    assert draft not in client.get("/releases/index.json").text
    listed = client.get(f"/preview/{draft}/api/releases").json()
    assert (draft, "draft") in {(r["id"], r["status"]) for r in listed}
    answer = client.get(f"/preview/{draft}/api/indicators/x/results")
    assert answer.json()["release"] == draft and answer.headers["x-robots-tag"]
    # Once released, the preview address sends readers to its stable one.
    store = ReleaseStore(path)
    with store.lock():
        store.promote(draft)
    moved = client.get(f"/preview/{draft}/{PAGE}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"].endswith(
        f"/releases/{draft}/{PAGE}"
    )
    assert f"page of {draft}" in client.get("/" + PAGE).text
    assert os.path.basename(path.resolve()) == draft

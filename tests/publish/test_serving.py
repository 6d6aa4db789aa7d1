"""Serving a publication as a web server should: compression, the cache policy, the security
headers, HEAD and CORS on the API, the 404s, robots.txt and the sitemap, the API's docs page."""

from __future__ import annotations

import gzip
import hashlib
import random
import re
from pathlib import Path
from xml.etree import ElementTree

import brotli
import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from variatlas.documents import load_atlas, shipped_atlases
from variatlas.pipeline import publish
from variatlas.publish.api import create_app
from variatlas.publish.serving import chosen_coding, fingerprint
from variatlas.publish.static_files import BaseUrlInvalid, base_url, site_files

PAGE = "/nb/tonsillectomy_children.html"
ANSWER = "/api/indicators/tonsillectomy_children/results?level=referral_area"
SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def site(few_disclosed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publication of three indicators: how it is served does not depend on how many."""
    target = tmp_path_factory.mktemp("served") / "site"
    publish(few_disclosed, target)
    return target


@pytest.fixture(scope="module")
def client(site: Path) -> TestClient:
    return TestClient(create_app(site))


def _raw(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes as sent (httpx would decode a compressed body)."""
    with client.stream("GET", url, headers=headers) as answer:
        return answer.status_code, dict(answer.headers), b"".join(answer.iter_raw())


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for url in (PAGE, "/", ANSWER, "/api/themes", "/assets/atlas.js", "/no/such/page.html"):
        answer = client.get(url)
        for name in SECURITY:
            assert name in answer.headers, (url, name)
    policy = client.get(PAGE).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert client.get(PAGE).headers["x-content-type-options"] == "nosniff"
    assert client.get(PAGE).headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_only_an_atlas_box_on_its_own_page_may_be_framed_by_any_site(
    client: TestClient, site: Path
) -> None:
    boxes = sorted(site.glob("*/atlases/*/*.html"))
    assert boxes  # bup's boxes, over an indicator these three include
    box = "/" + boxes[0].relative_to(site).as_posix()
    atlas = box.rsplit("/", 1)[0] + ".html"
    # The atlas's chapters' pages, beside its opening page: the site's own to frame.
    opening = site / atlas.lstrip("/")
    chapter = "/" + next(opening.parent.glob(f"{opening.stem}.*.html")).relative_to(site).as_posix()
    policies = {}
    for url in (box, atlas, chapter, PAGE, "/", "/assets/atlas.css", ANSWER):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "x-frame-options" not in answer.headers  # the policy alone says who may frame
        policy = answer.headers["content-security-policy"]
        policies[url] = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert policies[box]["frame-ancestors"] == "*"
    for url, directives in policies.items():
        if url != box:
            assert directives["frame-ancestors"] == "'self'", url
        # Framing aside, the box's page is held to the same policy as every other.
        assert {k: v for k, v in directives.items() if k != "frame-ancestors"} == {
            k: v for k, v in policies[box].items() if k != "frame-ancestors"
        }


def test_the_pages_have_no_inline_script_nor_style(site: Path) -> None:
    """What the policy refuses is not in the pages: scripts are files (a JSON data block is
    not run), and no element has a style attribute or a <style>."""
    pages = [site / "index.html", site / "en" / "index.html", site / PAGE.lstrip("/")]
    pages += [next((site / "nb" / "areas").glob("municipality-*.html")), site / "404.html"]
    pages += [site / "nb" / "atlases" / "barn2025.html", site / "nn" / "atlases" / "psyk2.html"]
    pages += sorted(site.glob("nb/atlases/barn2025.*.html"))[:3]  # chapters' pages
    pages += sorted(site.glob("*/atlases/*/*.html"))[:3]
    pages += [site / "nn" / "index.html", site / "nn" / "tonsillectomy_children.html"]
    pages += [site / "404.nn.html", site / "nn" / "atlases" / "barn2025.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script or 'type="application/json"' in script, (page, script)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text), page


def test_a_page_and_an_answer_are_not_sent_again_when_unchanged(client: TestClient) -> None:
    for url in (PAGE, ANSWER, "/api/themes", "/atlas/tonsillectomy_children.json"):
        first = client.get(url)
        etag = first.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}(-br|-gzip)?"', etag), (url, etag)
        assert first.headers["cache-control"] == "no-cache", url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", url
        assert again.headers["etag"] == etag
        changed = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert changed.status_code == 200 and changed.content == first.content, url


def test_the_etag_is_the_content_s_hash(client: TestClient, site: Path) -> None:
    """The same bytes, the same tag, in any process; another publication's file, another."""
    identity = client.get(PAGE, headers={"Accept-Encoding": "identity"})
    digest = hashlib.sha256((site / PAGE.lstrip("/")).read_bytes()).hexdigest()[:32]
    assert identity.headers["etag"] == f'"{digest}"'
    assert (
        TestClient(create_app(site)).get(ANSWER).headers["etag"]
        == client.get(ANSWER).headers["etag"]
    )


def test_the_precompressed_files_are_sent_when_accepted(client: TestClient, site: Path) -> None:
    original = (site / PAGE.lstrip("/")).read_bytes()
    status, headers, body = _raw(client, PAGE, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["content-encoding"] == "br"
    assert body == (site / (PAGE.lstrip("/") + ".br")).read_bytes()
    assert brotli.decompress(body) == original
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"].startswith("text/html")
    status, headers, body = _raw(client, PAGE, **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == original
    status, headers, body = _raw(client, PAGE, **{"Accept-Encoding": "br;q=0, gzip;q=0.5"})
    assert headers["content-encoding"] == "gzip"
    status, headers, body = _raw(client, PAGE, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in headers and body == original
    assert int(headers["content-length"]) == len(original)
    # Each coding is its own representation, with its own tag.
    tags = {
        client.get(PAGE, headers={"Accept-Encoding": coding}).headers["etag"]
        for coding in ("br", "gzip", "identity")
    }
    assert len(tags) == 3
    # Data and scripts too; Parquet is compressed already and sent as it is.
    for url in ("/atlas/tonsillectomy_children.json", "/data/tonsillectomy_children.csv"):
        assert _raw(client, url, **{"Accept-Encoding": "br"})[1]["content-encoding"] == "br"
    parquet = _raw(client, "/data/results.parquet", **{"Accept-Encoding": "br"})[1]
    assert "content-encoding" not in parquet


def test_publish_writes_a_gzip_and_a_brotli_beside_each_text_file(site: Path) -> None:
    for name in (PAGE.lstrip("/"), "index.html", "atlas/tonsillectomy_children.json"):
        original = (site / name).read_bytes()
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == original
        assert brotli.decompress((site / f"{name}.br").read_bytes()) == original
    assert not (site / "data" / "results.parquet.gz").exists()
    assert not list(site.rglob("*.gz.gz")) and not list(site.rglob("*.br.gz"))


def test_the_api_compresses_its_answers(client: TestClient) -> None:
    plain = client.get(ANSWER, headers={"Accept-Encoding": "identity"})
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        status, headers, body = _raw(client, ANSWER, **{"Accept-Encoding": coding})
        assert status == 200 and headers["content-encoding"] == coding
        assert headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(body) < len(plain.content)
        assert decode(body) == plain.content
        assert headers["etag"] == plain.headers["etag"][:-1] + f'-{coding}"'


def test_the_api_answers_head_on_every_route(client: TestClient, site: Path) -> None:
    release = site.resolve().name
    values = {"indicator_id": "tonsillectomy_children", "name": "start.js", "release": release}
    app = client.app
    routes = [r for r in app.routes if isinstance(r, Route) and r.path.startswith("/api")]  # type: ignore[attr-defined]
    assert len(routes) >= 10
    for route in routes:
        url = route.path.format(**{k: values[k] for k in route.param_convertors})
        got = client.get(url, headers={"Accept-Encoding": "identity"})
        head = client.head(url, headers={"Accept-Encoding": "identity"})
        assert got.status_code == head.status_code == 200, url
        assert head.content == b"", url
        assert head.headers["content-length"] == str(len(got.content)), url
        assert head.headers["etag"] == got.headers["etag"], url
        assert head.headers["access-control-allow-origin"] == "*", url
    assert client.head("/api/indicators/no_such_thing").status_code == 404
    assert client.head(PAGE).status_code == 200


def test_a_wrong_method_is_still_refused_with_what_is_allowed(client: TestClient) -> None:
    for path in ("/api/themes", "/api/docs", PAGE):
        answer = client.request("DELETE", path)
        assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD", path


def test_any_origin_may_read_the_api(client: TestClient) -> None:
    answer = client.get("/api/themes", headers={"Origin": "https://example.org"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "etag" in answer.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in answer.headers
    preflight = client.options(
        ANSWER,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD"
    assert preflight.headers["access-control-allow-headers"] == "if-none-match"
    assert "access-control-allow-origin" not in client.get(PAGE).headers


def test_a_missing_page_is_an_html_404_and_a_missing_answer_json(client: TestClient) -> None:
    page = client.get("/nb/no_such_indicator.html")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'lang="nb"' in page.text and "Fant ikke siden" in page.text
    assert 'lang="en"' in page.text  # a line in English too
    english = client.get("/en/no/such/page.html")
    assert english.status_code == 404 and "Page not found" in english.text
    assert '<html lang="en">' in english.text
    # Links from the root: the page is sent for addresses at any depth.
    assert 'href="/assets/atlas.css"' in english.text
    nynorsk = client.get("/nn/areas/no_such_area.html")
    assert nynorsk.status_code == 404 and "Fann ikkje sida" in nynorsk.text
    assert '<html lang="nn">' in nynorsk.text and 'href="/nn/"' in nynorsk.text
    for url in ("/api/no_such_route", "/api", "/api/indicators/no_such_thing"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.headers["content-type"] == "application/json", url
        assert answer.json()["error"]["status"] == 404, url


def test_the_cache_policy(client: TestClient, site: Path) -> None:
    assert client.get("/").headers["cache-control"] == "no-cache"
    assert client.get("/data/tonsillectomy_children.csv").headers["cache-control"] == "no-cache"
    assert client.get("/assets/atlas.js").headers["cache-control"] == "public, max-age=300"
    assert "etag" in client.get("/assets/atlas.js").headers
    # Asked for with its fingerprint, a file is kept for good; a stale fingerprint is not.
    mark = fingerprint(site / "assets" / "vendor" / "plot.js")
    kept = client.get(f"/assets/vendor/plot.js?v={mark}").headers["cache-control"]
    assert kept == "public, max-age=31536000, immutable"
    stale = client.get("/assets/vendor/plot.js?v=0000").headers["cache-control"]
    assert stale == "public, max-age=300"


def test_robots_and_the_sitemap_list_every_page_with_absolute_hreflang(
    client: TestClient, site: Path
) -> None:
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
    assert "Disallow: /api/" in robots
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    entries = {
        u.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in u.iter(f"{XHTML}link")
        }
        for u in tree.iter(f"{SITEMAP}url")
    }
    pages = [p for p in site.rglob("*.html") if not p.name.startswith("404")]
    drafts = [p for p in pages if "noindex" in p.read_text(encoding="utf-8")]
    atlases = [load_atlas(folder).atlas for folder in shipped_atlases()]
    unpublished = [atlas.id for atlas in atlases if not atlas.published]
    # A draft's pages, in each language (its opening page and its chapters'), and its boxes'
    # own pages.
    openings = [p.stem for p in drafts if p.parent.name == "atlases" and "." not in p.stem]
    assert sorted(openings) == sorted(unpublished * 3)
    chapters = {p.stem.split(".")[0] for p in drafts if "." in p.stem}
    assert chapters == set(unpublished)
    assert {p.parent.name for p in drafts if p.parent.name != "atlases"} <= set(unpublished)
    assert len(entries) == len(pages) - len(drafts)
    assert not any(f"/atlases/{atlas}" in e for e in entries for atlas in unpublished)
    base = "http://127.0.0.1:8000/"
    front = entries[base]
    assert front == {"nb": base, "nn": base + "nn/", "en": base + "en/", "x-default": base}
    assert entries[base + "nn/"] == front
    page = entries[base + "en/tonsillectomy_children.html"]
    assert page["nb"] == base + "nb/tonsillectomy_children.html"
    assert page["nn"] == base + "nn/tonsillectomy_children.html"
    assert page["en"] == base + "en/tonsillectomy_children.html"
    assert entries[base + "nb/areas/"]["nn"] == base + "nn/areas/"
    assert entries[base + "nb/areas/"]["en"] == base + "en/areas/"
    atlas = entries[base + "nn/atlases/psyk2.html"]
    assert set(atlas) == {"nb", "nn", "en", "x-default"}
    for loc, links in entries.items():
        assert loc is not None and loc.startswith(base)
        assert all(href.startswith(base) for href in links.values()), loc
        assert client.get(loc.removeprefix(base[:-1])).status_code == 200, loc


def test_the_base_url_is_where_the_site_is_served(few_disclosed, tmp_path: Path) -> None:
    """``variatlas publish --base-url``: the sitemap's, robots.txt's and 404 page's links."""
    site = tmp_path / "site"
    publish(few_disclosed, site, extra=site_files("https://example.org/atlas"))
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/atlas/en/</loc>" in sitemap
    assert "127.0.0.1" not in sitemap
    robots = (site / "robots.txt").read_text()
    assert "Sitemap: https://example.org/atlas/sitemap.xml" in robots
    assert "Disallow: /atlas/api/" in robots
    assert 'href="/atlas/assets/atlas.css"' in (site / "404.html").read_text()
    assert (site / "sitemap.xml.gz").exists()
    for bad in ("example.org", "ftp://example.org/", "https://example.org/?a=1", "/atlas/"):
        with pytest.raises(BaseUrlInvalid, match="absolute http"):
            site_files(bad)
    assert base_url("https://example.org") == "https://example.org/"


def test_the_api_docs_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.findall(r"https?://", page.text)
    assert "<script>" not in page.text  # no inline script: the policy would refuse it
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(sources) == 4
    for source in sources:
        assert source.startswith("/api/docs/"), source
        answer = client.get(source)
        assert answer.status_code == 200 and len(answer.content) > 0, source
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    start = client.get(next(s for s in sources if "start.js" in s)).text
    assert "SwaggerUIBundle" in start and "validatorUrl: null" in start
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs/nothing.js").status_code == 404


def test_coding_negotiation() -> None:
    both = {"br", "gzip"}
    assert chosen_coding("gzip, deflate, br, zstd", both) == "br"
    assert chosen_coding("gzip", both) == "gzip"
    assert chosen_coding("br;q=0, gzip", both) == "gzip"
    assert chosen_coding("*", both) == "br"
    assert chosen_coding("*;q=0, gzip", both) == "gzip"
    assert chosen_coding("identity", both) is None
    assert chosen_coding(None, both) is None
    assert chosen_coding("br", {"gzip"}) is None
    assert chosen_coding("gzip;q=bad", both) is None


def test_the_compressed_files_are_the_same_from_one_process_or_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from variatlas.publish import static_files

    monkeypatch.setattr(static_files, "WORKERS_FROM", 0)
    written = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("VARIATLAS_WORKERS", workers)
        folder = tmp_path / workers
        (folder / "nb").mkdir(parents=True)
        for i in range(6):
            (folder / "nb" / f"{i}.html").write_text("<p>variasjon</p>\n" * (100 * i + 1))
        (folder / "tiny.json").write_text("{}")
        noise = random.Random(1).randbytes(4096)  # not worth compressing
        (folder / "random.csv").write_bytes(noise)
        sizes = static_files.precompress(folder)
        assert sizes[0] > sizes[1] > sizes[2] > 0
        written[workers] = {
            str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))
        }
    assert written["1"] == written["2"]
    names = set(written["1"])
    assert "nb/5.html.br" in names and "nb/5.html.gz" in names
    assert "nb/0.html.gz" not in names and "tiny.json.gz" not in names
    assert "random.csv.gz" not in names


def test_publish_refuses_a_base_url_that_is_not_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from variatlas.cli import app

    answer = CliRunner().invoke(
        app, ["publish", str(tmp_path), str(tmp_path / "site"), "--base-url", "atlas.example.no"]
    )
    assert answer.exit_code == 2
    assert "absolute http(s) URL" in " ".join(answer.output.split())
    assert not (tmp_path / "site").exists()

"""Pages opened in a real browser: Playwright driving Debian's chromium, never a browser of
its own. Used by ``variatlas check`` (``checks``) and by the browser tests.

``Watched`` is a page whose console errors and warnings, uncaught exceptions, failed requests
and HTTP errors are collected as it is used; ``missing_figures`` what a page should have drawn
and has not.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DRAWN_WITHIN_MS = 20_000


class BrowserMissing(RuntimeError):
    """No chromium, or no Playwright, to open pages with; the message says what to do."""


def chromium() -> str | None:
    """Debian's chromium (``VARIATLAS_CHROMIUM`` names another)."""
    return os.environ.get("VARIATLAS_CHROMIUM") or shutil.which("chromium")


@contextmanager
def launched() -> Iterator[Any]:
    """A headless chromium, driven by Playwright; ``BrowserMissing`` when either is absent."""
    executable = chromium()
    if executable is None:
        raise BrowserMissing(
            "chromium is not installed, so no page can be opened in a browser: install it "
            "(apt-get install chromium) or skip this check with --no-browser."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserMissing(
            "Playwright is not installed, so no page can be opened in a browser: pip install "
            "'variatlas[check]', or skip this check with --no-browser."
        ) from None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are collected."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )

    def _failed(self, request: Any) -> None:
        # Chromium asks for the icon after the page has loaded; a test that moves on as soon
        # as the page is drawn aborts it (net::ERR_ABORTED), which is no fault of the page.
        aborted = "ERR_ABORTED" in (request.failure or "")
        if not (aborted and request.url.endswith("/favicon.svg")):
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def open(self, url: str, *, drawn: bool = True) -> Any:
        """Load ``url`` and wait until the atlas has drawn it (or, for other pages, until
        nothing more loads, so that leaving it aborts no request)."""
        self.page.goto(url, wait_until="load" if drawn else "networkidle")
        if drawn:
            self.page.wait_for_selector("body[data-drawn]", timeout=DRAWN_WITHIN_MS)
            # Charts below the screen are drawn when scrolled to, or printed: print them.
            self.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
            self.page.wait_for_selector("body[data-charts]", timeout=DRAWN_WITHIN_MS)
        return self.page

    def close(self) -> None:
        self.context.close()


MISSING_FIGURES = """() => {
  const shown = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
  const missing = [];
  for (const f of document.querySelectorAll('.figure')) {
    const section = f.closest('section');
    if (section && !shown(section)) continue;
    // An svg.reserve only keeps a chart's place until it is drawn.
    const drawn = f.querySelector('svg:not(.reserve), img, canvas, table');
    if (shown(f) && !drawn) missing.push(f.id || 'figure');
  }
  for (const f of document.querySelectorAll('figure.drawn')) {
    if (!f.querySelector('svg, table')) missing.push(f.dataset.indicator || 'document figure');
  }
  for (const i of document.querySelectorAll('img')) {
    if (i.complete && i.naturalWidth === 0) missing.push(i.getAttribute('src'));
  }
  return missing;
}"""


def missing_figures(page: Any) -> list[str]:
    """The figures a page shows empty (a chart not drawn, a picture not loaded)."""
    found: list[str] = page.evaluate(MISSING_FIGURES)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(site: Path) -> Iterator[str]:
    """``variatlas serve SITE`` on a free local port, in a thread: its address."""
    import uvicorn

    from variatlas.publish.api import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(site), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the atlas server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

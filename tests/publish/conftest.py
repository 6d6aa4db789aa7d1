"""The browser tests' shared fixtures: the publication of synthetic Norway served as
``variatlas serve`` serves it, and Debian's chromium driven by Playwright (``make test``
installs it; without it the browser tests are skipped, or fail where
``VARIATLAS_REQUIRE_BROWSER`` is set, as in ``make test``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from variatlas.publish.browser import Watched, chromium, launched, served


@pytest.fixture(scope="module")
def atlas_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if chromium() is None:
        message = "chromium is not installed (make test installs Debian's chromium)"
        if os.environ.get("VARIATLAS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    with launched() as found:
        yield found


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    page.close()

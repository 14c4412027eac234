"""Browser tests: Playwright driving Debian's Chromium against the built sample site,
served over http on 127.0.0.1 (so the browser talks to nothing else).

Where the browser cannot be installed the tests are skipped with a message, except
in CI (the CI environment variable is set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser.siteserver import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(message: str):
    """Skip with `message`, or fail in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server(sample_build):
    """The built sample site, served."""
    with serve(sample_build.output) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: run bash scripts/test-all, or pip install playwright")
    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}: run bash scripts/test-all as root, or apt-get install chromium")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as exc:
            unavailable(f"Chromium at {CHROMIUM} could not be started: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, server):
    """A fresh browser context that records every request it makes."""
    ctx = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    ctx.requests = []
    ctx.on("request", lambda request: ctx.requests.append(request.url))
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()

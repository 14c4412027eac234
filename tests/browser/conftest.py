"""Browser tests: Playwright driving Debian's Chromium against the built sample site,
served over http on 127.0.0.1 (so the browser talks to nothing else).

Where the browser cannot be installed the tests are skipped with a message, except
in CI (the CI environment variable is set), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(message: str):
    """Skip with `message`, or fail in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def server(sample_build):
    """The built sample site over http on 127.0.0.1; yields its base address."""
    handler = functools.partial(QuietHandler, directory=str(sample_build.output))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


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

"""What sitegen.preview.livereload_adapter relies on in livereload without livereload documenting it.

These tests fail, loudly, when a new livereload changes any of it: check the adapter against the
new version, then change LIVERELOAD_VERSION there and the pin in pyproject.toml together. That a
save reloads an open page through it, end to end, is tested in test_serve.py."""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version

from conftest import ROOT
from sitegen.preview import livereload_adapter


def test_the_installed_livereload_is_the_one_the_adapter_was_written_for():
    found = version("livereload")
    assert found == livereload_adapter.LIVERELOAD_VERSION, (
        f"sitegen.preview.livereload_adapter was written for livereload {livereload_adapter.LIVERELOAD_VERSION}; this is "
        f"{found}. Check what the adapter relies on (its docstring) before changing LIVERELOAD_VERSION and the pin.")
    pins = re.findall(r'"livereload==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pins == [livereload_adapter.LIVERELOAD_VERSION], "pyproject.toml pins livereload to exactly LIVERELOAD_VERSION"


def test_a_watcher_that_says_it_watches_by_itself_is_never_polled():
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher

    assert list(inspect.signature(Watcher.start).parameters) == ["self", "callback"]
    assert Watcher().start(lambda: None) is False  # the hook: False means livereload polls
    source = inspect.getsource(LiveReloadHandler.start_tasks)
    assert "if not cls.watcher.start(cls.poll_tasks):" in source  # ... and True that it never does


def test_reloading_sends_each_browser_livereloads_reload_message():
    from livereload.handlers import LiveReloadHandler

    class Browser:
        def __init__(self):
            self.sent = []

        def write_message(self, message):
            self.sent.append(message)

    browsers = [Browser(), Browser()]
    before = set(LiveReloadHandler.waiters)
    LiveReloadHandler.waiters.update(browsers)
    watcher, LiveReloadHandler.watcher = LiveReloadHandler.watcher, livereload_adapter._NoWatching(lambda: None)
    try:
        livereload_adapter.reload_browsers("/site/content/a.md")
    finally:
        LiveReloadHandler.waiters.clear()
        LiveReloadHandler.waiters.update(before)
        LiveReloadHandler.watcher = watcher
    for browser in browsers:
        [message] = browser.sent
        assert message["command"] == "reload" and message["path"] == "/site/content/a.md"

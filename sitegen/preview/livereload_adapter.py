"""The preview's web server: livereload serves a folder, adds its script to every page, and tells
every browser showing one to reload when `reload_browsers` is called.

livereload is used through its public `Server` (`Server(watcher=...)`, `serve(...)`), with two
exceptions its documentation does not cover, which tests/test_livereload_adapter.py checks
(livereload is pinned exactly in pyproject.toml, so an upgrade is a change someone reviews):

- `_NoWatching`, a `Watcher` whose documented hook `start` says it watches by itself (it does not:
  the preview's own watcher, `sitegen.preview.watch`, does), so livereload never polls the files;
- `LiveReloadHandler.reload_waiters`, which sends the browsers livereload's reload message (its
  own /forcereload address calls it). Called directly, every rebuild reloads at once: livereload's
  own watching skips a reload within 3 s of the last, which left a page stale after two quick saves.
"""

from __future__ import annotations

import logging
from typing import Callable

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher

LIVERELOAD_VERSION = "2.7.1"  # the version this module was written for (pinned in pyproject.toml)


class _NoWatching(Watcher):
    """A livereload watcher that looks at nothing, and calls `started` once the server runs."""

    def __init__(self, started: Callable[[], object]):
        super().__init__()
        self.started = started

    def start(self, callback) -> bool:
        from tornado.ioloop import IOLoop

        IOLoop.current().add_callback(self.started)
        return True  # livereload then never polls

    def examine(self):
        return None, None


def serve(root: str, port: int, host: str, started: Callable[[], object]) -> None:
    """Serve the folder `root` on `host`:`port` until stopped (Ctrl+C, or a KeyboardInterrupt raised
    by a signal handler); `started()` runs in the server's event loop once it serves. Raises OSError
    when the port cannot be used."""
    logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
    Server(watcher=_NoWatching(started)).serve(port=port, host=host, root=root, open_url_delay=None, restart_delay=0)


def reload_browsers(path: str = "*") -> None:
    """Tell every browser showing a page of the preview to reload it (`path`: what changed)."""
    LiveReloadHandler.reload_waiters(path)

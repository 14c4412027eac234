"""Serve a built site over http on 127.0.0.1 from a thread, for the browser tests."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


# A Content-Security-Policy as strict as a public site should send (see netlify.toml):
# nothing inline, nothing from another host. Pagefind compiles its WebAssembly, which
# needs 'wasm-unsafe-eval' (not 'unsafe-eval': scripts still cannot eval).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


# What Netlify answers every file with unless `_headers` says otherwise: a browser may keep it, but
# must ask again before using it (so a file is never used twice from the browser's cache unasked,
# and a file fetched twice shows as two requests).
NETLIFY_CACHING = "public, max-age=0, must-revalidate"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files with the strict policy above and Netlify's caching, without logging each request."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", NETLIFY_CACHING)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def running(httpd: ThreadingHTTPServer):
    """`httpd` (listening on 127.0.0.1) serving from a thread of its own; yields its base address,
    and stops it when the block ends."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextmanager
def serve(folder: Path):
    """A built site over http on 127.0.0.1; yields its base address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as address:
        yield address

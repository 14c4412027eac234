"""What the search page costs a reader, for a built site: how long from pressing Search to the
first results shown, how many requests and how many bytes the index took, and where the time
went. Run on demand:

    python benchmarks/search_page.py OUTPUT [--repeats 5] [--latency 100] [--word safeguarding]

OUTPUT is a built site (for example /work/bench-data/n2000/out after `bench.py 2000`). Each
search starts in a new browser context (nothing cached), as a reader's first visit does: the
search page is loaded, the word put in the box (at once, the worst case; or with `--typing MS`
typed a key every MS milliseconds, as a reader types), and the clock starts when Search is pressed.

`--latency` holds back every response for that many milliseconds in the server (one round
trip of a phone far from the server); 0 is this machine's own loopback. It is added by the
server rather than by Chromium's network emulation because Pagefind fetches the index from a
web worker, whose requests the page's emulation does not slow. The site is served over
HTTP/1.1 from 127.0.0.1, so the browser opens at most six connections to it and further
requests queue. With `--http2` it is served over HTTP/2 instead, as a CDN such as Netlify's
serves it (TLS with a certificate made for the run; Node's http2 module, benchmarks/h2serve.mjs):
one connection, every request at once. Both servers send every file with Netlify's default caching
(`Cache-Control: public, max-age=0, must-revalidate`, the `NETLIFY_CACHING` of the browser tests'
server), so that nothing fetched twice is taken from the browser's cache as it would not be on
Netlify: a file is used twice only where the page preloaded it. (The site's `_headers` file sets no
header for the search page or /pagefind/, so nothing else of it is served.)

For the first search it prints each kind of request to /pagefind/ (Pagefind's scripts, its
WebAssembly, each index's entry and metadata, filter chunks, word-index chunks, result
fragments): how many, and when the first started and the last ended, in milliseconds after
pressing Search (Playwright's request timings, as Chromium's DevTools protocol reports them),
and the time from the last response to the results shown (the browser's own work).
Needs Playwright and Chromium, as the browser tests do.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from browser.siteserver import NETLIFY_CACHING, QuietHandler, running  # noqa: E402

KINDS = [  # (kind, pattern of the address below /pagefind/), first match wins
    ("script", r"\.js$"), ("wasm", r"wasm\.[^/]*\.pagefind$"), ("entry", r"pagefind-entry\.json"),
    ("metadata", r"\.pf_meta$"), ("filter", r"\.pf_filter$"), ("word index", r"\.pf_index$"),
    ("fragment", r"\.pf_fragment$"), ("parts list", r"(parts|start)\.json$")]


def kind_of(url: str) -> str:
    path = url.split("?")[0]
    return next((kind for kind, pattern in KINDS if re.search(pattern, path)), "other")


@contextmanager
def serve_slowly(folder: Path, latency_ms: int):
    """The site over http on 127.0.0.1, each response held back `latency_ms`; yields its address."""

    class Slow(QuietHandler):
        def send_head(self):
            if latency_ms:
                time.sleep(latency_ms / 1000)
            return super().send_head()

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # the browser closed a connection it no longer needed (the context ends)

    with running(Server(("127.0.0.1", 0), functools.partial(Slow, directory=str(folder)))) as address:
        yield address


@contextmanager
def serve_http2(folder: Path, latency_ms: int):
    """The site over HTTP/2 on 127.0.0.1 (Node's http2 module), each response held back `latency_ms`."""
    with tempfile.TemporaryDirectory() as temp:
        key, cert = Path(temp) / "key.pem", Path(temp) / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        server = subprocess.Popen(["node", str(HERE / "h2serve.mjs"), str(folder), str(latency_ms), str(key), str(cert), NETLIFY_CACHING],
                                  stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            yield f"https://127.0.0.1:{port}"
        finally:
            server.kill()
            server.wait()


# Read by the browser's own clock (the same one as the request timings): when Enter went down in the
# search box, and when the first result was put in the list.
CLOCK = """
addEventListener("keydown", (event) => {
  if (event.key === "Enter") window.pressedAt = performance.timeOrigin + performance.now();
}, true);
new MutationObserver((changes, observer) => {
  const list = document.getElementById("search-results");
  if (list && list.querySelector("li")) {
    window.shownAt = performance.timeOrigin + performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def search_once(browser, address: str, word: str, typing_ms: int = 0) -> dict:
    """One first search: its seconds, and each request to /pagefind/ (kind, start, end in ms after
    pressing Search, bytes)."""
    context = browser.new_context(base_url=address, ignore_https_errors=True, bypass_csp=True)
    context.add_init_script(CLOCK)
    finished: list = []
    context.on("requestfinished", lambda request: finished.append(request) if "/pagefind/" in request.url else None)
    page = context.new_page()
    page.goto("/search/")
    page.wait_for_load_state("load")
    if typing_ms:  # typed as a reader types, a key every `typing_ms`, the search box focused first
        page.locator("#search-q").press_sequentially(word, delay=typing_ms)
    else:  # put in the box at once: the browser has no time to fetch anything before Search is pressed
        page.fill("#search-q", word)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li", timeout=120_000)
    pressed_ms, shown_ms = page.evaluate("[window.pressedAt, window.shownAt]")
    seconds = (shown_ms - pressed_ms) / 1000
    requests = []
    for request in finished:
        timing = request.timing
        begun = timing["startTime"] - pressed_ms
        requests.append({"kind": kind_of(request.url), "start": begun, "end": begun + timing["responseEnd"],
                         "bytes": request.sizes()["responseBodySize"]})
    context.close()
    before = [r for r in requests if r["start"] < seconds * 1000]  # those the first results waited for, or could have
    return {"seconds": seconds, "requests": requests,
            "after_last": seconds * 1000 - max((r["end"] for r in before), default=0)}


def breakdown(run: dict) -> list[str]:
    """Each kind of request of one search: count, first start and last end (ms after pressing)."""
    lines = []
    for kind, _ in [*KINDS, ("other", "")]:
        mine = [r for r in run["requests"] if r["kind"] == kind]
        if mine:
            lines.append(f"  {kind:<10} {len(mine):>4} requests, {sum(r['bytes'] for r in mine) / 1e3:>8.0f} kB, "
                         f"from {min(r['start'] for r in mine):>6.0f} to {max(r['end'] for r in mine):>6.0f} ms")
    lines.append(f"  results shown at {run['seconds'] * 1000:.0f} ms, {run['after_last']:.0f} ms after the last response "
                 "begun before then ended")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency", type=int, default=0, help="milliseconds each response is held back")
    parser.add_argument("--word", default="safeguarding")
    parser.add_argument("--http2", action="store_true", help="serve over HTTP/2, as a CDN does")
    parser.add_argument("--typing", type=int, default=0, metavar="MS",
                        help="type the word a key every MS milliseconds (0: put in at once, the worst case)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    indexes = len(json.loads((args.output / "pagefind" / "parts.json").read_text())) + 1
    server = serve_http2 if args.http2 else serve_slowly
    with server(args.output, args.latency) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        runs = [search_once(browser, address, args.word, args.typing) for _ in range(args.repeats)]
        browser.close()
    seconds = [r["seconds"] for r in runs]
    first = runs[0]["requests"]
    print(f"{args.output}: {indexes} indexes, {'HTTP/2' if args.http2 else 'HTTP/1.1'}, "
          f"{f'typed a key every {args.typing} ms' if args.typing else 'put in at once'}, search for {args.word!r}, latency {args.latency} ms: "
          f"{statistics.median(seconds):.2f} s median ({min(seconds):.2f} to {max(seconds):.2f}), "
          f"{len(first)} requests to /pagefind/, {sum(r['bytes'] for r in first) / 1e6:.1f} MB")
    print("the first search:")
    print("\n".join(breakdown(runs[0])))


if __name__ == "__main__":
    main()

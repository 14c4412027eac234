"""What the search page costs a reader, for a built site: how long from pressing Search to the
results shown, how many requests and how many bytes the index took. Run on demand:

    python benchmarks/search_page.py OUTPUT [--repeats 5] [--latency 100] [--word information]

OUTPUT is a built site (for example benchmarks/.work/n2000/out after `bench.py 2000`). Each
search starts in a new browser context (nothing cached), as a reader's first visit does.
`--latency` adds that many milliseconds to every request (Chromium's network emulation, with
10 Mbit/s down), as a phone far from the server meets; 0 is this machine's own loopback.
The site is served over HTTP/1.1 from 127.0.0.1, so with many parts the browser's six
connections to one host queue the requests (a CDN's HTTP/2 does not): read the latency
numbers as an upper bound. Needs Playwright and Chromium, as the browser tests do.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from browser.siteserver import serve  # noqa: E402


def search_once(browser, address: str, word: str, latency: int) -> tuple[float, int, int]:
    """(seconds from pressing Search to the results shown, requests for the index, their bytes)."""
    context = browser.new_context(base_url=address)
    requests: list = []
    context.on("requestfinished", lambda request: requests.append(request) if "/pagefind/" in request.url else None)
    page = context.new_page()
    if latency:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                          "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8})
    page.goto("/search/")
    page.wait_for_load_state("load")
    page.fill("#search-q", word)
    start = time.perf_counter()
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li", timeout=120_000)
    seconds = time.perf_counter() - start
    size = sum(request.sizes()["responseBodySize"] for request in requests)
    count = len(requests)
    context.close()
    return seconds, count, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency", type=int, default=0, help="milliseconds added to every request")
    parser.add_argument("--word", default="information")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    parts = json.loads((args.output / "pagefind" / "parts.json").read_text())
    with serve(args.output) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        runs = [search_once(browser, address, args.word, args.latency) for _ in range(args.repeats)]
        browser.close()
    seconds = [r[0] for r in runs]
    print(f"{args.output}: {len(parts) + 1} indexes, search for {args.word!r}, latency {args.latency} ms: "
          f"{statistics.median(seconds):.2f} s median ({min(seconds):.2f} to {max(seconds):.2f}), "
          f"{runs[0][1]} requests to /pagefind/, {runs[0][2] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

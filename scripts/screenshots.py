#!/usr/bin/env python3
"""Screenshots of the sample site for the README: home, a listing, an entry and a
7-minute briefing, at desktop (1280 px) and phone (390 px) widths; and, on desktop, the page of
problems a deploy preview shows (`sitegen build --deploy-preview`).

Usage, from the repository: python3 scripts/screenshots.py [--output docs/screenshots]

It builds the sample site as on 22 November 2026 into a temporary folder, serves it
on 127.0.0.1 and photographs the first screenful of each page with Debian's Chromium
(/usr/bin/chromium, driven by Playwright). Each picture is a PNG of a few hundred KB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from browser.siteserver import serve  # noqa: E402
from sitegen.build import build  # noqa: E402

PAGES = {
    "home": "/",
    "listing": "/sar/",
    "entry": "/sar/sar-adult-a/",
    "briefing": "/briefing/7-minute-briefing-professional-curiosity/",
    "rendition": "/sar/sar-adult-a/sar-adult-a-executive-summary/",
}
SCREENS = {"desktop": (1280, 1000), "phone": (390, 844)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        site = Path(temp) / "site"
        result = build(ROOT, date(2026, 11, 22), site, use_cache=False)
        if result.failed:
            print("\n".join(p.format() for p in result.problems), file=sys.stderr)
            return 1
        with serve(site) as address, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for screen, (width, height) in SCREENS.items():
                context = browser.new_context(base_url=address, viewport={"width": width, "height": height})
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(path)
                    target = args.output / f"{name}-{screen}.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {target.stat().st_size // 1000} KB")
                context.close()
            browser.close()
        preview = Path(temp) / "preview"
        from sitegen.commands.placeholders import placeholder_problems
        from sitegen.content.config import load_config

        loaded = load_config(ROOT)
        result = build(loaded, date(2026, 11, 22), preview, use_cache=False, deploy_preview=True,
                       also_told=lambda site_model: placeholder_problems(loaded.config, site_model))
        if result.failed:
            print("\n".join(p.format() for p in result.problems), file=sys.stderr)
            return 1
        with serve(preview) as address, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=address, viewport={"width": 1280, "height": 1000})
            page.goto("/preview-problems/")
            target = args.output / "deploy-preview-problems.png"
            page.screenshot(path=str(target))
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {target.stat().st_size // 1000} KB")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

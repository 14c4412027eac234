"""The built sample site as files: page weight, links, valid HTML, a strict
Content-Security-Policy's rules, and what the search index holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from conftest import ROOT, occurrences, read_output

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGE_BUDGET = 75 * 1000  # bytes of HTML, CSS and JS for one page (not PDFs, not the search bundle)


class Page(HTMLParser):
    """What one HTML file links to, its ids, and anything a strict CSP would block."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, address)
        self.styles: list[str] = []  # stylesheets and scripts the page loads
        self.loads: list[str] = []  # everything the browser fetches to show the page
        self.ids: set[str] = set()
        self.inline: list[str] = []
        self._script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append((tag, a[name]))
        if tag == "link" and a.get("rel") == "stylesheet" or tag == "script" and a.get("src"):
            self.styles.append(a.get("href") or a.get("src"))
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload", "manifest"):
            self.loads.append(a["href"])
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "style" or "style" in a:
            self.inline.append(f"<{tag}> style")
        if any(name.startswith("on") for name in a):
            self.inline.append(f"<{tag}> event handler")
        # schema.org data (sitegen.rendering.structured) is data, never run: the policy's script-src does not apply
        self._script = tag == "script" and a.get("type") != "application/ld+json"

    def handle_data(self, data):
        if self._script and data.strip():
            self.inline.append("<script> with a body")

    def handle_endtag(self, tag):
        self._script = False


@pytest.fixture(scope="module")
def output(sample_build) -> Path:
    return sample_build.output


@pytest.fixture(scope="module")
def pages(output) -> dict[str, Page]:
    """The site's pages for its readers: not the browser editor (/admin/, Decap's own page, which has
    its own policy and weight and is tested by tests/browser/test_admin_policy.py)."""
    return {path.relative_to(output).as_posix(): Page(path.read_text(encoding="utf-8"))
            for path in sorted(output.rglob("*.html")) if not path.relative_to(output).as_posix().startswith("admin/")}


def target(output: Path, address: str) -> Path:
    """The output file a site address such as /sar/ or /assets/site.css is served from."""
    path = urlparse(address).path
    return output / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def test_every_page_type_is_there(pages):
    for path in ["index.html", "sar/index.html", "sar/sar-adult-a/index.html", "themes/index.html",
                 "themes/self-neglect/index.html", "how-to-refer/index.html", "sar/sar-adult-c/index.html",
                 "accessibility/index.html", "search/index.html", "404.html",
                 "briefing/7-minute-briefing-professional-curiosity/index.html",
                 "sar/sar-adult-a/sar-adult-a-executive-summary/index.html"]:
        assert path in pages


def test_every_page_weighs_at_most_75_kb_with_its_css_and_js(output, pages):
    for path, page in pages.items():
        own = [address for address in page.styles if not urlparse(address).path.startswith("/pagefind/")]
        weight = (output / path).stat().st_size + sum(target(output, a).stat().st_size for a in own)
        assert weight <= PAGE_BUDGET, (path, weight)


def test_every_internal_link_and_asset_resolves(output, pages):
    broken = []
    for path, page in pages.items():
        for _tag, address in page.links:
            parts = urlparse(address)
            if parts.scheme or parts.netloc:
                continue  # mailto:, tel:, https:// (other sites are linked to, never loaded)
            base, fragment = urldefrag(address)
            if not base:
                if fragment and fragment not in page.ids:
                    broken.append((path, address))
                continue
            assert base.startswith("/"), (path, address)  # addresses are absolute paths
            file = target(output, base)
            if not file.is_file():
                broken.append((path, address))
            elif fragment and file.suffix == ".html" and fragment not in Page(file.read_text()).ids:
                broken.append((path, address))
    assert broken == []


def test_nothing_a_strict_content_security_policy_would_block(pages):
    for path, page in pages.items():
        assert page.inline == [], path
        for address in page.loads:
            parts = urlparse(address)
            assert not parts.scheme and not parts.netloc, (path, address)  # only this site's own files


def test_html_is_valid_by_the_nu_validator(output, pages):
    java = shutil.which("java")
    if not (java and VNU.is_file()):
        message = "the Nu HTML validator needs java and node_modules/vnu-jar: run bash scripts/test-all"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    files = [str(output / path) for path in pages]
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"]) for m in messages] == []


def test_search_index_holds_live_text_only(output):
    files = read_output(output)
    index = {path: data for path, data in files.items() if path.startswith("pagefind/")}
    assert index, "the sample site has a search index"
    assert occurrences(index, "Marshwillow"), "a word only inside a live PDF is in the index"
    for word in ("Kestrelbrook", "Quillmere"):  # the scheduled CSPR and the draft SAR
        assert occurrences(files, word) == []
    # nothing of the expired Adult C (its notice page is not indexed) nor of the 404 page
    assert occurrences(index, "Adult C") == [] and occurrences(index, "Page not found") == []

"""The Content-Security-Policy in netlify.toml allows no inline script or style and
no outside host. Every page the default theme builds must live within it, or the
browser silently drops what the policy forbids."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from conftest import ROOT
from sitegen.build import build

# Attributes whose value the browser loads as a resource of the page (`default-src 'self'`).
LOADED = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
          "object": ("data",), "source": ("src", "srcset"), "audio": ("src",), "video": ("src", "poster"),
          "track": ("src",), "input": ("src",), "form": ("action",)}
LOADED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
DATA_SCRIPTS = {"application/ld+json"}  # the schema.org data sitegen writes (sitegen.rendering.structured): never run, outside script-src


class PolicyScanner(HTMLParser):
    """Collects everything in a page that a strict CSP would block."""

    def __init__(self, own_origin: str):
        super().__init__(convert_charrefs=True)
        self.own_origin = own_origin
        self.problems: list[str] = []
        self._script: tuple[int, bool] | None = None  # (line, is data) while inside <script>

    def outside(self, value: str) -> bool:
        for url in value.split(","):
            url = url.strip().split(" ")[0]
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https") or url.startswith("//"):
                if f"{parsed.scheme or 'https'}://{parsed.netloc}" != self.own_origin:
                    return True
            elif parsed.scheme not in ("", "data"):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=...> is an inline event handler")
            if name == "style":
                self.problems.append(f"line {line}: <{tag} style=...> is an inline style")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag} {name}=\"javascript:...\">")
        if tag == "style":
            self.problems.append(f"line {line}: a <style> element")
        if tag == "script":
            self._script = (line, (values.get("type") or "").lower() in DATA_SCRIPTS)
        for name in LOADED.get(tag, ()):
            if values.get(name) and self.outside(values[name]):
                self.problems.append(f"line {line}: <{tag} {name}=\"{values[name]}\"> loads from another host")
        if tag == "link" and LOADED_LINKS & set((values.get("rel") or "").lower().split()):
            if values.get("href") and self.outside(values["href"]):
                self.problems.append(f"line {line}: <link href=\"{values['href']}\"> loads from another host")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.problems.append(f"line {line}: a CSP in a <meta> element would differ from netlify.toml's")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script and not self._script[1] and data.strip():
            self.problems.append(f"line {self._script[0]}: an inline <script> body")


def csp_problems(html: str, own_origin: str = "https://learning.northshire.example") -> list[str]:
    scanner = PolicyScanner(own_origin)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


@pytest.mark.parametrize("html, found", [
    ('<script>alert(1)</script>', "inline <script> body"),
    ('<script type="module">import "./x.js"</script>', "inline <script> body"),
    ('<script type="text/javascript">go()</script>', "inline <script> body"),
    ('<style>p{color:red}</style>', "<style> element"),
    ('<p style="color:red">x</p>', "inline style"),
    ('<button onclick="go()">x</button>', "inline event handler"),
    ('<body onload="go()">', "inline event handler"),
    ('<a href="javascript:go()">x</a>', "javascript:"),
    ('<script src="https://cdn.example.com/x.js"></script>', "another host"),
    ('<link rel="stylesheet" href="https://fonts.example.com/f.css">', "another host"),
    ('<img src="//tracker.example.com/p.gif" alt="">', "another host"),
    ('<meta http-equiv="Content-Security-Policy" content="default-src *">', "<meta>"),
])
def test_the_scanner_finds_what_the_policy_blocks(html, found):
    problems = csp_problems(html)
    assert len(problems) == 1 and found in problems[0], problems


@pytest.mark.parametrize("html", [
    '<script src="/pagefind/pagefind-ui.js"></script>',
    '<script src="/assets/site.js" defer></script>\n',
    '<script type="application/ld+json">{"@type": "Report"}</script>',
    '<link rel="stylesheet" href="/assets/site.css"><img src="/assets/logo.png" alt="">',
    '<img src="https://learning.northshire.example/assets/logo.png" alt="">',
    '<a href="https://www.scie.org.uk/">a link to another site is fine</a>',
    '<form action="/search/"><input name="q"></form>',
])
def test_the_scanner_allows_what_the_policy_allows(html):
    assert csp_problems(html) == []


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    """The sample site on 22 November 2026: live, expired (notices), pages, listings, themes, 404 and 410."""
    out = tmp_path_factory.mktemp("csp") / "build"
    result = build(ROOT, date(2026, 11, 22), out, use_cache=False)
    assert not result.failed
    return out


def test_every_built_page_keeps_to_the_content_security_policy(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 20 and (sample_site / "410.html") in pages and (sample_site / "404.html") in pages
    found = {}
    for page in pages:
        problems = csp_problems(page.read_text(encoding="utf-8"))
        if problems:
            found[page.relative_to(sample_site).as_posix()] = problems
    assert found == {}

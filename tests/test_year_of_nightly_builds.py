"""A year of nightly builds, day by day, from 20 October 2027 to 5 November 2028:
both clock changes of 2028 and the one of October 2027, and 29 February 2028.

Every day each entry must be exactly where the rules say, in every output file:
its page, the home page and listings, the themes, the feed, the sitemap, the
search index (when the build makes one), `_headers` and `_redirects`. The
expected days and header values are written out by hand below; nothing here
asks sitegen when an entry is live.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SiteMaker, read_output
from netlifyfiles import headers_for, parse_headers, parse_redirects, redirect_for
from sitegen.commands.cli import main
from sitegen.output.netlify import CONTENT_TYPES
from sitegen.rules.visibility import as_of_day

FIRST_NIGHT, LAST_NIGHT = date(2027, 10, 20), date(2028, 11, 5)
BASE = "https://learning.testshire.example"
PARTS = ("title", "summary", "body", "subject", "theme", "pdf")

# slug: (front matter, first day live, first day hidden, X-Robots-Tag while live)
ENTRIES = {
    # Comes down on 31 October 2027, the day BST ends: midnight is still BST.
    "autumn-sar": (dict(type="sar", published="2026-10-31"), date(2026, 10, 31), date(2027, 10, 31),
                   "unavailable_after: 2027-10-31T00:00:00+01:00"),
    "november-cspr": (dict(type="cspr", published="2026-11-22"), date(2026, 11, 22), date(2027, 11, 22),
                      "unavailable_after: 2027-11-22T00:00:00+00:00"),
    # Taken down without a notice page.
    "removed-scr": (dict(type="scr", published="2026-12-15", on_expiry="remove"), date(2026, 12, 15), date(2027, 12, 15),
                    "unavailable_after: 2027-12-15T00:00:00+00:00"),
    # `expires:` instead of the type's window.
    "expires-dhr": (dict(type="dhr", published="2027-06-01", expires="2028-01-10", approved="2027-05-01"), date(2027, 6, 1), date(2028, 1, 10),
                    "unavailable_after: 2028-01-10T00:00:00+00:00"),
    # Comes down the day after 29 February.
    "march-sar": (dict(type="sar", published="2027-03-01"), date(2027, 3, 1), date(2028, 3, 1),
                  "unavailable_after: 2028-03-01T00:00:00+00:00"),
    # Comes down on 26 March 2028, the day BST begins (at 01:00): midnight is still GMT.
    "spring-sar": (dict(type="sar", published="2027-03-26"), date(2027, 3, 26), date(2028, 3, 26),
                   "unavailable_after: 2028-03-26T00:00:00+00:00"),
    # Published on 29 February: a year from it ends on 1 March 2029.
    "leap-cspr": (dict(type="cspr", published="2028-02-29"), date(2028, 2, 29), date(2029, 3, 1),
                  "unavailable_after: 2029-03-01T00:00:00+00:00"),
    # Briefings are shown for 3 months on this site.
    "summer-briefing": (dict(type="briefing", published="2028-05-01"), date(2028, 5, 1), date(2028, 8, 1),
                        "unavailable_after: 2028-08-01T00:00:00+01:00"),
    # Comes down on 29 October 2028, the day BST ends.
    "autumn-cspr": (dict(type="cspr", published="2027-10-29"), date(2027, 10, 29), date(2028, 10, 29),
                    "unavailable_after: 2028-10-29T00:00:00+01:00"),
    # Learning reviews never come down on this site.
    "forever-review": (dict(type="learning-review", published="2027-11-15"), date(2027, 11, 15), None, None),
    "draft-sar": (dict(type="sar", published="2027-12-01", draft=True), None, None, None),
    # An error (expires before published): withheld every day.
    "withheld-sar": (dict(type="sar", published="2028-01-05", expires="2027-12-01"), None, None, None),
    # Goes live on the last night.
    "late-sar": (dict(type="sar", published="2028-11-05"), date(2028, 11, 5), date(2029, 11, 5),
                 "unavailable_after: 2029-11-05T00:00:00+00:00"),
}
PAGE = "contact-us"


def prefix(slug: str) -> str:
    return "".join(word.capitalize() for word in slug.split("-"))


def marker(slug: str, part: str) -> str:
    return f"{prefix(slug)}{part.capitalize()}Marker"


SLUG_OF = {prefix(slug).lower(): slug for slug in ENTRIES}
MARKERS = re.compile("(" + "|".join(SLUG_OF) + ")(" + "|".join(PARTS) + ")marker")
LOC = re.compile(r"<loc>" + re.escape(BASE) + r"/([a-z-]+)/([a-z-]+)/</loc>")


def expected(slug: str, day: date) -> str:
    front, first, hidden, _ = ENTRIES[slug]
    if front.get("draft"):
        return "draft"
    if first is None:
        return "withheld"
    if day < first:
        return "scheduled"
    if hidden is not None and day >= hidden:
        return "removed" if front.get("on_expiry") == "remove" else "notice"
    return "live"


def make_site(site: SiteMaker) -> None:
    site.write_settings(types={"learning-review": {"window": "never"}, "briefing": {"window": "3 months"}})
    for slug, (front, *_) in ENTRIES.items():
        site.pdf(f"{slug}.pdf", [f"Report text {marker(slug, 'pdf')}"])
        site.entry(slug, body=f"The body says {marker(slug, 'body')}.", title=f"Review {marker(slug, 'title')}",
                   summary=f"About {marker(slug, 'summary')}.", subject=marker(slug, "subject"),
                   themes=[marker(slug, "theme")], documents=[{"file": f"reports/{slug}.pdf", "title": "Overview"}],
                   **front)
    site.entry(PAGE, type="page", title="Contact us", body="Write to us.")


@pytest.fixture(scope="module")
def year_site(tmp_path_factory) -> SiteMaker:
    site = SiteMaker(tmp_path_factory.mktemp("year") / "site")
    make_site(site)
    return site


class Night:
    """One night's output, read once."""

    def __init__(self, day: date, out: Path):
        self.day = day
        self.files = read_output(out)
        self.found: dict[str, set[tuple[str, str]]] = {}
        for path, data in self.files.items():
            hits = {(SLUG_OF[p], part) for p, part in MARKERS.findall(data.lower().decode("utf-8", "replace"))}
            self.found[path] = hits
        self.headers = parse_headers(self.files["_headers"].decode())
        self.redirects = parse_redirects(self.files["_redirects"].decode())

    def where(self, slug: str, part: str) -> set[str]:
        return {path for path, hits in self.found.items() if (slug, part) in hits}

    def titles_in(self, path: str) -> set[str]:
        return {slug for slug, part in self.found[path] if part == "title"}

    def slug_in(self, slug: str) -> set[str]:
        needle = f"/{slug}/".encode()
        return {path for path, data in self.files.items() if needle in data or path.startswith(f"{ENTRIES[slug][0]['type']}/{slug}/")}

    def robots(self, request: str) -> list[str]:
        return [value for name, value in headers_for(self.headers, request) if name == "X-Robots-Tag"]


def check_night(night: Night) -> None:
    day, files = night.day, night.files
    state = {slug: expected(slug, day) for slug in ENTRIES}
    live = {slug for slug, s in state.items() if s == "live"}
    search_index = [path for path in files if path.startswith("pagefind/")]
    assert "pagefind/pagefind.js" in search_index, day  # every night has its search index

    # Listings, feed and sitemap hold exactly the live reports.
    assert night.titles_in("index.html") == live, day
    for rtype in ("sar", "cspr", "scr", "dhr", "briefing", "learning-review"):
        assert night.titles_in(f"{rtype}/index.html") == {s for s in live if ENTRIES[s][0]["type"] == rtype}, (day, rtype)
    assert night.titles_in("feed.xml") == live, day
    for path in ("feed.json", "data/register.csv", "data/register.json"):  # the open data too (sitegen.output.opendata)
        assert night.titles_in(path) == live, (day, path)
    in_sitemap = {slug for _, slug in LOC.findall(files["sitemap.xml"].decode())}
    assert in_sitemap & set(ENTRIES) == live, day
    assert f"{BASE}/{PAGE}/" in files["sitemap.xml"].decode() and f"{PAGE}/index.html" in files

    # _headers and _redirects name exactly what they should, nothing more.
    header_paths, gone_paths = set(CONTENT_TYPES), set()  # the content types of the site's own files, every night
    for slug, s in state.items():
        base = f"/{ENTRIES[slug][0]['type']}/{slug}/"
        if s == "live" and ENTRIES[slug][3]:
            header_paths |= {base, base + "index.html", base + f"{slug}.pdf"}
        elif s == "notice":
            header_paths |= {base, base + "index.html"}
            gone_paths |= {base + f"{slug}.pdf"}
        elif s == "removed":
            gone_paths |= {base, base + "index.html", base + f"{slug}.pdf"}
    assert {rule.path for rule in night.headers} == header_paths, day
    assert {rule.source for rule in night.redirects} == gone_paths, day
    assert all((r.target, r.status, r.force) == ("/410.html", 410, True) for r in night.redirects), day
    assert "410.html" in files

    for slug, s in state.items():
        rtype = ENTRIES[slug][0]["type"]
        page, pdf = f"{rtype}/{slug}/index.html", f"{rtype}/{slug}/{slug}.pdf"
        requests = (f"/{rtype}/{slug}/", f"/{rtype}/{slug}", f"/{rtype}/{slug}/index.html", f"/{rtype}/{slug}/{slug}.pdf")
        if s == "live":
            for part in ("title", "summary", "body", "subject", "theme"):
                assert page in night.where(slug, part), (day, slug, part)
            assert f"themes/{prefix(slug).lower()}thememarker/index.html" in night.where(slug, "title"), (day, slug)
            assert pdf in files, (day, slug)
            header = [ENTRIES[slug][3]] if ENTRIES[slug][3] else []
            for request in requests:
                assert night.robots(request) == header, (day, slug, request)
                assert redirect_for(night.redirects, request) is None, (day, slug, request)
            assert any(path in search_index for path in night.where(slug, "body")), (day, slug)
            continue
        # Not live: no summary, body, subject, theme or document anywhere.
        for part in ("summary", "body", "subject", "theme", "pdf"):
            assert night.where(slug, part) == set(), (day, slug, part)
        assert not any(path.endswith(f"/{slug}.pdf") for path in files), (day, slug)
        if s == "notice":
            assert night.where(slug, "title") == {page}, (day, slug)
            assert night.slug_in(slug) == {page, "_headers", "_redirects"}, (day, slug)
            for request in requests[:3]:
                assert night.robots(request) == ["noindex"], (day, slug, request)
                assert redirect_for(night.redirects, request) is None
            assert redirect_for(night.redirects, requests[3]).status == 410
        elif s == "removed":
            assert night.where(slug, "title") == set(), (day, slug)
            assert night.slug_in(slug) == {"_redirects"}, (day, slug)
            for request in requests:
                assert redirect_for(night.redirects, request).status == 410, (day, slug, request)
                assert night.robots(request) == []
        else:  # scheduled, draft, withheld: no trace at all
            assert night.where(slug, "title") == set(), (day, slug, s)
            assert night.slug_in(slug) == set(), (day, slug, s)


@pytest.mark.slow  # a long run: a build for every night of a year
def test_a_year_of_nightly_builds(year_site, tmp_path):
    nights, seen = 0, set()
    day = FIRST_NIGHT
    while day <= LAST_NIGHT:
        out = tmp_path / ("out-a" if nights % 2 == 0 else "out-b")  # each night is read from its own output
        result, _ = year_site.build(day, out, use_cache=True)
        assert not result.failed, (day, result.problems)
        assert [p for p in result.problems if p.file == "pagefind"] == [], (day, result.problems)
        check_night(Night(day, out))
        seen |= {(slug, expected(slug, day)) for slug in ENTRIES}
        nights += 1
        day += timedelta(days=1)
    assert nights >= 366
    # Every entry passed through the states the year was meant to show.
    for slug, states in {"autumn-sar": {"live", "notice"}, "removed-scr": {"live", "removed"},
                         "leap-cspr": {"scheduled", "live"}, "summer-briefing": {"scheduled", "live", "notice"},
                         "spring-sar": {"live", "notice"}, "autumn-cspr": {"scheduled", "live", "notice"},
                         "late-sar": {"scheduled", "live"}, "forever-review": {"scheduled", "live"},
                         "draft-sar": {"draft"}, "withheld-sar": {"withheld"}}.items():
        assert {s for name, s in seen if name == slug} == states, slug


# --- the nightly timing -------------------------------------------------------------

@pytest.mark.parametrize("when, london_day", [
    # 31 October 2027: BST ends at 01:00 UTC.
    ("2027-10-30T22:30:00+00:00", date(2027, 10, 30)),  # 23:30 BST
    ("2027-10-30T23:30:00+00:00", date(2027, 10, 31)),  # 00:30 BST
    ("2027-10-31T00:30:00+00:00", date(2027, 10, 31)),  # 01:30 BST
    ("2027-10-31T23:30:00+00:00", date(2027, 10, 31)),  # 23:30 GMT
    ("2027-11-01T00:30:00+00:00", date(2027, 11, 1)),  # 00:30 GMT
    # 26 March 2028: BST begins at 01:00 UTC.
    ("2028-03-25T23:30:00+00:00", date(2028, 3, 25)),  # 23:30 GMT
    ("2028-03-26T00:30:00+00:00", date(2028, 3, 26)),  # 00:30 GMT
    ("2028-03-26T23:30:00+00:00", date(2028, 3, 27)),  # 00:30 BST
    # 29 October 2028: BST ends.
    ("2028-10-28T22:30:00+00:00", date(2028, 10, 28)),  # 23:30 BST
    ("2028-10-28T23:30:00+00:00", date(2028, 10, 29)),  # 00:30 BST
    ("2028-10-29T00:30:00+00:00", date(2028, 10, 29)),  # 01:30 BST
    ("2028-10-29T23:30:00+00:00", date(2028, 10, 29)),  # 23:30 GMT
    ("2028-10-30T00:30:00+00:00", date(2028, 10, 30)),  # 00:30 GMT
    # 29 February 2028
    ("2028-02-28T23:30:00+00:00", date(2028, 2, 28)),
    ("2028-02-29T00:30:00+00:00", date(2028, 2, 29)),
])
def test_a_build_at_night_lands_on_the_right_london_day(when, london_day):
    assert as_of_day(when, "Europe/London") == london_day


@pytest.mark.parametrize("when, slug, state", [
    ("2027-10-30T22:30:00+00:00", "autumn-sar", "live"),
    ("2027-10-30T23:30:00+00:00", "autumn-sar", "notice"),
    ("2028-02-28T23:30:00+00:00", "leap-cspr", "scheduled"),
    ("2028-02-29T00:30:00+00:00", "leap-cspr", "live"),
    ("2028-03-25T23:30:00+00:00", "spring-sar", "live"),
    ("2028-03-26T00:30:00+00:00", "spring-sar", "notice"),
    ("2028-10-28T22:30:00+00:00", "autumn-cspr", "live"),
    ("2028-10-28T23:30:00+00:00", "autumn-cspr", "notice"),
])
def test_the_command_line_builds_the_london_day(year_site, tmp_path, when, slug, state):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--site", str(year_site.root), "--as-of", when, "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out / ENTRIES[slug][0]["type"] / slug / "index.html"
    files = read_output(out)
    if state == "live":
        assert marker(slug, "body") in page.read_text()
    elif state == "notice":
        assert marker(slug, "title") in page.read_text() and marker(slug, "body") not in page.read_text()
        assert f"/{ENTRIES[slug][0]['type']}/{slug}/{slug}.pdf" in files["_redirects"].decode()
    else:
        assert not page.exists() and f"/{slug}/" not in files["_headers"].decode() + files["_redirects"].decode()

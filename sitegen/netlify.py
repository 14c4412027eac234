"""Netlify's `_headers` and `_redirects`, and the page behind a 410 Gone.

A static site only changes when it is rebuilt, so these files tell Netlify and
search engines what to do with a report's addresses between builds and after
it comes down:

- `_headers`: each live report's page and documents carry
  `X-Robots-Tag: unavailable_after: <when it comes down>`, so search engines
  drop them on time even before their next crawl. The moment is midnight at the
  start of the report's hidden-from day in the site's time zone, written in
  ISO 8601 with its offset (GMT or BST in London), one of the formats Google
  documents for `unavailable_after`. Notice pages of expired reports carry
  `X-Robots-Tag: noindex`.
- `_redirects`: the former addresses of every expired report's documents answer
  410 Gone with the small page at /410.html; so do the page addresses of a
  report taken down with `on_expiry: remove`. Every address is derived from the
  content alone (/<type>/<slug>/<file name>): no memory of earlier builds.

Only live and expired entries are named: nothing of a scheduled, draft or
withheld entry, which `Site` keeps out of `live_reviews` and `in_state(EXPIRED)`.
Paths have no `base_url` prefix: Netlify serves the publish folder at the root
of its domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sitegen.render import OutputFile, Renderer
from sitegen.site import Site
from sitegen.visibility import State, start_of_day

GONE_PAGE = "/410.html"
HEADER_NOTE = ("# Written by sitegen on every build; do not edit. Search engines drop each report\n"
               "# when it comes down, and do not index the notices of reports taken down.\n")
REDIRECT_NOTE = ("# Written by sitegen on every build; do not edit. The old addresses of reports\n"
                 "# taken down answer 410 Gone with a page saying how to ask for a copy.\n")


@dataclass(frozen=True)
class HeaderRule:
    path: str
    name: str
    value: str


def page_paths(url: str) -> list[str]:
    """The addresses Netlify serves a page at: /sar/x/ (which also covers /sar/x) and /sar/x/index.html."""
    return [url, url + "index.html"]


def _path(path: str) -> str:
    """A site path safe in both files: spaces, `*` and `:` would otherwise mean something there."""
    return quote(path, safe="/")


def header_rules(site: Site) -> list[HeaderRule]:
    rules = []
    for placed in site.live_reviews:
        hidden = placed.entry.hidden_from
        if hidden is None:  # shown for good: nothing to announce
            continue
        value = f"unavailable_after: {start_of_day(hidden, site.config.timezone).isoformat()}"
        paths = page_paths(placed.entry.url) + [download.url for download in placed.downloads]
        rules += [HeaderRule(path, "X-Robots-Tag", value) for path in paths]
    for placed in site.notices:
        rules += [HeaderRule(path, "X-Robots-Tag", "noindex") for path in page_paths(placed.entry.url)]
    return sorted(rules, key=lambda rule: rule.path)


def gone_paths(site: Site) -> list[str]:
    """The old addresses of expired reports that answer 410 Gone."""
    noticed = {placed.entry.url for placed in site.notices}
    paths: set[str] = set()
    for placed in site.in_state(State.EXPIRED):
        entry = placed.entry
        paths.update(entry.document_url(ref) for ref in entry.documents)
        if entry.url not in noticed:
            paths.update(page_paths(entry.url))
    return sorted(paths)


def headers(site: Site) -> OutputFile:
    text = HEADER_NOTE + "".join(f"{_path(rule.path)}\n  {rule.name}: {rule.value}\n" for rule in header_rules(site))
    return OutputFile("_headers", text.encode("utf-8"))


def redirects(site: Site) -> OutputFile:
    # 410! : a forced rule, so the old address is gone even if a file were ever left there.
    text = REDIRECT_NOTE + "".join(f"{_path(path)}  {GONE_PAGE}  410!\n" for path in gone_paths(site))
    return OutputFile("_redirects", text.encode("utf-8"))


def gone_page(renderer: Renderer) -> OutputFile:
    """The page a 410 shows: no longer published, how to ask for a copy, the national libraries."""
    return renderer.page("gone.html", GONE_PAGE)

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
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING
from urllib.parse import quote

from sitegen.rules.addresses import GONE_PAGE, OutputFile, output_file
from sitegen.content.entries import Entry
from sitegen.rendering.entry_fragments import EntryFragments, fragments_of
from sitegen.rendering.site import Download, EntryOnDay, Site
from sitegen.rules.visibility import State, start_of_day

if TYPE_CHECKING:  # only named in a signature: `sitegen verify` need not load the templates
    from sitegen.rendering.render import Renderer

HEADER_NOTE = ("# Written by sitegen on every build; do not edit. Search engines drop each report\n"
               "# when it comes down, and do not index the notices of reports taken down.\n")
REDIRECT_NOTE = ("# Written by sitegen on every build; do not edit. The old addresses of reports\n"
                 "# taken down answer 410 Gone with a page saying how to ask for a copy.\n")


# The site's own files that Netlify would otherwise serve with a content type less exact than their own.
CONTENT_TYPES = {"/feed.json": "application/feed+json; charset=utf-8", "/data/register.csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class HeaderRule:
    path: str
    name: str
    value: str


def page_paths(url: str) -> list[str]:
    """The addresses Netlify serves a page at: /sar/x/ (which also covers /sar/x) and /sar/x/index.html."""
    return [url, "/" + output_file(url)]


def _path(path: str) -> str:
    """A site path safe in both files: spaces, `*` and `:` would otherwise mean something there."""
    return quote(path, safe="/")


def unavailable_after(site: Site, entry: Entry) -> str | None:
    """The X-Robots-Tag value of a live entry's page and documents: the moment it comes down
    (None when it is shown for good, so that there is nothing to announce)."""
    if entry.hidden_from is None:
        return None
    return f"unavailable_after: {start_of_day(entry.hidden_from, site.config.timezone).isoformat()}"


def _live_rules(site: Site, entry_on_day: EntryOnDay) -> list[HeaderRule]:
    value = unavailable_after(site, entry_on_day.entry)
    if value is None:
        return []
    paths = page_paths(entry_on_day.entry.url) + [path for download in entry_on_day.downloads for path in _published_at(download)]
    return [HeaderRule(path, "X-Robots-Tag", value) for path in paths]


def _published_at(download: Download) -> list[str]:
    """The addresses of a live document: its file, its web page and the page's pictures."""
    paths = [download.url] if download.downloadable else []
    if download.rendition is not None:
        paths += page_paths(download.page_url) + [address for address, _ in download.picture_urls()]
    return paths


def _notice_rules(entry_on_day: EntryOnDay) -> list[HeaderRule]:
    return [HeaderRule(path, "X-Robots-Tag", "noindex") for path in page_paths(entry_on_day.entry.url)]


def gone_paths(site: Site) -> list[str]:
    """The old addresses of expired reports that answer 410 Gone (as `redirects` writes them; what
    `sitegen verify` expects of the deployed site, through `sitegen.output.deployment`)."""
    noticed = {p.entry.url for p in site.notices}
    paths: set[str] = set()
    for entry_on_day in site.in_state(State.EXPIRED):
        paths.update(_gone_of(entry_on_day, entry_on_day.entry.url in noticed))
    return sorted(paths)


def _gone_lines(entry_on_day: EntryOnDay, has_notice: bool) -> list[tuple[str, str]]:
    """An expired entry's lines of `_redirects`, by path: each old address, and everything below the
    web page of a Word original (its pictures, whose names only a conversion would tell)."""
    entry = entry_on_day.entry
    below = [url for ref in entry.documents if (url := entry.rendition_url(ref))]
    return ([(path, f"{_path(path)}  {GONE_PAGE}  410!\n") for path in _gone_of(entry_on_day, has_notice)]
            + [(url + "*", f"{_path(url)}*  {GONE_PAGE}  410!\n") for url in below])


def _gone_of(entry_on_day: EntryOnDay, has_notice: bool) -> list[str]:
    entry = entry_on_day.entry
    paths = [url for ref in entry.documents for url in entry.document_urls(ref)]
    return paths if has_notice else paths + page_paths(entry.url)


def _header_lines(rules: list[HeaderRule]) -> list[tuple[str, str]]:
    return [(rule.path, f"{_path(rule.path)}\n  {rule.name}: {rule.value}\n") for rule in rules]


def headers_share(site: Site, entry_on_day: EntryOnDay) -> list[tuple[str, str]]:
    """All of an entry that `headers` uses (see `sitegen.build.SHARES`): its lines. The file is
    the same whatever the order of the entries: two lines for the same address are the same line
    (entries at the same address are withheld, but for notices, whose lines are all alike)."""
    if site.is_live_review(entry_on_day):
        return _header_lines(_live_rules(site, entry_on_day))
    return _header_lines(_notice_rules(entry_on_day)) if site.is_notice(entry_on_day) else []


def redirects_share(site: Site, entry_on_day: EntryOnDay) -> tuple | None:
    """All of an entry that `redirects` uses (see `sitegen.build.SHARES`): whether it has a notice
    (other expired entries at its address then keep their page's address), its address and its
    documents' while it is expired."""
    if entry_on_day.state is not State.EXPIRED:
        return None
    entry = entry_on_day.entry
    return site.is_notice(entry_on_day), entry.url, tuple(url for ref in entry.documents for url in entry.document_urls(ref))


def headers(site: Site, fragments: EntryFragments | None = None) -> OutputFile:
    """`_headers`; `fragments` (the preview's) keeps each entry's lines between updates."""
    live = partial(_live_rules, site)
    made = fragments_of(fragments, "headers", site.live_reviews, lambda p: _header_lines(live(p)))
    made += fragments_of(fragments, "headers-notice", site.notices, lambda p: _header_lines(_notice_rules(p)))
    lines = [line for lines in made for line in lines]
    lines += [(path, f"{path}\n  Content-Type: {value}\n") for path, value in CONTENT_TYPES.items()]
    lines.sort(key=itemgetter(0))  # by address (stable: an address's lines stay in the order made)
    return OutputFile("_headers", (HEADER_NOTE + "".join(map(itemgetter(1), lines))).encode("utf-8"))


def redirects(site: Site, fragments: EntryFragments | None = None) -> OutputFile:
    """`_redirects`; `fragments` (the preview's) keeps each entry's lines between updates."""
    noticed = {p.entry.url for p in site.notices}
    expired = site.in_state(State.EXPIRED)
    lines: dict[str, str] = {}
    for has_notice in (True, False):
        # 410! : a forced rule, so the old address is gone even if a file were ever left there.
        for made in fragments_of(fragments, ("gone", has_notice), [p for p in expired if (p.entry.url in noticed) == has_notice],
                                 lambda p, has_notice=has_notice: _gone_lines(p, has_notice)):
            lines.update(made)
    return OutputFile("_redirects", (REDIRECT_NOTE + "".join(lines[path] for path in sorted(lines))).encode("utf-8"))


def gone_page(renderer: Renderer) -> OutputFile:
    """The page a 410 shows: no longer published, how to ask for a copy, the national libraries."""
    return renderer.page("gone.html", GONE_PAGE)

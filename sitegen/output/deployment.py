"""What the deployed site must answer on a day, worked out from the content alone, and the build
marker (`/sitegen.json`) that says which day a deployed site was built for.

`sitegen verify` asks a deployed site for each `Expected` address; every build writes the marker,
so that the nightly run can tell when Netlify has published today's build. The marker holds the day,
sitegen's version and a digest of the public addresses with what each must answer: nothing about
scheduled, draft or withheld entries, which are only ever checked from this side (their addresses
must not answer 200).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum

from sitegen import __version__
from sitegen.output.netlify import gone_paths, page_paths, unavailable_after
from sitegen.rules.addresses import BUILD_MARKER, OutputFile
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import State

PREVIEW_KEY = "deploy_preview"  # in the marker of a deploy preview's build (`sitegen build --deploy-preview`) only


class Answer(str, Enum):
    """What an address must answer."""

    LIVE = "live"  # 200, with X-Robots-Tag: unavailable_after when the entry comes down one day
    NOTICE = "notice"  # 200, the short notice of a report taken down, with X-Robots-Tag: noindex
    GONE = "gone"  # 410 Gone
    ABSENT = "absent"  # anything but 200: an entry that is not public today


@dataclass(frozen=True)
class Expected:
    path: str  # site path: /sar/adult-a/ or /sar/adult-a/overview.pdf
    answer: Answer
    entry_on_day: EntryOnDay | None  # the entry the address belongs to (None: the home page)
    robots: str | None = None  # the X-Robots-Tag value a live address must carry
    document: str | None = None  # the document's file in reports/, for a document's address

    @property
    def is_public(self) -> bool:
        return self.answer is not Answer.ABSENT


def expectations(site: Site) -> list[Expected]:
    """Every address whose answer the site's content decides on `site.as_of`, in path order.
    Addresses of entries that are not public today come last."""
    found: dict[str, Expected] = {"/": Expected("/", Answer.LIVE, site.home)}
    for entry_on_day in [*site.live_reviews, *site.pages]:
        robots = unavailable_after(site, entry_on_day.entry)
        page = page_paths(entry_on_day.entry.url)[0]
        found[page] = Expected(page, Answer.LIVE, entry_on_day, robots)
        for download in entry_on_day.downloads:
            for path in entry_on_day.entry.document_urls(download.ref):
                if path != download.page_url or download.rendition is not None:
                    found[path] = Expected(path, Answer.LIVE, entry_on_day, robots, download.ref.word if path == download.page_url else download.ref.file)
    for entry_on_day in site.notices:
        found.setdefault(entry_on_day.entry.url, Expected(entry_on_day.entry.url, Answer.NOTICE, entry_on_day))
    gone = set(gone_paths(site))
    for entry_on_day in site.in_state(State.EXPIRED):
        entry = entry_on_day.entry
        for path, document in [(entry.url, None), *_documents_at(entry)]:
            if path in gone:
                found.setdefault(path, Expected(path, Answer.GONE, entry_on_day, document=document))
    hidden = []
    for entry_on_day in site.entries:
        entry = entry_on_day.entry
        if entry_on_day.state in (State.LIVE, State.EXPIRED) or entry.type is None:
            continue
        for path, document in [(entry.url, None), *_documents_at(entry)]:
            if path not in found:
                hidden.append(Expected(path, Answer.ABSENT, entry_on_day, document=document))
    return sorted(found.values(), key=lambda e: e.path) + sorted(hidden, key=lambda e: e.path)


def _documents_at(entry) -> list[tuple[str, str]]:
    """(address, file in reports/) of each document's download and web page."""
    return [(url, ref.word if url == entry.rendition_url(ref) else ref.file)
            for ref in entry.documents for url in entry.document_urls(ref)]


def digest(site: Site) -> str:
    """A digest of the public addresses and what each must answer: equal for two builds of the same
    content on the same day, different when any public address or its answer differs."""
    lines = sorted(f"{e.answer.value} {e.robots or '-'} {e.path}" for e in expectations(site) if e.is_public)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Marker:
    built_for: str  # the day, ISO: 2026-11-22
    digest: str
    generator: str
    preview: bool = False  # a deploy preview's build, which may show what is not public yet

    @classmethod
    def parse(cls, data: bytes) -> "Marker | None":
        """The marker a deployed site serves, or None when `data` is not one."""
        try:
            value = json.loads(data)
            return cls(str(value["built_for"]), str(value["digest"]), str(value.get("generator", "")),
                       is_deploy_preview(data))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def marker(site: Site) -> Marker:
    return Marker(site.as_of.isoformat(), digest(site), f"sitegen {__version__}")


def marker_file(site: Site) -> OutputFile:
    """`/sitegen.json`: which day this output was built for (see the module's description)."""
    made = marker(site)
    fields: dict[str, str | bool] = {"built_for": made.built_for, "digest": made.digest, "generator": made.generator}
    if site.preview is not None:  # never to be taken as a production output (`takedown.last_good_files`)
        fields[PREVIEW_KEY] = True
    return OutputFile(BUILD_MARKER, (json.dumps(fields, indent=2) + "\n").encode("utf-8"))


def is_deploy_preview(data: bytes) -> bool:
    """Whether a marker's bytes are a deploy preview's (or cannot be read, so cannot be vouched for)."""
    try:
        value = json.loads(data)
    except ValueError:
        return True
    return not isinstance(value, dict) or value.get(PREVIEW_KEY, False) is not False

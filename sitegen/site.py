"""The site for one day: every entry with its state and its documents' details.

This is what the theme renders and what the outputs are written from. Only
what `Site` exposes can reach the output, so its accessors are where the
"nothing of a non-live entry" rule is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from sitegen.config import Library, ReviewType, SiteConfig
from sitegen.documents import DocumentInfo
from sitegen.entries import DocumentRef, Entry, slugify
from sitegen.visibility import State, last_day_shown


def document_anchor(name: str) -> str:
    """The id of a document's block on its entry's page: overview.pdf -> document-overview-pdf."""
    return "document-" + slugify(name)


@dataclass(frozen=True)
class Download:
    ref: DocumentRef
    info: DocumentInfo
    url: str  # site path: /sar/adult-a/overview.pdf
    content: Path | bytes | None = None  # what is published: a PDF's cleaned copy, else the file itself

    @property
    def anchor(self) -> str:
        return document_anchor(self.ref.name)


@dataclass(frozen=True)
class Placed:
    """An entry as it stands on the build day."""

    entry: Entry
    state: State
    downloads: tuple[Download, ...] = ()

    @property
    def last_day(self) -> date | None:
        return last_day_shown(self.entry.hidden_from)

    @property
    def is_draft_preview(self) -> bool:
        """A draft shown by `sitegen serve --drafts`: only a preview ever places a draft as live."""
        return self.entry.draft and self.state is State.LIVE


@dataclass(frozen=True)
class Theme:
    name: str
    slug: str
    entries: tuple[Placed, ...]

    @property
    def url(self) -> str:
        return f"/themes/{self.slug}/"


def _newest_first(items):
    return sorted(items, key=lambda p: (-(p.entry.published.toordinal()), p.entry.title.lower(), p.entry.source))


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    as_of: date
    placed: tuple[Placed, ...]

    def in_state(self, state: State) -> list[Placed]:
        return [p for p in self.placed if p.state is state]

    @cached_property
    def live_reviews(self) -> list[Placed]:
        """Live reviews and briefings, newest first."""
        return _newest_first(p for p in self.placed if p.state is State.LIVE and not p.entry.is_page)

    @cached_property
    def pages(self) -> list[Placed]:
        """Static pages (not the home page's introduction), by `order:` and then by title."""
        found = [p for p in self.placed if p.state is State.LIVE and p.entry.is_page and p.entry.url != "/"]
        unordered = max((p.entry.order for p in found if p.entry.order is not None), default=0) + 1
        return sorted(found, key=lambda p: (p.entry.order if p.entry.order is not None else unordered,
                                            p.entry.title.lower(), p.entry.source))

    @cached_property
    def home(self) -> Placed | None:
        return next((p for p in self.placed if p.state is State.LIVE and p.entry.is_page and p.entry.url == "/"), None)

    @cached_property
    def notices(self) -> list[Placed]:
        """Expired entries that keep a short notice page at their old address."""
        return [p for p in self.placed if p.state is State.EXPIRED
                and (p.entry.on_expiry or self.config.on_expiry) == "notice"]

    def live_of_type(self, key: str) -> list[Placed]:
        return [p for p in self.live_reviews if p.entry.type == key]

    @property
    def types(self) -> list[ReviewType]:
        return list(self.config.types.values())

    @cached_property
    def themes(self) -> list[Theme]:
        """Themes of live entries only: a theme named only by an embargoed entry must not appear."""
        groups: dict[str, list[Placed]] = {}
        names: dict[str, str] = {}
        for placed in self.live_reviews:
            for name in placed.entry.themes:
                slug = slugify(name)
                groups.setdefault(slug, []).append(placed)
                names.setdefault(slug, name)
        return [Theme(names[s], s, tuple(groups[s])) for s in sorted(groups)]

    def theme_url(self, name: str) -> str:
        return f"/themes/{slugify(name)}/"

    @cached_property
    def _live_by_slug(self) -> dict[str, list[Placed]]:
        index: dict[str, list[Placed]] = {}
        for placed in self.live_reviews:
            index.setdefault(placed.entry.slug, []).append(placed)
        return index

    @cached_property
    def _live_pointing_at(self) -> dict[str, list[Placed]]:
        index: dict[str, list[Placed]] = {}
        for placed in self.live_reviews:
            for slug in placed.entry.related:
                index.setdefault(slug, []).append(placed)
        return index

    def related(self, placed: Placed) -> list[Placed]:
        """Live entries linked either way by `related:`; never a non-live one."""
        me = placed.entry
        found = [other for slug in me.related for other in self._live_by_slug.get(slug, [])]
        found += self._live_pointing_at.get(me.slug, [])
        unique = {id(p): p for p in found if p is not placed}
        return _newest_first(unique.values())

    def library_for(self, entry: Entry) -> Library | None:
        rtype = self.config.types.get(entry.type or "")
        return self.config.libraries.get(rtype.library) if rtype and rtype.library else None

    def type_of(self, entry: Entry) -> ReviewType | None:
        return self.config.types.get(entry.type or "")

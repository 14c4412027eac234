"""The site for one day: every entry with its state and its documents' details.

This is what the theme renders and what the outputs are written from. Only
what `Site` exposes can reach the output, so its accessors are where the
"nothing of a non-live entry" rule is kept.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Callable

from sitegen.content.config import Library, ReviewType, SiteConfig
from sitegen.documents.inspection import DocumentInfo
from sitegen.rules.addresses import HOME, picture_address, slugify, theme_address
from sitegen.content.entries import DocumentRef, Entry
from sitegen.documents.renditions import Rendition
from sitegen.rules.visibility import State, last_day_shown


def document_anchor(name: str) -> str:
    """The id of a document's block on its entry's page: overview.pdf -> document-overview-pdf."""
    return "document-" + slugify(name)


@dataclass(frozen=True)
class Download:
    ref: DocumentRef
    info: DocumentInfo
    url: str  # site path: /sar/adult-a/overview.pdf
    content: Path | bytes | None = None  # what is published: a PDF's cleaned copy, else the file itself
    rendition: Rendition | None = None  # the web page made from its Word original, if it has one
    page_url: str | None = None  # that page's address: /sar/adult-a/overview/

    @property
    def anchor(self) -> str:
        return document_anchor(self.ref.name)

    @property
    def downloadable(self) -> bool:
        """Whether the file is published for download (a Word file listed alone is only a web page)."""
        return not self.ref.is_word_only

    def picture_urls(self) -> list[tuple[str, bytes]]:
        """The address and bytes of each picture of its web page, beside the page (`addresses.picture_address`)."""
        if self.rendition is None:
            return []
        return [(picture_address(self.page_url, picture.name), picture.data) for picture in self.rendition.pictures]


@dataclass(frozen=True)
class EntryOnDay:
    """An entry as it stands on the build day: its state then, and the documents published with it
    (a live entry's only). `build.entries_on_day` makes one for each entry."""

    entry: Entry
    state: State
    downloads: tuple[Download, ...] = ()
    early: bool = False  # scheduled, shown as on its day: only ever on a protected deploy preview (`DeployPreview`)

    @property
    def last_day(self) -> date | None:
        return last_day_shown(self.entry.hidden_from)

    @property
    def is_draft_preview(self) -> bool:
        """A draft shown by `sitegen serve --drafts`: only a preview ever shows a draft as live."""
        return self.entry.draft and self.state is State.LIVE


@dataclass(frozen=True)
class DeployPreview:
    """The build is Netlify's deploy preview of a pull request (`sitegen build --deploy-preview`):
    every page says so and links to what `sitegen check` would say, and each entry's page says when
    it goes up and comes down. `protected` (the site's `deploy_previews: protected:`): only the
    site's team can see it, so it shows every problem in full and each scheduled entry as it will
    look on its day. Unprotected, it is a public address, and shows nothing more of an entry that
    is not live than the production site does."""

    protected: bool = False


@dataclass(frozen=True)
class Theme:
    name: str
    slug: str
    entries: tuple[EntryOnDay, ...]

    @property
    def url(self) -> str:
        return theme_address(self.slug)


def _newest(p: EntryOnDay) -> tuple:
    """Newest first, then by title and file."""
    return -(p.entry.published.toordinal()), p.entry.title.lower(), p.entry.source


def _newest_first(items):
    return sorted(items, key=_newest)


def _is_live_review(p: EntryOnDay) -> bool:
    return p.state is State.LIVE and not p.entry.is_page


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    as_of: date
    entries: tuple[EntryOnDay, ...]  # every entry read, as it stands on the day `as_of`
    preview: DeployPreview | None = None  # a deploy preview's build; None for the production site

    def in_state(self, state: State) -> list[EntryOnDay]:
        return [p for p in self.entries if p.state is state]

    @cached_property
    def live_reviews(self) -> list[EntryOnDay]:
        """Live reviews and briefings, newest first."""
        return _newest_first(p for p in self.entries if _is_live_review(p))

    @cached_property
    def pages(self) -> list[EntryOnDay]:
        """Static pages (not the home page's introduction), by `order:` and then by title."""
        found = [p for p in self.entries if p.state is State.LIVE and p.entry.is_page and p.entry.url != HOME]
        unordered = max((p.entry.order for p in found if p.entry.order is not None), default=0) + 1
        return sorted(found, key=lambda p: (p.entry.order if p.entry.order is not None else unordered,
                                            p.entry.title.lower(), p.entry.source))

    @cached_property
    def home(self) -> EntryOnDay | None:
        return next((p for p in self.entries if p.state is State.LIVE and p.entry.is_page and p.entry.url == HOME), None)

    @cached_property
    def notices(self) -> list[EntryOnDay]:
        """Expired entries that keep a short notice page at their old address."""
        return [p for p in self.entries if self._is_notice(p)]

    def is_live_review(self, p: EntryOnDay) -> bool:
        """Whether an entry of this site is among its live reviews (without going through them)."""
        return _is_live_review(p)

    def is_notice(self, p: EntryOnDay) -> bool:
        """Whether an entry of this site is among its notices."""
        return self._is_notice(p)

    def _is_notice(self, p: EntryOnDay) -> bool:
        return p.state is State.EXPIRED and (p.entry.on_expiry or self.config.on_expiry) == "notice"

    def live_of_type(self, key: str) -> list[EntryOnDay]:
        return list(self._live_by_type.get(key, ()))

    @cached_property
    def _live_by_type(self) -> dict[str, list[EntryOnDay]]:
        return self._grouped(GROUPINGS["_live_by_type"])

    def _grouped(self, keys_of: Callable[[EntryOnDay], list[str]]) -> dict[str, list[EntryOnDay]]:
        """Live entries by the keys `keys_of` gives each, newest first in each group (an entry
        once for each time it has the key)."""
        groups: dict[str, list[EntryOnDay]] = {}
        for entry_on_day in self.live_reviews:
            for key in keys_of(entry_on_day):
                groups.setdefault(key, []).append(entry_on_day)
        return groups

    @property
    def types(self) -> list[ReviewType]:
        return list(self.config.types.values())

    @cached_property
    def themes(self) -> list[Theme]:
        """Themes of live entries only: a theme named only by an embargoed entry must not appear.
        Each is named as the newest entry that has it spells it."""
        themes = []
        for slug in sorted(self._themed):
            entries = self._themed[slug]
            name = next(name for name in entries[0].entry.themes if slugify(name) == slug)
            themes.append(Theme(name, slug, tuple(entries)))
        return themes

    @cached_property
    def _themed(self) -> dict[str, list[EntryOnDay]]:
        """Live entries by their themes' slugs, newest first (an entry once for each of its themes with that slug)."""
        return self._grouped(GROUPINGS["_themed"])

    def theme_url(self, name: str) -> str:
        """The page of the theme an entry names (`addresses.theme_address`)."""
        return theme_address(slugify(name))

    @cached_property
    def _live_by_slug(self) -> dict[str, list[EntryOnDay]]:
        return self._grouped(GROUPINGS["_live_by_slug"])

    @cached_property
    def _live_pointing_at(self) -> dict[str, list[EntryOnDay]]:
        """Live entries by the slugs they name in `related:`."""
        return self._grouped(GROUPINGS["_live_pointing_at"])

    def related(self, entry_on_day: EntryOnDay) -> list[EntryOnDay]:
        """Live entries linked either way by `related:`; never a non-live one."""
        me = entry_on_day.entry
        found = [other for slug in me.related for other in self._live_by_slug.get(slug, [])]
        found += self._live_pointing_at.get(me.slug, [])
        unique = {id(p): p for p in found if p is not entry_on_day}
        return _newest_first(unique.values())

    def updated(self, entries: tuple[EntryOnDay, ...], gone: list[EntryOnDay], came: list[EntryOnDay]) -> "Site":
        """The site with `entries` as its entries: this site's, less the entries `gone` and with those
        that `came` (for the preview, after an edit). The lists and groups worked out for this site
        are carried over with just those entries taken out and put in, in their places; any not
        worked out yet are worked out from scratch when first asked for. Each is the same as worked
        out from scratch (tested)."""
        site = Site(self.config, self.as_of, entries, self.preview)
        done = self.__dict__
        out = {id(p) for p in gone}
        live_out = [p for p in gone if _is_live_review(p)]
        live_in = [p for p in came if _is_live_review(p)]

        def changed(items: list[EntryOnDay], entering: list[EntryOnDay]) -> list[EntryOnDay]:
            """`items` (newest first) without the entries gone, and with `entering` in their places."""
            items = [p for p in items if id(p) not in out]
            for p in entering:
                bisect.insort(items, p, key=_newest)
            return items

        def regrouped(groups: dict[str, list[EntryOnDay]], keys_of: Callable[[EntryOnDay], list[str]]) -> dict[str, list[EntryOnDay]]:
            """Groups (each newest first) of live entries by the keys `keys_of` gives, with the changes:
            only the groups of keys an entry gone or come has are made again."""
            groups = dict(groups)
            for key in {k for p in live_out + live_in for k in keys_of(p)}:
                entering = [p for p in live_in for k in keys_of(p) if k == key]  # an entry once for each time it has the key
                group = changed(groups.get(key, []), entering)
                if group:
                    groups[key] = group
                else:
                    groups.pop(key, None)
            return groups

        if "live_reviews" in done:
            site.__dict__["live_reviews"] = changed(done["live_reviews"], live_in) if live_out or live_in else done["live_reviews"]
        if not any(p.entry.is_page for p in gone + came):  # static pages as they were
            for name in ("pages", "home"):
                if name in done:
                    site.__dict__[name] = done[name]
        if "notices" in done and not any(self._is_notice(p) for p in gone + came):
            site.__dict__["notices"] = done["notices"]
        for name, keys_of in GROUPINGS.items():
            if name in done:
                site.__dict__[name] = regrouped(done[name], keys_of)
        return site

    def library_for(self, entry: Entry) -> Library | None:
        rtype = self.config.types.get(entry.type or "")
        return self.config.libraries.get(rtype.library) if rtype and rtype.library else None

    def type_of(self, entry: Entry) -> ReviewType | None:
        return self.config.types.get(entry.type or "")


# The groups of live entries a site works out (each a cached property of `Site`), by what
# each entry is grouped under.
GROUPINGS: dict[str, Callable[[EntryOnDay], list[str]]] = {
    "_live_by_type": lambda p: [p.entry.type],
    "_live_by_slug": lambda p: [p.entry.slug],
    "_live_pointing_at": lambda p: list(p.entry.related),
    "_themed": lambda p: [slugify(name) for name in p.entry.themes],
}

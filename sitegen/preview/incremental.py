"""A preview that rebuilds only what an edit touches (`sitegen serve`).

The preview keeps the site it last built in memory. When the only change is to
Markdown files of reviews and briefings in content/, it reads just those files
(those the watcher names, or those whose size or time changed), decides again
the state of just the entries that differ, renders the pages they appear on
(their own page, their type's listing, the home page, the theme pages and the
pages of related entries), makes again the site-wide files whose share of those entries changed
(feed, sitemap, Netlify's files, downloads) and writes only the files whose
bytes changed. An edit of an entry's body renders its own page only. Cards in
lists, feed items and the like of entries that did not change are kept from one
update to the next (`sitegen.rendering.entry_fragments`). Any other change (settings, theme,
reports, a static page) builds the whole preview again. After an update, the
search index of a site of up to `SEARCH_FOLLOWS_UP_TO` pages is made again apart
from it (`search_job`, `apply_search`): `sitegen serve` runs that in a forked
copy of itself once edits pause, so saving stays quick. A larger site's index, which
takes seconds to make and would slow the saves made meanwhile, is made again on
whole rebuilds only.

This is for the preview only: `sitegen build` always builds everything and
swaps the result in at once.
"""

from __future__ import annotations

import gc
import os
import shutil
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Callable, Iterable

import jinja2

from sitegen.rules.addresses import output_file
from sitegen.build import FROM_SETTINGS, SHARES, BuildResult, build, entries_on_day, site_file_parts, taken_down_documents
from sitegen.content.config import CONFIG_FILE, LoadedConfig, load_config
from sitegen.documents.inspection import DocumentCache
from sitegen.content.entries import Entry, check_addresses, is_entry_file, is_entry_name, is_set_aside, read_entry_or_fault
from sitegen.rendering.entry_fragments import EntryFragments
from sitegen.rendering.render import LIST_EVERY_ENTRY, Renderer, make_environment, pages_showing, template_failure
from sitegen.rules.addresses import OutputFile
from sitegen.search.index import SearchIndex, build_index, index_weight
from sitegen.rendering.site import EntryOnDay, Site

Stamp = tuple[int, int]  # size, modification time in nanoseconds
# Pages (counting each live PDF's pages) up to which a preview's search index is made again
# after updates: a partnership's site of a few hundred reports. Making a larger index takes
# seconds, and saves made meanwhile would take twice as long (measured at 10,000 entries).
SEARCH_FOLLOWS_UP_TO = 10_000


def _stamps(folder: Path, entries_only: bool = False) -> dict[str, Stamp]:
    """Size and time of every file below `folder` (plain strings: this runs on every save).
    `entries_only`: only the files read_entries reads (`entries.is_entry_file`)."""
    found: dict[str, Stamp] = {}
    todo = [str(folder)]
    while todo:
        try:
            scan = os.scandir(todo.pop())
        except OSError:
            continue
        with scan:
            for item in scan:
                if item.name.startswith(".") or entries_only and is_set_aside(item.name):
                    continue
                try:
                    if item.is_dir(follow_symlinks=False):
                        todo.append(item.path)
                    elif not entries_only or is_entry_name(item.name):
                        status = item.stat()
                        found[item.path] = (status.st_size, status.st_mtime_ns)
                except OSError:
                    continue
    return found


@dataclass
class FileStamps:
    """The size and time of the site's files when the preview last looked at them, to tell what changed:
    the entry files below content/, and the rest a build reads (reports/, themes/ and sitegen.yaml)."""

    site_dir: Path
    content: dict[str, Stamp] = field(default_factory=dict)
    other: dict[str, Stamp] = field(default_factory=dict)

    def other_now(self) -> dict[str, Stamp]:
        root = self.site_dir
        stamps = _stamps(root / "reports") | _stamps(root / "themes")
        config = root / CONFIG_FILE
        if config.exists():
            status = config.stat()
            stamps[str(config)] = (status.st_size, status.st_mtime_ns)
        return stamps

    def content_now(self) -> dict[str, Stamp]:
        return _stamps(self.site_dir / "content", entries_only=True)

    def entry_files_among(self, changed: Iterable[str]) -> dict[str, Stamp | None] | None:
        """The stamps of the entry files among `changed` (None: no longer there), keyed as
        `content_now` keys them; None when one of the paths is a folder (a folder moved in or out)."""
        content = str(self.site_dir / "content")
        absolute = os.path.abspath(content)
        looked: dict[str, Stamp | None] = {}
        for path in changed:
            path = os.path.abspath(path)
            if not path.startswith(absolute + os.sep):
                continue  # not below content/
            key = content + path[len(absolute):]
            if not is_entry_file(key[len(content) + 1:]):
                continue
            try:
                status = os.stat(key)
            except OSError:
                looked[key] = None
                continue
            if stat.S_ISDIR(status.st_mode):
                return None
            looked[key] = (status.st_size, status.st_mtime_ns)
        return looked


@dataclass
class KnownEntries:
    """What the preview knows of the site's entries, each by its source file: as read, after the
    address checks, and as it stands on the day; and their problems."""

    as_read: dict[str, Entry] = field(default_factory=dict)  # before the address checks
    checked: dict[str, Entry] = field(default_factory=dict)  # after the address checks
    on_day: dict[str, EntryOnDay] = field(default_factory=dict)  # in the order a whole build reads them
    sources_by_url: dict[str, set[str]] = field(default_factory=dict)  # of the entries read (as check_addresses groups them)
    problems: dict[str, tuple] = field(default_factory=dict)  # those of the entries that have any
    _problem_list: list | None = None  # all of them in the order of the entries (None: to be made again)

    @classmethod
    def from_build(cls, site: Site, entry_files: Iterable[str], config) -> KnownEntries:
        """The entries of a whole build's `site`, read again from `entry_files` (they are the same
        objects an update reads next time when they did not change)."""
        known = cls()
        known.on_day = {p.entry.source: p for p in site.entries}
        known.problems = {s: p.entry.problems for s, p in known.on_day.items() if p.entry.problems}
        known.as_read = {e.source: e for e in (read_entry_or_fault(Path(path), config) for path in sorted(entry_files))}
        known.checked = {e.source: e for e in check_addresses(sorted(known.as_read.values(), key=_order), config)}
        for entry in known.as_read.values():
            if entry.takes_address:
                known.sources_by_url.setdefault(entry.url, set()).add(entry.source)
        return known

    def check_addresses_again(self, before: dict[str, Entry | None], after: dict[str, Entry | None], config) -> set[str]:
        """Take in the entries read again (`after`, by source; None: gone), check the addresses of
        those and of the entries sharing an address with them; the sources whose checked entry moved on."""
        addresses = set()
        for source in after:
            old, new = before[source], after[source]
            if old is not None and old.takes_address:
                self.sources_by_url.get(old.url, set()).discard(source)
                addresses.add(old.url)
            if new is not None:
                self.as_read[source] = new
                if new.takes_address:
                    self.sources_by_url.setdefault(new.url, set()).add(source)
                    addresses.add(new.url)
            else:
                self.as_read.pop(source, None)
        again = {s for url in addresses for s in self.sources_by_url.get(url, ())} | {s for s in after if s in self.as_read}
        for url in addresses:
            if not self.sources_by_url.get(url):
                self.sources_by_url.pop(url, None)
        moved = {s for s in after if s not in self.as_read and s in self.checked}
        for entry in check_addresses(sorted((self.as_read[s] for s in again), key=_order), config):
            if self.checked.get(entry.source) is not entry:
                self.checked[entry.source] = entry
                moved.add(entry.source)
        for source in moved - self.as_read.keys():
            del self.checked[source]
        return moved

    def decide_again(self, moved: set[str], decide: Callable[[Entry], EntryOnDay]
                     ) -> tuple[dict[str, EntryOnDay | None], dict[str, EntryOnDay], bool]:
        """Decide again only the entries that differ (`decide`: their state on the day, their
        documents). Each one's entry on the day before and after, by source, and whether any came."""
        old = {s: self.on_day.get(s) for s in moved}
        new = {s: decide(self.checked[s]) for s in moved if s in self.checked}
        added = bool(new.keys() - self.on_day.keys())
        for source in moved:
            had = self.problems.pop(source, ())
            if source in new:
                self.on_day[source] = new[source]
                if new[source].entry.problems:
                    self.problems[source] = new[source].entry.problems
            else:
                del self.on_day[source]
            if self.problems.get(source, ()) != had:
                self._problem_list = None
        if added:
            self.on_day = dict(sorted(self.on_day.items(), key=lambda item: _order(item[0])))
        return old, new, added

    def problems_in_order(self) -> list:
        """The entries' problems, in the order of the entries."""
        if self._problem_list is None:
            self._problem_list = [p for source in self.on_day if source in self.problems for p in self.problems[source]]
        return self._problem_list


@dataclass
class BuildSetup:
    """What the last whole build set up, which each update uses again: the settings as loaded,
    the theme's templates, the document cache, and the fragments of output kept for the entries
    that did not change (`sitegen.rendering.entry_fragments`)."""

    loaded: LoadedConfig
    env: jinja2.Environment
    cache: DocumentCache
    fragments: EntryFragments
    pruned_at: int = 0  # how many fragments were kept after they were last pruned

    def renderer(self, site: Site, banner: str) -> Renderer:
        return Renderer(site, banner=banner, env=self.env, fragments=self.fragments)

    def prune(self, site: Site) -> None:
        """Forget the fragments of entries no longer in `site`, once there are many more of them."""
        if len(self.fragments) > 2 * self.pruned_at + 1000:
            self.fragments.keep_only(site.entries)
            self.pruned_at = len(self.fragments)


@dataclass
class WrittenOutput:
    """The files the preview has written into its output folder: each by its path there, the pages
    by their site address, and the site-wide files by part (see `build.site_file_parts`)."""

    folder: Path
    files: dict[str, OutputFile] = field(default_factory=dict)
    pages: dict[str, OutputFile] = field(default_factory=dict)
    parts: dict[str, list[OutputFile]] = field(default_factory=dict)

    def write(self, files: dict[str, OutputFile], whole: bool = False) -> None:
        """Write the files whose content changed (in place: a preview). `whole`: `files` is every
        file of the site now, and the ones no longer made are removed; else they are only those
        made again."""
        for path, item in files.items():
            old = self.files.get(path)
            if old is item or old is not None and old.data == item.data and old.source == item.source:
                continue
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # never written through: it may be a link to a file of the cache
            if item.data is not None:
                target.write_bytes(item.data)
            else:
                shutil.copyfile(item.source, target)
        if whole:
            for path in self.files.keys() - files.keys():
                (self.folder / path).unlink(missing_ok=True)
            self.files = files
        else:
            self.files.update(files)

    def remove(self, path: str) -> None:
        (self.folder / path).unlink(missing_ok=True)
        self.files.pop(path, None)


@dataclass
class SearchRefresh:
    """The preview's search index, and whether it is to be made again after an update."""

    files: list[OutputFile] = field(default_factory=list)  # the index as written
    follows: bool = False  # the index is small enough to be made again after updates (see SEARCH_FOLLOWS_UP_TO)
    stale: bool = False  # an update changed pages since the index was made
    generation: int = 0  # counts the changes to the preview, so that an index made for an earlier one is not written


@dataclass
class LivePreview:
    """The preview's output in `output`, kept up to date with the site in `site_dir` as on `day`.

    What it holds between updates is in parts: `FileStamps` (what the
    site's files looked like), `KnownEntries` (the entries and their problems), `BuildSetup`
    (what the last whole build set up for rendering), `WrittenOutput` (the files written) and
    `SearchRefresh` (the search index, and whether it is out of date)."""

    site_dir: Path
    day: date
    output: Path
    banner: str
    drafts: bool = False
    # what the last build made and looked at (see each class above)
    site: Site | None = None  # None: the last whole build failed, or none has run yet
    setup: BuildSetup | None = None
    entries: KnownEntries = field(default_factory=KnownEntries)
    written: WrittenOutput = field(init=False)  # in `output`
    search: SearchRefresh = field(default_factory=SearchRefresh)
    stamps: FileStamps = field(init=False)  # of the files in `site_dir`

    def __post_init__(self) -> None:
        self.written = WrittenOutput(self.output)
        self.stamps = FileStamps(self.site_dir)

    def rebuild(self, content_only: bool = False, changed: Iterable[str] | None = None) -> BuildResult:
        """Bring the preview up to date: only what changed when it can, else everything.

        `content_only`: the watcher saw a change below content/ only, so the settings,
        reports and theme need not be looked at again (they have watchers of their own).
        `changed` (with `content_only`): the paths below content/ the watcher saw created,
        written, moved or removed, when it can tell; only those are looked at then. Without
        it, the size and time of every file below content/ are compared with the last look.
        """
        if content_only and changed is not None and self.site is not None and not self.drafts:
            looked = self.stamps.entry_files_among(changed)
            if looked is not None:
                stamps = self.stamps.content
                result = self.update({path for path, stamp in looked.items() if stamp != stamps.get(path)})
                if self.stamps.content is stamps:  # not a whole build, which looked at every file
                    for path, stamp in looked.items():
                        if stamp is None:
                            stamps.pop(path, None)
                        else:
                            stamps[path] = stamp
                return result
        content = self.stamps.content_now()
        other = self.stamps.other if content_only and self.site is not None else self.stamps.other_now()
        if self.site is None or self.drafts or other != self.stamps.other:
            return self.full(content, other)
        changed = {p for p in content.keys() | self.stamps.content.keys() if content.get(p) != self.stamps.content.get(p)}
        stamps = self.stamps.content
        result = self.update(changed)
        if self.stamps.content is stamps:
            self.stamps.content = content
        return result

    def full(self, content=None, other=None) -> BuildResult:
        content = content if content is not None else self.stamps.content_now()
        other = other if other is not None else self.stamps.other_now()
        self.search.generation += 1
        self.search.stale = False  # a whole build makes the index
        gc.unfreeze()  # what the last whole build left can be collected again
        self.site = None
        loaded = load_config(self.site_dir)
        # The build renders with the preview's templates and fills its fragments (cards, feed items...)
        env = make_environment(loaded.config.root) if loaded.config is not None else None
        fragments = EntryFragments()
        result = build(loaded, self.day, self.output, banner=self.banner, show_drafts=self.drafts, env=env, fragments=fragments)
        self.stamps.content, self.stamps.other = content, other
        if result.failed or result.site is None:
            return result
        config = loaded.config
        self.setup = BuildSetup(loaded, env, DocumentCache(config.cache_dir), fragments, len(fragments))
        self.setup.cache.hashes.load()  # now, not on the first edit
        for name in env.list_templates(extensions=["html"]):
            try:
                env.get_template(name)  # compiled now, not on the first edit
            except jinja2.TemplateError:
                pass  # a template no page uses; one in use would have stopped the build above
        self.site = result.site
        self.search.follows = index_weight(result.site) <= SEARCH_FOLLOWS_UP_TO
        # The entries as read and after the address checks, so that an update can tell
        # which entries did not change (the same object both times).
        self.entries = KnownEntries.from_build(result.site, content, config)
        written = self.written
        written.files = {f.path: f for f in result.files}
        self.search.files = [f for f in result.files if f.path.startswith("pagefind/")]
        renderer = self.setup.renderer(result.site, self.banner)
        written.pages = {path: written.files[output_file(path)] for path in renderer.page_jobs(select=lambda path: False)
                         if output_file(path) in written.files}
        written.parts = site_file_parts(result.site, renderer, list(written.pages.values()))  # as the build made them
        # The preview keeps all this for as long as it runs: the garbage collector need not go
        # through it again and again (at 10,000 entries a full collection takes about 0.3 s).
        gc.collect()
        gc.freeze()
        return result

    def update(self, changed: set[str]) -> BuildResult:
        """Render again what the entries at `changed` touch. A template that fails on an edited
        entry leaves the update half done: the whole preview is built again instead, which
        reports the template's problem (see `render.template_failure`)."""
        if changed:
            self.search.generation += 1
        try:
            result = self._update(changed)
        except Exception as exc:  # noqa: BLE001 - a template's fault is a problem; any other is raised again
            if template_failure(exc, self.setup.loaded.config.root) is None:
                raise
            return self.full()
        if changed and self.site is not None and self.search.follows:
            self.search.stale = True
        return result

    def search_job(self) -> Callable[[], tuple[int, SearchIndex]] | None:
        """A job that makes the search index of the preview as it is now, or None when the index
        is up to date. The job only reads what it is given (and the cache folder), so it may run
        apart (in a forked worker, or a thread) while the preview goes on; its result is for `apply_search`."""
        if not self.search.stale or self.site is None or self.setup is None:
            return None
        generation, site, pages, folder = self.search.generation, self.site, list(self.written.pages.values()), self.setup.cache.folder

        def job() -> tuple[int, SearchIndex]:
            return generation, build_index(site, pages, DocumentCache(folder), site.config.prefix)
        return job

    def apply_search(self, generation: int, index: SearchIndex) -> bool:
        """Write an index made by a `search_job`, unless the preview changed since it was asked for
        (or Pagefind could not run: the index written before stays). Whether it was written."""
        if generation != self.search.generation or self.site is None or not index.files:
            return False
        files = {f.path: f for f in index.files}
        for old in self.search.files:
            if old.path not in files:
                self.written.remove(old.path)
        self.written.write(files)
        self.search.files = index.files
        self.search.stale = False
        return True

    def _update(self, changed: set[str]) -> BuildResult:
        config = self.setup.loaded.config
        if not changed:
            return BuildResult(site=self.site, problems=self._problems(), files=list(self.written.files.values()))
        sources = {Path(path).relative_to(config.root).as_posix(): Path(path) for path in changed}
        before = {s: self.entries.as_read.get(s) for s in sources}
        after = {s: read_entry_or_fault(path, config) if path.exists() else None for s, path in sources.items()}
        if any(e is not None and (e.is_page or e.type is None) for e in [*before.values(), *after.values()]):
            return self.full()  # a static page shows in every page's footer: build it all
        moved = self.entries.check_addresses_again(before, after, config)
        cache = self.setup.cache
        # What expired entries took down stays down in a preview too (`build.taken_down_again`).
        taken_down = taken_down_documents([(p.entry, p.state) for p in self.entries.on_day.values()], cache.hashes.of_readable)
        old, new, added = self.entries.decide_again(
            moved, lambda entry: entries_on_day(config, [entry], self.day, cache, taken_down=taken_down)[0])
        if taken_down != taken_down_documents([(p.entry, p.state) for p in self.entries.on_day.values()], cache.hashes.of_readable):
            return self.full()  # what expired entries took down changed: other entries may be withheld or not
        if not added and all(old[s] is not None and s in new and _outline(old[s]) == _outline(new[s]) for s in moved):
            return self._bodies(old, new)
        return self._outlines(old, new)

    def _bodies(self, old: dict[str, EntryOnDay], new: dict[str, EntryOnDay]) -> BuildResult:
        """Only bodies changed: nothing but the entries' own pages shows them."""
        site = self.site.updated(tuple(self.entries.on_day.values()), list(old.values()), list(new.values()))
        renderer = self.setup.renderer(site, self.banner)
        own = {p.entry.url for p in new.values()}
        made = {path: job() for path, job in renderer.page_jobs(select=own.__contains__).items() if job is not None}
        self.site = site
        self.written.pages.update(made)
        self.written.write({output_file(path): page for path, page in made.items()})
        return BuildResult(site=site, problems=self._problems(), files=list(self.written.files.values()))

    def _outlines(self, old: dict[str, EntryOnDay | None], new: dict[str, EntryOnDay]) -> BuildResult:
        """What other pages show of an entry changed (or entries came or went): render the pages
        that show them, and make the site-wide files again."""
        old_site = self.site
        site = old_site.updated(tuple(self.entries.on_day.values()), [p for p in old.values() if p is not None], list(new.values()))
        renderer = self.setup.renderer(site, self.banner)
        affected = set(LIST_EVERY_ENTRY)  # the pages that showed each entry before the edit, and show it after
        for the_site, entry_on_day in [(old_site, p) for p in old.values()] + [(site, p) for p in new.values()]:
            if entry_on_day is not None:
                affected |= pages_showing(the_site, entry_on_day)
        written = self.written
        old_pages = written.pages
        jobs = renderer.page_jobs(select=lambda path: path in affected or path not in old_pages)
        pages = {path: old_pages[path] if job is None else job() for path, job in jobs.items()}
        # The site-wide files an edit leaves as they were are not made again (see SHARES).
        pairs = [(old[s], new.get(s)) for s in old]
        kept = {name: written.parts[name] for name in FROM_SETTINGS if name in written.parts}
        for name, share in SHARES.items():
            if name in written.parts and all((o and share(old_site, o)) == (n and share(site, n)) for o, n in pairs):
                kept[name] = written.parts[name]
        if pages.keys() != old_pages.keys():
            kept.pop("sitemap", None)
        written.parts = site_file_parts(site, renderer, list(pages.values()), kept)
        files = [*pages.values(), *(f for part in written.parts.values() for f in part), *self.search.files]
        self.site, written.pages = site, pages
        written.write({f.path: f for f in files}, whole=True)
        self.setup.prune(site)
        return BuildResult(site=site, problems=self._problems(), files=files)

    def _problems(self) -> list:
        """The settings' problems and the entries', in the order of the entries."""
        return list(self.setup.loaded.problems) + self.entries.problems_in_order()


def _outline(entry_on_day: EntryOnDay | None) -> tuple | None:
    """All that pages other than an entry's own, and the site-wide files, show of it: all but its body."""
    if entry_on_day is None:
        return None
    e = entry_on_day.entry
    return (entry_on_day.state, entry_on_day.is_draft_preview, e.url, e.type, e.title, e.summary, e.subject, e.published,
            e.expires, e.hidden_from, e.themes, e.related, e.on_expiry, e.national_library, e.documents,
            tuple((d.url, d.info.sha256) for d in entry_on_day.downloads))


def _order(item: Entry | str) -> PurePath:
    """The order a whole build reads entries in: by path."""
    return PurePath(item.source if isinstance(item, Entry) else item)

"""A preview that rebuilds only what an edit touches (`sitegen serve`).

The preview keeps the site it last built in memory. When the only change is to
Markdown files of reviews and briefings in content/, it reads just those files
(those the watcher names, or those whose size or time changed), decides again
the state of just the entries that differ, renders the pages they appear on (their own page, their
type's listing, the home page, the theme pages and the pages of related
entries), makes again the site-wide files whose share of those entries changed
(feed, sitemap, Netlify's files, downloads) and writes only the files whose
bytes changed. An edit of an entry's body renders its own page only. Cards in
lists, feed items and the like of entries that did not change are kept from one
update to the next (`sitegen.entry_fragments`). Any other change (settings, theme,
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

from sitegen.addresses import output_file
from sitegen.build import FROM_SETTINGS, SHARES, BuildResult, build, entries_on_day, site_file_parts
from sitegen.config import CONFIG_FILE, LoadedConfig, load_config
from sitegen.documents import DocumentCache
from sitegen.entries import Entry, check_addresses, is_entry_file, is_entry_name, is_set_aside, read_entry
from sitegen.entry_fragments import EntryFragments
from sitegen.render import OutputFile, Renderer, make_environment, template_failure
from sitegen.search import SearchIndex, build_index, index_weight
from sitegen.site import EntryOnDay, Site

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
class LivePreview:
    site_dir: Path
    day: date
    output: Path
    banner: str
    drafts: bool = False
    # what the last build made
    loaded: LoadedConfig | None = None
    raw: dict[str, Entry] = field(default_factory=dict)  # by source, as read (before address checks)
    checked: dict[str, Entry] = field(default_factory=dict)  # by source, after address checks
    by_source: dict[str, EntryOnDay] = field(default_factory=dict)  # by source, in the order a whole build reads them
    site: Site | None = None
    files: dict[str, OutputFile] = field(default_factory=dict)  # by output path
    pages: dict[str, OutputFile] = field(default_factory=dict)  # by site address
    content_stamps: dict[str, Stamp] = field(default_factory=dict)
    other_stamps: dict[str, Stamp] = field(default_factory=dict)
    cache: DocumentCache | None = None
    env: object = None
    by_url: dict[str, set[str]] = field(default_factory=dict)  # sources of the entries read, by address (as check_addresses groups them)
    fragments: EntryFragments = field(default_factory=EntryFragments)  # cards, feed items... of entries that did not change
    pruned_at: int = 0  # how many fragments were kept after they were last pruned
    search_files: list[OutputFile] = field(default_factory=list)  # the search index as written
    search_follows: bool = False  # the index is small enough to be made again after updates (see SEARCH_FOLLOWS_UP_TO)
    search_stale: bool = False  # an update changed pages since the index was made
    generation: int = 0  # counts the changes to the preview, so that an index made for an earlier one is not written
    problems: dict[str, tuple] = field(default_factory=dict)  # those of the entries that have any, by source
    problem_list: list | None = None  # all of them in the order of the entries (None: to be made again)
    parts: dict[str, list[OutputFile]] = field(default_factory=dict)  # the site-wide files, by part (see site_file_parts)

    def _other(self) -> dict[str, Stamp]:
        root = self.site_dir
        stamps = _stamps(root / "reports") | _stamps(root / "themes")
        config = root / CONFIG_FILE
        if config.exists():
            status = config.stat()
            stamps[str(config)] = (status.st_size, status.st_mtime_ns)
        return stamps

    def _content(self) -> dict[str, Stamp]:
        return _stamps(self.site_dir / "content", entries_only=True)

    def _look_at(self, changed: Iterable[str]) -> dict[str, Stamp | None] | None:
        """The stamps of the entry files among `changed` (None: no longer there), keyed as
        `_content` keys them; None when one of the paths is a folder (a folder moved in or out)."""
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

    def rebuild(self, content_only: bool = False, changed: Iterable[str] | None = None) -> BuildResult:
        """Bring the preview up to date: only what changed when it can, else everything.

        `content_only`: the watcher saw a change below content/ only, so the settings,
        reports and theme need not be looked at again (they have watchers of their own).
        `changed` (with `content_only`): the paths below content/ the watcher saw created,
        written, moved or removed, when it can tell; only those are looked at then. Without
        it, the size and time of every file below content/ are compared with the last look.
        """
        if content_only and changed is not None and self.site is not None and not self.drafts:
            looked = self._look_at(changed)
            if looked is not None:
                stamps = self.content_stamps
                result = self.update({path for path, stamp in looked.items() if stamp != stamps.get(path)})
                if self.content_stamps is stamps:  # not a whole build, which looked at every file
                    for path, stamp in looked.items():
                        if stamp is None:
                            stamps.pop(path, None)
                        else:
                            stamps[path] = stamp
                return result
        content = self._content()
        other = self.other_stamps if content_only and self.site is not None else self._other()
        if self.site is None or self.drafts or other != self.other_stamps:
            return self.full(content, other)
        changed = {p for p in content.keys() | self.content_stamps.keys() if content.get(p) != self.content_stamps.get(p)}
        stamps = self.content_stamps
        result = self.update(changed)
        if self.content_stamps is stamps:
            self.content_stamps = content
        return result

    def full(self, content=None, other=None) -> BuildResult:
        content = content if content is not None else self._content()
        other = other if other is not None else self._other()
        self.generation += 1
        self.search_stale = False  # a whole build makes the index
        gc.unfreeze()  # what the last whole build left can be collected again
        self.site = None
        loaded = load_config(self.site_dir)
        # The build renders with the preview's templates and fills its fragments (cards, feed items...)
        env = make_environment(loaded.config.root) if loaded.config is not None else None
        fragments = EntryFragments()
        result = build(loaded, self.day, self.output, banner=self.banner, show_drafts=self.drafts, env=env, fragments=fragments)
        self.content_stamps, self.other_stamps = content, other
        if result.failed or result.site is None:
            return result
        self.loaded, self.env, self.fragments, self.pruned_at = loaded, env, fragments, len(fragments)
        config = loaded.config
        self.cache = DocumentCache(config.cache_dir)
        self.cache.hashes.load()  # now, not on the first edit
        for name in self.env.list_templates(extensions=["html"]):
            try:
                self.env.get_template(name)  # compiled now, not on the first edit
            except jinja2.TemplateError:
                pass  # a template no page uses; one in use would have stopped the build above
        self.site = result.site
        self.search_follows = index_weight(result.site) <= SEARCH_FOLLOWS_UP_TO
        self.by_source = {p.entry.source: p for p in result.site.entries}
        self.problems = {s: p.entry.problems for s, p in self.by_source.items() if p.entry.problems}
        self.problem_list = None
        # The entries as read and after the address checks, so that an update can tell
        # which entries did not change (the same object both times).
        self.raw = {e.source: e for e in (read_entry(Path(path), config) for path in sorted(content))}
        self.checked = {e.source: e for e in check_addresses(sorted(self.raw.values(), key=_order), config)}
        self.by_url = {}
        for entry in self.raw.values():
            if entry.takes_address:
                self.by_url.setdefault(entry.url, set()).add(entry.source)
        self.files = {f.path: f for f in result.files}
        self.search_files = [f for f in result.files if f.path.startswith("pagefind/")]
        renderer = Renderer(result.site, banner=self.banner, env=self.env, fragments=self.fragments)
        self.pages = {path: self.files[output_file(path)] for path in renderer.page_jobs(select=lambda path: False) if output_file(path) in self.files}
        self.parts = site_file_parts(result.site, renderer, list(self.pages.values()))  # as the build made them
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
            self.generation += 1
        try:
            result = self._update(changed)
        except Exception as exc:  # noqa: BLE001 - a template's fault is a problem; any other is raised again
            if template_failure(exc, self.loaded.config.root) is None:
                raise
            return self.full()
        if changed and self.site is not None and self.search_follows:
            self.search_stale = True
        return result

    def search_job(self) -> Callable[[], tuple[int, SearchIndex]] | None:
        """A job that makes the search index of the preview as it is now, or None when the index
        is up to date. The job only reads what it is given (and the cache folder), so it may run
        apart (in a forked copy, or a thread) while the preview goes on; its result is for `apply_search`."""
        if not self.search_stale or self.site is None or self.cache is None:
            return None
        generation, site, pages, folder = self.generation, self.site, list(self.pages.values()), self.cache.folder

        def job() -> tuple[int, SearchIndex]:
            return generation, build_index(site, pages, DocumentCache(folder), site.config.prefix)
        return job

    def apply_search(self, generation: int, index: SearchIndex) -> bool:
        """Write an index made by a `search_job`, unless the preview changed since it was asked for
        (or Pagefind could not run: the index written before stays). Whether it was written."""
        if generation != self.generation or self.site is None or not index.files:
            return False
        files = {f.path: f for f in index.files}
        for old in self.search_files:
            if old.path not in files:
                (self.output / old.path).unlink(missing_ok=True)
                self.files.pop(old.path, None)
        self._write(files)
        self.search_files = index.files
        self.search_stale = False
        return True

    def _update(self, changed: set[str]) -> BuildResult:
        config = self.loaded.config
        if not changed:
            return BuildResult(site=self.site, problems=self._problems(), files=list(self.files.values()))
        sources = {Path(path).relative_to(config.root).as_posix(): Path(path) for path in changed}
        before = {s: self.raw.get(s) for s in sources}
        after = {s: read_entry(path, config) if path.exists() else None for s, path in sources.items()}
        if any(e is not None and (e.is_page or e.type is None) for e in [*before.values(), *after.values()]):
            return self.full()  # a static page shows in every page's footer: build it all
        # The address checks, for the entries read again and those sharing an address with them.
        addresses = set()
        for source in sources:
            old, new = before[source], after[source]
            if old is not None and old.takes_address:
                self.by_url.get(old.url, set()).discard(source)
                addresses.add(old.url)
            if new is not None:
                self.raw[source] = new
                if new.takes_address:
                    self.by_url.setdefault(new.url, set()).add(source)
                    addresses.add(new.url)
            else:
                self.raw.pop(source, None)
        again = {s for url in addresses for s in self.by_url.get(url, ())} | {s for s in sources if s in self.raw}
        for url in addresses:
            if not self.by_url.get(url):
                self.by_url.pop(url, None)
        moved = {s for s in sources if s not in self.raw and s in self.checked}
        for entry in check_addresses(sorted((self.raw[s] for s in again), key=_order), config):
            if self.checked.get(entry.source) is not entry:
                self.checked[entry.source] = entry
                moved.add(entry.source)
        for source in moved - self.raw.keys():
            del self.checked[source]
        # Decide again only the entries that differ (their state on the day, their documents).
        old_by_source = {s: self.by_source.get(s) for s in moved}
        new_by_source = {s: entries_on_day(config, [self.checked[s]], self.day, self.cache)[0] for s in moved if s in self.checked}
        added = new_by_source.keys() - self.by_source.keys()
        for source in moved:
            had = self.problems.pop(source, ())
            if source in new_by_source:
                self.by_source[source] = new_by_source[source]
                if new_by_source[source].entry.problems:
                    self.problems[source] = new_by_source[source].entry.problems
            else:
                del self.by_source[source]
            if self.problems.get(source, ()) != had:
                self.problem_list = None
        if added:
            self.by_source = dict(sorted(self.by_source.items(), key=lambda item: _order(item[0])))
        if not added and all(old_by_source[s] is not None and s in new_by_source and _outline(old_by_source[s]) == _outline(new_by_source[s])
                             for s in moved):
            return self._bodies(old_by_source, new_by_source)
        return self._outlines(old_by_source, new_by_source)

    def _bodies(self, old_by_source: dict[str, EntryOnDay], new_by_source: dict[str, EntryOnDay]) -> BuildResult:
        """Only bodies changed: nothing but the entries' own pages shows them."""
        site = self.site.updated(tuple(self.by_source.values()), list(old_by_source.values()), list(new_by_source.values()))
        renderer = Renderer(site, banner=self.banner, env=self.env, fragments=self.fragments)
        own = {p.entry.url for p in new_by_source.values()}
        made = {path: job() for path, job in renderer.page_jobs(select=own.__contains__).items() if job is not None}
        self.site = site
        self.pages.update(made)
        self._write({output_file(path): page for path, page in made.items()})
        return BuildResult(site=site, problems=self._problems(), files=list(self.files.values()))

    def _outlines(self, old_by_source: dict[str, EntryOnDay | None], new_by_source: dict[str, EntryOnDay]) -> BuildResult:
        """What other pages show of an entry changed (or entries came or went): render the pages
        that show them, and make the site-wide files again."""
        old_site = self.site
        site = old_site.updated(tuple(self.by_source.values()), [p for p in old_by_source.values() if p is not None],
                                list(new_by_source.values()))
        renderer = Renderer(site, banner=self.banner, env=self.env, fragments=self.fragments)
        affected = {"/", "/themes/", "/search/"}  # these list or count live entries
        for the_site, entry_on_day in [(old_site, p) for p in old_by_source.values()] + [(site, p) for p in new_by_source.values()]:
            if entry_on_day is None:
                continue
            affected |= {entry_on_day.entry.url, f"/{entry_on_day.entry.type}/"}
            affected |= {d.page_url for d in entry_on_day.downloads if d.rendition is not None}  # its documents' web pages
            affected |= {the_site.theme_url(name) for name in entry_on_day.entry.themes}
            affected |= {other.entry.url for other in the_site.related(entry_on_day)}
        old_pages = self.pages
        jobs = renderer.page_jobs(select=lambda path: path in affected or path not in old_pages)
        pages = {path: old_pages[path] if job is None else job() for path, job in jobs.items()}
        # The site-wide files an edit leaves as they were are not made again (see SHARES).
        pairs = [(old_by_source[s], new_by_source.get(s)) for s in old_by_source]
        kept = {name: self.parts[name] for name in FROM_SETTINGS if name in self.parts}
        for name, share in SHARES.items():
            if name in self.parts and all((o and share(old_site, o)) == (n and share(site, n)) for o, n in pairs):
                kept[name] = self.parts[name]
        if pages.keys() != old_pages.keys():
            kept.pop("sitemap", None)
        self.parts = site_file_parts(site, renderer, list(pages.values()), kept)
        files = [*pages.values(), *(f for part in self.parts.values() for f in part), *self.search_files]
        self.site, self.pages = site, pages
        self._write({f.path: f for f in files}, whole=True)
        if len(self.fragments) > 2 * self.pruned_at + 1000:
            self.fragments.keep_only(site.entries)
            self.pruned_at = len(self.fragments)
        return BuildResult(site=site, problems=self._problems(), files=files)

    def _problems(self) -> list:
        """The settings' problems and the entries', in the order of the entries."""
        if self.problem_list is None:
            self.problem_list = [p for source in self.by_source if source in self.problems for p in self.problems[source]]
        return list(self.loaded.problems) + self.problem_list

    def _write(self, files: dict[str, OutputFile], whole: bool = False) -> None:
        """Write the files whose content changed (in place: a preview). `whole`: `files` is every
        file of the site now, and the ones no longer made are removed; else they are only those
        made again."""
        for path, item in files.items():
            old = self.files.get(path)
            if old is item or old is not None and old.data == item.data and old.source == item.source:
                continue
            target = self.output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.data is not None:
                target.write_bytes(item.data)
            else:
                shutil.copyfile(item.source, target)
        if whole:
            for path in self.files.keys() - files.keys():
                (self.output / path).unlink(missing_ok=True)
            self.files = files
        else:
            self.files.update(files)


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

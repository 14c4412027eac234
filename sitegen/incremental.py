"""A preview that rebuilds only what an edit touches (`sitegen serve`).

The preview keeps the site it last built in memory. When the only change is to
Markdown files of reviews and briefings in content/, it reads just those files,
places just the entries that differ, renders the pages they appear on (their
own page, their type's listing, the home page, the theme pages and the pages of
related entries), makes the site-wide files again (feed, sitemap, Netlify's
files, downloads) and writes only the files whose bytes changed. Any other
change (settings, theme, reports, a static page) builds the whole preview again.
The search index is made on whole builds only.

This is for the preview only: `sitegen build` always builds everything and
swaps the result in at once.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from sitegen.build import BuildResult, build, place_entries, site_files
from sitegen.config import CONFIG_FILE, LoadedConfig, load_config
from sitegen.documents import DocumentCache
from sitegen.entries import Entry, check_addresses, read_entry
from sitegen.render import OutputFile, Renderer, make_environment
from sitegen.site import Placed, Site

Stamp = tuple[int, int]  # size, modification time in nanoseconds


def _stamps(folder: Path) -> dict[str, Stamp]:
    """Size and time of every file below `folder` (plain strings: this runs on every save)."""
    found: dict[str, Stamp] = {}
    todo = [str(folder)]
    while todo:
        try:
            scan = os.scandir(todo.pop())
        except OSError:
            continue
        with scan:
            for item in scan:
                if item.name.startswith("."):
                    continue
                try:
                    if item.is_dir(follow_symlinks=False):
                        todo.append(item.path)
                    else:
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
    placed: dict[str, Placed] = field(default_factory=dict)
    site: Site | None = None
    files: dict[str, OutputFile] = field(default_factory=dict)  # by output path
    pages: dict[str, OutputFile] = field(default_factory=dict)  # by site address
    content_stamps: dict[str, Stamp] = field(default_factory=dict)
    other_stamps: dict[str, Stamp] = field(default_factory=dict)
    cache: DocumentCache | None = None
    env: object = None

    def _other(self) -> dict[str, Stamp]:
        root = self.site_dir
        stamps = _stamps(root / "reports") | _stamps(root / "themes")
        config = root / CONFIG_FILE
        if config.exists():
            status = config.stat()
            stamps[str(config)] = (status.st_size, status.st_mtime_ns)
        return stamps

    def _content(self) -> dict[str, Stamp]:
        content = self.site_dir / "content"
        skip = len(str(content)) + 1
        # the files read_entries reads: no part of the path below content/ starts with "." or "_"
        return {path: stamp for path, stamp in _stamps(content).items()
                if path.lower().endswith(".md")
                and not any(part.startswith((".", "_")) for part in path[skip:].split(os.sep))}

    def rebuild(self, content_only: bool = False) -> BuildResult:
        """Bring the preview up to date: only what changed when it can, else everything.

        `content_only`: the watcher saw a change below content/ only, so the settings,
        reports and theme need not be looked at again (they have watchers of their own).
        """
        content = self._content()
        other = self.other_stamps if content_only and self.site is not None else self._other()
        if self.site is None or self.drafts or other != self.other_stamps:
            return self.full(content, other)
        changed = {p for p in content.keys() | self.content_stamps.keys() if content.get(p) != self.content_stamps.get(p)}
        result = self.update(changed)
        self.content_stamps = content
        return result

    def full(self, content=None, other=None) -> BuildResult:
        content = content if content is not None else self._content()
        other = other if other is not None else self._other()
        result = build(self.site_dir, self.day, self.output, banner=self.banner, show_drafts=self.drafts)
        self.content_stamps, self.other_stamps = content, other
        if result.failed or result.site is None:
            self.site = None
            return result
        self.loaded = load_config(self.site_dir)
        config = self.loaded.config
        self.cache = DocumentCache(config.cache_dir)
        self.env = make_environment(config.root)
        for name in self.env.list_templates(extensions=["html"]):
            try:
                self.env.get_template(name)  # compiled now, not on the first edit
            except jinja2.TemplateError:
                pass  # a template no page uses; one in use would have stopped the build above
        self.site = result.site
        self.placed = {p.entry.source: p for p in result.site.placed}
        # The entries as read and after the address checks, so that an update can tell
        # which entries did not change (the same object both times).
        self.raw = {e.source: e for e in (read_entry(Path(path), config) for path in sorted(content))}
        self.checked = {e.source: e for e in check_addresses(sorted(self.raw.values(), key=lambda e: e.source), config)}
        self.files = {f.path: f for f in result.files}
        renderer = Renderer(result.site, banner=self.banner, env=self.env)
        self.pages = {path: self.files[_file_of(path)] for path in renderer.page_jobs() if _file_of(path) in self.files}
        return result

    def update(self, changed: set[str]) -> BuildResult:
        config = self.loaded.config
        result = BuildResult(site=self.site, files=list(self.files.values()))
        if not changed:
            return result
        sources = {Path(path).relative_to(config.root).as_posix(): Path(path) for path in changed}
        before = {s: self.raw.get(s) for s in sources}
        for source, path in sources.items():
            if path.exists():
                self.raw[source] = read_entry(path, config)
            else:
                self.raw.pop(source, None)
        touched = [e for e in [*before.values(), *(self.raw.get(s) for s in sources)] if e is not None]
        if any(e.is_page or e.type is None for e in touched):
            return self.full()  # a static page shows in every page's footer: build it all
        entries = check_addresses(sorted(self.raw.values(), key=lambda e: e.source), config)
        old_site = self.site
        placed, moved = [], set()
        for entry in entries:
            previous = self.checked.get(entry.source)
            if previous is entry and entry.source in self.placed:
                placed.append(self.placed[entry.source])
            else:
                placed.append(place_entries(config, [entry], self.day, self.cache)[0])
                moved.add(entry.source)
        moved |= set(self.checked) - {e.source for e in entries}
        site = Site(config, self.day, tuple(placed))
        renderer = Renderer(site, banner=self.banner, env=self.env)
        jobs = renderer.page_jobs()
        old_by_source = {source: self.placed.get(source) for source in moved}
        new_by_source = {p.entry.source: p for p in placed if p.entry.source in moved}
        if all(s in new_by_source and _outline(old_by_source[s]) == _outline(new_by_source[s]) for s in moved):
            # Only bodies changed: nothing but the entries' own pages shows them.
            own = {new_by_source[s].entry.url for s in moved}
            pages = {path: (jobs[path]() if path in own or path not in self.pages else self.pages[path]) for path in jobs}
            files = dict(self.files)
            files.update({_file_of(path): pages[path] for path in own if path in pages})
            self._write(files)
            return self._keep(site, pages, entries, placed, list(files.values()))
        affected = {"/", "/themes/"}
        for source in moved:
            for the_site in (old_site, site):
                found = next((p for p in the_site.placed if p.entry.source == source), None)
                if found is None:
                    continue
                affected |= {found.entry.url, f"/{found.entry.type}/"}
                affected |= {the_site.theme_url(name) for name in found.entry.themes}
                affected |= {other.entry.url for other in the_site.related(found)}
        pages = {path: (jobs[path]() if path in affected or path not in self.pages else self.pages[path]) for path in jobs}
        search_files = [f for f in self.files.values() if f.path.startswith("pagefind/")]
        files = [*pages.values(), *site_files(site, renderer, list(pages.values())), *search_files]
        self._write({f.path: f for f in files})
        return self._keep(site, pages, entries, placed, files)

    def _keep(self, site, pages, entries, placed, files) -> BuildResult:
        self.site, self.pages = site, pages
        self.checked = {e.source: e for e in entries}
        self.placed = {p.entry.source: p for p in placed}
        problems = [p for item in placed for p in item.entry.problems]
        return BuildResult(site=site, problems=list(self.loaded.problems) + problems, files=files)

    def _write(self, files: dict[str, OutputFile]) -> None:
        """Write the files whose content changed and remove the ones no longer made (in place: a preview)."""
        for path, item in files.items():
            old = self.files.get(path)
            if old is not None and old.data == item.data and old.source == item.source:
                continue
            target = self.output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.data is not None:
                target.write_bytes(item.data)
            else:
                shutil.copyfile(item.source, target)
        for path in self.files.keys() - files.keys():
            (self.output / path).unlink(missing_ok=True)
        self.files = files


def _outline(placed: Placed | None) -> tuple | None:
    """All that pages other than an entry's own, and the site-wide files, show of it: all but its body."""
    if placed is None:
        return None
    e = placed.entry
    return (placed.state, placed.is_draft_preview, e.url, e.type, e.title, e.summary, e.subject, e.published,
            e.expires, e.hidden_from, e.themes, e.related, e.on_expiry, e.national_library, e.documents,
            tuple((d.url, d.info.sha256) for d in placed.downloads))


def _file_of(path: str) -> str:
    file = path.lstrip("/")
    return file + "index.html" if file == "" or file.endswith("/") else file

"""The build, as one readable pipeline.

load config -> read entries -> decide each entry's state for the day ->
inspect documents -> render pages -> write outputs into a temporary folder ->
swap it in.

Nothing here reads the clock: the day is passed in.
"""

from __future__ import annotations

import os
import shutil
import traceback
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2

from sitegen.output import admin, deployment, netlify, opendata, outputs, takedown
from sitegen.rendering import links
from sitegen.search import index as search
from sitegen.rendering.claims import claim_entries
from sitegen.content.config import LoadedConfig, SiteConfig, keep_settings, load_config
from sitegen.documents.inspection import DocumentCache, inspect, published_copy, published_size
from sitegen.documents.reading import prepare
from sitegen.documents.pdfsafety import safety_problems
from sitegen.rendering.entry_fragments import EntryFragments
from sitegen.output.file_store import FileStore
from sitegen.content.entries import DocumentRef, Entry, internal_fault, read_entries
from sitegen.core.memo import Memo
from sitegen.core.cachefile import LEDGER, Ledger
from sitegen.core.problems import Problem, error, has_errors, note, warning
from sitegen.documents.renditions import Rendition
from sitegen.rendering.render import Renderer, make_environment, old_names_in_theme, template_failure
from sitegen.rendering.preview_problems import problems_page
from sitegen.rules.addresses import OUTPUT_MARKER, OutputFile
from sitegen.rendering.site import DeployPreview, Download, EntryOnDay, Site
from sitegen.rules.visibility import State, decide, window_state


@dataclass
class BuildResult:
    site: Site | None = None
    problems: list[Problem] = field(default_factory=list)
    files: list[OutputFile] = field(default_factory=list)
    failed: bool = False  # nothing was written: the previous output stands
    took_down_only: "takedown.TakeDown | None" = None  # the build failed; the last good output was published less what came down

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def count(self, state: State) -> int:
        return len(self.site.in_state(state)) if self.site else 0


def entries_on_day(config: SiteConfig, entries: list[Entry], day: date, cache: DocumentCache,
                   inspect_all: bool = False, show_drafts: bool = False,
                   progress: Callable[[int, int], None] | None = None,
                   taken_down: dict[str, str] | None = None, show_scheduled: bool = False) -> list[EntryOnDay]:
    """Decide each entry's state and inspect the documents that will be published.

    Which entries' documents are inspected is `inspects_documents`. A PDF is published as its
    cleaned copy; if that cannot be made, the entry is withheld.

    `show_drafts` is for previews only (`sitegen serve --drafts`): drafts are
    shown as if they were not drafts, and stay marked as drafts. `build` refuses
    it unless the output is a preview. `progress` is told how many of the documents read for
    the first time have been read (see `reading.prepare`). `taken_down`: the documents of
    expired entries (`taken_down_documents`), when `entries` are only some of the site's (a
    preview's update); by default worked out from `entries`. `show_scheduled` is for a protected
    deploy preview only (`site.DeployPreview`): each scheduled entry is live, as on its day, and
    marked `early`.
    """
    decided = _decide_states(entries, day, show_drafts)
    decided, early = shown_early(decided) if show_scheduled else (decided, set())
    content_of = cache.hashes.of_readable
    decided = taken_down_again(decided, taken_down_documents(decided, content_of) if taken_down is None else taken_down, content_of)
    inspected = [(entry, state) for entry, state in decided if inspects_documents(entry, state, inspect_all)]
    _prepare_documents(inspected, cache, progress)
    on_day = []
    for entry, state in decided:
        downloads: list[Download] = []
        if inspects_documents(entry, state, inspect_all):
            try:
                entry, state, downloads = _inspect_documents(entry, state, cache)
            except Exception as exc:  # noqa: BLE001 - one entry's documents never stop the build
                entry, state, downloads = entry.with_problems(internal_fault(entry.source, exc)), State.WITHHELD, []
        if state is State.DRAFT:
            # A draft is work in progress: its problems are reported, but do not fail `check`.
            entry = replace(entry, problems=tuple(p.as_warning() for p in entry.problems))
        on_day.append(EntryOnDay(entry, state, tuple(downloads) if state is State.LIVE else (),
                                 early=state is State.LIVE and entry.source in early))
    return claim_entries(on_day, config.types)


def shown_early(decided: list[tuple[Entry, State]]) -> tuple[list[tuple[Entry, State]], set[str]]:
    """For a protected deploy preview: each scheduled entry as it will be on the day it goes up (live,
    unless its window ends before then), and the sources of those shown so."""
    shown, early = [], set()
    for entry, state in decided:
        if state is State.SCHEDULED and entry.goes_live is not None and entry.published is not None and \
                window_state(entry.goes_live, entry.published, entry.hidden_from, entry.approved) is State.LIVE:
            state = State.LIVE
            early.add(entry.source)
        shown.append((entry, state))
    return shown, early


def inspects_documents(entry: Entry, state: State, inspect_all: bool) -> bool:
    """Whether an entry's documents are inspected, given its state before they are: a live entry's
    (they are published) and a scheduled one's (so errors show before publication day);
    with `inspect_all` (`sitegen check`), also those of drafts and withheld entries. Never an
    expired entry's: they are not published, and may since have been removed from reports/."""
    if not entry.documents:
        return False
    return state in (State.LIVE, State.SCHEDULED) or inspect_all and entry.type is not None and state is not State.EXPIRED


def _decide_states(entries: list[Entry], day: date, show_drafts: bool) -> list[tuple[Entry, State]]:
    """Each entry's state on `day` before its documents are inspected (with, for a draft shown in a
    preview, the problem of an address another entry has)."""
    decided = []
    taken = {e.url for e in entries if e.takes_address}
    for entry in entries:
        if show_drafts and entry.draft and entry.type is not None:
            if entry.url in taken:
                entry = entry.with_problems(error(entry.source, f"this draft would be published at {entry.url}, which another entry uses.",
                                                  "Give it another file name, or a `slug:` of its own.", field="slug"))
            taken.add(entry.url)
        published = day if entry.is_page else entry.published
        state = decide(day, published, entry.hidden_from, draft=entry.draft and not show_drafts,
                       has_errors=has_errors(p for p in entry.problems if not _about_documents(p)),
                       approved=None if entry.is_page else entry.approved)
        if state is State.EXPIRED:
            # An expired entry's documents are never published, so a PDF since
            # removed from reports/ is no reason to withhold its notice page.
            entry = replace(entry, problems=tuple(p for p in entry.problems if not _about_documents(p)))
        elif entry.has_errors and state is not State.DRAFT:
            state = State.WITHHELD
        decided.append((entry, state))
    return decided


def _document_names(entry: Entry) -> set[str]:
    """The names of the files in reports/ an entry lists (documents and Word originals), without case."""
    return {name.lower() for ref in entry.documents for name in (ref.name, ref.word_name) if name}


CONTENT = "\0content "  # what starts a content hash's key in `taken_down_documents` (no file name holds a NUL)


def _document_paths(entry: Entry) -> list[tuple[str, Path]]:
    """The files in reports/ an entry lists (documents and Word originals), each with its name without case."""
    return [(path.name.lower(), path) for ref in entry.documents for path in (ref.path, ref.word_path) if path is not None]


def taken_down_documents(decided: list[tuple[Entry, State]], content_of: Callable[[Path], str | None] | None = None) -> dict[str, str]:
    """Each file in reports/ that an expired entry lists: the entry (its source) it came down with; by
    its name without case, and, with `content_of` (a file's content hash, None when it cannot be
    read), by its content too (`CONTENT` and the hash), while the file is still in reports/. Only an
    expired entry's file of the same size as a file another entry lists can hold the same bytes, so
    only those are read (a preview's update that lists a new file asks again, and builds whole when
    the answer changed: `incremental.LivePreview`)."""
    found: dict[str, str] = {}
    sizes = {_size(path) for entry, state in decided if state is not State.EXPIRED for _, path in _document_paths(entry)} \
        if content_of is not None else set()
    for entry, state in decided:
        if state is State.EXPIRED:
            for name in sorted(_document_names(entry)):
                found.setdefault(name, entry.source)
            if content_of is not None:
                for _, path in _document_paths(entry):
                    key = content_of(path) if _size(path) in sizes - {None} else None
                    if key is not None:
                        found.setdefault(CONTENT + key, entry.source)
    return found


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def taken_down_again(decided: list[tuple[Entry, State]], taken_down: dict[str, str],
                     content_of: Callable[[Path], str | None] | None = None) -> list[tuple[Entry, State]]:
    """An entry (not expired) that lists a report an expired entry came down with is withheld, unless
    it says why the report goes back up (`republish: "reason"`): putting a report about a real person
    back online is a decision someone must make and write down, never a side effect of `sitegen new`.
    Reports are told apart by file name (what `sitegen new` and a copied entry reuse) and, with
    `content_of`, by their bytes: the same report saved again under another name is the same report."""
    if not taken_down:
        return decided
    result = []
    for entry, state in decided:
        if state is not State.EXPIRED and entry.republish is None:
            named = {name for name in _document_names(entry) if taken_down.get(name, entry.source) != entry.source}
            problems = [_taken_down_problem(entry, name, taken_down[name]) for name in sorted(named)]
            for name, path in _document_paths(entry):
                key = content_of(path) if content_of is not None and name not in named else None
                expired = taken_down.get(CONTENT + key, entry.source) if key is not None else entry.source
                if expired != entry.source:
                    named.add(name)
                    problems.append(_taken_down_problem(entry, name, expired, same_as=True))
            if problems:
                entry = entry.with_problems(*problems)
                state = state if state is State.DRAFT else State.WITHHELD
        result.append((entry, state))
    return result


def _taken_down_problem(entry: Entry, name: str, expired: str, same_as: bool = False) -> Problem:
    ref = next(ref for ref in entry.documents if name in (ref.name.lower(), (ref.word_name or "").lower()))
    shown = ref.file if ref.name.lower() == name else ref.word
    what = f"{shown} is the same file as one taken down with {expired}" if same_as else f"{shown} was taken down with {expired}"
    return error(entry.source, f"documents: {what}, whose time on the site is over, so "
                               "this entry is not published.",
                 "If the partnership has decided to publish this report again, say why in the entry, for example "
                 "`republish: \"The Board agreed on 1 December 2026 to publish it for another year.\"`; "
                 "otherwise remove the document from this entry.", line=ref.line, field="republish")


def _inspect_documents(entry: Entry, state: State, cache: DocumentCache) -> tuple[Entry, State, list[Download]]:
    """The entry with its documents' problems, its state after them (withheld when one of a live or
    scheduled entry's documents cannot be published), and its downloads (copies made when live)."""
    problems: list[Problem] = []
    downloads = []
    for ref in entry.documents:
        if ref.path is None:
            continue
        info = inspect(ref.path, cache)
        content = rendition = None
        if ref.word_path is not None:
            rendition = cache.rendition(ref.word_path)
            problems += rendition_problems(entry.source, ref, rendition)
        if info.ok and state is State.LIVE and not ref.is_word_only:
            content = published_copy(ref.path, info, cache, ref.title)  # a PDF's copy has the entry's title for it
            if content is None:
                info = replace(info, problem="could not be copied for publishing.",
                               advice="Run the build again; if this message stays, export the PDF again and replace the file in reports/.")
            elif info.format == "PDF":
                info = replace(info, published_size=published_size(content))
        if not info.ok:
            problems.append(error(entry.source, f"documents: {ref.file} {info.problem}", info.advice or "",
                                  line=ref.line, field="documents.file", kind="a document it lists cannot be published"))
        elif info.safety is not None:
            problems += safety_problems(entry.source, ref.file, info.safety, ref.line, ref.title,
                                        published=" ".join(filter(None, (entry.title, entry.subject))))
        downloads.append(Download(ref, info, entry.document_url(ref), content, rendition if rendition and rendition.ok else None,
                                  entry.rendition_url(ref)))
    if has_errors(problems) and state in (State.LIVE, State.SCHEDULED):
        state = State.WITHHELD
    return entry.with_problems(*problems), state, downloads


def rendition_problems(source: str, ref: DocumentRef, rendition: Rendition) -> list[Problem]:
    """What stops a document's Word original being published as a web page (an error), and what
    the comms officer should fix in it (warnings)."""
    field = "documents.file" if ref.is_word_only else "documents.html"
    if not rendition.ok:
        return [error(source, f"documents: {ref.word} {rendition.problem}", rendition.advice or "", line=ref.word_line, field=field)]
    return [warning(source, f"documents: {ref.word}: {what}", advice, line=ref.word_line, field=field)
            for what, advice in rendition.warnings]


def _prepare_documents(inspected: list[tuple[Entry, State]], cache: DocumentCache,
                       progress: Callable[[int, int], None] | None = None) -> None:
    """Inspect, in parallel, the documents `entries_on_day` is about to need (the text of live
    ones too, for search, and the web pages of Word originals); only a first build of a large site
    has many to do."""
    paths: list[Path] = []
    text_for: set[Path] = set()
    word_originals: list[Path] = []
    titles: dict[Path, set[str]] = {}  # the titles each published PDF's copies are given
    for entry, state in inspected:
        for ref in entry.documents:
            if ref.path is None:
                continue
            paths.append(ref.path)
            if ref.word_path is not None:
                word_originals.append(ref.word_path)
            if state is State.LIVE and ref.path.suffix.lower() == ".pdf":
                text_for.add(ref.path)
            if state is State.LIVE and not ref.is_word_only:
                titles.setdefault(ref.path, set()).add(ref.title)
    prepare(paths, text_for, cache, progress=progress, word_originals=word_originals, titles=titles)


def _about_documents(problem: Problem) -> bool:
    return (problem.field or "").startswith("documents")


def assemble(config: SiteConfig, day: date, cache: DocumentCache, inspect_all: bool = False,
             show_drafts: bool = False, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None, memo: Memo | None = None,
             preview: DeployPreview | None = None) -> tuple[Site, list[Problem]]:
    """Everything up to rendering: the site as it stands on `day`, with all problems.
    `show_drafts` is for previews only (see `entries_on_day`); `workers` share reading the entries;
    `memo` holds front matter read by earlier builds; `preview`: a deploy preview's build (a
    protected one shows scheduled entries early)."""
    entries = read_entries(config, workers=workers, memo=memo)
    on_day = entries_on_day(config, entries, day, cache, inspect_all=inspect_all, show_drafts=show_drafts, progress=progress,
                            show_scheduled=preview is not None and preview.protected)
    cache.save()
    problems = [p for item in on_day for p in item.entry.problems]
    return Site(config, day, tuple(on_day), preview), problems


def render_with_index(site: Site, banner: str | None = None, *, cache: DocumentCache | None = None,
                      renderer: Renderer | None = None,
                      workers: int | None = None) -> tuple[list[OutputFile], search.IndexInBackground]:
    """Every output file of the site but the search index, in memory (documents as paths to copy),
    and the index, which Pagefind makes meanwhile (and while they are written: see `build`).
    The pages the index holds are made first and the index started at once: on a day a report goes
    up or comes down, Pagefind indexes its part while the other pages (listings, notices, themes)
    and files are made. The pages are in the same order either way.
    `workers` share rendering the pages (default: one per core; see `sitegen.core.parallel`)."""
    cache = cache or DocumentCache(None)
    renderer = renderer or Renderer(site, banner=banner)
    indexed = set(search.indexed_pages(site))
    first = renderer.render_all(workers=workers, select=indexed.__contains__)
    index = search.IndexInBackground(site, first, cache, site.config.prefix)
    try:
        rest = iter(renderer.render_all(workers=workers, select=lambda address: address not in indexed))
        made = iter(first)
        pages = [next(made) if address in indexed else next(rest) for address in renderer.page_jobs()]
        return [*pages, *site_files(site, renderer, pages)], index
    except BaseException:
        index.result()  # nothing of this build is left running
        raise


def output_problems(site: Site, cache: DocumentCache, memo: Memo | None = None) -> list[Problem]:
    """What goes wrong making the site's output (for `sitegen check`, which otherwise never renders):
    the template and line that failed when the theme renders every page and file, or why the search
    index could not be made. Nothing is written into the site (the search index's parts are cached)."""
    try:
        renderer = Renderer(site, env=make_environment(site.config.root), memo=memo)
        pages = renderer.render_all()
        files = pages + site_files(site, renderer, pages)
    except Exception as exc:  # noqa: BLE001 - a template's fault is a problem; any other is raised again
        problem = template_failure(exc, site.config.root)
        if problem is None:
            raise
        return [problem]
    return (links.link_problems(site, links.addresses_of([f.path for f in files])) + admin.admin_files(site.config).problems
            + search.build_index(site, pages, cache, site.config.prefix).problems)


def site_files(site: Site, renderer: Renderer, pages: list[OutputFile]) -> list[OutputFile]:
    """Everything but the pages and the search index: downloads, assets, feed, sitemap, Netlify's files
    and the build marker (`sitegen.output.deployment`)."""
    return [file for part in site_file_parts(site, renderer, pages).values() for file in part]


def site_file_parts(site: Site, renderer: Renderer, pages: list[OutputFile],
                    kept: dict[str, list[OutputFile]] | None = None) -> dict[str, list[OutputFile]]:
    """`site_files`, by part. A preview's renderer has `fragments`, which keep each entry's fragment of them
    from one update to the next, and the preview passes the parts it knows are as they were (`kept`)."""
    fragments = renderer.fragments
    makers = {
        "downloads": lambda: outputs.downloads(site, fragments),
        "assets": lambda: outputs.assets(site),
        "feed": lambda: [outputs.feed(site, fragments)],
        "json-feed": lambda: [opendata.json_feed(site)],
        "open-data": lambda: opendata.register_files(site),
        "sitemap": lambda: [outputs.sitemap(site, outputs.public_pages(site, pages), fragments)],
        "robots": lambda: [outputs.robots(site)],
        "headers": lambda: [netlify.headers(site, fragments)],
        "redirects": lambda: [netlify.redirects(site, fragments)],
        "gone": lambda: [netlify.gone_page(renderer)],
        "marker": lambda: [deployment.marker_file(site)],
        "admin": lambda: admin.admin_files(site.config, local=admin.LOCAL_BACKEND_PORT if renderer.banner is not None else None).files,
    }
    kept = kept or {}
    return {name: kept[name] if name in kept else make() for name, make in makers.items()}


# For the parts made from the entries: all of one entry that the part uses, as a value to compare.
# When an edit leaves every edited entry's share of a part as it was (and, for the sitemap, the pages'
# addresses too), the part is as it was. The other parts come from the settings and the theme only.
SHARES: dict[str, Callable[[Site, EntryOnDay], object]] = {
    "downloads": outputs.downloads_share,
    "feed": outputs.feed_share,
    "json-feed": opendata.feed_share,
    "open-data": opendata.register_share,
    "sitemap": outputs.sitemap_share,
    "headers": netlify.headers_share,
    "redirects": netlify.redirects_share,
}
FROM_SETTINGS = ("assets", "robots", "gone", "admin")


def build(site: Path | LoadedConfig, day: date, output: Path | None = None, *, use_cache: bool = True,
          write: bool = True, banner: str | None = None, show_drafts: bool = False,
          env: jinja2.Environment | None = None, fragments: EntryFragments | None = None,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None,
          deploy_preview: bool = False, also_told: Callable[[Site], list[Problem]] | None = None) -> BuildResult:
    """Build the site (a folder, or its loaded settings) as it stands on `day` into `output` (default build/).

    `banner` marks every page as a preview. `show_drafts` shows drafts as if they
    were not drafts; it is refused unless this is a preview (a banner) written
    somewhere other than the site's build/ folder. A preview also passes the template
    environment and the fragments it keeps for its updates (see `sitegen.rendering.entry_fragments`).
    `workers` is how many processes share reading entries and rendering pages on a large
    site (default: one per core); the output is the same bytes whatever it is. `progress` is
    told how many of the documents read for the first time have been read (the command line
    says so when there are many).

    `deploy_preview`: Netlify's deploy preview of a pull request (`sitegen build --deploy-preview`;
    what it shows: `site.DeployPreview`). It is built whole, but nothing of it is ever kept as the
    last good output or reused by a production build: no take-down record, no file store, no
    previous output, no settings kept; a take-down build refuses an output folder a preview wrote
    (`takedown.last_good_files`). The document cache it shares is filed by content, and hands back
    only what a build asks for by its digest. `also_told`: what else `sitegen check` says of the
    site (the command's own checks), for the preview's page of problems.
    """
    whole = use_cache and banner is None  # a whole build, not a preview (`sitegen serve`)
    loaded = site if isinstance(site, LoadedConfig) else load_config(Path(site), stand_in=whole)
    result = BuildResult(problems=list(loaded.problems))
    if loaded.config is None:
        result.failed = True
        return result
    config = loaded.config
    default_output = config.root / "build"
    if show_drafts and (not banner or output is None or Path(output).absolute().resolve() == default_output.absolute().resolve()):
        result.problems.append(error(str(output or default_output), "drafts are only ever shown in a preview, never in the site's build folder.",
                                     "Use `sitegen serve --drafts` to preview drafts."))
        result.failed = True
        return result
    output = Path(output) if output is not None else default_output
    refusal = unsafe_output(config, output)
    if refusal:
        result.problems.append(refusal)
        result.failed = True
        return result
    try:
        return _build(loaded, config, day, output, result, whole, use_cache=use_cache, write=write, banner=banner,
                      show_drafts=show_drafts, env=env, fragments=fragments, workers=workers, progress=progress,
                      deploy_preview=deploy_preview, also_told=also_told)
    except Exception as exc:  # noqa: BLE001 - a fault no one foresaw: the expired reports must still come down
        if banner is not None or not write:  # a preview, `check`: nothing is published, so nothing to take down
            raise
        if deploy_preview:  # never the production site's last good output on a preview's address
            return _preview_failed(config, result, exc)
        return _take_down_only(config, day, output, result, exc)


def _build(loaded: LoadedConfig, config: SiteConfig, day: date, output: Path, result: BuildResult, whole: bool, *,
           use_cache: bool, write: bool, banner: str | None, show_drafts: bool, env: jinja2.Environment | None,
           fragments: EntryFragments | None, workers: int | None, progress: Callable[[int, int], None] | None,
           deploy_preview: bool = False, also_told: Callable[[Site], list[Problem]] | None = None) -> BuildResult:
    """`build`, once the settings and the output folder are known to be usable."""
    LEDGER.take()  # what an earlier build in this process (a preview's) recorded is told by it
    production = whole and not deploy_preview  # the only build whose output is kept as the last good one
    cache = DocumentCache(config.cache_dir if use_cache else None)
    memo = memo_of(config, use_cache)
    preview = DeployPreview(protected=config.deploy_previews.protected) if deploy_preview else None
    site, problems = assemble(config, day, cache, inspect_all=deploy_preview, show_drafts=show_drafts, workers=workers,
                              progress=progress, memo=memo, preview=preview)
    result.site = site
    result.problems += problems
    kept_pages = (Memo(config.cache_dir / PAGES), config.cache_dir / FILE_STORE) if production and use_cache else None
    compiled = config.cache_dir / TEMPLATES if use_cache else None
    theme = env or make_environment(config.root, compiled)
    while True:
        try:
            renderer = Renderer(site, banner=banner, env=theme, fragments=fragments, memo=memo, keep_pages=kept_pages)
            files, index = render_with_index(site, banner=banner, cache=cache, renderer=renderer, workers=workers)
            break
        except Exception as exc:  # noqa: BLE001 - a template's fault is a problem; any other is raised again
            problem = template_failure(exc, config.root)
            if problem is None:
                raise
            result.problems.append(problem)
        # A whole build must not stop for the site's own theme: the nightly build is what takes
        # reports down on their day. It is built again with sitegen's default theme alone (once:
        # `has_own_theme` is false then).
        if not (whole and env is None and has_own_theme(config)):
            result.failed = True
            return result
        config = replace(config, own_theme=False)
        site = result.site = replace(site, config=config)
        theme = make_environment(config.root, compiled, own_theme=False)
        result.problems.append(error(
            "themes/", f"because of the error in {problem.file}, this build used sitegen's default theme instead of "
            "your own, so that reports still go up and come down on their day.",
            "Fix that template and build again (preview it first with sitegen serve)."))
    if config.own_theme:
        result.problems += old_names_in_theme(config.root, theme)
    result.problems += links.link_problems(site, links.addresses_of([file.path for file in files]))
    result.problems += admin.admin_files(config, local=admin.LOCAL_BACKEND_PORT if banner is not None else None).problems
    if preview is not None:  # after everything else, so that it lists every problem; never in the sitemap or index
        result.problems += also_told(site) if also_told is not None else []
        files.append(problems_page(renderer, result.problems))
    if not write:
        result.files = files + index.result().collect(result.problems)
        return result
    store = FileStore.beside(config.cache_dir / FILE_STORE, output) if production else None
    stored: dict[str, str] = {}
    try:
        # The search index is written last, each part as Pagefind makes it while the rest is written.
        stored = outputs.write_site(files, output, previous_output=previous_output_folder(config, output) if use_cache and not deploy_preview else None,
                                    store=store, later=outputs.LaterFiles(search.BUNDLE, lambda: index.result().files, index.ready))
    except outputs.OutputRefused as exc:
        result.problems.append(error(str(output), str(exc), "Choose an empty folder with --output, or delete this one yourself if you are sure."))
        result.failed = True
    except OSError as exc:
        result.problems.append(error(str(output), f"the site could not be written ({exc.strerror or exc}).",
                                     "Check there is free disk space and that you may write there. The previous output was left as it was."))
        result.failed = True
    finally:
        result.files = files + index.result().collect(result.problems)  # waits for it, if writing failed first
    if production and not result.failed:
        tidy_cache(config, cache, store)
        memo.save()
        if kept_pages is not None:
            kept_pages[0].save()
        keep_settings(loaded)
        takedown.record_last_good(config.cache_dir, result.files, stored, store.folder if store is not None else None,
                                  {OUTPUT_MARKER: outputs.MARKER_TEXT}, config.base_url, checked=cache.copies.checked)
    result.problems += cache_problems(config, LEDGER.take())
    return result


def _preview_failed(config: SiteConfig, result: BuildResult, exc: Exception) -> BuildResult:
    """A deploy preview that failed for a reason no one foresaw: nothing is written (Netlify then
    shows the preview failed), and the fault's details go to FAILURE in the cache."""
    result.site = None
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        (config.cache_dir / FAILURE).write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    except OSError:
        pass
    result.problems.append(error("sitegen", f"the deploy preview could not be built ({type(exc).__name__}), so nothing was written.",
                                 f"This is a fault in sitegen, not in your content: report it with the details in .sitegen-cache/{FAILURE}. "
                                 "The production site is not affected."))
    result.failed = True
    return result


def _take_down_only(config: SiteConfig, day: date, output: Path, result: BuildResult, exc: Exception) -> BuildResult:
    """After a fault no one foresaw: the last good output again, with what has come down today
    taken down (`sitegen.output.takedown`), loudly. The fault's details go to FAILURE in the cache."""
    result.site = None
    detail = "".join(traceback.format_exception(exc))
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        (config.cache_dir / FAILURE).write_text(detail, encoding="utf-8")
    except OSError:
        pass
    fault = f"the build failed ({type(exc).__name__}: {str(exc)[:200] or 'no message'})"
    advice = (f"This is a fault in sitegen, not in your content: report it with the details in .sitegen-cache/{FAILURE}. "
              "The next build that succeeds puts everything right.")
    files = takedown.last_good_files(output, config.cache_dir, config.base_url, day)
    if files is None:
        result.problems.append(error("sitegen", f"{fault}, and no earlier output of this site built for this day or "
                                     "before could be found to take reports down from, so nothing was published.", advice))
        result.failed = True
        return result
    down = takedown.take_down_only(files, day, config.timezone)
    try:
        outputs.write_site([OutputFile(path, data=data) for path, data in down.files.items() if path != OUTPUT_MARKER], output)
    except (OSError, outputs.OutputRefused) as written:
        result.problems.append(error("sitegen", f"{fault}, and the reports due to come down could not be taken down "
                                     f"either ({written}), so the previous output was left as it was.", advice))
        result.failed = True
        return result
    result.took_down_only = down
    result.problems.append(error(
        "sitegen", f"{fault}. So that reports still come down on their day, the site built for {down.built_for} was "
        f"published again with {len(down.removed)} address{'es' if len(down.removed) != 1 else ''} whose window has ended "
        "taken down (they answer 410 Gone) and without its search index; nothing new went up.", advice))
    return result


def cache_problems(config: SiteConfig, ledger: Ledger) -> list[Problem]:
    """What the build tells of its cache: one warning when something could not be kept (this
    build's output is whole and right, but every later build would do the same work again until
    it is mended), and a note (`--verbose`) of the kept files found damaged and made again."""
    where = _shown(config, config.cache_dir)
    found = []
    if ledger.not_kept:
        reasons = sorted({reason for _, reason in ledger.not_kept})
        count = len({path for path, _ in ledger.not_kept})
        found.append(warning(where, f"{count} file{'s' if count != 1 else ''} of the cache could not be kept "
                             f"({'; '.join(reasons)}). This build is complete and right; the next one makes "
                             "what is missing again, which takes longer.",
                             "Free some disk space, or check that the build may write to this folder."))
    if ledger.remade:
        names = sorted({_shown(config, Path(path)) for path in ledger.remade})
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        found.append(note(where, f"{len(names)} kept file{'s' if len(names) != 1 else ''} of the cache could not be used "
                          f"(damaged, incomplete, or kept by an older sitegen) and {'were' if len(names) != 1 else 'was'} "
                          f"made again: {listed}."))
    return found


def _shown(config: SiteConfig, path: Path) -> str:
    """A path as messages show it: relative to the site's folder when it is in it."""
    try:
        return Path(os.path.relpath(path, config.root)).as_posix()
    except ValueError:
        return str(path)


def previous_output_folder(config: SiteConfig, output: Path) -> Path:
    """Where the output replaced by this build is kept, to be made into the next one
    (see `outputs.write_site`): one place in the cache, whatever the output folder, so that
    the previews of many `sitegen serve` sessions do not each leave a copy of the site behind.
    Any output can be made from any previous output: only the files that are the same are kept."""
    return config.cache_dir / PREVIOUS_OUTPUTS / PREVIOUS_OUTPUT


PREVIOUS_OUTPUTS = "previous-output"
PREVIOUS_OUTPUT = "site"
FILE_STORE = "output-files"  # the output's files, linked into each output (see `sitegen.output.file_store`)
MEMO = "entries.memo"  # front matter and Markdown made into HTML by earlier builds (see `sitegen.core.memo`)
PAGES = "pages.memo"  # the pages of the last build of the live site, each with what it was made from (`sitegen.rendering.page_memo`)
TEMPLATES = "templates"  # the theme's templates, compiled
FAILURE = "last-failure.txt"  # the details of the last fault that made a build take reports down only


def memo_of(config: SiteConfig, use_cache: bool = True) -> Memo:
    """What earlier builds made from each entry's text (see `sitegen.core.memo`). Only a whole build
    writes it; `sitegen check`, `status` and `report` read it too."""
    return Memo(config.cache_dir / MEMO if use_cache else None)


def tidy_cache(config: SiteConfig, cache: DocumentCache, store: FileStore | None = None) -> None:
    """After a whole build: the cache forgets documents no longer in reports/ and output files this
    build did not write, and previous outputs kept by earlier versions of sitegen (one for each
    output folder, and the records of what they wrote) are removed."""
    cache.prune()
    if store is not None:
        store.keep_only_used()
    try:
        for older in (config.cache_dir / TEMPLATES).glob("__jinja2_*.cache"):  # compiled, unsealed, by an older sitegen
            older.unlink(missing_ok=True)
    except OSError:
        pass  # a folder the build may not enter or change: left as it is
    try:
        previous_outputs = list(os.scandir(config.cache_dir / PREVIOUS_OUTPUTS))
    except OSError:
        return
    for item in previous_outputs:
        if item.name != PREVIOUS_OUTPUT:
            if item.is_dir(follow_symlinks=False):
                shutil.rmtree(item.path, ignore_errors=True)
            else:
                try:
                    os.unlink(item.path)
                except OSError:
                    pass


def unsafe_output(config: SiteConfig, output: Path) -> Problem | None:
    """An output folder that would overwrite the site's own files."""
    out = output.absolute().resolve()
    root = config.root.absolute().resolve()
    for keep in (root, config.content_dir.resolve(), config.reports_dir.resolve(), config.theme_dir.resolve(), config.cache_dir.resolve()):
        if out == keep or keep in out.parents and keep != root or out in keep.parents:
            return error(str(output), "this folder holds or is part of your site's own files, so sitegen will not write its output there.",
                         "Choose another folder with --output, such as build.")
    return None


def has_own_theme(config: SiteConfig) -> bool:
    """Whether the site has theme files of its own (templates or assets)."""
    return config.own_theme and any(path.is_file() for path in config.theme_dir.rglob("*"))

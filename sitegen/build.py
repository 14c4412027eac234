"""The build, as one readable pipeline.

load config -> read entries -> decide each entry's state for the day ->
inspect documents -> render pages -> write outputs into a temporary folder ->
swap it in.

Nothing here reads the clock: the day is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import jinja2

from sitegen import outputs, search
from sitegen.config import LoadedConfig, SiteConfig, load_config
from sitegen.documents import DocumentCache, inspect
from sitegen.entries import Entry, read_entries
from sitegen.problems import Problem, Severity, error, has_errors
from sitegen.render import OutputFile, Renderer
from sitegen.site import Download, Placed, Site
from sitegen.visibility import State, decide


@dataclass
class BuildResult:
    site: Site | None = None
    problems: list[Problem] = field(default_factory=list)
    files: list[OutputFile] = field(default_factory=list)
    failed: bool = False  # nothing was written: the previous output stands

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def count(self, state: State) -> int:
        return len(self.site.in_state(state)) if self.site else 0


def place_entries(config: SiteConfig, entries: list[Entry], day: date, cache: DocumentCache,
                  inspect_all: bool = False) -> list[Placed]:
    """Decide each entry's state and inspect the documents that will be published.

    Documents are inspected for live entries (they are copied) and scheduled ones
    (so errors show before publication day); `inspect_all` also covers drafts
    and expired entries, for `sitegen check`.
    """
    placed = []
    for entry in entries:
        published = day if entry.is_page else entry.published
        state = decide(day, published, entry.hidden_from, draft=entry.draft,
                       has_errors=has_errors(p for p in entry.problems if not _about_documents(p)))
        if state is State.EXPIRED:
            # An expired entry's documents are never published, so a PDF since
            # removed from reports/ is no reason to withhold its notice page.
            entry = replace(entry, problems=tuple(p for p in entry.problems if not _about_documents(p)))
        elif entry.has_errors and state is not State.DRAFT:
            state = State.WITHHELD
        downloads: list[Download] = []
        if state in (State.LIVE, State.SCHEDULED) or inspect_all and entry.type is not None and state is not State.EXPIRED:
            problems = []
            for ref in entry.documents:
                if ref.path is None:
                    continue
                info = inspect(ref.path, cache)
                if not info.ok:
                    problems.append(error(entry.source, f"documents: {ref.file} {info.problem}", info.advice or "",
                                          line=ref.line, field="documents.file"))
                downloads.append(Download(ref, info, entry.document_url(ref)))
            if problems:
                entry = entry.with_problems(*problems)
                if state in (State.LIVE, State.SCHEDULED):
                    state = State.WITHHELD
        if state is State.DRAFT:
            # A draft is work in progress: its problems are reported, but do not fail `check`.
            entry = replace(entry, problems=tuple(p.as_warning() for p in entry.problems))
        placed.append(Placed(entry, state, tuple(downloads) if state is State.LIVE else ()))
    return placed


def _about_documents(problem: Problem) -> bool:
    return (problem.field or "").startswith("documents")


def assemble(config: SiteConfig, day: date, cache: DocumentCache, inspect_all: bool = False) -> tuple[Site, list[Problem]]:
    """Everything up to rendering: the site as it stands on `day`, with all problems."""
    entries = read_entries(config)
    placed = place_entries(config, entries, day, cache, inspect_all=inspect_all)
    problems = [p for item in placed for p in item.entry.problems]
    return Site(config, day, tuple(placed)), problems


def render_site(site: Site, banner: str | None = None, *, cache: DocumentCache | None = None,
                problems: list[Problem] | None = None) -> list[OutputFile]:
    """Every output file of the site, in memory (documents as paths to copy).

    A step that can fall short without stopping the build (search) adds its warning to `problems`.
    """
    cache = cache or DocumentCache(None)
    problems = problems if problems is not None else []
    pages = Renderer(site, banner=banner).render_all()
    files = [*pages, *outputs.downloads(site), *outputs.assets(site)]
    files.append(outputs.feed(site))
    files.append(outputs.sitemap(site, outputs.public_pages(site, pages)))
    files.append(outputs.robots(site))
    files += search.build_index(site, pages, cache, site.config.prefix).collect(problems)
    return files


def build(site: Path | LoadedConfig, day: date, output: Path | None = None, *, use_cache: bool = True,
          write: bool = True, banner: str | None = None) -> BuildResult:
    """Build the site (a folder, or its loaded settings) as it stands on `day` into `output` (default build/)."""
    loaded = site if isinstance(site, LoadedConfig) else load_config(Path(site))
    result = BuildResult(problems=list(loaded.problems))
    if loaded.config is None:
        result.failed = True
        return result
    config = loaded.config
    output = Path(output) if output is not None else config.root / "build"
    refusal = unsafe_output(config, output)
    if refusal:
        result.problems.append(refusal)
        result.failed = True
        return result
    cache = DocumentCache(config.cache_dir if use_cache else None)
    site, problems = assemble(config, day, cache)
    result.site = site
    result.problems += problems
    try:
        result.files = render_site(site, banner=banner, cache=cache, problems=result.problems)
    except jinja2.TemplateError as exc:
        result.problems.append(template_problem(exc, config))
        result.failed = True
        return result
    if write:
        try:
            outputs.write_site(result.files, output)
        except outputs.OutputRefused as exc:
            result.problems.append(error(str(output), str(exc), "Choose an empty folder with --output, or delete this one yourself if you are sure."))
            result.failed = True
        except OSError as exc:
            result.problems.append(error(str(output), f"the site could not be written ({exc.strerror or exc}).", "Check there is free disk space and that you may write there. The previous output was left as it was."))
            result.failed = True
    return result


def unsafe_output(config: SiteConfig, output: Path) -> Problem | None:
    """An output folder that would overwrite the site's own files."""
    out = output.absolute().resolve()
    root = config.root.absolute().resolve()
    for keep in (root, config.content_dir.resolve(), config.reports_dir.resolve(), config.theme_dir.resolve()):
        if out == keep or keep in out.parents and keep != root or out in keep.parents:
            return error(str(output), "this folder holds or is part of your site's own files, so sitegen will not write its output there.",
                         "Choose another folder with --output, such as build.")
    return None


def template_problem(exc: jinja2.TemplateError, config: SiteConfig) -> Problem:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "theme"
    line = getattr(exc, "lineno", None)
    return Problem(str(name), line, None, f"the theme could not be used: {exc.message or exc}.",
                   "Check this template; or remove it from your themes/ folder to use the default one.", Severity.ERROR)

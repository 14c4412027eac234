"""Render pages with the theme: Jinja2 templates from the site's `themes/`
folder first, then sitegen's default theme, file by file.
"""

from __future__ import annotations

import operator
import os
import re
from functools import partial
from typing import Callable, Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup

from sitegen import PACKAGE_FOLDER
from sitegen.rules.addresses import (ACCESSIBILITY, HOME, NOT_FOUND, PREVIEW_PROBLEMS, SEARCH, THEMES, OutputFile,
                                     listing_address, output_file)
from sitegen.rules.dates import uk_date
from sitegen.core.cachefile import read_sealed, write_sealed
from sitegen.rendering.markup import Section, split_sections, to_html
from sitegen.core.memo import Memo
from sitegen.core.parallel import fork_map
from sitegen.rendering.entry_fragments import EntryFragments
from sitegen.core.problems import Problem, Severity, warning
from sitegen.rendering.site import Download, EntryOnDay, Site
from sitegen.rendering.structured import dataset_data, notice_data, report_data, script
from sitegen.rendering.links import hidden_addresses, unlink
from sitegen.rendering.page_memo import PageMemo, SiteReads
from sitegen.rules.visibility import State


BRIEFING_PANELS = 7  # a 7-minute briefing with exactly this many `##` sections is shown as panels


def _unnumbered(heading: str, number: int) -> str:
    """'3. Information' -> 'Information' when 3 is the panel's own number (the theme shows it)."""
    match = re.match(r"\s*(\d+)\s*[.):]\s*(.+)", heading)
    return match.group(2) if match and int(match.group(1)) == number else heading


def default_theme_dir() -> Path:
    """sitegen's default theme, inside the package (a checkout and an install alike)."""
    return PACKAGE_FOLDER / "themes" / "default"


def own_templates(config) -> bool:
    """Whether the site has templates of its own (themes/templates/), which the build uses."""
    folder = config.root / "themes" / "templates"
    return config.own_theme and folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def theme_dirs(site_root: Path, own: bool = True) -> list[Path]:
    """Where to look for a theme file, first match wins. `own=False`: sitegen's default theme only."""
    return [site_root / "themes", default_theme_dir()] if own else [default_theme_dir()]


# Names that pages once gave templates under another name: each old name (still given, as well as
# the new one), the new name, and the release of sitegen that stops giving the old one (the README's
# "Your own look: themes/" says the same). A site's own copy of a template made before the rename
# may still use the old name: `old_names_in_theme` warns its author in time.
RENAMED = {"placed": ("entry_on_day", "0.2.0")}


def old_names_in_theme(site_root: Path, env: jinja2.Environment) -> list[Problem]:
    """A warning for each use, in the site's own templates (themes/templates/), of an old name in
    RENAMED: the file, the line, the new name and the release from which the old one fails the
    template. A template that cannot be read or parsed is left to the build, which tells that."""
    folder = site_root / "themes" / "templates"
    found = []
    for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
        try:
            tree = env.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
            continue
        names = list(tree.find_all(jinja2.nodes.Name))
        own = {name.name for name in names if name.ctx != "load"}  # set in the template itself: not the page's
        for name in names:
            if name.ctx == "load" and name.name in RENAMED and name.name not in own:
                new, release = RENAMED[name.name]
                found.append(warning(
                    path.relative_to(site_root).as_posix(),
                    f"`{name.name}` is the old name of `{new}`: sitegen gives templates the old name only until version "
                    f"{release}, from which this template will fail and the build will use the default theme.",
                    f"Change `{name.name}` to `{new}` in this template.", line=name.lineno))
    return found


def template_failure(exc: BaseException, site_root: Path) -> Problem | None:
    """The template and line at which rendering failed, as a problem; None when `exc` did not
    come from a template (a fault in sitegen itself, left to show as one).

    Jinja2 gives a syntax error its file and line, and rewrites the traceback of an error
    raised while a template runs (an undefined name, `1 + 'a'`) so that its frames name the
    template's file and line: the innermost such frame is where the template went wrong.
    """
    root = Path(os.path.abspath(site_root))
    folders = [Path(os.path.abspath(folder / "templates")) for folder in theme_dirs(site_root)]

    def template_file(name: str | None) -> Path | None:
        path = Path(os.path.abspath(name)) if name else None
        return path if path is not None and any(folder in path.parents for folder in folders) else None

    file = line = None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = template_file(exc.filename), exc.lineno
    tb = exc.__traceback__ if file is None else None
    while tb is not None:
        found = template_file(tb.tb_frame.f_code.co_filename)
        if found is not None:  # the innermost such frame wins
            file, line = found, tb.tb_lineno
        tb = tb.tb_next
    if file is None and not isinstance(exc, jinja2.TemplateError):
        return None
    own = file is not None and folders[0] in file.parents
    if file is None:
        where = "theme"
    elif own:
        where = file.relative_to(root).as_posix()
    else:
        where = f"sitegen's default theme: {file.relative_to(folders[-1].parent).as_posix()}"
    if isinstance(exc, jinja2.TemplatesNotFound):
        reason = f"none of the templates {', '.join(map(str, exc.templates))} exists"
    elif isinstance(exc, jinja2.TemplateNotFound):
        reason = f"there is no template called {exc.name}"
    elif isinstance(exc, jinja2.TemplateError) and exc.message:
        reason = exc.message
    else:
        reason = f"{type(exc).__name__}: {exc}"
    advice = ("Check this template; or remove it from your themes/ folder to use the default one." if own or file is None
              else "This is a fault in sitegen or in what your own templates give it: report it, with this message.")
    return Problem(where, line, None, f"the theme could not be used: {reason}.", advice, Severity.ERROR)


def _plain_sections(split: tuple[str, list[Section]]) -> tuple[str, list[tuple[str, str]]]:
    intro, sections = split
    return intro, [(s.heading, s.html) for s in sections]


class _Deferred:
    """HTML made when a template first uses it. `made_from`: all it is made from, which is what
    a page kept from one build to the next compares of it (`sitegen.rendering.page_memo`)."""

    def __init__(self, make: Callable[[], str], made_from: object):
        self._make, self._html, self._made_from = make, None, made_from

    def __reduce__(self):
        return _Deferred, (None, self._made_from)

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._make()
        return self._html

    __str__ = __html__


class _TemplateCache(jinja2.BytecodeCache):
    """Jinja2's compiled templates kept between builds (compiling the theme took 0.07 s of a
    100-entry build: see docs/performance.md). Compiled code is run, so none is loaded unchecked:
    each is kept sealed under its template's key (`sitegen.core.cachefile`), and one that is damaged,
    cut short or another template's is compiled again, never run. Jinja2 then checks it against
    its template's source, as always."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = read_sealed(self._file(bucket))
        if found is None:
            return
        try:
            bucket.bytecode_from_string(found)
        except Exception:  # noqa: BLE001 - sealed by this cache, so only another Python's: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_sealed(self._file(bucket), bucket.bytecode_to_string())  # one not kept is compiled again

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.sealed"


def make_environment(site_root: Path, compiled: Path | None = None, own_theme: bool = True) -> jinja2.Environment:
    """The theme's templates. `compiled`: a folder in which to keep them compiled between builds.
    `own_theme=False`: sitegen's default templates only, without the site's own."""
    loaders = [jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root, own_theme)]
    bytecode = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            bytecode = _TemplateCache(compiled)
        except OSError:
            pass
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; a preview makes a new environment when they do
    )
    env.filters["ukdate"] = uk_date
    env.filters["markdown"] = lambda text: jinja2.filters.Markup(to_html(text))
    env.filters["code_spans"] = code_spans
    env.globals["default_card"] = default_card
    return env


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
PREVIEW_MARK = "preview-banner"  # the class of a preview's banner, in sitegen's theme and any other
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)


def code_spans(text: str) -> Markup:
    """A problem's message as a page shows it: escaped, with each name or value the message quotes
    between backticks (`draft: true`, as the terminal shows it) in a <code> element, backticks gone."""
    return Markup(_CODE_SPAN.sub(lambda found: f"<code>{found.group(1)}</code>", str(Markup.escape(text))))


class DefaultCard:
    """The card macro of sitegen's default theme, which shows only the entry it is given and the
    site's settings: so `Renderer.cards` makes each entry's card once and keeps it."""

    def __init__(self, macro: Callable[..., Markup], template: str):
        self.macro = macro
        self.template = template  # the name of the template that defines it

    def __call__(self, *args, **kwargs) -> Markup:
        return self.macro(*args, **kwargs)


@jinja2.pass_context
def default_card(context: jinja2.runtime.Context, macro: Callable[..., Markup]) -> Callable[..., Markup]:
    """`{% set card = default_card(card) %}` in the default theme's card template: its macro as a
    `DefaultCard`. In a copy of that template in a site's own theme, the macro as it is (a site's
    own card may show anything, such as the page it is on, so it is made for every page)."""
    return DefaultCard(macro, context.name) if _is_default_template(context.environment, context.name) else macro


def _is_default_template(env: jinja2.Environment, name: str) -> bool:
    """Whether the template `name` is sitegen's default theme's own file (not one of the site's)."""
    filename = env.get_template(name).filename  # the loader's choice: the site's own file comes first
    return filename is not None and os.path.normpath(filename) == os.path.normpath(default_theme_dir() / "templates" / name)


def theme_assets(site_root: Path, own: bool = True) -> dict[str, Path]:
    """Asset files by their path under assets/, the site's own winning (`own=False`: the default theme's only)."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(site_root, own)):
        assets = folder / "assets"
        if not assets.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(assets):
            dirnames.sort()
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                found[path.relative_to(assets).as_posix()] = path
    return found


# The pages that list or count every live entry, so show something of each.
LIST_EVERY_ENTRY = (HOME, THEMES, SEARCH)


def rendition_pages(entry_on_day: EntryOnDay) -> list[tuple[str, Download]]:
    """The web pages made from an entry's Word originals, by address, each with its document."""
    return [(download.page_url, download) for download in entry_on_day.downloads if download.rendition is not None]


def own_pages(entry_on_day: EntryOnDay) -> list[str]:
    """The pages made from an entry alone: its own page (or its notice), then its documents' web pages."""
    return [entry_on_day.entry.url] + [address for address, _ in rendition_pages(entry_on_day)]


def pages_showing(site: Site, entry_on_day: EntryOnDay) -> set[str]:
    """Every page of `site` that shows something of an entry: its own pages, its type's listing,
    its themes' pages, the pages of the entries related to it, and the pages that list every entry.
    What `Renderer` makes of the entry, and what a preview makes again when it changes
    (`sitegen.preview.incremental`)."""
    entry = entry_on_day.entry
    return {*LIST_EVERY_ENTRY, *own_pages(entry_on_day), listing_address(entry.type),
            *(site.theme_url(name) for name in entry.themes), *(other.entry.url for other in site.related(entry_on_day))}


class Renderer:
    def __init__(self, site: Site, *, banner: str | None = None, env: jinja2.Environment | None = None,
                 fragments: EntryFragments | None = None, memo: Memo | None = None,
                 keep_pages: tuple[Memo, Path] | None = None):
        self.site = site
        self.memo = memo  # Markdown made into HTML by earlier builds (see `sitegen.core.memo`)
        self.env = env or make_environment(site.config.root)  # a preview reuses its compiled templates
        self.prefix = site.config.prefix
        self.banner = banner
        self.fragments = fragments  # a preview's: cards kept from one update to the next
        self._cards = fragments if fragments is not None else EntryFragments()  # a whole build's: for its own pages
        self._hidden = hidden_addresses(site)  # links to these are not made (see `sitegen.rendering.links`)
        shown = dict(config=site.config, State=State, banner=banner, logo_url=self.logo_url(),
                     deploy_preview=site.preview, preview_problems_url=self.url(PREVIEW_PROBLEMS))  # a deploy preview's banner and notes
        # `keep_pages`: where a build of the live site keeps the records of its pages and their files (the file store),
        # to give them again in the next build (`sitegen.rendering.page_memo`); only with sitegen's own templates,
        # whose every question of the site it sees
        self.pages = PageMemo(keep_pages[0], keep_pages[1], site, self.env, shown) \
            if keep_pages is not None and memo is not None and fragments is None and not own_templates(site.config) else None
        if self.pages is not None and not self.pages.usable:
            self.pages = None
        self.env.globals.update(site=site if self.pages is None else SiteReads(site, self.pages),
                                as_of=site.as_of, url=self.url, abs_url=self.abs_url, cards=self.cards, **shown)  # the day: `PageMemo.reads_day`

    def cards(self, card, items, *args) -> list[Markup]:
        """`card(item, *args)` for each item: how the theme lists entries.

        The cards that sitegen's own card macro made (a `DefaultCard`) are kept, each by the entry
        it was made from (an `EntryOnDay`, which an edit replaces): that macro shows only the entry and
        the site's settings. A whole build makes each entry's card once for the home page, its
        listing and its themes' pages; a preview keeps them from one update to the next. A card
        macro of the site's own theme is always called.
        """
        if not isinstance(card, DefaultCard):
            return [card(item, *args) for item in items]
        if self.pages is not None:  # each card's questions of the site go in the record of every page showing it
            return self.pages.cards(self._cards, ("card", card.template, *args), items, lambda item: card(item, *args))
        return self._cards.get_all(("card", card.template, *args), items, lambda item: card(item, *args))

    def url(self, path: str) -> str:
        return self.prefix + path

    def abs_url(self, path: str) -> str:
        return self.site.config.base_url + path

    def logo_url(self) -> str | None:
        logo = self.site.config.logo
        return self.url("/assets/" + Path(logo).name) if logo else None

    def page(self, template: str, path: str, **context) -> OutputFile:
        """Render a template into `path` (a site path such as /sar/ or /404.html)."""
        if self.pages is not None:  # never a preview's (`PageMemo` is only a live build's)
            return self.pages.page(template, path, context, lambda: self.env.get_template(template).render(page_path=path, **context))
        html = self.env.get_template(template).render(page_path=path, **context)
        if self.banner or self.site.preview is not None:
            html = self._marked(html, path, context)
        return OutputFile(output_file(path), html.encode("utf-8"))

    def _marked(self, html: str, path: str, context: dict) -> str:
        """A preview's page with its banner, and a deploy preview's note, at the top of its body
        where the theme did not show them (a site's own base.html that leaves them out): a preview,
        which may show reports before their day, must never pass for the public site. A theme that
        shows them itself marks them with the class `PREVIEW_MARK`, as sitegen's own does."""
        if f'class="{PREVIEW_MARK}"' in html:
            return html
        shown = ""
        if self.banner:
            shown += f'<div class="{PREVIEW_MARK}" role="note"><div class="wrap">{Markup.escape(self.banner)}</div></div>\n'
        if self.site.preview is not None:
            shown += self.env.get_template("partials/deploy_preview.html").render(page_path=path, **context)
        found = _BODY.search(html) or _HEAD_END.search(html) or _DOCTYPE.match(html)  # where the body starts, said or not
        at = found.end() if found is not None else 0
        return html[:at] + "\n" + shown + html[at:]

    def html(self, text: str) -> str:
        """Markdown to HTML (`markup.to_html`), through the memo when there is one."""
        return to_html(text) if self.memo is None else self.memo.get("html", text, to_html)

    def sections(self, text: str) -> tuple[str, list[Section]]:
        """`markup.split_sections`, through the memo when there is one."""
        if self.memo is None:
            return split_sections(text)
        intro, sections = self.memo.get("sections", text, lambda t: _plain_sections(split_sections(t)))
        return intro, [Section(heading, html) for heading, html in sections]

    def unlinked(self, html: str, page: str) -> str:
        """A body's HTML on the page at `page`, without its links to entries not published today
        (their text is kept: see `sitegen.rendering.links`)."""
        return unlink(html, self.site.config, page, self._hidden)

    def entry_context(self, entry_on_day: EntryOnDay) -> dict:
        entry = entry_on_day.entry
        panels, intro = [], None
        if entry.type == "briefing":  # only a briefing can be shown as panels
            intro, sections = self.sections(entry.body)
            intro = self.unlinked(intro, entry.url)
            if len(sections) == BRIEFING_PANELS:
                panels = [(_unnumbered(s.heading, n), jinja2.filters.Markup(self.unlinked(s.html, entry.url)))
                          for n, s in enumerate(sections, 1)]
        body_html = jinja2.filters.Markup(self.unlinked(self.html(entry.body), entry.url))
        return {
            "entry_on_day": entry_on_day,
            "placed": entry_on_day,  # its old name, given until 0.2.0 (RENAMED)
            "entry": entry,
            "rtype": self.site.type_of(entry),
            "body_html": body_html,
            # the body before its first `##` heading, made only if a template asks for it
            # (which links it keeps depends on which entries are hidden; the whole body's HTML shows that too)
            "intro_html": jinja2.filters.Markup(intro) if intro is not None else _Deferred(
                lambda: self.unlinked(self.sections(entry.body)[0], entry.url), made_from=("intro", entry.body, entry.url, body_html)),
            "panels": panels,  # a 7-minute briefing's seven numbered parts, or none
            "related": self.site.related(entry_on_day),
            "library": self.site.library_for(entry),
            # schema.org JSON-LD (`sitegen.rendering.structured`): a review's page only, never a static page's
            "structured_data": None if entry.is_page else script(report_data(self.site, entry_on_day)),
        }

    def page_jobs(self, select: Callable[[str], bool] | None = None) -> dict[str, Callable[[], OutputFile] | None]:
        """Every page of the site by its address, each rendered only when called. With `select`,
        only the pages at the addresses it is true for get a job, the others None (a preview renders
        only the pages an edit touches, but needs to know every address)."""
        jobs: dict[str, Callable[[], OutputFile] | None] = {}
        for path, make, what in self._pages():  # a later page at the same address wins (keeping the first one's place)
            jobs[path] = partial(make, what) if select is None or select(path) else None
        return jobs

    def _pages(self) -> Iterator[tuple[str, Callable[[object], OutputFile], object]]:
        """(address, what makes the page, what it is made from) of every page, in order."""
        site = self.site
        if self.banner:  # a preview: an entry with errors shows them where its page would be (any page there wins)
            for entry_on_day in site.in_state(State.WITHHELD):
                address = entry_on_day.entry.preview_error_url
                if address is not None:
                    yield address, self._preview_error_page, entry_on_day
        yield HOME, self._home, None
        for rtype in site.types:
            yield listing_address(rtype.key), self._listing, rtype
        for entry_on_day in site.live_reviews:
            yield entry_on_day.entry.url, self._entry_page, entry_on_day
        for entry_on_day in site.pages:
            yield entry_on_day.entry.url, self._static_page, entry_on_day
        for entry_on_day in [*site.live_reviews, *site.pages]:
            for address, download in rendition_pages(entry_on_day):
                yield address, self._rendition_page, (entry_on_day, download)
        for entry_on_day in site.notices:
            yield entry_on_day.entry.url, self._notice_page, entry_on_day
        yield THEMES, self._themes_page, None
        for theme in site.themes:
            yield theme.url, self._theme_page, theme
        for path, template in ((ACCESSIBILITY, "accessibility.html"), (SEARCH, "search.html"), (NOT_FOUND, "404.html")):
            yield path, self._plain_page, (template, path)

    def _home(self, _=None) -> OutputFile:
        home = self.site.home
        home_html = jinja2.filters.Markup(self.unlinked(self.html(home.entry.body), HOME)) if home else ""
        return self.page("home.html", HOME, home=home, home_html=home_html,
                         structured_data=script(dataset_data(self.site)))  # the open register, for dataset search

    def _themes_page(self, _=None) -> OutputFile:
        return self.page("themes.html", THEMES, themes=self.site.themes)

    def _plain_page(self, which: tuple[str, str]) -> OutputFile:
        template, path = which
        return self.page(template, path)

    def _entry_page(self, entry_on_day: EntryOnDay) -> OutputFile:
        return self.page("entry.html", entry_on_day.entry.url, **self.entry_context(entry_on_day))

    def _static_page(self, entry_on_day: EntryOnDay) -> OutputFile:
        return self.page("page.html", entry_on_day.entry.url, **self.entry_context(entry_on_day))

    def _rendition_page(self, which: tuple[EntryOnDay, Download]) -> OutputFile:
        """A document's Word original as a web page (see `sitegen.documents.renditions`), under its entry."""
        entry_on_day, download = which
        body = self.unlinked(download.rendition.html_at(self.url(download.page_url)), download.page_url)
        return self.page("rendition.html", download.page_url, entry_on_day=entry_on_day, placed=entry_on_day, entry=entry_on_day.entry, download=download,
                         rendition=download.rendition, body_html=jinja2.filters.Markup(body),
                         rtype=self.site.type_of(entry_on_day.entry))

    def _notice_page(self, entry_on_day: EntryOnDay) -> OutputFile:
        entry = entry_on_day.entry
        return self.page("notice.html", entry.url, entry_on_day=entry_on_day, placed=entry_on_day, entry=entry,
                         rtype=self.site.type_of(entry), library=self.site.library_for(entry),
                         structured_data=script(notice_data(self.site, entry_on_day)))

    def _preview_error_page(self, entry_on_day: EntryOnDay) -> OutputFile:
        """What a preview shows at the address of an entry with errors: the errors and what to do.
        Never made without a banner, so never in a real build."""
        if not self.banner:
            raise RuntimeError("a page of errors is for previews only")
        errors = [p for p in entry_on_day.entry.problems if p.is_error]
        return self.page("preview_error.html", entry_on_day.entry.preview_error_url, entry=entry_on_day.entry, errors=errors)

    def _theme_page(self, theme) -> OutputFile:
        return self.page("theme.html", theme.url, theme=theme)

    def _listing(self, rtype) -> OutputFile:
        entries = self.site.live_of_type(rtype.key)
        years: dict[int, list[EntryOnDay]] = {}
        for entry_on_day in entries:
            years.setdefault(entry_on_day.entry.published.year, []).append(entry_on_day)
        return self.page("listing.html", listing_address(rtype.key), rtype=rtype, entries=entries,
                         years=sorted(years.items(), reverse=True),
                         library=self.site.config.libraries.get(rtype.library or ""))

    def render_all(self, workers: int | None = None, select: Callable[[str], bool] | None = None) -> list[OutputFile]:
        """Every page (with `select`, the pages at the addresses it is true for), in the order of
        `page_jobs`. A large site's pages are rendered by `workers` processes (default: one per
        core), except in a preview, whose renderer keeps fragments from one update to the next."""
        jobs = [job for job in self.page_jobs(select).values() if job is not None]
        if self.fragments is not None:
            return [job() for job in jobs]
        if self.memo is None:
            return fork_map(operator.call, jobs, workers=workers)
        if self.pages is not None:  # only the pages not kept from the last build are made (and shared out)
            kept = self.pages.kept_pages(jobs)
            made = iter(self._made_pages([job for job, page in zip(jobs, kept) if page is None], workers))
            return [page if page is not None else next(made) for page in kept]
        return self._made_pages(jobs, workers)

    def _made_pages(self, jobs: list[Callable[[], OutputFile]], workers: int | None) -> list[OutputFile]:
        """Each job's page, made by `workers` processes, with the Markdown each made kept in the memo."""
        memos = [memo for memo in (self.memo, self.pages.memo if self.pages is not None else None) if memo is not None]

        def render(job: Callable[[], OutputFile]) -> tuple[OutputFile, list]:
            return job(), [memo.take_new_results() for memo in memos]  # a worker's new HTML and records come back with its page

        pages = []
        for page, results in fork_map(render, jobs, workers=workers):
            pages.append(page)
            for memo, memo_results in zip(memos, results):
                memo.merge_from_worker(memo_results)
        return pages

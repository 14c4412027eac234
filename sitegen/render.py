"""Render pages with the theme: Jinja2 templates from the site's `themes/`
folder first, then sitegen's default theme, file by file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import partial
from typing import Callable
from datetime import date
from pathlib import Path

import jinja2

from sitegen.markup import split_sections, to_html
from sitegen.site import Placed, Site
from sitegen.visibility import State


@dataclass(frozen=True)
class OutputFile:
    """One file of the output: `data` to write, or a `source` file to copy."""

    path: str  # relative, forward slashes: sar/adult-a/index.html
    data: bytes | None = None
    source: Path | None = None
    link: bool = False  # `source` is sitegen's own, never changed in place (a cached copy): link it, not copy it


BRIEFING_PANELS = 7  # a 7-minute briefing with exactly this many `##` sections is shown as panels


def _unnumbered(heading: str, number: int) -> str:
    """'3. Information' -> 'Information' when 3 is the panel's own number (the theme shows it)."""
    match = re.match(r"\s*(\d+)\s*[.):]\s*(.+)", heading)
    return match.group(2) if match and int(match.group(1)) == number else heading


def default_theme_dir() -> Path:
    """The default theme, installed with the package or beside it in a checkout."""
    try:
        from importlib.resources import files

        installed = Path(str(files("sitegen.themes") / "default"))
        if (installed / "templates").is_dir():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "themes" / "default"


def theme_dirs(site_root: Path) -> list[Path]:
    """Where to look for a theme file, first match wins."""
    return [site_root / "themes", default_theme_dir()]


def uk_date(value: date | None) -> str:
    """14 March 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B} {value.year}"


class _Deferred:
    """HTML made when a template first uses it."""

    def __init__(self, make: Callable[[], str]):
        self._make, self._html = make, None

    def __html__(self) -> str:
        if self._html is None:
            self._html = self._make()
        return self._html

    __str__ = __html__


def make_environment(site_root: Path) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root)]
    env = jinja2.Environment(
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
    return env


def theme_assets(site_root: Path) -> dict[str, Path]:
    """Asset files by their path under assets/, the site's own winning."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(site_root)):
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


class Renderer:
    def __init__(self, site: Site, *, banner: str | None = None, env: jinja2.Environment | None = None):
        self.site = site
        self.env = env or make_environment(site.config.root)  # a preview reuses its compiled templates
        self.prefix = site.config.prefix
        self.banner = banner
        self.env.globals.update(
            site=site, config=site.config, as_of=site.as_of, url=self.url, abs_url=self.abs_url,
            State=State, banner=banner, logo_url=self.logo_url(),
        )

    def url(self, path: str) -> str:
        return self.prefix + path

    def abs_url(self, path: str) -> str:
        return self.site.config.base_url + path

    def logo_url(self) -> str | None:
        logo = self.site.config.logo
        return self.url("/assets/" + Path(logo).name) if logo else None

    def page(self, template: str, path: str, **context) -> OutputFile:
        """Render a template into `path` (a site path such as /sar/ or /404.html)."""
        html = self.env.get_template(template).render(page_path=path, **context)
        file = path.lstrip("/")
        if file == "" or file.endswith("/"):
            file += "index.html"
        return OutputFile(file, html.encode("utf-8"))

    def entry_context(self, placed: Placed) -> dict:
        entry = placed.entry
        panels, intro = [], None
        if entry.type == "briefing":  # only a briefing can be shown as panels
            intro, sections = split_sections(entry.body)
            if len(sections) == BRIEFING_PANELS:
                panels = [(_unnumbered(s.heading, n), jinja2.filters.Markup(s.html)) for n, s in enumerate(sections, 1)]
        return {
            "placed": placed,
            "entry": entry,
            "rtype": self.site.type_of(entry),
            "body_html": jinja2.filters.Markup(to_html(entry.body)),
            # the body before its first `##` heading, made only if a template asks for it
            "intro_html": jinja2.filters.Markup(intro) if intro is not None else _Deferred(lambda: split_sections(entry.body)[0]),
            "panels": panels,  # a 7-minute briefing's seven numbered parts, or none
            "related": self.site.related(placed),
            "library": self.site.library_for(entry),
        }

    def page_jobs(self) -> dict[str, Callable[[], OutputFile]]:
        """Every page of the site by its address, each rendered only when called."""
        site = self.site
        jobs: dict[str, Callable[[], OutputFile]] = {}
        home_html = jinja2.filters.Markup(to_html(site.home.entry.body)) if site.home else ""
        jobs["/"] = lambda: self.page("home.html", "/", home=site.home, home_html=home_html)
        for rtype in site.types:
            jobs[f"/{rtype.key}/"] = partial(self._listing, rtype)
        for placed in site.live_reviews:
            jobs[placed.entry.url] = partial(lambda p: self.page("entry.html", p.entry.url, **self.entry_context(p)), placed)
        for placed in site.pages:
            jobs[placed.entry.url] = partial(lambda p: self.page("page.html", p.entry.url, **self.entry_context(p)), placed)
        for placed in site.notices:
            jobs[placed.entry.url] = partial(
                lambda p: self.page("notice.html", p.entry.url, placed=p, entry=p.entry,
                                    rtype=site.type_of(p.entry), library=site.library_for(p.entry)), placed)
        jobs["/themes/"] = lambda: self.page("themes.html", "/themes/", themes=site.themes)
        for theme in site.themes:
            jobs[theme.url] = partial(lambda t: self.page("theme.html", t.url, theme=t), theme)
        jobs["/accessibility/"] = lambda: self.page("accessibility.html", "/accessibility/")
        jobs["/search/"] = lambda: self.page("search.html", "/search/")
        jobs["/404.html"] = lambda: self.page("404.html", "/404.html")
        return jobs

    def _listing(self, rtype) -> OutputFile:
        entries = self.site.live_of_type(rtype.key)
        years: dict[int, list[Placed]] = {}
        for placed in entries:
            years.setdefault(placed.entry.published.year, []).append(placed)
        return self.page("listing.html", f"/{rtype.key}/", rtype=rtype, entries=entries,
                         years=sorted(years.items(), reverse=True),
                         library=self.site.config.libraries.get(rtype.library or ""))

    def render_all(self) -> list[OutputFile]:
        return [job() for job in self.page_jobs().values()]

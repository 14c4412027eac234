"""Write outputs: downloads, feed, sitemap, robots.txt and theme assets,
then put the whole site in place at once.

The site is written into a temporary folder beside the output folder and
swapped in only when complete, so a failed build leaves the previous output as
it was and nothing stale survives a rebuild. A folder that is neither empty nor
an earlier sitegen output is never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from functools import lru_cache, partial
from pathlib import Path

from sitegen.colour import darken
from sitegen.render import OutputFile, theme_assets
from sitegen.pieces import Pieces, pieces_of
from sitegen.site import Placed, Site
from sitegen.visibility import start_of_day

MARKER = ".sitegen-output"
MARKER_TEXT = b"This folder is written by `sitegen build` and replaced whole on every build.\n"
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


class OutputRefused(Exception):
    """The output folder holds something sitegen did not write."""


def downloads(site: Site, pieces: Pieces | None = None) -> list[OutputFile]:
    """The documents of live entries, and only those: PDFs as their cleaned copies."""
    live = [placed for placed in site.placed if placed.state.value == "live" and placed.downloads]
    return [file for files in pieces_of(pieces, "downloads", live, _downloads_of) for file in files]


def downloads_share(site: Site, placed: Placed) -> tuple[OutputFile, ...]:
    """All of an entry that `downloads` uses (see `sitegen.build.SHARES`)."""
    return _downloads_of(placed) if placed.state.value == "live" else ()


def _downloads_of(placed: Placed) -> tuple[OutputFile, ...]:
    files = []
    for download in placed.downloads:
        content = download.content
        if isinstance(content, bytes):
            files.append(OutputFile(download.url.lstrip("/"), data=content))
        elif content is not None:
            files.append(OutputFile(download.url.lstrip("/"), source=content))
    return tuple(files)


def assets(site: Site) -> list[OutputFile]:
    """Theme assets (the site's own first), the logo, and the accent colour's stylesheet.

    A theme file of the same name wins over the logo or the generated accent.css.
    """
    found = {f"assets/{name}": OutputFile(f"assets/{name}", source=path)
             for name, path in theme_assets(site.config.root).items()}
    logo = site.config.logo
    if logo and (site.config.root / logo).is_file():
        found.setdefault(f"assets/{Path(logo).name}", OutputFile(f"assets/{Path(logo).name}", source=site.config.root / logo))
    if site.config.accent_colour:
        found.setdefault("assets/accent.css", accent_stylesheet(site.config.accent_colour))
    return list(found.values())


def accent_stylesheet(colour: str) -> OutputFile:
    """The site's accent colour as a stylesheet file (a Content-Security-Policy forbids inline styles)."""
    text = (f"/* The accent colour from sitegen.yaml; made by sitegen build. */\n"
            f":root {{ --accent: {colour}; --accent-dark: {darken(colour, 0.3)}; }}\n")
    return OutputFile("assets/accent.css", text.encode("utf-8"))


@lru_cache(maxsize=4096)
def _timestamp(day: date, zone: str) -> str:
    return start_of_day(day, zone).isoformat()


# The feed and the sitemap are written as ElementTree writes them (indented, UTF-8, its
# escaping), but as text: made entry by entry, so that the preview keeps each entry's part.

def _text(text: str) -> str:
    """Element text, escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attribute(text: str) -> str:
    """An attribute's value, escaped as ElementTree escapes it."""
    text = _text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _element(indent: str, tag: str, text: str | None = None, **attributes: str) -> str:
    """One element with no children on a line of its own, as ElementTree.indent lays it out."""
    attrs = "".join(f' {name}="{_attribute(value)}"' for name, value in attributes.items())
    if not text:
        return f"{indent}<{tag}{attrs} />\n"
    return f"{indent}<{tag}{attrs}>{_text(text)}</{tag}>\n"


XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def feed(site: Site, pieces: Pieces | None = None) -> OutputFile:
    """An Atom feed of live reviews and briefings, newest first."""
    config = site.config
    live = site.live_reviews
    newest = max((p.entry.published for p in live), default=site.as_of)
    parts = [
        XML_DECLARATION,
        f'<feed xmlns="{ATOM}" xml:lang="{_attribute(config.language)}">\n',
        _element("  ", "title", f"{config.name}: Learning from Practice"),
        _element("  ", "id", config.url("/")),
        _element("  ", "link", href=config.url("/")),
        _element("  ", "link", rel="self", href=config.url("/feed.xml")),
        "  <author>\n", _element("    ", "name", config.name), "  </author>\n",
        _element("  ", "updated", _timestamp(newest, config.timezone)),
    ]
    parts += pieces_of(pieces, "feed", live, partial(_feed_entry, site))
    parts.append("</feed>")
    return OutputFile("feed.xml", "".join(parts).encode("utf-8", "xmlcharrefreplace") + b"\n")


def feed_share(site: Site, placed: Placed) -> tuple | None:
    """All of an entry that `feed` uses, its place in the feed too (see `sitegen.build.SHARES`)."""
    if not site.is_live_review(placed):
        return None
    entry = placed.entry
    return entry.title, entry.url, entry.published, entry.type, entry.summary, entry.source


def _feed_entry(site: Site, placed: Placed) -> str:
    """One entry of the feed: made from the entry and the settings only."""
    config = site.config
    entry = placed.entry
    stamp = _timestamp(entry.published, config.timezone)
    parts = ["  <entry>\n",
             _element("    ", "title", entry.title),
             _element("    ", "id", config.url(entry.url)),
             _element("    ", "link", href=config.url(entry.url)),
             _element("    ", "published", stamp),
             _element("    ", "updated", stamp)]
    rtype = site.type_of(entry)
    if rtype:
        parts.append(_element("    ", "category", term=rtype.key, label=rtype.singular))
    if entry.summary:
        parts.append(_element("    ", "summary", entry.summary))
    parts.append("  </entry>\n")
    return "".join(parts)


def sitemap_share(site: Site, placed: Placed) -> tuple | None:
    """All of an entry that `sitemap` uses besides the pages' addresses (see `sitegen.build.SHARES`):
    the day of a live review, and the address of a notice (left out)."""
    if site.is_live_review(placed):
        return "live", placed.entry.url, placed.entry.published
    return ("notice", placed.entry.url) if site.is_notice(placed) else None


def sitemap(site: Site, page_paths: list[str], pieces: Pieces | None = None) -> OutputFile:
    """Every public page except notices of expired entries and the 404 page."""
    published = {p.entry.url: p.entry.published for p in site.live_reviews}
    if not page_paths:
        text = f'{XML_DECLARATION}<urlset xmlns="{SITEMAP}" />'
    else:
        url = site.config.url

        def line(path: str, day: date | None) -> str:
            lastmod = f"    <lastmod>{day.isoformat()}</lastmod>\n" if day else ""
            return f"  <url>\n{_element('    ', 'loc', url(path))}{lastmod}  </url>\n"

        if pieces is None:
            lines = [line(path, published.get(path)) for path in sorted(page_paths)]
        else:
            lines = [pieces.by_value(("sitemap", path, published.get(path)), line) for path in sorted(page_paths)]
        text = "".join([XML_DECLARATION, f'<urlset xmlns="{SITEMAP}">\n', *lines, "</urlset>"])
    return OutputFile("sitemap.xml", text.encode("utf-8", "xmlcharrefreplace") + b"\n")


def public_pages(site: Site, pages: list[OutputFile]) -> list[str]:
    """Site paths of the pages that belong in the sitemap: not notices, not the 404 page."""
    notices = {p.entry.url for p in site.notices}
    paths = ["/" + f.path[: -len("index.html")] for f in pages if f.path.endswith("index.html")]  # as page_path does
    return [path for path in paths if path not in notices]


def robots(site: Site) -> OutputFile:
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site.config.url('/sitemap.xml')}\n"
    return OutputFile("robots.txt", text.encode("utf-8"))


def page_path(file: str) -> str:
    """sar/adult-a/index.html -> /sar/adult-a/"""
    return "/" + file[: -len("index.html")] if file.endswith("index.html") else "/" + file


# --- putting the site in place -------------------------------------------------

def check_output_folder(output: Path) -> None:
    """Raise OutputRefused unless `output` is absent, empty, or an earlier sitegen output."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputRefused(f"{output} is not a folder.")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputRefused(
            f"{output} already holds files that sitegen did not write, so it will not be replaced.")


def write_site(files: list[OutputFile], output: Path) -> None:
    """Write every file into a temporary folder, then swap it in for `output`."""
    output = Path(output).absolute()
    check_output_folder(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))
    try:
        seen: set[str] = set()
        for item in sorted(files, key=lambda f: f.path):
            if item.path in seen:
                raise ValueError(f"two outputs at {item.path}")
            seen.add(item.path)
            target = temp / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.data is not None:
                target.write_bytes(item.data)
            else:
                shutil.copyfile(item.source, target)
        (temp / MARKER).write_bytes(MARKER_TEXT)
        for folder in [temp, *(p for p in temp.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)
        swap_in(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def swap_in(new: Path, output: Path) -> None:
    """Replace `output` with `new`; the old output is removed only after the swap."""
    if not output.exists():
        os.replace(new, output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
    old.rmdir()
    os.replace(output, old)
    try:
        os.replace(new, output)
    except BaseException:
        os.replace(old, output)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)

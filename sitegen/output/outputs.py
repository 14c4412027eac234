"""Write outputs: downloads, feed, sitemap, robots.txt and theme assets,
then put the whole site in place at once.

The site is written into a temporary folder beside the output folder and
swapped in only when complete, so a failed build leaves the previous output as
it was and nothing stale survives a rebuild. A folder that is neither empty nor
an earlier sitegen output is never replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable

from sitegen.rules.addresses import output_file, page_address
from sitegen.content.colour import darken
from sitegen.rendering.render import theme_assets
from sitegen.rules.addresses import OUTPUT_MARKER, OutputFile
from sitegen.rendering.entry_fragments import EntryFragments, fragments_of
from sitegen.output.file_store import FileStore
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import start_of_day

MARKER_TEXT = b"This folder is written by `sitegen build` and replaced whole on every build.\n"
# In a folder beside the output while a build writes it (removed just before it is swapped in):
# with the folder's name, it proves the folder is sitegen's, so that a later build may remove it
# once the build that made it is gone (`remove_leftovers`).
WRITING = ".sitegen-writing"
WRITING_TEXT = b"A sitegen build is writing this folder; a later build removes it if that build was stopped.\n"
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


class OutputRefused(Exception):
    """The output folder holds something sitegen did not write."""


def downloads(site: Site, fragments: EntryFragments | None = None) -> list[OutputFile]:
    """The documents of live entries, and only those: PDFs as their cleaned copies."""
    live = [p for p in site.entries if p.state.value == "live" and p.downloads]
    return [file for files in fragments_of(fragments, "downloads", live, _downloads_of) for file in files]


def downloads_share(site: Site, entry_on_day: EntryOnDay) -> tuple[OutputFile, ...]:
    """All of an entry that `downloads` uses (see `sitegen.build.SHARES`)."""
    return _downloads_of(entry_on_day) if entry_on_day.state.value == "live" else ()


def _downloads_of(entry_on_day: EntryOnDay) -> tuple[OutputFile, ...]:
    files = []
    for download in entry_on_day.downloads:
        content = download.content
        # the pictures of its web page, beside the page
        files += [OutputFile(output_file(address), data=data) for address, data in download.picture_urls()]
        if not download.downloadable:
            continue
        if isinstance(content, bytes):
            files.append(OutputFile(output_file(download.url), data=content))
        elif content is not None:
            # a PDF's published copy is the cache's file (written once, never changed):
            # linked, not copied; any other document is the site's own file, copied
            files.append(OutputFile(output_file(download.url), source=content, link=content != download.ref.path))
    return tuple(files)


def assets(site: Site) -> list[OutputFile]:
    """Theme assets (the site's own first), the logo, and the accent colour's stylesheet.

    A theme file of the same name wins over the logo or the generated accent.css.
    """
    found = {f"assets/{name}": OutputFile(f"assets/{name}", source=path)
             for name, path in theme_assets(site.config.root, site.config.own_theme).items()}
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


# --- the feed and the sitemap -----------------------------------------------------
#
# Both are written by ElementTree. Each entry's element is written on its own and the file is
# the document with those elements in place (the same bytes as the whole tree written at once,
# tested), so that a preview keeps each entry's part from one update to the next: writing the
# whole feed of 10,000 entries takes 0.2 s, more than a preview's update may.

ITEMS = "sitegen-items"  # where the entries' elements go, in the document written without them
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (control characters, lone surrogates): each
    becomes U+FFFD, so that the file always parses."""
    return _NOT_XML.sub("\ufffd", text)


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {name: _xml_text(value) for name, value in attributes.items()})
    if text:
        child.text = _xml_text(text)
    return child


def _item(element: ET.Element) -> bytes:
    """One of a document's items (an entry of the feed, an address of the sitemap), written as
    ElementTree writes it in the whole document: indented one level, on lines of its own."""
    ET.indent(element, space="  ", level=1)
    return b"  " + ET.tostring(element, encoding="utf-8") + b"\n"


def _document(root: ET.Element, items: list[bytes]) -> bytes:
    """`root` written by ElementTree (UTF-8, with its declaration, indented), with `items` (from
    `_item`) after its own children, and a final newline."""
    if items:
        ET.SubElement(root, ITEMS)
    ET.indent(root)
    written = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written.replace(f"  <{ITEMS} />\n".encode(), b"".join(items), 1) + b"\n"


def feed(site: Site, fragments: EntryFragments | None = None) -> OutputFile:
    """An Atom feed (RFC 4287) of live reviews and briefings, newest first."""
    config = site.config
    live = site.live_reviews
    newest = max((p.entry.published for p in live), default=site.as_of)
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": _xml_text(config.language)})
    _child(root, "title", f"{config.name}: Learning from Practice")
    _child(root, "id", config.url("/"))
    _child(root, "link", href=config.url("/"))
    _child(root, "link", rel="self", href=config.url("/feed.xml"))
    _child(_child(root, "author"), "name", config.name)
    _child(root, "updated", _timestamp(newest, config.timezone))
    entries = fragments_of(fragments, "feed", live, partial(_feed_entry, site))
    return OutputFile("feed.xml", _document(root, entries))


def feed_share(site: Site, entry_on_day: EntryOnDay) -> tuple | None:
    """All of an entry that `feed` uses, its place in the feed too (see `sitegen.build.SHARES`)."""
    if not site.is_live_review(entry_on_day):
        return None
    entry = entry_on_day.entry
    return entry.title, entry.url, entry.published, entry.type, entry.summary, entry.source


def _feed_entry(site: Site, entry_on_day: EntryOnDay) -> bytes:
    """One entry of the feed: made from the entry and the settings only."""
    config = site.config
    entry = entry_on_day.entry
    stamp = _timestamp(entry.published, config.timezone)
    item = ET.Element("entry")
    _child(item, "title", entry.title)
    _child(item, "id", config.url(entry.url))
    _child(item, "link", href=config.url(entry.url))
    _child(item, "published", stamp)
    _child(item, "updated", stamp)
    rtype = site.type_of(entry)
    if rtype:
        _child(item, "category", term=rtype.key, label=rtype.singular)
    if entry.summary:
        _child(item, "summary", entry.summary)
    return _item(item)


def sitemap_share(site: Site, entry_on_day: EntryOnDay) -> tuple | None:
    """All of an entry that `sitemap` uses besides the pages' addresses (see `sitegen.build.SHARES`):
    the day of a live review, and the address of a notice (left out)."""
    if site.is_live_review(entry_on_day):
        return "live", entry_on_day.entry.url, entry_on_day.entry.published
    return ("notice", entry_on_day.entry.url) if site.is_notice(entry_on_day) else None


def sitemap(site: Site, page_paths: list[str], fragments: EntryFragments | None = None) -> OutputFile:
    """A sitemap (sitemaps.org 0.9) of every public page except notices of expired entries and
    the 404 page; a live review's page with the day it was published."""
    published = {p.entry.url: p.entry.published for p in site.live_reviews}
    url = site.config.url

    def address(path: str, day: date | None) -> bytes:
        item = ET.Element("url")
        _child(item, "loc", url(path))
        if day:
            _child(item, "lastmod", day.isoformat())
        return _item(item)

    if fragments is None:
        items = [address(path, published.get(path)) for path in sorted(page_paths)]
    else:
        items = [fragments.by_value(("sitemap", path, published.get(path)), address) for path in sorted(page_paths)]
    return OutputFile("sitemap.xml", _document(ET.Element("urlset", {"xmlns": SITEMAP}), items))


def public_pages(site: Site, pages: list[OutputFile]) -> list[str]:
    """Site paths of the pages that belong in the sitemap: not notices, not the 404 page."""
    notices = {p.entry.url for p in site.notices}
    paths = [page_address(f.path) for f in pages]
    return [path for path in paths if path is not None and path not in notices]


def robots(site: Site) -> OutputFile:
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site.config.url('/sitemap.xml')}\n"
    return OutputFile("robots.txt", text.encode("utf-8"))


# --- putting the site in place -------------------------------------------------

def check_output_folder(output: Path) -> None:
    """Raise OutputRefused unless `output` is absent, empty, or an earlier sitegen output."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputRefused(f"{output} is not a folder.")
    if output.is_dir() and any(output.iterdir()) and not (output / OUTPUT_MARKER).is_file():
        raise OutputRefused(
            f"{output} already holds files that sitegen did not write, so it will not be replaced.")


@dataclass(frozen=True)
class LaterFiles:
    """Files still being made while the rest of the output is written (the search index, which
    Pagefind makes meanwhile): all below `folder`, and given by `files()` once they are made.

    `ready`, if given, gives them sooner, in batches as they are made (each part of the index as
    Pagefind finishes it), so that writing them is done while the rest are still being made
    rather than after. Only `files()` says what the output holds: a file given early that is not
    among them (the index failed after its first parts were made) is removed before the swap."""
    folder: str
    files: Callable[[], list[OutputFile]]
    ready: Callable[[], Iterable[list[OutputFile]]] | None = None


def write_site(files: list[OutputFile], output: Path, previous_output: Path | None = None,
               store: FileStore | None = None, later: LaterFiles | None = None) -> dict[str, str]:
    """Write every file into a temporary folder, then swap it in for `output`. Returns the name in
    `store` of each file linked to it, by its path in the output (for `takedown.record_last_good`).

    `later`'s files are written after the others, before the swap: what makes them (Pagefind, in
    other processes) runs while the others are written, and each batch it makes early is written
    as soon as it comes (`LaterFiles.ready`), so that little is left to write once the last one is
    made. `store` (a whole build's, in the cache)
    keeps the files written, and each output's files are
    links to its files (see `sitegen.output.file_store`). `previous_output` (a folder in the cache) keeps
    the replaced output, to be made into the next one: removing thousands of folders costs seconds
    on some disks, so the next build removes only what it does not write again, and keeps a file
    that is already the very file it would link or copy. What is swapped in is exactly `files`
    (and `later`'s) either way. The previous output is never beside the output, where a web server
    could serve it: it holds the previous site.
    """
    output = Path(output).absolute()
    check_output_folder(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output)
    wanted = _by_path(files, {})
    previous_output = _usable_previous_output(previous_output, output)
    held = later.folder if later is not None else None
    claimed = _claim(previous_output, output, wanted, held) if previous_output is not None else None
    if claimed is None:
        return _write_into(_new_folder(output), False, output, wanted, previous_output, store, later, True)
    try:
        return _write_into(claimed, True, output, wanted, previous_output, store, later, True)
    except OSError:
        # The previous output could not be made into this one (a folder in it the build may not
        # change or read): the site is written whole into a new folder instead, as a first build's.
        # The batches of the index given early were read once: now it is all written at the end.
        return _write_into(_new_folder(output), False, output, wanted, previous_output, store, later, False)


def _write_into(temp: Path, recycled: bool, output: Path, wanted: dict[str, OutputFile], previous_output: Path | None,
                store: FileStore | None, later: LaterFiles | None, early_batches: bool) -> dict[str, str]:
    """`write_site`'s writing, into `temp` (the previous output, emptied of what is not wanted, when
    `recycled`), then the swap; `temp` is removed if anything fails. `early_batches`: write `later`'s
    batches as they come."""
    held = later.folder if later is not None else None
    claimed = temp if recycled else None
    stored: dict[str, str] = {}
    try:
        folders = {str(temp)}
        _write_files(temp, wanted, folders, store, claimed is not None, stored)
        if later is not None:
            early = _write_early(temp, later, wanted, folders, store, claimed is not None, stored) if early_batches else {}
            late = _by_path(later.files(), wanted)
            _refuse_outside(late, later.folder)
            if (claimed is not None or early) and os.path.isdir(temp / held):  # the recycled output's, kept by `_claim`, or written early
                every = {**wanted, **late}
                if any(path.startswith(f"{held}/") for path in every):
                    _prune(str(temp), held, every, _folders_of(every))
                else:
                    shutil.rmtree(temp / held)
                folders = {folder for folder in folders if os.path.isdir(folder)}
            rest = {path: item for path, item in late.items() if early.get(path) is not item}
            for path in early.keys() - (late.keys() - rest.keys()):  # pruned, or to be written again
                stored.pop(path, None)
            _write_files(temp, rest, folders, store, claimed is not None or bool(early), stored)
        (temp / OUTPUT_MARKER).write_bytes(MARKER_TEXT)  # a recycled output's was removed with what is not wanted
        for folder in folders:
            os.chmod(folder, 0o755)
        os.unlink(temp / WRITING)  # the site is whole: from now on its OUTPUT_MARKER tells what it is
        swap_in(temp, output, previous_output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return stored


def _write_early(temp: Path, later: LaterFiles, wanted: dict[str, OutputFile], folders: set[str],
                 store: FileStore | None, recycled: bool, stored: dict[str, str]) -> dict[str, OutputFile]:
    """Write `later`'s batches as they are made (see `LaterFiles.ready`), and return what was
    written, by path: `write_site` then writes only what `later.files()` gives otherwise, and
    removes what it does not give."""
    early: dict[str, OutputFile] = {}
    if later.ready is None:
        return early
    given: dict[str, OutputFile] = {}
    for batch in later.ready():
        found = _by_path(batch, {**wanted, **given})
        _refuse_outside(found, later.folder)
        given.update(found)
        for path in sorted(found):
            try:
                _write_one(temp, path, found[path], folders, store, recycled, stored)
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                continue  # a folder where it goes, kept from the recycled output: written once that is pruned
            early[path] = found[path]
    return early


def _refuse_outside(late: dict[str, OutputFile], held: str) -> None:
    """Later files are all below their folder, so that they can never replace another file."""
    outside = [path for path in late if not path.startswith(f"{held}/")]
    if outside:
        raise ValueError(f"{outside[0]} is not in {held}/")


def _by_path(files: list[OutputFile], others: dict[str, OutputFile]) -> dict[str, OutputFile]:
    """The files by their path in the output; two at one path (or at one of `others`') is a fault."""
    found: dict[str, OutputFile] = {}
    for item in files:
        if item.path in found or item.path in others:
            raise ValueError(f"two outputs at {item.path}")
        found[item.path] = item
    return found


def _write_files(temp: Path, wanted: dict[str, OutputFile], folders: set[str], store: FileStore | None,
                 recycled: bool, stored: dict[str, str]) -> None:
    """Write `wanted` below `temp`, making the folders not yet in `folders` (and adding them), and
    put in `stored` the name in `store` of each file linked to it. In a `recycled` output, a file
    already as wanted is left as it is."""
    for path in sorted(wanted):
        _write_one(temp, path, wanted[path], folders, store, recycled, stored)


def _write_one(temp: Path, path: str, item: OutputFile, folders: set[str], store: FileStore | None,
               recycled: bool, stored: dict[str, str]) -> None:
    """`_write_files` for one file."""
    target = os.path.join(temp, path)
    parent = os.path.dirname(target)
    if parent not in folders:
        os.makedirs(parent, exist_ok=True)
        while parent not in folders:
            folders.add(parent)
            parent = os.path.dirname(parent)
    if store is not None and item.data is not None:
        name = store.link(item.data, target, checked=item.kept_as)
        if name is not None:
            stored[path] = name
    elif not recycled or not _already(target, item):
        _write(target, item)


def _write(target: str, item: OutputFile) -> None:
    """Write `item` at `target` as a new file (never through a file already there: it may be a
    link to a file of the cache)."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    if item.data is not None:
        with open(target, "wb") as handle:
            handle.write(item.data)
    elif not (item.link and _linked(item.source, target)):
        shutil.copyfile(item.source, target)


def _usable_previous_output(previous_output: Path | None, output: Path) -> Path | None:
    """`previous_output`, if it can be swapped with `output` (the same disk), else None."""
    if previous_output is None:
        return None
    try:
        previous_output.parent.mkdir(parents=True, exist_ok=True)
        if previous_output.parent.stat().st_dev != output.parent.stat().st_dev:
            return None
    except OSError:
        return None
    return previous_output.absolute()


def _claim(previous_output: Path, output: Path, wanted: dict[str, OutputFile], held: str | None = None) -> Path | None:
    """The previous output, moved aside (so no other build uses it) and emptied of everything not in
    `wanted` but the folder `held` (whose files are not known yet: see `LaterFiles`); None when there
    is no previous output sitegen made."""
    if previous_output.is_symlink() or not previous_output.is_dir() or not (previous_output / OUTPUT_MARKER).is_file():
        return None
    claimed = _new_folder(output, marked=False)  # empty: the previous output takes its place
    try:
        os.replace(previous_output, claimed)  # an empty folder is replaced by the previous output
    except OSError:
        shutil.rmtree(claimed, ignore_errors=True)
        return None
    try:
        (claimed / WRITING).write_bytes(WRITING_TEXT)
        _prune(str(claimed), "", wanted, _folders_of(wanted), held)
    except OSError:  # a folder in it the build may not read or change: the output is made from nothing
        shutil.rmtree(claimed, ignore_errors=True)
        return None
    return claimed


def _new_folder(output: Path, marked: bool = True) -> Path:
    """A new folder beside `output`, named for this process (`_leftover_owner` reads it back), with
    the WRITING marker in it if `marked`."""
    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}-new-{os.getpid()}-", dir=output.parent))
    if marked:
        (folder / WRITING).write_bytes(WRITING_TEXT)
    return folder


def remove_leftovers(output: Path) -> None:
    """Remove the folders beside `output` that builds killed part-way left (a site being written,
    or the one replaced, each a whole copy of a site), and only those this can prove are a
    sitegen build's: named as `_new_folder` names them, holding its WRITING marker or an output's
    OUTPUT_MARKER, and made by a process that is no longer running (a build running now keeps its own)."""
    try:
        found = list(os.scandir(output.parent))
    except OSError:
        return
    for item in found:
        pid = _leftover_owner(item.name, output.name)
        if pid is None or not item.is_dir(follow_symlinks=False) or _running(pid):
            continue
        if os.path.isfile(os.path.join(item.path, WRITING)) or os.path.isfile(os.path.join(item.path, OUTPUT_MARKER)):
            shutil.rmtree(item.path, ignore_errors=True)
        else:
            try:
                os.rmdir(item.path)  # only if empty: made, and killed before anything was put in it
            except OSError:
                pass


def _leftover_owner(name: str, output_name: str) -> int | None:
    """The process that made a folder named `.OUTPUT-new-PID-...` or `.OUTPUT-old-PID-...`, or None."""
    for kind in ("new", "old"):
        prefix = f".{output_name}-{kind}-"
        if name.startswith(prefix):
            pid, _, rest = name[len(prefix):].partition("-")
            return int(pid) if pid.isdigit() and rest else None
    return None


def _running(pid: int) -> bool:
    """Whether a process with this id is running (one of another user's is)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _folders_of(wanted: dict[str, OutputFile]) -> set[str]:
    """Every folder the paths in `wanted` are in, up to the output itself ("")."""
    folders = {""}
    for path in wanted:
        folder = path.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _prune(root: str, rel: str, wanted: dict[str, OutputFile], folders: set[str], held: str | None = None) -> None:
    """Remove below `root`/`rel` every file not in `wanted` and every folder not in `folders`
    (paths relative to the output, with forward slashes), but the folder `held`, left as it is.
    Links are removed, never followed."""
    with os.scandir(os.path.join(root, rel) if rel else root) as found:
        items = list(found)
    for item in items:
        path = f"{rel}/{item.name}" if rel else item.name
        if item.is_dir(follow_symlinks=False):
            if path == held:
                continue
            if path in folders:
                _prune(root, path, wanted, folders, held)
            else:
                shutil.rmtree(item.path)
        elif (path not in wanted or path == OUTPUT_MARKER) and path != WRITING:
            os.unlink(item.path)


def _already(target: str, item: OutputFile) -> bool:
    """Whether `target` (in a recycled output) is already exactly what `item` writes: a file of its
    own with the same bytes, or the same link. Unlinking a file costs more than reading it on some
    disks, and most files are the same from one day to the next."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(status.st_mode):
        return False
    if item.link:
        source = os.stat(item.source)
        return (status.st_ino, status.st_dev) == (source.st_ino, source.st_dev)
    if status.st_nlink != 1:
        return False
    if item.data is not None:
        if status.st_size != len(item.data):
            return False
        with open(target, "rb") as handle:
            return handle.read() == item.data
    if status.st_size != os.stat(item.source).st_size:
        return False
    with open(target, "rb") as mine, open(item.source, "rb") as source:
        return mine.read() == source.read()


def _linked(source: Path, target: Path) -> bool:
    """A hard link to `source` at `target`, where the file system allows one."""
    try:
        os.link(source, target)
        return True
    except OSError:  # another disk, or a file system without links: copy instead
        return False


def swap_in(new: Path, output: Path, previous_output: Path | None = None) -> None:
    """Replace `output` with `new`; the old output is then kept as `previous_output`, or removed.
    Where the system can (`exchange`), the two folders trade places in one step, so that there is
    never a moment without an output folder; elsewhere the old one is moved aside first."""
    if not output.exists():
        os.replace(new, output)
        return
    if exchange(new, output):
        old = new  # now the previous site
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-{os.getpid()}-", dir=output.parent))
        old.rmdir()
        os.replace(output, old)
        try:
            os.replace(new, output)
        except BaseException:
            os.replace(old, output)  # put the previous site back
            raise
    if previous_output is not None and not previous_output.exists():
        try:
            os.replace(old, previous_output)
            return
        except OSError:
            pass
    shutil.rmtree(old, ignore_errors=True)


RENAME_EXCHANGE = 2  # renameat2's flag (linux/fs.h)
AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders' places in one step (Linux's renameat2 with RENAME_EXCHANGE, through the C
    library); False, with nothing changed, where that is not available (another system, an older
    C library or kernel, a file system without it)."""
    call = _renameat2()
    if call is None:
        return False
    if call(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    return False


@lru_cache(maxsize=1)
def _renameat2():
    """The C library's renameat2, or None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call

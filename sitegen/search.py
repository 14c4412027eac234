"""Search: a Pagefind index of the live site, written into /pagefind/.

What goes in is chosen from `Site`, never by scanning the output: the pages of
live reviews and briefings, static pages and the accessibility statement, plus
one record per live PDF holding its text and pointing at its entry's page.
Notices of expired entries, listings, theme pages and the 404 page stay out.

The search itself runs in the reader's browser (Pagefind's JavaScript and
WebAssembly); every page is still reachable without it. Pagefind is run through
its command line (see `sitegen.pagefind_adapter`, the one place that knows how).
When Pagefind is not installed, the site is built without an index and a warning
says so. When it is there but the index cannot be made (Pagefind fails, or a fault
in sitegen), the site is built without an index and an error says so, which fails
`sitegen build --strict` and `sitegen check`: no index is better than a wrong one.

A large site's index is split into parts (see `plan`): Pagefind holds everything
it indexes in memory, so one index of thousands of long reports would need
gigabytes. Each part is indexed by its own Pagefind process and cached under a
key made of everything that went into it, so a rebuild re-indexes only the
parts whose pages or documents changed. The reader's browser searches them all
as one (Pagefind's `mergeIndex`), with the part list in /pagefind/parts.json.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterator
from pathlib import Path

import cbor2

from sitegen import pagefind_adapter as pagefind
from sitegen.cachefile import write_whole
from sitegen.documents import TEXT_HEADER, DocumentCache, document_text
from sitegen.problems import Problem, error, warning
from sitegen.render import OutputFile
from sitegen.site import Download, Placed, Site, document_anchor

BUNDLE = "pagefind"  # output folder of the index and Pagefind's own scripts
LANGUAGE = "en"  # one index for pages and documents alike (Pagefind splits indexes by language)
TIME_LIMIT = 600  # seconds; a hung indexer must not hang the nightly build
PARTS_FILE = "parts.json"  # in the bundle: the folders of the other parts, for search.js
PART_WEIGHT = 20_000  # pages (a site's pages plus its PDFs' pages) per part: ~200 MB of Pagefind's memory
PARALLEL = 2  # Pagefind processes at once (each holds its part in memory)
FORMAT = 2  # bump when what goes into a part, or how it is written, changes


@dataclass(frozen=True)
class PageRecord:
    url: str  # as linked from the site: with the base address's path
    html: str
    group: str = ""  # the entry it belongs to ("" for the site's own pages): a group stays in one part


@dataclass(frozen=True)
class DocumentRecord:
    url: str  # the document's block on its entry's page: /sar/adult-a/#document-overview-pdf
    entry_title: str
    document_title: str
    load: Callable[[], str]  # the document's text, read only when it is sent to the index
    filters: dict[str, list[str]]
    group: str = ""  # the address of its entry's page
    source: str = ""  # the PDF's content hash: with the extractor's version, it fixes the text
    weight: int = 1  # pages, as a measure of the text the indexer holds

    @property
    def meta(self) -> dict[str, str]:
        return {"title": self.entry_title, "entry": self.entry_title, "document": self.document_title}

    @property
    def text(self) -> str:
        return self.load()


@dataclass
class SearchIndex:
    files: list[OutputFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def collect(self, problems: list[Problem]) -> list[OutputFile]:
        """The files, after adding any problem to `problems`."""
        problems += self.problems
        return self.files


def filters(site: Site, placed: Placed) -> dict[str, list[str]]:
    """The same filters the entry page declares with data-pagefind-filter."""
    entry = placed.entry
    rtype = site.type_of(entry)
    found = {"type": [rtype.singular] if rtype else [], "year": [str(entry.published.year)] if entry.published else [],
             "theme": list(entry.themes)}
    return {key: values for key, values in found.items() if values}


def _indexed_pages(site: Site) -> list[str]:
    """The addresses of the pages the index holds: only live ones."""
    renditions = [d.page_url for p in [*site.live_reviews, *site.pages] for d in p.downloads if d.rendition is not None]
    return [p.entry.url for p in site.live_reviews] + [p.entry.url for p in site.pages] + renditions + ["/accessibility/"]


def _indexed_documents(site: Site) -> Iterator[tuple[Placed, Download]]:
    """The documents whose text the index holds: live entries' PDFs."""
    for placed in site.live_reviews:
        for download in placed.downloads:
            if download.ref.is_pdf and download.ref.path is not None:
                yield placed, download


def records(site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str = "") -> tuple[list[PageRecord], list[DocumentRecord]]:
    """What the index holds: only live pages and the text of live entries' PDFs."""
    rendered = {"/" + f.path.removesuffix("index.html"): f for f in pages if f.data is not None}
    reviews = {p.entry.url for p in site.live_reviews}
    page_records = [PageRecord(prefix + url, rendered[url].data.decode("utf-8"), prefix + url if url in reviews else "")
                    for url in _indexed_pages(site) if url in rendered]
    documents = []
    for placed, download in _indexed_documents(site):
        # Its own address (Pagefind keeps one record per address), on the entry's page.
        load = partial(_searchable_text, download.ref.path, download.info.sha256, cache)
        documents.append(DocumentRecord(prefix + placed.entry.url + "#" + document_anchor(download.ref.name), placed.entry.title,
                                        f"{download.ref.title} ({download.info.format})", load, filters(site, placed),
                                        group=prefix + placed.entry.url, source=download.info.sha256,
                                        weight=_weight(download)))
    return page_records, documents


def _weight(download: Download) -> int:
    """A document's weight in the index: its pages."""
    return max(1, download.info.pages or 1)


@dataclass(frozen=True)
class Part:
    """One Pagefind index: the main bundle (`pagefind`) or one of its parts (`pagefind/part-2`)."""
    folder: str
    pages: tuple[PageRecord, ...]
    documents: tuple[DocumentRecord, ...]

    def key(self) -> str:
        """Everything that decides this part's files, without reading any document's text."""
        digest = hashlib.sha256()
        for value in (FORMAT, _pagefind_version(), LANGUAGE, TEXT_HEADER, VERBATIM, self.folder):
            digest.update(f"{value}\n".encode("utf-8"))
        for page in self.pages:
            digest.update(f"page {page.url}\n{hashlib.sha256(page.html.encode('utf-8')).hexdigest()}\n".encode("utf-8"))
        for doc in self.documents:
            described = json.dumps([doc.url, doc.meta, doc.filters, doc.source], sort_keys=True)
            digest.update(f"document {described}\n".encode("utf-8"))
        return digest.hexdigest()


def index_weight(site: Site) -> int:
    """What `plan` weighs the site's index at (pages, counting each live PDF's pages), from the
    site alone: without rendering a page or reading a document."""
    return len(_indexed_pages(site)) + sum(_weight(download) for _, download in _indexed_documents(site))


def plan(page_records: list[PageRecord], documents: list[DocumentRecord], weight: int | None = None) -> list[Part]:
    """How the index is split: one index unless the site is large (more than `PART_WEIGHT`
    pages, counting each PDF's pages), then the site's own pages in the main bundle and
    each entry, with its documents, in one of as many parts as its size needs.

    An entry's part depends only on its address and the number of parts, so an edit or a
    report coming down changes one part, and the others are taken from the cache.
    """
    weight = weight or PART_WEIGHT
    total = len(page_records) + sum(doc.weight for doc in documents)
    if total <= weight:
        return [Part(BUNDLE, tuple(page_records), tuple(documents))]
    count = math.ceil(total / weight)

    def part_of(group: str) -> int:
        return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % count

    parts = [Part(BUNDLE, tuple(p for p in page_records if not p.group), ())]
    for number in range(count):
        pages = tuple(p for p in page_records if p.group and part_of(p.group) == number)
        docs = tuple(d for d in documents if part_of(d.group) == number)
        if pages or docs:
            parts.append(Part(f"{BUNDLE}/part-{number + 1}", pages, docs))
    return parts


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"pagefind-bin {version('pagefind-bin')}"
    except PackageNotFoundError:
        return "unknown"


VERBATIM = 30_000  # characters of a PDF's text indexed as written (for readable excerpts)


def searchable_text(text: str, verbatim: int | None = None) -> str:
    """What the index holds of a PDF: its opening as written, then each other word once.

    Every word of the document still finds it, but a long report costs the indexer a
    fraction of the memory (Pagefind holds everything it is given: about 1 GB for the
    text of 1,000 reports of 60 pages). Excerpts for words after the opening are lists
    of words rather than sentences.
    """
    verbatim = VERBATIM if verbatim is None else verbatim
    if len(text) <= verbatim:
        return text
    cut = text.rfind(" ", 0, verbatim)
    head, tail = text[: cut if cut > 0 else verbatim], text[cut if cut > 0 else verbatim:]
    known = {word.lower() for word in head.split()}
    rest = []
    for word in tail.split():
        key = word.lower()
        if key not in known:
            known.add(key)
            rest.append(word)
    return head + ("\n\n" + " ".join(rest) if rest else "")


def _searchable_text(path: Path, sha256: str, cache: DocumentCache) -> str:
    return searchable_text(document_text(path, sha256, cache))


def _write_part(part: Part, site: Path) -> None:
    """Write what one part's index holds below `site`, in a fixed order: its pages, then the text
    of its documents (each read only now, one at a time)."""
    for page in part.pages:
        pagefind.write_page(site, page.url, page.html)
    for doc in part.documents:
        text = doc.text
        if text:
            pagefind.write_record(site, doc.url, text, doc.meta, doc.filters)


def build_index(site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str = "") -> SearchIndex:
    """The search bundle as output files; or none, and a warning when Pagefind is not installed or
    an error when the index could not be made."""
    try:
        parts = plan(*records(site, pages, cache, prefix))
        found = _indexed(parts, _PartCache(cache.folder / "search" if cache.folder is not None else None))
    except pagefind.PagefindMissing as exc:
        return SearchIndex(problems=[warning(
            BUNDLE, f"{exc}, so this build has no search. Everything else was built as usual.",
            "Install it with: pip install pagefind-bin (or install sitegen again), and build again.")])
    except Exception as exc:  # noqa: BLE001 - Pagefind failing, or a fault in sitegen: the rest of the site is still built
        reason = str(exc).strip() or type(exc).__name__
        return SearchIndex(problems=[error(
            BUNDLE, f"the search index could not be made ({reason}), so this build has no search. Everything "
            "else was built as usual.",
            "This is a fault in sitegen or in Pagefind, not in your content: build again, and if this message "
            "stays, report it with this message.")])
    listed = [part.folder.removeprefix(BUNDLE + "/") + "/" for part in parts if part.folder != BUNDLE]
    files = [OutputFile(f"{BUNDLE}/{PARTS_FILE}", (json.dumps(listed) + "\n").encode("utf-8"))]
    for part in parts:
        files += [OutputFile(f"{part.folder}/{name}", data) for name, data in sorted(found[part.folder].items())]
    return SearchIndex(sorted(files, key=lambda f: f.path))


def _indexed(parts: list[Part], store: "_PartCache") -> dict[str, dict[str, bytes]]:
    """Each part's files: from the cache, or indexed now (and then kept in the cache)."""
    keys = {part.folder: part.key() for part in parts}  # hashing every page: once
    found = {part.folder: store.get(keys[part.folder]) for part in parts}
    todo = [part for part in parts if found[part.folder] is None]
    if todo:
        made = _index_parts(todo)
        for part in todo:
            found[part.folder] = made[part.folder]
            store.put(keys[part.folder], made[part.folder])
    store.keep(set(keys.values()))
    return found


def _index_parts(parts: list[Part]) -> dict[str, dict[str, bytes]]:
    """Each part's settled files, indexed by Pagefind processes `PARALLEL` at a time (the next
    part's records are written while the others run)."""
    made: dict[str, dict[str, bytes]] = {}
    running: deque = deque()  # (part, process, its folder, deadline)
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as temp:
        try:
            for number, part in enumerate(parts):
                if len(running) >= PARALLEL:
                    _collect(running.popleft(), made)
                folder = Path(temp) / str(number)
                _write_part(part, folder / "site")
                process = pagefind.start(folder / "site", folder / "bundle", LANGUAGE)
                running.append((part, process, folder, time.monotonic() + TIME_LIMIT))
            while running:
                _collect(running.popleft(), made)
        finally:
            for _, process, _, _ in running:  # only after a failure: stop the others before their folder goes
                pagefind.stop(process)
    return made


def _collect(started: tuple, made: dict[str, dict[str, bytes]]) -> None:
    part, process, folder, deadline = started
    files = pagefind.finish(process, folder / "bundle", deadline)
    if part.folder != BUNDLE:  # a part is searched with the main bundle's scripts
        files = {name: data for name, data in files.items() if pagefind.is_data(name)}
    made[part.folder] = files


class _PartCache:
    """Each part's settled files, kept under its key (one file each) between builds."""

    KEEP_OTHERS = 8  # at least this many parts not used by this build are kept (a preview's, the day before's)

    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, key: str) -> dict[str, bytes] | None:
        if self.folder is None:
            return None
        try:
            files = cbor2.loads((self.folder / f"{key}.cbor").read_bytes())
            if not (isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, bytes) for k, v in files.items())):
                return None
            os.utime(self.folder / f"{key}.cbor")  # recently used: kept longest
            return files
        except (OSError, ValueError, EOFError, cbor2.CBORDecodeError):
            return None  # a missing or damaged entry only costs indexing again

    def put(self, key: str, files: dict[str, bytes]) -> None:
        if self.folder is None:
            return
        write_whole(self.folder / f"{key}.cbor", cbor2.dumps(files))  # the cache only saves time

    def keep(self, used: set[str]) -> None:
        """Remove all but the parts in use and the most recently used others."""
        if self.folder is None or not self.folder.is_dir():
            return
        try:
            others = [p for p in self.folder.glob("*.cbor") if p.stem not in used]
            others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for path in others[max(self.KEEP_OTHERS, len(used)):]:
                path.unlink(missing_ok=True)
        except OSError:
            pass

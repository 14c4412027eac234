"""Search: a Pagefind index of the live site, written into /pagefind/.

What goes in is chosen from `Site`, never by scanning the output: the pages of
live reviews and briefings, static pages and the accessibility statement, plus
one record per live PDF holding its text and pointing at its entry's page.
Notices of expired entries, listings, theme pages and the 404 page stay out.

The search itself runs in the reader's browser (Pagefind's JavaScript and
WebAssembly); every page is still reachable without it. Pagefind is run through
its command line (see `sitegen.search.pagefind_adapter`, the one place that knows how).
When Pagefind is not installed, the site is built without an index and a warning
says so. When it is there but the index cannot be made (Pagefind fails, or a fault
in sitegen), the site is built without an index and an error says so, which fails
`sitegen build --strict` and `sitegen check`: no index is better than a wrong one.

A large site's index is split into parts (see `plan`): Pagefind holds everything
it indexes in memory, so one index of thousands of long reports would need
gigabytes. Entries are put in parts by the month they were published (the oldest
and newest months by ranges of the day), so the reports that go up or come down
on a day touch only a few parts. Each part is
indexed by its own Pagefind process and cached under a key made of what it
indexes (the indexed text and search attributes of each page, each document's
content hash and details), so a rebuild re-indexes only the parts whose indexed
content changed: not those whose pages changed only outside what search reads,
such as a list of related reviews. The reader's browser searches them all as one
(Pagefind's `mergeIndex`), with the parts and what starts them in /pagefind/start.json (`start_list`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import queue
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterator
from pathlib import Path

import cbor2

from sitegen.search import pagefind_adapter as pagefind
from sitegen.rules.addresses import ACCESSIBILITY, page_address
from sitegen.core.cachefile import made_by, read_sealed, write_sealed
from sitegen.documents.cache import TEXT_HEADER, DocumentCache
from sitegen.documents.reading import document_text
from sitegen.core.problems import Problem, error, warning
from sitegen.rules.addresses import OutputFile
from sitegen.rendering.site import Download, EntryOnDay, Site, document_anchor

BUNDLE = "pagefind"  # output folder of the index and Pagefind's own scripts
LANGUAGE = "en"  # one index for pages and documents alike (Pagefind splits indexes by language)
TIME_LIMIT = 600  # seconds; a hung indexer must not hang the nightly build
PARTS_FILE = "parts.json"  # in the bundle: the folders of the other parts, as search.js read them before start.json (for a site's own older copy)
START_FILE = "start.json"  # in the bundle: every index's folder and tag, and what starts them (`start_list`), for search.js
SPLIT_ABOVE = 2_000  # pages (a site's pages plus its PDFs' pages): a site's index up to this is one index
PART_WEIGHT = 20_000  # pages at most in any part: ~200 MB of Pagefind's memory
RANGE_WEIGHT = 2_500  # pages: the oldest or newest month heavier than this is halved by the day of publication, and so on (`plan`)
PARALLEL = 2  # Pagefind processes at once (each holds its part in memory)
FORMAT = made_by("search/index.py", "search/pagefind_adapter.py")  # the code that makes a part (`cachefile.made_by`)


@dataclass(frozen=True)
class PageRecord:
    url: str  # as linked from the site: with the base address's path
    html: str
    group: str = ""  # the entry it belongs to ("" for the site's own pages): a group stays in one part
    period: str = ""  # the month its entry was published (YYYY-MM): which parts it may go in
    day: int = 0  # the day of that month (0: not known): which of the month's parts it goes in


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
    period: str = ""  # the month its entry was published (YYYY-MM)
    day: int = 0  # the day of that month it was published (0: not known)
    text_digest: str = ""  # the digest of the text it is made from, as the build knows it before reading it ("": not known)
    digest_now: Callable[[], str | None] = lambda: None  # that digest once the text is read (it may have been made again)

    @property
    def read_as_known(self) -> bool:
        """Whether the text sent to the index is the one `text_digest` names (after `text` was read)."""
        return bool(self.text_digest) and self.digest_now() == self.text_digest

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


def filters(site: Site, entry_on_day: EntryOnDay) -> dict[str, list[str]]:
    """The same filters the entry page declares with data-pagefind-filter."""
    entry = entry_on_day.entry
    rtype = site.type_of(entry)
    found = {"type": [rtype.singular] if rtype else [], "year": [str(entry.published.year)] if entry.published else [],
             "theme": list(entry.themes)}
    return {key: values for key, values in found.items() if values}


def indexed_pages(site: Site) -> list[str]:
    """The addresses of the pages the index holds: only live ones (a build renders these first, so
    that Pagefind starts while the others are made: `build.render_with_index`)."""
    renditions = [d.page_url for p in [*site.live_reviews, *site.pages] for d in p.downloads if d.rendition is not None]
    return [p.entry.url for p in site.live_reviews] + [p.entry.url for p in site.pages] + renditions + [ACCESSIBILITY]


def _indexed_documents(site: Site) -> Iterator[tuple[EntryOnDay, Download]]:
    """The documents whose text the index holds: live entries' PDFs."""
    for entry_on_day in site.live_reviews:
        for download in entry_on_day.downloads:
            if download.ref.is_pdf and download.ref.path is not None:
                yield entry_on_day, download


def records(site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str = "") -> tuple[list[PageRecord], list[DocumentRecord]]:
    """What the index holds: only live pages and the text of live entries' PDFs."""
    rendered = {page_address(f.path): f for f in pages if f.data is not None}
    reviews = {p.entry.url: (_period(p), _day(p)) for p in site.live_reviews}
    page_records = [PageRecord(prefix + url, rendered[url].data.decode("utf-8"), prefix + url if url in reviews else "",
                               *reviews.get(url, ("", 0)))
                    for url in indexed_pages(site) if url in rendered]
    documents = []
    for entry_on_day, download in _indexed_documents(site):
        # Its own address (Pagefind keeps one record per address), on the entry's page.
        load = partial(_searchable_text, download.ref.path, download.info.sha256, cache)
        documents.append(DocumentRecord(prefix + entry_on_day.entry.url + "#" + document_anchor(download.ref.name), entry_on_day.entry.title,
                                        f"{download.ref.title} ({download.info.format})", load, filters(site, entry_on_day),
                                        group=prefix + entry_on_day.entry.url, source=download.info.sha256,
                                        weight=_weight(download), period=_period(entry_on_day), day=_day(entry_on_day),
                                        text_digest=cache.texts.digest(download.info.sha256) or "",
                                        digest_now=partial(cache.texts.digest, download.info.sha256)))
    return page_records, documents


def _period(entry_on_day: EntryOnDay) -> str:
    """The month an entry was published: entries go up and come down in order of it, so the
    parts a day's changes touch are few."""
    return entry_on_day.entry.published.strftime("%Y-%m") if entry_on_day.entry.published else ""


def _day(entry_on_day: EntryOnDay) -> int:
    """The day of the month an entry was published (0: none): the reports going up or coming down
    on one day were published on one day, so they share a part of their month (`plan`)."""
    return entry_on_day.entry.published.day if entry_on_day.entry.published else 0


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
        """Everything that decides this part's files, without reading any document's text: of each
        page, only what Pagefind reads of it (`pagefind_adapter.indexed_digest`)."""
        return self._digest(pagefind.indexed_digest)

    def page_key(self) -> str:
        """As `key`, with each page's whole HTML instead: quicker to make, and it decides `key`."""
        return self._digest(lambda html: hashlib.sha256(html.encode("utf-8")).hexdigest())

    def _digest(self, of_page: Callable[[str], str]) -> str:
        digest = hashlib.sha256()
        for value in (FORMAT, _pagefind_version(), LANGUAGE, TEXT_HEADER, VERBATIM, self.folder):
            digest.update(f"{value}\n".encode("utf-8"))
        for page in self.pages:
            digest.update(f"page {page.url}\n{of_page(page.html)}\n".encode("utf-8"))
        for doc in self.documents:
            described = json.dumps([doc.url, doc.meta, doc.filters, doc.source, doc.text_digest], sort_keys=True)
            digest.update(f"document {described}\n".encode("utf-8"))
        return digest.hexdigest()


def index_weight(site: Site) -> int:
    """What `plan` weighs the site's index at (pages, counting each live PDF's pages), from the
    site alone: without rendering a page or reading a document."""
    return len(indexed_pages(site)) + sum(_weight(download) for _, download in _indexed_documents(site))


def plan(page_records: list[PageRecord], documents: list[DocumentRecord], weight: int | None = None,
         split_above: int | None = None, range_weight: int | None = None) -> list[Part]:
    """How the index is split: one index unless the site is large (more than `SPLIT_ABOVE`
    pages, counting each PDF's pages), then the site's own pages in the main bundle and the
    entries, each with its documents, by the month they were published. The oldest and the newest
    month of the live reports are each split by ranges of the day of publication (`day_ranges`:
    the month halved while heavier than `RANGE_WEIGHT`, each half so, down to a day); any other
    month is one part, or in ranges of days too if heavier than `PART_WEIGHT` (Pagefind's
    memory); and only a single day heavier than that in shares chosen from each entry's address.

    Reports come down a year after they were published, so the reports going up or coming down
    on a day were published on one day of the newest month or of the oldest: a day's changes
    touch the one range of days that holds that day in each, and every other part is taken from
    the cache (tests/test_search.py checks it for any site). When a range's weight crosses
    `RANGE_WEIGHT` it is halved (or its halves joined): that range alone is indexed again. Once a
    month, as a new month's first report goes up and the last of the oldest month's comes down,
    the month that stops being the newest is indexed again whole, and the month that becomes the
    oldest again in ranges (docs/performance.md, "A heavy month in parts by day", counts those
    nights). The other months stay whole because every part costs a reader's first search a few
    requests: a site of 10,000 entries has 14 to 18 parts rather than 26 with every month halved.
    A site of 2,000 entries (months of about 1,500 pages) has one part a month, as before.
    """
    weight = weight or PART_WEIGHT
    range_weight = min(range_weight or RANGE_WEIGHT, weight)
    split_above = SPLIT_ABOVE if split_above is None else split_above
    total = len(page_records) + sum(doc.weight for doc in documents)
    if total <= split_above:
        return [Part(BUNDLE, tuple(page_records), tuple(documents))]
    days: dict[str, dict[int, int]] = {}  # month: {day: pages}
    for record in [*(p for p in page_records if p.group), *documents]:
        month = days.setdefault(record.period, {})
        month[record.day] = month.get(record.day, 0) + getattr(record, "weight", 1)
    edges = edge_months(days)
    ranges = {(month, day): found for month, weights in days.items()
              for found in day_ranges(weights, range_weight if month in edges else weight)
              for day in weights if found[0] <= day < found[1]}

    def part_of(record: PageRecord | DocumentRecord) -> str:
        low, high = ranges[(record.period, record.day)]
        held = sum(pages for day, pages in days[record.period].items() if low <= day < high)
        share = int(hashlib.sha256(record.group.encode("utf-8")).hexdigest()[:8], 16) % math.ceil(held / weight)
        span = "" if (low, high) == WHOLE_MONTH else f"-d{max(low, 1):02d}-{high - 1:02d}"
        return f"{BUNDLE}/part-{record.period or 'undated'}{span}-{share + 1}"

    parts = {BUNDLE: Part(BUNDLE, tuple(p for p in page_records if not p.group), ())}
    held: dict[str, tuple[list[PageRecord], list[DocumentRecord]]] = {}
    for page in page_records:
        if page.group:
            held.setdefault(part_of(page), ([], []))[0].append(page)
    for doc in documents:
        held.setdefault(part_of(doc), ([], []))[1].append(doc)
    for folder in sorted(held):
        pages, docs = held[folder]
        parts[folder] = Part(folder, tuple(pages), tuple(docs))
    return list(parts.values())


def edge_months(months) -> set[str]:
    """The months whose reports go up or come down these days: the newest and the oldest month of
    the live reports (an entry with no date is never one)."""
    dated = [month for month in months if month]
    return {min(dated), max(dated)} if dated else set()


WHOLE_MONTH = (0, 32)  # the days of a month, as a range: 0 (not known) to 31


def day_ranges(weights: dict[int, int], limit: int, low: int = WHOLE_MONTH[0], high: int = WHOLE_MONTH[1]) -> Iterator[tuple[int, int]]:
    """The ranges of days [low, high) that a month whose days weigh `weights` ({day: pages}) is
    indexed in: the whole month if it weighs at most `limit`, else each half so, and so on down to
    one day. A range's fate depends on the weights of its own days alone, and always splits at the
    same day: a change on one day touches only the ranges that hold that day, so it re-indexes at
    most one range's records (see `plan`). Ranges with no records are left out."""
    held = sum(pages for day, pages in weights.items() if low <= day < high)
    if held == 0:
        return
    if held <= limit or high - low == 1:
        yield low, high
        return
    middle = (low + high) // 2
    yield from day_ranges(weights, limit, low, middle)
    yield from day_ranges(weights, limit, middle, high)


@functools.cache
def _pagefind_version() -> str:
    """Pagefind's version, once a process (reading packages' metadata costs about 10 ms a time)."""
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
    known = set(head.lower().split())
    words, keys = tail.split(), tail.lower().split()  # the same cuts: no letter's lower case is a space
    # Each word's first place in the tail, found by the dictionary (later places are overwritten
    # by earlier ones): a report's words once each, in order, without a loop in Python.
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))
    rest = [words[place] for place in sorted(place for key, place in first.items() if key not in known)]
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


def build_index(site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str = "",
                ready: Callable[[list[OutputFile]], None] | None = None,
                started: Callable[[], None] | None = None) -> SearchIndex:
    """The search bundle as output files; or none, and a warning when Pagefind is not installed or
    an error when the index could not be made. `ready` is given each part's files as soon as that
    part is made (or found in the cache), the very objects the bundle then holds: only the bundle
    says what the index is (a part given early is not in it when a later part failed). `started` is
    told once the first Pagefind processes are running (not at all when every part was in the cache)."""
    made: dict[str, list[OutputFile]] = {}

    def part_made(folder: str, data: dict[str, bytes]) -> None:
        made[folder] = [OutputFile(f"{folder}/{name}", data[name]) for name in sorted(data)]
        if ready is not None:
            ready(made[folder])

    try:
        parts = plan(*records(site, pages, cache, prefix))
        found = _indexed(parts, _PartCache(cache.folder / "search" if cache.folder is not None else None), part_made, started)
        start = start_list(parts, found)
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
    listed = [index["folder"] for index in start["indexes"][1:]]
    files = [OutputFile(f"{BUNDLE}/{PARTS_FILE}", (json.dumps(listed) + "\n").encode("utf-8")),
             OutputFile(f"{BUNDLE}/{START_FILE}", (json.dumps(start) + "\n").encode("utf-8"))]
    for part in parts:
        files += made[part.folder] if part.folder in made else \
            [OutputFile(f"{part.folder}/{name}", data) for name, data in sorted(found[part.folder].items())]
    return SearchIndex(sorted(files, key=lambda f: f.path))


def start_list(parts: list[Part], found: dict[str, dict[str, bytes]]) -> dict:
    """What search.js reads first (/pagefind/start.json): each index's folder below the bundle (the
    main bundle's is "") and the tag of its entry file, and every address Pagefind fetches to start
    them all (`pagefind_adapter.first_fetches`), so that the search page asks for them at once rather
    than one after another as Pagefind's script would. The small ones, every index's entry file and
    metadata, are in it too (`inline`: each address's bytes, in base64), so that the page need not ask
    for them at all: over HTTP/1.1 a browser asks six at a time, and at 14 indexes those 28 requests
    were half of a reader's first search (docs/performance.md, "The index's first files in
    start.json"). `preload` still names them, for a site's own copy of an older search.js. Made from
    the index's own files alone, so a build's is a cold build's, byte for byte."""
    indexes, preload, inline = [], [], {}
    for part in parts:
        folder = part.folder.removeprefix(BUNDLE).lstrip("/") + ("/" if part.folder != BUNDLE else "")
        files = found[part.folder]
        indexes.append({"folder": folder, "tag": pagefind.cache_tag(files)})
        fetched = pagefind.first_fetches(files, LANGUAGE, primary=part.folder == BUNDLE)
        preload += [folder + address for address in fetched]
        inline.update({folder + address: base64.b64encode(files[address.split("?")[0]]).decode("ascii")
                       for address in fetched if pagefind.is_data(address.split("?")[0])})
    return {"indexes": indexes, "preload": preload, "inline": inline}


class IndexInBackground:
    """`build_index`, in a thread of its own, started at once: Pagefind's processes index while the
    build makes and writes the rest of the site. On a day a report goes up or comes down, and in a
    first build, indexing is the longest step, and writing is mostly the kernel's work: where a core
    is free, one waits less for the other (docs/performance.md says how much). `result()` waits for the index. While it runs, the build forks no worker of
    itself (`parallel.can_fork`), and a PDF text not already read is not read (`document_text`);
    `reading.prepare` has read every live PDF's.

    Starting it returns once the first Pagefind processes run (or the index is found in the
    cache, or has failed): until then the thread does Python's work alone (the records, the parts'
    keys, the first parts' files), which shared with the build's own took five times as long,
    each file it wrote waiting for the interpreter's lock after the write
    (docs/performance.md, "The index started before the other pages")."""

    def __init__(self, site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str = ""):
        self._index: SearchIndex | None = None
        self._failure: BaseException | None = None
        self._parts: queue.SimpleQueue[list[OutputFile] | None] = queue.SimpleQueue()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(site, pages, cache, prefix), name="sitegen-search")
        self._thread.start()
        self._started.wait()

    def _run(self, site: Site, pages: list[OutputFile], cache: DocumentCache, prefix: str) -> None:
        try:
            self._index = build_index(site, pages, cache, prefix, ready=self._parts.put, started=self._started.set)
        except BaseException as exc:  # noqa: BLE001 - raised again where the build waits for it
            self._failure = exc
        finally:
            self._started.set()
            self._parts.put(None)  # no more parts

    def ready(self) -> Iterator[list[OutputFile]]:
        """Each part's files as it is made, until the last (for `outputs.LaterFiles.ready`: the
        build writes them while Pagefind makes the others). Only `result()` says what the index
        holds. Read once."""
        while (part := self._parts.get()) is not None:
            yield part

    def result(self) -> SearchIndex:
        """The index, once made (the same each time it is asked for)."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        assert self._index is not None
        return self._index


def _indexed(parts: list[Part], store: "_PartCache",
             made: Callable[[str, dict[str, bytes]], None] | None = None,
             started: Callable[[], None] | None = None) -> dict[str, dict[str, bytes]]:
    """Each part's files: from the cache, or indexed now (and then kept in the cache). `made` is
    told each part's files as soon as they are known (see `build_index`)."""
    # A part whose pages are the very same as in a build before is found under its pages' HTML;
    # otherwise under what search reads of them (reading each page: slower).
    # In a first build no part can be found: their keys are made while Pagefind runs, not before.
    first = store.holds_none()
    page_keys = {part.folder: part.page_key() for part in parts}
    keys: dict[str, str | None] = {}
    found: dict[str, dict[str, bytes] | None] = {}
    for part in parts:
        key = store.named(page_keys[part.folder]) if not first else None
        files = store.get(key) if key else None
        if files is None and not first:
            key = part.key()
            files = store.get(key)
        keys[part.folder], found[part.folder] = key, files
        if files is not None and made is not None:
            made(part.folder, files)
    todo = [part for part in parts if found[part.folder] is None]

    def keys_not_made() -> None:
        keys.update({part.folder: part.key() for part in todo if keys[part.folder] is None})

    if todo:
        indexed = _index_parts(todo, made, meanwhile=keys_not_made, started=started)
        keys_not_made()
        for part in todo:
            found[part.folder] = indexed[part.folder]
            # Kept only under a key that names every text it was made from: a text that could not be
            # kept, or was found damaged and made again, is indexed again by the next build.
            if all(doc.read_as_known for doc in part.documents):
                store.put(keys[part.folder], indexed[part.folder])
    for part in parts:
        store.name(page_keys[part.folder], keys[part.folder])
    store.keep(set(keys.values()), set(page_keys.values()))
    return found


def _index_parts(parts: list[Part], told: Callable[[str, dict[str, bytes]], None] | None = None,
                 meanwhile: Callable[[], None] | None = None,
                 started: Callable[[], None] | None = None) -> dict[str, dict[str, bytes]]:
    """Each part's index files (in a stable order: `pagefind_adapter.in_stable_order`), indexed by Pagefind processes `PARALLEL` at a time; `told`
    is given each part's files as it is made. The next part's records are written while `PARALLEL`
    others run, before waiting for one of them: written after, they kept a core waiting for Python
    (a month's records take 0.3 to 0.8 s to write, about half of Pagefind's time on them).
    `meanwhile` is done once, the first time all `PARALLEL` are running; `started` is told once,
    when the first `PARALLEL` (or all, if fewer) are running."""
    made: dict[str, dict[str, bytes]] = {}
    running: deque = deque()  # (part, process, its folder, deadline)
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as temp:
        try:
            for number, part in enumerate(parts):
                folder = Path(temp) / str(number)
                _write_part(part, folder / "site")
                if len(running) >= PARALLEL:
                    if meanwhile is not None:
                        meanwhile()
                        meanwhile = None
                    _collect(running.popleft(), made, told)
                process = pagefind.start(folder / "site", folder / "bundle", LANGUAGE)
                running.append((part, process, folder, time.monotonic() + TIME_LIMIT))
                if started is not None and (len(running) >= PARALLEL or number == len(parts) - 1):
                    started()
                    started = None
            while running:
                _collect(running.popleft(), made, told)
        finally:
            for _, process, _, _ in running:  # only after a failure: stop the others before their folder goes
                pagefind.stop(process)
    return made


def _collect(started: tuple, made: dict[str, dict[str, bytes]],
             told: Callable[[str, dict[str, bytes]], None] | None = None) -> None:
    part, process, folder, deadline = started
    files = pagefind.finish(process, folder / "bundle", deadline)
    if part.folder != BUNDLE:  # a part is searched with the main bundle's scripts
        files = {name: data for name, data in files.items() if pagefind.is_data(name)}
    made[part.folder] = files
    if told is not None:
        told(part.folder, files)


class _PartCache:
    """Each part's index files, kept under its key (one file each) between builds, and, under
    the key of its pages' HTML, the name of that key (see `_indexed`)."""

    KEEP_OTHERS = 8  # at least this many parts not used by this build are kept (a preview's, the day before's)

    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, key: str) -> dict[str, bytes] | None:
        if self.folder is None:
            return None
        found = read_sealed(self.folder / f"{key}.cbor")
        if found is None:
            return None
        try:
            files = cbor2.loads(found)
            if not (isinstance(files, dict) and all(isinstance(k, str) and isinstance(v, bytes) for k, v in files.items())):
                return None
        except (ValueError, EOFError, cbor2.CBORDecodeError):
            return None  # sealed, so only another cbor2's: indexed again
        try:
            os.utime(self.folder / f"{key}.cbor")  # recently used: kept longest
        except OSError:
            pass  # a cache the build may not write: the part is as good
        return files

    def holds_none(self) -> bool:
        """Whether no part is kept at all (a first build, or none kept): then none can be found."""
        if self.folder is None:
            return True
        try:
            with os.scandir(self.folder) as found:
                return not any(item.name.endswith(".cbor") for item in found)
        except OSError:
            return True  # nothing can be read from it either

    def put(self, key: str, files: dict[str, bytes]) -> None:
        if self.folder is None:
            return
        write_sealed(self.folder / f"{key}.cbor", cbor2.dumps(files))  # the cache only saves time

    def named(self, page_key: str) -> str | None:
        """The key of the part whose pages' HTML had this key, if a build recorded it."""
        if self.folder is None:
            return None
        found = read_sealed(self.folder / f"{page_key}.key")
        try:
            key = found.decode("ascii").strip() if found is not None else ""
        except ValueError:
            return None
        return key if len(key) == 64 and all(c in "0123456789abcdef" for c in key) else None

    def name(self, page_key: str, key: str) -> None:
        if self.folder is not None and self.named(page_key) != key:
            write_sealed(self.folder / f"{page_key}.key", key.encode("ascii"))

    def keep(self, used: set[str], used_names: set[str] = frozenset()) -> None:
        """Remove all but the parts (and names) in use and the most recently used others."""
        if self.folder is None:
            return
        try:  # a folder the build may not enter is never tidied: only kept (Path.is_dir raises then)
            if not self.folder.is_dir():
                return
            for suffix, kept in (("cbor", used), ("key", used_names)):
                others = [p for p in self.folder.glob(f"*.{suffix}") if p.stem not in kept]
                others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
                for path in others[max(self.KEEP_OTHERS, len(kept)):]:
                    path.unlink(missing_ok=True)
        except OSError:
            pass

"""Reading documents in forked workers within time limits: the documents a build has not seen yet
are inspected, their text read and Word originals made into web pages in worker processes
(`prepare`), so that a file which crashes or stalls the native code reading it loses only itself.
How a worker is isolated is said once, in `prepare`."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sitegen.core.cachefile import LEDGER, Ledger
from sitegen.core.parallel import fork_call, fork_pool, in_shared_worker, in_worker, result_of
from sitegen.documents import renditions
from sitegen.documents import text as pdftext
from sitegen.documents.cache import DocumentCache, copy_title
from sitegen.documents.inspection import inspect_as
from sitegen.documents.pdfinspect import make_copies
from sitegen.documents.record import DocumentInfo, file_format


def prepare(paths: list[Path], text_for: set[Path], cache: DocumentCache, workers: int | None = None,
            progress: Callable[[int, int], None] | None = None, word_originals: Sequence[Path] = (),
            titles: dict[Path, set[str]] | None = None) -> None:
    """Inspect the documents the cache does not know yet, extract the text of those in `text_for`,
    make the published copies of PDFs with the titles `titles` gives them (each PDF is published
    with the title its entry gives it) not made yet,
    and make the web pages of the Word files in `word_originals` not made yet (`renditions`),
    sharing them between forked workers (`parallel.fork_pool`: each takes the next document, the
    longest first, as soon as it is done with one) so that a cold build of a large site keeps
    every core busy to the end.

    How a document that crashes or stalls what reads it loses only itself (the one place this is
    said): qpdf, PDFium, mammoth and lxml are native code, and a file that crashed them would
    otherwise end the whole build. So they are all read in workers, never in the build's own
    process, and in a worker the kernel ends it after `READ_TIME_LIMIT` seconds on one document
    (`_time_limit`). A document a worker took and did not send back is done again in a worker of
    its own; a document no worker could read withholds its entry for this build
    (`_lost`, not cached, so the next build reads it again). Results are the same as inspecting them one by one: each depends
    only on the file's bytes. `progress` is told (0, how many) before they are read and (how many
    done, how many) after each tenth, so that a long first build can say what it is doing.
    """
    todo, seen = [], set()
    wanted: dict[str, set[str]] = {}  # each PDF's titles, by content hash (two files may be the same PDF)
    for path, named in (titles or {}).items():
        key = cache.hashes.of_readable(path) if path.suffix.lower() == ".pdf" else None
        if key is not None:  # one that cannot be read is told when it is inspected
            wanted.setdefault(key, set()).update(t for t in map(copy_title, named) if t)
    for path in paths:
        key = cache.hashes.of_readable(path)
        if key is None or key in seen:  # one that cannot be read is told when it is inspected
            continue
        seen.add(key)
        need_text = path in text_for and path.suffix.lower() == ".pdf" and not cache.texts.has(key)
        info = cache.infos.get(key)
        copies = tuple(sorted(wanted.get(key, ())))
        missing = info is not None and info.ok and any(cache.copies.get(key, title) is None for title in copies)
        if info is None or need_text or missing:
            todo.append(_Job(str(path), key, need_text, titles=copies))
    pages_to_make = set()
    for path in word_originals:
        key = cache.hashes.of_readable(path)
        if key is not None and key not in pages_to_make and not cache.rendition_known(key):
            pages_to_make.add(key)
            todo.append(_Job(str(path), key, rendition=True))
    if not todo:
        return
    if progress is not None:
        progress(0, len(todo))
    folder = str(cache.folder) if cache.folder is not None else None
    one = partial(_prepare_one, folder=folder)
    shared = workers if len(todo) >= PARALLEL_FROM else 1  # a few documents: one worker does them all
    costs = {job: _cost(job) for job in todo}
    todo = sorted(todo, key=costs.__getitem__, reverse=True)  # the longest first, so that none is left for last
    step = -(-len(todo) // PROGRESS_STEPS)

    def told(done: int) -> None:
        if progress is not None and (done % step == 0 or done == len(todo)):
            progress(done, len(todo))

    for done in fork_pool(one, todo, workers=shared, lost=_lost, told=told):
        LEDGER.add(done.ledger)
        if done.rendition is not None:
            cache.add_rendition(done.key, done.rendition)
            continue
        if done.info is None:
            continue
        if done.info.problem == LOST:
            cache.infos.add_lost(done.key, done.info)
            continue
        cache.infos.add_from_worker(done.key, done.info)
        for title, copy in done.copies:
            cache.copies.add_from_worker(done.key, copy, title)
        if done.text is not None:
            cache.texts.add_from_worker(done.key, done.text)
        if done.text_kept:
            cache.texts.written_by_worker(done.key)


TEXT_COST = 2.5  # reading a PDF's text costs PDFium about this many times what inspecting it costs (docs/performance.md)


def _cost(job: "_Job") -> float:
    """About how long a job takes, to share the jobs evenly: its file's size, more when its text is
    read too. A file that cannot be read now costs nothing here (its job tells why)."""
    try:
        size = os.stat(job.path).st_size
    except OSError:
        return 0.0
    return size * (1 + TEXT_COST) if job.text else float(size)


READ_TIME_LIMIT = 60  # seconds a worker may spend on one document: inspecting it, its text or its web page (the 117-page report of the tests takes 0.1 s)
PARALLEL_FROM = 16  # documents to inspect before it pays to share them between workers
PROGRESS_STEPS = 10  # progress is told after each tenth of the documents


@dataclass(frozen=True)
class _Job:
    """One document for `prepare`: to inspect (and read the text of, when `text`), or, when
    `rendition`, a Word file to make into a web page."""
    path: str
    key: str
    text: bool = False
    rendition: bool = False
    titles: tuple[str, ...] = ()  # a PDF's published copies to make, by their titles


@dataclass(frozen=True)
class _Prepared:
    """What a worker found out about one `_Job` (beyond what it wrote to the cache folder)."""
    key: str
    info: DocumentInfo | None = None
    copies: tuple[tuple[str | None, bytes], ...] = ()  # published copies (by title) that could not be written to the folder
    text: str | None = None  # the text, when it could not be kept in the folder
    text_kept: bool = False  # the text is in the folder
    rendition: renditions.Rendition | None = None
    ledger: Ledger | None = None  # what the worker found damaged, or could not keep (`cachefile.LEDGER`)


def _prepare_one(job: _Job, folder: str | None) -> _Prepared:
    """Inspect one document, or make one Word file's web page, writing to the shared cache folder
    (or, without one, returning the published copy and the text), within `READ_TIME_LIMIT`."""
    cache = DocumentCache(Path(folder) if folder else None, use_index=False)
    if job.rendition:
        with _time_limit():  # mammoth and lxml read what the file holds, whatever it holds
            made = renditions.rendition_of(Path(job.path), job.key, cache.folder, {})
        return _Prepared(job.key, rendition=made, ledger=LEDGER.take())
    try:
        with _time_limit():
            info = inspect_as(Path(job.path), job.key, cache, job.titles)
            missing = [title for title in job.titles if cache.copies.get(job.key, title) is None]
            if missing and info.ok and info.format == "PDF":
                make_copies(Path(job.path), job.key, tuple(missing), cache)
    except OSError:  # gone, or not allowed: the build's own `inspect` tells it
        return _Prepared(job.key, ledger=LEDGER.take())
    text = None
    if job.text and info.ok:
        text = cache.texts.get(job.key)
        if text is None:
            copy = cache.copies.get(job.key, job.titles[0] if job.titles else None)
            text = _isolated_text(copy or Path(job.path), or_here=True)
            if text is not None:
                cache.texts.put(job.key, text)
    kept = job.text and cache.texts.in_folder(job.key)
    copies = tuple((title, data) for (key, title), data in cache.copies.in_memory.items() if key == job.key)
    return _Prepared(job.key, info, copies, None if kept else text, kept, ledger=LEDGER.take())


LOST = ("could not be read: reading it crashed, or had not finished after "
        f"{READ_TIME_LIMIT} seconds, so it is not published.")


def _lost(job: _Job) -> _Prepared:
    """`_prepare_one`'s result for a document whose every reading crashed or ran out of time (see
    `parallel.fork_pool`): a problem, so its entry is withheld. It is not kept in the cache: the next
    build reads the file again."""
    advice = ("The file may be damaged, or made to break the programs that read it. Save or export it "
              "again and replace the file in reports/. If this message stays, report it to sitegen's maintainers.")
    if job.rendition:
        return _Prepared(job.key, rendition=renditions.Rendition(
            problem=f"could not be made into a web page: reading it crashed, or had not finished after {READ_TIME_LIMIT} "
                    "seconds, so it is not published.", advice=advice))
    try:
        size = os.stat(job.path).st_size
    except OSError:
        size = 0
    return _Prepared(job.key, DocumentInfo(job.key, size, file_format(job.path), problem=LOST, advice=advice))


def document_text(path: Path, sha256: str, cache: DocumentCache) -> str:
    """The text of a PDF, for the search index: extracted once per content, then cached.

    `prepare` has extracted it already, unless PDFium could not read it. Read here, it is read
    only in a process of its own (this may be a thread of the search, where forking is not safe:
    then it is not read). A PDF whose text cannot be read gives "", and the next build tries again.
    """
    cached = cache.texts.get(sha256)
    if cached is not None:
        return cached
    if path.suffix.lower() != ".pdf":
        return ""
    text = _isolated_text(cache.copies.get(sha256) or path, or_here=False)
    if text is None:
        return ""
    cache.texts.put(sha256, text)
    return text


def _isolated_text(source: Path | bytes, or_here: bool) -> str | None:
    """`extract_pdf_text` where a crash in PDFium, or its running for longer than `READ_TIME_LIMIT`,
    loses only this PDF's text (None if it did not come back): read here in a worker `fork_pool`
    forked (see `prepare`), else in a worker of its own. Where forking is not safe (other threads are running, or not Linux), PDFium
    reads it in this process if `or_here`, else it is not read (None)."""
    if in_shared_worker():
        return _text_within_time_limit(source)
    started = fork_call(partial(_text_within_time_limit, source))
    if started is None:
        return pdftext.extract_pdf_text(source) if or_here else None
    pid, pipe = started
    with os.fdopen(pipe, "rb") as handle:
        data = handle.read()
    found = result_of(pid, data)
    return found if isinstance(found, str) else None


@contextmanager
def _time_limit() -> Iterator[None]:
    """In a worker (`parallel.in_worker`), the kernel ends the worker if what runs inside takes
    longer than `READ_TIME_LIMIT`, as it would after a crash, even inside native code (qpdf's, PDFium's:
    an alarm left at its default action; a Python handler would wait for them to return): why, in
    `prepare`. In the build's own process: no limit."""
    if not in_worker():
        yield
        return
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(READ_TIME_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)


def _text_within_time_limit(source: Path | bytes) -> str:
    """`extract_pdf_text`, in a worker only (see `_isolated_text`), within `READ_TIME_LIMIT`."""
    with _time_limit():
        return pdftext.extract_pdf_text(source)

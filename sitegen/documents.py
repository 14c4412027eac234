"""Inspect documents: size, format, page count, title and safety, cached by content hash.

A PDF that is not really a PDF, is password-protected or is damaged cannot be
published: the entry that lists it is withheld with a message saying so.
Inspecting a PDF also makes the copy that is published, without the personal
details in its properties (see `sitegen.pdfsafety`).
What a PDF tells us, and its published copy, depend only on its bytes, so both
are cached under the SHA-256 of the file, in a folder outside the output. A
PDF's text (for the search index) is extracted only when asked for, and cached
beside its details.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # pypdf is imported when a PDF is first read: a build with a warm cache never needs it
    from pypdf import PdfReader

from sitegen import pdfsafety
from sitegen.cachefile import write_whole
from sitegen.parallel import cpus
from sitegen.pdfsafety import PdfSafety

# Bump CACHE_VERSION when what is cached changes, CLEAN_VERSION when the published copy does.
CACHE_VERSION = 2
CLEAN_VERSION = 1
VERSION = f"{CACHE_VERSION}.{CLEAN_VERSION}"
# First line of a cached text file. Bump it when the extracted text changes: older files are then misses.
# 2: PDFium (pypdfium2) extracts the text instead of pypdf.
TEXT_HEADER = "sitegen document text 2\n"
FORMATS = {
    ".pdf": "PDF", ".docx": "Word document", ".doc": "Word document", ".odt": "OpenDocument text",
    ".xlsx": "Excel spreadsheet", ".xls": "Excel spreadsheet", ".ods": "OpenDocument spreadsheet",
    ".csv": "CSV spreadsheet", ".pptx": "PowerPoint presentation", ".rtf": "Rich text document",
    ".txt": "Plain text", ".html": "Web page",
}


@dataclass(frozen=True)
class DocumentInfo:
    sha256: str
    size: int
    format: str  # "PDF", "Word document"
    pages: int | None = None  # PDFs only
    title: str | None = None  # from the PDF's own metadata
    problem: str | None = None  # why it cannot be published, in plain English
    advice: str | None = None
    safety: PdfSafety | None = None  # PDFs only: what it carries besides its pages
    personal: tuple[str, ...] = ()  # Word, Excel and PowerPoint files: properties that can name people
    published_size: int | None = None  # PDFs only: the size of the copy that is published

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        """'PDF, 1.2 MB, 34 pages'."""
        parts = [self.format, human_size(self.published_size or self.size)]
        if self.pages is not None:
            parts.append(f"{self.pages} page" + ("" if self.pages == 1 else "s"))
        return ", ".join(parts)


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


def file_format(name: str) -> str:
    return FORMATS.get(Path(name).suffix.lower(), (Path(name).suffix.lstrip(".").upper() or "File"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DocumentCache:
    """What documents tell us, keyed by content hash; None folder = no cache."""

    def __init__(self, folder: Path | None, use_index: bool = True):
        self.folder = folder
        self.use_index = use_index  # a worker process is given only documents the index does not know
        # Files another process (a preview) adds to the folder after this build began are not this
        # build's to judge: `prune` leaves every file written since.
        self._began_ns = time.time_ns()
        self._memory: dict[str, DocumentInfo] = {}
        self._copies: dict[str, bytes] = {}  # published copies kept in memory when they cannot be cached
        self._texts: dict[str, str] = {}  # texts extracted by workers when there is no cache folder
        self._hashes: dict[str, tuple[tuple[int, int, int], str]] | None = None  # path -> (stat, sha256)
        self._hashes_changed = False
        # What the folder's per-document files say, gathered in one file (INDEX) so that a warm
        # build reads one file instead of two for each document. Entries never go stale: each is
        # filed under its document's content hash and the cache's versions.
        self._index: dict[str, dict] | None = None  # sha256 -> DocumentInfo as stored
        self._with_text: set[str] = set()  # sha256s whose text is in the folder
        self._index_changed = False

    # --- content hashes, remembered by file status (as git's index does) ---------

    def key_of(self, path: Path) -> str:
        """The SHA-256 of a file, read again only when its size, time or inode changed."""
        status = path.stat()
        stamp = (status.st_size, status.st_mtime_ns, status.st_ino)
        hashes = self._load_hashes()
        name = str(path)
        known = hashes.get(name)
        if known is not None and tuple(known[0]) == stamp:
            return known[1]
        key = sha256_of(path)
        hashes[name] = (stamp, key)
        self._hashes_changed = True
        return key

    def load_hashes(self) -> None:
        """Read the remembered hashes now rather than when first needed (a preview, after its build)."""
        self._load_hashes()

    def _load_hashes(self) -> dict:
        if self._hashes is None:
            self._hashes = {}
            if self.folder is not None:
                try:
                    data = json.loads((self.folder / "hashes.json").read_text(encoding="utf-8"))
                    if data.get("version") == 1:
                        self._hashes = {k: (tuple(v[0]), v[1]) for k, v in data["files"].items()}
                except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
                    self._hashes = {}  # a damaged index only costs hashing again
        return self._hashes

    def save(self) -> None:
        """Keep the remembered hashes, and the index of what documents told us, for the next build."""
        if self.folder is None:
            return
        if self._hashes_changed:
            data = {"version": 1, "files": {k: [list(v[0]), v[1]] for k, v in sorted(self._hashes.items())}}
            self._write(self.folder / "hashes.json", json.dumps(data).encode("utf-8"))
            self._hashes_changed = False
        if self._index_changed:
            index = self._load_index()
            index.update((key, asdict(info)) for key, info in self._memory.items())
            data = {"version": VERSION, "text": TEXT_HEADER, "documents": dict(sorted(index.items())),
                    "texts": sorted(self._with_text)}
            self._write(self.folder / INDEX, json.dumps(data).encode("utf-8"))
            self._index_changed = False

    def _load_index(self) -> dict[str, dict]:
        if self._index is None:
            self._index = {}
            if self.folder is not None and self.use_index:
                try:
                    data = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
                    if data.get("version") == VERSION and data.get("text") == TEXT_HEADER:
                        self._index = dict(data["documents"])
                        self._with_text |= set(data["texts"])
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    self._index = {}  # a damaged index only costs reading each document's file
        return self._index

    def prune(self) -> int:
        """Forget documents that are no longer in reports/: after a whole build, the cache keeps
        only what it holds for files still there as they were hashed (any state: a report that came
        down but is still in reports/ keeps its entry), so it grows with reports/, not with every
        version of every PDF ever built. A removed entry only costs reading that file again.
        Files written since this cache was opened are left alone: `sitegen serve` may have just
        read a report added to reports/ after this build looked. Returns the number of files removed."""
        if self.folder is None:
            return 0
        hashes = self._load_hashes()
        for name, (stamp, _) in list(hashes.items()):
            try:
                status = os.stat(name)
            except OSError:
                status = None
            if status is None or (status.st_size, status.st_mtime_ns, status.st_ino) != tuple(stamp):
                del hashes[name]  # gone, or changed since: its old content is no longer anywhere
                self._hashes_changed = True
        kept = {key for _, key in hashes.values()}
        index = self._load_index()
        for key in index.keys() - kept:
            del index[key]
            self._index_changed = True
        if self._with_text - kept:
            self._with_text &= kept
            self._index_changed = True
        self._memory = {key: info for key, info in self._memory.items() if key in kept}
        self.save()
        kept_names = {f"{key}{suffix}" for key in kept for suffix in (".json", ".txt", f".published-{CLEAN_VERSION}.pdf")}
        removed = 0
        try:
            found = list(os.scandir(self.folder / "documents"))
        except OSError:
            return 0
        for item in found:
            if item.name not in kept_names and item.is_file(follow_symlinks=False):
                try:
                    if item.stat(follow_symlinks=False).st_mtime_ns < self._began_ns:
                        os.unlink(item.path)
                        removed += 1
                except OSError:
                    pass  # removed by another build, or not ours to remove: left as it is
        return removed

    def _file(self, key: str, suffix: str = ".json") -> Path:
        return self.folder / "documents" / f"{key}{suffix}"

    def _copy_file(self, key: str) -> Path:
        return self.folder / "documents" / f"{key}.published-{CLEAN_VERSION}.pdf"

    def get(self, key: str) -> DocumentInfo | None:
        if key in self._memory:
            return self._memory[key]
        if self.folder is None:
            return None
        info = _info_from(self._load_index().get(key))
        if info is None:
            try:
                data = json.loads(self._file(key).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None  # a missing or damaged cache entry is just a miss
            if not isinstance(data, dict) or data.pop("version", None) != VERSION:
                return None
            info = _info_from(data)
            if info is None:
                return None
            self._index_changed = True  # the next index has it
        self._memory[key] = info
        return info

    def put(self, key: str, info: DocumentInfo) -> None:
        self._memory[key] = info
        if self.folder is None:
            return
        self._index_changed = True
        text = json.dumps({"version": VERSION, **asdict(info)}, sort_keys=True)
        self._write(self._file(key), text.encode("utf-8"))

    def remember(self, key: str, info: DocumentInfo, copy: bytes | None) -> None:
        """What another process found out (it has already written the cache folder)."""
        self._memory[key] = info
        self._index_changed = True
        if copy is not None:
            self._copies[key] = copy

    def remember_text(self, key: str, text: str) -> None:
        """A text a worker extracted, when there is no cache folder to hold it."""
        self._texts[key] = text

    def get_text(self, key: str) -> str | None:
        """A document's cached text (read from the folder each time: it can be long)."""
        if key in self._texts:
            return self._texts[key]
        if self.folder is None:
            return None
        try:
            text = self._file(key, ".txt").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None
        return text[len(TEXT_HEADER):] if text.startswith(TEXT_HEADER) else None

    def has_text(self, key: str) -> bool:
        """Whether a document's text is cached (without reading it)."""
        if key in self._texts:
            return True
        if self.folder is None:
            return False
        self._load_index()
        if key in self._with_text:
            return True
        try:
            with self._file(key, ".txt").open("rb") as handle:
                found = handle.read(len(TEXT_HEADER)) == TEXT_HEADER.encode("utf-8")
        except OSError:
            return False
        if found:
            self.text_kept(key)
        return found

    def text_kept(self, key: str) -> None:
        """A document's text is in the folder (written by this process or a worker)."""
        self._load_index()
        if key not in self._with_text:
            self._with_text.add(key)
            self._index_changed = True

    def put_text(self, key: str, text: str) -> None:
        if self.folder is not None and self._write(self._file(key, ".txt"), (TEXT_HEADER + text).encode("utf-8")):
            self.text_kept(key)

    def get_copy(self, key: str) -> Path | bytes | None:
        """The published copy of a PDF: its file in the cache, or its bytes when there is no cache folder."""
        if key in self._copies:
            return self._copies[key]
        if self.folder is not None and self._copy_file(key).is_file():
            return self._copy_file(key)
        return None

    def put_copy(self, key: str, data: bytes) -> None:
        if self.folder is None or not self._write(self._copy_file(key), data):
            self._copies[key] = data

    def _write(self, target: Path, data: bytes) -> bool:
        return write_whole(target, data)  # the cache only saves time; a read-only folder still builds


INDEX = "documents.json"  # in the cache folder, beside documents/ (which `prune` empties of all else)


def _info_from(data: dict | None) -> DocumentInfo | None:
    """A DocumentInfo as the cache stores it (without its version), or None if it is not one."""
    if not isinstance(data, dict):
        return None
    try:
        data = dict(data)
        if data.get("safety") is not None:
            data["safety"] = PdfSafety.from_dict(data["safety"])
        data["personal"] = tuple(data.get("personal", ()))
        return DocumentInfo(**data)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def inspect(path: Path, cache: DocumentCache) -> DocumentInfo:
    """What a document is; never raises for bad content."""
    return inspect_as(path, cache.key_of(path), cache)


def inspect_as(path: Path, key: str, cache: DocumentCache) -> DocumentInfo:
    """`inspect` for a file whose content hash is known."""
    cached = cache.get(key)
    if cached is not None:
        return cached
    size = path.stat().st_size
    if path.suffix.lower() == ".pdf":
        info = inspect_pdf(path, key, size, cache)
    elif path.suffix.lower() in (".docx", ".xlsx", ".pptx"):
        info = DocumentInfo(key, size, file_format(path.name), personal=pdfsafety.office_personal(path))
    else:
        info = DocumentInfo(key, size, file_format(path.name))
    cache.put(key, info)
    return info


def prepare(paths: list[Path], text_for: set[Path], cache: DocumentCache, workers: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> None:
    """Inspect, in parallel processes, the documents the cache does not know yet, and extract
    the text of those in `text_for`, so that a cold build of a large site uses every core.

    Text is always extracted in a worker process: PDFium is native code, and a PDF that
    crashed it would otherwise end the whole build. If a worker dies, its documents are
    inspected by the build as it goes, and their text read with pypdf (`document_text`).
    Results are the same as inspecting them one by one: each depends only on the file's bytes.
    `progress` is told (0, how many) before they are read and (how many done, how many) after
    each, so that a long first build can say what it is doing.
    """
    workers = workers or cpus()
    todo, seen = [], set()
    for path in paths:
        key = cache.key_of(path)
        if key in seen:
            continue
        seen.add(key)
        need_text = path in text_for and path.suffix.lower() == ".pdf" and not cache.has_text(key)
        if cache.get(key) is None or need_text:
            todo.append((str(path), key, need_text))
    if not any(need_text for *_, need_text in todo) and (workers < 2 or len(todo) < PARALLEL_FROM):
        return  # not worth starting processes: the build inspects them as it goes
    if progress is not None:
        progress(0, len(todo))
    import multiprocessing  # here: only a build with documents to read needs processes
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    folder = str(cache.folder) if cache.folder is not None else None
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=context) as pool:
        jobs = [pool.submit(_prepare_one, path, key, need_text, folder) for path, key, need_text in todo]
        for done, job in enumerate(jobs, 1):
            try:
                key, info, copy, text, kept = job.result()
            except BrokenProcessPool:
                continue  # a worker died (a crash in native code): see above
            finally:
                if progress is not None:
                    progress(done, len(jobs))
            cache.remember(key, info, copy)
            if text is not None:
                cache.remember_text(key, text)
            if kept:
                cache.text_kept(key)


PARALLEL_FROM = 16  # documents to inspect before it pays to start processes


def _prepare_one(path: str, key: str, need_text: bool, folder: str | None):
    """In a worker process: inspect one document, writing to the shared cache folder
    (or, without one, returning the published copy and the text)."""
    cache = DocumentCache(Path(folder) if folder else None, use_index=False)
    info = inspect_as(Path(path), key, cache)
    text = None
    if need_text and info.ok:
        text = cache.get_text(key)
        if text is None:
            text = extract_pdf_text(Path(path))
            cache.put_text(key, text)
    kept = folder is not None and need_text and cache.has_text(key)
    return key, info, cache._copies.get(key), text if folder is None else None, kept


def published_copy(path: Path, info: DocumentInfo, cache: DocumentCache) -> Path | bytes | None:
    """What is published for a document: the cleaned copy of a PDF (None if it cannot be made), else the file itself."""
    if info.format != "PDF":
        return path
    found = _whole(cache.get_copy(info.sha256), info)
    if found is None and sha256_of(path) == info.sha256:  # the cache was emptied (or damaged) since it was inspected
        inspect_pdf(path, info.sha256, info.size, cache)
        found = _whole(cache.get_copy(info.sha256), info)
    return found


def _whole(copy: Path | bytes | None, info: DocumentInfo) -> Path | bytes | None:
    """A cached copy, unless it is not the size it was made: sitegen writes each one whole, but a
    copy of the cache folder cut short (a CI cache restored halfway) must never be published."""
    if isinstance(copy, Path) and info.published_size is not None:
        try:
            if copy.stat().st_size != info.published_size:
                return None
        except OSError:
            return None
    return copy


def inspect_pdf(path: Path, key: str, size: int, cache: DocumentCache) -> DocumentInfo:
    def bad(problem: str, advice: str) -> DocumentInfo:
        return DocumentInfo(key, size, "PDF", problem=problem, advice=advice)

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        return bad("is not a PDF, although its name ends in .pdf.",
                   "Export or save the report as PDF again, and replace the file in reports/.")
    try:
        with open_pdf(path) as reader:
            if reader is None:
                return bad("is password-protected, so readers could not open it.",
                           "Save a copy without a password (in most PDF tools: File, Properties, Security: No security) and replace the file in reports/.")
            pages = _page_count(reader)
            title = _metadata_title(reader)
    except read_errors():
        return bad("is damaged and could not be read.",
                   "Open it in a PDF reader to check it, export it as PDF again, and replace the file in reports/.")
    if pages == 0:
        return bad("has no pages.", "Export the report as PDF again and replace the file in reports/.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            safety = pdfsafety.audit(reader, title)
    except Exception:  # noqa: BLE001 - odd structures: say what cannot be vouched for
        safety = PdfSafety(personal=("properties that could not be read",))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copy = pdfsafety.clean(reader, key, title)
            from pypdf import PdfReader

            if len(PdfReader(io.BytesIO(copy)).pages) != pages:
                raise ValueError("the copy lost pages")
    except Exception:  # noqa: BLE001 - any failure means no safe copy: the entry is withheld
        return bad("could not be copied without the personal details in its file properties, so it is not published.",
                   "Export it as PDF again (or print it to PDF) and replace the file in reports/.")
    cache.put_copy(key, copy)
    return DocumentInfo(key, size, "PDF", pages=pages, title=title, safety=safety, published_size=len(copy))


def read_errors() -> tuple[type[BaseException], ...]:
    """What pypdf raises for damaged files, besides its own errors."""
    from pypdf.errors import PdfReadError, PyPdfError

    return (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError)


@contextmanager
def open_pdf(path: Path) -> Iterator[PdfReader | None]:
    """A quiet PdfReader, None when a password is needed; raises one of `read_errors()` when damaged."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            # Some PDFs are encrypted with an empty password (only to set permissions):
            # anyone can open them, so they can be published.
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises many kinds for odd encryption
                opened = 0
            if not opened:
                reader = None
        yield reader


def document_text(path: Path, sha256: str, cache: DocumentCache) -> str:
    """The text of a PDF, for the search index: extracted once per content, then cached.

    `prepare` extracts it, with PDFium, in a worker process. Read here only if that
    worker died, it is read with pypdf, which cannot crash this process.
    A page whose text cannot be extracted is skipped; a document without text gives "".
    """
    cached = cache.get_text(sha256)
    if cached is not None:
        return cached
    text = _join_pages(_pypdf_page_texts(path)) if path.suffix.lower() == ".pdf" else ""
    cache.put_text(sha256, text)
    return text


def extract_pdf_text(path: Path) -> str:
    """A PDF's text for the search index: its pages' text, each stripped, with runs of spaces
    and tabs collapsed, joined by blank lines ("" when it has none). Never raises for bad content.

    PDFium (pypdfium2) reads it, about four times faster than pypdf; a document PDFium cannot
    open, or none of whose pages it can read, is read by pypdf instead. A page that fails is skipped.
    """
    try:
        pages = _pdfium_page_texts(path)
    except Exception:  # noqa: BLE001 - whatever PDFium makes of a damaged file, pypdf gets a try
        pages = _pypdf_page_texts(path)
    return _join_pages(pages)


def _join_pages(pages: list[str]) -> str:
    texts = (_clean_text(text) for text in pages)
    return "\n\n".join(text for text in texts if text)


def _pdfium_page_texts(path: Path) -> list[str]:
    """Each page's text as PDFium gives it; raises when the document cannot be read.

    Every PDFium object is closed before returning (nothing is kept between calls, so
    that forked worker processes start with no open documents).
    """
    import pypdfium2  # imported here: importing sitegen stays quick, and a build with a warm cache never loads PDFium

    pages: list[str] = []
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # An empty password opens PDFs encrypted only to set permissions; others raise.
        document = pypdfium2.PdfDocument(str(path), password="")
        try:
            for index in range(len(document)):
                page = textpage = None
                try:
                    page = document[index]
                    textpage = page.get_textpage()
                    pages.append(textpage.get_text_range())
                except Exception:  # noqa: BLE001 - a page PDFium cannot read is skipped
                    failed += 1
                finally:
                    if textpage is not None:
                        textpage.close()
                    if page is not None:
                        page.close()
        finally:
            document.close()
    if failed and not pages:
        raise ValueError("PDFium could not read any page")
    return pages


def _pypdf_page_texts(path: Path) -> list[str]:
    """Each page's text as pypdf gives it (the extractor before PDFium; slower): [] for a
    damaged or password-protected file, and a page that cannot be read is skipped."""
    pages = []
    try:
        with open_pdf(path) as reader:
            for page in reader.pages if reader is not None else ():
                try:
                    pages.append(page.extract_text() or "")
                except read_errors():
                    continue
    except read_errors():
        pass
    return pages


# PDFium marks a hyphen that it takes to split a word at the end of a line, and joins the
# word's halves: U+FFFE from FPDFText_GetText (0x02 from FPDFText_GetBoundedText). The
# marker goes, leaving the whole word (a real hyphen that falls at a line's end goes too).
# Other control characters (codes of fonts that do not say which letters they draw, such
# as TeX's maths fonts), private-use characters (glyphs of symbol fonts, which no one can
# type into a search box), lone surrogates and U+FFFF become spaces.
_SOFT_HYPHEN = re.compile(r"[\x02\ufffe]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\uffff\U000f0000-\U0010ffff]")


def _clean_text(text: str) -> str:
    """One page's text as the index holds it: Unix line ends, no control characters, runs
    of spaces and tabs collapsed, stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_TEXT.sub(" ", _SOFT_HYPHEN.sub("", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def _page_count(reader: PdfReader) -> int:
    """The page tree's own /Count when it is sound (one object read); else count the pages
    one by one, which reads every page object (several times slower on long reports)."""
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        if isinstance(count, int) and 0 < count < 100_000:
            return int(count)
    except read_errors():
        pass
    return len(reader.pages)


def _metadata_title(reader: PdfReader) -> str | None:
    try:
        meta = reader.metadata
        title = meta.title if meta else None
    except Exception:  # noqa: BLE001 - unreadable metadata is common and harmless here
        return None
    if isinstance(title, str):
        title = " ".join(title.split())
        return title or None
    return None

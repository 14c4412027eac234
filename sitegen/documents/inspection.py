"""Inspect documents: size, format, page count, title and safety, cached by content hash.

A PDF that is not really a PDF, is password-protected, is damaged or is beyond
what one report can sanely cost (more than MAX_PAGES pages, or more than
MAX_UNPACKED bytes of content once uncompressed) cannot be published: the entry
that lists it is withheld with a message saying so, and the build goes on. So is
a PDF with active content or files attached inside it (`pdfsafety.active_content`).
Inspecting a PDF also makes the copy that is published, without the personal
details it carries and with the title its entry gives it (see `sitegen.documents.pdfsafety`),
and checks that copy once written. qpdf (through pikepdf) does all of this;
PDFium (pypdfium2) reads the published copy's text for search.
What a PDF tells us depends only on its bytes, and its published copy on its
bytes and its title, so both are cached (under the SHA-256 of the file, and of
the title for a copy), in a folder outside the output. A
PDF's text (for the search index) is extracted only when asked for, and cached
beside its details."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import zlib
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # pikepdf is imported when a PDF is first read: a build with a warm cache never needs it
    import pikepdf

from sitegen.documents import pdfsafety, renditions
from sitegen.core.cachefile import LEDGER, Ledger, read_sealed, read_sealed_digest, seal_digest, write_sealed, write_whole
from sitegen.core.parallel import fork_call, fork_map, in_copy, in_shared_copy, result_of
from sitegen.documents.pdfsafety import PdfSafety

# Bump CACHE_VERSION when what is cached changes, CLEAN_VERSION when the published copy does.
# 5: every kept file is sealed (`sitegen.core.cachefile`); a published copy's SHA-256 is kept beside it;
#    PDFs with active content or attached files are withheld; the audit finds hidden personal data
#    and the PDF's own title, and no longer counts the program that made it (Creator) as personal.
# 3: the audit says which parts it could not read; PDFs over the limits are withheld.
# 3 (copy): the entry's title for the document; no metadata or private data anywhere, no comment
#    authors; checked once written (`pdfsafety.leftovers`).
# 2 (copy): made with qpdf instead of pypdf.
CACHE_VERSION = 5
CLEAN_VERSION = 3
# What one PDF may cost to read. Reports run to hundreds of pages and tens of megabytes of
# content; a file past these is damaged or made to exhaust whatever reads it.
MAX_PAGES = 10_000
MAX_UNPACKED = 500_000_000  # bytes of content, fonts and other non-image data once uncompressed
VERSION = f"{CACHE_VERSION}.{CLEAN_VERSION}"
# First line of a cached text file. Bump it when the extracted text changes: older files are then misses.
# 2: PDFium (pypdfium2) extracts the text instead of pypdf.
TEXT_HEADER = "sitegen document text 2\n"
TEXT_HEADER_BYTES = TEXT_HEADER.encode("utf-8")
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
    with path.open("rb") as handle:
        return _sha256_of_handle(handle)


def _sha256_of_handle(handle: io.BufferedReader) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


class FileHashes:
    """hashes.json: each file's SHA-256, remembered with its size, modification time, inode and
    change time, so that a file is read again only when one of them changed.

    The change time is what cannot be faked cheaply: copying another file over a report keeps its
    inode, and `touch -r` (or `os.utime`) puts its modification time back, but both set the change
    time to the moment they ran, and only the kernel sets it. Reading every file again instead
    would cost a warm build 0.16 s at 2,000 reports, growing with reports/ (see docs/performance.md).
    As in git's index, a file changed in the same tick of the file system's clock as the hash was
    remembered could keep its change time: a stamp not older than hashes.json itself is not
    trusted (`_racy`), and the file is read again."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, ...], str]] | None = None  # path -> (stamp, sha256)
        self._changed = False

    def of(self, path: Path) -> str:
        """The SHA-256 of a file, read again only when its stamp (`stamp_of`) changed. Raises
        OSError when the file cannot be read (gone since it was listed, or not allowed)."""
        with open(path, "rb") as handle:  # opened, not only looked at: a file the build may not read is told
            stamp = stamp_of(os.fstat(handle.fileno()))
            known = self.load()
            name = str(path)
            found = known.get(name)
            if found is not None and tuple(found[0]) == stamp:
                return found[1]
            key = _sha256_of_handle(handle)
        known[name] = (stamp, key)
        self._changed = True
        return key

    def of_readable(self, path: Path) -> str | None:
        """`of`, or None when the file cannot be read."""
        try:
            return self.of(path)
        except OSError:
            return None

    def load(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """The remembered hashes (read when first needed; a preview asks for them after its build),
        but those whose stamp was taken too near the moment they were written to be trusted."""
        if self._known is None:
            self._known = {}
            if self.folder is not None:
                path = self.folder / HASHES
                data = read_sealed(path)
                try:
                    written = os.stat(path).st_mtime_ns if data is not None else 0
                    found = json.loads(data) if data is not None else {}
                    if found.get("version") == 2:
                        self._known = {k: (tuple(v[0]), v[1]) for k, v in found["files"].items()
                                       if not _racy(v[0], written)}
                except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
                    self._known = {}  # a damaged file only costs hashing again
        return self._known

    def save(self) -> None:
        if self.folder is not None and self._changed:
            data = {"version": 2, "files": {k: [list(v[0]), v[1]] for k, v in sorted(self._known.items())}}
            write_sealed(self.folder / HASHES, json.dumps(data).encode("utf-8"))
            self._changed = False

    def forget_changed(self) -> set[str]:
        """Forget the files that are gone or changed since they were hashed (their old content is
        no longer anywhere); the content hashes of those still as they were."""
        known = self.load()
        for name, (stamp, _) in list(known.items()):
            try:
                now = stamp_of(os.stat(name))
            except OSError:
                now = None
            if now != tuple(stamp):
                del known[name]
                self._changed = True
        return {key for _, key in known.values()}


def stamp_of(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells that a file is as it was hashed: its size, modification time, inode and change
    time (see `FileHashes`)."""
    return status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns


def _racy(stamp: list[int], written_ns: int) -> bool:
    """Whether a stamp remembered in a hashes.json written at `written_ns` (by the file system's
    clock) may hide a change: the file last changed no earlier than the list was written, so a
    change after that, in the same tick of the clock, would leave its times as they were."""
    try:
        return stamp[3] >= written_ns
    except (IndexError, TypeError):
        return True


class DocumentIndex:
    """documents.json: each document's `DocumentInfo` (as in the per-document files in documents/),
    gathered in one file so that a warm build reads one file instead of one for each document. An
    entry never goes stale: each is filed under its document's content hash, and the file under
    the cache's versions."""

    def __init__(self, folder: Path | None, use: bool = True):
        self.folder = folder if use else None  # a worker process is given only documents the index does not know
        self._infos: dict[str, dict] | None = None  # sha256 -> DocumentInfo as stored
        self.changed = False

    def infos(self) -> dict[str, dict]:
        self._load()
        return self._infos

    def keep_only(self, kept: set[str]) -> None:
        """Forget every document but those whose content hash is in `kept`."""
        infos = self.infos()
        for key in infos.keys() - kept:
            del infos[key]
            self.changed = True

    def save(self, infos: dict[str, DocumentInfo]) -> None:
        """Write the index with `infos` (what this build found) added, if anything changed."""
        if self.folder is None or not self.changed:
            return
        index = self.infos()
        # A content hash's details never change (the file is under the cache's versions), so only
        # those not in the index yet are converted (converting all of them was 0.1 to 0.5 s a build).
        index.update((key, asdict(info)) for key, info in infos.items() if key not in index)
        data = {"version": VERSION, "documents": dict(sorted(index.items()))}
        write_sealed(self.folder / INDEX, json.dumps(data).encode("utf-8"))
        self.changed = False

    def _load(self) -> None:
        if self._infos is not None:
            return
        self._infos = {}
        if self.folder is None:
            return
        found = read_sealed(self.folder / INDEX)
        if found is None:
            return
        try:
            data = json.loads(found)
            if data.get("version") == VERSION:
                self._infos = dict(data["documents"])
        except (ValueError, KeyError, TypeError, AttributeError):
            self._infos = {}  # only costs reading each document's file


class DocumentInfos:
    """What inspecting each document found (its `DocumentInfo`), by content hash: in memory, in
    documents/SHA256.json (sealed, marked with VERSION: another version's is a miss), and in the index."""

    def __init__(self, folder: Path | None, index: DocumentIndex):
        self.folder = folder
        self.index = index
        self.known: dict[str, DocumentInfo] = {}  # read or made in this process
        self.lost: set[str] = set()  # documents no process could read, known for this build only

    def get(self, key: str) -> DocumentInfo | None:
        if key in self.known:
            return self.known[key]
        if self.folder is None:
            return None
        info = _info_from(self.index.infos().get(key), key)
        if info is None:
            self.index.infos().pop(key, None)  # unusable there: the next index has the file's instead
            found = read_sealed(_document_file(self.folder, key, ".json"))
            try:
                data = json.loads(found) if found is not None else None
            except ValueError:
                return None  # a missing or damaged cache entry is just a miss
            if not isinstance(data, dict) or data.pop("version", None) != VERSION:
                return None
            info = _info_from(data, key)
            if info is None:
                return None
            self.index.changed = True  # the next index has it
        self.known[key] = info
        return info

    def put(self, key: str, info: DocumentInfo) -> None:
        self.known[key] = info
        if self.folder is None:
            return
        self.index.changed = True
        text = json.dumps({"version": VERSION, **asdict(info)}, sort_keys=True)
        write_sealed(_document_file(self.folder, key, ".json"), text.encode("utf-8"))

    def add_from_worker(self, key: str, info: DocumentInfo) -> None:
        """What another process found out (it has already written the folder)."""
        self.known[key] = info
        self.index.changed = True

    def add_lost(self, key: str, info: DocumentInfo) -> None:
        """What this build knows of a document no process could read (`_lost`): for this build only,
        never written, so the next build reads the file again."""
        self.known[key] = info
        self.lost.add(key)

    def keep_only(self, kept: set[str]) -> None:
        self.known = {key: info for key, info in self.known.items() if key in kept}


class DocumentTexts:
    """Each PDF's text for the search index, by content hash: documents/SHA256.txt (sealed), whose
    first line is TEXT_HEADER (a text another extractor made is a miss), or in memory when it could
    not be kept there (no cache folder, a full disk). Each text is checked before it is used, and
    its digest (`text_digest`) is known to the search index, whose parts are kept under it."""

    def __init__(self, folder: Path | None, index: DocumentIndex):
        self.folder = folder
        self.index = index
        self._in_memory: dict[str, str] = {}  # texts that could not be kept in the folder
        self._digests: dict[str, str] = {}  # the text_digest of each text checked or made by this build

    def get(self, key: str) -> str | None:
        """A document's text (read from the folder each time: it can be long), once checked."""
        if key in self._in_memory:
            return self._in_memory[key]
        if self.folder is None:
            return None
        found = self._read(key)
        if found is None:
            self._digests.pop(key, None)
            return None
        return found[len(TEXT_HEADER_BYTES):].decode("utf-8", "surrogateescape")

    def has(self, key: str) -> bool:
        """Whether a document's text is kept, whole (it is read and checked)."""
        return key in self._in_memory or self.in_folder(key)

    def in_folder(self, key: str) -> bool:
        """Whether a document's text is kept whole in the folder, for the next build too."""
        return self.folder is not None and self._read(key) is not None

    def digest(self, key: str) -> str | None:
        """The digest of the document's text as checked or made by this build (None: not known)."""
        return self._digests.get(key)

    def put(self, key: str, text: str) -> None:
        """Keep a text; in memory when it cannot be kept in the folder (the index still gets it)."""
        self._digests[key] = text_digest(key, text)
        if self.folder is None or not write_sealed(_document_file(self.folder, key, ".txt"), (TEXT_HEADER + text).encode("utf-8")):
            self._in_memory[key] = text

    def add_from_worker(self, key: str, text: str) -> None:
        """A text a worker extracted and could not keep in the folder."""
        self._in_memory[key] = text
        self._digests[key] = text_digest(key, text)

    def written_by_worker(self, key: str) -> None:
        """A document's text is in the folder (written by a worker): checked now, as any kept text."""
        self.has(key)

    def _read(self, key: str) -> bytes | None:
        """The kept file's contents (TEXT_HEADER, then the text), once checked; its digest is noted."""
        found = read_sealed_digest(_document_file(self.folder, key, ".txt"))
        if found is None or not found[0].startswith(TEXT_HEADER_BYTES):
            return None
        self._digests[key] = found[1]
        return found[0]


def text_digest(key: str, text: str) -> str:
    """What identifies a document's text (the document's content hash `key`): the digest its kept
    file is sealed with, so that the search index's parts are kept under what they were made from."""
    return seal_digest(f"{key}.txt", (TEXT_HEADER + text).encode("utf-8", "surrogateescape")).decode("ascii")


class PublishedCopies:
    """The copy of each PDF that is published, by content hash and by the title it is given (the
    entry's title for the document: the copy depends on it): documents/SHA256-TITLEHASH.published-
    CLEAN_VERSION.pdf, or SHA256.published-CLEAN_VERSION.pdf for a copy with no title (a copy an
    older sitegen made is never found), made read-only, with the SHA-256 of what was written kept
    beside it (sealed, in COPY_DIGEST_SUFFIX); or in memory when it cannot be written. A kept copy
    is given out only while its bytes are those: never one cut short, damaged on disk, or edited
    through a link in an output (root can write through a read-only file)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.in_memory: dict[tuple[str, str | None], bytes] = {}
        self.asked: set[str] = set()  # the names of the titled copies this build asked for (`prune` keeps only those)

    def get(self, key: str, title: str | None = None) -> Path | bytes | None:
        """The published copy: its file in the cache (checked), or its bytes when it is not in a folder."""
        title = copy_title(title)
        if title is not None and self.folder is not None:
            self.asked.add(self._file(key, title).name)
        if (key, title) in self.in_memory:
            return self.in_memory[(key, title)]
        if self.folder is None:
            return None
        wanted = read_sealed(self._file(key, title, COPY_DIGEST_SUFFIX))
        if wanted is None:
            return None
        path = self._file(key, title)
        try:
            found = sha256_of(path)
        except OSError:
            found = None
        if found != wanted.decode("ascii", "replace"):
            LEDGER.remade.append(str(path))  # made again from the report by `published_copy`
            return None
        return path

    def put(self, key: str, data: bytes, title: str | None = None) -> None:
        title = copy_title(title)
        if self.folder is None or not (write_whole(self._file(key, title), data, read_only=True) and write_sealed(
                self._file(key, title, COPY_DIGEST_SUFFIX), hashlib.sha256(data).hexdigest().encode("ascii"))):
            self.in_memory[(key, title)] = data

    def add_from_worker(self, key: str, data: bytes, title: str | None = None) -> None:
        """A copy a worker made and could not write."""
        self.in_memory[(key, copy_title(title))] = data

    def _file(self, key: str, title: str | None, suffix: str = "") -> Path:
        return _document_file(self.folder, key, copy_suffix(title) + suffix)


def copy_title(title: str | None) -> str | None:
    """The title a copy is given, as the copy holds it (white space made single spaces; none: None)."""
    title = " ".join((title or "").split())
    return title or None


def copy_suffix(title: str | None) -> str:
    """What follows the content hash in the name of a copy with this title."""
    title = copy_title(title)
    if title is None:
        return COPY_SUFFIX
    return f"-{hashlib.sha256(title.encode('utf-8')).hexdigest()[:16]}{COPY_SUFFIX}"


class DocumentCache:
    """What documents told earlier builds, in the cache folder (None: kept in memory for this build
    only), in four parts, each with one job: the files' content hashes (`hashes`), what inspecting
    each document found (`infos`), their texts for search (`texts`) and their published copies
    (`copies`). All but the hashes are filed under the document's content hash, in documents/."""

    def __init__(self, folder: Path | None, use_index: bool = True):
        self.folder = folder
        self.hashes = FileHashes(folder)
        self.index = DocumentIndex(folder, use=use_index)
        self.infos = DocumentInfos(folder, self.index)
        self.texts = DocumentTexts(folder, self.index)
        self.copies = PublishedCopies(folder)
        self._renditions: dict[str, renditions.Rendition] = {}  # Word files made into web pages by this build
        # Files another process (a preview) adds to documents/ after this cache was opened are not
        # this build's to judge: `prune` leaves them alone. The folder's time changes whenever a file
        # is added to it, so it tells (by the file system's own clock) which files came later.
        self.opened_ns = _folder_time(folder / "documents") if folder is not None else 0

    def rendition(self, path: Path) -> renditions.Rendition:
        """The web page made from the Word file at `path`, made once per content (see `sitegen.documents.renditions`);
        filed under the file's content hash in documents/, beside the other parts."""
        try:
            key = self.hashes.of(path)
        except OSError as exc:
            problem = unreadable(path, exc)
            return renditions.Rendition(problem=problem.problem, advice=problem.advice)
        return renditions.rendition_of(path, key, self.folder, self._renditions)

    def rendition_known(self, key: str) -> bool:
        """Whether the web page of the Word file with this content hash is made (by this build, or
        kept whole: then it is held for this build)."""
        if key not in self._renditions:
            found = renditions.kept(key, self.folder)
            if found is None:
                return False
            self._renditions[key] = found
        return True

    def add_rendition(self, key: str, rendition: renditions.Rendition) -> None:
        """A web page another process made (and kept, unless it is a problem of this build only)."""
        self._renditions[key] = rendition

    def save(self) -> None:
        """Keep the remembered hashes, and the index of what documents told us, for the next build."""
        self.hashes.save()
        self.index.save({key: info for key, info in self.infos.known.items() if key not in self.infos.lost})

    def prune(self) -> int:
        """Forget documents that are no longer in reports/: after a whole build, the cache keeps
        only what it holds for files still there as they were hashed (any state: a report that came
        down but is still in reports/ keeps its entry), so it grows with reports/, not with every
        version of every PDF ever built. A removed entry only costs reading that file again.
        A copy with a title this build did not publish it with (the entry's title for it changed, or it
        came down) goes too: it is made again if it is ever needed.
        Files written since this cache was opened are left alone: `sitegen serve` may have just
        read a report added to reports/ after this build looked. Returns the number of files removed."""
        if self.folder is None:
            return 0
        kept = self.hashes.forget_changed()
        self.index.keep_only(kept)
        self.infos.keep_only(kept)
        self.save()
        removed = 0
        try:
            found = list(os.scandir(self.folder / "documents"))
        except OSError:
            return 0
        for item in found:
            if not _kept_file(item.name, kept, self.copies.asked) and item.is_file(follow_symlinks=False):
                try:
                    # not after: a file added in the same tick of the file system's clock as the
                    # last one before this cache was opened is removed (and only made again)
                    if item.stat(follow_symlinks=False).st_mtime_ns <= self.opened_ns:
                        os.unlink(item.path)
                        removed += 1
                except OSError:
                    pass  # removed by another build, or not ours to remove: left as it is
        return removed


def _kept_file(name: str, kept: set[str], copies: set[str]) -> bool:
    """Whether a file in documents/ is one of this version's files of a document whose hash is in `kept`
    (a copy with a title: one of `copies`, those this build asked for)."""
    key, rest = name[:64], name[64:]
    if key not in kept:
        return False
    if rest in (".json", ".txt", COPY_SUFFIX, COPY_SUFFIX + COPY_DIGEST_SUFFIX, renditions.CACHE_SUFFIX):
        return True
    copy = name.removesuffix(COPY_DIGEST_SUFFIX)  # a titled copy, or the digest kept beside it
    return copy in copies and re.fullmatch(r"-[0-9a-f]{16}" + re.escape(COPY_SUFFIX), copy[64:]) is not None


def _folder_time(folder: Path) -> int:
    """When a file was last added to (or removed from) `folder`; 0 when there is no such folder."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return 0


def _document_file(folder: Path, key: str, suffix: str) -> Path:
    return folder / "documents" / f"{key}{suffix}"


HASHES = "hashes.json"  # in the cache folder
COPY_SUFFIX = f".published-{CLEAN_VERSION}.pdf"
COPY_DIGEST_SUFFIX = ".sha256"  # after COPY_SUFFIX: the SHA-256 of the copy as it was written
INDEX = "documents.json"  # in the cache folder, beside documents/ (which `prune` empties of all else)


def _info_from(data: dict | None, key: str) -> DocumentInfo | None:
    """A DocumentInfo as the cache stores it (without its version) for the document whose content
    hash is `key`, or None if it is not one."""
    if not isinstance(data, dict) or data.get("sha256") != key:
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
    """What a document is; never raises for bad content, nor for a file that cannot be read (gone
    since the entries were read, or not allowed): a problem says so, and its entry is withheld."""
    try:
        key = cache.hashes.of(path)
        return inspect_as(path, key, cache)
    except OSError as exc:
        return unreadable(path, exc)


def unreadable(path: Path, exc: OSError) -> DocumentInfo:
    """A document that could not be read at all, as a problem (not kept: the next build tries again)."""
    reason = "it is no longer there" if isinstance(exc, FileNotFoundError) else (exc.strerror or type(exc).__name__).lower()
    return DocumentInfo("", 0, file_format(path.name), problem=f"could not be read ({reason}), so it is not published.",
                        advice=f"Check that {path.name} is in reports/ and that the build may read it "
                               "(its permissions), then build again.")


def inspect_as(path: Path, key: str, cache: DocumentCache, titles: tuple[str, ...] = ()) -> DocumentInfo:
    """`inspect` for a file whose content hash is known; a PDF read now has its published copy made
    with each of `titles` (with no title, when none is given)."""
    cached = cache.infos.get(key)
    if cached is not None:
        return cached
    size = path.stat().st_size
    if path.suffix.lower() == ".pdf":
        info = inspect_pdf(path, key, size, cache, titles)
    else:  # a Word original (made into a web page, never published as it is: `sitegen.documents.renditions`)
        info = DocumentInfo(key, size, file_format(path.name))
    cache.infos.put(key, info)
    return info


def prepare(paths: list[Path], text_for: set[Path], cache: DocumentCache, workers: int | None = None,
            progress: Callable[[int, int], None] | None = None, word_originals: list[Path] = (),
            titles: dict[Path, set[str]] | None = None) -> None:
    """Inspect the documents the cache does not know yet, extract the text of those in `text_for`,
    make the published copies of PDFs with the titles `titles` gives them (each PDF is published
    with the title its entry gives it) not made yet,
    and make the web pages of the Word files in `word_originals` not made yet (`renditions`),
    sharing them between forked copies of the build (`parallel.fork_map`) so that a
    cold build of a large site uses every core.

    Text is always extracted in a process whose crash loses nothing (`_isolated_text`): PDFium is
    native code, and a PDF that crashed it would otherwise end the whole build. So the shares are
    all done in copies (`only_copies`), each reading its PDFs itself; the share of a copy that
    crashed is done again here, each PDF in a copy of its own. A PDF that crashes PDFium is
    published with no text in the search index. Results are the same as inspecting them one by one: each depends
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
    size = -(-len(todo) // PROGRESS_STEPS)
    shared = workers if len(todo) >= PARALLEL_FROM else 1  # a few documents: one copy does them all
    for start in range(0, len(todo), size):
        batch = todo[start:start + size]
        for done in fork_map(one, batch, workers=shared, least=1, only_copies=True, lost=_lost):
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
        if progress is not None:
            progress(start + len(batch), len(todo))


READ_TIME_LIMIT = 60  # seconds a copy of the build may spend on one document: inspecting it, its text or its web page (the 117-page report of the tests takes 0.1 s)
PARALLEL_FROM = 16  # documents to inspect before it pays to share them between copies of the build
PROGRESS_STEPS = 10  # the documents are shared out in this many batches; progress is told after each


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
    """What a copy found out about one `_Job` (beyond what it wrote to the cache folder)."""
    key: str
    info: DocumentInfo | None = None
    copies: tuple[tuple[str | None, bytes], ...] = ()  # published copies (by title) that could not be written to the folder
    text: str | None = None  # the text, when it could not be kept in the folder
    text_kept: bool = False  # the text is in the folder
    rendition: renditions.Rendition | None = None
    ledger: Ledger | None = None  # what the copy found damaged, or could not keep (`cachefile.LEDGER`)


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
    `parallel.fork_map`): a problem, so its entry is withheld. It is not kept in the cache: the next
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


def published_copy(path: Path, info: DocumentInfo, cache: DocumentCache, title: str | None = None) -> Path | bytes | None:
    """What is published for a document: the cleaned copy of a PDF whose title is `title` (the entry's
    title for it; None if the copy cannot be made), else the file itself."""
    if info.format != "PDF":
        return path
    found = cache.copies.get(info.sha256, title)  # checked against its digest
    if found is None and sha256_of(path) == info.sha256:  # not made yet with this title, or the cache was emptied (or damaged)
        make_copies(path, info.sha256, (title,), cache)
        found = cache.copies.get(info.sha256, title)
    return found


def published_size(content: Path | bytes | None) -> int | None:
    """The size of what is published (a copy's size depends on its title, so it is measured)."""
    if isinstance(content, bytes):
        return len(content)
    try:
        return content.stat().st_size if content is not None else None
    except OSError:
        return None


def make_copies(path: Path, key: str, titles: tuple[str | None, ...], cache: DocumentCache) -> None:
    """Make and keep the published copies, with `titles`, of a PDF already inspected and found publishable
    (a copy that cannot be made is not kept: `published_copy` then finds none, and the entry is withheld)."""
    try:
        with open_pdf(path) as pdf:
            if pdf is None:
                return
            copies, _ = _clean_copies(path, pdf, key, titles, len(pdf.pages))
    except read_errors():
        return
    for title, copy in copies.items():
        cache.copies.put(key, copy, title)


def inspect_pdf(path: Path, key: str, size: int, cache: DocumentCache, titles: tuple[str | None, ...] = ()) -> DocumentInfo:
    """What a PDF is, and its published copies with `titles` (with no title, when none is given).
    A PDF with active content or attached files is withheld (see `pdfsafety.active_content`)."""
    def bad(problem: str, advice: str) -> DocumentInfo:
        return DocumentInfo(key, size, "PDF", problem=problem, advice=advice)

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        return bad("is not a PDF, although its name ends in .pdf.",
                   "Export or save the report as PDF again, and replace the file in reports/.")
    try:
        with open_pdf(path) as pdf:
            if pdf is None:
                return bad("is password-protected, so readers could not open it.",
                           "Save a copy without a password (in most PDF tools: File, Properties, Security: No security) and replace the file in reports/.")
            over = _over_limits(pdf)
            if over is not None:
                return bad(over, "A real report is far smaller: this file is damaged, or made to overload whatever "
                                 "reads it. Export the report as PDF again and replace the file in reports/.")
            pages = len(pdf.pages)
            if pages == 0:
                return bad("has no pages.", "Export the report as PDF again and replace the file in reports/.")
            title = _metadata_title(pdf)
            found = _survey(pdf)  # one walk of the whole file, for the audit, the check and the copy
            safety = _audit(pdf, title, found)
            active = found.active if found is not None else [
                "parts that could not be checked for code, actions or attached files"]
            if active:
                return bad(f"has {_listed(active)}. A published report must not run code, open or send anything, "
                           "or carry other files, so it is not published.", ACTIVE_ADVICE)
            copies, left = _clean_copies(path, pdf, key, titles, pages, found)
    except read_errors():
        return bad("is damaged and could not be read.",
                   "Open it in a PDF reader to check it, export it as PDF again, and replace the file in reports/.")
    if not copies:
        return bad(f"could not be copied without {_listed(left) if left else 'the personal details in its file properties'}, "
                   "so it is not published.", "Export it as PDF again (or print it to PDF) and replace the file in reports/.")
    for copy_of, copy in copies.items():
        cache.copies.put(key, copy, copy_of)
    return DocumentInfo(key, size, "PDF", pages=pages, title=title, safety=safety,
                        published_size=len(next(iter(copies.values()))))


ACTIVE_ADVICE = ("Make the PDF again from the original document: in Word, File, Save As, PDF; or in Acrobat, print it "
                 "to the Adobe PDF printer, or use Protect, Sanitize Document. Then replace the file in reports/. If it "
                 "had attached files that should be published, list each in the entry as a document of its own.")


def _listed(kinds: list[str]) -> str:
    """'JavaScript, links that open other files and files attached inside it'."""
    return ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]


def _survey(pdf: pikepdf.Pdf) -> pdfsafety.Survey | None:
    """`pdfsafety.survey`, or None when the file cannot be walked: then nothing can be vouched for,
    and the PDF is withheld."""
    try:
        return pdfsafety.survey(pdf)
    except Exception:  # noqa: BLE001 - odd structures: nothing can be vouched for
        return None


def _audit(pdf: pikepdf.Pdf, title: str | None, found: pdfsafety.Survey | None = None) -> PdfSafety:
    try:
        return pdfsafety.audit(pdf, title, found)
    except Exception:  # noqa: BLE001 - odd structures: say that nothing could be vouched for
        return PdfSafety.not_read()


def _clean_copies(path: Path, pdf: pikepdf.Pdf, key: str, titles: tuple[str | None, ...], pages: int,
                  survey: pdfsafety.Survey | None = None) -> tuple[dict[str | None, bytes], list[str]]:
    """The copies to publish, one for each title (with none given: one with no title), and, when one
    cannot be made, no copies and what it still had that must not be published (see `_clean_copy`).
    `pdf` is `path` opened (and `survey` its survey, if made); cleaning changes it, so each further
    copy is made from `path` opened again."""
    found: dict[str | None, bytes] = {}
    for index, title in enumerate(dict.fromkeys(map(copy_title, titles or (None,)))):
        if index:
            with open_pdf(path) as again:
                copy, left = _clean_copy(again, key, title, pages)
        else:
            copy, left = _clean_copy(pdf, key, title, pages, survey)
        if copy is None:
            return {}, left
        found[title] = copy
    return found, []


def _clean_copy(pdf: pikepdf.Pdf, key: str, title: str | None, pages: int,
                survey: pdfsafety.Survey | None = None) -> tuple[bytes | None, list[str]]:
    """The copy to publish, once read back whole and walked object by object (`pdfsafety.leftovers`),
    and []; or None (the entry is withheld) with what it still had that must not be published ([] when
    it could not be made or read back at all)."""
    import pikepdf

    try:
        copy = pdfsafety.clean(pdf, key, title, survey)
        with pikepdf.open(io.BytesIO(copy), inherit_page_attributes=False) as back:
            if len(back.pages) != pages:
                return None, []  # the copy lost pages
            left = pdfsafety.leftovers(back, title)
    except Exception:  # noqa: BLE001 - any failure means no safe copy
        return None, []
    return (None, left) if left else (copy, [])


def _over_limits(pdf: pikepdf.Pdf) -> str | None:
    """Why reading this PDF would cost more than one report may (see MAX_PAGES, MAX_UNPACKED), or None.
    Neither is read whole to find out: counting stops once past the limit."""
    if _page_references(pdf, MAX_PAGES) > MAX_PAGES:
        return f"has more than {MAX_PAGES:,} pages, the most sitegen reads in one report, so it is not published."
    if _unpacked_size(pdf, MAX_UNPACKED) > MAX_UNPACKED:
        return (f"holds more than {MAX_UNPACKED // 1_000_000:,} MB of content once uncompressed, the most sitegen "
                "reads in one report, so it is not published.")
    return None


def _page_references(pdf: pikepdf.Pdf, limit: int) -> int:
    """The pages the page tree lists (a page listed twice counts twice), counted until past `limit`:
    qpdf makes a copy of each page listed again, so a small file can list a million."""
    import pikepdf

    todo, seen, pages = [pdf.Root.Pages], set(), 0
    while todo:
        node = todo.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue  # qpdf refuses a tree with loops
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if not isinstance(kids, pikepdf.Array):
            continue
        if pages + len(kids) > limit:  # a page tree has fewer nodes than pages
            nodes = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/Kids" in kid] \
                if len(kids) <= 2 * limit else []
            if pages + len(kids) - len(nodes) > limit:
                return pages + len(kids) - len(nodes)
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/Kids" in kid:
                todo.append(kid)
            else:
                pages += 1
    return pages


UNPACKED_BY_QPDF = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85", "/RunLengthDecode", "/RL",
                    "/FlateDecode", "/Fl"}  # filters qpdf decodes within its memory limits (set in `_pikepdf`)


def _unpacked_size(pdf: pikepdf.Pdf, limit: int) -> int:
    """The bytes that the document's streams other than images unpack to (as a reader unpacks
    them to show or search it), counted until past `limit`, never holding more than one stream.

    Images are left out: they are published as they are, and nothing here or in PDFium's
    reading of text unpacks them. Streams only compressed with Flate (nested or not) are
    measured as they are inflated; others are unpacked by qpdf, which stops past its limits.
    A stream that cannot be unpacked counts as its packed size (readers skip what they cannot read);
    LZW, rare since 1996, is counted packed."""
    import pikepdf

    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") == "/Image":
            continue
        filters = obj.get("/Filter")
        filters = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
        try:
            raw = obj.read_raw_bytes()
        except Exception:  # noqa: BLE001 - a stream that cannot be read is read by no one
            continue
        try:
            if filters and all(f in ("/FlateDecode", "/Fl") for f in filters):
                total += _inflated_size(raw, len(filters), limit - total)
            elif filters and all(f in UNPACKED_BY_QPDF for f in filters):
                total += len(obj.read_bytes())
            else:
                total += len(raw)
        except Exception:  # noqa: BLE001 - past qpdf's limits, or damaged: readers skip what they cannot unpack
            total += len(raw)
        if total > limit:
            break
    return total


def _inflated_size(data: bytes, layers: int, budget: int) -> int:
    """How many bytes `data` inflates to through `layers` rounds of zlib, counted until past
    `budget`; a stream that is cut short or damaged counts what came out before."""
    chunks: Iterator[bytes] = iter((data,))
    for _ in range(layers):
        chunks = _inflate(chunks)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > budget:
                break
    except zlib.error:
        pass
    return size


def _inflate(chunks: Iterator[bytes], step: int = 1 << 20) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        while chunk and not inflater.eof:
            out = inflater.decompress(chunk, step)
            chunk = inflater.unconsumed_tail
            if out:
                yield out
        if inflater.eof:
            return


def read_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged file raises: qpdf's errors, and a few of Python's."""
    import pikepdf

    return (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError, RuntimeError, NotImplementedError, MemoryError)


@contextmanager
def open_pdf(path: Path) -> Iterator[pikepdf.Pdf | None]:
    """A PDF opened with qpdf (repairing what it can), None when a password is needed; raises
    one of `read_errors()` when damaged. Pages' inherited attributes are left where they are:
    pushing them down would make a copy of every page a small file lists many times."""
    pikepdf = _pikepdf()
    try:
        pdf = pikepdf.open(path, inherit_page_attributes=False)
    except pikepdf.PasswordError:
        pdf = None  # an empty password (a PDF encrypted only to set permissions) is tried first
    if pdf is None:
        yield None
        return
    with pdf:
        yield pdf


_LIMITS_SET = False


def _pikepdf():
    """pikepdf, with qpdf's memory limits for unpacking one stream set (once, for the process)."""
    global _LIMITS_SET
    import pikepdf

    if not _LIMITS_SET:
        from pikepdf import settings

        settings.set_qpdf_limits(flate_max_memory=MAX_UNPACKED, run_length_max_memory=MAX_UNPACKED,
                                 png_max_memory=MAX_UNPACKED, tiff_max_memory=MAX_UNPACKED,
                                 dct_max_memory=MAX_UNPACKED)
        _LIMITS_SET = True
    return pikepdf


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
    loses only this PDF's text (None if it did not come back). In a copy `fork_map` forked it reads in this process: if the copy dies, the build
    does the copy's share again, where each PDF is read in a forked copy of its own, as it is
    everywhere else. Where forking is not safe (other threads are running, or not Linux), PDFium
    reads it in this process if `or_here`, else it is not read (None)."""
    if in_shared_copy():
        return _text_within_time_limit(source)
    started = fork_call(partial(_text_within_time_limit, source))
    if started is None:
        return extract_pdf_text(source) if or_here else None
    pid, pipe = started
    with os.fdopen(pipe, "rb") as handle:
        data = handle.read()
    found = result_of(pid, data)
    return found if isinstance(found, str) else None


@contextmanager
def _time_limit() -> Iterator[None]:
    """In a copy of the build (`parallel.in_copy`), the kernel ends the copy if what runs inside takes
    longer than `READ_TIME_LIMIT`, as it would after a crash, even inside native code (qpdf's, PDFium's:
    an alarm left at its default action; a Python handler would wait for them to return). A PDF that
    makes them run for ever must not stop the nightly build. In the build's own process: no limit."""
    if not in_copy():
        yield
        return
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(READ_TIME_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)


def _text_within_time_limit(source: Path | bytes) -> str:
    """`extract_pdf_text`, in a copy of the build only (see `_isolated_text`), within `READ_TIME_LIMIT`."""
    with _time_limit():
        return extract_pdf_text(source)


def extract_pdf_text(source: Path | bytes) -> str:
    """A PDF's text for the search index, read by PDFium (pypdfium2): its pages' text, each
    stripped, with runs of spaces and tabs collapsed, joined by blank lines ("" when it has
    none, or PDFium cannot open it). A page that fails is skipped. Never raises for bad content
    (but can crash: see `_isolated_text`)."""
    try:
        pages = _pdfium_page_texts(source)
    except Exception:  # noqa: BLE001 - a document PDFium cannot read has no text to search
        return ""
    return _join_pages(pages)


def _join_pages(pages: list[str]) -> str:
    texts = (_clean_text(text) for text in pages)
    return "\n\n".join(text for text in texts if text)


def _pdfium_page_texts(source: Path | bytes) -> list[str]:
    """Each page's text as PDFium gives it; raises when the document cannot be read.

    Every PDFium object is closed before returning (nothing is kept between calls, so
    that forked processes start with no open documents).
    """
    import pypdfium2  # imported here: importing sitegen stays quick, and a build with a warm cache never loads PDFium

    pages: list[str] = []
    failed = 0
    # An empty password opens PDFs encrypted only to set permissions; others raise.
    document = pypdfium2.PdfDocument(str(source) if isinstance(source, Path) else source, password="")
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


def _metadata_title(pdf: pikepdf.Pdf) -> str | None:
    """The information dictionary's /Title, when it is text."""
    import pikepdf

    try:
        info = pdf.trailer.get("/Info")
        title = info.get("/Title") if isinstance(info, pikepdf.Dictionary) else None
        title = str(title) if isinstance(title, (str, pikepdf.String)) else None
    except Exception:  # noqa: BLE001 - unreadable metadata is common and harmless here
        return None
    return " ".join(title.split()) or None if title else None

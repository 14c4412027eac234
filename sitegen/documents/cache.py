"""What documents told earlier builds, kept in the cache folder (`DocumentCache`) in parts, each
with one job: the files' content hashes (`FileHashes`), what inspecting each document found
(`DocumentIndex`, `DocumentInfos`), their texts for search (`DocumentTexts`) and the cleaned copies
that are published (`PublishedCopies`). What a PDF tells us depends only on its bytes, and its
cleaned copy on its bytes and its title, so all but the hashes are filed under the document's
content hash (and the copy under its title's too), in documents/. How each is versioned: the rule
in `sitegen.core.cachefile`."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from sitegen.core.cachefile import LEDGER, made_by, open_kept, read_sealed, read_sealed_digest, seal_digest, write_sealed, write_whole
from sitegen.documents import renditions
from sitegen.documents.pdfsafety import PdfSafety
from sitegen.documents.record import DocumentInfo, sha256_of_handle, unreadable


# What is kept is marked with the code that makes it (`cachefile.made_by`: the rule is there), so a
# change to that code makes the old values misses, and nothing here is bumped by hand.
CACHE_VERSION = made_by("documents/record.py", "documents/cache.py", "documents/inspection.py",
                        "documents/pdfinspect.py", "documents/pdfsafety.py")  # what inspecting a document found
CLEAN_VERSION = made_by("documents/pdfinspect.py", "documents/pdfsafety.py")  # the cleaned copy that is published
VERSION = f"{CACHE_VERSION}.{CLEAN_VERSION}"
HASHES_VERSION = made_by("documents/cache.py")  # hashes.json: the hashes depend on no code but its layout
TEXT_HEADER = f"sitegen document text {made_by('documents/text.py')}\n"  # the first line of a kept text
TEXT_HEADER_BYTES = TEXT_HEADER.encode("utf-8")


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
            key = sha256_of_handle(handle)
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
                    if found.get("version") == HASHES_VERSION:
                        self._known = {k: (tuple(v[0]), v[1]) for k, v in found["files"].items()
                                       if not _racy(v[0], written)}
                except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
                    self._known = {}  # a damaged file only costs hashing again
        return self._known

    def save(self) -> None:
        if self.folder is not None and self._changed:
            data = {"version": HASHES_VERSION, "files": {k: [list(v[0]), v[1]] for k, v in sorted(self.load().items())}}
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
        if self._infos is None:
            self._infos = self._read()
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

    def _read(self) -> dict[str, dict]:
        """The index as kept (empty when there is none, or it is damaged or another version's)."""
        found = read_sealed(self.folder / INDEX) if self.folder is not None else None
        if found is None:
            return {}
        try:
            data = json.loads(found)
            if data.get("version") == VERSION:
                return dict(data["documents"])
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # only costs reading each document's file
        return {}


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
        if self.folder is None:
            return None
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
        self.checked: dict[str, str] = {}  # the SHA-256 of each kept copy given out by this build, by its path, as checked
        self._seen: dict[str, tuple[int, int, int, int]] = {}  # each checked copy's file as it was when checked (`_file_state`)

    def get(self, key: str, title: str | None = None) -> Path | bytes | None:
        """The published copy: its file in the cache (checked), or its bytes when it is not in a folder."""
        title = copy_title(title)
        if title is not None and self.folder is not None:
            self.asked.add(_copy_file(self.folder, key, title).name)
        if (key, title) in self.in_memory:
            return self.in_memory[(key, title)]
        if self.folder is None:
            return None
        wanted = read_sealed(_copy_file(self.folder, key, title, COPY_DIGEST_SUFFIX))
        if wanted is None:
            return None
        path = _copy_file(self.folder, key, title)
        try:
            state = _file_state(path)
            # asked again in this build (`prepare`, then `published_copy`): read again only if the file was changed since
            found = self.checked[str(path)] if self._seen.get(str(path)) == state else _sha256_of_kept(path)
        except OSError:
            found = None
        if found != wanted.decode("ascii", "replace"):
            LEDGER.remade.append(str(path))  # made again from the report by `published_copy`
            return None
        self.checked[str(path)], self._seen[str(path)] = found, state
        return path

    def put(self, key: str, data: bytes, title: str | None = None) -> None:
        title = copy_title(title)
        digest = hashlib.sha256(data).hexdigest()
        if self.folder is None or not (write_whole(_copy_file(self.folder, key, title), data, read_only=True) and write_sealed(
                _copy_file(self.folder, key, title, COPY_DIGEST_SUFFIX), digest.encode("ascii"))):
            self.in_memory[(key, title)] = data
        else:
            self.checked[str(_copy_file(self.folder, key, title))] = digest

    def add_from_worker(self, key: str, data: bytes, title: str | None = None) -> None:
        """A copy a worker made and could not write."""
        self.in_memory[(key, copy_title(title))] = data


def _sha256_of_kept(path: Path) -> str:
    """The SHA-256 of a published copy kept in the cache (a plain file only: `cachefile.open_kept`)."""
    with open_kept(path) as handle:
        return sha256_of_handle(handle)


def _file_state(path: Path) -> tuple[int, int, int, int]:
    """What changes when a file is written or replaced: its inode, size, and times of change."""
    found = path.stat()
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _copy_file(folder: Path, key: str, title: str | None, suffix: str = "") -> Path:
    """Where the copy of a document (by content hash) with `title` is kept, or (with `suffix`) what is kept beside it."""
    return _document_file(folder, key, copy_suffix(title) + suffix)


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

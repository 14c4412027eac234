"""What sitegen made from each piece of text, kept from one build to the next.

Reading an entry's front matter and turning its Markdown body into HTML depend on
nothing but the text, and they were most of a warm build's work on a large site (about
1 s of 3 s at 2,000 entries, see docs/performance.md). A `Memo` keeps each result under a
hash of the text, of what kind of result it is, and of the code and libraries that made it,
so a build makes again only what changed. What it keeps is the same value a fresh run
would make: the output is the same bytes with or without it (tested).

Values are stored with `marshal` (plain data only: text, numbers, lists, dicts; never code
or objects), each on its own, so every call gets a fresh copy nobody else holds. The file
carries a checksum: a damaged or cut-short file is ignored, which costs time, not output.
The file keeps only what the last whole build used, so it follows the site's content.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, TypeVar

from sitegen import PACKAGE_FOLDER
from sitegen.core.cachefile import LEDGER, read_kept, write_whole

T = TypeVar("T")

MAGIC = b"sitegen memo 1\n"


class Memo:
    """Results of pure functions of text. `path` None: nothing is read or kept (`--no-cache`)."""

    def __init__(self, path: Path | None):
        self.path = path
        self._stamp = code_stamp()
        self._known: dict[bytes, bytes] = _load(path, self._stamp) if path is not None else {}
        self._loaded = set(self._known)
        self._fresh: dict[bytes, bytes] = {}  # made in this build (here, or by a worker), to be kept
        self._used: set[bytes] = set()  # used in this build (here, or by a worker)
        self._outbox: tuple[dict[bytes, bytes], set[bytes]] = ({}, set())  # what `take_new_results` gives next

    def get(self, kind: str, text: str, make: Callable[[str], T]) -> T:
        """`make(text)`, or what it returned for the same text before. `make` must be a pure
        function of `text` whose value `marshal` can keep; an exception it raises is not kept."""
        key = self._key(kind, text)
        self._used.add(key)
        self._outbox[1].add(key)
        blob = self._known.get(key)
        if blob is not None:
            try:
                return marshal.loads(blob)
            except (EOFError, ValueError, TypeError):
                pass  # made again below
        value = make(text)
        try:
            blob = marshal.dumps(value)  # type: ignore[arg-type]  # any value: marshal refuses what it cannot keep
        except ValueError:  # something marshal cannot keep: made again each time
            return value
        self._known[key] = self._fresh[key] = self._outbox[0][key] = blob
        return value

    def peek(self, kind: str, text: str) -> object | None:
        """What was kept under `text` (by `put`, or `get`), or None; either way, kept for the next build
        only if `put` is called again (see `sitegen.rendering.page_memo`, whose records are checked before use)."""
        key = self._key(kind, text)
        blob = self._known.get(key)
        if blob is None:
            return None
        self._used.add(key)
        self._outbox[1].add(key)
        try:
            return marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            return None

    def put(self, kind: str, text: str, value: object) -> None:
        """Keep `value` (plain data that `marshal` can keep) under `text`, for this build and the next."""
        key = self._key(kind, text)
        try:
            blob = marshal.dumps(value)  # type: ignore[arg-type]
        except ValueError:
            return
        self._used.add(key)
        self._outbox[1].add(key)
        self._known[key] = self._fresh[key] = self._outbox[0][key] = blob

    def _key(self, kind: str, text: str) -> bytes:
        return hashlib.blake2b(f"{kind}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16, key=self._stamp).digest()

    def take_new_results(self) -> tuple[dict[bytes, bytes], set[bytes]]:
        """The results this process made, and the keys of those it used, since it was last asked
        (only those: each item's share is small): a forked worker sends them back with its own
        output (see `sitegen.core.parallel`), and the build gives them to `merge_from_worker`."""
        found, self._outbox = self._outbox, ({}, set())
        return found

    def merge_from_worker(self, new_results: tuple[dict[bytes, bytes], set[bytes]] | None) -> None:
        """Take in what a worker made and used (what this process sent itself is already here)."""
        if new_results is None:
            return
        fresh, used = new_results
        self._known.update(fresh)
        self._fresh.update(fresh)
        self._used |= used

    def save(self) -> None:
        """Keep what this build used, and only that, for the next build (after a whole build only:
        a preview's update uses a few entries, not all). Written only when it changed."""
        if self.path is None or not self._fresh and self._used == self._loaded:
            return
        kept = {key: self._known[key] for key in sorted(self._used) if key in self._known}
        payload = marshal.dumps(kept)
        data = MAGIC + self._stamp + hashlib.blake2b(payload, digest_size=16).digest() + payload
        if not write_whole(self.path, data):
            return  # the memo only saves time; a read-only cache folder still builds
        self._loaded, self._fresh = set(kept), {}


def _load(path: Path, stamp: bytes) -> dict[bytes, bytes]:
    try:
        data = read_kept(path)
    except OSError:
        return {}
    head = len(MAGIC)
    if data[:head] != MAGIC or data[head:head + 16] != stamp:
        return {}  # another version of sitegen or of its libraries: everything is made again
    digest, payload = data[head + 16:head + 32], data[head + 32:]
    if hashlib.blake2b(payload, digest_size=16).digest() != digest:
        LEDGER.remade.append(str(path))
        return {}  # damaged or cut short
    try:
        known = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {k: v for k, v in known.items() if isinstance(k, bytes) and isinstance(v, bytes)}


# The libraries whose code makes the values kept (YAML for front matter; markdown-it and its
# plugins for Markdown), by the module each is imported as.
LIBRARIES = ("yaml", "markdown_it", "mdit_py_plugins")


@lru_cache(maxsize=1)  # the same for the life of the process
def code_stamp() -> bytes:
    """A hash of everything a kept value depends on besides its text: every file of the sitegen
    package (its version, all its modules and the default theme: so an upgraded or edited sitegen
    never uses an old value), the libraries that make values, and Python's version (marshal's format)."""
    import yaml

    digest = hashlib.blake2b(digest_size=16)
    digest.update(package_digest(PACKAGE_FOLDER))
    for library in LIBRARIES:
        digest.update(f"\0{library}\0".encode())
        digest.update(_library_digest(library))
    digest.update(f"\0libyaml {getattr(yaml, '__with_libyaml__', False)}\0{sys.version}\0{marshal.version}".encode())
    return digest.digest()


def package_digest(folder: Path) -> bytes:
    """A hash of every file below `folder` (the package) by its path and bytes, in a fixed
    order; compiled bytecode (`__pycache__`), which Python makes from the sources, is left out."""
    return _files_digest(folder, _package_files(folder))


def _package_files(folder: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if name != "__pycache__"]
        base = os.path.relpath(dirpath, folder)
        found += [name if base == "." else f"{base}/{name}".replace(os.sep, "/") for name in filenames]
    return found


def _files_digest(folder: Path, paths: list[str], compiled: tuple[str, ...] = ()) -> bytes:
    """Each file's path and bytes; for files ending in `compiled` (a library's machine code, which
    changes only with its version), their size and time instead of their megabytes."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        if path.endswith(compiled or ("\0",)):
            found = os.stat(folder / path)
            data = f"{found.st_size} {found.st_mtime_ns}".encode()
        else:
            data = (folder / path).read_bytes()
        digest.update(f"{path}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    return digest.digest()


def library_digest(libraries: tuple[str, ...]) -> bytes:
    """A digest of the code of `libraries` (see `_library_digest`), for values made with them."""
    digest = hashlib.blake2b(digest_size=16)
    for library in libraries:
        digest.update(f"\0{library}\0".encode())
        digest.update(_library_digest(library))
    return digest.digest()


def _library_digest(library: str) -> bytes:
    """A library's version and code: its Python files (the version is written in them) and its
    compiled extensions, found without importing it (a warm build need not import markdown-it at
    all). Reading them costs a few milliseconds, where `importlib.metadata` costs 70."""
    spec = find_spec(library)
    if spec is None or spec.origin is None:
        return b"missing"
    origin = Path(spec.origin)
    if spec.submodule_search_locations is None:  # a single module
        return _files_digest(origin.parent, [origin.name], compiled=(".so", ".pyd"))
    sources = [path for path in _package_files(origin.parent) if path.endswith((".py", ".so", ".pyd"))]
    return _files_digest(origin.parent, sources, compiled=(".so", ".pyd"))

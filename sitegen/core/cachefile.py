"""Writing and reading a file of sitegen's cache: whole or not at all, and checked before use.

Every file in `.sitegen-cache/` only saves time (or, for the settings of the last build, stands in
for a sitegen.yaml that cannot be read), so a file that cannot be written (a read-only folder, a
full disk) is no error: the next build makes its contents again. A file is written
under a temporary name of this process's own and then renamed, so another build or a preview
reading it at the same moment sees the old file or the new one, never half of one.

A kept value is never trusted as it is found: a cache folder is restored by a CI plugin, copied,
cut short by a full disk or edited by hand. So each is written sealed (`write_sealed`): after a
header, a digest of what it holds and of the file's own name, so that neither damage nor another
cache file's bytes in its place pass `read_sealed`, which gives None for them (a miss: the value
is made again). What was made again, and what could not be kept, is recorded here (`Ledger`) for
the build to tell: the first in a quiet note (`--verbose`), the second in one warning, because a
full disk or a cache the build may not write costs every later build the same work until mended.

How what is kept is keyed and versioned, one rule for every kind: a kept value is filed under the
content hash of what it was made from (a document's SHA-256, a text's digest, a template's key),
and marked with the code that makes it, `made_by(modules)`: a digest of those modules' source. A
change to any of them (a fix to the PDF cleaner, a new way of reading text) makes every value they
made a miss, with no version number to remember to bump: forgetting one would publish a cleaned
copy an older, since-mended cleaner made. Only the modules that make a kind of value are named, not
the whole package: a change elsewhere costs no document read again (reading 2,000 reports again
is a cold build's half minute, docs/performance.md). Values cheap to make again from text (the
memo: `memo.code_stamp`) follow the whole package and its libraries. `SEAL`, the envelope every
file is read through, is the one version written by hand. Libraries are not in `made_by` (their
versions cost 30 ms to read on every build): upgrading pikepdf, PDFium or mammoth needs
`--no-cache` once, or a change to a module named.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sitegen import PACKAGE_FOLDER, __version__

SEAL = b"sitegen sealed 1\n"  # the first line of a sealed file
DIGEST_SIZE = 32  # bytes of blake2b; written in hex after SEAL, then a newline


def content_name(data: bytes) -> str:
    """The name a file of output is kept under in the file store (`sitegen.output.file_store`): a
    digest of its bytes, so a kept file is checked by hashing it again."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def made_by(*modules: str, folder: Path = PACKAGE_FOLDER) -> str:
    """The mark of the code that makes a kind of kept value (see the rule above): a digest of the
    source of `modules` (paths under the package, such as "documents/pdfsafety.py"), 16 hex digits.
    A module whose source cannot be read (an install without it) is marked by sitegen's version."""
    digest = hashlib.blake2b(digest_size=8, person=b"sitegen-made-by")
    for module in modules:
        try:
            data = (folder / module).read_bytes()
        except OSError:
            data = f"missing, sitegen {__version__}".encode("utf-8")
        digest.update(f"{module}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class Ledger:
    """What this process found damaged in the cache (and made again), and what it could not keep
    (file, reason), since the build last took them (`take`)."""
    remade: list[str] = field(default_factory=list)
    not_kept: list[tuple[str, str]] = field(default_factory=list)

    def take(self) -> Ledger:
        """What is recorded, leaving this ledger empty (a build takes it at its end; a forked
        worker sends its share back to the build, which adds it with `add`)."""
        found = Ledger(self.remade, self.not_kept)
        self.remade, self.not_kept = [], []
        return found

    def add(self, other: Ledger | None) -> None:
        if other is not None:
            self.remade += other.remade
            self.not_kept += other.not_kept


LEDGER = Ledger()  # one per process: the cache's parts are many, and each writes through here


def write_whole(target: Path, data: bytes, read_only: bool = False) -> bool:
    """Write `data` to `target` in one step; False (and nothing left behind, and the failure
    recorded in `LEDGER`) when it cannot be. `read_only`: the file is made so no one but its owner
    (or root) can write through a link to it."""
    temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        if read_only:
            os.chmod(temp, 0o444)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # a folder in a kept file's place (damage) would stop it being kept for ever
        temp.replace(target)
        return True
    except OSError as exc:
        LEDGER.not_kept.append((str(target), exc.strerror or type(exc).__name__))
        try:
            temp.unlink()
        except OSError:
            pass
        return False


def seal_digest(name: str, data: bytes) -> bytes:
    """The digest a sealed file named `name` carries for `data` (hex)."""
    digest = hashlib.blake2b(data, digest_size=DIGEST_SIZE, person=b"sitegen-cache")
    digest.update(b"\0" + name.encode("utf-8", "surrogateescape"))
    return digest.hexdigest().encode("ascii")


def sealed(name: str, data: bytes) -> bytes:
    """`data` as a sealed file named `name` holds it."""
    return SEAL + seal_digest(name, data) + b"\n" + data


def write_sealed(target: Path, data: bytes) -> bool:
    """`write_whole`, sealed: `read_sealed` gives `data` back only while the file is as written."""
    return write_whole(target, sealed(target.name, data))


def unseal(name: str, blob: bytes) -> tuple[bytes, str] | None:
    """What a sealed file named `name` holds, and its digest (hex), or None when it is not one
    whole (damaged, cut short, another file's bytes)."""
    head = len(SEAL)
    start = head + 2 * DIGEST_SIZE + 1
    if blob[:head] != SEAL or blob[start - 1:start] != b"\n":
        return None
    data, digest = blob[start:], blob[head:start - 1]
    return (data, digest.decode("ascii")) if digest == seal_digest(name, data) else None


def read_sealed(target: Path) -> bytes | None:
    """What `write_sealed` wrote at `target`; None when there is nothing there (a miss), or it is
    not whole (a miss, recorded in `LEDGER`: it is made again)."""
    found = read_sealed_digest(target)
    return found[0] if found is not None else None


def open_kept(path: str | os.PathLike) -> BinaryIO:
    """A file of the cache, opened to read, only if it is a plain file: a named pipe in its place
    would make the build wait for ever for a writer, and a device (a link to /dev/zero) would never
    end; either raises OSError, as a file no one may read does, so it is a miss and made again."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a plain file", str(path))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_kept(path: str | os.PathLike) -> bytes:
    """The bytes of a file of the cache (`open_kept`)."""
    with open_kept(path) as handle:
        return handle.read()


def read_sealed_digest(target: Path) -> tuple[bytes, str] | None:
    """`read_sealed`, with the digest the file is sealed with (a value's name, for what is made from it)."""
    try:
        blob = read_kept(target)
    except FileNotFoundError:
        return None
    except OSError:  # a folder in its place, a file no one may read
        LEDGER.remade.append(str(target))
        return None
    found = unseal(target.name, blob)
    if found is None:
        LEDGER.remade.append(str(target))
    return found

TEXT_SEAL = b"\n# sitegen seal "  # a comment in YAML


def write_sealed_text(target: Path, text: str) -> bool:
    """`write_sealed` for a text a person may read (the settings kept to stand in for sitegen.yaml):
    the seal is its last line, a YAML comment, so the file reads as it was and its lines keep their numbers."""
    data = text.encode("utf-8")
    return write_whole(target, data + TEXT_SEAL + seal_digest(target.name, data) + b"\n")


def read_sealed_text(target: Path) -> str | None:
    """What `write_sealed_text` wrote at `target`, or None (as `read_sealed`)."""
    try:
        blob = read_kept(target)
    except FileNotFoundError:
        return None
    except OSError:
        LEDGER.remade.append(str(target))
        return None
    data, found, seal = blob.rpartition(TEXT_SEAL)
    if not found or seal.rstrip(b"\n") != seal_digest(target.name, data):
        LEDGER.remade.append(str(target))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None

"""Output files kept in the cache by their content, and hard-linked into each new output.

A nightly build writes thousands of files, and nearly all of them are the same bytes as the night
before. Making a new file costs far more than a new name for an existing one: on this project's
disk, 230 microseconds against 26, and more on a disk that has had many files made and removed
(see docs/performance.md). So a whole build keeps each file it writes in the cache, named by a
digest of its bytes, and puts a hard link to it in the output; the next build links the same
file again.

A kept file is never trusted: its bytes are compared with what the build wants before it is
linked, so a file changed through one of its links (an edit in the output folder) is replaced,
never published. Each is made read-only, so that no one but root can write through a link to it
(a later step that edits the output in place fails instead). A file is never written through: a
replaced file is unlinked first, and a new one is always a new file, so no other link to it changes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sitegen.core.cachefile import LEDGER, content_name, open_kept

NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


class FileStore:
    """A folder of files named by the digest of their bytes (see above)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()  # the names this build linked

    @classmethod
    def beside(cls, folder: Path, output: Path) -> FileStore | None:
        """The store in `folder`, if its files can be linked into `output` (the same disk, and links
        allowed there); None otherwise, and the build writes its files as they are."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if folder.stat().st_dev != Path(output).absolute().parent.stat().st_dev:
                return None
        except OSError:
            return None
        return cls(folder)

    def file_for(self, data: bytes) -> tuple[str, int]:
        """The path and inode of the kept file holding exactly `data`, written now if need be."""
        name = content_name(data)
        path = os.path.join(self.folder, name)
        self.used.add(name)
        try:
            with open_kept(path) as handle:
                status = os.fstat(handle.fileno())
                if status.st_size == len(data) and handle.read() == data:
                    return path, status.st_ino
        except OSError:  # none yet, or not a file we can read (a folder in its place)
            pass
        _remove(path)  # changed since it was kept (through a link in an output), or not a file
        try:
            written = os.open(path, NEW_FILE, 0o444)  # a new file: no other link shares it
        except FileNotFoundError:
            self.folder.mkdir(parents=True, exist_ok=True)
            written = os.open(path, NEW_FILE, 0o444)
        with open(written, "wb") as handle:
            try:
                handle.write(data)
                handle.flush()
            except OSError:
                _remove(path)  # a file cut short (a full disk) is never kept
                raise
            return path, os.fstat(handle.fileno()).st_ino

    def link(self, data: bytes, target: str, checked: str | None = None) -> str | None:
        """Make `target` a link to the kept file holding `data`, unless it is one already, and
        return that file's name (the digest of `data`). Where the store cannot be used (a file
        system without links, a store that cannot be written), `target` is written as a file of
        its own, and None is returned. `checked`: the name of the kept file this build has just
        read and found holding `data` (a page given again: `sitegen.rendering.page_memo`), not read again."""
        path: str | None
        inode: int | None
        try:
            path, inode = self._checked(checked) if checked is not None else self.file_for(data)
        except OSError:
            try:
                path, inode = self.file_for(data)
            except OSError as exc:
                LEDGER.not_kept.append((str(self.folder), exc.strerror or type(exc).__name__))
                path = inode = None
        try:
            if os.lstat(target).st_ino == inode:
                return os.path.basename(path) if path is not None else None
            os.unlink(target)
        except FileNotFoundError:
            pass
        try:
            if path is not None:
                os.link(path, target)
                return os.path.basename(path)
        except OSError:
            pass
        with open(target, "wb") as handle:
            handle.write(data)
        return None

    def _checked(self, name: str) -> tuple[str, int]:
        path = os.path.join(self.folder, name)
        status = os.stat(path)
        self.used.add(name)
        return path, status.st_ino

    def keep_only_used(self) -> None:
        """Remove the kept files this build did not link (after a whole build: the files of outputs
        replaced since are theirs still, through their own links)."""
        try:
            with os.scandir(self.folder) as found:
                for item in found:
                    if item.name not in self.used:
                        try:
                            os.unlink(item.path)
                        except OSError:
                            pass
        except OSError:
            pass


def _remove(path: str) -> None:
    """Remove whatever is at `path` (a file, a link, a folder), if anything."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass

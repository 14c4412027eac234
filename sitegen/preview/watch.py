"""Watching the site's files for `sitegen serve`, with watchfiles: the operating system's own
events (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows), so a save is seen
within milliseconds, and watching costs next to nothing while nothing changes.

watchfiles waits for events in threads, and the preview forks (see `sitegen.core.parallel`), which is
safe only while no other thread runs. So the watching is done by a small process of its own
(`python -m sitegen.preview.watch`, `main` below), which writes a line for each batch of changes to a
pipe; the preview's event loop reads it, passes the changes on by the top-level name they are
under once no more have come for a moment, and then calls `after` (which reloads the browsers).

- content/, reports/ and themes/ are watched with everything below them; the site folder itself
  only for its own files (sitegen.yaml, saved in place or replaced as editors do) and for those
  folders coming or going, which are then looked at whole.
- A folder that came or went below a watched one means "look at everything there" (None), as
  the paths of what it held are not told.
- The system's events follow a symbolic link to a folder, but not one to a file: the targets of
  those are looked at every `POLL_MS` instead.
- Where the system's events do not work at all (some network drives), watchfiles polls when the
  environment variable WATCHFILES_FORCE_POLLING is set.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import threading
import time

from typing import Callable

from sitegen import PACKAGE_FOLDER

logger = logging.getLogger("sitegen.preview.watch")

QUIET_FOR = 0.0  # seconds without new changes before they are passed on (the watching process waits STEP_MS already)
LONGEST = 1.0  # changes are passed on at most this long after the first of them
STEP_MS = 5  # the watching process: milliseconds without a new event that end a batch
POLL_MS = 300  # the watching process: how often the targets of symbolic links to files are looked at
READY = "ready"  # what the watching process says once it watches


class SiteWatcher:
    """Watches a site folder's top-level folders and files.

    `watch_folder(name, func)`: `func(paths)` gets the paths that changed below `name`, or None
    when it cannot be told which. `watch_file(name, func)`: `func()` when that file of the site
    folder changes. `catch_up`: called once watching has started, to look for changes made
    before. `after(path)`: called after the functions of each batch of changes have run.
    """

    def __init__(self, root: os.PathLike | str, catch_up: Callable[[], object] | None = None,
                 after: Callable[[str], object] | None = None):
        self.root = os.path.abspath(root)
        self.catch_up = catch_up
        self.after = after
        self.folders: dict[str, Callable[[list[str] | None], object]] = {}
        self.wanted: dict[str, Callable[[str], bool]] = {}
        self.files: dict[str, Callable[[], object]] = {}
        self.quiet_for: dict[str, float] = {}  # by top-level name: seconds without new changes before they are passed on
        self.pending: dict[str, set[str] | None] = {}  # top-level name: paths changed (None: look at all)
        self.first_pending: float | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.process: subprocess.Popen | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = False
        self._unread = b""

    # --- what to watch ---------------------------------------------------------

    def watch_folder(self, name: str, func: Callable[[list[str] | None], object],
                     wanted: Callable[[str], bool] = lambda path: True, quiet_for: float = QUIET_FOR) -> None:
        """`wanted(path)`: whether a change to that file matters (a folder's always does).
        `quiet_for`: how long to wait for more changes before passing them on."""
        self.folders[name], self.wanted[name], self.quiet_for[name] = func, wanted, quiet_for

    def watch_file(self, name: str, func: Callable[[], object], quiet_for: float = QUIET_FOR) -> None:
        self.files[name], self.quiet_for[name] = func, quiet_for

    # --- running ---------------------------------------------------------------

    def start(self) -> None:
        """Start the watching process; call in the running event loop."""
        self.loop = asyncio.get_running_loop()
        package = str(PACKAGE_FOLDER.parent)  # this sitegen, whatever the working folder
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))}
        command = [sys.executable, "-m", "sitegen.preview.watch", self.root, ",".join(self.folders), ",".join(self.files)]
        # Its standard input is a pipe this process never writes to: it ends when this process does.
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        if os.name == "posix":  # the event loop reads the pipe itself: no thread here
            os.set_blocking(self.process.stdout.fileno(), False)
            self.loop.add_reader(self.process.stdout.fileno(), self._readable)
        else:  # Windows' event loops cannot wait on a pipe; nothing forks there, so a thread reads it
            threading.Thread(target=self._read_in_thread, args=(self.process.stdout,), daemon=True).start()

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.process is not None:
            if os.name == "posix" and self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.process.stdout.fileno())
            self.process.stdin.close()
            self.process.terminate()
            self.process.wait()
            self.process.stdout.close()

    def _readable(self) -> None:
        try:
            data = os.read(self.process.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return
        if not data:
            self.loop.remove_reader(self.process.stdout.fileno())
        self._told(data)

    def _read_in_thread(self, pipe) -> None:
        for data in iter(lambda: pipe.read1(1 << 20), b""):
            self.loop.call_soon_threadsafe(self._told, data)
        self.loop.call_soon_threadsafe(self._told, b"")

    def _told(self, data: bytes) -> None:
        """Take what the watching process wrote (b"": it ended)."""
        if not data:
            logger.warning("Watching the site's files stopped: restart the preview to see your changes again.")
            return
        *lines, self._unread = (self._unread + data).split(b"\n")
        for line in lines:
            self._take(json.loads(line))
        if self.pending:
            self._schedule()

    def _take(self, message) -> None:
        if message == READY:
            self.ready = True
            if self.catch_up is not None:
                self.catch_up()
            return
        for change, is_folder, path in message:
            self._note(path, change, is_folder)

    def _note(self, path: str, change: str, is_folder: bool) -> None:
        """Note one change (added, modified or deleted) to `path`, which is now a folder or not."""
        name, _, below = os.path.relpath(path, self.root).replace(os.sep, "/").partition("/")
        if below and any(part.startswith(".") for part in below.split("/")):
            return  # hidden: an editor's temporary file, say
        if name in self.files and not below:
            self.pending[name] = set()
        elif name not in self.folders or is_folder and change == "modified":
            return  # a folder's own time changed: what changed in it is told too
        elif not below or is_folder or change == "deleted" and not self.wanted[name](path):
            self.pending[name] = None  # a folder came or went (what went may have been one): look at all of it
        elif self.wanted[name](path):
            paths = self.pending.get(name, set())
            if paths is not None:
                paths.add(path)
                self.pending[name] = paths

    def _schedule(self) -> None:
        """Pass the changes on once no more have come for a moment (a save is several events)."""
        now = time.monotonic()
        if self.first_pending is None:
            self.first_pending = now
        wait = max(self.quiet_for.get(name, QUIET_FOR) for name in self.pending)
        when = min(now + wait, self.first_pending + LONGEST)
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.loop.call_later(max(0.0, when - now), self._fire)

    def _fire(self) -> None:
        self.timer = None
        self.first_pending = None
        pending, self.pending = self.pending, {}
        first = None
        for name, paths in pending.items():
            if name in self.files:
                self.files[name]()
            else:
                self.folders[name](sorted(paths) if paths is not None else None)
            first = first or min(paths or [os.path.join(self.root, name)])
        if self.after is not None and first is not None:
            self.after(first)


# --- the watching process -----------------------------------------------------------

_PARENT_GONE = threading.Event()  # set once this process's standard input ends: the preview has ended


class _Stop:
    """When watchfiles stops waiting: once the preview has ended, or `again` is set."""

    def __init__(self, again: threading.Event | None = None):
        self.again = again or threading.Event()

    def is_set(self) -> bool:
        return self.again.is_set() or _PARENT_GONE.is_set()


def _wait_for_the_parent_to_end() -> None:
    sys.stdin.buffer.read()  # the preview never writes: this ends when it does, however it ends
    _PARENT_GONE.set()


def main(root: str, folders: list[str], files: list[str]) -> None:
    """Watch `root`'s `folders` (with all below them) and its own `files`, and write what changed
    to standard output, a JSON line a batch: [[added, modified or deleted, is a folder, path], ...],
    or READY once it watches. Each folder is watched in a thread of its own, the site folder itself
    in another, and the targets of symbolic links to files in a third. It ends when its standard
    input does (when the preview has ended)."""
    import watchfiles

    lock = threading.Lock()
    again = {name: threading.Event() for name in folders}  # that folder is to be watched anew (it came or went)
    starting = [len(folders) + 1]  # watchers yet to start: then READY
    links: dict[str, tuple | None] = {}  # symbolic links to files: what their targets were when last looked at
    parent = _Stop()

    def say(message) -> None:
        with lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    def started() -> None:
        with lock:
            starting[0] -= 1
            all_started = starting[0] == 0
        if all_started:
            say(READY)

    def batch(found) -> list:
        changes = [[change.name, os.path.isdir(path), path] for change, path in sorted(found, key=lambda c: (c[1], c[0]))]
        with lock:
            for change, is_folder, path in changes:
                if change == "deleted":
                    links.pop(path, None)
                elif not is_folder and os.path.islink(path):
                    links[path] = _looks(path)
        return changes

    def watch(path: str, recursive: bool, only, stop: _Stop):
        """watchfiles' batches; an empty one at least every `STEP_MS` (the first: once it watches)."""
        return watchfiles.watch(path, watch_filter=only, debounce=1_000, step=STEP_MS, stop_event=stop,
                                rust_timeout=STEP_MS, yield_on_timeout=True, raise_interrupt=False,
                                recursive=recursive, ignore_permission_denied=True)

    def site_folder() -> None:
        """The site folder itself: its own files, and the watched folders going (and coming: then
        the folder's own watcher says so, once it watches it)."""
        names = set(folders) | set(files)
        first = True
        for found in watch(root, False, lambda change, path: os.path.basename(path) in names, parent):
            if first:
                first = False
                started()
            told = [change for change in batch(found) if os.path.basename(change[2]) in files or change[0] == "deleted"]
            if told:
                say(told)
            for change, path in found:
                if os.path.basename(path) in again and change != watchfiles.Change.modified:  # it came or went
                    again[os.path.basename(path)].set()

    def folder(name: str) -> None:
        """One folder, with everything below it: watched anew when it comes or goes, and then
        looked at whole."""
        path = os.path.join(root, name)
        first = True
        while not parent.is_set():
            again[name].clear()
            stop = _Stop(again[name])
            if not os.path.isdir(path):
                if first:
                    first = False
                    started()
                while not stop.is_set():
                    again[name].wait(0.5)
                continue
            with lock:
                links.update({link: _looks(link) for link in _file_links(path)})
            try:
                watching = False
                for found in watch(path, True, None, stop):
                    if not watching:  # it watches now
                        watching = True
                        if first:
                            first = False
                            started()
                        else:  # it came, or is watched anew: what is there now is looked at
                            say([["added", True, path]])
                    if found:
                        say(batch(found))
            except (OSError, RuntimeError):  # the folder went while it was being watched
                again[name].wait(0.5)

    def link_targets() -> None:
        """The system's events do not follow a symbolic link to a file: its target is looked at
        every `POLL_MS` instead, and a change is told as a change to the link."""
        while not parent.is_set():
            with lock:
                changed = [link for link, before in links.items() if _looks(link) != before]
                links.update({link: _looks(link) for link in changed})
            if changed:
                say([["modified", False, link] for link in sorted(changed)])
            _PARENT_GONE.wait(POLL_MS / 1000)

    threading.Thread(target=_wait_for_the_parent_to_end, daemon=True).start()
    for name in folders:
        threading.Thread(target=folder, args=(name,), daemon=True).start()
    threading.Thread(target=link_targets, daemon=True).start()
    site_folder()


def _looks(path: str) -> tuple | None:
    """What the file at `path` (through any link) looks like: enough to see that it changed."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino, found.st_ctime_ns


def _file_links(top: str) -> list[str]:
    """The symbolic links to files at or below `top` (hidden files and folders aside)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        found += [os.path.join(dirpath, name) for name in filenames
                  if not name.startswith(".") and os.path.islink(os.path.join(dirpath, name))]
    return found


if __name__ == "__main__":
    _root, _folders, _files = sys.argv[1:4]
    try:
        main(_root, [n for n in _folders.split(",") if n], [n for n in _files.split(",") if n])
    except (KeyboardInterrupt, BrokenPipeError):
        pass

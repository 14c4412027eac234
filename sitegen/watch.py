"""Watching the site's files for `sitegen serve`: the system says which files changed, where it can.

On Linux, inotify tells the preview which files were written, created, moved or removed as it
happens, so a save is rebuilt at once, only the files named are looked at, and nothing is looked
at while nothing changes. Elsewhere, or when inotify cannot be trusted, livereload's own watcher
looks at the time of every watched file every 0.8 s, and the preview compares every file below
content/ with its last look (as before):

- a symbolic link below a watched folder (inotify does not see its target change);
- inotify missing, failing, or short of watches (`fs.inotify.max_user_watches`).

When the queue of events overflows, every watched folder is looked at whole.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable

from livereload.watcher import Watcher

logger = logging.getLogger("sitegen.watch")

SETTLE = 0.01  # seconds without new events before the changes are passed on
WRITING = 0.25  # the same, while a file is written but not yet closed
LONGEST = 1.0  # changes are passed on at most this long after the first of them
POLL_MS = 800  # livereload's own polling, when inotify is not used


def _inotify():
    """inotify_simple, or None where there is no inotify."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import inotify_simple
    except ImportError:
        return None
    return inotify_simple


class NotifyWatcher(Watcher):
    """A livereload watcher of a site folder's top-level folders and files, told by inotify what changed.

    `watch_folder(name, func)`: `func(paths)` gets the paths that changed below `name`, or None
    when it cannot be told which (a folder moved in or out, events lost, polling).
    `watch_file(name, func)`: `func()` when that file in the site folder changes.
    `catch_up`: called once when watching starts, to look for changes made before that.
    """

    def __init__(self, root: os.PathLike | str, catch_up: Callable[[], object] | None = None,
                 use_inotify: bool = True):
        super().__init__()
        self.root = os.path.abspath(root)
        self.catch_up = catch_up
        self.use_inotify = use_inotify
        self.folders: dict[str, Callable[[list[str] | None], object]] = {}
        self.wanted: dict[str, Callable[[str], bool]] = {}
        self.top_files: dict[str, Callable[[], object]] = {}
        self.settle: dict[str, float] = {}
        self.polling = True  # until inotify is set up
        self.notify = None
        self.callback: Callable[[], object] | None = None
        self.loop = None
        self.wds: dict[int, str] = {}  # watch descriptor: the folder it watches
        self.pending: dict[str, set[str] | None] = {}  # top-level name: paths changed (None: look at all)
        self.writing: set[str] = set()  # written and not yet closed
        self.first_pending: float | None = None
        self.timer = None

    # --- what to watch ---------------------------------------------------------

    def watch_folder(self, name: str, func: Callable[[list[str] | None], object],
                     wanted: Callable[[str], bool] = lambda path: True, settle: float = SETTLE) -> None:
        """`wanted(path)`: whether a change to that file matters (a folder's always does).
        `settle`: how long to wait for more events before passing changes on."""
        self.folders[name], self.wanted[name], self.settle[name] = func, wanted, settle
        Watcher.watch(self, os.path.join(self.root, name, "**", "*"), lambda: func(None))  # when polling

    def watch_file(self, name: str, func: Callable[[], object], settle: float = SETTLE) -> None:
        self.top_files[name], self.settle[name] = func, settle
        Watcher.watch(self, os.path.join(self.root, name), func)  # when polling

    # --- livereload's side -----------------------------------------------------

    def start(self, callback: Callable[[], object]) -> bool:
        """Called by livereload once: True when this watcher calls `callback` on changes itself,
        False when livereload is to poll (and call `examine`) instead."""
        from tornado.ioloop import IOLoop

        self.callback = callback
        self.loop = IOLoop.current()
        self.polling = not self._start_inotify()
        if self.catch_up is not None:
            self.loop.add_callback(self.catch_up)
        if self.polling:
            return False
        self.loop.add_callback(callback)  # livereload's first look: its restart message
        return True

    def examine(self):
        """Run the tasks of the changes collected; returns (a changed path, delay) as livereload expects."""
        if self.polling:
            return super().examine()
        if self._changes:
            return self._changes.pop()
        pending, self.pending = self.pending, {}
        self.filepath = None
        for name, paths in pending.items():
            if name in self.top_files:
                self.top_files[name]()
            elif name in self.folders:
                self.folders[name](sorted(paths) if paths is not None else None)
            self.filepath = self.filepath or min(paths or [os.path.join(self.root, name)])
        return self.filepath, None

    # --- inotify ---------------------------------------------------------------

    def _start_inotify(self) -> bool:
        inotify = _inotify() if self.use_inotify else None
        if inotify is None:
            return False
        flags = inotify.flags
        self.mask = (flags.CLOSE_WRITE | flags.MODIFY | flags.ATTRIB | flags.CREATE | flags.DELETE
                     | flags.MOVED_FROM | flags.MOVED_TO | flags.DELETE_SELF | flags.MOVE_SELF | flags.ONLYDIR)
        self.flags = flags
        try:
            self.notify = inotify.INotify(nonblocking=True)
            self.wds[self.notify.add_watch(self.root, self.mask)] = self.root  # the site folder itself
            for name in [*self.folders, *self.top_files]:
                link = self._add(os.path.join(self.root, name))
                if link:
                    logger.warning("%s is a symbolic link, whose target inotify does not watch: looking for "
                                   "changes every %.1f s instead.", link, POLL_MS / 1000)
                    self._stop_inotify()
                    return False
        except OSError as exc:
            logger.warning("Watching with inotify failed (%s): looking for changes every %.1f s instead.", exc, POLL_MS / 1000)
            self._stop_inotify()
            return False
        self.loop.add_handler(self.notify.fileno(), self._on_events, self.loop.READ)
        return True

    def _stop_inotify(self) -> None:
        if self.notify is not None:
            if self.loop is not None:
                self.loop.remove_handler(self.notify.fileno())
            self.notify.close()
            self.notify = None
        self.wds.clear()

    def _add(self, path: str) -> str | None:
        """Watch the folder at `path` and the folders below it (nothing if it is a file or is not
        there); the path of a symbolic link found there instead, if any. Raises OSError when a
        watch cannot be added (such as too many watches)."""
        if os.path.islink(path):
            return path
        for dirpath, dirnames, filenames in os.walk(path):
            link = next((os.path.join(dirpath, name) for name in dirnames + filenames
                         if not name.startswith(".") and os.path.islink(os.path.join(dirpath, name))), None)
            if link:
                return link
            try:
                self.wds[self.notify.add_watch(dirpath, self.mask)] = dirpath
            except FileNotFoundError:
                continue  # gone already: its parent's event says so
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        return None

    def _forget(self, folder: str) -> None:
        """Stop watching a folder moved out of its place, and those below it."""
        for wd, path in list(self.wds.items()):
            if path == folder or path.startswith(folder + os.sep):
                del self.wds[wd]
                try:
                    self.notify.rm_watch(wd)
                except OSError:
                    pass  # already gone

    def _to_polling(self, why: str) -> None:
        """inotify can no longer be trusted here: poll as livereload does, after one whole look."""
        from tornado.ioloop import PeriodicCallback

        logger.warning("%s: looking for changes every %.1f s from now on.", why, POLL_MS / 1000)
        self._stop_inotify()
        self.polling = True
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
            self.timer = None
        for name in self.folders:
            func = self.folders[name]
            func(None)
        for func in self.top_files.values():
            func()
        self.pending.clear()
        PeriodicCallback(self.callback, POLL_MS).start()

    def _on_events(self, fd, events) -> None:
        try:
            happened = self.notify.read(timeout=0)
        except OSError as exc:
            self._to_polling(f"Reading inotify's events failed ({exc})")
            return
        try:
            for event in happened:
                if not self._take(event):
                    return
        except OSError as exc:  # adding a watch for a new folder failed (too many watches?)
            self._to_polling(f"Watching a new folder failed ({exc})")
            return
        if self.pending:
            self._schedule()

    def _take(self, event) -> bool:
        """Note one event; False when watching has gone over to polling."""
        flags = self.flags
        if event.mask & flags.Q_OVERFLOW:  # events were lost: watch any new folder, and look at everything
            for name in self.folders:
                link = self._add(os.path.join(self.root, name))
                if link:
                    self._to_polling(f"{link} is a symbolic link, whose target inotify does not watch")
                    return False
            self.pending.update({name: None for name in self.folders})
            self.pending.update({name: set() for name in self.top_files})
            return True
        if event.mask & flags.IGNORED:  # the watch is gone (its folder was removed)
            self.wds.pop(event.wd, None)
            return True
        folder = self.wds.get(event.wd)
        if folder is None or not event.name:
            return True  # a watched folder itself went: its parent's event says so
        path = os.path.join(folder, event.name)
        is_folder = bool(event.mask & flags.ISDIR)
        came = event.mask & (flags.CREATE | flags.MOVED_TO)
        if folder == self.root:  # in the site folder itself: sitegen.yaml, or content/ and the like as a whole
            if came and event.name in self.folders or event.name in self.top_files:
                link = self._add(path) if came else None
                if link:
                    self._to_polling(f"{link} is a symbolic link, whose target inotify does not watch")
                    return False
            if event.name in self.top_files:
                self.pending[event.name] = set()
            elif event.name in self.folders:
                if event.mask & flags.MOVED_FROM:
                    self._forget(path)
                self.pending[event.name] = None
            return True
        name = os.path.relpath(path, self.root).split(os.sep)[0]
        if name not in self.folders or event.name.startswith("."):
            return True
        if not is_folder and not self.wanted[name](path):
            return True
        link = self._add(path) if came else None  # a folder that came is watched, with those below it
        if link:
            self._to_polling(f"{link} is a symbolic link, whose target inotify does not watch")
            return False
        if is_folder:
            if event.mask & flags.MOVED_FROM:
                self._forget(path)
            self.pending[name] = None  # a folder came or went with whatever it holds
            return True
        if event.mask & (flags.MODIFY | flags.CREATE):
            self.writing.add(path)
        elif event.mask & (flags.CLOSE_WRITE | flags.DELETE | flags.MOVED_FROM | flags.MOVED_TO):
            self.writing.discard(path)
        paths = self.pending.get(name, set())
        if paths is not None:
            paths.add(path)
            self.pending[name] = paths
        return True

    def _schedule(self) -> None:
        """Pass the changes on once no event has come for a moment (a save is several events)."""
        now = time.monotonic()
        if self.first_pending is None:
            self.first_pending = now
        wait = WRITING if self.writing else max(self.settle.get(name, SETTLE) for name in self.pending)
        when = min(now + wait, self.first_pending + LONGEST)
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
        self.timer = self.loop.call_later(max(0.0, when - now), self._fire)

    def _fire(self) -> None:
        self.timer = None
        self.first_pending = None
        self.writing.clear()
        if self.pending:
            self.callback()

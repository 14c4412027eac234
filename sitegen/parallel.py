"""Sharing a whole build's pure steps (reading entries, rendering pages) between processes.

A large site's warm build spends most of its time reading 2,000 Markdown files and rendering
their pages, one after another, on one core. `fork_map` shares such a list of jobs with forked
copies of the build: each copy already holds the settings, the theme and the site, so nothing
but the results crosses between processes.

The results are exactly those of `[func(item) for item in items]`, in the same order, whatever
the parallelism, because `func` is pure. If a copy fails in any way (an exception, a crash, a
result that cannot be sent back), the build does that copy's share itself, so an error is raised
where it would have been without processes, and nothing is lost.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

FORK_FROM = 200  # items before it pays to fork: a fork and its results' trip back cost a few ms


def cpus() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking is safe only on Linux and only with no other thread running: a thread's lock
    held at the moment of the fork stays held for ever in the copy (a preview's server runs threads)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def fork_map(func: Callable[[T], R], items: Iterable[T], *, workers: int | None = None,
             least: int | None = None) -> list[R]:
    """`[func(item) for item in items]`, shared between this process and `workers - 1` forked copies
    (item i goes to copy i mod workers) when there are at least `least` items (default `FORK_FROM`)
    and forking is safe."""
    items = list(items)
    least = FORK_FROM if least is None else least
    workers = min(workers if workers is not None else cpus(), len(items))
    if workers < 2 or len(items) < least or not can_fork():
        return [func(item) for item in items]
    sys.stdout.flush()  # a copy exits without flushing, but an unflushed buffer would be the parent's to write
    sys.stderr.flush()
    children: list[tuple[int, int, int]] = []  # (share, pid, pipe to read)
    try:
        for share in range(1, workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the copy: do this share, send it back, and leave without running any cleanup
                os.close(read_end)
                _child(func, items[share::workers], write_end)
            os.close(write_end)
            children.append((share, pid, read_end))
        results: list = [None] * len(items)
        results[0::workers] = [func(item) for item in items[0::workers]]
        while children:
            share, pid, read_end = children.pop(0)
            mine = items[share::workers]
            got = _collect(pid, read_end)
            results[share::workers] = got if isinstance(got, list) and len(got) == len(mine) else [func(item) for item in mine]
        return results
    finally:
        for _, pid, read_end in children:  # only after an exception here: stop and reap the copies
            os.close(read_end)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _child(func: Callable, items: list, write_end: int) -> None:
    code = 1
    try:
        data = pickle.dumps([func(item) for item in items], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 - the parent does this share itself, and raises there
        pass
    finally:
        os._exit(code)


def _collect(pid: int, read_end: int) -> object:
    """What a copy sent back, or None if it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    return _sent(pid, data)


def _sent(pid: int, data: bytes) -> object:
    """What a copy that has written `data` and closed its pipe sent back (once it has ended), or None if it failed."""
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001
        return None


def fork_call(func: Callable[[], R]) -> tuple[int, int] | None:
    """Start `func()` in a forked copy of this process, which goes on meanwhile: the copy's pid and
    the pipe to read what it sends back (for `result_of`, once the pipe is at its end). None when
    forking is not safe here (see `can_fork`)."""
    if not can_fork():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(lambda _: func(), [None], write_end)
    os.close(write_end)
    return pid, read_end


def result_of(pid: int, data: bytes) -> object:
    """What `func()` returned in the copy `fork_call` started, from all it sent; None if it failed."""
    sent = _sent(pid, data)
    return sent[0] if isinstance(sent, list) and len(sent) == 1 else None

"""Sharing a whole build's pure steps (reading entries, rendering pages) between processes.

A large site's warm build spends most of its time reading 2,000 Markdown files and rendering
their pages, one after another, on one core. `fork_map` shares such a list of jobs with forked
workers (processes forked from the build): each worker already holds the settings, the theme and the site, so nothing
but the results crosses between processes.

The results are exactly those of `[func(item) for item in items]`, in the same order, whatever
the parallelism, because `func` is pure. If a worker fails in any way (an exception, a crash, a
result that cannot be sent back), the build does that worker's share itself, so an error is raised
where it would have been without processes, and nothing is lost. So work that may crash the
process doing it is safe in such a worker (`in_shared_worker`): how reading documents relies on
that is told once, in `sitegen.documents.reading.prepare`.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import sys
import threading
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

FORK_FROM = 200  # items before it pays to fork: a fork and its results' trip back cost a few ms

_SHARED_WORKER = False  # True in a worker `fork_map` or `fork_pool` forked (and not in one `fork_call` forked from it)
_WORKER = False  # True in any worker either forked


def cpus() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking is safe only on Linux and only with no other thread running: a thread's lock
    held at the moment of the fork stays held for ever in the worker (a preview's server runs threads)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def in_worker() -> bool:
    """Whether this process is a forked worker (`fork_map`'s or `fork_call`'s): a process whose end
    does not end the build."""
    return _WORKER


def in_shared_worker() -> bool:
    """Whether this process is a worker that `fork_map` or `fork_pool` forked: if it dies, the process that forked
    it does its share again itself, so a crash here loses nothing."""
    return _SHARED_WORKER


def fork_map(func: Callable[[T], R], items: Iterable[T], *, workers: int | None = None,
             least: int | None = None, only_workers: bool = False,
             lost: Callable[[T], R] | None = None) -> list[R]:
    """`[func(item) for item in items]`, shared between this process and `workers - 1` forked workers
    (item i goes to worker i mod workers) when there are at least `least` items (default `FORK_FROM`)
    and forking is safe. With `only_workers`, `workers` workers do it all (even with one worker) and
    this process only waits and does again what a worker failed to do: for a `func` that does work
    which may crash the process only where `in_shared_worker`. With `lost` too, what a worker failed to
    do is done again one item per forked worker (`fork_call`), so an item that crashes or stops every
    process that works on it loses only itself: its result is `lost(item)`."""
    items = list(items)
    least = FORK_FROM if least is None else least
    workers = min(workers if workers is not None else cpus(), len(items))
    if workers < (1 if only_workers else 2) or len(items) < least or not can_fork():
        return [func(item) for item in items]
    sys.stdout.flush()  # a worker exits without flushing, but an unflushed buffer would be the parent's to write
    sys.stderr.flush()
    children: list[tuple[int, int, int]] = []  # (share, pid, pipe to read)
    try:
        for share in range(0 if only_workers else 1, workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: do this share, send it back, and leave without running any cleanup
                os.close(read_end)
                _child(func, items[share::workers], write_end, shared=True)
            os.close(write_end)
            children.append((share, pid, read_end))
        results: list = [None] * len(items)
        if not only_workers:
            results[0::workers] = [func(item) for item in items[0::workers]]
        while children:
            share, pid, read_end = children.pop(0)
            mine = items[share::workers]
            got = _collect(pid, read_end)
            if isinstance(got, list) and len(got) == len(mine):
                results[share::workers] = got
            elif only_workers and lost is not None:
                results[share::workers] = [_alone(func, item, lost) for item in mine]
            else:
                results[share::workers] = [func(item) for item in mine]
        return results
    finally:
        for _, pid, read_end in children:  # only after an exception here: stop and reap the workers
            _stop(pid, read_end)


def _stop(pid: int, read_end: int) -> None:
    """Stop a worker that is still running (after an exception in the process that forked it), and reap it."""
    os.close(read_end)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


TICKET = 4  # bytes of an item's number in `fork_pool`'s pipe of items to take


def fork_pool(func: Callable[[T], R], items: Iterable[T], *, workers: int | None = None,
              lost: Callable[[T], R] | None = None, told: Callable[[int], None] | None = None) -> list[R]:
    """`[func(item) for item in items]` for work that may crash the process doing it, done only by
    `workers` forked workers (as `fork_map` with `only_workers`), each taking the next item no
    worker has taken as soon as it has sent back the last: items of very different lengths (a
    117-page report among 2-page ones) keep every worker busy to the end, where `fork_map`'s fixed
    shares leave one waiting for another. Items are taken in their order: put the longest first.
    `told` is told how many results have come back, after each.

    What a worker took and did not send back (it crashed, was stopped, raised, or its result could
    not be sent) is done again in a forked worker of its own (`fork_call`); an item no worker could
    finish gives `lost(item)` (without `lost`, it is done again here). Where forking is not safe,
    it is `fork_map`'s."""
    items = list(items)
    workers = max(1, min(workers if workers is not None else cpus(), len(items)))
    tickets = _tickets(len(items)) if items and can_fork() else None  # every item's number, in a pipe each worker reads the next from
    if tickets is None:
        shared = fork_map(func, items, workers=workers, least=1, only_workers=True, lost=lost)
        if told is not None and shared:
            told(len(shared))
        return shared
    sys.stdout.flush()  # as `fork_map`
    sys.stderr.flush()
    children: dict[int, tuple[int, bytearray]] = {}  # pipe to read -> (pid, what came so far)
    results: dict[int, R] = {}
    try:
        for _ in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _pool_child(func, items, tickets, write_end)
            os.close(write_end)
            children[read_end] = (pid, bytearray())
        os.close(tickets)
        tickets = -1
        _gather(children, results, told)
    finally:
        if tickets >= 0:
            os.close(tickets)
        for read_end, (pid, _) in children.items():  # only after an exception here: stop and reap the workers
            _stop(pid, read_end)
    for number, item in enumerate(items):  # taken by a worker that did not send it back
        if number not in results:
            results[number] = _alone(func, item, lost) if lost is not None else func(item)
            if told is not None:
                told(len(results))
    return [results[number] for number in range(len(items))]


def _tickets(count: int) -> int | None:
    """The reading end of a pipe holding the numbers 0 to `count - 1`, written whole before any
    worker is forked (a pipe holds 64 KB, more when asked); None if they do not fit."""
    import fcntl  # Linux only, as forking

    needed = count * TICKET
    read_end, write_end = os.pipe()
    try:
        if needed > 65536:
            fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), needed)
        data = b"".join(number.to_bytes(TICKET, "little") for number in range(count))
        os.set_blocking(write_end, False)
        if os.write(write_end, data) != len(data):
            raise OSError("the pipe took only part of it")
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    return read_end


def _pool_child(func: Callable, items: list, tickets: int, write_end: int) -> None:
    """A `fork_pool` worker: take the next item's number (a read of a few bytes from a pipe is one
    reader's whole), do it, and send back its number and result, until none is left."""
    global _SHARED_WORKER, _WORKER
    _SHARED_WORKER, _WORKER = True, True
    code = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            while ticket := os.read(tickets, TICKET):
                number = int.from_bytes(ticket, "little")
                data = pickle.dumps((number, func(items[number])), protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(len(data).to_bytes(8, "little") + data)
                pipe.flush()
        code = 0
    except BaseException:  # noqa: BLE001 - what it took and did not send back is done again
        pass
    finally:
        os._exit(code)


def _gather(children: dict[int, tuple[int, bytearray]], results: dict, told: Callable[[int], None] | None) -> None:
    """Read every `fork_pool` worker's results as they come, until each has ended (and been reaped).
    A result cut short (its worker died while sending it) is dropped: its item is done again."""
    with selectors.DefaultSelector() as waiting:
        for read_end in children:
            waiting.register(read_end, selectors.EVENT_READ)
        while children:
            for key, _ in waiting.select():
                read_end = key.fd
                pid, buffer = children[read_end]
                chunk = os.read(read_end, 1 << 20)
                buffer += chunk
                while len(buffer) >= 8 and len(buffer) >= 8 + int.from_bytes(buffer[:8], "little"):
                    size = int.from_bytes(buffer[:8], "little")
                    try:
                        number, result = pickle.loads(bytes(buffer[8:8 + size]))
                    except Exception:  # noqa: BLE001 - done again
                        number = None
                    del buffer[:8 + size]
                    if isinstance(number, int) and number not in results:
                        results[number] = result
                        if told is not None:
                            told(len(results))
                if not chunk:  # its end: the worker has finished, or died
                    waiting.unregister(read_end)
                    os.close(read_end)
                    del children[read_end]
                    try:
                        os.waitpid(pid, 0)
                    except OSError:
                        pass


def _alone(func: Callable[[T], R], item: T, lost: Callable[[T], R]) -> R:
    """`func(item)` in a forked worker of its own; `lost(item)` if that worker did not send it back."""
    started = fork_call(lambda: func(item))
    if started is None:
        return func(item)
    pid, pipe = started
    with os.fdopen(pipe, "rb") as handle:
        sent = _sent(pid, handle.read())
    return sent[0] if isinstance(sent, list) and len(sent) == 1 else lost(item)


def _child(func: Callable, items: list, write_end: int, shared: bool) -> None:
    global _SHARED_WORKER, _WORKER
    _SHARED_WORKER, _WORKER = shared, True
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
    """What a worker sent back, or None if it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    return _sent(pid, data)


def _sent(pid: int, data: bytes) -> object:
    """What a worker that has written `data` and closed its pipe sent back (once it has ended), or None if it failed."""
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001
        return None


def fork_call(func: Callable[[], R]) -> tuple[int, int] | None:
    """Start `func()` in a forked worker, while this process goes on: the worker's pid and
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
        _child(lambda _: func(), [None], write_end, shared=False)  # no one does it again if this worker dies
    os.close(write_end)
    return pid, read_end


def result_of(pid: int, data: bytes) -> object:
    """What `func()` returned in the worker `fork_call` started, from all it sent; None if it failed."""
    sent = _sent(pid, data)
    return sent[0] if isinstance(sent, list) and len(sent) == 1 else None

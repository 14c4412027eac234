"""Sharing a build's pure steps between forked processes changes nothing but the time taken."""

import os
import signal
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import read_output
from sitegen.core import parallel
from sitegen.core.parallel import fork_map, fork_pool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sitegen forks only on Linux")


def children() -> set[int]:
    """This process's child processes (a browser test's browser may be one: compare before and after)."""
    found = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as handle:
                found.update(int(pid) for pid in handle.read().split())
        except FileNotFoundError:  # a thread that ended meanwhile (an earlier test's) has no children
            continue
    return found


@pytest.fixture(autouse=True)
def no_worker_is_left_behind():
    before = children()
    yield
    assert children() <= before, "every forked worker has ended and been waited for"


@pytest.fixture
def may_fork():
    """These tests are about what happens when sitegen forks, which it rightly never does while
    another thread runs: none does here (the browser tests, whose Playwright keeps threads, run in
    a process of their own)."""
    assert threading.active_count() == 1, [thread.name for thread in threading.enumerate()]
    assert parallel.can_fork()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(), max_size=30), st.integers(min_value=1, max_value=4))
def test_the_results_are_those_of_a_plain_loop_in_order(may_fork, items, workers):
    assert fork_map(lambda x: (x * 7, str(x)), items, workers=workers, least=0) == [(x * 7, str(x)) for x in items]


@pytest.mark.parametrize("count, workers", [(2, 2), (10, 2), (11, 3), (40, 4)])
def test_with_workers_some_work_is_done_elsewhere_and_the_results_come_back_in_order(may_fork, count, workers):
    """The point of sharing (some items are done outside this process) without changing the
    results or their order; which process does which item is fork_map's own business."""
    done = fork_map(lambda x: (x * 7, os.getpid()), range(count), workers=workers, least=0)
    assert [result for result, _ in done] == [x * 7 for x in range(count)]
    assert {pid for _, pid in done} != {os.getpid()}


def test_few_items_are_done_here(may_fork):
    assert set(fork_map(lambda _: os.getpid(), range(10), workers=2, least=11)) == {os.getpid()}


def test_with_another_thread_running_nothing_is_forked():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert set(fork_map(lambda _: os.getpid(), range(10), workers=2, least=0)) == {os.getpid()}
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("failure", ["exception", "crash", "killed", "unpicklable"])
def test_a_failing_worker_costs_time_not_results(may_fork, failure):
    here = os.getpid()

    def work(x):
        if os.getpid() != here:
            if failure == "exception":
                raise ValueError("only in the worker")
            if failure == "crash":
                os._exit(3)
            if failure == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            if failure == "unpicklable":
                return lambda: x
        return x + 1

    assert fork_map(work, range(9), workers=3, least=0) == list(range(1, 10))


def test_with_only_workers_this_process_only_waits_and_does_again_what_a_worker_lost(may_fork):
    """For work that may crash the process doing it: every share is a worker's (even with one worker),
    each worker knows it is one, and a worker's crash costs its share being done again here."""
    here = os.getpid()
    done = fork_map(lambda x: (x, os.getpid(), parallel.in_shared_worker()), range(10), workers=2, least=0, only_workers=True)
    assert [x for x, *_ in done] == list(range(10))
    assert here not in {pid for _, pid, _ in done}
    assert all(shared for *_, shared in done) and not parallel.in_shared_worker()
    (_, pid, shared), = fork_map(lambda x: (x, os.getpid(), parallel.in_shared_worker()), [0], workers=1, least=0, only_workers=True)
    assert pid != here and shared

    def work(x):
        if x == 3 and parallel.in_shared_worker():
            os.kill(os.getpid(), signal.SIGKILL)
        return x, os.getpid()

    done = fork_map(work, range(10), workers=2, least=0, only_workers=True)
    assert [x for x, _ in done] == list(range(10))  # nothing lost, in order
    assert dict(done)[3] == here  # what the worker that died was doing: done again here
    assert {pid for _, pid in done} - {here}, "the worker that did not die kept its share"


def test_a_worker_of_a_call_is_not_a_shared_worker_even_forked_from_one(may_fork):
    """`fork_call`'s worker is the only one to do its work: no one would do it again if it died."""
    def from_a_call(_):
        pid, pipe = parallel.fork_call(parallel.in_shared_worker)
        return parallel.in_shared_worker(), parallel.result_of(pid, read_all(pipe))

    assert fork_map(from_a_call, [0], workers=1, least=0, only_workers=True) == [(True, False)]


def test_an_error_is_raised_here_as_without_processes_and_no_worker_is_left(may_fork):
    def work(x):
        if x == 5:
            raise KeyError("item 5")
        return x

    with pytest.raises(KeyError, match="item 5"):  # item 5 is a worker's: the build does it again itself
        fork_map(work, range(10), workers=2, least=0)
    with pytest.raises(KeyError, match="item 5"):  # item 5 is this process's own
        fork_map(work, range(10), workers=5, least=0)


# --- fork_pool: each worker takes the next item as soon as it is free ----------------------------

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(), max_size=40), st.integers(min_value=1, max_value=4))
def test_a_pool_gives_the_results_of_a_plain_loop_in_order_all_made_in_workers(may_fork, items, workers):
    here = os.getpid()
    told = []
    done = fork_pool(lambda x: (x * 2, os.getpid(), parallel.in_shared_worker()), items, workers=workers, told=told.append)
    assert [x for x, _, _ in done] == [x * 2 for x in items]
    assert here not in {pid for _, pid, _ in done} and all(shared for *_, shared in done)
    assert told == list(range(1, len(items) + 1))


def test_in_a_pool_no_worker_waits_on_another_while_items_are_left(may_fork):
    """Item 0 holds its worker until every other item is done: with shares fixed in advance, some
    of them would be that worker's, and it would never finish; in the pool the other worker takes
    them all. (Item 0 waits on a pipe that this process writes to once told the others are back;
    if it were never written to, item 0 gives up after a minute and the test fails.)"""
    import select

    release_read, release_write = os.pipe()
    items = list(range(12))

    def work(x):
        if x == 0:
            ready, _, _ = select.select([release_read], [], [], 60)
            return "released" if ready else "left waiting"
        return x

    def told(count):
        if count == len(items) - 1:
            os.write(release_write, b"go")

    try:
        done = fork_pool(work, items, workers=2, told=told)
    finally:
        os.close(release_read)
        os.close(release_write)
    assert done == ["released", *items[1:]]


@pytest.mark.parametrize("failure", ["exception", "crash", "killed", "unpicklable"])
def test_what_a_pool_worker_took_and_did_not_send_back_is_done_again_alone_or_lost(may_fork, failure):
    """Only the item a worker was doing when it failed is done again, in a worker of its own; an
    item that fails every worker that tries it gives `lost`, and the rest are the workers'."""
    here = os.getpid()

    def work(x):
        if x == 3 and parallel.in_worker():
            if failure == "exception":
                raise ValueError("only in a worker")
            if failure == "crash":
                os._exit(3)
            if failure == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            return lambda: x  # cannot be sent back
        return x, os.getpid()

    told = []
    done = fork_pool(work, range(10), workers=2, lost=lambda x: ("lost", x), told=told.append)
    assert done[3] == ("lost", 3) and told == list(range(1, 11))  # the one done again is told too
    assert [x for x, _ in done[:3] + done[4:]] == [0, 1, 2, 4, 5, 6, 7, 8, 9]
    assert here not in {pid for _, pid in done}


def test_with_another_thread_running_a_pool_forks_nothing():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert fork_pool(lambda x: (x, os.getpid()), range(5), workers=2) == [(x, os.getpid()) for x in range(5)]
    finally:
        stop.set()
        thread.join()


def make_many(site, n):
    site.pdf("shared.pdf", ["Overview", "Findings"])
    for index in range(n):
        site.entry(f"r{index:03}", title=f"Review {index}", published="2026-01-01" if index % 4 else "2025-01-01",
                   themes=["neglect"] if index % 2 else ["self-neglect"],
                   body=f"## Learning\n\nShare information early, case {index}.\n",
                   # only live reviews list the PDF: one that came down would take it down with it
                   documents=[{"file": "reports/shared.pdf", "title": "Overview"}] if index % 5 == 0 and index % 4 else "none")
    site.entry("r-broken", published="not a date")


def test_a_whole_build_is_the_same_bytes_whatever_the_number_of_processes(may_fork, site, tmp_path, monkeypatch):
    make_many(site, 60)
    monkeypatch.setattr(parallel, "FORK_FROM", 1)  # a test-sized site is shared too
    from sitegen.content import yamlfile

    readers = tmp_path / "readers"  # the process that read each entry's front matter, one a line
    real_load = yamlfile.load

    def load(text, first_line=1):
        with open(readers, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        return real_load(text, first_line)

    monkeypatch.setattr(yamlfile, "load", load)
    shared, _ = site.build("2026-11-22", tmp_path / "shared", workers=2)
    assert len(set(readers.read_text().split())) > 1, "the entries were read by more than one process (or this would compare a build with itself)"
    monkeypatch.setattr(yamlfile, "load", real_load)
    alone, _ = site.build("2026-11-22", tmp_path / "alone", workers=1)
    assert read_output(tmp_path / "shared") == read_output(tmp_path / "alone")
    assert [str(p) for p in shared.problems] == [str(p) for p in alone.problems]
    assert any("r-broken" in str(p) for p in shared.problems)


def test_what_the_workers_read_and_converted_is_kept_for_the_next_build(may_fork, site, tmp_path, monkeypatch):
    from sitegen.rendering import render

    from sitegen.content import yamlfile
    make_many(site, 60)
    monkeypatch.setattr(parallel, "FORK_FROM", 1)
    first, _ = site.build("2026-11-22", tmp_path / "first", workers=2)
    real_load = yamlfile.load

    def load(text, first_line=1):  # front matter starts on line 2; sitegen.yaml is read as ever
        assert first_line != 2, "front matter read again, although a worker had read it"
        return real_load(text, first_line)

    def to_html(text):
        raise AssertionError("Markdown converted again, although a worker had converted it")

    monkeypatch.setattr(yamlfile, "load", load)
    monkeypatch.setattr(render, "to_html", to_html)
    second, _ = site.build("2026-11-22", tmp_path / "second", workers=2)
    assert read_output(tmp_path / "second") == read_output(tmp_path / "first")


def read_all(pipe: int) -> bytes:
    with os.fdopen(pipe, "rb") as handle:
        return handle.read()


def test_a_call_in_a_forked_worker_sends_back_what_it_returns(may_fork):
    pid, pipe = parallel.fork_call(lambda: ("made in", os.getpid()))
    made, where = parallel.result_of(pid, read_all(pipe))
    assert made == "made in" and where == pid != os.getpid()


@pytest.mark.parametrize("failure", ["exception", "crash"])
def test_a_call_that_fails_in_its_worker_gives_none(may_fork, failure):
    def fail():
        if failure == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ValueError("no")
    pid, pipe = parallel.fork_call(fail)
    assert parallel.result_of(pid, read_all(pipe)) is None


def test_with_another_thread_running_no_call_is_forked():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.fork_call(lambda: None) is None
    finally:
        stop.set()
        thread.join()

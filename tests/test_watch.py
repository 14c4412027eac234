"""serve's watcher: the operating system's events, told by a watching process of its own, passed on
by the top-level name they are under; polling where events cannot be trusted (symbolic links).

No test waits for a time: each waits for the watcher to say it is watching, or to pass changes on
(with a generous limit, as a guard only). That nothing is passed on is shown by a change made
afterwards coming on its own."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen.preview.watch import SiteWatcher

pytestmark = pytest.mark.slow  # runs the file watcher in processes of its own: left out of scripts/test-fast

LIMIT = 20  # seconds: a guard against a hang, never a timing


class Watching:
    """A watcher of a site folder's content/, reports/ and sitegen.yaml, as serve sets one up,
    noting each batch it passes on."""

    def __init__(self, root: Path, **options):
        self.root = root
        self.calls: list[tuple[str, list[str] | None]] = []
        self.batches: list[list[tuple[str, list[str] | None]]] = []
        self.texts: dict[str, str] = {}  # what each file named held when it was passed on
        self.caught_up = 0
        self.watcher = SiteWatcher(root, catch_up=self.catch_up, after=self.after, **options)
        self.watcher.watch_folder("content", lambda paths: self.note("content", paths), wanted=lambda path: path.endswith(".md"))
        self.watcher.watch_folder("reports", lambda paths: self.note("reports", paths))
        self.watcher.watch_file("sitegen.yaml", lambda: self.note("sitegen.yaml", None))

    def note(self, name: str, paths: list[str] | None) -> None:
        self.calls.append((name, paths))
        for path in paths or []:
            if os.path.isfile(path):
                self.texts[path] = Path(path).read_text()

    def catch_up(self) -> None:
        self.caught_up += 1
        self.ready.set()

    def after(self, path: str) -> None:
        self.batches.append(self.calls)
        self.calls = []
        self.passed_on.set()

    async def next(self) -> list[tuple[str, list[str] | None]]:
        """What was passed on at the next change (with whatever came at the same time)."""
        while not self.batches:
            self.passed_on.clear()
            await asyncio.wait_for(self.passed_on.wait(), LIMIT)
        return self.batches.pop(0)

    async def only(self, path: Path) -> None:
        """Make a change to a file of content/, and show it is the only thing passed on: so what was
        done before it was not passed on at all (the watcher passes changes on in order)."""
        path.write_text("a change made afterwards")
        assert await self.next() == [("content", [str(path)])]


@asynccontextmanager
async def watching(root: Path, folders=("content", "reports"), **options):
    for name in folders:
        (root / name).mkdir(parents=True, exist_ok=True)
    found = Watching(root, **options)
    found.ready, found.passed_on = asyncio.Event(), asyncio.Event()
    found.watcher.start()
    try:
        await asyncio.wait_for(found.ready.wait(), LIMIT)
        yield found
    finally:
        found.watcher.stop()


def run(coroutine) -> None:
    asyncio.run(coroutine)


def test_a_saved_entry_is_passed_on_by_name(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            entry = tmp_path / "content" / "sar" / "adult-a.md"
            entry.parent.mkdir()
            assert await w.next() == [("content", None)]  # a new folder: whatever it holds is looked at
            entry.write_text("first")
            assert await w.next() == [("content", [str(entry)])]  # the new folder is watched too
            entry.write_text("second")
            assert await w.next() == [("content", [str(entry)])]
            assert w.texts[str(entry)] == "second"
    run(steps())


def test_moves_deletions_and_an_editors_save_through_another_file(tmp_path):
    async def steps():
        (tmp_path / "content").mkdir()
        old, new = tmp_path / "content" / "old.md", tmp_path / "content" / "new.md"
        old.write_text("entry")
        async with watching(tmp_path) as w:
            old.rename(new)
            assert await w.next() == [("content", sorted([str(old), str(new)]))]
            temporary = tmp_path / "content" / ".new.md.swp"  # written in full, then moved over the entry
            temporary.write_text("saved in one go")
            os.replace(temporary, new)
            assert await w.next() == [("content", [str(new)])]
            assert w.texts[str(new)] == "saved in one go"
            new.unlink()
            assert await w.next() == [("content", [str(new)])]
    run(steps())


def test_files_that_do_not_matter_are_not_passed_on(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            (tmp_path / "content" / "picture.png").write_bytes(b"png")
            (tmp_path / "content" / ".notes.md").write_text("hidden")
            (tmp_path / "build").mkdir()
            (tmp_path / "build" / "index.html").write_text("an output")
            (tmp_path / "notes.txt").write_text("beside the settings")
            await w.only(tmp_path / "content" / "afterwards.md")
    run(steps())


def test_reports_and_settings_saved_in_place_or_replaced(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            report = tmp_path / "reports" / "a.pdf"
            report.write_bytes(b"%PDF")
            assert await w.next() == [("reports", [str(report)])]
            settings = tmp_path / "sitegen.yaml"
            settings.write_text("name: x\n")
            assert await w.next() == [("sitegen.yaml", None)]
            for text in ("name: y\n", "name: z\n"):  # as editors save: a new file moved over the old one
                (tmp_path / ".sitegen.yaml.tmp").write_text(text)
                os.replace(tmp_path / ".sitegen.yaml.tmp", settings)
                assert await w.next() == [("sitegen.yaml", None)]
    run(steps())


def test_a_file_written_in_parts_is_passed_on_as_it_ends(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            entry = tmp_path / "content" / "slow.md"
            with entry.open("w") as handle:
                handle.write("first half, ")
                handle.flush()
                handle.write("second half")
            while w.texts.get(str(entry)) != "first half, second half":
                assert await w.next() == [("content", [str(entry)])]
    run(steps())


def test_a_flood_of_changes_is_passed_on_whole(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            written = set()
            for n in range(3000):
                path = tmp_path / "content" / f"e{n}.md"
                path.write_text("x")
                written.add(str(path))
            seen: set[str] = set()
            while seen != written:
                for name, paths in await w.next():
                    assert name == "content" and paths is not None
                    seen.update(paths)
    run(steps())


def test_a_symbolic_links_target_edited_is_passed_on(tmp_path):
    """The system's events do not follow a link to a file: its target is looked at instead."""
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("kept outside the site")
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    link = site / "content" / "linked.md"
    os.symlink(elsewhere, link)

    async def at_start():
        async with watching(site) as w:
            elsewhere.write_text("its target edited")
            assert await w.next() == [("content", [str(link)])]
            assert w.texts[str(link)] == "its target edited"
    run(at_start())
    link.unlink()

    async def later():
        async with watching(site) as w:
            os.symlink(elsewhere, link)
            assert await w.next() == [("content", [str(link)])]
            elsewhere.write_text("edited again")
            assert await w.next() == [("content", [str(link)])]
            assert w.texts[str(link)] == "edited again"
            link.unlink()
            assert await w.next() == [("content", [str(link)])]
            elsewhere.write_text("no longer the site's")
            await w.only(site / "content" / "sentinel.md")
    run(later())


def test_a_symbolic_link_to_a_folder_is_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    os.symlink(elsewhere, site / "content" / "linked")

    async def steps():
        async with watching(site) as w:
            (elsewhere / "a.md").write_text("written there")
            assert await w.next() == [("content", [str(site / "content" / "linked" / "a.md")])]
    run(steps())


def test_changes_made_before_watching_started_are_looked_for_once(tmp_path):
    async def steps():
        async with watching(tmp_path) as w:
            assert w.caught_up == 1  # once it watches: nothing made before is missed
            await w.only(tmp_path / "content" / "a.md")
            assert w.caught_up == 1
    run(steps())


def test_a_folder_moved_away_is_no_longer_watched_and_one_moved_in_is(tmp_path):
    async def steps():
        inside = tmp_path / "site" / "content" / "folder"
        inside.mkdir(parents=True)
        (inside / "there.md").write_text("an entry")
        async with watching(tmp_path / "site") as w:
            outside = tmp_path / "elsewhere"
            inside.rename(outside)
            assert await w.next() == [("content", None)]  # what it held went with it
            (outside / "away.md").write_text("not the site's")
            await w.only(tmp_path / "site" / "content" / "sentinel.md")
            outside.rename(inside)
            assert await w.next() == [("content", None)]
            (inside / "back.md").write_text("the site's again")
            assert await w.next() == [("content", [str(inside / "back.md")])]
    run(steps())


def test_a_folder_made_later_is_watched(tmp_path):
    async def steps():
        async with watching(tmp_path, folders=("content",)) as w:
            (tmp_path / "reports").mkdir()
            assert await w.next() == [("reports", None)]
            report = tmp_path / "reports" / "a.pdf"
            report.write_bytes(b"%PDF")
            assert await w.next() == [("reports", [str(report)])]
    run(steps())


def test_the_watching_process_ends_with_the_preview(tmp_path):
    async def stopped():
        async with watching(tmp_path) as w:
            process = w.watcher.process
        assert process.poll() is not None
    run(stopped())


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waiting for another process's end: os.pidfd_open is Linux's")
def test_the_watching_process_ends_when_the_preview_is_killed(tmp_path):
    code = ("import asyncio, sys\nfrom sitegen.preview.watch import SiteWatcher\n"
            "async def main():\n"
            "    w = SiteWatcher(sys.argv[1], catch_up=lambda: print(w.process.pid, flush=True))\n"
            "    w.watch_folder('content', print)\n    w.start()\n    await asyncio.Event().wait()\n"
            "asyncio.run(main())\n")
    (tmp_path / "content").mkdir(exist_ok=True)
    preview = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        child = int(preview.stdout.readline())
        handle = os.pidfd_open(child)
    finally:
        preview.send_signal(signal.SIGKILL)
        preview.wait()
    try:
        readable, _, _ = select.select([handle], [], [], LIMIT)  # readable once that process has ended
        assert readable, "the watching process outlived the preview"
    finally:
        os.close(handle)

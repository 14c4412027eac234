"""serve's watcher: inotify says which files changed; where it cannot be trusted, livereload polls."""

import asyncio
import os
from pathlib import Path

import pytest

from conftest import run_async
from sitegen.watch import NotifyWatcher, _inotify

needs_inotify = pytest.mark.skipif(_inotify() is None, reason="inotify is Linux's (and inotify_simple must be installed)")


class Watching:
    """A watcher of a site folder's content/, reports/ and sitegen.yaml, as serve sets one up,
    noting what it passes on."""

    def __init__(self, root: Path, **options):
        self.root = root
        for name in ("content", "reports"):
            (root / name).mkdir(parents=True, exist_ok=True)
        self.calls: list[tuple[str, list[str] | None]] = []
        self.texts: dict[str, str] = {}  # what each file named held when it was passed on
        self.watcher = NotifyWatcher(root, **options)
        self.watcher.watch_folder("content", lambda paths: self.note("content", paths), wanted=lambda path: path.endswith(".md"))
        self.watcher.watch_folder("reports", lambda paths: self.note("reports", paths))
        self.watcher.watch_file("sitegen.yaml", lambda: self.note("sitegen.yaml", None))

    def note(self, name: str, paths: list[str] | None) -> None:
        self.calls.append((name, paths))
        for path in paths or []:
            if os.path.isfile(path):
                self.texts[path] = Path(path).read_text()
        self.noted.set()

    def start(self) -> bool:
        self.noted = asyncio.Event()
        return self.watcher.start(self.watcher.examine)  # livereload's callback calls examine

    async def next(self, timeout: float = 10) -> list[tuple[str, list[str] | None]]:
        """What was passed on at the next change (with whatever came at the same time)."""
        await asyncio.wait_for(self.noted.wait(), timeout)
        await asyncio.sleep(0.05)
        self.noted.clear()
        calls, self.calls = self.calls, []
        return calls

    async def nothing(self, wait: float = 0.3) -> bool:
        await asyncio.sleep(wait)
        return self.calls == []


def run(coroutine) -> None:
    run_async(coroutine)


@needs_inotify
def test_a_saved_entry_is_passed_on_by_name(tmp_path):
    async def steps():
        watching = Watching(tmp_path)
        assert watching.start()
        entry = tmp_path / "content" / "sar" / "adult-a.md"
        entry.parent.mkdir()
        assert await watching.next() == [("content", None)]  # a new folder: whatever it holds is looked at
        entry.write_text("first")
        assert await watching.next() == [("content", [str(entry)])]  # the new folder is watched too
        entry.write_text("second")
        assert await watching.next() == [("content", [str(entry)])]
        assert watching.texts[str(entry)] == "second"
    run(steps())


@needs_inotify
def test_moves_deletions_and_an_editors_save_through_another_file(tmp_path):
    async def steps():
        watching = Watching(tmp_path)
        old, new = tmp_path / "content" / "old.md", tmp_path / "content" / "new.md"
        old.write_text("entry")
        assert watching.start()
        old.rename(new)
        assert await watching.next() == [("content", sorted([str(old), str(new)]))]
        temporary = tmp_path / "content" / ".new.md.swp"  # written in full, then moved over the entry
        temporary.write_text("saved in one go")
        os.replace(temporary, new)
        assert await watching.next() == [("content", [str(new)])]
        assert watching.texts[str(new)] == "saved in one go"
        new.unlink()
        assert await watching.next() == [("content", [str(new)])]
    run(steps())


@needs_inotify
def test_files_that_do_not_matter_are_not_passed_on(tmp_path):
    async def steps():
        watching = Watching(tmp_path)
        assert watching.start()
        (tmp_path / "content" / "picture.png").write_bytes(b"png")
        (tmp_path / "content" / ".notes.md").write_text("hidden")
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "index.html").write_text("an output")
        assert await watching.nothing()
    run(steps())


@needs_inotify
def test_reports_and_settings(tmp_path):
    async def steps():
        watching = Watching(tmp_path)
        assert watching.start()
        report = tmp_path / "reports" / "a.pdf"
        report.write_bytes(b"%PDF")
        assert await watching.next() == [("reports", [str(report)])]
        (tmp_path / "sitegen.yaml").write_text("name: x\n")
        assert await watching.next() == [("sitegen.yaml", None)]
    run(steps())


@needs_inotify
def test_a_file_written_in_parts_is_passed_on_once_closed(tmp_path):
    async def steps():
        watching = Watching(tmp_path)
        assert watching.start()
        entry = tmp_path / "content" / "slow.md"
        with entry.open("w") as handle:
            handle.write("first half, ")
            handle.flush()
            await asyncio.sleep(0.1)  # the loop sees the first write
            handle.write("second half")
        assert await watching.next() == [("content", [str(entry)])]
        assert watching.texts[str(entry)] == "first half, second half"
    run(steps())


@needs_inotify
def test_lost_events_mean_looking_at_everything(tmp_path):
    queue = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    if queue > 100_000:
        pytest.skip("inotify's queue is too long to fill here")

    async def steps():
        watching = Watching(tmp_path)
        assert watching.start()
        for n in range(queue // 2 + 100):  # each file makes two events or more, and the loop reads none meanwhile
            (tmp_path / "content" / f"e{n}.md").write_text("x")
        calls = await watching.next()
        assert ("content", None) in calls and ("reports", None) in calls and ("sitegen.yaml", None) in calls
    run(steps())


@needs_inotify
def test_a_symbolic_link_means_polling(tmp_path):
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("kept outside the site")
    site = tmp_path / "site"

    async def at_start():
        watching = Watching(site)
        os.symlink(elsewhere, site / "content" / "linked.md")
        assert not watching.start()  # livereload polls instead: inotify would not see elsewhere.md change
    run(at_start())
    (site / "content" / "linked.md").unlink()

    async def elsewhere_in_the_site():
        os.symlink(tmp_path, site / "build")  # not watched: no matter
        assert Watching(site).start()
    run(elsewhere_in_the_site())

    async def later():
        watching = Watching(site)
        assert watching.start()
        os.symlink(elsewhere, site / "content" / "linked.md")
        calls = await watching.next()
        assert ("content", None) in calls and ("reports", None) in calls  # everything looked at once
        assert watching.watcher.polling
    run(later())


def test_without_inotify_livereload_polls_and_every_file_is_looked_at(tmp_path):
    async def steps():
        watching = Watching(tmp_path, use_inotify=False)
        assert not watching.start()
        watching.watcher.examine()  # livereload's polling: the first look
        (tmp_path / "content" / "a.md").write_text("new")
        watching.watcher.examine()
        assert watching.calls == [("content", None)]
    run(steps())


def test_changes_made_before_watching_started_are_looked_for(tmp_path):
    looked = []

    async def steps():
        watching = Watching(tmp_path, catch_up=lambda: looked.append(True))
        watching.start()
        await asyncio.sleep(0.1)
    run(steps())
    assert looked == [True]


@needs_inotify
def test_a_folder_moved_away_is_no_longer_watched_and_one_moved_in_is(tmp_path):
    async def steps():
        watching = Watching(tmp_path / "site")
        inside = tmp_path / "site" / "content" / "folder"
        inside.mkdir()
        assert watching.start()
        outside = tmp_path / "elsewhere"
        inside.rename(outside)
        assert await watching.next() == [("content", None)]
        (outside / "away.md").write_text("not the site's")
        assert await watching.nothing()
        outside.rename(inside)
        assert await watching.next() == [("content", None)]
        (inside / "back.md").write_text("the site's again")
        assert await watching.next() == [("content", [str(inside / "back.md")])]
    run(steps())

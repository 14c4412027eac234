"""`sitegen serve`: start it, fetch pages, change a file, see the rebuild, stop it. Only 127.0.0.1 is contacted.

No test waits for a time: each waits for what serve says (the address once it serves and watches,
"Preview updated." after each rebuild), for livereload's reload message, or for the preview's
files to change (told by the system's file events)."""

import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen.build import build

pytestmark = pytest.mark.slow  # runs the preview's server and watcher: left out of scripts/test-fast

TIMEOUT = 45  # seconds: only a guard against a hang, generous for a busy 2-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    assert url.startswith("http://127.0.0.1:")
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


class Serving:
    """A running `sitegen serve`: its address, and what it says, line by line, as it says it."""

    def __init__(self, proc: subprocess.Popen, port: int):
        self.proc = proc
        self.port = port
        self.lines: list[str] = []
        self._unread = ""
        self.result: dict = {}

    def said(self, text: str) -> str:
        """Wait until serve says a line holding `text` (after those waited for before); that line."""
        while True:
            while "\n" in self._unread:
                line, self._unread = self._unread.split("\n", 1)
                self.lines.append(line)
                if text in line:
                    return line
            readable, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
            data = os.read(self.proc.stdout.fileno(), 65536).decode() if readable else ""
            if not data:
                raise AssertionError(f"serve never said {text!r}; it said: {self.lines}")
            self._unread += data

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serving(site_root: Path, *args):
    """`sitegen serve` in a process of its own, once it says where it serves (it then serves and watches)."""
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"}
    with tempfile.TemporaryFile("w+") as errors:  # a file: a full pipe would stop serve
        proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--port", str(port), *args], cwd=site_root,
                                stdout=subprocess.PIPE, stderr=errors, env=env)
        running = Serving(proc, port)
        try:
            running.said("Previewing the site")
            yield running
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            running.lines += (running._unread + proc.stdout.read().decode()).splitlines()
            proc.stdout.close()
            errors.seek(0)
            running.result.update(stdout="\n".join(running.lines), stderr=errors.read(), code=proc.returncode)


def test_serve_previews_rebuilds_and_stops_cleanly(site):
    site.pdf("a.pdf", ["Report text"], author="Ann Other")
    entry = site.entry("adult-a", published="2026-03-14", title="First title", documents=["reports/a.pdf"])
    site.entry("child-e", published="2026-12-01", title="Scheduled for December", type="cspr")
    with serving(site.root, "--as-of", "2027-01-01") as running:
        base = running.base
        status, home = fetch(base + "/")
        assert status == 200
        assert "Preview of the site as it will be on 1 January 2027 — not the live site" in home
        assert "livereload.js" in home
        assert "Scheduled for December" in home  # live on the day previewed
        status, page = fetch(base + "/sar/adult-a/")
        assert status == 200 and "First title" in page
        status, pdf = fetch(base + "/sar/adult-a/a.pdf")
        assert status == 200 and "Ann Other" not in pdf  # the cleaned copy, as in a real build
        entry.write_text(entry.read_text().replace("First title", "Second title"))
        running.said("Preview updated.")
        assert "Second title" in fetch(base + "/sar/adult-a/")[1]
        (site.root / "content" / "new-one.md").write_text("---\ntitle: Added later\ntype: sar\npublished: 2026-06-01\nsummary: S.\ndocuments: none\n---\n")
        running.said("Preview updated.")
        assert "Added later" in fetch(base + "/sar/")[1]
    result = running.result
    assert result["code"] == 0, result["stderr"]
    assert "Preview stopped." in result["stdout"]
    assert "Traceback" not in result["stderr"]
    [folder] = re.findall(r"built in (\S+);", result["stdout"])
    assert not Path(folder).exists()  # the temporary folder is removed
    assert not (site.root / "build").exists()  # a preview is never written where it could be deployed


def changed(path: Path, before: bytes) -> bytes:
    """What the file at `path` holds once it holds other bytes than `before` (told by the system's file events)."""
    import watchfiles

    for _ in watchfiles.watch(path.parent, rust_timeout=TIMEOUT * 1000, yield_on_timeout=True, debounce=100, step=10):
        try:
            now = path.read_bytes()
        except OSError:
            continue  # being written
        if now != before:
            return now
        if not _:
            raise AssertionError(f"{path} did not change")
    raise AssertionError(f"{path} did not change")


def test_a_running_preview_makes_its_search_index_again_after_a_save(site):
    """In `sitegen serve` itself (a process of its own, so the index is made in a forked copy)."""
    entry = site.entry("adult-a", published="2026-03-14", body="Before the edit.")
    with serving(site.root, "--as-of", "2026-11-22") as running:
        [folder] = re.findall(r"built in (\S+);", running.said("built in"))
        index = Path(folder) / "site" / "pagefind" / "pagefind-entry.json"
        before = index.read_bytes()
        entry.write_text(entry.read_text().replace("Before the edit.", "After the edit: Quillwort."))
        running.said("Preview updated.")
        assert "Quillwort" in fetch(running.base + "/sar/adult-a/")[1]
        changed(index, before)  # a moment later
        status, served = fetch(running.base + "/pagefind/pagefind-entry.json")
        assert status == 200 and served.encode() != before
    assert running.result["code"] == 0 and "Traceback" not in running.result["stderr"], running.result["stderr"]


def test_each_save_reloads_the_open_page_once_rebuilt(site):
    """Saves soon after one another each reload the page (livereload alone skips a reload within 3 s
    of the last), and moved or removed entries go from the preview."""
    import asyncio
    import json

    from tornado.websocket import websocket_connect

    entry = site.entry("adult-a", published="2026-03-14", title="Title 0")
    with serving(site.root, "--as-of", "2026-11-22") as running:
        base = running.base

        async def steps():
            hello = json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
            browser = await websocket_connect(base.replace("http://", "ws://") + "/livereload")
            await browser.write_message(hello)
            assert json.loads(await browser.read_message())["command"] == "hello"
            await browser.write_message(json.dumps({"command": "info", "url": base + "/sar/adult-a/"}))
            await browser.write_message(hello)  # answered once the page's "info" (before it) has been taken
            assert json.loads(await browser.read_message())["command"] == "hello"
            for n in (1, 2, 3):
                entry.write_text(entry.read_text().replace(f"Title {n - 1}", f"Title {n}"))
                message = json.loads(await asyncio.wait_for(browser.read_message(), TIMEOUT))
                assert message["command"] == "reload"
                assert f"Title {n}" in fetch(base + "/sar/adult-a/")[1]
            entry.rename(entry.with_name("adult-b.md"))
            assert json.loads(await asyncio.wait_for(browser.read_message(), TIMEOUT))["command"] == "reload"
            assert fetch(base + "/sar/adult-a/")[0] == 404 and "Title 3" in fetch(base + "/sar/adult-b/")[1]
            entry.with_name("adult-b.md").unlink()
            assert json.loads(await asyncio.wait_for(browser.read_message(), TIMEOUT))["command"] == "reload"
            assert fetch(base + "/sar/adult-b/")[0] == 404 and "Title 3" not in fetch(base + "/sar/")[1]
            browser.close()

        asyncio.run(steps())
    assert running.result["code"] == 0, running.result["stderr"]
    assert "Traceback" not in running.result["stderr"]


def test_a_save_reports_the_problems_of_what_changed_not_every_warning_again(site, tmp_path):
    from sitegen.preview.serve import Preview

    for slug in ("adult-a", "adult-b"):
        site.entry(slug, published="2026-03-14", colour="red")  # a warning each
    reported: list[list[str]] = []
    preview = Preview(site.root, date(2026, 11, 22), False, tmp_path / "preview",
                      report=lambda problems: reported.append([p.file for p in problems]), echo=lambda text: None)
    assert not preview.rebuild().failed
    assert reported == [["content/adult-a.md", "content/adult-b.md"]]
    path = site.entry("adult-a", published="2026-03-14", colour="blue", title="Edited")
    preview.rebuild(content_only=True, changed=[str(path)])
    assert reported[-1] == ["content/adult-a.md"]  # the entry saved, whose warning still stands
    preview.rebuild(content_only=True, changed=[])
    assert reported[-1] == []
    site.raw("sitegen.yaml", "name: [broken\n")
    assert preview.rebuild().failed
    site.write_settings()
    assert not preview.rebuild().failed  # a whole build again: everything is reported again
    assert reported[-1] == ["content/adult-a.md", "content/adult-b.md"]
    preview.rebuild()
    assert reported[-1] == []


@pytest.mark.parametrize("apart", ["forked copy", "thread"])
def test_the_preview_search_catches_up_with_saves_once_they_settle(site, tmp_path, monkeypatch, apart):
    """A save updates the pages at once; the search index follows apart from the preview (in a
    forked copy of it, or in a thread where forking is not safe), made once for a run of saves,
    and is then what a whole build of the preview would write."""
    import asyncio

    from conftest import read_output
    from sitegen.core import parallel
    from sitegen.preview import serve
    from sitegen.preview.serve import Preview

    monkeypatch.setattr(serve, "QUIET_BEFORE_SEARCH", 0.05)
    # Forking is safe only with no other thread running (the browser tests run in a process of their own).
    assert threading.active_count() == 1
    other_thread = threading.Event()
    if apart == "thread":  # another thread runs: the index is made in a thread instead of a forked copy
        threading.Thread(target=other_thread.wait, daemon=True).start()
    forks = []
    monkeypatch.setattr(serve, "fork_call", lambda job: forks.append(1) or parallel.fork_call(job))
    day = date(2026, 11, 22)
    site.entry("adult-a", published="2026-03-14", body="Nothing to find yet.")
    site.entry("adult-b", published="2026-03-14")
    preview = Preview(site.root, day, False, tmp_path / "preview", report=lambda problems: None, echo=lambda text: None)
    made = []

    async def steps():
        assert not preview.rebuild().failed
        real = preview.live.search_job
        caught_up = asyncio.Event()
        searched = preview.searched

        def told(outcome):
            searched(outcome)
            if not preview.searching and preview.search_timer is None and not preview.live.search.stale:
                caught_up.set()
        preview.searched = told

        def counted():
            job = real()
            if job is None:
                return None

            def run():
                made.append(1)
                return job()
            return run
        preview.live.search_job = counted
        for word in ("Quillwort", "Marshwort", "Bladderwort"):
            path = site.entry("adult-a", published="2026-03-14", body=f"The review found {word}.")
            assert not preview.rebuild(content_only=True, changed=[str(path)]).failed
            assert word in (preview.output / "sar" / "adult-a" / "index.html").read_text()  # at once
        await asyncio.wait_for(caught_up.wait(), TIMEOUT)
        assert not preview.live.search.stale

    try:
        asyncio.run(steps())
    finally:
        other_thread.set()
    assert forks == [1]  # one index for the three saves
    assert made == ([] if apart == "forked copy" else [1])  # made in the copy, or here in a thread
    whole = tmp_path / "whole"
    assert not build(site.root, day, whole, banner=preview.live.banner).failed
    marker = ".sitegen-output"
    assert {k: v for k, v in read_output(preview.output).items() if k != marker} == \
           {k: v for k, v in read_output(whole).items() if k != marker}


def test_drafts_are_shown_only_when_asked_and_marked(site):
    site.entry("adult-h", published="2026-10-01", title="Draft review Quillmere", draft=True)
    site.entry("adult-a", published="2026-03-14", title="Live review")
    with serving(site.root, "--as-of", "2026-11-22") as running:
        assert fetch(running.base + "/")[0] == 200
        assert fetch(running.base + "/sar/adult-h/")[0] == 404
        assert "Quillmere" not in fetch(running.base + "/sar/")[1]
    with serving(site.root, "--as-of", "2026-11-22", "--drafts") as running:
        status, home = fetch(running.base + "/")
        assert status == 200 and "Drafts are shown, marked as drafts." in home
        status, page = fetch(running.base + "/sar/adult-h/")
        assert status == 200 and "Draft review Quillmere" in page and "Draft: not published" in page
        listing = fetch(running.base + "/sar/")[1]
        assert listing.count("Draft: not published") == 1
    assert not (site.root / "build").exists()


def test_a_site_below_a_path_is_served_there(site):
    site.write_settings(base_url="https://council.example/learning")
    site.entry("adult-a", published="2026-03-14", title="Under a path")
    with serving(site.root, "--as-of", "2026-11-22") as running:
        status, page = fetch(running.base + "/learning/sar/adult-a/")
        assert status == 200 and 'href="/learning/assets/site.css"' in page
    assert "at http://127.0.0.1:" in running.result["stdout"] and "/learning/" in running.result["stdout"]


def test_a_busy_port_is_explained(site):
    site.entry("adult-a", published="2026-03-14")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"}
        result = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--port", str(port)], cwd=site.root,
                                capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert f"could not start on port {port}" in result.stdout and "--port" in result.stdout


def test_a_normal_build_never_shows_drafts(site, tmp_path):
    site.entry("wip", published="2026-01-01", draft=True, title="Quillmere")
    refused = build(site.root, date(2026, 11, 22), show_drafts=True)
    assert refused.failed and "only ever shown in a preview" in refused.problems[-1].message
    refused = build(site.root, date(2026, 11, 22), site.root / "build", banner="Preview", show_drafts=True)
    assert refused.failed and not (site.root / "build").exists()
    refused = build(site.root, date(2026, 11, 22), tmp_path / "out", show_drafts=True)
    assert refused.failed  # no banner: not a preview
    shown = build(site.root, date(2026, 11, 22), tmp_path / "out", banner="Preview", show_drafts=True)
    assert not shown.failed and "Quillmere" in (tmp_path / "out" / "sar" / "wip" / "index.html").read_text()


@pytest.mark.parametrize("command", [["serve"], ["new"], ["status"], ["init"], ["report"]])
def test_help_has_examples(command):
    from test_cli import sitegen

    result = sitegen(*command, "--help")
    assert result.returncode == 0 and "Examples:" in result.stdout

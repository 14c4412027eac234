"""`sitegen serve`: a live preview on this computer only.

The site is built into a temporary folder (never build/, so a preview can
never be deployed by mistake), served on 127.0.0.1 with livereload (see
`sitegen.preview.livereload_adapter`), and built again whenever content/, reports/,
sitegen.yaml or themes/ change (told by the operating system, see `sitegen.preview.watch`;
an edit of entries rebuilds only what shows them at once, see
`sitegen.preview.incremental`, and the search index a moment later); then the open pages
reload. Every page carries a banner saying it is a preview. The temporary folder
is removed when the preview stops (Ctrl+C, or a termination signal).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from sitegen.preview import livereload_adapter
from sitegen.build import BuildResult
from sitegen.preview.incremental import LivePreview
from sitegen.core.parallel import fork_call, result_of
from sitegen.search.index import SearchIndex
from sitegen.preview.watch import SiteWatcher
from sitegen.content.config import CONFIG_FILE, load_config
from sitegen.core.problems import Problem
from sitegen.output.admin import LOCAL_BACKEND_PORT
from sitegen.rules.dates import uk_date

HOST = "127.0.0.1"
QUIET_BEFORE_WHOLE_BUILD = 0.1  # seconds: how long a change to reports, the theme or the settings waits for more
QUIET_BEFORE_SEARCH = 1.0  # seconds after the last update before the search index is made again


def banner(day: date, drafts: bool) -> str:
    text = f"Preview of the site as it will be on {uk_date(day)} — not the live site"
    return text + (". Drafts are shown, marked as drafts." if drafts else "")


@dataclass
class Preview:
    site_dir: Path
    day: date
    drafts: bool
    output: Path  # inside the temporary folder that is served
    report: Callable[[list[Problem]], None]
    echo: Callable[[str], None]
    built: bool = False
    live: LivePreview | None = None
    shown: dict[int, Problem] = field(default_factory=dict)  # the problems last reported, by id (kept, so no id is reused)
    search_timer: asyncio.TimerHandle | None = None
    searching: bool = False  # the search index is being made apart from the preview
    search_again: bool = False  # an update came while it was being made

    def rebuild(self, *_ignored, content_only: bool = False, changed: list[str] | None = None) -> BuildResult:
        if self.live is None:
            self.live = LivePreview(self.site_dir, self.day, self.output, banner(self.day, self.drafts), self.drafts)
        result = self.live.rebuild(content_only=content_only, changed=changed)
        self._report(result)
        if result.failed:
            self.echo("The preview was not updated: fix the problem above and save again.")
        elif self.built:
            self.echo("Preview updated.")
        self.built = self.built or not result.failed
        self.search_later()
        return result

    def search_later(self) -> None:
        """Once no update has come for `QUIET_BEFORE_SEARCH` seconds, make the search index again apart from the preview, so that
        a save shows at once and the preview's search catches up a moment later (serving only)."""
        if self.live is None or not self.live.search.stale:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not serving: nothing would run it
        if self.search_timer is not None:
            self.search_timer.cancel()
        self.search_timer = loop.call_later(QUIET_BEFORE_SEARCH, self.search_now)

    def search_now(self) -> None:
        """Make the index in a forked worker of the preview (it holds the site already, and shares no
        lock with this process's saves); in a thread where forking is not safe."""
        self.search_timer = None
        if self.searching:  # one at a time: again when it is done
            self.search_again = True
            return
        job = self.live.search_job() if self.live is not None else None
        if job is None:
            return
        self.searching = True
        loop = asyncio.get_running_loop()
        started = fork_call(job)
        if started is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitegen-search")
            future = loop.run_in_executor(pool, job)
            pool.shutdown(wait=False)  # its thread ends with the job
            future.add_done_callback(lambda done: self.searched(None if done.exception() else done.result()))
            return
        pid, pipe = started
        os.set_blocking(pipe, False)
        chunks: list[bytes] = []

        def readable() -> None:
            try:
                data = os.read(pipe, 1 << 20)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if data:
                chunks.append(data)
                return
            loop.remove_reader(pipe)
            os.close(pipe)
            self.searched(result_of(pid, b"".join(chunks)))
        loop.add_reader(pipe, readable)

    def searched(self, outcome: tuple[int, SearchIndex] | None) -> None:
        """Write the index made (unless the preview changed meanwhile); None: it could not be made,
        and the next whole build makes it."""
        self.searching = False
        if outcome is not None:
            self.live.apply_search(*outcome)
        if self.search_again:
            self.search_again = False
            self.search_later()

    def _report(self, result: BuildResult) -> None:
        """Report the problems not reported last time: after an edit, those of the entries read
        again (and any others it brought), rather than every warning of the site on every save.
        When the preview was not updated, all of them."""
        shown = self.shown
        self.report(result.problems if result.failed else [p for p in result.problems if shown.get(id(p)) is not p])
        self.shown = {id(p): p for p in result.problems}

    def catch_up(self) -> None:
        """Look for changes made while the first build ran, before the watchers started."""
        result = self.live.rebuild() if self.live is not None else None
        if result is not None:
            self._report(result)
            if result.failed:
                self.echo("The preview was not updated: fix the problem above and save again.")
            self.search_later()

    def watcher(self, after: Callable[[str], object] | None = None, ready: Callable[[], object] | None = None) -> SiteWatcher:
        """What to watch, and what to do on a change there: content alone can often be rebuilt in part,
        as the watcher says which files changed. `after(path)`: once the preview is updated. `ready()`:
        once it watches, in place of `catch_up` (which it must call)."""
        watcher = SiteWatcher(self.site_dir, catch_up=ready or self.catch_up, after=after)
        watcher.watch_folder("content", lambda paths: self.rebuild(content_only=True, changed=paths),
                             wanted=lambda path: path.lower().endswith(".md"))
        for name in ("reports", "themes"):  # a whole build: wait a little longer for the rest of a copy
            watcher.watch_folder(name, lambda paths: self.rebuild(), quiet_for=QUIET_BEFORE_WHOLE_BUILD)
        watcher.watch_file(CONFIG_FILE, self.rebuild, quiet_for=QUIET_BEFORE_WHOLE_BUILD)
        return watcher


def serve(site_dir: Path, day: date, port: int, drafts: bool, *, report: Callable[[list[Problem]], None],
          echo: Callable[[str], None]) -> int:
    """Serve the preview until stopped; returns the exit status."""
    folder = Path(tempfile.mkdtemp(prefix="sitegen-preview-"))
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        # The site goes below the served folder by its base address's path, so its links work.
        loaded = load_config(Path(site_dir))
        prefix = urlparse(loaded.config.base_url).path.strip("/") if loaded.config else ""
        root = folder / "site"
        preview = Preview(Path(site_dir), day, drafts, root / prefix if prefix else root, report, echo)
        if preview.rebuild().failed:
            return 1
        address = f"http://{HOST}:{port}/" + (f"{prefix}/" if prefix else "")

        def ready() -> None:
            """The server answers and the watcher watches: the address is worth giving now."""
            preview.catch_up()
            echo(f"Previewing the site as on {uk_date(day)} at {address}")
            echo(f"(built in {folder}; build/ is not touched). Press Ctrl+C to stop.")

        watcher = preview.watcher(after=livereload_adapter.reload_browsers, ready=ready)  # every update reloads the open pages
        editing = local_editing(Path(site_dir), address, echo, asked=bool(loaded.config and loaded.config.editing.on))
        try:
            livereload_adapter.serve(str(root), port, HOST, started=watcher.start)
        except OSError as exc:
            echo(f"The preview could not start on port {port} ({exc.strerror or exc}). Try another one with --port, such as --port {port + 1}.")
            return 1
        finally:
            watcher.stop()
            if editing is not None:
                editing.terminate()
                editing.wait()
        echo("Preview stopped.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(folder, ignore_errors=True)


def local_editing(site_dir: Path, address: str, echo: Callable[[str], None], asked: bool) -> subprocess.Popen | None:
    """decap-server, so that the preview's browser editor (/admin/, with `local_backend`) saves into
    this site's own files, as an officer with a terminal may want; None when it is not installed
    (it is in the site's package.json: `npm install`). It answers on this computer alone, and writes
    the files straight into content/ and reports/ (no branches), which the preview then shows.
    `asked`: the site has chosen a sign-in for its editor, so a missing decap-server is worth a word."""
    program = site_dir / "node_modules" / ".bin" / "decap-server"
    if not program.exists():
        if asked:
            echo("To add and edit reports in the browser here, run `npm install` in the site folder once "
                 "(its package.json names decap-server).")
        return None
    env = {**os.environ, "PORT": str(LOCAL_BACKEND_PORT), "BIND_HOST": HOST, "MODE": "fs", "GIT_REPO_DIRECTORY": str(site_dir.resolve())}
    try:
        process = subprocess.Popen([str(program)], cwd=site_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        echo(f"The browser editor could not start decap-server ({exc.strerror or exc}), so this preview offers no editing.")
        return None
    echo(f"Add and edit reports in the browser at {address}admin/ (saved straight into content/ and reports/).")
    return process


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt

"""A copy of the sample site, edited in the browser editor (/admin/) through decap-server, offline.

The copy is a git repository (decap-server's git mode keeps each unpublished entry on a branch of
its own, as the editorial workflow does with pull requests on GitHub); its /admin/ is built with
`local_backend` pointing at that decap-server, and served with the /admin/ policy of netlify.toml
(plus decap-server's address, which only a preview on this computer talks to). Every message the
browser writes to its console is kept, so a test can check no policy was broken.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import threading
import time
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

from conftest import ROOT

DECAP_SERVER = ROOT / "node_modules" / ".bin" / "decap-server"
SITE_PARTS = ("content", "reports", "themes", "sitegen.yaml", "northshire-logo.svg")
GIT = {"GIT_AUTHOR_NAME": "Officer", "GIT_AUTHOR_EMAIL": "officer@example.org",
       "GIT_COMMITTER_NAME": "Officer", "GIT_COMMITTER_EMAIL": "officer@example.org"}


def admin_policy() -> str:
    """The Content-Security-Policy netlify.toml gives /admin/*."""
    rules = tomllib.loads((ROOT / "netlify.toml").read_text())["headers"]
    return next(rule["values"]["Content-Security-Policy"] for rule in rules if rule["for"] == "/admin/*")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(site: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=site, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT}).stdout


def copy_sample(target: Path, settings_extra: str = "") -> Path:
    """The sample site's own files (what git holds of them) in a new git repository at `target`."""
    tracked = git(ROOT, "ls-files", *SITE_PARTS).split("\n")
    for name in filter(None, tracked):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    if settings_extra:
        with open(target / "sitegen.yaml", "a", encoding="utf-8") as settings:
            settings.write(settings_extra)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    (target / ".gitignore").write_text("node_modules\nbuild/\n.sitegen-cache/\n", encoding="utf-8")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "The sample site")
    return target


def build_admin(site: Path, output: Path, port: int) -> None:
    """The site's output as a preview on this computer has it: /admin/ talks to decap-server on `port`."""
    from sitegen.build import build
    from sitegen.content.config import load_config
    from sitegen.output import admin

    result = build(site, date(2026, 11, 22), output, use_cache=False)
    assert not result.failed, [p.format() for p in result.problems]
    made = admin.admin_files(load_config(site).config, local=port)
    assert made.problems == []
    for file in made.files:
        (output / file.path).parent.mkdir(parents=True, exist_ok=True)
        (output / file.path).write_bytes(file.data)


class _Handler(SimpleHTTPRequestHandler):
    policy = ""

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def guess_type(self, path):
        return "text/yaml" if str(path).endswith(".yml") else super().guess_type(path)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(folder: Path, policy: str):
    handler = functools.partial(type("Handler", (_Handler,), {"policy": policy}), directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}"  # Decap uses its local backend only on localhost
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def decap_server(site: Path, port: int):
    """decap-server in git mode on `site`, until the block ends; waits until it answers."""
    log = open(site.parent / "decap-server.log", "w")
    process = subprocess.Popen([str(DECAP_SERVER)], cwd=site, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **GIT, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "git", "GIT_REPO_DIRECTORY": str(site)})
    try:
        for _ in range(200):  # it answers within a second or two; a process that died is told at once
            if process.poll() is not None:
                raise RuntimeError((site.parent / "decap-server.log").read_text())
            try:
                urlopen(f"http://127.0.0.1:{port}/api/v1", timeout=1)  # noqa: S310 - this computer
                break
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error: it answers
                    break
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@dataclass
class Editor:
    site: Path
    address: str
    page: object
    console: list[tuple[str, str]] = field(default_factory=list)

    def open(self, fragment: str) -> None:
        """A fresh load of the editor at `#/...`, signed in (the local backend's Login)."""
        self.page.goto(self.address + "/admin/")
        login = self.page.get_by_role("button", name="Login")
        signed_in = self.page.get_by_text("Collections").first
        login.or_(signed_in).first.wait_for()
        if login.is_visible():
            login.click()
        signed_in.wait_for()
        self.page.goto(self.address + "/admin/" + fragment)
        self.page.reload()
        if fragment.endswith("/new") or "/entries/" in fragment:  # a form: ready when its Save button is there
            self.page.get_by_role("button", name="Save").wait_for()

    def field(self, name: str, nth: int = 0):
        return self.page.locator(f"[id^={name}-field-]").nth(nth)

    def upload(self, path: Path, nth: int = 0) -> None:
        """Choose a file for the nth file field: uploaded in the media library, then chosen."""
        self.page.get_by_role("button", name="Choose a file").nth(nth).click()
        self.page.locator("input[type=file]").set_input_files(str(path))
        self.page.get_by_text(path.name).first.wait_for()
        self.page.get_by_role("button", name="Choose selected").click()

    def save(self) -> None:
        self.page.get_by_role("button", name="Save").click()
        self.page.get_by_text("Entry saved").first.wait_for()

    def publish(self) -> None:
        """Status: Ready, then Publish now (with the browser's "are you sure" accepted)."""
        self.page.get_by_role("button", name="Status").click()
        self.page.get_by_role("menuitem", name="Ready").click()
        self.page.get_by_text("Entry status updated").first.wait_for()
        self.page.get_by_role("button", name="Publish", exact=True).click()
        self.page.get_by_role("menuitem", name="Publish now").click()
        self.page.get_by_text("Entry published").first.wait_for()

    def policy_problems(self) -> list[str]:
        return [text for kind, text in self.console if "Content Security Policy" in text]

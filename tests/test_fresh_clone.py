"""The production path, run the way it runs for real: a fresh `git clone` of this checkout's last
commit, a new virtual environment, and the commands exactly as the README and netlify.toml give
them; then Netlify's own CLI builds the clone (with the cache plugin) and serves the output, and
requests check what the public would get, `sitegen verify` included.

These tests install packages into new virtual environments (from the package index pip is set up
to use), so they take a minute or two. The Netlify ones need Node and the npm packages of
package.json (scripts/test-all installs them) and say so when they are missing.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, read_output

pytestmark = pytest.mark.slow  # a fresh clone, a new virtual environment and Netlify's CLI: left out of scripts/test-fast

NETLIFY = ROOT / "node_modules" / ".bin" / "netlify"
needs_git = pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None,
                               reason="these tests clone the checkout with git, and this is not a git checkout")
needs_netlify = pytest.mark.skipif(not NETLIFY.exists() or shutil.which("node") is None,
                                   reason=f"Netlify's CLI is not installed ({NETLIFY}); run bash scripts/test-all")


def quick_start_command() -> str:
    """The command of the README's Quick start, as written there."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)\n```", section, re.S)
    assert block, "the README's Quick start has no sh block"
    return block.group(1).strip()


def netlify_command() -> str:
    return tomllib.loads((ROOT / "netlify.toml").read_text())["build"]["command"]


@pytest.fixture
def clone(tmp_path) -> Path:
    """A fresh clone of this checkout's last commit (what a new user, CI and Netlify start from)."""
    target = tmp_path / "site"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    return target


@pytest.fixture
def fresh_env(tmp_path) -> dict[str, str]:
    """The environment of a shell with a new, empty virtual environment activated."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["BROWSER"] = "none"  # Netlify's CLI must not try to open one
    return env


def run(command: str | list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    shell = isinstance(command, str)
    return subprocess.run(command, cwd=cwd, env=env, shell=shell, executable="/bin/bash" if shell else None,
                          capture_output=True, text=True, timeout=timeout)


def untracked(clone: Path) -> list[str]:
    """Files in the clone that git does not know, ignored ones included, but for the site sitegen
    wrote (build/), its cache and Netlify's own folder."""
    listed = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return [line for line in listed if not re.match(r"^(\?\?|!!) (build/|\.sitegen-cache/|\.netlify/)", line)]


@needs_git
def test_the_readme_quick_start_works_on_a_fresh_clone(clone, fresh_env):
    command = quick_start_command()
    assert command.startswith("pip install .")
    done = run(command, clone, fresh_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / "build" / "index.html").is_file()
    assert "Built the site as on 22 November 2026 into build" in done.stdout
    assert untracked(clone) == [], "installing left files in the checkout"


@needs_git
def test_netlifys_build_command_works_on_a_fresh_clone(clone, fresh_env):
    """netlify.toml's command, run by bash as Netlify's build image runs it (the test below runs
    it through Netlify's CLI): it installs only what requirements/deploy.txt locks, then builds."""
    command = netlify_command()
    assert "--require-hashes -r requirements/deploy.txt" in command
    done = run(command, clone, fresh_env)
    assert done.returncode == 0, done.stdout + done.stderr
    marker = json.loads((clone / "build" / "sitegen.json").read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", marker["built_for"])
    assert untracked(clone) == []
    # Everything installed came from the lock, at the locked versions.
    locked = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s;]+)", (clone / "requirements" / "deploy.txt").read_text(), re.M))
    frozen = run(["python", "-m", "pip", "freeze", "--all"], clone, fresh_env).stdout
    for line in frozen.splitlines():
        if line.startswith("sitegen @ "):
            continue
        name, _, version = line.partition("==")
        name = re.sub(r"[-_.]+", "-", name.lower())
        if name in ("pip", "setuptools", "wheel"):
            continue
        assert locked.get(name) == version, f"{line} is not what requirements/deploy.txt locks"


# --- Netlify's own CLI ------------------------------------------------------------------

def netlify(args: list[str], clone: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([str(NETLIFY), *args], clone, env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NetlifyServer:
    """`netlify dev --offline` serving a folder as Netlify would (netlify.toml's headers,
    _headers, _redirects, the 404 page), without running the build command. Edge Functions are
    turned off (this site has none; offline, the CLI would otherwise try to download their runtime)."""

    def __init__(self, clone: Path, env: dict[str, str], folder: str = "build"):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(NETLIFY), "dev", "--offline", "--internal-disable-edge-functions", "--dir", folder, "--port", str(self.port)],
            cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        while True:  # wait for the line that says it is ready (or for its end)
            line = self.lines.get(timeout=120)
            if line is None:
                raise AssertionError("netlify dev stopped:\n" + "".join(self.log))
            if "Server now ready" in line or "Local dev server ready" in line:
                break
        self.url = f"http://localhost:{self.port}"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def get(self, path: str):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.url + path, timeout=60) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, answer.headers, answer.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@needs_git
@needs_netlify
def test_netlify_builds_a_fresh_clone_and_its_cache_plugin_keeps_the_cache(clone, fresh_env, tmp_path):
    first = netlify(["build", "--offline"], clone, fresh_env)
    log = first.stdout + first.stderr
    assert first.returncode == 0, log
    assert "sitegen: no document cache yet: this build reads every PDF." in log  # onPreBuild
    assert "sitegen: kept the document cache for the next build" in log  # onPostBuild
    built_for = json.loads((clone / "build" / "sitegen.json").read_text())["built_for"]
    # The same bytes as sitegen builds for that day by itself.
    pinned = run(["sitegen", "build", "--as-of", built_for, "--output", str(tmp_path / "pinned")], clone, fresh_env)
    assert pinned.returncode == 0, pinned.stderr
    assert read_output(clone / "build") == read_output(tmp_path / "pinned")

    # A second build on a fresh machine: Netlify brings back what the first one kept.
    shutil.rmtree(clone / ".sitegen-cache")
    shutil.rmtree(clone / "build")
    second = netlify(["build", "--offline"], clone, fresh_env)
    log = second.stdout + second.stderr
    assert second.returncode == 0, log
    assert "sitegen: restored the document cache from the last build." in log
    assert "sitegen: kept the document cache for the next build" in log
    assert (clone / ".sitegen-cache" / "documents").is_dir()
    if json.loads((clone / "build" / "sitegen.json").read_text())["built_for"] == built_for:
        assert read_output(clone / "build") == read_output(tmp_path / "pinned")
    assert untracked(clone) == []


SECURITY = tomllib.loads((ROOT / "netlify.toml").read_text())["headers"][0]["values"]


def page_paths(folder: Path) -> list[str]:
    return sorted("/" + p.relative_to(folder).as_posix().removesuffix("index.html") for p in folder.rglob("*.html"))


@needs_git
@needs_netlify
def test_netlify_serves_what_the_public_must_get_and_verify_agrees(clone, fresh_env):
    installed = run(netlify_command().rsplit("&&", 1)[0], clone, fresh_env)  # the install half of the command
    assert installed.returncode == 0, installed.stderr
    built = run(["sitegen", "build", "--as-of", "2026-11-22"], clone, fresh_env)
    assert built.returncode == 0, built.stderr
    server = NetlifyServer(clone, fresh_env)
    try:
        # Security headers on every page (and on the answers below).
        for path in page_paths(clone / "build"):
            status, headers, _ = server.get(path)
            assert status in (200, 404, 410), path
            for name, value in SECURITY.items():
                assert headers.get(name) == value, f"{path}: {name}"
        # A live report's page and documents say when they come down (GMT and BST).
        for path in ("/sar/sar-adult-a/", "/sar/sar-adult-a/sar-adult-a-overview.pdf"):
            status, headers, _ = server.get(path)
            assert status == 200 and headers["X-Robots-Tag"] == "unavailable_after: 2027-03-14T00:00:00+00:00", path
        status, headers, _ = server.get("/dhr/dhr-ms-g/dhr-ms-g-overview.pdf")
        assert status == 200 and headers["X-Robots-Tag"] == "unavailable_after: 2027-05-05T00:00:00+01:00"
        # A report taken down: its page is a notice with noindex, its documents 410 with the 410 page.
        status, headers, body = server.get("/sar/sar-adult-c/")
        assert status == 200 and headers["X-Robots-Tag"] == "noindex"
        assert b"no longer published here" in body and b'<meta name="robots" content="noindex">' in body
        assert b"sar-adult-c-overview.pdf" not in body
        status, headers, body = server.get("/sar/sar-adult-c/sar-adult-c-overview.pdf")
        assert status == 410 and b"This is no longer published" in body
        assert headers["Content-Security-Policy"] == SECURITY["Content-Security-Policy"]
        # Nothing else: 404 with the 404 page, a scheduled report included.
        for path in ("/no-such-page/", "/cspr/cspr-child-e/", "/cspr/cspr-child-e/cspr-child-e-overview.pdf"):
            status, headers, body = server.get(path)
            assert status == 404 and b"Page not found" in body, path
        # sitegen verify, asking the same server, finds nothing to report.
        verified = run(["sitegen", "verify", server.url, "--as-of", "2026-11-22"], clone, fresh_env)
        assert verified.returncode == 0, verified.stderr
        assert "the site shows what the content decides" in verified.stdout
    finally:
        server.stop()

    # Yesterday's build still online on the day Child D comes down: verify fails and names it.
    built = run(["sitegen", "build", "--as-of", "2027-01-19"], clone, fresh_env)
    assert built.returncode == 0, built.stderr
    server = NetlifyServer(clone, fresh_env)
    try:
        verified = run(["sitegen", "verify", server.url, "--as-of", "2027-01-20"], clone, fresh_env)
    finally:
        server.stop()
    assert verified.returncode == 1
    report = verified.stderr
    assert "was built for 19 January 2027 (an earlier day), not for 20 January 2027" in report
    assert re.search(r"Child D \(content/reviews/cspr-child-d\.md\) came down on 20 January 2027, but its document "
                     r"reports/cspr-child-d-overview\.pdf at \S+ still answers 200", report), report
    assert "Traceback" not in report

    # Once Adult A comes down, its Word original's web page and the pictures on it answer 410.
    page = "/sar/sar-adult-a/sar-adult-a-executive-summary/"
    built = run(["sitegen", "build", "--as-of", "2027-03-20"], clone, fresh_env)
    assert built.returncode == 0, built.stderr
    server = NetlifyServer(clone, fresh_env)
    try:
        for path in (page, page + "picture-1.png"):
            status, headers, body = server.get(path)
            assert status == 410 and b"This is no longer published" in body, path
    finally:
        server.stop()


@needs_git
@needs_netlify
def test_a_site_made_by_init_deploys_with_the_files_init_gives_it(clone, fresh_env, tmp_path):
    """A partnership's own site, as it would start: sitegen installed from its Git repository
    (this clone, at its commit), `sitegen init`, and Netlify's CLI building the new site with the
    netlify.toml, plugin and lock init wrote: it installs that same sitegen and builds the site."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True).stdout.strip()
    install = (f"python -m pip install --disable-pip-version-check --require-hashes -r {clone}/requirements/deploy.txt && "
               f"python -m pip install --disable-pip-version-check --no-deps --no-build-isolation "
               f"'sitegen @ git+file://localhost{clone}@{commit}'")
    done = run(install, tmp_path, fresh_env)
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "northshire"
    made = run(["sitegen", "init", str(site), "--name", "Northshire Safeguarding Partnership"], tmp_path, fresh_env)
    assert made.returncode == 0 and made.stderr == "", made.stderr
    requirement = f"sitegen @ git+file://localhost{clone}@{commit}"
    assert f"Its Netlify build and nightly workflow install {requirement}" in made.stdout
    for path in ("netlify.toml", ".github/workflows/nightly.yml", "plugins/sitegen-cache/index.js",
                 "plugins/sitegen-cache/manifest.yml", "requirements/deploy.txt"):
        assert (site / path).read_bytes().replace(f"'{requirement}'".encode(), b".") == (clone / path).read_bytes(), path

    built = netlify(["build", "--offline"], site, fresh_env)
    log = built.stdout + built.stderr
    assert built.returncode == 0, log
    assert "sitegen: kept the document cache for the next build" in log
    home = (site / "build" / "index.html").read_text()
    assert "Northshire Safeguarding Partnership" in home
    assert json.loads((site / "build" / "sitegen.json").read_text())["built_for"]
    # What the build and Netlify's CLI left in the site stays out of its repository.
    subprocess.run(["git", "init", "--quiet"], cwd=site, check=True)
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=site,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert listed and not [line for line in listed if line[3:].startswith(("build/", ".sitegen-cache/", ".netlify/"))], listed

"""The local Netlify build plugin (plugins/sitegen-cache) that keeps .sitegen-cache/ from one
Netlify build to the next, run for real under Node with Netlify's own @netlify/cache-utils
(pinned in package.json; scripts/test-all installs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import ROOT, SiteMaker, read_output
from sitegen.core.cachefile import read_sealed

pytestmark = pytest.mark.slow  # runs the Netlify build plugin under Node: left out of scripts/test-fast

PLUGIN = ROOT / "plugins" / "sitegen-cache"
RUNNER = Path(__file__).parent / "netlify_plugin_runner.mjs"
CACHE_UTILS = ROOT / "node_modules" / "@netlify" / "cache-utils" / "package.json"
DAY = "2026-11-22"

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed: run bash scripts/test-all as root, or apt-get install npm")
needs_cache_utils = pytest.mark.skipif(
    not CACHE_UTILS.is_file(),
    reason="the npm package @netlify/cache-utils is not installed: run bash scripts/test-all (or npm ci)")


def run_plugin(event: str, cwd: Path, kind: str = "real", cache: Path | None = None) -> str:
    """Run one event of the plugin in `cwd`; its log. Fails the test if the event's promise rejected."""
    args = [NODE, str(RUNNER), str(PLUGIN), event, kind] + ([str(cache)] if cache else [])
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def sitegen_build(root: Path) -> None:
    """`sitegen build` as netlify.toml runs it, in the site's folder (with this checkout's sitegen)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--as-of", DAY], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: sitegen writes every cache file anew (a new
    file renamed into place), so a file inspected or extracted again gets a new inode."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fresh_clone(reports: Path) -> None:
    """Give every file in reports/ a new inode and time, as a fresh `git clone` on Netlify does."""
    for path in sorted(reports.rglob("*")):
        if path.is_file():
            copy = path.with_name(path.name + ".clone")
            copy.write_bytes(path.read_bytes())
            os.replace(copy, path)


@pytest.fixture
def small_site(tmp_path) -> SiteMaker:
    site = SiteMaker(tmp_path / "repo")
    site.entry("adult-a", published="2026-03-14", documents=["adult-a-report.pdf", "adult-a-briefing.pdf"])
    site.entry("child-b", type="cspr", published="2026-06-01", documents=["child-b-report.pdf"])
    site.entry("adult-c", published="2026-01-10", expires="2026-11-01", documents=["adult-c-report.pdf"])
    return site


# --- how Netlify finds the plugin ------------------------------------------------------

def test_netlify_toml_runs_the_local_plugin():
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text())
    packages = [plugin["package"] for plugin in netlify.get("plugins", [])]
    assert packages == ["/plugins/sitegen-cache"]
    # A local plugin's path starts with / and is read from the base directory (here the
    # repository's top folder); the folder holds the manifest and the code.
    folder = ROOT / packages[0].lstrip("/")
    assert folder == PLUGIN
    assert yaml.safe_load((folder / "manifest.yml").read_text()) == {"name": "sitegen-cache"}
    assert (folder / "index.js").is_file()
    assert not (folder / "package.json").exists()  # CommonJS: nothing to install for it


def test_package_json_pins_cache_utils_exactly():
    package = json.loads((ROOT / "package.json").read_text())
    version = package["devDependencies"]["@netlify/cache-utils"]
    assert version[0].isdigit() and all(part.isdigit() for part in version.split("."))
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@netlify/cache-utils"]["version"] == version


# --- the cache kept and brought back -------------------------------------------------------

def built_and_kept(site, tmp_path):
    """The site built once and its cache kept in Netlify's cache: (site folder, Netlify's cache)."""
    root, netlify_cache = site.root, tmp_path / "netlify-cache"
    sitegen_build(root)
    run_plugin("onPostBuild", root, cache=netlify_cache)
    return root, netlify_cache


@needs_node
@needs_cache_utils
def test_cache_kept_on_one_machine_is_used_on_the_next(small_site, tmp_path):
    root, netlify_cache = small_site.root, tmp_path / "netlify-cache"
    cache = root / ".sitegen-cache"
    # The first build on a fresh machine: nothing to restore.
    assert "no document cache yet: this build reads every PDF" in run_plugin("onPreBuild", root, cache=netlify_cache)
    assert not cache.exists()
    sitegen_build(root)
    sitegen_build(root)  # a second build, so that previous-output/ holds the first one's site
    assert any((cache / "previous-output").rglob("*.pdf"))
    before = files_below(cache)
    first_site = read_output(root / "build")

    log = run_plugin("onPostBuild", root, cache=netlify_cache)
    assert "sitegen: kept the document cache for the next build" in log
    assert files_below(cache) == before  # previous-output/ was put back; nothing else was touched
    assert not list(root.glob(".sitegen-cache-aside-*"))
    assert read_output(root / "build") == first_site

    # The next night: a new machine, a fresh clone of the repository.
    shutil.rmtree(cache)
    shutil.rmtree(root / "build")
    fresh_clone(root / "reports")
    assert "restored the document cache from the last build" in run_plugin("onPreBuild", root, cache=netlify_cache)
    kept = {path: data for path, data in before.items() if not path.startswith("previous-output/")}
    assert kept.keys() != before.keys()
    assert "hashes.json" in kept and any(p.startswith("search/") for p in kept)
    assert any(p.startswith("documents/") and p.endswith(".pdf") for p in kept)
    assert files_below(cache) == kept  # all of it but the previous site

    documents = stamps(cache / "documents")
    old_hashes = json.loads(read_sealed(cache / "hashes.json"))["files"]
    sitegen_build(root)
    assert read_output(root / "build") == first_site  # byte for byte
    # No PDF was inspected, cleaned or read for search again: every cached file is the one restored...
    assert stamps(cache / "documents") == documents
    # ...although each report's file status changed with the clone, so each was hashed again.
    new_hashes = json.loads(read_sealed(cache / "hashes.json"))["files"]
    assert new_hashes.keys() == old_hashes.keys()
    assert all(new_hashes[name][0] != old_hashes[name][0] and new_hashes[name][1] == old_hashes[name][1]
               for name in new_hashes)


@needs_node
@needs_cache_utils
def test_a_report_changed_since_the_cache_was_kept_is_read_again(small_site, tmp_path):
    root, netlify_cache = built_and_kept(small_site, tmp_path)
    shutil.rmtree(root / ".sitegen-cache")
    shutil.rmtree(root / "build")
    # The partnership replaced a report with a new version, at the same path.
    small_site.pdf("child-b-report.pdf", ["The corrected report on Child B."])
    run_plugin("onPreBuild", root, cache=netlify_cache)
    sitegen_build(root)
    published = next((root / "build").rglob("child-b-report*.pdf"))
    with pikepdf.open(published) as pdf:
        assert b"corrected report" in pdf.pages[0].Contents.read_bytes()


@needs_node
@needs_cache_utils
def test_a_cache_already_here_is_never_replaced(small_site, tmp_path):
    root, netlify_cache = built_and_kept(small_site, tmp_path)
    (root / ".sitegen-cache" / "mine.txt").write_text("made on this computer")
    log = run_plugin("onPreBuild", root, cache=netlify_cache)
    assert "already here" in log
    assert (root / ".sitegen-cache" / "mine.txt").read_text() == "made on this computer"


@needs_node
@needs_cache_utils
def test_nothing_to_keep_when_the_build_made_no_cache(tmp_path):
    (tmp_path / "repo").mkdir()
    log = run_plugin("onPostBuild", tmp_path / "repo", cache=tmp_path / "netlify-cache")
    assert "no document cache to keep" in log


# --- a cache that fails never fails the build ---------------------------------------------

@needs_node
@pytest.mark.parametrize("event", ["onPreBuild", "onPostBuild"])
def test_a_broken_cache_is_only_logged(small_site, event):
    root = small_site.root
    if event == "onPostBuild":
        sitegen_build(root)
        (root / ".sitegen-cache" / "previous-output").mkdir(exist_ok=True)
        before = files_below(root / ".sitegen-cache")
    log = run_plugin(event, root, kind="throws")  # its promise resolved: see run_plugin
    assert "the cache is not available" in log
    if event == "onPreBuild":
        assert "could not restore the document cache" in log
        assert not (root / ".sitegen-cache").exists()
    else:
        assert "could not keep the document cache" in log
        assert "could not remove what was kept" in log
        assert files_below(root / ".sitegen-cache") == before  # previous-output/ is back


@needs_node
def test_a_restore_cut_short_leaves_no_half_copied_files(small_site):
    log = run_plugin("onPreBuild", small_site.root, kind="half")
    assert "could not restore the document cache (the disk is full)" in log
    assert not (small_site.root / ".sitegen-cache").exists()  # the build starts cold, never with half a PDF


@needs_node
def test_a_save_cut_short_drops_what_was_kept(small_site):
    sitegen_build(small_site.root)
    log = run_plugin("onPostBuild", small_site.root, kind="half")
    assert "could not keep the document cache (the disk is full)" in log
    assert "runner: remove .sitegen-cache" in log

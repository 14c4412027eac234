"""/admin/ under Netlify's own local server, with the real headers of netlify.toml: the browser
editor loads with no Content-Security-Policy violation, while the public pages keep their strict
policy. (The editor's forms, with decap-server: test_admin.py.)"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading

import pytest

from browser.editor import free_port
from conftest import ROOT, SAMPLE_DAY

pytestmark = pytest.mark.slow  # Netlify's CLI and a browser

NETLIFY = ROOT / "node_modules" / ".bin" / "netlify"


@pytest.fixture
def netlify_served(tmp_path):
    """The sample site built for 22 November 2026, served by `netlify dev --offline` from a folder
    holding the repository's netlify.toml (and the plugin it names), as Netlify serves it."""
    if not NETLIFY.exists():
        pytest.skip("Netlify's CLI is not installed: run npm install")
    from sitegen.build import build

    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copy2(ROOT / "netlify.toml", folder / "netlify.toml")
    shutil.copytree(ROOT / "plugins", folder / "plugins")
    result = build(ROOT, SAMPLE_DAY, folder / "build", use_cache=False)
    assert not result.failed and (folder / "build/admin/index.html").is_file()
    port = free_port()
    env = {**os.environ, "BROWSER": "none"}
    process = subprocess.Popen([str(NETLIFY), "dev", "--offline", "--internal-disable-edge-functions", "--dir", "build",
                                "--port", str(port)], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def read() -> None:
        for line in process.stdout:
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:  # the line that says it is ready, or its end
            line = lines.get(timeout=120)
            if line is None:
                raise AssertionError("netlify dev stopped:\n" + "".join(log))
            if "Server now ready" in line or "Local dev server ready" in line:
                break
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_editor_loads_under_its_own_policy_and_the_public_pages_keep_theirs(browser, netlify_served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    answer = page.goto(netlify_served + "/admin/")
    admin_policy = answer.headers["content-security-policy"]
    assert "'unsafe-inline'" in admin_policy and "https://api.github.com" in admin_policy
    assert answer.headers["x-robots-tag"] == "noindex, nofollow"
    # Decap has started, read its settings and shows its sign-in (Git Gateway's email and password).
    page.get_by_placeholder("Password").wait_for(timeout=30_000)
    public = page.goto(netlify_served + "/sar/sar-adult-a/").headers["content-security-policy"]
    assert "'unsafe-inline'" not in public and "'unsafe-eval'" not in public and "style-src 'self';" in public
    context.close()
    assert [text for text in console if "Content Security Policy" in text or "Refused to" in text] == []


def test_the_search_runs_under_the_public_policy_with_nothing_refused(browser, netlify_served):
    """The search page under netlify.toml's real headers: Pagefind, run in the page, its preloaded
    index files and its WebAssembly break nothing of the strict public policy, and the search finds."""
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    answer = page.goto(netlify_served + "/search/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    page.fill("#search-q", "Marshwillow")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results a").first.get_attribute("href") == "/sar/sar-adult-a/"
    context.close()
    assert console == [], "under netlify.toml's policy nothing is refused and nothing fails"

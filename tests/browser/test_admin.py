"""The browser editor (/admin/) as a comms officer uses it: Decap CMS in Chromium, saving through
decap-server into a copy of the sample site, offline (see browser/editor.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from browser.editor import DECAP_SERVER, Editor, admin_policy, build_admin, copy_sample, decap_server, free_port, git, serving
from conftest import ROOT, SAMPLE_DAY, read_output
from pdfmaker import make_pdf

pytestmark = pytest.mark.slow  # a browser, decap-server and git

# The README's screenshots of the editor are taken by these tests only when asked
# (SITEGEN_SCREENSHOTS=docs/screenshots): a test run never changes the repository's files.
SCREENSHOTS = Path(os.environ["SITEGEN_SCREENSHOTS"]) if os.environ.get("SITEGEN_SCREENSHOTS") else None


def screenshot(editor, name: str) -> None:
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        editor.page.screenshot(path=str(SCREENSHOTS / name))


@pytest.fixture
def editor_for(tmp_path, browser):
    """Starts the editor on a copy of the sample site, with `extra` settings; closed after the test."""
    if not DECAP_SERVER.exists():
        pytest.skip("decap-server is not installed: run npm install (package.json pins it)")
    stack = ExitStack()

    def start(extra: str = "") -> Editor:
        site = copy_sample(tmp_path / "site", extra)
        port = free_port()
        build_admin(site, tmp_path / "out", port)
        stack.enter_context(decap_server(site, port))
        policy = admin_policy().replace("connect-src 'self'", f"connect-src 'self' http://127.0.0.1:{port}")
        address = stack.enter_context(serving(tmp_path / "out", policy))
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        stack.callback(context.close)
        page = context.new_page()
        page.set_default_timeout(20_000)
        editor = Editor(site, address, page)
        page.on("console", lambda message: editor.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: editor.console.append(("pageerror", str(error))))
        page.on("dialog", lambda dialog: dialog.accept())  # "are you sure you want to publish?"
        return editor

    yield start
    stack.close()


def sitegen(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", *args, "--as-of", "2026-11-22"], cwd=site,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_a_review_added_in_the_form_with_its_pdf_is_published_by_the_next_build(editor_for, tmp_path):
    editor = editor_for()
    report = make_pdf(tmp_path / "sar-adult-z-overview.pdf", ["The overview report of the review about Adult Z."],
                      title="Overview report", lang="en-GB", tagged=True)
    editor.open("#/collections/sar")
    editor.page.get_by_text("Safeguarding Adults Review: Adult A").wait_for()
    screenshot(editor, "editor-collections.png")  # README "Adding a report in the browser"
    editor.open("#/collections/sar/new")
    editor.field("title").fill("Safeguarding Adults Review: Adult Z")
    editor.field("published").fill("2026-11-20")
    editor.field("summary").fill("Adult Z lived alone. This review looks at how services worked together.")
    editor.page.get_by_role("button", name="Add documents").click()
    editor.upload(report)
    editor.field("title", 1).fill("Overview report")
    screenshot(editor, "editor-form.png")  # the form, and its preview beside it
    editor.save()
    editor.publish()

    entry = editor.site / "content/reviews/sar-safeguarding-adults-review-adult-z.md"
    assert git(editor.site, "status", "--porcelain") == ""  # published: on main, and in the site's folders
    assert entry.is_file() and (editor.site / "reports/sar-adult-z-overview.pdf").read_bytes() == report.read_bytes()
    text = entry.read_text()
    assert "  - file: reports/sar-adult-z-overview.pdf\n    title: Overview report\n" in text
    check = sitegen(editor.site, "check")
    assert "sar-safeguarding-adults-review-adult-z" not in check.stdout + check.stderr
    built = sitegen(editor.site, "build")
    assert built.returncode == 0, built.stderr
    page = editor.site / "build/sar/sar-safeguarding-adults-review-adult-z/index.html"
    assert "Safeguarding Adults Review: Adult Z" in page.read_text()
    assert (editor.site / "build/sar/sar-safeguarding-adults-review-adult-z/sar-adult-z-overview.pdf").is_file()
    assert editor.policy_problems() == []


def test_a_domestic_homicide_review_without_its_approval_date_is_asked_for_it(editor_for):
    editor = editor_for()
    editor.open("#/collections/dhr/new")
    editor.field("title").fill("Domestic Homicide Review: Mr Y")
    editor.field("published").fill("2026-11-20")
    editor.field("summary").fill("Mr Y was killed by his partner.")
    editor.page.get_by_role("button", name="Save").click()
    asked = editor.page.get_by_text("Approved on is required.")
    asked.wait_for()
    assert asked.is_visible()
    asked.scroll_into_view_if_needed()
    screenshot(editor, "editor-required.png")
    assert "cms/" not in git(editor.site, "branch", "--all")  # nothing was saved
    assert editor.policy_problems() == []


def test_editing_a_title_changes_that_line_alone(editor_for):
    editor = editor_for()
    editor.open("#/collections/dhr/entries/dhr-ms-g")
    title = editor.field("title")
    title.fill("Domestic Homicide Review: Ms G (revised)")
    editor.save()
    branch = next(line.strip(" *") for line in git(editor.site, "branch", "--all").splitlines() if "cms/" in line)
    diff = git(editor.site, "diff", "--unified=0", "main", branch, "--", "content/reviews/dhr-ms-g.md")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ['-title: "Domestic Homicide Review: Ms G"', '+title: "Domestic Homicide Review: Ms G (revised)"']


def test_a_review_type_added_in_the_settings_is_offered(editor_for):
    editor = editor_for("\ntypes:\n  mhr:\n    label: Mental Health Homicide Reviews\n    singular: Mental Health Homicide Review\n")
    editor.open("#/collections/mhr/new")
    assert editor.page.get_by_text("Writing in Mental Health Homicide Reviews collection").is_visible()


def sample_entries(site: Path) -> list[tuple[str, str]]:
    """Each sample entry's place in the editor (`#/collections/...`) and its file."""
    found = []
    for path in sorted((site / "content").rglob("*.md")):
        source = path.relative_to(site).as_posix()
        if source == "content/index.md":
            found.append(("#/collections/home_page/entries/index", source))
            continue
        kind = re.search(r"^type: *(\S+)", path.read_text(), re.MULTILINE).group(1)
        found.append((f"#/collections/{kind}/entries/{path.stem}", source))
    return found


def test_every_sample_entry_saved_unchanged_builds_the_same_site_byte_for_byte(editor_for, tmp_path):
    from sitegen.build import build

    editor = editor_for()
    before = build(editor.site, SAMPLE_DAY, tmp_path / "before", use_cache=False)
    assert not before.failed
    entries = sample_entries(editor.site)
    for fragment, _ in entries:
        editor.open(fragment)
        title = editor.field("title")
        written = title.input_value()
        title.fill(written + " x")  # a change published, then undone and saved: the entry as Decap writes it
        editor.save()
        editor.publish()
        editor.open(fragment)
        editor.field("title").fill(written)
        editor.save()
    editor.page.goto("about:blank")  # the editor asks the server nothing more
    # decap-server works in the site's own folder (it checks branches out there), so what it saved
    # is read from git into a folder of its own: the site's files are never touched while it may run.
    saved = tmp_path / "saved"
    git(editor.site, "worktree", "add", "-q", "--detach", str(saved), "main")
    (saved / "node_modules").symlink_to(ROOT / "node_modules")
    for fragment, source in entries:  # each entry as saved on its own branch (cms/<collection>/<name>)
        branch = "cms/" + fragment.removeprefix("#/collections/").replace("/entries/", "/")
        (saved / source).write_text(git(editor.site, "show", f"{branch}:{source}"))
    # The sample's entries are kept as Decap writes them (README "What the browser editor changes in
    # a file"), so each one saved unchanged is the same file, byte for byte.
    assert {source: (saved / source).read_text() for _, source in entries} == \
        {source: (ROOT / source).read_text() for _, source in entries}
    after = build(saved, SAMPLE_DAY, tmp_path / "after", use_cache=False)
    said = lambda result: sorted((p.file, p.severity, p.message) for p in result.problems)  # lines move with the keys
    assert said(after) == said(before)
    assert read_output(tmp_path / "after") == read_output(tmp_path / "before")
    assert editor.policy_problems() == []

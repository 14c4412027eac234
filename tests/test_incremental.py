"""The preview's quick rebuild gives exactly the site a whole build gives (but for search)."""

import os
from datetime import date

import pytest

from conftest import read_output
from sitegen.build import build
from sitegen.incremental import LivePreview

DAY = date(2026, 11, 22)
BANNER = "Preview banner"


def without_search(files):
    return {path: data for path, data in files.items() if not path.startswith("pagefind/") and path != ".sitegen-output"}


def touch(path, step=[0]):
    step[0] += 1
    stamp = 1_900_000_000_000_000_000 + step[0] * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def preview(site, tmp_path):
    site.entry("adult-a", published="2026-03-14", themes=["hoarding"], documents=["a.pdf"])
    site.entry("adult-a-briefing", type="briefing", published="2026-03-15", related=["adult-a"])
    site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect"])
    site.entry("child-c", type="cspr", published="2027-02-01", themes=["exploitation"], title="Child C")
    site.entry("old", published="2024-01-01", themes=["old-theme"])
    site.entry("contact", type="page", title="Contact us")
    live = LivePreview(site.root, DAY, tmp_path / "preview", BANNER)
    assert not live.rebuild().failed
    return live


def assert_same_as_whole_build(site, preview, tmp_path, name):
    whole = tmp_path / f"whole-{name}"
    assert not build(site.root, DAY, whole, banner=BANNER).failed
    assert without_search(read_output(preview.output)) == without_search(read_output(whole))


EDITS = {
    "retitle": lambda site: site.entry("adult-a", published="2026-03-14", themes=["hoarding"], documents=["a.pdf"], title="Adult A (revised)"),
    "new theme": lambda site: site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect", "school attendance"]),
    "now scheduled": lambda site: site.entry("adult-a", published="2027-03-14", themes=["hoarding"], documents=["a.pdf"]),
    "goes live": lambda site: site.entry("child-c", type="cspr", published="2026-02-01", themes=["exploitation"]),
    "expires": lambda site: site.entry("child-b", type="cspr", published="2025-01-01", themes=["neglect"]),
    "new entry": lambda site: site.entry("adult-d", published="2026-06-01", related=["child-b"]),
    "broken": lambda site: site.raw("content/child-b.md", "---\ntitle: [broken\n---\n"),
    "same address": lambda site: site.entry("adult-a", folder="content/more", published="2026-05-01"),
    "deleted": lambda site: (site.root / "content" / "adult-a-briefing.md").unlink(),
    "static page": lambda site: site.entry("contact", type="page", title="Contact the partnership"),
}


@pytest.mark.parametrize("name", EDITS)
def test_each_kind_of_edit(site, preview, tmp_path, name):
    EDITS[name](site)
    for path in (site.root / "content").rglob("*.md"):
        touch(path)
    assert not preview.rebuild().failed
    assert_same_as_whole_build(site, preview, tmp_path, name)


def test_a_run_of_edits(site, preview, tmp_path):
    for index, edit in enumerate(EDITS.values()):
        edit(site)
        for path in (site.root / "content").rglob("*.md"):
            touch(path)
        preview.rebuild()
        assert_same_as_whole_build(site, preview, tmp_path, str(index))


@pytest.fixture
def rendered(monkeypatch):
    """The addresses of the pages rendered while the test runs."""
    from sitegen import render

    paths = []
    real_page = render.Renderer.page

    def counting(self, template, path, **context):
        paths.append(path)
        return real_page(self, template, path, **context)

    monkeypatch.setattr(render.Renderer, "page", counting)
    return paths


def test_an_edit_renders_only_the_pages_it_touches(site, preview, rendered):
    site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect"], title="Child B (revised)")
    touch(site.root / "content" / "child-b.md")
    preview.rebuild()
    pages = set(rendered)
    assert "/cspr/child-b/" in pages and "/cspr/" in pages and "/" in pages
    assert "/sar/adult-a/" not in pages and "/sar/" not in pages


def test_files_the_build_ignores_are_ignored_by_the_preview_too(site, preview, tmp_path):
    site.entry("hidden-note", folder="content/_notes", published="2026-01-01", title="UnderscoreFolderMarker")
    site.entry("_partial", published="2026-01-01", title="UnderscoreFileMarker")
    for path in (site.root / "content").rglob("*.md"):
        touch(path)
    preview.rebuild()
    assert_same_as_whole_build(site, preview, tmp_path, "ignored")


def test_a_body_edit_renders_only_its_own_page(site, preview, tmp_path, rendered):
    site.entry("child-b", body="A new paragraph BodyEditMarker.", type="cspr", published="2026-01-01", themes=["neglect"])
    touch(site.root / "content" / "child-b.md")
    preview.rebuild()
    assert rendered == ["/cspr/child-b/"]
    assert "BodyEditMarker" in (preview.output / "cspr" / "child-b" / "index.html").read_text()
    assert_same_as_whole_build(site, preview, tmp_path, "body")


def test_a_content_only_rebuild_still_sees_other_changes_on_the_next_full_look(site, preview, tmp_path):
    site.pdf("a.pdf", ["A replaced report with ReplacedPdfMarker"])
    touch(site.root / "reports" / "a.pdf")
    preview.rebuild(content_only=True)  # the content watcher: reports are not looked at
    preview.rebuild()  # the reports watcher
    assert_same_as_whole_build(site, preview, tmp_path, "reports")

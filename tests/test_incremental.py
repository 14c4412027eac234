"""The preview's quick rebuild gives exactly the site a whole build gives (but for search)."""

import itertools
import os
import random
from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, read_output
from sitegen.build import build
from sitegen.preview.incremental import LivePreview

DAY = date(2026, 11, 22)
BANNER = "Preview banner"


def without_search(files):
    return {path: data for path, data in files.items() if not path.startswith("pagefind/") and path != ".sitegen-output"}


_TOUCHES = itertools.count(1)  # each touch a second later than the last, whatever the clock says


def touch(path):
    stamp = 1_900_000_000_000_000_000 + next(_TOUCHES) * 1_000_000_000
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
    "an error": lambda site: site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect"], summary=""),
    "a tab": lambda site: site.raw("content/child-b.md", "---\ntitle: B\ntype: cspr\n\tpublished: 2026-01-01\n---\n"),
    "same address": lambda site: site.entry("adult-a", folder="content/more", published="2026-05-01"),
    "deleted": lambda site: (site.root / "content" / "adult-a-briefing.md").unlink(),
    "static page": lambda site: site.entry("contact", type="page", title="Contact the partnership"),
}


def contents(site) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (site.root / "content").rglob("*") if path.is_file()}


def edited(site, edit) -> list[str]:
    """Make the edit; the paths of the files it wrote or removed (as a watcher would tell them),
    the ones it wrote touched so that their time surely changes."""
    before = contents(site)
    edit(site)
    after = contents(site)
    changed = [path for path in before.keys() | after.keys() if before.get(path) != after.get(path)]
    for path in changed:
        if path.exists():
            touch(path)
    return [str(path) for path in changed]


def rebuild(preview, changed: list[str], how: str):
    """As serve's content watcher does: told which files changed, or looking at them all."""
    return preview.rebuild(content_only=True, changed=changed if how == "told" else None)


@pytest.mark.parametrize("how", ["told", "looked"])
@pytest.mark.parametrize("name", EDITS)
def test_each_kind_of_edit(site, preview, tmp_path, name, how):
    assert not rebuild(preview, edited(site, EDITS[name]), how).failed
    assert_same_as_whole_build(site, preview, tmp_path, name)


@pytest.mark.parametrize("how", ["told", "looked"])
def test_a_run_of_edits(site, preview, tmp_path, how):
    for index, edit in enumerate(EDITS.values()):
        rebuild(preview, edited(site, edit), how)
        assert_same_as_whole_build(site, preview, tmp_path, str(index))


@pytest.fixture
def rendered(monkeypatch):
    """The addresses of the pages rendered while the test runs."""
    from sitegen.rendering import render

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


def test_a_title_edit_makes_the_feed_again_but_not_what_does_not_show_titles(site, preview, monkeypatch, tmp_path):
    from sitegen.output import netlify, outputs

    made = []
    for module, name in [(outputs, "feed"), (outputs, "sitemap"), (outputs, "downloads"), (netlify, "headers"), (netlify, "redirects")]:
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, _real=real, _name=name, **kwargs: made.append(_name) or _real(*args, **kwargs))
    path = site.entry("adult-a", published="2026-03-14", themes=["hoarding"], documents=["a.pdf"], title="Adult A (revised)")
    touch(path)
    preview.rebuild(content_only=True, changed=[str(path)])
    assert made == ["feed"]
    assert_same_as_whole_build(site, preview, tmp_path, "title")
    made.clear()
    path = site.entry("adult-a", published="2026-03-14", themes=["hoarding"], documents=["a.pdf"], title="Adult A (revised)",
                      expires="2026-12-01")
    touch(path)
    preview.rebuild(content_only=True, changed=[str(path)])
    assert "headers" in made  # it comes down on another day
    assert_same_as_whole_build(site, preview, tmp_path, "expires")


def test_a_sites_own_card_is_made_for_each_page_it_is_on(site, preview, tmp_path):
    """Cards of sitegen's own card macro are kept between updates; a site's own card may show
    anything, such as the page it is on, so it is always made again."""
    site.raw("themes/templates/partials/entry_card.html", (ROOT / "sitegen/themes/default/templates/partials/entry_card.html").read_text()
             .replace('<li class="card" ', '<li class="card" data-on="{{ page_path }}" '))
    site.entry("two-themes", published="2026-04-01", themes=["hoarding", "neglect"])
    assert not preview.rebuild().failed  # the theme changed: a whole build
    for title in ("First", "Second"):
        path = site.entry("adult-a", published="2026-03-14", themes=["hoarding", "neglect"], documents=["a.pdf"], title=title)
        touch(path)
        preview.rebuild(content_only=True, changed=[str(path)])
        assert_same_as_whole_build(site, preview, tmp_path, title)
    assert 'data-on="/themes/neglect/"' in (preview.output / "themes" / "neglect" / "index.html").read_text()


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


def whole(site) -> dict[str, bytes]:
    """What a whole build makes of the site as it stands (but for search), in memory."""
    from sitegen.build import assemble, site_files
    from sitegen.content.config import load_config
    from sitegen.documents.inspection import DocumentCache
    from sitegen.rendering.render import Renderer

    config = load_config(site.root).config
    made, _ = assemble(config, DAY, DocumentCache(config.cache_dir))
    renderer = Renderer(made, banner=BANNER)
    pages = renderer.render_all()
    return {f.path: f.data if f.data is not None else f.source.read_bytes() for f in pages + site_files(made, renderer, pages)}


def random_edit(rng: random.Random, documents: list[str], fronts: dict[str, dict]):
    """One edit of one of a few entries, of any kind: only its body, only its title, or any of what
    lists show of it, its state, its address, its documents; or it goes, or its front matter breaks.
    `fronts`: the front matter each entry has now."""
    slug = rng.choice([f"e{n}" for n in range(8)])
    kind = rng.random()
    if kind < 0.08:
        fronts.pop(slug, None)
        return lambda site: (site.root / "content" / f"{slug}.md").unlink(missing_ok=True)
    if kind < 0.12:
        fronts.pop(slug, None)
        return lambda site: site.raw(f"content/{slug}.md", "---\ntitle: [broken\n---\n")
    if kind < 0.4 and slug in fronts:
        front = dict(fronts[slug])  # the body only
    elif kind < 0.55 and slug in fronts:
        front = dict(fronts[slug], title=rng.choice(["Alpha", "alpha", "Beta", "Gamma & <co>"]))
    else:
        front = {
            "type": rng.choice(["sar", "sar", "cspr", "briefing"]),
            "title": rng.choice(["Alpha", "alpha", "Beta", f"Review {slug}"]),
            "summary": rng.choice(["One.", "Two & <three>.", None]),
            "published": rng.choice(["2026-03-14", "2026-03-14", "2025-06-01", "2027-01-01", "2020-01-01"]),
            "themes": rng.sample(["Neglect", "neglect", "Hoarding", "Self-neglect", "Exploitation"], rng.randint(0, 3)),
            "related": rng.sample([f"e{n}" for n in range(8)], rng.randint(0, 2)),
            "on_expiry": rng.choice([None, None, "notice", "remove"]),
            "documents": [{"file": file, "title": f"Document {file}"} for file in rng.sample(documents, rng.randint(0, 2))],
            "slug": rng.choice([None, None, None, None, "e0"]),  # now and then at another entry's address
            "draft": rng.random() < 0.1,
        }
        front = {key: value for key, value in front.items() if value not in (None, False, [])}
    fronts[slug] = front
    body = rng.choice(["Body text.", "Another body with RandomBodyMarker.", "## Part\n\nText.", f"Body {rng.random()}."])
    text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n" + body + "\n"
    return lambda site: site.raw(f"content/{slug}.md", text)


@pytest.mark.slow  # a long run: forty random edits a seed, each compared with a whole build
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_long_run_of_random_edits_gives_what_a_whole_build_gives(site, tmp_path, seed):
    rng = random.Random(seed)
    documents = [site.pdf(name) for name in ("a.pdf", "b.pdf", "c.pdf")]
    for n in range(8):
        site.entry(f"e{n}", published="2026-03-14", themes=["Neglect"], related=["e1"])
    site.entry("contact", type="page", title="Contact us")
    preview = LivePreview(site.root, DAY, tmp_path / "preview", BANNER)
    assert not preview.rebuild().failed
    fronts: dict[str, dict] = {}
    for step in range(40):
        changed = edited(site, random_edit(rng, documents, fronts))
        rebuild(preview, changed, "told" if step % 3 else "looked")
        assert without_search(read_output(preview.output)) == whole(site), f"step {step}"


def test_an_edit_that_breaks_the_sites_own_template_is_reported_and_the_next_fix_shows(site, preview, tmp_path):
    """A template of the site's own that fails on one edited entry: a problem, not a traceback."""
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}{% block content %}{{ entry.title }}"
                                            "{% if entry.subject %}{{ entry.subject + 1 }}{% endif %}{% endblock %}")
    assert not preview.rebuild().failed
    path = site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect"], subject="Child B")
    result = preview.rebuild(content_only=True, changed=[str(path)])
    assert result.failed
    assert [p.line for p in result.problems if p.file == "themes/templates/entry.html"] == [1]
    site.entry("child-b", type="cspr", published="2026-01-01", themes=["neglect"], title="Child B fixed")
    result = preview.rebuild(content_only=True, changed=[str(path)])
    assert not result.failed
    assert "Child B fixed" in (preview.output / "cspr" / "child-b" / "index.html").read_text()
    assert_same_as_whole_build(site, preview, tmp_path, "after-template-fault")


def without_marker(files):
    return {path: data for path, data in files.items() if path != ".sitegen-output"}


def test_after_updates_the_search_index_is_made_again_as_a_whole_build_makes_it(site, preview, tmp_path):
    assert preview.search_job() is None  # the first build made it
    EDITS["retitle"](site)
    assert not preview.rebuild().failed
    EDITS["expires"](site)  # child-b comes down: its words must leave the index
    assert not preview.rebuild().failed
    job = preview.search_job()
    assert job is not None
    assert preview.apply_search(*job())
    assert preview.search_job() is None
    whole = tmp_path / "whole"
    assert not build(site.root, DAY, whole, banner=BANNER).failed
    assert without_marker(read_output(preview.output)) == without_marker(read_output(whole))


def test_an_index_made_for_an_earlier_state_of_the_preview_is_not_written(site, preview, tmp_path):
    EDITS["new theme"](site)
    preview.rebuild()
    early = preview.search_job()
    EDITS["new entry"](site)
    preview.rebuild()
    before = read_output(preview.output)
    assert not preview.apply_search(*early())
    assert read_output(preview.output) == before
    assert preview.apply_search(*preview.search_job()())
    whole = tmp_path / "whole"
    build(site.root, DAY, whole, banner=BANNER)
    assert without_marker(read_output(preview.output)) == without_marker(read_output(whole))


def test_an_index_pagefind_could_not_make_leaves_the_one_written(site, preview):
    from sitegen.search.index import SearchIndex

    EDITS["new theme"](site)
    preview.rebuild()
    generation, _ = preview.search_job()()
    before = read_output(preview.output)
    assert not preview.apply_search(generation, SearchIndex())
    assert read_output(preview.output) == before and preview.search_job() is not None


def test_a_large_sites_preview_search_waits_for_a_whole_rebuild(site, tmp_path, monkeypatch):
    """Making a large index takes seconds, and would slow the saves made meanwhile."""
    from sitegen.preview import incremental

    monkeypatch.setattr(incremental, "SEARCH_FOLLOWS_UP_TO", 2)
    site.entry("adult-a", published="2026-03-14", documents=["a.pdf"])
    live = LivePreview(site.root, DAY, tmp_path / "preview", BANNER)
    assert not live.rebuild().failed and not live.search.follows
    path = site.entry("adult-a", published="2026-03-14", documents=[{"file": "reports/a.pdf", "title": "Edited"}])
    assert not live.rebuild(content_only=True, changed=[str(path)]).failed
    assert live.search_job() is None

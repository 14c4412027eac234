"""End-to-end: build whole sites and read every output file."""

from datetime import date
from pathlib import Path

import pikepdf
import pytest

from conftest import REAL_PDFS, SiteMaker, needs_corpus, occurrences, read_output, real_pdfs
from sitegen.output import outputs
from sitegen.rules.visibility import State

# Each entry carries its own marker words; the test knows, by hand, when each is live.
ENTRIES = {
    # slug: (front matter, first live day, first day hidden)
    "alpha": (dict(type="sar", published="2026-03-14"), date(2026, 3, 14), date(2027, 3, 14)),
    "bravo": (dict(type="cspr", published="2024-02-29"), date(2024, 2, 29), date(2025, 3, 1)),
    "charlie": (dict(type="dhr", published="2026-06-01", expires="2026-09-01", approved="2026-05-01"), date(2026, 6, 1), date(2026, 9, 1)),
    "delta": (dict(type="briefing", published="2027-01-15"), date(2027, 1, 15), date(2028, 1, 15)),
    "echo": (dict(type="sar", published="2025-01-01", draft=True), None, None),
    "foxtrot": (dict(type="sarr", published="2025-01-01"), None, None),  # withheld: unknown type
    "golf": (dict(type="scr", published="2025-11-30", on_expiry="remove"), date(2025, 11, 30), date(2026, 11, 30)),
    # A DHR published before the Home Office approved it: not shown until approved, and still down a year after published.
    "hotel": (dict(type="dhr", published="2026-02-01", approved="2026-09-01"), date(2026, 9, 1), date(2027, 2, 1)),
}
SWEEP = [date(2024, 2, 28), date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2025, 11, 29),
         date(2025, 11, 30), date(2026, 3, 13), date(2026, 3, 14), date(2026, 8, 31), date(2026, 9, 1),
         date(2026, 11, 29), date(2026, 11, 30), date(2027, 1, 14), date(2027, 1, 15), date(2027, 3, 13),
         date(2027, 3, 14), date(2028, 6, 1)]


def markers(slug: str) -> dict[str, str]:
    return {part: f"{slug.capitalize()}{part.capitalize()}Marker" for part in ("title", "summary", "body", "subject", "theme", "pdf")}


def make_sweep_site(site: SiteMaker) -> None:
    for slug, (front, _, _) in ENTRIES.items():
        m = markers(slug)
        site.pdf(f"{slug}.pdf", [f"Report text {m['pdf']}", "Second page"])
        site.entry(slug, body=f"The body says {m['body']}.", title=f"Review {m['title']}", summary=f"About {m['summary']}.",
                   subject=m["subject"], themes=[m["theme"]], documents=[{"file": f"reports/{slug}.pdf", "title": "Overview"}],
                   **front)


def expected_state(slug: str, day: date) -> State:
    front, first, hidden = ENTRIES[slug]
    if front.get("draft"):
        return State.DRAFT
    if first is None:
        return State.WITHHELD
    return State.SCHEDULED if day < first else State.LIVE if day < hidden else State.EXPIRED


@pytest.mark.parametrize("day", SWEEP, ids=str)
def test_every_output_file_shows_only_what_the_rules_allow(site, day):
    make_sweep_site(site)
    result, out = site.build(day)
    assert not result.failed
    files = read_output(out)
    states = {p.entry.slug: p.state for p in result.site.entries}
    for slug in ENTRIES:
        state = expected_state(slug, day)
        assert states[slug] is state, slug
        m = markers(slug)
        pdf_name = f"{slug}.pdf"
        if state is State.LIVE:
            page = f"{ENTRIES[slug][0]['type']}/{slug}/index.html"
            for part in ("title", "summary", "body", "subject", "theme"):
                assert page in occurrences(files, m[part]), (slug, part)
            assert f"{ENTRIES[slug][0]['type']}/{slug}/{pdf_name}" in files
            assert slug in files["feed.xml"].decode() and slug in files["sitemap.xml"].decode()
            continue
        # not live: no summary, body, subject, theme or document anywhere
        for part in ("summary", "body", "subject", "theme", "pdf"):
            assert occurrences(files, m[part]) == [], (slug, part, day)
        assert not any(path.endswith(pdf_name) for path in files)
        where_title = occurrences(files, m["title"])
        where_slug = [path for path, data in files.items() if f"/{slug}/".encode() in data or path.startswith(f"{ENTRIES[slug][0]['type']}/{slug}/")]
        if state is State.EXPIRED and ENTRIES[slug][0].get("on_expiry") != "remove":
            notice = f"{ENTRIES[slug][0]['type']}/{slug}/index.html"
            assert where_title == [notice]
            # Netlify's files name its notice (noindex) and its document's old address (410 Gone).
            assert sorted(where_slug) == sorted([notice, "_headers", "_redirects"])
            text = files[notice].decode()
            assert "taken down on" in text and "noindex" in text
        elif state is State.EXPIRED:
            # Taken down without a notice: its old addresses answer 410 Gone, and that is all.
            assert where_title == [], (slug, state, day)
            assert where_slug == ["_redirects"], (slug, state, day)
        else:
            assert where_title == [], (slug, state, day)
            assert where_slug == [], (slug, state, day)


def test_same_content_and_day_give_identical_bytes(site, tmp_path):
    make_sweep_site(site)
    site.build("2026-11-22", tmp_path / "one")
    site.build("2026-11-22", tmp_path / "two", use_cache=False)
    assert read_output(tmp_path / "one") == read_output(tmp_path / "two")


def test_a_rebuild_leaves_nothing_stale(site):
    make_sweep_site(site)
    _, out = site.build("2026-08-01")
    assert (out / "dhr" / "charlie" / "charlie.pdf").exists()
    assert (out / ".sitegen-output").exists()
    site.build("2026-11-22")
    assert not (out / "dhr" / "charlie" / "charlie.pdf").exists()
    assert not (out / "dhr" / "charlie" / "index.html").read_text().count("CharlieBodyMarker")


def test_a_failed_build_leaves_the_previous_output(site, monkeypatch):
    make_sweep_site(site)
    _, out = site.build("2026-08-01")
    before = read_output(out)

    real_copy = outputs.shutil.copyfile
    calls = []

    def failing_copy(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_copy(src, dst)

    monkeypatch.setattr(outputs.shutil, "copyfile", failing_copy)
    result, _ = site.build("2026-11-22")
    assert result.failed
    assert any("could not be written" in p.message for p in result.problems)
    assert read_output(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".build-")]


def test_a_mistake_in_the_settings_does_not_keep_an_expired_report_online(site, tmp_path):
    """The nightly build after someone broke sitegen.yaml still takes down what is due,
    with the settings of the last whole build, and says so."""
    make_sweep_site(site)
    site.build("2026-08-31")
    (site.root / "sitegen.yaml").write_text("name: Testshire Safeguarding Partnership\nbase_url: [https://oops\n")
    result, out = site.build("2026-09-01")
    assert not result.failed
    assert {p.entry.slug: p.state for p in result.site.entries}["charlie"] is State.EXPIRED
    files = read_output(out)
    for part in ("summary", "body", "subject", "theme", "pdf"):
        assert occurrences(files, markers("charlie")[part]) == [], part
    assert "Testshire Safeguarding Partnership" in files["index.html"].decode()
    settings = [p for p in result.errors if p.file == "sitegen.yaml"]
    assert any("cannot be read" in p.message and p.line for p in settings)
    assert any("settings of the last build" in p.message for p in settings)
    # Same bytes as a build with the settings as they were: nothing of today's broken edit is used.
    (site.root / "sitegen.yaml").unlink()
    site.write_settings()
    site.build("2026-09-01", tmp_path / "with-good-settings", use_cache=False)
    assert read_output(tmp_path / "with-good-settings") == files


def test_settings_never_stand_in_for_a_preview_or_a_build_without_the_cache(site, tmp_path):
    make_sweep_site(site)
    site.build("2026-08-31")
    (site.root / "sitegen.yaml").write_text("name: [\n")
    assert site.build("2026-09-01", tmp_path / "no-cache", use_cache=False)[0].failed
    assert site.build("2026-09-01", tmp_path / "preview", banner="Preview")[0].failed


def test_refuses_to_replace_a_folder_it_did_not_write(site, tmp_path):
    make_sweep_site(site)
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "precious.txt").write_text("keep me")
    result, _ = site.build("2026-11-22", mine)
    assert result.failed
    assert (mine / "precious.txt").read_text() == "keep me"
    assert "did not write" in result.problems[-1].message


@pytest.mark.parametrize("target", [".", "content", "reports", "content/out"])
def test_refuses_to_write_into_the_site_itself(site, target):
    make_sweep_site(site)
    before = read_output(site.root)
    result, _ = site.build("2026-11-22", site.root / target)
    assert result.failed
    assert read_output(site.root) == before


def test_an_empty_folder_may_be_used(site, tmp_path):
    make_sweep_site(site)
    empty = tmp_path / "empty"
    empty.mkdir()
    result, _ = site.build("2026-11-22", empty)
    assert not result.failed and (empty / "index.html").exists()


def test_only_live_documents_reach_the_output(site):
    make_sweep_site(site)
    site.pdf("unlisted.pdf", ["UnlistedMarker"])
    _, out = site.build("2026-11-22")
    files = read_output(out)
    assert occurrences(files, "UnlistedMarker") == []
    pdfs = sorted(p for p in files if p.endswith(".pdf"))
    assert pdfs == ["dhr/hotel/hotel.pdf", "sar/alpha/alpha.pdf", "scr/golf/golf.pdf"]


def test_front_matter_text_is_escaped(site):
    site.entry("x", published="2026-01-01", title='<script>alert("t")</script>', summary="<b>bold</b> & <i>co</i>",
               subject="<img src=x onerror=alert(1)>", themes=["<svg onload=x>"])
    _, out = site.build("2026-02-01")
    for path, data in read_output(out).items():
        if path.startswith("pagefind/") and not path.endswith(".js"):
            continue  # the search index holds text, not HTML: search.js shows it as text (tests/browser)
        if path == "data/register.csv":
            continue  # data, served as text/csv (see tests/test_opendata.py); it holds the title as written
        text = data.decode("utf-8", "replace")
        assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text and "<svg onload" not in text, path
    assert "&lt;script&gt;alert" in (out / "sar" / "x" / "index.html").read_text()


def test_entry_page_shows_documents_and_uk_dates(site):
    site.pdf("overview.pdf", 34)
    site.pdf("summary.pdf", 1)
    site.entry("adult-a", published="2026-03-14", documents=[{"file": "reports/overview.pdf", "title": "Overview report"},
                                                            {"file": "reports/summary.pdf", "title": "Executive summary"}])
    _, out = site.build("2026-11-22")
    html = (out / "sar" / "adult-a" / "index.html").read_text()
    assert "14 March 2026" in html and "13 March 2027" in html
    assert "34 pages" in html and ", 1 page<" in html or ", 1 page)" in html
    assert "Overview report" in html and 'href="/sar/adult-a/overview.pdf"' in html
    assert "PDF, " in html


def test_one_broken_entry_does_not_stop_the_others(site):
    make_sweep_site(site)
    site.raw("content/broken.md", "---\ntitle: [unclosed\n---\n")
    site.raw("content/bad-date.md", "---\ntitle: Bad\ntype: sar\npublished: 22/11/2026\n---\n")
    result, out = site.build("2026-11-22")
    assert not result.failed
    assert (out / "sar" / "alpha" / "index.html").exists()
    files = {p.file for p in result.errors}
    assert {"content/broken.md", "content/bad-date.md", "content/foxtrot.md"} <= files


def test_expired_entry_may_lose_its_pdf(site):
    site.entry("old", published="2024-01-01", documents=["old.pdf"])
    (site.root / "reports" / "old.pdf").unlink()
    result, out = site.build("2026-11-22")
    assert result.errors == []
    assert (out / "sar" / "old" / "index.html").exists()


def test_site_wide_full_removal(site):
    site.write_settings(on_expiry="remove")
    site.entry("old", published="2024-01-01", title="OldTitleMarker")
    _, out = site.build("2026-11-22")
    assert occurrences(read_output(out), "OldTitleMarker") == []


def test_base_url_with_a_path_prefixes_links(site):
    site.write_settings(base_url="https://example.org/learning")
    site.entry("x", published="2026-01-01")
    _, out = site.build("2026-02-01")
    home = (out / "index.html").read_text()
    assert 'href="/learning/sar/x/"' in home
    assert "https://example.org/learning/sar/x/" in (out / "sitemap.xml").read_text()


def test_site_own_theme_overrides_one_template(site):
    site.raw("themes/templates/404.html", "{% extends 'base.html' %}{% block title %}Lost{% endblock %}{% block content %}<h1>CustomLostMarker</h1>{% endblock %}")
    site.raw("themes/assets/site.css", "body{color:#000}/*CustomCssMarker*/")
    _, out = site.build("2026-02-01")
    assert "CustomLostMarker" in (out / "404.html").read_text()
    assert "CustomCssMarker" in (out / "assets" / "site.css").read_text()
    assert "Learning from Practice" in (out / "index.html").read_text()  # the rest is the default theme


BROKEN_TEMPLATES = {
    "syntax": ("{% extends 'base.html' %}{% block content %}{{ nonsense( }}{% endblock %}", "unexpected"),
    "undefined": ("{% extends 'base.html' %}\n{% block content %}\n{{ nope.x }}{% endblock %}", "'nope' is undefined"),
    "type": ("{% extends 'base.html' %}\n{% block content %}\n{{ 1 + 'a' }}{% endblock %}", "TypeError: unsupported operand"),
    "missing": ("{% extends 'base.html' %}\n{% block content %}\n{% include 'nothere.html' %}{% endblock %}",
                "there is no template called nothere.html"),
}


@pytest.mark.parametrize("kind", BROKEN_TEMPLATES)
def test_a_broken_template_of_the_sites_own_is_named_and_a_preview_stops(site, tmp_path, kind):
    text, reason = BROKEN_TEMPLATES[kind]
    site.raw("themes/templates/404.html", text)
    result, _ = site.build("2026-02-01", tmp_path / "preview", banner="Preview")
    assert result.failed
    [problem] = [p for p in result.problems if p.file == "themes/templates/404.html"]
    assert problem.line == (1 if kind == "syntax" else 3) and reason in problem.message and problem.is_error
    assert "remove it from your themes/ folder" in problem.advice


def test_a_whole_build_falls_back_to_the_default_theme_and_says_so(site):
    """A mistake in the site's own theme must not stop the nightly build that takes reports down."""
    make_sweep_site(site)
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}\n{% block content %}{{ entry.title + 1 }}{% endblock %}")
    site.raw("themes/assets/own.css", "body { color: OwnStyleMarker; }")
    site.build("2026-08-31")
    result, out = site.build("2026-09-01")
    assert not result.failed
    files = read_output(out)
    for part in ("summary", "body", "subject", "theme", "pdf"):
        assert occurrences(files, markers("charlie")[part]) == [], part
    assert "AlphaBodyMarker" in files["sar/alpha/index.html"].decode()  # live reports are still there, in the default theme
    assert occurrences(files, "OwnStyleMarker") == []  # the site's own assets go with its templates
    [problem] = [p for p in result.problems if p.file == "themes/templates/entry.html"]
    assert problem.line == 2 and "TypeError" in problem.message
    note = [p for p in result.problems if p.file == "themes/"]
    assert note and "themes/templates/entry.html" in note[0].message and "default theme" in note[0].message
    # the next build, with the template fixed, uses the site's own theme again
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}{% block content %}OwnEntryMarker{% endblock %}")
    result, out = site.build("2026-09-01")
    assert not result.problems or all(p.file != "themes/" for p in result.problems)
    assert "OwnEntryMarker" in (out / "sar" / "alpha" / "index.html").read_text()


def test_a_fault_in_the_default_theme_is_a_problem_not_a_traceback(site, monkeypatch):
    from sitegen.rendering import render

    site.entry("good", published="2026-01-01")

    def broken_filter(value):
        raise ValueError("a fault")

    monkeypatch.setattr(render, "uk_date", broken_filter)
    result, _ = site.build("2026-02-01")
    assert result.failed
    [problem] = [p for p in result.problems if "the theme could not be used" in p.message]
    assert problem.file.startswith("sitegen's default theme: templates/") and problem.line
    assert "ValueError: a fault" in problem.message and "report it" in problem.advice


def test_a_fault_outside_the_templates_is_not_taken_for_the_themes(site, monkeypatch):
    """A fault in sitegen (not in a template) is no reason to fall back to the default theme: the
    build takes down what came down from the last good output (see tests/test_takedown.py), and
    a preview, which publishes nothing, stops with it."""
    from sitegen import build as build_module

    site.entry("good", published="2026-01-01")

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in sitegen")

    monkeypatch.setattr(build_module, "site_files", broken)
    result, _ = site.build("2026-02-01")
    assert result.failed and not any("default theme" in p.message for p in result.problems)
    assert any("RuntimeError: a fault in sitegen" in p.message for p in result.errors)
    with pytest.raises(RuntimeError):
        site.build("2026-02-01", output=site.root / "preview", banner="Preview")


def test_feed_and_sitemap_are_valid_xml(site):
    import xml.etree.ElementTree as ET

    make_sweep_site(site)
    _, out = site.build("2026-11-22")
    feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Review AlphaTitleMarker" in titles
    urls = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://learning.testshire.example/sar/alpha/" in urls
    assert "https://learning.testshire.example/404.html" not in urls
    assert (out / "robots.txt").read_text().endswith("Sitemap: https://learning.testshire.example/sitemap.xml\n")


@needs_corpus
def test_every_real_world_pdf_is_published_or_withheld_with_a_message(site):
    for item in real_pdfs():
        name = item["file"]
        (site.root / "reports" / name).write_bytes((REAL_PDFS / name).read_bytes())
        slug = Path(name).stem.lower().replace("_", "-")
        site.entry(slug, published="2026-01-01", title=f"Entry for {name}", documents=[{"file": f"reports/{name}", "title": "Report"}])
    result, out = site.build("2026-02-01")
    by_document = {p.entry.documents[0].name: p for p in result.site.entries}
    for item in real_pdfs():
        p = by_document[item["file"]]
        if p.state is State.LIVE:
            html = (out / p.entry.url.strip("/") / "index.html").read_text()
            pages = item["pages"]
            assert f"{pages} page{'s' if pages != 1 else ''}" in html, item["file"]
            copy = out / p.entry.url.strip("/") / item["file"]  # the cleaned copy (see test_pdfsafety)
            with pikepdf.open(copy) as published:
                assert len(published.pages) == pages
            assert copy.read_bytes()[:8] == (REAL_PDFS / item["file"]).read_bytes()[:8]  # the same %PDF-1.x header
            assert (site.root / "reports" / item["file"]).read_bytes() == (REAL_PDFS / item["file"]).read_bytes()
        else:
            assert p.state is State.WITHHELD
            [problem] = [q for q in p.entry.problems if q.is_error]
            assert item["file"] in problem.message and problem.advice
            assert not (out / p.entry.url.strip("/")).exists()
    assert by_document["libreoffice-writer-password.pdf"].state is State.WITHHELD
    # a form that sends what is typed into it, and a file attached inside: withheld (see test_pdfsafety.py)
    assert by_document["pdflatex-forms.pdf"].state is State.WITHHELD and by_document["with-attachment.pdf"].state is State.WITHHELD
    assert sum(p.state is State.LIVE for p in by_document.values()) >= 12


def sample_copy(tmp_path: Path) -> Path:
    """The repository's sample site (settings, entries, reports), copied to change it."""
    import shutil

    from conftest import ROOT

    copy = tmp_path / "sample"
    for name in ("content", "reports", "themes"):
        shutil.copytree(ROOT / name, copy / name)
    for name in ("sitegen.yaml", "northshire-logo.svg"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def test_a_taken_down_report_does_not_go_back_up_without_a_decision(tmp_path):
    """Adult C's review came down in June 2026; `sitegen new` on its report, filled in in a hurry,
    must not publish it again unless the entry says why."""
    from test_cli import sitegen
    from test_newentry import fill_in

    root = sample_copy(tmp_path)
    new = sitegen("new", "sar", "reports/sar-adult-c-overview.pdf", "--slug", "adult-c-again", "--published", "2026-11-22",
                  cwd=root)
    assert new.returncode == 0, new.stderr
    assert "reports/sar-adult-c-overview.pdf was taken down with content/reviews/sar-adult-c.md" in new.stdout
    entry = root / "content" / "reviews" / "adult-c-again.md"
    fill_in(entry, summary="Adult C was a man who moved from hospital to a care home.")

    check = sitegen("check", "--as-of", "2026-11-22", cwd=root)
    assert check.returncode == 1
    assert ("content/reviews/adult-c-again.md:15: error: documents: reports/sar-adult-c-overview.pdf was taken down with "
            "content/reviews/sar-adult-c.md, whose time on the site is over, so this entry is not published.") in check.stderr
    assert "republish:" in check.stderr
    status = sitegen("status", "--as-of", "2026-11-22", cwd=root)
    assert any(line.startswith("withheld") and "adult-c-again" in line for line in status.stdout.splitlines())
    out = tmp_path / "out"
    build = sitegen("build", "--as-of", "2026-11-22", "--output", str(out), cwd=root)
    assert build.returncode == 0, build.stderr
    files = read_output(out)
    assert not any(path.endswith("sar-adult-c-overview.pdf") for path in files)
    assert occurrences(files, "adult-c-again") == []
    report_text = (root / "reports" / "sar-adult-c-overview.pdf").read_bytes()
    assert not any(data == report_text for data in files.values())

    # Written down, the decision is the partnership's to make: the report goes back up.
    entry.write_text(entry.read_text().replace("themes: []", 'republish: "The Board agreed to publish it for another year."\nthemes: []'))
    assert sitegen("check", "--as-of", "2026-11-22", cwd=root).returncode == 0
    sitegen("build", "--as-of", "2026-11-22", "--output", str(out), cwd=root)
    assert (out / "sar" / "adult-c-again" / "sar-adult-c-overview.pdf").exists()


def test_a_taken_down_report_saved_again_under_another_name_does_not_go_back_up_without_a_decision(site):
    """The same report copied to a new name (report-final.pdf, then report-final-v2.pdf) is the same
    report: told apart by its bytes, not only its name. Another report of its own is not held back."""
    import shutil

    site.pdf("old-report.pdf", ["Adult D's review", "Only here: Wintergreen"])
    site.entry("old", published="2024-01-01", documents=["reports/old-report.pdf"])
    shutil.copy(site.root / "reports" / "old-report.pdf", site.root / "reports" / "renamed.pdf")
    site.entry("adult-d-again", published="2026-06-01", documents=["reports/renamed.pdf"])
    site.pdf("other.pdf", ["Adult E's review", "Only here: Foxglove"])
    site.entry("other", published="2026-06-01", documents=["reports/other.pdf"])
    result, out = site.build("2026-11-22")
    states = {p.entry.slug: p.state for p in result.site.entries}
    assert states == {"old": State.EXPIRED, "adult-d-again": State.WITHHELD, "other": State.LIVE}
    (problem,) = result.errors
    assert problem.file == "content/adult-d-again.md" and problem.field == "republish"
    assert problem.message == ("documents: reports/renamed.pdf is the same file as one taken down with content/old.md, whose "
                               "time on the site is over, so this entry is not published.")
    files = read_output(out)
    assert occurrences(files, "Wintergreen") == [] and occurrences(files, "adult-d-again") == []
    assert not any(path.endswith("renamed.pdf") for path in files) and occurrences(files, "Foxglove")
    # Written down, the decision is the partnership's: the report goes back up.
    text = (site.root / "content" / "adult-d-again.md").read_text()
    (site.root / "content" / "adult-d-again.md").write_text(text.replace("---\n", '---\nrepublish: "Agreed by the Board."\n', 1))
    result, out = site.build("2026-11-22")
    assert {p.entry.slug: p.state for p in result.site.entries}["adult-d-again"] is State.LIVE and not result.errors
    # `sitegen new` on another copy says so before the entry is even written.
    from test_cli import sitegen

    shutil.copy(site.root / "reports" / "old-report.pdf", site.root / "reports" / "final-version.pdf")
    new = sitegen("new", "sar", "reports/final-version.pdf", "--slug", "adult-d-final", "--published", "2026-11-22", cwd=site.root)
    assert new.returncode == 0, new.stderr
    assert ("reports/final-version.pdf is the same file as reports/old-report.pdf, which was taken down with content/old.md "
            "on 1 January 2025.") in " ".join(new.stdout.split())


def test_only_an_expired_report_of_the_same_size_as_a_listed_one_is_read_to_compare(site, tmp_path):
    from sitegen.build import CONTENT, _decide_states, taken_down_documents
    from sitegen.content.config import load_config
    from sitegen.content.entries import read_entries

    site.pdf("old-a.pdf", ["Old report A"])
    site.pdf("old-b.pdf", ["Old report B, a longer one with more words in it"])
    site.entry("old-a", published="2024-01-01", documents=["reports/old-a.pdf"])
    site.entry("old-b", published="2024-01-01", documents=["reports/old-b.pdf"])
    import shutil
    shutil.copy(site.root / "reports" / "old-a.pdf", site.root / "reports" / "copy-of-a.pdf")
    site.entry("new", published="2026-06-01", documents=["reports/copy-of-a.pdf"])
    config = load_config(site.root).config
    decided = _decide_states(read_entries(config), date(2026, 11, 22), False)
    read = []
    found = taken_down_documents(decided, lambda path: read.append(path.name) or f"hash of {path.read_bytes()!r}")
    assert sorted(read) == ["old-a.pdf"]
    assert found[CONTENT + "hash of " + repr((site.root / "reports" / "copy-of-a.pdf").read_bytes())] == "content/old-a.md"


def test_a_report_listed_by_an_expired_entry_and_a_live_one(site):
    site.entry("old", published="2024-01-01", documents=["shared.pdf"])
    site.entry("briefing", type="briefing", published="2026-01-01", documents=["reports/shared.pdf"])
    site.entry("draft", published="2026-01-01", draft=True, documents=["reports/shared.pdf"])
    result, out = site.build("2026-11-22")
    states = {p.entry.slug: p.state for p in result.site.entries}
    assert states == {"old": State.EXPIRED, "briefing": State.WITHHELD, "draft": State.DRAFT}
    assert [p.field for p in result.errors] == ["republish"]
    assert not any(path.endswith("shared.pdf") for path in read_output(out))
    # The day before the old one came down, both were up: nothing was taken down yet.
    result, _ = site.build("2024-12-31")
    assert {p.entry.slug: p.state for p in result.site.entries}["briefing"] is State.SCHEDULED


@pytest.mark.slow  # two whole builds of the sample site, each in a process of its own
def test_builds_in_two_processes_with_different_hash_seeds_are_the_same_bytes(tmp_path):
    """Byte-identical output must not hang on the order of a set or a dict of strings in one
    process: the sample site is built by two processes whose string hashing differs."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    outputs_made = []
    for seed in ("1", "2"):
        site = sample_copy(tmp_path / f"seed-{seed}")
        out = tmp_path / f"out-{seed}"
        run = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site), "--as-of", "2026-11-22",
                              "--output", str(out)], env={**os.environ, "PYTHONHASHSEED": seed},
                             capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        outputs_made.append(read_output(out))
    assert outputs_made[0] == outputs_made[1]

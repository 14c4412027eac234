"""The preview shows an entry's errors in the browser, where its page would be (as Hugo's and Vite's
development servers show build errors); a real build never has a trace of them."""

from conftest import occurrences, read_output
from sitegen.preview.incremental import LivePreview

BANNER = "Preview of the site — not the live site"
DAY = "2026-11-22"


def broken_site(site):
    site.entry("adult-a", published="2026-03-14", title="Adult A")
    site.entry("adult-b", published="2026-03-14", title="Adult B", summary="")  # an error, type known
    site.raw("content/sar/adult-k.md", "---\ntitle: Adult K\ntype: sar\n\tpublished: 2026-03-01\nsummary: S.\ndocuments: none\n---\n")  # unreadable
    site.raw("content/misc/adult-m.md", "---\ntitle: SAR: Adult M\ntype: sar\npublished: 2026-03-01\n---\n")  # unreadable
    site.raw("content/mystery.md", "Just some text.\n")  # nothing says where it would be


def test_a_preview_shows_each_error_at_the_entrys_address(site, tmp_path):
    broken_site(site)
    result, out = site.build(DAY, tmp_path / "preview", banner=BANNER)
    assert not result.failed
    page = (out / "sar" / "adult-b" / "index.html").read_text()
    assert "Preview only: this page is never in the real site" in page and BANNER in page
    assert "Not published: Adult B" in page and '<meta name="robots" content="noindex">' in page
    assert "<code>summary</code> is empty: a Safeguarding Adults Review needs it before it can be published." in page
    assert "<strong>What to do:</strong> Write <code>summary:</code> and one paragraph in plain English" in page
    tab = (out / "sar" / "adult-k" / "index.html").read_text()  # its type read from its `type:` line
    assert "content/sar/adult-k.md, line 4" in tab and "has a tab character" in tab
    colon = (out / "sar" / "adult-m" / "index.html").read_text()
    assert "second colon" in colon and "Put the value in quotes: title: &#34;SAR: Adult M&#34;" in colon
    assert "Adult A" in (out / "sar" / "adult-a" / "index.html").read_text()
    assert not (out / "mystery").exists()


def test_a_real_build_has_no_trace_of_the_errors(site, tmp_path):
    broken_site(site)
    result, out = site.build(DAY, tmp_path / "real")
    assert not result.failed and result.errors
    files = read_output(out)
    for address in ("sar/adult-b/index.html", "sar/adult-k/index.html", "sar/adult-m/index.html"):
        assert address not in files
    for words in ("Preview only", "Not published", "is empty", "tab character", "second colon",
                  "What to do", "content/sar/adult-k.md", "Adult B", "Adult M"):
        assert occurrences(files, words) == [], words
    # The theme's stylesheet styles such a page, but no page is one.
    assert [path for path in occurrences(files, "preview-error") if not path.endswith(".css")] == []


def test_a_page_that_exists_wins_over_an_error_page(site, tmp_path):
    site.entry("search", type="page", title="Search")  # an error: the site uses /search/
    result, out = site.build(DAY, tmp_path / "preview", banner=BANNER)
    assert any("/search/" in p.message for p in result.errors)
    assert "Not published" not in (out / "search" / "index.html").read_text()


def test_breaking_and_fixing_an_entry_in_a_running_preview(site, tmp_path):
    site.entry("adult-a", published="2026-03-14", title="Adult A")
    site.entry("adult-b", published="2026-03-14", title="Adult B")
    from datetime import date

    live = LivePreview(site.root, date(2026, 11, 22), tmp_path / "preview", BANNER)
    assert not live.rebuild().failed
    page = tmp_path / "preview" / "sar" / "adult-a" / "index.html"
    path = site.entry("adult-a", published="2026-03-14", title="Adult A", summary="")
    live.rebuild(content_only=True, changed=[str(path)])
    assert "Not published: Adult A" in page.read_text() and "<code>summary</code> is empty" in page.read_text()
    path.write_text(path.read_text().replace("type: sar", "type: sar\n\tsubject: Adult A"))
    live.rebuild(content_only=True, changed=[str(path)])
    assert "tab character" in page.read_text()
    site.entry("adult-a", published="2026-03-14", title="Adult A", summary="Fixed.")
    live.rebuild(content_only=True, changed=[str(path)])
    assert "Not published" not in page.read_text() and "Fixed." in page.read_text()

"""Every file of the output is claimed in one place (sitegen.rendering.claims): whatever one entry lists, a
clash withholds that entry with a message naming its file and line, never a site file and never
the whole build; `check` finds what `build` would."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import occurrences, read_output
from sitegen.build import assemble
from sitegen.rendering.claims import Claim, Claims, SITE, site_claims
from sitegen.content.config import load_config
from sitegen.documents.inspection import DocumentCache
from sitegen.rules.visibility import State

DAY = date(2026, 11, 22)


def _states(result) -> dict[str, State]:
    return {item.entry.source: item.state for item in result.site.entries}


def _word(site, name: str) -> str:
    import docxmaker

    docxmaker.make_report(site.root / "reports" / name)
    return f"reports/{name}"


def test_a_document_at_a_pages_address_withholds_only_its_entry(site):
    site.pdf("index.html")
    site.entry("adult-a", published=DAY, documents=[{"file": "reports/index.html", "title": "Report"}])
    site.entry("adult-b", published=DAY, documents=["adult-b.pdf"])
    result, out = site.build(DAY)
    assert not result.failed
    states = _states(result)
    assert states == {"content/adult-a.md": State.WITHHELD, "content/adult-b.md": State.LIVE}
    error = next(p for p in result.errors if p.file == "content/adult-a.md")
    assert error.line is not None and "reports/index.html" in error.message
    assert not (out / "sar" / "adult-a").exists() and (out / "sar" / "adult-b" / "adult-b.pdf").is_file()


def test_the_home_page_cannot_take_the_sites_own_files(site):
    for name in ("feed.xml", "_redirects", "sitemap.xml"):
        site.pdf(name)
    site.raw("content/index.md", "---\ntitle: Home\ntype: page\ndocuments:\n  - file: reports/feed.xml\n    title: Feed\n---\nWelcome, HOMEWORDS.\n")
    site.entry("adult-b", published=DAY, documents=["adult-b.pdf"])
    result, out = site.build(DAY)
    assert not result.failed
    assert _states(result)["content/index.md"] is State.WITHHELD
    assert (out / "feed.xml").read_bytes().startswith(b"<?xml")  # the site's own feed, not the PDF
    assert not occurrences(read_output(out), "HOMEWORDS")


def test_a_download_and_a_web_page_of_one_name_clash(site):
    site.pdf("foo")  # no suffix: refused as not a PDF
    site.pdf("bar.pdf")
    _word(site, "bar.docx")
    _word(site, "index.html.docx")
    site.entry("one", published=DAY, documents=[{"file": "reports/bar.pdf", "title": "Bar"}, {"file": "reports/bar.docx", "title": "Bar page"}])
    site.entry("two", published=DAY, documents=[{"file": "reports/index.html.docx", "title": "Index"}])
    site.entry("three", published=DAY, documents=[{"file": "reports/foo", "title": "Foo"}])
    result, out = site.build(DAY)
    assert not result.failed
    states = _states(result)
    assert states["content/two.md"] is State.WITHHELD and states["content/three.md"] is State.WITHHELD
    # bar.pdf at /sar/one/bar.pdf and bar.docx's page at /sar/one/bar/: no clash, both published
    assert states["content/one.md"] is State.LIVE
    assert (out / "sar" / "one" / "bar" / "index.html").is_file() and (out / "sar" / "one" / "bar.pdf").is_file()


def test_check_finds_what_build_would(site):
    site.pdf("index.html")
    site.entry("adult-a", published=DAY, documents=[{"file": "reports/index.html", "title": "Report"}])
    config = load_config(site.root).config
    _, problems = assemble(config, DAY, DocumentCache(None), inspect_all=True)
    result, _ = site.build(DAY)
    assert [p for p in problems if p.is_error] == result.errors


def test_a_scheduled_entrys_clash_is_told_before_its_day(site):
    site.pdf("index.html")
    site.entry("later", published=date(2027, 1, 1), documents=[{"file": "reports/index.html", "title": "Report"}])
    result, _ = site.build(DAY)
    assert any(p.file == "content/later.md" for p in result.errors)


# Claims: two claims clash exactly when one output folder could not hold both.
part = st.text(alphabet="aAb.", min_size=1, max_size=2)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(part, min_size=1, max_size=3), st.booleans(), st.sampled_from("xyz")), max_size=8))
def test_claims_clash_exactly_when_files_and_folders_collide(wanted):
    claims = Claims()
    accepted: list[Claim] = []
    for parts, folder, owner in wanted:
        claim = Claim("/".join(parts) + ("/" if folder else ""), owner)
        if claims.clash(claim) is None:
            claims.add(claim)
            accepted.append(claim)
    # What was accepted can be written: no file is where another needs a folder, and no two
    # owners share a folder one of them holds whole.
    for a in accepted:
        for b in accepted:
            if a is b:
                continue
            if a.parts == b.parts:
                assert a.is_folder and b.is_folder and a.owner == b.owner
            elif b.parts[:len(a.parts)] == a.parts:  # b is below a
                assert a.is_folder and a.owner == b.owner


def test_the_site_claims_its_own_files():
    claims = site_claims(["sar"])
    for path in ("feed.xml", "_headers", "pagefind/x.js", "assets/site.css", "sar/index.html", "Feed.XML", "themes/x/index.html"):
        assert claims.clash(Claim(path, "content/x.md")) is not None, path
    assert claims.clash(Claim("sar/adult-a/", "content/x.md")) is None
    assert claims.held[("feed.xml",)].owner == SITE


names = st.text(alphabet=string.ascii_letters + string.digits + " ._-#%?&()\\:\x00/", min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, st.sampled_from(["pdf", "docx", "none"])), min_size=1, max_size=4),
       st.sampled_from(["content/index.md", "content/x.md", "content/pages/contact.md"]))
def test_no_document_name_stops_the_build(site, listed, where):
    """Whatever names an entry lists (files that exist or not), the build goes on, the other entry
    is published, and every output file is the site's or a live entry's."""
    import shutil

    shutil.rmtree(site.root / "build", ignore_errors=True)
    docs = []
    for name, kind in listed:
        if kind != "none" and "/" not in name and "\x00" not in name and name not in (".", ".."):
            target = site.root / "reports" / name
            if not target.exists():
                (_word(site, name) if kind == "docx" else site.pdf(name))
        docs.append({"file": f"reports/{name}", "title": "A document"})
    front = {"title": "Any", "type": "page" if where != "content/x.md" else "sar", "published": DAY.isoformat(),
             "summary": "S.", "documents": docs}
    import yaml

    site.raw(where, "---\n" + yaml.safe_dump(front) + "---\nBody.\n")
    site.entry("steady", published=DAY, documents=["steady.pdf"])
    result, out = site.build(DAY)
    assert not result.failed and result.took_down_only is None
    assert _states(result)["content/steady.md"] is State.LIVE
    assert (out / "sar" / "steady" / "steady.pdf").is_file()
    assert (out / "feed.xml").read_bytes().startswith(b"<?xml")
    (site.root / where).unlink()

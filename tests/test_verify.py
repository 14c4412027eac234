"""`sitegen verify` and the build marker: after a deploy, the site itself is asked whether it shows
what the content decides for the day. These tests answer as Netlify does from a built folder
(tests/netlifyfiles.py's ServedFolder); tests/test_fresh_clone.py asks Netlify's own CLI, and one
test here a real HTTP server."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import ROOT, SiteMaker
from netlifyfiles import ServedFolder
from sitegen.build import assemble
from sitegen.commands.cli import main
from sitegen.content.config import load_config
from sitegen.documents.inspection import DocumentCache
from sitegen.commands.verify import (Finding, Unreachable, http_fetch, security_headers, summarised, verify,
                            wait_for_build)

BASE = "https://learning.testshire.example"
SECURITY = security_headers(ROOT)  # this repository's netlify.toml


@pytest.fixture
def reviews(tmp_path) -> SiteMaker:
    """A live SAR, a CSPR that comes down on 20 January 2027, one scheduled for 15 January 2027,
    one taken down long ago (a notice remains) and a draft."""
    site = SiteMaker(tmp_path / "site")
    site.entry("adult-a", published="2026-03-14", documents=["a.pdf"], title="Adult A")
    site.entry("child-d", type="cspr", published="2026-01-20", documents=["d.pdf"], title="Child D")
    site.entry("child-e", type="cspr", published="2027-01-15", documents=["e.pdf"], title="Child E")
    site.entry("adult-c", published="2024-06-10", documents=["c.pdf"], title="Adult C")
    site.entry("adult-h", published="2026-01-01", documents=["h.pdf"], title="Adult H", draft=True)
    return site


def site_on(maker: SiteMaker, day: str):
    config = load_config(maker.root).config
    site, _ = assemble(config, date.fromisoformat(day), DocumentCache(config.cache_dir))
    return site


def served(maker: SiteMaker, built_on: str, tmp_path, name: str = "out") -> ServedFolder:
    result, out = maker.build(built_on, tmp_path / name)
    assert not result.failed
    return ServedFolder(out, SECURITY)


def check(maker: SiteMaker, day: str, host: ServedFolder):
    return verify(site_on(maker, day), BASE, SECURITY, fetch=host.fetch)


def messages(result) -> str:
    return "\n".join(str(f) for f in result.findings)


# --- the marker -----------------------------------------------------------------------

def test_every_build_says_which_day_it_was_built_for_and_nothing_of_hidden_entries(reviews, tmp_path):
    result, out = reviews.build("2026-11-22", tmp_path / "out")
    marker = json.loads((out / "sitegen.json").read_text())
    assert marker["built_for"] == "2026-11-22"
    assert marker["digest"].startswith("sha256:") and marker["generator"].startswith("sitegen ")
    text = (out / "sitegen.json").read_text().lower()
    for hidden in ("child-e", "child e", "adult-h", "adult h", "e.pdf", "h.pdf"):
        assert hidden not in text


def test_the_digest_changes_with_the_public_addresses_not_with_hidden_entries(reviews, tmp_path):
    def digest(name):
        _, out = reviews.build("2026-11-22", tmp_path / name)
        return json.loads((out / "sitegen.json").read_text())["digest"]

    first = digest("one")
    assert digest("two") == first  # the same content on the same day
    reviews.entry("adult-h", published="2026-01-01", documents=["h.pdf"], title="Adult H (revised)", draft=True)
    reviews.entry("child-e", type="cspr", published="2027-01-16", documents=["e.pdf"], title="Child E")
    assert digest("three") == first  # hidden entries changed: nothing public did
    reviews.entry("adult-b", published="2026-09-02", title="Adult B")
    assert digest("four") != first


# --- what verify finds ------------------------------------------------------------------

def test_todays_build_served_today_passes(reviews, tmp_path):
    host = served(reviews, "2026-11-22", tmp_path)
    result = check(reviews, "2026-11-22", host)
    assert result.ok, messages(result)
    assert result.deployed.built_for == "2026-11-22"
    # it asked for every live address, the notice, the documents taken down and the hidden entries'
    for path in ("/sar/adult-a/", "/sar/adult-a/a.pdf", "/cspr/child-d/d.pdf", "/sar/adult-c/", "/sar/adult-c/c.pdf",
                 "/cspr/child-e/", "/cspr/child-e/e.pdf", "/sar/adult-h/", "/sar/adult-h/h.pdf", "/sitegen.json"):
        assert path in host.asked, path


def test_yesterdays_build_served_on_the_day_a_report_comes_down_fails_and_names_it(reviews, tmp_path):
    host = served(reviews, "2027-01-19", tmp_path)
    result = check(reviews, "2027-01-20", host)
    assert not result.ok
    text = messages(result)
    assert "built for 19 January 2027" in text and "not for 20 January 2027" in text
    child_d = [str(f) for f in result.findings if "Child D" in str(f)]
    assert any("still online" in f and "/cspr/child-d/d.pdf" in f for f in child_d), text
    assert any("/cspr/child-d/ still shows the report" in f for f in child_d), text
    assert all("content/child-d.md" in f for f in child_d)


def test_a_take_down_only_build_is_told_plainly_and_its_report_is_down(reviews, tmp_path, monkeypatch):
    """The build failed on the day Child D comes down (tests/test_takedown.py): the site then holds
    the day before's site less Child D. verify says it was a take-down only, and Child D is down."""
    from sitegen.rendering import render

    out = tmp_path / "out"
    reviews.build("2027-01-19", out)
    monkeypatch.setattr(render.Renderer, "render_all", lambda self, *a, **k: (_ for _ in ()).throw(RuntimeError("fault")))
    result, _ = reviews.build("2027-01-20", out)
    assert result.took_down_only is not None
    monkeypatch.undo()
    found = check(reviews, "2027-01-20", ServedFolder(out, SECURITY))
    text = messages(found)
    assert not found.ok and "take-down only build for 20 January 2027" in text
    assert not any("Child D" in str(f) and "still online" in str(f) for f in found.findings), text


def test_yesterdays_build_on_the_day_a_report_goes_live_fails_and_names_it(reviews, tmp_path):
    host = served(reviews, "2027-01-14", tmp_path)
    result = check(reviews, "2027-01-15", host)
    text = messages(result)
    assert "Child E (content/child-e.md) should be on the site today" in text
    assert "answers 404" in text


def test_a_hidden_entry_that_answers_is_named(reviews, tmp_path):
    """A draft's page left in the published folder (however it got there) must be found."""
    host = served(reviews, "2026-11-22", tmp_path)
    page = host.folder / "sar" / "adult-h" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>draft</p>")
    result = check(reviews, "2026-11-22", host)
    text = messages(result)
    assert "Adult H (content/adult-h.md) is draft today and must not be on the site" in text
    assert "/sar/adult-h/ answers 200" in text


def test_a_report_removed_from_content_but_still_online_shows_in_the_digest(reviews, tmp_path):
    host = served(reviews, "2026-11-22", tmp_path)
    (reviews.root / "content" / "adult-a.md").unlink()  # taken out in a hurry; that deploy never came
    result = check(reviews, "2026-11-22", host)
    assert "not from the content in this folder" in messages(result)


def test_missing_headers_and_redirects_are_found_and_summed_up(reviews, tmp_path):
    host = served(reviews, "2026-11-22", tmp_path)
    (host.folder / "_headers").unlink()
    (host.folder / "_redirects").unlink()
    host.security.pop("Content-Security-Policy")
    result = check(reviews, "2026-11-22", host)
    text = messages(result)
    assert "does not send 'X-Robots-Tag: unavailable_after: 2027-03-14T00:00:00+00:00'" in text
    assert "/sar/adult-c/c.pdf answers 404 instead of 410 Gone" in text
    assert "do not send the security header Content-Security-Policy" in text
    shown = summarised(result.findings, keep=1)
    assert len(shown) < len(result.findings)
    assert any(f.message.startswith("... and ") for f in shown)
    assert all(not f.kind for f in result.findings if "should be on the site" in f.message)


def test_a_site_that_answers_every_address_is_found(reviews, tmp_path):
    """A catch-all rule (/* /index.html 200) would hide every 404 and 410."""
    host = served(reviews, "2026-11-22", tmp_path)
    host_fetch = host.fetch

    def catch_all(url, body):
        answer = host_fetch(url, body)
        return answer if answer.status != 404 else host_fetch(BASE + "/", body)

    result = verify(site_on(reviews, "2026-11-22"), BASE, SECURITY, fetch=catch_all)
    assert "never part of the site, answers 200 instead of 404" in messages(result)


def test_an_unreachable_site_is_one_plain_finding(reviews):
    def down(url, body):
        raise Unreachable("Name or service not known")

    result = verify(site_on(reviews, "2026-11-22"), BASE, SECURITY, fetch=down)
    assert [str(f) for f in result.findings] == [
        f"{BASE} could not be reached (Name or service not known). Check the address, and that the site is online (Netlify: Deploys)."]


def test_summarised_keeps_every_finding_about_a_report_being_online():
    findings = [Finding(f"report {n} is still online") for n in range(10)] + [Finding(f"header {n}", kind="robots") for n in range(10)]
    shown = summarised(findings, keep=3)
    assert [f.message for f in shown[:10]] == [f"report {n} is still online" for n in range(10)]
    assert [f.message for f in shown[10:]] == ["header 0", "header 1", "header 2", "... and 7 more addresses like the 3 above."]


# --- waiting for the deploy -------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_waiting_ends_when_the_site_shows_the_days_build(reviews, tmp_path):
    old = served(reviews, "2027-01-19", tmp_path, "old")
    new = served(reviews, "2027-01-20", tmp_path, "new")
    clock = Clock()
    hosts = [old, old, old, new]  # the deploy appears at the fourth look

    def fetch(url, body):
        return (hosts.pop(0) if len(hosts) > 1 else hosts[0]).fetch(url, body)

    said = []
    seen = wait_for_build(BASE, date(2027, 1, 20), 600, fetch=fetch, sleep=clock.sleep, clock=clock, every=15, say=said.append)
    assert seen.built_for == "2027-01-20"
    assert clock.now == 45
    assert said == [f"Waiting for {BASE} to show the build for 20 January 2027 (it shows the build for 19 January 2027)..."]


def test_waiting_gives_up_at_its_limit_and_the_check_then_names_what_is_wrong(reviews, tmp_path):
    old = served(reviews, "2027-01-19", tmp_path)
    clock = Clock()
    seen = wait_for_build(BASE, date(2027, 1, 20), 120, fetch=old.fetch, sleep=clock.sleep, clock=clock, every=15)
    assert seen.built_for == "2027-01-19"
    assert clock.now <= 120
    assert "Child D" in messages(check(reviews, "2027-01-20", old))


# --- over HTTP --------------------------------------------------------------------------

@pytest.fixture
def plain_server(reviews, tmp_path):
    """A plain static server (no _headers, no _redirects, no netlify.toml headers) over a build."""
    result, out = reviews.build("2026-11-22", tmp_path / "plain")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_over_http_a_plain_server_is_not_enough(reviews, plain_server):
    """http_fetch against a real server: every answer is checked as it comes, redirects are not
    followed (the plain server sends /sar/adult-a to /sar/adult-a/), and what a host without
    Netlify's files gets wrong is named."""
    assert http_fetch(plain_server + "/sar/adult-a", False).status == 301
    result = verify(site_on(reviews, "2026-11-22"), plain_server, SECURITY)
    text = messages(result)
    assert result.deployed is not None and result.deployed.built_for == "2026-11-22"
    assert "/sar/adult-c/c.pdf answers 200" not in text  # the plain server never had the file
    assert "answers 404 instead of 410 Gone" in text
    assert "do not send the security header Strict-Transport-Security" in text


def test_the_command_exits_1_and_says_so(reviews, plain_server):
    runner = CliRunner()
    result = runner.invoke(main, ["verify", "-C", str(reviews.root), plain_server, "--as-of", "2026-11-22"])
    assert result.exit_code == 1
    assert "difference: " in result.output
    assert f"at {plain_server} as on 22 November 2026:" in result.output


def test_the_command_refuses_an_address_that_is_not_one(reviews):
    result = CliRunner().invoke(main, ["verify", "-C", str(reviews.root), "learning.testshire.example", "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert "is not a web address" in result.output
    assert "Traceback" not in result.output


def test_a_site_published_without_its_search_index_is_named(reviews, tmp_path):
    """A build whose search index could not be made still publishes the rest and exits 0 (an error
    in its log): only the deployed site tells, so verify asks for what the search page reads first.
    (An outside audit found such a deploy passing.)"""
    host = served(reviews, "2026-11-22", tmp_path)
    assert check(reviews, "2026-11-22", host).ok
    shutil.rmtree(tmp_path / "out" / "pagefind")
    result = check(reviews, "2026-11-22", host)
    assert not result.ok
    assert "has no search index (https://learning.testshire.example/pagefind/start.json answers 404)" in messages(result)
    assert "pagefind: error" in messages(result)


def test_a_deploy_previews_build_at_the_sites_address_is_named(reviews, tmp_path):
    """A preview's build may show what is not public yet: served at the site's own address, it is
    never taken for the site's build, though its day and addresses are right."""
    result, out = reviews.build("2026-11-22", tmp_path / "preview", deploy_preview=True)
    assert not result.failed
    found = check(reviews, "2026-11-22", ServedFolder(out, SECURITY))
    assert not found.ok
    assert "is a deploy preview's build, not the site's own" in messages(found)

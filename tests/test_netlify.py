"""Netlify's `_headers` and `_redirects` as every build writes them, read back with
small parsers and asked what Netlify would answer for one address."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from conftest import SiteMaker, occurrences, read_output
from netlifyfiles import headers_for, parse_headers, parse_redirects, redirect_for
from sitegen.output import netlify
from sitegen.content.config import DEFAULT_TYPES, SiteConfig
from sitegen.documents.inspection import DocumentInfo
from sitegen.content.entries import DocumentRef, Entry
from sitegen.rendering.site import Download, EntryOnDay, Site
from sitegen.rules.visibility import State


def build(site: SiteMaker, day: str, output=None):
    result, out = site.build(day, output)
    assert not result.failed, result.problems
    files = read_output(out)
    return files, parse_headers(files["_headers"].decode()), parse_redirects(files["_redirects"].decode())


def robots(rules, request) -> list[str]:
    return [value for name, value in headers_for(rules, request) if name.lower() == "x-robots-tag"]


@pytest.fixture
def mixed(site):
    """One entry in each state on 15 June 2027."""
    site.write_settings(types={"learning-review": {"window": "never"}})
    site.entry("winter", type="sar", published="2026-12-01", documents=["winter-overview.pdf", "winter-summary.pdf"])  # to 2027-12-01 (GMT)
    site.entry("summer", type="cspr", published="2026-09-10", expires="2027-07-01", documents=["summer.pdf"])  # BST
    site.entry("forever", type="learning-review", published="2027-01-01", documents=["forever.pdf"])
    site.entry("how-to-refer", type="page", title="How to refer")
    site.entry("old", type="sar", published="2025-01-01", documents=["old-overview.pdf", "old-summary.pdf"])
    site.entry("gone", type="scr", published="2025-02-01", on_expiry="remove", documents=["gone.pdf"])
    site.entry("later", type="sar", published="2027-09-01", documents=["later.pdf"])
    site.entry("wip", type="sar", published="2027-01-01", draft=True, documents=["wip.pdf"])
    site.entry("broken", type="sar", published="2027-01-01", expires="2026-01-01", documents=["broken.pdf"])
    return site


def test_live_reports_carry_unavailable_after_on_every_address(mixed):
    _, rules, _ = build(mixed, "2027-06-15")
    for request in ("/sar/winter/", "/sar/winter", "/sar/winter/index.html", "/sar/winter/winter-overview.pdf",
                    "/sar/winter/winter-summary.pdf"):
        assert robots(rules, request) == ["unavailable_after: 2027-12-01T00:00:00+00:00"], request
    for request in ("/cspr/summer/", "/cspr/summer/index.html", "/cspr/summer/summer.pdf"):
        assert robots(rules, request) == ["unavailable_after: 2027-07-01T00:00:00+01:00"], request


def test_unavailable_after_is_midnight_in_london_as_an_exact_instant(mixed):
    _, rules, _ = build(mixed, "2027-06-15")
    [value] = robots(rules, "/cspr/summer/summer.pdf")
    moment = datetime.fromisoformat(value.removeprefix("unavailable_after: "))
    assert moment == datetime(2027, 6, 30, 23, 0, tzinfo=timezone.utc)  # midnight BST
    [value] = robots(rules, "/sar/winter/")
    assert datetime.fromisoformat(value.removeprefix("unavailable_after: ")) == datetime(2027, 12, 1, tzinfo=timezone.utc)


def test_the_site_time_zone_is_used(mixed):
    mixed.write_settings(timezone="Australia/Sydney")
    _, rules, _ = build(mixed, "2027-06-15")
    assert robots(rules, "/sar/winter/") == ["unavailable_after: 2027-12-01T00:00:00+11:00"]


def test_what_never_expires_and_the_site_own_pages_carry_nothing(mixed):
    files, rules, redirects = build(mixed, "2027-06-15")
    for request in ("/learning-review/forever/", "/learning-review/forever/forever.pdf", "/how-to-refer/", "/", "/sar/",
                    "/themes/", "/feed.xml", "/assets/site.css", "/410.html", "/404.html"):
        assert robots(rules, request) == [], request
        assert redirect_for(redirects, request) is None, request


def test_notice_pages_are_noindex_and_their_documents_are_gone(mixed):
    files, rules, redirects = build(mixed, "2027-06-15")
    for request in ("/sar/old/", "/sar/old", "/sar/old/index.html"):
        assert robots(rules, request) == ["noindex"], request
        assert redirect_for(redirects, request) is None  # the notice itself is still served
    assert "sar/old/index.html" in files
    for name in ("old-overview.pdf", "old-summary.pdf"):
        rule = redirect_for(redirects, f"/sar/old/{name}")
        assert (rule.target, rule.status, rule.force) == ("/410.html", 410, True)
        assert robots(rules, f"/sar/old/{name}") == []


def test_removed_reports_answer_410_at_the_page_and_documents(mixed):
    files, rules, redirects = build(mixed, "2027-06-15")
    for request in ("/scr/gone/", "/scr/gone", "/scr/gone/index.html", "/scr/gone/gone.pdf"):
        rule = redirect_for(redirects, request)
        assert rule is not None and (rule.target, rule.status, rule.force) == ("/410.html", 410, True), request
        assert robots(rules, request) == []
    assert not any(path.startswith("scr/gone/") for path in files)
    assert occurrences(files, "Review gone") == []


def test_nothing_of_scheduled_draft_or_withheld_entries(mixed):
    files, _, _ = build(mixed, "2027-06-15")
    for slug in ("later", "wip", "broken"):
        assert occurrences({name: files[name] for name in ("_headers", "_redirects")}, slug) == [], slug
        assert occurrences(files, f"/{slug}/") == [], slug


def test_every_gone_address_is_empty_and_the_gone_page_helps(mixed):
    files, _, redirects = build(mixed, "2027-06-15")
    assert redirects
    for rule in redirects:
        assert rule.source.lstrip("/") not in files and rule.source.lstrip("/") + "index.html" not in files
        assert rule.target.lstrip("/") in files
    page = files["410.html"].decode()
    assert "no longer published" in page and 'content="noindex"' in page
    assert "learning@testshire.example" in page
    assert "National SAR Library" in page and "NSPCC National Case Review Repository" in page
    for slug in ("old", "gone", "winter"):
        assert f"/{slug}/" not in page and f"Review {slug}" not in page  # it names no report


def test_a_gone_document_needs_no_memory_of_earlier_builds(mixed, tmp_path):
    """The 410 address comes from the entry alone: a fresh folder, a later day, even a PDF since
    deleted from reports/, give the same rule."""
    (mixed.root / "reports" / "old-summary.pdf").unlink()
    _, _, first = build(mixed, "2027-06-15", tmp_path / "first")
    _, _, later = build(mixed, "2029-01-01", tmp_path / "later")
    for redirects in (first, later):
        rule = redirect_for(redirects, "/sar/old/old-summary.pdf")
        assert rule is not None and rule.status == 410


def test_expiry_moves_an_entry_from_headers_to_redirects(mixed):
    _, rules, redirects = build(mixed, "2027-06-30")
    assert robots(rules, "/cspr/summer/summer.pdf") == ["unavailable_after: 2027-07-01T00:00:00+01:00"]
    assert redirect_for(redirects, "/cspr/summer/summer.pdf") is None
    _, rules, redirects = build(mixed, "2027-07-01")
    assert robots(rules, "/cspr/summer/summer.pdf") == []
    assert robots(rules, "/cspr/summer/") == ["noindex"]
    assert redirect_for(redirects, "/cspr/summer/summer.pdf").status == 410


def test_site_wide_removal_sends_every_old_address_to_410(mixed):
    mixed.write_settings(on_expiry="remove")
    files, rules, redirects = build(mixed, "2027-06-15")
    for request in ("/sar/old/", "/sar/old/index.html", "/sar/old/old-overview.pdf"):
        assert redirect_for(redirects, request).status == 410
        assert robots(rules, request) == []


def test_unusual_file_names_cannot_break_the_files(site):
    site.pdf("final report*.pdf")
    site.entry("odd", published="2025-01-01", documents=[{"file": "reports/final report*.pdf", "title": "Final"}])
    files, _, redirects = build(site, "2026-06-01")
    assert redirect_for(redirects, "/sar/odd/final%20report%2A.pdf").status == 410


def test_the_files_are_the_same_for_the_same_content_and_day(mixed, tmp_path):
    one, _, _ = build(mixed, "2027-06-15", tmp_path / "one")
    two, _, _ = build(mixed, "2027-06-15", tmp_path / "two")
    assert one["_headers"] == two["_headers"] and one["_redirects"] == two["_redirects"]


# --- for every day and every state: a property ------------------------------------------

CONFIG = SiteConfig(root=Path("."), name="Testshire", base_url="https://learning.testshire.example", types=DEFAULT_TYPES)


def one_entry_site(state: State, published: date, hidden: date | None, on_expiry: str) -> Site:
    ref = DocumentRef("reports/x.pdf", "Overview", None, None)
    entry = Entry("content/x.md", "x", "sar", "Review x", published=published, hidden_from=hidden,
                  documents=(ref,), on_expiry=on_expiry)
    downloads = (Download(ref, DocumentInfo("0" * 64, 10, "PDF", 1), entry.document_url(ref)),) if state is State.LIVE else ()
    return Site(CONFIG, published, (EntryOnDay(entry, state, downloads),))


@settings(max_examples=300, deadline=None)
@given(published=st.dates(date(2020, 1, 1), date(2040, 12, 31)), days=st.integers(1, 1200),
       state=st.sampled_from(list(State)), on_expiry=st.sampled_from(["notice", "remove"]))
def test_each_state_gets_exactly_its_rules(published, days, state, on_expiry):
    """What `_headers` and `_redirects` say, as written and read back, for one entry in each state on any day."""
    hidden = published + timedelta(days=days)
    site = one_entry_site(state, published, hidden, on_expiry)
    headers_text, redirects_text = netlify.headers(site).data.decode(), netlify.redirects(site).data.decode()
    rules, redirects = parse_headers(headers_text), parse_redirects(redirects_text)
    assert [(r.path, r.headers) for r in rules if r.path in netlify.CONTENT_TYPES] == [
        (path, (("Content-Type", value),)) for path, value in sorted(netlify.CONTENT_TYPES.items())]
    rules = [rule for rule in rules if rule.path not in netlify.CONTENT_TYPES]  # the site's own files, on every day
    header_paths = {rule.path for rule in rules}
    gone = {redirect.source for redirect in redirects}
    assert all((r.target, r.status, r.force) == ("/410.html", 410, True) for r in redirects)
    if state is State.LIVE:
        assert header_paths == {"/sar/x/", "/sar/x/index.html", "/sar/x/x.pdf"}
        for rule in rules:
            [(name, value)] = rule.headers
            assert name == "X-Robots-Tag"
            moment = datetime.fromisoformat(value.removeprefix("unavailable_after: ")).astimezone(ZoneInfo("Europe/London"))
            assert (moment.date(), moment.hour, moment.minute, moment.second) == (hidden, 0, 0, 0)
        assert gone == set()
    elif state is State.EXPIRED:
        assert all(rule.headers == (("X-Robots-Tag", "noindex"),) for rule in rules)
        expected = {"/sar/x/x.pdf"} | ({"/sar/x/", "/sar/x/index.html"} if on_expiry == "remove" else set())
        assert gone == expected
        assert header_paths == ({"/sar/x/", "/sar/x/index.html"} if on_expiry == "notice" else set())
    else:
        assert rules == [] and redirects == []
        assert "/x/" not in headers_text + redirects_text

"""Open data others can harvest: the JSON Feed, the register of what is live and its DCAT catalogue
(`sitegen.output.opendata`), never holding anything of an entry that is not live."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import occurrences, read_output
from sitegen.content.config import OPEN_GOVERNMENT_LICENCE
from sitegen.output.takedown import take_down_only

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2026-11-22"


def make_site(site):
    """Two live reviews, and one of each kind that must leave no trace (each with a word of its own)."""
    site.entry("adult-a", published="2026-03-14", title="SAR Adult A", themes=["Self-neglect"],
               documents=["overview.pdf"])
    site.entry("child-d", type="cspr", published="2026-01-20", title="CSPR Child D")
    site.entry("zanzibar", published="2027-01-15", title="Scheduled Zanzibar", summary="Zanzibar summary.")
    site.entry("quillmere", published="2026-06-01", title="Draft Quillmere", draft=True)
    site.entry("broken-yarrow", published="2026-06-01", title="Withheld Yarrow", themes={"a": "b"})
    site.entry("old-wexcombe", published="2024-01-01", title="Expired Wexcombe")


HIDDEN = ("zanzibar", "quillmere", "yarrow", "wexcombe")


def test_json_feed_has_the_spec_fields_and_the_atom_feed_entries(site):
    make_site(site)
    result, out = site.build(DAY)
    assert not result.failed
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    # JSON Feed 1.1: version, title and items are required; each item needs an id and content_html or content_text
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == "https://learning.testshire.example/feed.json"
    assert feed["home_page_url"] == "https://learning.testshire.example/"
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html")
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None  # RFC 3339, with its offset
    atom = ET.parse(out / "feed.xml").getroot()
    assert [item["id"] for item in feed["items"]] == [e.find(f"{ATOM}id").text for e in atom.iter(f"{ATOM}entry")]
    assert [item["title"] for item in feed["items"]] == ["SAR Adult A", "CSPR Child D"]
    assert "Self-neglect" in feed["items"][0]["tags"]
    headers = (out / "_headers").read_text()
    assert "/feed.json\n  Content-Type: application/feed+json" in headers


def test_the_register_lists_what_is_live_with_its_window(site):
    make_site(site)
    _, out = site.build(DAY)
    rows = list(csv.DictReader(io.StringIO((out / "data/register.csv").read_text(encoding="utf-8"))))
    assert [(r["type"], r["title"], r["published"], r["on_site_until"], r["comes_down"]) for r in rows] == [
        ("SAR", "SAR Adult A", "2026-03-14", "2027-03-13", "2027-03-14"),
        ("CSPR", "CSPR Child D", "2026-01-20", "2027-01-19", "2027-01-20"),
    ]
    assert rows[0]["address"] == "https://learning.testshire.example/sar/adult-a/"
    assert rows[0]["documents"] == "https://learning.testshire.example/sar/adult-a/overview.pdf"
    register = json.loads((out / "data/register.json").read_text(encoding="utf-8"))
    assert register["changed"] == "2026-03-14" and register["licence"] == OPEN_GOVERNMENT_LICENCE  # Adult A went up
    assert [r["title"] for r in register["reviews"]] == ["SAR Adult A", "CSPR Child D"]


def test_the_catalogue_describes_the_register_as_data_gov_uk_harvests_it(site):
    make_site(site)
    site.write_settings(licence="https://creativecommons.org/licenses/by/4.0/")
    _, out = site.build(DAY)
    catalogue = json.loads((out / "data.json").read_text(encoding="utf-8"))
    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    [dataset] = catalogue["dataset"]
    # DCAT-US 1.1's required fields for a non-federal publisher
    for name in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier", "accessLevel"):
        assert dataset[name], name
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["contactPoint"]["hasEmail"] == "mailto:learning@testshire.example"
    assert dataset["modified"] == "2026-03-14"  # the last day a report went up or came down (Wexcombe: 2025-01-01)
    downloads = {d["downloadURL"]: d["mediaType"] for d in dataset["distribution"]}
    assert downloads == {"https://learning.testshire.example/data/register.csv": "text/csv",
                         "https://learning.testshire.example/data/register.json": "application/json"}
    for url in downloads:
        assert (out / url.removeprefix("https://learning.testshire.example/")).is_file()


SCHEMAS = Path(__file__).parent / "schemas" / "dcat-us-1.1-non-federal"


def test_the_catalogue_is_valid_by_the_dcat_us_schema_data_gov_validates_with(site):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (pip install jsonschema) validates /data.json")
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    schemas = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources((schema["id"].rstrip("#"), DRAFT4.create_resource(schema)) for schema in schemas.values())
    validator = jsonschema.Draft4Validator(schemas["catalog.json"], registry=registry,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    make_site(site)
    _, out = site.build(DAY)
    catalogue = json.loads((out / "data.json").read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(catalogue)] == []
    broken = dict(catalogue, dataset=[dict(catalogue["dataset"][0], accessLevel="open")])
    assert validator.iter_errors(broken)  # the schema does check what it is given
    assert any("'open' is not one of" in error.message for error in validator.iter_errors(broken))


def test_nothing_of_a_scheduled_draft_withheld_or_expired_entry_is_in_any_file(site):
    make_site(site)
    result, out = site.build(DAY)
    assert any(p.file.endswith("broken-yarrow.md") and p.is_error for p in result.problems)  # it is withheld
    files = read_output(out)
    for word in HIDDEN:
        found = occurrences(files, word)
        if word == "wexcombe":  # an expired report keeps its notice page and its 410 lines, nothing else
            assert set(found) <= {"sar/old-wexcombe/index.html", "_headers", "_redirects"}, found
        else:
            assert found == [], (word, found)
    for path in ("feed.json", "data/register.csv", "data/register.json", "data.json"):
        assert not any(word in files[path].decode().lower() for word in HIDDEN), path


def test_the_day_after_a_window_ends_the_register_and_feed_lose_it(site):
    make_site(site)
    _, out = site.build("2027-01-20")  # Child D's first day down
    register = json.loads((out / "data/register.json").read_text(encoding="utf-8"))
    assert [r["title"] for r in register["reviews"]] == ["Scheduled Zanzibar", "SAR Adult A"]
    assert register["changed"] == "2027-01-20"  # the day Child D came down
    assert "Child D" not in (out / "feed.json").read_text(encoding="utf-8")


def test_a_failed_build_takes_the_report_out_of_the_open_data_too(site):
    make_site(site)
    _, out = site.build(DAY)
    down = take_down_only(read_output(out), date(2027, 1, 20), "Europe/London")
    assert "/cspr/child-d/" in down.removed
    for path in ("feed.json", "data/register.csv", "data/register.json"):
        assert b"Child D" not in down.files[path], path
        assert b"Adult A" in down.files[path], path
    json.loads(down.files["feed.json"])  # still a feed


def test_a_damaged_open_data_file_is_left_out_of_a_take_down(site):
    make_site(site)
    _, out = site.build(DAY)
    files = read_output(out)
    files["feed.json"] = b"{not json"
    down = take_down_only(files, date(2027, 1, 20), "Europe/London")
    assert "feed.json" not in down.files


def test_titles_are_data_never_html_nor_a_spreadsheet_formula(site):
    site.entry("x", published="2026-01-01", title='=HYPERLINK("https://evil.example","<b>click</b>")', summary="A & B <i>")
    _, out = site.build("2026-02-01")
    for path in ("feed.json", "data/register.json"):
        raw = (out / path).read_text(encoding="utf-8")
        assert "<" not in raw and ">" not in raw, path
    register = json.loads((out / "data/register.json").read_text(encoding="utf-8"))
    assert register["reviews"][0]["title"] == '=HYPERLINK("https://evil.example","<b>click</b>")'
    [row] = csv.DictReader(io.StringIO((out / "data/register.csv").read_text(encoding="utf-8")))
    assert row["title"] == '\'=HYPERLINK("https://evil.example","<b>click</b>")'  # shown as text, never run
    assert "/data/register.csv\n  Content-Type: text/csv; charset=utf-8" in (out / "_headers").read_text()


# --- for every day and every window: a property ------------------------------------------

from datetime import timedelta  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from sitegen.output import opendata  # noqa: E402
from sitegen.content.config import DEFAULT_TYPES, SiteConfig  # noqa: E402
from sitegen.content.entries import Entry  # noqa: E402
from sitegen.rendering.site import EntryOnDay, Site  # noqa: E402
from sitegen.rules.visibility import decide  # noqa: E402

CONFIG = SiteConfig(root=Path("."), name="Testshire", base_url="https://learning.testshire.example", types=DEFAULT_TYPES)


@settings(max_examples=300, deadline=None)
@given(entries=st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(1, 800),
                                  st.booleans(), st.booleans()), max_size=6),
       day=st.dates(date(2020, 1, 1), date(2031, 12, 31)))
def test_the_open_data_holds_exactly_the_reports_in_their_window_on_any_day(entries, day):
    """Whatever the days: the JSON Feed and the register name a report only from its day until the
    day before it comes down, and never a draft or one withheld."""
    on_day = []
    for n, (published, days, draft, broken) in enumerate(entries):
        hidden = published + timedelta(days=days)
        state = decide(day, published, hidden, draft=draft, has_errors=broken)
        entry = Entry(f"content/r{n}.md", f"r{n}", "sar", f"Review r{n}", published=published, hidden_from=hidden, draft=draft)
        on_day.append(EntryOnDay(entry, state))
    site = Site(CONFIG, day, tuple(on_day))
    expected = {f"Review r{n}" for n, (published, days, draft, broken) in enumerate(entries)
                if published <= day < published + timedelta(days=days) and not draft and not broken}
    feed = json.loads(opendata.json_feed(site).data)
    files = {f.path: f.data for f in opendata.register_files(site)}
    assert {item["title"] for item in feed["items"]} == expected
    assert {row["title"] for row in json.loads(files["data/register.json"])["reviews"]} == expected
    assert {row["title"] for row in csv.DictReader(io.StringIO(files["data/register.csv"].decode()))} == expected
    hidden_titles = {f"Review r{n}" for n in range(len(entries))} - expected
    assert not any(title.encode() in data for data in [*files.values(), json.dumps(feed).encode()] for title in hidden_titles
                   if not any(title in e and title != e for e in expected))

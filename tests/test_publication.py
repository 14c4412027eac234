"""`sitegen report`: the publication record for the Board, from the content alone, never in the public output."""

import csv
import io

import pytest

from conftest import ROOT
from test_cli import sitegen


def make_site(site):
    site.entry("adult-a", published="2025-06-01", title="SAR Adult A")  # came down 2026-06-01
    site.entry("adult-b", published="2026-05-10", title="SAR Adult B")  # went live
    site.entry("child-d", published="2026-01-20", title="CSPR Child D", type="cspr", expires="2026-09-01")  # both
    site.entry("adult-h", published="2026-06-01", title="Draft Adult H", draft=True)  # never went live
    site.entry("old", published="2020-01-01", title="Long gone")  # outside the period
    site.raw("content/broken.md", "---\ntitle: Broken\ntype: sar\npublished: 2026-05-01\nsummary: S.\nthemes: {a: b}\n---\n")
    site.entry("contact", type="page", title="Contact")


def test_csv_lists_what_went_live_and_came_down(site):
    make_site(site)
    result = sitegen("report", "--from", "2026-01-01", "--to", "2026-12-31", "--csv", "--as-of", "2026-07-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["date", "event", "type", "title", "address", "file"]
    # on 1 July 2026, what happened by then is told as past and the rest as planned
    assert [(r["date"], r["event"], r["title"]) for r in rows] == [
        ("2026-01-20", "went live", "CSPR Child D"),
        ("2026-05-10", "went live", "SAR Adult B"),
        ("2026-06-01", "came down", "SAR Adult A"),
        ("2026-09-01", "will come down", "CSPR Child D"),
    ]
    by_title = {(r["title"], r["date"]): r for r in rows}
    assert by_title[("SAR Adult B", "2026-05-10")]["address"] == "https://learning.testshire.example/sar/adult-b/"
    assert by_title[("SAR Adult B", "2026-05-10")]["type"] == "SAR"
    assert "Draft Adult H" not in result.stdout and "Long gone" not in result.stdout and "Contact" not in result.stdout
    assert "content/broken.md:6: left out of the record because it has an error today: themes: " in result.stderr


def test_past_events_are_told_apart_from_planned_ones(site):
    site.entry("past", published="2020-03-01", title="Past one")
    site.entry("future", published="2150-03-01", title="Planned one")
    result = sitegen("report", "--from", "2020-01-01", "--to", "2199-12-31", "--csv", "--as-of", "2026-11-22", cwd=site.root)
    events = {(r["title"], r["event"]) for r in csv.DictReader(io.StringIO(result.stdout))}
    assert events == {("Past one", "went live"), ("Past one", "came down"), ("Planned one", "will go live"),
                      ("Planned one", "will come down")}


def test_table_for_the_sample_site():
    result = sitegen("report", "--site", str(ROOT), "--from", "2026-04-01", "--to", "2026-07-31", "--as-of", "2026-11-22")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Publication record of Northshire Safeguarding Partnership, 1 April 2026 to 31 July 2026")
    assert "Went live: 2 (1 DHR, 1 Learning review)" in text
    assert "Came down: 1 (1 SAR)" in text
    assert "10 June 2026  SAR              Safeguarding Adults Review: Adult C" in text
    assert "Quillmere" not in text  # the draft never went live


def test_written_to_a_file_but_never_into_the_public_site(site, tmp_path):
    make_site(site)
    target = tmp_path / "board" / "record.csv"
    result = sitegen("report", "--from", "2026-01-01", "--to", "2026-12-31", "--csv", "--output", str(target), "--as-of", "2026-11-22", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert target.read_text().startswith("date,event,type,title,address,file\n")
    again = sitegen("report", "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(target), "--as-of", "2026-11-22", cwd=site.root)
    assert again.returncode == 1 and "already exists" in again.stderr

    build = sitegen("build", "--as-of", "2026-11-22", "--output", str(tmp_path / "public"), cwd=site.root)
    assert build.returncode == 0
    for where in ("build/record.csv", "content/record.csv", "reports/record.csv", "themes/assets/record.csv",
                  str(tmp_path / "public" / "record.csv"), str(tmp_path / "public" / "deep" / "record.csv")):
        refused = sitegen("report", "--from", "2026-01-01", "--to", "2026-12-31", "--csv", "--output", where, "--as-of", "2026-11-22", cwd=site.root)
        assert refused.returncode == 1, where
        assert "public site" in refused.stderr and "Write the record somewhere else" in refused.stderr
        assert not (site.root / where).exists() and not (tmp_path / "public" / "record.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--from", "1/4/2026", "--to", "2027-03-31"], "1/4/2026 is not a date; write 2026-04-01"),
    (["--from", "2026-04-01", "--to", "2026-03-31"], "2026-03-31 is before 2026-04-01"),
])
def test_bad_dates_are_explained(site, args, message):
    result = sitegen("report", *args, "--as-of", "2026-11-22", cwd=site.root)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_every_file_in_content_is_accounted_for(site):
    """Entries whose front matter cannot be read at all are named, not silently missing."""
    site.entry("adult-b", published="2026-05-10", title="SAR Adult B")
    broken = {
        "tab": "---\ntitle: Tab\ntype: sar\n\tpublished: 2026-02-01\nsummary: S.\ndocuments: none\n---\n",
        "unclosed": "---\ntitle: Unclosed\ntype: sar\npublished: 2026-02-01\nsummary: S.\nThe body.\n",
        "colon": "---\ntitle: SAR: Adult K\ntype: sar\npublished: 2026-02-01\nsummary: S.\ndocuments: none\n---\n",
        "unknown-type": "---\ntitle: Unknown\ntype: sars\npublished: 2026-02-01\nsummary: S.\ndocuments: none\n---\n",
        "no-front-matter": "Just some text.\n",
        "empty-summary": '---\ntitle: Empty\ntype: sar\npublished: 2026-02-01\nsummary: ""\n---\n',
    }
    for name, text in broken.items():
        site.raw(f"content/sar/{name}.md", text)
    result = sitegen("report", "--from", "2026-01-01", "--to", "2026-12-31", cwd=site.root)
    assert result.returncode == 0, result.stderr
    for name in broken:
        assert f"content/sar/{name}.md" in result.stderr and "left out of the record because it has an error today" in result.stderr, name
        assert f"  content/sar/{name}.md:" in result.stdout, name
    assert f"Left out because of errors: {len(broken)}" in result.stdout
    assert "  content/sar/tab.md:4: the front matter cannot be read: line 4 has a tab character" in result.stdout
    assert "SAR Adult B" in result.stdout


def test_a_review_approved_after_its_published_day_went_live_when_approved(site):
    """The record tells the Board when a DHR really went up: on its approval day, not before."""
    site.entry("ms-x", type="dhr", published="2026-03-01", approved="2026-04-15", title="DHR Ms X")
    result = sitegen("report", "--from", "2026-01-01", "--to", "2027-12-31", "--csv", "--as-of", "2026-11-22", cwd=site.root)
    rows = [(r["date"], r["event"]) for r in csv.DictReader(io.StringIO(result.stdout))]
    assert rows == [("2026-04-15", "went live"), ("2027-03-01", "will come down")]

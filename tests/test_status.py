"""`sitegen status`: every entry's state, as a table or JSON, from the build's own rule."""

import json
import re
from datetime import date, timedelta

import pytest

from sitegen.rules.visibility import State

from conftest import ROOT
from test_cli import sitegen
from test_newentry import run_in_terminal


def make_site(site):
    site.entry("live-soon-down", published="2025-12-01", title="Going soon")
    site.entry("live-long", published="2026-11-01", title="Staying")
    site.entry("future", published="2027-02-01", title="Not yet")
    site.entry("old", published="2024-01-01", title="Gone")
    site.entry("wip", published="2026-01-01", draft=True, title="Work in progress")
    site.raw("content/broken.md", "---\ntitle: Broken\ntype: sar\npublished: 31/02/2026\nsummary: S.\ndocuments: none\n---\n")
    site.entry("contact", type="page", title="Contact us", summary=None)


def test_json_lists_every_entry_with_exactly_the_documented_keys(site):
    make_site(site)
    result = sitegen("status", "--as-of", "2026-11-22", "--json", cwd=site.root)
    assert result.returncode == 0, result.stderr
    rows = {row["slug"]: row for row in json.loads(result.stdout)}
    assert all(list(row) == ["file", "slug", "title", "type", "state", "goes_live", "waiting_for", "published", "hidden_from",
                             "errors"] for row in rows.values())
    assert {slug: row["state"] for slug, row in rows.items()} == {
        "live-soon-down": "live", "live-long": "live", "future": "scheduled", "old": "expired", "wip": "draft",
        "broken": "withheld", "contact": "live"}
    assert rows["live-soon-down"] == {"file": "content/live-soon-down.md", "slug": "live-soon-down", "title": "Going soon",
                                      "type": "sar", "state": "live", "goes_live": "2025-12-01", "waiting_for": None,
                                      "published": "2025-12-01",
                                      "hidden_from": "2026-12-01", "errors": []}
    assert rows["contact"]["published"] is None and rows["contact"]["hidden_from"] is None
    assert rows["broken"]["published"] is None
    [message] = rows["broken"]["errors"]
    assert message.startswith("content/broken.md:4: error: published: 31/02/2026 is not a date")
    assert all(row["errors"] == [] for slug, row in rows.items() if slug != "broken")


def cells(line: str) -> list[str]:
    """A table line's cells, as the officer reads them (columns are two or more spaces apart)."""
    return re.split(r"\s{2,}", line.strip())


def test_table_shows_each_entrys_state_and_dates_in_order_of_what_needs_attention(site):
    """What the officer reads: every entry once, with its state, the day it went or goes up, the day
    it comes down, the days it has left while live, its type, title and file; what needs attention
    first (withheld), then live by the day each comes down, scheduled, drafts, expired."""
    make_site(site)
    result = sitegen("status", "--as-of", "2026-11-22", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    lines = result.stdout.splitlines()
    assert [cells(line) for line in lines[:8]] == [
        ["State", "Published", "Comes down", "Days left", "Type", "Title", "File"],
        ["withheld", "-", "-", "-", "sar", "Broken", "content/broken.md"],
        ["live", "1 Dec 2025", "1 Dec 2026", "9", "sar", "Going soon", "content/live-soon-down.md"],
        ["live", "1 Nov 2026", "1 Nov 2027", "344", "sar", "Staying", "content/live-long.md"],
        ["live", "-", "-", "-", "page", "Contact us", "content/contact.md"],
        ["scheduled", "1 Feb 2027", "1 Feb 2028", "-", "sar", "Not yet", "content/future.md"],
        ["draft", "1 Jan 2026", "1 Jan 2027", "-", "sar", "Work in progress", "content/wip.md"],
        ["expired", "1 Jan 2024", "1 Jan 2025", "-", "sar", "Gone", "content/old.md"],
    ]
    assert lines[8:] == [
        "",
        "On 22 November 2026: 1 withheld, 3 live, 1 scheduled, 1 draft, 1 expired.",
        "Withheld entries stay off the site until these errors are fixed:",
        "  content/broken.md:4: error: published: 31/02/2026 is not a date; write it as year-month-day, for example 2026-11-22.",
    ]


def test_a_dhr_waiting_for_its_approval_is_scheduled_and_says_so(site):
    site.entry("ms-x", type="dhr", published="2026-11-01", approved="2026-12-15", title="Domestic Homicide Review: Ms X")
    site.entry("ms-y", type="dhr", published="2026-11-01", approved="2026-10-15", title="Domestic Homicide Review: Ms Y")
    result = sitegen("status", "--as-of", "2026-11-22", "--json", cwd=site.root)
    rows = {row["slug"]: row for row in json.loads(result.stdout)}
    assert rows["ms-x"]["state"] == "scheduled" and rows["ms-x"]["waiting_for"] == "approval"
    assert rows["ms-x"]["goes_live"] == "2026-12-15" and rows["ms-x"]["hidden_from"] == "2027-11-01"
    assert rows["ms-y"]["state"] == "live" and rows["ms-y"]["waiting_for"] is None
    table = sitegen("status", "--as-of", "2026-11-22", cwd=site.root).stdout
    line = next(line for line in table.splitlines() if "Ms X" in line)
    assert line.startswith("scheduled: waiting for approval (15 Dec 2026)")
    assert sitegen("status", "--as-of", "2026-12-15", "--json", cwd=site.root).stdout.count('"live"') == 2


def test_expiring_within(site):
    make_site(site)
    result = sitegen("status", "--as-of", "2026-11-22", "--expiring-within", "9", cwd=site.root)
    assert [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip() and not line.startswith("On ")] == ["live"]
    assert "Going soon" in result.stdout and "Staying" not in result.stdout
    none = sitegen("status", "--as-of", "2026-11-22", "--expiring-within", "8", cwd=site.root)
    assert "No live entries come down in the next 8 days (as on 22 November 2026)." in none.stdout
    as_json = sitegen("status", "--as-of", "2026-11-22", "--expiring-within", "30", "--json", cwd=site.root)
    assert [row["slug"] for row in json.loads(as_json.stdout)] == ["live-soon-down"]


@pytest.mark.parametrize("within, shown", [("9", ["live-soon-down"]), ("9d", ["live-soon-down"]), ("9 days", ["live-soon-down"]),
                                           ("1 week", []), ("2 weeks", ["live-soon-down"]), ("1 month", ["live-soon-down"])])
def test_expiring_within_takes_a_length_of_time_as_the_settings_do(site, within, shown):
    make_site(site)
    result = sitegen("status", "--as-of", "2026-11-22", "--expiring-within", within, "--json", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert [row["slug"] for row in json.loads(result.stdout)] == shown


@pytest.mark.parametrize("within", ["soon", "30 minutes", "never", "-3"])
def test_expiring_within_explains_what_to_write(site, within):
    make_site(site)
    result = sitegen("status", "--expiring-within", within, cwd=site.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f'"{within}" is not a length of time. Write a number of days such as 30, or 30d, 30 days, 6 weeks' in result.stderr
    assert "integer" not in result.stderr


@pytest.mark.parametrize("command", ["check", "status", "serve"])
def test_as_of_help_says_what_the_command_does(command):
    result = sitegen(command, "--help")
    assert "Build the site" not in result.stdout
    assert {"check": "Check the site as it stands on", "status": "Show each entry's state on",
            "serve": "Preview the site as it will be on"}[command] in " ".join(result.stdout.split())


def test_status_agrees_with_what_the_build_publishes(sample_build):
    """For every entry of the sample site, what status says on the day is what the build put on the
    site that day: a live review's page is there, with the published day and the last day shown
    (the day before status's "comes down"); nothing of a scheduled, draft or withheld entry is in any
    output file; an expired review's documents are gone; and the counts are the build's own."""
    from sitegen.rules.dates import uk_date
    from conftest import SAMPLE_DAY

    result = sitegen("status", "--site", str(ROOT), "--as-of", SAMPLE_DAY.isoformat(), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    out = sample_build.output
    every_file = [path.read_bytes().decode("utf-8", "replace") for path in out.rglob("*") if path.is_file()]
    for row in rows:
        folder = out / row["type"] / row["slug"]
        if row["state"] == "live" and row["type"] != "page":
            page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (folder / "index.html").read_text()))
            last_day = date.fromisoformat(row["hidden_from"]) - timedelta(days=1)
            assert f"Published {uk_date(date.fromisoformat(row['published']))}" in page, row["slug"]
            assert f"On this site until {uk_date(last_day)}" in page, row["slug"]
        elif row["state"] in ("scheduled", "draft", "withheld"):
            assert not folder.exists(), row["slug"]
            assert not any(row["title"] in text or f"/{row['slug']}/" in text for text in every_file), row["slug"]
        elif row["state"] == "expired":
            assert not folder.exists() or [p.name for p in folder.rglob("*") if p.is_file()] == ["index.html"], row["slug"]
    built = {state.value: sample_build.result.count(state) for state in State}
    assert {state: sum(row["state"] == state for row in rows) for state in built} == built
    assert {"cspr-child-e": "scheduled", "sar-adult-h": "draft", "sar-adult-c": "expired"}.items() \
        <= {row["slug"]: row["state"] for row in rows}.items()


def test_colour_only_in_a_terminal(site):
    make_site(site)
    code, output = run_in_terminal(["status", "--as-of", "2026-11-22"], site.root, [])
    assert code == 0
    assert "\x1b[31m\x1b[1mwithheld" in output and "\x1b[32mlive" in output

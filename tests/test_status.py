"""`sitegen status`: every entry's state, as a table or JSON, from the build's own rule."""

import json

import pytest

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


def test_table_in_order_of_what_needs_attention(site):
    make_site(site)
    result = sitegen("status", "--as-of", "2026-11-22", cwd=site.root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["State", "Published", "Comes", "down", "Days", "left", "Type", "Title", "File"]
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    states = [line.split()[0] for line in lines[1:8]]
    assert states == ["withheld", "live", "live", "live", "scheduled", "draft", "expired"]
    soon = next(line for line in lines if "Going soon" in line)
    assert soon.split()[:8] == ["live", "1", "Dec", "2025", "1", "Dec", "2026", "9"]
    assert "On 22 November 2026: 1 withheld, 3 live, 1 scheduled, 1 draft, 1 expired." in result.stdout
    assert "Withheld entries stay off the site until these errors are fixed:" in result.stdout
    assert "content/broken.md:4: error: published: 31/02/2026" in result.stdout


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


def test_status_agrees_with_the_build(tmp_path):
    result = sitegen("status", "--site", str(ROOT), "--as-of", "2026-11-22", "--json")
    rows = {row["slug"]: row["state"] for row in json.loads(result.stdout)}
    assert rows["cspr-child-e"] == "scheduled" and rows["sar-adult-h"] == "draft" and rows["sar-adult-c"] == "expired"
    build = sitegen("build", "--site", str(ROOT), "--as-of", "2026-11-22", "--output", str(tmp_path / "out"))
    assert f"{sum(state == 'live' for state in rows.values())} live" in build.stdout


def test_colour_only_in_a_terminal(site):
    make_site(site)
    code, output = run_in_terminal(["status", "--as-of", "2026-11-22"], site.root, [])
    assert code == 0
    assert "\x1b[31m\x1b[1mwithheld" in output and "\x1b[32mlive" in output

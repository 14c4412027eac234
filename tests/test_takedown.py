"""The second line of defence (sitegen.output.takedown): a build that fails for a reason no one foresaw,
on the day a report comes down, still takes that report down, and says so loudly."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import occurrences, read_output
from sitegen.rendering import render
from sitegen.commands.cli import main
from sitegen.output.takedown import RECORD, expired_addresses

PUBLISHED = date(2025, 11, 22)
LAST_DAY = date(2026, 11, 21)  # a year's window: the report comes down on 22 November 2026
DOWN_DAY = date(2026, 11, 22)


@pytest.fixture
def two_reports(site):
    site.entry("going", published=PUBLISHED, summary="GOINGSUMMARY.", documents=["going.pdf"], body="GOINGBODY")
    site.entry("staying", published=date(2026, 6, 1), documents=["staying.pdf"], body="STAYINGBODY")
    result, _ = site.build(LAST_DAY)
    assert not result.failed and (site.root / "build" / "sar" / "going" / "going.pdf").is_file()
    return site


def _fail_rendering(monkeypatch):
    def fault(self, *args, **kwargs):
        raise RuntimeError("a fault no one foresaw")
    monkeypatch.setattr(render.Renderer, "render_all", fault)


def _check_taken_down(out):
    files = read_output(out)
    assert not (out / "sar" / "going").exists()
    assert not occurrences({k: v for k, v in files.items() if k != "_redirects"}, "/sar/going/going.pdf")
    assert "/sar/going/going.pdf  /410.html  410!" in files["_redirects"].decode()
    assert not occurrences(files, "GOINGBODY")  # the search index held its text: none is left
    # nor do the listings still show it: its card is cut from every page that listed it
    assert not occurrences(files, "GOINGSUMMARY") and not occurrences(files, "Review going")
    assert not occurrences({k: v for k, v in files.items() if k not in ("_redirects", "_headers")}, "/sar/going/")
    assert b"Review staying" in files["index.html"] and b"This page is being updated" not in files["index.html"]
    assert (out / "sar" / "staying" / "staying.pdf").is_file() and occurrences(files, "STAYINGBODY")
    marker = json.loads(files["sitegen.json"])
    assert marker["built_for"] == DOWN_DAY.isoformat() and marker["digest"].startswith("take-down only")


@pytest.mark.parametrize("where", ["output folder", "cache only"])
def test_a_failed_build_still_takes_down_what_came_down(two_reports, monkeypatch, where):
    site = two_reports
    if where == "cache only":  # as on Netlify: a fresh machine with the cache restored
        shutil.rmtree(site.root / "build")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DOWN_DAY.isoformat()])
    assert run.exit_code == 0, run.output  # deployed all the same: the report must come down today
    assert "TAKE-DOWN ONLY" in run.output and "RuntimeError" in run.output and "Traceback" not in run.output
    _check_taken_down(site.root / "build")
    assert "a fault no one foresaw" in (site.root / ".sitegen-cache" / "last-failure.txt").read_text()
    strict = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DOWN_DAY.isoformat(), "--strict"])
    assert strict.exit_code == 1


def test_a_changed_record_is_not_trusted(two_reports, monkeypatch):
    site = two_reports
    shutil.rmtree(site.root / "build")
    record = site.root / ".sitegen-cache" / RECORD
    data = json.loads(record.read_text())
    item = data["files"]["sar/staying/index.html"]
    item["digest"] = "0" * 32
    record.write_text(json.dumps(data))
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DOWN_DAY.isoformat()])
    assert run.exit_code == 1 and "nothing was published" in run.output
    assert not (site.root / "build").exists()


@pytest.mark.parametrize("where", ["output folder", "cache only"])
def test_a_failed_build_never_publishes_a_later_days_output(site, monkeypatch, where):
    """The last good output was built for a later day (someone built ahead with --as-of, or a cache
    from a later run was restored): it shows a report still scheduled today. A failed build then
    publishes nothing rather than that, and says so; the report is in no file it wrote."""
    site.entry("now", published=date(2026, 1, 1), documents=["now.pdf"])
    site.entry("later", published=date(2027, 1, 15), title="Review LATERREVIEW", documents=["later.pdf"], body="LATERBODY")
    result, _ = site.build("2027-01-20")
    assert not result.failed and (site.root / "build" / "sar" / "later").is_dir()
    if where == "cache only":  # as on Netlify: a fresh machine with the cache restored
        shutil.rmtree(site.root / "build")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", "2026-11-22"])
    assert run.exit_code == 1 and "nothing was published" in run.output and "built for this day or before" in run.output
    if where == "cache only":
        assert not (site.root / "build").exists()
    else:  # left as it was: this build wrote nothing
        assert json.loads((site.root / "build" / "sitegen.json").read_text())["built_for"] == "2027-01-20"


def test_a_failed_build_never_publishes_another_sites_output(site, monkeypatch):
    """A cache restored from another site (a CI cache key shared by mistake) holds that site's last
    good output: a failed build of this one never publishes it."""
    site.entry("now", published=date(2026, 1, 1), documents=["now.pdf"])
    site.build("2026-11-21")
    record = site.root / ".sitegen-cache" / RECORD
    data = json.loads(record.read_text())
    assert data["site"] == "https://learning.testshire.example"
    data["site"] = "https://learning.othershire.example"
    record.write_text(json.dumps(data))
    shutil.rmtree(site.root / "build")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", "2026-11-22"])
    assert run.exit_code == 1 and "nothing was published" in run.output
    assert not (site.root / "build").exists()


def test_expired_addresses_follow_the_headers():
    headers = ("/a/\n  X-Robots-Tag: unavailable_after: 2026-11-22T00:00:00+00:00\n"
               "/b/\n  X-Robots-Tag: unavailable_after: 2026-11-23T00:00:00+00:00\n"
               "/c/\n  X-Robots-Tag: noindex\n"
               "/d/\n  X-Robots-Tag: unavailable_after: not a moment\n")
    assert expired_addresses(headers, DOWN_DAY, "Europe/London") == {"/a/", "/d/"}
    assert expired_addresses(headers, date(2026, 11, 23), "Europe/London") == {"/a/", "/b/", "/d/"}


@pytest.mark.parametrize("step", ["reading", "documents"])
def test_a_fault_on_one_entry_withholds_only_it(site, monkeypatch, step):
    """The first line of defence: sitegen failing on one entry's file or documents withholds that
    entry, and the rest is built as usual (no take-down only)."""
    from sitegen import build as build_module

    from sitegen.content import entries
    site.entry("odd", published=DAY_BEFORE, documents=["odd.pdf"], body="ODDBODY")
    site.entry("fine", published=DAY_BEFORE, documents=["fine.pdf"])
    if step == "reading":
        real = entries.validate_entry

        def validate(source, *args, **kwargs):
            if source.endswith("odd.md"):
                raise KeyError("a fault no one foresaw")
            return real(source, *args, **kwargs)
        monkeypatch.setattr(entries, "validate_entry", validate)
    else:
        real = build_module._inspect_documents

        def inspect(entry, *args):
            if entry.source.endswith("odd.md"):
                raise KeyError("a fault no one foresaw")
            return real(entry, *args)
        monkeypatch.setattr(build_module, "_inspect_documents", inspect)
    result, out = site.build(DOWN_DAY, workers=1)
    assert result.took_down_only is None and not result.failed
    assert [p.file for p in result.errors] == ["content/odd.md"] and "sitegen failed on this entry" in result.errors[0].message
    assert not occurrences(read_output(out), "ODDBODY") and (out / "sar" / "fine" / "fine.pdf").is_file()


DAY_BEFORE = date(2026, 11, 1)


def test_a_page_that_still_links_to_what_came_down_is_replaced(site, monkeypatch):
    """A link to the report in another entry's text cannot be cut out as a card can: that page is
    replaced by a short page saying it is being updated, rather than show the report's name."""
    site.entry("going", published=PUBLISHED, title="GOINGTITLE", documents=["going.pdf"])
    site.entry("pointer", published=date(2026, 6, 1), body="See [GOINGLINK](/sar/going/) too. POINTERBODY")
    result, _ = site.build(LAST_DAY)
    assert not result.failed
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DOWN_DAY.isoformat()])
    assert run.exit_code == 0 and "TAKE-DOWN ONLY" in run.output
    files = read_output(site.root / "build")
    assert not occurrences(files, "GOINGTITLE") and not occurrences(files, "GOINGLINK")
    page = files["sar/pointer/index.html"].decode()
    assert "This page is being updated" in page and "POINTERBODY" not in page
    assert "This page is being updated" not in files["index.html"].decode()


def test_the_record_finds_each_published_copy_in_the_cache(two_reports):
    """The record says where each file can be found again; a report's copy is found where the cache
    keeps it (a large report could not be held in the record itself, and the record would be lost)."""
    record = json.loads((two_reports.root / ".sitegen-cache" / RECORD).read_text())["files"]
    copies = {path: item for path, item in record.items() if path.endswith(".pdf")}
    assert set(copies) == {"sar/going/going.pdf", "sar/staying/staying.pdf"}
    assert all(item["at"].startswith("documents/") and "data" not in item for item in copies.values())
    assert all("at" in item for path, item in record.items() if path.endswith(".html"))  # in the file store


def test_a_published_copy_changed_after_the_record_is_not_trusted(two_reports, monkeypatch):
    """A copy is recorded by the SHA-256 the build checked it has; changed since (through a link,
    by hand), the record cannot be put together whole, and nothing is published from it."""
    site = two_reports
    shutil.rmtree(site.root / "build")
    record = json.loads((site.root / ".sitegen-cache" / RECORD).read_text())["files"]
    copy = site.root / ".sitegen-cache" / record["sar/going/going.pdf"]["at"]
    assert len(record["sar/going/going.pdf"].get("sha256", "")) == 64  # the build's own check, not worked out again
    copy.chmod(0o644)
    copy.write_bytes(copy.read_bytes() + b"%changed")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DOWN_DAY.isoformat()])
    assert run.exit_code == 1 and "nothing was published" in run.output
    assert not (site.root / "build").exists()

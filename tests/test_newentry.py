"""`sitegen new`, run as a comms officer would: on the real-world PDFs, in and out of a terminal."""

import os
import pty
import select
import subprocess
import sys
import time

import pytest
import yaml

from conftest import REAL_PDFS, ROOT, needs_corpus, real_pdfs
from types import SimpleNamespace

from sitegen.content.config import DEFAULT_TYPES
from sitegen.documents.inspection import DocumentCache, inspect
from sitegen.commands.newentry import suggest, title_from_file_name
from test_cli import sitegen

DAMAGED = {"unreadablemetadata.pdf"}
ACTIVE = {"pdflatex-forms.pdf", "with-attachment.pdf"}  # a form that sends what is typed into it; an attached file


def front_matter(path):
    return yaml.safe_load(path.read_text().split("---\n")[1])


def fill_in(path, **values):
    text = path.read_text()
    for name, value in values.items():
        old = 'summary: ""' if name == "summary" else f"{name}:\n"
        new = f'summary: "{value}"' if name == "summary" else f"{name}: {value}\n"
        assert old in text, name
        text = text.replace(old, new, 1)
    path.write_text(text)


@needs_corpus
def test_new_on_every_real_world_pdf_then_check(site):
    written = {}
    for index, item in enumerate(real_pdfs()):
        name = item["file"]
        (site.root / "reports" / name).write_bytes((REAL_PDFS / name).read_bytes())
        given = name if index % 2 else f"reports/{name}"  # both spellings are accepted
        result = sitegen("new", "sar", given, "--published", "2026-03-14", cwd=site.root)
        if item["encrypted"]:
            assert result.returncode == 1
            assert "password-protected" in result.stderr and "Save a copy without a password" in result.stderr
            continue
        if name in DAMAGED:
            assert result.returncode == 1 and "damaged" in result.stderr
            continue
        if name in ACTIVE:
            assert result.returncode == 1 and "so it is not published" in result.stderr and "Save As, PDF" in result.stderr
            continue
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        # What sitegen new offers, from what sitegen itself reads of the PDF (its title).
        offered = suggest(f"reports/{name}", inspect(site.root / "reports" / name, DocumentCache(None)), DEFAULT_TYPES["sar"])
        path = site.root / "content" / "reviews" / f"{offered.slug}.md"
        assert f"Wrote content/reviews/{offered.slug}.md for reports/{name}." in result.stdout
        assert "Still to fill in:\n  - summary" in result.stdout
        assert "It will be on the site from 14 March 2026 until 13 March 2027." in result.stdout
        front = front_matter(path)
        assert front["title"] == offered.title and f"Title: {offered.title}\n" in result.stdout
        assert front["type"] == "sar" and str(front["published"]) == "2026-03-14"
        assert front["documents"] == [{"file": f"reports/{name}", "title": offered.document_title}]
        assert front["summary"] == "" and front["themes"] == []
        written[name] = path
    assert not list((site.root / "content").rglob("libreoffice-writer-password*"))
    assert len(written) >= 12

    # As written, each entry is held back until its summary is filled in ...
    check = sitegen("check", "--as-of", "2026-03-14", cwd=site.root)
    assert check.returncode == 1
    errors = [line for line in check.stderr.splitlines() if ": error: " in line]
    assert len(errors) == len(written) and all("`summary` is empty" in line for line in errors)
    # ... and once it is, every one passes `check` (the PDFs' warnings remain warnings).
    for path in written.values():
        fill_in(path, summary="Adult Z was an older man who lived alone; the review asks how services worked together.")
    check = sitegen("check", "--as-of", "2026-03-14", cwd=site.root)
    assert check.returncode == 0, check.stderr
    build = sitegen("build", "--as-of", "2026-03-14", cwd=site.root)
    assert build.returncode == 0 and f"{len(written)} live" in build.stdout


def test_titles_from_file_names_and_word_titles(site):
    assert title_from_file_name("reports/sar-adult-c_overview.pdf") == "SAR Adult C Overview"
    assert title_from_file_name("reports/7-minute-briefing.pdf") == "7 Minute Briefing"


@pytest.mark.parametrize("file, pdf_title, title, slug", [
    ("sar-adult-c-overview.pdf", "Microsoft Word - SAR Jane Smith DRAFT v3 JB comments.docx",
     "Safeguarding Adults Review: Adult C", "adult-c"),
    ("draft.pdf", "Microsoft Word - SAR Jane Smith DRAFT v3 JB comments.docx", "Draft", "draft"),
])
def test_a_pdfs_own_title_is_shown_in_a_warning_never_used(site, file, pdf_title, title, slug):
    """The Title property is set by whoever wrote the report: it may name the person, or be a draft's
    file name with a reviewer's initials. The entry's title and address come from the file name."""
    site.pdf(file, ["x"], title=pdf_title)
    result = sitegen("new", "sar", file, "--published", "2026-03-14", cwd=site.root)
    assert result.returncode == 0, result.stderr
    written = site.root / "content" / "reviews" / f"{slug}.md"
    assert front_matter(written)["title"] == title
    for word in ("Jane", "Smith", "JB", "comments"):
        assert word not in written.read_text() and word not in result.stdout
    assert (f'reports/{file}: warning: the PDF\'s own Title property is "{pdf_title}"; it is not used for the entry\'s '
            "title or address: check it names no one.") in result.stderr


@pytest.mark.parametrize("file, pdf_title, rtype, title, slug, document", [
    ("sar-mr-k-overview.pdf", "SAR Mr K - Overview Report", "sar", "Safeguarding Adults Review: Mr K", "mr-k", "Overview report"),
    ("sar-mr-k-overview.pdf", None, "sar", "Safeguarding Adults Review: Mr K", "mr-k", "Overview report"),
    ("dhr-ms-g-executive-summary.pdf", None, "dhr", "Domestic Homicide Review: Ms G", "ms-g", "Executive summary"),
    ("Safeguarding Adults Review - Adult D (2024) v2.pdf", None, "sar", "Safeguarding Adults Review: Adult D", "adult-d", "Safeguarding Adults Review: Adult D"),
    ("cspr_child_d_final_redacted.pdf", None, "cspr", "Child Safeguarding Practice Review: Child D", "child-d", "Child Safeguarding Practice Review: Child D"),
    ("7-minute-briefing-professional-curiosity.pdf", None, "briefing", "7-minute briefing: Professional curiosity", "professional-curiosity",
     "7-minute briefing: Professional curiosity"),
    ("x.pdf", "Thematic review: transitions to adulthood", "learning-review", "Learning review: X", "x", "Learning review: X"),
    ("cspr-child-d-overview.pdf", "Overview report on the death of Jane Smith (aged 3)", "cspr",
     "Child Safeguarding Practice Review: Child D", "child-d", "Overview report"),
    ("sar-adult-c.pdf", "Microsoft Word - SAR Jane Smith DRAFT v3 JB comments.docx", "sar",
     "Safeguarding Adults Review: Adult C", "adult-c", "Safeguarding Adults Review: Adult C"),
])
def test_the_title_and_address_offered_are_what_a_person_would_choose(file, pdf_title, rtype, title, slug, document):
    from sitegen.commands.newentry import Suggestion

    assert suggest(f"reports/{file}", SimpleNamespace(title=pdf_title), DEFAULT_TYPES[rtype]) == Suggestion(title, slug, document)


def test_new_shows_the_title_and_address_before_writing(site):
    site.pdf("sar-mr-k-overview.pdf", ["x"])
    result = sitegen("new", "sar", "sar-mr-k-overview.pdf", "--published", "2026-03-14", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Title: Safeguarding Adults Review: Mr K\n"
        "Address: https://learning.testshire.example/sar/mr-k/\n"
        'Document: reports/sar-mr-k-overview.pdf, called "Overview report"\n'
        "Wrote content/reviews/mr-k.md for reports/sar-mr-k-overview.pdf.\n")
    front = front_matter(site.root / "content" / "reviews" / "mr-k.md")
    assert front["documents"] == [{"file": "reports/sar-mr-k-overview.pdf", "title": "Overview report"}]


def test_a_word_original_beside_the_pdf_is_offered_as_its_web_page(site):
    import docxmaker

    site.pdf("sar-mr-k-overview.pdf", ["x"], title="SAR Mr K - Overview Report")
    docxmaker.make_report(site.root / "reports" / "sar-mr-k-overview.docx")
    result = sitegen("new", "sar", "sar-mr-k-overview.pdf", "--published", "2026-03-14", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "Web page: made from reports/sar-mr-k-overview.docx\n" in result.stdout
    front = front_matter(site.root / "content" / "reviews" / "mr-k.md")
    assert front["documents"] == [{"file": "reports/sar-mr-k-overview.pdf", "title": "Overview report",
                                   "html": "reports/sar-mr-k-overview.docx"}]


def test_options_are_used(site):
    site.pdf("overview.pdf", ["x"], title="Overview report")
    result = sitegen("new", "cspr", "overview.pdf", "--title", 'Child D: "neglect" review', "--published", "2026-01-20",
                     "--slug", "child-d", cwd=site.root)
    assert result.returncode == 0, result.stderr
    front = front_matter(site.root / "content" / "reviews" / "child-d.md")
    assert front["title"] == 'Child D: "neglect" review'
    assert front["documents"] == [{"file": "reports/overview.pdf", "title": "Overview report"}]
    assert "until 19 January 2027" in result.stdout


def test_never_overwrites(site):
    site.pdf("a.pdf", ["x"])
    first = sitegen("new", "sar", "a.pdf", "--published", "2026-03-14", cwd=site.root)
    assert first.returncode == 0
    path = site.root / "content" / "reviews" / "a.md"
    path.write_text(path.read_text().replace('summary: ""', 'summary: "My own words."'))
    again = sitegen("new", "sar", "a.pdf", "--published", "2026-04-01", "--title", "Other", cwd=site.root)
    assert again.returncode == 1
    assert "content/reviews/a.md: error: already exists, so sitegen new will not overwrite it." in again.stderr
    assert "My own words." in path.read_text() and "Other" not in path.read_text()


def test_refuses_an_address_another_entry_has(site):
    site.pdf("a.pdf", ["x"])
    site.entry("adult-a", published="2026-01-01", folder="content/older")
    result = sitegen("new", "sar", "a.pdf", "--slug", "adult-a", "--published", "2026-03-14", cwd=site.root)
    assert result.returncode == 1
    assert "content/older/adult-a.md is already at the address /sar/adult-a/" in result.stderr
    assert not (site.root / "content" / "reviews" / "adult-a.md").exists()


def test_a_report_another_entry_lists_is_never_offered_for_a_missing_file(site):
    site.entry("mr-k", published="2026-01-01", documents=["sar-mr-k-overview.pdf"])
    result = sitegen("new", "sar", "sar-mr-l-overview.pdf", cwd=site.root)
    assert result.returncode == 1 and "there is no such file" in result.stderr
    assert "sar-mr-k" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (["sar", "missing.pdf"], "reports/missing.pdf: error: there is no such file in the reports/ folder"),
    (["sar", "reprt.pdf"], "A file with a similar name exists: reports/report.pdf. Check it is this review's report before you use it"),
    (["sar", "/etc/hostname"], "/etc/hostname: error: is not in the site's reports/ folder."),
    (["sra", "report.pdf"], '"sra" is not a review type this site knows. Did you mean scr?'),
    (["sar", "report.pdf", "--slug", "Adult A"],
     'error: "Adult A" cannot be used in a web address. Use lower-case letters, digits and hyphens, for example --slug adult-a.'),
    (["sar", "report.pdf", "--published", "14/03/2026"], "14/03/2026 is not a date; write 2026-03-14 (year-month-day)."),
])
def test_bad_answers_are_explained(site, args, message):
    site.pdf("report.pdf", ["x"])
    result = sitegen("new", *args, cwd=site.root)
    assert result.returncode in (1, 2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (site.root / "content" / "reviews").exists()


def test_never_prompts_without_a_terminal(site):
    site.pdf("report.pdf", ["x"])
    started = time.monotonic()
    result = sitegen("new", cwd=site.root)  # stdin is not a terminal
    assert result.returncode == 2 and "Give the type and the file" in result.stderr
    assert time.monotonic() - started < 20


def test_a_dhr_needs_its_approval_date(site):
    site.pdf("dhr-mr-j.pdf", ["x"], title="Domestic Homicide Review: Mr J")
    result = sitegen("new", "dhr", "dhr-mr-j.pdf", "--published", "2026-06-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "approved: the date the Home Office quality assurance panel approved it" in result.stdout
    path = site.root / "content" / "reviews" / "mr-j.md"
    fill_in(path, summary="Mr J was killed by his partner.")
    check = sitegen("check", "--as-of", "2026-06-01", cwd=site.root)
    assert check.returncode == 1
    assert ("content/reviews/mr-j.md:13: error: `approved` is empty: a Domestic Homicide Review needs it before it can be "
            "published. Write `approved:` and the date the Home Office quality assurance panel approved it, for example "
            "approved: 2026-04-01.") in check.stderr
    fill_in(path, approved="2026-05-02")
    check = sitegen("check", "--as-of", "2026-06-01", cwd=site.root)
    assert check.returncode == 0, check.stderr


def test_when_it_comes_down(site):
    site.write_settings(types={"briefing": {"window": "never"}})
    site.pdf("old.pdf", ["x"])
    site.pdf("brief.pdf", ["x"])
    old = sitegen("new", "sar", "old.pdf", "--published", "2020-01-01", cwd=site.root)
    assert "With this published date it came down on 1 January 2021, so it will not be on the site." in old.stdout
    forever = sitegen("new", "briefing", "brief.pdf", "--published", "2026-01-01", cwd=site.root)
    assert "It will be on the site from 1 January 2026, with no end date." in forever.stdout


def test_default_published_is_today_in_the_site(site):
    site.pdf("a.pdf", ["x"])
    result = sitegen("new", "sar", "a.pdf", cwd=site.root)
    assert result.returncode == 0, result.stderr
    published = front_matter(site.root / "content" / "reviews" / "a.md")["published"]
    from sitegen.rules.dates import uk_date
    assert f"It will be on the site from {uk_date(published)} until" in result.stdout


def run_in_terminal(args, cwd, answers, timeout=180):
    """Run sitegen with a pseudo-terminal as its input and output; answer each prompt in turn. `timeout`
    only stops a hung run: a loaded machine (CI, or tests run beside other work) can take a minute."""
    master, slave = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8", "TERM": "dumb"}
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", *args], cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            last = output.decode(errors="replace").rsplit("\n", 1)[-1]
            if pending and last.startswith(pending[0][0]) and last.rstrip().endswith(":"):
                os.write(master, pending.pop(0)[1].encode() + b"\n")
                output += b"\n"  # wait for the next prompt
            if proc.poll() is not None and not ready:
                break
    finally:
        os.close(master)
        proc.wait(timeout=10)
    return proc.returncode, output.decode(errors="replace")


def test_prompts_in_a_terminal(site):
    site.pdf("sar-adult-k.pdf", ["x"])
    code, output = run_in_terminal(["new", "sar", "sar-adult-k.pdf"], site.root, [
        ("Title", "Safeguarding Adults Review: Adult K"),
        ("Published", "2026-05-01"),
        ("Web address ends with", ""),  # accept the suggestion
    ])
    assert code == 0, output
    assert "Title [Safeguarding Adults Review: Adult K]:" in output
    assert "Web address ends with (after https://learning.testshire.example/sar/) [adult-k]:" in output
    front = front_matter(site.root / "content" / "reviews" / "adult-k.md")
    assert front["title"] == "Safeguarding Adults Review: Adult K" and str(front["published"]) == "2026-05-01"
    assert "It will be on the site from 1 May 2026 until 30 April 2027." in output


def test_a_dhr_requires_approved_by_default_and_a_site_can_say_otherwise(site):
    from sitegen.content.config import load_config
    from sitegen.content.entries import read_entries

    site.entry("ms-g", type="dhr", published="2026-05-05")
    site.entry("mr-j", type="dhr", published="2026-05-05", approved="2026-04-01")
    entries = {e.slug: e for e in read_entries(load_config(site.root).config)}
    [missing] = [p for p in entries["ms-g"].problems if p.is_error]
    assert missing.field == "approved" and "Home Office quality assurance panel" in missing.advice
    assert not entries["mr-j"].has_errors
    site.write_settings(types={"dhr": {"requires": []}})
    entries = {e.slug: e for e in read_entries(load_config(site.root).config)}
    assert not entries["ms-g"].has_errors


def test_asks_for_the_type_and_file_in_a_terminal(site):
    site.pdf("briefing-x.pdf", ["x"], title="Seven minutes on neglect")
    code, output = run_in_terminal(["new"], site.root, [
        ("Type of review", "briefing"), ("File in reports/", "briefing-x.pdf"), ("Title", ""),
        ("Published", "not a date"), ("Published", "2026-05-01"), ("Web address ends with", "neglect")])
    assert code == 0, output
    assert "not a date is not a date" in output  # asked again
    front = front_matter(site.root / "content" / "briefings" / "neglect.md")
    assert front["title"] == "7-minute briefing: X" and str(front["published"]) == "2026-05-01"
    assert "Seven minutes on neglect" not in (site.root / "content" / "briefings" / "neglect.md").read_text()


@pytest.mark.parametrize("kind", ["sar", "dhr", "briefing"])
def test_the_browser_editor_lists_what_sitegen_new_writes(site, kind):
    """An officer who adds a report with `sitegen new` can edit it later in the browser: the file is
    written in the folder the editor's list of that type reads."""
    from sitegen.content.config import load_config
    from sitegen.output.admin import collections

    site.pdf("adult-q.pdf", ["x"])
    result = sitegen("new", kind, "adult-q.pdf", "--published", "2026-03-14", cwd=site.root)
    assert result.returncode == 0, result.stderr
    [written] = [path for path in (site.root / "content").rglob("*.md") if "adult-q" in path.name]
    [listed] = [c for c in collections(load_config(site.root).config) if c["name"] == kind]
    assert written.parent.relative_to(site.root).as_posix() == listed["folder"]

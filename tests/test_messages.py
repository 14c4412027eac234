"""Warnings do not bury errors: errors first and whole; warnings short, shared advice once, a long
list counted; `sitegen check` (and `build --verbose`) in full."""

from sitegen.core.messages import report_lines
from sitegen.core.problems import error, warning
from test_cli import sitegen

LONG_ADVICE = "People who use screen readers may not be able to read it. Export it again with tags switched on."


def many_warnings(entries: int):
    found = []
    for n in range(entries):
        found.append(warning(f"content/a{n:04}.md", f"documents: reports/a{n}.pdf is not tagged for screen readers.", LONG_ADVICE, line=9))
        found.append(warning(f"content/a{n:04}.md", f"documents: reports/a{n}.pdf has details that can identify people (Author).",
                             "Remove them from your own copy too.", line=9))
    return found


def test_errors_come_first_whatever_their_file():
    problems = [warning("content/a.md", "a warning.", "Do this."), error("content/z.md", "an error.", "Fix it.", line=3)]
    for full in (True, False):
        assert report_lines(problems, full=full)[0] == "content/z.md:3: error: an error. Fix it."


def test_at_two_thousand_entries_a_build_prints_a_screenful_not_thousands_of_lines():
    problems = many_warnings(2000) + [error("content/zz.md", "`summary` is missing: ...", "Write `summary:` ...")]
    lines = report_lines(problems, full=False)
    assert len(lines) <= 25
    assert lines[0].startswith("content/zz.md: error: ")
    [note] = [line for line in lines if LONG_ADVICE in line]  # the advice, once, as a numbered note
    number = note.split("]")[0] + "]"
    assert note == f"{number} {LONG_ADVICE}" and any(line.endswith(f"screen readers. {number}") for line in lines)
    assert "... and 3,980 more warnings in 1,990 files: run `sitegen check` to see every warning in full." in lines
    assert all(len(line) < 200 for line in lines)


def test_in_full_every_warning_has_its_advice():
    problems = many_warnings(30)
    lines = report_lines(problems, full=True)
    assert len(lines) == 60 and sum(LONG_ADVICE in line for line in lines) == 30


def test_advice_given_once_is_said_in_place():
    [line] = report_lines([warning("content/a.md", "`sumary` is not a setting sitegen knows.", "Did you mean summary?", line=5)], full=False)
    assert line == "content/a.md:5: warning: `sumary` is not a setting sitegen knows. Did you mean summary?"


def test_a_build_is_short_and_check_is_full(site):
    for n in range(12):  # each PDF untagged and with an author: two warnings an entry
        site.entry(f"adult-{n}", published="2026-01-01", documents=[{"file": site.pdf(f"a{n}.pdf", author="Jo Bloggs"), "title": "Report"}])
    site.raw("content/broken.md", "---\ntitle: Broken\ntype: sar\npublished: 2026-01-01\n---\n")
    build = sitegen("build", "--as-of", "2026-03-01", cwd=site.root)
    assert build.returncode == 0, build.stderr
    lines = build.stderr.splitlines()
    assert lines[0].startswith("content/broken.md: error: `summary` is missing")
    assert len(lines) <= 26
    assert sum("screen readers" in line and "Export" in line for line in lines) == 1  # the advice, once
    assert "run `sitegen check` to see every warning in full." in build.stderr
    verbose = sitegen("build", "--as-of", "2026-03-01", "--verbose", cwd=site.root)
    check = sitegen("check", "--as-of", "2026-03-01", cwd=site.root)
    for full in (verbose, check):
        assert full.stderr.splitlines()[0].startswith("content/broken.md: error: ")
        assert sum("screen readers" in line and "Export" in line for line in full.stderr.splitlines()) == 12


def test_a_note_is_told_only_in_full():
    """A note (the cache made something again) is for `--verbose`: a short report leaves it out."""
    from sitegen.core.problems import note

    problems = [note(".sitegen-cache", "1 kept file of the cache could not be used and was made again: x."),
                warning("content/a.md", "a warning.", "Do this.")]
    assert not any("note:" in line for line in report_lines(problems, full=False))
    assert report_lines(problems, full=True)[-1] == ".sitegen-cache: note: 1 kept file of the cache could not be used and was made again: x."

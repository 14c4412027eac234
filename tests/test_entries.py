"""Reading entries: every kind of bad input gets a message naming file, line, field and fix."""

from datetime import date

import pytest

from sitegen.content.config import load_config
from sitegen.content.entries import read_entries


def entries_of(site):
    return {e.source: e for e in read_entries(load_config(site.root).config)}


def only_entry(site):
    [entry] = read_entries(load_config(site.root).config)
    return entry


def errors(entry):
    return [p for p in entry.problems if p.is_error]


def test_a_good_entry(site):
    site.entry("adult-a", published="2026-03-14", themes=["self-neglect", "hoarding"], documents=["a.pdf"],
               subject="Adult A", national_library="https://example.org/a")
    entry = only_entry(site)
    assert entry.problems == ()
    assert entry.published == date(2026, 3, 14)
    assert entry.hidden_from == date(2027, 3, 14)
    assert entry.themes == ("self-neglect", "hoarding")
    assert entry.url == "/sar/adult-a/"
    assert entry.document_url(entry.documents[0]) == "/sar/adult-a/a.pdf"


def test_non_iso_date_is_explained(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 22/11/2026\nsummary: S.\ndocuments: none\n---\nBody\n")
    [problem] = errors(only_entry(site))
    assert problem.file == "content/x.md"
    assert problem.line == 4
    assert problem.field == "published"
    assert problem.format() == "content/x.md:4: error: published: 22/11/2026 is not a date; write 2026-11-22 (year-month-day)."


def test_impossible_date(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 2026-02-30\nsummary: S.\ndocuments: none\n---\n")
    [problem] = errors(only_entry(site))
    assert "2026-02-30 is not a real date" in problem.message


def test_unknown_type_suggests(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sarr\npublished: 2026-01-01\n---\n")
    [problem] = errors(only_entry(site))
    assert problem.line == 3 and problem.field == "type"
    assert '"sarr"' in problem.message and problem.advice == "Did you mean sar?"


def test_broken_yaml(site):
    site.raw("content/x.md", "---\ntitle: X: Y\ntype: sar\n---\n")
    [problem] = errors(only_entry(site))
    assert "cannot be read: line 2 has a second colon" in problem.message
    assert problem.advice == 'Put the value in quotes: title: "X: Y"'
    assert problem.line == 2


def test_missing_front_matter(site):
    site.raw("content/x.md", "Just text\n")
    [problem] = errors(only_entry(site))
    assert "no front matter" in problem.message


@pytest.mark.parametrize("missing", ["title", "type", "published"])
def test_missing_required_field(site, missing):
    front = {"title": "X", "type": "sar", "published": "2026-01-01"}
    del front[missing]
    site.raw("content/x.md", "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n")
    problems = errors(only_entry(site))
    assert any(p.field == missing and "missing" in p.message for p in problems)


def test_unknown_key_is_a_warning_with_suggestion(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments: none\nsubject_name: Adult X\n---\n")
    entry = only_entry(site)
    assert not entry.has_errors
    [warning] = [p for p in entry.problems if "subject_name" in p.message]
    assert warning.line == 7 and "Did you mean subject?" in warning.advice


@pytest.mark.parametrize("written, meant", [("documnets", "documents"), ("subjet", "subject"), ("expirs", "expires"),
                                            ("Summery", "summary"), ("draftt", "draft"), ("on_expirey", "on_expiry")])
def test_a_field_mistyped_by_a_slip_is_an_error(site, written, meant):
    """`documnets:` would otherwise publish a review with no report, with only a warning."""
    site.raw("content/x.md", f"---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\n{written}: x\n---\n")
    [problem] = [p for p in only_entry(site).problems if written in p.message]
    assert problem.is_error and problem.line == 6
    assert problem.format() == (f"content/x.md:6: error: `{written}` is not a setting sitegen knows: it looks like `{meant}` "
                                f"mistyped, so the entry is not published. Correct the spelling to `{meant}`, or remove the line.")


def test_a_document_field_mistyped_by_a_slip_is_an_error(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments:\n"
                             f"  - file: {site.pdf('a.pdf')}\n    titel: Overview\n---\n")
    assert any(p.field == "documents.0.titel" and "`title` mistyped" in p.message for p in errors(only_entry(site)))


@pytest.mark.parametrize("written", ["author", "tags", "file", "date", "layout"])
def test_a_key_far_from_every_field_is_only_a_warning(site, written):
    site.raw("content/x.md", f"---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments: none\n{written}: x\n---\n")
    assert not only_entry(site).has_errors


def test_expires_before_published(site):
    site.entry("x", published="2026-05-01", expires="2026-04-01")
    assert any(p.field == "expires" for p in errors(only_entry(site)))


@pytest.mark.parametrize("path, words", [
    ("../secret.pdf", "outside"),
    ("/etc/passwd", "outside"),
    ("reports/../sitegen.yaml", "outside"),
    ("reports/nope.pdf", "does not exist"),
    ("content/x.md", "not in the reports/ folder"),
])
def test_document_paths_must_stay_in_reports(site, path, words):
    site.entry("x", published="2026-01-01", documents=[{"file": path, "title": "Doc"}])
    [problem] = errors(only_entry(site))
    assert words in problem.message and problem.field == "documents.file"
    assert problem.line is not None


def test_document_symlink_out_of_reports(site, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    (site.root / "reports" / "link.pdf").symlink_to(secret)
    site.entry("x", published="2026-01-01", documents=[{"file": "reports/link.pdf", "title": "Doc"}])
    [problem] = errors(only_entry(site))
    assert "outside the reports/ folder" in problem.message


def test_document_without_reports_prefix_gets_exact_advice(site):
    site.pdf("a.pdf")
    site.entry("x", published="2026-01-01", documents=[{"file": "a.pdf", "title": "Doc"}])
    [problem] = errors(only_entry(site))
    assert "Write `file: reports/a.pdf`" in problem.advice


def test_same_address_twice_withholds_both(site):
    site.entry("adult-a", folder="content/2025", published="2025-01-01")
    site.entry("adult-a", folder="content/2026", published="2026-01-01")
    entries = entries_of(site)
    assert all(e.has_errors for e in entries.values())
    assert all("/sar/adult-a/" in errors(e)[0].message for e in entries.values())


def test_page_cannot_take_a_site_address(site):
    site.entry("assets", type="page")
    site.entry("sar", type="page")
    assert all(e.has_errors for e in entries_of(site).values())


def test_required_field_of_a_type(site):
    site.write_settings(types={"dhr": {"requires": ["approved"]}})
    site.entry("ms-g", type="dhr", published="2026-05-05")
    [problem] = errors(only_entry(site))
    assert problem.field == "approved" and "Home Office" in problem.advice


def test_not_utf8(site):
    (site.root / "content" / "x.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    [problem] = errors(only_entry(site))
    assert "UTF-8" in problem.message


def test_title_is_kept_as_text(site):
    site.entry("x", published="2026-01-01", title="<script>alert(1)</script> & co")
    assert only_entry(site).title == "<script>alert(1)</script> & co"


# --- a person's usual mistakes get a message that points the right way -------------------------

GOOD = "title: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\n"


def test_a_tab_is_named_as_a_tab_with_its_line(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\n\tpublished: 2026-01-01\nsummary: S.\ndocuments: none\n---\n")
    [problem] = errors(only_entry(site))
    assert problem.line == 4
    assert "line 4 has a tab character before `published: 2026-01-01`" in problem.message
    assert "spaces" in problem.advice


def test_a_tab_in_a_list_is_named_too(site):
    # PyYAML's own words here are "found character that cannot start any token".
    site.raw("content/x.md", "---\n" + GOOD + "themes:\n\t- neglect\n---\n")
    [problem] = errors(only_entry(site))
    assert problem.line == 7 and "tab character" in problem.message and "token" not in problem.message


def test_a_missing_closing_line_is_named_as_such(site):
    site.raw("content/x.md", "---\n" + GOOD + "The review found that agencies did not share information.\n")
    [problem] = errors(only_entry(site))
    assert "no front matter" not in problem.message
    assert problem.message == "the front matter starts with `---` on line 1 but has no closing `---` line."
    assert "probably just before line 6 (`The review found that agencies did no...`)" in problem.advice


def test_a_closing_line_of_four_hyphens_is_pointed_at(site):
    site.raw("content/x.md", "---\n" + GOOD + "----\nBody.\n")
    [problem] = errors(only_entry(site))
    assert problem.line == 6 and "line 6 has `----`" in problem.message and problem.advice.endswith("---")


@pytest.mark.parametrize("line, words, advice", [
    ('title: "Unclosed', "opens a quote (\") that is never closed", 'Add the closing "'),
    ('title: "Adult A" review', "more text after the closing quote", """title: '"Adult A" review'"""),
    ("title: @home", "starts with @", 'title: "@home"'),
    ('title: X\nsummary: "said "help me" often"', 'line 3 has a value in quotes with the same quotes (") inside it',
     """Put single quotes around the value instead (summary: 'said "help me" often'), or write the quotes inside it as ‘ ’ or “ ”."""),
    ('title: X\nsummary: "she said "help: now" often"', "the same quotes", "‘ ’ or “ ”"),
    ("title: 'Adult A's review'", "the same quotes (')", "Write each ' inside the value as two, ''"),
    ("title: X\nThe body text", "is not a `name: value` line: `The body text`", "closing `---`"),
    ("title: X\n  subject: Y", "starts with spaces", "Remove the spaces"),
])
def test_other_yaml_mistakes_are_explained(site, line, words, advice):
    site.raw("content/x.md", f"---\n{line}\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments: none\n---\n")
    [problem] = errors(only_entry(site))
    assert words in problem.message and advice in problem.advice
    assert "YAML says" not in problem.message and "colon" not in problem.advice


def test_a_misspelt_required_field_is_one_message(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublised: 2026-01-01\nsummary: S.\ndocuments: none\n---\n")
    problems = only_entry(site).problems
    assert [p.format() for p in problems] == [
        "content/x.md:4: error: `published` is missing: a Safeguarding Adults Review needs it before it can be "
        "published. Line 4 has `publised`: did you mean published? Correct the spelling to `published`."]


@pytest.mark.parametrize("written", ["", 'summary: ""\n', "summary:\n", "summary: '   '\n"])
def test_a_required_field_missing_or_empty_is_the_same_error(site, written):
    """One rule: a review's summary (like its title, type and published date) is needed; missing
    or empty, the entry is withheld, with the same advice (never "remove the line")."""
    site.raw("content/x.md", f"---\ntitle: X\ntype: sar\npublished: 2026-01-01\ndocuments: none\n{written}---\n")
    [problem] = errors(only_entry(site))
    state = "empty" if written else "missing"
    assert problem.message == f"`summary` is {state}: a Safeguarding Adults Review needs it before it can be published."
    assert problem.advice.startswith("Write `summary:` and one paragraph in plain English")
    assert "remove" not in problem.advice


@pytest.mark.parametrize("field", ["title", "published", "approved"])
def test_every_required_field_says_it_the_same_way(site, field):
    front = {"title": "X", "type": "dhr", "published": "2026-01-01", "summary": "S.", "approved": "2026-01-01", "documents": "none"}
    for written in ("", f"{field}: \"\"\n"):
        text = "".join(f"{k}: {v}\n" for k, v in front.items() if k != field) + written
        site.raw("content/x.md", "---\n" + text + "---\n")
        [problem] = errors(only_entry(site))
        assert problem.message.startswith(f"`{field}` is {'empty' if written else 'missing'}: ")
        assert problem.advice.startswith(f"Write `{field}:` and ")


def test_a_page_needs_no_summary(site):
    site.raw("content/contact.md", "---\ntitle: Contact us\ntype: page\n---\nWrite to us.\n")
    assert only_entry(site).problems == ()


def test_types_are_case_insensitive(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: SAR\npublished: 2026-01-01\nsummary: S.\ndocuments: none\n---\n")
    entry = only_entry(site)
    assert entry.problems == () and entry.type == "sar" and entry.url == "/sar/x/"


def test_a_misspelt_document_suggests_the_file_that_is_there(site):
    site.pdf("sar-adult-a-overview.pdf")
    site.entry("x", published="2026-01-01", documents=[{"file": "reports/sar-adult-a-overveiw.pdf", "title": "Doc"}])
    [problem] = errors(only_entry(site))
    assert problem.message == "documents: reports/sar-adult-a-overveiw.pdf does not exist."
    assert problem.advice == ("Check the spelling, or add the file to the reports/ folder. A file with a similar name exists: "
                              "reports/sar-adult-a-overview.pdf. Check it is this review's report before you use it.")
    assert "Correct the spelling" not in problem.format()


def test_a_missing_report_never_points_at_another_entrys_report(site):
    """Following the advice must never publish Mr K's review under Mr L's name."""
    site.entry("mr-k", published="2026-01-01", documents=[{"file": site.pdf("sar-mr-k-overview.pdf"), "title": "Overview"}])
    site.entry("mr-l", published="2026-01-01", documents=[{"file": "reports/sar-mr-l-overview.pdf", "title": "Overview"}])
    entries = {e.slug: e for e in read_entries(load_config(site.root).config)}
    [problem] = errors(entries["mr-l"])
    assert problem.message == "documents: reports/sar-mr-l-overview.pdf does not exist."
    assert "sar-mr-k" not in problem.format()
    assert problem.advice == "Check the spelling, or add the file to the reports/ folder."


@pytest.mark.parametrize("written, shown", [
    ("mental-capacity", "mental capacity"), ("financial_abuse", "financial abuse"), ("self-neglect", "self-neglect"),
    ("multi-agency-working", "multi-agency working"), ("Mental Capacity Act", "Mental Capacity Act"),
    ("hoarding", "hoarding"), ("covid-19", "covid-19"),
])
def test_themes_written_as_addresses_read_as_words(site, written, shown):
    site.entry("x", published="2026-01-01", themes=[written])
    assert only_entry(site).themes == (shown,)


# --- reading without making a path of everything (the same answers as pathlib's) ----------------

from pathlib import Path, PurePosixPath  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sitegen.content import entries  # noqa: E402

path_part = st.text(st.sampled_from("ab-_.Z0 é"), min_size=1, max_size=5).filter(lambda p: p not in (".", ".."))


@settings(max_examples=300)
@given(st.lists(st.lists(path_part, min_size=1, max_size=4), min_size=2, max_size=12))
def test_files_are_read_in_the_order_of_their_paths(parts_lists):
    files = ["/site/content/" + "/".join(parts) for parts in parts_lists]
    assert sorted(files, key=entries.path_order) == [str(p) for p in sorted(Path(f) for f in files)]


@settings(max_examples=300)
@given(st.text(st.sampled_from("ab./\\:é "), max_size=12))
def test_a_documents_name_is_its_paths_name(file):
    ref = entries.DocumentRef(file=file, title="t", path=None, line=None)
    assert ref.name == PurePosixPath(file).name


@pytest.mark.parametrize("root", ["/srv/site", "site", "/"])
def test_an_entrys_source_is_its_path_in_the_site(root):
    for path in (f"{root}/content/sar/adult-a.md", "/elsewhere/content/x.md"):
        assert entries.relative(path, Path(root)) == entries.relative(Path(path), Path(root))


@pytest.mark.parametrize("file", ["reports/a.pdf", "reports/a b.pdf", "reports//a.pdf", "reports/./a.pdf",
                                  "reports/sub/a.pdf", "reports/link.pdf", "reports/missing.pdf",
                                  "reports/sub", "reports/..", "reports/a:b.pdf", "reports\\a.pdf"])
def test_a_document_is_found_as_before_whatever_its_spelling(site, file, monkeypatch):
    """The quick look at reports/NAME gives what resolving the whole path gives."""
    from types import SimpleNamespace

    for name in ("a.pdf", "a b.pdf", "a:b.pdf"):
        site.pdf(name)
    (site.root / "reports" / "sub").mkdir()
    (site.root / "reports" / "sub" / "a.pdf").write_bytes((site.root / "reports" / "a.pdf").read_bytes())
    (site.root / "reports" / "link.pdf").symlink_to(site.root / "reports" / "a.pdf")
    config = load_config(site.root).config
    quick, slow = [], []
    found = entries.resolve_report(file, config, "content/x.md", 3, quick)
    monkeypatch.setattr(entries, "stat", SimpleNamespace(S_ISREG=lambda mode: False))  # no quick look
    expected = entries.resolve_report(file, config, "content/x.md", 3, slow)
    assert found == expected and [str(p) for p in quick] == [str(p) for p in slow]
    # A name that makes no web address (a colon, a backslash, no name) is refused, found or not.
    assert (found is None) == (file in ("reports/missing.pdf", "reports/sub", "reports/..", "reports/a:b.pdf", "reports\\a.pdf"))


@pytest.mark.parametrize("rtype", ["sar", "cspr", "scr", "dhr", "briefing", "learning-review"])
@pytest.mark.parametrize("written", ["", "documnets:\n  - file: reports/a.pdf\n", "documents: []\n", "documents:\n"])
def test_a_review_without_documents_is_an_error(site, rtype, written):
    """A misspelt or forgotten `documents:` must not publish a review without its report."""
    site.pdf("a.pdf")
    site.raw("content/x.md", f"---\ntitle: X\ntype: {rtype}\npublished: 2026-01-01\napproved: 2026-01-01\nsummary: S.\n{written}---\n")
    entry = only_entry(site)
    assert entry.has_errors and entry.documents == ()
    problem = next(p for p in errors(entry) if p.field == "documents")
    assert "so it would be published without its report" in problem.message
    assert problem.line == (7 if written.startswith("documents") else 3)  # its `documents:` line, else its `type:` line
    assert problem.advice.endswith("if this review has no document on purpose, write `documents: none`.")


def test_a_review_may_say_it_has_no_documents_on_purpose(site):
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments: none\n---\n")
    entry = only_entry(site)
    assert entry.problems == () and entry.documents == ()


def test_a_document_too_large_for_github_is_warned_about(site):
    """GitHub refuses files over 100 MB: a report that large would silently never reach the site."""
    from sitegen.rules import bounds

    small = site.pdf("small.pdf")
    with open(site.root / "reports" / "huge.pdf", "wb") as handle:  # sparse: no 120 MB written to disk
        handle.truncate(120 * 1024 * 1024)
    with open(site.root / "reports" / "near.pdf", "wb") as handle:
        handle.truncate(bounds.LARGE_DOCUMENT + 1)
    site.raw("content/x.md", "---\ntitle: X\ntype: sar\npublished: 2026-01-01\nsummary: S.\ndocuments:\n"
             f"  - file: {small}\n    title: A\n  - file: reports/huge.pdf\n    title: B\n  - file: reports/near.pdf\n    title: C\n---\n")
    big = [p for p in only_entry(site).problems if "GitHub" in p.message]
    assert [p.format() for p in big] == [
        "content/x.md:9: warning: documents: reports/huge.pdf is 120 MB, over the 100 MB GitHub accepts for one file, so it "
        "may never reach the site. Make it smaller and replace the file in reports/: in Adobe Acrobat, File > Reduce File "
        'Size; in Word, export it again as PDF with "Minimum size (publishing online)".',
        "content/x.md:11: warning: documents: reports/near.pdf is 95 MB, close to the 100 MB GitHub accepts for one file, "
        "so it may never reach the site. Make it smaller and replace the file in reports/: in Adobe Acrobat, File > Reduce "
        'File Size; in Word, export it again as PDF with "Minimum size (publishing online)".']


def one_edit(draw_word, position, letter, kind):
    """`draw_word` with one slip at `position`: a letter left out, added, changed, or two swapped."""
    i = position % (len(draw_word) + 1)
    if kind == "drop" and i < len(draw_word):
        return draw_word[:i] + draw_word[i + 1:]
    if kind == "add":
        return draw_word[:i] + letter + draw_word[i:]
    if kind == "change" and i < len(draw_word):
        return draw_word[:i] + letter + draw_word[i + 1:]
    if kind == "swap" and i + 1 < len(draw_word):
        return draw_word[:i] + draw_word[i + 1] + draw_word[i] + draw_word[i + 2:]
    return draw_word


FIELD_NAMES = ["title", "type", "published", "expires", "draft", "summary", "subject", "themes", "documents",
               "national_library", "related", "slug", "on_expiry", "approved", "republish", "order"]


@given(st.sampled_from(FIELD_NAMES), st.integers(0, 30), st.sampled_from("abcdefghijklmnopqrstuvwxyz_"),
       st.sampled_from(["drop", "add", "change", "swap"]))
def test_any_one_slip_in_a_field_name_is_caught(name, position, letter, kind):
    """Whatever one slip of the keyboard does to a field's name, it is taken for a known field (that
    one, or another just as close), never let through as a mere warning."""
    from sitegen.content.schema import one_slip_from, slip_distance

    written = one_edit(name, position, letter, kind)
    if written in FIELD_NAMES:
        return  # the slip made another field's name
    assert slip_distance(written, name) <= 1
    found = one_slip_from(written, FIELD_NAMES)
    assert found is not None and slip_distance(written, found) <= 1


@given(st.text("abcdefghij_", max_size=12), st.text("abcdefghij_", max_size=12))
def test_slips_are_counted_the_same_both_ways(a, b):
    from sitegen.content.schema import slip_distance

    assert slip_distance(a, b) == slip_distance(b, a)
    assert (slip_distance(a, b) == 0) == (a == b)
    assert slip_distance(a, b) <= max(len(a), len(b))


def test_every_front_matter_field_has_plain_help():
    """What the web editor's form will show beside each field of an entry."""
    from sitegen.content.config import DEFAULT_TYPES, SiteConfig
    from sitegen.content.entries import front_matter_fields
    config = SiteConfig(root=Path("."), name="N", base_url="https://x.example", types=DEFAULT_TYPES)
    for field in front_matter_fields(config):
        assert len(field.help) > 15 and field.help[0].isupper() and field.help.endswith("."), field.name

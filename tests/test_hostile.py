"""A site of hostile and odd files, built on the days around each window: the build always exits 0,
and no output file (Pagefind's decompressed included) holds anything a reader of the originals in
Word or Acrobat could not see, or anything of an entry that is not live that day.

Each case carries marker words where they must never be published (`NEVER`), or where they may be
published only while their entry is live (`WHILE_LIVE`). The files are made by code here and in
tests/docxmaker.py and tests/pdfmaker.py; cases of one kind (Word, PDF) are tested in depth in
their own modules, and each is also put here so that every one goes through a whole build.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import docxmaker
from conftest import SiteMaker, occurrences, read_output
from sitegen.rules.visibility import State

PUBLISHED = date(2026, 3, 1)  # the live reviews: a year's window, down on 1 March 2027
SCHEDULED = date(2026, 12, 1)  # the scheduled review goes up on 1 December 2026
DAYS = [date(2026, 11, 30), SCHEDULED, date(2027, 2, 28), date(2027, 3, 1)]

NEVER: dict[str, str] = {}  # marker -> why it must never be published
WHILE_LIVE: dict[str, str] = {}  # marker -> the entry (source) that may show it while live


def never(marker: str, why: str) -> str:
    NEVER[marker] = why
    return marker


def docx_bytes(body_xml: str = "", parts: dict[str, str] | None = None) -> bytes:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"hostile-{os.getpid()}.docx"
    docxmaker.make_report(path, body_xml=body_xml, parts=parts)
    data = path.read_bytes()
    path.unlink()
    return data


def rezip(data: bytes, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """A Word file's zip with parts added or replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files.update(replace or {})
    files.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in files.items():
            archive.writestr(name, part)
    return out.getvalue()


def _run(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def hostile_site(site: SiteMaker) -> SiteMaker:
    """Write the hostile site (see the module's description)."""
    reports = site.root / "reports"
    secret = site.root / "secret.txt"
    secret.write_text(never("MARKERXXEFILE", "a file outside reports/ read through an XML entity"))
    cases: list[tuple[str, bytes, str]] = []  # (file name, bytes, entry slug)

    # Word: tracked changes, comments and hidden text hold words Word does not show.
    cases.append(("tracked.docx", docx_bytes(
        f'<w:p><w:del w:id="1" w:author="{never("MARKERAUTHOR", "a tracked change author")}"><w:r><w:delText>'
        f'{never("MARKERDELETED", "deleted text")}</w:delText></w:r></w:del></w:p>'), "tracked"))
    cases.append(("hidden.docx", docx_bytes(
        f'<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>{never("MARKERHIDDEN", "hidden text")}</w:t></w:r></w:p>'), "hidden"))
    cases.append(("commented.docx", docx_bytes(docxmaker.COMMENTED, parts={"word/comments.xml": docxmaker.COMMENTS_PART.replace(
        "Is the family happy", never("MARKERCOMMENT", "a comment"))}), "commented"))
    # XML entities: XXE in UTF-8 and UTF-16, and an entity bomb.
    for encoding in ("utf-8", "utf-16"):
        body = docx_bytes()
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        xml = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        xml = (f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
               + xml.replace("<w:body>", "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>", 1))
        cases.append((f"xxe-{encoding}.docx", rezip(body, replace={"word/document.xml": xml.encode(encoding)}), f"xxe-{encoding}"))
    # Zip tricks: a part named to climb out of a folder, and a zip bomb.
    cases.append(("zipslip.docx", rezip(docx_bytes(), extra={"../../escaped.xml": never("MARKERZIPSLIP", "a zip-slip part").encode()}), "zipslip"))
    cases.append(("bomb.docx", rezip(docx_bytes(), extra={"word/media/bomb.bin": b"\0" * 400_000_000}), "bomb"))
    for name, data, slug in cases:
        (reports / name).write_bytes(data)
        site.entry(slug, published=PUBLISHED, documents=[{"file": f"reports/{name}", "title": "The report"}],
                   body=f"Visible body of {slug}.")

    # Word files put together to walk around a check (tests/docxmaker.py; each case in depth in test_wordsafety.py).
    for name, make in (("strict.docx", docxmaker.strict_report), ("relocated.docx", docxmaker.relocated_report),
                       ("notes-elsewhere.docx", docxmaker.notes_elsewhere_report),
                       ("comments-elsewhere.docx", docxmaker.comments_elsewhere_report),
                       ("svg-picture.docx", docxmaker.svg_report), ("encrypted.docx", docxmaker.compound_file),
                       ("dtd-utf16.docx", docxmaker.dtd_report)):
        marker = never(f"MARKERWORD{name.split('.')[0].replace('-', '').upper()}", f"a Word file: {name}")
        make(reports / name, marker)
        site.entry(name.split(".")[0], published=PUBLISHED, documents=[{"file": f"reports/{name}", "title": "The report"}])
    docxmaker.make_report(reports / "alternate.docx", body_xml=docxmaker.alternate_content(
        "Shown in Word.", never("MARKERFALLBACK", "an AlternateContent fallback")))
    docxmaker.make_report(reports / "field.docx", body_xml=docxmaker.field_code(never("MARKERFIELDCODE", "text in a field's code")))
    docxmaker.report_with_picture(reports / "photo.docx", docxmaker.photo_with_metadata(never("MARKEREXIF", "a picture's metadata")))
    for name in ("alternate.docx", "field.docx", "photo.docx"):
        site.entry(name.split(".")[0], published=PUBLISHED, documents=[{"file": f"reports/{name}", "title": "The report"}])

    # Files no one may publish from a reviews site, whatever they hold.
    for name, data in (("page.html", f"<script>alert('{never('MARKERHTML', 'an HTML document')}')</script>"),
                       ("drawing.svg", f"<svg xmlns='http://www.w3.org/2000/svg'><script>{never('MARKERSVG', 'an SVG with a script')}</script></svg>"),
                       ("macro.docm", never("MARKERDOCM", "a macro-enabled Word file")),
                       ("old.doc", never("MARKERDOC", "an old Word file")),
                       ("sheet.xlsx", never("MARKERXLSX", "a spreadsheet")),
                       ("script.js", never("MARKERJS", "a script"))):
        (reports / name).write_text(data)
        site.entry(f"format-{name.replace('.', '-')}", published=PUBLISHED, documents=[{"file": f"reports/{name}", "title": "The report"}])

    # PDFs that carry personal data or active content (tests/pdfmaker.py; in depth in test_pdfsafety.py):
    # one PDF for each feature, and one with them all.
    import pdfmaker
    for feature in pdfmaker.FEATURES:
        never(pdfmaker.marker(feature), f"a PDF's {feature}")
        (reports / f"pdf-{feature}.pdf").write_bytes(pdfmaker.make_hostile_pdf_bytes([feature]))
        site.entry(f"pdf-{feature.replace('_', '-')}", published=PUBLISHED, documents=[{"file": f"reports/pdf-{feature}.pdf", "title": "Overview"}])
    (reports / "pdf-all.pdf").write_bytes(pdfmaker.make_hostile_pdf_bytes(pdfmaker.FEATURES))
    site.entry("pdf-all", published=PUBLISHED, documents=[{"file": "reports/pdf-all.pdf", "title": "Overview"}])

    # Paths that leave reports/: a link to a file outside, and ../
    outside = site.root / "outside.pdf"
    from pdfmaker import make_pdf
    make_pdf(outside, [never("MARKEROUTSIDE", "a PDF outside reports/")])
    (reports / "linked.pdf").symlink_to(outside)
    site.entry("linked", published=PUBLISHED, documents=[{"file": "reports/linked.pdf", "title": "Linked"}])
    site.entry("climbing", published=PUBLISHED, documents=[{"file": "reports/../outside.pdf", "title": "Climbing"}])

    # Names and addresses: a document where a page, the feed, or nothing at all would be.
    for name in ("index.html", "feed.xml", "...docx"):
        make_pdf(reports / name, [never(f"MARKERNAME{len(NEVER)}", f"a document named {name}")])
        site.entry(f"name-{len(NEVER)}", published=PUBLISHED, documents=[{"file": f"reports/{name}", "title": "Named"}])

    # Entries that are not live: scheduled, draft, with an error; and one that comes down.
    for slug, front in (("scheduled", {"published": SCHEDULED}), ("draft", {"published": PUBLISHED, "draft": True}),
                        ("broken", {"published": PUBLISHED, "expires": date(2020, 1, 1)}),
                        ("far-future", {"published": "9999-06-01"})):
        marker = f"MARKER{slug.upper().replace('-', '')}"
        make_pdf(reports / f"{slug}.pdf", [f"{marker}PDF text of the report."])
        site.entry(slug, title=f"{marker}TITLE", summary=f"{marker}SUMMARY", published=front.pop("published"),
                   body=f"{marker}BODY", documents=[{"file": f"reports/{slug}.pdf", "title": f"{marker}DOC"}], **front)
        WHILE_LIVE[marker] = f"content/{slug}.md"
    make_pdf(reports / "ending.pdf", ["MARKERENDINGPDF text."])
    site.entry("ending", published=date(2026, 2, 28), body="MARKERENDINGBODY", documents=[{"file": "reports/ending.pdf", "title": "Ending"}])
    WHILE_LIVE["MARKERENDINGPDF"] = WHILE_LIVE["MARKERENDINGBODY"] = "content/ending.md"
    # The same report listed again by a new entry after it came down: withheld without `republish:`.
    site.entry("ending-again", published=date(2026, 6, 1), body="MARKERAGAINBODY", documents=[{"file": "reports/ending.pdf", "title": "Again"}])
    WHILE_LIVE["MARKERAGAINBODY"] = "content/ending-again.md"
    # A DHR is not live before the Home Office panel approves it.
    make_pdf(reports / "dhr.pdf", ["MARKERUNAPPROVEDPDF text."])
    site.entry("unapproved", type="dhr", published=PUBLISHED, approved=SCHEDULED, body="MARKERUNAPPROVEDBODY",
               documents=[{"file": "reports/dhr.pdf", "title": "Overview"}])
    WHILE_LIVE["MARKERUNAPPROVEDPDF"] = WHILE_LIVE["MARKERUNAPPROVEDBODY"] = "content/unapproved.md"
    site.entry("steady", published=date(2026, 6, 1), documents=["steady.pdf"], body="MARKERSTEADY visible text.")
    return site


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> SiteMaker:
    return hostile_site(SiteMaker(tmp_path_factory.mktemp("hostile") / "site"))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_nothing_hidden_and_nothing_not_live_is_published(hostile, day):
    result, out = hostile.build(day)
    assert not result.failed and result.took_down_only is None
    files = read_output(out)
    states = {item.entry.source: item.state for item in result.site.entries}
    assert states["content/steady.md"] is State.LIVE and occurrences(files, "MARKERSTEADY")
    for marker, why in NEVER.items():
        assert not occurrences(files, marker), f"{why} ({marker}) was published"
    for marker, source in WHILE_LIVE.items():
        if states.get(source) is not State.LIVE:
            assert not occurrences(files, marker), f"{marker} of {source} ({states.get(source)}) was published on {day}"
    assert states["content/scheduled.md"] is (State.LIVE if day >= SCHEDULED else State.SCHEDULED)
    assert states["content/ending.md"] is (State.LIVE if day < date(2027, 2, 28) else State.EXPIRED)
    assert states["content/ending-again.md"] is (State.LIVE if day < date(2027, 2, 28) else State.WITHHELD)
    assert states["content/unapproved.md"] is (State.SCHEDULED if day < SCHEDULED else State.LIVE if day < date(2027, 3, 1) else State.EXPIRED)
    # Every withheld entry says why, naming its file.
    for source, state in states.items():
        if state is State.WITHHELD:
            assert any(p.file == source for p in result.errors), source


def test_the_build_holds_under_a_memory_limit(hostile, tmp_path):
    """The hostile site builds in a process allowed 3 GB of address space (the zip bomb and the
    entity bomb are refused from what they declare, never unpacked)."""
    limit = 3 * 1024 ** 3

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    run = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(hostile.root), "--as-of", DAYS[1].isoformat(),
                          "--output", str(tmp_path / "out"), "--no-cache"],
                         preexec_fn=limited, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    files = read_output(tmp_path / "out")
    for marker, why in NEVER.items():
        assert not occurrences(files, marker), f"{why} ({marker}) was published"


dates = st.one_of(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                  st.text(alphabet="0123456789-/ T:Zx", max_size=14), st.integers(min_value=-10**6, max_value=10**12),
                  st.none())
windows = st.one_of(st.none(), st.from_regex(r"\A(never|[0-9]{1,7} ?(years?|months?|weeks?|days?|d|y))\Z"))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(published=dates, expires=dates, approved=dates, window=windows, slug=st.text(max_size=20), day=st.dates(min_value=date(1900, 1, 2), max_value=date(2199, 12, 30)))
def test_no_date_or_address_stops_the_build(site, published, expires, approved, window, slug, day):
    """Whatever dates, window and slug an entry or a type has, the build goes on and the steady
    entry beside it is published."""
    import shutil

    import yaml

    shutil.rmtree(site.root / "build", ignore_errors=True)
    site.write_settings(types={"dhr": {"window": window}} if window else {})
    front = {"title": "Odd", "type": "dhr", "summary": "S.", "published": published, "expires": expires,
             "approved": approved, "slug": slug, "documents": [{"file": "reports/steady.pdf", "title": "T"}]}
    site.raw("content/odd.md", "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody.\n")
    site.entry("steady", published=day, documents=["steady.pdf"])
    result, out = site.build(day)
    assert not result.failed and result.took_down_only is None
    assert (out / "sar" / "steady" / "steady.pdf").is_file()


def test_a_date_past_the_years_sitegen_accepts_is_said_plainly(site):
    site.raw("content/far.md", "---\ntitle: Far\ntype: sar\nsummary: S.\npublished: 9999-06-01\ndocuments: none\n---\nBody.\n")
    result, _ = site.build(date(2026, 11, 22))
    [problem] = result.errors
    assert problem.line == 5 and "accepts the years 1900 to 2199" in problem.message


@pytest.mark.parametrize("day", DAYS[:2], ids=str)
def test_check_finds_what_build_withholds(hostile, day):
    """`sitegen check` on the same day fails, and names every entry the build withheld."""
    from click.testing import CliRunner

    from sitegen.commands.cli import main

    result, _ = hostile.build(day)
    withheld = {item.entry.source for item in result.site.entries if item.state is State.WITHHELD}
    run = CliRunner().invoke(main, ["check", "--site", str(hostile.root), "--as-of", day.isoformat()])
    assert run.exit_code == 1
    said = {line.split(":", 1)[0] for line in run.output.splitlines() if ": error: " in line}
    assert withheld <= said, withheld - said

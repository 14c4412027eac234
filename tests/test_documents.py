"""Documents: every real-world PDF is published with its page count or withheld with a clear message."""

import io
import os
import sys

import pytest

from conftest import REAL_PDFS, needs_corpus, read_output, real_pdfs
from pdfmaker import make_pdf
from sitegen.documents import record
from sitegen.documents.inspection import DocumentCache, inspect
from sitegen.documents.record import human_size

# qpdf cannot find the page tree of this file (its cross-reference table is broken),
# so it is withheld as damaged rather than published with a guessed page count.
UNREADABLE = {"unreadablemetadata.pdf"}
# These have active content or attached files, so they are withheld, saying what they have (see test_pdfsafety.py).
ACTIVE = {"pdflatex-forms.pdf": "a form that sends what is typed into it to an internet address",
          "with-attachment.pdf": "files attached inside it"}


@needs_corpus
@pytest.mark.parametrize("expected", real_pdfs() or [{}], ids=lambda e: e.get("file", "corpus"))
def test_real_world_pdfs(expected):
    info = inspect(REAL_PDFS / expected["file"], DocumentCache(None))
    if expected["encrypted"]:
        assert not info.ok and "password-protected" in info.problem
        assert "without a password" in info.advice
    elif expected["file"] in UNREADABLE:
        assert not info.ok and "damaged" in info.problem
    elif expected["file"] in ACTIVE:
        assert not info.ok and info.problem.startswith(f"has {ACTIVE[expected['file']]}.")
        assert "Save As, PDF" in info.advice
    else:
        assert info.ok, info.problem
        assert info.pages == expected["pages"]
        assert info.describe().endswith(f"{expected['pages']} page" + ("" if expected["pages"] == 1 else "s"))


def test_not_a_pdf(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"PK\x03\x04 this is a Word file")
    info = inspect(fake, DocumentCache(None))
    assert "is not a PDF" in info.problem


def test_truncated_pdf_is_damaged(tmp_path):
    good = tmp_path / "good.pdf"
    make_pdf(good, ["hello"] * 3)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes()[:200])
    info = inspect(bad, DocumentCache(None))
    assert not info.ok and "damaged" in info.problem


def test_describe():
    assert human_size(999) == "999 bytes"
    assert human_size(1_234_567) == "1.2 MB"
    assert human_size(48_722) == "49 KB"
    # what a reader sees beside a download: the published copy's size (its title may change it), and its pages
    info = record.DocumentInfo("0" * 64, 1_234_567, "PDF", pages=34, published_size=1_250_000)
    assert info.describe() == "PDF, 1.2 MB, 34 pages"
    assert record.DocumentInfo("0" * 64, 999, "PDF", pages=1).describe() == "PDF, 999 bytes, 1 page"


def test_cache_is_by_content(tmp_path):
    pdf = tmp_path / "a.pdf"
    make_pdf(pdf, ["one", "two"], title="Overview")
    cache_dir = tmp_path / "cache"
    first = inspect(pdf, DocumentCache(cache_dir))
    assert first.pages == 2 and first.title == "Overview"
    assert len(list((cache_dir / "documents").glob("*.json"))) == 1
    # a fresh cache object reads what the first wrote
    again = inspect(pdf, DocumentCache(cache_dir))
    assert again == first
    # a changed file is a new key
    make_pdf(pdf, ["one", "two", "three"])
    assert inspect(pdf, DocumentCache(cache_dir)).pages == 3


def test_damaged_cache_is_a_miss(tmp_path):
    pdf = tmp_path / "a.pdf"
    make_pdf(pdf, ["one"])
    cache_dir = tmp_path / "cache"
    info = inspect(pdf, DocumentCache(cache_dir))
    for file in (cache_dir / "documents").glob("*.json"):
        file.write_text("{not json")
    assert inspect(pdf, DocumentCache(cache_dir)) == info


def test_text_is_extracted_once_and_cached_beside_the_details(tmp_path, monkeypatch):
    from sitegen.documents import reading, text as pdftext

    pdf = tmp_path / "report.pdf"
    make_pdf(pdf, ["First page", "Only here: Zebrafinch"])
    cache = DocumentCache(tmp_path / "cache")
    info = inspect(pdf, cache)
    assert not (tmp_path / "cache" / "documents" / f"{info.sha256}.txt").exists()  # only when asked for
    reading.prepare([pdf], {pdf}, cache)  # as a build asks for the text of live reports
    text = reading.document_text(pdf, info.sha256, cache)
    assert "First page" in text and "Zebrafinch" in text
    assert (tmp_path / "cache" / "documents" / f"{info.sha256}.txt").is_file()
    assert (tmp_path / "cache" / "documents" / f"{info.sha256}.json").is_file()

    def no_extraction(path):
        raise AssertionError("extracted again")

    monkeypatch.setattr(pdftext, "extract_pdf_text", no_extraction)
    assert reading.document_text(pdf, info.sha256, DocumentCache(tmp_path / "cache")) == text


def test_text_of_a_damaged_or_protected_pdf_is_empty(tmp_path):
    from sitegen.documents.reading import document_text

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n garbage")
    assert document_text(damaged, "x", DocumentCache(None)) == ""
    protected = [e for e in real_pdfs() if e["encrypted"]]
    for item in protected:
        assert document_text(REAL_PDFS / item["file"], item["file"], DocumentCache(None)) == ""


# --- text for the search index (PDFium) ---

def test_text_of_a_pdf_has_its_words_with_newline_line_ends(tmp_path):
    from sitegen.documents.text import extract_pdf_text

    pdf = make_pdf(tmp_path / "report.pdf", ["Page one\nsecond  line", "", "   ", "Third page: Zebrafinch"])
    # pages stripped and joined by a blank line, empty pages dropped, runs of spaces collapsed
    assert extract_pdf_text(pdf) == "Page one\nsecond line\n\nThird page: Zebrafinch"
    assert extract_pdf_text(pdf.read_bytes()) == extract_pdf_text(pdf)  # a published copy held in memory


def test_text_of_a_pdf_encrypted_with_an_empty_password(tmp_path):
    import pikepdf

    from sitegen.documents.text import extract_pdf_text

    plain = make_pdf(tmp_path / "plain.pdf", ["Anyone can open this", "Only here: Kingfisher"])
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="", owner="owner", R=6))
    with pikepdf.open(encrypted) as pdf:
        assert pdf.is_encrypted
    assert extract_pdf_text(encrypted) == "Anyone can open this\n\nOnly here: Kingfisher"


def test_a_pdf_pdfium_cannot_open_has_no_text(tmp_path, monkeypatch):
    import pypdfium2

    from sitegen.documents.text import extract_pdf_text

    pdf = make_pdf(tmp_path / "report.pdf", ["First page", "Only here: Zebrafinch"])

    def cannot_open(*args, **kwargs):
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pypdfium2, "PdfDocument", cannot_open)
    assert extract_pdf_text(pdf) == ""


def test_a_page_pdfium_cannot_read_is_skipped(tmp_path, monkeypatch):
    import pypdfium2

    from sitegen.documents.text import extract_pdf_text

    pdf = make_pdf(tmp_path / "report.pdf", ["First page", "Second page", "Third page"])
    real = pypdfium2.PdfPage.get_textpage
    opened = []

    def second_fails(page):
        opened.append(page)
        if len(opened) == 2:
            raise pypdfium2.PdfiumError("Failed to load text page.")
        return real(page)

    monkeypatch.setattr(pypdfium2.PdfPage, "get_textpage", second_fails)
    assert extract_pdf_text(pdf) == "First page\n\nThird page"
    assert all(page.raw is None for page in opened)  # every page was closed, the failed one too

    # when PDFium can read none of the pages, the document has no text
    monkeypatch.setattr(pypdfium2.PdfPage, "get_textpage", lambda page: 1 / 0)
    assert extract_pdf_text(pdf) == ""


def test_text_holds_clean_words():
    from sitegen.documents.text import _clean_text

    # PDFium's line ends, its mark of a hyphen that split a word at a line's end, control
    # characters of fonts without a map to letters, and a symbol font's private-use glyphs
    raw = " Learning\r\nfrom prac\ufffetice\x02s\r\x0c\tchild\ue000ren \U000f0388 safe  guarding\r\n "
    assert _clean_text(raw) == "Learning\nfrom practices\n child ren safe guarding"


@needs_corpus
@pytest.mark.parametrize("expected", real_pdfs() or [{}], ids=lambda e: e.get("file", "corpus"))
def test_text_of_real_world_pdfs(expected):
    import re

    from sitegen.documents.text import extract_pdf_text

    text = extract_pdf_text(REAL_PDFS / expected["file"])
    assert isinstance(text, str)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ue000-\uf8ff]", text)
    assert "\r" not in text and text == text.strip()
    if expected["encrypted"] or expected["file"] in UNREADABLE:
        assert text == ""
    else:
        assert len(text.split()) >= 2


@needs_corpus
def test_real_world_text_has_whole_words():
    from sitegen.documents.text import extract_pdf_text

    # ligatures as letters: "misfits", not "misﬁts"
    assert "misfits." in extract_pdf_text(REAL_PDFS / "crazyones-pdfa.pdf").split()
    # a word hyphenated at a line's end is found whole
    words = extract_pdf_text(REAL_PDFS / "multicolumn.pdf").split()
    assert "Pellentesque" in words and "Pellen-" not in words


def test_text_not_read_before_is_read_in_a_process_of_its_own_and_never_in_a_thread(tmp_path, monkeypatch):
    """The search asks for texts in threads, where forking is not safe: there PDFium, which can
    crash, is never run; the next build reads that text. Elsewhere it runs in a forked worker."""
    import threading

    from sitegen.documents import reading, text as pdftext

    from sitegen.core import parallel
    pdf = make_pdf(tmp_path / "report.pdf", ["Only here: Zebrafinch"])
    info = inspect(pdf, DocumentCache(None))
    monkeypatch.setattr(pdftext, "extract_pdf_text", lambda source: f"read by process {os.getpid()}")
    found = []
    thread = threading.Thread(target=lambda: found.append(reading.document_text(pdf, info.sha256, DocumentCache(None))))
    thread.start()
    thread.join()
    assert found == [""]
    if parallel.can_fork():  # not when an earlier test left a thread running in this process
        text = reading.document_text(pdf, info.sha256, DocumentCache(None))
        assert text.startswith("read by process ") and text != f"read by process {os.getpid()}"


def test_text_cached_by_the_previous_extractor_is_extracted_again(tmp_path):
    from sitegen.documents import cache as kept, reading

    pdf = make_pdf(tmp_path / "report.pdf", ["Only here: Zebrafinch"])
    cache = DocumentCache(tmp_path / "cache")
    info = inspect(pdf, cache)
    old = tmp_path / "cache" / "documents" / f"{info.sha256}.txt"
    old.write_text("sitegen document text 1\nwhat pypdf made of it")
    reading.prepare([pdf], {pdf}, cache)
    assert reading.document_text(pdf, info.sha256, cache) == "Only here: Zebrafinch"
    from sitegen.core.cachefile import read_sealed

    assert read_sealed(old).decode() == kept.TEXT_HEADER + "Only here: Zebrafinch"


def test_worker_processes_extract_after_the_parent_used_pdfium(tmp_path, monkeypatch):
    """prepare() forks worker processes: a parent that has already loaded PDFium (an earlier
    build of `sitegen serve`) gives them the same text as extracting one by one."""
    from sitegen.documents import reading, text as pdftext

    paths = [make_pdf(tmp_path / f"r{index}.pdf", [f"Report {index}", f"Unique word Quartz{index}"]) for index in range(4)]
    serial = [pdftext.extract_pdf_text(path) for path in paths]  # PDFium loaded in this process
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    cache = DocumentCache(tmp_path / "cache")
    reading.prepare(paths, set(paths), cache, workers=2)
    cached = [cache.texts.get(cache.hashes.of(path)) for path in paths]
    assert cached == serial and all(f"Quartz{index}" in text for index, text in enumerate(cached))


def test_a_giant_among_small_reports_is_not_left_for_last(tmp_path, monkeypatch):
    """prepare() starts with the longest reports, whatever order the entries list them in."""
    from sitegen.documents import reading

    paths = [make_pdf(tmp_path / f"r{index}.pdf", [f"Report {index} Quartz{index}"] * (30 if index == 5 else 1))
             for index in range(6)]
    started = []

    def in_order(func, items, **kwargs):
        started.extend(job.path for job in items)
        return [func(item) for item in items]

    monkeypatch.setattr(reading, "fork_pool", in_order)
    cache = DocumentCache(tmp_path / "cache")
    reading.prepare(paths, set(paths), cache, workers=2)
    assert started[0] == str(paths[5]) and sorted(started) == sorted(map(str, paths))
    assert all(f"Quartz{index}" in cache.texts.get(cache.hashes.of(path)) for index, path in enumerate(paths))


CRASHING_BUILD = """
import faulthandler, os, signal, sys
from datetime import date
from pathlib import Path

from sitegen.documents import pdfinspect, reading, text as pdftext
from sitegen.build import build
from sitegen.rules.visibility import State

faulthandler.enable()  # as pytest does: a crash prints a trace, unless the crash is meant
real = pdftext._pdfium_page_texts

def misbehave_on_quillwort(data):
    if b"Quillwort" in data and sys.argv[3] != "none":
        faulthandler.disable()  # the crash is meant: no "Fatal Python error" trace in the log
        if sys.argv[3] == "hang":
            while True:  # as PDFium looping for ever on a malformed file
                pass
        os.kill(os.getpid(), signal.SIGSEGV)

def crash_on_quillwort(source):
    misbehave_on_quillwort(source.read_bytes() if isinstance(source, Path) else source)
    return real(source)

real_inspection = pdfinspect.inspect_pdf

def inspection_crashes_on_quillwort(path, key, size, cache, *titles):
    crash_on_quillwort(path)  # as qpdf crashing or looping for ever on a malformed file
    return real_inspection(path, key, size, cache, *titles)

from sitegen.documents import renditions
real_conversion = renditions._convert

def conversion_crashes_on_quillwort(path, checked):
    import zipfile
    with zipfile.ZipFile(path) as archive:
        misbehave_on_quillwort(archive.read("word/document.xml"))  # as lxml or mammoth crashing or looping for ever
    return real_conversion(path, checked)

if sys.argv[4:] == ["inspection"]:
    pdfinspect.inspect_pdf = inspection_crashes_on_quillwort
elif sys.argv[4:] == ["rendition"]:
    renditions._convert = conversion_crashes_on_quillwort
else:
    pdftext._pdfium_page_texts = crash_on_quillwort
reading.READ_TIME_LIMIT = 1  # seconds
reading.PARALLEL_FROM = int(sys.argv[2])
reading.PROGRESS_STEPS = 1  # one batch: the crashing report shares a worker with others
result = build(Path(sys.argv[1]), date(2026, 11, 22), Path(sys.argv[1]) / "build")
print("failed" if result.failed else "built", result.count(State.LIVE))
for problem in result.errors:
    print(problem.file, problem.message, file=sys.stderr)
"""


OTHERS = ["Marigold", "Bracken", "Sorrel", "Yarrow", "Teasel"]  # a word only in each report but the misbehaving one


def write_six_reports(site) -> None:
    """adult-a's report holds "Quillwort", on which `CRASHING_BUILD` makes the reader misbehave; five others."""
    site.pdf("overview.pdf", ["Front page", "Only here: Quillwort"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/overview.pdf", "title": "Overview"}])
    for index, word in enumerate(OTHERS):
        site.pdf(f"briefing-{index}.pdf", ["Seven-minute briefing", f"Only here: {word}"])
        site.entry(f"adult-b{index}", published=f"2026-0{index + 2}-01",
                   documents=[{"file": f"reports/briefing-{index}.pdf", "title": "Briefing"}])


def crashing_build(site, parallel_from: int, misbehaviour: str, where: str = "text"):
    """`CRASHING_BUILD` of `site` in a process of its own (forking is only safe where no other thread
    runs, and the browser tests leave threads)."""
    import subprocess

    from conftest import ROOT

    return subprocess.run([sys.executable, "-c", CRASHING_BUILD, str(site.root), str(parallel_from), misbehaviour, where],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"})


@pytest.mark.slow  # crash isolation: forked copies crash, or hang until the time limit ends them
@pytest.mark.parametrize("misbehaviour", ["crash", "hang"])
@pytest.mark.parametrize("parallel_from", [1, 10_000], ids=["shared-between-workers", "one-by-one"])
def test_a_pdf_that_crashes_or_hangs_the_text_reader_does_not_stop_the_build(site, parallel_from, misbehaviour):
    """PDFium is native code: a crash kills the process it runs in, and a loop for ever would hold
    the nightly build for ever (such a process is ended after `reading.READ_TIME_LIMIT`). It runs only in processes
    whose death loses nothing (a worker sharing the reports, whose share the build then
    does again with each report in a process of its own; or that process), so the build goes on:
    that report is published, without its text in the search index, and every other report's text
    is there, those that shared a worker with it too. (The build runs in a process of its own:
    forking is only safe where no other thread runs, and the browser tests leave threads.)"""
    from conftest import occurrences, read_output

    write_six_reports(site)
    result = crashing_build(site, parallel_from, misbehaviour)
    assert result.returncode == 0 and result.stdout.split() == ["built", "6"], result.stderr
    assert "Fatal Python error" not in result.stderr and "Traceback" not in result.stderr
    out = site.root / "build"
    assert (out / "sar" / "adult-a" / "overview.pdf").exists()
    index = {k: v for k, v in read_output(out).items() if k.startswith("pagefind/")}
    assert all(occurrences(index, word) for word in OTHERS) and not occurrences(index, "Quillwort")


def test_workers_sharing_the_reports_read_their_text_themselves(tmp_path, monkeypatch):
    """A worker that shares the reports is a process whose crash loses nothing (its share
    is done again), so it reads each report's text itself, not in a worker of its own per report."""
    from sitegen.documents import reading, text as pdftext

    from sitegen.core import parallel
    if not parallel.can_fork():  # an earlier test left a thread running in this process
        pytest.skip("forking is not safe here")
    paths = [make_pdf(tmp_path / f"r{index}.pdf", [f"Report {index}"]) for index in range(6)]
    monkeypatch.setattr(pdftext, "extract_pdf_text", lambda source: f"read by process {os.getpid()}")
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    cache = DocumentCache(None)
    reading.prepare(paths, set(paths), cache, workers=2)
    readers = {cache.texts.get(cache.hashes.of(path)) for path in paths}
    # The two workers take the reports as each is free (`parallel.fork_pool`), so one may read them
    # all: never more readers than workers (not a process per report), and never the build's own.
    assert 1 <= len(readers) <= 2 and f"read by process {os.getpid()}" not in readers


@pytest.mark.slow  # crash isolation: forked copies crash, or hang until the time limit ends them
@pytest.mark.parametrize("misbehaviour", ["crash", "hang"])
@pytest.mark.parametrize("parallel_from", [1, 10_000], ids=["shared-between-workers", "one-worker"])
def test_a_word_original_that_crashes_or_hangs_its_conversion_is_withheld_and_the_build_goes_on(site, parallel_from, misbehaviour):
    """A Word original is made into a web page by mammoth and lxml, reading whatever the file holds:
    like a PDF, it is read only in a worker, within `reading.READ_TIME_LIMIT`. One that
    crashes or stops every reader withholds its entry, with an error naming the file, and the
    nightly build publishes everything else; the next build tries it again."""
    from docxmaker import make_report

    write_six_reports(site)
    make_report(site.root / "reports" / "overview.docx", body_xml="<w:p><w:r><w:t>Only here: Quillwort</w:t></w:r></w:p>")
    make_report(site.root / "reports" / "briefing.docx")
    site.entry("adult-a", published="2026-01-01",
               documents=[{"file": "reports/overview.pdf", "title": "Overview", "html": "reports/overview.docx"}])
    site.entry("adult-b0", published="2026-02-01",
               documents=[{"file": "reports/briefing-0.pdf", "title": "Briefing", "html": "reports/briefing.docx"}])
    withheld_then_published_again(
        site, parallel_from, misbehaviour, "rendition",
        "content/adult-a.md documents: reports/overview.docx could not be made into a web page: reading it crashed",
        lambda output: "Share records at discharge" in output["sar/adult-b0/briefing/index.html"].decode())


def withheld_then_published_again(site, parallel_from: int, misbehaviour: str, where: str, error: str, rest_published) -> None:
    """`crashing_build` withholds adult-a with `error` and leaves nothing of it in the output, publishes
    the other five (`rest_published(output)` holds), and keeps nothing of the loss: the next build,
    where nothing misbehaves, reads the file again and publishes all six."""
    from conftest import occurrences, read_output

    result = crashing_build(site, parallel_from, misbehaviour, where)
    assert result.returncode == 0 and result.stdout.split() == ["built", "5"], result.stderr
    assert "Traceback" not in result.stderr
    assert error in result.stderr
    output = read_output(site.root / "build")
    assert not occurrences(output, "Quillwort") and not occurrences(output, "adult-a")
    assert rest_published(output)
    again = crashing_build(site, parallel_from, "none", where)
    assert again.stdout.split() == ["built", "6"], again.stderr


# --- bounds: one PDF must never stop or exhaust the build ---

def flate_bomb_pdf(unpacked: int) -> bytes:
    """A one-page PDF of a few kilobytes whose content stream (Flate inside Flate) unpacks to
    `unpacked` bytes of spaces. Made without ever holding them: a 16 MB block compressed once,
    after which the compressor forgets what it saw, is repeated (each copy unpacks alike)."""
    import zlib

    import pikepdf

    deflate = zlib.compressobj(9)
    first = deflate.compress(b" " * (1 << 24)) + deflate.flush(zlib.Z_FULL_FLUSH)
    inner = first[:2] + first[2:] * (unpacked >> 24)  # the zlib header, then the blocks; no end: readers read to it
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        content = pikepdf.Stream(pdf, zlib.compress(inner, 9))
        content.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
        pdf.pages[0].obj.Contents = content
        out = io.BytesIO()
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A PDF whose page tree lists one page `pages` times (6 bytes each): a reader that counts
    each listing as a page of its own, as qpdf does, makes a copy of the page for each."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b"3 0 R " * pages + b"] /Count %d >>" % pages,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_the_bombs_are_small_and_read_as_they_claim():
    import zlib

    import pikepdf

    bomb = flate_bomb_pdf(64 << 20)
    assert len(bomb) < 10_000
    with pikepdf.open(io.BytesIO(bomb)) as pdf:  # no limits set in this process: it unpacks whole
        inner = pdf.pages[0].obj.Contents.read_raw_bytes()
        assert len(zlib.decompressobj().decompress(zlib.decompress(inner))) == 64 << 20
    with pikepdf.open(io.BytesIO(many_pages_pdf(1000))) as pdf:
        assert len(pdf.pages) == 1000


GIGABYTE = 1 << 30


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory limit (RLIMIT_AS) is Linux's")
@pytest.mark.parametrize("bomb, message", [
    (lambda: flate_bomb_pdf(3 * GIGABYTE), "holds more than 500 MB of content once uncompressed, the most sitegen reads"),
    (lambda: many_pages_pdf(1_000_000), "has more than 10,000 pages, the most sitegen reads in one report"),
], ids=["3-GB-of-content-in-5-KB", "a-million-pages-in-6-MB"])
def test_a_pdf_that_would_exhaust_the_build_is_withheld_and_the_build_goes_on(site, bomb, message):
    import resource
    import subprocess

    from conftest import ROOT

    (site.root / "reports" / "bomb.pdf").write_bytes(bomb())
    site.pdf("good.pdf", ["A good report", "Only here: Hawthorn"])
    site.entry("bomb", published="2026-01-01", documents=[{"file": "reports/bomb.pdf", "title": "Overview"}])
    site.entry("good", published="2026-01-01", documents=[{"file": "reports/good.pdf", "title": "Overview"}])

    def two_gigabytes():
        resource.setrlimit(resource.RLIMIT_AS, (2 * GIGABYTE, 2 * GIGABYTE))

    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--as-of", "2026-02-01"], cwd=site.root,
                            capture_output=True, text=True, preexec_fn=two_gigabytes, timeout=300,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "reports/bomb.pdf" in line]
    assert line.startswith("content/bomb.md:") and "error: documents: reports/bomb.pdf " + message in line
    assert "Export the report as PDF again and replace the file in reports/." in line
    out = site.root / "build"
    assert (out / "sar" / "good" / "good.pdf").is_file() and (out / "sar" / "good" / "index.html").is_file()
    assert not (out / "sar" / "bomb").exists()
    assert not [path for path in read_output(out) if path.endswith("bomb.pdf")]


@pytest.mark.slow  # crash isolation: forked copies crash, or hang until the time limit ends them
@pytest.mark.parametrize("misbehaviour", ["crash", "hang"])
@pytest.mark.parametrize("parallel_from", [1, 10_000], ids=["shared-between-workers", "one-worker"])
def test_a_pdf_that_crashes_or_hangs_the_pdf_inspection_is_withheld_and_the_build_goes_on(site, parallel_from, misbehaviour):
    """qpdf, which opens, audits and cleans each PDF, is native code too. A new document is only ever
    inspected in a worker, within `reading.READ_TIME_LIMIT`; when the worker dies, its
    share is done again one document per worker, so only the document that crashes or stops every
    reader is lost. Its entry is withheld with an error naming the file (it was never checked), and
    the nightly build publishes everything else."""
    from conftest import occurrences

    write_six_reports(site)
    withheld_then_published_again(
        site, parallel_from, misbehaviour, "inspection", "content/adult-a.md documents: reports/overview.pdf could not be read",
        lambda output: all(occurrences({k: v for k, v in output.items() if k.startswith("pagefind/")}, word) for word in OTHERS))

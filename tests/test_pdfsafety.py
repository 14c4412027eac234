"""Safe PDFs: check warns about what a PDF carries; the published copy carries no personal metadata.

Every published PDF is read back with pikepdf (its structure) and PDFium (its text), and its
bytes are searched whole, every compressed stream inflated. The original in reports/ never changes.
"""

import hashlib
import io
import re
import zlib

import pikepdf
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REAL_PDFS, needs_corpus, occurrences, read_output, real_pdfs
from pdfmaker import ACTIVE as ACTIVE_FEATURES
from pdfmaker import FEATURES, make_hostile_pdf_bytes, make_pdf_bytes, marker
from pdfmaker import PERSONAL as PERSONAL_FEATURES
from sitegen.documents.cache import COPY_SUFFIX, copy_suffix
from sitegen.documents.inspection import DocumentCache, inspect, published_copy
from sitegen.documents.record import human_size
from sitegen.documents.text import extract_pdf_text
from sitegen.documents import pdfsafety
from sitegen.documents.pdfsafety import PdfSafety, audit, clean, safety_problems
from test_cli import sitegen

# Real-world PDFs with active content or attached files: withheld, never published (what each has)
ACTIVE = {"pdflatex-forms.pdf": "a form that sends what is typed into it to an internet address",
          "with-attachment.pdf": "files attached inside it"}
PUBLISHABLE = [e["file"] for e in real_pdfs()
               if not e["encrypted"] and e["file"] != "unreadablemetadata.pdf" and e["file"] not in ACTIVE]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_byte(data: bytes) -> bytes:
    """The file's bytes and whatever every zlib stream in them inflates to (nested ones too), found
    by scanning the bytes, not by following the document's structure: so a scan sees objects that
    nothing refers to, earlier revisions of the file and compressed object streams as well."""
    chunks, todo = [data], [data]
    while todo:
        chunk = todo.pop()
        for found in re.finditer(rb"stream\r?\n", chunk):
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(chunk[found.end():], 50_000_000)
            except zlib.error:
                continue
            if inflated:
                chunks.append(inflated)
                todo.append(inflated)
        if chunk is not data:
            try:
                inflated = zlib.decompressobj().decompress(chunk, 50_000_000)  # a stream compressed twice
            except zlib.error:
                continue
            if inflated:
                chunks.append(inflated)
                todo.append(inflated)
    return b"\n".join(chunks)


def open_copy(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def info_of(pdf: pikepdf.Pdf) -> dict[str, str]:
    info = pdf.trailer.get("/Info")
    return {key: str(value) for key, value in info.items()} if info is not None else {}


def published(site, name: str) -> tuple[bytes, pikepdf.Pdf]:
    """Build a site that lists one report, and read back the published copy."""
    site.entry("review", published="2026-01-01", documents=[{"file": f"reports/{name}", "title": "Report"}])
    result, out = site.build("2026-02-01")
    assert not result.failed and result.site.entries[0].state.value == "live", result.problems
    data = (out / "sar" / "review" / name).read_bytes()
    return data, open_copy(data)


def test_personal_metadata_is_not_published_and_the_original_is_unchanged(site):
    site.pdf("a.pdf", ["Overview page one", "page two"], title="SAR Adult B: Overview", author="J. Smith (Social Worker)",
             subject="Adult B, 14 Elm Road", keywords="Bob Jones", creator="Jane's laptop", producer="Word 2019")
    before = sha(site.root / "reports" / "a.pdf")
    data, reader = published(site, "a.pdf")
    assert sha(site.root / "reports" / "a.pdf") == before
    assert info_of(reader) == {"/Title": "Report"}  # the entry's title for it, never the PDF's own
    everything = every_byte(data)
    for secret in (b"J. Smith", b"Elm Road", b"Bob Jones", b"Jane's laptop", b"Word 2019", b"pypdf", b"pikepdf", b"qpdf"):
        assert secret not in everything
    assert len(reader.pages) == 2 and extract_pdf_text(data).startswith("Overview page one")


def test_tags_structure_language_and_links_are_untouched(site):
    (site.root / "reports" / "tagged.pdf").write_bytes(make_pdf_bytes(["One", "Two"], title="T", author="Ann Other",
                                                                       tagged=True, lang="en-GB"))
    _, reader = published(site, "tagged.pdf")
    root = reader.Root
    assert root.MarkInfo.Marked is True
    assert root.Lang == "en-GB"
    tree = root.StructTreeRoot
    document = tree.K[0]
    assert document.S == "/Document" and len(document.K) == 2
    assert reader.pages[1].obj.StructParents == 1


def links(pdf: pikepdf.Pdf) -> int:
    return sum(1 for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link")


def fields(pdf: pikepdf.Pdf) -> list[str]:
    """Every named field of the form, with its parents' names (as a PDF reader lists them)."""
    names, todo = [], [(field, "") for field in pdf.Root.get("/AcroForm", {}).get("/Fields", [])]
    while todo:
        field, parent = todo.pop()
        name = parent + ("." if parent and "/T" in field else "") + (str(field.T) if "/T" in field else "")
        names += [name] if "/T" in field else []
        todo += [(kid, name) for kid in field.get("/Kids", [])]
    return sorted(names)


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        return [item.title for item in outline.root]


@needs_corpus
@pytest.mark.parametrize("name", PUBLISHABLE or ["(no corpus)"])
def test_real_world_pdfs_are_published_without_personal_metadata(site, name):
    source = site.root / "reports" / name
    source.write_bytes((REAL_PDFS / name).read_bytes())
    before = sha(source)
    original = pikepdf.open(REAL_PDFS / name)
    data, reader = published(site, name)
    assert sha(source) == before
    assert len(reader.pages) == len(original.pages)
    assert info_of(reader) == {"/Title": "Report"}  # the entry's title for it, whatever the PDF's own
    # links, form fields, attachments and outlines are as they were
    assert links(reader) == links(original)
    assert fields(reader) == fields(original)
    assert list(reader.attachments) == list(original.attachments)
    assert outline_titles(reader) == outline_titles(original)
    ids = [bytes(part) for part in reader.trailer.ID]
    # from the original's hash and the copy's own bytes: no link to the author's computer or the original's /ID
    assert ids[0] == bytes.fromhex(before)[:16]
    original_ids = [bytes(part) for part in original.trailer.get("/ID", [])]
    assert not set(ids) & set(original_ids) and len(ids[1]) == 16
    assert data[:8] == (REAL_PDFS / name).read_bytes()[:8]  # the same %PDF-1.x header


@needs_corpus
def test_xmp_keeps_only_the_title_and_pdfa_identification(site):
    for name in ("output_with_metadata_pymupdf.pdf", "crazyones-pdfa.pdf"):
        (site.root / "reports" / name).write_bytes((REAL_PDFS / name).read_bytes())
    data, reader = published(site, "output_with_metadata_pymupdf.pdf")
    xmp = reader.Root.Metadata.read_bytes()
    assert b"<rdf:li xml:lang=\"x-default\">Report</rdf:li>" in xmp and info_of(reader)["/Title"] == "Report"
    for secret in (b"John Doe", b"Martin Thoma", b"FooBarStyle", b"This is a text", b"1990-04-28", b"Sample PDF"):
        assert secret not in every_byte(data)
    meta = reader.open_metadata()
    assert meta["dc:title"] == "Report" and "dc:creator" not in meta

    site.entry("pdfa", published="2026-01-01", documents=[{"file": "reports/crazyones-pdfa.pdf", "title": "Report"}])
    _, out = site.build("2026-02-01")
    pdfa = pikepdf.open(out / "sar" / "pdfa" / "crazyones-pdfa.pdf")
    xmp = pdfa.Root.Metadata.read_bytes()
    assert b"<pdfaid:part>1</pdfaid:part>" in xmp and b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert b"uuid:" not in xmp and b"Ghostscript" not in xmp and "/OutputIntents" in pdfa.Root


@needs_corpus
def test_comment_authors_are_removed_but_comments_kept(site):
    (site.root / "reports" / "annotated_pdf.pdf").write_bytes((REAL_PDFS / "annotated_pdf.pdf").read_bytes())
    data, reader = published(site, "annotated_pdf.pdf")
    annots = list(reader.pages[0].obj.Annots)
    assert [a.Subtype for a in annots] == ["/Text", "/Highlight", "/Ink"]
    assert all("/T" not in a for a in annots)
    assert b"Lucas" not in every_byte(data) and b"created by Martin Thoma" not in every_byte(data)
    assert annots[2].Contents == "Hello world!"


@needs_corpus
def test_form_field_names_are_kept(site):
    """The corpus's form, without its button that sends the form to a web address (see ACTIVE)."""
    with pikepdf.open(REAL_PDFS / "pdflatex-forms.pdf") as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/A") is not None and obj.A.get("/S") == "/SubmitForm":
                del obj["/A"]
        pdf.save(site.root / "reports" / "form.pdf")
    _, reader = published(site, "form.pdf")
    assert fields(reader) == fields(pikepdf.open(REAL_PDFS / "pdflatex-forms.pdf")) and len(fields(reader)) == 3


def test_a_pdf_encrypted_with_an_empty_password_is_published_readable(site):
    with pikepdf.open(io.BytesIO(make_pdf_bytes(["Secret-free page"], author="Ann Other"))) as pdf:
        pdf.save(site.root / "reports" / "locked.pdf", encryption=pikepdf.Encryption(user="", owner="owner-password", aes=True, R=4))
    assert b"Ann Other" not in (site.root / "reports" / "locked.pdf").read_bytes()  # it is there, encrypted
    data, reader = published(site, "locked.pdf")
    assert not reader.is_encrypted and extract_pdf_text(data) == "Secret-free page"
    assert b"Ann Other" not in every_byte(data)


def test_published_copy_is_deterministic_and_cached_by_content(site, tmp_path):
    site.pdf("a.pdf", ["one"], author="Ann Other")
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    site.build("2026-02-01", tmp_path / "first")
    cached = list((site.root / ".sitegen-cache" / "documents").glob("*.pdf"))
    assert [p.name for p in cached] == [f"{sha(site.root / 'reports' / 'a.pdf')}{copy_suffix('Overview')}"]
    assert copy_suffix("Overview").endswith(COPY_SUFFIX) and COPY_SUFFIX.startswith(".published-")
    site.build("2026-02-01", tmp_path / "second", use_cache=False)
    first, second = (tmp_path / "first" / "sar" / "review" / "a.pdf"), (tmp_path / "second" / "sar" / "review" / "a.pdf")
    assert first.read_bytes() == second.read_bytes() == cached[0].read_bytes()


def test_rebuilds_use_the_cached_copy(site, tmp_path, monkeypatch):
    from sitegen.documents import pdfsafety

    site.pdf("a.pdf", ["one"], author="Ann Other")
    site.entry("review", published="2026-01-01", documents=["reports/a.pdf"])
    site.build("2026-02-01", tmp_path / "first")

    def must_not_run(*args, **kwargs):
        raise AssertionError("cleaned again")

    monkeypatch.setattr(pdfsafety, "clean", must_not_run)
    result, out = site.build("2026-02-01", tmp_path / "second")
    assert not result.failed and (out / "sar" / "review" / "a.pdf").exists()


def test_a_pdf_that_cannot_be_cleaned_is_withheld(site, monkeypatch):
    from sitegen.documents import pdfsafety

    def broken(*args, **kwargs):
        raise ValueError("writer failed")

    monkeypatch.setattr(pdfsafety, "clean", broken)
    site.pdf("a.pdf", ["one"], author="Ann Other")
    site.entry("review", published="2026-01-01", documents=["reports/a.pdf"])
    result, out = site.build("2026-02-01", use_cache=False)
    assert result.site.entries[0].state.value == "withheld"
    assert "could not be copied without the personal details" in result.errors[0].message
    assert not [path for path in read_output(out) if path.endswith(".pdf")]


def test_the_size_shown_is_the_published_copy(site):
    site.pdf("a.pdf", ["one"], author="A" * 3000)
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    _, out = site.build("2026-02-01")
    size = (out / "sar" / "review" / "a.pdf").stat().st_size
    assert size < 1000 < (site.root / "reports" / "a.pdf").stat().st_size
    assert f"PDF, {size} bytes, 1 page" in (out / "sar" / "review" / "index.html").read_text()


def audit_of(path) -> PdfSafety:
    with pikepdf.open(path) as pdf:
        info = pdf.trailer.get("/Info")
        return audit(pdf, str(info.Title) if info is not None and "/Title" in info else None)


@needs_corpus
@pytest.mark.parametrize("name, expected", [
    # the program that made it (Creator, Producer) names no one: no warning
    ("GeoTopo-komprimiert.pdf", dict(personal=("Author", "Keywords"), title=True, own_title="Geometrie und Topologie")),
    ("output_with_metadata_pymupdf.pdf", dict(title=True, own_title="Sample PDF with XMP Metadata")),
    ("annotated_pdf.pdf", dict(personal=("comment authors",), comments=3, title=True, own_title="Annotated PDF")),
    ("with-attachment.pdf", dict(attachments=1)),
    ("pdflatex-forms.pdf", dict(form_fields=3)),
    ("pdflatex-outline.pdf", dict()),  # links are not comments
    ("002-trivial-libre-office-writer.pdf", dict(language=True)),
    ("crazyones-pdfa.pdf", dict()),  # its XMP creator and description are empty
])
def test_audit_of_real_world_pdfs(name, expected):
    safety = audit_of(REAL_PDFS / name)
    if name == "output_with_metadata_pymupdf.pdf":
        assert {"XMP dc:creator", "XMP dc:description", "XMP dc:source"} <= set(safety.personal)
        expected = {**expected, "personal": safety.personal}
    assert safety == PdfSafety(**expected)


def test_audit_of_a_tagged_pdf(tmp_path):
    path = tmp_path / "good.pdf"
    path.write_bytes(make_pdf_bytes(["One"], title="Good", tagged=True, lang="en-GB"))
    assert audit_of(path) == PdfSafety(tagged=True, language=True, title=True, own_title="Good")
    assert safety_problems("content/x.md", "reports/good.pdf", audit_of(path), 7) == []


@needs_corpus
def test_check_warns_per_pdf_naming_the_file_and_what_to_do(site):
    names = ("GeoTopo-komprimiert.pdf", "annotated_pdf.pdf", "pdflatex-outline.pdf")
    for name in names:
        (site.root / "reports" / name).write_bytes((REAL_PDFS / name).read_bytes())
    with pikepdf.open(REAL_PDFS / "pdflatex-forms.pdf") as pdf:  # its button that sends the form left out
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/A") is not None and obj.A.get("/S") == "/SubmitForm":
                del obj["/A"]
        pdf.save(site.root / "reports" / "pdflatex-forms.pdf")
    site.entry("review", published="2026-01-01", documents=[
        {"file": f"reports/{name}", "title": "Annotated PDF" if name == "annotated_pdf.pdf" else name}
        for name in names + ("pdflatex-forms.pdf",)])
    result = sitegen("check", "--as-of", "2026-02-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()

    def warning_about(file, text):
        found = [line for line in lines if f"warning: documents: reports/{file}" in line and text in line]
        assert len(found) == 1, (file, text, lines)
        assert found[0].startswith("content/review.md:")
        return found[0]

    assert "remove them there too" in warning_about("GeoTopo-komprimiert.pdf", "can identify people (Author, Keywords)")
    assert "Martin Thoma" not in result.stderr  # values are never printed: CI logs may be public
    assert "delete them" in warning_about("annotated_pdf.pdf", "has 3 comments")
    warning_about("annotated_pdf.pdf", "can identify people (comment authors)")
    assert "check the fields are empty" in warning_about("pdflatex-forms.pdf", "has 3 form fields")
    # the copy has the entry's title, so a PDF without one of its own is no longer said to have none
    line = warning_about("pdflatex-forms.pdf", "is not tagged for screen readers and does not say what language it is in.")
    assert "Document structure tags for accessibility" in line
    warning_about("GeoTopo-komprimiert.pdf", "is not tagged for screen readers and does not say what language it is in.")
    # its own title is shown, since it is not the entry's; a title that is the entry's is not warned about
    assert "uses the entry's title instead" in warning_about(
        "GeoTopo-komprimiert.pdf", 'has its own Title property, "Geometrie und Topologie", which is not the title this '
                                   'entry gives it ("GeoTopo-komprimiert.pdf").')
    assert not [line for line in lines if "Title property" in line and "annotated_pdf.pdf" in line]
    # the program that made a file is no one: pdflatex-outline.pdf has nothing else to say but accessibility
    assert [line for line in lines if "reports/pdflatex-outline.pdf" in line] == [
        warning_about("pdflatex-outline.pdf", "is not tagged for screen readers")]
    assert "(Creator" not in result.stderr and "Creator)" not in result.stderr


def test_the_sample_site_publishes_adult_b_without_its_author(tmp_path):
    from conftest import ROOT

    out = tmp_path / "sample"
    result = sitegen("build", "--site", str(ROOT), "--as-of", "2026-11-22", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert b"J. Smith" in (ROOT / "reports" / "sar-adult-b-overview.pdf").read_bytes()
    files = read_output(out)
    assert not [path for path, data in files.items() if b"J. Smith" in data]
    for path, data in files.items():
        if path.endswith(".pdf"):
            assert set(info_of(open_copy(data))) <= {"/Title"}, path
            assert b"J. Smith" not in every_byte(data), path


def test_office_files_are_never_published(site):
    """Only PDFs are downloads (a Word file is made into a web page instead: see test_renditions.py):
    a spreadsheet is refused, whatever its properties hold, and nothing of it is published."""
    import zipfile

    with zipfile.ZipFile(site.root / "reports" / "form.xlsx", "w") as archive:
        archive.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Jane Smith</dc:creator></cp:coreProperties>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    site.entry("how-to-refer", type="page", documents=[{"file": "reports/form.xlsx", "title": "Form"}])
    result = sitegen("check", "--as-of", "2026-02-01", cwd=site.root)
    assert result.returncode == 1
    assert ("content/how-to-refer.md:4: error: documents: reports/form.xlsx is not a PDF: sitegen publishes only PDFs "
            "(and Word files as web pages)") in result.stderr
    assert "Export it as a PDF" in result.stderr and "Jane Smith" not in result.stderr


SECRET = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,'-", min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@example(title=" ", author="0", subject="0", keywords="0", creator="0")  # a blank title is no title
@given(title=st.one_of(st.none(), SECRET.filter(lambda title: "Qz" not in title)), author=SECRET, subject=SECRET, keywords=SECRET, creator=SECRET)
def test_no_personal_property_survives_whatever_it_says(title, author, subject, keywords, creator):
    source = make_pdf_bytes(["Page text"], title=title, author=f"Qz1{author}", subject=f"Qz2{subject}",
                            keywords=f"Qz3{keywords}", creator=f"Qz4{creator}", producer="Qz5 producer")
    with pikepdf.open(io.BytesIO(source)) as pdf:
        copy = clean(pdf, hashlib.sha256(source).hexdigest(), info_of(pdf).get("/Title"))
    assert b"Qz" not in every_byte(copy)
    expected = {"/Title": " ".join(title.split())} if title and title.strip() else {}
    assert {k: " ".join(v.split()) for k, v in info_of(open_copy(copy)).items()} == expected
    assert extract_pdf_text(copy) == "Page text"


def test_xmp_title_with_markup_characters_stays_well_formed(tmp_path):
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(["x"], title="Adult A & B <review>")))
    pdf.Root.Metadata = pdf.make_stream(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
        b'<rdf:li>Qz Reviewer</rdf:li></rdf:Seq></dc:creator></rdf:Description>'
        b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
        b'</rdf:RDF></x:xmpmeta>')
    path = tmp_path / "x.pdf"
    pdf.save(path)
    info = inspect(path, DocumentCache(None))
    assert info.safety.personal == ("XMP dc:creator",)
    copy = published_copy(path, info, DocumentCache(None), "Adult A & B <review>")
    reader = open_copy(copy)
    assert reader.open_metadata()["dc:title"] == "Adult A & B <review>"
    assert b"<pdfuaid:part>1</pdfuaid:part>" in reader.Root.Metadata.read_bytes()
    assert b"Qz" not in every_byte(copy)


# --- what the audit cannot read, it cannot vouch for ---

def with_broken_attachments(path, tree):
    """A PDF whose name tree of attached files is `tree` (made by `tree(pdf)`)."""
    with pikepdf.open(io.BytesIO(make_pdf_bytes(["Report"], title="Report", tagged=True, lang="en-GB"))) as pdf:
        pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=tree(pdf))
        pdf.save(path)
    return path


@pytest.mark.parametrize("tree", [
    lambda pdf: pikepdf.Dictionary(Kids=pikepdf.Array([5])),  # a child that is not a node
    lambda pdf: pikepdf.Dictionary(Names=pikepdf.String("attachment.docx")),  # not a list of names and files
    lambda pdf: pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("attachment.docx")])),  # a name without its file
    lambda pdf: pikepdf.Dictionary(),  # neither
], ids=["child-not-a-node", "names-not-a-list", "name-without-file", "empty-node"])
def test_an_attachment_list_that_cannot_be_read_is_not_reported_as_none(site, tree):
    """The audit says it could not read the list; and any list of attached files withholds the PDF."""
    with_broken_attachments(site.root / "reports" / "report.pdf", tree)
    safety = audit_of(site.root / "reports" / "report.pdf")
    assert safety.attachments == 0 and safety.unreadable == ("attached files",)
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/report.pdf", "title": "Report"}])
    result = sitegen("check", "--as-of", "2026-02-01", cwd=site.root)
    assert result.returncode != 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "reports/report.pdf" in line]
    assert ("content/review.md:4: error: documents: reports/report.pdf has files attached inside it. A published "
            "report must not run code, open or send anything, or carry other files, so it is not published.") in line
    assert "Save As, PDF" in line


def test_an_audit_that_fails_as_a_whole_vouches_for_nothing(site, monkeypatch):
    from sitegen.documents import pdfsafety

    def broken(*args, **kwargs):
        raise RecursionError("a structure too deep to follow")

    monkeypatch.setattr(pdfsafety, "audit", broken)
    site.pdf("a.pdf", ["one"], title="Report", tagged=True, lang="en-GB")
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Report"}])
    result, out = site.build("2026-02-01", use_cache=False)
    [problem] = [p for p in result.problems if "could not be checked" in p.message]
    assert problem.message == ("documents: reports/a.pdf could not be checked for comments, attached files or form "
                               "fields: sitegen could not read that part of it, so it cannot say whether there are any, "
                               "and any there would be published with it.")
    assert (out / "sar" / "review" / "a.pdf").is_file()  # its properties are still left out of the copy
    assert b"Report" in (out / "sar" / "review" / "a.pdf").read_bytes()


# --- no trace of personal properties anywhere in the published bytes ---

def with_history(source: bytes) -> bytes:
    """`source` as an author's tool leaves it after edits: an incremental update that gives the
    document new properties (the old ones stay in the file) and leaves an object that held a
    name, compressed in an object stream, with nothing referring to it any more."""
    with pikepdf.open(io.BytesIO(source)) as pdf:
        pdf.Root.Orphan = pdf.make_indirect(pikepdf.Dictionary(Author=pikepdf.String("Qz Orphan Author")))
        first = io.BytesIO()
        pdf.save(first, object_stream_mode=pikepdf.ObjectStreamMode.generate, preserve_pdfa=False)
    data = first.getvalue()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.Root.objgen[0]
        info = pdf.trailer.Info.objgen[0]
        startxref = int(data[data.rindex(b"startxref") + 9:].split()[0])
    # the update: a new catalog without /Orphan (so its dictionary is left behind) and new properties
    update = bytearray()
    catalog_at = len(data) + len(update)
    update += b"%d 0 obj\n<< /Type /Catalog /Pages %s >>\nendobj\n" % (root, _pages_reference(data))
    info_at = len(data) + len(update)
    update += b"%d 0 obj\n<< /Title (Overview) /Author (Qz New Author) >>\nendobj\n" % info
    xref_at = len(data) + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (root, catalog_at, info, info_at)
    update += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, info, startxref, xref_at)
    return data + bytes(update)


def _pages_reference(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return b"%d %d R" % pdf.Root.get_raw("/Pages").objgen


def test_no_trace_of_the_author_survives_edits_orphans_or_compression(site):
    source = with_history(make_pdf_bytes(["Overview page"], title="Overview", author="Qz Old Author",
                                         creator="Qz Tool", producer="Qz Producer"))
    everything = every_byte(source)
    for secret in (b"Qz Old Author", b"Qz Orphan Author", b"Qz New Author", b"Qz Tool"):
        assert secret in everything  # the original holds them all, some only in compressed objects
    with pikepdf.open(io.BytesIO(source)) as pdf:
        assert str(pdf.docinfo.Author) == "Qz New Author" and "/Orphan" not in pdf.Root  # the update is read
    (site.root / "reports" / "edited.pdf").write_bytes(source)
    data, reader = published(site, "edited.pdf")
    assert info_of(reader) == {"/Title": "Report"} and extract_pdf_text(data) == "Overview page"
    assert b"Qz" not in every_byte(data)
    assert data.count(b"%%EOF") == 1 and b"/Prev" not in data  # one revision: nothing of the earlier ones


def test_the_copy_is_the_same_bytes_in_every_process(tmp_path):
    """qpdf makes the second part of the /ID from the copy's own bytes: never the time, the
    file name or anything else that differs between builds."""
    import subprocess
    import sys

    from conftest import ROOT

    source = tmp_path / "report.pdf"
    source.write_bytes(make_pdf_bytes(["One", "Two"], title="Report", author="Ann Other"))
    program = ("import sys; from pathlib import Path; from sitegen.documents.inspection import DocumentCache, inspect, published_copy\n"
               "path = Path(sys.argv[1]); info = inspect(path, DocumentCache(None))\n"
               "sys.stdout.buffer.write(published_copy(path, info, DocumentCache(None)))")
    copies = [subprocess.run([sys.executable, "-c", program, str(source)], capture_output=True, check=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout for _ in range(2)]
    assert copies[0] == copies[1] and copies[0].startswith(b"%PDF-1.4")
    ids = [bytes(part) for part in open_copy(copies[0]).trailer.ID]
    assert ids[0] == bytes.fromhex(sha(source))[:16] and ids[1] != ids[0]


# --- hostile PDFs: hidden personal data goes, active content withholds the PDF (pdfmaker.FEATURES) ---

def streams_and_bytes(data: bytes) -> bytes:
    """The copy's bytes, whatever a scan of them inflates, and every stream's content as qpdf decodes it."""
    found = [every_byte(data)]
    with open_copy(data) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    found.append(obj.read_bytes())
                except pikepdf.PdfError:
                    found.append(obj.read_raw_bytes())
    return b"\n".join(found)


def copy_of_hostile(tmp_path, features, title="Report"):
    """(what inspecting a PDF with `features` found, the copy published with `title` or None)."""
    path = tmp_path / "hostile.pdf"
    path.write_bytes(make_hostile_pdf_bytes(sorted(features)))
    cache = DocumentCache(None)
    info = inspect(path, cache)
    return info, published_copy(path, info, cache, title) if info.ok else None


def assert_the_rule_holds(info, copy, features):
    """Withheld, naming each kind of active content it has; or published with none of the markers."""
    active = [feature for feature in features if feature in ACTIVE_FEATURES]
    if active:
        assert not info.ok and copy is None
        assert "A published report must not run code, open or send anything, or carry other files, so it is not " \
               "published." in info.problem
        for feature in active:
            assert ACTIVE_FEATURES[feature] in info.problem, (feature, info.problem)
        assert "Save As, PDF" in info.advice and "Sanitize Document" in info.advice
        assert not any(marker(f) in info.problem + info.advice for f in features)
        return
    assert info.ok and copy is not None, info.problem
    everything = streams_and_bytes(copy)
    for feature in features:
        assert marker(feature).encode() not in everything, feature
    with open_copy(copy) as reader:
        assert info_of(reader) == {"/Title": "Report"}
        assert len(reader.pages) == 1
    assert extract_pdf_text(copy) == "Overview of the review"


def pdf_with_link(path, address: str):
    """A one-page PDF whose only link goes to `address` (a /URI action, as Word and Acrobat write links)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(["Overview of the review"], title="Overview", tagged=True, lang="en-GB")))
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[50, 50, 150, 70],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(address))))])
    pdf.save(path)
    return path


@pytest.mark.parametrize("address", ["https://www.gov.uk/guidance", "HTTP://Example.org", " https://example.org/a b",
                                     "mailto:safeguarding@example.org", "tel:+441234567890"])
def test_a_link_to_a_whole_web_or_email_address_is_published(tmp_path, address):
    path = pdf_with_link(tmp_path / "linked.pdf", address)
    info = inspect(path, DocumentCache(None))
    assert info.ok, info.problem


@pytest.mark.parametrize("address", ["", "www.example.org", "report.exe", "../reports/draft.pdf", "/etc/passwd",
                                     "\\\\server.example\\share\\draft.docx", "//server.example/share/draft.docx",
                                     "#section-2", "https:/example.org", "https:///etc/passwd", "http:report.exe",
                                     "mailto:", "file:///C:/Windows/System32/calc.exe", "smb://server.example/share",
                                     "javascript:alert(1)", "\x00javascript:alert(1)"])
def test_a_link_that_is_not_a_whole_web_or_email_address_withholds_the_pdf(tmp_path, address):
    """Only whole addresses of web pages, email and phone numbers are published: a reader opens any
    other as a file beside the PDF, on the reader's computer or network (UNC paths also send the
    reader's Windows sign-in to that server), or as a program. Told from what is allowed, not from a
    list of what is bad, so a scheme nobody thought of is withheld too."""
    path = pdf_with_link(tmp_path / "linked.pdf", address)
    info = inspect(path, DocumentCache(None))
    assert not info.ok
    assert "links to addresses that are not whole addresses of web pages or email" in info.problem
    assert "so it is not published" in info.problem


@pytest.mark.parametrize("feature", FEATURES)
def test_each_hostile_feature_is_removed_or_withholds_the_pdf(tmp_path, feature):
    source = make_hostile_pdf_bytes([feature])
    assert marker(feature).encode() in streams_and_bytes(source)  # it is there to be found
    info, copy = copy_of_hostile(tmp_path, [feature])
    assert_the_rule_holds(info, copy, [feature])


@settings(max_examples=40, deadline=None)
@example(features={"page_xmp", "image_xmp", "piece_info_page", "piece_info_root", "piece_info_xobject",
                   "comment_author", "title_with_a_name"})
@given(features=st.sets(st.sampled_from(FEATURES), min_size=1))
def test_no_hostile_feature_is_published_whatever_the_mix(tmp_path_factory, features):
    info, copy = copy_of_hostile(tmp_path_factory.mktemp("mix"), features)
    assert_the_rule_holds(info, copy, features)


def test_comments_keep_their_text_but_not_who_wrote_them_or_when(tmp_path):
    info, copy = copy_of_hostile(tmp_path, ["comment_author"])
    with open_copy(copy) as reader:
        note, popup = list(reader.pages[0].obj.Annots)
        assert note.Contents == "Check this paragraph" and popup.Subtype == "/Popup"
        assert not {"/T", "/M", "/CreationDate"} & (set(note.keys()) | set(popup.keys()))


def test_the_copy_keeps_only_the_parts_of_the_catalog_a_reader_needs(tmp_path):
    """Made from a list of what to keep: web capture's records (paths and user names of the computer
    that captured the pages) and a program's own keys are left out; the pages, structure, language
    and outline stay."""
    info, copy = copy_of_hostile(tmp_path, ["web_capture", "unknown_catalog_key"])
    with open_copy(copy) as reader:
        assert set(reader.Root.keys()) <= pdfsafety.CATALOG_KEYS
        assert {"/Pages", "/StructTreeRoot", "/MarkInfo", "/Lang"} <= set(reader.Root.keys())
        assert set(reader.Root.get("/Names", {}).keys()) <= pdfsafety.NAME_TREES


def test_a_copy_that_still_has_a_part_nobody_listed_is_not_published(site, monkeypatch):
    """The safety net for the list: were `clean` to keep a part of the catalog it does not list, the
    copy is refused and the entry withheld."""
    monkeypatch.setattr(pdfsafety, "_keep_only", lambda dictionary, keys: None)
    (site.root / "reports" / "a.pdf").write_bytes(make_hostile_pdf_bytes(["web_capture"]))
    site.entry("a", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Report"}])
    result, out = site.build("2026-02-01", use_cache=False)
    assert [e.state.value for e in result.site.entries] == ["withheld"]
    assert "could not be copied without parts of the document sitegen does not publish" in result.errors[0].message
    assert marker("web_capture").encode() not in b"".join(read_output(out).values())


def test_the_written_copy_is_checked_object_by_object(site, monkeypatch):
    """The safety net: were cleaning to miss something (here: removing nothing hidden, and finding no
    active content), the copy is read back, walked whole and refused; the entry is withheld, saying why."""
    from sitegen.documents import pdfsafety

    monkeypatch.setattr(pdfsafety, "strip_personal", lambda pdf, found=None: None)
    monkeypatch.setattr(pdfsafety, "survey", lambda pdf: pdfsafety.Survey([], [], []))
    (site.root / "reports" / "a.pdf").write_bytes(make_hostile_pdf_bytes(["piece_info_xobject", "comment_author"]))
    (site.root / "reports" / "b.pdf").write_bytes(make_hostile_pdf_bytes(["named_js"]))
    site.entry("a", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Report"}])
    site.entry("b", published="2026-01-01", documents=[{"file": "reports/b.pdf", "title": "Report"}])
    result, out = site.build("2026-02-01", use_cache=False)
    assert [e.state.value for e in result.site.entries] == ["withheld", "withheld"]
    messages = sorted(p.message for p in result.errors)
    assert messages[0] == ("documents: reports/a.pdf could not be copied without private data saved by the program "
                           "that made it (PieceInfo), comment authors and the times comments were written, so it is "
                           "not published.")
    assert messages[1] == "documents: reports/b.pdf could not be copied without JavaScript, so it is not published."
    files = read_output(out)
    assert not [path for path in files if path.endswith(".pdf")]
    for feature in ("piece_info_xobject", "comment_author", "named_js"):
        assert not [path for path, data in files.items() if marker(feature).encode() in data]


def test_the_copy_has_the_title_its_entry_gives_it_and_is_kept_by_that_title(site, tmp_path):
    (site.root / "reports" / "a.pdf").write_bytes(make_hostile_pdf_bytes(["title_with_a_name"]))
    site.entry("one", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview report"}])
    site.entry("two", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Learning briefing"}])
    _, out = site.build("2026-02-01", tmp_path / "first")
    titles = {slug: info_of(open_copy((out / "sar" / slug / "a.pdf").read_bytes())) for slug in ("one", "two")}
    assert titles == {"one": {"/Title": "Overview report"}, "two": {"/Title": "Learning briefing"}}
    for slug in ("one", "two"):
        data = (out / "sar" / slug / "a.pdf").read_bytes()
        assert marker("title_with_a_name").encode() not in streams_and_bytes(data)
        assert f"PDF, {human_size(len(data))}, 1 page" in (out / "sar" / slug / "index.html").read_text()
    # the entry's title changes: the next build (with the cache) publishes a copy with the new one
    site.entry("two", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Seven minute briefing"}])
    _, again = site.build("2026-02-01", tmp_path / "second")
    assert info_of(open_copy((again / "sar" / "two" / "a.pdf").read_bytes())) == {"/Title": "Seven minute briefing"}
    assert (again / "sar" / "one" / "a.pdf").read_bytes() == (out / "sar" / "one" / "a.pdf").read_bytes()


def test_check_shows_a_title_property_that_is_not_the_entrys_and_not_the_program(site):
    (site.root / "reports" / "a.pdf").write_bytes(make_pdf_bytes(
        ["Overview"], title="Microsoft Word - SAR Jane Qzwright DRAFT v3 JW comments.docx", creator="Microsoft Word",
        producer="Acrobat PDFMaker 23", tagged=True, lang="en-GB"))
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview report"}])
    result = sitegen("check", "--as-of", "2026-02-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "reports/a.pdf" in line]
    assert ('content/review.md:4: warning: documents: reports/a.pdf has its own Title property, "Microsoft Word - SAR '
            'Jane Qzwright DRAFT v3 JW comments.docx", which is not the title this entry gives it ("Overview report").'
            ) in line
    assert "The published copy uses the entry's title instead." in line


def test_a_site_publishes_no_hostile_feature_in_any_output_file(site):
    """End to end: one report with every kind of hidden personal data (published, without it), one
    with every kind of active content (withheld), and an entry whose second document has a script
    (the whole entry is withheld); a scheduled report's markers are nowhere either. Every output file is
    scanned, PDFs with every stream decoded."""
    (site.root / "reports" / "personal.pdf").write_bytes(make_hostile_pdf_bytes(PERSONAL_FEATURES))
    (site.root / "reports" / "active.pdf").write_bytes(make_hostile_pdf_bytes(ACTIVE_FEATURES))
    (site.root / "reports" / "script.pdf").write_bytes(make_hostile_pdf_bytes(["open_action_js", "page_xmp"]))
    site.pdf("clean.pdf", ["A clean report"], title="Clean", tagged=True, lang="en-GB")
    site.entry("personal", published="2026-01-01", documents=[{"file": "reports/personal.pdf", "title": "Overview"}])
    site.entry("active", published="2026-01-01", documents=[{"file": "reports/active.pdf", "title": "Overview"}])
    site.entry("mixed", published="2026-01-01", documents=[{"file": "reports/clean.pdf", "title": "Clean"},
                                                          {"file": "reports/script.pdf", "title": "Appendix"}])
    site.entry("later", published="2026-03-01", documents=[{"file": "reports/active.pdf", "title": "Overview"}])
    result, out = site.build("2026-02-01")
    states = {e.entry.slug: e.state.value for e in result.site.entries}
    assert states == {"personal": "live", "active": "withheld", "mixed": "withheld", "later": "withheld"}
    errors = {p.file: p.message for p in result.errors}
    assert errors["content/active.md"].startswith("documents: reports/active.pdf has ")
    assert all(kind in errors["content/active.md"] for kind in ACTIVE_FEATURES.values())
    assert errors["content/mixed.md"].startswith("documents: reports/script.pdf has JavaScript.")
    files = read_output(out)
    assert [path for path in files if path.endswith(".pdf")] == ["sar/personal/personal.pdf"]
    for path, data in files.items():
        scanned = streams_and_bytes(data) if path.endswith(".pdf") else data
        for feature in FEATURES:
            assert marker(feature).encode() not in scanned, (path, feature)


def test_a_comment_written_inside_another_object_loses_its_author_too(tmp_path):
    """Most comments are objects of their own; one written inside a page's list of them is found there."""
    with pikepdf.open(io.BytesIO(make_pdf_bytes(["Report"], title="Report"))) as pdf:
        note = pikepdf.Dictionary(Subtype=pikepdf.Name.Text, Rect=[0, 0, 9, 9], T=pikepdf.String("Qz Author"),
                                  Contents=pikepdf.String("A note"), PieceInfo=pikepdf.Dictionary(Private=pikepdf.String("Qz")))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([note]))
        pdf.save(tmp_path / "a.pdf")
    info, copy = inspect(tmp_path / "a.pdf", DocumentCache(None)), None
    assert info.safety.personal == ("private data saved by the program that made it (PieceInfo)", "comment authors")
    copy = published_copy(tmp_path / "a.pdf", info, DocumentCache(None), "Report")
    assert b"Qz" not in streams_and_bytes(copy)
    with open_copy(copy) as reader:
        assert reader.pages[0].obj.Annots[0].Contents == "A note"


def test_a_title_property_made_of_the_entrys_own_words_is_not_warned_about(site):
    """Word and Acrobat usually give a PDF the whole title of the report ("Safeguarding Adults
    Review: Adult A - Overview report"): warning about each of them would hide the one that names
    someone, so only a Title with words the entry does not show is warned about."""
    for name, title in (("plain.pdf", "Safeguarding Adults Review: Adult A - Overview report"),
                        ("named.pdf", "Safeguarding Adults Review: Adult A (Jane Qzwright) - Overview report")):
        (site.root / "reports" / name).write_bytes(make_pdf_bytes(["Overview"], title=title, tagged=True, lang="en-GB"))
    site.entry("review", published="2026-01-01", title="Safeguarding Adults Review: Adult A", subject="Adult A",
               documents=[{"file": "reports/plain.pdf", "title": "Overview report"},
                          {"file": "reports/named.pdf", "title": "Overview report"}])
    result = sitegen("check", "--as-of", "2026-02-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    titled = [line for line in result.stderr.splitlines() if "own Title property" in line]
    assert len(titled) == 1 and "reports/named.pdf" in titled[0] and "Qzwright" in titled[0]


@given(st.lists(st.sampled_from(["Adult", "A", "Review", "overview", "report", "-", ":", "Jane", "DRAFT", "v3"]), max_size=8))
def test_a_title_property_is_shown_exactly_when_it_has_a_word_the_entry_does_not(words):
    from sitegen.documents.pdfsafety import says_more

    own = " ".join(words)
    published = "Safeguarding Adults Review: Adult A Overview report"
    unknown = {w.casefold() for w in words if w.isalnum()} - {"safeguarding", "adults", "review", "adult", "a", "overview", "report"}
    assert says_more(own, published) == bool(unknown)


def pdf_with_layer(path, shown: bool, hidden_words: str = "MARKERLAYER note for the author"):
    """A one-page PDF whose second line of text is in a layer (optional content), shown or hidden
    when the file is opened."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(["Overview of the review"], title="Overview", tagged=True, lang="en-GB")))
    layer = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("Notes")))
    default = pikepdf.Dictionary(Order=[layer], ON=[layer] if shown else [], OFF=[] if shown else [layer])
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[layer], D=default)
    page = pdf.pages[0]
    page.Resources.Properties = pikepdf.Dictionary(L1=layer)
    page.contents_add(pdf.make_stream(f"/OC /L1 BDC BT /F1 12 Tf 72 600 Td ({hidden_words}) Tj ET EMC".encode()))
    pdf.save(path)
    return path


def test_a_pdf_with_a_layer_hidden_when_it_opens_is_withheld(site):
    """Its text is in the file, and any reader can switch the layer on: what its author hid would be
    published (and found by search). Withheld, saying what to do; a layer shown when it opens is published."""
    pdf_with_layer(site.root / "reports" / "hidden.pdf", shown=False)
    pdf_with_layer(site.root / "reports" / "shown.pdf", shown=True, hidden_words="Shown layer words")
    site.entry("hidden", published="2026-01-01", documents=[{"file": "reports/hidden.pdf", "title": "Overview"}])
    site.entry("shown", published="2026-01-01", documents=[{"file": "reports/shown.pdf", "title": "Overview"}])
    result, out = site.build("2026-02-01")
    assert {e.entry.slug: e.state.value for e in result.site.entries} == {"hidden": "withheld", "shown": "live"}
    message = next(p.format() for p in result.errors if p.file == "content/hidden.md")
    assert "has layers that are hidden when it is opened" in message and "Layers panel" in message
    assert occurrences(read_output(out), "MARKERLAYER") == []

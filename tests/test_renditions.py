"""Word originals published as web pages ("Read online"): what a reader gets, what never reaches
the output, how the page follows its entry's window, and how problems are told."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import docxmaker
from conftest import occurrences, read_output
from sitegen.documents import renditions
from sitegen.rules.addresses import rendition_address
from sitegen.documents.renditions import make_rendition

PAGE = "sar/adult-a/sar-adult-a-overview/index.html"
FOOTNOTE = ('<w:p><w:r><w:t>Agencies met twice</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>')
FOOTNOTES = (f'<w:footnotes xmlns:w="{docxmaker.W_NS}"><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>Minutes of the panel, March 2024.</w:t></w:r></w:p></w:footnote></w:footnotes>')


def pixels(data: bytes) -> tuple:
    """A picture's size and pixels, whatever file it is in."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


def review(site, *, html=True, pdf=True, **front):
    """Adult A, published 2026-01-10 for the usual window, with its Word original beside its PDF."""
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", link="https://www.gov.uk/guidance",
                          body_xml=FOOTNOTE, parts={"word/footnotes.xml": FOOTNOTES}, custom_property="Reviewer Kim Secret")
    document = {"file": "reports/sar-adult-a-overview.docx", "title": "Overview report"}
    if pdf:
        site.pdf("sar-adult-a-overview.pdf", ["The overview report of Adult A."])
        document = {"file": "reports/sar-adult-a-overview.pdf", "title": "Overview report"}
        if html:
            document["html"] = "reports/sar-adult-a-overview.docx"
    front.setdefault("published", date(2026, 1, 10))
    site.entry("adult-a", documents=[document], **front)


def built(site, day="2026-03-01", **kwargs):
    result, out = site.build(day, **kwargs)
    assert not result.failed, [p.format() for p in result.problems]
    return result, out, read_output(out)


def test_the_address_is_the_entrys_and_the_files_name():
    assert rendition_address("/sar/sar-adult-a/", "sar-adult-a-overview.docx") == "/sar/sar-adult-a/sar-adult-a-overview/"


def test_a_word_original_is_read_online_beside_its_pdf(site):
    review(site)
    result, out, files = built(site)
    assert result.errors == []
    page = files[PAGE].decode()
    assert page.count("<h1") == 1 and "<h1>Overview report" in page
    # headings one level under the page's h1, in order, with a contents list
    assert re.findall(r"<h([2-6]) id=\"section-\d+\">([^<]+)", page) == [
        ("2", "Introduction"), ("2", "Findings"), ("3", "Finding one: information sharing"),
        ("4", "Deep detail"), ("2", "Recommendations"), ("2", "Notes")]
    assert '<a href="#section-3">Finding one: information sharing</a>' in page
    assert "<strong>Adult A</strong>" in page and "<em>2024</em>" in page
    assert "<ul><li>Hospital discharge</li><li>GP records</li></ul>" in page
    assert "<ol><li>Share records at discharge.</li>" in page
    assert "<thead><tr><th><p>Agency</p></th>" in page
    assert '<a href="https://www.gov.uk/guidance">national guidance</a>' in page
    assert "Minutes of the panel, March 2024." in page and 'href="#word-footnote-1"' in page
    assert re.search(r'<h2 id="section-\d+">Notes</h2><ol><li id="word-footnote-1">', page)
    assert '<a href="#word-footnote-ref-1" aria-label="Back to the text">' in page
    assert '<img alt="A chart of contacts by agency" src="/sar/adult-a/sar-adult-a-overview/picture-1.png">' in page
    assert pixels(files["sar/adult-a/sar-adult-a-overview/picture-1.png"]) == pixels(docxmaker.png_bytes())
    # the entry page offers it first, then the PDF with its format, size and pages
    entry = files["sar/adult-a/index.html"].decode()
    read, download = entry.index("Read online"), entry.index('href="/sar/adult-a/sar-adult-a-overview.pdf"')
    assert read < download and re.search(r"\(PDF, \d+ bytes, 1 page\)", entry[download:])
    # the Word file itself is never published
    assert not [path for path in files if path.endswith(".docx")]


def test_what_a_word_file_carries_besides_its_body_never_reaches_the_output(site):
    review(site)
    _, _, files = built(site)
    for needle in ("Jo Author", "Sam Editor", "Northshire Council", "Draft for panel only", "Reviewer Kim Secret",
                   "OFFICIAL-SENSITIVE header text", "01234 567890"):
        assert occurrences(files, needle) == [], needle


def test_no_script_style_or_class_survives(tmp_path):
    body = ('<w:p><w:hyperlink w:anchor="x"><w:r><w:t>anchor</w:t></w:r></w:hyperlink></w:p>'
            '<w:p><w:r><w:t>&lt;script&gt;alert(1)&lt;/script&gt;</w:t></w:r></w:p>')
    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=body, link="javascript:alert(2)")
    made = make_rendition(path)
    assert "<script" not in made.html and "style=" not in made.html and "class=" not in made.html
    assert "javascript:" not in made.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in made.html  # the words, shown as words


def test_a_word_file_alone_is_only_a_web_page(site):
    review(site, pdf=False)
    result, _, files = built(site)
    assert result.errors == []
    assert PAGE in files
    assert "sar/adult-a/sar-adult-a-overview.docx" not in files
    assert not [path for path in files if path.endswith(".docx")]
    assert occurrences(files, "sar-adult-a-overview.docx") == []
    assert not [p for p in result.warnings if "file properties" in p.message]  # it is never published as it is


@pytest.mark.parametrize("extra, body_xml, what", [
    ({"word/comments.xml": docxmaker.COMMENTS_PART}, docxmaker.COMMENTED, "comments"),
    ({}, docxmaker.TRACKED_DELETION, "tracked changes"),
    ({}, docxmaker.HIDDEN, "hidden text"),
])
def test_a_word_file_not_ready_withholds_the_entry_and_the_build_goes_on(site, extra, body_xml, what):
    review(site)
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", body_xml=body_xml, parts=extra)
    site.entry("adult-b", published=date(2026, 1, 10), documents=["b.pdf"])
    result, out = site.build("2026-03-01")
    assert not result.failed
    [problem] = result.errors
    assert problem.format().startswith(f"content/adult-a.md:5: error: documents: reports/sar-adult-a-overview.docx still has {what}")
    assert "Accept (or Reject) All Changes" in problem.advice
    files = read_output(out)
    assert "sar/adult-b/index.html" in files
    assert occurrences(files, "sar/adult-a") == [] and occurrences(files, "Overview report") == []
    for secret in ("12 Secret Lane", "Pat Reviewer", "Jane Doe", "Is the family happy"):
        assert occurrences(files, secret) == []


def test_a_zip_bomb_is_withheld_plainly_and_the_build_goes_on(site):
    review(site)
    import zipfile
    with zipfile.ZipFile(site.root / "reports" / "sar-adult-a-overview.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<x/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
            for _ in range(8):
                part.write(bytes(1 << 20))
    site.entry("adult-b", published=date(2026, 1, 10), documents=["b.pdf"])
    result, out = site.build("2026-03-01")
    [problem] = result.errors
    assert "times its size or more, so it is not published." in problem.message
    assert "sar/adult-b/index.html" in read_output(out)


@pytest.mark.parametrize("html, message", [
    ("reports/missing.docx", "documents: reports/missing.docx does not exist."),
    ("reports/sar-adult-a-overview.pdf", "documents: html: reports/sar-adult-a-overview.pdf is not a Word file (.docx), so no web page can be made from it."),
])
def test_html_must_name_a_word_file_there_is(site, html, message):
    site.pdf("sar-adult-a-overview.pdf", ["Text."])
    site.entry("adult-a", published=date(2026, 1, 10),
               documents=[{"file": "reports/sar-adult-a-overview.pdf", "title": "Overview", "html": html}])
    result, _ = site.build("2026-03-01")
    assert [p.message for p in result.errors] == [message]


def test_a_picture_without_alt_text_is_warned_about_and_described(site):
    review(site)
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", alt=None)
    result, _, files = built(site)
    [warning] = [p for p in result.warnings if "alt text" in p.message]
    assert warning.message == ("documents: reports/sar-adult-a-overview.docx: picture 1 has no alt text, so people who "
                               "cannot see it are told only that the report gives no description of it.")
    assert 'alt="Picture 1: the report gives no description of it."' in files[PAGE].decode()


def test_a_decorative_picture_has_an_empty_alt_and_no_warning(site):
    review(site)
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", alt=None, decorative=True)
    result, _, files = built(site)
    assert not [p for p in result.warnings if "alt text" in p.message]
    assert '<img alt="" src="/sar/adult-a/sar-adult-a-overview/picture-1.png">' in files[PAGE].decode()


def test_unknown_styles_are_warned_about_once(site):
    review(site)
    odd = '<w:p><w:pPr><w:pStyle w:val="BigQuote"/></w:pPr><w:r><w:t>One</w:t></w:r></w:p>'
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", body_xml=odd * 3)
    result, _, files = built(site)
    [warning] = [p for p in result.warnings if "Word styles" in p.message]
    assert warning.message.endswith("uses Word styles that sitegen shows as plain text: 'BigQuote'.")
    assert files[PAGE].decode().count("<p>One</p>") == 3


def test_the_page_follows_its_entry_window(site):
    """Nothing before publication, live in the sitemap while live, 410 once taken down."""
    review(site, expires=date(2026, 6, 1))
    address = "/sar/adult-a/sar-adult-a-overview/"
    _, _, before = built(site, "2026-01-09")
    for needle in ("sar-adult-a-overview", "Finding one", "Overview report", "picture-1.png"):
        assert occurrences(before, needle) == [], needle
    _, _, live = built(site, "2026-03-01")
    assert f"https://learning.testshire.example{address}" in live["sitemap.xml"].decode()
    assert f"{address}\n  X-Robots-Tag: unavailable_after" in live["_headers"].decode()
    result, _, after = built(site, "2026-06-02")
    from sitegen.output.netlify import GONE_PAGE
    assert f"{address}  {GONE_PAGE}  410!\n" in after["_redirects"].decode()
    # its pictures too (and anything else below the page), read as Netlify reads the file
    from netlifyfiles import parse_redirects, redirect_for
    rules = parse_redirects(after["_redirects"].decode())
    for old in (address + "picture-1.png", address + "index.html", address + "picture-9.jpeg"):
        rule = redirect_for(rules, old)
        assert rule is not None and (rule.target, rule.status, rule.force) == (GONE_PAGE, 410, True), old
    assert redirect_for(rules, "/sar/adult-a/sar-adult-a-overview.pdf-other") is None
    assert not [path for path in after if path.startswith("sar/adult-a/sar-adult-a-overview")]
    assert address not in after["sitemap.xml"].decode() and occurrences(after, "Finding one") == []
    from sitegen.output.deployment import Answer, expectations
    gone = {e.path: e.answer for e in expectations(result.site)}
    assert gone[address] is Answer.GONE


def test_deployment_expects_the_page_while_live(site):
    review(site)
    result, _, _ = built(site)
    from sitegen.output.deployment import Answer, expectations
    found = {e.path: e for e in expectations(result.site)}
    assert found["/sar/adult-a/sar-adult-a-overview/"].answer is Answer.LIVE
    assert found["/sar/adult-a/sar-adult-a-overview/"].document == "reports/sar-adult-a-overview.docx"


def test_a_scheduled_entrys_page_is_absent(site):
    review(site, published=date(2026, 5, 1))
    result, _, files = built(site, "2026-03-01")
    assert occurrences(files, "sar-adult-a-overview") == []
    from sitegen.output.deployment import Answer, expectations
    found = {e.path: e.answer for e in expectations(result.site)}
    assert found["/sar/adult-a/sar-adult-a-overview/"] is Answer.ABSENT


def test_a_warm_build_converts_nothing(site, monkeypatch, tmp_path):
    review(site)
    built(site)
    made = tmp_path / "made"  # a file: the conversion runs in a copy of the build
    real = renditions.make_rendition

    def counted(path):
        with made.open("a") as record:
            record.write(f"{path}\n")
        return real(path)

    monkeypatch.setattr(renditions, "make_rendition", counted)
    _, _, files = built(site)
    assert not made.exists() and PAGE in files
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", alt="A changed chart")
    _, _, files = built(site)
    assert len(made.read_text().splitlines()) == 1 and 'alt="A changed chart"' in files[PAGE].decode()


def test_search_holds_the_pages_text_and_headings_while_live_only(site):
    review(site, expires=date(2026, 6, 1))
    _, _, live = built(site, "2026-03-01")
    index = {path: data for path, data in live.items() if path.startswith("pagefind/")}
    for words in ("Finding one: information sharing", "Hospital discharge", "Minutes of the panel"):
        assert occurrences(index, words), words
    _, _, gone = built(site, "2026-06-02")
    assert occurrences(gone, "Hospital discharge") == [] and occurrences(gone, "Finding one") == []


def test_check_reports_on_the_word_file(site):
    from test_cli import sitegen

    review(site, published=date(2026, 5, 1))  # scheduled: check still reads it, so problems show before the day
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", alt=None, body_xml=docxmaker.TRACKED_DELETION)
    result = sitegen("check", "--as-of", "2026-03-01", cwd=site.root)
    assert result.returncode == 1
    assert ("content/adult-a.md:5: error: documents: reports/sar-adult-a-overview.docx still has tracked changes, "
            "which would be published with it, so it is not published.") in result.stderr
    assert "Traceback" not in result.stderr
    docxmaker.make_report(site.root / "reports" / "sar-adult-a-overview.docx", alt=None)
    result = sitegen("check", "--as-of", "2026-03-01", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "reports/sar-adult-a-overview.docx: picture 1 has no alt text" in result.stderr + result.stdout


def test_the_preview_shows_an_edited_entry_on_its_documents_pages_too(site, tmp_path):
    """Retitling an entry changes its rendition's page (which names it) in the preview, as a whole build does."""
    from sitegen.build import build
    from sitegen.preview.incremental import LivePreview
    from test_incremental import edited, without_search

    review(site)
    live = LivePreview(site.root, date(2026, 3, 1), tmp_path / "preview", "Preview")
    assert not live.rebuild().failed
    changed = edited(site, lambda s: review(s, title="Adult A (revised)"))
    assert not live.rebuild(content_only=True, changed=changed).failed
    assert "Adult A (revised)" in (tmp_path / "preview" / PAGE).read_text()
    assert not build(site.root, date(2026, 3, 1), tmp_path / "whole", banner="Preview").failed
    assert without_search(read_output(tmp_path / "preview")) == without_search(read_output(tmp_path / "whole"))


WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None)
@given(text=WORDS, target=st.sampled_from(["javascript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x",
                                           "https://www.gov.uk/x?a=<b>", "mailto:a@b.example"]))
def test_whatever_a_document_says_its_page_has_no_markup_of_its_own(tmp_path_factory, text, target):
    """Words are words: whatever a paragraph or a link says, the page has only the elements and
    attributes allowed, and no link that runs code."""
    document = docxmaker.report_document()
    document.add_paragraph(text)
    document.add_heading(text, level=2)
    path = docxmaker.save(document, tmp_path_factory.mktemp("p") / "r.docx", link=target.replace("&", "&amp;").replace("<", "&lt;"))
    made = make_rendition(path)
    assert made.ok
    tags = set(re.findall(r"<([a-z0-9]+)", made.html))
    assert tags <= renditions.ALLOWED_TAGS
    attributes = set(re.findall(r"\s([a-z-]+)=\"", made.html))
    assert attributes <= {"href", "id", "src", "alt", "colspan", "rowspan"}
    assert not re.search(r'href="(javascript|data|vbscript):', made.html, re.I)
    assert made.headings[-1].text == " ".join(text.split()) or not " ".join(text.split())


@settings(max_examples=8, deadline=None)
@given(day=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 3, 1)))
def test_the_page_is_in_the_output_exactly_while_its_entry_is_live(tmp_path_factory, day):
    from conftest import SiteMaker
    from sitegen.build import build

    site = SiteMaker(tmp_path_factory.mktemp("site"))
    review(site, expires=date(2026, 6, 1))
    result = build(site.root, day, write=False)
    live = date(2026, 1, 10) <= day < date(2026, 6, 1)
    files = {file.path: file.data or b"" for file in result.files}
    assert (PAGE in files) is live
    assert bool(occurrences(files, "Finding one")) is live


def test_without_mammoth_the_entry_is_withheld_plainly_and_nothing_is_cached(site, monkeypatch):
    import builtins

    review(site)
    real_import = builtins.__import__

    def no_mammoth(name, *args, **kwargs):
        if name == "mammoth":
            raise ImportError("No module named 'mammoth'", name="mammoth")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mammoth)
    result, out = site.build("2026-03-01")
    [problem] = result.errors
    assert problem.message.endswith("could not be made into a web page: mammoth is not installed.")
    assert occurrences(read_output(out), "sar/adult-a") == []
    monkeypatch.setattr(builtins, "__import__", real_import)
    _, _, files = built(site)
    assert PAGE in files  # the failure was not cached


def test_a_word_file_whose_properties_unzip_to_64_mb_is_withheld_without_reading_them(site):
    import zipfile
    site.pdf("b.pdf")
    path = site.root / "reports" / "x.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{docxmaker.W_NS}"><w:body/></w:document>')
        with archive.open("docProps/core.xml", "w", force_zip64=True) as part:
            for _ in range(64):
                part.write(bytes(1 << 20))
    site.entry("adult-a", published=date(2026, 1, 10), documents=[{"file": "reports/x.docx", "title": "X"}])
    site.entry("adult-b", published=date(2026, 1, 10), documents=["b.pdf"])
    result, out = site.build("2026-03-01")
    [problem] = result.errors
    assert problem.message == "documents: reports/x.docx has a part (docProps/core.xml) of more than 50 MB, so it is not published."
    assert "sar/adult-b/index.html" in read_output(out)


# Pictures: only their pixels are published; a picture that is not a plain raster never is.

@pytest.mark.parametrize("kind, extension", [("JPEG", "jpg"), ("PNG", "png")])
def test_a_pictures_metadata_is_never_published(tmp_path, kind, extension):
    original = docxmaker.photo_with_metadata("MARKERSECRET7", kind)
    assert b"MARKERSECRET7" in original
    made = make_rendition(docxmaker.report_with_picture(tmp_path / "r.docx", original))
    assert made.ok, made.problem
    [_, photo] = made.pictures
    assert photo.name == f"picture-2.{extension}" and f'src="picture-2.{extension}"' in made.html
    assert b"MARKERSECRET7" not in photo.data and b"Exif" not in photo.data and b"xmp" not in photo.data.lower()
    from PIL import Image
    import io
    with Image.open(io.BytesIO(photo.data)) as image:
        assert not image.getexif() and not {key for key in image.info if key not in ("jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi")}
    if kind == "PNG":
        assert pixels(photo.data) == pixels(original)


def test_an_svg_picture_is_left_out_with_a_warning(tmp_path):
    made = make_rendition(docxmaker.svg_report(tmp_path / "r.docx", "MARKERSECRET8"))
    assert made.ok and made.pictures == ()
    assert "<img" not in made.html and "MARKERSECRET8" not in made.html and "dropped" not in made.html
    [(what, advice)] = [w for w in made.warnings if "picture 1" in w[0]]
    assert what.startswith("picture 1 is not a photograph or drawing a web page can show safely")
    assert "Save as Picture" in advice


@pytest.mark.parametrize("data", [b"", b"GIF89a broken", b"<svg onload='alert(1)'/>", b"\x01\x00\x00\x00 EMF"])
def test_what_pillow_cannot_decode_is_no_picture(data):
    assert renditions.clean_picture(data) is None


def test_a_picture_of_more_pixels_than_a_report_holds_is_no_picture(monkeypatch):
    picture = docxmaker.png_bytes(width=300, height=200)
    assert renditions.clean_picture(picture) is not None
    monkeypatch.setattr(renditions, "MAX_PICTURE_PIXELS", 300 * 200 - 1)
    assert renditions.clean_picture(picture) is None


def test_a_page_with_words_the_check_did_not_see_is_withheld(tmp_path, monkeypatch):
    """The last guard: had mammoth read text the check did not (a new version of it, a part the check
    does not know), the page's words would not all be words Word shows."""
    from sitegen.documents.wordsafety import WordCheck

    path = docxmaker.make_report(tmp_path / "r.docx")
    seen = renditions.check_docx(path)
    assert seen.ok and make_rendition(path).ok
    monkeypatch.setattr(renditions, "check_docx", lambda p: WordCheck(words=seen.words - {"Hospital"}))
    made = make_rendition(path)
    assert made.problem == renditions.NOT_SHOWN_BY_WORD and made.html == ""


def test_a_bookmarks_name_is_not_published(tmp_path):
    """Word never shows a bookmark's name; the page's anchor and the link to it are numbered instead."""
    body = ('<w:p><w:bookmarkStart w:id="5" w:name="MARKERSECRET13"/><w:r><w:t>Here</w:t></w:r><w:bookmarkEnd w:id="5"/>'
            '</w:p><w:p><w:hyperlink w:anchor="MARKERSECRET13"><w:r><w:t>Back to it</w:t></w:r></w:hyperlink></w:p>' + FOOTNOTE)
    made = make_rendition(docxmaker.make_report(tmp_path / "r.docx", body_xml=body, parts={"word/footnotes.xml": FOOTNOTES}))
    assert made.ok and "MARKERSECRET13" not in made.html
    assert '<a id="word-bookmark-1"></a>' in made.html and '<a href="#word-bookmark-1">Back to it</a>' in made.html
    assert 'href="#word-footnote-1"' in made.html and 'id="word-footnote-1"' in made.html


def test_a_symbol_is_published_as_the_character_it_shows(tmp_path):
    """Word's Insert Symbol (Symbol font) saves a w:sym; mammoth shows its character (β)."""
    body = ('<w:p><w:r><w:t xml:space="preserve">Use of </w:t></w:r><w:r><w:sym w:font="Symbol" w:char="F062"/></w:r>'
            "<w:r><w:t>-blockers</w:t></w:r></w:p>")
    made = make_rendition(docxmaker.make_report(tmp_path / "r.docx", body_xml=body))
    assert made.ok, made.problem
    assert "Use of β-blockers" in made.html


def test_a_symbol_does_not_let_hidden_words_through_the_guard(tmp_path, monkeypatch):
    from sitegen.documents.wordsafety import WordCheck

    path = docxmaker.make_report(tmp_path / "r.docx", body_xml='<w:p><w:r><w:sym w:font="Symbol" w:char="F062"/></w:r></w:p>')
    seen = renditions.check_docx(path)
    assert seen.symbols
    monkeypatch.setattr(renditions, "check_docx", lambda p: WordCheck(words=seen.words - {"Hospital"}, symbols=True))
    assert make_rendition(path).problem == renditions.NOT_SHOWN_BY_WORD


HOSTILE = {  # the entry's slug: how its Word file is made, and the marker it hides
    "strict": lambda p: docxmaker.strict_report(p, "MARKERSECRET1"),
    "relocated": lambda p: docxmaker.relocated_report(p, "MARKERSECRET2"),
    "notes": lambda p: docxmaker.notes_elsewhere_report(p, "MARKERSECRET3"),
    "comments": lambda p: docxmaker.comments_elsewhere_report(p, "MARKERSECRET4"),
    "alternate": lambda p: docxmaker.make_report(p, body_xml=docxmaker.alternate_content("Shown.", "MARKERSECRET5")),
    "field": lambda p: docxmaker.make_report(p, body_xml=docxmaker.field_code("MARKERSECRET6")),
    "linked": docxmaker.linked_picture_report,
    "password": lambda p: docxmaker.compound_file(p, "MARKERSECRET10"),
    "old": lambda p: docxmaker.compound_file(p, "MARKERSECRET11", encrypted=False),
    "entity": lambda p: docxmaker.dtd_report(p, "MARKERSECRET9"),
    "cropped": lambda p: docxmaker.picture_shown_otherwise(p, "cropped"),
    "hiddenpicture": lambda p: docxmaker.picture_shown_otherwise(p, "hidden"),
    "seethrough": lambda p: docxmaker.picture_shown_otherwise(p, "see-through"),
    "blurred": lambda p: docxmaker.picture_shown_otherwise(p, "blurred"),
}
SAID = {
    "strict": "is saved as a Strict Open XML Document", "relocated": "still has hidden text", "notes": "still has hidden text",
    "comments": "still has comments", "alternate": "has content saved in two versions", "field": "inside a field's code",
    "linked": "has pictures linked from outside the document", "password": "is protected with a password",
    "old": "is an old Word 97-2003 document", "entity": "is damaged",
    **{name: "has pictures that Word shows cropped, hidden, see-through or changed by an effect"
       for name in ("cropped", "hiddenpicture", "seethrough", "blurred")},
}
PUBLISHED = {  # published, without the marker
    "photo": lambda p: docxmaker.report_with_picture(p, docxmaker.photo_with_metadata("MARKERSECRET7")),
    "drawing": lambda p: docxmaker.report_with_picture(p, docxmaker.photo_with_metadata("MARKERSECRET12", "PNG")),
    "svg": lambda p: docxmaker.svg_report(p, "MARKERSECRET8"),
}


def test_no_hidden_marker_of_any_hostile_word_file_reaches_any_output_file(site):
    """A site with one entry for each hostile Word file (beside its PDF, or alone): the hostile ones
    are withheld with their own message and the build goes on; no marker is in any output file
    (pages, pictures, search index, feed, sitemap)."""
    for slug, make in {**HOSTILE, **PUBLISHED}.items():
        make(site.root / "reports" / f"{slug}.docx")
        site.pdf(f"{slug}.pdf", [f"The report of {slug}."])
        site.entry(slug, published=date(2026, 1, 10), documents=[
            {"file": f"reports/{slug}.pdf", "title": "Overview report", "html": f"reports/{slug}.docx"}])
        site.entry(f"{slug}-alone", published=date(2026, 1, 10), documents=[{"file": f"reports/{slug}.docx", "title": "Report"}])
    result, out = site.build("2026-03-01")
    assert not result.failed
    told = {p.file.split("/")[-1].removesuffix(".md"): p.message for p in result.errors}
    assert set(told) == {name for slug in HOSTILE for name in (slug, f"{slug}-alone")}, told
    for name, message in told.items():
        assert SAID[name.removesuffix("-alone")] in message, (name, message)
    files = read_output(out)
    for slug in PUBLISHED:
        assert f"sar/{slug}/{slug}/index.html" in files and f"sar/{slug}-alone/{slug}/index.html" in files
    for slug in HOSTILE:
        assert not [path for path in files if path.startswith((f"sar/{slug}/", f"sar/{slug}-alone/"))], slug
    assert occurrences(files, "MARKERSECRET") == []
    assert not [path for path in files if path.startswith("sar/") and path.endswith((".svg", ".docx"))]
    assert not [p for p in result.errors if "Traceback" in p.format()]


# The differential test: for many generated documents, every word on the page is a word Word shows.
# Each piece of a paragraph says whether Word shows its text; the words are unique, so a word the
# page should not have is seen wherever it came from.

def _run(text: str, properties: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{properties}</w:rPr>" if properties else ""}<w:t xml:space="preserve">{text} </w:t></w:r>'


PIECES = {  # kind: (WordprocessingML around a word, whether Word shows the word)
    "plain": (lambda word: _run(word), True),
    "bold": (lambda word: _run(word, "<w:b/>"), True),
    "hidden": (lambda word: _run(word, "<w:vanish/>"), False),
    "hidden-style": (lambda word: _run(word, '<w:rStyle w:val="Hidden"/><w:vanish/>'), False),
    "deleted": (lambda word: f'<w:del w:id="1" w:author="A"><w:r><w:delText>{word} </w:delText></w:r></w:del>', False),
    "inserted": (lambda word: f'<w:ins w:id="2" w:author="A">{_run(word)}</w:ins>', True),
    "moved-away": (lambda word: f'<w:moveFrom w:id="3" w:author="A">{_run(word)}</w:moveFrom>', False),
    "link": (lambda word: f'<w:hyperlink w:anchor="x">{_run(word)}</w:hyperlink>', True),
    "smart-tag": (lambda word: f'<w:smartTag w:element="place">{_run(word)}</w:smartTag>', True),
    "content-control": (lambda word: f"<w:sdt><w:sdtPr><w:alias w:val=\"{word}x\"/></w:sdtPr><w:sdtContent>{_run(word)}"
                                     "</w:sdtContent></w:sdt>", True),
    "field-result": (lambda word: '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText>'
                                  f'</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(word)}'
                                  '<w:r><w:fldChar w:fldCharType="end"/></w:r>', True),
    "field-code": (lambda word: f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{_run(word)}'
                                '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', False),
    "simple-field": (lambda word: f'<w:fldSimple w:instr=" DATE ">{_run(word)}</w:fldSimple>', True),
    "same-versions": (lambda word: f'<mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="w">{_run(word)}'
                                   f"</mc:Choice><mc:Fallback>{_run(word)}</mc:Fallback></mc:AlternateContent>", True),
    "older-version": (lambda word: f'<mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="w">'
                                   f"{_run('Shown')}</mc:Choice><mc:Fallback>{_run(word)}</mc:Fallback></mc:AlternateContent>",
                      False),
    "text-box": (lambda word: f'<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
                              f"<w:p>{_run(word)}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>", True),
    "hidden-text-box": (lambda word: f'<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:9pt;'
                                     f'visibility:hidden"><v:textbox><w:txbxContent><w:p>{_run(word)}</w:p></w:txbxContent>'
                                     "</v:textbox></v:shape></w:pict></w:r>", False),
    "text-in-text": (lambda word: f'<w:r><w:t>Seen <w:x>{word}</w:x></w:t></w:r>', False),
    "outside-a-run": (lambda word: f"<w:t>{word} </w:t>", False),
    "unknown-element": (lambda word: f'<w:dir w:val="rtl">{_run(word)}</w:dir>', True),  # Word shows it; mammoth leaves it out
    "two-content-versions": (lambda word: f'<w:sdt><mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="w">'
                                          f"<w:sdtContent>{_run('Shown')}</w:sdtContent></mc:Choice><mc:Fallback><w:sdtContent>"
                                          f"{_run(word)}</w:sdtContent></mc:Fallback></mc:AlternateContent></w:sdt>", False),
}
PIECE = st.sampled_from(sorted(PIECES))


def _page_words(page: str) -> set[str]:
    """The page's words, read here without sitegen's help: tags become spaces."""
    import html as html_module

    return set(re.findall(r"\w+", html_module.unescape(re.sub(r"<[^>]+>", " ", page))))


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(st.lists(PIECE, min_size=1, max_size=4), min_size=1, max_size=5))
def test_every_word_on_the_page_is_a_word_word_shows(tmp_path_factory, paragraphs):
    import docx

    body, shown, number = "", {"Shown"}, 0
    for pieces in paragraphs:
        body += "<w:p>"
        for kind in pieces:
            number += 1
            word = f"word{number}{kind.replace('-', '')}"
            make, visible = PIECES[kind]
            body += make(word)
            if visible:
                shown.add(word)
        body += "</w:p>"
    path = docxmaker.save(docx.Document(), tmp_path_factory.mktemp("d") / "r.docx", body_xml=body)
    made = make_rendition(path)
    hidden = {kind for pieces in paragraphs for kind in pieces if not PIECES[kind][1]}
    if made.ok:
        assert _page_words(made.html) <= shown | {"1"}, (paragraphs, made.html)
    else:
        assert hidden or {"inserted"} & {kind for pieces in paragraphs for kind in pieces}, (paragraphs, made.problem)
    if not hidden and "inserted" not in {kind for pieces in paragraphs for kind in pieces}:
        assert made.ok, (paragraphs, made.problem)  # what Word shows plainly is published


@pytest.mark.parametrize("change", ["cropped", "hidden", "see-through", "blurred"])
def test_a_picture_word_shows_otherwise_than_its_file_holds_it_withholds_the_web_page(tmp_path, change):
    """mammoth publishes a picture as its file holds it: whole, shown, opaque, without its effects. A
    crop (the usual way to cut a name out of a screenshot), a hidden picture, transparency or a blur
    would all be undone on the web page, so the page is not made, and the message says how to fix it."""
    made = make_rendition(docxmaker.picture_shown_otherwise(tmp_path / "r.docx", change))
    assert not made.ok and not made.pictures
    assert "has pictures that Word shows cropped, hidden, see-through or changed by an effect" in made.problem
    assert "Delete cropped areas of pictures" in made.advice and "Invisible On-Page Content" in made.advice


def test_a_picture_as_word_saves_it_plainly_is_still_published(tmp_path):
    """Word writes an empty crop (<a:srcRect/>) and a picture's id on every picture: neither withholds it."""
    path = docxmaker.report_with_picture(tmp_path / "r.docx", docxmaker.png_bytes())
    plain = make_rendition(path)
    files = docxmaker.files_of(path)
    body = files["word/document.xml"].decode("utf-8")
    body = re.sub(r"(<a:blip [^>]*?)(/>|>.*?</a:blip>)", r'\1\2<a:srcRect l="0" t="-2000"/>', body, count=1, flags=re.S)
    files["word/document.xml"] = body.replace("<wp:docPr ", '<wp:docPr hidden="0" ', 1).encode("utf-8")
    made = make_rendition(docxmaker.write_files(path, files))
    assert made.ok, made.problem
    assert made.pictures == plain.pictures and len(made.pictures) == 2


def test_a_word_files_link_to_an_entry_not_yet_published_is_not_made_on_its_web_page(site):
    """A live report's Word original may link to the address another review will have: until that
    review goes up, its web page shows the link's words without the address, as a body's link does."""
    site.entry("zanzibar", type="cspr", published="2027-01-15", title="CSPR Zanzibar")
    docxmaker.make_report(site.root / "reports" / "linked.docx", link="https://learning.testshire.example/cspr/zanzibar/index.html")
    site.pdf("linked.pdf", ["The report."])
    site.entry("linked", published=date(2026, 3, 1), documents=[
        {"file": "reports/linked.pdf", "title": "Overview report", "html": "reports/linked.docx"}])
    result, out = site.build("2026-03-01")
    files = read_output(out)
    page = files["sar/linked/linked/index.html"].decode()
    assert "Read the national guidance" in page
    assert occurrences(files, "zanzibar") == []
    result, out = site.build("2027-01-15")
    assert 'zanzibar/index.html"' in (out / "sar/linked/linked/index.html").read_text()

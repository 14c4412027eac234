"""A Word file is withheld while it still carries tracked changes, comments or hidden text, or
when it is not a sound .docx (or would cost too much to unpack); a clean one passes."""

from __future__ import annotations

import re
import zipfile

import pytest

import docxmaker
from sitegen.documents import wordsafety
from sitegen.documents.wordsafety import check_docx


def test_a_clean_report_passes(tmp_path):
    found = check_docx(docxmaker.make_report(tmp_path / "clean.docx"))
    assert found.ok, found.problem


def test_hidden_text_switched_off_is_not_hidden(tmp_path):
    assert check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.NOT_HIDDEN)).ok


@pytest.mark.parametrize("body_xml, parts, what", [
    (docxmaker.TRACKED_DELETION, {}, "tracked changes"),
    (docxmaker.TRACKED_INSERTION, {}, "tracked changes"),
    (docxmaker.TRACKED_MOVE, {}, "tracked changes"),
    (docxmaker.FORMAT_CHANGE, {}, "tracked changes"),
    (docxmaker.COMMENTED, {"word/comments.xml": docxmaker.COMMENTS_PART}, "comments"),
    ("", {"word/comments.xml": docxmaker.COMMENTS_PART}, "comments"),  # a comment whose anchor is gone
    (docxmaker.HIDDEN, {}, "hidden text"),
    (docxmaker.SPEC_HIDDEN, {}, "hidden text"),
])
def test_what_must_not_be_published_withholds_it(tmp_path, body_xml, parts, what):
    found = check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=body_xml, parts=parts))
    assert not found.ok
    assert found.problem == f"still has {what}, which would be published with it, so it is not published."
    assert "Accept (or Reject) All Changes" in found.advice and "Delete All Comments" in found.advice
    assert "hidden text" in found.advice


def test_all_that_is_wrong_is_said_at_once(tmp_path):
    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.TRACKED_DELETION + docxmaker.COMMENTED + docxmaker.HIDDEN,
                                 parts={"word/comments.xml": docxmaker.COMMENTS_PART})
    assert check_docx(path).problem.startswith("still has tracked changes, comments and hidden text,")


def test_a_style_that_hides_text_is_hidden_text(tmp_path):
    document = docxmaker.report_document()
    document.styles["Normal"].font.hidden = True
    assert check_docx(docxmaker.save(document, tmp_path / "r.docx")).problem.startswith("still has hidden text")


def test_tracked_changes_in_a_footnote_are_found(tmp_path):
    footnotes = (f'<w:footnotes xmlns:w="{docxmaker.W_NS}"><w:footnote w:id="1"><w:p><w:del w:id="5" w:author="X">'
                 "<w:r><w:delText>secret</w:delText></w:r></w:del></w:p></w:footnote></w:footnotes>")
    path = docxmaker.make_report(tmp_path / "r.docx", parts={"word/footnotes.xml": footnotes})
    assert check_docx(path).problem.startswith("still has tracked changes")


def test_any_prefix_for_the_word_namespace_is_read(tmp_path):
    """The check parses the XML: a file that names the namespace differently cannot slip past it."""
    body = (f'<x:document xmlns:x="{docxmaker.W_NS}"><x:body><x:p><x:del x:id="1" x:author="A"><x:r>'
            "<x:delText>gone</x:delText></x:r></x:del></x:p></x:body></x:document>")
    path = docxmaker.make_report(tmp_path / "r.docx", parts={"word/document.xml": body})
    assert check_docx(path).problem.startswith("still has tracked changes")


def test_a_picture_linked_from_outside_is_withheld(tmp_path):
    path = docxmaker.make_report(tmp_path / "r.docx")
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="file:///etc/passwd" TargetMode="External"/></Relationships>')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert "pictures linked from outside the document" in check_docx(path).problem


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a Word file", b"%PDF-1.4 a PDF renamed"])
def test_a_file_that_is_not_a_docx_is_withheld_plainly(tmp_path, content):
    path = tmp_path / "r.docx"
    path.write_bytes(content)
    found = check_docx(path)
    assert found.problem == "is damaged and could not be read (it is not a sound .docx file)."
    assert found.advice == wordsafety.REMAKE


def test_a_zip_without_a_document_is_not_a_word_file(tmp_path):
    path = tmp_path / "r.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert check_docx(path).problem == "is not a Word document, although its name ends in .docx."


def test_a_document_with_a_dtd_is_withheld(tmp_path):
    """Word never writes a DTD; one with entities is how XML is made to expand without end."""
    body = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{docxmaker.W_NS}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    path = docxmaker.make_report(tmp_path / "r.docx", parts={"word/document.xml": body})
    assert check_docx(path).problem.startswith("is damaged")


def test_a_zip_bomb_is_withheld_without_unpacking_it(tmp_path):
    """A part that unzips to 64 MB from 64 KB: refused from what the zip declares."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{docxmaker.W_NS}"><w:body/></w:document>')
        with archive.open("word/media/image1.png", "w", force_zip64=True) as part:
            block = bytes(1 << 20)
            for _ in range(64):
                part.write(block)
    found = check_docx(path)
    assert found.problem == "has a part (word/media/image1.png) that unzips to 200 times its size or more, so it is not published."
    assert "damaged, or made to overload" in found.advice


def test_too_many_parts_are_withheld(tmp_path, monkeypatch):
    monkeypatch.setattr(wordsafety, "MAX_PARTS", 5)
    path = docxmaker.make_report(tmp_path / "r.docx")
    assert check_docx(path).problem == "has more than 5 parts inside it, so it is not published."


def test_more_than_a_report_holds_is_withheld(tmp_path, monkeypatch):
    monkeypatch.setattr(wordsafety, "MAX_UNPACKED", 1000)
    path = docxmaker.make_report(tmp_path / "r.docx")
    assert check_docx(path).problem == "holds more than 0 MB once unzipped, so it is not published."


# Files made to walk around the check (issue 23): each hides a marker where Word does not show it.

def test_strict_open_xml_is_refused_with_advice_to_save_it_as_a_word_document(tmp_path):
    """mammoth reads Strict's namespaces as the usual ones: the hidden marker would be published."""
    found = check_docx(docxmaker.strict_report(tmp_path / "r.docx", "MARKERSECRET1"))
    assert found.problem == wordsafety.STRICT_PROBLEM
    assert '"Word Document (.docx)"' in found.advice and '(not "Strict Open XML Document")' in found.advice


def test_the_main_part_is_the_one_the_package_names_not_a_decoy(tmp_path):
    found = check_docx(docxmaker.relocated_report(tmp_path / "r.docx", "MARKERSECRET2"))
    assert found.problem == "still has hidden text, which would be published with it, so it is not published."


def test_a_clean_main_part_elsewhere_passes_and_is_the_part_read(tmp_path):
    path = docxmaker.relocated_report(tmp_path / "r.docx", "MARKERSECRET2")
    files = docxmaker.files_of(path)
    files["word/main.xml"] = files["word/main.xml"].replace(b"<w:vanish/>", b"")
    found = check_docx(docxmaker.write_files(path, files))
    assert found.ok and found.main_part == "word/main.xml" and "MARKERSECRET2" in found.words


@pytest.mark.parametrize("change, problem", [
    # the package names a main part that is not there: mammoth would read word/document.xml instead
    (lambda files: files.update({"_rels/.rels": files["_rels/.rels"].replace(b"word/document.xml", b"word/gone.xml")}),
     wordsafety.NOT_AS_WORD_SAVES),
    # two main parts: mammoth reads the first, Word neither
    (lambda files: files.update({"_rels/.rels": files["_rels/.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdTwo" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')}), wordsafety.NOT_AS_WORD_SAVES),
    # no package relationships at all: Word cannot open it
    (lambda files: files.pop("_rels/.rels"), "is not a Word document, although its name ends in .docx."),
    # footnotes nothing relates, which mammoth would still read
    (lambda files: files.update({"word/footnotes.xml": f'<w:footnotes xmlns:w="{docxmaker.W_NS}"/>'.encode()}),
     wordsafety.NOT_AS_WORD_SAVES),
    # a %-escaped main part: Word reads word/document.xml, mammoth the part literally named so
    (lambda files: files.update({"_rels/.rels": files["_rels/.rels"].replace(b"word/document.xml", b"word/docu%6Dent.xml"),
                                 "word/docu%6Dent.xml": files["word/document.xml"]}), wordsafety.NOT_AS_WORD_SAVES),
    # footnotes through "..": Word resolves it, mammoth reads a part literally named so
    (lambda files: docxmaker._relate(files, "word/_rels/document.xml.rels", "footnotes", "../word/fn.xml") or files.update(
        {"word/../word/fn.xml": f'<w:footnotes xmlns:w="{docxmaker.W_NS}"/>'.encode()}), wordsafety.NOT_AS_WORD_SAVES),
    # a picture through "..": mammoth looks for it under word/ as it is written
    (lambda files: files.update({"word/_rels/document.xml.rels": files["word/_rels/document.xml.rels"].replace(
        b'Target="media/image1.png"', b'Target="../word/media/image1.png"')}), wordsafety.NOT_AS_WORD_SAVES),
    # two parts whose names differ only in case: Word's part names do not tell them apart
    (lambda files: files.update({"Word/Document.xml": files["word/document.xml"]}), wordsafety.NOT_AS_WORD_SAVES),
])
def test_parts_mammoth_would_find_differently_from_word_are_refused(tmp_path, change, problem):
    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    change(files)
    found = check_docx(docxmaker.write_files(path, files))
    assert found.problem == problem and found.advice == wordsafety.REMAKE


def test_footnotes_at_another_path_are_the_ones_read(tmp_path):
    found = check_docx(docxmaker.notes_elsewhere_report(tmp_path / "r.docx", "MARKERSECRET3"))
    assert found.problem == "still has hidden text, which would be published with it, so it is not published."


def test_comments_at_another_path_are_found(tmp_path):
    found = check_docx(docxmaker.comments_elsewhere_report(tmp_path / "r.docx", "MARKERSECRET4"))
    assert found.problem == "still has comments, which would be published with it, so it is not published."
    assert "Delete All Comments" in found.advice


def test_an_older_version_unlike_what_word_shows_is_refused(tmp_path):
    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.alternate_content("Shown words.", "MARKERSECRET5"))
    found = check_docx(path)
    assert found.problem == wordsafety.TWO_VERSIONS and "text box" in found.advice


@pytest.mark.parametrize("fallback", ["Shown words.", ""])
def test_an_older_version_with_the_same_words_or_none_passes(tmp_path, fallback):
    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.alternate_content("Shown words.", fallback))
    assert check_docx(path).ok


def test_an_unknown_markup_compatibility_element_is_refused(tmp_path):
    body = f'<w:p><mc:Unheard xmlns:mc="{docxmaker.MC_NS}"><w:r><w:t>MARKERSECRET5</w:t></w:r></mc:Unheard></w:p>'
    assert check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=body)).problem == wordsafety.UNKNOWN_MARKUP


def test_markup_compatibility_in_relationships_is_refused(tmp_path):
    """mammoth takes the older version of a relationship too: a decoy could be read there."""
    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Fallback/></mc:AlternateContent>'
        "</Relationships>".encode())
    assert check_docx(docxmaker.write_files(path, files)).problem == wordsafety.UNKNOWN_MARKUP


def test_words_inside_a_fields_code_are_refused(tmp_path):
    found = check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.field_code("MARKERSECRET6")))
    assert found.problem == wordsafety.FIELD_CODE and "Alt+F9" in found.advice


def test_a_fields_result_is_shown(tmp_path):
    found = check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=docxmaker.field_code("")))
    assert found.ok and "7" in found.words


def test_a_linked_picture_gets_advice_about_linked_pictures(tmp_path):
    found = check_docx(docxmaker.linked_picture_report(tmp_path / "r.docx"))
    assert found.problem == ("has pictures linked from outside the document (its web page would show whatever is at "
                             "their addresses, not the report's pictures), so it is not published.")
    assert found.advice == wordsafety.LINKED_PICTURES
    assert "Link to File" in found.advice and "Break Link" in found.advice and "Track Changes" not in found.advice


def test_a_linked_picture_and_hidden_text_get_both_advices(tmp_path):
    path = docxmaker.linked_picture_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    files["word/document.xml"] = files["word/document.xml"].replace(b"<w:sectPr", docxmaker.HIDDEN.encode() + b"<w:sectPr", 1)
    found = check_docx(docxmaker.write_files(path, files))
    assert found.problem == ("still has hidden text, which would be published with it; it also has pictures linked "
                             "from outside the document, so it is not published.")
    assert found.advice == wordsafety.FIX_IN_WORD + " " + wordsafety.LINKED_PICTURES


def test_a_password_protected_file_is_said_to_be_protected_not_damaged(tmp_path):
    found = check_docx(docxmaker.compound_file(tmp_path / "r.docx", "MARKERSECRET10"))
    assert found.problem == "is protected with a password, so sitegen cannot read it and it is not published."
    assert "Encrypt with Password" in found.advice and "clear the password" in found.advice


def test_an_old_word_file_named_docx_is_said_to_be_old(tmp_path):
    found = check_docx(docxmaker.compound_file(tmp_path / "r.docx", "MARKERSECRET10", encrypted=False))
    assert found.problem == "is an old Word 97-2003 document, although its name ends in .docx, so it is not published."
    assert '"Word Document (.docx)"' in found.advice


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_dtd_is_refused_in_any_encoding(tmp_path, encoding):
    """mammoth's parser would expand the entity (the marker) onto the page."""
    found = check_docx(docxmaker.dtd_report(tmp_path / "r.docx", "MARKERSECRET9", encoding))
    assert found.problem == "is damaged and could not be read (it is not a sound .docx file)."


@pytest.mark.parametrize("part", ["_rels/.rels", "[Content_Types].xml", "word/styles.xml", "word/_rels/document.xml.rels"])
def test_a_dtd_in_any_part_mammoth_parses_is_refused(tmp_path, part):
    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    text = re.sub(r"encoding=[\"'][^\"']*[\"']", 'encoding="UTF-16"', files[part].decode("utf-8"), count=1)
    assert check_docx(docxmaker.write_files(path, files | {part: text.encode("utf-16")})).ok  # UTF-16 alone is read
    text = re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + '<!DOCTYPE x [<!ENTITY e "MARKERSECRET9">]>', text, count=1)
    found = check_docx(docxmaker.write_files(path, files | {part: text.encode("utf-16")}))
    assert found.problem.startswith("is damaged")


@pytest.mark.parametrize("inside, problem", [
    # Word's own: a floating picture's position, in two versions; no picture in either
    ('<wp:positionH relativeFrom="column"><mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="wp14">'
     '<wp14:pctPosHOffset xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing">1000'
     '</wp14:pctPosHOffset></mc:Choice><mc:Fallback><wp:posOffset>5</wp:posOffset></mc:Fallback></mc:AlternateContent>'
     "</wp:positionH>", None),
    # another picture in the older version, which mammoth would publish
    ('<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="w"/><mc:Fallback><a:blip xmlns:a="http://schemas.'
     'openxmlformats.org/drawingml/2006/main" r:embed="rIdOther"/></mc:Fallback></mc:AlternateContent>',
     wordsafety.TWO_VERSIONS),
])
def test_two_versions_inside_a_picture_are_refused_only_when_they_hold_a_picture(tmp_path, inside, problem):
    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    body = files["word/document.xml"].decode("utf-8")
    body = re.sub(r"(<wp:inline\b[^>]*>)", lambda m: m.group(1) + inside.format(mc=docxmaker.MC_NS), body, count=1)
    found = check_docx(docxmaker.write_files(path, files | {"word/document.xml": body.encode("utf-8")}))
    assert found.problem == problem


def text_box(newer: str, older: str) -> str:
    """A text box as Word 2010 and later save one: DrawingML for Word (Choice), VML for older readers
    (Fallback, which mammoth renders)."""
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    return (f'<w:p><w:r><mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><a:graphic '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="x">'
            f'<wps:wsp xmlns:wps="{wps}"><wps:txbx><w:txbxContent><w:p><w:r><w:t>{newer}</w:t></w:r></w:p></w:txbxContent>'
            "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            '<v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent><w:p><w:r>'
            f"<w:t>{older}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r></w:p>")


def test_a_text_box_as_word_saves_it_is_published(tmp_path):
    from sitegen.documents.renditions import make_rendition

    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=text_box("Box text here", "Box text here"))
    assert check_docx(path).ok
    assert "Box text here" in make_rendition(path).html


def test_a_text_box_whose_older_version_says_more_is_refused(tmp_path):
    path = docxmaker.make_report(tmp_path / "r.docx", body_xml=text_box("Box text", "Box text MARKERSECRET5"))
    assert check_docx(path).problem == wordsafety.TWO_VERSIONS


def test_hidden_text_is_told_before_what_the_check_cannot_vouch_for(tmp_path):
    """Hidden text in an older version: the officer is told what Word's Review tools fix first."""
    body = docxmaker.alternate_content("Shown words.", "MARKERSECRET5").replace(
        "<w:r><w:t>MARKERSECRET5", "<w:r><w:rPr><w:vanish/></w:rPr><w:t>MARKERSECRET5")
    found = check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=body + docxmaker.field_code("x")))
    assert found.problem.startswith("still has hidden text")


def test_two_parts_of_one_name_are_refused(tmp_path):
    """zipfile (and so mammoth) reads the last of two parts of one name; Word may read the first."""
    import warnings

    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name, which is the point
        archive.writestr("word/document.xml", files["word/document.xml"].replace(b"Introduction", b"MARKERSECRET2"))
    assert check_docx(path).problem == wordsafety.NOT_AS_WORD_SAVES


@pytest.mark.parametrize("body", [
    '<w:p><w:t>MARKERSECRET14</w:t></w:p>',  # text outside a run: Word does not show it, mammoth does
    '<w:p><w:hyperlink w:anchor="x"><w:t>MARKERSECRET14</w:t></w:hyperlink></w:p>',
    '<w:p><w:r><w:t>Seen <w:x>MARKERSECRET14</w:x></w:t></w:r></w:p>',  # mammoth takes every text inside w:t
])
def test_text_where_word_does_not_show_it_is_refused(tmp_path, body):
    assert check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=body)).problem == wordsafety.UNKNOWN_MARKUP


def test_two_versions_of_a_content_controls_content_are_refused(tmp_path):
    body = (f'<w:sdt><mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="w"><w:sdtContent><w:p><w:r>'
            "<w:t>Shown</w:t></w:r></w:p></w:sdtContent></mc:Choice><mc:Fallback><w:sdtContent><w:p><w:r>"
            "<w:t>MARKERSECRET5</w:t></w:r></w:p></w:sdtContent></mc:Fallback></mc:AlternateContent></w:sdt>")
    assert check_docx(docxmaker.make_report(tmp_path / "r.docx", body_xml=body)).problem == wordsafety.TWO_VERSIONS


def test_two_versions_of_the_whole_body_are_refused(tmp_path):
    path = docxmaker.make_report(tmp_path / "r.docx")
    files = docxmaker.files_of(path)
    body = files["word/document.xml"].decode("utf-8")
    start, end = body.index("<w:body>"), body.index("</w:body>") + len("</w:body>")
    whole = body[start:end]
    body = (body[:start] + f'<mc:AlternateContent xmlns:mc="{docxmaker.MC_NS}"><mc:Choice Requires="w">{whole}</mc:Choice>'
            f"<mc:Fallback>{whole.replace('Introduction', 'MARKERSECRET5')}</mc:Fallback></mc:AlternateContent>" + body[end:])
    found = check_docx(docxmaker.write_files(path, files | {"word/document.xml": body.encode("utf-8")}))
    assert found.problem == wordsafety.TWO_VERSIONS

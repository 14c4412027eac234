"""A Word file is withheld while it still carries tracked changes, comments or hidden text, or
when it is not a sound .docx (or would cost too much to unpack); a clean one passes."""

from __future__ import annotations

import zipfile

import pytest

import docxmaker
from sitegen import wordsafety
from sitegen.wordsafety import check_docx


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

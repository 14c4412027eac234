"""Word files (.docx) for tests: python-docx writes the document; what python-docx cannot
write (tracked changes, comments, hidden text set in raw XML, decorative pictures) is put
into the zip as WordprocessingML. Not part of the package."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.shared import Inches

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small, solid-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def report_document(author: str = "Jo Author", company: str = "Northshire Council") -> docx.Document:
    """A short review as comms officers' reports are: a title, headings, paragraphs, a list, a
    table with a header row, a link and a picture; a header and footer; properties naming people."""
    document = docx.Document()
    core = document.core_properties
    core.author = author
    core.last_modified_by = "Sam Editor"
    core.comments = "Draft for panel only"
    document.sections[0].header.paragraphs[0].text = "OFFICIAL-SENSITIVE header text"
    document.sections[0].footer.paragraphs[0].text = "Footer with the reviewer's phone 01234 567890"
    document.add_paragraph("Safeguarding Adults Review: Adult A", style="Title")
    document.add_heading("Introduction", level=1)
    intro = document.add_paragraph("This review looks at the care of ")
    intro.add_run("Adult A").bold = True
    intro.add_run(" between 2022 and ")
    intro.add_run("2024").italic = True
    intro.add_run(".")
    document.add_heading("Findings", level=1)
    document.add_heading("Finding one: information sharing", level=2)
    document.add_paragraph("Agencies did not share what they knew.")
    document.add_paragraph("Hospital discharge", style="List Bullet")
    document.add_paragraph("GP records", style="List Bullet")
    document.add_heading("Deep detail", level=4)
    document.add_paragraph("A point made at the fourth level.")
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Agency", "Contacts"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Police", "4"
    table.rows[2].cells[0].text, table.rows[2].cells[1].text = "Health", "11"
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(header_row.makeelement(f"{{{W_NS}}}tblHeader", {}))
    document.add_heading("Recommendations", level=1)
    document.add_paragraph("Share records at discharge.", style="List Number")
    document.add_paragraph("Train staff in mental capacity.", style="List Number")
    document.add_paragraph().add_run().add_picture(io.BytesIO(png_bytes()), width=Inches(1))
    return document


def save(document: docx.Document, path: Path, *, alt: str | None = "A chart of contacts by agency",
         decorative: bool = False, body_xml: str = "", parts: dict[str, str] | None = None,
         custom_property: str | None = None, link: str | None = None) -> Path:
    """Save `document` to `path`, then change its zip: the pictures' alt text (`alt`, None for
    none; `decorative` marks them as Word 365 does), `body_xml` added at the end of the body,
    a hyperlink to `link`, whole `parts` added or replaced, a custom property."""
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    body = files["word/document.xml"].decode("utf-8")
    body = re.sub(r'(<wp:docPr\b[^>]*?)\s+descr="[^"]*"', r"\1", body)
    if alt is not None:
        body = re.sub(r"<wp:docPr\b", f'<wp:docPr descr="{alt}"', body)
    if decorative:
        body = re.sub(r"<wp:docPr\b([^>]*)/>", r'<wp:docPr\1><a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                      r'<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative '
                      r'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/></a:ext>'
                      r"</a:extLst></wp:docPr>", body)
    if link is not None:
        rels = files["word/_rels/document.xml.rels"].decode("utf-8")
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdLink1" Type="http://schemas.openxmlformats.org/'
                            f'officeDocument/2006/relationships/hyperlink" Target="{link}" TargetMode="External"/></Relationships>')
        files["word/_rels/document.xml.rels"] = rels.encode("utf-8")
        body_xml += ('<w:p><w:r><w:t xml:space="preserve">Read the </w:t></w:r><w:hyperlink r:id="rIdLink1">'
                     "<w:r><w:t>national guidance</w:t></w:r></w:hyperlink></w:p>")
    if body_xml:
        body = body.replace("<w:sectPr", body_xml + "<w:sectPr", 1)
    files["word/document.xml"] = body.encode("utf-8")
    if custom_property is not None:
        files["docProps/custom.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reviewer">'
            f"<vt:lpwstr>{custom_property}</vt:lpwstr></property></Properties>").encode("utf-8")
    for name, text in (parts or {}).items():
        files[name] = text.encode("utf-8") if isinstance(text, str) else text
        kind = RELATED.get(name)
        if kind is not None:
            _relate(files, "word/_rels/document.xml.rels", kind, name.removeprefix("word/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


# The parts `save(parts=...)` relates to the main part, as Word does (else Word would not show them).
RELATED = {f"word/{kind}.xml": kind for kind in ("footnotes", "endnotes", "comments")}
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _relate(files: dict[str, bytes], rels: str, kind: str, target: str, extra: str = "") -> None:
    """Add a relationship of `kind` to `target` in the .rels part `rels`, unless it has one to it."""
    text = files.get(rels, b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                           b'package/2006/relationships"></Relationships>').decode("utf-8")
    if f'Target="{target}"' in text:
        return
    number = len(re.findall("<Relationship ", text)) + 100
    files[rels] = text.replace("</Relationships>", f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}{kind}" '
                               f'Target="{target}"{extra}/></Relationships>').encode("utf-8")


def make_report(path: Path, **changes) -> Path:
    """A clean report (see `report_document`), saved with `save`'s `changes`."""
    return save(report_document(), path, **changes)


# WordprocessingML python-docx cannot write, to add at the end of a body with `save(body_xml=...)`.
TRACKED_DELETION = ('<w:p><w:r><w:t xml:space="preserve">Kept text. </w:t></w:r><w:del w:id="91" w:author="Pat Reviewer" '
                    'w:date="2026-01-01T00:00:00Z"><w:r><w:delText>The victim\'s address was 12 Secret Lane.</w:delText>'
                    "</w:r></w:del></w:p>")
TRACKED_INSERTION = ('<w:p><w:ins w:id="92" w:author="Pat Reviewer" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Inserted '
                     "sentence.</w:t></w:r></w:ins></w:p>")
TRACKED_MOVE = ('<w:p><w:moveFrom w:id="93" w:author="Pat Reviewer" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Moved '
                "sentence.</w:t></w:r></w:moveFrom></w:p>")
FORMAT_CHANGE = ('<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="94" w:author="Pat Reviewer"><w:rPr/></w:rPrChange></w:rPr>'
                 "<w:t>Made bold.</w:t></w:r></w:p>")
COMMENTED = ('<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Commented text.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
             '<w:r><w:commentReference w:id="0"/></w:r></w:p>')
COMMENTS_PART = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W_NS}">'
                 '<w:comment w:id="0" w:author="Pat Reviewer" w:initials="PR"><w:p><w:r><w:t>Is the family happy '
                 "with this?</w:t></w:r></w:p></w:comment></w:comments>")
HIDDEN = ('<w:p><w:r><w:t xml:space="preserve">Shown. </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr>'
          "<w:t>Hidden name: Jane Doe.</w:t></w:r></w:p>")
SPEC_HIDDEN = '<w:p><w:pPr><w:rPr><w:specVanish/></w:rPr></w:pPr><w:r><w:t>Para mark hidden.</w:t></w:r></w:p>'
NOT_HIDDEN = '<w:p><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Shown after all.</w:t></w:r></w:p>'
EMBEDDED_OBJECT = ('<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
                   'Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025" DrawAspect="Content" '
                   'ObjectID="_1"/></w:object></w:r></w:p>')

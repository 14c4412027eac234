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


def _relate(files: dict[str, bytes], rels: str, kind: str, target: str, extra: str = "", rid: str | None = None) -> None:
    """Add a relationship of `kind` to `target` in the .rels part `rels`, unless it has one to it."""
    text = files.get(rels, b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                           b'package/2006/relationships"></Relationships>').decode("utf-8")
    if f'Target="{target}"' in text:
        return
    rid = rid or f"rId{len(re.findall('<Relationship ', text)) + 100}"
    files[rels] = text.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{RELATIONSHIPS}{kind}" '
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


# Hostile Word files: each hides a marker word where Word does not show it (or in a picture's
# metadata), so that a test can say the marker is in no output byte. Each one's comment says how
# Word sees it, and how the converter (mammoth) would read it without the check.
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
TRANSITIONAL_TO_STRICT = {
    W_NS: "http://purl.oclc.org/ooxml/wordprocessingml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "http://purl.oclc.org/ooxml/drawingml/picture",
}


def hidden(marker: str) -> str:
    """A paragraph whose second run is hidden text holding `marker`."""
    return (f'<w:p><w:r><w:t xml:space="preserve">Shown. </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr>'
            f"<w:t>{marker}</w:t></w:r></w:p>")


def files_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_files(path: Path, files: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def strict_report(path: Path, marker: str) -> Path:
    """Saved as Strict Open XML (Word's "Strict Open XML Document"), with hidden text: mammoth maps
    Strict's namespaces to the usual ones and renders it."""
    files = files_of(make_report(path, body_xml=hidden(marker)))
    for name, data in files.items():
        if name.endswith((".xml", ".rels")):
            text = data.decode("utf-8")
            for old, new in TRANSITIONAL_TO_STRICT.items():
                text = text.replace(old, new)
            files[name] = text.encode("utf-8")
    return write_files(path, files)


def relocated_report(path: Path, marker: str) -> Path:
    """The main part at word/main.xml (as the package's relationship says), holding hidden text, and a
    clean decoy at word/document.xml that nothing relates."""
    files = files_of(make_report(path, body_xml=hidden(marker)))
    files["word/main.xml"] = files.pop("word/document.xml")
    files["word/_rels/main.xml.rels"] = files["word/_rels/document.xml.rels"]
    files["_rels/.rels"] = files["_rels/.rels"].replace(b'Target="word/document.xml"', b'Target="word/main.xml"')
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b'"/word/document.xml"', b'"/word/main.xml"')
    files["word/document.xml"] = files_of(make_report(path.with_name("decoy.docx")))["word/document.xml"]
    path.with_name("decoy.docx").unlink()
    return write_files(path, files)


def notes_elsewhere_report(path: Path, marker: str) -> Path:
    """Footnotes at word/notes/fn.xml (related from the main part), one of them hidden text, and a
    clean decoy at the usual word/footnotes.xml."""
    reference = '<w:p><w:r><w:t>Agencies met twice</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    notes = (f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Minutes. </w:t>'
             f"</w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>{marker}</w:t></w:r></w:p></w:footnote></w:footnotes>")
    decoy = (f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>Minutes.</w:t></w:r></w:p>'
             "</w:footnote></w:footnotes>")
    files = files_of(make_report(path, body_xml=reference))
    files["word/notes/fn.xml"] = notes.encode("utf-8")
    files["word/footnotes.xml"] = decoy.encode("utf-8")
    _relate(files, "word/_rels/document.xml.rels", "footnotes", "notes/fn.xml")
    return write_files(path, files)


def comments_elsewhere_report(path: Path, marker: str) -> Path:
    """Comments at word/review/notes.xml, related from the main part, with no mark in the body."""
    comments = (f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="0" w:author="Pat Reviewer"><w:p><w:r>'
                f"<w:t>{marker}</w:t></w:r></w:p></w:comment></w:comments>")
    files = files_of(make_report(path))
    files["word/review/notes.xml"] = comments.encode("utf-8")
    _relate(files, "word/_rels/document.xml.rels", "comments", "review/notes.xml")
    return write_files(path, files)


def alternate_content(choice: str, fallback: str) -> str:
    """A paragraph of mc:AlternateContent: Word shows the Choice, mammoth renders the Fallback."""
    return (f'<w:p><mc:AlternateContent xmlns:mc="{MC_NS}"><mc:Choice Requires="w"><w:r><w:t>{choice}</w:t></w:r>'
            f"</mc:Choice><mc:Fallback><w:r><w:t>{fallback}</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>")


def field_code(marker: str) -> str:
    """A field (a page number) with words typed into its code, which Word shows only with Alt+F9."""
    return ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE '
            f'</w:instrText></w:r><w:r><w:t>{marker}</w:t></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def photo_with_metadata(marker: str, kind: str = "JPEG") -> bytes:
    """A small picture whose EXIF (description, artist, GPS position), comment, XMP and (PNG) text
    chunk all hold `marker`."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (8, 6), (20, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = f"Photo of {marker}"  # ImageDescription
    exif[0x013B] = marker  # Artist
    exif[0x8825] = {1: "N", 2: (52.0, 12.0, 30.0), 3: "W", 4: (1.0, 30.0, 0.0)}  # GPS
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{marker}"/></rdf:RDF></x:xmpmeta>')
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", exif=exif, comment=marker.encode(), xmp=xmp.encode())
    else:
        info = PngInfo()
        info.add_text("Comment", marker)
        info.add_itxt("XML:com.adobe.xmp", xmp)
        image.save(out, "PNG", exif=exif, pnginfo=info)
    return out.getvalue()


def report_with_picture(path: Path, picture: bytes) -> Path:
    """A clean report whose only picture is `picture`."""
    document = report_document()
    document.add_paragraph().add_run().add_picture(io.BytesIO(picture), width=Inches(1))
    files = files_of(save(document, path))
    return write_files(path, files)


def picture_shown_otherwise(path: Path, change: str) -> Path:
    """A clean report whose picture Word shows otherwise than its file holds it: "cropped" (the right
    half cut off, as a crop hides a name in a screenshot), "hidden" (Word's Selection Pane, eye shut),
    "see-through" (transparency 100%) or "blurred" (an artistic effect)."""
    files = files_of(make_report(path))
    body = files["word/document.xml"].decode("utf-8")
    a14 = 'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main"'
    if change == "cropped":
        body = re.sub(r"(<a:blip [^>]*?)(/>|>.*?</a:blip>)", r'\1\2<a:srcRect r="50000"/>', body, count=1, flags=re.S)
    elif change == "hidden":
        body = re.sub(r"<wp:docPr ", '<wp:docPr hidden="1" ', body, count=1)
    elif change == "see-through":
        body = re.sub(r"(<a:blip [^>]*?)/>", r'\1><a:alphaModFix amt="0"/></a:blip>', body, count=1)
    elif change == "blurred":
        body = re.sub(r"(<a:blip [^>]*?)/>", r'\1><a:extLst><a:ext uri="{BEBA8EAE-BF5A-486C-A8C5-ECC9F3942E4B}">'
                      rf'<a14:imgProps {a14}><a14:imgLayer><a14:imgEffect><a14:artisticBlur radius="40"/></a14:imgEffect>'
                      r"</a14:imgLayer></a14:imgProps></a:ext></a:extLst></a:blip>", body, count=1)
    else:
        raise ValueError(change)
    assert body != files["word/document.xml"].decode("utf-8"), change
    files["word/document.xml"] = body.encode("utf-8")
    return write_files(path, files)


def svg_report(path: Path, marker: str) -> Path:
    """A report whose picture is an SVG that runs script and holds `marker` as text."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert("{marker}")</script>'
           f'<text x="0" y="9">{marker}</text></svg>')
    files = files_of(make_report(path))
    del files["word/media/image1.png"]
    files["word/media/image1.svg"] = svg.encode("utf-8")
    rels = "word/_rels/document.xml.rels"
    files[rels] = files[rels].replace(b"media/image1.png", b"media/image1.svg")
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    return write_files(path, files)


def linked_picture_report(path: Path) -> Path:
    """A report whose picture is linked from outside the file (Word's Insert, Pictures, Link to File)."""
    files = files_of(make_report(path))
    body = files["word/document.xml"].decode("utf-8")
    files["word/document.xml"] = re.sub(r'r:embed="[^"]*"', 'r:link="rIdLinked"', body).encode("utf-8")
    _relate(files, "word/_rels/document.xml.rels", "image", "https://photos.example/family.png", ' TargetMode="External"',
            rid="rIdLinked")
    return write_files(path, files)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def compound_file(path: Path, marker: str, encrypted: bool = True) -> Path:
    """An OLE compound file as Word saves a .docx with a password (streams EncryptionInfo and
    EncryptedPackage), or a Word 97-2003 document (a WordDocument stream): only its header and
    directory names, which is all sitegen reads of one."""
    names = ("EncryptionInfo", "EncryptedPackage") if encrypted else ("WordDocument", "1Table")
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in ("Root Entry",) + names)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(OLE_MAGIC + bytes(504) + directory + marker.encode("utf-8").ljust(512, b"\0"))
    return path


def dtd_report(path: Path, marker: str, encoding: str = "utf-16") -> Path:
    """A main part in `encoding` that declares an entity holding `marker` (a DTD, which Word never
    writes): a parser that expands it puts the marker on the page."""
    body = (f'<?xml version="1.0" encoding="{encoding.upper()}"?><!DOCTYPE w:document [<!ENTITY secret "{marker}">]>'
            f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>')
    return make_report(path, parts={"word/document.xml": body.encode(encoding)})

"""Safe PDFs: what a PDF carries besides its pages, and the copy that is published.

SAR and DHR reports are anonymised; the file around them often is not. A PDF's
properties can name the social worker who wrote it, comments can carry their
name and their notes, and attachments can hold an unredacted draft.

`audit` lists what a comms officer should know about a PDF (`check` warns about
each); `clean` makes the copy that is published:

- the document information dictionary keeps only /Title;
- XMP metadata, when the PDF has it, is rewritten to hold only the title, the
  format and the PDF/A and PDF/UA identification (so a conforming file still
  says so); it is removed when none of these is there;
- the trailer /ID is replaced by one made from the original's SHA-256, so the
  copy cannot be linked to the author's computer or other copies, and the
  same report always gives the same bytes;
- comments keep their text but lose their author label (/T);
- pages, content, tags and the structure tree, links, outlines, form fields and
  attachments are copied unchanged. The original in reports/ is never changed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pypdf is imported when a PDF is first read: a build with a warm cache never needs it
    from pypdf import PdfReader, PdfWriter

from sitegen.xmltext import xml_text
from sitegen.problems import Problem, warning

# Information dictionary keys that say nothing about people.
NEUTRAL_INFO = {"/Title", "/Producer", "/CreationDate", "/ModDate", "/Trapped"}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    "http://www.aiim.org/pdfua/ns/id/": "pdfuaid",
}
# XMP properties that say nothing about people (identification is kept in the copy).
NEUTRAL_XMP = {"dc:title", "dc:format", "pdf:Producer", "pdf:PDFVersion", "pdf:Trapped", "xmp:CreateDate",
               "xmp:ModifyDate", "xmp:MetadataDate", "xmpMM:DocumentID", "xmpMM:InstanceID",
               "xmpMM:RenditionClass", "xmpMM:VersionID"}
KEPT_IDS = {"pdfaid": ("part", "conformance", "amd", "rev"), "pdfuaid": ("part", "amd", "rev")}
NOT_COMMENTS = {"/Link", "/Widget", "/Popup"}  # links and form fields are not comments; a popup belongs to one


@dataclass(frozen=True)
class PdfSafety:
    """What a PDF carries besides its pages."""

    personal: tuple[str, ...] = ()  # properties that can name people: "Author", "XMP dc:creator"
    comments: int = 0  # comments, highlights, drawings and other mark-up
    attachments: int = 0
    form_fields: int = 0
    tagged: bool = False  # /MarkInfo /Marked true: screen readers can follow its structure
    language: bool = False  # /Lang
    title: bool = False

    @classmethod
    def from_dict(cls, data: dict) -> "PdfSafety":
        return cls(**{**data, "personal": tuple(data.get("personal", ()))})


@dataclass(frozen=True)
class _Xmp:
    personal: tuple[str, ...]
    title: str | None
    ids: dict[str, dict[str, str]]  # {"pdfaid": {"part": "1", "conformance": "B"}}


def audit(reader: PdfReader, title: str | None) -> PdfSafety:
    """What `check` should say about this PDF. `title` is its information title, if any."""
    root = reader.trailer["/Root"].get_object()
    info = _info(reader)
    personal = [key.lstrip("/") for key, value in info.items()
                if key not in NEUTRAL_INFO and not key.startswith("/PTEX.") and _text(value)]
    xmp = _read_xmp(reader)
    personal += [f"XMP {name}" for name in xmp.personal]
    comments = attachments = 0
    for page in reader.pages:
        for annot in _annotations(page):
            subtype = annot.get("/Subtype")
            if subtype == "/FileAttachment":
                attachments += 1
            elif subtype not in NOT_COMMENTS:
                comments += 1
    mark = root.get("/MarkInfo")
    mark = mark.get_object() if mark is not None else {}
    return PdfSafety(
        personal=tuple(dict.fromkeys(personal)),
        comments=comments,
        attachments=attachments + len(_embedded_files(reader)),
        form_fields=len(reader.get_fields() or {}),
        tagged=mark.get("/Marked", False) == True,  # noqa: E712 - a pypdf BooleanObject is always truthy
        language=bool(_text(root.get("/Lang"))),
        title=bool(title or xmp.title),
    )


def clean(reader: PdfReader, sha256: str, title: str | None) -> bytes:
    """The bytes of the copy to publish (see the module's description). Deterministic."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, StreamObject

    xmp = _read_xmp(reader) if "/Metadata" in reader.trailer["/Root"] else None
    title = (title or "").strip() or (xmp.title if xmp else None)
    writer = PdfWriter(clone_from=reader, keep_initial_header=True)
    writer.metadata = None
    if title:
        writer.add_metadata({"/Title": title})
    root = writer.root_object
    if "/Metadata" in root:
        del root["/Metadata"]
        packet = _xmp_packet(title, xmp.ids) if xmp else None
        if packet:
            stream = StreamObject()
            stream.set_data(packet)
            stream[NameObject("/Type")] = NameObject("/Metadata")
            stream[NameObject("/Subtype")] = NameObject("/XML")
            root[NameObject("/Metadata")] = writer._add_object(stream)
    for page in writer.pages:
        for annot in _annotations(page):
            if annot.get("/Subtype") not in NOT_COMMENTS and "/T" in annot:
                del annot["/T"]
    file_id = ByteStringObject(bytes.fromhex(sha256)[:16])
    writer._ID = ArrayObject([file_id, file_id])
    _drop_unreferenced(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_unreferenced(writer: PdfWriter) -> None:
    """Remove the replaced metadata objects, and whatever only they referred to."""
    def live() -> int:
        return sum(obj is not None for obj in writer._objects)

    before = -1
    while before != live():
        before = live()
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def _info(reader: PdfReader) -> dict:
    try:
        info = reader.trailer.get("/Info")
        return dict(info.get_object()) if info is not None else {}
    except Exception:  # noqa: BLE001 - a broken information dictionary is just empty here
        return {}


def _text(value) -> str:
    try:
        value = value.get_object() if hasattr(value, "get_object") else value
    except Exception:  # noqa: BLE001
        return ""
    return str(value).strip() if value is not None else ""


def _annotations(page) -> list:
    annots = page.get("/Annots")
    if annots is None:
        return []
    annots = annots.get_object()
    found = []
    for item in annots if isinstance(annots, list) else []:
        obj = item.get_object()
        if hasattr(obj, "get"):
            found.append(obj)
    return found


def _embedded_files(reader: PdfReader) -> list[str]:
    try:
        return list(reader.attachments)
    except Exception:  # noqa: BLE001 - an unreadable name tree counts as none
        return []


def _read_xmp(reader: PdfReader) -> _Xmp:
    """The personal properties, title and identification in a PDF's XMP metadata."""
    import xml.etree.ElementTree as ET  # here: a warm build reads no PDF
    try:
        stream = reader.trailer["/Root"].get("/Metadata")
        data = stream.get_object().get_data() if stream is not None else None
    except Exception:  # noqa: BLE001
        return _Xmp(("metadata that could not be read",), None, {})
    if not data:
        return _Xmp((), None, {})
    try:
        tree = ET.fromstring(data.strip().strip(b"\x00"))
    except ET.ParseError:
        return _Xmp(("metadata that could not be read",), None, {})
    personal: list[str] = []
    title = None
    ids: dict[str, dict[str, str]] = {}
    for description in tree.iter(f"{{{RDF}}}Description"):
        properties = [(name, value) for name, value in description.attrib.items() if not name.startswith(f"{{{RDF}}}")]
        properties += [(child.tag, "".join(child.itertext())) for child in description]
        for tag, value in properties:
            namespace, _, local = tag.lstrip("{").partition("}")
            prefix = XMP_PREFIXES.get(namespace)
            name = f"{prefix}:{local}" if prefix else local
            value = " ".join(value.split())
            if prefix in KEPT_IDS:
                if local in KEPT_IDS[prefix] and value:
                    ids.setdefault(prefix, {})[local] = value
            elif name == "dc:title":
                title = title or value or None
            elif value and name not in NEUTRAL_XMP and not namespace.startswith("http://www.aiim.org/pdfa/ns/"):
                personal.append(name)
    return _Xmp(tuple(dict.fromkeys(personal)), title, ids)


def _xmp_packet(title: str | None, ids: dict[str, dict[str, str]]) -> bytes | None:
    """A minimal XMP packet with only the title and the PDF/A and PDF/UA identification."""
    if not title and not ids:
        return None
    parts = ['<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
             "<dc:format>application/pdf</dc:format>"]
    if title:
        parts.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{xml_text(title)}</rdf:li></rdf:Alt></dc:title>')
    parts.append("</rdf:Description>")
    namespaces = {prefix: ns for ns, prefix in XMP_PREFIXES.items()}
    for prefix in sorted(ids):
        values = "".join(f"<{prefix}:{key}>{xml_text(value)}</{prefix}:{key}>" for key, value in sorted(ids[prefix].items()))
        parts.append(f'<rdf:Description rdf:about="" xmlns:{prefix}="{namespaces[prefix]}">{values}</rdf:Description>')
    body = "".join(parts)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{RDF}">{body}</rdf:RDF></x:xmpmeta>\n'
            '<?xpacket end="r"?>').encode("utf-8")


OFFICE_PROPERTIES = {  # docProps/core.xml and app.xml elements that can name people, by their local name
    "creator": "Author", "lastModifiedBy": "Last modified by", "Company": "Company", "Manager": "Manager"}


def office_personal(path: Path) -> tuple[str, ...]:
    """The properties of a Word, Excel or PowerPoint file that can name people (the file is published as it is)."""
    import xml.etree.ElementTree as ET  # here: a warm build reads no document
    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for part in ("docProps/core.xml", "docProps/app.xml"):
                if part not in archive.namelist():
                    continue
                for element in ET.fromstring(archive.read(part)).iter():
                    local = element.tag.rpartition("}")[2]
                    if local in OFFICE_PROPERTIES and (element.text or "").strip():
                        found.append(OFFICE_PROPERTIES[local])
    except (OSError, zipfile.BadZipFile, ET.ParseError, KeyError, RuntimeError):
        return ()
    return tuple(dict.fromkeys(found))


def office_problems(source: str, file: str, personal: tuple[str, ...], line: int | None) -> list[Problem]:
    if not personal:
        return []
    return [warning(source, f"documents: {file} has details in its file properties that can identify people "
                            f"({', '.join(personal)}), and it is published as it is.",
                    "Remove them before it is published: in Word, Excel or PowerPoint, File, Info, Check for Issues, "
                    "Inspect Document, Document Properties and Personal Information, Remove All; then save it and "
                    "replace the file in reports/.", line=line, field="documents.file")]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def safety_problems(source: str, file: str, safety: PdfSafety, line: int | None) -> list[Problem]:
    """Plain-English warnings about one PDF that an entry lists."""
    found = []

    def warn(message: str, advice: str) -> None:
        found.append(warning(source, f"documents: {file} {message}", advice, line=line, field="documents.file"))

    if safety.personal:
        warn(f"has details in its file properties that can identify people ({', '.join(safety.personal)}).",
             "sitegen leaves them out of the copy it publishes, but the file in reports/ still has them: "
             "remove them there too before you share it anywhere else (in Word: File, Info, Check for Issues, "
             "Inspect Document; in Acrobat: File, Properties).")
    if safety.comments:
        warn(f"has {_count(safety.comments, 'comment', 'comments')} or other mark-up (notes, highlights or drawings), "
             "which will be published with it.",
             "Comments can show what reviewers said and who they are. Unless they are meant to be part of the report, "
             "delete them, save or export the PDF again and replace the file in reports/.")
    if safety.attachments:
        warn(f"has {_count(safety.attachments, 'file', 'files')} attached inside it, which will be published with it.",
             "Attached files are easy to miss and may not be anonymised. Remove the attachments "
             "(or export the PDF again without them) and replace the file in reports/.")
    if safety.form_fields:
        warn(f"has {_count(safety.form_fields, 'form field', 'form fields')}; anything typed into them is published.",
             "If it is a form for people to fill in, check the fields are empty. Otherwise print it to PDF again "
             "so the answers become plain text, and check they name no one.")
    missing = [text for ok, text in ((safety.tagged, "is not tagged for screen readers"),
                                     (safety.language, "does not say what language it is in"),
                                     (safety.title, "has no title")) if not ok]
    if missing:
        warn(", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1] + ".",
             "People who use screen readers may not be able to read it. Export it from the original document "
             "again with accessibility switched on (in Word: File, Save As, PDF, Options, tick \"Document structure "
             "tags for accessibility\"), after setting its title (File, Info, Properties) and language "
             "(Review, Language), and replace the file in reports/.")
    return found

"""Safe PDFs: what a PDF carries besides its pages, and the copy that is published.

SAR and DHR reports are anonymised; the file around them often is not. A PDF's
properties can name the social worker who wrote it, comments can carry their
name and their notes, and attachments can hold an unredacted draft.

`audit` lists what a comms officer should know about a PDF (`check` warns about
each, and about any part it could not read, since it cannot vouch for that
part); `clean` makes the copy that is published, with qpdf (through pikepdf):

- the document information dictionary keeps only /Title;
- XMP metadata, when the PDF has it, is rewritten to hold only the title, the
  format and the PDF/A and PDF/UA identification (so a conforming file still
  says so); it is removed when none of these is there;
- the trailer /ID is replaced: its first part is made from the original's
  SHA-256, and qpdf makes the second from the copy's own bytes, so the copy
  cannot be linked to the author's computer or other copies, and the same
  report always gives the same bytes;
- comments keep their text but lose their author label (/T);
- pages, content, tags and the structure tree, links, outlines, form fields and
  attachments are copied unchanged. The copy is written whole, with only the
  objects the document still uses: the old metadata, objects nothing refers to
  and what earlier edits left behind in the file are not in it. The original
  in reports/ is never changed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pikepdf is imported when a PDF is first read: a build with a warm cache never needs it
    import pikepdf

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
# The parts of a PDF that are published as they are, so that an audit that cannot read one must say so.
COMMENTS, ATTACHMENTS, FORM_FIELDS = "comments", "attached files", "form fields"
PUBLISHED_PARTS = (COMMENTS, ATTACHMENTS, FORM_FIELDS)
MAX_FIELDS = 100_000  # form fields walked before the audit stops counting (a loop, or a trap)
MAX_TREE_NODES = 100_000  # nodes of the attachments' name tree walked before the audit gives up on it


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
    unreadable: tuple[str, ...] = ()  # parts of PUBLISHED_PARTS that could not be read: nothing is known of them

    @classmethod
    def from_dict(cls, data: dict) -> "PdfSafety":
        return cls(**{**data, "personal": tuple(data.get("personal", ())),
                      "unreadable": tuple(data.get("unreadable", ()))})

    @classmethod
    def not_read(cls) -> "PdfSafety":
        """What an audit that failed as a whole can say: nothing, so every part is in doubt."""
        return cls(personal=("properties that could not be read",), unreadable=PUBLISHED_PARTS)


@dataclass(frozen=True)
class _Xmp:
    personal: tuple[str, ...]
    title: str | None
    ids: dict[str, dict[str, str]]  # {"pdfaid": {"part": "1", "conformance": "B"}}


def audit(pdf: pikepdf.Pdf, title: str | None) -> PdfSafety:
    """What `check` should say about this PDF. `title` is its information title, if any.

    Each part is read by itself: a part that cannot be read is named in `unreadable`
    (published parts) or `personal` (properties, which the copy leaves out anyway)."""
    unreadable: list[str] = []
    personal = _info_personal(pdf)
    xmp = _read_xmp(pdf)
    personal += [f"XMP {name}" for name in xmp.personal]
    try:
        comments, annotated_files = _count_annotations(pdf)
    except Exception:  # noqa: BLE001 - an unreadable page or annotation: its comments and files are in doubt
        comments, annotated_files = 0, 0
        unreadable += [COMMENTS, ATTACHMENTS]
    embedded = _embedded_files(pdf)
    if embedded is None:
        unreadable.append(ATTACHMENTS)
    fields = _form_fields(pdf)
    if fields is None:
        unreadable.append(FORM_FIELDS)
    root = pdf.Root
    return PdfSafety(
        personal=tuple(dict.fromkeys(personal)),
        comments=comments,
        attachments=annotated_files + (embedded or 0),
        form_fields=fields or 0,
        tagged=_marked(root),
        language=bool(_text(_get(root, "/Lang"))),
        title=bool(title or xmp.title),
        unreadable=tuple(dict.fromkeys(unreadable)),
    )


def clean(pdf: pikepdf.Pdf, sha256: str, title: str | None) -> bytes:
    """The bytes of the copy to publish (see the module's description). Deterministic.
    Changes `pdf` in memory (never its file)."""
    import pikepdf

    xmp = _read_xmp(pdf) if "/Metadata" in pdf.Root else None
    title = (title or "").strip() or (xmp.title if xmp else None)
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    if title:
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title)))
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]
        packet = _xmp_packet(title, xmp.ids) if xmp else None
        if packet:
            stream = pdf.make_stream(packet)
            stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
            pdf.Root.Metadata = stream
    for annot in _annotations(pdf):
        if annot.get("/Subtype") not in NOT_COMMENTS and "/T" in annot:
            del annot["/T"]
    # qpdf keeps the first part of the /ID it is given and makes the second: from the copy's
    # own bytes when `deterministic_id` is set (never the time, the file name or the original's /ID).
    file_id = pikepdf.String(bytes.fromhex(sha256)[:16])
    pdf.trailer.ID = pikepdf.Array([file_id, file_id])
    out = io.BytesIO()
    # Streams are copied as they are, never decoded (nothing is unpacked, and nothing about them changes).
    # qpdf writes only the objects the document refers to, each once, in one new cross-reference section.
    pdf.save(out, encryption=False, deterministic_id=True, fix_metadata_version=False, compress_streams=False,
             stream_decode_level=pikepdf.StreamDecodeLevel.none, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def _get(dictionary, key: str):
    """`dictionary[key]`, or None when it is not there or cannot be read."""
    try:
        return dictionary.get(key)
    except Exception:  # noqa: BLE001 - a broken reference reads as nothing
        return None


def _text(value) -> str:
    if value is None:
        return ""
    try:
        return str(value).strip()
    except Exception:  # noqa: BLE001 - a string that cannot be decoded still says something
        return "?"


def _info_personal(pdf: pikepdf.Pdf) -> list[str]:
    """The information dictionary's keys that can name people (all of them go from the copy)."""
    try:
        info = pdf.trailer.get("/Info")
        items = list(info.items()) if info is not None else []
    except Exception:  # noqa: BLE001 - the copy leaves the dictionary out whatever it holds
        return ["properties that could not be read"]
    return [key.lstrip("/") for key, value in items
            if key not in NEUTRAL_INFO and not key.startswith("/PTEX.") and _text(value)]


def _marked(root) -> bool:
    mark = _get(root, "/MarkInfo")
    return bool(mark is not None and hasattr(mark, "get") and _get(mark, "/Marked") == True)  # noqa: E712 - true, not any value


def _annotations(pdf: pikepdf.Pdf) -> list:
    """Every annotation dictionary of every page."""
    import pikepdf

    found = []
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        for item in annots if isinstance(annots, pikepdf.Array) else ():
            if isinstance(item, pikepdf.Dictionary):
                found.append(item)
    return found


def _count_annotations(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """(comments and other mark-up, files attached to annotations)."""
    comments = files = 0
    for annot in _annotations(pdf):
        subtype = annot.get("/Subtype")
        if subtype == "/FileAttachment":
            files += 1
        elif subtype not in NOT_COMMENTS:
            comments += 1
    return comments, files


def _embedded_files(pdf: pikepdf.Pdf) -> int | None:
    """How many files the document's name tree of embedded files lists; None when any part of the
    tree is not as the PDF standard describes it. (qpdf reads such a tree as empty, but a reader
    may still find files in it, and they would be published.)"""
    import pikepdf

    names = _get(pdf.Root, "/Names")
    if names is None or isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" not in names:
        return 0
    todo, seen, count = [_get(names, "/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None], set(), 0
    while todo:
        node = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or len(seen) > MAX_TREE_NODES:
            return None
        if node.is_indirect:
            if node.objgen in seen:
                return None  # a loop
            seen.add(node.objgen)
        kids, leaves = node.get("/Kids"), node.get("/Names")
        if kids is None and leaves is None or kids is not None and not isinstance(kids, pikepdf.Array) \
                or leaves is not None and (not isinstance(leaves, pikepdf.Array) or len(leaves) % 2):
            return None
        todo.extend(kids or ())
        count += len(leaves or ()) // 2
    return count


def _form_fields(pdf: pikepdf.Pdf) -> int | None:
    """The named fields of the document's form (as a reader lists them); None when they cannot be read."""
    import pikepdf

    form = _get(pdf.Root, "/AcroForm")
    if form is None:
        return 0
    try:
        todo = list(form.get("/Fields") or ())
        seen: set[tuple[int, int]] = set()
        count = 0
        while todo and len(seen) < MAX_FIELDS:
            field = todo.pop()
            if not isinstance(field, pikepdf.Dictionary) or field.is_indirect and field.objgen in seen:
                continue
            if field.is_indirect:
                seen.add(field.objgen)
            count += "/T" in field
            todo.extend(field.get("/Kids") or ())
    except Exception:  # noqa: BLE001
        return None
    return count if not todo else None


def _read_xmp(pdf: pikepdf.Pdf) -> _Xmp:
    """The personal properties, title and identification in a PDF's XMP metadata."""
    import xml.etree.ElementTree as ET  # here: a warm build reads no PDF
    try:
        stream = pdf.Root.get("/Metadata")
        data = stream.read_bytes() if stream is not None else None
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
    from xml.sax.saxutils import escape  # here: only a PDF being copied needs it

    if not title and not ids:
        return None
    parts = ['<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
             "<dc:format>application/pdf</dc:format>"]
    if title:
        parts.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>')
    parts.append("</rdf:Description>")
    namespaces = {prefix: ns for ns, prefix in XMP_PREFIXES.items()}
    for prefix in sorted(ids):
        values = "".join(f"<{prefix}:{key}>{escape(value)}</{prefix}:{key}>" for key, value in sorted(ids[prefix].items()))
        parts.append(f'<rdf:Description rdf:about="" xmlns:{prefix}="{namespaces[prefix]}">{values}</rdf:Description>')
    body = "".join(parts)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{RDF}">{body}</rdf:RDF></x:xmpmeta>\n'
            '<?xpacket end="r"?>').encode("utf-8")


OFFICE_PROPERTIES = {  # docProps/core.xml and app.xml elements that can name people, by their local name
    "creator": "Author", "lastModifiedBy": "Last modified by", "Company": "Company", "Manager": "Manager"}


MAX_PROPERTIES = 1_000_000  # bytes of docProps/core.xml or app.xml, unzipped


def office_personal(path: Path) -> tuple[str, ...]:
    """The properties of a Word, Excel or PowerPoint file that can name people (the file is published as it is)."""
    import xml.etree.ElementTree as ET  # here: a warm build reads no document
    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for part in ("docProps/core.xml", "docProps/app.xml"):
                if part not in archive.namelist() or archive.getinfo(part).file_size > MAX_PROPERTIES:
                    continue  # a real one is a few KB: one that unzips to more is not read (a zip bomb)
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
    if safety.unreadable:
        parts = list(safety.unreadable)
        warn(f"could not be checked for {', '.join(parts[:-1]) + ' or ' if len(parts) > 1 else ''}{parts[-1]}: "
             "sitegen could not read that part of it, so it cannot say whether there are any, and any there "
             "would be published with it.",
             "Open it in a PDF reader and look (in Acrobat: View, Show/Hide, Side panels, Attachments and Comments). "
             "To be sure nothing is hidden there, export it as PDF again from the original document and replace "
             "the file in reports/.")
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

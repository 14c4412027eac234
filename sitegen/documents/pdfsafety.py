"""Safe PDFs: what a PDF carries besides its pages, and the copy that is published.

SAR and DHR reports are anonymised; the file around them often is not. A PDF's
properties can name the social worker who wrote it, comments can carry their
name and their notes, and attachments can hold an unredacted draft. A PDF can
also carry code (JavaScript) and actions that open other programs or files.

`audit` lists what a comms officer should know about a PDF (`check` warns about
each, and about any part it could not read, since it cannot vouch for that
part). `active_content` names what would make the PDF run code, open or send
anything, or carry other files: such a PDF is withheld, never published (see
`active_content` for why it is withheld rather than stripped). `clean` makes the
copy that is published of any other PDF, with qpdf (through pikepdf):

- the document information dictionary keeps only /Title, which is the title the
  entry gives the document (never the PDF's own Title property, which often
  names the author, the person reviewed or a draft's history);
- XMP metadata of the document is rewritten to hold only that title, the format
  and the PDF/A and PDF/UA identification (so a conforming file still says so);
  every other metadata stream, on pages, images, fonts or anything else, goes;
- every private-data dictionary (/PieceInfo) goes, wherever it is;
- comments keep their text but lose their author label (/T) and the times they
  were made and changed, popups and replies included;
- a digital signature loses who signed, where, why and when, and its certificate
  (the copy is written again, so it would no longer hold), and so does the
  document's security store of its signers' certificates (/DSS);
- the trailer /ID is replaced: its first part is made from the original's
  SHA-256, and qpdf makes the second from the copy's own bytes, so the copy
  cannot be linked to the author's computer or other copies, and the same
  report always gives the same bytes;
- the document's catalog keeps only the parts a reader needs to show, move
  around and read aloud the pages (`CATALOG_KEYS`): a part nobody listed, such as
  web capture's record of the paths pages were captured from, is left out;
- pages, content, tags and the structure tree, links, outlines and form fields
  are copied unchanged. The copy is written whole, with only the objects the
  document still uses: the old metadata, objects nothing refers to and what
  earlier edits left behind in the file are not in it. The original in
  reports/ is never changed.

`leftovers` is the safety net: the written copy is opened again and every object
in it walked; anything of a kind that must not be published (active content,
metadata other than the rewritten XMP, private data, comment authors, properties
other than the title) means the copy is not published.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pikepdf is imported when a PDF is first read: a build with a warm cache never needs it
    import pikepdf

from sitegen.core.problems import Problem, warning

# Information dictionary keys that say nothing about people.
# /Creator and /Producer name the program that made the file ("Microsoft Word", "TeX"), not a person:
# they go from the copy like every property but the title, but are no reason to warn anyone.
NEUTRAL_INFO = {"/Title", "/Creator", "/Producer", "/CreationDate", "/ModDate", "/Trapped"}

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
NEUTRAL_XMP = {"dc:title", "dc:format", "pdf:Producer", "xmp:CreatorTool", "pdf:PDFVersion", "pdf:Trapped", "xmp:CreateDate",
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
    own_title: str | None = None  # the PDF's own Title property (information dictionary, else XMP), as it reads
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


def audit(pdf: pikepdf.Pdf, title: str | None, found: Survey | None = None) -> PdfSafety:
    """What `check` should say about this PDF. `title` is its information title, if any.

    Each part is read by itself: a part that cannot be read is named in `unreadable`
    (published parts) or `personal` (properties, which the copy leaves out anyway)."""
    unreadable: list[str] = []
    personal = _info_personal(pdf)
    xmp = _read_xmp(pdf)
    personal += [f"XMP {name}" for name in xmp.personal]
    try:
        personal += hidden_personal(pdf, found)
    except Exception:  # noqa: BLE001 - the copy leaves all of it out, and is checked for it once written
        personal.append("parts that could not be read for personal details")
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
        own_title=_one_line(title or xmp.title or "") or None,
        unreadable=tuple(dict.fromkeys(unreadable)),
    )


def clean(pdf: pikepdf.Pdf, sha256: str, title: str | None, found: Survey | None = None) -> bytes:
    """The bytes of the copy to publish (see the module's description), whose only title is `title`
    (the entry's title for the document; None: no title at all); `found` is its `survey`, when made
    already. Deterministic. Changes `pdf` in memory (never its file). Active content is not removed here: a PDF that has any is withheld
    before it is copied (`active_content`), and `leftovers` refuses a copy that still has any."""
    import pikepdf

    xmp = _read_xmp(pdf) if "/Metadata" in pdf.Root else None
    title = _one_line(title or "") or None
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        for key in list(info.keys()):  # emptied too, in case anything else still refers to it
            del info[key]
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    if title:
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title)))
    strip_personal(pdf, found)
    _keep_only(pdf.Root, CATALOG_KEYS)
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        _keep_only(names, NAME_TREES)
    packet = _xmp_packet(title, xmp.ids) if xmp else None  # a PDF without XMP gets none
    if packet:
        stream = pdf.make_stream(packet)
        stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = stream
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


# The parts of the document's catalog (and of its name dictionary) the copy keeps: those a reader
# needs to show the pages, move around them and read them aloud. The copy is made from this list,
# not by removing what is known to be bad, so a part nobody thought of is left out: such as web
# capture's records of where each page came from (/SpiderInfo, and the /IDS and /URLS name trees),
# which can hold the paths and user names of the computer that captured them, the base address of
# links (/URI), and what only a signature used (/Perms, /Legal), which the copy would no longer hold.
# What would make the file run or carry anything (`ACTIVE_PARTS`) has withheld it before it is copied
# (`active_content`); were that check to miss it, it is left in the copy for `leftovers` to refuse,
# never taken out silently.
ACTIVE_PARTS = {"/AA", "/Collection", "/AF", "/JavaScript", "/EmbeddedFiles"}
CATALOG_KEYS = {"/Type", "/Version", "/Extensions", "/Pages", "/PageLabels", "/Names", "/Dests", "/ViewerPreferences",
                "/PageLayout", "/PageMode", "/Outlines", "/Threads", "/OpenAction", "/AcroForm", "/Metadata",
                "/StructTreeRoot", "/MarkInfo", "/Lang", "/OutputIntents", "/OCProperties", "/Requirements",
                "/NeedsRendering"}
NAME_TREES = {"/Dests", "/AP", "/Pages", "/Templates"}  # named destinations, appearances, page templates


def _keep_only(dictionary, keys: set[str]) -> None:
    for key in _unlisted(dictionary, keys):
        del dictionary[key]


def _unlisted(dictionary, keys: set[str]) -> list[str]:
    """The keys of `dictionary` neither in `keys` nor active content (`ACTIVE_PARTS`)."""
    return [key for key in dictionary.keys() if key not in keys and key not in ACTIVE_PARTS]


HIDDEN_LAYERS = ("has layers that are hidden when it is opened (optional content switched off), which any reader can "
                 "show, so what they hold would be published although its author hid it; it is not published.")
HIDDEN_LAYERS_ADVICE = ("Open the original (in InDesign, Illustrator or Acrobat: the Layers panel), delete the hidden layers "
                        "or make them visible if they belong in the report, export the PDF again without them, and replace "
                        "the file in reports/.")


def hidden_layers(pdf: pikepdf.Pdf) -> bool:
    """Whether the document has optional content (layers) that is hidden when it is opened: named
    in its default configuration's /OFF list, or left off by a /BaseState of /OFF or /Unchanged. Its
    text is in the file (and read for search) though no reader sees it until they switch it on: a
    hidden layer is a way to keep a draft's notes, or what a redaction covered, inside a published file.
    A configuration that cannot be read counts as hiding some."""
    import pikepdf

    try:
        properties = pdf.Root.get("/OCProperties")
        if properties is None:
            return False
        default = properties.get("/D")
        if not isinstance(default, pikepdf.Dictionary):
            return True
        off = default.get("/OFF")
        base = str(default.get("/BaseState", "/ON"))
        return base != "/ON" or (off is not None and (not isinstance(off, pikepdf.Array) or len(off) > 0))
    except Exception:  # noqa: BLE001 - what cannot be read cannot be vouched for
        return True


def _one_line(text: str) -> str:
    """`text` with its runs of white space made one space (a title as a reader shows it)."""
    return " ".join(str(text).split())


# --- every dictionary in the file: what runs, what names people ---------------------------------

MAX_WALKED = 5_000_000  # dictionaries walked before a file counts as one that cannot be checked
# Actions that only move around the document, open a web page or an email, or show and hide its own
# parts. Every other kind of action is active content.
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named", "/SetOCGState", "/Thread", "/Hide", "/ResetForm", "/Trans"}
RISKY_ACTIONS = {  # what each kind of action does, in plain words
    "/JavaScript": "JavaScript",
    "/Launch": "a command that opens other programs or files",
    "/SubmitForm": "a form that sends what is typed into it to an internet address",
    "/ImportData": "a command that loads data from another file",
    "/GoToR": "links that open other files",
    "/GoToE": "links that open files attached inside it",
    "/Rendition": "sound, video or 3D content",
    "/Movie": "sound, video or 3D content",
    "/Sound": "sound, video or 3D content",
    "/RichMediaExecute": "sound, video or 3D content",
    "/GoTo3DView": "sound, video or 3D content",
}
ACTION_KEYS = {"/A", "/OpenAction", "/Next", "/PA"}  # keys whose value is an action
MEDIA = {"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}  # annotations (and objects) of sound, video or 3D
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
COMMENT_TRACES = ("/T", "/M", "/CreationDate")  # who wrote a comment, and when
JAVASCRIPT = "JavaScript"
AUTOMATIC = "actions that run by themselves (when it is opened, printed, or a page or form field is used)"
ATTACHED = "files attached inside it"
XFA = "an XFA form (a form that runs code of its own)"
ODD_LINK = ("links to addresses that are not whole addresses of web pages or email (such as javascript:, or a file "
            "on a computer or network)")
OTHER_ACTION = "actions of a kind sitegen does not publish"


# Where a dictionary is: the indirect object that holds it ((number, generation), None for the trailer),
# and whether it is that object itself (else a dictionary written inside it).
Where = tuple
_REFERENCE_IN_JSON = re.compile(rb'"(\d+) (\d+) R"')  # qpdf's JSON writes strings as "u:..." or "b:...", so only a reference reads so
_REFERENCE = re.compile(r"\d+ \d+ R")


def _walk(pdf: pikepdf.Pdf, every_object: bool = False) -> Iterator[tuple[dict, Where]]:
    """Every dictionary (streams' too) reachable from the trailer, as qpdf's JSON gives it (names
    "/Name", strings "u:text" or "b:hex", references "12 0 R"), with where it is; each indirect object
    once. With `every_object`, every object in the file instead, whether anything refers to it or
    not: the copy's safety net looks at everything. Raises past MAX_WALKED (a trap: the file cannot
    be checked).

    Each indirect object is read as JSON by qpdf in one call, its dictionaries gathered as Python's
    JSON reader makes them and its references found in the text: reading it through pikepdf's
    objects, value by value, took three times as long as the rest of inspecting a long report."""
    todo: list[tuple[tuple[int, int] | None, object]] = [(None, pdf.trailer)]
    if every_object:
        todo += [(obj.objgen, obj) for obj in pdf.objects]
    seen: set[tuple[int, int] | None] = {objgen for objgen, _ in todo}  # None: the trailer
    walked = 0
    while todo:
        owner, obj = todo.pop()
        raw, top, found = _parsed(obj)
        walked += len(found)
        if walked > MAX_WALKED:
            raise ValueError("too many objects to check")
        for data in found:
            yield data, (owner, data is top)
        if every_object:
            continue
        for number, generation in _REFERENCE_IN_JSON.findall(raw):
            objgen = (int(number), int(generation))
            if objgen not in seen:
                seen.add(objgen)
                todo.append((objgen, pdf.get_object(objgen)))


def _parsed(obj) -> tuple[bytes, object, list[dict]]:
    """An object as qpdf's JSON (version 2), as Python's values, and every dictionary in it."""
    to_json = getattr(obj, "to_json", None)
    if to_json is None:  # pikepdf gives numbers, booleans and null as Python's own: nothing to walk
        return b"", obj, []
    raw = to_json(dereference=True, schema_version=2)
    found: list[dict] = []
    _GATHERED.append(found)
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    finally:
        _GATHERED.pop()
    return raw, value, found


def _gather(data: dict) -> dict:
    _GATHERED[-1].append(data)
    return data


_GATHERED: list[list[dict]] = []  # where `_gather` puts the dictionaries of the object being read
_DECODER = json.JSONDecoder(object_hook=_gather)  # one for all: making one for each object cost a third of the reading


def _value(pdf: pikepdf.Pdf, value) -> object:
    """A JSON value, through a reference to it if it is one (a name or string may be kept elsewhere)."""
    if isinstance(value, str) and value.endswith(" R") and _REFERENCE.fullmatch(value):
        number, generation, _ = value.split()
        obj = pdf.get_object((int(number), int(generation)))
        return json.loads(obj.to_json(dereference=True, schema_version=2)) if hasattr(obj, "to_json") else obj
    return value


def _name_in(pdf: pikepdf.Pdf, data: dict, key: str) -> str | None:
    """The name `data[key]` ("/Annot"), or None when it is not a name."""
    value = _value(pdf, data.get(key))
    return value if isinstance(value, str) and value.startswith("/") else None


def _string_in(pdf: pikepdf.Pdf, data: dict, key: str) -> str:
    """The text of the string `data[key]` ("" when it is not a string)."""
    value = _value(pdf, data.get(key))
    if not isinstance(value, str):
        return ""
    if value.startswith("u:"):
        return value[2:]
    if value.startswith("b:"):
        try:
            return bytes.fromhex(value[2:]).decode("latin-1")
        except ValueError:
            return "?"
    return ""


def _is_annotation(pdf: pikepdf.Pdf, data: dict) -> bool:
    """Whether a dictionary is an annotation, however it is reached (a page's list, a popup's parent,
    the structure tree): every annotation has a /Subtype and a /Rect, and no other dictionary has both."""
    return "/Subtype" in data and ("/Rect" in data or _name_in(pdf, data, "/Type") == "/Annot")


def odd_address(uri) -> bool:
    """Whether a link's address could do more than open a web page, an email or a phone call: only a
    whole address is published, of a web page (http: or https:, with a host), an email (mailto:) or a
    phone number (tel:). Anything else is odd, told by what it is rather than by a list of what is
    bad: javascript:, file: and the like, and every address without a scheme (`report.exe`, `/etc/x`,
    `\\\\server\\share`, `//server/share`, ""), which a reader takes as a file beside the PDF, on its
    computer or on its network (or below the catalog's base address, /URI /Base, which may be file:).
    Readers skip spaces and control characters, so they are skipped here too."""
    text = "".join(ch for ch in _text(uri) if ord(ch) > 32).lower().replace("\\", "/")
    scheme, colon, rest = text.partition(":")
    if not colon or scheme not in SAFE_SCHEMES:
        return True
    if scheme in ("http", "https"):
        return not rest.startswith("//") or rest[2:3] in ("", "/")
    return not rest


ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA", "/EF", "/EmbeddedFiles", "/Collection", "/S", "/Type",
               "/Subtype"} | ACTION_KEYS


def _active_in(pdf: pikepdf.Pdf, data: dict) -> list[str]:
    """The kinds of active content one dictionary is (or holds directly), in plain words."""
    if not data.keys() & ACTIVE_KEYS:
        return []
    found = []
    if "/JS" in data or "/JavaScript" in data:
        found.append(JAVASCRIPT)
    if "/AA" in data:
        found.append(AUTOMATIC)
    if "/XFA" in data:
        found.append(XFA)
    type_, subtype = _name_in(pdf, data, "/Type"), _name_in(pdf, data, "/Subtype")
    if data.keys() & {"/EF", "/EmbeddedFiles", "/Collection"} or type_ == "/EmbeddedFile" or subtype == "/FileAttachment":
        found.append(ATTACHED)
    if subtype in MEDIA or type_ in MEDIA:
        found.append("sound, video or 3D content")
    kind = _name_in(pdf, data, "/S")
    if kind in RISKY_ACTIONS:
        found.append(RISKY_ACTIONS[kind])
    elif kind == "/URI" and odd_address(_string_in(pdf, data, "/URI")):
        found.append(ODD_LINK)
    actions: list[object] = [data] if type_ == "/Action" else []
    for name in data.keys() & ACTION_KEYS:  # /A, /OpenAction...: what they hold is an action (or a destination)
        value = _value(pdf, data[name])
        actions += [_value(pdf, item) for item in value] if isinstance(value, list) else [value]
    if any(isinstance(action, dict) and "/S" in action and _name_in(pdf, action, "/S") not in SAFE_ACTIONS
           and _name_in(pdf, action, "/S") not in RISKY_ACTIONS for action in actions):
        found.append(OTHER_ACTION)
    return found


PERSONAL_METADATA = "XMP metadata on pages, images or other parts"
UNLISTED_PARTS = "parts of the document sitegen does not publish"
PRIVATE_DATA = "private data saved by the program that made it (PieceInfo)"
COMMENT_AUTHORS = "comment authors"


def _personal_keys(pdf: pikepdf.Pdf, data: dict, where: Where, root: Where) -> list[str]:
    """The keys of one dictionary that hold hidden personal details (the document's own metadata,
    and its information dictionary, are judged elsewhere)."""
    names = [name for name in ("/PieceInfo", "/Author") if name in data]
    if "/Metadata" in data and where != root:
        names.append("/Metadata")
    if data.keys() & COMMENT_TRACE_KEYS and _is_annotation(pdf, data) and _name_in(pdf, data, "/Subtype") != "/Widget":
        names += [name for name in COMMENT_TRACES if name in data]
    if _is_signature(pdf, data):
        names += [name for name in SIGNATURE_TRACES if name in data]
    if where == root and "/DSS" in data:
        names.append("/DSS")
    return names


def _is_signature(pdf: pikepdf.Pdf, data: dict) -> bool:
    """Whether a dictionary is a digital signature's value: it has the signed byte ranges, or says
    it is one. (Its /Contents is the signature itself, with the signer's certificate, not a
    comment's text.)"""
    return "/ByteRange" in data or _name_in(pdf, data, "/Type") in ("/Sig", "/DocTimeStamp")


COMMENT_TRACE_KEYS = set(COMMENT_TRACES)
# A signature names who signed, where and why, and holds their certificate; the copy is written
# again, so the signature would no longer hold anyway. The document's security store (/DSS) keeps
# the certificates and revocation answers of its signers.
SIGNATURE_TRACES = ("/Name", "/Reason", "/Location", "/ContactInfo", "/Contents", "/Cert", "/Prop_Build", "/M")
SIGNER = "the name and certificate of whoever signed it (a digital signature)"
PERSONAL_KEYS = {"/Metadata": PERSONAL_METADATA, "/PieceInfo": PRIVATE_DATA, "/T": COMMENT_AUTHORS,
                 **{name: SIGNER for name in SIGNATURE_TRACES if name != "/M"}, "/DSS": SIGNER}
LEFTOVER_KEYS = {**PERSONAL_KEYS, "/Author": "an author's name", "/M": "the times comments were written",
                 "/CreationDate": "the times comments were written"}


def _root(pdf: pikepdf.Pdf) -> Where:
    return (pdf.Root.objgen, True) if pdf.Root.is_indirect else (None, False)


@dataclass
class Survey:
    """What one walk of a PDF found: its active content and hidden personal details, in plain words,
    and where the dictionaries that hold personal details are, with the keys to remove from each."""

    active: list[str]
    personal: list[str]
    to_strip: list[tuple[Where, tuple[str, ...]]]


def survey(pdf: pikepdf.Pdf) -> Survey:
    """Walk every dictionary the document uses, once (a large report has tens of thousands), for all
    that `audit`, `active_content` and `clean` need. Raises when the file cannot be walked."""
    active: list[str] = []
    personal: list[str] = []
    to_strip: list[tuple[Where, tuple[str, ...]]] = []
    root = _root(pdf)
    for data, where in _walk(pdf):
        active += _active_in(pdf, data)
        names = _personal_keys(pdf, data, where, root)
        if names:
            personal += [PERSONAL_KEYS[name] for name in names if name in PERSONAL_KEYS]
            to_strip.append((where, tuple(names)))
    return Survey(list(dict.fromkeys(active)), list(dict.fromkeys(personal)), to_strip)


def active_content(pdf: pikepdf.Pdf, found: Survey | None = None) -> list[str]:
    """What in this PDF would run code, open or send anything, or carry other files, in plain words
    (none: []); `found` is its `survey`, when made already. Raises when the file cannot be walked.

    Such a PDF is withheld, not published with its active content stripped. Why withhold: a review
    has no reason to run code, so a PDF that does was made by a tool or a person who added it, and
    the officer should know; stripping would have to find and remove every trigger and every kind
    of action a reader may run (there are many, and readers add their own), and a copy that is
    silently changed may not work as its author meant (a form that no longer adds up, a link that
    no longer goes anywhere). Making the PDF again from the original document (Word's Save As PDF,
    or Acrobat's Print to PDF or Sanitize Document) gives a clean file that is published as it is.

    Attached files are withheld too: each is a whole other document (often a draft, a spreadsheet
    of names or an email) that readers barely show and sitegen cannot check, and the report may
    refer to it. A file that should be published is listed in the entry as a document of its own,
    where it gets the same checks as any other."""
    return (found or survey(pdf)).active


def hidden_personal(pdf: pikepdf.Pdf, found: Survey | None = None) -> list[str]:
    """Personal details kept beyond the document's properties: metadata of pages and images,
    private data, comment authors (all left out of the copy)."""
    return (found or survey(pdf)).personal


def strip_personal(pdf: pikepdf.Pdf, found: Survey | None = None) -> None:
    """Remove every metadata stream but the document's (rewritten by `clean`), every private-data
    dictionary and every comment's author and times, wherever they are in the file."""
    root = _root(pdf)
    for (owner, itself), names in (found or survey(pdf)).to_strip:
        obj = pdf.trailer if owner is None else pdf.get_object(owner)
        if itself:
            _remove(obj, names)
        else:  # a dictionary written inside another object: found again there, and judged as it was
            for inner in _inner_dictionaries(obj):
                _remove(inner, _personal_keys(pdf, json.loads(inner.to_json(schema_version=2)), (owner, False), root))
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]


def _remove(obj, names) -> None:
    for name in names:
        if name in obj:
            del obj[name]


def _inner_dictionaries(obj) -> Iterator:
    """The dictionaries written inside one object (not those it refers to), at any depth."""
    import pikepdf

    todo = [value for value in (obj.values() if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) else obj)] \
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) else []
    while todo:
        value = todo.pop()
        if not isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) or value.is_indirect:
            continue
        if isinstance(value, pikepdf.Dictionary):
            yield value
            todo.extend(value.values())
        else:
            todo.extend(value)


def leftovers(pdf: pikepdf.Pdf, title: str | None) -> list[str]:
    """What a written copy still has that must not be published, in plain words (none: []): the
    final check, over every object in the file. Its only property may be `title`, its XMP may hold
    no more than `clean` writes, and nothing in it may be active content or hidden personal data."""
    import pikepdf

    found: list[str] = []
    root = _root(pdf)
    metadata = pdf.Root.get("/Metadata")
    kept = (metadata.objgen, True) if metadata is not None and metadata.is_indirect else None
    for data, where in _walk(pdf, every_object=True):
        found += _active_in(pdf, data)
        signature = _is_signature(pdf, data)
        found += [SIGNER if signature and name in SIGNATURE_TRACES else LEFTOVER_KEYS[name]
                  for name in _personal_keys(pdf, data, where, root)]
        if "/Type" in data and _name_in(pdf, data, "/Type") == "/Metadata" and where != kept:
            found.append(PERSONAL_METADATA)
    info = pdf.trailer.get("/Info")
    expected = {"/Title": _one_line(title)} if title and _one_line(title) else {}
    if info is not None and not isinstance(info, pikepdf.Dictionary) or \
            {k: _one_line(_text(v)) for k, v in (info.items() if info is not None else ())} != expected:
        found.append("document properties other than the title")
    if "/Metadata" in pdf.Root:
        xmp = _read_xmp(pdf)
        if xmp.personal or (xmp.title or None) != (expected.get("/Title") or None):
            found.append("XMP metadata other than the title")
    names = pdf.Root.get("/Names")
    if _unlisted(pdf.Root, CATALOG_KEYS) or isinstance(names, pikepdf.Dictionary) and _unlisted(names, NAME_TREES):
        found.append(UNLISTED_PARTS)
    return list(dict.fromkeys(found))


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
    todo = [_get(names, "/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None]
    seen: set[tuple[int, int]] = set()
    count = 0
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


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def safety_problems(source: str, file: str, safety: PdfSafety, line: int | None,
                    title: str | None = None, published: str = "") -> list[Problem]:
    """Plain-English warnings about one PDF that an entry lists, whose title in the entry is `title`.

    Only what a person must act on: the program that made the file (Creator, Producer) is never
    warned about. The PDF's own Title property is shown when it says something the entry does not
    (`says_more`, with `published` the entry's own words: its title and subject), for it often
    names the author, the person reviewed or a draft's history; a Title that only puts the entry's
    own title and the document's together ("Safeguarding Adults Review: Adult A - Overview report")
    is no reason to warn."""
    found = []

    def warn(message: str, advice: str, kind: str) -> None:
        found.append(warning(source, f"documents: {file} {message}", advice, line=line, field="documents.file", kind=kind))

    if safety.personal:
        warn(f"has details that can identify people ({', '.join(safety.personal)}), in its file properties or "
             "hidden inside it.",
             "sitegen leaves them out of the copy it publishes, but the file in reports/ still has them: "
             "remove them there too before you share it anywhere else (in Word: File, Info, Check for Issues, "
             "Inspect Document; in Acrobat: File, Properties, or Protect, Remove Hidden Information).",
             "a PDF has details that can identify people in its properties or hidden inside it")
    if title and safety.own_title and says_more(safety.own_title, f"{title} {published}"):
        warn(f"has its own Title property, \"{safety.own_title}\", which is not the title this entry gives it "
             f"(\"{_one_line(title)}\").",
             "The published copy uses the entry's title instead. If the Title property names anyone, change it in "
             "the file in reports/ too before you share it anywhere else (in Word: File, Info, Properties, Title; "
             "in Acrobat: File, Properties, Description).", "a PDF's own Title property has words the entry does not show")
    if safety.comments:
        warn(f"has {_count(safety.comments, 'comment', 'comments')} or other mark-up (notes, highlights or drawings), "
             "which will be published with it.",
             "Comments can show what reviewers said and who they are. Unless they are meant to be part of the report, "
             "delete them, save or export the PDF again and replace the file in reports/.", "a PDF has comments or other mark-up")
    # Attached files are not warned about here: a PDF with any is withheld (`active_content`).
    if safety.unreadable:
        parts = list(safety.unreadable)
        warn(f"could not be checked for {', '.join(parts[:-1]) + ' or ' if len(parts) > 1 else ''}{parts[-1]}: "
             "sitegen could not read that part of it, so it cannot say whether there are any, and any there "
             "would be published with it.",
             "Open it in a PDF reader and look (in Acrobat: View, Show/Hide, Side panels, Attachments and Comments). "
             "To be sure nothing is hidden there, export it as PDF again from the original document and replace "
             "the file in reports/.", "part of a PDF could not be checked")
    if safety.form_fields:
        warn(f"has {_count(safety.form_fields, 'form field', 'form fields')}; anything typed into them is published.",
             "If it is a form for people to fill in, check the fields are empty. Otherwise print it to PDF again "
             "so the answers become plain text, and check they name no one.", "a PDF has form fields")
    missing = [text for ok, text in ((safety.tagged, "is not tagged for screen readers"),
                                     (safety.language, "does not say what language it is in"),
                                     (safety.title or bool(title), "has no title")) if not ok]
    if missing:
        warn(", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1] + ".",
             "People who use screen readers may not be able to read it. Export it from the original document "
             "again with accessibility switched on (in Word: File, Save As, PDF, Options, tick \"Document structure "
             "tags for accessibility\"), after setting its title (File, Info, Properties) and language "
             "(Review, Language), and replace the file in reports/.", "a PDF is not ready for screen readers")
    return found


def says_more(own_title: str, published: str) -> bool:
    """Whether a PDF's own Title property has a word (letters or digits, in any case) that is not
    in `published`: what the site shows of the entry anyway."""
    shown = {word.casefold() for word in re.findall(r"\w+", published)}
    return any(word.casefold() not in shown for word in re.findall(r"\w+", own_title))

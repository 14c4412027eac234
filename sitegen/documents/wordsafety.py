"""Is a Word file (.docx) safe to publish as a web page?

A Word file carries more than its text: tracked changes keep deleted words and who
deleted them, comments keep what reviewers said and their names, and hidden text is
still in the file. So is a picture that Word shows otherwise than the file holds it
(cropped, hidden, see-through, changed by an effect), and a hidden shape: the web page would show
the picture whole and as it was inserted, and the shape's text. A document that has any of these is withheld (the comms officer
fixes it in Word), never cleaned silently: only the author can say which version of
a change is the report. A file that is not a sound .docx, or that would cost more to
unpack than a real report can (a "zip bomb"), is withheld too.

The check reads exactly what the converter (mammoth, `sitegen.documents.renditions`) reads, found
the way mammoth finds it: the main part named by the package's officeDocument
relationship, and the footnotes, endnotes, comments, styles and numbering named by the
main part's relationships (mammoth falls back to word/footnotes.xml and the like when
there is none). Where mammoth would read a part Word does not show (a second main part,
notes nobody relates), the file is refused: the officer checked what Word shows, and
only that may be published. Every XML part mammoth parses is parsed here first, with
DTDs refused in any encoding.

What cannot be accounted for is refused, not guessed at: a Strict Open XML file (mammoth
reads it, this check does not vouch for it), markup-compatibility content whose older
version (which mammoth renders) differs from the newer one (which Word shows), text
inside a field's code or outside a run, unknown markup-compatibility elements, two parts
of one name, parts named through %-escapes or "..". A password-protected .docx and a
Word 97-2003 file (both OLE compound files, not zips) are told as such. The body is walked as
mammoth walks it, and the words Word shows are collected (`WordCheck.words`): the web
page may hold only those words (`sitegen.documents.renditions` compares them after converting).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# What one Word file may cost to read. A long report with photographs is tens of megabytes.
MAX_PARTS = 2_000
MAX_UNPACKED = 300_000_000  # bytes of all parts once unzipped, as the file declares them (zipfile never reads past)
MAX_XML_PART = 50_000_000  # bytes of one XML part: the body of a 1,000-page report is a few megabytes
MAX_RATIO = 200  # unzipped / zipped size of a part above 1 MB: text compresses about 10 times, never 200

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MC = "{" + MC_NS + "}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
RELATIONSHIP_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
STRICT = "http://purl.oclc.org/ooxml/"  # every namespace and relationship type of Strict Open XML starts so

# WordprocessingML elements (local names in the w: namespace) of tracked changes: inserted, deleted and
# moved text, and changed formatting, tables and numbering (each keeps its author and the old version).
CHANGE_ELEMENTS = ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart",
                   "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblGridChange", "trPrChange",
                   "tcPrChange", "tblPrExChange", "numberingChange", "cellIns", "cellDel", "cellMerge")
COMMENT_ELEMENTS = ("commentRangeStart", "commentReference", "comment")
HIDDEN_ELEMENTS = ("vanish", "specVanish")

# How mammoth walks a body (mammoth/docx/body_xml.py, 1.11 to 1.13): the elements whose children it
# reads, those it reads nothing from (formatting), and those that become text on the page. Anything
# else it skips, children and all, so nothing in it reaches the page.
CONTAINERS = {W + name for name in ("body", "p", "r", "tbl", "tr", "tc", "customXml", "ins", "moveTo", "object",
                                    "smartTag", "drawing", "pict", "hyperlink", "txbxContent", "moveFromRangeStart",
                                    "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")} | {
    V + name for name in ("group", "rect", "roundrect", "shape", "textbox")}
IN_RUNS_ONLY = {W + "t", W + "fldChar", W + "instrText", W + "tab", W + "br", W + "sym", W + "noBreakHyphen",
                W + "softHyphen"}  # Word shows them only in a run (w:r); mammoth reads them anywhere it walks
PICTURES = {WP + "inline", WP + "anchor", V + "imagedata"}  # alt text and a picture, no text
TEXT = W + "t"
SHOWN_AS = {W + "tab": "\t", W + "br": " ", W + "sym": " ", W + "noBreakHyphen": "\u2011", W + "softHyphen": "\u00ad"}
NOTE_KINDS = ("footnotes", "endnotes")
# What a file may still have that withholds it (Word's Review tab removes it), told in this order.
FINDINGS = ("tracked changes", "comments", "hidden text")
LINKED = "pictures linked from outside the document"
SHOWN_OTHERWISE = "pictures that Word shows cropped, hidden, see-through or changed by an effect"
PART_KINDS = ("comments", "endnotes", "footnotes", "numbering", "styles")  # those mammoth looks for


@dataclass(frozen=True)
class WordCheck:
    """What the check found: `problem` (why it cannot be published) and `advice`, or neither; for a
    file that passes, the words Word shows (`words`), whether it has symbols, and the main part mammoth
    reads (`main_part`)."""

    problem: str | None = None
    advice: str | None = None
    words: frozenset[str] = frozenset()
    main_part: str = "word/document.xml"
    symbols: bool = False  # it has symbols (w:sym), which mammoth shows as characters of its own choosing

    @property
    def ok(self) -> bool:
        return self.problem is None


PICTURES_ADVICE = ("In Word, for each cropped picture: select it, choose Picture Format, Compress Pictures, tick "
                   "Delete cropped areas of pictures and click OK. Delete any hidden picture or shape (File, Info, Check "
                   "for Issues, Inspect Document, Invisible On-Page Content: Remove All). A picture blurred, made "
                   "see-through or recoloured in Word is published as it was inserted: change the picture itself in "
                   "a picture editor and insert it again. Save it, replace the file in reports/ and build again.")
FIX_IN_WORD = ("Open it in Word and, on the Review tab: Accept (or Reject) All Changes and switch off Track "
               "Changes; Delete All Comments; then show hidden text (Home, the ¶ button) and delete any you "
               "find (or use File, Info, Check for Issues, Inspect Document, Hidden Text: Remove All). "
               "Save it, replace the file in reports/ and build again.")
REMAKE = "Open it in Word, save it again as a Word Document (.docx) and replace the file in reports/."
LINKED_PICTURES = ("In Word, select each linked picture, right-click it, choose Change Picture, From a File, pick the "
                   "picture and untick Link to File (or delete it and use Insert, Pictures); or use File, Info, "
                   "Edit Links to Files and click Break Link. Save it, replace the file in reports/ and build again.")
STRICT_ADVICE = ("Open it in Word, choose File, Save As and, under the file name, pick \"Word Document (.docx)\" "
                 "(not \"Strict Open XML Document\"). Replace the file in reports/ and build again.")
PASSWORD_ADVICE = ("Open it in Word with its password, choose File, Info, Protect Document, Encrypt with Password, "
                   "clear the password and click OK. Save it, replace the file in reports/ and build again.")
OLD_WORD_ADVICE = ("Open it in Word, choose File, Save As and pick \"Word Document (.docx)\". Replace the file in "
                   "reports/ and build again.")
TWO_VERSIONS_ADVICE = ("This usually comes from a text box, shape or WordArt. In Word, make sure each text box and "
                       "shape holds only what should be published (or replace it with ordinary text), save it as a "
                       "Word Document (.docx), replace the file in reports/ and build again.")
FIELD_CODE_ADVICE = ("In Word, press Alt+F9 to show field codes, delete any words typed inside the { } braces, press "
                     "Alt+F9 again, save it, replace the file in reports/ and build again.")

STRICT_PROBLEM = ("is saved as a Strict Open XML Document, which sitegen cannot check for hidden text, "
                  "so it is not published.")
TWO_VERSIONS = ("has content saved in two versions (one for newer versions of Word, one for older ones) that do not "
                "match, so its web page could show what Word does not; it is not published.")
FIELD_CODE = ("has words inside a field's code, which Word does not show but its web page would, so it is not "
              "published.")
UNKNOWN_MARKUP = "has markup sitegen does not recognise, so it cannot be checked and is not published."
NOT_AS_WORD_SAVES = ("is not put together as Word saves a document (its parts are not where it says they are), "
                     "so sitegen cannot be sure what would be published, and it is not published.")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: Word 97-2003, or an encrypted .docx
ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))  # its stream names


class Refused(Exception):
    """The file cannot be published, for a reason of its own (not because it is damaged)."""

    def __init__(self, problem: str, advice: str) -> None:
        super().__init__(problem)
        self.problem, self.advice = problem, advice


def check_docx(path: Path) -> WordCheck:
    """Whether the Word file at `path` may be made into a web page; never raises for bad content."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(OLE_MAGIC)) == OLE_MAGIC:
                return _compound_file(path)
        with zipfile.ZipFile(path) as archive:
            over = _over_limits(archive)
            if over is not None:
                return WordCheck(over, "A real report is far smaller: this file is damaged, or made to overload "
                                       "whatever reads it. " + REMAKE)
            return _Package(archive).check()
    except Refused as refused:
        return WordCheck(refused.problem, refused.advice)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError, RuntimeError,
            NotImplementedError, MemoryError, SyntaxError, RecursionError):
        return WordCheck("is damaged and could not be read (it is not a sound .docx file).", REMAKE)


def _compound_file(path: Path) -> WordCheck:
    """An OLE compound file named .docx: Word keeps a .docx with a password in one (its streams
    EncryptedPackage and EncryptionInfo, their names in UTF-16), and a Word 97-2003 document is one."""
    data = path.read_bytes()
    if any(name in data for name in ENCRYPTED):
        return WordCheck("is protected with a password, so sitegen cannot read it and it is not published.",
                         PASSWORD_ADVICE)
    return WordCheck("is an old Word 97-2003 document, although its name ends in .docx, so it is not published.",
                     OLD_WORD_ADVICE)


def _over_limits(archive: zipfile.ZipFile) -> str | None:
    """Why unpacking this file would cost more than a report may, from what its parts declare
    (Python's zipfile never unpacks a part past its declared size)."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        return f"has more than {MAX_PARTS:,} parts inside it, so it is not published."
    if sum(part.file_size for part in parts) > MAX_UNPACKED:
        return f"holds more than {MAX_UNPACKED // 1_000_000:,} MB once unzipped, so it is not published."
    for part in parts:
        if part.filename.endswith((".xml", ".rels")) and part.file_size > MAX_XML_PART:
            return f"has a part ({part.filename}) of more than {MAX_XML_PART // 1_000_000} MB, so it is not published."
        if part.file_size > 1_000_000 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            return f"has a part ({part.filename}) that unzips to {MAX_RATIO} times its size or more, so it is not published."
    return None


def parse_part(data: bytes):
    """An XML part as an ElementTree element (names as {namespace}local), read by expat as mammoth's
    minidom reads it, in whatever encoding it declares. A DTD (which Word never writes, and which is
    how XML is made to expand without end or read other files) is refused: ValueError."""
    import xml.etree.ElementTree as ET
    from xml.parsers import expat

    def refuse(*_):
        raise ValueError("the part declares a DTD, which Word never writes")

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = lambda tag, attributes: builder.start(
        name(tag), {name(key): value for key, value in attributes.items()})
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ValueError(str(error)) from None
    return builder.close()


def _join(base: str, target: str) -> str:
    """A relationship's target as mammoth makes it a part name (mammoth.zips.join_path, then
    lstrip("/")): an absolute target stands alone, a relative one goes under `base`; nothing else."""
    joined = target if target.startswith("/") or not base else f"{base}/{target}"
    return joined.lstrip("/")


def _plain(target: str) -> bool:
    """Whether a relationship's target names its part as a plain path, which Word and mammoth read
    alike: mammoth neither decodes %-escapes nor resolves "." and "..", Word does both."""
    return not re.search(r"[%\\?#]", target) and not {".", ".."} & set(target.split("/"))


def _relationships_of(part: str) -> str:
    """Where a part's relationships are: word/document.xml's in word/_rels/document.xml.rels."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


class _Package:
    """One .docx as mammoth reads it: which parts, and what they hold."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.found: list[str] = []
        self.refused: Refused | None = None  # what the body holds that the check cannot vouch for
        self.symbols = False

    def check(self) -> WordCheck:
        """The verdict on the file: what it still has (told first: Word's Review tab fixes it), else
        what the check cannot vouch for, else the words Word shows."""
        plain = [name.replace("\\", "/").lstrip("/").lower() for name in self.archive.namelist()]
        if len(set(plain)) != len(plain):  # two parts of one name: mammoth reads the last, Word may read another
            raise Refused(NOT_AS_WORD_SAVES, REMAKE)
        main = self._main_part()
        words = self._read_parts(main, self._parts_of(main))
        found = [thing for thing in FINDINGS if thing in self.found]
        linked = LINKED in self.found
        if found:
            things = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
            also = f"; it also has {LINKED}" if linked else ""
            return WordCheck(f"still has {things}, which would be published with it{also}, so it is not published.",
                             FIX_IN_WORD + (" " + LINKED_PICTURES if linked else ""))
        if linked:
            return WordCheck(f"has {LINKED} (its web page would show whatever is at their addresses, not the report's "
                             "pictures), so it is not published.", LINKED_PICTURES)
        if SHOWN_OTHERWISE in self.found:
            return WordCheck(f"has {SHOWN_OTHERWISE} (its web page would show each picture whole and as it was "
                             "inserted, not as Word shows it), so it is not published.", PICTURES_ADVICE)
        if self.refused is not None:
            raise self.refused
        return WordCheck(words=frozenset(words), main_part=main, symbols=self.symbols)

    def _read_parts(self, main: str, parts: dict[str, str]) -> set[str]:
        """Every part mammoth parses, checked; the words Word shows of the document and its notes."""
        self._read("[Content_Types].xml", optional=True)
        styles = self._read(parts["styles"], optional=True)
        if styles is not None and _has(styles, HIDDEN_ELEMENTS):
            self.found.append("hidden text")
        self._read(parts["numbering"], optional=True)
        words: set[str] = set()
        for kind in NOTE_KINDS:
            notes = self._read(parts[kind], optional=True)
            if notes is not None:
                self._body_part(notes, words)
                self._pictures_linked(parts[kind])
        comments = self._read(parts["comments"], optional=True)
        if comments is not None:
            self._pictures_linked(parts["comments"])
            if _has(comments, ("comment",)):
                self.found.append("comments")
        self._body_part(self._read(main), words)
        self._pictures_linked(main)
        return words

    def _read(self, name: str, optional: bool = False):
        """The part `name`, parsed (None when `optional` and it is not there), refused when it is
        Strict Open XML or holds markup-compatibility content outside a body."""
        if name not in self.names:
            if optional:
                return None
            raise Refused("is not a Word document, although its name ends in .docx.", REMAKE)
        root = parse_part(self.archive.read(name))
        for element in root.iter():
            if element.tag.startswith("{" + STRICT) or any(key.startswith("{" + STRICT) for key in element.attrib):
                raise Refused(STRICT_PROBLEM, STRICT_ADVICE)
        return root

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(type, target, mode) of each relationship of `part` (its .rels beside it), as mammoth reads
        them: the root's Relationship children."""
        root = self._read(_relationships_of(part), optional=True) if part else self._read("_rels/.rels", optional=True)
        if root is None:
            return []
        _no_compatibility_markup(root)
        found = [(child.attrib["Type"], child.attrib["Target"], child.get("TargetMode", ""))
                 for child in root if child.tag == RELATIONSHIP]
        if any(kind.startswith(STRICT) for kind, _, _ in found):
            raise Refused(STRICT_PROBLEM, STRICT_ADVICE)
        return found

    def _main_part(self) -> str:
        """The main part, as Word and mammoth both find it: the one officeDocument relationship of the
        package. mammoth falls back to word/document.xml where Word would not open the file: refused."""
        targets = [_join("", target) for kind, target, _ in self._relationships("")
                   if kind == RELATIONSHIP_TYPES + "officeDocument"]
        if not targets:
            raise Refused("is not a Word document, although its name ends in .docx.", REMAKE)
        if len(targets) > 1 or targets[0] not in self.names or not _plain(targets[0]):
            raise Refused(NOT_AS_WORD_SAVES, REMAKE)
        return targets[0]

    def _parts_of(self, main: str) -> dict[str, str]:
        """The comments, notes, styles and numbering mammoth reads: the first target of the main
        part's relationship of that type that is in the file, else word/<kind>.xml. Notes Word would
        not show (no relationship, or more than one) are refused."""
        relationships = self._relationships(main)
        base = main.rpartition("/")[0]
        parts = {}
        for kind in PART_KINDS:
            targets = [_join(base, target) for type_, target, _ in relationships if type_ == RELATIONSHIP_TYPES + kind]
            if not all(_plain(target) for target in targets):
                raise Refused(NOT_AS_WORD_SAVES, REMAKE)
            there = [target for target in targets if target in self.names]
            parts[kind] = there[0] if there else f"word/{kind}.xml"
            if kind in NOTE_KINDS and (len(there) > 1 or (not there and parts[kind] in self.names)):
                raise Refused(NOT_AS_WORD_SAVES, REMAKE)
        return parts

    def _pictures_linked(self, part: str) -> None:
        """Whether `part` links to a picture outside the file (Word's "Link to File"): the page would
        show whatever is at that address, not what the report shows. A picture inside the file must be
        found where Word finds it: mammoth looks for it under word/, whichever part refers to it."""
        for kind, target, mode in self._relationships(part):
            if not kind.endswith("/image"):
                continue
            if mode == "External":
                self.found.append(LINKED)
            elif not _plain(target) or (part.rpartition("/")[0] != "word" and not target.startswith("/")):
                raise Refused(NOT_AS_WORD_SAVES, REMAKE)

    def _body_part(self, root, words: set[str]) -> None:
        """The document or notes: what must not be published, and the words Word shows (walked as
        mammoth walks it)."""
        if _has(root, CHANGE_ELEMENTS):
            self.found.append("tracked changes")
        if _has(root, COMMENT_ELEMENTS):
            self.found.append("comments")
        if _has(root, HIDDEN_ELEMENTS):
            self.found.append("hidden text")
        if shown_otherwise(root):
            self.found.append(SHOWN_OTHERWISE)
        shown = _Shown()
        try:
            if root.tag == W + "document":
                if any(child.tag.startswith(MC) for child in root):  # mammoth would look its body up in either version
                    raise Refused(TWO_VERSIONS, TWO_VERSIONS_ADVICE)
                body = root.find(W + "body")  # mammoth reads the first, and only it
                if body is not None:
                    shown.walk(body)
            else:
                shown._children(root)
        except Refused as refused:  # told after what the officer can fix in Word's Review tab, if any
            self.refused = self.refused or refused
        words.update(shown.words())
        self.symbols = self.symbols or shown.symbols


def _has(root, elements: tuple[str, ...]) -> bool:
    """Whether the XML has one of these w: elements (`<w:vanish w:val="0"/>` switches hidden text
    off, so it does not count). Parsed, not searched: the w: namespace may have any prefix."""
    wanted = {W + name for name in elements}
    return any(element.tag in wanted and element.get(W + "val", "1").lower() not in ("0", "false", "off")
               for element in root.iter())


A14 = "{http://schemas.microsoft.com/office/drawing/2010/main}"
CROP_SIDES = ("l", "t", "r", "b")  # DrawingML's a:srcRect: thousandths of a per cent cut from each side
VML_CROPS = ("cropleft", "croptop", "cropright", "cropbottom")  # VML's v:imagedata: fractions, or 65536ths ("5243f")
VML_CHANGES = ("chromakey", "gain", "blacklevel", "grayscale", "bilevel")  # a colour made see-through, brightness...
HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:visibility\s*:\s*hidden|display\s*:\s*none)\s*(?:;|$)", re.I)


def shown_otherwise(root) -> bool:
    """Whether a picture or shape in this part is not shown by Word as its file is: cropped (mammoth
    publishes the whole picture: a crop is a common way to hide part of a photograph or a
    screenshot), hidden (mammoth publishes it, and a hidden shape's text too), see-through, or
    changed by an effect (an artistic effect such as a blur, brightness, a colour made transparent).
    Read from the markup wherever it is in the part, not only where mammoth reads pictures: a value
    that cannot be read counts as changed."""
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag == WP + "docPr" and element.get("hidden", "0").strip().lower() not in ("0", "false", "off"):
            return True
        if tag == A + "srcRect" and any(_cut(element.get(side)) for side in CROP_SIDES):
            return True
        if tag in (A + "alphaModFix", A + "lum", A + "clrChange", A14 + "imgProps", A + "biLevel", A + "duotone",
                   A + "alphaBiLevel", A + "alphaCeiling", A + "alphaFloor", A + "alphaRepl", A + "blur"):
            return True
        if tag.startswith(V) or tag.startswith("{urn:schemas-microsoft-com:office:office}"):
            if HIDING_STYLE.search(element.get("style", "")):
                return True
            if tag == V + "imagedata" and (any(_cut(element.get(side), vml=True) for side in VML_CROPS)
                                           or any(element.get(name) is not None for name in VML_CHANGES)):
                return True
    return False


def _cut(value: str | None, vml: bool = False) -> bool:
    """Whether a crop's value cuts anything off (a negative one adds space): "0" and nothing do not;
    one that cannot be read counts as a cut. DrawingML writes whole numbers; VML fractions, or
    65536ths with an "f"."""
    if value is None:
        return False
    text = value.strip().lower()
    try:
        if vml:
            amount = int(text[:-1]) if text.endswith("f") else float(text)
        else:
            amount = int(text)
    except ValueError:
        return True
    return amount > 0


def _no_compatibility_markup(root) -> None:
    """Refuse markup-compatibility elements where Word never writes them: mammoth replaces each with
    its older version wherever it is, so what it reads there could differ from what Word reads."""
    if any(element.tag.startswith(MC) for element in root.iter()):
        raise Refused(UNKNOWN_MARKUP, REMAKE)


def words_in(text: str) -> list[str]:
    """The words of a text, as the page's words are compared with the document's."""
    return re.findall(r"\w+", text)


@dataclass
class _Shown:
    """The text mammoth takes from a body, walked as mammoth walks it, checked against what Word
    shows: text inside a field's code is refused, and so is an older version of content (in
    mc:Fallback, which mammoth renders) that differs from the newer one Word shows (mc:Choice)."""

    text: list[str] = field(default_factory=list)
    fields: list[bool] = field(default_factory=list)  # for each open field: still in its code?
    pictures: list[str] = field(default_factory=list)  # relationship ids of the pictures mammoth reads
    symbols: bool = False  # whether it met a w:sym

    def words(self) -> list[str]:
        """The words of the text taken in so far."""
        return words_in("".join(self.text))

    def walk(self, element, parent: str | None = None) -> None:
        """Take in `element` (a child of a `parent` element) as mammoth reads it: its text, or its
        children, or nothing. Text counts only in a run: mammoth reads it anywhere, Word only there."""
        tag = element.tag
        if tag in IN_RUNS_ONLY and parent != W + "r":
            raise Refused(UNKNOWN_MARKUP, REMAKE)
        if tag == TEXT:
            if len(element):
                raise Refused(UNKNOWN_MARKUP, REMAKE)
            self._shows(element.text or "")
        elif tag in SHOWN_AS:
            self.symbols = self.symbols or tag == W + "sym"
            self._shows(SHOWN_AS[tag])
        elif tag == W + "fldChar":
            self._field(element.get(W + "fldCharType"))
        elif tag in PICTURES:
            _no_alternative_pictures(element)
            self.pictures.extend(_pictures_in(element))
        elif tag == MC + "AlternateContent":
            self._alternate(element, parent)
        elif tag.startswith(MC):
            raise Refused(UNKNOWN_MARKUP, REMAKE)
        elif tag == W + "sdt":
            if any(child.tag.startswith(MC) for child in element):  # mammoth looks its content up in either version
                raise Refused(TWO_VERSIONS, TWO_VERSIONS_ADVICE)
            for content in element.findall(W + "sdtContent"):
                self._children(content)
        elif tag == W + "p":
            self._children(element)
            self.text.append(" ")
        elif tag in CONTAINERS or tag in (W + "footnote", W + "endnote", W + "comment"):
            self._children(element)

    def _children(self, element, parent: str | None = None) -> None:
        """Take in each child of `element`; the children of a version (mc:Choice, mc:Fallback) stand
        in the place of the mc:AlternateContent, whose `parent` is theirs."""
        here = parent if element.tag in (MC + "Choice", MC + "Fallback") else element.tag
        for child in element:
            self.walk(child, here)

    def _shows(self, text: str) -> None:
        if any(self.fields) and text.strip():
            raise Refused(FIELD_CODE, FIELD_CODE_ADVICE)
        self.text.append(text)

    def _field(self, kind: str | None) -> None:
        """A field's begin, separate or end: between begin and separate is its code, which Word hides."""
        if kind == "begin":
            self.fields.append(True)
        elif kind == "separate" and self.fields:
            self.fields[-1] = False
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _alternate(self, element, parent: str | None) -> None:
        """mc:AlternateContent: Word shows the first mc:Choice it understands, mammoth renders the
        mc:Fallback. Published only when the Fallback shows nothing, or the same words and pictures
        as every Choice."""
        fallbacks = element.findall(MC + "Fallback")
        choices = element.findall(MC + "Choice")
        if len(fallbacks) > 1 or len(element) != len(fallbacks) + len(choices):
            raise Refused(TWO_VERSIONS, TWO_VERSIONS_ADVICE)
        older = _Shown(fields=list(self.fields))
        for fallback in fallbacks:
            older._children(fallback, parent)
        if not older.words() and not older.pictures:
            return
        for choice in choices:
            newer = _all_text(choice)
            if newer != older.words() or (older.pictures and older.pictures != _pictures_in(choice)):
                raise Refused(TWO_VERSIONS, TWO_VERSIONS_ADVICE)
        self.text.extend(older.text)
        self.pictures.extend(older.pictures)
        self.fields[:] = older.fields


def _all_text(element) -> list[str]:
    """The words of every w:t under `element`, wherever it is (what Word may show of a Choice)."""
    return words_in("".join(SHOWN_AS.get(child.tag, " ") if child.tag != TEXT else (child.text or "")
                            for child in element.iter() if child.tag in (TEXT, W + "p") or child.tag in SHOWN_AS))



def _pictures_in(element) -> list[str]:
    """The relationship ids of the pictures under `element` (DrawingML's a:blip, VML's v:imagedata)."""
    return [picture.get(R + "embed") or picture.get(R + "link") or picture.get(R + "id") or ""
            for picture in element.iter() if picture.tag in (A + "blip", V + "imagedata")]


def _no_alternative_pictures(element) -> None:
    """A picture's markup may hold markup-compatibility content (Word writes it for a floating
    picture's position), which mammoth replaces by its older version: refused where a version
    holds a picture, since mammoth would publish the older one and Word show the newer."""
    for alternative in element.iter():
        if alternative.tag.startswith(MC) and alternative.tag != MC + "AlternateContent" and \
                alternative.tag not in (MC + "Choice", MC + "Fallback"):
            raise Refused(UNKNOWN_MARKUP, REMAKE)
        if alternative.tag == MC + "AlternateContent" and _pictures_in(alternative):
            raise Refused(TWO_VERSIONS, TWO_VERSIONS_ADVICE)

"""Is a Word file (.docx) safe to publish as a web page?

A Word file carries more than its text: tracked changes keep deleted words and who
deleted them, comments keep what reviewers said and their names, and hidden text is
still in the file. A document that has any of these is withheld (the comms officer
fixes it in Word), never cleaned silently: only the author can say which version of
a change is the report. A file that is not a sound .docx, or that would cost more to
unpack than a real report can (a "zip bomb"), is withheld too.

Only the parts the web page is made from are checked (the body, footnotes, endnotes
and styles); document properties, headers and footers, embedded objects and other
parts never reach the page (`sitegen.renditions` reads only those parts).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

# What one Word file may cost to read. A long report with photographs is tens of megabytes.
MAX_PARTS = 2_000
MAX_UNPACKED = 300_000_000  # bytes of all parts once unzipped, as the file declares them (zipfile never reads past)
MAX_XML_PART = 50_000_000  # bytes of one XML part: the body of a 1,000-page report is a few megabytes
MAX_RATIO = 200  # unzipped / zipped size of a part above 1 MB: text compresses about 10 times, never 200

BODY_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
STYLES = "word/styles.xml"
COMMENT_PARTS = ("word/comments.xml", "word/commentsExtended.xml", "word/commentsIds.xml",
                 "word/commentsExtensible.xml")

# WordprocessingML elements (local names in the w: namespace) of tracked changes: inserted, deleted and
# moved text, and changed formatting, tables and numbering (each keeps its author and the old version).
CHANGE_ELEMENTS = ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart",
                   "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblGridChange", "trPrChange",
                   "tcPrChange", "tblPrExChange", "numberingChange", "cellIns", "cellDel", "cellMerge")
COMMENT_ELEMENTS = ("commentRangeStart", "commentReference", "comment")
HIDDEN_ELEMENTS = ("vanish", "specVanish")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class WordCheck:
    """What the check found: `problem` (why it cannot be published) and `advice`, or neither."""

    problem: str | None = None
    advice: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


FIX_IN_WORD = ("Open it in Word and, on the Review tab: Accept (or Reject) All Changes and switch off Track "
               "Changes; Delete All Comments; then show hidden text (Home, the ¶ button) and delete any you "
               "find (or use File, Info, Check for Issues, Inspect Document, Hidden Text: Remove All). "
               "Save it, replace the file in reports/ and build again.")
REMAKE = "Open it in Word, save it again as a Word Document (.docx) and replace the file in reports/."


def check_docx(path: Path) -> WordCheck:
    """Whether the Word file at `path` may be made into a web page; never raises for bad content."""
    try:
        with zipfile.ZipFile(path) as archive:
            over = _over_limits(archive)
            if over is not None:
                return WordCheck(over, "A real report is far smaller: this file is damaged, or made to overload "
                                       "whatever reads it. " + REMAKE)
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                return WordCheck("is not a Word document, although its name ends in .docx.", REMAKE)
            found = _what_it_carries(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError, RuntimeError,
            NotImplementedError, MemoryError, SyntaxError):
        return WordCheck("is damaged and could not be read (it is not a sound .docx file).", REMAKE)
    if found:
        things = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
        return WordCheck(f"still has {things}, which would be published with it, so it is not published.", FIX_IN_WORD)
    return WordCheck()


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


def _what_it_carries(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """What the parts made into the page still hold that must not be published, in plain words."""
    found: list[str] = []
    for part in BODY_PARTS + (STYLES,):
        if part not in names:
            continue
        data = archive.read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ValueError(f"{part} declares a DTD, which Word never writes")
        if part != STYLES and _has(data, CHANGE_ELEMENTS):
            found.append("tracked changes")
        if part != STYLES and _has(data, COMMENT_ELEMENTS):
            found.append("comments")
        if _has(data, HIDDEN_ELEMENTS):
            found.append("hidden text")
    if any(part in names and _has(archive.read(part), ("comment",)) for part in COMMENT_PARTS[:1]):
        found.append("comments")
    if _external_pictures(archive, names):
        found.append("pictures linked from outside the document")
    return list(dict.fromkeys(found))


def _has(data: bytes, elements: tuple[str, ...]) -> bool:
    """Whether the XML has one of these w: elements (`<w:vanish w:val="0"/>` switches hidden text
    off, so it does not count). Parsed, not searched: the w: namespace may have any prefix."""
    import xml.etree.ElementTree as ET  # here: a warm build reads no document

    wanted = {W + name for name in elements}
    for _, element in ET.iterparse(io.BytesIO(data)):
        if element.tag in wanted and element.get(W + "val", "1").lower() not in ("0", "false", "off"):
            return True
        element.clear()
    return False


def _external_pictures(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether the body links to a picture outside the file (Word's "Link to File"): the page
    would show whatever is at that address, not what the report shows."""
    rels = "word/_rels/document.xml.rels"
    if rels not in names:
        return False
    for match in re.finditer(rb"<Relationship\b[^>]*>", archive.read(rels)):
        tag = match.group(0)
        if b'TargetMode="External"' in tag and re.search(rb'Type="[^"]*/image"', tag):
            return True
    return False

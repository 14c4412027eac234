"""Web pages made from Word originals (.docx): "Read online" beside a report's PDF.

A Word file is first checked (`sitegen.documents.wordsafety`): one with tracked changes, comments or
hidden text is withheld. A clean one is converted by mammoth (its public API) into plain,
semantic HTML: Word's heading styles become headings under the page's own h1 (Heading 1 is
h2, and no heading skips a level), with paragraphs, lists, tables (header rows as th),
footnotes and endnotes, links, bold and italics. Only the document's body, footnotes and
endnotes are read: its properties, headers, footers, comments and embedded objects never
reach the page. What mammoth makes is then cut down (nh3, the Ammonia sanitiser) to the
elements and attributes allowed here: no scripts, no styles, no classes. Last, every word on
the page must be one of the words the check found Word shows (`WordCheck.words`): a word from
anywhere else (a hidden part mammoth reads in a way the check did not foresee) withholds it.

Pictures become files beside the page, with their alt text from Word, each re-encoded by
Pillow so that only its pixels are published (`clean_picture`: no EXIF, GPS, XMP or comments);
one that is not a raster Pillow decodes (SVG, EMF, WMF) is left out, with a warning. Bookmarks'
names (never shown by Word) are numbered on the page. A picture with no alt text
gets a warning naming it, and a description saying it has none; an empty alt is only for a
picture Word marks as decorative. Word styles the conversion does not know are warned about
once per document.

What a Word file becomes depends only on its bytes, so it is cached by content hash with the
documents (`DocumentCache.get_rendition`).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.cachefile import made_by, read_sealed, write_sealed
from sitegen.rules.addresses import picture_address
from sitegen.documents.wordsafety import WordCheck, check_docx, words_in

# Bump when what a Word file becomes changes: cached renditions of an older version are misses.
VERSION = made_by("documents/renditions.py", "documents/wordsafety.py")  # the code that makes a web page (`cachefile.made_by`)
CACHE_SUFFIX = f".rendition-{VERSION}.cbor"  # in the document cache's folder, beside a document's other files
NOT_INSTALLED = ("Install sitegen again with its dependencies (pip install --upgrade sitegen, or the lock files in "
                 "requirements/), then build again.")

# Word's heading styles one level down: the page's h1 is the document's title.
STYLE_MAP = "\n".join(
    [f"p[style-name='{case}eading {level}'] => h{min(level + 1, 6)}:fresh" for level in range(1, 10) for case in "Hh"]
    + [f"p.Heading{level} => h{min(level + 1, 6)}:fresh" for level in range(1, 10)]
    + [f"p[style-name='{name}'] => p:fresh" for name in (
        "Title", "Subtitle", "Body Text", "No Spacing",
        "Normal (Web)", "Caption", "Quote", "Intense Quote", "Footnote Text", "Endnote Text", "Plain Text")]
    + ["r[style-name='Footnote Reference'] =>", "r[style-name='Endnote Reference'] =>"]
)

# What a rendition's HTML may hold: the elements mammoth makes for what is listed above, and
# the attributes links, pictures, footnotes and table cells need. Everything else is removed.
ALLOWED_TAGS = {"h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "em", "s", "sup", "sub", "ul", "ol", "li",
                "table", "thead", "tbody", "tr", "th", "td", "a", "img", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "id"}, "li": {"id"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"},
                      "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
ID_PREFIX = "word-"  # mammoth's ids (footnotes, bookmarks) start with it; headings' start with "section-"

DECORATIVE = re.compile(rb"<(?:\w+:)?docPr\b(?:(?!</(?:\w+:)?docPr>).)*?decorative\b[^>]*\bval=\"(?:1|true)\"", re.S)
DOC_PR = re.compile(rb"<(?:\w+:)?docPr\b(?:[^>]*/>|.*?</(?:\w+:)?docPr>)", re.S)


@dataclass(frozen=True)
class Heading:
    level: int  # 2 to 6, as on the page
    anchor: str  # its id
    text: str


@dataclass(frozen=True)
class Picture:
    name: str  # file name beside the page: picture-1.png
    data: bytes


@dataclass(frozen=True)
class Rendition:
    """A Word file as a web page, or why it cannot be one (`problem` and `advice`)."""

    html: str = ""  # the body, sanitised, headings with ids
    headings: tuple[Heading, ...] = ()
    pictures: tuple[Picture, ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()  # (what, what to do), each about the Word file
    problem: str | None = None
    advice: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def html_at(self, address: str) -> str:
        """The body for the page at `address` (/sar/adult-a/overview/), its pictures' addresses made whole."""
        return _PICTURE_SRC.sub(lambda m: m.group(1) + picture_address(address, m.group(2)), self.html)

    @property
    def contents(self) -> tuple[Heading, ...]:
        """The headings a contents list shows: the top two levels of the document."""
        top = min((h.level for h in self.headings), default=2)
        return tuple(h for h in self.headings if h.level <= top + 1)


def kept(key: str, folder: Path | None) -> Rendition | None:
    """The rendition of the Word file whose SHA-256 is `key` the cache (`folder`, the document
    cache's) holds whole; None when it holds none, or a damaged one."""
    return _load(_kept_file(folder, key)) if folder is not None else None


def _kept_file(folder: Path, key: str) -> Path:
    return folder / "documents" / f"{key}{CACHE_SUFFIX}"


def rendition_of(path: Path, key: str, folder: Path | None, memory: dict[str, Rendition]) -> Rendition:
    """The rendition of the Word file at `path`, whose SHA-256 is `key`: from the cache (`folder`,
    the document cache's, or `memory` for this build) when it was made before, else made and kept."""
    if key in memory:
        return memory[key]
    target = _kept_file(folder, key) if folder is not None else None
    found = _load(target) if target is not None else None
    if found is None:
        found = make_rendition(path)
        if target is not None and found.advice != NOT_INSTALLED:
            import cbor2

            write_sealed(target, cbor2.dumps(_record(found)))
    memory[key] = found
    return found


def _record(rendition: Rendition) -> dict:
    return {"html": rendition.html, "headings": [[h.level, h.anchor, h.text] for h in rendition.headings],
            "pictures": [[p.name, p.data] for p in rendition.pictures], "warnings": [list(w) for w in rendition.warnings],
            "problem": rendition.problem, "advice": rendition.advice}


def _load(target: Path) -> Rendition | None:
    """A cached rendition; None when there is none, or it is damaged (then it is made again)."""
    import cbor2

    found = read_sealed(target)
    if found is None:
        return None
    try:
        data = cbor2.loads(found)
        return Rendition(html=data["html"], headings=tuple(Heading(*h) for h in data["headings"]),
                         pictures=tuple(Picture(*p) for p in data["pictures"]),
                         warnings=tuple((w[0], w[1]) for w in data["warnings"]),
                         problem=data["problem"], advice=data["advice"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, cbor2.CBORDecodeError):
        return None


def make_rendition(path: Path) -> Rendition:
    """The web page a Word file makes; never raises for bad content."""
    checked = check_docx(path)
    if not checked.ok:
        return Rendition(problem=checked.problem, advice=checked.advice)
    try:
        return _convert(path, checked)
    except ImportError as missing:  # an install without sitegen's dependencies: not the file's fault, never cached
        return Rendition(problem=f"could not be made into a web page: {missing.name or 'a library sitegen needs'} is not installed.",
                         advice=NOT_INSTALLED)
    except Exception:  # noqa: BLE001 - any fault reading a file that passed the check: withheld, said plainly
        return Rendition(problem="could not be made into a web page (sitegen could not read part of it).",
                         advice="Open it in Word, save it again as a Word Document (.docx) and replace the file in reports/.")


NOT_SHOWN_BY_WORD = ("would show words on its web page that are not in the text Word shows, so it is not published "
                     "(sitegen cannot tell where they come from).")
NOT_SHOWN_ADVICE = ("Open it in Word and use File, Info, Check for Issues, Inspect Document to remove hidden text and "
                    "anything else it finds; check its text boxes and fields; save it as a Word Document (.docx) and "
                    "replace the file in reports/. If this message stays, report it to sitegen's maintainers.")
DROPPED = "dropped-picture"  # the src of a picture left out, whose <img> is removed after the conversion


def _convert(path: Path, checked: WordCheck) -> Rendition:
    import mammoth  # here: a warm build converts nothing
    import nh3

    pictures: list[Picture] = []
    warnings: list[tuple[str, str]] = []
    decorative = _decorative_flags(path, checked.main_part)
    seen = 0

    def picture(image) -> dict[str, str]:
        nonlocal seen
        seen += 1
        number = seen
        with image.open() as handle:
            clean = clean_picture(handle.read(MAX_PICTURE_BYTES + 1))
        if clean is None:
            warnings.append((f"picture {number} is not a photograph or drawing a web page can show safely (it may be "
                             "an SVG, EMF or WMF drawing, or damaged), so it is left out of the web page.",
                             "In Word, right-click the picture, choose Save as Picture, save it as PNG, then delete it "
                             "and insert the PNG with Insert, Pictures; replace the file in reports/ and build again."))
            return {"src": DROPPED}
        data, extension = clean
        name = f"picture-{number}.{extension}"
        pictures.append(Picture(name, data))
        alt = " ".join((image.alt_text or "").split())
        if not alt and not (decorative is not None and number <= len(decorative) and decorative[number - 1]):
            warnings.append((f"picture {number} has no alt text, so people who cannot see it are told only that "
                             "the report gives no description of it.",
                             "In Word, right-click the picture, choose View Alt Text (or Edit Alt Text) and describe "
                             "what it shows; if it is only decoration, tick Mark as decorative."))
            alt = f"Picture {number}: the report gives no description of it."
        return {"src": name, "alt": alt}

    with path.open("rb") as handle:
        result = mammoth.convert_to_html(handle, style_map=STYLE_MAP, convert_image=mammoth.images.img_element(picture),
                                         id_prefix=ID_PREFIX, include_embedded_style_map=False,
                                         external_file_access=False)
    unknown = _unknown_styles(message.message for message in result.messages)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        warnings.append((f"uses Word styles that sitegen shows as plain text: {names}.",
                         "If any of them is a heading, use Word's own heading styles (Home, Styles: Heading 1, "
                         "Heading 2...) so that it is a heading on the web page too."))
    clean = nh3.clean(result.value, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel=None, strip_comments=True)
    clean = _DROPPED_IMG.sub("", clean)
    if not set(page_words(clean, checked)) <= checked.words:
        return Rendition(problem=NOT_SHOWN_BY_WORD, advice=NOT_SHOWN_ADVICE)
    body, headings = _number_headings(_with_notes_heading(_neutral_anchors(clean)))
    return Rendition(html=body, headings=tuple(headings), pictures=tuple(pictures), warnings=tuple(warnings))


_ANCHOR = re.compile(r'\b(id|href)="(#?)word-([^"]*)"')
_NOTE_ID = re.compile(r"(?:footnote|endnote)(?:-ref)?-\d+")


def _neutral_anchors(body: str) -> str:
    """Bookmarks' names (which Word never shows, and which an author may have typed a name into)
    replaced by numbers, in their ids and in the links to them; footnotes' and endnotes' ids are kept."""
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        attribute, hash_, name = match.groups()
        if _NOTE_ID.fullmatch(name):
            return match.group(0)
        return f'{attribute}="{hash_}word-{names.setdefault(name, f"bookmark-{len(names) + 1}")}"'

    return _ANCHOR.sub(rename, body)


_DROPPED_IMG = re.compile(r'<img\b[^>]*\bsrc="' + DROPPED + r'"[^>]*>')
_NOTE_LINKS = re.compile(r'<a href="#word-(?:footnote|endnote)(?:-ref)?-\d+"[^>]*>.*?</a>', re.S)
_INLINE = re.compile(r"</?(?:strong|em|s|sup|sub|a|img)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def page_words(body: str, checked: WordCheck | None = None) -> list[str]:
    """The words a reader sees on the page made from `body` (the sanitised HTML, before sitegen adds
    its Notes heading): footnote numbers and links back left out, as they are not the document's
    words; runs of text joined as Word joins them, blocks apart. Where the document has symbols
    (`checked.symbols`: mammoth shows Symbol's "b" as "β"), a character in none of the words Word
    shows is taken as a symbol, and parts words as a symbol does."""
    text = html.unescape(_TAG.sub(" ", _INLINE.sub("", _NOTE_LINKS.sub("", body))))
    if checked is not None and checked.symbols:
        known = set("".join(checked.words))
        text = "".join(character if character in known or not character.isalnum() else " " for character in text)
    return words_in(text)


# What one picture may be: a photograph of a page is a few thousand pixels each way.
MAX_PICTURE_BYTES = 50_000_000
MAX_PICTURE_PIXELS = 60_000_000
PICTURE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")  # the rasters Pillow decodes; never SVG, EMF or WMF


def clean_picture(data: bytes) -> tuple[bytes, str] | None:
    """Only the pixels of a picture, saved fresh by Pillow, and the file's extension: a photograph as
    JPEG, anything else as PNG. Nothing else of the file survives (EXIF and its GPS position, XMP,
    comments, colour profiles, extra frames), and a browser gets a plain raster that runs no script.
    None when it is not a raster Pillow can decode (SVG, EMF, WMF, damaged) or is too big."""
    import warnings

    from PIL import Image, ImageOps

    if len(data) > MAX_PICTURE_BYTES:
        return None
    try:
        with warnings.catch_warnings():  # Pillow only warns of a picture far bigger than a report's: refused here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=PICTURE_FORMATS)
        with image:
            if image.width * image.height > MAX_PICTURE_PIXELS:
                return None
            photograph = image.format == "JPEG"
            upright = ImageOps.exif_transpose(image)  # as Word shows it; the EXIF itself is not kept
            mode = "RGB" if photograph or not _has_transparency(upright) else "RGBA"
            pixels = upright.convert(mode)
            fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
        out = io.BytesIO()
        if photograph:
            fresh.save(out, "JPEG", quality=90)
        else:
            fresh.save(out, "PNG")
        return out.getvalue(), "jpg" if photograph else "png"
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged or hostile file: the picture is left out
        return None


def _has_transparency(image) -> bool:
    """Whether a picture has see-through parts (kept as PNG's alpha; a photograph has none)."""
    return "A" in image.mode or "transparency" in image.info


_UNKNOWN = re.compile(r"^Unrecognised \w+ style: (.*) \(Style ID: (.*)\)$")


def _unknown_styles(messages) -> list[str]:
    """The Word styles named in mammoth's warnings about styles it has no mapping for, each once
    (by name; by its id when the file does not name it)."""
    found = (_UNKNOWN.match(text) for text in messages)
    return list(dict.fromkeys(match.group(1) if match.group(1) != "None" else match.group(2)
                              for match in found if match))


def _decorative_flags(path: Path, main_part: str) -> list[bool] | None:
    """For each picture of the body in order, whether Word marks it decorative; None when the
    pictures cannot be matched to mammoth's in order (old-style VML pictures): then none is."""
    try:
        with zipfile.ZipFile(path) as archive:
            body = archive.read(main_part)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    if b"imagedata" in body:
        return None
    return [bool(DECORATIVE.match(found.group(0))) for found in DOC_PR.finditer(body)]


_NOTES = re.compile(r'<ol><li id="word-(?:footnote|endnote)-\d+">')
_BACK = re.compile(r'<a href="#word-(?:footnote|endnote)-ref-\d+">')


def _with_notes_heading(body: str) -> str:
    """The footnotes and endnotes (mammoth lists them at the end) under a heading of their own, each
    one's link back to where it is referred to named for screen readers (it shows only an arrow)."""
    body = _BACK.sub(lambda m: m.group(0)[:-1] + ' aria-label="Back to the text">', body)
    found = _NOTES.search(body)
    return body if found is None else body[:found.start()] + "<h2>Notes</h2>" + body[found.start():]


_PICTURE_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(picture-\d+\.\w+)(?=")')
_HEADING = re.compile(r"<h([2-6])>(.*?)</h\1>", re.S)


def _number_headings(body: str) -> tuple[str, list[Heading]]:
    """Each heading given an id, and moved up where it would skip a level (Heading 1 then
    Heading 3 is h2 then h3): the page's outline has no gaps."""
    headings: list[Heading] = []
    previous = 1  # the page's h1

    def number(match: re.Match) -> str:
        nonlocal previous
        level = min(int(match.group(1)), previous + 1)
        previous = level
        anchor = f"section-{len(headings) + 1}"
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).split())
        headings.append(Heading(level, anchor, text))
        return f'<h{level} id="{anchor}">{match.group(2)}</h{level}>'

    return _HEADING.sub(number, body), [h for h in headings if h.text]


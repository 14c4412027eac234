"""Inspecting a PDF with qpdf (through pikepdf): what it would cost to read (`MAX_PAGES`,
`MAX_UNPACKED`, and qpdf's own memory limits, set once in `_pikepdf`), whether it can be opened,
what it carries (`pdfsafety`), and the cleaned copy that is published in its place, made and
checked once written.

A PDF that is not really a PDF, is password-protected, is damaged or is beyond what one report
can sanely cost cannot be published: the entry that lists it is withheld with a message saying
so, and the build goes on. So is a PDF with active content or files attached inside it
(`pdfsafety.active_content`)."""

from __future__ import annotations

import io
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pikepdf is imported when a PDF is first read: a build with a warm cache never needs it
    import pikepdf

from sitegen.documents import pdfsafety
from sitegen.documents.cache import DocumentCache, copy_title
from sitegen.documents.pdfsafety import PdfSafety
from sitegen.documents.record import DocumentInfo

# What one PDF may cost to read. Reports run to hundreds of pages and tens of megabytes of
# content; a file past these is damaged or made to exhaust whatever reads it.
MAX_PAGES = 10_000
MAX_UNPACKED = 500_000_000  # bytes of content, fonts and other non-image data once uncompressed


def make_copies(path: Path, key: str, titles: tuple[str | None, ...], cache: DocumentCache) -> None:
    """Make and keep the published copies, with `titles`, of a PDF already inspected and found publishable
    (a copy that cannot be made is not kept: `published_copy` then finds none, and the entry is withheld)."""
    try:
        with open_pdf(path) as pdf:
            if pdf is None:
                return
            copies, _ = _clean_copies(path, pdf, key, titles, len(pdf.pages))
    except read_errors():
        return
    for title, copy in copies.items():
        cache.copies.put(key, copy, title)


def inspect_pdf(path: Path, key: str, size: int, cache: DocumentCache, titles: tuple[str | None, ...] = ()) -> DocumentInfo:
    """What a PDF is, and its published copies with `titles` (with no title, when none is given).
    A PDF with active content or attached files is withheld (see `pdfsafety.active_content`)."""
    def bad(problem: str, advice: str) -> DocumentInfo:
        return DocumentInfo(key, size, "PDF", problem=problem, advice=advice)

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        return bad("is not a PDF, although its name ends in .pdf.",
                   "Export or save the report as PDF again, and replace the file in reports/.")
    try:
        with open_pdf(path) as pdf:
            if pdf is None:
                return bad("is password-protected, so readers could not open it.",
                           "Save a copy without a password (in most PDF tools: File, Properties, Security: No security) and replace the file in reports/.")
            over = _over_limits(pdf)
            if over is not None:
                return bad(over, "A real report is far smaller: this file is damaged, or made to overload whatever "
                                 "reads it. Export the report as PDF again and replace the file in reports/.")
            pages = len(pdf.pages)
            if pages == 0:
                return bad("has no pages.", "Export the report as PDF again and replace the file in reports/.")
            title = _metadata_title(pdf)
            found = _survey(pdf)  # one walk of the whole file, for the audit, the check and the copy
            safety = _audit(pdf, title, found)
            active = found.active if found is not None else [
                "parts that could not be checked for code, actions or attached files"]
            if active:
                return bad(f"has {_listed(active)}. A published report must not run code, open or send anything, "
                           "or carry other files, so it is not published.", ACTIVE_ADVICE)
            if pdfsafety.hidden_layers(pdf):
                return bad(pdfsafety.HIDDEN_LAYERS, pdfsafety.HIDDEN_LAYERS_ADVICE)
            copies, left = _clean_copies(path, pdf, key, titles, pages, found)
    except read_errors():
        return bad("is damaged and could not be read.",
                   "Open it in a PDF reader to check it, export it as PDF again, and replace the file in reports/.")
    if not copies:
        return bad(f"could not be copied without {_listed(left) if left else 'the personal details in its file properties'}, "
                   "so it is not published.", "Export it as PDF again (or print it to PDF) and replace the file in reports/.")
    for copy_of, copy in copies.items():
        cache.copies.put(key, copy, copy_of)
    return DocumentInfo(key, size, "PDF", pages=pages, title=title, safety=safety,
                        published_size=len(next(iter(copies.values()))))


ACTIVE_ADVICE = ("Make the PDF again from the original document: in Word, File, Save As, PDF; or in Acrobat, print it "
                 "to the Adobe PDF printer, or use Protect, Sanitize Document. Then replace the file in reports/. If it "
                 "had attached files that should be published, list each in the entry as a document of its own.")


def _listed(kinds: list[str]) -> str:
    """'JavaScript, links that open other files and files attached inside it'."""
    return ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]


def _survey(pdf: pikepdf.Pdf) -> pdfsafety.Survey | None:
    """`pdfsafety.survey`, or None when the file cannot be walked: then nothing can be vouched for,
    and the PDF is withheld."""
    try:
        return pdfsafety.survey(pdf)
    except Exception:  # noqa: BLE001 - odd structures: nothing can be vouched for
        return None


def _audit(pdf: pikepdf.Pdf, title: str | None, found: pdfsafety.Survey | None = None) -> PdfSafety:
    try:
        return pdfsafety.audit(pdf, title, found)
    except Exception:  # noqa: BLE001 - odd structures: say that nothing could be vouched for
        return PdfSafety.not_read()


def _clean_copies(path: Path, pdf: pikepdf.Pdf, key: str, titles: tuple[str | None, ...], pages: int,
                  survey: pdfsafety.Survey | None = None) -> tuple[dict[str | None, bytes], list[str]]:
    """The copies to publish, one for each title (with none given: one with no title), and, when one
    cannot be made, no copies and what it still had that must not be published (see `_clean_copy`).
    `pdf` is `path` opened (and `survey` its survey, if made); cleaning changes it, so each further
    copy is made from `path` opened again."""
    found: dict[str | None, bytes] = {}
    for index, title in enumerate(dict.fromkeys(map(copy_title, titles or (None,)))):
        if index:
            with open_pdf(path) as again:  # None: it now wants a password (changed on disk), so no copy
                copy, left = _clean_copy(again, key, title, pages) if again is not None else (None, [])
        else:
            copy, left = _clean_copy(pdf, key, title, pages, survey)
        if copy is None:
            return {}, left
        found[title] = copy
    return found, []


def _clean_copy(pdf: pikepdf.Pdf, key: str, title: str | None, pages: int,
                survey: pdfsafety.Survey | None = None) -> tuple[bytes | None, list[str]]:
    """The copy to publish, once read back whole and walked object by object (`pdfsafety.leftovers`),
    and []; or None (the entry is withheld) with what it still had that must not be published ([] when
    it could not be made or read back at all)."""
    import pikepdf

    try:
        copy = pdfsafety.clean(pdf, key, title, survey)
        with pikepdf.open(io.BytesIO(copy), inherit_page_attributes=False) as back:
            if len(back.pages) != pages:
                return None, []  # the copy lost pages
            left = pdfsafety.leftovers(back, title)
    except Exception:  # noqa: BLE001 - any failure means no safe copy
        return None, []
    return (None, left) if left else (copy, [])


def _over_limits(pdf: pikepdf.Pdf) -> str | None:
    """Why reading this PDF would cost more than one report may (see MAX_PAGES, MAX_UNPACKED), or None.
    Neither is read whole to find out: counting stops once past the limit."""
    if _page_references(pdf, MAX_PAGES) > MAX_PAGES:
        return f"has more than {MAX_PAGES:,} pages, the most sitegen reads in one report, so it is not published."
    if _unpacked_size(pdf, MAX_UNPACKED) > MAX_UNPACKED:
        return (f"holds more than {MAX_UNPACKED // 1_000_000:,} MB of content once uncompressed, the most sitegen "
                "reads in one report, so it is not published.")
    return None


def _page_references(pdf: pikepdf.Pdf, limit: int) -> int:
    """The pages the page tree lists (a page listed twice counts twice), counted until past `limit`:
    qpdf duplicates each page listed again, so a small file can list a million."""
    import pikepdf

    todo, seen, pages = [pdf.Root.Pages], set(), 0
    while todo:
        node = todo.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue  # qpdf refuses a tree with loops
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if not isinstance(kids, pikepdf.Array):
            continue
        if pages + len(kids) > limit:  # a page tree has fewer nodes than pages
            nodes = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/Kids" in kid] \
                if len(kids) <= 2 * limit else []
            if pages + len(kids) - len(nodes) > limit:
                return pages + len(kids) - len(nodes)
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/Kids" in kid:
                todo.append(kid)
            else:
                pages += 1
    return pages


UNPACKED_BY_QPDF = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85", "/RunLengthDecode", "/RL",
                    "/FlateDecode", "/Fl"}  # filters qpdf decodes within its memory limits (set in `_pikepdf`)


def _unpacked_size(pdf: pikepdf.Pdf, limit: int) -> int:
    """The bytes that the document's streams other than images unpack to (as a reader unpacks
    them to show or search it), counted until past `limit`, never holding more than one stream.

    Images are left out: they are published as they are, and nothing here or in PDFium's
    reading of text unpacks them. Streams only compressed with Flate (nested or not) are
    measured as they are inflated; others are unpacked by qpdf, which stops past its limits.
    A stream that cannot be unpacked counts as its packed size (readers skip what they cannot read);
    LZW, rare since 1996, is counted packed."""
    import pikepdf

    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") == "/Image":
            continue
        named = obj.get("/Filter")
        filters = [str(f) for f in named] if isinstance(named, pikepdf.Array) else [str(named)] if named else []
        try:
            raw = obj.read_raw_bytes()
        except Exception:  # noqa: BLE001 - a stream that cannot be read is read by no one
            continue
        try:
            if filters and all(f in ("/FlateDecode", "/Fl") for f in filters):
                total += _inflated_size(raw, len(filters), limit - total)
            elif filters and all(f in UNPACKED_BY_QPDF for f in filters):
                total += len(obj.read_bytes())
            else:
                total += len(raw)
        except Exception:  # noqa: BLE001 - past qpdf's limits, or damaged: readers skip what they cannot unpack
            total += len(raw)
        if total > limit:
            break
    return total


def _inflated_size(data: bytes, layers: int, budget: int) -> int:
    """How many bytes `data` inflates to through `layers` rounds of zlib, counted until past
    `budget`; a stream that is cut short or damaged counts what came out before."""
    chunks: Iterator[bytes] = iter((data,))
    for _ in range(layers):
        chunks = _inflate(chunks)
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > budget:
                break
    except zlib.error:
        pass
    return size


def _inflate(chunks: Iterator[bytes], step: int = 1 << 20) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        while chunk and not inflater.eof:
            out = inflater.decompress(chunk, step)
            chunk = inflater.unconsumed_tail
            if out:
                yield out
        if inflater.eof:
            return


def read_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged file raises: qpdf's errors, and a few of Python's."""
    import pikepdf

    return (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError, RuntimeError, NotImplementedError, MemoryError)


@contextmanager
def open_pdf(path: Path) -> Iterator[pikepdf.Pdf | None]:
    """A PDF opened with qpdf (repairing what it can), None when a password is needed; raises
    one of `read_errors()` when damaged. Pages' inherited attributes are left where they are:
    pushing them down would duplicate every page a small file lists many times."""
    pikepdf = _pikepdf()
    try:
        pdf = pikepdf.open(path, inherit_page_attributes=False)
    except pikepdf.PasswordError:
        pdf = None  # an empty password (a PDF encrypted only to set permissions) is tried first
    if pdf is None:
        yield None
        return
    with pdf:
        yield pdf


_LIMITS_SET = False


def _pikepdf():
    """pikepdf, with qpdf's memory limits for unpacking one stream set (once, for the process)."""
    global _LIMITS_SET
    import pikepdf

    if not _LIMITS_SET:
        from pikepdf import settings

        settings.set_qpdf_limits(flate_max_memory=MAX_UNPACKED, run_length_max_memory=MAX_UNPACKED,
                                 png_max_memory=MAX_UNPACKED, tiff_max_memory=MAX_UNPACKED,
                                 dct_max_memory=MAX_UNPACKED)
        _LIMITS_SET = True
    return pikepdf


def _metadata_title(pdf: pikepdf.Pdf) -> str | None:
    """The information dictionary's /Title, when it is text."""
    import pikepdf

    try:
        info = pdf.trailer.get("/Info")
        given = info.get("/Title") if isinstance(info, pikepdf.Dictionary) else None
        title = str(given) if isinstance(given, (str, pikepdf.String)) else None
    except Exception:  # noqa: BLE001 - unreadable metadata is common and harmless here
        return None
    return " ".join(title.split()) or None if title else None

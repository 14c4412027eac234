"""A PDF's text for the search index, read by PDFium (pypdfium2), and cleaned as the index holds
it. PDFium is native code and can crash on a malformed file: it is only ever run in a forked
worker (`sitegen.documents.reading`)."""

from __future__ import annotations

import re
from pathlib import Path

def extract_pdf_text(source: Path | bytes) -> str:
    """A PDF's text for the search index, read by PDFium (pypdfium2): its pages' text, each
    stripped, with runs of spaces and tabs collapsed, joined by blank lines ("" when it has
    none, or PDFium cannot open it). A page that fails is skipped. Never raises for bad content
    (but can crash: see `_isolated_text`)."""
    try:
        pages = _pdfium_page_texts(source)
    except Exception:  # noqa: BLE001 - a document PDFium cannot read has no text to search
        return ""
    return _join_pages(pages)


def _join_pages(pages: list[str]) -> str:
    texts = (_clean_text(text) for text in pages)
    return "\n\n".join(text for text in texts if text)


def _pdfium_page_texts(source: Path | bytes) -> list[str]:
    """Each page's text as PDFium gives it; raises when the document cannot be read.

    Every PDFium object is closed before returning (nothing is kept between calls, so
    that forked processes start with no open documents).
    """
    import pypdfium2  # imported here: importing sitegen stays quick, and a build with a warm cache never loads PDFium

    pages: list[str] = []
    failed = 0
    # An empty password opens PDFs encrypted only to set permissions; others raise.
    document = pypdfium2.PdfDocument(str(source) if isinstance(source, Path) else source, password="")
    try:
        for index in range(len(document)):
            page = textpage = None
            try:
                page = document[index]
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range())
            except Exception:  # noqa: BLE001 - a page PDFium cannot read is skipped
                failed += 1
            finally:
                if textpage is not None:
                    textpage.close()
                if page is not None:
                    page.close()
    finally:
        document.close()
    if failed and not pages:
        raise ValueError("PDFium could not read any page")
    return pages


# PDFium marks a hyphen that it takes to split a word at the end of a line, and joins the
# word's halves: U+FFFE from FPDFText_GetText (0x02 from FPDFText_GetBoundedText). The
# marker goes, leaving the whole word (a real hyphen that falls at a line's end goes too).
# Other control characters (codes of fonts that do not say which letters they draw, such
# as TeX's maths fonts), private-use characters (glyphs of symbol fonts, which no one can
# type into a search box), lone surrogates and U+FFFF become spaces.
_SOFT_HYPHEN = re.compile(r"[\x02\ufffe]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\uffff\U000f0000-\U0010ffff]")


def _clean_text(text: str) -> str:
    """One page's text as the index holds it: Unix line ends, no control characters, runs
    of spaces and tabs collapsed, stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _NOT_TEXT.sub(" ", _SOFT_HYPHEN.sub("", text))
    return re.sub(r"[ \t]+", " ", text).strip()

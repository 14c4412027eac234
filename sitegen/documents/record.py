"""What a document is: the record inspecting it makes (`DocumentInfo`), its format by name, and
its content hash (what every kept value about it is filed under)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sitegen.documents.pdfsafety import PdfSafety

FORMATS = {
    ".pdf": "PDF", ".docx": "Word document", ".doc": "Word document", ".odt": "OpenDocument text",
    ".xlsx": "Excel spreadsheet", ".xls": "Excel spreadsheet", ".ods": "OpenDocument spreadsheet",
    ".csv": "CSV spreadsheet", ".pptx": "PowerPoint presentation", ".rtf": "Rich text document",
    ".txt": "Plain text", ".html": "Web page",
}


@dataclass(frozen=True)
class DocumentInfo:
    sha256: str
    size: int
    format: str  # "PDF", "Word document"
    pages: int | None = None  # PDFs only
    title: str | None = None  # from the PDF's own metadata
    problem: str | None = None  # why it cannot be published, in plain English
    advice: str | None = None
    safety: PdfSafety | None = None  # PDFs only: what it carries besides its pages
    personal: tuple[str, ...] = ()  # Word, Excel and PowerPoint files: properties that can name people
    published_size: int | None = None  # PDFs only: the size of the copy that is published

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        """'PDF, 1.2 MB, 34 pages'."""
        parts = [self.format, human_size(self.published_size or self.size)]
        if self.pages is not None:
            parts.append(f"{self.pages} page" + ("" if self.pages == 1 else "s"))
        return ", ".join(parts)


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


def file_format(name: str) -> str:
    return FORMATS.get(Path(name).suffix.lower(), (Path(name).suffix.lstrip(".").upper() or "File"))


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of_handle(handle)


def sha256_of_handle(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def unreadable(path: Path, exc: OSError) -> DocumentInfo:
    """A document that could not be read at all, as a problem (not kept: the next build tries again)."""
    reason = "it is no longer there" if isinstance(exc, FileNotFoundError) else (exc.strerror or type(exc).__name__).lower()
    return DocumentInfo("", 0, file_format(path.name), problem=f"could not be read ({reason}), so it is not published.",
                        advice=f"Check that {path.name} is in reports/ and that the build may read it "
                               "(its permissions), then build again.")

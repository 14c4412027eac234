"""Inspect documents: size, format, page count, title and safety, cached by content hash; and
what is published of each (a PDF's cleaned copy, made from the report when the cache has none).

This is the public entry for one document (`inspect`, `published_copy`); many at once, in forked
workers: `sitegen.documents.reading`. The other modules of the folder each do one job: the record
(`record`), the cache (`cache`), a PDF's limits, safety and cleaned copy (`pdfinspect`), its text
(`text`)."""

from __future__ import annotations

from pathlib import Path

from sitegen.documents import pdfinspect
from sitegen.documents.cache import DocumentCache
from sitegen.documents.record import DocumentInfo, file_format, sha256_of, unreadable

def inspect(path: Path, cache: DocumentCache) -> DocumentInfo:
    """What a document is; never raises for bad content, nor for a file that cannot be read (gone
    since the entries were read, or not allowed): a problem says so, and its entry is withheld."""
    try:
        key = cache.hashes.of(path)
        return inspect_as(path, key, cache)
    except OSError as exc:
        return unreadable(path, exc)


def inspect_as(path: Path, key: str, cache: DocumentCache, titles: tuple[str, ...] = ()) -> DocumentInfo:
    """`inspect` for a file whose content hash is known; a PDF read now has its published copy made
    with each of `titles` (with no title, when none is given)."""
    cached = cache.infos.get(key)
    if cached is not None:
        return cached
    size = path.stat().st_size
    if path.suffix.lower() == ".pdf":
        info = pdfinspect.inspect_pdf(path, key, size, cache, titles)
    else:  # a Word original (made into a web page, never published as it is: `sitegen.documents.renditions`)
        info = DocumentInfo(key, size, file_format(path.name))
    cache.infos.put(key, info)
    return info


def published_copy(path: Path, info: DocumentInfo, cache: DocumentCache, title: str | None = None) -> Path | bytes | None:
    """What is published for a document: the cleaned copy of a PDF whose title is `title` (the entry's
    title for it; None if the copy cannot be made), else the file itself."""
    if info.format != "PDF":
        return path
    found = cache.copies.get(info.sha256, title)  # checked against its digest
    if found is None and sha256_of(path) == info.sha256:  # not made yet with this title, or the cache was emptied (or damaged)
        pdfinspect.make_copies(path, info.sha256, (title,), cache)
        found = cache.copies.get(info.sha256, title)
    return found


def published_size(content: Path | bytes | None) -> int | None:
    """The size of what is published (a copy's size depends on its title, so it is measured)."""
    if isinstance(content, bytes):
        return len(content)
    try:
        return content.stat().st_size if content is not None else None
    except OSError:
        return None

"""The document cache's parts keep the folder's layout, and nothing an older sitegen cached (marked
with other code) is ever used or published."""

import json
import os
import shutil
import subprocess
import sys

import sitegen

from pdfmaker import make_pdf
from sitegen.documents import cache as cache_module
from sitegen.documents import reading, record
from sitegen.core.cachefile import read_sealed, write_sealed
from sitegen.documents.cache import CLEAN_VERSION, TEXT_HEADER, VERSION
from sitegen.documents.inspection import DocumentCache, inspect, published_copy


def test_each_part_files_what_it_holds_where_it_always_has(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", ["Report", "Only here: Kestrel"])
    folder = tmp_path / "cache"
    cache = DocumentCache(folder)
    reading.prepare([pdf], {pdf}, cache)
    info = inspect(pdf, cache)
    cache.save()
    key = info.sha256
    assert sorted(os.listdir(folder / "documents")) == sorted([f"{key}.json", f"{key}.txt", f"{key}.published-{CLEAN_VERSION}.pdf",
                                                              f"{key}.published-{CLEAN_VERSION}.pdf.sha256"])
    assert json.loads(read_sealed(folder / "hashes.json"))["files"][str(pdf)][1] == key
    index = json.loads(read_sealed(folder / "documents.json"))
    assert index["version"] == VERSION and key in index["documents"]
    assert read_sealed(folder / "documents" / f"{key}.txt").decode().startswith(TEXT_HEADER)
    again = DocumentCache(folder)  # the next build reads each part back
    assert again.hashes.of(pdf) == key and again.infos.get(key) == info
    assert "Kestrel" in again.texts.get(key) and again.texts.has(key)
    assert published_copy(pdf, info, again).read_bytes() == cache.copies.get(key).read_bytes()


def test_what_an_older_version_cached_is_a_miss_and_never_published(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", ["Report"], author="Jane Smith")
    folder = tmp_path / "cache"
    key = record.sha256_of(pdf)
    kept = folder / "documents"
    kept.mkdir(parents=True)
    stale = {"sha256": key, "size": 1, "format": "PDF", "pages": 99, "published_size": 9}
    (kept / f"{key}.json").write_text(json.dumps({"version": "0.0", **stale}))
    (folder / "documents.json").write_text(json.dumps({"version": "0.0", "text": TEXT_HEADER, "documents": {key: stale}, "texts": [key]}))
    (kept / f"{key}.txt").write_text("sitegen document text 0\nold words")
    (kept / f"{key}.published-0123456789abcdef.pdf").write_bytes(b"%PDF-1.4 old copy by Jane Smith")
    cache = DocumentCache(folder)
    assert cache.infos.get(key) is None and cache.texts.get(key) is None and cache.copies.get(key) is None
    info = inspect(pdf, cache)
    assert info.pages == 1
    copy = published_copy(pdf, info, cache)
    assert b"old copy" not in copy.read_bytes() and b"Jane Smith" not in copy.read_bytes()


def test_the_index_keeps_what_it_had_gains_new_documents_and_mends_an_unusable_entry(tmp_path):
    a, b = make_pdf(tmp_path / "a.pdf", ["Report A"]), make_pdf(tmp_path / "b.pdf", ["Report B", "Two"])
    folder = tmp_path / "cache"
    cache = DocumentCache(folder)
    info_a = inspect(a, cache)
    cache.save()
    index_file = folder / "documents.json"
    data = json.loads(read_sealed(index_file))
    data["documents"][info_a.sha256] = {"pages": "many", "unknown": 1}  # unusable, in a whole index
    write_sealed(index_file, json.dumps(data).encode())
    cache = DocumentCache(folder)
    assert inspect(a, cache) == info_a, "an unusable entry: the document's own file is read"
    info_b = inspect(b, cache)
    cache.save()
    for own in (folder / "documents").glob("*.json"):
        own.unlink()  # from now on, only the index knows them
    again = DocumentCache(folder)
    assert again.infos.get(info_a.sha256) == info_a and again.infos.get(info_b.sha256) == info_b


MENDED_CLEANER = """

_clean_before_the_mend = clean


def clean(*args, **kwargs):  # as a fix to the cleaner would: every copy it makes is new
    return _clean_before_the_mend(*args, **kwargs) + b"%% cleaned by the mended cleaner\\n"
"""


def test_a_mended_cleaner_reaches_every_published_pdf_with_no_version_bumped(site, tmp_path):
    """The cleaned copies kept in the cache are marked with the code that makes them
    (`cachefile.made_by`), so the first build after a change to that code publishes copies the
    changed code made, never those kept from before, though no one bumped a version."""
    site.pdf("a.pdf", ["Report"], author="Jane Smith")
    site.entry("review", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    mended = tmp_path / "mended"
    shutil.copytree(sitegen.PACKAGE_FOLDER, mended / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    with open(mended / "sitegen" / "documents" / "pdfsafety.py", "a", encoding="utf-8") as source:
        source.write(MENDED_CLEANER)

    def build(package: os.PathLike, output: str) -> bytes:
        done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site.root), "--as-of", "2026-02-01",
                               "--output", str(tmp_path / output)], env={**os.environ, "PYTHONPATH": str(package)},
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)  # not a folder holding sitegen
        assert done.returncode == 0, done.stderr
        return (tmp_path / output / "sar" / "review" / "a.pdf").read_bytes()

    before = build(sitegen.PACKAGE_FOLDER.parent, "before")
    assert b"mended cleaner" not in before
    assert build(mended, "after").endswith(b"% cleaned by the mended cleaner\n")
    assert build(sitegen.PACKAGE_FOLDER.parent, "again") == before  # and back: the first code's copy again


def test_the_mark_of_the_code_follows_the_modules_named_and_only_them(tmp_path):
    from sitegen.core.cachefile import made_by

    (tmp_path / "maker.py").write_text("MADE = 1\n")
    (tmp_path / "other.py").write_text("OTHER = 1\n")
    mark = made_by("maker.py", folder=tmp_path)
    (tmp_path / "other.py").write_text("OTHER = 2\n")
    assert made_by("maker.py", folder=tmp_path) == mark  # a change elsewhere reads no document again
    (tmp_path / "maker.py").write_text("MADE = 1  # mended\n")
    assert made_by("maker.py", folder=tmp_path) != mark
    assert made_by("gone.py", folder=tmp_path) != made_by("maker.py", folder=tmp_path)


def test_a_copy_asked_for_again_in_one_build_is_read_once_unless_it_changed_since(tmp_path, monkeypatch):
    """`prepare` and `published_copy` both ask for each copy: its bytes are hashed once a build, but
    a copy changed on disk between the two (even to the same size) is never given out."""
    pdf = make_pdf(tmp_path / "a.pdf", ["Report"])
    folder = tmp_path / "cache"
    first = DocumentCache(folder)
    reading.prepare([pdf], {pdf}, first)
    key = inspect(pdf, first).sha256
    first.save()
    cache = DocumentCache(folder)
    hashed = []
    real = cache_module._sha256_of_kept
    monkeypatch.setattr(cache_module, "_sha256_of_kept", lambda path: hashed.append(path) or real(path))
    copy = cache.copies.get(key)
    assert copy is not None and cache.copies.get(key) == copy and len(hashed) == 1
    data = bytearray(copy.read_bytes())
    data[-20] ^= 1  # one byte, as a link from an output could be written through
    copy.chmod(0o644)
    copy.write_bytes(bytes(data))
    assert cache.copies.get(key) is None and len(hashed) == 2

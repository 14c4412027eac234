"""The document cache's parts keep the folder's layout, and nothing an older sitegen cached (under
other versions) is ever used or published."""

import json
import os

from pdfmaker import make_pdf
from sitegen.documents import cache as kept, reading, record
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
    (kept / f"{key}.published-{CLEAN_VERSION - 1}.pdf").write_bytes(b"%PDF-1.4 old copy by Jane Smith")
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

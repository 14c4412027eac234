"""Documents: every real-world PDF is published with its page count or withheld with a clear message."""

import pytest

from conftest import REAL_PDFS, needs_corpus, real_pdfs
from sitegen.pdfmaker import make_pdf
from sitegen.documents import DocumentCache, human_size, inspect

# pypdf cannot find the page tree of this file (its cross-reference table is broken),
# so it is withheld as damaged rather than published with a guessed page count.
UNREADABLE = {"unreadablemetadata.pdf"}


@needs_corpus
@pytest.mark.parametrize("expected", real_pdfs() or [{}], ids=lambda e: e.get("file", "corpus"))
def test_real_world_pdfs(expected):
    info = inspect(REAL_PDFS / expected["file"], DocumentCache(None))
    if expected["encrypted"]:
        assert not info.ok and "password-protected" in info.problem
        assert "without a password" in info.advice
    elif expected["file"] in UNREADABLE:
        assert not info.ok and "damaged" in info.problem
    else:
        assert info.ok, info.problem
        assert info.pages == expected["pages"]
        assert info.describe().endswith(f"{expected['pages']} page" + ("" if expected["pages"] == 1 else "s"))


def test_not_a_pdf(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"PK\x03\x04 this is a Word file")
    info = inspect(fake, DocumentCache(None))
    assert "is not a PDF" in info.problem


def test_truncated_pdf_is_damaged(tmp_path):
    good = tmp_path / "good.pdf"
    make_pdf(good, ["hello"] * 3)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes()[:200])
    info = inspect(bad, DocumentCache(None))
    assert not info.ok and "damaged" in info.problem


def test_describe():
    assert human_size(999) == "999 bytes"
    assert human_size(1_234_567) == "1.2 MB"
    assert human_size(48_722) == "49 KB"


def test_cache_is_by_content(tmp_path):
    pdf = tmp_path / "a.pdf"
    make_pdf(pdf, ["one", "two"], title="Overview")
    cache_dir = tmp_path / "cache"
    first = inspect(pdf, DocumentCache(cache_dir))
    assert first.pages == 2 and first.title == "Overview"
    assert len(list((cache_dir / "documents").glob("*.json"))) == 1
    # a fresh cache object reads what the first wrote
    again = inspect(pdf, DocumentCache(cache_dir))
    assert again == first
    # a changed file is a new key
    make_pdf(pdf, ["one", "two", "three"])
    assert inspect(pdf, DocumentCache(cache_dir)).pages == 3


def test_damaged_cache_is_a_miss(tmp_path):
    pdf = tmp_path / "a.pdf"
    make_pdf(pdf, ["one"])
    cache_dir = tmp_path / "cache"
    info = inspect(pdf, DocumentCache(cache_dir))
    for file in (cache_dir / "documents").glob("*.json"):
        file.write_text("{not json")
    assert inspect(pdf, DocumentCache(cache_dir)) == info


def test_text_is_extracted_once_and_cached_beside_the_details(tmp_path, monkeypatch):
    from sitegen import documents

    pdf = tmp_path / "report.pdf"
    make_pdf(pdf, ["First page", "Only here: Zebrafinch"])
    cache = DocumentCache(tmp_path / "cache")
    info = inspect(pdf, cache)
    assert not (tmp_path / "cache" / "documents" / f"{info.sha256}.txt").exists()  # only when asked for
    text = documents.document_text(pdf, info.sha256, cache)
    assert "First page" in text and "Zebrafinch" in text
    assert (tmp_path / "cache" / "documents" / f"{info.sha256}.txt").is_file()
    assert (tmp_path / "cache" / "documents" / f"{info.sha256}.json").is_file()

    def no_extraction(path):
        raise AssertionError("extracted again")

    monkeypatch.setattr(documents, "extract_pdf_text", no_extraction)
    assert documents.document_text(pdf, info.sha256, DocumentCache(tmp_path / "cache")) == text


def test_text_of_a_damaged_or_protected_pdf_is_empty(tmp_path):
    from sitegen.documents import document_text

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n garbage")
    assert document_text(damaged, "x", DocumentCache(None)) == ""
    protected = [e for e in real_pdfs() if e["encrypted"]]
    for item in protected:
        assert document_text(REAL_PDFS / item["file"], item["file"], DocumentCache(None)) == ""

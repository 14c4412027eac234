"""Caching and parallel work change nothing in the output (issue: build speed and scale)."""

import os

from conftest import read_output
from sitegen import documents
from sitegen.documents import DocumentCache


def make_many(site, n=20):
    for index in range(n):
        site.pdf(f"r{index}.pdf", [f"Report {index} first page", f"Unique word Quartz{index}"])
        site.entry(f"r{index}", published="2026-01-01" if index % 3 else "2027-01-01",
                   documents=[{"file": f"reports/r{index}.pdf", "title": "Overview"}])


def test_output_is_identical_with_or_without_cache_and_parallel_work(site, tmp_path, monkeypatch):
    make_many(site)
    monkeypatch.setattr(documents, "PARALLEL_FROM", 1)
    site.build("2026-11-22", tmp_path / "parallel-cold")  # fills the cache in worker processes
    site.build("2026-11-22", tmp_path / "parallel-warm")
    monkeypatch.setattr(documents, "PARALLEL_FROM", 10_000)
    site.build("2026-11-22", tmp_path / "serial-nocache", use_cache=False)
    one = read_output(tmp_path / "parallel-cold")
    assert any(path.startswith("pagefind/") for path in one)
    assert one == read_output(tmp_path / "parallel-warm") == read_output(tmp_path / "serial-nocache")


def test_parallel_work_without_a_cache_folder(site, tmp_path, monkeypatch):
    make_many(site)
    monkeypatch.setattr(documents, "PARALLEL_FROM", 1)
    site.build("2026-11-22", tmp_path / "a", use_cache=False)
    monkeypatch.setattr(documents, "PARALLEL_FROM", 10_000)
    site.build("2026-11-22", tmp_path / "b", use_cache=False)
    assert read_output(tmp_path / "a") == read_output(tmp_path / "b")


def test_a_changed_file_is_hashed_again(site, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 one")
    cache = DocumentCache(tmp_path / "cache")
    first = cache.key_of(path)
    cache.save()
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    path.write_bytes(b"%PDF-1.4 two")
    os.utime(path, ns=(later, later))
    again = DocumentCache(tmp_path / "cache")  # a later build, reading the remembered hashes
    assert again.key_of(path) != first
    assert again.key_of(path) == documents.sha256_of(path)


def test_remembered_hashes_survive_a_damaged_index(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 one")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "hashes.json").write_text("{broken")
    assert DocumentCache(tmp_path / "cache").key_of(path) == documents.sha256_of(path)

"""Caching and parallel work change nothing in the output (issue: build speed and scale)."""

import os

from conftest import read_output
from sitegen.documents import reading, record
from sitegen.documents.inspection import DocumentCache


def make_many(site, n=20):
    for index in range(n):
        site.pdf(f"r{index}.pdf", [f"Report {index} first page", f"Unique word Quartz{index}"])
        site.entry(f"r{index}", published="2026-01-01" if index % 3 else "2027-01-01",
                   documents=[{"file": f"reports/r{index}.pdf", "title": "Overview"}])


def test_output_is_identical_with_or_without_cache_and_parallel_work(site, tmp_path, monkeypatch):
    make_many(site)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    site.build("2026-11-22", tmp_path / "parallel-cold")  # fills the cache in worker processes
    site.build("2026-11-22", tmp_path / "parallel-warm")
    monkeypatch.setattr(reading, "PARALLEL_FROM", 10_000)
    site.build("2026-11-22", tmp_path / "serial-nocache", use_cache=False)
    one = read_output(tmp_path / "parallel-cold")
    assert any(path.startswith("pagefind/") for path in one)
    assert one == read_output(tmp_path / "parallel-warm") == read_output(tmp_path / "serial-nocache")


def test_parallel_work_without_a_cache_folder(site, tmp_path, monkeypatch):
    make_many(site)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    site.build("2026-11-22", tmp_path / "a", use_cache=False)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 10_000)
    site.build("2026-11-22", tmp_path / "b", use_cache=False)
    assert read_output(tmp_path / "a") == read_output(tmp_path / "b")


def test_a_changed_file_is_hashed_again(site, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 one")
    cache = DocumentCache(tmp_path / "cache")
    first = cache.hashes.of(path)
    cache.save()
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    path.write_bytes(b"%PDF-1.4 two")
    os.utime(path, ns=(later, later))
    again = DocumentCache(tmp_path / "cache")  # a later build, reading the remembered hashes
    assert again.hashes.of(path) != first
    assert again.hashes.of(path) == record.sha256_of(path)


def test_remembered_hashes_survive_a_damaged_index(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1.4 one")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "hashes.json").write_text("{broken")
    assert DocumentCache(tmp_path / "cache").hashes.of(path) == record.sha256_of(path)


def test_published_pdfs_are_linked_from_the_cache_and_the_site_files_never_are(site):
    site.pdf("overview.pdf", ["Overview", "Findings"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/overview.pdf", "title": "Overview"}])
    _, out = site.build("2026-11-22")
    [pdf] = out.glob("sar/adult-a/*.pdf")
    cached = {p.stat().st_ino for p in (site.root / ".sitegen-cache" / "documents").glob("*.pdf")}
    assert pdf.stat().st_ino in cached, "the cleaned copy is linked, not copied again"
    assert pdf.stat().st_ino != (site.root / "reports" / "overview.pdf").stat().st_ino
    # a rebuild replaces the output: the cached copy and the site's own files are untouched
    before = (site.root / "reports" / "overview.pdf").read_bytes(), pdf.read_bytes()
    site.build("2026-11-22")
    assert (site.root / "reports" / "overview.pdf").read_bytes() == before[0]
    assert (out / pdf.relative_to(out)).read_bytes() == before[1]


def test_a_cached_copy_on_another_disk_is_copied(site, monkeypatch):
    from sitegen.output import outputs

    def no_links(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(outputs.os, "link", no_links)
    site.pdf("overview.pdf", ["Overview", "Findings"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/overview.pdf", "title": "Overview"}])
    _, out = site.build("2026-11-22")
    [pdf] = out.glob("sar/adult-a/*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_nlink == 1


def test_a_cached_copy_cut_short_is_made_again_not_published(site, tmp_path):
    site.pdf("overview.pdf", ["Overview", "Findings"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/overview.pdf", "title": "Overview"}])
    _, out = site.build("2026-11-22")
    [pdf] = out.glob("sar/adult-a/*.pdf")
    whole = pdf.read_bytes()
    [cached] = (site.root / ".sitegen-cache" / "documents").glob("*.pdf")
    cached.unlink()  # as a cache restored halfway (by a CI cache step) would leave it
    cached.write_bytes(whole[: len(whole) // 2])
    site.build("2026-11-22", tmp_path / "again")
    [again] = (tmp_path / "again").glob("sar/adult-a/*.pdf")
    assert again.read_bytes() == whole
    assert cached.read_bytes() == whole, "the cache holds the whole copy again"


def test_a_warm_build_reads_what_documents_told_it_from_one_index(site, tmp_path):
    make_many(site, 5)
    site.build("2026-11-22", tmp_path / "first")
    cache = site.root / ".sitegen-cache"
    assert (cache / "documents.json").is_file()
    for info in (cache / "documents").glob("*.json"):
        info.unlink()  # the index alone is enough
    site.build("2026-11-22", tmp_path / "second")
    assert read_output(tmp_path / "second") == read_output(tmp_path / "first")
    assert not list((cache / "documents").glob("*.json")), "nothing was inspected again"


def test_a_damaged_index_costs_time_not_output(site, tmp_path):
    make_many(site, 5)
    site.build("2026-11-22", tmp_path / "first")
    (site.root / ".sitegen-cache" / "documents.json").write_text('{"version": "not this one"')
    site.build("2026-11-22", tmp_path / "second")
    assert read_output(tmp_path / "second") == read_output(tmp_path / "first")

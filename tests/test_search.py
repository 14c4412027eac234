"""The search index: live pages and live PDFs only, the same bytes for the same site,
and a clear warning (and no index) when Pagefind cannot run."""

from __future__ import annotations

import gzip
import random

import cbor2

from conftest import occurrences, read_output
from sitegen import search
from sitegen.documents import DocumentCache
from sitegen.render import Renderer


def make_site(site):
    for slug, front in {
        "live": dict(published="2026-03-14", themes=["hoarding"]),
        "scheduled": dict(published="2027-01-15", themes=["exploitation"]),
        "expired": dict(published="2024-01-01", themes=["infants"]),
        "draft": dict(published="2026-01-01", draft=True),
    }.items():
        marker = f"{slug.capitalize()}PdfWord"
        site.pdf(f"{slug}.pdf", ["Front page", f"Inside the report: {marker}"])
        site.entry(slug, body=f"{slug.capitalize()}BodyWord", documents=[{"file": f"reports/{slug}.pdf", "title": "Overview report"}], **front)
    site.entry("contact", type="page", title="Contact us", body="ContactBodyWord")


def test_records_hold_live_pages_and_live_pdfs_only(site):
    make_site(site)
    result, _ = site.build("2026-11-22", write=False)
    pages = Renderer(result.site).render_all()
    page_records, documents = search.records(result.site, pages, DocumentCache(None))
    assert [r.url for r in page_records] == ["/sar/live/", "/contact/", "/accessibility/"]
    [doc] = documents
    assert doc.url == "/sar/live/#document-live-pdf"
    assert "LivePdfWord" in doc.text and doc.entry_title == "Review live" and doc.document_title == "Overview report (PDF)"
    assert doc.filters == {"type": ["Safeguarding Adults Review"], "year": ["2026"], "theme": ["hoarding"]}


def test_built_index_finds_live_words_and_nothing_else(site):
    make_site(site)
    result, out = site.build("2026-11-22")
    assert [p for p in result.problems if p.file == "pagefind"] == []
    files = read_output(out)
    index = {path: data for path, data in files.items() if path.startswith("pagefind/")}
    assert "pagefind/pagefind.js" in index
    assert occurrences(index, "LivePdfWord") and occurrences(index, "LiveBodyWord") and occurrences(index, "ContactBodyWord")
    for slug in ("Scheduled", "Expired", "Draft"):
        assert occurrences(files, f"{slug}PdfWord") == []
        assert occurrences(index, f"{slug}BodyWord") == []
    # the entry page links the document block the record points at
    assert 'id="document-live-pdf"' in (out / "sar" / "live" / "index.html").read_text()


def test_a_base_address_with_a_path_prefixes_the_records(site):
    site.write_settings(base_url="https://example.org/learning")
    make_site(site)
    result, _ = site.build("2026-11-22", write=False)
    page_records, documents = search.records(result.site, Renderer(result.site).render_all(), DocumentCache(None), "/learning")
    assert page_records[0].url == "/learning/sar/live/" and documents[0].url.startswith("/learning/sar/live/#")


def test_when_pagefind_cannot_run_the_site_is_built_without_search(site, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))
    make_site(site)
    result, out = site.build("2026-11-22")
    assert not result.failed
    [problem] = [p for p in result.problems if p.file == "pagefind"]
    assert not problem.is_error
    assert "could not be built" in problem.message and "Everything else was built" in problem.message
    assert "pip install 'pagefind[bin]'" in problem.advice
    assert not (out / "pagefind").exists()
    assert (out / "search" / "index.html").exists() and (out / "sar" / "live" / "index.html").exists()


def test_settle_gives_the_same_bytes_whatever_order_pagefind_wrote(site, tmp_path):
    make_site(site)
    site.entry("more", published="2026-05-01", themes=["neglect", "older people", "carers"], type="dhr")
    _, out = site.build("2026-11-22")
    bundle = out / "pagefind"
    written = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}

    def shuffled(files: dict[str, bytes], seed: int) -> dict[str, bytes]:
        """The same index as Pagefind might write it in another run: lists in another order."""
        files = dict(files)
        shuffle = random.Random(seed).shuffle
        for name in [n for n in files if n.startswith("filter/")]:
            key, values = cbor2.loads(gzip.decompress(files[name])[len(search.SIGNATURE):])
            shuffle(values)
            files[name] = gzip.compress(search.SIGNATURE + cbor2.dumps([key, values]))
        [meta_name] = [n for n in files if n.endswith(".pf_meta")]
        meta = cbor2.loads(gzip.decompress(files[meta_name])[len(search.SIGNATURE):])
        shuffle(meta[3])
        files[meta_name] = gzip.compress(search.SIGNATURE + cbor2.dumps(meta))
        return files

    settled = search.settle(written)
    assert search.settle(settled) == settled
    for seed in range(5):
        assert search.settle(shuffled(written, seed)) == settled


def test_indexing_never_waits_on_a_timer(site, monkeypatch):
    """Pagefind's API paused 0.1 s per page added; the index is built without any such pause."""
    import asyncio

    delays = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay, result=None):
        delays.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    for index in range(5):
        site.entry(f"review-{index}", published="2026-01-01", documents=[f"review-{index}.pdf"])
    result, out = site.build("2026-02-01")
    assert (out / "pagefind" / "pagefind.js").exists()
    # the only pauses are the short looks at the finished index, however many records there are
    assert set(d for d in delays if d) <= {search.SETTLE_POLL}
    assert len([d for d in delays if d]) < 5 * 10


def test_searchable_text_keeps_every_word_once_after_the_opening():
    opening = "The review found that agencies shared information late. " * 10
    tail = "Agencies met monthly. Marshwillow appeared once. agencies AGENCIES Kestrel-brook, 2026."
    text = search.searchable_text(opening + tail, verbatim=200)
    assert text.startswith(opening[:150])
    words = set(text.lower().split())
    assert all(word.lower() in words for word in (opening + tail).split())
    assert text.count("Marshwillow") == 1
    assert search.searchable_text("short text") == "short text"


def test_a_word_deep_in_a_long_report_is_still_found(site, monkeypatch):
    monkeypatch.setattr(search, "VERBATIM", 100)
    pages = [f"Page {n} talks about supervision and caseloads in the service." for n in range(30)] + ["Deepword Zephyrine here."]
    site.pdf("long.pdf", pages)
    site.entry("long", published="2026-01-01", documents=[{"file": "reports/long.pdf", "title": "Overview"}])
    _, out = site.build("2026-02-01")
    assert occurrences(read_output(out), "Zephyrine")

"""The search index: live pages and live PDFs only, the same bytes for the same site; a warning
(and no index) when Pagefind is not installed, and an error (and no index) when it is but the
index cannot be made."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import stat
import threading

import pytest

from hypothesis import given, settings, strategies as st

from conftest import occurrences, read_output
from test_cli import sitegen
from sitegen.output import outputs
from sitegen.search import index as search, pagefind_adapter as pagefind
from sitegen.documents.inspection import DocumentCache
from sitegen.rendering.render import Renderer
from sitegen.rules.addresses import output_file


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


def test_the_weight_of_an_index_is_known_without_rendering(site):
    make_site(site)
    site.pdf("long.pdf", 7)
    site.entry("long", published="2026-02-01", documents=["reports/long.pdf", "long2.pdf"])
    result, _ = site.build("2026-11-22", write=False)
    page_records, documents = search.records(result.site, Renderer(result.site).render_all(), DocumentCache(None))
    assert search.index_weight(result.site) == len(page_records) + sum(doc.weight for doc in documents) == 4 + 2 + 7 + 1


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


def test_when_pagefind_is_not_installed_the_site_is_built_without_search_and_a_warning(site, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))
    make_site(site)
    result, out = site.build("2026-11-22")
    assert not result.failed
    [problem] = [p for p in result.problems if p.file == "pagefind"]
    assert not problem.is_error
    assert "no-such-pagefind" in problem.message and "this build has no search" in problem.message
    assert "Everything else was built" in problem.message and "pip install pagefind-bin" in problem.advice
    assert not (out / "pagefind").exists()
    assert (out / "search" / "index.html").exists() and (out / "sar" / "live" / "index.html").exists()


def broken_pagefind(folder) -> str:
    """A Pagefind that is there but fails, as a crashing or incompatible one would."""
    program = folder / "pagefind"
    program.write_text("#!/bin/sh\necho 'Error: thread main panicked at src/lib.rs' >&2\nexit 101\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return str(program)


def test_when_pagefind_fails_the_build_goes_on_with_an_error_that_fails_strict_and_check(site, tmp_path, monkeypatch):
    make_site(site)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", broken_pagefind(tmp_path))
    result, out = site.build("2026-11-22")
    assert not result.failed and (out / "sar" / "live" / "index.html").exists() and not (out / "pagefind").exists()
    [problem] = [p for p in result.problems if p.file == "pagefind"]
    assert problem.is_error
    assert "the search index could not be made (Pagefind stopped with status 101: Error: thread main panicked" in problem.message
    assert "report it" in problem.advice
    env_path = {"PAGEFIND_BINARY_PATH": broken_pagefind(tmp_path)}
    plain = sitegen("build", "--as-of", "2026-11-22", cwd=site.root, env=env_path)
    assert plain.returncode == 0 and "pagefind: error: the search index could not be made" in plain.stderr
    strict = sitegen("build", "--as-of", "2026-11-22", "--strict", cwd=site.root, env=env_path)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root, env=env_path)
    assert check.returncode == 1 and "pagefind: error: the search index could not be made" in check.stderr
    assert sitegen("check", "--as-of", "2026-11-22", cwd=site.root).returncode == 0  # with the real Pagefind


def test_pagefind_indexes_while_the_rest_of_the_site_is_written(site, monkeypatch):
    """On a day a report goes up or comes down, and in a first build, indexing is the longest step:
    Pagefind's processes run while the build writes the site's other files."""
    make_site(site)
    written = threading.Event()
    write_files, finish = outputs._write_files, search.pagefind.finish

    def write_then_tell(*args, **kwargs):
        write_files(*args, **kwargs)
        written.set()

    def finish_once_written(*args, **kwargs):
        assert written.wait(timeout=60), "Pagefind's index was waited for before any page was written"
        return finish(*args, **kwargs)

    monkeypatch.setattr(outputs, "_write_files", write_then_tell)
    monkeypatch.setattr(search.pagefind, "finish", finish_once_written)
    result, out = site.build("2026-11-22")
    assert not result.failed and [p for p in result.problems if p.file == "pagefind"] == []
    assert occurrences(read_output(out), "LivePdfWord")


def test_pagefind_starts_before_the_pages_it_does_not_index_are_made(site, monkeypatch):
    """On a day a report goes up or comes down, Pagefind indexing its part is the longest step: the
    pages the index holds are made first and Pagefind started, and only then the others (listings,
    notices of reports that came down, theme pages), while it runs. The site is the same."""
    make_site(site)
    events, start = [], search.pagefind.start
    for name in ("_listing", "_notice_page", "_themes_page", "_home"):
        made = getattr(Renderer, name)
        monkeypatch.setattr(Renderer, name, lambda self, what=None, made=made, name=name: events.append(name) or made(self, what))

    def started(*args, **kwargs):
        events.append("pagefind")
        return start(*args, **kwargs)

    monkeypatch.setattr(search.pagefind, "start", started)
    result, out = site.build("2026-11-22", workers=1)
    assert not result.failed and [p for p in result.problems if p.file == "pagefind"] == []
    assert events[0] == "pagefind" and {"_listing", "_notice_page", "_themes_page", "_home"} <= set(events)
    monkeypatch.undo()
    _, fresh = site.build("2026-11-22", output=site.root.parent / "fresh", use_cache=False)
    assert read_output(out) == read_output(fresh)
    addresses = list(Renderer(result.site).page_jobs())
    assert [f.path for f in result.files[:len(addresses)]] == [output_file(a) for a in addresses], "the pages in their usual order"


def test_a_template_failing_after_pagefind_started_still_gives_the_site_with_its_index(site):
    """A site's own listing template fails once the index is being made (the pages the index holds
    come first): the build waits for that index, makes the site again with the default theme, and
    publishes it with a whole index."""
    make_site(site)
    site.raw("themes/templates/listing.html", "{% extends 'base.html' %}\n{% block content %}{{ 1 + 'a' }}{% endblock %}")
    result, out = site.build("2026-11-22")
    assert not result.failed
    assert any("themes/templates/listing.html" in p.file and p.is_error for p in result.problems)
    assert any("used sitegen's default theme instead of your own" in p.message for p in result.problems)
    assert [p for p in result.problems if p.file == "pagefind"] == []
    assert (out / "sar" / "index.html").is_file() and (out / "pagefind" / "start.json").is_file()
    assert occurrences(read_output(out), "LivePdfWord") and not occurrences(read_output(out), "ScheduledPdfWord")


def split_in_parts(site, monkeypatch, count=3):
    monkeypatch.setattr(search, "PART_WEIGHT", 1)  # every entry in a part of its own
    monkeypatch.setattr(search, "SPLIT_ABOVE", 1)
    make_site(site)
    make_reviews(site, count)


def test_each_part_is_written_while_pagefind_makes_the_next(site, monkeypatch):
    """In a first build, indexing is the last step to finish: each part's files are written into the
    output as soon as Pagefind has made it, so that once the last part is made little is left to write."""
    split_in_parts(site, monkeypatch)
    part_written = threading.Event()
    write_one, finish = outputs._write_one, search.pagefind.finish
    finished = []

    def write_then_tell(temp, path, *args, **kwargs):
        write_one(temp, path, *args, **kwargs)
        if path.startswith("pagefind/"):
            part_written.set()

    def finish_once_a_part_is_written(*args, **kwargs):
        if finished:  # a part has been made: it is written while this one is still being made
            assert part_written.wait(timeout=30), "no part of the index was written before the last was made"
        finished.append(True)
        return finish(*args, **kwargs)

    monkeypatch.setattr(outputs, "_write_one", write_then_tell)
    monkeypatch.setattr(search.pagefind, "finish", finish_once_a_part_is_written)
    result, out = site.build("2026-11-22")
    assert not result.failed and [p for p in result.problems if p.file == "pagefind"] == [] and len(finished) >= 3
    _, fresh = site.build("2026-11-22", output=site.root.parent / "fresh", use_cache=False)
    assert read_output(out) == read_output(fresh), "the same index as a build that wrote it all at the end"


def test_the_next_parts_records_are_written_while_pagefind_runs_on_the_others(site, monkeypatch):
    """Writing a month's records takes Python about half as long as Pagefind takes on them: done
    while `PARALLEL` Pagefinds run, not while a core waits for it."""
    split_in_parts(site, monkeypatch)
    parts = search.plan(*records_of(site))
    events, write_part, finish = [], search._write_part, search.pagefind.finish

    def writing(part, folder):
        events.append(("write", part.folder))
        return write_part(part, folder)

    def finishing(process, bundle, deadline):
        events.append(("finish", bundle.parent.name))
        return finish(process, bundle, deadline)

    monkeypatch.setattr(search, "_write_part", writing)
    monkeypatch.setattr(search.pagefind, "finish", finishing)
    made = search._index_parts(parts)
    assert set(made) == {part.folder for part in parts} and len(parts) > search.PARALLEL
    first_wait = [kind for kind, _ in events].index("finish")
    assert first_wait == search.PARALLEL + 1, "a part's records are written before waiting for one of the others"


def test_a_first_build_starts_pagefind_before_it_makes_the_parts_keys_and_keeps_them_right(site, monkeypatch):
    """With nothing kept no part can be found, so a first build does not read every page for the
    parts' keys before Pagefind starts: it makes them while Pagefind runs, and the next build finds
    every part under them."""
    split_in_parts(site, monkeypatch)
    events, key, start = [], search.Part.key, search.pagefind.start

    def keyed(part):
        events.append("key")
        return key(part)

    def started(*args, **kwargs):
        events.append("start")
        return start(*args, **kwargs)

    monkeypatch.setattr(search.Part, "key", keyed)
    monkeypatch.setattr(search.pagefind, "start", started)
    result, out = site.build("2026-11-22")
    assert [p for p in result.problems if p.file == "pagefind"] == [] and "key" in events
    assert events.index("start") < events.index("key") and events[:search.PARALLEL] == ["start"] * search.PARALLEL
    monkeypatch.setattr(search, "_index_parts", lambda *args, **kwargs: pytest.fail("a part was indexed again"))
    again, out_again = site.build("2026-11-22", output=site.root.parent / "again")
    assert read_output(out_again) == read_output(out)


def test_an_index_that_fails_after_its_first_parts_were_written_leaves_none_of_them(site, tmp_path, monkeypatch):
    """No index is better than part of one: parts written early go when a later part fails."""
    split_in_parts(site, monkeypatch)
    finish, calls, parts = search.pagefind.finish, [], len(search.plan(*records_of(site)))
    shutil.rmtree(site.root / ".sitegen-cache" / "search", ignore_errors=True)  # so every part must be made

    def fail_the_last(process, bundle, deadline):
        calls.append(bundle)
        files = finish(process, bundle, deadline)
        if len(calls) == parts:
            raise pagefind.PagefindFailed("Pagefind stopped with status 101")
        return files

    given = []
    ready = search.IndexInBackground.ready

    def counted(self):
        for batch in ready(self):
            given.append(batch)
            yield batch

    monkeypatch.setattr(search.pagefind, "finish", fail_the_last)
    monkeypatch.setattr(search.IndexInBackground, "ready", counted)
    result, out = site.build("2026-11-22")
    assert len(given) >= 2, "the first parts were given early"
    assert not result.failed and (out / "sar" / "live" / "index.html").is_file()
    assert [p.is_error for p in result.problems if p.file == "pagefind"] == [True]
    assert not (out / "pagefind").exists() and parts >= 3


def test_a_build_whose_index_fails_leaves_no_index_of_an_earlier_output(site, tmp_path, monkeypatch):
    make_site(site)
    for day in ("2026-11-22", "2026-11-23"):
        assert (site.build(day)[1] / "pagefind" / "pagefind.js").is_file()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", broken_pagefind(tmp_path))
    shutil.rmtree(site.root / ".sitegen-cache" / "search")  # so the index must be made again
    result, out = site.build("2026-11-24")  # made from the output the last build replaced
    assert not result.failed and (out / "sar" / "live" / "index.html").is_file()
    assert [p.is_error for p in result.problems if p.file == "pagefind"] == [True]
    assert not (out / "pagefind").exists()


def test_a_fault_in_sitegen_while_indexing_is_an_error_not_install_pagefind(site, monkeypatch):
    make_site(site)

    def faulty(part, folder):
        raise TypeError("'NoneType' object is not iterable")

    monkeypatch.setattr(search, "_write_part", faulty)
    result, out = site.build("2026-11-22")
    assert not result.failed
    [problem] = [p for p in result.problems if p.file == "pagefind"]
    assert problem.is_error and "'NoneType' object is not iterable" in problem.message
    assert "install" not in problem.advice.lower()


def test_searchable_text_keeps_every_word_once_after_the_opening():
    opening = "The review found that agencies shared information late. " * 10
    tail = "Agencies met monthly. Marshwillow appeared once. agencies AGENCIES Kestrel-brook, 2026."
    text = search.searchable_text(opening + tail, verbatim=200)
    assert text.startswith(opening[:150])
    words = set(text.lower().split())
    assert all(word.lower() in words for word in (opening + tail).split())
    assert text.count("Marshwillow") == 1
    assert search.searchable_text("short text") == "short text"


def _searchable_text_as_defined(text, verbatim):
    """`searchable_text` as its docstring says it, one word at a time (slow, plain)."""
    if len(text) <= verbatim:
        return text
    cut = text.rfind(" ", 0, verbatim)
    head, tail = text[: cut if cut > 0 else verbatim], text[cut if cut > 0 else verbatim:]
    known, rest = {word.lower() for word in head.split()}, []
    for word in tail.split():
        if word.lower() not in known:
            known.add(word.lower())
            rest.append(word)
    return head + ("\n\n" + " ".join(rest) if rest else "")


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from(["a", "A", "b", "B", "\u0130", "\u00df", "\u1e9e", " ", "\n", "\x85", "\u2028", "\xa0", "\x1c"]),
                    max_size=80), verbatim=st.integers(1, 40))
def test_searchable_text_is_each_word_once_whatever_the_text(text, verbatim):
    assert search.searchable_text(text, verbatim) == _searchable_text_as_defined(text, verbatim)


def test_a_word_deep_in_a_long_report_is_still_found(site, monkeypatch):
    monkeypatch.setattr(search, "VERBATIM", 100)
    pages = [f"Page {n} talks about supervision and caseloads in the service." for n in range(30)] + ["Deepword Zephyrine here."]
    site.pdf("long.pdf", pages)
    site.entry("long", published="2026-01-01", documents=[{"file": "reports/long.pdf", "title": "Overview"}])
    _, out = site.build("2026-02-01")
    assert occurrences(read_output(out), "Zephyrine")


# --- a large site's index in parts ------------------------------------------------

def records_of(site, day="2026-11-22"):
    result, _ = site.build(day, write=False)
    return search.records(result.site, Renderer(result.site).render_all(), DocumentCache(None))


def make_reviews(site, count=8):
    for number in range(count):
        site.pdf(f"review-{number}.pdf", ["Front page", f"Inside: PartWord{number}"])
        site.entry(f"review-{number}", published="2026-03-14", body=f"BodyWord{number}",
                   documents=[{"file": f"reports/review-{number}.pdf", "title": "Overview report"}])
    site.entry("contact", type="page", title="Contact us", body="ContactBodyWord")


def test_a_site_of_ordinary_size_has_one_index(site):
    make_site(site)
    [part] = search.plan(*records_of(site))
    assert part.folder == "pagefind" and len(part.pages) == 3 and len(part.documents) == 1


def test_a_large_site_is_split_by_entry_with_its_documents(site):
    make_reviews(site)
    pages, documents = records_of(site)
    parts = search.plan(pages, documents, weight=4, split_above=4)
    main, *others = parts
    assert main.folder == "pagefind" and [p.url for p in main.pages] == ["/contact/", "/accessibility/"] and main.documents == ()
    assert len(others) > 1 and all(p.folder.startswith("pagefind/part-") for p in others)
    for number in range(8):
        url = f"/sar/review-{number}/"
        [holder] = [p for p in others if any(page.url == url for page in p.pages)]
        assert [d.url.split("#")[0] for d in holder.documents].count(url) == 1, "a document stays with its page"
    assert sorted(u for p in parts for u in [*(x.url for x in p.pages), *(d.url for d in p.documents)]) == \
        sorted([*(p.url for p in pages), *(d.url for d in documents)])
    # an entry's part depends on its address alone: removing another leaves the rest in place
    fewer = search.plan([p for p in pages if p.url != "/sar/review-0/"], [d for d in documents if d.group != "/sar/review-0/"], weight=4, split_above=4)
    if len(fewer) == len(parts):
        where = {page.url: part.folder for part in parts for page in part.pages}
        assert all(where[page.url] == part.folder for part in fewer for page in part.pages)


def test_a_part_key_changes_with_what_it_holds_and_nothing_else(site):
    make_reviews(site, 2)
    pages, documents = records_of(site)
    [part] = search.plan(pages, documents)
    assert part.key() == search.plan(pages, documents)[0].key()
    edited = [search.PageRecord(p.url, p.html.replace("BodyWord0", "BodyWordZero"), p.group) for p in pages]
    assert search.plan(edited, documents)[0].key() != part.key()
    other_pdf = [search.DocumentRecord(d.url, d.entry_title, d.document_title, d.load, d.filters, d.group, "0" * 64, d.weight)
                 for d in documents]
    assert search.plan(pages, other_pdf)[0].key() != part.key()


def test_parts_are_searched_together_and_hold_only_live_words(site, monkeypatch):
    monkeypatch.setattr(search, "PART_WEIGHT", 1)  # every entry in a part of its own
    monkeypatch.setattr(search, "SPLIT_ABOVE", 1)
    make_site(site)
    make_reviews(site, 3)
    result, out = site.build("2026-11-22")
    assert [p for p in result.problems if p.file == "pagefind"] == []
    files = read_output(out)
    listed = json.loads(files["pagefind/parts.json"])
    assert len(listed) >= 2 and all((out / "pagefind" / name / "pagefind-entry.json").is_file() for name in listed)
    on_disk = {p.parent.relative_to(out).as_posix() + "/" for p in out.glob("pagefind/part-*/pagefind-entry.json")}
    assert on_disk == {"pagefind/" + name for name in listed}
    for name in listed:  # a part is data only: the main bundle's scripts search it
        assert not list((out / "pagefind" / name).glob("*.js")) and not list((out / "pagefind" / name).glob("wasm.*"))
    index = {path: data for path, data in files.items() if path.startswith("pagefind/")}
    for word in ("LivePdfWord", "LiveBodyWord", "ContactBodyWord", "PartWord0", "PartWord2", "BodyWord1"):
        assert occurrences(index, word), word
    for slug in ("Scheduled", "Expired", "Draft"):
        assert occurrences(files, f"{slug}PdfWord") == []
        assert occurrences(index, f"{slug}BodyWord") == []


def test_the_list_of_parts_names_every_file_that_starts_the_index_and_each_is_there(site, monkeypatch):
    """/pagefind/start.json gives search.js every file Pagefind fetches to start each index (its
    entry file at the address its tag makes, its metadata; the main bundle's WebAssembly), so the
    search page can ask for them all at once: each is in the output, none is asked for twice, and
    each entry file's tag is a digest of it (its address changes when it does)."""
    monkeypatch.setattr(search, "PART_WEIGHT", 1)
    monkeypatch.setattr(search, "SPLIT_ABOVE", 1)
    make_site(site)
    make_reviews(site, 3)
    _, out = site.build("2026-11-22")
    listed = json.loads((out / "pagefind" / "start.json").read_text())
    folders = [index["folder"] for index in listed["indexes"]]
    assert folders[1:] == json.loads((out / "pagefind" / "parts.json").read_text())  # the list themes written before read
    assert folders[0] == "" and len(folders) >= 3 and all(f.startswith("part-") and f.endswith("/") for f in folders[1:])
    preload = listed["preload"]
    assert len(preload) == len(set(preload)) == 2 * len(folders) + 1
    assert all((out / "pagefind" / address.split("?")[0]).is_file() for address in preload)
    for index in listed["indexes"]:
        entry = out / "pagefind" / index["folder"] / "pagefind-entry.json"
        assert index["tag"] == hashlib.sha256(entry.read_bytes()).hexdigest()[:20]
        assert f"{index['folder']}pagefind-entry.json?ts={index['tag']}" in preload
        meta = json.loads(entry.read_text())["languages"]["en"]["hash"]
        assert f"{index['folder']}pagefind.{meta}.pf_meta" in preload
    assert "wasm.en.pagefind" in preload
    inline = listed["inline"]  # every entry and metadata file, its bytes in base64; not the WebAssembly
    assert sorted(inline) == sorted(address for address in preload if address != "wasm.en.pagefind")
    for address, data in inline.items():
        assert base64.b64decode(data) == (out / "pagefind" / address.split("?")[0]).read_bytes()


def test_a_small_site_lists_no_parts(site):
    make_site(site)
    _, out = site.build("2026-11-22")
    assert json.loads((out / "pagefind" / "parts.json").read_text()) == []
    assert [index["folder"] for index in json.loads((out / "pagefind" / "start.json").read_text())["indexes"]] == [""]


def counting_indexer(monkeypatch):
    indexed = []
    real = search._write_part

    def counting(part, folder):
        indexed.append(sorted([*(p.url for p in part.pages), *(d.url for d in part.documents)]))
        return real(part, folder)

    monkeypatch.setattr(search, "_write_part", counting)
    return indexed


def test_a_rebuild_indexes_only_the_parts_that_changed(site, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_WEIGHT", 4)
    monkeypatch.setattr(search, "SPLIT_ABOVE", 4)
    make_reviews(site, 8)
    indexed = counting_indexer(monkeypatch)
    _, out = site.build("2026-11-22")
    parts = len(indexed)
    assert parts > 2
    first = read_output(out)
    indexed.clear()
    _, out = site.build("2026-11-22")
    assert indexed == [], "nothing changed: every part comes from the cache"
    assert read_output(out) == first
    site.entry("review-3", published="2026-03-14", body="BodyWordEdited",
               documents=[{"file": "reports/review-3.pdf", "title": "Overview report"}])
    _, out = site.build("2026-11-22")
    [changed] = indexed
    assert "/sar/review-3/" in changed and "/contact/" not in changed
    edited = read_output(out)
    assert occurrences(edited, "BodyWordEdited") and not occurrences(edited, "BodyWord3")
    # the same bytes as a build without any cache
    _, fresh = site.build("2026-11-22", output=tmp_path / "fresh", use_cache=False)
    assert read_output(fresh) == edited


def test_a_damaged_cached_part_is_indexed_again(site, monkeypatch):
    make_site(site)
    indexed = counting_indexer(monkeypatch)
    _, out = site.build("2026-11-22")
    first = read_output(out)
    for cached in (site.root / ".sitegen-cache" / "search").glob("*.cbor"):
        cached.write_bytes(b"\x00not cbor")
    indexed.clear()
    _, out = site.build("2026-11-22")
    assert len(indexed) == 1 and read_output(out) == first


# --- the next day: what search reads, and only that, decides what is indexed again -----------

def make_next_day_site(site):
    """On 22 November 2026 `leaving` is live and `arriving` scheduled; on the 23rd the reverse.
    The steady reviews name both as related, so their lists of related reviews change."""
    for slug, published in {"leaving": "2025-11-23", "arriving": "2026-11-23",
                            **{f"steady-{n}": "2026-03-14" for n in range(4)}}.items():
        word = slug.replace("-", "").capitalize()
        site.pdf(f"{slug}.pdf", ["Front page", f"Inside: {word}PdfWord"])
        related = {"related": ["leaving", "arriving"]} if slug.startswith("steady") else {}
        site.entry(slug, published=published, themes=["hoarding"], body=f"{word}BodyWord",
                   documents=[{"file": f"reports/{slug}.pdf", "title": "Overview report"}], **related)
    site.entry("contact", type="page", title="Contact us", body="ContactBodyWord")


def test_the_next_day_indexes_only_what_changed_and_gives_a_cold_builds_bytes(site, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_WEIGHT", 4)
    monkeypatch.setattr(search, "SPLIT_ABOVE", 4)
    make_next_day_site(site)
    indexed = counting_indexer(monkeypatch)
    _, out = site.build("2026-11-22")
    before = read_output(out)
    assert occurrences(before, "LeavingPdfWord") and not occurrences(before, "ArrivingPdfWord")
    indexed.clear()
    _, out = site.build("2026-11-23")  # the nightly build: cache kept, nothing edited
    after = read_output(out)
    # only the part of the month the arriving review was published in; not the steady reviews'
    # parts, whose pages changed only in their lists of related reviews, nor the site's own pages
    assert indexed == [["/sar/arriving/", "/sar/arriving/#document-arriving-pdf"]]
    _, cold = site.build("2026-11-23", output=tmp_path / "cold", use_cache=False)
    assert after == read_output(cold), "every file as a cold build of the same day makes it"
    assert occurrences(after, "ArrivingPdfWord") and not occurrences(after, "LeavingPdfWord")
    assert not occurrences(after, "LeavingBodyWord")
    assert after["contact/index.html"] == before["contact/index.html"], "no page carries the day it was built"
    assert after["sar/steady-0/index.html"] != before["sar/steady-0/index.html"], "its related reviews changed"


def test_parts_of_unchanged_pages_are_found_without_reading_the_pages(site, monkeypatch, tmp_path):
    make_site(site)
    _, out = site.build("2026-11-22")
    first = read_output(out)
    calls = []
    real = pagefind.indexed_digest
    monkeypatch.setattr(pagefind, "indexed_digest", lambda html: calls.append(1) or real(html))
    indexed = counting_indexer(monkeypatch)
    _, out = site.build("2026-11-22", output=tmp_path / "again")
    assert calls == [] and indexed == [] and read_output(out) == first, "found under its pages' HTML"
    for name in (site.root / ".sitegen-cache" / "search").glob("*.key"):
        name.write_text("damaged")
    _, out = site.build("2026-11-22", output=tmp_path / "damaged")
    assert calls and indexed == [] and read_output(out) == first, "a damaged name: found by reading the pages"


# --- parts that stay put: a report going up or coming down re-indexes its own month's parts only ---

def _records(entries):
    """Synthetic records for `plan`: each entry (address, month, pages[, day]) as its page and one PDF."""
    pages = [search.PageRecord(f"/sar/{slug}/", "<html></html>", f"/sar/{slug}/", month, *day) for slug, month, _, *day in entries]
    documents = [search.DocumentRecord(f"/sar/{slug}/#document-{slug}-pdf", slug, "Overview report (PDF)", lambda: "", {},
                                       group=f"/sar/{slug}/", weight=weight, period=month, day=day[0] if day else 0)
                 for slug, month, weight, *day in entries]
    site_pages = [search.PageRecord("/contact/", "<html></html>"), search.PageRecord("/accessibility/", "<html></html>")]
    return site_pages + pages, documents


def _placed(parts):
    """Where each record is: {url: part folder}."""
    return {record.url: part.folder for part in parts for record in [*part.pages, *part.documents]}


def _held(part):
    """What a part holds, comparably: its folder and its records' addresses, in order."""
    return part.folder, tuple(record.url for record in [*part.pages, *part.documents])


_entries = st.lists(st.tuples(st.integers(0, 11), st.integers(1, 120), st.integers(1, 31)), min_size=2, max_size=60).map(
    lambda rows: [(f"review-{number}", f"2026-{month + 1:02d}", pages, day) for number, (month, pages, day) in enumerate(rows)])


def _month_of(part):
    return part.folder.removeprefix("pagefind/part-")[:7]


def _new_edges(before, after):
    """The months that became, or stopped being, the oldest or newest (split by days, `plan`)."""
    return search.edge_months({e[1] for e in before}) ^ search.edge_months({e[1] for e in after})


def _month_parts(parts, month):
    return {part.folder: _held(part) for part in parts if part.folder.startswith(f"pagefind/part-{month}-")}


def _ranges(entries, month, weight):
    """The ranges of days `plan` splits a month in: by `weight` if it is the oldest or newest."""
    limit = weight if month in search.edge_months({e[1] for e in entries}) else search.PART_WEIGHT
    return list(search.day_ranges(_days(entries, month), limit))


def _days(entries, month):
    """A month's {day: pages}, as `plan` weighs them (an entry's page and its PDF)."""
    weights = {}
    for _, period, pages, day in entries:
        if period == month:
            weights[day] = weights.get(day, 0) + pages + 1
    return weights


@settings(max_examples=200, deadline=None)
@given(entries=_entries, gone=st.integers(0, 59), weight=st.integers(20, 400))
def test_a_report_coming_down_moves_no_other_months_records(entries, gone, weight):
    """Whatever the site: when one report comes down (or, read backwards, goes up), every part of
    another month holds the very same records as before, so it is taken from the cache; and so does
    every part of its own month that it was not in, unless the month's ranges of days changed
    (the day a range crosses the weight at which it is halved). Only a month that becomes or stops
    being the oldest or newest (once a month) is split anew."""
    leaving = entries[gone % len(entries)]
    staying = [e for e in entries if e != leaving]
    before = search.plan(*_records(entries), split_above=0, range_weight=weight)
    after = search.plan(*_records(staying), split_above=0, range_weight=weight)
    moved = {leaving[1]} | _new_edges(entries, staying)
    kept = {part.folder: _held(part) for part in before if _month_of(part) not in moved}
    for part in after:
        if _month_of(part) not in moved:
            assert kept.pop(part.folder) == _held(part), "a part of another month changed"
    assert list(kept) == [], "a part of another month went"
    where = _placed(after)
    assert f"/sar/{leaving[0]}/" not in where and all(url in _placed(before) for url in where)
    month = leaving[1]
    if _ranges(entries, month, weight) == _ranges(staying, month, weight):
        own = _placed(before)[f"/sar/{leaving[0]}/"]
        others_before = {folder: held for folder, held in _month_parts(before, month).items() if folder != own}
        others_after = {folder: held for folder, held in _month_parts(after, month).items() if folder != own}
        assert others_before == others_after, "a part of its month that it was not in changed"


@settings(max_examples=300, deadline=None)
@given(entries=_entries, which=st.integers(0, 59), changed=st.sets(st.integers(0, 59), min_size=1),
       going_up=st.booleans(), weight=st.integers(20, 400))
def test_a_days_changes_touch_one_range_of_days_of_their_month(entries, which, changed, going_up, weight):
    """Reports go up and come down by the day they were published. Whatever the site and whichever
    of one day's reports go up or come down together: no other month's part changes (but for the
    month that becomes or stops being the newest or oldest, once a month); in their own month at
    most one part changes while the month's ranges of days stay, and what is indexed again there
    never weighs more than a range (`range_weight`) and that day's reports while it is the newest or
    oldest month (where reports go up and come down)."""
    month, day = entries[which % len(entries)][1], entries[which % len(entries)][3]
    same_day = [e for e in entries if (e[1], e[3]) == (month, day)]
    moving = [e for number, e in enumerate(same_day) if number in {c % len(same_day) for c in changed}]
    without = [e for e in entries if e not in moving]
    before, after = (without, entries) if going_up else (entries, without)
    parts_before = search.plan(*_records(before), split_above=0, range_weight=weight)
    parts_after = search.plan(*_records(after), split_above=0, range_weight=weight)
    moved = {month} | _new_edges(before, after)
    outside = lambda parts: {p.folder: _held(p) for p in parts if _month_of(p) not in moved}  # noqa: E731
    assert outside(parts_before) == outside(parts_after), "a part of another month changed"
    was = set(_month_parts(parts_before, month).values())
    again = [p for p in parts_after if p.folder.startswith(f"pagefind/part-{month}-") and _held(p) not in was]
    indexed = sum(len(p.pages) + sum(d.weight for d in p.documents) for p in again)
    if month in search.edge_months({e[1] for e in before}) & search.edge_months({e[1] for e in after}):
        assert indexed <= weight + _days(after, month).get(day, 0), "more than a range and the day's reports indexed again"
    if _ranges(before, month, weight) == _ranges(after, month, weight):
        gone = set(_month_parts(parts_before, month).values()) - set(_month_parts(parts_after, month).values())
        assert len(again) <= 1 and len(gone) <= 1, "more than one part of the month changed"
        assert all(f"/sar/{e[0]}/" in dict(_placed(again)) for e in after if (e[1], e[3]) == (month, day)), \
            "the day's reports are in the part indexed again"


def test_a_small_site_is_one_index_and_a_large_one_is_split_by_month():
    small = search.plan(*_records([("a", "2026-01", 10), ("b", "2026-02", 10)]), split_above=100)
    assert [part.folder for part in small] == ["pagefind"]
    large = search.plan(*_records([("a", "2026-01", 60), ("b", "2026-02", 60)]), weight=100, split_above=100)
    assert [part.folder for part in large] == ["pagefind", "pagefind/part-2026-01-1", "pagefind/part-2026-02-1"]


def test_a_heavy_month_is_halved_by_the_day_of_publication_and_a_light_one_is_not():
    """A month of a 2,000-entry site (about 1,500 pages) stays one part; a heavier newest or oldest
    month is halved by the day its reports were published (days 1 to 15 and 16 to 31), and a half
    heavier still is halved again; reports of one day stay together; the months between stay whole."""
    light = [("a", "2026-01", 700, 3), ("b", "2026-01", 700, 20), ("c", "2026-01", 100, 20)]
    assert [p.folder for p in search.plan(*_records(light), split_above=0)] == ["pagefind", "pagefind/part-2026-01-1"]
    heavy = [("a", "2026-01", 1499, 3), ("d", "2026-01", 999, 2), ("b", "2026-01", 1499, 20), ("c", "2026-01", 699, 20)]
    parts = search.plan(*_records(heavy), split_above=0)
    assert {p.folder: sorted(d.group for d in p.documents) for p in parts[1:]} == {
        "pagefind/part-2026-01-d01-15-1": ["/sar/a/", "/sar/d/"], "pagefind/part-2026-01-d16-31-1": ["/sar/b/", "/sar/c/"]}
    heavier = search.plan(*_records([*heavy, ("e", "2026-01", 999, 10)]), split_above=0)
    assert {p.folder: sorted(d.group for d in p.documents) for p in heavier[1:]} == {
        "pagefind/part-2026-01-d01-07-1": ["/sar/a/", "/sar/d/"], "pagefind/part-2026-01-d08-15-1": ["/sar/e/"],
        "pagefind/part-2026-01-d16-31-1": ["/sar/b/", "/sar/c/"]}, "only the heavy half is halved again"
    # a month between the oldest and the newest is one part, however heavy (up to PART_WEIGHT)
    between = [("old", "2025-12", 10, 5), *((slug, "2026-02", pages, day) for slug, _, pages, day in heavy), ("new", "2026-03", 10, 5)]
    assert [p.folder for p in search.plan(*_records(between), split_above=0)] == [
        "pagefind", "pagefind/part-2025-12-1", "pagefind/part-2026-02-1", "pagefind/part-2026-03-1"]
    assert max(len(p.pages) + sum(d.weight for d in p.documents) for p in parts) <= search.RANGE_WEIGHT


def make_reports_over_months(site):
    """Reports published across three months, two of them in November 2025: on 12 and 13 November
    2026 those two come down (a one-year window), and one goes up on 13 November 2026."""
    for slug, published in {"first-down": "2025-11-12", "then-down": "2025-11-13", "november-stays": "2025-11-20",
                            "march": "2026-03-14", "march-too": "2026-03-20", "up": "2026-11-13"}.items():
        word = slug.replace("-", "").capitalize()
        site.pdf(f"{slug}.pdf", ["Front page", f"Inside: {word}PdfWord " + " ".join(f"{word}{n}" for n in range(30))])
        site.entry(slug, published=published, body=f"{word}BodyWord", themes=["hoarding"],
                   documents=[{"file": f"reports/{slug}.pdf", "title": "Overview report"}])
    site.entry("contact", type="page", title="Contact us", body="ContactBodyWord")


@pytest.mark.parametrize("range_weight, expect", [
    (20_000, {  # a month in one part: each day's change indexes the rest of its month again
        "2026-11-12": (["Firstdown"], {"then-down", "november-stays"}),
        "2026-11-13": (["Firstdown", "Thendown"], {"november-stays", "up"}),
        "2026-11-14": (["Firstdown", "Thendown"], set()),
    }),
    (3, {  # November 2025 by ranges of days: the 12th, the 13th, and the 16th to 31st
        "2026-11-12": (["Firstdown"], {"then-down"}),  # the 13th's range joins the 1st to 15th; the 16th to 31st kept
        # November 2025 is light enough for one part again, and March 2026 stops being the newest
        # month (one part, no longer split by days): each indexed again once
        "2026-11-13": (["Firstdown", "Thendown"], {"november-stays", "march", "march-too", "up"}),
        "2026-11-14": (["Firstdown", "Thendown"], set()),
    }),
], ids=["month", "days"])
def test_day_by_day_the_index_is_a_cold_builds_and_holds_nothing_that_came_down(site, monkeypatch, tmp_path, range_weight, expect):
    """Nightly builds, each from the cache the night before left: on each day every file of the
    index (all of /pagefind/, decompressed) is byte for byte a cold build's of that day, nothing of
    a report that has come down is in any part, and only the parts of the ranges of days that
    changed were indexed again."""
    monkeypatch.setattr(search, "PART_WEIGHT", 30)
    monkeypatch.setattr(search, "RANGE_WEIGHT", range_weight)
    monkeypatch.setattr(search, "SPLIT_ABOVE", 4)
    make_reports_over_months(site)
    indexed = counting_indexer(monkeypatch)
    site.build("2026-11-11")
    for day, (gone, again) in expect.items():
        indexed.clear()
        _, out = site.build(day)
        nightly = {path: data for path, data in read_output(out).items() if path.startswith("pagefind/")}
        assert {url.split("/")[2] for urls in indexed for url in urls} == again, day
        _, cold = site.build(day, output=tmp_path / day, use_cache=False)
        assert nightly == {path: data for path, data in read_output(cold).items() if path.startswith("pagefind/")}, day
        for word in gone:
            for marker in (f"{word}PdfWord", f"{word}BodyWord", f"{word}7"):
                assert occurrences(nightly, marker) == [], (day, marker)
        assert occurrences(nightly, "NovemberstaysPdfWord") and occurrences(nightly, "Marchtoo7")

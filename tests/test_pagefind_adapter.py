"""What sitegen.search.pagefind_adapter relies on in Pagefind without Pagefind documenting it.

These tests fail, loudly, when a new Pagefind changes any of it: check the adapter against the
new version, then change PAGEFIND_VERSION there and the pin in pyproject.toml together."""

from __future__ import annotations

import gzip
import random
import re
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

import cbor2
import pytest

from conftest import ROOT
from sitegen.search import pagefind_adapter as pagefind

UPGRADE = ("sitegen.search.pagefind_adapter was written for Pagefind {wanted}; this is {found}. Check what the "
           "adapter relies on (its docstring) against the new version before changing PAGEFIND_VERSION and the pin.")


def test_the_installed_pagefind_is_the_one_the_adapter_was_written_for():
    found = version("pagefind-bin")
    assert found == pagefind.PAGEFIND_VERSION, UPGRADE.format(wanted=pagefind.PAGEFIND_VERSION, found=found)
    said = subprocess.run([pagefind.executable(), "--version"], capture_output=True, text=True, check=True).stdout
    assert said.split() == ["pagefind", pagefind.PAGEFIND_VERSION], UPGRADE.format(wanted=pagefind.PAGEFIND_VERSION, found=said)
    pins = re.findall(r'"pagefind-bin==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pins == [pagefind.PAGEFIND_VERSION], "pyproject.toml pins pagefind-bin to exactly PAGEFIND_VERSION"


PAGE = ('<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body><main data-pagefind-body>'
        '<h1>{title}</h1><p>{text}</p><span data-pagefind-filter="type">{kind}</span></main></body></html>')


def index(tmp_path: Path, name: str, records: int = 6) -> dict[str, bytes]:
    """An index of a few pages under /learning/ and a document record at a fragment of each."""
    site = tmp_path / name / "site"
    for n in range(records):
        pagefind.write_page(site, f"/learning/sar/e{n}/", PAGE.format(title=f"Entry {n}", text=f"Pageword{n} shared", kind=f"Kind {n % 3}"))
        pagefind.write_record(site, f"/learning/sar/e{n}/#document-e{n}-pdf", f"Docword{n} shared\n\nSecond, paragraph & <more>",
                              {"title": f"Entry {n}", "entry": f"Entry {n}", "document": f"Report, {n} (PDF)"},
                              {"type": [f"Kind {n % 3}"], "theme": [f"theme {n % 4}", "everyone"]})
    (site / "learning" / "not-a-record.html").write_text(PAGE.format(title="Not indexed", text="Strayword", kind="x"))
    process = pagefind.start(site, site.parent / "bundle", "en")
    return pagefind.finish(process, site.parent / "bundle", time.monotonic() + 120)


def fragments(files: dict[str, bytes]) -> dict[str, dict]:
    return {record["url"]: record for record in (pagefind.read_data(data) for name, data in files.items() if name.startswith("fragment/"))}


def test_records_are_at_the_addresses_and_with_the_meta_and_filters_written(tmp_path):
    records = fragments(index(tmp_path, "one"))
    pages = {f"/learning/sar/e{n}/" for n in range(6)}
    documents = {f"/learning/sar/e{n}/#document-e{n}-pdf" for n in range(6)}
    assert set(records) == pages | documents  # a file named #... is a record at that fragment; no stray file
    document = records["/learning/sar/e2/#document-e2-pdf"]
    assert document["meta"] == {"title": "Entry 2", "entry": "Entry 2", "document": "Report, 2 (PDF)"}
    assert {key: sorted(values) for key, values in document["filters"].items()} == {"type": ["Kind 2"], "theme": ["everyone", "theme 2"]}
    assert "Docword2" in document["content"] and "paragraph & <more>" in document["content"]
    assert "Report, 2" not in document["content"] and "everyone" not in document["content"]  # meta and filters are not its text
    assert records["/learning/sar/e2/"]["meta"]["title"] == "Entry 2"


def test_the_same_records_give_the_same_bytes_and_any_order_is_made_stable(tmp_path):
    first, second = index(tmp_path, "first"), index(tmp_path, "second")
    assert first == second
    assert pagefind.in_stable_order(first) == first

    def shuffled(files: dict[str, bytes], seed: int) -> dict[str, bytes]:
        """The same index as Pagefind might write it in another run: its lists in another order."""
        files = dict(files)
        shuffle = random.Random(seed).shuffle
        for name in [n for n in files if n.startswith("filter/")]:
            key, values = pagefind.read_data(files[name])
            shuffle(values)
            files[name] = gzip.compress(pagefind.SIGNATURE + cbor2.dumps([key, values]))
        [meta_name] = [n for n in files if n.endswith(".pf_meta")]
        meta = pagefind.read_data(files[meta_name])
        shuffle(meta[3])
        files[meta_name] = gzip.compress(pagefind.SIGNATURE + cbor2.dumps(meta))
        return files

    for seed in range(5):
        assert pagefind.in_stable_order(shuffled(first, seed)) == first


def test_the_files_are_the_index_and_the_scripts_this_version_writes(tmp_path):
    files = index(tmp_path, "one")
    scripts = sorted(name for name in files if not pagefind.is_data(name))
    assert scripts == ["pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
                       "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js",
                       "pagefind-worker.js", "pagefind.js", "wasm.en.pagefind", "wasm.unknown.pagefind"]
    data = {name.split("/")[0] if "/" in name else "*.pf_meta" if name.endswith(".pf_meta") else name
            for name in files if pagefind.is_data(name)}
    assert data == {"pagefind-entry.json", "*.pf_meta", "index", "fragment", "filter"}


def test_a_layout_it_does_not_know_is_a_failure_not_an_index(tmp_path):
    files = index(tmp_path, "one")
    [meta_name] = [n for n in files if n.endswith(".pf_meta")]
    for damaged in ({**files, meta_name: gzip.compress(b"something else")},
                    {**files, meta_name: gzip.compress(pagefind.SIGNATURE + cbor2.dumps({"a": 1}))},
                    {k: v for k, v in files.items() if k != meta_name}):
        with pytest.raises(pagefind.PagefindFailed, match="not laid out as this sitegen expects|without its signature"):
            pagefind.in_stable_order(damaged)


# --- what Pagefind's script fetches to start an index: first_fetches ---------------------------

# What the search page's preloads rely on in Pagefind's script (pagefind.js), as this version writes
# it (compared without spaces: the script is minified): each must be there, or the page asks for
# files Pagefind will not use (and fetches them twice).
STARTS_AN_INDEX = [
    "pagefind-entry.json`",  # its entry file, at this name below the index's folder,
    "entryUrl += `?ts=${this.metaCacheTag}`",  # with the tag search.js passes (metaCacheTag) as ?ts=,
    "`${this.basePath}pagefind.${index}.pf_meta`",  # then the metadata file the entry names,
    "`${this.basePath}wasm.${language}.pagefind`",  # and (the main index) its WebAssembly,
    "this.metaCacheTag = opts.metaCacheTag",  # the tag given to a part by mergeIndex's options,
    "!this.initOptions.noWorker",  # searched in the page (noWorker): its fetches are the page's, which preloads answer
    "await fetch(queued.input)",  # each with the page's fetch(), called then, and nothing but the address (as the
                                  # preloads ask, and as search.js's `answerFrom` answers from start.json)
]


def test_the_files_that_start_an_index_are_those_pagefinds_script_fetches(tmp_path):
    files = index(tmp_path, "one")
    script = re.sub(r"\s", "", files["pagefind.js"].decode("utf-8"))
    missing = [code for code in STARTS_AN_INDEX if re.sub(r"\s", "", code) not in script]
    assert missing == [], ("Pagefind's script no longer fetches the files that start an index as "
                           f"pagefind_adapter.first_fetches and search.js expect: {missing}")
    tag = pagefind.cache_tag(files)
    [meta] = [name for name in files if name.endswith(".pf_meta")]
    assert pagefind.first_fetches(files, "en", primary=True) == [f"pagefind-entry.json?ts={tag}", meta, "wasm.en.pagefind"]
    assert pagefind.first_fetches(files, "en", primary=False) == [f"pagefind-entry.json?ts={tag}", meta]
    other = index(tmp_path, "other", records=3)
    assert pagefind.cache_tag(other) != tag  # another index: its entry file's address changes with it
    with pytest.raises(pagefind.PagefindFailed, match="has no"):
        pagefind.first_fetches({k: v for k, v in files.items() if k != meta}, "en", primary=False)


# --- what Pagefind reads of a page: indexed_digest never misses it ----------------------------

REVIEW = ('<!doctype html><html lang="en-GB"><head><title>{title}</title></head><body><header>Menu</header>'
          '<article data-pagefind-body><h1>{heading}</h1><p data-pagefind-filter="type">{kind}</p><p>{body}</p>'
          '<section data-pagefind-ignore><h2>Related</h2><a href="/x/">{related}</a></section></article>'
          '<footer>{footer}</footer></body></html>')
BASE = dict(title="Review A", heading="Review A", kind="SAR", body="What we learned.", related="Review X",
            footer="Built on 1 December")
VARIANTS = {  # a change to one part of the page: whether Pagefind reads it (its index changes)
    "related": (dict(related="Review Y"), False),
    "footer": (dict(footer="Built on 2 December"), False),
    "title": (dict(title="Another title"), False),
    "body": (dict(body="What we learned again."), True),
    "filter": (dict(kind="DHR"), True),
    "heading": (dict(heading="Review B"), True),
}


def indexed(tmp_path: Path, name: str, page: str) -> dict[str, bytes]:
    """Pagefind's data files for a site of one page."""
    site = tmp_path / name / "site"
    pagefind.write_page(site, "/sar/a/", page)
    process = pagefind.start(site, site.parent / "bundle", "en")
    files = pagefind.finish(process, site.parent / "bundle", time.monotonic() + 120)
    return {key: value for key, value in files.items() if pagefind.is_data(key)}


def test_a_page_is_keyed_on_what_pagefind_reads_of_it_and_nothing_it_reads_is_missed(tmp_path):
    """`indexed_digest` leaves out what Pagefind does not read (a page may change there without
    being indexed again): run Pagefind on each change and check that wherever the digest stays the
    same, Pagefind's index does too. Fails when a new Pagefind reads more of a page."""
    base = REVIEW.format(**BASE)
    base_index = indexed(tmp_path, "base", base)
    for name, (change, read) in VARIANTS.items():
        page = REVIEW.format(**{**BASE, **change})
        same_digest = pagefind.indexed_digest(page) == pagefind.indexed_digest(base)
        assert same_digest == (not read), name
        if same_digest:
            assert indexed(tmp_path, name, page) == base_index, f"Pagefind reads the {name}, which indexed_digest leaves out"
    # a page without data-pagefind-body: its whole body is read
    bare = "<html><body><p>{}</p><footer>{}</footer></body></html>"
    assert pagefind.indexed_digest(bare.format("a", "b")) != pagefind.indexed_digest(bare.format("a", "c"))

"""Pagefind, the search indexer, run through its command line: the one module that knows how.

What is used as Pagefind documents it: the command line's options (`--site`, `--output-path`,
`--force-language`, `--glob`, `--silent`), a page's address being its file's path below `--site`
without `index.html`, and the `data-pagefind-body`, `-meta` and `-filter` attributes. The command
line indexes a folder in one run (Pagefind's Python API paused a tenth of a second for each page
and record sent to it, which was minutes for a large site, and answered before its files were
complete).

Relied on although Pagefind does not document it, and so checked by
tests/test_pagefind_adapter.py, which fails when a new Pagefind changes any of it (`pagefind-bin`
is pinned to `PAGEFIND_VERSION` exactly in pyproject.toml for that reason):

- a file whose name starts with `#` is indexed at that fragment of its folder's address, which
  is how a document's record points at its block on its entry's page (`write_record`);
- the layout of Pagefind's data files, which `in_stable_order` rewrites so that the same site gives the
  same bytes (Pagefind writes its filters in a random order on each run);
- which of its files are the index's data and which its scripts (`is_data`);
- what it reads of a page (`indexed_digest`): the parts of a page outside it may change without
  the page being indexed again, so a Pagefind that reads more must fail the adapter's test;
- what its script fetches to start an index, and at which addresses (`first_fetches`), so that the
  search page can ask for all of them at once, before Pagefind's script would: its entry file (with
  `?ts=` and the `metaCacheTag` option, documented), the metadata file the entry names, and, for
  the main bundle, its WebAssembly. The theme's search.js passes the tag and Pagefind's
  `noWorker` option (so that Pagefind's fetches are the page's own, which the preloads answer);
  the adapter's test reads Pagefind's script for each of these.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import cbor2

from sitegen.rules.addresses import output_file

PAGEFIND_VERSION = "1.5.2"  # the version this module was written for (pinned in pyproject.toml)
RECORD_GLOB = "**/{index.html,#*}"  # the pages, and the records written by `write_record`


class PagefindMissing(Exception):
    """Pagefind is not installed (or not where PAGEFIND_BINARY_PATH says)."""


class PagefindFailed(Exception):
    """Pagefind ran but did not make a whole index."""


def executable() -> str:
    """The Pagefind program: PAGEFIND_BINARY_PATH when set (as Pagefind's own tools read it), else
    the one the `pagefind-bin` package installs, else `pagefind` on the PATH."""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return given
    try:
        from pagefind_bin import get_executable  # imported here: a build with every part cached never needs it

        return str(get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        if found is None:
            raise PagefindMissing("Pagefind is not installed") from None
        return found


# --- what goes in ---------------------------------------------------------------------

def _file_for(site: Path, url: str) -> Path:
    """Where a record at `url` (a site path, such as /sar/adult-a/ or /sar/adult-a/#document-x)
    is written below `site`, so that Pagefind indexes it at that address."""
    address, hash_mark, fragment = url.partition("#")
    return site / (address.lstrip("/") + "#" + fragment if hash_mark else output_file(address))


def write_page(site: Path, url: str, page_html: str) -> None:
    """A page of the site, at its address (one ending in /)."""
    path = _file_for(site, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_html, encoding="utf-8")


def write_record(site: Path, url: str, text: str, meta: dict[str, str], filters: dict[str, list[str]]) -> None:
    """A record of plain text (a document's) at `url`, a fragment of a page's address, with its
    metadata and filters (outside the indexed body, so that they are not searched as its text)."""
    path = _file_for(site, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n") if part.strip())
    described = "".join(f'<span data-pagefind-meta="{html.escape(key)}">{html.escape(value)}</span>' for key, value in meta.items())
    described += "".join(f'<span data-pagefind-filter="{html.escape(key)}">{html.escape(value)}</span>'
                         for key, values in filters.items() for value in values)
    path.write_text(f'<!DOCTYPE html><html lang="en"><body><main data-pagefind-body>{paragraphs}</main>'
                    f"<div hidden>{described}</div></body></html>", encoding="utf-8")


# --- what it reads of a page ----------------------------------------------------------

def indexed_digest(html: str) -> str:
    """A digest of what Pagefind reads of a page: the text and tags inside its `data-pagefind-body`
    elements (or its whole body when it has none) without those marked `data-pagefind-ignore`,
    and, wherever they are, the elements with Pagefind's other attributes (filters, metadata,
    sorting, weights), headings of the first rank, images and the page's language. More than
    Pagefind reads, never less: what it leaves out is what may change without indexing again
    (a page's footer, its list of related reviews). A page lxml cannot read is taken whole."""
    from lxml import etree, html as lxml_html  # only when a page must be read (a dependency of its own: pikepdf needs it too)

    digest = hashlib.sha256()
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        digest.update(html.encode("utf-8"))
        return digest.hexdigest()
    digest.update(repr(sorted(root.attrib.items())).encode("utf-8"))
    for element in root.xpath(_READ_ANYWHERE):
        digest.update(b"\0" + etree.tostring(element, encoding="utf-8", with_tail=False))
    digest.update(b"\1")
    regions = root.xpath("//*[@data-pagefind-body]") or root.xpath("//body") or [root]
    for ignored in root.xpath("//*[@data-pagefind-ignore]"):
        ignored.drop_tree()
    for region in regions:
        digest.update(b"\0" + etree.tostring(region, encoding="utf-8", with_tail=False))
    return digest.hexdigest()


# Elements Pagefind may read wherever they are on a page (its attributes other than those that
# mark what to index or leave out; the first <h1> and <img> give a result's title and image).
_READ_ANYWHERE = ("//*[@*[starts-with(name(), 'data-pagefind-') and name() != 'data-pagefind-ignore'"
                  " and name() != 'data-pagefind-body']] | //h1 | //img")


# --- running it -----------------------------------------------------------------------

def start(site: Path, bundle: Path, language: str) -> subprocess.Popen:
    """Start indexing the records written below `site` into `bundle`; `finish` waits for it. It runs
    in `site`'s parent, and without PAGEFIND_ settings from the environment, so that no Pagefind
    configuration file or variable of the user's changes what it does."""
    command = [executable(), "--site", str(site), "--output-path", str(bundle), "--force-language", language,
               "--glob", RECORD_GLOB, "--silent"]
    env = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    log = open(site.parent / "pagefind.log", "wb")
    try:
        return subprocess.Popen(command, cwd=site.parent, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    except FileNotFoundError:
        raise PagefindMissing(f"there is no Pagefind at {command[0]}") from None
    finally:
        log.close()


def finish(process: subprocess.Popen, bundle: Path, deadline: float) -> dict[str, bytes]:
    """The files of the index `process` writes into `bundle`, in a stable order (`in_stable_order`), once it has ended (it is
    stopped at `deadline`, a `time.monotonic()`)."""
    try:
        code = process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise PagefindFailed("Pagefind took too long and was stopped") from None
    if code != 0:
        said = (bundle.parent / "pagefind.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise PagefindFailed(f"Pagefind stopped with status {code}" + (f": {said[-1]}" if said else ""))
    files = {path.relative_to(bundle).as_posix(): path.read_bytes() for path in sorted(bundle.rglob("*")) if path.is_file()}
    if "pagefind.js" not in files or "pagefind-entry.json" not in files:
        raise PagefindFailed("Pagefind wrote no index")
    return in_stable_order(files)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def cache_tag(files: dict[str, bytes]) -> str:
    """The tag of an index's entry file (Pagefind's `metaCacheTag`): a digest of its bytes, so that the
    entry's address changes whenever it does. Every other file Pagefind fetches is named by its content
    (the metadata by `in_stable_order`, the rest by Pagefind itself)."""
    return hashlib.sha256(files["pagefind-entry.json"]).hexdigest()[:20]


def first_fetches(files: dict[str, bytes], language: str, primary: bool) -> list[str]:
    """The addresses (below the index's folder) Pagefind's script fetches to start the index made of
    `files` (`finish`'s), in its order: the entry file, its metadata and, for the index whose scripts
    are used (`primary`), the WebAssembly. `language` is the one the index was forced to."""
    details = json.loads(files["pagefind-entry.json"])["languages"][language]
    addresses = [f"pagefind-entry.json?ts={cache_tag(files)}", f"pagefind.{details['hash']}.pf_meta"]
    if primary:
        addresses.append(f"wasm.{details.get('wasm') or 'unknown'}.pagefind")
    missing = [address for address in addresses if address.split("?")[0] not in files]
    if missing:
        raise PagefindFailed(f"Pagefind's index has no {', '.join(missing)}")
    return addresses


def is_data(name: str) -> bool:
    """The files of an index itself, as opposed to Pagefind's scripts and styles."""
    return name == "pagefind-entry.json" or name.endswith(".pf_meta") or name.split("/")[0] in ("index", "fragment", "filter")


# --- making Pagefind's output the same for the same site -----------------------------
#
# Pagefind writes the values of each filter, and the list of filters, in the order of a Rust
# hash map, which is seeded at random in each run. So the filter files, the metadata file that
# names them and pagefind-entry.json that names the metadata file change from run to run over the
# same records (the pages' fragments and the word index do not). `in_stable_order` sorts both lists and
# names the files it rewrote by their content. It checks the layout it expects and raises
# PagefindFailed otherwise: no index rather than one that might not load.

SIGNATURE = b"pagefind_dcd"  # what every Pagefind data file starts with, once gunzipped


def read_data(data: bytes):
    """A Pagefind data file's contents (CBOR, or JSON for a page's fragment)."""
    plain = gzip.decompress(data)
    if not plain.startswith(SIGNATURE):
        raise PagefindFailed("a Pagefind data file without its signature")
    body = plain[len(SIGNATURE):]
    return json.loads(body) if body[:1] == b"{" else cbor2.loads(body)


def _write(value) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def _name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def in_stable_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's files with filters in a fixed order, so that the same records give the same bytes;
    the rest as written."""
    files = dict(files)
    try:
        entry_json = files["pagefind-entry.json"]
        for language, details in json.loads(entry_json)["languages"].items():
            meta_path = f"pagefind.{details['hash']}.pf_meta"
            meta = read_data(files.pop(meta_path))
            filters = meta[3]  # [[filter name, file hash], ...]
            if not (isinstance(filters, list) and all(isinstance(f, list) and len(f) == 2 for f in filters)):
                raise PagefindFailed("Pagefind's metadata is not laid out as expected")
            ordered = []
            for name, old in sorted(filters):
                key, values = read_data(files.pop(f"filter/{old}.pf_filter"))
                data = _write([key, sorted(values, key=lambda pair: pair[0])])
                new = _name(language, data, 7)
                files[f"filter/{new}.pf_filter"] = data
                ordered.append([name, new])
            meta[3] = ordered
            data = _write(meta)
            new_meta = _name(language, data, 10)
            files[f"pagefind.{new_meta}.pf_meta"] = data
            entry_json = entry_json.replace(f'"{details["hash"]}"'.encode(), f'"{new_meta}"'.encode())
    except (KeyError, IndexError, TypeError, ValueError, EOFError, OSError, cbor2.CBORDecodeError) as exc:
        raise PagefindFailed(f"Pagefind's files are not laid out as this sitegen expects ({type(exc).__name__}: {exc})") from None
    files["pagefind-entry.json"] = entry_json
    return files

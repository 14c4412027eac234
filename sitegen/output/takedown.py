"""The second line of defence: when a build fails for a reason no one foresaw, the reports whose
window has ended still come down.

Every whole build that succeeds records what it wrote (`record_last_good`: each file's path and
the digest it is kept under in the cache's file store, `sitegen.output.file_store`), so the last good
output can be put together again even where the output folder is new (Netlify starts every build
on a fresh machine, with only the cache restored). When a later build fails, `take_down_only`
makes today's output from it with nothing added: every address whose `X-Robots-Tag:
unavailable_after` moment (in the last good `_headers`, see `sitegen.output.netlify`) has come is
removed and answers 410 Gone through `_redirects`; the feeds, the sitemap and the open register
lose those addresses; the search index, which holds their text, is left out whole; and `/sitegen.json` says
the build was a take-down only, so `sitegen verify` and the nightly run report it. Nothing goes
up, and no page is made again; but no page may still show what came down (`page_without`): each
card of a report taken down (the default theme marks it with `data-address`) is cut from the
pages that list it, and a page that would still link to it after that (a theme's own card, a link
in another entry's text) is replaced whole by a short "being updated" page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import lxml.etree
import lxml.html

from sitegen.core.cachefile import content_name, read_kept
from sitegen.output import opendata
from sitegen.rules.addresses import BUILD_MARKER, OutputFile, output_file
from sitegen.output.deployment import is_deploy_preview
from sitegen.rules.visibility import start_of_day

TAKE_DOWN_ONLY = "take-down only"  # how the marker's digest starts in such a build (`sitegen verify` says so)
RECORD = "last-good-output.json"  # in the cache: what the last whole build that succeeded wrote
SEARCH_FOLDER = "pagefind/"
_ROBOTS = re.compile(r"^\s+X-Robots-Tag:\s*unavailable_after:\s*(.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TakeDown:
    files: dict[str, bytes]  # today's output, by path relative to the output folder
    removed: tuple[str, ...]  # the addresses taken down today (/sar/adult-c/, /sar/adult-c/overview.pdf)
    built_for: str  # the day the last good output was built for


def record_last_good(cache_dir: Path, files: list[OutputFile], stored: dict[str, str], store_folder: Path | None,
                     extra: dict[str, bytes], site: str, checked: dict[str, str] | None = None) -> None:
    """After a whole build that succeeded: where each file it wrote (`files`, and `extra` written
    beside them) can be found again from the cache alone, and the digest of its bytes, so that
    `last_good_files` can put the output together on a machine that has only the cache (see the
    module's description). The build says which files it linked to the file store and by what name
    (`stored`: the name is the digest); a published copy linked from the cache's documents/ is
    found there, by the SHA-256 the build checked it has (`checked`, by its path) or else its digest
    worked out again when it changed since the last record; any
    other file (a theme's stylesheet, copied) is kept in the record itself, up to EMBED_AT_MOST
    bytes. Nothing is walked or read again that the build has just written. `site` names the site
    (its address): a record restored with another site's cache is never used (`last_good_files`)."""
    record = cache_dir / RECORD
    try:
        before = _json(read_kept(record)).get("files", {}) if record.is_file() else {}
        prefix = os.path.relpath(store_folder, cache_dir).replace(os.sep, "/") if store_folder is not None else None
        found: dict[str, dict] = {}
        for item in files:
            name = stored.get(item.path)
            kept = {"digest": name, "at": f"{prefix}/{name}"} if name is not None and prefix is not None \
                else _found_again(item, cache_dir, before.get(item.path) if isinstance(before, dict) else None, checked or {})
            if kept is None:
                record.unlink(missing_ok=True)  # it could not be put together whole: no record beats a partial one
                return
            found[item.path] = kept
        for path, data in extra.items():
            found[path] = {"digest": content_name(data), "data": base64.b64encode(data).decode("ascii")}
        temp = record.with_suffix(".tmp")
        temp.write_text(json.dumps({"files": found, "site": site}, sort_keys=True), encoding="utf-8")
        os.replace(temp, record)
    except OSError:
        pass  # the record only ever helps a failed build; its absence is said then


def _found_again(item: OutputFile, cache_dir: Path, old: object, checked: dict[str, str]) -> dict | None:
    """How `last_good_files` finds one file the build did not link to the file store: a cached
    copy where it is kept in the cache, else its bytes in the record (None: too large for that)."""
    if item.data is None and item.source is not None and item.link and item.source.is_relative_to(cache_dir):
        at = item.source.relative_to(cache_dir).as_posix()
        if str(item.source) in checked:
            return {"sha256": checked[str(item.source)], "at": at}
        status = os.stat(item.source)
        stamp = [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
        if isinstance(old, dict) and old.get("at") == at and old.get("stamp") == stamp:
            return old
        return {"digest": content_name(item.source.read_bytes()), "at": at, "stamp": stamp}
    data = item.data if item.data is not None else Path(item.source or "").read_bytes()
    if len(data) > EMBED_AT_MOST:
        return None
    return {"digest": content_name(data), "data": base64.b64encode(data).decode("ascii")}


EMBED_AT_MOST = 1_000_000


def last_good_files(output: Path, cache_dir: Path, site: str, day: date) -> dict[str, bytes] | None:
    """The files of the last good output: the output folder as it stands, when it is one a
    production build wrote (it has the build marker, and the marker is not a deploy preview's,
    which may show what is not public yet), else the record in the cache and the cache's files,
    each checked against its digest (only a production build writes the record), when the record
    is this `site`'s. None when neither can be had whole, or when what was found was built for a
    day after `day` (`built_on_or_before`): it may show reports that are not published yet on `day`."""
    found = _last_good_files(output, cache_dir, site)
    if found is None or not built_on_or_before(found, day):
        return None
    return found


def built_on_or_before(files: dict[str, bytes], day: date) -> bool:
    """Whether an output's marker says it was built for `day` or an earlier one (one that cannot be
    read could have been built for any day, so it is not)."""
    try:
        return date.fromisoformat(str(_json(files.get(BUILD_MARKER, b"{}")).get("built_for"))) <= day
    except ValueError:
        return False


def _last_good_files(output: Path, cache_dir: Path, site: str) -> dict[str, bytes] | None:
    if (output / BUILD_MARKER).is_file() and not _is_preview(output / BUILD_MARKER):
        files = {}
        try:
            for folder, _, names in os.walk(output):
                for name in names:
                    path = os.path.join(folder, name)
                    if not os.path.islink(path):
                        files[os.path.relpath(path, output).replace(os.sep, "/")] = read_kept(path)  # a plain file only
            return files
        except OSError:
            pass
    try:
        whole = json.loads(read_kept(cache_dir / RECORD).decode("utf-8"))
        if whole.get("site") != site:
            return None  # another site's (a cache restored from the wrong site), or an older sitegen's
        record = whole["files"]
        files = {}
        for path, item in record.items():
            if "data" in item:
                data = base64.b64decode(item["data"])
            else:
                at = str(item["at"])
                if at.startswith("/") or ".." in at.split("/"):
                    return None
                data = read_kept(cache_dir / at)
            whole = hashlib.sha256(data).hexdigest() == item["sha256"] if "sha256" in item else content_name(data) == item["digest"]
            if not whole or path.startswith("/") or ".." in path.split("/"):
                return None  # a kept file was changed, or the record was: it cannot be trusted whole
            files[str(path)] = data
        return files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _is_preview(marker: Path) -> bool:
    """Whether the output whose marker is at `marker` is a deploy preview's (or cannot be told)."""
    try:
        return is_deploy_preview(marker.read_bytes())
    except OSError:
        return True


def expired_addresses(headers: str, day: date, timezone: str) -> set[str]:
    """The addresses in a `_headers` file whose `unavailable_after` moment is at or before the
    start of `day` in the site's time zone: those that must not answer any more."""
    found: set[str] = set()
    path = None
    start = start_of_day(day, timezone)
    for line in headers.splitlines():
        if line.startswith("/"):
            path = line.strip()
            continue
        match = _ROBOTS.match(line)
        if match and path is not None:
            try:
                moment = datetime.fromisoformat(match.group(1))
            except ValueError:
                found.add(path)  # not a moment sitegen wrote: take it down rather than guess
                continue
            if moment.tzinfo is None or moment <= start:
                found.add(path)
    return found


def take_down_only(files: dict[str, bytes], day: date, timezone: str) -> TakeDown:
    """Today's output made from the last good one by taking down what has come down (see the
    module's description)."""
    marker = _json(files.get(BUILD_MARKER, b"{}"))
    gone = expired_addresses(files.get("_headers", b"").decode("utf-8", "replace"), day, timezone)
    gone_files = {output_file(address) for address in gone}
    kept = {path: data for path, data in files.items() if path not in gone_files}
    if gone:
        kept = {path: data for path, data in kept.items() if not path.startswith(SEARCH_FOLDER)}
        lines = "".join(f"{address}  /410.html  410!\n" for address in sorted(gone))
        kept["_redirects"] = files.get("_redirects", b"") + lines.encode("utf-8")
        if "_headers" in kept:
            kept["_headers"] = _headers_without(kept["_headers"].decode("utf-8", "replace"), gone).encode("utf-8")
        for name, tag in (("feed.xml", "entry"), ("sitemap.xml", "url")):
            if name in kept:
                kept[name] = _without(kept[name], tag, gone)
        kept = opendata.take_down(kept, gone)  # the JSON Feed and the open register
        kept = {path: page_without(data, gone) if path.endswith(".html") else data for path, data in kept.items()}
    kept[BUILD_MARKER] = (json.dumps({"built_for": day.isoformat(), "digest": f"{TAKE_DOWN_ONLY}: the build failed",
                                "generator": str(marker.get("generator", "sitegen")),
                                "last_good_build": str(marker.get("built_for", "unknown"))}, indent=2) + "\n").encode("utf-8")
    return TakeDown(kept, tuple(sorted(gone)), str(marker.get("built_for", "unknown")))


BEING_UPDATED = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>This page is being updated</title>
</head>
<body>
<main>
<h1>This page is being updated</h1>
<p>Please come back later. <a href="/">Go to the home page</a>.</p>
</main>
</body>
</html>
"""


def page_without(data: bytes, gone: set[str]) -> bytes:
    """A page of the last good output with nothing left of the addresses in `gone`: the elements
    marked with one of them (`data-address`, on each card of the default theme) are cut out; if
    any of those addresses is still written anywhere in the page after that, the page cannot be
    trusted to show none of what came down, and the short BEING_UPDATED page takes its place."""
    if not any(address.encode("utf-8") in data for address in gone):
        return data
    try:
        document = lxml.html.document_fromstring(data)
        for element in document.xpath("//*[@data-address]"):
            if element.get("data-address") in gone:
                element.drop_tree()
        cut = lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")
    except (ValueError, lxml.etree.LxmlError):
        cut = data  # not a page sitegen wrote: judged as it is, below
    if any(address.encode("utf-8") in cut for address in gone):
        return BEING_UPDATED.encode("utf-8")
    return cut


def _headers_without(headers: str, gone: set[str]) -> str:
    """A `_headers` file without the blocks of the addresses in `gone`."""
    kept, keep = [], True
    for line in headers.splitlines(keepends=True):
        if line.startswith("/"):
            keep = line.strip() not in gone
        if keep:
            kept.append(line)
    return "".join(kept)


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data)
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


def _without(data: bytes, tag: str, gone: set[str]) -> bytes:
    """An Atom feed or a sitemap without the items that point at an address in `gone` (every
    element named `tag` below the root, in any namespace, whose link or loc ends in one)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return data  # not one sitegen wrote; its items are titles and addresses only
    for namespace, uri in re.findall(rb'xmlns(?::(\w+))?="([^"]+)"', data[:500]):
        ET.register_namespace(namespace.decode(), uri.decode())
    for item in [child for child in root if child.tag.rsplit("}", 1)[-1] == tag]:
        targets = [element.get("href") or element.text or "" for element in item.iter()
                   if element.tag.rsplit("}", 1)[-1] in ("link", "loc", "id")]
        if any(target.endswith(address) for target in targets for address in gone):
            root.remove(item)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

"""Open data others can harvest: the JSON Feed, the register of what is live, and its catalogue.

- `/feed.json`: a JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the same entries as the
  Atom feed (`outputs.feed`): the site's live reviews and briefings, newest first.
- `/data/register.csv` and `/data/register.json`: one row for each live review, with the day it
  went up and the day it comes down: what the Board's publication record (`sitegen report`) counts,
  as it stands on the build day.
- `/data.json`: a catalogue of that register in the DCAT-US 1.1 ("Project Open Data") form that
  data.gov.uk's harvester reads, under the site's `licence` (the Open Government Licence by default).

Every file is made from `Site.live_reviews` alone, so nothing of a scheduled, draft, withheld or
expired entry can reach them: they follow the window on every build, like the pages.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from sitegen.rules.addresses import CATALOGUE, JSON_FEED, REGISTER_CSV, REGISTER_JSON
from sitegen.rules.addresses import OutputFile
from sitegen.rendering.structured import REGISTER_TITLE, register_description
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import State, start_of_day

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
JSON_FEED_TYPE = "application/feed+json"
REGISTER_COLUMNS = ["type", "type_name", "title", "address", "published", "on_site_until", "comes_down",
                    "themes", "summary", "documents"]
DCAT_US = "https://project-open-data.cio.gov/v1.1/schema"

@dataclass(frozen=True)
class RegisterRow:
    """One live review in the open register: what a researcher needs to find it and know its window."""

    type: str  # the type's short name: SAR
    type_name: str  # Safeguarding Adults Review
    title: str
    address: str  # absolute
    published: date
    on_site_until: date | None  # the last day it is shown; None: shown until taken down by hand
    comes_down: date | None  # the first day it is not
    themes: tuple[str, ...]
    summary: str
    documents: tuple[str, ...]  # absolute addresses of its published documents

    def as_dict(self) -> dict:
        return {"type": self.type, "type_name": self.type_name, "title": self.title, "address": self.address,
                "published": self.published.isoformat(),
                "on_site_until": self.on_site_until.isoformat() if self.on_site_until else None,
                "comes_down": self.comes_down.isoformat() if self.comes_down else None,
                "themes": list(self.themes), "summary": self.summary, "documents": list(self.documents)}


def register(site: Site) -> list[RegisterRow]:
    """The live reviews on the build day, newest first: only `Site.live_reviews`, never anything else."""
    return [_row(site, entry_on_day) for entry_on_day in site.live_reviews]


def _row(site: Site, entry_on_day: EntryOnDay) -> RegisterRow:
    entry = entry_on_day.entry
    rtype = site.type_of(entry)
    url = site.config.url
    documents = tuple(url(d.url) if d.downloadable else url(d.page_url) for d in entry_on_day.downloads)
    return RegisterRow(rtype.short if rtype else entry.type or "", rtype.singular if rtype else "", entry.title or "",
                       url(entry.url), entry.published, entry_on_day.last_day, entry.hidden_from, entry.themes,
                       entry.summary or "", documents)


def feed_share(site: Site, entry_on_day: EntryOnDay) -> dict | None:
    """All of an entry that `json_feed` uses (see `sitegen.build.SHARES`): its item, which holds what
    puts it in its place too (its address and day)."""
    return _feed_item(site, entry_on_day) if site.is_live_review(entry_on_day) else None


def register_share(site: Site, entry_on_day: EntryOnDay) -> object:
    """All of an entry that `register_files` uses (see `sitegen.build.SHARES`): a live review's row,
    and the day an expired one came down (the register's `last_changed`)."""
    if site.is_live_review(entry_on_day):
        return _row(site, entry_on_day), entry_on_day.entry.source
    if entry_on_day.state is State.EXPIRED and not entry_on_day.entry.is_page:
        return "expired", entry_on_day.entry.hidden_from
    return None


def register_files(site: Site) -> list[OutputFile]:
    """`/data/register.csv`, `/data/register.json` and their catalogue `/data.json`."""
    rows = register(site)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(REGISTER_COLUMNS)
    for row in rows:
        values = row.as_dict()
        writer.writerow([_cell(values[c]) for c in REGISTER_COLUMNS])
    as_json = {"changed": last_changed(site).isoformat(), "licence": site.config.licence,
               "reviews": [row.as_dict() for row in rows]}
    return [OutputFile(REGISTER_CSV, out.getvalue().encode("utf-8")),
            OutputFile(REGISTER_JSON, _json(as_json)),
            OutputFile(CATALOGUE, _json(catalogue(site, rows)))]


def last_changed(site: Site) -> date:
    """The last day the register changed: the latest day a report in it went up or one came down.
    Not the build day, so that a new day alone changes no file (as for the pages)."""
    days = [p.entry.published for p in site.live_reviews]
    days += [p.entry.hidden_from for p in site.in_state(State.EXPIRED) if p.entry.hidden_from and not p.entry.is_page]
    return max(days, default=site.as_of)


def _json(value: object) -> bytes:
    """JSON with `<`, `>` and `&` written as escapes: the same data, but no title reads as HTML if
    the file is ever shown as a page."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode("utf-8")


def _cell(value: object) -> str:
    """A value as a CSV cell that a spreadsheet shows as text: one starting with =, +, -, @, a tab or a
    carriage return would be run as a formula by Excel or LibreOffice, so it is written after a `'`."""
    text = "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def catalogue(site: Site, rows: list[RegisterRow]) -> dict:
    """The DCAT-US 1.1 catalogue (`/data.json`) of the register: one dataset, two distributions."""
    config = site.config
    contact = config.contact
    modified = last_changed(site)
    point = {"@type": "vcard:Contact", "fn": config.name}
    if contact.email:
        point["hasEmail"] = f"mailto:{contact.email}"
    keywords = sorted({rtype.singular for rtype in site.types if site.live_of_type(rtype.key)} | {"safeguarding"})
    dataset = {
        "@type": "dcat:Dataset",
        "title": REGISTER_TITLE.format(name=config.name),
        "description": register_description(config.name),
        "keyword": keywords,
        "modified": modified.isoformat(),
        "publisher": {"@type": "org:Organization", "name": config.name},
        "contactPoint": point,
        "identifier": config.url("/data/register.json"),
        "accessLevel": "public",
        "license": config.licence,
        "landingPage": config.url("/"),
        "language": [config.language],
        "accrualPeriodicity": "R/P1D",
        "distribution": [
            {"@type": "dcat:Distribution", "title": "Register (CSV)", "downloadURL": config.url("/" + REGISTER_CSV),
             "mediaType": "text/csv", "format": "CSV"},
            {"@type": "dcat:Distribution", "title": "Register (JSON)", "downloadURL": config.url("/" + REGISTER_JSON),
             "mediaType": "application/json", "format": "JSON"},
        ],
    }
    return {"@context": f"{DCAT_US}/catalog.jsonld", "@type": "dcat:Catalog", "conformsTo": DCAT_US,
            "describedBy": f"{DCAT_US}/catalog.json", "dataset": [dataset]}


def json_feed(site: Site) -> OutputFile:
    """`/feed.json`: JSON Feed 1.1 of the Atom feed's entries (`Site.live_reviews`, newest first)."""
    config = site.config
    feed = {
        "version": JSON_FEED_VERSION,
        "title": f"{config.name}: Learning from Practice",
        "home_page_url": config.url("/"),
        "feed_url": config.url("/" + JSON_FEED),
        "description": config.description,
        "language": config.language,
        "authors": [{"name": config.name, "url": config.url("/")}],
        "items": [_feed_item(site, entry_on_day) for entry_on_day in site.live_reviews],
    }
    return OutputFile(JSON_FEED, _json(feed))


def _feed_item(site: Site, entry_on_day: EntryOnDay) -> dict:
    """One item: the same id, address, title, day and summary as the entry's Atom entry."""
    config = site.config
    entry = entry_on_day.entry
    rtype = site.type_of(entry)
    item = {"id": config.url(entry.url), "url": config.url(entry.url), "title": entry.title,
            "content_text": entry.summary or entry.title,
            "date_published": start_of_day(entry.published, config.timezone).isoformat()}
    if entry.summary:
        item["summary"] = entry.summary
    tags = ([rtype.singular] if rtype else []) + list(entry.themes)
    if tags:
        item["tags"] = tags
    return item


def take_down(files: dict[str, bytes], gone: set[str]) -> dict[str, bytes]:
    """`files` (the last good output, by path) with every item of the JSON Feed and the register
    that points at an address in `gone` taken out (see `sitegen.output.takedown`). A file that cannot be
    read as sitegen writes it is left out whole: it may hold what came down."""
    kept = dict(files)
    for path, take in ((JSON_FEED, _feed_without), (REGISTER_JSON, _register_json_without), (REGISTER_CSV, _register_csv_without)):
        if path in kept:
            try:
                kept[path] = take(kept[path], lambda address: any(address.endswith(g) for g in gone))
            except (ValueError, TypeError, KeyError, AttributeError):
                del kept[path]
    return kept


def _feed_without(data: bytes, is_gone) -> bytes:
    feed = json.loads(data)
    feed["items"] = [item for item in feed["items"] if not is_gone(str(item.get("url") or item["id"]))]
    return _json(feed)


def _register_json_without(data: bytes, is_gone) -> bytes:
    value = json.loads(data)
    value["reviews"] = [row for row in value["reviews"]
                        if not any(is_gone(str(a)) for a in [row["address"], *row.get("documents", [])])]
    return _json(value)


def _register_csv_without(data: bytes, is_gone) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    address = rows[0].index("address")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([rows[0]] + [row for row in rows[1:] if not is_gone(row[address])])
    return out.getvalue().encode("utf-8")

"""`sitegen report`: the publication record for the Board's annual report.

What went live and what came down between two dates, worked out from the
content alone (each entry's `published` date and the day it comes down), with
the same rule as the build. Drafts never went live and are left out; an entry
that has an error today, or whose front matter cannot be read at all, is left
out and named, so that the record accounts for every file in content/. The record is for the Board, not the public: it is never written into
the site's output.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sitegen.content.config import SiteConfig
from sitegen.core.problems import Problem, error
from sitegen.rules.addresses import OUTPUT_MARKER
from sitegen.rules.dates import uk_date
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import State

WENT_LIVE, CAME_DOWN = "went live", "came down"
FUTURE = {WENT_LIVE: "will go live", CAME_DOWN: "will come down"}
COLUMNS = ["date", "event", "type", "title", "address", "file"]


@dataclass(frozen=True)
class Event:
    day: date
    event: str  # went live, came down, will go live, will come down
    type: str  # the type's short name: SAR
    title: str
    address: str
    file: str


@dataclass(frozen=True)
class Record:
    start: date
    end: date
    events: tuple[Event, ...]
    left_out: tuple[EntryOnDay, ...]  # entries with errors today, or that cannot be read: their dates cannot be vouched for

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.event in (kind, FUTURE[kind])]


def record(site: Site, start: date, end: date) -> Record:
    """Events from `start` to `end` (both included); `site.as_of` is today, which tells past from future."""
    events = []
    left_out = []
    for entry_on_day in site.entries:
        entry = entry_on_day.entry
        # An entry that cannot be read at all (its type unknown) may be a review: named, never dropped.
        if entry.type is None or entry_on_day.state is State.WITHHELD and not entry.is_page:
            left_out.append(entry_on_day)
            continue
        if entry.is_page or entry_on_day.state is State.DRAFT:
            continue
        rtype = site.type_of(entry)
        for day, kind in ((entry.goes_live, WENT_LIVE), (entry.hidden_from, CAME_DOWN)):
            if day is not None and start <= day <= end:
                events.append(Event(day, kind if day <= site.as_of else FUTURE[kind], rtype.short if rtype else entry.type,
                                    entry.title or "", site.config.url(entry.url), entry.source))
    events.sort(key=lambda e: (e.day, e.event, e.type, e.title, e.file))
    return Record(start, end, tuple(events), tuple(left_out))


def to_csv(rec: Record) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in rec.events:
        writer.writerow([e.day.isoformat(), e.event, e.type, e.title, e.address, e.file])
    return out.getvalue()


def _counts(events: list[Event]) -> str:
    by_type: dict[str, int] = {}
    for e in events:
        by_type[e.type] = by_type.get(e.type, 0) + 1
    return ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))


def to_text(rec: Record, name: str) -> str:
    lines = [f"Publication record of {name}, {uk_date(rec.start)} to {uk_date(rec.end)}", ""]
    width = max([len(e.type) for e in rec.events] + [4])
    for kind, heading in ((WENT_LIVE, "Went live"), (CAME_DOWN, "Came down")):
        events = rec.of(kind)
        lines.append(f"{heading}: {len(events)}" + (f" ({_counts(events)})" if events else ""))
        for e in events:
            planned = " (planned)" if e.event == FUTURE[kind] else ""
            lines.append(f"  {uk_date(e.day):>17}  {e.type:<{width}}  {e.title}{planned}")
            lines.append(f"  {'':>17}  {'':<{width}}  {e.address}")
        lines.append("")
    if rec.left_out:
        lines.append(f"Left out because of errors: {len(rec.left_out)} (fix them, see sitegen check, and run the report again)")
        for entry_on_day in rec.left_out:
            lines.append(f"  {where_left_out(entry_on_day)}: {why_left_out(entry_on_day)}")
        lines.append("")
    return "\n".join(lines)


def _first_error(entry_on_day: EntryOnDay) -> Problem | None:
    return next((p for p in entry_on_day.entry.problems if p.is_error), None)


def why_left_out(entry_on_day: EntryOnDay) -> str:
    """The first error of an entry left out of the record."""
    first = _first_error(entry_on_day)
    return first.message if first is not None else "it has an error"


def where_left_out(entry_on_day: EntryOnDay) -> str:
    """The file of an entry left out of the record, and the line of its first error."""
    first = _first_error(entry_on_day)
    return entry_on_day.entry.source + (f":{first.line}" if first is not None and first.line else "")


def unsafe_destination(config: SiteConfig, target: Path) -> Problem | None:
    """Why the record may not be written at `target`: it must never reach the public site."""
    path = target.absolute().resolve()
    public = [config.root / "build", config.content_dir, config.reports_dir, config.theme_dir]
    for folder in public:
        folder = folder.absolute().resolve()
        if path == folder or folder in path.parents:
            return error(str(target), f"this is inside {folder.name}/, and everything there can end up on the public site.",
                         "Write the record somewhere else, such as your documents folder.")
    for folder in path.parents:
        if (folder / OUTPUT_MARKER).is_file():
            return error(str(target), f"this is inside {folder}, a folder that sitegen builds the public site into.",
                         "Write the record somewhere else, such as your documents folder.")
    if path.exists():
        return error(str(target), "this file already exists, so it was not replaced.", "Choose another file name, or delete the old file first.")
    return None


def write(target: Path, text: str) -> Problem | None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        return error(str(target), f"could not be written ({exc.strerror or exc}).", "Check the folder exists and that you may write there.")
    return None

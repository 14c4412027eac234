"""`sitegen status`: every entry's state on one day, as a table or JSON.

The state comes from the build's own rule (`build.assemble`): status shows
exactly what a build on that day would publish.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sitegen.rules.dates import uk_date
from sitegen.rendering.site import Site
from sitegen.rules.visibility import State, Window, add_window

ORDER = [State.WITHHELD, State.LIVE, State.SCHEDULED, State.DRAFT, State.EXPIRED]  # what needs attention first
LABELS = {"state": "State", "published": "Published", "comes_down": "Comes down", "left": "Days left",
          "type": "Type", "title": "Title", "file": "File"}


@dataclass(frozen=True)
class StatusRow:
    file: str
    slug: str
    title: str | None
    type: str | None
    state: State
    published: date | None
    hidden_from: date | None  # the first day it is not shown
    days_left: int | None  # live entries: days until it comes down
    errors: tuple[str, ...]
    goes_live: date | None = None  # the first day it may be shown: `published`, or a later `approved`
    waiting_for: str | None = None  # "approval": scheduled only because its approval day has not come

    @property
    def state_text(self) -> str:
        """The state as the table shows it: a review held back for its approval says so."""
        if self.waiting_for == "approval":
            return f"{self.state.value}: waiting for approval ({short_date(self.goes_live)})"
        return self.state.value

    def as_json(self) -> dict:
        return {"file": self.file, "slug": self.slug, "title": self.title, "type": self.type,
                "state": self.state.value,
                "goes_live": self.goes_live.isoformat() if self.goes_live else None,
                "waiting_for": self.waiting_for,
                "published": self.published.isoformat() if self.published else None,
                "hidden_from": self.hidden_from.isoformat() if self.hidden_from else None,
                "errors": list(self.errors)}


def status_rows(site: Site) -> list[StatusRow]:
    rows = []
    for entry_on_day in site.entries:
        entry = entry_on_day.entry
        left = None
        if entry_on_day.state is State.LIVE and entry.hidden_from is not None:
            left = (entry.hidden_from - site.as_of).days
        waiting = "approval" if entry_on_day.state is State.SCHEDULED and entry.waits_for_approval else None
        rows.append(StatusRow(entry.source, entry.slug, entry.title, entry.type, entry_on_day.state, entry.published,
                              entry.hidden_from, left, tuple(p.format() for p in entry.problems if p.is_error),
                              None if entry.is_page else entry.goes_live, waiting))

    def order(row: StatusRow):
        when = row.goes_live if row.state is State.SCHEDULED else row.hidden_from
        ordinal = when.toordinal() if when else 10**7
        return ORDER.index(row.state), -ordinal if row.state is State.EXPIRED else ordinal, row.file

    return sorted(rows, key=order)


def expiring(rows: list[StatusRow], day: date, within: Window) -> list[StatusRow]:
    """Live entries that come down within `within` of `day` (on its last day at the latest)."""
    last = add_window(day, within)
    return [r for r in rows if r.state is State.LIVE and r.hidden_from is not None and (last is None or r.hidden_from <= last)]


def to_json(rows: list[StatusRow]) -> str:
    return json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False)


def short_date(value: date | None) -> str:
    return f"{value.day} {value:%b} {value.year}" if value else "-"


def table(rows: list[StatusRow], paint: Callable[[str, State], str] = lambda text, state: text) -> list[str]:
    """Aligned lines; `paint` may colour a row's state (the CLI colours it in a terminal)."""
    cells = [{
        "state": r.state_text, "published": short_date(r.published), "comes_down": short_date(r.hidden_from),
        "left": "-" if r.days_left is None else str(r.days_left), "type": r.type or "-",
        "title": r.title or "(no title)", "file": r.file,
    } for r in rows]
    widths = {key: max([len(label)] + [len(c[key]) for c in cells]) for key, label in LABELS.items()}

    def line(values: dict) -> str:
        parts = [values[k].rjust(widths[k]) if k == "left" else values[k].ljust(widths[k]) for k in LABELS]
        return "  ".join(parts).rstrip()

    lines = [line(LABELS)]
    for row, values in zip(rows, cells):
        text = line(values)
        lines.append(paint(text[:widths["state"]], row.state) + text[widths["state"]:])
    return lines


def counts_on_day(rows: list[StatusRow], day: date) -> str:
    """The line under the status table: the day, and how many entries are in each state on it."""
    counts = ", ".join(f"{sum(r.state is s for r in rows)} {s.value}" for s in ORDER)
    return f"On {uk_date(day)}: {counts}."

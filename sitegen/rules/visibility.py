"""When is a report live? The whole rule is in this module, and it is pure.

On day D (in the site's time zone), with `hidden_from` = `expires` if given,
else `published` + the type's window, and `goes_live` = the later of
`published` and `approved` (when the entry has an approval date):

- SCHEDULED when D < goes_live (before its published day, or before it is approved)
- LIVE      when goes_live <= D < hidden_from
- EXPIRED   when D >= hidden_from
- DRAFT     when the entry says `draft: true` (never built)
- WITHHELD  when the entry has any error (never built)

Adding a window to a date never shortens it: a year from 29 February ends on
1 March, and a month from 31 January ends on 1 March, so a report is always
shown for at least the whole window.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from sitegen.rules import bounds


class State(str, Enum):
    LIVE = "live"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    DRAFT = "draft"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Window:
    """How long a report stays up: years, months and days, or never ending."""

    years: int = 0
    months: int = 0
    days: int = 0
    never: bool = False

    def __str__(self) -> str:
        if self.never:
            return "never"
        parts = []
        for amount, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if amount:
                parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
        return ", ".join(parts) or "0 days"


NEVER = Window(never=True)
ONE_YEAR = Window(years=1)

# Each way of writing a unit ("30d", "6 weeks", "1 yr"): the unit it means.
_UNITS = {"y": "years", "yr": "years", "year": "years", "mo": "months", "month": "months",
          "w": "weeks", "wk": "weeks", "week": "weeks", "d": "days", "day": "days"}
_PART = re.compile(r"(\d+)\s*(years?|yrs?|y|months?|mos?|weeks?|wks?|w|days?|d)\b")


def parse_window(text: str, bare_number: str | None = None) -> Window:
    """'1 year', '18 months', '2 years 6 months', '90 days', '30d', '6 weeks', 'never'. Raises ValueError,
    also for a window longer than `bounds.LONGEST_WINDOW_YEARS` (write "never" for one that does not end).
    `bare_number`: the unit of a number written alone ("days": 30 is 30 days); by default a number
    alone is refused (in sitegen.yaml, `window: 1` could mean a day or a year)."""
    cleaned = str(text).strip().lower().replace(",", " ").replace(" and ", " ")
    if cleaned in ("never", "forever", "none"):
        return NEVER
    if bare_number is not None and cleaned.isdigit():
        cleaned = f"{cleaned} {bare_number}"
    if not cleaned or _PART.sub("", cleaned).strip():
        raise ValueError(text)
    amounts = {"years": 0, "months": 0, "weeks": 0, "days": 0}
    for number, unit in _PART.findall(cleaned):
        amounts[_UNITS[unit.rstrip("s")]] += int(number)
    window = Window(amounts["years"], amounts["months"], amounts["days"] + 7 * amounts["weeks"])
    if window == Window() or window.years + window.months / 12 + window.days / 366 > bounds.LONGEST_WINDOW_YEARS:
        raise ValueError(text)
    return window


def add_window(start: date, window: Window) -> date | None:
    """The first day after `window` has run from `start`; None if it never ends."""
    if window.never:
        return None
    month_index = start.month - 1 + window.months + 12 * window.years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day <= last_day:
        end = date(year, month, start.day)
    else:  # the day does not exist in that month: roll on to the 1st of the next
        end = date(year, month, last_day) + timedelta(days=1)
    return end + timedelta(days=window.days)


def hidden_from(published: date, window: Window, expires: date | None = None) -> date | None:
    """The first day an entry is no longer shown (None: shown for good)."""
    if expires is not None:
        return expires
    return add_window(published, window)


def goes_live(published: date, approved: date | None = None) -> date:
    """The first day an entry may be shown: its published day, or its approval day when that is
    later (a Domestic Homicide Review may not go up before the Home Office panel approves it).

    The window still counts from `published`, never from `approved`: a review published on 1 May
    and approved on 1 July comes down a year after 1 May, like any other. Approval only delays
    the start; it never lengthens how long the report stays up, so a late approval can never keep
    a report online past the day the partnership set."""
    return published if approved is None or approved <= published else approved


def window_state(day: date, published: date, hidden: date | None, approved: date | None = None) -> State:
    """The state of a sound, non-draft entry on `day` (scheduled until `goes_live`)."""
    if day < goes_live(published, approved):
        return State.SCHEDULED
    if hidden is None or day < hidden:
        return State.LIVE
    return State.EXPIRED


def decide(day: date, published: date | None, hidden: date | None, *, draft: bool, has_errors: bool,
           approved: date | None = None) -> State:
    """The state of any entry on `day`. Drafts and entries with errors never show; an entry with an
    approval date after `day` is scheduled (see `goes_live`)."""
    if draft:
        return State.DRAFT
    if has_errors or published is None:
        return State.WITHHELD
    return window_state(day, published, hidden, approved)


def last_day_shown(hidden: date | None) -> date | None:
    """The last day on the site ('on this site until ...')."""
    return None if hidden is None else hidden - timedelta(days=1)


def start_of_day(day: date, timezone: str) -> datetime:
    """The moment a site day begins: midnight in the site's time zone (GMT or BST in London)."""
    return datetime.combine(day, time(0, 0), ZoneInfo(timezone))


def as_of_day(when: str | datetime | date | None, timezone: str, now: datetime | None = None) -> date:
    """The site day for --as-of.

    An ISO date is that day. An ISO datetime with an offset is converted to the
    site's time zone first; one without an offset is read as site time. With no
    value, `now` (which the caller passes in, never read here) is used.
    Raises ValueError for text that is neither.
    """
    zone = ZoneInfo(timezone)
    if when is None:
        if now is None:
            raise ValueError("no date given")
        when = now
    if isinstance(when, str):
        text = when.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if isinstance(when, datetime):
        if when.tzinfo is None:
            return when.date()
        return when.astimezone(zone).date()
    if isinstance(when, date):
        return when
    raise ValueError(str(when))

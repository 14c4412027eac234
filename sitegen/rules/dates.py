"""How a date is written for readers: 14 March 2026, on pages, in messages and in reports alike.
Kept apart from the templates, so a command that tells a date does not load Jinja to do it."""

from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=4096)  # a site shows the same few hundred days on thousands of pages
def uk_date(value: date | None) -> str:
    """14 March 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B} {value.year}"

"""Bounds on what one entry may cost, so that no entry, however it is written, can stop the build.

An entry over any of them is withheld with a message naming its file and the limit, and the
build goes on. Each limit is far above what a real entry needs: an entry is a summary and an
introduction, and the report itself is a PDF in reports/. Without them, a few hundred bytes of
YAML aliases took all the memory (anchors and aliases are refused: see `sitegen.content.yamlfile`), a
20 MB title made the build run for minutes, and 100 KB of Markdown headings took as long.

The lengths of single fields (a title, a summary, a list of themes) are in the front matter's
schema (`sitegen.content.entries.front_matter_fields`), from the numbers here.
"""

from __future__ import annotations

import re

from sitegen.core.problems import Problem, error, warning

FRONT_MATTER = 20_000  # characters between the two --- lines
BODY = 100_000  # characters below the front matter (Markdown: a few costly patterns take 2 s per 100,000)
HEADINGS = 500  # Markdown headings below the front matter (giving each its own address costs their square)
FILE = 4 * (FRONT_MATTER + BODY)  # characters: a file longer than this cannot be within the limits, and is not read whole

TITLE = 300  # characters
SUMMARY = 3_000
SHORT_TEXT = 300  # a subject, a document's file or title
SLUG = 100  # the last part of an entry's address (a folder's name)
LIST_ITEM = 100  # one theme, or one related entry
LIST_ITEMS = 50  # themes, or related entries
DOCUMENTS = 50

# Dates a site may write (a published, expires or approved date; a date in sitegen.yaml). A date
# outside them is a slip (9999-06-01), and a year past 9999 cannot be worked out at all; a window
# (how long a report stays up) is at most LONGEST_WINDOW_YEARS, so no date plus a window can pass it.
FIRST_YEAR = 1900
LAST_YEAR = 2199
LONGEST_WINDOW_YEARS = 100

# GitHub refuses a file over 100 MB (a push with one fails, and the nightly build never sees it);
# a document in reports/ over this size is warned about while there is still time to make it smaller.
GITHUB_FILE_LIMIT = 100 * 1024 * 1024  # bytes
LARGE_DOCUMENT = 95 * 1024 * 1024  # bytes

_HEADING = re.compile(r"^ {0,3}(#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)

ADVICE = "Put long text in a PDF in reports/ and list it under `documents:`; keep the entry to a summary and a short introduction."


def file_too_large(source: str, size: int) -> Problem | None:
    """An entry's file too long to read whole (`size`: its bytes)."""
    if size <= FILE:
        return None
    return error(source, f"this file is {size / 1_000_000:,.1f} MB, more than an entry can hold (its front matter may be "
                 f"at most {FRONT_MATTER:,} characters, and the text below it at most {BODY:,}), so it was not read and "
                 "the entry is left out.", ADVICE)


def front_matter_too_long(source: str, text: str) -> Problem | None:
    if len(text) <= FRONT_MATTER:
        return None
    return error(source, f"the front matter is {len(text):,} characters long; sitegen accepts at most {FRONT_MATTER:,}, "
                 "so the entry is left out.", "Shorten it: the title, summary and other fields are short. " + ADVICE, line=1)


def body_too_long(source: str, body: str, line: int) -> Problem | None:
    """The text below the front matter, which starts at `line`."""
    if len(body) > BODY:
        return error(source, f"the text below the front matter is {len(body):,} characters long; sitegen accepts at most "
                     f"{BODY:,}, so the entry is left out.", ADVICE, line=line)
    headings = sum(1 for _ in _HEADING.finditer(body)) if body.count("#") + body.count("=") + body.count("-") > HEADINGS else 0
    if headings > HEADINGS:
        return error(source, f"the text below the front matter has {headings:,} headings; sitegen accepts at most "
                     f"{HEADINGS:,}, so the entry is left out.", "Use fewer headings (lines starting with #).", line=line)
    return None


def document_too_large(source: str, file: str, size: int, line: int | None, field: str = "documents.file") -> Problem | None:
    """A warning for a document in reports/ near or over GitHub's limit on one file (`size`: its bytes):
    the push that adds it would fail, or the next one will."""
    if size <= LARGE_DOCUMENT:
        return None
    over = "over" if size > GITHUB_FILE_LIMIT else "close to"
    return warning(source, f"documents: {file} is {size / (1024 * 1024):,.0f} MB, {over} the 100 MB GitHub accepts for one "
                   "file, so it may never reach the site.",
                   "Make it smaller and replace the file in reports/: in Adobe Acrobat, File > Reduce File Size; in Word, "
                   "export it again as PDF with \"Minimum size (publishing online)\".", line=line, field=field)

"""Problems are values: each names the file, the line, the field and what to do.

Nothing in the build raises for bad content. Steps return problems; the build
collects them into a report and carries on with everything that is sound.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum
from typing import Collection, Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # shown only in full (`--verbose`): nothing to do, but worth knowing when asked


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the site folder, with forward slashes
    line: int | None
    field: str | None
    message: str
    advice: str = ""
    severity: Severity = Severity.ERROR
    kind: str = ""  # what is wrong in a few words sitegen wrote, quoting nothing of the file ("it is missing")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_warning(self) -> "Problem":
        return Problem(self.file, self.line, self.field, self.message, self.advice, Severity.WARNING, self.kind)

    @property
    def where(self) -> str:
        """The file and line: content/sar/adult-a.md:4."""
        return self.file + (f":{self.line}" if self.line else "")

    def quoting_nothing(self, fields: Collection[str], advice: str) -> "Problem":
        """This problem as a public page may tell it: its file, line and kind, and nothing else.

        A message often quotes what the file holds (a date written wrongly, a mistyped field's
        name, a document's file name, a PDF's author), and an unprotected deploy preview is a public
        address: there, nothing of an entry that is not live may appear. So the message is made
        afresh from the severity and, when it is one of the `fields` sitegen declares (never a name
        the file made up), the field's name; `advice` (written by sitegen, quoting nothing) says where
        the full message is. Its `kind`, when the code that found it gave one, says what is wrong
        in sitegen's own words. The one place this form is made: `sitegen.rendering.preview_problems`
        shows every problem of such a preview through it (tested over hostile values)."""
        name = (self.field or "").split(".")[0]
        what = "An error" if self.is_error else "A warning"
        message = f"{what} in the `{name}` field" if name in fields else f"{what} in this file"
        message += f": {self.kind}." if self.kind else "."
        return Problem(self.file, self.line, name if name in fields else None, message, advice, self.severity, self.kind)

    def format(self, label: str | None = None, after: str | None = None) -> str:
        """The one way a problem is written: `content/x.md:4: error: message advice`.
        `label` stands in for the severity's word (coloured on a terminal); `after` for the advice
        (a short report points to advice shared by many warnings with a note's number: [1])."""
        text = f"{shown(self.where)}: {label or self.severity.value}: {shown(self.message)}"
        after = shown(self.advice) if after is None else after
        return f"{text} {after}" if after else text


def shown(text: str) -> str:
    """`text` (a message, or a value quoted in one) with each control character but a line break (a NUL,
    an escape that would recolour a terminal) shown as ?, so that what a file holds never changes how a
    message looks."""
    return text if text.isprintable() else "".join(c if c.isprintable() or c == "\n" else "?" for c in text)



def error(file: str, message: str, advice: str = "", *, line: int | None = None, field: str | None = None,
          kind: str = "") -> Problem:
    return Problem(file, line, field, message, advice, Severity.ERROR, kind)


def warning(file: str, message: str, advice: str = "", *, line: int | None = None, field: str | None = None,
            kind: str = "") -> Problem:
    return Problem(file, line, field, message, advice, Severity.WARNING, kind)


def note(file: str, message: str, advice: str = "") -> Problem:
    return Problem(file, None, None, message, advice, Severity.NOTE)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean sar?' or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"Did you mean {close[0]}?" if close else ""

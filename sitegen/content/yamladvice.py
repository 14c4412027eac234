"""What went wrong in YAML that cannot be read, said so that a person can find and fix it.

PyYAML says where it gave up, in its own words ("found character that cannot start any
token"). The usual causes are few, and each can be told from the text itself: a tab, a second
colon in a value, a line that is not `name: value`, a quote that is never closed, text after a
closing quote, quotes inside a value in the same quotes, a value that starts with a character YAML
keeps for itself. `explain` names the
cause and the line it is on, and says what to write instead; anything else keeps PyYAML's words.
Used for front matter (`sitegen.content.entries`) and for sitegen.yaml (`sitegen.content.config`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.content.yamlfile import YamlError

_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([\w .-]+?)\s*:\s+(.*)$")
_RESERVED_START = "@`%|>"


@dataclass(frozen=True)
class Explained:
    message: str  # what is wrong, naming the line
    advice: str  # what to write instead
    line: int | None  # the file's line


def explain(text: str, exc: YamlError, first_line: int, what: str) -> Explained:
    """Why the YAML `text` (starting on the file's line `first_line`) could not be read.
    `what`: how to call it in the message ("the front matter", "the settings")."""
    lines = text.splitlines()

    def file_line(index: int) -> int:
        return first_line + index

    at = None if exc.line is None else exc.line - first_line  # index in `lines` of PyYAML's line
    found = (_tab(lines, at) or _second_colon(lines, at, exc.message) or _unclosed_quote(lines, at, exc.message)
             or _inner_quotes(lines, at, exc.message) or _text_after_quote(lines, at, exc.message) or _reserved_start(lines, at, exc.message)
             or _not_name_value(lines, at, exc.message) or _open_list(lines, at, exc.message))
    if found is None:
        return Explained(f"{what} cannot be read (YAML says: {exc.message}).",
                         "Check this line and the one before it: each line is `name: value`, and text containing "
                         "a colon goes in quotes.", exc.line)
    index, message, advice = found
    return Explained(f"{what} cannot be read: line {file_line(index)} {message}", advice, file_line(index))


def _shown(line: str) -> str:
    text = line.strip().replace("\t", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _quoted(value: str) -> str:
    """`value` as a YAML quoted string: double quotes, or single ones if it has double quotes."""
    value = value.strip()
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _near(lines: list[str], at: int | None) -> list[int]:
    """PyYAML's line, the one before it, then every other line: where to look first."""
    first = [i for i in (at, None if at is None else at - 1) if i is not None and 0 <= i < len(lines)]
    return first + [i for i in range(len(lines)) if i not in first]


def _tab(lines, at):
    """A tab: YAML allows none in indentation, and an editor shows it as spaces."""
    for index in _near(lines, at):
        line = lines[index]
        if "\t" in line:
            after = line.split("\t", 1)[1].strip() or line.strip()
            where = f"before `{_shown(after)}`" if after else "in it"
            return (index, f"has a tab character {where}, which YAML does not allow here (a tab looks like spaces in "
                           "most editors, so it is hard to see).",
                    "Delete the gap and type spaces instead (most editors can also turn tabs into spaces for you).")
    return None


def _second_colon(lines, at, problem):
    if "mapping values are not allowed" not in problem or at is None or not 0 <= at < len(lines):
        return None
    line = lines[at]
    before = next((lines[i] for i in range(at - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), "")
    indent = len(line) - len(line.lstrip())
    if indent and before and indent > len(before) - len(before.lstrip()) and not before.rstrip().endswith(":"):
        return (at, f"starts with spaces (`{_shown(line)}`), as if it belonged to the line before.",
                "Remove the spaces at the start of the line, so that it lines up with the line before.")
    match = _KEY_VALUE.match(line)
    if match and ":" in match.group(3):
        lead, key, value = match.groups()
        return (at, f"has a second colon, in `{_shown(line)}`, so YAML cannot tell where the value starts.",
                f"Put the value in quotes: {lead.strip()}{' ' if lead.strip() else ''}{key}: {_quoted(value)}")
    return None


def _unclosed_quote(lines, at, problem):
    if "end of stream" not in problem and "quoted scalar" not in problem:
        return None
    for index, line in enumerate(lines):
        match = _KEY_VALUE.match(line)
        value = match.group(3).strip() if match else line.strip()
        if value[:1] in "\"'" and (len(value) == 1 or not value.rstrip().endswith(value[0])):
            return (index, f"opens a quote ({value[0]}) that is never closed.",
                    f"Add the closing {value[0]} at the end of the value, on the same line.")
    return None


def _inner_quotes(lines, at, problem):
    """A quoted value with the same quotes inside it (summary: "she said "help me" often"): YAML ends
    the value at the second quote, and then finds more text. Advice about colons would not fit."""
    if "did not find expected key" not in problem and "expected <block end>" not in problem:
        return None
    for index in _near(lines, at)[:2]:
        match = _KEY_VALUE.match(lines[index])
        value = match.group(3).strip() if match else ""
        mark = value[:1]
        if mark not in ("\"", "'") or len(value) < 2 or not value.endswith(mark):
            continue
        inside = value[1:-1].replace("''", "") if mark == "'" else value[1:-1].replace('\\"', "")
        if mark not in inside:
            continue
        lead, key, _ = match.groups()
        name = f"{lead.strip()}{' ' if lead.strip() else ''}{key}"
        if mark == '"':
            advice = (f"Put single quotes around the value instead ({name}: '{value[1:-1]}'), or write the quotes "
                      "inside it as ‘ ’ or “ ”.")
            if "'" in value[1:-1]:
                advice = "Write the quotes inside the value as ‘ ’ or “ ”, and keep the double quotes around it."
        else:
            advice = ("Write each ' inside the value as two, '' (or as ’), or put double quotes around the value "
                      "instead.")
        return (index, f"has a value in quotes with the same quotes ({mark}) inside it, in `{_shown(lines[index])}`, "
                       "so YAML takes the value to end at the second one.", advice)
    return None


def _text_after_quote(lines, at, problem):
    if "did not find expected key" not in problem and "expected <block end>" not in problem:
        return None
    for index in _near(lines, at)[:2]:
        match = _KEY_VALUE.match(lines[index])
        value = match.group(3).strip() if match else ""
        if value[:1] in "\"'" and not value.endswith(value[0]):
            lead, key, _ = match.groups()
            return (index, f"has more text after the closing quote, in `{_shown(lines[index])}`.",
                    f"Put the whole value in quotes: {lead.strip()}{' ' if lead.strip() else ''}{key}: {_quoted(value)}")
    return None


def _reserved_start(lines, at, problem):
    if "cannot start any token" not in problem or at is None or not 0 <= at < len(lines):
        return None
    match = _KEY_VALUE.match(lines[at])
    if match and match.group(3)[:1] in _RESERVED_START:
        lead, key, value = match.groups()
        return (at, f"has a value that starts with {value[0]}, which YAML keeps for itself.",
                f"Put the value in quotes: {lead.strip()}{' ' if lead.strip() else ''}{key}: {_quoted(value)}")
    return None


def _not_name_value(lines, at, problem):
    if "could not find expected ':'" not in problem or at is None:
        return None
    for index in range(min(at, len(lines) - 1), -1, -1):
        line = lines[index]
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "-")) and ":" not in stripped:
            return (index, f"is not a `name: value` line: `{_shown(line)}`.",
                    "Write it as `name: value`. If it goes on from the line before, join the two lines; if it is "
                    "the text of the page, put the closing `---` line before it.")
    return None


def _open_list(lines, at, problem):
    if "expected ',' or ']'" not in problem:
        return None
    for index in _near(lines, at):
        if "[" in lines[index] and "]" not in lines[index]:
            return (index, "opens a list with [ that is not closed on the same line.",
                    "End the list with ] on the same line, for example themes: [self-neglect, hoarding].")
    return None

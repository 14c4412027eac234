"""A small declarative schema for sitegen.yaml and for front matter.

Each setting is a `Field` with a `Kind` that turns the YAML value into a
Python value or explains, in plain English, what to write instead. As in
MkDocs' typed config options, the schema is data: the same description drives
validation, defaults and did-you-mean suggestions for misspelt keys.

A setting is declared once, where its value lives: a field of a frozen dataclass whose metadata
is `setting(kind, help)` (see `SiteConfig`, `Contact`); `declared_fields` reads them back as
`Field`s, with the dataclass's default. A section of settings (`contact:`) is a `Section` of its
own fields, and a list of named sections (`types:`) is `Sections`; `validate` checks both with
the file's lines, as it checks the top level.
"""

from __future__ import annotations

import difflib
import re
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlparse

from sitegen.rules import bounds
from sitegen.rules.addresses import is_slug, slugify
from sitegen.core.problems import Problem, did_you_mean, error, warning
from sitegen.content.yamlfile import YamlDocument


# Advice that the browser editor's form gives too, in the same words (`sitegen.output.admin`).
DATE_ADVICE = "Write a date as year-month-day, for example 2026-11-22."
SLUG_ADVICE = "Use lower-case letters, digits and hyphens, for example {example}."
URL_ADVICE = "Write the full address, starting with https://"


class Invalid(Exception):
    """Raised by a Kind when a value cannot be used; caught by `validate`."""

    def __init__(self, message: str, advice: str = ""):
        super().__init__(message)
        self.message = message
        self.advice = advice


def show(value: Any) -> str:
    """A value as the author wrote it, for messages."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    return str(value)


class Kind:
    description = "a value"

    def parse(self, value: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


class Text(Kind):
    description = "some text"

    def __init__(self, allow_empty: bool = False, longest: int | None = None):
        self.allow_empty = allow_empty
        self.longest = longest  # characters

    def parse(self, value):
        if isinstance(value, bool) or isinstance(value, (dict, list)) or value is None:
            raise Invalid(f"should be text, not {show(value)}.", "Write the text after the colon, in quotes if it contains a colon.")
        text = str(value).strip()
        if not text and not self.allow_empty:
            raise Invalid("is empty.", "Write some text after the colon, or remove the line.")
        if self.longest is not None and len(text) > self.longest:
            raise Invalid(f"is {len(text):,} characters long; sitegen accepts at most {self.longest:,}.", "Shorten it.")
        return text


class Flag(Kind):
    description = "true or false"

    def parse(self, value):
        if isinstance(value, bool):
            return value
        raise Invalid(f"should be true or false, not {show(value)}.", "Write true or false.")


_UK_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_LOOSE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]


def _guess_date(text: str) -> date | None:
    """The date a person probably meant by a non-ISO string, for advice only."""
    for pattern, order in ((_UK_DATE, (3, 2, 1)), (_LOOSE_ISO, (1, 2, 3))):
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(order[0])), int(m.group(order[1])), int(m.group(order[2])))
            except ValueError:
                return None
    words = re.findall(r"[A-Za-z]+|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    months = [i + 1 for i, name in enumerate(_MONTHS) for w in words if len(w) >= 3 and name.startswith(w.lower())]
    if len(numbers) == 2 and len(months) == 1:
        day, year = sorted(numbers)
        try:
            return date(year, months[0], day)
        except ValueError:
            return None
    return None


def parse_iso_date(value: Any) -> date:
    """A date written as YYYY-MM-DD between the years `bounds.FIRST_YEAR` and `bounds.LAST_YEAR`, or
    Invalid with a suggestion."""
    day = _parse_iso_date(value)
    if not bounds.FIRST_YEAR <= day.year <= bounds.LAST_YEAR:
        raise Invalid(f"{day.isoformat()} is not a date sitegen can use: it accepts the years "
                      f"{bounds.FIRST_YEAR} to {bounds.LAST_YEAR}.", "Check the year, and write the real date, for example 2026-11-22.")
    return day


def _parse_iso_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise Invalid(f"{value} has a time; only the day is needed.", f"Write {value.date().isoformat()}.")
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise Invalid("is empty.", DATE_ADVICE)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{text} is not a real date.", "Check the day and month, and write it as year-month-day, for example 2026-11-22.") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):
        raise Invalid(f"{text} has a time; only the day is needed.", f"Write {text[:10]}.")
    guess = _guess_date(text)
    if guess:
        return_advice = f"write {guess.isoformat()} (year-month-day)."
    else:
        return_advice = "write it as year-month-day, for example 2026-11-22."
    raise Invalid(f"{text} is not a date;", return_advice)


class Date(Kind):
    description = "a date (year-month-day)"

    def parse(self, value):
        return parse_iso_date(value)


class TextList(Kind):
    description = "a list of words or phrases"

    def __init__(self, most: int | None = None, longest: int | None = None):
        self.most = most  # items
        self.longest = longest  # characters of one item

    def parse(self, value):
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if not isinstance(value, list):
            raise Invalid(f"should be a list, not {show(value)}.", "Write a list in square brackets, for example [self-neglect, hoarding].")
        if self.most is not None and len(value) > self.most:
            raise Invalid(f"has {len(value):,} items; sitegen accepts at most {self.most:,}.", "Keep the ones that matter most.")
        items = []
        for item in value:
            if isinstance(item, (dict, list, bool)) or item is None:
                raise Invalid(f"has an item that is not text: {show(item)}.", "Write each item as plain words, for example [self-neglect, hoarding].")
            text = str(item).strip()
            if self.longest is not None and len(text) > self.longest:
                raise Invalid(f"has an item {len(text):,} characters long; sitegen accepts at most {self.longest:,}.",
                              "Shorten it to a few words.")
            if text and text not in items:
                items.append(text)
        return tuple(items)


class Url(Kind):
    description = "a web address starting with https://"

    def __init__(self, allow_mailto: bool = False):
        self.allow_mailto = allow_mailto

    def parse(self, value):
        text = Text().parse(value)
        parts = urlparse(text)
        if parts.scheme in ("http", "https") and parts.netloc and " " not in text:
            return text
        if self.allow_mailto and parts.scheme == "mailto":
            return text
        raise Invalid(f"{show(text)} is not a web address.", URL_ADVICE)


class Choice(Kind):
    """One of a few words. `ignore_case`: SAR is sar. `what` names the kind of word in the message
    ("a review type this site knows"; by default the choices are listed), and `advice` says what to
    write when no choice is close to what was written."""

    def __init__(self, *choices: str, ignore_case: bool = False, what: str | None = None,
                 advice: str | None = None, description: str | None = None):
        self.choices = choices
        self.ignore_case = ignore_case
        self.description = description or " or ".join(choices)
        self.what = what or f"one of {', '.join(choices)}"
        self.advice = advice or f"Write {self.description}."

    def parse(self, value):
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is not None and self.ignore_case:
            text = text.lower()
        if text in self.choices:
            return text
        hint = did_you_mean(str(value) if text is None else text, self.choices)
        raise Invalid(f"{show(value)} is not {self.what}.", hint or self.advice)


class Slug(Kind):
    """The last part of a web address (adult-a): the rule is `addresses.is_slug`."""

    description = "a short address such as adult-a"

    def __init__(self, longest: int | None = None):
        self.longest = longest  # characters

    def parse(self, value):
        text = Text(longest=self.longest).parse(value)
        if not is_slug(text):
            raise Invalid(f"{show(text)} cannot be used in a web address.",
                          SLUG_ADVICE.format(example=slugify(text)))
        return text


class Custom(Kind):
    """A kind defined by a function that raises Invalid."""

    def __init__(self, func: Callable[[Any], Any], description: str):
        self.func = func
        self.description = description

    def parse(self, value):
        return self.func(value)


class Section(Kind):
    """A mapping with settings of its own (`contact:`, `accessibility:`). `validate` checks its
    fields itself (it knows the file and its lines), then `make` turns their values into the
    setting's value."""

    def __init__(self, fields: Sequence["Field"], *, what: str, description: str, make: Callable[[dict[str, Any]], Any]):
        self.fields = tuple(fields)
        self.what = what  # "contact section": named in the message when it is not a mapping
        self.description = description
        self.make = make

    def parse(self, value):  # pragma: no cover - `validate` checks a section with its lines
        raise NotImplementedError


class Sections(Kind):
    """Named sections of the same fields (`types:`, `national_libraries:`). `validate` checks that
    they are a mapping (`listing` is the message when not) and gives the mapping as written; the
    caller checks each section against `fields` and lays it over the setting's default."""

    def __init__(self, fields: Sequence["Field"], *, what: str, description: str, listing: str, advice: str):
        self.fields = tuple(fields)
        self.what = what  # "review type": one section
        self.description = description
        self.listing = listing  # "should list review types by their short name, such as sar."
        self.advice = advice

    def parse(self, value):  # pragma: no cover - `validate` checks the mapping with its lines
        raise NotImplementedError


@dataclass(frozen=True)
class Field:
    """One setting or front matter field: its name, the kind that checks it, whether it must be
    given, its value when it is not, and what it is for in plain English (what the web editor's
    form shows beside it)."""

    name: str
    kind: Kind
    required: bool = False
    default: Any = None
    help: str = ""


SETTING = "sitegen.setting"  # the key of a dataclass field's metadata that makes it a setting


def setting(kind: Kind, help: str, *, required: bool = False, name: str | None = None) -> dict[str, Any]:
    """Metadata that declares a dataclass field a setting: `field(default=..., metadata=setting(...))`.
    `name`: the key written in the YAML file when it is not the attribute's name."""
    return {SETTING: (kind, help, required, name)}


def declared_fields(cls: type) -> list[Field]:
    """The settings a dataclass declares (`setting`), in its order, each with the dataclass's
    default (a required one has none): the one place they are written."""
    found = []
    for attribute in dataclasses.fields(cls):
        if SETTING not in attribute.metadata:
            continue
        kind, help, required, name = attribute.metadata[SETTING]
        if required:
            default = None
        elif attribute.default is not dataclasses.MISSING:
            default = attribute.default
        elif attribute.default_factory is not dataclasses.MISSING:
            default = attribute.default_factory()
        else:
            default = None  # the dataclass has no default: the setting is needed
        found.append(Field(name or attribute.name, kind, required=required, default=default, help=help))
    return found


def attribute_of(cls: type, name: str) -> str:
    """The attribute of `cls` that holds the setting written as `name` (national_libraries: libraries)."""
    for attribute in dataclasses.fields(cls):
        if SETTING in attribute.metadata and (attribute.metadata[SETTING][3] or attribute.name) == name:
            return attribute.name
    raise KeyError(name)


@dataclass
class Validated:
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # fields that were present but unusable, or required and missing


def is_empty(value: Any) -> bool:
    """Whether a value says nothing: `key:` alone, "", blanks, [] or {}."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple, dict)) and not value


def missing_field(file: str, name: str, *, empty: bool, why: str, advice: str, line: int | None = None,
                  misspelt: tuple[str, int | None] | None = None) -> Problem:
    """The one message for a required field that is missing or empty, wherever it is required:
    it is an error (what has it is withheld), and says what to write. `misspelt`: a key written
    instead that is close to `name` (such as `publised`), with its line: said in the same message."""
    message = f"`{name}` is {'empty' if empty else 'missing'}: {why}."
    if misspelt is not None:
        key, line = misspelt
        own = name.rpartition(".")[2]  # documents.0.file -> file
        message += f" {f'Line {line}' if line else 'It'} has `{key}`: did you mean {own}?"
        advice = f"Correct the spelling to `{own}`."
    return error(file, message, advice, line=line, field=name, kind="it is empty" if empty else "it is missing")


def slip_distance(a: str, b: str) -> int:
    """How many slips of the keyboard turn `a` into `b`: letters left out, added, changed, or two
    side by side swapped (documnets -> documents is one)."""
    a, b = a.lower(), b.lower()
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        now = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            now[j] = min(row[j] + 1, now[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                now[j] = min(now[j], before[j - 2] + 1)
        before, row = row, now
    return row[-1]


def one_slip_from(key: str, names: Iterable[str]) -> str | None:
    """The known name `key` is a slip away from (one slip for names of five letters or fewer, up
    to two for longer ones), or None. Such a key is a known field mistyped: what the officer wrote
    there (documents, expires, draft...) would otherwise be dropped without a word that counts."""
    best = None
    for name in names:
        limit = 1 if min(len(name), len(key)) <= 5 else 2
        distance = slip_distance(key, name)
        if 0 < distance <= limit and (best is None or distance < best[0]):
            best = (distance, name)
    return best[1] if best else None


def validate(
    data: Any,
    fields: Sequence[Field],
    *,
    file: str,
    doc: YamlDocument | None,
    path: tuple = (),
    what: str = "front matter",
    required_advice: Callable[[Field], str] | None = None,
    required: Sequence[str] = (),
    why_required: Callable[[Field], str] | None = None,
    slips_are_errors: bool = False,
) -> Validated:
    """Check a YAML mapping against `fields`; never raises for bad content.

    A field is required when it says so or is named in `required` (such as `published`, which a
    review needs and a page does not). A required field that is missing, or there but empty, gets
    the one message of `missing_field`; a key close to it that is not a field is named in that
    message instead of in a warning of its own. With `slips_are_errors` (front matter), an unknown
    key one slip from a field (`documnets`, `expirs`) is an error, not a warning: it is that field
    mistyped, and publishing without it (a review with no report, no end date) would be wrong."""
    result = Validated(values={f.name: f.default for f in fields})
    line_of = (lambda *p: doc.line_of(*p)) if doc else (lambda *p: None)
    dotted = lambda name: ".".join(str(p) for p in path + (name,))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        result.problems.append(error(file, f"the {what} should be a list of `name: value` lines, not {show(data)}.", line=line_of(*path),
                                     field=".".join(map(str, path)) or None))
        result.invalid.update(f.name for f in fields)
        return result
    known = {f.name: f for f in fields}
    sections: list[tuple[Field, Section, Any]] = []  # `Section`s given: checked after the fields
    needed = {f.name for f in fields if f.required} | set(required)
    unknown = [str(key) for key in data if str(key) not in known]
    misspelt: dict[str, str] = {}  # a required field that is missing: the unknown key close to it
    for f in fields:
        if f.name in needed and f.name not in data:
            close = difflib.get_close_matches(f.name, [k for k in unknown if k not in misspelt.values()], n=1, cutoff=0.75)
            if close:
                misspelt[f.name] = close[0]
    for key in unknown:
        if key in misspelt.values():
            continue
        slip = one_slip_from(key, known) if slips_are_errors else None
        if slip is not None:
            result.problems.append(error(
                file, f"`{dotted(key)}` is not a setting sitegen knows: it looks like `{slip}` mistyped, so the entry is "
                      "not published.", f"Correct the spelling to `{slip}`, or remove the line.",
                line=line_of(*path, key), field=dotted(key), kind="a setting sitegen does not know, mistyped"))
            continue
        hint = did_you_mean(key, known)
        result.problems.append(warning(
            file, f"`{dotted(key)}` is not a setting sitegen knows, so it is ignored.",
            hint or f"Known settings here: {', '.join(known)}.",
            line=line_of(*path, key), field=dotted(key), kind="a setting sitegen does not know"))
    for f in fields:
        raw = data.get(f.name)
        if f.name in needed and is_empty(raw):
            typo = misspelt.get(f.name)
            advice = required_advice(f) if required_advice else f"Write `{f.name}:` and {f.kind.description} after it."
            why = why_required(f) if why_required else f"the {what} needs it"
            result.problems.append(missing_field(
                file, dotted(f.name), empty=f.name in data, why=why, advice=advice,
                line=line_of(*path, typo) if typo else line_of(*path, f.name) if f.name in data else line_of(*path) if path else None,
                misspelt=(typo, line_of(*path, typo)) if typo else None))
            result.invalid.add(f.name)
            continue
        if isinstance(f.kind, Sections):
            result.values[f.name] = _named_sections(f, f.kind, raw, path, file, line_of, result)
            continue
        if raw is None:
            continue  # absent, or `key:` with nothing after it: "not given"
        if isinstance(f.kind, Section):
            sections.append((f, f.kind, raw))
            continue
        try:
            result.values[f.name] = f.kind.parse(raw)
        except Invalid as bad:
            result.invalid.add(f.name)
            result.problems.append(error(file, f"{dotted(f.name)}: {bad.message}", bad.advice, line=line_of(*path, f.name),
                                         field=dotted(f.name), kind=f"it should be {f.kind.description}"))
    for f, section, raw in sections:  # after the fields above, so that their problems come first
        sub = validate(raw, section.fields, file=file, doc=doc, path=path + (f.name,), what=section.what)
        result.problems += sub.problems
        result.values[f.name] = section.make(sub.values)
    return result


def _named_sections(f: Field, kind: Sections, raw: Any, path: tuple, file: str, line_of: Callable[..., int | None],
                    result: Validated) -> dict:
    """The named sections written under `f` (of `kind`, its kind; none when it is absent), or none
    and an error when they are not a mapping; the caller checks each one against `kind.fields`."""
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return raw
    name = ".".join(str(p) for p in path + (f.name,))
    result.problems.append(error(file, f"{name} {kind.listing}", kind.advice, line=line_of(*path, f.name)))
    return {}

"""`sitegen new`: a content file for a report already in reports/, pre-filled.

It offers the title and address a person would choose: the type and whom the
review is about, read from the file name, which the officer chose and which names the
review by its pseudonym (sar-mr-k-overview.pdf: "Safeguarding Adults Review: Mr K"
at /sar/mr-k/), and lists the document by what it is ("Overview report"). A PDF's
own Title property is never used: it was set by whoever wrote the report, and often
holds a real name or a draft's file name ("Microsoft Word - SAR Jane Smith DRAFT v3
JB comments.docx"); `sitegen new` only shows it in a warning, to be checked. What
only a person can write (the summary, and any field the type requires, such as a
DHR's `approved` date) is left as a placeholder with a note saying what to write:
an empty summary is an error, so the entry stays off the site until it is written.
An existing file is never overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Sequence

from sitegen.content.config import ReviewType, SiteConfig
from sitegen.documents.inspection import DocumentInfo
from sitegen.documents.record import sha256_of
from sitegen.rules.addresses import entry_address, is_slug, slugify
from sitegen.content.entries import Entry, entry_folder, listed_documents, relative, resolve_report, similar_file_advice, similar_report
from sitegen.core.problems import Problem, did_you_mean, error, warning
from sitegen.rules.dates import uk_date
from sitegen.rules.visibility import hidden_from, last_day_shown

# Types whose short names are abbreviations, written in capitals in titles made from file names.
_ABBREVIATIONS = {"sar", "cspr", "scr", "dhr", "dardr", "lcsr", "mash", "sab", "lscp"}


@dataclass(frozen=True)
class NewEntry:
    """The content file `sitegen new` will write."""

    config: SiteConfig
    rtype: ReviewType
    report: str  # as written in front matter: reports/sar-adult-a.pdf
    document_title: str
    title: str
    published: date
    slug: str
    word: str | None = None  # the report's Word original beside it in reports/, published as a web page too

    @property
    def path(self) -> Path:
        return self.config.root / entry_folder(self.rtype.key) / f"{self.slug}.md"

    @property
    def source(self) -> str:
        return relative(self.path, self.config.root)

    @property
    def url(self) -> str:
        return entry_address(self.rtype.key, self.slug, is_page=False)

    @property
    def hidden_from(self) -> date | None:
        return hidden_from(self.published, self.rtype.window)

    def text(self) -> str:
        lines = [
            "---",
            "# Lines starting with # are notes for you: they are never published.",
            f"title: {_quoted(self.title)}",
            f"type: {self.rtype.key}",
            "# The day it goes on the site (year-month-day).",
            f"published: {self.published.isoformat()}",
        ]
        lines += [
            "# One paragraph in plain English, between the quotes: who the review is about",
            "# (by pseudonym only), what happened and the main learning. Listings, the feed",
            "# and search results show it. The entry stays off the site until you write it.",
            'summary: ""',
        ]
        for name in self.rtype.requires:
            lines += _required_placeholder(name, self.rtype)
        lines += [
            "# Optional: themes in square brackets, separated by commas, for example",
            "# [self-neglect, hoarding]. Each theme gets a page listing its reviews.",
            "themes: []",
            "documents:",
            f"  - file: {self.report}",
            f"    title: {_quoted(self.document_title)}",
            *([f"    html: {self.word}  # its Word original, published as a web page too"] if self.word else []),
            "---",
            "",
        ]
        return "\n".join(lines)

    def still_to_fill_in(self) -> list[str]:
        todo = ["summary: one plain-English paragraph (the entry stays off the site until it is written)"]
        for name in self.rtype.requires:
            if name == "approved":
                todo.append("approved: the date the Home Office quality assurance panel approved it (needed before it can go on the site)")
            else:
                todo.append(f"{name}: needed before a {self.rtype.singular} can go on the site")
        todo.append("themes (optional)")
        todo.append("an introduction below the last --- line, in plain text (optional)")
        return todo

    def window_sentence(self, today: date) -> str:
        """When the entry will be on the site, as a comms officer would say it."""
        hidden = self.hidden_from
        if hidden is None:
            return f"It will be on the site from {uk_date(self.published)}, with no end date."
        if hidden <= today:
            return (f"With this published date it came down on {uk_date(hidden)}, so it will not be on the site. "
                    "Check the published date.")
        return f"It will be on the site from {uk_date(self.published)} until {uk_date(last_day_shown(hidden))}."


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _required_placeholder(name: str, rtype: ReviewType) -> list[str]:
    if name == "approved":
        return ["# The date the Home Office quality assurance panel approved this review,",
                "# for example 2026-04-01. It stays off the site until this is filled in.",
                "approved:"]
    return [f"# This site needs `{name}` before a {rtype.singular} can go on the site (see sitegen.yaml).",
            f"{name}:"]


def review_type(config: SiteConfig, key: str) -> ReviewType | Problem:
    if key.lower() in config.types:  # types are case-insensitive, as in front matter
        return config.types[key.lower()]
    hint = did_you_mean(key, config.types)
    return error("sitegen new", f'"{key}" is not a review type this site knows.',
                 hint or f"Write one of: {', '.join(config.types)}.")


def find_report(config: SiteConfig, given: str, entries: Sequence[Entry] = ()) -> str | Problem:
    """`reports/x.pdf` for a file given as reports/x.pdf, x.pdf or a full path into reports/.
    For a file that is not there, a similar name is offered only when none of `entries` lists it
    (it would be another review's report)."""
    reports = config.reports_dir
    path = Path(given)
    if path.is_absolute():
        try:
            given = path.resolve().relative_to(reports.resolve()).as_posix()
        except (ValueError, OSError):
            return error(given, "is not in the site's reports/ folder.",
                         f"Copy it into {reports.resolve()} first, then run this again with its name.")
    parts = PurePosixPath(given.replace("\\", "/")).parts
    if parts[:1] == ("reports",):
        parts = parts[1:]
    file = "/".join(("reports", *parts))
    if not parts or ".." in parts or not (reports / Path(*parts)).exists():
        close = similar_report(config, file, listed_documents(list(entries)))
        return error(file, f"there is no such file in the reports/ folder ({reports.resolve()}).",
                     "Copy the PDF into the reports/ folder first, then run this again."
                     + (f" {similar_file_advice(close)}" if close else ""))
    problems: list[Problem] = []
    if resolve_report(file, config, file, None, problems) is None:
        return error(file, problems[0].message.removeprefix(f"documents: {file} "), problems[0].advice)
    return file


@dataclass(frozen=True)
class Suggestion:
    """What `sitegen new` offers, before anyone changes it: as a person would write them."""

    title: str  # Safeguarding Adults Review: Mr K
    slug: str  # mr-k
    document_title: str  # Overview report (else the PDF's own title, else the entry's title)


# What a report's file name or title says about the document rather than whom the review is about:
# (words, the document's title when they are found, or "" for words that are only left out).
_DOCUMENT_WORDS = [
    ("overview report", "Overview report"), ("executive summary", "Executive summary"), ("action plan", "Action plan"),
    ("learning brief", "Learning brief"), ("learning briefing", "Learning briefing"),
    ("7 minute briefing", "7-minute briefing"), ("seven minute briefing", "7-minute briefing"),
    ("briefing", "Briefing"), ("overview", "Overview report"), ("summary", "Summary"), ("report", "Report"),
    ("final", ""), ("draft", ""), ("published", ""), ("redacted", ""), ("anonymised", ""), ("anonymized", ""), ("version", ""),
    ("web", ""), ("accessible", ""), ("full", ""), ("docx", ""), ("doc", ""), ("pdf", ""),
]
_EDGE_WORDS = {"and", "of", "the", "for", "on", "into", "in", "to", "a"}
_TITLES = {"mr": "Mr", "mrs": "Mrs", "ms": "Ms", "miss": "Miss", "mx": "Mx", "dr": "Dr"}


def suggest(report: str, info: DocumentInfo, rtype: ReviewType) -> Suggestion:
    """The title, address and document title `sitegen new` offers, from the file name only
    (sar-mr-k-overview.pdf): the words that name the type and the document are taken out, leaving
    whom the review is about (Mr K): the title is then "<type>: Mr K" and the address /sar/mr-k/;
    when nothing is left, the file name made readable is used. `info` (what sitegen read of the
    PDF) is not used for any of them: a PDF's Title property may name the person (see
    `own_title_warning`)."""
    from_file = _about(PurePosixPath(report).stem, rtype)
    title = f"{rtype.singular}: {from_file.subject}" if from_file.subject else title_from_file_name(report)
    subject = from_file.subject
    document = from_file.document or title
    return Suggestion(title, slugify(subject) if subject else default_slug(report), document)


def own_title_warning(report: str, info: DocumentInfo) -> Problem | None:
    """A warning showing a PDF's own Title property, which `sitegen new` never uses: it often names
    the person the review is about, or is a draft's file name with reviewers' initials, and the
    published copy's metadata should be checked too."""
    own = (info.title or "").strip()
    if not own:
        return None
    return warning(report, f"the PDF's own Title property is \"{own}\"; it is not used for the entry's title or "
                           "address: check it names no one.",
                   "If it names a person or is a draft's name, change it before publishing (in Word: File > Info > "
                   "Properties > Title; in Adobe Acrobat: File > Properties > Description), and export the PDF again.")


@dataclass(frozen=True)
class _Reading:
    subject: str  # whom the review is about, as a person would write it: "Mr K"
    document: str  # what the document is: "Overview report" (or "")
    named_type: bool  # the text names the review's type (SAR, or Safeguarding Adults Review)


def _about(text: str, rtype: ReviewType) -> _Reading:
    words = re.findall(r"[A-Za-z0-9']+", text)
    lower = [w.lower() for w in words]
    keep = [True] * len(words)

    def take(phrase: str) -> bool:
        """Leave out each run of words that is `phrase`; whether there was one."""
        parts = re.findall(r"[a-z0-9']+", phrase.lower())
        found = False
        for start in range(len(lower) - len(parts) + 1):
            if lower[start:start + len(parts)] == parts and all(keep[start:start + len(parts)]):
                keep[start:start + len(parts)] = [False] * len(parts)
                found = True
        return found

    named = False
    for phrase in sorted({rtype.singular, rtype.label, rtype.key.replace("-", " "), rtype.short}, key=len, reverse=True):
        named = take(phrase) or named
    document = ""
    for phrase, shown in _DOCUMENT_WORDS:
        if take(phrase) and shown and not document:
            document = shown
    for index, word in enumerate(lower):
        if re.fullmatch(r"v\d+|(19|20)\d\d|\d{1,2}", word) or word in _MONTH_WORDS:
            keep[index] = False
    subject = [words[i] for i in range(len(words)) if keep[i]]
    while subject and subject[0].lower() in _EDGE_WORDS:
        subject.pop(0)
    while subject and subject[-1].lower() in _EDGE_WORDS:
        subject.pop()
    return _Reading(" ".join(_readable(word, first=index == 0) for index, word in enumerate(subject)), document, named)


_MONTH_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def _readable(word: str, first: bool) -> str:
    """A word of a file name as it is written in a title, in sentence case: a pseudonym's letter
    and a title capitalised (adult a -> Adult A, mr k -> Mr K, professional curiosity -> Professional curiosity)."""
    if word != word.lower():
        return word  # written with capitals already: kept
    if word in _TITLES:
        return _TITLES[word]
    if len(word) == 1:
        return word.upper()
    return word[:1].upper() + word[1:] if first else word


def title_from_file_name(file: str) -> str:
    """reports/sar-adult-a_overview.pdf -> SAR Adult A Overview"""
    words = [w for w in re.split(r"[-_\s.]+", PurePosixPath(file).stem) if w]
    return " ".join(w.upper() if w.lower() in _ABBREVIATIONS else w[:1].upper() + w[1:] for w in words) or "Untitled report"


def default_slug(report: str) -> str:
    return slugify(PurePosixPath(report).stem)


def entry_to_write(config: SiteConfig, rtype: ReviewType, report: str, info: DocumentInfo, entries: list[Entry], *,
         title: str, published: date, slug: str, document_title: str | None = None) -> tuple[NewEntry | None, list[Problem], list[str]]:
    """The entry to write, or the problems that stop it; plus notes worth telling."""
    problems: list[Problem] = []
    notes: list[str] = []
    if not info.ok:
        problems.append(error(report, info.problem or "cannot be published.", info.advice or ""))
    if not is_slug(slug):
        problems.append(error(report, f'"{slug}" cannot be used in a web address.',
                              f"Use lower-case letters, digits and hyphens, for example --slug {slugify(slug)}."))
    if not title.strip():
        problems.append(error(report, "the title is empty.", 'Give one with --title "..."'))
    if problems:
        return None, problems, notes
    new = NewEntry(config, rtype, report, document_title or title.strip(), title.strip(), published, slug,
                   word_original(config, report))
    if new.path.exists():
        problems.append(error(new.source, "already exists, so sitegen new will not overwrite it.",
                              "Open it to edit it, or choose another address with --slug."))
    for entry in entries:
        if entry.type is not None and entry.url == new.url and entry.source != new.source:
            problems.append(error(new.source, f"{entry.source} is already at the address {new.url}.",
                                  "Choose another address with --slug."))
        if any(ref.file == report for ref in entry.documents):
            notes.append(_listed_by(entry, report, published))
        else:
            same = next((ref.file for ref in entry.documents if _same_bytes(ref.path, info)), None)
            if same is not None:
                notes.append(_listed_by(entry, report, published, same_as=same))
    return (None if problems else new), problems, notes


def _same_bytes(path: Path | None, info: DocumentInfo) -> bool:
    """Whether the file at `path` holds the very bytes of the report `info` is about (read only when
    its size is the same)."""
    try:
        return path is not None and path.stat().st_size == info.size and sha256_of(path) == info.sha256
    except OSError:
        return False


def _listed_by(entry: Entry, report: str, published: date, same_as: str | None = None) -> str:
    """What to tell about another entry that lists the same report (or, `same_as`, the same file under
    another name): when it came down before the new entry's day, that the new entry is withheld until
    it says why the report goes back up (`build.taken_down_again`)."""
    listed = f"{report} is the same file as {same_as}, which" if same_as else report
    if entry.hidden_from is not None and entry.hidden_from <= published and not entry.draft:
        return (f"{listed} was taken down with {entry.source} on {uk_date(entry.hidden_from)}. The new entry stays off "
                "the site until it says why the report goes back up: add a line such as "
                "republish: \"The Board agreed to publish it again for a year.\"")
    return f"{entry.source} lists {same_as + ', the same file as ' + report if same_as else report + ' too'}."


def word_original(config: SiteConfig, report: str) -> str | None:
    """A Word file beside a PDF in reports/ with the same name (reports/x.docx for reports/x.pdf)."""
    if not report.lower().endswith(".pdf"):
        return None
    word = report[: -len(".pdf")] + ".docx"
    return word if (config.root / word).is_file() else None


def write(new: NewEntry) -> Problem | None:
    """Write the file; never overwrite one."""
    try:
        new.path.parent.mkdir(parents=True, exist_ok=True)
        with new.path.open("x", encoding="utf-8") as handle:
            handle.write(new.text())
    except FileExistsError:
        return error(new.source, "already exists, so sitegen new will not overwrite it.", "Choose another address with --slug.")
    except OSError as exc:
        return error(new.source, f"could not be written ({exc.strerror or exc}).", "Check that you may write to the content/ folder.")
    return None

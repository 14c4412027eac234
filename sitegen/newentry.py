"""`sitegen new`: a content file for a report already in reports/, pre-filled.

The title comes from the PDF's own title when it has one, else from its file
name; the document is listed with its title. What only a person can write (the
summary, and any field the type requires, such as a DHR's `approved` date) is
left as a placeholder with a note saying what to write: an empty summary is an
error, so the entry stays off the site until it is written. An existing file
is never overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from sitegen.config import ReviewType, SiteConfig
from sitegen.documents import DocumentInfo
from sitegen.entries import Entry, relative, resolve_report, similar_report, slugify
from sitegen.problems import Problem, did_you_mean, error
from sitegen.render import uk_date
from sitegen.visibility import hidden_from, last_day_shown

# Types whose short names are abbreviations, written in capitals in titles made from file names.
_ABBREVIATIONS = {"sar", "cspr", "scr", "dhr", "dardr", "lcsr", "mash", "sab", "lscp"}
_MADE_BY_WORD = re.compile(r"^microsoft (word|powerpoint) - ", re.IGNORECASE)
_FILE_NAME = re.compile(r"\.(docx?|odt|rtf|pdf|pptx?|indd)$", re.IGNORECASE)


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

    @property
    def path(self) -> Path:
        return self.config.content_dir / self.rtype.key / f"{self.slug}.md"

    @property
    def source(self) -> str:
        return relative(self.path, self.config.root)

    @property
    def url(self) -> str:
        return f"/{self.rtype.key}/{self.slug}/"

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
    if key in config.types:
        return config.types[key]
    hint = did_you_mean(key, config.types)
    return error("sitegen new", f'"{key}" is not a review type this site knows.',
                 hint or f"Write one of: {', '.join(config.types)}.")


def find_report(config: SiteConfig, given: str) -> str | Problem:
    """`reports/x.pdf` for a file given as reports/x.pdf, x.pdf or a full path into reports/."""
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
        close = similar_report(config, file)
        return error(file, f"there is no such file in the reports/ folder ({reports.resolve()}).",
                     f"Did you mean {close.removeprefix('reports/')}?" if close
                     else "Copy the PDF into the reports/ folder first, then run this again.")
    problems: list[Problem] = []
    if resolve_report(file, config, file, None, problems) is None:
        return error(file, problems[0].message.removeprefix(f"documents: {file} "), problems[0].advice)
    return file


def suggested_title(report: str, info: DocumentInfo) -> str:
    """The PDF's own title when it has a real one, else the file name made readable."""
    title = _usable_title(info.title)
    return title or title_from_file_name(report)


def _usable_title(title: str | None) -> str | None:
    if not title:
        return None
    title = _FILE_NAME.sub("", _MADE_BY_WORD.sub("", title)).strip()
    return None if not title or title.lower() in ("untitled", "title", "document") else title


def title_from_file_name(file: str) -> str:
    """reports/sar-adult-a_overview.pdf -> SAR Adult A Overview"""
    words = [w for w in re.split(r"[-_\s.]+", PurePosixPath(file).stem) if w]
    return " ".join(w.upper() if w.lower() in _ABBREVIATIONS else w[:1].upper() + w[1:] for w in words) or "Untitled report"


def default_slug(report: str) -> str:
    return slugify(PurePosixPath(report).stem)


def plan(config: SiteConfig, rtype: ReviewType, report: str, info: DocumentInfo, entries: list[Entry], *,
         title: str, published: date, slug: str) -> tuple[NewEntry | None, list[Problem], list[str]]:
    """The entry to write, or the problems that stop it; plus notes worth telling."""
    problems: list[Problem] = []
    notes: list[str] = []
    if not info.ok:
        problems.append(error(report, info.problem or "cannot be published.", info.advice or ""))
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        problems.append(error(report, f'"{slug}" cannot be used in a web address.',
                              f"Use lower-case letters, digits and hyphens, for example --slug {slugify(slug)}."))
    if not title.strip():
        problems.append(error(report, "the title is empty.", 'Give one with --title "..."'))
    if problems:
        return None, problems, notes
    new = NewEntry(config, rtype, report, _usable_title(info.title) or title.strip(), title.strip(), published, slug)
    if new.path.exists():
        problems.append(error(new.source, "already exists, so sitegen new will not overwrite it.",
                              "Open it to edit it, or choose another address with --slug."))
    for entry in entries:
        if entry.type is not None and entry.url == new.url and entry.source != new.source:
            problems.append(error(new.source, f"{entry.source} is already at the address {new.url}.",
                                  "Choose another address with --slug."))
        if any(ref.file == report for ref in entry.documents):
            notes.append(f"{entry.source} lists {report} too.")
    return (None if problems else new), problems, notes


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

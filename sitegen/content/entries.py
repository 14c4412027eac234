"""Read entries: every Markdown file under `content/`, front matter and body.

Each file becomes one `Entry` record. Problems are collected on the entry,
never raised: an entry with any error is withheld, and every other entry is
built as usual.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path, PurePath, PurePosixPath
from collections.abc import Set as AbstractSet
from typing import Any

from sitegen.rules import bounds
from sitegen.content import yamladvice, yamlfile
from sitegen.rules.addresses import RESERVED_NAMES, document_address, entry_address, is_document_name, rendition_address, slugify
from sitegen.content.config import PAGE_TYPE, SiteConfig
from sitegen.core.memo import Memo
from sitegen.core.parallel import fork_map
from sitegen.core.problems import Problem, error, has_errors, shown, warning
from sitegen.content.schema import Choice, Custom, Date, Field, Flag, Invalid, Slug, Text, TextList, Url, show, validate
from sitegen.rules.visibility import goes_live, hidden_from

# Addresses the site itself uses; a static page cannot take them (one home: `addresses.RESERVED_NAMES`).
RESERVED_SLUGS = RESERVED_NAMES


# Where entries are written: by `sitegen new` and by the browser editor, whose lists each read one
# folder (`sitegen.output.admin`). sitegen itself reads an entry in any folder under content/.
REVIEWS_FOLDER = "content/reviews"  # every review type's entries, told apart by `type:`
BRIEFINGS_FOLDER = "content/briefings"
PAGES_FOLDER = "content/pages"
BRIEFING = "briefing"  # the built-in type whose entries live in BRIEFINGS_FOLDER


def entry_folder(type_key: str) -> str:
    """The folder, from the site's folder, in which a new entry of the type `type_key` is written."""
    if type_key == PAGE_TYPE:
        return PAGES_FOLDER
    return BRIEFINGS_FOLDER if type_key == BRIEFING else REVIEWS_FOLDER


@dataclass(frozen=True)
class DocumentRef:
    file: str  # as written in front matter: reports/sar-adult-a-overview.pdf
    title: str
    path: Path | None  # the file on disk, None when the path is unusable
    line: int | None
    word: str | None = None  # the Word original made into a web page, as written (`html:`, or `file:` itself when a .docx)
    word_path: Path | None = None  # that file on disk, None when unusable
    word_line: int | None = None  # the line that names it

    @cached_property  # asked for several times for each document of each build
    def name(self) -> str:
        """The file's name: `PurePosixPath(file).name`, without making a path of it."""
        parts = [part for part in self.file.split("/") if part and part != "."]
        return parts[-1] if parts else ""

    @property
    def is_pdf(self) -> bool:
        return self.name.lower().endswith(".pdf")

    @property
    def is_word_only(self) -> bool:
        """A Word file listed as `file:` itself: published only as a web page, never as a download."""
        return is_word_file(self.file)

    @property
    def word_name(self) -> str | None:
        return _file_name(self.word) if self.word else None


def is_word_file(file: str) -> bool:
    return file.lower().endswith(".docx")


def _file_name(file: str) -> str:
    parts = [part for part in file.split("/") if part and part != "."]
    return parts[-1] if parts else ""


@dataclass(frozen=True)
class Entry:
    source: str  # path relative to the site: content/reviews/sar-adult-a.md
    slug: str
    type: str | None  # a review type key, "page", or None when unusable
    title: str | None
    published: date | None = None
    expires: date | None = None
    hidden_from: date | None = None
    draft: bool = False
    summary: str | None = None
    subject: str | None = None
    themes: tuple[str, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    national_library: str | None = None
    related: tuple[str, ...] = ()
    on_expiry: str | None = None
    approved: date | None = None
    republish: str | None = None  # why a report taken down with an expired entry goes back up (`build.taken_down_again`)
    order: int | None = None  # static pages: lower numbers come first in menus
    body: str = ""
    problems: tuple[Problem, ...] = ()
    meant_type: str | None = None  # `type` is None: the type it seems to mean, for a preview's error page only

    @property
    def preview_error_url(self) -> str | None:
        """Where a preview shows this entry's errors: its address, or the one it seems to mean when its
        type cannot be used (None when that cannot be told)."""
        if self.type is not None:
            return self.url
        if self.meant_type is None:
            return None
        return entry_address(self.meant_type, self.slug, self.meant_type == PAGE_TYPE)

    @property
    def is_page(self) -> bool:
        return self.type == PAGE_TYPE

    @property
    def goes_live(self) -> date | None:
        """The first day the entry may be shown: its published day, or a later approval day
        (`visibility.goes_live`); its window still counts from `published`."""
        return None if self.published is None else goes_live(self.published, self.approved)

    @property
    def waits_for_approval(self) -> bool:
        """Whether its approval day comes after its published day: until then it is scheduled."""
        return self.published is not None and self.approved is not None and self.approved > self.published

    @property
    def takes_address(self) -> bool:
        """Whether the entry holds its address, so that no other entry may have it: any entry whose
        type is known and that is not a draft (whatever its state on the day)."""
        return self.type is not None and not self.draft

    @property
    def has_errors(self) -> bool:
        return has_errors(self.problems)

    @cached_property  # an entry never changes: worked out once, as it is asked for often
    def url(self) -> str:
        """Site path of the entry's page: /sar/adult-a/ or /how-to-refer/ (`addresses.entry_address`)."""
        # An entry whose type cannot be used is withheld, so no page is written at its address:
        # "None" stands in for its type (preview_error_url finds the address it seems to mean).
        return entry_address(self.type if self.type is not None else "None", self.slug, self.is_page)

    def document_url(self, doc: DocumentRef) -> str:
        """Stable, derivable address of a document: /<type>/<slug>/<file name> (`addresses.document_address`)."""
        return document_address(self.url, doc.name)

    def rendition_url(self, doc: DocumentRef) -> str | None:
        """The address of the web page made from a document's Word original, None when it has none."""
        return rendition_address(self.url, doc.word_name) if doc.word_name is not None else None

    def document_urls(self, doc: DocumentRef) -> list[str]:
        """Every address a document is published at: its download (not for a Word file listed alone)
        and its web page (when it has a Word original). What is taken down with the entry."""
        urls = [] if doc.is_word_only else [self.document_url(doc)]
        rendition = self.rendition_url(doc)
        return urls + [rendition] if rendition else urls

    def with_problems(self, *more: Problem) -> "Entry":
        return replace(self, problems=self.problems + tuple(more))


def _order(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Invalid(f"should be a whole number, not {show(value)}.", "Write a number such as 1; pages with lower numbers come first.")


def type_names(config: SiteConfig) -> list[str]:
    return [*config.types, PAGE_TYPE]


def entry_type(config: SiteConfig) -> Choice:
    """The kind of an entry's `type:`: a review type of the site, or page (`type: SAR` is sar)."""
    names = type_names(config)
    return Choice(*names, ignore_case=True, what="a review type this site knows", description="a review type such as sar",
                  advice=f"Write one of: {', '.join(names)}; or add the type to sitegen.yaml.")


# Words that keep their hyphen in a theme written as a web address (self-neglect, multi-agency).
_JOINED_PREFIXES = {"self", "co", "non", "multi", "cross", "anti", "pre", "post", "ex", "well", "semi",
                    "inter", "intra", "sub", "step", "half", "great", "under", "over", "re"}


def readable_theme(name: str) -> str:
    """A theme as people read it: one written like a web address (mental-capacity, financial_abuse)
    gets spaces (mental capacity), except after prefixes such as self- (self-neglect) and before a
    number (covid-19). Its page's address is the same either way."""
    if " " in name or not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+", name):
        return name
    words = re.split(r"([-_])", name)
    text = words[0]
    for joiner, word in zip(words[1::2], words[2::2]):
        keep = joiner == "-" and (text.rsplit(" ", 1)[-1] in _JOINED_PREFIXES or word.isdigit())
        text += ("-" if keep else " ") + word
    return text


def _themes(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(readable_theme(name) for name in TextList(most=bounds.LIST_ITEMS, longest=bounds.LIST_ITEM).parse(value)))


def front_matter_fields(config: SiteConfig) -> list[Field]:
    fields = [
        Field("title", Text(longest=bounds.TITLE), required=True, help="The entry's title, as its page and listings show it."),
        Field("type", entry_type(config), required=True, help="What kind of entry it is: a review type, such as sar, or page."),
        Field("published", Date(), help="The day it goes on the site; a review's window counts from it."),
        Field("expires", Date(), help="The day it comes down, when not at the end of its type's window."),
        Field("draft", Flag(), default=False, help="True while it is not ready: it is never published."),
        Field("summary", Text(longest=bounds.SUMMARY), help="A sentence or two about it, for listings, the feed and search engines."),
        Field("subject", Text(longest=bounds.SHORT_TEXT), help="Whom the review is about, as the review names them (Adult A)."),
        Field("themes", Custom(_themes, TextList.description), default=(), help="The themes of its learning, such as self-neglect."),
        Field("documents", Custom(lambda v: v, "a list of documents"), default=None,
              help="The files in reports/ it publishes, or none."),
        Field("national_library", Url(), help="The address of the review in a national library, when it is there too."),
        Field("related", TextList(most=bounds.LIST_ITEMS, longest=bounds.LIST_ITEM), default=(),
              help="The slugs of other entries to point to from its page, such as adult-b."),
        Field("slug", Slug(longest=bounds.SLUG), help="The last part of its address, when not made from its file name."),
        Field("on_expiry", Choice("notice", "remove"), help="What its page shows once it has come down, when not the site's choice."),
        Field("approved", Date(), help="The day the review was approved for publication: it goes up no sooner."),
        Field("republish", Text(longest=bounds.SUMMARY), help="Why a report taken down before goes up again."),
        Field("order", Custom(_order, "a whole number"), help="Where a page comes among the others: lower first."),
    ]
    known = {f.name for f in fields}
    for rtype in config.types.values():
        for name in rtype.requires:
            if name not in known:
                fields.append(Field(name, Custom(lambda v: v, "a value"),
                                    help=f"A field sitegen.yaml requires of {rtype.label} (`requires:`)."))
                known.add(name)
    return fields


# What every review needs before it is published, whatever its type (a type's `requires` adds more).
# A review without a summary would show nothing in its listing, the feed, search results or
# search engines' descriptions of it.
REVIEW_NEEDS = ("published", "summary")


def required_fields(config: SiteConfig, etype: str | None) -> tuple[str, ...]:
    """The fields an entry of type `etype` must have, and not empty, to be published."""
    rtype = config.types.get(etype or "")
    return ("title", "type") + (REVIEW_NEEDS + tuple(rtype.requires) if rtype is not None else ())


def _needs(name: str, rtype) -> str:
    """Why a field is required, for the message of `schema.missing_field`."""
    if rtype is None or name in ("title", "type"):
        return "every entry needs one"
    return f"a {rtype.singular} needs it before it can be published"


def _what_to_write(name: str) -> str:
    """What to write for a required field (the same advice whether it is missing or empty)."""
    return {
        "title": 'Write `title:` and the title people will see, for example title: "Safeguarding Adults Review: Adult A".',
        "type": "Write `type:` and the kind of entry, for example type: sar (or page for a page such as Contact us).",
        "published": "Write `published:` and the day the report goes on the site, for example published: 2026-11-22.",
        "summary": "Write `summary:` and one paragraph in plain English after it: listings, the feed, search "
                   "results and search engines show it.",
        "approved": "Write `approved:` and the date the Home Office quality assurance panel approved it, for "
                    "example approved: 2026-04-01.",
    }.get(name, f"Write `{name}:` and its value (this site's sitegen.yaml asks for it).")


DOCUMENT_FIELDS = [Field("file", Text(longest=bounds.SHORT_TEXT), required=True), Field("title", Text(longest=bounds.SHORT_TEXT)),
                   Field("html", Text(longest=bounds.SHORT_TEXT))]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml text, body, line where the body starts) or None when there is no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def is_set_aside(name: str) -> bool:
    """Whether a file or folder below content/ is left alone (with all a folder holds): its name
    starts with "." (editors' and systems' files) or "_" (notes and drafts kept aside)."""
    return name.startswith((".", "_"))


def is_entry_name(name: str) -> bool:
    """Whether a file of this name, in a folder that is not set aside, is an entry: a Markdown file."""
    return name.lower().endswith(".md") and not is_set_aside(name)


def is_entry_file(below_content: str) -> bool:
    """Whether the file at this path below content/ (parts joined by os.sep) is an entry:
    the one rule `read_entries` finds them by."""
    *folders, name = below_content.split(os.sep)
    return is_entry_name(name) and not any(is_set_aside(folder) for folder in folders)


def read_entries(config: SiteConfig, workers: int | None = None, memo: Memo | None = None) -> list[Entry]:
    """Every entry under content/, sorted by file path (so builds are deterministic).
    A large site's files are read by `workers` processes (default: one per core). Front matter
    read by an earlier build is taken from `memo` (see `sitegen.core.memo`)."""
    content = config.content_dir
    if not content.is_dir():
        return []
    files: list[str] = []
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(content, onerror=unreadable.append):
        dirnames[:] = sorted(d for d in dirnames if not is_set_aside(d))
        files += [os.path.join(dirpath, name) for name in filenames if is_entry_name(name)]
    files.sort(key=path_order)
    for _ in os.walk(config.reports_dir, onerror=unreadable.append):
        pass  # a folder of reports/ that cannot be read is told, whether or not an entry names a file in it
    fields = front_matter_fields(config)

    def read(path: str) -> tuple[Entry, tuple[dict[bytes, bytes], set[bytes]] | None]:
        return read_entry_or_fault(path, config, fields, memo), memo.take_new_results() if memo is not None else None

    entries = [unreadable_folder(exc, config) for exc in unreadable if not isinstance(exc, FileNotFoundError)]
    for entry, memo_results in fork_map(read, files, workers=workers):
        entries.append(entry)
        if memo is not None:
            memo.merge_from_worker(memo_results)
    return suggest_similar_reports(check_addresses(entries, config), config)


def unreadable_folder(exc: OSError, config: SiteConfig) -> Entry:
    """A folder under content/ or reports/ that could not be read, as an entry with an error (so that
    `check` and `build` say so, and name it): what is in it is left out, as no build can see it."""
    source = relative(exc.filename or "", config.root) if isinstance(exc.filename, str) else str(exc.filename)
    what = "the entries in it are" if source.startswith("content") else "the documents in it are not published, and their entries are"
    return Entry(source, slugify(os.path.basename(source.rstrip("/"))) or "folder", None, None, problems=(error(
        source, f"this folder could not be read ({(exc.strerror or type(exc).__name__).lower()}), so {what} left out.",
        "Check that the folder exists and that the build may read it (its permissions), then build again."),))


def path_order(path: str) -> list[str] | PurePath:
    """How files are ordered: as `sorted` orders them as `Path` objects (part by part), without
    making 10,000 paths on a large site's every build."""
    return path.split(os.sep) if os.name == "posix" else PurePath(path)


def relative(path: Path | str, root: Path) -> str:
    if isinstance(path, str):  # a file found below the site: its path starts with the site's
        prefix = os.path.join(str(root), "")
        if path.startswith(prefix) and prefix != os.sep:
            return path[len(prefix):].replace(os.sep, "/")
        path = Path(path)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_entry(path: Path | str, config: SiteConfig, fields: list[Field] | None = None, memo: Memo | None = None) -> Entry:
    """One entry. `fields`: the settings' `front_matter_fields`, when the caller has them already."""
    source = relative(path, config.root)
    slug = slugify(os.path.splitext(os.path.basename(path))[0])
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(bounds.FILE + 1)  # a larger file cannot be within the bounds: not read whole
            too_large = bounds.file_too_large(source, os.fstat(handle.fileno()).st_size) if len(text) > bounds.FILE else None
    except UnicodeDecodeError:
        return Entry(source, slug, None, None, problems=(error(source, "this file is not UTF-8 text.", "Save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)."),))
    except OSError as exc:
        return Entry(source, slug, None, None, problems=(error(source, f"this file could not be read ({exc.strerror}).",
                                                               "Check that it exists and that you may read it."),))
    if too_large:
        return Entry(source, slug, None, None, problems=(too_large,))
    split = split_front_matter(text)
    if split is None:
        return Entry(source, slug, None, None, problems=(unsplit_problem(source, text),), meant_type=_meant_type(text, source, config))
    yaml_text, body, body_line = split
    over = bounds.front_matter_too_long(source, yaml_text) or bounds.body_too_long(source, body, body_line)
    if over:
        return Entry(source, slug, None, None, problems=(over,))
    try:
        doc = _front_matter(yaml_text, memo)
    except yamlfile.AliasRefused as exc:
        return Entry(source, slug, None, None, problems=(error(
            source, f"the front matter {yamlfile.AliasRefused.MESSAGE}, so the entry is left out.",
            "Write each value out in full; a value that starts with & or * goes in quotes.", line=exc.line),))
    except yamlfile.YamlError as exc:
        said = yamladvice.explain(yaml_text, exc, 2, "the front matter")
        return Entry(source, slug, None, None, problems=(error(source, said.message, said.advice, line=said.line),),
                     meant_type=_meant_type(yaml_text, source, config))
    entry = validate_entry(source, slug, doc, body, config, fields)
    return entry if entry.type is not None else replace(entry, meant_type=_meant_type(yaml_text, source, config))


def read_entry_or_fault(path: Path | str, config: SiteConfig, fields: list[Field] | None = None, memo: Memo | None = None) -> Entry:
    """`read_entry`, where a fault in sitegen itself on this one file withholds only this entry."""
    try:
        return read_entry(path, config, fields, memo)
    except Exception as exc:  # noqa: BLE001 - one entry never stops the build
        source = relative(path, config.root)
        return Entry(source, slugify(os.path.splitext(os.path.basename(path))[0]), None, None,
                     problems=(internal_fault(source, exc),))


def internal_fault(source: str, exc: BaseException) -> Problem:
    """The error of an entry sitegen itself failed on: it is withheld, and the build goes on."""
    return error(source, f"sitegen failed on this entry ({type(exc).__name__}), so it is not published.",
                 "This is a fault in sitegen: report it with this file attached. Every other entry was built as usual.")


def unsplit_problem(source: str, text: str) -> Problem:
    """Why a file's front matter could not be found: none at all, or no closing `---` line."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return error(source, "this file has no front matter.",
                     "Start it with a line `---`, then lines such as `title: ...`, `type: sar` and `published: 2026-11-22`, "
                     "then another `---`.", line=1)
    for number, line in enumerate(lines[1:], 2):
        if re.fullmatch(r"\s*([-–—]{2,}|\.\.\.\.+)\s*", line):
            return error(source, f"the front matter has no closing `---` line: line {number} has `{line.strip()}`.",
                         "Make that line exactly three hyphens: ---", line=number)
    guess = next((number for number, line in enumerate(lines[1:], 2)
                  if line.strip() and not line[:1].isspace() and not line.lstrip().startswith(("#", "-"))
                  and not re.match(r"^[\w .-]+:(\s|$)", line)), None)
    where = f", probably just before line {guess} (`{line_text(lines[guess - 1])}`)" if guess else ""
    return error(source, "the front matter starts with `---` on line 1 but has no closing `---` line.",
                 f"Add a line `---` after the last `name: value` line{where}.", line=1)


def line_text(line: str) -> str:
    text = line.strip()
    return text if len(text) <= 40 else text[:37] + "..."


def _meant_type(text: str, source: str, config: SiteConfig) -> str | None:
    """For an entry whose type cannot be used: the type it seems to mean (the `type:` line's value,
    or the folder it is in, when that is a type). Only ever used to place a preview's error page."""
    names = type_names(config)
    match = re.search(r"^type:\s*[\"']?([\w-]+)", text, re.MULTILINE)
    if match:
        close = difflib.get_close_matches(match.group(1).lower(), names, n=1, cutoff=0.6)
        if close:
            return close[0]
    folder = PurePosixPath(source).parent.name.lower()
    return folder if folder in config.types else None


def _front_matter(text: str, memo: Memo | None) -> yamlfile.YamlDocument:
    """The front matter's YAML (it starts on the file's second line), from `memo` if it was read before."""
    if memo is None:
        return yamlfile.load(text, first_line=2)
    return yamlfile.YamlDocument.from_record(memo.get("front matter", text, lambda t: yamlfile.load(t, first_line=2).record()))


def validate_entry(source: str, slug: str, doc: yamlfile.YamlDocument, body: str, config: SiteConfig,
                   fields: list[Field] | None = None) -> Entry:
    try:
        named_type = entry_type(config).parse(doc.data.get("type")) if isinstance(doc.data, dict) else None
    except Invalid:
        named_type = None  # said by `validate` below
    rtype = config.types.get(named_type or "")
    checked = validate(doc.data, fields if fields is not None else front_matter_fields(config), file=source, doc=doc,
                       required=required_fields(config, named_type),
                       why_required=lambda f: _needs(f.name, rtype), required_advice=lambda f: _what_to_write(f.name),
                       slips_are_errors=True)
    problems = list(checked.problems)
    for key_path, line in doc.duplicates:
        problems.append(warning(source, f"`{'.'.join(map(str, key_path))}` is written twice; only the last one counts.", "Remove one of them.",
                                line=line, field=str(key_path[-1])))
    v = checked.values
    etype = v["type"] if "type" not in checked.invalid else None

    if rtype is not None and rtype.broken:
        problems.append(error(source, f"the type `{etype}` has an error in sitegen.yaml, so its entries are not published.",
                              "Fix the error reported for sitegen.yaml.", field="type", line=doc.line_of("type")))
    if v["published"] and v["expires"] and v["expires"] <= v["published"]:
        problems.append(error(source, f"expires: {v['expires'].isoformat()} is not after published ({v['published'].isoformat()}).",
                              "Write a date after the published date, or remove `expires` to use the usual window.", line=doc.line_of("expires"), field="expires"))

    none_on_purpose = is_no_documents(v["documents"])
    documents = (tuple(_documents(v["documents"], source, doc, config, problems))
                 if "documents" not in checked.invalid and not none_on_purpose else ())
    if rtype is not None and not documents and not none_on_purpose and "documents" not in checked.invalid:
        problems.append(no_documents(source, rtype.singular, doc, v["documents"]))

    hidden = None
    if rtype is not None and v["published"]:
        hidden = hidden_from(v["published"], rtype.window, v["expires"])
    entry = Entry(
        source=source, slug=v["slug"] or slug, type=etype, title=v["title"],
        published=v["published"] if rtype is not None else None, expires=v["expires"], hidden_from=hidden,
        draft=bool(v["draft"]), summary=v["summary"], subject=v["subject"], themes=v["themes"],
        documents=documents, national_library=v["national_library"], related=v["related"],
        on_expiry=v["on_expiry"], approved=v["approved"], republish=v["republish"], order=v["order"], body=body, problems=tuple(problems),
    )
    return entry


# How an entry says it has no documents on purpose (a review whose report is published elsewhere).
NO_DOCUMENTS = "none"


def is_no_documents(value: Any) -> bool:
    """Whether `documents:` says the review has no documents on purpose: `documents: none`."""
    return isinstance(value, str) and value.strip().lower() == NO_DOCUMENTS


def no_documents(source: str, singular: str, doc: yamlfile.YamlDocument, raw: Any) -> Problem:
    """A review with no documents is an error unless it says so (`documents: none`): most often its
    `documents:` line is missing or misspelt, and the review would be published without its report."""
    said = "is empty" if isinstance(raw, list) else "has no `documents:` list"
    return error(source, f"this {singular} {said}, so it would be published without its report.",
                 "Add the report under `documents:` (a line `- file: reports/NAME.pdf`, then `title: ...`); if this "
                 f"review has no document on purpose, write `documents: {NO_DOCUMENTS}`.",
                 line=doc.line_of("documents") or doc.line_of("type"), field="documents")


def _documents(raw: Any, source: str, doc: yamlfile.YamlDocument, config: SiteConfig, problems: list[Problem]):
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(error(source, "documents should be a list.", "Write each document on its own lines: `- file: reports/NAME.pdf` then `title: ...`.",
                              line=doc.line_of("documents"), field="documents"))
        return
    if len(raw) > bounds.DOCUMENTS:
        problems.append(error(source, f"documents: {len(raw):,} are listed; sitegen accepts at most {bounds.DOCUMENTS:,} for one entry.",
                              "Join related files into one PDF, or split the review into entries.", line=doc.line_of("documents"), field="documents"))
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        where = ("documents", index)
        if isinstance(item, str):
            item = {"file": item}
        sub = validate(item, DOCUMENT_FIELDS, file=source, doc=doc, path=where, what="document", slips_are_errors=True)
        problems += sub.problems
        if "file" in sub.invalid:
            continue
        file = sub.values["file"]
        line = doc.line_of(*where, "file")
        path = resolve_report(file, config, source, line, problems)
        title = sub.values["title"]
        if title is None:
            title = PurePosixPath(file).stem.replace("-", " ").replace("_", " ").capitalize()
            problems.append(warning(source, f"the document {file} has no title, so it is called \"{title}\".",
                                    "Add `title: ...` under its `file:` line, for example `title: Overview report`.", line=line, field=f"documents.{index}.title"))
        word_line = doc.line_of(*where, "html") or line
        word, word_path = _word_original(file, path, sub.values["html"], source, word_line, config, problems)
        ref = DocumentRef(file=file, title=title, path=path, line=line, word=word, word_path=word_path, word_line=word_line)
        problems += _too_large(source, ref)
        names = ([] if ref.is_word_only else [ref.name]) + ([rendition_address("", ref.word_name)] if ref.word_name is not None else [])
        for name in names if path is not None else []:
            if name.lower() in seen:
                problems.append(error(source, f"two documents are called {name.rstrip('/')}.", "Give each document of an entry its own file name.",
                                      line=line, field=f"documents.{index}.file"))
            seen[name.lower()] = index
        yield ref


def _too_large(source: str, ref: DocumentRef) -> list[Problem]:
    """Warnings for a document or Word original too large for GitHub (`bounds.document_too_large`)."""
    found = []
    for file, path, line, field in ((ref.file, ref.path, ref.line, "documents.file"),
                                    (ref.word, ref.word_path, ref.word_line, "documents.html")):
        if file is None or path is None or (field == "documents.html" and ref.word == ref.file):
            continue
        try:
            size = os.stat(path).st_size
        except OSError:
            continue  # said when the document is inspected
        problem = bounds.document_too_large(source, file, size, line, field)
        if problem is not None:
            found.append(problem)
    return found


def _word_original(file: str, path: Path | None, html: str | None, source: str, line: int | None, config: SiteConfig,
                   problems: list[Problem]) -> tuple[str | None, Path | None]:
    """The Word file a document's web page is made from (`html:`, or `file:` when it is a .docx) and its path."""
    if html is None:
        return (file, path) if is_word_file(file) else (None, None)
    if is_word_file(file):
        problems.append(error(source, f"documents: {file} is a Word file, so it is made into a web page itself; `html: {html}` is not needed.",
                              "Remove the `html:` line.", line=line, field="documents.html"))
        return None, None
    if not is_word_file(html):
        problems.append(error(source, f"documents: html: {html} is not a Word file (.docx), so no web page can be made from it.",
                              "Write the report's Word original, for example `html: reports/overview.docx`, or remove the `html:` line.",
                              line=line, field="documents.html"))
        return None, None
    return html, resolve_report(html, config, source, line, problems, field_name="documents.html")


# What a document may be: the formats sitegen has a safety check for (an allowlist). A PDF is
# published as its cleaned copy (`sitegen.documents.pdfsafety`); a Word file (.docx) only ever as a web page
# made from what Word shows (`sitegen.documents.wordsafety`, `sitegen.documents.renditions`), never as a download.
PUBLISHED_FORMATS = (".pdf", ".docx")
_WORD_LIKE = (".doc", ".docm", ".dotx", ".dotm", ".dot", ".odt", ".rtf", ".pages")


def unpublishable(file: str) -> tuple[str, str] | None:
    """Why a document listed as `file` cannot be published whatever it holds (its name makes no web
    address, or its format is not on the allowlist), and what to do; None when it may be."""
    name = _file_name(file)
    if not is_document_name(name):
        return (f"has a name that cannot be part of a web address ({shown(name) or 'no name'}).",
                "Rename the file in reports/ (and here) so that its name starts with a letter or a digit and "
                "holds only letters, digits, spaces, hyphens, dots and brackets, for example sar-adult-a-overview.pdf.")
    suffix = os.path.splitext(name)[1].lower()
    if suffix in PUBLISHED_FORMATS:
        return None
    if suffix in _WORD_LIKE:
        return (f"is a {suffix} file, which sitegen cannot check for tracked changes, comments and hidden text, "
                "so it is not published.",
                "In Word, save it as a PDF (File, Save As, PDF) and list the PDF here; to publish it as a web page too, "
                "save it as a Word Document (.docx) and list that with `html:` under the PDF.")
    return ("is not a PDF: sitegen publishes only PDFs (and Word files as web pages), because it can check only "
            "those for personal details and anything that runs, so it is not published.",
            "Export it as a PDF (in most programs: File, Save As or Export, PDF) and list the PDF here.")


def resolve_report(file: str, config: SiteConfig, source: str, line: int | None, problems: list[Problem],
                   field_name: str = "documents.file") -> Path | None:
    """The real path of a document, only if it lies inside the site's reports/ folder and it may be
    published (see `unpublishable`)."""
    refused = unpublishable(file)
    name = file[len("reports/"):]
    if file.startswith("reports/") and name and not any(c in name for c in "/\\:") and name not in (".", ".."):
        # reports/NAME, the usual case: one look at the file itself (a file, not a link, is its own real path)
        direct = os.path.join(config.reports_real, name)
        try:
            if refused is None and stat.S_ISREG(os.lstat(direct).st_mode):
                return Path(direct)
        except OSError:
            pass  # missing, or not readable: the checks below say which
    posix = PurePosixPath(file.replace("\\", "/"))
    advice = f"Put the file in the reports/ folder and write `file: reports/{posix.name}`."
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", file) or ".." in posix.parts:
        problems.append(error(source, f"documents: {file} is outside the site's reports/ folder.", advice, line=line, field=field_name))
        return None
    if not posix.parts or posix.parts[0] != "reports":
        if (config.reports_dir / posix).is_file():
            problems.append(error(source, f"documents: {file} should start with reports/.", f"Write `file: reports/{posix.as_posix()}`.", line=line, field=field_name))
        else:
            problems.append(error(source, f"documents: {file} is not in the reports/ folder.", advice, line=line, field=field_name))
        return None
    if refused is not None:
        problems.append(error(source, f"documents: {shown(file)} {refused[0]}", refused[1], line=line, field=field_name))
        return None
    path = config.root / posix
    try:
        real = path.resolve(strict=True)
    except PermissionError as exc:
        problems.append(error(source, f"documents: {file} could not be read ({(exc.strerror or 'permission denied').lower()}).",
                              "Check that the build may read it and the folders it is in, then build again.", line=line, field=field_name))
        return None
    except (FileNotFoundError, RuntimeError, OSError):
        # No guess here: whether a similar file is another review's report is known only once every
        # entry is read (`suggest_similar_reports`).
        problems.append(error(source, missing_report(file), MISSING_ADVICE, line=line, field=field_name,
                              kind="a document it lists is not in reports/"))
        return None
    if config.reports_real not in real.parents:
        problems.append(error(source, f"documents: {file} links to a file outside the reports/ folder.",
                              "Copy the file itself into reports/ instead of linking to it.", line=line, field=field_name))
        return None
    if not real.is_file():
        problems.append(error(source, f"documents: {file} is a folder, not a file.", advice, line=line, field=field_name))
        return None
    return real


MISSING_ADVICE = "Check the spelling, or add the file to the reports/ folder."


def missing_report(file: str) -> str:
    """The message for a document that is not in reports/ (`suggest_similar_reports` finds it by it)."""
    return f"documents: {file} does not exist."


def similar_report(config: SiteConfig, file: str, listed: AbstractSet[str] = frozenset()) -> str | None:
    """The file in reports/ whose path is closest to `file` (reports/NAME), if one is close, leaving
    out the files in `listed` (those entries list: another review's report must never be offered
    as this one's, or Mr K's review would be published under Mr L's name)."""
    reports = config.reports_dir
    try:
        known = sorted(p.relative_to(config.root).as_posix() for p in reports.rglob("*") if p.is_file())
    except OSError:
        return None
    unlisted = [name for name in known if _listed_form(name) not in listed]
    close = difflib.get_close_matches(file, unlisted, n=1, cutoff=0.6)
    return close[0] if close else None


def similar_file_advice(close: str) -> str:
    """Advice naming a file that looks like the one meant: a guess between reports, never an instruction."""
    return f"A file with a similar name exists: {close}. Check it is this review's report before you use it."


def _listed_form(file: str) -> str:
    """A document's path as entries write it, compared without case (reports/X.pdf is reports/x.pdf)."""
    return PurePosixPath(file.replace("\\", "/")).as_posix().lower()


def listed_documents(entries: list[Entry]) -> set[str]:
    """Every file in reports/ that an entry lists (as a document or its Word original)."""
    return {_listed_form(name) for entry in entries for ref in entry.documents for name in (ref.file, ref.word) if name}


def suggest_similar_reports(entries: list[Entry], config: SiteConfig) -> list[Entry]:
    """For a document that does not exist, name a file with a similar name, only when no entry lists
    that file; done once every entry is read, as only then are all the files entries list known."""
    listed = None
    result = []
    for entry in entries:
        missing = [p for p in entry.problems if p.field in ("documents.file", "documents.html")
                   and p.advice == MISSING_ADVICE and p.message.startswith("documents: ") and p.message.endswith(" does not exist.")]
        if missing:
            listed = listed_documents(entries) if listed is None else listed
            problems = list(entry.problems)
            for problem in missing:
                file = problem.message[len("documents: "):-len(" does not exist.")]
                close = similar_report(config, PurePosixPath(file.replace("\\", "/")).as_posix(), listed)
                if close:
                    problems[problems.index(problem)] = replace(problem, advice=f"{MISSING_ADVICE} {similar_file_advice(close)}")
            entry = replace(entry, problems=tuple(problems))
        result.append(entry)
    return result


def check_addresses(entries: list[Entry], config: SiteConfig) -> list[Entry]:
    """Two entries may not share an address, and a page may not take one the site uses."""
    by_url: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        if entry.takes_address:
            by_url.setdefault(entry.url, []).append(index)
    result = list(entries)
    reserved = RESERVED_SLUGS | set(config.types)
    for url, indexes in by_url.items():
        if len(indexes) > 1:
            names = ", ".join(entries[i].source for i in indexes)
            for i in indexes:
                result[i] = result[i].with_problems(error(
                    entries[i].source, f"{names} would all be published at {url}.",
                    "Give one of them another file name, or a `slug:` of its own.", field="slug"))
    for index, entry in enumerate(result):
        if entry.is_page and entry.slug in reserved and not (entry.slug == "index" and entry.source == "content/index.md"):
            result[index] = entry.with_problems(error(
                entry.source, f"a page cannot be published at /{entry.slug}/: the site uses that address.",
                "Rename the file or add `slug:` with another name.", field="slug"))
    return result

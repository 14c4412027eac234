"""Read entries: every Markdown file under `content/`, front matter and body.

Each file becomes one `Entry` record. Problems are collected on the entry,
never raised: an entry with any error is withheld, and every other entry is
built as usual.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from sitegen import bounds, yamlfile
from sitegen.config import PAGE_TYPE, SiteConfig
from sitegen.memo import Memo
from sitegen.parallel import fork_map
from sitegen.problems import Problem, did_you_mean, error, has_errors, warning
from sitegen.schema import Choice, Custom, Date, Field, Flag, Invalid, Text, TextList, Url, show, validate
from sitegen.visibility import hidden_from

# Addresses the site itself uses; a static page cannot take them.
RESERVED_SLUGS = {"index", "assets", "feed.xml", "sitemap.xml", "robots.txt", "404", "404.html",
                  "themes", "theme", "search", "pagefind", "downloads", "_headers", "_redirects"}


@dataclass(frozen=True)
class DocumentRef:
    file: str  # as written in front matter: reports/sar-adult-a-overview.pdf
    title: str
    path: Path | None  # the file on disk, None when the path is unusable
    line: int | None

    @cached_property  # asked for several times for each document of each build
    def name(self) -> str:
        """The file's name: `PurePosixPath(file).name`, without making a path of it."""
        parts = [part for part in self.file.split("/") if part and part != "."]
        return parts[-1] if parts else ""

    @property
    def is_pdf(self) -> bool:
        return self.name.lower().endswith(".pdf")


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
    order: int | None = None  # static pages: lower numbers come first in menus
    body: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def is_page(self) -> bool:
        return self.type == PAGE_TYPE

    @property
    def has_errors(self) -> bool:
        return has_errors(self.problems)

    @cached_property  # an entry never changes: worked out once, as it is asked for often
    def url(self) -> str:
        """Site path of the entry's page: /sar/adult-a/ or /how-to-refer/."""
        if self.is_page:
            return "/" if self.slug == "index" else f"/{self.slug}/"
        return f"/{self.type}/{self.slug}/"

    def document_url(self, doc: DocumentRef) -> str:
        """Stable, derivable address of a document: /<type>/<slug>/<file name>."""
        return self.url + doc.name

    def with_problems(self, *more: Problem) -> "Entry":
        from dataclasses import replace
        return replace(self, problems=self.problems + tuple(more))


_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower())
    return text.strip("-") or "entry"


def _slug(value: Any) -> str:
    text = Text(longest=bounds.SLUG).parse(value)
    if not _SLUG_OK.match(text):
        raise Invalid(f"{show(text)} cannot be used in a web address.", f"Use lower-case letters, digits and hyphens, for example {slugify(text)}.")
    return text


def _order(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Invalid(f"should be a whole number, not {show(value)}.", "Write a number such as 1; pages with lower numbers come first.")


def front_matter_fields(config: SiteConfig) -> list[Field]:
    type_names = [*config.types, PAGE_TYPE]

    def review_type(value: Any) -> str:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        if text in type_names:
            return text
        hint = did_you_mean(text, type_names)
        raise Invalid(f"{show(value)} is not a review type this site knows.",
                      hint or f"Write one of: {', '.join(type_names)}; or add the type to sitegen.yaml.")

    fields = [
        Field("title", Text(longest=bounds.TITLE), required=True),
        Field("type", Custom(review_type, "a review type such as sar"), required=True),
        Field("published", Date()),
        Field("expires", Date()),
        Field("draft", Flag(), default=False),
        Field("summary", Text(longest=bounds.SUMMARY)),
        Field("subject", Text(longest=bounds.SHORT_TEXT)),
        Field("themes", TextList(most=bounds.LIST_ITEMS, longest=bounds.LIST_ITEM), default=()),
        Field("documents", Custom(lambda v: v, "a list of documents"), default=None),
        Field("national_library", Url()),
        Field("related", TextList(most=bounds.LIST_ITEMS, longest=bounds.LIST_ITEM), default=()),
        Field("slug", Custom(_slug, "a short address such as adult-a")),
        Field("on_expiry", Choice("notice", "remove")),
        Field("approved", Date()),
        Field("order", Custom(_order, "a whole number")),
    ]
    known = {f.name for f in fields}
    for rtype in config.types.values():
        for name in rtype.requires:
            if name not in known:
                fields.append(Field(name, Custom(lambda v: v, "a value")))
                known.add(name)
    return fields


DOCUMENT_FIELDS = [Field("file", Text(longest=bounds.SHORT_TEXT), required=True), Field("title", Text(longest=bounds.SHORT_TEXT))]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml text, body, line where the body starts) or None when there is no front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def read_entries(config: SiteConfig, workers: int | None = None, memo: Memo | None = None) -> list[Entry]:
    """Every entry under content/, sorted by file path (so builds are deterministic).
    A large site's files are read by `workers` processes (default: one per core). Front matter
    read by an earlier build is taken from `memo` (see `sitegen.memo`)."""
    content = config.content_dir
    if not content.is_dir():
        return []
    files = []
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        files += [os.path.join(dirpath, name) for name in filenames
                  if name.lower().endswith(".md") and not name.startswith((".", "_"))]
    files.sort(key=path_order)
    fields = front_matter_fields(config)

    def read(path: str) -> tuple[Entry, object]:
        return read_entry(path, config, fields, memo), memo.learnt() if memo is not None else None

    entries = []
    for entry, learnt in fork_map(read, files, workers=workers):
        entries.append(entry)
        if memo is not None:
            memo.learn(learnt)
    return check_addresses(entries, config)


def path_order(path: str) -> object:
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
        return Entry(source, slug, None, None, problems=(error(source, f"this file could not be read ({exc.strerror}).", "Check that it exists and that you may read it."),))
    if too_large:
        return Entry(source, slug, None, None, problems=(too_large,))
    split = split_front_matter(text)
    if split is None:
        return Entry(source, slug, None, None, problems=(error(
            source, "this file has no front matter.",
            "Start it with a line `---`, then lines such as `title: ...`, `type: sar` and `published: 2026-11-22`, then another `---`.", line=1),))
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
        return Entry(source, slug, None, None, problems=(error(
            source, f"the front matter is not valid YAML: {exc.message}.",
            "Check this line and the one before it: each line is `name: value`; put text containing a colon in quotes.", line=exc.line),))
    return validate_entry(source, slug, doc, body, config, fields)


def _front_matter(text: str, memo: Memo | None) -> yamlfile.YamlDocument:
    """The front matter's YAML (it starts on the file's second line), from `memo` if it was read before."""
    if memo is None:
        return yamlfile.load(text, first_line=2)
    return yamlfile.YamlDocument.from_record(memo.get("front matter", text, lambda t: yamlfile.load(t, first_line=2).record()))


def validate_entry(source: str, slug: str, doc: yamlfile.YamlDocument, body: str, config: SiteConfig,
                   fields: list[Field] | None = None) -> Entry:
    checked = validate(doc.data, fields if fields is not None else front_matter_fields(config), file=source, doc=doc)
    problems = list(checked.problems)
    for key_path, line in doc.duplicates:
        problems.append(warning(source, f"`{'.'.join(map(str, key_path))}` is written twice; only the last one counts.", "Remove one of them.", line=line, field=str(key_path[-1])))
    v = checked.values
    etype = v["type"] if "type" not in checked.invalid else None
    rtype = config.types.get(etype) if etype else None

    if rtype is not None:
        if "published" not in checked.invalid and v["published"] is None:
            problems.append(error(source, "`published` is missing.", "Add a line such as `published: 2026-11-22`: the day the report goes on the site.", field="published"))
        for name in rtype.requires:
            if name not in checked.invalid and (v.get(name) is None or v.get(name) in ("", (), [])):
                problems.append(error(source, f"`{name}` is missing: a {rtype.singular} needs it before it can be published.",
                                      f"Add a line `{name}: ...`." + (" For a DHR, write the date the Home Office quality assurance panel approved it, e.g. approved: 2026-04-01." if name == "approved" else ""),
                                      line=doc.line_of(name), field=name))
        if rtype.broken:
            problems.append(error(source, f"the type `{etype}` has an error in sitegen.yaml, so its entries are not published.", "Fix the error reported for sitegen.yaml.", field="type", line=doc.line_of("type")))
        if v["summary"] is None and "summary" not in checked.invalid:
            problems.append(warning(source, "there is no `summary`.", "Add `summary:` with one plain-English paragraph; listings show it.", field="summary"))
    if v["published"] and v["expires"] and v["expires"] <= v["published"]:
        problems.append(error(source, f"expires: {v['expires'].isoformat()} is not after published ({v['published'].isoformat()}).",
                              "Write a date after the published date, or remove `expires` to use the usual window.", line=doc.line_of("expires"), field="expires"))

    documents = tuple(_documents(v["documents"], source, doc, config, problems)) if "documents" not in checked.invalid else ()

    hidden = None
    if rtype is not None and v["published"]:
        hidden = hidden_from(v["published"], rtype.window, v["expires"])
    entry = Entry(
        source=source, slug=v["slug"] or slug, type=etype, title=v["title"],
        published=v["published"] if rtype is not None else None, expires=v["expires"], hidden_from=hidden,
        draft=bool(v["draft"]), summary=v["summary"], subject=v["subject"], themes=v["themes"],
        documents=documents, national_library=v["national_library"], related=v["related"],
        on_expiry=v["on_expiry"], approved=v["approved"], order=v["order"], body=body, problems=tuple(problems),
    )
    return entry


def _documents(raw: Any, source: str, doc: yamlfile.YamlDocument, config: SiteConfig, problems: list[Problem]):
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(error(source, "documents should be a list.", "Write each document on its own lines: `- file: reports/NAME.pdf` then `title: ...`.", line=doc.line_of("documents"), field="documents"))
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
        sub = validate(item, DOCUMENT_FIELDS, file=source, doc=doc, path=where, what="document")
        problems += sub.problems
        if "file" in sub.invalid:
            continue
        file = sub.values["file"]
        line = doc.line_of(*where, "file")
        path = resolve_report(file, config, source, line, problems)
        title = sub.values["title"]
        if title is None:
            title = PurePosixPath(file).stem.replace("-", " ").replace("_", " ").capitalize()
            problems.append(warning(source, f"the document {file} has no title, so it is called \"{title}\".", "Add `title: ...` under its `file:` line, for example `title: Overview report`.", line=line, field=f"documents.{index}.title"))
        ref = DocumentRef(file=file, title=title, path=path, line=line)
        if path is not None:
            if ref.name.lower() in seen:
                problems.append(error(source, f"two documents are called {ref.name}.", "Give each document of an entry its own file name.", line=line, field=f"documents.{index}.file"))
            seen[ref.name.lower()] = index
        yield ref


def resolve_report(file: str, config: SiteConfig, source: str, line: int | None, problems: list[Problem]) -> Path | None:
    """The real path of a document, only if it lies inside the site's reports/ folder."""
    field_name = "documents.file"
    name = file[len("reports/"):]
    if file.startswith("reports/") and name and not any(c in name for c in "/\\:") and name not in (".", ".."):
        # reports/NAME, the usual case: one look at the file itself (a file, not a link, is its own real path)
        direct = os.path.join(config.reports_real, name)
        try:
            if stat.S_ISREG(os.lstat(direct).st_mode):
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
    path = config.root / posix
    try:
        real = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        problems.append(error(source, f"documents: {file} does not exist.", "Check the spelling, or add the file to the reports/ folder.", line=line, field=field_name))
        return None
    if config.reports_real not in real.parents:
        problems.append(error(source, f"documents: {file} links to a file outside the reports/ folder.", "Copy the file itself into reports/ instead of linking to it.", line=line, field=field_name))
        return None
    if not real.is_file():
        problems.append(error(source, f"documents: {file} is a folder, not a file.", advice, line=line, field=field_name))
        return None
    return real


def check_addresses(entries: list[Entry], config: SiteConfig) -> list[Entry]:
    """Two entries may not share an address, and a page may not take one the site uses."""
    by_url: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        if entry.type is None or entry.draft:
            continue
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

"""Every file the output will hold is claimed here, before anything is rendered or written.

The site claims its own files first (the home page, listings, feed, sitemap, Netlify's files, the
build marker, the search index, the assets...), then each entry that will be in the output claims
its page and its documents' files, in the order the entries are read. Two claims clash when they
name the same file, or when one would need a folder where the other puts a file (a download
`foo` and the web page `foo/` of `foo.docx`), compared without regard to case (a clone on a
laptop may not tell `A.pdf` from `a.pdf`). A clash withholds the entry that came to it, with a
message naming its file and line: never a site file, and never the whole build.

`claim_entries` is the one place this is decided; `outputs.write_site` refusing two files at one
path is only the last guard behind it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Iterable

from sitegen.rules.addresses import HOME, INDEX, SITE_FILES, listing_address, output_file
from sitegen.content.entries import Entry
from sitegen.core.problems import Problem, error
from sitegen.rendering.site import EntryOnDay
from sitegen.rules.visibility import State

SITE = "the site itself"  # the owner of the site's own files

@dataclass(frozen=True)
class Claim:
    path: str  # relative to the output folder: sar/adult-a/overview.pdf, or a folder: sar/adult-a/overview/
    owner: str  # the entry's source, or SITE
    line: int | None = None  # the line of the entry that asks for it
    field: str | None = None
    what: str = "its page"  # what is published there, in plain words: "reports/x.pdf", "the web page of reports/x.docx"
    # the path's parts, as compared (without case); `dataclasses.field`, as this class has a field named `field`
    parts: tuple[str, ...] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.path.strip("/").casefold().split("/")))  # once: each is compared often

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")


@dataclass
class Claims:
    """What has been claimed so far: each path's claim, and the folders that hold claimed paths."""

    held: dict[tuple[str, ...], Claim] = field(default_factory=dict)
    inside: dict[tuple[str, ...], set[str]] = field(default_factory=dict)  # folder -> owners of paths below it

    def clash(self, claim: Claim) -> Claim | None:
        """The claim `claim` would clash with, or None."""
        parts = claim.parts
        for end in range(1, len(parts)):
            above = self.held.get(parts[:end])
            if above is not None and (not above.is_folder or above.owner != claim.owner):
                return above  # a file where this needs a folder, or someone else's whole folder
        same = self.held.get(parts)
        if same is not None and not (same.is_folder and claim.is_folder and same.owner == claim.owner):
            return same
        below = self.inside.get(parts, set())
        if below and (not claim.is_folder or below - {claim.owner}):
            return next(c for p, c in self.held.items() if p[:len(parts)] == parts and len(p) > len(parts))
        return None

    def add(self, claim: Claim) -> None:
        parts = claim.parts
        self.held.setdefault(parts, claim)
        for end in range(1, len(parts)):
            self.inside.setdefault(parts[:end], set()).add(claim.owner)


def site_claims(type_keys: Iterable[str]) -> Claims:
    """The site's own files: `SITE_FILES` and the listing of each review type."""
    claims = Claims()
    for path in [*SITE_FILES, *(output_file(listing_address(key)) for key in type_keys)]:
        claims.add(Claim(path, SITE))
    return claims


def entry_claims(entry: Entry) -> list[Claim]:
    """What an entry puts in the output when it is live: its page (or, once taken down, its notice),
    then each document's download and the folder of its web page (the page and its pictures)."""
    found = []
    if entry.url != HOME:  # the home page's own file is the site's index.html
        # A review or a page has its whole folder: nothing of another entry may be inside it.
        found.append(Claim(output_file(entry.url)[: -len(INDEX)], entry.source))
        found.append(Claim(output_file(entry.url), entry.source))
    for ref in entry.documents:
        if ref.path is None:
            continue  # not published: its problem is said already
        if not ref.is_word_only:
            found.append(Claim(output_file(entry.document_url(ref)), entry.source, ref.line, "documents.file", ref.file))
        page = entry.rendition_url(ref)
        if page is not None and ref.word_path is not None:
            line, name = (ref.line, "documents.file") if ref.is_word_only else (ref.word_line, "documents.html")
            found.append(Claim(output_file(page)[: -len(INDEX)], entry.source, line, name, f"the web page of {ref.word}"))
    return found


def claim_entries(on_day: list[EntryOnDay], type_keys: Iterable[str]) -> list[EntryOnDay]:
    """`on_day`, with each entry that would put a file where the site or an earlier entry has one
    withheld (see the module's description). Entries in the output today (live, or taken down and
    leaving a notice) claim in order; a scheduled one is checked against them too, so that its
    clash is told before its day, but holds nothing yet."""
    claims = site_claims(type_keys)
    result = list(on_day)
    for states, keep in (((State.LIVE, State.EXPIRED), True), ((State.SCHEDULED,), False)):
        for index, entry_on_day in enumerate(result):
            if entry_on_day.state in states and entry_on_day.entry.type is not None:
                problem = _first_clash(claims, entry_claims(entry_on_day.entry), keep)
                if problem is not None:
                    result[index] = withheld(entry_on_day, problem)
    return result


def _first_clash(claims: Claims, wanted: list[Claim], keep: bool = True) -> Problem | None:
    """Claim `wanted` (all, or none of them; with `keep` false, only check them), or the problem of
    the first that clashes."""
    own = Claims()
    for claim in wanted:
        other = own.clash(claim) or claims.clash(claim)
        if other is not None:
            return _clash_problem(claim, other)
        own.add(claim)
    for claim in wanted if keep else ():
        claims.add(claim)
    return None


def _clash_problem(claim: Claim, other: Claim) -> Problem:
    if other.owner == SITE:
        whose = f"the site's own {'folder' if other.is_folder else 'file'} /{other.path}"
    elif other.owner == claim.owner:
        whose = f"{other.what} of this entry (/{other.path})" if other.what != "its page" else f"this entry's own page (/{other.path})"
    else:
        whose = f"{other.owner}, which is published at /{other.path}"
    return error(claim.owner, f"{claim.what} would be published at /{claim.path.rstrip('/')}, which clashes with {whose}, "
                 "so this entry is not published.",
                 "Rename the file in reports/ (and in this entry) so that it has a name of its own."
                 if claim.field else "Give the entry another file name, or a `slug:` of its own.",
                 line=claim.line, field=claim.field or "slug")


def withheld(entry_on_day: EntryOnDay, problem: Problem) -> EntryOnDay:
    """The entry withheld for `problem`: nothing of it is published."""
    return replace(entry_on_day, entry=entry_on_day.entry.with_problems(problem), state=State.WITHHELD, downloads=())

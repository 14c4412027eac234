"""What a deploy preview says `sitegen check` would say: the problems page, by file.

Netlify builds a deploy preview of each pull request (`sitegen build --deploy-preview`); the
comms officer who opened it sees there, at `addresses.PREVIEW_PROBLEMS`, every withheld entry and
every warning, each with what to do. A preview's address is public unless the site protects it
(`deploy_previews: protected:` in sitegen.yaml), and there nothing of an entry that is not live may
appear, not even quoted in a message: so an unprotected preview shows each problem only as
`Problem.quoting_nothing` makes it (its file, its line and its kind), and points to the pull
request's check for the rest. A protected preview shows every problem in full.

The page is made after every other file of the build (so that it lists the links found broken
too), and never enters the sitemap, the feeds, the search index or the open data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sitegen.content.config import SITE_FIELDS, SiteConfig
from sitegen.content.entries import front_matter_fields
from sitegen.core.problems import Problem, Severity, shown
from sitegen.rendering.render import Renderer
from sitegen.rendering.site import Site
from sitegen.rules.addresses import OutputFile, PREVIEW_PROBLEMS
from sitegen.rules.visibility import State

# What an unprotected preview says instead of a problem's own advice (which may quote the entry).
PUBLIC_ADVICE = "Read its full message in the pull request on GitHub (the check called \"sitegen check\"), and do what it says."

# What each state of an entry means for the officer, said at the head of its file's problems.
STATE_SAID = {
    State.WITHHELD: "Not published: fix the errors below and it goes up on its day.",
    State.DRAFT: "A draft: never published until `draft: true` is removed.",
    State.SCHEDULED: "Scheduled: not public yet.",  # and one a protected preview shows early
    State.LIVE: "Published.",
    State.EXPIRED: "Taken down: its window has ended.",
}


@dataclass(frozen=True)
class FileProblems:
    """One file's problems as the page shows them, and what they mean for its entry (if it is one)."""

    file: str
    state: str | None  # the sentence of `STATE_SAID`, or None for a file that is not an entry
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)


def known_fields(config: SiteConfig) -> frozenset[str]:
    """The names of every field sitegen declares (front matter and settings): the only names an
    unprotected preview may show, since a name the file made up could be anything."""
    return frozenset(f.name for f in [*front_matter_fields(config), *SITE_FIELDS])


def shown_problems(site: Site, problems: list[Problem]) -> list[Problem]:
    """The errors and warnings (not notes) as this preview may show them: in full when it is
    protected, else each as `Problem.quoting_nothing` makes it."""
    told = [replace(p, file=shown(p.file), message=shown(p.message), advice=shown(p.advice))  # as `Problem.format` shows them
            for p in problems if p.severity is not Severity.NOTE]
    if site.preview is not None and site.preview.protected:
        return told
    fields = known_fields(site.config)
    return [p.quoting_nothing(fields, PUBLIC_ADVICE) for p in told]


def by_file(site: Site, problems: list[Problem]) -> list[FileProblems]:
    """`problems` grouped by file (in order of file name; each file's by line, errors first)."""
    states = {p.entry.source: State.SCHEDULED if p.early else p.state for p in site.entries}
    files: dict[str, list[Problem]] = {}
    for problem in problems:
        files.setdefault(problem.file, []).append(problem)
    return [FileProblems(file, STATE_SAID[states[file]] if file in states else None,
                         tuple(sorted(found, key=lambda p: (not p.is_error, p.line or 0))))
            for file, found in sorted(files.items())]


def problems_page(renderer: Renderer, problems: list[Problem]) -> OutputFile:
    """The deploy preview's page of problems (see the module's description)."""
    site = renderer.site
    if site.preview is None:
        raise RuntimeError("the page of problems is for deploy previews only")
    groups = by_file(site, shown_problems(site, problems))
    return renderer.page("preview_problems.html", PREVIEW_PROBLEMS, groups=groups, protected=site.preview.protected,
                         errors=sum(g.errors for g in groups),
                         warnings=sum(len(g.problems) - g.errors for g in groups),
                         withheld=len(site.in_state(State.WITHHELD)))

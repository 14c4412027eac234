"""The `sitegen` command. Thin: it parses options, calls the pipeline and reports."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click

from sitegen import __version__
from sitegen.build import BuildResult, build, memo_of
from sitegen.config import LoadedConfig, load_config
from sitegen.problems import Problem
from sitegen.render import uk_date
from sitegen.visibility import State, as_of_day

SITE_HELP = "The site folder (the one holding sitegen.yaml). Default: the current folder."
AS_OF_HELP = ("Build the site as it stands on this day: a date (2026-11-22) or a date and time with an "
              "offset (2026-06-30T23:30:00+00:00), which is converted to the site's time zone. Default: today.")


def report_problems(problems: list[Problem]) -> None:
    """Errors first, then warnings, grouped by file; on standard error."""
    ordered = sorted(problems, key=lambda p: (not p.is_error, p.file, p.line or 0, p.message))
    for problem in ordered:
        colour = "red" if problem.is_error else "yellow"
        where = problem.file + (f":{problem.line}" if problem.line else "")
        label = click.style(problem.severity.value, fg=colour, bold=True)
        text = f"{where}: {label}: {problem.message}"
        if problem.advice:
            text += f" {problem.advice}"
        click.echo(text, err=True)


def load_site(site: str | None, stand_in: bool = False) -> LoadedConfig:
    loaded = load_config(Path(site or "."), stand_in=stand_in)
    if loaded.config is None:
        report_problems(loaded.problems)
        click.echo("Nothing was done: fix the settings above first.", err=True)
        sys.exit(1)
    return loaded


def resolve_day(when: str | None, loaded: LoadedConfig) -> date:
    try:
        return as_of_day(when, loaded.config.timezone, now=datetime.now(timezone.utc))
    except ValueError:
        raise click.BadParameter(
            f'"{when}" is not a date. Write a date such as 2026-11-22, or a date and time with an offset such as 2026-06-30T23:30:00+00:00.',
            param_hint="--as-of") from None


def site_option(func):
    return click.option("-C", "--site", "site", metavar="DIR", type=click.Path(file_okay=False), help=SITE_HELP)(func)


def as_of_option(func):
    return click.option("--as-of", "when", metavar="WHEN", help=AS_OF_HELP)(func)


def summary(result: BuildResult) -> str:
    counts = [f"{result.count(state)} {state.value}" for state in State]
    return ", ".join(counts)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen", message="%(prog)s %(version)s")
def main() -> None:
    """sitegen builds a safeguarding partnership's Learning from Practice pages.

    Each report is shown for its window (usually a year from publication) and
    then taken down automatically at the next build.

    \b
    Examples:
      sitegen build                      build the site in this folder into build/
      sitegen build --as-of 2027-01-01   see the site as it will be on 1 January
      sitegen check                      check every entry and document; exit 1 on errors
      sitegen new sar reports/x.pdf      start a content file for a report in reports/
      sitegen serve                      preview the site as you edit it
      sitegen status                     what is live, and when each report comes down
    """


@main.command("build")
@site_option
@as_of_option
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False), help="Where to write the site. Default: build/ in the site folder.")
@click.option("--strict", is_flag=True, help="Exit with an error when there is any error (in an entry, the settings or the theme); what can be built is still built.")
@click.option("--no-cache", is_flag=True, help="Inspect every document again instead of using .sitegen-cache/.")
def build_command(site: str | None, when: str | None, output: str | None, strict: bool, no_cache: bool) -> None:
    """Build the site as it stands on one day.

    Live reports are published; scheduled, draft and withheld ones leave no
    trace; expired ones are taken down. An entry with an error is left out and
    everything else is still built.

    \b
    Examples:
      sitegen build
      sitegen build --as-of 2026-11-22 --output public
      sitegen build --site ../northshire --strict
    """
    loaded = load_site(site, stand_in=not no_cache)  # a mistake in sitegen.yaml must not stop the nightly build
    day = resolve_day(when, loaded)
    result = build(loaded, day, Path(output) if output else None, use_cache=not no_cache, progress=reading_progress)
    report_problems(result.problems)
    if result.failed:
        click.echo("The build stopped; the previous output was left as it was.", err=True)
        sys.exit(1)
    target = Path(output) if output else Path(site or ".") / "build"
    click.echo(f"Built the site as on {uk_date(day)} into {target}: {summary(result)}.")
    withheld = result.count(State.WITHHELD)
    if withheld:
        click.echo(f"{withheld} entr{'y was' if withheld == 1 else 'ies were'} left out because of the errors above.", err=True)
    if strict and result.errors:
        sys.exit(1)


def reading_progress(done: int, total: int) -> None:
    """Say why a first build of a large site takes a while, and how far it has got: a line as
    it starts and one at each tenth (nothing at all for a few documents)."""
    if total < ANNOUNCE_FROM:
        return
    if done == 0:
        click.echo(f"Reading {total:,} documents that sitegen has not seen before: each PDF is checked, copied without "
                   "its personal details and its text read for search. This takes a while the first time; later "
                   "builds reuse it from .sitegen-cache/.", err=True)
    elif done * 10 // total > (done - 1) * 10 // total:
        click.echo(f"Read {done:,} of {total:,} documents.", err=True)


ANNOUNCE_FROM = 50


@main.command("check")
@site_option
@as_of_option
def check_command(site: str | None, when: str | None) -> None:
    """Check the settings, every entry, every document and the theme, without building.

    Exits with status 1 when there is any error, so it can guard CI.

    \b
    Examples:
      sitegen check
      sitegen check --as-of 2027-01-15
    """
    from sitegen.build import assemble, output_problems
    from sitegen.documents import DocumentCache

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    memo = memo_of(loaded.config)
    cache = DocumentCache(loaded.config.cache_dir)
    site_model, problems = assemble(loaded.config, day, cache, inspect_all=True, progress=reading_progress, memo=memo)
    problems = loaded.problems + problems + output_problems(site_model, cache, memo)
    report_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    entries = len(site_model.placed)
    if errors:
        click.echo(f"Checked {entries} entries: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}.", err=True)
        sys.exit(1)
    click.echo(f"Checked {entries} entries: no errors, {warnings} warning{'s' if warnings != 1 else ''}.")


def today_in(loaded: LoadedConfig) -> date:
    """Today in the site's time zone: the only place the clock is read."""
    return resolve_day(None, loaded)


def fail(problem: Problem) -> None:
    report_problems([problem])
    sys.exit(1)


def answer(given, question: str, default, **prompt):
    """An option's value: as given; else asked for in a terminal (never otherwise); else the default."""
    if given is not None:
        return given
    return click.prompt(question, default=default, **prompt) if sys.stdin.isatty() else default


@main.command("new")
@site_option
@click.argument("type_key", metavar="TYPE", required=False)
@click.argument("pdf", metavar="PDF", required=False)
@click.option("--title", help="The entry's title. Default: the PDF's own title, or its file name made readable.")
@click.option("--published", metavar="DATE", help="The day it goes on the site, such as 2026-03-14. Default: today.")
@click.option("--slug", metavar="S", help="The last part of its web address, such as adult-a. Default: from the file name.")
def new_command(site: str | None, type_key: str | None, pdf: str | None, title: str | None, published: str | None,
                slug: str | None) -> None:
    """Start a content file for a report that is already in reports/.

    TYPE is the kind of review (sar, cspr, scr, dhr, briefing, learning-review
    or one of your own). PDF is the file's name in reports/. The file is written
    to content/TYPE/ with everything sitegen can fill in, and notes saying what
    to write in the rest. It never replaces an existing file. In a terminal,
    sitegen asks for anything you leave out.

    \b
    Examples:
      sitegen new sar reports/sar-adult-b-overview.pdf
      sitegen new dhr dhr-mr-j.pdf --title "Domestic Homicide Review: Mr J" --published 2026-06-01
    """
    from sitegen import newentry
    from sitegen.documents import DocumentCache, inspect
    from sitegen.entries import read_entries
    from sitegen.schema import Invalid, parse_iso_date

    loaded = load_site(site)
    config = loaded.config
    today = today_in(loaded)
    type_key = answer(type_key, "Type of review", None, type=click.Choice(list(config.types)))
    pdf = answer(pdf, "File in reports/", None)
    if type_key is None or pdf is None:
        raise click.UsageError("Give the type and the file, for example: sitegen new sar reports/sar-adult-b.pdf")
    rtype = newentry.review_type(config, type_key)
    if isinstance(rtype, Problem):
        fail(rtype)
    report = newentry.find_report(config, pdf)
    if isinstance(report, Problem):
        fail(report)
    info = inspect(config.root / report, DocumentCache(config.cache_dir))
    if not info.ok:
        fail(Problem(report, None, None, info.problem or "", f"{info.advice} Then run sitegen new again."))

    def as_date(text: str) -> date:
        try:
            return parse_iso_date(text)
        except Invalid as bad:
            raise click.BadParameter(f"{bad.message} {bad.advice}", param_hint="--published") from None

    title = answer(title, "Title", newentry.suggested_title(report, info))
    day = answer(None if published is None else as_date(published), "Published (year-month-day)", today, value_proc=as_date)
    slug = answer(slug, "Web address ends with", newentry.default_slug(report))
    new, problems, notes = newentry.plan(config, rtype, report, info, read_entries(config), title=title, published=day, slug=slug)
    if new is None:
        report_problems(problems)
        sys.exit(1)
    written = newentry.write(new)
    if written is not None:
        fail(written)
    click.echo(f"Wrote {new.source} for {report}.")
    for note in notes:
        click.echo(f"Note: {note}")
    click.echo("Still to fill in:")
    for item in new.still_to_fill_in():
        click.echo(f"  - {item}")
    click.echo(new.window_sentence(today))
    click.echo("Then run `sitegen check`, and `sitegen serve` to preview it.")


@main.command("status")
@site_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--expiring-within", "within", type=click.IntRange(min=0), metavar="DAYS",
              help="Only live entries that come down within this many days.")
def status_command(site: str | None, when: str | None, as_json: bool, within: int | None) -> None:
    """List every entry: live, scheduled, expired, draft or withheld, and when it comes down.

    "Comes down" is the first day an entry is no longer on the site. Withheld
    entries are listed with the errors that keep them off the site.

    \b
    Examples:
      sitegen status
      sitegen status --expiring-within 30
      sitegen status --as-of 2027-01-01 --json
    """
    from sitegen import status
    from sitegen.build import assemble
    from sitegen.documents import DocumentCache

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    site_model, _ = assemble(loaded.config, day, DocumentCache(loaded.config.cache_dir), memo=memo_of(loaded.config))
    rows = status.status_rows(site_model)
    if within is not None:
        rows = status.expiring(rows, within)
    if as_json:
        click.echo(status.to_json(rows))
        return
    if within is not None and not rows:
        click.echo(f"No live entries come down in the next {within} day{'s' if within != 1 else ''} (as on {uk_date(day)}).")
        return
    colours = {State.LIVE: "green", State.SCHEDULED: "blue", State.EXPIRED: None, State.DRAFT: "magenta", State.WITHHELD: "red"}
    for line in status.table(rows, lambda text, state: click.style(text, fg=colours[state], bold=(state is State.WITHHELD) or None)):
        click.echo(line)
    click.echo("")
    click.echo(status.summary(rows, day))
    withheld = [r for r in rows if r.state is State.WITHHELD]
    if withheld:
        click.echo("Withheld entries stay off the site until these errors are fixed:")
        for row in withheld:
            for text in row.errors:
                click.echo(f"  {text}")


@main.command("serve")
@site_option
@as_of_option
@click.option("--drafts", is_flag=True, help="Show drafts too, marked as drafts (in the preview only).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port to serve on.")
def serve_command(site: str | None, when: str | None, drafts: bool, port: int) -> None:
    """Preview the site on this computer, updated as you save changes.

    The preview is built in a temporary folder, never in build/, and every page
    says it is a preview. Open the address it shows in your browser; it is only
    reachable from this computer. Press Ctrl+C to stop.

    \b
    Examples:
      sitegen serve
      sitegen serve --as-of 2027-01-01
      sitegen serve --drafts --port 8001
    """
    from sitegen.serve import serve

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    sys.exit(serve(Path(site or "."), day, port, drafts, report=report_problems, echo=click.echo))


@main.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--name", help="The partnership's name. Default: a placeholder to change in sitegen.yaml.")
def init_command(folder: str, name: str | None) -> None:
    """Start a new partnership's site in DIR (a new or empty folder).

    It holds commented settings, the pages every site needs, one example review
    with an example PDF, and GUIDE.md, a short guide for comms officers.

    \b
    Examples:
      sitegen init northshire-learning
      sitegen init northshire-learning --name "Northshire Safeguarding Partnership"
    """
    from sitegen.scaffold import init_site

    today = as_of_day(None, "Europe/London", now=datetime.now(timezone.utc))
    written, problem = init_site(Path(folder), today, name)
    if problem:
        fail(problem)
    click.echo(f"Started a new site in {folder} ({len(written)} files).")
    click.echo("Next: edit sitegen.yaml (name, address, contact details), read GUIDE.md, then run")
    click.echo(f"  cd {folder}\n  sitegen check\n  sitegen serve")


@main.command("report")
@site_option
@click.option("--from", "start", metavar="DATE", required=True, help="The first day of the period, such as 2026-04-01.")
@click.option("--to", "end", metavar="DATE", required=True, help="The last day of the period, such as 2027-03-31.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV (for a spreadsheet) instead of a table.")
@click.option("--output", metavar="FILE", type=click.Path(dir_okay=False), help="Write to this file instead of the screen.")
@as_of_option
def report_command(site: str | None, start: str, end: str, as_csv: bool, output: str | None, when: str | None) -> None:
    """The publication record for the Board's annual report.

    Lists what went live and what came down between two dates (both included),
    from the content's own dates. It is never written into the public site.

    \b
    Examples:
      sitegen report --from 2026-04-01 --to 2027-03-31
      sitegen report --from 2026-04-01 --to 2027-03-31 --csv --output ~/sab-annual-report.csv
    """
    from sitegen import publication
    from sitegen.build import assemble
    from sitegen.documents import DocumentCache
    from sitegen.schema import Invalid, parse_iso_date

    loaded = load_site(site)
    config = loaded.config
    try:
        first, last = parse_iso_date(start), parse_iso_date(end)
    except Invalid as bad:
        raise click.BadParameter(f"{bad.message} {bad.advice}", param_hint="--from/--to") from None
    if last < first:
        raise click.BadParameter(f"{end} is before {start}.", param_hint="--to")
    target = Path(output) if output else None
    if target is not None:
        refusal = publication.unsafe_destination(config, target)
        if refusal:
            fail(refusal)
    # the day that tells what has happened from what is planned: today, unless --as-of says otherwise
    site_model, _ = assemble(config, resolve_day(when, loaded), DocumentCache(config.cache_dir), memo=memo_of(config))
    rec = publication.record(site_model, first, last)
    text = publication.to_csv(rec) if as_csv else publication.to_text(rec, config.name)
    if target is None:
        click.echo(text, nl=not as_csv)
    else:
        problem = publication.write(target, text)
        if problem:
            fail(problem)
        click.echo(f"Wrote the publication record ({len(rec.events)} events) to {target}.")
    for placed in rec.left_out:
        click.echo(f"{placed.entry.source}: left out of the record because it has an error today. Fix it (see sitegen check) and run the report again.", err=True)

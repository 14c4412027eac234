"""The `sitegen` command. Thin: it parses options, calls the pipeline and reports."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click

from sitegen import __version__
from sitegen.build import BuildResult, build, memo_of
from sitegen.content.config import LoadedConfig, load_config
from sitegen.core.messages import report_lines
from sitegen.core.problems import Problem
from sitegen.rules.addresses import listing_address
from sitegen.rules.dates import uk_date
from sitegen.rules.visibility import State, Window, as_of_day, parse_window

SITE_HELP = "The site folder (the one holding sitegen.yaml). Default: the current folder."
WHEN_HELP = ("a date (2026-11-22) or a date and time with an offset (2026-06-30T23:30:00+00:00), which is "
             "converted to the site's time zone. Default: today.")
AS_OF_HELP = {  # what --as-of does, command by command
    "build": "Build the site as it stands on this day: " + WHEN_HELP,
    "check": "Check the site as it stands on this day (which entries are live, scheduled or expired then): " + WHEN_HELP,
    "status": "Show each entry's state on this day: " + WHEN_HELP,
    "serve": "Preview the site as it will be on this day: " + WHEN_HELP,
}


def report_problems(problems: list[Problem], full: bool = False) -> None:
    """Errors first, then warnings, on standard error: in `full`, every warning with its advice;
    else warnings one line each, shared advice once, and a long list counted (see `sitegen.core.messages`)."""
    def label(problem: Problem) -> str:
        return click.style(problem.severity.value, fg="red" if problem.is_error else "yellow", bold=True)

    for line in report_lines(problems, full=full, label=label):
        click.echo(line, err=True)


def load_site(site: str | None, stand_in: bool = False) -> LoadedConfig:
    loaded = load_config(Path(site or "."), stand_in=stand_in)
    if loaded.config is None:
        report_problems(loaded.problems, full=True)
        click.echo("Nothing was done: fix the settings above first.", err=True)
        sys.exit(1)
    return loaded


def today_in(zone: str) -> date:
    """Today in the time zone `zone` (such as Europe/London): the only place sitegen reads the date
    or time of day (tests/test_clock.py checks). Everything else is given the day; timers that
    wait for something (time.monotonic) measure only how long it took."""
    return as_of_day(None, zone, now=datetime.now(timezone.utc))


def resolve_day(when: str | None, loaded: LoadedConfig) -> date:
    """The site day --as-of names, or today in the site's time zone when it is not given."""
    if when is None:
        return today_in(loaded.config.timezone)
    try:
        return as_of_day(when, loaded.config.timezone)
    except ValueError:
        raise click.BadParameter(
            f'"{when}" is not a date. Write a date such as 2026-11-22, or a date and time with an offset such as 2026-06-30T23:30:00+00:00.',
            param_hint="--as-of") from None


def site_option(func):
    return click.option("-C", "--site", "site", metavar="DIR", type=click.Path(file_okay=False), help=SITE_HELP)(func)


def as_of_option(command):
    """`@as_of_option("check")`: --as-of, with the help that says what `check` does with the day.
    Plain `@as_of_option` gives a help that fits any command."""
    if callable(command):
        return click.option("--as-of", "when", metavar="WHEN", help="Take the site as it stands on this day: " + WHEN_HELP)(command)
    return click.option("--as-of", "when", metavar="WHEN", help=AS_OF_HELP[command])


class Duration(click.ParamType):
    """A length of time written as sitegen.yaml's windows are ("30 days", "6 weeks"), or a number of days."""

    name = "duration"

    def convert(self, value, param, ctx):
        if isinstance(value, Window):
            return value
        try:
            window = parse_window(value, bare_number="days")
        except ValueError:
            window = None
        if window is None or window.never:
            self.fail(f'"{value}" is not a length of time. Write a number of days such as 30, or 30d, 30 days, 6 weeks or 3 months.', param, ctx)
        return window


def state_counts(result: BuildResult) -> str:
    """How many entries the build found in each state ("11 live, 1 scheduled, ..."), for its last line."""
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
      sitegen verify                     check the deployed site shows today's build
    """


@main.command("build")
@site_option
@as_of_option("build")
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False), help="Where to write the site. Default: build/ in the site folder.")
@click.option("--strict", is_flag=True, help="Exit with an error when there is any error (in an entry, the settings or the theme); what can be built is still built.")
@click.option("--no-cache", is_flag=True, help="Inspect every document again instead of using .sitegen-cache/.")
@click.option("-v", "--verbose", is_flag=True, help="Show every warning in full, with its advice (as sitegen check does).")
@click.option("--deploy-preview", is_flag=True, help="Build Netlify's deploy preview of a pull request (netlify.toml asks for it): "
              "every page says it is a preview and links to what sitegen check says, and each entry's page says when it goes "
              "up and comes down. Nothing more of an entry that is not live is shown unless sitegen.yaml says "
              "deploy_previews: protected: true. Never kept as the production site's last good output.")
def build_command(site: str | None, when: str | None, output: str | None, strict: bool, no_cache: bool, verbose: bool,
                  deploy_preview: bool) -> None:
    """Build the site as it stands on one day.

    Live reports are published; scheduled, draft and withheld ones leave no
    trace; expired ones are taken down. An entry with an error is left out and
    everything else is still built.

    \b
    Examples:
      sitegen build
      sitegen build --as-of 2026-11-22 --output public
      sitegen build --site ../northshire --strict
      sitegen build --deploy-preview
    """
    loaded = load_site(site, stand_in=not no_cache)  # a mistake in sitegen.yaml must not stop the nightly build
    day = resolve_day(when, loaded)
    from sitegen.commands.placeholders import placeholder_problems

    result = build(loaded, day, Path(output) if output else None, use_cache=not no_cache, progress=reading_progress,
                   deploy_preview=deploy_preview, also_told=lambda site_model: placeholder_problems(loaded.config, site_model))
    report_problems(result.problems, full=verbose)
    if result.failed:
        click.echo("The build stopped; the previous output was left as it was.", err=True)
        sys.exit(1)
    target = Path(output) if output else Path(site or ".") / "build"
    if result.took_down_only is not None:
        down = result.took_down_only
        click.echo(f"TAKE-DOWN ONLY: the build failed, so {target} holds the site built for {down.built_for} with "
                   f"{len(down.removed)} address{'es' if len(down.removed) != 1 else ''} taken down today. See the error above.", err=True)
        sys.exit(1 if strict else 0)  # deployed all the same (without --strict): the reports must come down today
    what = "a deploy preview of the site" if deploy_preview else "the site"
    click.echo(f"Built {what} as on {uk_date(day)} into {target}: {state_counts(result)}.")
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
@as_of_option("check")
@click.option("--links", "check_links", is_flag=True, help="Also check that the links to other sites work (with lychee; "
              "a broken one is a warning, never an error).")
def check_command(site: str | None, when: str | None, check_links: bool) -> None:
    """Check the settings, every entry, every document and the theme, without building.

    Exits with status 1 when there is any error, so it can guard CI.

    \b
    Examples:
      sitegen check
      sitegen check --as-of 2027-01-15
      sitegen check --links
    """
    from sitegen.build import assemble, output_problems
    from sitegen.documents.inspection import DocumentCache
    from sitegen.commands.placeholders import placeholder_problems

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    memo = memo_of(loaded.config)
    cache = DocumentCache(loaded.config.cache_dir)
    site_model, problems = assemble(loaded.config, day, cache, inspect_all=True, progress=reading_progress, memo=memo)
    problems = loaded.problems + problems + output_problems(site_model, cache, memo) + placeholder_problems(loaded.config, site_model)
    if check_links:
        from sitegen.rendering.links import check_external

        problems += check_external(site_model)
    report_problems(problems, full=True)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    entries = len(site_model.entries)
    if errors:
        click.echo(f"Checked {entries} entries: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}.", err=True)
        sys.exit(1)
    click.echo(f"Checked {entries} entries: no errors, {warnings} warning{'s' if warnings != 1 else ''}.")


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
@click.option("--title", help="The entry's title. Default: the type and whom the review is about, from the file name or the "
              "PDF's own title (sar-mr-k-overview.pdf: \"Safeguarding Adults Review: Mr K\").")
@click.option("--published", metavar="DATE", help="The day it goes on the site, such as 2026-03-14. Default: today.")
@click.option("--slug", metavar="S", help="The last part of its web address, such as mr-k (/sar/mr-k/). Default: whom the review is about.")
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
    from sitegen.commands import newentry
    from sitegen.documents.inspection import DocumentCache, inspect
    from sitegen.content.entries import read_entries
    from sitegen.content.schema import Invalid, parse_iso_date

    loaded = load_site(site)
    config = loaded.config
    today = today_in(loaded.config.timezone)
    type_key = answer(type_key, "Type of review", None, type=click.Choice(list(config.types)))
    pdf = answer(pdf, "File in reports/", None)
    if type_key is None or pdf is None:
        raise click.UsageError("Give the type and the file, for example: sitegen new sar reports/sar-adult-b.pdf")
    rtype = newentry.review_type(config, type_key)
    if isinstance(rtype, Problem):
        fail(rtype)
    entries = read_entries(config)
    report = newentry.find_report(config, pdf, entries)
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

    offered = newentry.suggest(report, info, rtype)
    own_title = newentry.own_title_warning(report, info)
    if own_title is not None:
        report_problems([own_title], full=True)
    title = answer(title, "Title", offered.title)
    day = answer(None if published is None else as_date(published), "Published (year-month-day)", today, value_proc=as_date)
    slug = answer(slug, f"Web address ends with (after {config.url(listing_address(rtype.key))})", offered.slug)
    new, problems, notes = newentry.entry_to_write(config, rtype, report, info, entries, title=title, published=day,
                                                   slug=slug, document_title=offered.document_title)
    if new is None:
        report_problems(problems)
        sys.exit(1)
    click.echo(f"Title: {new.title}")
    click.echo(f"Address: {config.url(new.url)}")
    click.echo(f"Document: {new.report}, called \"{new.document_title}\"")
    if new.word:
        click.echo(f"Web page: made from {new.word}")
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
@as_of_option("status")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option("--expiring-within", "within", type=Duration(), metavar="TIME",
              help="Only live entries that come down within this time: a number of days (30), or 30d, 30 days, 6 weeks, 3 months.")
def status_command(site: str | None, when: str | None, as_json: bool, within: Window | None) -> None:
    """List every entry: live, scheduled, expired, draft or withheld, and when it comes down.

    "Comes down" is the first day an entry is no longer on the site. Withheld
    entries are listed with the errors that keep them off the site.

    \b
    Examples:
      sitegen status
      sitegen status --expiring-within 30
      sitegen status --expiring-within "6 weeks"
      sitegen status --as-of 2027-01-01 --json
    """
    from sitegen.commands import status
    from sitegen.build import assemble
    from sitegen.documents.inspection import DocumentCache

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    site_model, _ = assemble(loaded.config, day, DocumentCache(loaded.config.cache_dir), memo=memo_of(loaded.config))
    rows = status.status_rows(site_model)
    if within is not None:
        rows = status.expiring(rows, day, within)
    if as_json:
        click.echo(status.to_json(rows))
        return
    if within is not None and not rows:
        click.echo(f"No live entries come down in the next {within} (as on {uk_date(day)}).")
        return
    colours = {State.LIVE: "green", State.SCHEDULED: "blue", State.EXPIRED: None, State.DRAFT: "magenta", State.WITHHELD: "red"}
    for line in status.table(rows, lambda text, state: click.style(text, fg=colours[state], bold=(state is State.WITHHELD) or None)):
        click.echo(line)
    click.echo("")
    click.echo(status.counts_on_day(rows, day))
    withheld = [r for r in rows if r.state is State.WITHHELD]
    if withheld:
        click.echo("Withheld entries stay off the site until these errors are fixed:")
        for row in withheld:
            for text in row.errors:
                click.echo(f"  {text}")


@main.command("verify")
@site_option
@click.argument("url", metavar="URL", required=False)
@click.option("--as-of", "when", metavar="WHEN", help="Check the site as it should stand on this day (a date such as 2026-11-22). Default: today.")
@click.option("--wait", "wait", metavar="MINUTES", type=click.IntRange(min=0), default=0,
              help="First wait up to this many minutes for the site to show the build for the day (after a deploy was started).")
def verify_command(site: str | None, url: str | None, when: str | None, wait: int) -> None:
    """Check that the deployed site shows what today's build decides.

    Run it in the site's folder after a deploy. It works out, from the
    content, what each report's addresses must answer today and asks the
    site at URL (default: base_url in sitegen.yaml): live reports and their
    documents are there with the date they come down; reports taken down show
    their notice and their documents answer 410 Gone; nothing scheduled, draft
    or withheld answers; every answer has the security headers of
    netlify.toml; and /sitegen.json says the site was built for today.
    Each difference is listed, and the exit status is 1 if there is any.

    \b
    Examples:
      sitegen verify
      sitegen verify https://learning.northshire.example --wait 30
    """
    from sitegen.commands import verify
    from sitegen.build import assemble
    from sitegen.documents.inspection import DocumentCache

    loaded = load_site(site)
    config = loaded.config
    day = resolve_day(when, loaded)
    base = url or config.base_url
    if not base.startswith(("http://", "https://")):
        raise click.BadParameter(f'"{base}" is not a web address. Write it in full, such as https://learning.northshire.example.', param_hint="URL")
    if wait:
        seen = verify.wait_for_build(base, day, wait * 60, say=lambda line: click.echo(line, err=True))
        if seen is not None and seen.built_for == day.isoformat():
            click.echo(f"{base} shows the build for {uk_date(day)}.", err=True)
    site_model, _ = assemble(config, day, DocumentCache(config.cache_dir), memo=memo_of(config))
    result = verify.verify(site_model, base, verify.security_headers(config.root))
    for finding in verify.summarised(result.findings):
        click.echo(f"{click.style('difference', fg='red', bold=True)}: {finding}", err=True)
    if result.findings:
        count = len(result.findings)
        click.echo(f"Checked {result.checked} addresses at {base} as on {uk_date(day)}: {count} difference{'s' if count != 1 else ''} "
                   "from what the content decides.", err=True)
        sys.exit(1)
    click.echo(f"Checked {result.checked} addresses at {base} as on {uk_date(day)}: the site shows what the content decides.")


@main.command("serve")
@site_option
@as_of_option("serve")
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
    from sitegen.preview.serve import serve

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    sys.exit(serve(Path(site or "."), day, port, drafts, report=report_problems, echo=click.echo))


@main.command("init")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--name", help="The partnership's name. Default: a placeholder to change in sitegen.yaml.")
def init_command(folder: str, name: str | None) -> None:
    """Start a new partnership's site in DIR (a new or empty folder).

    It holds commented settings, the pages every site needs, one example review
    with an example PDF, GUIDE.md, a short guide for comms officers, and the
    files that deploy it with Netlify and rebuild it every night (netlify.toml,
    .github/workflows/nightly.yml, plugins/, requirements/deploy.txt). These
    install this same sitegen, from where it was installed from.

    \b
    Examples:
      sitegen init northshire-learning
      sitegen init northshire-learning --name "Northshire Safeguarding Partnership"
    """
    from sitegen.content.config import DEFAULT_TIMEZONE
    from sitegen.commands.deployfiles import deployment_files, installed_source
    from sitegen.commands.scaffold import init_site

    requirement, not_deployable = installed_source()
    extra = deployment_files(requirement) if requirement else {}
    # the example review is published today, in the time zone a new site's settings have
    written, problem = init_site(Path(folder), today_in(DEFAULT_TIMEZONE), name, extra)
    if problem:
        fail(problem)
    click.echo(f"Started a new site in {folder} ({len(written)} files).")
    if requirement:
        click.echo(f"Its Netlify build and nightly workflow install {requirement}: see GUIDE.md, 'Putting the site online'.")
    else:
        report_problems([not_deployable], full=True)
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
    from sitegen.commands import publication
    from sitegen.build import assemble
    from sitegen.documents.inspection import DocumentCache
    from sitegen.content.schema import Invalid, parse_iso_date

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
    for entry_on_day in rec.left_out:
        click.echo(f"{publication.where_left_out(entry_on_day)}: left out of the record because it has an error today: "
                   f"{publication.why_left_out(entry_on_day)} Fix it (see sitegen check) and run the report again.", err=True)

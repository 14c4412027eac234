"""The `sitegen` command. Thin: it parses options, calls the pipeline and reports."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click

from sitegen import __version__
from sitegen.build import BuildResult, build
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


def load_site(site: str | None) -> LoadedConfig:
    loaded = load_config(Path(site or "."))
    if loaded.config is None:
        report_problems(loaded.problems)
        click.echo("Nothing was built: fix the settings above first.", err=True)
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
    """


@main.command("build")
@site_option
@as_of_option
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False), help="Where to write the site. Default: build/ in the site folder.")
@click.option("--strict", is_flag=True, help="Exit with an error when any entry has an error (it is still left out and the rest is built).")
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
    loaded = load_site(site)
    day = resolve_day(when, loaded)
    result = build(loaded, day, Path(output) if output else None, use_cache=not no_cache)
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


@main.command("check")
@site_option
@as_of_option
def check_command(site: str | None, when: str | None) -> None:
    """Check the settings, every entry and every document, without building.

    Exits with status 1 when there is any error, so it can guard CI.

    \b
    Examples:
      sitegen check
      sitegen check --as-of 2027-01-15
    """
    from sitegen.build import assemble
    from sitegen.documents import DocumentCache

    loaded = load_site(site)
    day = resolve_day(when, loaded)
    site_model, problems = assemble(loaded.config, day, DocumentCache(loaded.config.cache_dir), inspect_all=True)
    problems = loaded.problems + problems
    report_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    entries = len(site_model.placed)
    if errors:
        click.echo(f"Checked {entries} entries: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}.", err=True)
        sys.exit(1)
    click.echo(f"Checked {entries} entries: no errors, {warnings} warning{'s' if warnings != 1 else ''}.")

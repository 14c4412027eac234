"""How problems are told on the terminal: errors first, warnings short.

Errors always come first and whole, with what to do. In full (`sitegen check`, or
`--verbose`), every warning follows with its advice, then the notes (shown only then). Otherwise (a build, a preview) warnings
follow on one line each, without advice that many of them share: that advice is said once,
at the end, as a numbered note ("[1]") that each of its warnings points to; and past `limit`
warnings the rest are counted, not listed, so that a large site's build does not print
thousands of lines.
"""

from __future__ import annotations

from typing import Callable, Iterable

from sitegen.core.problems import Problem, Severity

WARNINGS_SHOWN = 20  # warnings listed one by one in a short report; the rest are counted


def _ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then warnings, each by file and line; each problem once."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (not p.is_error, p.file, p.line or 0, p.message))


def report_lines(problems: Iterable[Problem], *, full: bool, limit: int = WARNINGS_SHOWN,
                 label: Callable[[Problem], str] = lambda p: p.severity.value) -> list[str]:
    """The lines that tell `problems`. `label` may colour "error" and "warning"."""
    ordered = _ordered(problems)
    errors = [p for p in ordered if p.is_error]
    warnings = [p for p in ordered if p.severity is Severity.WARNING]
    lines = [p.format(label(p)) for p in errors]
    if full:
        return lines + [p.format(label(p)) for p in warnings] + [p.format(label(p)) for p in ordered if p.severity is Severity.NOTE]
    shown = warnings[:limit]
    shared = _shared_advice(shown)
    for problem in shown:
        note = shared.get(problem.advice)
        lines.append(problem.format(label(problem), f"[{note}]" if note else None))
    hidden = warnings[limit:]
    if hidden:
        files = len({p.file for p in hidden})
        lines.append(f"... and {len(hidden):,} more warning{'s' if len(hidden) != 1 else ''} in {files:,} "
                     f"file{'s' if files != 1 else ''}: run `sitegen check` to see every warning in full.")
    for advice, note in shared.items():
        lines.append(f"[{note}] {advice}")
    return lines


def _shared_advice(warnings: list[Problem]) -> dict[str, int]:
    """Advice given with more than one of `warnings`, numbered in the order first given."""
    counts: dict[str, int] = {}
    for problem in warnings:
        if problem.advice:
            counts[problem.advice] = counts.get(problem.advice, 0) + 1
    numbered: dict[str, int] = {}
    for advice, count in counts.items():
        if count > 1:
            numbered[advice] = len(numbered) + 1
    return numbered

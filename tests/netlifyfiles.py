"""Small readers for Netlify's `_headers` and `_redirects` files, for tests, and
matchers that answer for one request path the way Netlify's rules read:

- a path without `*` matches that path with or without its trailing slash
  (/sar/x/ matches /sar/x and /sar/x/, not /sar/x/index.html);
- a path ending in `/*` matches everything under it;
- in `_redirects` the first matching rule wins; `410!` is status 410, forced.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderRule:
    path: str
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Redirect:
    source: str
    target: str
    status: int
    force: bool


def _content_lines(text: str):
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def parse_headers(text: str) -> list[HeaderRule]:
    """`/path` lines, each followed by indented `Name: value` lines."""
    rules: list[HeaderRule] = []
    path, headers = None, []
    for number, line in _content_lines(text):
        if line.startswith("/"):
            if path is not None:
                rules.append(HeaderRule(path, tuple(headers)))
            path, headers = line.strip(), []
            assert " " not in path, f"_headers line {number}: a path with a space: {line!r}"
            continue
        assert line[:1] in (" ", "\t") and path is not None, f"_headers line {number}: a header with no path above it: {line!r}"
        name, colon, value = line.strip().partition(":")
        assert colon and name.strip() and value.strip(), f"_headers line {number}: not `Name: value`: {line!r}"
        headers.append((name.strip(), value.strip()))
    if path is not None:
        rules.append(HeaderRule(path, tuple(headers)))
    assert all(rule.headers for rule in rules), "_headers: a path with no headers"
    return rules


def parse_redirects(text: str) -> list[Redirect]:
    """`from to status[!]` lines."""
    found = []
    for number, line in _content_lines(text):
        parts = line.split()
        assert len(parts) == 3, f"_redirects line {number}: expected `from to status`: {line!r}"
        source, target, status = parts
        assert source.startswith("/") and target.startswith("/"), f"_redirects line {number}: {line!r}"
        assert status.rstrip("!").isdigit(), f"_redirects line {number}: not a status: {status!r}"
        found.append(Redirect(source, target, int(status.rstrip("!")), status.endswith("!")))
    return found


def path_matches(rule: str, request: str) -> bool:
    assert ":" not in rule and "*" not in rule.rstrip("*"), f"placeholders are not expected here: {rule}"
    if rule.endswith("/*"):
        return request.startswith(rule[:-1]) or request == rule[:-2]
    return rule.rstrip("/") == request.rstrip("/") if rule != "/" else request == "/"


def headers_for(rules: list[HeaderRule], request: str) -> list[tuple[str, str]]:
    """Every header the matching rules add, in file order."""
    return [header for rule in rules if path_matches(rule.path, request) for header in rule.headers]


def redirect_for(redirects: list[Redirect], request: str) -> Redirect | None:
    return next((r for r in redirects if path_matches(r.source, request)), None)

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


class ServedFolder:
    """A built site answered the way Netlify answers it, in memory, for `sitegen verify`'s tests:
    a file (a folder's index.html), its headers from `_headers` and from netlify.toml's rules for
    every path (`security`), forced `_redirects` rules (410 with their target's page), and 404
    with /404.html for anything else. `fetch` has the signature of `sitegen.commands.verify.http_fetch`.
    The real Netlify CLI is used by tests/test_fresh_clone.py."""

    def __init__(self, folder, security: dict[str, str] | None = None):
        self.folder = folder
        self.security = dict(security or {})
        self.asked: list[str] = []

    def _file(self, path: str):
        target = self.folder / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        return target if target.is_file() else None

    def fetch(self, url: str, body: bool):
        from email.message import Message
        from urllib.parse import urlsplit

        from sitegen.commands.verify import Response

        path = urlsplit(url).path or "/"
        self.asked.append(path)
        headers_file = self.folder / "_headers"
        redirects_file = self.folder / "_redirects"
        header_rules = parse_headers(headers_file.read_text()) if headers_file.is_file() else []
        redirects = parse_redirects(redirects_file.read_text()) if redirects_file.is_file() else []
        rule = redirect_for(redirects, path)
        found = self._file(path)
        if rule is not None and (rule.force or found is None):
            status, found = rule.status, self._file(rule.target)
        elif found is not None:
            status = 200
        else:
            status, found = 404, self._file("/404.html")
        message = Message()
        for name, value in [*headers_for(header_rules, path), *self.security.items()]:
            message[name] = value
        return Response(status, message, found.read_bytes() if (found is not None and body) else b"")

"""`sitegen verify`: ask the deployed site whether it shows what today's build decides.

A build log only says that a build ran; the public sees what the host serves. So after each
deploy the nightly run asks the site itself, over HTTP, for every address whose answer the
content decides (`sitegen.output.deployment.expectations`):

- the build marker (/sitegen.json) says the site was built for today, from the same content;
- every live entry's page and documents answer 200 with their `X-Robots-Tag: unavailable_after`;
- every report taken down shows its notice (200, `noindex`) or answers 410, and its documents 410;
- no address of a scheduled, draft or withheld entry answers 200;
- every answer carries the security headers that netlify.toml sets for every page;
- an address that was never part of the site answers 404.

Each difference is a `Finding` in plain English that names the report. Redirects are never
followed: an address answers for itself. Nothing here reads the clock; the day is passed in.
"""

from __future__ import annotations

import http.client
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from pathlib import Path
from typing import Callable

from sitegen import __version__
from sitegen.output.deployment import Answer, Expected, Marker, expectations, marker
from sitegen.output.takedown import TAKE_DOWN_ONLY
from sitegen.search.index import BUNDLE, START_FILE
from sitegen.rules.addresses import BUILD_MARKER
from sitegen.rules.dates import uk_date
from sitegen.rendering.site import Site

SEARCH_START = f"/{BUNDLE}/{START_FILE}"  # what the search page reads first: there when the site has a search index
BODY_LIMIT = 2_000_000  # bytes of a page read to look inside it (documents are never read)
TIMEOUT = 30  # seconds for one request
ATTEMPTS = 3  # a request that cannot reach the site, or gets a 5xx, is tried again this many times in all
WORKERS = 8  # requests at once


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def header_values(self, name: str) -> list[str]:
        """Every value sent for `name`, however the server split or joined them."""
        return [part.strip() for line in self.headers.get_all(name) or [] for part in line.split(",")]


class Unreachable(Exception):
    """The site could not be asked (no answer, a broken connection, a name that does not resolve)."""


Fetch = Callable[[str, bool], Response]  # (absolute URL, whether to read the body) -> response


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002 - urllib's own signature
        return None  # a 3xx is then raised as an HTTPError: the answer of this address itself


def http_fetch(url: str, body: bool) -> Response:
    """GET `url` without following redirects; the body (up to BODY_LIMIT) only when asked."""
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": f"sitegen-verify/{__version__}"})
    last = ""
    for attempt in range(ATTEMPTS):
        try:
            try:
                with opener.open(request, timeout=TIMEOUT) as answer:
                    return Response(answer.status, answer.headers, answer.read(BODY_LIMIT) if body else b"")
            except urllib.error.HTTPError as answer:
                with answer:
                    if answer.code >= 500 and attempt + 1 < ATTEMPTS:
                        last = f"it answered {answer.code}"
                        continue
                    return Response(answer.code, answer.headers, answer.read(BODY_LIMIT) if body else b"")
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            last = str(getattr(exc, "reason", None) or exc)
    raise Unreachable(last)


@dataclass(frozen=True)
class Finding:
    message: str
    advice: str = ""
    kind: str = ""  # findings of one kind that is not about a report being online or not are summed up

    def __str__(self) -> str:
        return f"{self.message} {self.advice}".strip()


@dataclass
class Verification:
    base: str
    day: date
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    deployed: Marker | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


def summarised(findings: list[Finding], keep: int = 3) -> list[Finding]:
    """The findings to print: every one about a report being online or not, and of each other kind
    the first `keep` and a line counting the rest (a missing _headers file would otherwise give one
    line for every address)."""
    shown: list[Finding] = []
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
        if not finding.kind or counts[finding.kind] <= keep:
            shown.append(finding)
    for kind, count in counts.items():
        if kind and count > keep:
            shown.append(Finding(f"... and {count - keep} more addresses like the {keep} above.", kind=kind))
    return shown


def security_headers(site_root: Path) -> dict[str, str]:
    """The headers netlify.toml sets for every address (`[[headers]]` with `for = "/*"`); none
    when the site has no netlify.toml."""
    try:
        settings = tomllib.loads((site_root / "netlify.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    found: dict[str, str] = {}
    for rule in settings.get("headers", []):
        if isinstance(rule, dict) and rule.get("for") == "/*":
            found.update({str(k): str(v) for k, v in (rule.get("values") or {}).items()})
    return found


def read_marker(base: str, fetch: Fetch = http_fetch) -> Marker | None:
    """The build marker the site serves, or None when it serves none."""
    answer = fetch(address(base, "/" + BUILD_MARKER), True)
    return Marker.parse(answer.body) if answer.status == 200 else None


def wait_for_build(base: str, day: date, limit: float, fetch: Fetch = http_fetch,
                   sleep: Callable[[float], None] | None = None, clock: Callable[[], float] | None = None,
                   every: float = 15.0, say: Callable[[str], None] = lambda line: None) -> Marker | None:
    """Ask for the marker every `every` seconds until the site shows a build for `day` or `limit`
    seconds have passed; the last marker seen (None if none)."""
    import time

    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + limit
    seen: Marker | None = None
    told = False
    while True:
        try:
            seen = read_marker(base, fetch)
        except Unreachable:
            seen = None
        if seen is not None and seen.built_for >= day.isoformat():
            return seen
        if clock() + every > deadline:
            return seen
        if not told:
            now = f"it shows the build for {_day_text(seen.built_for)}" if seen else "it shows no build marker yet"
            say(f"Waiting for {base} to show the build for {uk_date(day)} ({now})...")
            told = True
        sleep(every)


def address(base: str, path: str) -> str:
    """The absolute address of a site path on the deployed site (as `SiteConfig.url` joins them)."""
    return base.rstrip("/") + path


def verify(site: Site, base: str, headers: dict[str, str], fetch: Fetch = http_fetch) -> Verification:
    """Compare what the site at `base` answers with what `site` (the content, on its day) decides."""
    result = Verification(base, site.as_of)
    try:
        result.deployed = read_marker(base, fetch)
    except Unreachable as exc:
        result.findings.append(Finding(f"{base} could not be reached ({exc}).",
                                       "Check the address, and that the site is online (Netlify: Deploys)."))
        return result
    result.findings += _marker_findings(site, base, result.deployed)
    if result.deployed is not None and not result.deployed.digest.startswith(TAKE_DOWN_ONLY):
        result.findings += _search_findings(base, fetch)
    expected = expectations(site)
    missing_headers: dict[str, list[str]] = {}

    def ask(item: Expected) -> tuple[Expected, Response | Unreachable]:
        try:
            return item, fetch(address(base, item.path), item.answer is Answer.NOTICE)
        except Unreachable as exc:
            return item, exc

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = list(pool.map(ask, expected))
    probe = f"/sitegen-verify-no-such-page-{site.as_of.isoformat()}/"
    answers.append((None, ask(Expected(probe, Answer.ABSENT, None))[1]))
    for item, answer in answers:
        result.checked += 1
        if isinstance(answer, Unreachable):
            result.findings.append(Finding(f"{address(base, item.path if item else probe)} could not be reached ({answer}).",
                                           "Run sitegen verify again; if this stays, check that the site is online."))
            continue
        result.findings += _answer_findings(site, base, item, answer) if item else _not_found_findings(base, probe, answer)
        for name, value in headers.items():
            if answer.status in (200, 404, 410) and (answer.header(name) or "").strip() != value.strip():
                missing_headers.setdefault(name, []).append(address(base, item.path if item else probe))
    for name, where in missing_headers.items():
        others = f" and {len(where) - 1} other address{'es' if len(where) > 2 else ''}" if len(where) > 1 else ""
        result.findings.append(Finding(f"{where[0]}{others} do not send the security header {name} as netlify.toml sets it.",
                                       "Check that netlify.toml is in the repository Netlify builds, and its [[headers]] section.",
                                       "security"))
    return result


def _day_text(iso: str) -> str:
    try:
        return uk_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def _marker_findings(site: Site, base: str, deployed: Marker | None) -> list[Finding]:
    if deployed is None:
        return [Finding(f"{address(base, '/' + BUILD_MARKER)} does not say which day the site was built for: the site there was "
                        "not built by this version of sitegen, or has not been deployed.",
                        "Check Netlify's Deploys page for a failed deploy.")]
    today = site.as_of.isoformat()
    if deployed.preview:
        return [Finding(f"The site at {base} is a deploy preview's build, not the site's own: it may show what is not "
                        "public yet, and its problems page is open to anyone.",
                        "Open Netlify's Deploys page and publish the latest production deploy (or choose Trigger "
                        "deploy); a deploy preview must never be published at the site's own address.")]
    if deployed.built_for != today:
        when = "a later day" if deployed.built_for > today else "an earlier day"
        return [Finding(f"The site at {base} was built for {_day_text(deployed.built_for)} ({when}), not for {uk_date(site.as_of)}: "
                        "today's build has not been deployed.",
                        "Open Netlify's Deploys page: if the last deploy failed, its log says why; to publish today's site "
                        "now, choose Trigger deploy.")]
    if deployed.digest.startswith(TAKE_DOWN_ONLY):
        return [Finding(f"The site at {base} is a take-down only build for {uk_date(site.as_of)}: the build failed, so the "
                        "last good site was published again with the reports due to come down taken down, and nothing new "
                        "put up, and without search.",
                        "Read the error in Netlify's deploy log (or .sitegen-cache/last-failure.txt) and report it: it is "
                        "a fault in sitegen. The next build that succeeds puts everything right.")]
    if deployed.digest != marker(site).digest:
        return [Finding(f"The site at {base} was built for {uk_date(site.as_of)}, but not from the content in this folder: "
                        "its public addresses differ from the ones this content decides.",
                        "A change that has not been deployed yet, or a report removed from content/ that is still "
                        "online. See the differences below, and Netlify's Deploys page.")]
    return []


def _search_findings(base: str, fetch: Fetch) -> list[Finding]:
    """Whether the deployed site can be searched: a build whose search index could not be made
    still publishes the rest of the site (and exits 0), so only the deployed site tells."""
    start = address(base, SEARCH_START)
    try:
        answer = fetch(start, True)
    except Unreachable:
        return []  # told with the other addresses, if the site cannot be reached
    if answer.status == 200 and answer.body.lstrip().startswith(b"{"):
        return []
    return [Finding(f"The site at {base} has no search index ({start} answers {answer.status}): its build could not make "
                    "one, so the site was published without search.",
                    "Look for \"pagefind: error\" in Netlify's deploy log, then choose Trigger deploy; if it stays, "
                    "report it with that log.", "search")]


def _who(item: Expected) -> str:
    if item.entry_on_day is None:
        return "The home page"
    entry = item.entry_on_day.entry
    return f"{entry.title or entry.slug} ({entry.source})"


def _what(item: Expected, base: str) -> str:
    where = address(base, item.path)
    return f"its document {item.document} at {where}" if item.document else f"its page {where}"


def _answer_findings(site: Site, base: str, item: Expected, answer: Response) -> list[Finding]:
    who, what, status = _who(item), _what(item, base), answer.status
    entry = item.entry_on_day.entry if item.entry_on_day else None
    down = uk_date(entry.hidden_from) if entry and entry.hidden_from else None
    if item.answer is Answer.LIVE:
        if status != 200:
            return [Finding(f"{who} should be on the site today, but {what} answers {status}.",
                            "If it went live today, today's build may not be deployed: check Netlify's Deploys page.")]
        if item.robots and item.robots not in answer.header_values("X-Robots-Tag"):
            return [Finding(f"{who}: {what} does not send 'X-Robots-Tag: {item.robots}', so search engines may keep "
                            f"showing it after it comes down on {down}.",
                            "Check that the build's _headers file was published (it is written on every build).", "robots")]
        return []
    if item.answer is Answer.NOTICE:
        if status == 200 and "noindex" in [value.lower() for value in answer.header_values("X-Robots-Tag")]:
            leaked = [d.name for d in entry.documents if any(url.encode("utf-8") in answer.body for url in entry.document_urls(d))]
            if leaked:
                return [Finding(f"{who} was taken down on {down}, but {what} still links to {', '.join(leaked)}.",
                                "Rebuild and deploy today's site (Netlify: Deploys, Trigger deploy).")]
            return []
        if status == 200 and any(v.startswith("unavailable_after") for v in answer.header_values("X-Robots-Tag")):
            return [Finding(f"{who} came down on {down}, but {what} still shows the report: it is still online.",
                            "Rebuild and deploy today's site now (Netlify: Deploys, Trigger deploy).")]
        if status == 200:
            return [Finding(f"{who} was taken down on {down}, but {what} answers without 'X-Robots-Tag: noindex', so "
                            "search engines may index its notice.",
                            "Check that the build's _headers file was published (it is written on every build).", "noindex")]
        return [Finding(f"{who} was taken down on {down}; {what} should show a short notice, but answers {status}.",
                        "Rebuild and deploy today's site (Netlify: Deploys, Trigger deploy).")]
    if item.answer is Answer.GONE:
        if status == 200:
            return [Finding(f"{who} came down on {down}, but {what} still answers 200: the report is still online.",
                            "Rebuild and deploy today's site now (Netlify: Deploys, Trigger deploy). If it stays online, "
                            "ask Netlify support to remove it.")]
        if status != 410:
            return [Finding(f"{who} came down on {down}; {what} answers {status} instead of 410 Gone, so search engines "
                            "may take longer to drop it.",
                            "Check that the build's _redirects file was published (it is written on every build).", "gone")]
        return []
    if status == 200:
        state = item.entry_on_day.state.value if item.entry_on_day else "not public"
        return [Finding(f"{who} is {state} today and must not be on the site, but {what} answers 200.",
                        "Rebuild and deploy today's site now (Netlify: Deploys, Trigger deploy), and check that "
                        "nothing else publishes the folder.")]
    return []


def _not_found_findings(base: str, probe: str, answer: Response) -> list[Finding]:
    if answer.status != 404:
        return [Finding(f"{address(base, probe)}, an address that was never part of the site, answers {answer.status} "
                        "instead of 404 Page not found.",
                        "Check the redirect rules in netlify.toml: a rule for /* may be catching every address.")]
    return []

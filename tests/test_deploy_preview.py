"""Netlify's deploy preview of a pull request (`sitegen build --deploy-preview`): a page of what
`sitegen check` says, a banner and a note on each entry's page; on an unprotected preview (a public
address) nothing of an entry that is not live, not even quoted in a message; a protected one shows
scheduled entries early; nothing of a preview ever reaches the production site."""

from __future__ import annotations

import json
from html import unescape
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SiteMaker, occurrences, read_output
from pdfmaker import make_pdf
from sitegen.commands.cli import main
from sitegen.content.config import SITE_FIELDS
from sitegen.output.takedown import RECORD
from sitegen.rendering import render
from sitegen.rules.addresses import PREVIEW_PROBLEMS, SITE_FILES, output_file

DAY = date(2026, 11, 22)
PROBLEMS_FILE = output_file(PREVIEW_PROBLEMS)


def _site(root: Path) -> SiteMaker:
    """A live report, a scheduled one (with a PDF), a draft and one withheld for a date written wrongly."""
    site = SiteMaker(root)
    site.entry("live-one", published=date(2026, 3, 1), title="Adult L", documents=["live.pdf"])
    site.entry("later", published=date(2027, 1, 10), title="SCHEDULEDTITLE", summary="SCHEDULEDSUMMARY.",
               documents=["later.pdf"], body="SCHEDULEDBODY")
    site.entry("drafty", published=date(2026, 2, 1), title="DRAFTTITLE", draft=True, body="DRAFTBODY")
    site.raw("content/held.md", "---\ntitle: HELDTITLE\ntype: sar\npublished: 2026-13-45\nsummary: x.\n"
                                "documents: none\nsummray: HELDKEY\n---\nHELDBODY\n")
    return site


@pytest.fixture
def preview_site(tmp_path) -> SiteMaker:
    return _site(tmp_path / "site")


def _build(site: SiteMaker, out: Path, protected: bool | None = None, **kwargs):
    if protected is not None:
        site.write_settings(deploy_previews={"protected": protected})
    result, out = site.build(DAY, out, **kwargs)
    assert not result.failed, [p.format() for p in result.problems]
    return result, read_output(out)


def _text(html: bytes) -> str:
    """A page's words, without its markup."""
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode("utf-8")))
    return unescape(re.sub(r" ([,.])", r"\1", words))


def test_a_production_build_of_the_same_site_shows_none_of_it(preview_site, tmp_path):
    _, preview = _build(preview_site, tmp_path / "preview", deploy_preview=True)
    _, production = _build(preview_site, tmp_path / "production")
    for needle in ("preview-problems", "Deploy preview", "went up on", "comes down on", "sitegen check says", "deploy_preview"):
        assert occurrences(preview, needle), needle  # the preview has it (so this test can fail)
        assert occurrences(production, needle) == [], needle
    assert set(production) == set(preview) - {PROBLEMS_FILE}


def test_the_problems_page_is_claimed_noindexed_and_linked_from_every_page_of_the_preview_only(preview_site, tmp_path):
    _, files = _build(preview_site, tmp_path / "out", deploy_preview=True)
    assert "preview-problems/" in SITE_FILES  # no entry can take its address
    page = files[PROBLEMS_FILE].decode()
    assert '<meta name="robots" content="noindex">' in page
    for path, data in files.items():
        if path.endswith(".html") and path != PROBLEMS_FILE:
            assert f'href="{PREVIEW_PROBLEMS}"' in data.decode(), path
    for path in ("sitemap.xml", "feed.xml", "feed.json", "data/register.csv", "data/register.json", "data.json"):
        assert not occurrences({path: files[path]}, "preview-problems"), path
    index = {path: data for path, data in files.items() if path.startswith("pagefind/")}
    assert index and not occurrences(index, "What sitegen check says") and not occurrences(index, "preview-problems")


def test_an_unprotected_preview_names_file_line_and_kind_only(preview_site, tmp_path):
    result, files = _build(preview_site, tmp_path / "out", deploy_preview=True)
    text = _text(files[PROBLEMS_FILE])
    assert "content/held.md Not published: fix the errors below" in text
    # the wrong date is not quoted, nor the mistyped key's name (not even as the field), but what is wrong is said
    assert "Error, line 4 An error in the published field: it should be a date (year-month-day)." in text
    assert "Error, line 7 An error in this file: a setting sitegen does not know, mistyped." in text
    assert ("content/later.md Scheduled: not public yet. Warning, line 6 A warning in the documents field: "
            "a PDF is not ready for screen readers.") in text
    assert "the pull request on GitHub" in text
    for needle in ("2026-13-45", "summray", "HELDKEY", "HELDTITLE", "HELDBODY", "SCHEDULEDTITLE", "SCHEDULEDSUMMARY",
                   "SCHEDULEDBODY", "DRAFTTITLE", "DRAFTBODY"):
        assert occurrences(files, needle) == [], needle
    assert not (tmp_path / "out" / "sar" / "later").exists()  # not shown early
    # The same problems in full, as `sitegen check` tells them, are what a protected preview shows.
    assert any("2026-13-45" in p.message for p in result.problems)


def test_a_protected_preview_shows_every_problem_in_full_and_scheduled_entries_as_on_their_day(preview_site, tmp_path):
    _, files = _build(preview_site, tmp_path / "out", protected=True, deploy_preview=True)
    text = _text(files[PROBLEMS_FILE])
    assert "2026-13-45" in text and "summray" in text and "What to do:" in text
    later = _text(files["sar/later/index.html"])
    assert "SCHEDULEDTITLE" in later and "SCHEDULEDBODY" in later
    assert "Not yet public: this page goes up on 10 January 2027 and comes down on 10 January 2028." in later
    assert "sar/later/later.pdf" in files  # its document too, as it will be published
    for absent in ("DRAFTBODY", "HELDBODY", "DRAFTTITLE"):  # drafts and withheld entries are never pages
        assert occurrences(files, absent) == [], absent
    assert not (tmp_path / "out" / "sar" / "drafty").exists() and not (tmp_path / "out" / "sar" / "held").exists()


def test_each_live_entrys_page_says_when_it_goes_up_and_comes_down(preview_site, tmp_path):
    _, files = _build(preview_site, tmp_path / "out", deploy_preview=True)
    assert "This page went up on 1 March 2026 and comes down on 1 March 2027." in _text(files["sar/live-one/index.html"])
    assert "This page went up" not in _text(files["index.html"])


def test_the_setting_is_off_unless_written_and_says_when_it_may_be_on(preview_site):
    from sitegen.content.config import load_config

    assert load_config(preview_site.root).config.deploy_previews.protected is False
    [declared] = [f for f in SITE_FIELDS if f.name == "deploy_previews"]
    [protected] = declared.kind.fields
    assert "password protection or team-only protection" in protected.help
    preview_site.write_settings(deploy_previews={"protected": "yes please"})
    loaded = load_config(preview_site.root)
    assert loaded.config.deploy_previews.protected is False  # a value it cannot read is not protected
    assert [p.format() for p in loaded.problems if p.is_error] == [
        'sitegen.yaml:6: error: deploy_previews.protected: should be true or false, not "yes please". Write true or false.']


def test_the_command_builds_a_preview_only_when_asked(preview_site):
    root = str(preview_site.root)
    run = CliRunner().invoke(main, ["build", "--site", root, "--as-of", DAY.isoformat(), "--deploy-preview"])
    assert run.exit_code == 0, run.output
    assert "Built a deploy preview of the site" in run.output and "Traceback" not in run.output
    assert (preview_site.root / "build" / PROBLEMS_FILE).is_file()
    assert json.loads((preview_site.root / "build" / "sitegen.json").read_text())["deploy_preview"] is True
    run = CliRunner().invoke(main, ["build", "--site", root, "--as-of", DAY.isoformat()])
    assert run.exit_code == 0, run.output
    assert not (preview_site.root / "build" / PROBLEMS_FILE).exists()
    assert "deploy_preview" not in (preview_site.root / "build" / "sitegen.json").read_text()


def test_the_page_lists_what_only_the_command_checks_too(preview_site):
    """`sitegen check` also warns of what is still as `sitegen init` wrote it: so does the preview's page."""
    from sitegen.commands.placeholders import DEFAULT_NAME

    preview_site.write_settings(name=DEFAULT_NAME)
    run = CliRunner().invoke(main, ["build", "--site", str(preview_site.root), "--as-of", DAY.isoformat(), "--deploy-preview"])
    assert run.exit_code == 0, run.output
    text = _text((preview_site.root / "build" / PROBLEMS_FILE).read_bytes())
    assert "sitegen.yaml Warning A warning in the name field." in text  # (no kind given: only the field)


def test_the_preview_pages_are_valid_html_within_a_strict_policy(preview_site, tmp_path):
    from test_site_quality import VNU, Page

    _, files = _build(preview_site, tmp_path / "out", protected=True, deploy_preview=True)
    checked = [PROBLEMS_FILE, "sar/later/index.html", "sar/live-one/index.html"]
    for path in checked:
        page = Page(files[path].decode())
        assert page.inline == [] and all(address.startswith("/") for address in page.loads), path
    java = shutil.which("java")
    if not (java and VNU.is_file()):
        pytest.skip("the Nu HTML validator needs java and node_modules/vnu-jar: run bash scripts/test-all")
    import subprocess

    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *(str(tmp_path / "out" / p) for p in checked)],
                         capture_output=True, text=True, timeout=300)
    assert json.loads(run.stderr or run.stdout)["messages"] == []


# --- nothing of a preview reaches production --------------------------------------------------------

def _fail_rendering(monkeypatch):
    """A fault no one foresaw, as tests/test_takedown.py injects it."""
    def fault(self, *args, **kwargs):
        raise RuntimeError("a fault no one foresaw")
    monkeypatch.setattr(render.Renderer, "render_all", fault)


@pytest.mark.parametrize("where", ["output folder", "cache only"])
def test_a_failed_production_build_never_falls_back_to_a_preview(preview_site, monkeypatch, where):
    """A production build, then a protected preview that shows the scheduled report, then a production
    build that fails and publishes the last good output again: it must be the production build's."""
    site = preview_site
    _build(site, site.root / "build")
    record = (site.root / ".sitegen-cache" / RECORD).read_bytes()
    store = sorted(p.name for p in (site.root / ".sitegen-cache" / "output-files").iterdir())
    _, preview = _build(site, site.root / "build", protected=True, deploy_preview=True)
    assert occurrences(preview, "SCHEDULEDBODY")  # the preview did show it
    assert (site.root / ".sitegen-cache" / RECORD).read_bytes() == record  # the take-down record is production's
    assert sorted(p.name for p in (site.root / ".sitegen-cache" / "output-files").iterdir()) == store
    if where == "cache only":  # as on Netlify: a fresh machine with the cache restored
        shutil.rmtree(site.root / "build")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", DAY.isoformat()])
    assert "TAKE-DOWN ONLY" in run.output, run.output
    files = read_output(site.root / "build")
    assert "sar/live-one/index.html" in files  # the last good output was published again
    for needle in ("SCHEDULEDTITLE", "SCHEDULEDBODY", "SCHEDULEDSUMMARY", "later.pdf", "preview-problems", "Deploy preview"):
        assert occurrences(files, needle) == [], needle


def test_a_preview_that_fails_publishes_nothing_of_production(preview_site, monkeypatch):
    _build(preview_site, preview_site.root / "build")
    shutil.rmtree(preview_site.root / "build")
    _fail_rendering(monkeypatch)
    run = CliRunner().invoke(main, ["build", "--site", str(preview_site.root), "--as-of", DAY.isoformat(), "--deploy-preview"])
    assert run.exit_code == 1 and "the deploy preview could not be built (RuntimeError)" in run.output
    assert "Traceback" not in run.output and not (preview_site.root / "build").exists()


# --- an unprotected preview, over hostile values ------------------------------------------------------

MARK = "QZXMARK"
# Forms of a value holding the marker: text, markup, control characters, a date written wrongly, a
# list, a mapping, an address.
FORMS = [MARK, f"<b>{MARK}</b> & \"'", f"{MARK}\x1b[31m\u202e", f"2026-13-01 {MARK}", f"{MARK}-2026-01-01",
         [MARK, f"x {MARK}"], {MARK: MARK}, f"https://{MARK.lower()}.example/{MARK}", f"`{MARK}`: {MARK}"]
FIELDS = ["title", "summary", "subject", "expires", "approved", "themes", "related", "slug", "on_expiry",
          "national_library", "republish", "order", "author"]


def _hostile(fields: dict, keys: list[str], document: str) -> dict:
    front = dict(fields)
    for key in [f"{MARK}note", *keys]:
        front[key] = MARK  # a field sitegen does not know (whose name every message about it quotes), or one mistyped
    front["documents"] = [{"file": f"reports/{document}", "title": MARK}]
    return front


class _NoAliases(yaml.SafeDumper):
    """Each value written out in full, even one that is the same object as another (sitegen refuses aliases)."""

    def ignore_aliases(self, data):
        return True


def _write(site: SiteMaker, name: str, front: dict, body: str) -> None:
    text = yaml.dump(front, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    site.raw(f"content/{name}.md", "---\n" + text + "---\n" + body + "\n")


hostile_fields = st.fixed_dictionaries({name: st.sampled_from(FORMS) for name in FIELDS})
TEXTS = [MARK, f"<b>{MARK}</b> & \"'", f"`{MARK}` {MARK}"]  # text a field may hold: the entry stays sound
sound_fields = st.fixed_dictionaries({"title": st.sampled_from(TEXTS), "summary": st.sampled_from(TEXTS),
                                      "subject": st.sampled_from(TEXTS), "themes": st.lists(st.sampled_from(TEXTS), max_size=2)})
hostile_keys = st.lists(st.sampled_from([f"{MARK}", f"summar{MARK}", f"titl{MARK.lower()}", f"documents.{MARK}"]),
                        max_size=2, unique=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(held=hostile_fields, scheduled=st.one_of(sound_fields, hostile_fields), draft=hostile_fields, keys=hostile_keys,
       body=st.sampled_from(FORMS[:5]), pdf_property=st.sampled_from(["title", "author", "subject"]))
def test_an_unprotected_preview_shows_nothing_of_an_entry_that_is_not_live(held, scheduled, draft, keys, body, pdf_property):
    """Every field of a withheld, a scheduled and a draft entry holds the marker, in hostile forms
    (and their documents' names and properties); no output file of an unprotected preview holds it."""
    with tempfile.TemporaryDirectory() as folder:
        site = SiteMaker(Path(folder) / "site")
        site.entry("live-one", published=date(2026, 3, 1), title="Adult L", documents=["live.pdf"])
        make_pdf(site.root / "reports" / f"{MARK}.pdf", [f"Text of {MARK}."], **{pdf_property: MARK})
        _write(site, "held", {"type": "sar", "published": "2026-01-01", **_hostile(held, keys, f"{MARK}-missing.pdf")}, str(body))
        _write(site, "later", {"type": "sar", **_hostile(scheduled, keys, f"{MARK}.pdf"), "published": "2027-01-10"}, str(body))
        _write(site, "drafty", {"type": "sar", "draft": True, **_hostile(draft, keys, f"{MARK}.pdf"), "published": "2026-01-01"},
               str(body))
        result, out = site.build(DAY, Path(folder) / "out", deploy_preview=True)
        assert not result.failed
        files = read_output(out)
        assert PROBLEMS_FILE in files and "sar/live-one/index.html" in files
        states = {p.entry.source: p.state.value for p in result.site.entries}
        assert states["content/drafty.md"] == "draft" and states["content/held.md"] == "withheld"
        assert states["content/later.md"] == "scheduled" or set(scheduled) == set(FIELDS)  # sound: its warnings quote it
        assert any(MARK.lower() in p.format().lower() for p in result.problems)  # the messages do quote it
        assert occurrences(files, MARK) == []


@settings(max_examples=300)
@given(message=st.text(min_size=1), advice=st.text(), field=st.one_of(st.none(), st.text()), error=st.booleans(),
       line=st.one_of(st.none(), st.integers(1, 10_000)))
def test_the_public_form_of_a_problem_keeps_only_its_file_line_kind_and_a_declared_field(message, advice, field, error, line):
    """Whatever a message, its advice or its field's name hold, the form an unprotected preview shows is
    made of sitegen's own words: the severity, a field sitegen declares, the kind, and the advice given."""
    from sitegen.core.problems import Problem, Severity

    fields = frozenset({"title", "published", "documents"})
    problem = Problem("content/x.md", line, field, MARK + message, MARK + advice,
                      Severity.ERROR if error else Severity.WARNING, "it should be a date")
    public = problem.quoting_nothing(fields, "Read the check.")
    name = (field or "").split(".")[0]
    expected = ("An error" if error else "A warning") + (f" in the `{name}` field" if name in fields else " in this file")
    assert public.message == expected + ": it should be a date."
    assert (public.file, public.line, public.advice, public.severity) == ("content/x.md", line, "Read the check.", problem.severity)
    assert public.field in fields | {None}


def test_a_dhr_saved_without_its_approval_date_is_named_on_the_preview_and_withheld_from_production(tmp_path):
    """The browser editor asks for a DHR's approval date; if one is saved without it all the same (a
    file edited by hand, or the form forced), the deploy preview names the file and the field, and the
    production build keeps the review off the site until it is approved."""
    site = SiteMaker(tmp_path / "site")
    site.entry("ms-q", type="dhr", published=date(2026, 10, 1), title="DHRTITLE", summary="DHRSUMMARY.",
               documents=["ms-q.pdf"], body="DHRBODY")
    _, preview = _build(site, tmp_path / "preview", deploy_preview=True)
    text = _text(preview[PROBLEMS_FILE])
    assert "content/ms-q.md Not published: fix the errors below" in text
    assert "An error in the approved field: it is missing." in text
    for marker in ("DHRTITLE", "DHRSUMMARY", "DHRBODY"):
        assert occurrences(preview, marker) == [], marker  # an unprotected preview quotes nothing of it
    result, production = _build(site, tmp_path / "production")
    assert [e.state.value for e in result.site.entries] == ["withheld"]
    for marker in ("DHRTITLE", "DHRSUMMARY", "DHRBODY", "ms-q"):
        assert occurrences(production, marker) == [], marker


def test_names_a_message_quotes_are_shown_as_code_not_between_backticks(preview_site, tmp_path):
    for protected in (True, False):
        _, files = _build(preview_site, tmp_path / f"out-{protected}", protected=protected, deploy_preview=True)
        page = files[PROBLEMS_FILE].decode()
        assert "`" not in _text(files[PROBLEMS_FILE]), protected
        assert "<code>" in page, protected


def test_code_spans_escapes_first_and_leaves_a_lone_backtick():
    shown = render.code_spans("Use `draft: <true>` in `x` & not ` this")
    assert shown == "Use <code>draft: &lt;true&gt;</code> in <code>x</code> &amp; not ` this"


OWN_BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ config.name }}</title></head>
<body class="ours"><p>Our own layout</p>{% block content %}{% endblock %}</body></html>
"""


@pytest.mark.parametrize("kind", ["protected deploy preview", "serve"])
def test_a_site_whose_own_base_template_leaves_the_banner_out_still_shows_it_on_every_preview_page(preview_site, tmp_path, kind):
    """A preview may show a report before its day: with a site's own base.html that knows nothing of
    previews, each page still says at the top of its body that it is not the public site (once), and
    the production build of the same site says it nowhere."""
    preview_site.raw("themes/templates/base.html", OWN_BASE)
    if kind == "serve":
        _, files = _build(preview_site, tmp_path / "preview", banner="Preview: not the public site", use_cache=False)
        said = "Preview: not the public site"
    else:
        _, files = _build(preview_site, tmp_path / "preview", protected=True, deploy_preview=True)
        said = "Deploy preview: this is not the public site."
        assert "Not yet public: this page goes up on 10 January 2027" in _text(files["sar/later/index.html"])
    pages = {path: data.decode("utf-8") for path, data in files.items() if path.endswith(".html")}
    assert len(pages) > 5
    for path, html in pages.items():
        assert html.count('class="preview-banner"') == 1, path
        top = html.split('<body class="ours">', 1)[1] if '<body class="ours">' in html else html
        assert _text(top.split("</div></div>", 1)[0].encode()).strip().startswith(said.split(":")[0]), path
        assert said in _text(html.encode()), path
    _, production = _build(preview_site, tmp_path / "production")
    assert occurrences(production, said) == [] and [path for path in occurrences(production, "preview-banner")
                                                    if not path.endswith(".css")] == []  # the stylesheet styles it


def test_a_theme_that_shows_the_banner_itself_shows_it_once(preview_site, tmp_path):
    preview_site.raw("themes/templates/base.html", OWN_BASE.replace(
        "<p>Our own layout</p>", '{% if banner %}<div class="preview-banner">{{ banner }}</div>{% endif %}<p>Our own layout</p>'))
    _, files = _build(preview_site, tmp_path / "preview", banner="Preview: not the public site", use_cache=False)
    home = files["index.html"].decode()
    assert home.count("Preview: not the public site") == 1 and home.index("preview-banner") < home.index("Our own layout")

"""Pages kept from one build of the live site to the next (`sitegen.rendering.page_memo`): the
output is byte for byte a cold build's on every day, nothing of a report that has come down is
kept anywhere, and pages are made again only where something they show changed."""

from __future__ import annotations

from datetime import date, timedelta

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from jinja2 import nodes

from conftest import SiteMaker, occurrences, read_output
from sitegen.rendering import page_memo
from sitegen.rendering.render import make_environment


@pytest.fixture
def made(monkeypatch):
    """The addresses of the pages each build made (not kept) in this process, and of those it kept."""
    seen: dict[str, list[str]] = {"made": [], "kept": []}
    page = page_memo.PageMemo.page

    def counting(self, template, path, context, make):
        before = self.kept
        try:
            found = page(self, template, path, context, make)
        except page_memo._NotKept:
            raise
        seen["kept" if self.kept > before else "made"].append(path)
        return found

    monkeypatch.setattr(page_memo.PageMemo, "page", counting)
    return seen


def a_site_whose_reports_come_and_go(site: SiteMaker) -> None:
    """Reports of two types, one coming down on 12 November 2026 and one going up on the 13th,
    linked to each other by `related:` and by links in their bodies, with a static page and a
    briefing that link to the one that comes down."""
    site.pdf("down.pdf", ["DownPdfWord"])
    site.entry("goes-down", published="2025-11-12", title="DownTitleWord review", body="DownBodyWord.",
               themes=["hoarding"], documents=[{"file": "reports/down.pdf", "title": "Overview report"}])
    site.entry("stays", published="2026-03-14", title="Stays review", related=["goes-down"],
               body="See [the other review](/sar/goes-down/) and [the new one](/dhr/comes-up/).", themes=["hoarding"])
    site.entry("comes-up", type="dhr", published="2026-11-13", title="UpTitleWord review", body="UpBodyWord.",
               related=["stays"], themes=["coercive-control"])
    site.entry("other-type", type="dhr", published="2026-06-01", title="Other review", body="Nothing linked.")
    site.entry("briefing-a", type="briefing", published="2026-05-01", title="A briefing",
               body="Read [the review](/sar/goes-down/).")
    site.entry("contact", type="page", title="Contact us", body="Ask about [this review](/sar/goes-down/).")


def test_night_after_night_every_file_is_a_cold_builds(site, tmp_path, made):
    a_site_whose_reports_come_and_go(site)
    site.build("2026-11-10")
    for day in ("2026-11-11", "2026-11-12", "2026-11-13", "2026-11-14"):
        made["made"].clear()
        made["kept"].clear()
        result, out = site.build(day)
        assert not result.failed
        nightly = read_output(out)
        _, cold = site.build(day, output=tmp_path / f"cold-{day}", use_cache=False)
        assert nightly == read_output(cold), day
        assert f"produced with the site on {date.fromisoformat(day).day} November 2026".encode() in nightly["accessibility/index.html"]
        if day >= "2026-11-12":
            for marker in ("DownPdfWord", "DownBodyWord", "DownTitleWord"):
                assert occurrences({p: d for p, d in nightly.items() if not p.startswith("sar/goes-down/")}, marker) == [], (day, marker)
        if day < "2026-11-13":
            assert occurrences(nightly, "UpTitleWord") == occurrences(nightly, "UpBodyWord") == [], day
    assert made["kept"], "no page was kept from the night before"


def test_a_quiet_night_makes_only_the_page_that_shows_the_day(site, made):
    a_site_whose_reports_come_and_go(site)
    site.build("2026-11-10")
    made["made"].clear()
    site.build("2026-11-11")
    assert made["made"] == ["/accessibility/"]
    assert "/sar/stays/" in made["kept"] and "/" in made["kept"]


def test_a_report_coming_down_makes_again_only_what_showed_it(site, made):
    a_site_whose_reports_come_and_go(site)
    site.build("2026-11-11")
    made["made"].clear()
    site.build("2026-11-12")  # goes-down comes down: the pages that listed it or showed it as related change
    changed = set(made["made"])
    assert {"/", "/sar/", "/sar/stays/", "/sar/goes-down/", "/themes/hoarding/"} <= changed
    # its address is a notice now, so a link to it stays a link: the pages with one are as they were
    assert not changed & {"/dhr/other-type/", "/dhr/", "/briefing/briefing-a/", "/contact/"}


def test_a_damaged_kept_page_is_made_again(site, tmp_path, made):
    a_site_whose_reports_come_and_go(site)
    site.build("2026-11-10")
    store = site.root / ".sitegen-cache" / "output-files"
    for kept in store.iterdir():  # every kept file damaged (root may write through a read-only file)
        kept.chmod(0o644)
        kept.write_bytes(kept.read_bytes()[:-20] + b"<p>damaged</p>")
    made["kept"].clear()
    _, out = site.build("2026-11-11")
    _, cold = site.build("2026-11-11", output=tmp_path / "cold", use_cache=False)
    assert read_output(out) == read_output(cold)
    assert made["kept"] == []


def test_a_sites_own_templates_make_every_page_every_night(site, tmp_path, made):
    """A site's own template can show anything of the site anywhere (here every live review on
    every entry's page), which sitegen cannot see: every page is made again."""
    a_site_whose_reports_come_and_go(site)
    site.raw("themes/templates/entry.html", '{% extends "base.html" %}{% block title %}{{ entry.title }}{% endblock %}'
             "{% block content %}<h1>{{ entry.title }}</h1><ul>{% for other in site.live_reviews %}"
             "<li>{{ other.entry.title }}</li>{% endfor %}</ul>{% endblock %}")
    site.build("2026-11-11")
    made["made"].clear()
    _, out = site.build("2026-11-12")
    assert made["made"] == made["kept"] == []  # no page went through the memo
    assert occurrences(read_output(out), "DownTitleWord") == ["sar/goes-down/index.html"]  # its notice only


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["sar", "dhr", "briefing"]), st.booleans(), st.integers(0, 7)),
                min_size=1, max_size=7),
       st.integers(1, 30))
def test_any_site_any_later_night_is_a_cold_build(tmp_path_factory, entries, gap):
    """Whatever the site and however many nights later: built from the cache of a night before,
    every file is a cold build's of that day."""
    site = SiteMaker(tmp_path_factory.mktemp("site"))
    first = date(2026, 11, 1)
    for n, (age, kind, linked, related) in enumerate(entries):
        body = f"Body {n}." + (f" See [another](/sar/e{related}/)." if linked else "")
        site.entry(f"e{n}", type=kind, published=(first - timedelta(days=365 - age)).isoformat(), body=body,
                   related=[f"e{related}"], themes=["neglect"] if n % 2 else [])
    site.build(first)
    day = first + timedelta(days=gap)
    _, out = site.build(day)
    _, cold = site.build(day, output=site.root / "cold", use_cache=False)
    assert read_output(out) == read_output(cold)


def test_sitegens_own_templates_keep_nothing_of_the_site_in_a_module_made_once():
    """Jinja makes a template imported without context once for all the pages that import it: a
    value it worked out from the site at its top would be shown on later pages without their
    record knowing (see `sitegen.rendering.page_memo`). sitegen's own templates import only
    macros that way, so every question of the site is asked while a page is made."""
    env = make_environment(page_memo.Path("/nonexistent"), own_theme=False)
    imported_without_context = set()
    for name in env.list_templates():
        tree = env.parse(env.loader.get_source(env, name)[0])
        for node in tree.find_all((nodes.Import, nodes.FromImport)):
            if not node.with_context:
                imported_without_context.add(node.template.value)
    for name in imported_without_context:
        tree = env.parse(env.loader.get_source(env, name)[0])
        for node in tree.body:
            allowed = isinstance(node, (nodes.Macro, nodes.Import, nodes.FromImport)) or (
                isinstance(node, nodes.Output) and all(isinstance(part, nodes.TemplateData) and not part.data.strip() for part in node.nodes))
            assert allowed, f"{name} does more than define macros at its top: {node}"


def test_the_day_is_found_in_a_template_that_reads_it_through_another():
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": '{% extends "base.html" %}{% block content %}plain{% endblock %}',
        "base.html": "{% block content %}{% endblock %}{% include 'footer.html' %}",
        "footer.html": "Built on {{ as_of }}.",
        "alone.html": "No day here.",
        "dynamic.html": "{% include name %}",
    }))
    env.globals["as_of"] = date(2026, 11, 11)  # a global as the renderer gives it: still found
    assert page_memo._reads_name(env, "page.html", "as_of", {})
    assert not page_memo._reads_name(env, "alone.html", "as_of", {})
    assert page_memo._reads_name(env, "dynamic.html", "as_of", {})  # cannot be told: as if it did


def test_equal_values_have_one_digest_whichever_are_shared():
    """A title read from the memo in one build and made again in the next is equal but not the
    same object: a page made from it must still be found kept."""
    shared = "".join(["Review ", "of ", "Adult A"])
    again = "".join(["Review of ", "Adult A"])
    assert shared is not again
    assert page_memo.digest_of([shared, shared]) == page_memo.digest_of([shared, again])
    assert page_memo.digest_of(["a", "b"]) != page_memo.digest_of(["a", "c"])
    loop: list = []
    loop.append(loop)
    assert page_memo.digest_of(loop) is None  # cannot be pickled in full: its page is always made

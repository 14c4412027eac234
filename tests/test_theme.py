"""The default theme's pages, as a reader would see them."""

from __future__ import annotations

import re

from conftest import occurrences, read_output

SEVEN = "\n".join(f"## {n}. Part {n}\n\nText of part {n}.\n" for n in range(1, 8))


def text(html: str) -> str:
    """The words of a page, without tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(out, path: str) -> str:
    return (out / path.strip("/") / "index.html").read_text() if path.endswith("/") else (out / path.strip("/")).read_text()


def test_home_has_a_section_per_type_with_live_entries_newest_first(site):
    site.entry("older", published="2026-01-10", title="Older SAR", summary="Older summary.")
    site.entry("newer", published="2026-06-10", title="Newer SAR")
    site.entry("future", published="2027-01-10", title="Future SAR")
    site.entry("brief", type="briefing", published="2026-02-01", title="A briefing")
    site.entry("refer", type="page", title="How to refer", order=1, summary="Refer a case.",
               documents=[{"file": site.pdf("form.pdf"), "title": "Referral form"}])
    site.entry("families", type="page", title="Guidance for families", order=2)
    site.entry("contact", type="page", title="Contact us", order=3)
    _, out = site.build("2026-11-22")
    home = page(out, "/")
    words = text(home)
    assert "A Safeguarding Adults Review looks at how agencies worked together" in words
    assert words.index("Newer SAR") < words.index("Older SAR") and "Future SAR" not in words
    assert "Published 10 January 2026 On this site until 9 January 2027" in words
    assert 'href="/sar/"' in home and "All Safeguarding Adults Reviews" in words
    assert "No Serious Case Reviews are on this site at the moment." in words
    assert words.index("7-minute briefings") < words.index("National libraries of reviews")
    assert "National SAR Library" in words and "NSPCC National Case Review Repository" in words
    assert "Home Office Domestic Homicide Review library" in words
    assert "Child Safeguarding Practice Review Panel" in words
    # static pages in their `order`, with their forms
    assert words.index("How to refer") < words.index("Guidance for families") < words.index("Contact us")
    assert 'href="/refer/form.pdf"' in home and "Referral form" in words


def test_national_libraries_can_be_changed(site):
    site.write_settings(national_libraries={"sar-library": {"url": "https://example.org/our-sar-library"},
                                            "local": {"title": "Regional review archive", "url": "https://example.org/archive"}})
    _, out = site.build("2026-11-22")
    home = page(out, "/")
    assert 'href="https://example.org/our-sar-library">National SAR Library' in home
    assert "Regional review archive" in home


def test_listing_groups_by_year_newest_first_with_the_last_day(site):
    site.entry("a", published="2025-12-01", title="December review", summary="About December.")
    site.entry("b", published="2026-03-14", title="March review")
    site.entry("c", published="2026-05-01", title="May review", expires="2026-06-01")
    _, out = site.build("2026-04-01")
    words = text(page(out, "/sar/"))
    assert words.index("Published in 2026") < words.index("March review") < words.index("Published in 2025") < words.index("December review")
    assert "About December." in words and "On this site until 30 November 2026" in words
    assert "On this site until 13 March 2027" in words
    assert "May review" not in words


def test_entry_page_has_everything_a_reader_needs(site):
    site.pdf("overview.pdf", 34)
    site.entry("adult-a", published="2026-03-14", subject="Adult A", summary="What happened, briefly.",
               themes=["self-neglect", "hoarding"], national_library="https://example.org/sar-library/adult-a",
               documents=[{"file": "reports/overview.pdf", "title": "Overview report"}], body="## What we learned\n\nA lot.")
    site.entry("briefing-a", type="briefing", published="2026-03-20", title="Briefing on Adult A", related=["adult-a"])
    site.entry("later", type="briefing", published="2027-02-01", title="Later briefing", related=["adult-a"])
    _, out = site.build("2026-11-22")
    html = page(out, "/sar/adult-a/")
    words = text(html)
    for expected in ["Safeguarding Adults Review", "About Adult A", "Published 14 March 2026", "On this site until 13 March 2027",
                     "What happened, briefly.", "What we learned", "A lot.", "Overview report", "PDF, ",
                     "34 pages", "Ask for this document in another format", "Related on this site", "Briefing on Adult A"]:
        assert expected in words, expected
    assert 'href="/themes/self-neglect/"' in html and 'href="/themes/hoarding/"' in html
    assert 'href="https://example.org/sar-library/adult-a"' in html and "National SAR Library" in words
    assert 'href="mailto:learning@testshire.example?subject=Accessible%20format%20request%3A%20Overview%20report' in html
    assert "Later briefing" not in words  # related, but not live yet
    assert 'href="/sar/adult-a/"' in page(out, "/briefing/briefing-a/")  # related works both ways


def test_a_briefing_with_seven_sections_is_seven_numbered_panels(site):
    site.entry("seven", type="briefing", published="2026-03-01", body="Read this first.\n\n" + SEVEN)
    site.entry("six", type="briefing", published="2026-03-01", body=SEVEN.split("## 7.")[0])
    site.entry("sar-seven", type="sar", published="2026-03-01", body=SEVEN)
    _, out = site.build("2026-11-22")
    seven = page(out, "/briefing/seven/")
    panels = re.findall(r'<li class="panel">\s*<h2><span class="panel-number">(\d)</span> ([^<]+)</h2>', seven)
    assert panels == [(str(n), f"Part {n}") for n in range(1, 8)]  # the author's own numbers are not repeated
    assert "Read this first." in seven
    assert 'class="briefing"' not in page(out, "/briefing/six/")
    assert 'class="briefing"' not in page(out, "/sar/sar-seven/")


def test_theme_pages_list_live_entries_only(site):
    site.entry("live", published="2026-03-01", title="Live one", themes=["Neglect"])
    site.entry("soon", published="2027-03-01", title="Soon one", themes=["Neglect", "SoonOnlyTheme"])
    _, out = site.build("2026-11-22")
    assert "Live one" in page(out, "/themes/neglect/") and "Soon one" not in page(out, "/themes/neglect/")
    assert occurrences(read_output(out), "SoonOnlyTheme") == []
    assert 'href="/themes/neglect/"' in page(out, "/themes/")


def test_accessibility_statement_comes_from_the_settings(site):
    site.write_settings(accessibility={"status": "partial", "prepared": "2026-01-12", "reviewed": "2026-10-01",
                                       "known_issues": ["Older PDFs are not tagged."]},
                        contact={"email": "help@testshire.example", "phone": "01632 960001"})
    _, out = site.build("2026-11-22")
    words = text(page(out, "/accessibility/"))
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in words
    assert "Older PDFs are not tagged." in words
    assert "prepared on 12 January 2026. It was last reviewed on 1 October 2026." in words
    assert "help@testshire.example" in words and "Equality Advisory and Support Service" in words


def test_not_found_page_and_notices_are_not_for_search_engines(site):
    site.entry("old", published="2024-01-01", title="Old review")
    _, out = site.build("2026-11-22")
    not_found = page(out, "/404.html")
    assert "Page not found" in not_found and 'name="robots" content="noindex"' in not_found
    assert 'href="/search/"' in not_found
    notice = page(out, "/sar/old/")
    assert "taken down on 1 January 2025" in text(notice) and "noindex" in notice


def test_branding_name_logo_and_accent_colour(site):
    (site.root / "brand").mkdir()
    (site.root / "brand" / "crest.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.write_settings(name="Westshire Partnership", logo="brand/crest.svg", accent_colour="#5c2d91")
    result, out = site.build("2026-11-22")
    assert result.problems == []
    home = page(out, "/")
    assert "Westshire Partnership" in home and '<img src="/assets/crest.svg" alt="" class="logo">' in home
    assert (out / "assets" / "crest.svg").is_file()
    assert '<link rel="stylesheet" href="/assets/accent.css">' in home
    css = (out / "assets" / "accent.css").read_text()
    assert "--accent: #5c2d91;" in css and "--accent-dark: #" in css


def test_no_accent_colour_means_no_extra_stylesheet(site):
    _, out = site.build("2026-11-22")
    assert "accent.css" not in page(out, "/") and not (out / "assets" / "accent.css").exists()


def test_a_light_accent_colour_is_not_used(site):
    site.write_settings(accent_colour="#ffdd00")
    result, out = site.build("2026-11-22")
    assert [p.field for p in result.warnings] == ["accent_colour"]
    assert not (out / "assets" / "accent.css").exists()


def test_a_site_may_supply_its_own_accent_stylesheet(site):
    site.write_settings(accent_colour="#5c2d91")
    site.raw("themes/assets/accent.css", ":root { --accent: #123456; }")
    result, out = site.build("2026-11-22")
    assert not result.failed
    assert "#123456" in (out / "assets" / "accent.css").read_text()


def test_a_card_made_once_for_all_the_pages_that_show_it_is_the_card_each_would_make(site, tmp_path, monkeypatch):
    """A whole build makes each entry's card (sitegen's own card macro) once, for the home page,
    its listing and its themes' pages: the pages are those of making it for each page."""
    from sitegen.rendering import render

    for index in range(6):
        site.entry(f"r{index}", published=f"2026-0{index + 1}-01", themes=["Neglect", "Hoarding"][: index % 3],
                   type=["sar", "cspr", "briefing"][index % 3], body=SEVEN if index % 3 == 2 else "Body.")
    made = []
    real = render.EntryFragments.get_all

    def counting(self, kind, items, make):
        items = list(items)
        made.extend(id(item) for item in items)
        return real(self, kind, items, make)

    monkeypatch.setattr(render.EntryFragments, "get_all", counting)
    site.build("2026-11-22", tmp_path / "kept", workers=1)
    assert len(made) > len(set(made)), "the same entry's card is on several pages"
    monkeypatch.setattr(render, "_is_default_template", lambda env, name: False)  # every card made for its page
    site.build("2026-11-22", tmp_path / "each", workers=1)
    assert read_output(tmp_path / "kept") == read_output(tmp_path / "each")


def test_a_sites_own_copy_of_a_template_may_still_call_the_entry_placed(site):
    """The default theme says `entry_on_day`; a site's copy made before keeps working with `placed`."""
    site.entry("adult-a", published="2026-03-14", subject="Adult A", summary="What happened, briefly.")
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}{% block content %}"
             "<h1>{{ entry.title }}</h1><p>Old: {{ placed.last_day|ukdate }}. New: {{ entry_on_day.last_day|ukdate }}.</p>"
             "{% endblock %}")
    result, out = site.build("2026-11-22")
    assert not result.failed
    assert "Old: 13 March 2027. New: 13 March 2027." in page(out, "/sar/adult-a/")


def test_a_template_that_still_says_placed_is_told_the_new_name_and_when_the_old_one_goes(site):
    """The theme's author reads, for each use of the old name in the site's own templates, the file and
    line, the name to write instead and the release that stops giving the old one; a template that uses
    the new name, or sets `placed` itself, is told nothing."""
    site.entry("adult-a", published="2026-03-14", subject="Adult A", summary="What happened, briefly.")
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}{% block content %}\n"
             "<h1>{{ entry.title }}</h1>\n<p>{{ placed.last_day|ukdate }}</p>{% endblock %}")
    site.raw("themes/templates/notice.html", "{% extends 'base.html' %}{% block content %}{% set placed = 1 %}"
             "<p>{{ placed }} {{ entry_on_day.last_day|ukdate }}</p>{% endblock %}")
    result, _ = site.build("2026-11-22")
    told = [p.format() for p in result.problems if "placed" in p.message]
    assert told == ["themes/templates/entry.html:3: warning: `placed` is the old name of `entry_on_day`: sitegen gives "
                    "templates the old name only until version 0.2.0, from which this template will fail and the build "
                    "will use the default theme. Change `placed` to `entry_on_day` in this template."]
    assert not result.failed


def test_the_sample_sites_own_theme_file_is_used_in_place_of_the_default_themes(sample_build):
    """The sample partnership's themes/ holds its own copy of the contact partial, which adds
    where to report a concern now: every page's footer shows it, and the default theme is
    untouched (a site without its own copy shows none of it)."""
    from conftest import ROOT

    assert (ROOT / "themes" / "templates" / "partials" / "contact.html").is_file()
    assert "Safeguarding Hub" not in (ROOT / "sitegen/themes/default/templates/partials/contact.html").read_text()
    pages = [path for path in sample_build.output.rglob("*.html")
             if '<footer class="site-footer">' in path.read_text()]
    assert len(pages) > 20
    for path in pages:
        footer = text(path.read_text().split('<footer class="site-footer">', 1)[1])
        assert "Worried about someone? If someone is in danger now, call 999." in footer, path
        assert "Northshire Safeguarding Hub on 01632 960100" in footer, path
        assert "Contact Northshire Safeguarding Partnership Email: learning@northshire.example" in footer, path

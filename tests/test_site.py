"""The site for one day: related entries and themes never point at non-live entries."""

from conftest import occurrences, read_output


def test_review_and_briefing_link_each_other_only_while_both_live(site):
    site.entry("adult-a", published="2026-03-14", title="Adult A review")
    site.entry("adult-a-briefing", type="briefing", published="2026-03-14", related=["adult-a"], title="Adult A briefing")
    site.entry("adult-z-briefing", type="briefing", published="2026-03-14", related=["adult-z"], title="Adult Z briefing")
    site.entry("adult-z", published="2027-01-01", title="ZedScheduledMarker", themes=["ZedThemeMarker"])
    result, out = site.build("2026-11-22")
    review = (out / "sar" / "adult-a" / "index.html").read_text()
    briefing = (out / "briefing" / "adult-a-briefing" / "index.html").read_text()
    assert 'href="/briefing/adult-a-briefing/"' in review
    assert 'href="/sar/adult-a/"' in briefing
    files = read_output(out)
    assert occurrences(files, "ZedScheduledMarker") == []
    assert occurrences(files, "ZedThemeMarker") == []
    assert "/sar/adult-z/" not in (out / "briefing" / "adult-z-briefing" / "index.html").read_text()


def test_theme_pages_list_live_entries(site):
    site.entry("one", published="2026-01-01", themes=["Self-neglect"])
    site.entry("two", published="2026-02-01", themes=["self-neglect", "hoarding"])
    site.entry("old", published="2020-02-01", themes=["OldThemeMarker"])
    _, out = site.build("2026-11-22")
    page = (out / "themes" / "self-neglect" / "index.html").read_text()
    assert "/sar/one/" in page and "/sar/two/" in page
    assert occurrences(read_output(out), "OldThemeMarker") == []

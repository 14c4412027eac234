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


# --- a site carried over from the last one (the preview's updates) ---------------------------

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from sitegen.content.config import DEFAULT_TYPES, SiteConfig  # noqa: E402
from sitegen.content.entries import Entry  # noqa: E402
from sitegen.rendering.site import EntryOnDay, Site  # noqa: E402
from sitegen.rules.visibility import State  # noqa: E402

CONFIG = SiteConfig(root=Path("."), name="Testshire", base_url="https://learning.testshire.example", types=DEFAULT_TYPES)
WORKED_OUT = ["live_reviews", "pages", "home", "notices", "themes", "_themed", "_live_by_type", "_live_by_slug", "_live_pointing_at"]

entries = st.builds(
    lambda number, type, title, day, themes, related, on_expiry, state: EntryOnDay(
        Entry(f"content/e{number}.md", "index" if type == "page" and number == 0 else f"e{number}", type, title,
              published=date(2026, 1, day), themes=tuple(themes), related=tuple(related), on_expiry=on_expiry), state),
    number=st.integers(0, 12),
    type=st.sampled_from(["sar", "cspr", "briefing", "page"]),
    title=st.sampled_from(["Alpha", "alpha", "Beta", "Gamma"]),  # the same title on several entries too
    day=st.integers(1, 4),  # the same day on several entries too
    themes=st.lists(st.sampled_from(["Neglect", "neglect", "Hoarding", "Self-neglect"]), max_size=3),
    related=st.lists(st.sampled_from(["e1", "e2", "e3"]), max_size=2),
    on_expiry=st.sampled_from([None, "notice", "remove"]),
    state=st.sampled_from([State.LIVE, State.LIVE, State.EXPIRED, State.SCHEDULED, State.WITHHELD]),
)


def by_source(items: list[EntryOnDay]) -> dict[str, EntryOnDay]:
    """One entry for each file (the last given), in the order of their files, as a build reads them."""
    found = {p.entry.source: p for p in items}
    return dict(sorted(found.items()))


def worked_out(site: Site) -> dict:
    return {name: getattr(site, name) for name in WORKED_OUT}


@settings(max_examples=400, deadline=None)
@given(before=st.lists(entries, max_size=12), edits=st.lists(entries, min_size=1, max_size=4),
       removed=st.lists(st.integers(0, 12), max_size=2))
def test_a_site_updated_from_the_last_is_the_site_worked_out_afresh(before, edits, removed):
    """What the preview carries over from one update to the next equals what a new site works out."""
    old = Site(CONFIG, date(2026, 11, 22), tuple(by_source(before).values()))
    worked_out(old)  # all worked out, so all carried over
    kept = by_source(old.entries)
    gone = [kept.pop(p.entry.source) for p in edits if p.entry.source in kept]
    for number in removed:
        if f"content/e{number}.md" in kept:
            gone.append(kept.pop(f"content/e{number}.md"))
    came = list(by_source(edits).values())
    kept.update(by_source(came))
    order = tuple(by_source(kept.values()).values())
    updated = old.updated(order, gone, came)
    fresh = Site(CONFIG, date(2026, 11, 22), order)
    assert worked_out(updated) == worked_out(fresh)
    assert [t.entries for t in updated.themes] == [t.entries for t in fresh.themes]
    for p in fresh.live_reviews:  # the same objects, in the same order
        assert [id(x) for x in updated.related(p)] == [id(x) for x in fresh.related(p)]

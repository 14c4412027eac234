"""The visibility rule: when is a report live?"""

import calendar
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from sitegen.rules.visibility import (NEVER, ONE_YEAR, State, Window, add_window, as_of_day, decide, goes_live, hidden_from,
                                last_day_shown, parse_window, start_of_day, window_state)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
windows = st.builds(Window, years=st.integers(0, 5), months=st.integers(0, 30), days=st.integers(0, 400)).filter(
    lambda w: w != Window())


def test_a_year_from_29_february_ends_on_1_march():
    assert add_window(date(2024, 2, 29), ONE_YEAR) == date(2025, 3, 1)
    assert add_window(date(2024, 2, 29), Window(years=4)) == date(2028, 2, 29)


def test_a_month_from_31_january_is_at_least_a_month():
    assert add_window(date(2026, 1, 31), Window(months=1)) == date(2026, 3, 1)


def test_ordinary_year():
    assert add_window(date(2026, 3, 14), ONE_YEAR) == date(2027, 3, 14)
    assert last_day_shown(date(2027, 3, 14)) == date(2027, 3, 13)


@pytest.mark.parametrize("text, window", [
    ("1 year", Window(years=1)), ("18 months", Window(months=18)), ("2 years 6 months", Window(2, 6)),
    ("90 days", Window(days=90)), ("6 weeks", Window(days=42)), ("never", NEVER), ("Never", NEVER),
    ("1 year and 2 days", Window(1, 0, 2)),
])
def test_parse_window(text, window):
    assert parse_window(text) == window


@pytest.mark.parametrize("text", ["", "a year", "12", "0 days", "1 fortnight", "soon"])
def test_parse_window_rejects(text):
    with pytest.raises(ValueError):
        parse_window(text)


@given(dates, windows)
def test_window_never_shortens(start, window):
    """A report is shown for at least the whole window, whatever the calendar does."""
    end = add_window(start, window)
    assert end > start
    # at least as many days as the shortest possible reading of the window
    minimum = window.years * 365 + window.months * 28 + window.days
    assert (end - start).days >= minimum


@given(dates, st.integers(1, 5))
def test_years_cover_full_years(start, years):
    end = add_window(start, Window(years=years))
    # never earlier than the same day-of-year, and at most one day later (29 Feb)
    same = start.replace(year=start.year + years) if not (start.month == 2 and start.day == 29) else None
    if same is not None:
        assert end == same
    elif calendar.isleap(start.year + years):
        assert end == date(start.year + years, 2, 29)
    else:
        assert end == date(start.year + years, 3, 1)


# Windows short enough that every day around one can be looked at (a property below walks them all).
short_windows = st.builds(Window, years=st.integers(0, 2), months=st.integers(0, 14), days=st.integers(0, 120)).filter(
    lambda w: w != Window())
sound = dict(draft=False, has_errors=False)


def days_around(first: date, last: date, margin: int = 3) -> list[date]:
    """Every day from `margin` days before `first` to `margin` days after `last`."""
    return [first + timedelta(days=n) for n in range(-margin, (last - first).days + margin + 1)]


def live_days(days: list[date], published: date, hidden: date | None, approved: date | None = None) -> list[date]:
    return [day for day in days if decide(day, published, hidden, approved=approved, **sound) is State.LIVE]


@given(dates, st.one_of(short_windows.map(lambda w: ("window", w)), st.integers(1, 800).map(lambda n: ("expires", n))))
def test_a_report_is_live_exactly_from_its_first_day_to_its_last_inclusive(published, ending):
    """What an officer states: a report goes up on its published day, stays up every day to the last
    day readers are told it is shown ("on this site until"), and is down from the next day on, for
    good; before it goes up it is scheduled, after it is expired, never the other way round."""
    kind, value = ending
    hidden = hidden_from(published, value) if kind == "window" else hidden_from(published, ONE_YEAR, published + timedelta(days=value))
    last = last_day_shown(hidden)
    days = days_around(published, last)
    assert live_days(days, published, hidden) == [published + timedelta(days=n) for n in range((last - published).days + 1)]
    states = [decide(day, published, hidden, **sound) for day in days]
    assert states == sorted(states, key=[State.SCHEDULED, State.LIVE, State.EXPIRED].index)  # up once, down once
    assert states[0] is State.SCHEDULED and states[-1] is State.EXPIRED


@given(dates, short_windows, st.sampled_from(["Europe/London", "UTC", "America/New_York", "Pacific/Auckland"]))
def test_a_report_is_never_live_after_the_moment_search_engines_are_told_it_goes(published, window, timezone):
    """The X-Robots-Tag `unavailable_after` moment (`netlify.unavailable_after`) is the end of the last
    live day in the site's time zone: no live day runs past it, and it is not earlier than that end
    (search engines would drop a report still up)."""
    from types import SimpleNamespace

    from sitegen.content.entries import Entry
    from sitegen.output.netlify import unavailable_after

    hidden = hidden_from(published, window)
    entry = Entry(source="content/x.md", slug="x", type="sar", title="X", published=published, hidden_from=hidden)
    moment = datetime.fromisoformat(unavailable_after(SimpleNamespace(config=SimpleNamespace(timezone=timezone)), entry)
                                    .removeprefix("unavailable_after: "))
    live = live_days(days_around(published, hidden), published, hidden)
    end_of_last_live_day = start_of_day(live[-1] + timedelta(days=1), timezone)
    assert end_of_last_live_day == moment
    assert all(start_of_day(day, timezone) < moment for day in live)


@given(dates, dates, st.booleans(), st.booleans(), st.one_of(st.none(), dates))
def test_drafts_and_entries_with_errors_are_never_live_on_any_day(day, published, draft, errors, expires):
    """Whatever their dates, a draft is a draft and an entry with an error is withheld, on every day."""
    state = decide(day, published, expires, draft=draft, has_errors=errors)
    if draft or errors:
        assert state is (State.DRAFT if draft else State.WITHHELD)


@given(dates, st.integers(-60, 500), short_windows)
def test_a_dhr_is_never_live_before_its_approval_and_comes_down_on_its_usual_day(published, later, window):
    """A review with an approval day (a DHR, approved by the Home Office panel) is never live before
    that day; approval never keeps it up longer: its last live day is the one it has without approval,
    and one approved after that day never goes up at all."""
    approved = published + timedelta(days=later)
    hidden = hidden_from(published, window)
    days = days_around(min(published, approved), max(approved, hidden))
    live = live_days(days, published, hidden, approved)
    unapproved = live_days(days, published, hidden)
    assert all(day >= approved for day in live)
    assert live == [day for day in unapproved if day >= approved]
    if approved >= hidden:
        assert live == []
    else:
        assert live[0] == max(published, approved) == goes_live(published, approved)
        assert live[-1] == unapproved[-1] == last_day_shown(hidden)


def test_a_review_approved_late_comes_down_on_its_usual_day():
    published, approved = date(2026, 5, 1), date(2026, 7, 1)
    hidden = hidden_from(published, ONE_YEAR)
    assert window_state(date(2026, 6, 30), published, hidden, approved) is State.SCHEDULED
    assert window_state(date(2026, 7, 1), published, hidden, approved) is State.LIVE
    assert window_state(date(2027, 5, 1), published, hidden, approved) is State.EXPIRED


def test_expires_overrides_the_window():
    assert hidden_from(date(2026, 3, 14), ONE_YEAR, date(2027, 1, 31)) == date(2027, 1, 31)


def test_never_is_always_live_after_publication():
    assert hidden_from(date(2020, 1, 1), NEVER) is None
    assert window_state(date(2099, 1, 1), date(2020, 1, 1), None) is State.LIVE


@pytest.mark.parametrize("when, day", [
    ("2026-06-30T23:30:00+00:00", date(2026, 7, 1)),  # BST: 00:30 on 1 July in London
    ("2026-12-31T23:30:00+00:00", date(2026, 12, 31)),  # GMT
    ("2026-03-29T00:30:00Z", date(2026, 3, 29)),
    ("2026-11-22", date(2026, 11, 22)),
    ("2026-11-22T10:00:00", date(2026, 11, 22)),
])
def test_as_of_is_read_in_the_site_time_zone(when, day):
    assert as_of_day(when, "Europe/London") == day


def test_as_of_default_uses_the_now_passed_in():
    now = datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc)  # 00:30 BST on 25 October
    assert as_of_day(None, "Europe/London", now=now) == date(2026, 10, 25)


@pytest.mark.parametrize("bad", ["22/11/2026", "tomorrow", "2026-13-01"])
def test_as_of_rejects_non_dates(bad):
    with pytest.raises(ValueError):
        as_of_day(bad, "Europe/London")

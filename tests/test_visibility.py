"""The visibility rule: when is a report live?"""

import calendar
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from sitegen.rules.visibility import (NEVER, ONE_YEAR, State, Window, add_window, as_of_day, decide, goes_live, hidden_from,
                                last_day_shown, parse_window, window_state)

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


@given(dates, dates, windows)
def test_state_partitions_the_timeline(day, published, window):
    hidden = hidden_from(published, window)
    state = window_state(day, published, hidden)
    if day < published:
        assert state is State.SCHEDULED
    elif day < hidden:
        assert state is State.LIVE
    else:
        assert state is State.EXPIRED


@given(dates, windows)
def test_live_exactly_from_published_until_the_day_before_hidden(published, window):
    hidden = hidden_from(published, window)
    assert window_state(published - timedelta(days=1), published, hidden) is State.SCHEDULED
    assert window_state(published, published, hidden) is State.LIVE
    assert window_state(hidden - timedelta(days=1), published, hidden) is State.LIVE
    assert window_state(hidden, published, hidden) is State.EXPIRED


@given(dates, dates, st.booleans(), st.booleans())
def test_drafts_and_errors_never_show(day, published, draft, errors):
    state = decide(day, published, None, draft=draft, has_errors=errors)
    if draft:
        assert state is State.DRAFT
    elif errors:
        assert state is State.WITHHELD
    else:
        assert state is State.LIVE if day >= published else State.SCHEDULED


@given(dates, dates, dates, windows)
def test_nothing_is_live_before_it_is_approved(day, published, approved, window):
    """A review with an approval date (a DHR) is never live before it: it is scheduled until the later
    of its published and approved days; approval only delays going up, and the window still counts
    from published, so it comes down on the same day whenever it was approved."""
    hidden = hidden_from(published, window)
    state = decide(day, published, hidden, draft=False, has_errors=False, approved=approved)
    if day < approved or day < published:
        assert state is State.SCHEDULED
    else:
        assert state is window_state(day, published, hidden)
    assert goes_live(published, approved) == max(published, approved)
    if day >= hidden:
        assert state in (State.EXPIRED, State.SCHEDULED)
        assert state is State.EXPIRED or day < approved


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

"""How a date is written for readers (`dates.uk_date`): day, month's name, year, read back the same."""

import subprocess
import sys
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from sitegen.rules.dates import uk_date


def test_a_date_is_written_day_month_year():
    assert uk_date(date(2026, 3, 4)) == "4 March 2026"
    assert uk_date(None) == ""


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_every_date_is_read_back_as_itself(day):
    assert datetime.strptime(uk_date(day), "%d %B %Y").date() == day


def test_telling_a_date_needs_no_templates():
    """`status`, `verify` and `new` tell dates; they do not load Jinja to do it."""
    code = ("import sys, sitegen.commands.status, sitegen.commands.verify, sitegen.commands.newentry; "
            "print('jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

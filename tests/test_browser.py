"""The browser tests (tests/browser/), run by pytest in a process of their own (see
`pytest_ignore_collect` in conftest.py for why): they pass there, or this test fails with their
report. `python -m pytest tests/browser` runs them directly."""

import subprocess
import sys

import pytest

from conftest import BROWSER_TESTS, ROOT

pytestmark = pytest.mark.slow  # starts the browser tests (Chromium) in a process of their own: left out of scripts/test-fast


def test_the_browser_tests_pass_in_a_process_of_their_own():
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", str(BROWSER_TESTS)],
                            cwd=ROOT, capture_output=True, text=True)
    report = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert " passed" in result.stdout.splitlines()[-1], report

"""`sitegen check` warns while a new site keeps what `sitegen init` wrote as examples."""

import shutil

import pytest

from sitegen.commands.placeholders import is_example_domain
from test_cli import sitegen


def test_a_new_site_is_warned_until_its_examples_are_changed(tmp_path):
    folder = tmp_path / "northshire"
    assert sitegen("init", str(folder)).returncode == 0
    check = sitegen("check", cwd=folder)
    assert check.returncode == 0, check.stderr  # warnings: the site can still be tried out
    said = check.stderr
    for words in ('name is still the example "Exampleshire Safeguarding Partnership"',
                  "base_url https://learning.example.org is an example address",
                  "the email address learning@example.org is an example",
                  "the phone number 01632 960000 is a made-up one",
                  'the address "Town Hall, Exampletown EX1 1AA" is the example one',
                  "content/reviews/example-adult-a.md: warning: this is the example review",
                  "Delete content/reviews/example-adult-a.md and reports/example-sar-adult-a.pdf"):
        assert words in said, words

    settings = (folder / "sitegen.yaml").read_text()
    for old, new in (("$name", "x"), ('"Exampleshire Safeguarding Partnership"', '"Riverside Safeguarding Partnership"'),
                     ("https://learning.example.org", "https://learning.riverside.org.uk"),
                     ("learning@example.org", "learning@riverside.org.uk"), ("01632 960000", "0300 123 4567"),
                     ("Town Hall, Exampletown EX1 1AA", "Civic Centre, Riverside RV1 2AB")):
        settings = settings.replace(old, new)
    (folder / "sitegen.yaml").write_text(settings)
    (folder / "content" / "reviews" / "example-adult-a.md").unlink()
    (folder / "reports" / "example-sar-adult-a.pdf").unlink()
    check = sitegen("check", cwd=folder)
    assert check.returncode == 0 and check.stderr == "", check.stderr
    assert "no errors, 0 warnings" in check.stdout


def test_the_example_review_is_found_by_its_pdf_too(tmp_path):
    folder = tmp_path / "site"
    sitegen("init", str(folder))
    shutil.move(folder / "content" / "reviews" / "example-adult-a.md", folder / "content" / "reviews" / "renamed.md")
    assert "content/reviews/renamed.md: warning: this is the example review" in sitegen("check", cwd=folder).stderr


@pytest.mark.parametrize("host, example", [("example.org", True), ("learning.example.org", True), ("EXAMPLE.COM", True),
                                           ("example.net", True), ("example.org.uk", False), ("myexample.org", False),
                                           ("learning.gov.uk", False), ("learning.northshire.example", False)])
def test_example_domains(host, example):
    assert is_example_domain(host) is example

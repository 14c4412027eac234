"""`sitegen init`: a new partnership's site builds and checks clean; a folder with anything in it is never touched."""

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import read_output
from pdfmaker import make_pdf_bytes
from test_cli import sitegen


def test_a_new_site_checks_clean_and_builds(tmp_path):
    folder = tmp_path / "northshire"
    result = sitegen("init", str(folder), "--name", "Northshire: Safeguarding Partnership")
    assert result.returncode == 0, result.stderr
    assert f"Started a new site in {folder}" in result.stdout
    for path in ("sitegen.yaml", "GUIDE.md", "content/index.md", "content/pages/how-to-refer.md",
                 "content/pages/guidance-for-families.md", "content/pages/contact.md", "content/reviews/example-adult-a.md",
                 "reports/example-sar-adult-a.pdf"):
        assert (folder / path).is_file(), path
    settings = (folder / "sitegen.yaml").read_text()
    assert 'name: "Northshire: Safeguarding Partnership"' in settings and settings.count("\n#") > 10
    assert "$" not in "".join(p.read_text() for p in folder.rglob("*.md"))

    # The example is live from today, so check and build on a day after it.
    published = next(line for line in (folder / "content/reviews/example-adult-a.md").read_text().splitlines()
                     if line.startswith("published:")).split()[1]
    check = sitegen("check", "--as-of", published, cwd=folder)
    # Clean but for the warnings about what is still an example (see tests/test_placeholders.py).
    assert check.returncode == 0 and "no errors" in check.stdout, check.stderr
    assert all(line.startswith(("sitegen.yaml: warning: ", "content/reviews/example-adult-a.md: warning: this is the example review"))
               for line in check.stderr.splitlines()), check.stderr
    build = sitegen("build", "--as-of", published, cwd=folder)
    assert build.returncode == 0, build.stderr
    files = read_output(folder / "build")
    for page in ("index.html", "how-to-refer/index.html", "guidance-for-families/index.html", "contact/index.html",
                 "sar/example-adult-a/index.html", "sar/example-adult-a/example-sar-adult-a.pdf"):
        assert page in files, page
    assert "Northshire: Safeguarding Partnership" in files["index.html"].decode()
    with pikepdf.open(folder / "reports" / "example-sar-adult-a.pdf") as pdf:
        assert pdf.Root.Lang == "en-GB" and str(pdf.docinfo.Title)


def test_the_example_report_is_the_one_the_test_pdf_writer_makes():
    """The example PDF ships as a file (sitegen has no PDF writer); tests/pdfmaker.py makes it again."""
    from sitegen.commands.scaffold import STARTER

    pages = [
        "Example: Safeguarding Adults Review, Adult A\n\nOverview report\n\nThis is an example report. Adult A is a "
        "made-up person. Replace this file with your own reports.",
        "1. Introduction\n\nA real overview report explains who the review is about (by pseudonym only), what "
        "happened, how agencies worked together and what the partnership will do differently.",
    ]
    expected = make_pdf_bytes(pages, title="Overview report", tagged=True, lang="en-GB")
    assert (STARTER / "reports" / "example-sar-adult-a.pdf").read_bytes() == expected


def test_refuses_a_folder_that_holds_anything(tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = sitegen("init", str(folder))
    assert result.returncode == 1
    assert "already holds files, so sitegen init will not write into it." in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_an_empty_folder_is_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    result = sitegen("init", str(tmp_path / "empty"))
    assert result.returncode == 0, result.stderr
    assert "Exampleshire Safeguarding Partnership" in (tmp_path / "empty" / "sitegen.yaml").read_text()


def test_a_new_site_keeps_the_output_and_cache_out_of_git(tmp_path):
    from datetime import date

    from sitegen.commands.scaffold import init_site

    written, problem = init_site(tmp_path / "site", date(2026, 11, 22))
    assert problem is None and tmp_path / "site" / ".gitignore" in written
    lines = (tmp_path / "site" / ".gitignore").read_text().splitlines()
    assert "build/" in lines and ".sitegen-cache/" in lines and ".netlify/" in lines


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_ignores_what_a_stopped_build_leaves_in_a_new_site_and_in_this_repository(tmp_path):
    """The folders a build writes beside its output (each a whole copy of the site) are never committed."""
    from datetime import date

    from sitegen.commands.scaffold import init_site

    site = tmp_path / "site"
    init_site(site, date(2026, 11, 22))
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    repository = Path(__file__).resolve().parents[1]
    for root in (site, repository):
        for name in (".build-new-4242-x1y2/index.html", ".build-old-4242-z3/sar/adult-a/index.html"):
            found = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", "--no-index", name])
            assert found.returncode == 0, f"{name} is not ignored in {root}"

"""The command line, run as a comms officer or CI would run it."""

import subprocess
import sys

import pytest

from conftest import ROOT, occurrences, read_output


def sitegen(*args, cwd=None, env=None):
    """`sitegen ARGS` in a process of its own, with a plain environment (and `env` besides)."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8", **(env or {})})


def test_version():
    result = sitegen("--version")
    assert result.returncode == 0 and result.stdout.startswith("sitegen ")


@pytest.mark.parametrize("command", [[], ["build"], ["check"]])
def test_help_has_examples(command):
    result = sitegen(*command, "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout


def test_build_in_site_folder_and_with_site_option(site):
    site.entry("adult-a", published="2026-03-14")
    inside = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert inside.returncode == 0, inside.stderr
    assert "Built the site as on 22 November 2026" in inside.stdout
    assert (site.root / "build" / "sar" / "adult-a" / "index.html").exists()
    out = site.root.parent / "public"
    anywhere = sitegen("-h", cwd=site.root.parent)  # the group's help works outside a site folder
    assert anywhere.returncode == 0 and "sitegen build" in anywhere.stdout and "Traceback" not in anywhere.stderr
    result = sitegen("build", "--site", str(site.root), "--as-of", "2026-11-22", "--output", str(out))
    assert result.returncode == 0 and (out / "index.html").exists()


def test_as_of_datetime_is_converted_to_london(site):
    site.entry("july", published="2026-07-01", title="JulyMarker")
    before = sitegen("build", "--as-of", "2026-06-30T22:30:00+00:00", cwd=site.root)  # 23:30 BST, 30 June
    assert before.returncode == 0
    assert occurrences(read_output(site.root / "build"), "JulyMarker") == []
    after = sitegen("build", "--as-of", "2026-06-30T23:30:00+00:00", cwd=site.root)  # 00:30 BST, 1 July
    assert after.returncode == 0 and "1 July 2026" in after.stdout
    assert occurrences(read_output(site.root / "build"), "JulyMarker")


def test_bad_as_of_is_explained(site):
    result = sitegen("build", "--as-of", "22/11/2026", cwd=site.root)
    assert result.returncode == 2
    assert "is not a date" in result.stderr and "Traceback" not in result.stderr


def test_broken_entry_build_exits_0_strict_and_check_exit_1(site):
    site.entry("good", published="2026-01-01")
    site.raw("content/bad.md", "---\ntitle: Bad\ntype: sar\npublished: 22/11/2026\nsummary: S.\ndocuments: none\n---\n")
    build = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert build.returncode == 0
    assert "content/bad.md:4: error: published: 22/11/2026 is not a date; write 2026-11-22" in build.stderr
    assert "1 entry was left out" in build.stderr
    assert (site.root / "build" / "sar" / "good" / "index.html").exists()
    strict = sitegen("build", "--as-of", "2026-11-22", "--strict", cwd=site.root)
    assert strict.returncode == 1 and (site.root / "build" / "sar" / "good" / "index.html").exists()
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root)
    assert check.returncode == 1 and "1 error" in check.stderr


def test_broken_settings_build_with_the_last_ones_but_check_fails(site):
    site.entry("good", published="2025-06-01")
    assert sitegen("build", "--as-of", "2026-05-31", cwd=site.root).returncode == 0
    (site.root / "sitegen.yaml").write_text("name: Testshire\nbase_url: https://learning.testshire.example\n  contact: x\n")
    build = sitegen("build", "--as-of", "2026-06-01", cwd=site.root)
    assert build.returncode == 0 and "Traceback" not in build.stderr
    assert "sitegen.yaml: error: this file cannot be used, so this build used the settings of the last build" in build.stderr
    assert "sitegen.yaml:3: error: the settings cannot be read: line 3 starts with spaces" in build.stderr
    assert "Built the site as on 1 June 2026" in build.stdout
    assert not (site.root / "build" / "sar" / "good" / "index.html").read_text().count("Summary of good")
    strict = sitegen("build", "--as-of", "2026-06-01", "--strict", cwd=site.root)
    assert strict.returncode == 1
    for command in (["check"], ["build", "--no-cache"]):
        stopped = sitegen(*command, "--as-of", "2026-06-01", cwd=site.root)
        assert stopped.returncode == 1 and "Nothing was done: fix the settings above first." in stopped.stderr


def test_a_template_that_fails_as_it_runs_is_a_message_and_the_site_is_still_built(site):
    site.entry("good", published="2026-01-01")
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}\n{% block content %}{{ 1 + 'a' }}{% endblock %}")
    build = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert build.returncode == 0 and "Traceback" not in build.stderr
    assert "themes/templates/entry.html:2: error: the theme could not be used: TypeError" in build.stderr
    assert "this build used sitegen's default theme instead of your own" in build.stderr
    assert (site.root / "build" / "sar" / "good" / "index.html").exists()
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert "themes/templates/entry.html:2: error: the theme could not be used: TypeError" in check.stderr


def test_check_finds_a_template_that_fails_only_on_one_entry_and_writes_nothing(site):
    site.entry("good", published="2026-01-01")
    site.raw("themes/templates/entry.html", "{% extends 'base.html' %}\n{% block content %}\n"
                                            "{% if entry.subject %}{{ entry.subject + 1 }}{% endif %}{% endblock %}")
    assert sitegen("check", "--as-of", "2026-11-22", cwd=site.root).returncode == 0
    site.entry("named", published="2026-01-01", subject="Adult N")
    before = sorted(p.relative_to(site.root) for p in site.root.rglob("*") if ".sitegen-cache" not in p.parts)
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root)
    assert check.returncode == 1 and "themes/templates/entry.html:3: error" in check.stderr
    assert sorted(p.relative_to(site.root) for p in site.root.rglob("*") if ".sitegen-cache" not in p.parts) == before


def test_check_finds_problems_in_scheduled_documents(site):
    (site.root / "reports" / "future.pdf").write_bytes(b"not a pdf at all")
    site.entry("future", published="2027-06-01", documents=[{"file": "reports/future.pdf", "title": "Report"}])
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root)
    assert check.returncode == 1
    assert "reports/future.pdf is not a PDF" in check.stderr


def test_clean_site_check_exits_0(site):
    site.entry("good", published="2026-01-01")
    check = sitegen("check", "--as-of", "2026-11-22", cwd=site.root)
    assert check.returncode == 0 and "no errors" in check.stdout


def test_no_config_is_a_message_not_a_traceback(tmp_path):
    result = sitegen("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "no sitegen.yaml" in result.stderr and "Traceback" not in result.stderr


def test_refusal_is_explained(site, tmp_path):
    site.entry("good", published="2026-01-01")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    result = sitegen("build", "--as-of", "2026-11-22", "--output", str(mine), cwd=site.root)
    assert result.returncode == 1
    assert "did not write" in result.stderr and (mine / "notes.txt").exists()


GARBAGE = [
    b"", b"---\n", b"---\n---\n", b"---\n- a\n- b\n---\n", b"---\ntitle: [\n---\n", b"\xff\xfe\x00garbage",
    b"---\ntitle: 5\ntype: [sar]\npublished: {a: 1}\n---\n", b"---\ntitle: X\ntype: sar\npublished: 2026-01-01\ndocuments: {a: 1}\n---\n",
    b"---\ntitle: X\ntype: sar\npublished: 2026-01-01\ndocuments:\n  - 42\n  - {title: only}\n  - file: [x]\n---\n",
    b"---\ntitle: X\ntype: sar\npublished: 2026-01-01T10:00:00\nthemes: {a: b}\nrelated: 3\ndraft: perhaps\n---\n",
]


def test_no_traceback_for_any_bad_content(site):
    site.entry("good", published="2026-01-01")
    pwned = site.root / "pwned"  # what an unsafe YAML loader would make, running the tag's command
    garbage = [*GARBAGE, f"---\n!!python/object/apply:os.system ['touch {pwned}']\n---\n".encode()]
    for index, data in enumerate(garbage):
        (site.root / "content" / f"bad-{index}.md").write_bytes(data)
    for command in (["build", "--as-of", "2026-11-22"], ["check", "--as-of", "2026-11-22"]):
        result = sitegen(*command, cwd=site.root)
        assert "Traceback" not in result.stderr, result.stderr
        for index in range(len(garbage)):
            assert f"content/bad-{index}.md" in result.stderr
    assert (site.root / "build" / "sar" / "good" / "index.html").exists()
    assert not pwned.exists()


def test_sample_site_builds_with_nothing_embargoed(tmp_path):
    out = tmp_path / "sample"
    result = sitegen("build", "--site", str(ROOT), "--as-of", "2026-11-22", "--output", str(out))
    assert result.returncode == 0, result.stderr
    files = read_output(out)
    assert occurrences(files, "Kestrelbrook") == []  # scheduled CSPR
    assert occurrences(files, "Quillmere") == []  # draft SAR
    # only inside the live PDF, and so in the search index
    assert [path for path in occurrences(files, "Marshwillow") if not path.startswith("pagefind/")] == ["sar/sar-adult-a/sar-adult-a-overview.pdf"]
    assert any(path.startswith("pagefind/fragment/") for path in occurrences(files, "Marshwillow"))
    check = sitegen("check", "--site", str(ROOT), "--as-of", "2026-11-22")
    assert check.returncode == 0, check.stderr


def test_a_first_build_of_a_large_site_says_why_it_takes_a_while(site):
    for index in range(50):
        site.pdf(f"r{index}.pdf", [f"Report {index}", "Findings"])
        site.entry(f"r{index}", published="2026-01-01", documents=[{"file": f"reports/r{index}.pdf", "title": "Overview"}])
    first = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert first.returncode == 0, first.stderr
    assert "Reading 50 documents that sitegen has not seen before" in first.stderr
    read = [line for line in first.stderr.splitlines() if line.startswith("Read ")]
    assert read == [f"Read {done} of 50 documents." for done in range(5, 51, 5)]
    again = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert again.returncode == 0 and "Reading" not in again.stderr, "a warm build has nothing to say about it"


def test_a_first_build_of_a_small_site_says_nothing_of_it(site):
    site.pdf("a.pdf", ["Report A", "Findings"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    first = sitegen("build", "--as-of", "2026-11-22", cwd=site.root)
    assert first.returncode == 0 and "Reading" not in first.stderr


def test_check_and_status_use_what_the_last_build_read_and_never_write_it(site, monkeypatch):
    from click.testing import CliRunner

    from sitegen.commands import cli
    from sitegen.content import yamlfile
    from sitegen.build import MEMO

    site.entry("good", published="2026-01-01")
    site.raw("content/bad.md", "---\ntitle: Bad\ntype: sar\npublished: 22/11/2026\nsummary: S.\ndocuments: none\n---\n")
    assert sitegen("build", "--as-of", "2026-11-22", cwd=site.root).returncode == 0
    memo = site.root / ".sitegen-cache" / MEMO
    kept = memo.read_bytes()
    commands = [["check", "--site", str(site.root), "--as-of", "2026-11-22"],
                ["status", "--site", str(site.root), "--as-of", "2026-11-22"]]
    fresh = [CliRunner().invoke(cli.main, args) for args in commands]
    real_load = yamlfile.load

    def load(text, first_line=1):  # front matter starts on line 2; sitegen.yaml is read as ever
        assert first_line != 2, "front matter read again, although the last build had read it"
        return real_load(text, first_line)

    monkeypatch.setattr(yamlfile, "load", load)
    again = [CliRunner().invoke(cli.main, args) for args in commands]
    assert [(r.exit_code, r.output) for r in again] == [(r.exit_code, r.output) for r in fresh]
    assert fresh[0].exit_code == 1 and "22/11/2026 is not a date" in fresh[0].output
    assert memo.read_bytes() == kept

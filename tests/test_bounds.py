"""One entry, however it is written, never stops the build: each resource bomb below sits beside
a good entry in a build run as the nightly build runs it, under a memory limit; the bomb is
withheld with a message naming its file and the limit, and the good entry is published."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from conftest import ROOT, occurrences, read_output
from sitegen.rules import bounds

MEMORY = 2 * 1024**3  # bytes of address space the build may use, as in the nightly build's tests
HANG = 120  # seconds: only a guard against a hang (a bomb took longer than this before)


def alias_bomb() -> str:
    """Ten nested anchors: 9^10 (3.5 billion) values from a few hundred bytes."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\nsummary: *a9\n"


# name: (what goes in content/bomb.md, what the message says)
BOMBS = {
    "yaml alias bomb": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\n" + alias_bomb() + "---\nBody.\n",
                        "uses YAML anchors or aliases (& or *), which sitegen does not accept"),
    "a 20 MB title on one line": ("---\ntitle: " + "Bomb " * 4_000_000 + "\ntype: sar\npublished: 2026-01-01\n---\nBody.\n",
                                  f"its front matter may be at most {bounds.FRONT_MATTER:,} characters"),
    "a title within the front matter's limit": ("---\ntitle: " + "Bomb " * 3_000 + "\ntype: sar\npublished: 2026-01-01\n---\n",
                                                f"title: is 14,999 characters long; sitegen accepts at most {bounds.TITLE:,}"),
    "a long front matter": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\n" + "".join(f"k{n}: v\n" for n in range(5_000)) + "---\n",
                            f"sitegen accepts at most {bounds.FRONT_MATTER:,}"),
    "a long body of costly Markdown": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\n---\n" + "[a" * 100_000,
                                       f"sitegen accepts at most {bounds.BODY:,}"),
    "thousands of headings": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\n---\n" + "# a\n" * 20_000,
                              f"has 20,000 headings; sitegen accepts at most {bounds.HEADINGS:,}"),
    "deeply nested lists": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\nthemes: " + "[" * 999 + "]" * 999 + "\n---\n",
                            "nested more than 20 deep"),
    "thousands of themes": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\nthemes: [" + ", ".join(f"t{n}" for n in range(3_000)) + "]\n---\n",
                            f"themes: has 3,000 items; sitegen accepts at most {bounds.LIST_ITEMS:,}"),
    "a slug too long for a folder's name": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\nslug: " + "a" * 300 + "\n---\n",
                                            f"slug: is 300 characters long; sitegen accepts at most {bounds.SLUG:,}"),
    "thousands of documents": ("---\ntitle: Bomb\ntype: sar\npublished: 2026-01-01\ndocuments:\n" + "  - reports/a.pdf\n" * 1_000 + "---\n",
                               f"1,000 are listed; sitegen accepts at most {bounds.DOCUMENTS:,}"),
}


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def build_under_limit(site_root, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=site_root, env=env, capture_output=True,
                          text=True, preexec_fn=limited, timeout=HANG)


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_bomb_is_withheld_and_the_good_entry_is_published(site, bomb):
    text, message = BOMBS[bomb]
    site.entry("good", published="2026-03-14", title="Good review Quillmere")
    (site.root / "content" / "bomb.md").write_text(text)
    result = build_under_limit(site.root, "build", "--as-of", "2026-11-22")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("content/bomb.md")]
    assert any(message in line and "error" in line for line in said), said
    assert "1 entry was left out" in result.stderr
    files = read_output(site.root / "build")
    assert "Quillmere" in (site.root / "build" / "sar" / "good" / "index.html").read_text()
    assert occurrences(files, "bomb") == []  # nothing of it anywhere (its file name and title say "bomb")
    strict = build_under_limit(site.root, "build", "--as-of", "2026-11-22", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_the_limits_leave_room_for_real_entries(site):
    """A long real entry (a long title, summary and introduction, many themes and documents) is within them."""
    site.pdf("a.pdf")
    themes = [f"theme {n}" for n in range(30)]
    body = "\n\n".join(f"## Part {n}\n\n" + "The review found that agencies shared information late. " * 40 for n in range(40))
    site.entry("long", published="2026-03-14", title="Safeguarding Adults Review: " + "Adult A " * 20,
               summary="One paragraph. " * 150, themes=themes, body=body,
               documents=[{"file": "reports/a.pdf", "title": "Overview report"}] * 1)
    result, out = site.build("2026-11-22")
    assert not [p for p in result.problems if p.is_error], result.problems
    assert (out / "sar" / "long" / "index.html").exists()


def test_anchors_and_aliases_are_refused_wherever_they_are_and_ampersands_in_text_are_not(site):
    from sitegen.content import yamlfile

    for text, line in (("a: &x 1\n", 2), ("a: 1\nb: *x\n", 3), ("l:\n  - &x [1]\n", 3)):
        with pytest.raises(yamlfile.AliasRefused) as refused:
            yamlfile.load(text, first_line=2)
        assert refused.value.line == line
    plain = yamlfile.load('title: "*Starred* & R&D"\nsummary: Fish & chips * 2\n')
    assert plain.data == {"title": "*Starred* & R&D", "summary": "Fish & chips * 2"}
    site.raw("sitegen.yaml", "name: &n Testshire\nbase_url: https://learning.testshire.example\ncontact: {email: *n}\n")
    result = build_under_limit(site.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "sitegen.yaml:1: error: the settings are not valid YAML: it uses YAML anchors or aliases (& or *), " \
           "which sitegen does not accept." in result.stderr

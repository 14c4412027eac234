"""The memo: what sitegen made from each entry's text, kept from one build to the next."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import read_output
import sitegen
from sitegen.content import entries, yamlfile
from sitegen.rendering import markup, render
from sitegen.core import memo as memo_module
from sitegen.build import MEMO
from sitegen.core.memo import Memo


def counting(make):
    calls = []

    def counted(text):
        calls.append(text)
        return make(text)

    return counted, calls


def test_a_value_made_once_is_taken_from_the_memo_by_the_next_build(tmp_path):
    make, calls = counting(str.upper)
    first = Memo(tmp_path / "memo")
    assert first.get("upper", "abc", make) == "ABC"
    first.save()
    later = Memo(tmp_path / "memo")
    assert later.get("upper", "abc", make) == "ABC"
    assert later.get("upper", "abd", make) == "ABD"
    assert calls == ["abc", "abd"]


def test_kinds_of_value_are_kept_apart(tmp_path):
    memo = Memo(tmp_path / "memo")
    assert memo.get("upper", "abc", str.upper) == "ABC"
    assert memo.get("lower", "abc", str.lower) == "abc"


def test_each_call_gets_its_own_copy(tmp_path):
    memo = Memo(tmp_path / "memo")
    memo.get("list", "a b", str.split).append("changed by a caller")
    assert memo.get("list", "a b", str.split) == ["a", "b"]


def test_only_what_the_last_build_used_is_kept(tmp_path):
    first = Memo(tmp_path / "memo")
    first.get("upper", "old", str.upper)
    first.get("upper", "kept", str.upper)
    first.save()
    second = Memo(tmp_path / "memo")
    second.get("upper", "kept", str.upper)
    second.save()
    make, calls = counting(str.upper)
    third = Memo(tmp_path / "memo")
    third.get("upper", "kept", make)
    third.get("upper", "old", make)
    assert calls == ["old"]


def test_an_unchanged_memo_is_not_written_again(tmp_path):
    first = Memo(tmp_path / "memo")
    first.get("upper", "abc", str.upper)
    first.save()
    os.utime(tmp_path / "memo", ns=(1, 1))
    second = Memo(tmp_path / "memo")
    second.get("upper", "abc", str.upper)
    second.save()
    assert os.stat(tmp_path / "memo").st_mtime_ns == 1


@pytest.mark.parametrize("damage", ["cut short", "a byte changed", "not a memo", "empty", "another version"])
def test_a_damaged_memo_costs_time_not_results(tmp_path, damage, monkeypatch):
    first = Memo(tmp_path / "memo")
    first.get("upper", "abc", str.upper)
    first.save()
    data = (tmp_path / "memo").read_bytes()
    if damage == "cut short":
        data = data[:-3]
    elif damage == "a byte changed":
        data = data[:-3] + bytes([data[-3] ^ 1]) + data[-2:]
    elif damage == "not a memo":
        data = b"{}"
    elif damage == "empty":
        data = b""
    else:  # made by another sitegen, or with other libraries: its values may differ
        from sitegen.core import memo as memo_module

        monkeypatch.setattr(memo_module, "code_stamp", lambda: b"0123456789abcdef")
    (tmp_path / "memo").write_bytes(data)
    make, calls = counting(str.upper)
    assert Memo(tmp_path / "memo").get("upper", "abc", make) == "ABC"
    assert calls == ["abc"]


def test_a_value_marshal_cannot_keep_is_made_each_time(tmp_path):
    class Thing:
        pass

    make, calls = counting(lambda text: Thing())
    memo = Memo(tmp_path / "memo")
    assert isinstance(memo.get("thing", "a", make), Thing)
    assert isinstance(memo.get("thing", "a", make), Thing)
    memo.save()
    assert len(calls) == 2


def test_an_error_is_not_kept(tmp_path):
    memo = Memo(tmp_path / "memo")

    def failing(text):
        raise ValueError(text)

    with pytest.raises(ValueError):
        memo.get("fail", "a", failing)
    assert memo.get("fail", "a", str.upper) == "A"


def test_what_a_worker_made_reaches_the_memo_it_came_from(tmp_path):
    parent = Memo(tmp_path / "memo")
    worker = Memo(tmp_path / "memo")  # as a forked copy holds: the same memo, separately
    worker.get("upper", "abc", str.upper)
    parent.merge_from_worker(worker.take_new_results())
    assert worker.take_new_results() == ({}, set()), "what was sent is not sent twice"
    parent.save()
    make, calls = counting(str.upper)
    assert Memo(tmp_path / "memo").get("upper", "abc", make) == "ABC"
    assert calls == []


def test_without_a_folder_nothing_is_written(tmp_path):
    memo = Memo(None)
    assert memo.get("upper", "abc", str.upper) == "ABC"
    memo.save()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_costs_time_only(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    memo = Memo(tmp_path / "file" / "memo")
    assert memo.get("upper", "abc", str.upper) == "ABC"
    memo.save()  # no error
    assert (tmp_path / "file").read_text() == "not a folder"


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(value=yaml_values)
def test_every_value_front_matter_can_hold_comes_back_equal(tmp_path_factory, value):
    folder = tmp_path_factory.mktemp("memo")
    first = Memo(folder / "memo")
    first.get("value", "text", lambda _: value)
    first.save()
    assert Memo(folder / "memo").get("value", "text", lambda _: pytest.fail("made again")) == value


@settings(max_examples=100, deadline=None)
@given(title=st.text(max_size=30), themes=st.lists(st.text(max_size=10), max_size=3))
def test_front_matter_from_the_memo_is_what_reading_it_gives(tmp_path_factory, title, themes):
    import yaml

    text = yaml.safe_dump({"title": title, "themes": themes, "documents": [{"file": "reports/a.pdf"}]}) + "title: again\n"
    folder = tmp_path_factory.mktemp("memo")
    fresh = yamlfile.load(text, first_line=2)
    first = Memo(folder / "memo")
    entries._front_matter(text, first)
    first.save()
    kept = entries._front_matter(text, Memo(folder / "memo"))
    assert (kept.data, kept.lines, kept.duplicates, kept.first_line) == (fresh.data, fresh.lines, fresh.duplicates, fresh.first_line)


def make_site(site):
    site.pdf("a.pdf", ["Overview"])
    site.entry("adult-a", body="# Heading\n\nThe *first* body.\n\n## Learning\n\nShare early.", published="2026-01-01",
               documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    site.entry("brief", type="briefing", published="2026-02-01",
               body="Intro.\n\n" + "".join(f"## {n}. Part {n}\n\nText {n}.\n\n" for n in range(1, 8)))
    site.entry("page", type="page", body="A page of its own.")


def test_a_warm_build_reads_no_front_matter_and_converts_no_markdown(site, tmp_path, monkeypatch):
    make_site(site)
    site.build("2026-11-22", tmp_path / "cold")
    assert (site.root / ".sitegen-cache" / MEMO).is_file()

    def never(*args, **kwargs):
        raise AssertionError("made again, although the memo had it")

    real_load = yamlfile.load

    def load(text, first_line=1):  # sitegen.yaml is read as ever; front matter starts on line 2
        return never() if first_line == 2 else real_load(text, first_line)

    monkeypatch.setattr(yamlfile, "load", load)
    monkeypatch.setattr(render, "to_html", never)
    monkeypatch.setattr(render, "split_sections", never)
    result, _ = site.build("2026-11-22", tmp_path / "warm")
    assert not result.failed
    assert read_output(tmp_path / "warm") == read_output(tmp_path / "cold")


def test_an_edited_entry_is_read_again(site, tmp_path):
    make_site(site)
    site.build("2026-11-22", tmp_path / "before")
    site.entry("adult-a", title="A new title", body="A *new* body.", published="2026-01-01",
               documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    site.build("2026-11-22", tmp_path / "after")
    site.build("2026-11-22", tmp_path / "fresh", use_cache=False)
    page = (tmp_path / "after" / "sar" / "adult-a" / "index.html").read_text()
    assert "A new title" in page and "A <em>new</em> body." in page and "first" not in page
    assert read_output(tmp_path / "after") == read_output(tmp_path / "fresh")


def test_a_damaged_memo_builds_the_same_site(site, tmp_path):
    make_site(site)
    site.build("2026-11-22", tmp_path / "first")
    memo = site.root / ".sitegen-cache" / MEMO
    memo.write_bytes(memo.read_bytes()[:40])
    result, _ = site.build("2026-11-22", tmp_path / "second")
    assert not result.failed
    assert read_output(tmp_path / "second") == read_output(tmp_path / "first")


def test_a_preview_never_writes_the_memo(site, tmp_path):
    make_site(site)
    site.build("2026-11-22", tmp_path / "preview", banner="Preview")
    assert not (site.root / ".sitegen-cache" / MEMO).exists()


def test_the_markdown_of_a_memo_is_markups(tmp_path):
    """What the renderer takes from the memo is exactly what `markup` makes."""
    text = "# Title\n\nSome *text*.\n\n## One\n\nA.\n\n## Two\n\nB."
    memo = Memo(tmp_path / "memo")
    renderer = render.Renderer.__new__(render.Renderer)
    renderer.memo = memo
    for _ in range(2):
        assert renderer.html(text) == markup.to_html(text)
        assert renderer.sections(text) == markup.split_sections(text)


# --- the theme's templates, kept compiled between builds ---------------------------------------

def test_an_edited_template_of_the_sites_own_is_used_at_once(site, tmp_path):
    from sitegen.build import TEMPLATES

    make_site(site)
    template = "{% extends 'base.html' %}{% block title %}Lost{% endblock %}{% block content %}<h1>MARKER</h1>{% endblock %}"
    site.raw("themes/templates/404.html", template.replace("MARKER", "FirstVersion"))
    _, out = site.build("2026-11-22")
    assert "FirstVersion" in (out / "404.html").read_text()
    assert any((site.root / ".sitegen-cache" / TEMPLATES).iterdir()), "compiled templates are kept"
    site.raw("themes/templates/404.html", template.replace("MARKER", "SecondVersion"))
    _, out = site.build("2026-11-22")
    assert "SecondVersion" in (out / "404.html").read_text()


def test_damaged_compiled_templates_are_compiled_again(site, tmp_path):
    from sitegen.build import TEMPLATES

    make_site(site)
    site.build("2026-11-22", tmp_path / "first")
    kept = list((site.root / ".sitegen-cache" / TEMPLATES).iterdir())
    assert kept
    for index, path in enumerate(kept):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if index % 2 else data[:12] + b"\x80garbage")
    result, _ = site.build("2026-11-22", tmp_path / "second")
    assert not result.failed
    assert read_output(tmp_path / "second") == read_output(tmp_path / "first")


def test_what_this_process_sent_itself_is_not_sent_again(tmp_path):
    """A build's own share goes through `take_new_results` and `merge_from_worker` item by item, as a worker's does:
    each item's share is only what that item made and used, however many came before."""
    memo = Memo(tmp_path / "memo")
    sizes = []
    for index in range(50):
        memo.get("upper", f"text {index}", str.upper)
        new_results = memo.take_new_results()
        sizes.append((len(new_results[0]), len(new_results[1])))
        memo.merge_from_worker(new_results)
    assert set(sizes) == {(1, 1)}
    memo.save()
    make, calls = counting(str.upper)
    later = Memo(tmp_path / "memo")
    assert [later.get("upper", f"text {index}", make) for index in range(50)] == [f"TEXT {index}" for index in range(50)]
    assert calls == []


# --- what the memo is keyed on ------------------------------------------------------

PACKAGE = sitegen.PACKAGE_FOLDER  # the whole package, whichever of its folders memo.py is in


def package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "sitegen"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def package_files() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_a_change_to_any_file_of_the_package_changes_the_key(tmp_path):
    """Every module (render.py's `_plain_sections` makes kept values too), the version and the
    default theme: a sitegen that differs in any file never uses another's values."""
    copy = package_copy(tmp_path)
    before = memo_module.package_digest(copy)
    assert memo_module.package_digest(copy) == before  # the same files: the same key
    files = package_files()
    assert "rendering/render.py" in files and "core/memo.py" in files and "__init__.py" in files and any(f.startswith("themes/default/") for f in files)
    for name in files:
        path = copy / name
        data = path.read_bytes()
        path.write_bytes(data + b"\n")
        assert memo_module.package_digest(copy) != before, name
        path.write_bytes(data)
    (copy / "new_module.py").write_text("")
    assert memo_module.package_digest(copy) != before, "a module added"
    (copy / "new_module.py").unlink()
    (copy / "rendering" / "render.py").rename(copy / "rendering" / "renamed.py")
    assert memo_module.package_digest(copy) != before, "a module renamed"


def test_an_upgraded_sitegen_reads_nothing_an_older_one_kept(tmp_path):
    """The whole key, in processes of their own: the same package gives the same key, and an edit of
    render.py (or a new version) another, so the memo written before is not used."""
    copy = package_copy(tmp_path)

    def stamp() -> str:
        code = "from sitegen.core.memo import code_stamp; print(code_stamp().hex())"
        return subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout.strip()

    code = "import sitegen; print(sitegen.__file__)"
    where = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(tmp_path)}, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).parent == copy  # the copy is the one used
    first = stamp()
    assert stamp() == first
    render_py = copy / "rendering" / "render.py"
    assert "return intro, [(s.heading, s.html) for s in sections]" in render_py.read_text()
    render_py.write_text(render_py.read_text().replace("return intro, [(s.heading, s.html) for s in sections]",
                                                       "return intro, [(s.heading.upper(), s.html) for s in sections]"))
    edited = stamp()
    assert edited != first
    init = copy / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "', '__version__ = "9'))
    assert stamp() not in (first, edited)


def test_the_libraries_that_make_values_are_part_of_the_key(monkeypatch):
    real = memo_module._library_digest
    memo_module.code_stamp.cache_clear()
    try:
        first = memo_module.code_stamp()
        for library in memo_module.LIBRARIES:
            monkeypatch.setattr(memo_module, "_library_digest", lambda name, changed=library: real(name) + (b"!" if name == changed else b""))
            memo_module.code_stamp.cache_clear()
            assert memo_module.code_stamp() != first, library
    finally:
        monkeypatch.undo()
        memo_module.code_stamp.cache_clear()

"""Writing the output: exactly the files of the build, swapped in whole, whatever the
previous output held (the replaced output is kept in the cache and made into the next one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import read_output
from sitegen.core.cachefile import content_name
from sitegen.output import outputs
from sitegen.output.file_store import FileStore
from sitegen.rules.addresses import OutputFile

# Paths that clash across builds: a file in one build is a folder in another.
PATHS = ["index.html", "sar/index.html", "sar/a/index.html", "sar/a/report.pdf", "sar/a", "sar/b/index.html",
         "feed.xml", "pagefind/part-1/index/x.pf_index", "pagefind/part-1", "assets/site.css"]


def consistent(paths: set[str]) -> set[str]:
    """Drop paths that would be a file and a folder in the same build."""
    chosen = set()
    for path in sorted(paths):
        parents = {p.as_posix() for p in Path(path).parents}
        if not parents & chosen and not any(other.startswith(path + "/") for other in chosen):
            chosen.add(path)
    return chosen


def tree(folder: Path) -> tuple[dict[str, bytes], set[str]]:
    files, folders = {}, set()
    for root, dirs, names in os.walk(folder):
        for name in names:
            files[Path(root, name).relative_to(folder).as_posix()] = Path(root, name).read_bytes()
        folders |= {Path(root, name).relative_to(folder).as_posix() for name in dirs}
    return files, folders


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(st.sampled_from(PATHS)), st.integers(0, 3), st.booleans()), min_size=1, max_size=5))
def test_the_output_is_exactly_the_files_of_the_last_build(tmp_path_factory, builds):
    """Whatever the previous outputs held, and whether the search index's files come later (made
    while the others are written, as a build does) or with the others."""
    base = tmp_path_factory.mktemp("out")
    output, previous_output = base / "site" / "build", base / "site" / ".sitegen-cache" / "previous-output" / "x"
    cached = base / "cached.pdf"
    cached.write_bytes(b"%PDF cached copy")
    for number, (paths, version, index_later) in enumerate(builds):
        assert previous_output.is_dir() == (number >= 2), "the output replaced is kept in the cache"
        paths = consistent(paths)
        files = [OutputFile(p, source=cached, link=True) if p.endswith(".pdf") else OutputFile(p, f"{p} v{version}".encode())
                 for p in paths]
        store = FileStore(base / "site" / ".sitegen-cache" / "output-files") if version % 2 else None
        later = None
        if index_later:
            first = [f for f in files if not f.path.startswith("pagefind/")]
            late = [f for f in files if f.path.startswith("pagefind/")]

            def late_files(first=first, late=late):
                [new] = [p for p in output.parent.iterdir() if p.name.startswith(".build-new-")]
                assert all((new / f.path).is_file() for f in first), "the other files are written first"
                return late

            files, later = first, outputs.LaterFiles("pagefind", late_files)
        outputs.write_site(files, output, previous_output=previous_output, store=store, later=later)
        written, folders = tree(output)
        assert written == {outputs.OUTPUT_MARKER: outputs.MARKER_TEXT,
                           **{p: f"{p} v{version}".encode() if not p.endswith(".pdf") else b"%PDF cached copy" for p in paths}}
        needed = {parent.as_posix() for p in paths for parent in Path(p).parents if parent != Path(".")}
        assert folders == needed
        assert sorted(p.name for p in output.parent.iterdir()) == [".sitegen-cache", "build"], "nothing left beside the output"
    assert cached.read_bytes() == b"%PDF cached copy", "a linked file is never written through"


INDEX_PATHS = ["pagefind/pagefind.js", "pagefind/part-1/index/a.pf_index", "pagefind/part-1/fragment/b.pf_fragment",
               "pagefind/part-2/index/c.pf_index", "pagefind/part-2", "pagefind/part-3/pagefind-entry.json"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(st.sampled_from(PATHS)), st.sets(st.sampled_from(INDEX_PATHS)),
                          st.sets(st.sampled_from(INDEX_PATHS)), st.integers(0, 3)), min_size=1, max_size=4))
def test_later_files_given_early_are_written_at_once_and_the_output_is_still_exactly_the_last_files(tmp_path_factory, builds):
    """The search index's parts come as Pagefind makes them (`LaterFiles.ready`), and are written
    then, before the whole index is known; what the whole index then holds is what is swapped in,
    whatever was given early (a part given early and not in the index, when a later part failed, is
    not published; nor is an early file whose bytes the index then gives otherwise)."""
    base = tmp_path_factory.mktemp("out")
    output, previous_output = base / "site" / "build", base / "site" / ".sitegen-cache" / "previous-output" / "x"
    for version, (paths, final_index, early_only, kind) in enumerate(builds):
        first = [OutputFile(p, f"{p} v{version}".encode()) for p in consistent(paths) if not p.startswith("pagefind")]
        index = consistent(final_index | early_only)
        final = [OutputFile(p, f"{p} index v{version}".encode()) for p in sorted(index & final_index)]
        # given early: the index's own objects, other bytes at one of its paths, and files it will not hold
        early = [f for f in final if kind != 1] + [OutputFile(p, b"not the index's") for p in sorted(index - final_index)]
        if kind == 2 and final:
            early = [OutputFile(final[0].path, b"older bytes")] + early[1:]
        batches = [early[:2], early[2:]] if kind != 3 else [early]
        recycled = previous_output.is_dir()  # its folders may be where an early file goes: that one waits

        def given_early(batches=batches, recycled=recycled):
            [new] = [p for p in output.parent.iterdir() if p.name.startswith(".build-new-")]
            for batch in batches:
                yield batch
                assert recycled or all((new / f.path).is_file() for f in batch), "each batch is written as it comes"

        def whole(final=final, early=early, recycled=recycled):
            [new] = [p for p in output.parent.iterdir() if p.name.startswith(".build-new-")]
            assert recycled or all((new / f.path).is_file() for f in early), "everything given early is written first"
            return final

        store = FileStore(base / "site" / ".sitegen-cache" / "output-files") if version % 2 else None
        stored = outputs.write_site(first, output, previous_output=previous_output, store=store,
                                    later=outputs.LaterFiles("pagefind", whole, given_early))
        written, folders = tree(output)
        assert written == {outputs.OUTPUT_MARKER: outputs.MARKER_TEXT, **{f.path: f.data for f in first + final}}
        assert folders == {parent.as_posix() for f in first + final for parent in Path(f.path).parents if parent != Path(".")}
        assert set(stored) <= {f.path for f in first + final}, "the take-down record names only what was published"
        if store is not None:  # and each by the kept file of the bytes published there, never of bytes given early
            assert stored == {f.path: content_name(f.data) for f in first + final}
        assert sorted(p.name for p in output.parent.iterdir()) == [".sitegen-cache", "build"], "nothing left beside the output"


@pytest.mark.parametrize("given", ["early", "late"])
def test_index_files_at_a_path_already_written_or_outside_their_folder_are_refused_and_nothing_is_swapped_in(tmp_path, given):
    """Files of the index given early (as each part is made) or late (the whole index at the end)."""
    output = tmp_path / "build"
    outputs.write_site([OutputFile("index.html", b"first")], output)
    for wrong in ([OutputFile("index.html", b"again")], [OutputFile("sar/index.html", b"not the index's")]):
        later = (outputs.LaterFiles("pagefind", lambda: [], lambda wrong=wrong: iter([wrong])) if given == "early"
                 else outputs.LaterFiles("pagefind", lambda wrong=wrong: wrong))
        with pytest.raises(ValueError):
            outputs.write_site([OutputFile("index.html", b"second")], output, later=later)
        assert read_output(output) == {"index.html": b"first", outputs.OUTPUT_MARKER: outputs.MARKER_TEXT}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_previous_output_that_sitegen_did_not_make_is_left_alone(tmp_path):
    output, previous_output = tmp_path / "build", tmp_path / "cache" / "previous"
    previous_output.mkdir(parents=True)
    (previous_output / "notes.txt").write_text("mine")
    outputs.write_site([OutputFile("index.html", b"home")], output, previous_output=previous_output)
    outputs.write_site([OutputFile("index.html", b"home 2")], output, previous_output=previous_output)
    assert (previous_output / "notes.txt").read_text() == "mine"
    assert read_output(output)["index.html"] == b"home 2"


def test_an_entry_that_comes_down_leaves_no_trace_in_a_recycled_output(site, tmp_path):
    site.pdf("adult-a.pdf", ["Overview", "Findings about Windlecombe"])
    site.entry("adult-a", published="2025-11-20", body="Windlecombe", documents=[{"file": "reports/adult-a.pdf", "title": "Overview"}])
    site.entry("adult-b", published="2026-06-01", on_expiry="remove")
    _, out = site.build("2026-11-19")
    assert (out / "sar" / "adult-a" / "adult-a.pdf").exists()
    _, out = site.build("2026-11-20")  # the day adult-a's year ends
    _, fresh = site.build("2026-11-20", output=tmp_path / "fresh", use_cache=False)
    assert read_output(out) == read_output(fresh)
    assert tree(out)[1] == tree(fresh)[1]
    assert not list(out.rglob("*.pdf"))


# --- the files kept in the cache and linked into each output (sitegen.output.file_store) ----------------

def build_with_store(tmp_path, versions):
    output, previous_output = tmp_path / "build", tmp_path / "cache" / "previous-output" / "site"
    store = None
    for version in versions:
        store = FileStore(tmp_path / "cache" / "output-files")
        files = [OutputFile(f"page-{n}/index.html", f"page {n} {version}".encode()) for n in range(5)]
        outputs.write_site(files, output, previous_output=previous_output, store=store)
        store.keep_only_used()
    return output, previous_output, store


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.html")}


def test_a_build_like_the_last_one_writes_no_file_again(tmp_path):
    output, _, _ = build_with_store(tmp_path, ["v1"])
    first = inodes(output)
    output, _, _ = build_with_store(tmp_path, ["v1"])
    assert inodes(output) == first, "each page is the file the first build wrote, linked again"
    assert read_output(output)["page-3/index.html"] == b"page 3 v1"


def test_the_store_keeps_only_the_files_of_the_last_build(tmp_path):
    output, _, store = build_with_store(tmp_path, ["v1", "v2", "v3"])
    kept = {path.read_bytes() for path in store.folder.iterdir()}
    assert kept == {f"page {n} v3".encode() for n in range(5)}
    assert read_output(output) == {outputs.OUTPUT_MARKER: outputs.MARKER_TEXT, **{f"page-{n}/index.html": f"page {n} v3".encode() for n in range(5)}}


@pytest.mark.parametrize("where", ["output", "previous output"])
def test_a_file_changed_through_its_link_is_never_published_again(tmp_path, where):
    """Someone edits a page in the output folder (the same size, in place, its old time put back):
    that file is also the store's. The next build publishes the page's own bytes."""
    output, previous_output, _ = build_with_store(tmp_path, ["v1", "v1"])
    changed = (output if where == "output" else previous_output) / "page-1" / "index.html"
    status = changed.stat()
    with open(changed, "r+b") as handle:
        handle.write(b"PAGE")
    os.utime(changed, ns=(status.st_atime_ns, status.st_mtime_ns))
    output, _, _ = build_with_store(tmp_path, ["v1"])
    assert read_output(output)["page-1/index.html"] == b"page 1 v1"
    output, _, _ = build_with_store(tmp_path, ["v1"])
    assert read_output(output)["page-1/index.html"] == b"page 1 v1"


def test_a_file_changed_in_a_recycled_output_is_written_again_even_with_its_old_time(tmp_path):
    """Without a store (a preview's output), a recycled file is kept only if its bytes are the build's."""
    output, previous_output = tmp_path / "build", tmp_path / "cache" / "previous-output" / "site"
    for version in ["v1", "v2"]:
        outputs.write_site([OutputFile(f"page-{n}/index.html", f"page {n} {version}".encode()) for n in range(5)],
                           output, previous_output=previous_output)
    changed = previous_output / "page-1" / "index.html"
    status = changed.stat()
    changed.write_bytes(b"page 1 XX")  # the same size, in place (the same inode)
    os.utime(changed, ns=(status.st_atime_ns, status.st_mtime_ns))  # and its old time put back
    files = [OutputFile(f"page-{n}/index.html", f"page {n} v1".encode()) for n in range(5)]
    outputs.write_site(files, output, previous_output=previous_output)
    assert read_output(output)["page-1/index.html"] == b"page 1 v1"


# --- a whole site: whatever the kept files hold, the output is a cold build's ------------------

DAYS = ["2026-11-19", "2026-11-20", "2026-11-21", "2027-01-01"]  # adult-a comes down on the 20th, adult-c goes up in January
DAMAGE = ["truncated", "other bytes", "removed", "a folder"]


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    from conftest import SiteMaker

    site = SiteMaker(tmp_path_factory.mktemp("kept") / "site")
    site.pdf("adult-a.pdf", ["Overview", "Findings about Windlecombe"])
    site.entry("adult-a", published="2025-11-20", body="Windlecombe", documents=[{"file": "reports/adult-a.pdf", "title": "Overview"}])
    site.entry("adult-b", published="2026-06-01", body="Marshfield")
    site.entry("adult-c", published="2027-01-01", body="Scheduled for January")
    cold = {day: read_output(site.build(day, site.root.parent / f"cold-{day}", use_cache=False)[1]) for day in DAYS}
    return site, cold


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DAYS), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(DAMAGE)), max_size=4)),
                min_size=1, max_size=3))
def test_whatever_the_kept_files_hold_a_build_gives_a_cold_builds_bytes(small_site, builds):
    """Days in any order (a report comes down, one goes up), with any of the kept output files
    damaged between builds as a person or a failing disk might: each build's output is the cold
    build's of its day, and nothing of a report not live that day is in it."""
    site, cold = small_site
    store = site.root / ".sitegen-cache" / "output-files"
    for day, damages in builds:
        kept = sorted(store.iterdir()) if store.is_dir() else []
        for number, damage in damages:
            if not kept:
                break
            path = kept[number % len(kept)]
            if not path.is_file():
                continue
            if damage == "truncated":
                with open(path, "r+b") as handle:  # in place: every link to it sees it
                    handle.truncate(max(0, path.stat().st_size // 2))
            elif damage == "other bytes":
                with open(path, "r+b") as handle:
                    handle.write(b"<p>not this page</p>")
            elif damage == "removed":
                path.unlink()
            else:
                path.unlink()
                path.mkdir()
        result, out = site.build(day)
        assert not result.failed
        assert read_output(out) == cold[day]


# --- what killed builds leave beside the output -------------------------------------------------

def _a_finished_process_id() -> int:
    """The id of a process that has ended (a build killed part-way)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_a_build_removes_what_killed_builds_left_and_only_that(tmp_path):
    """Folders a killed build left beside the output (one being written, the old site moved aside,
    an empty one) are removed by the next build; one a running build is writing, and folders
    that only look like them, are left alone."""
    output = tmp_path / "build"
    outputs.write_site([OutputFile("index.html", b"first")], output)
    dead, alive = _a_finished_process_id(), os.getppid()
    left = {
        f".build-new-{dead}-abc": {outputs.WRITING: outputs.WRITING_TEXT, "index.html": b"half"},
        f".build-old-{dead}-def": {outputs.OUTPUT_MARKER: outputs.MARKER_TEXT, "index.html": b"old site"},
        f".build-new-{dead}-ghi": {},
    }
    kept = {
        f".build-new-{alive}-jkl": {outputs.WRITING: outputs.WRITING_TEXT},  # a build running now
        f".build-new-{dead}-mno": {"notes.txt": b"someone's own folder, named alike"},
        ".build-new-xyz": {outputs.WRITING: outputs.WRITING_TEXT},  # not named by a build
    }
    for name, files in {**left, **kept}.items():
        (tmp_path / name).mkdir()
        for file, data in files.items():
            (tmp_path / name / file).write_bytes(data)
    outputs.write_site([OutputFile("index.html", b"second")], output)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["build", *kept])
    assert (output / "index.html").read_bytes() == b"second" and not (output / outputs.WRITING).exists()


def test_the_swap_exchanges_the_folders_in_one_step_where_it_can(tmp_path, monkeypatch):
    """On Linux the new output and the old trade places at once (never a moment without an
    output folder); elsewhere the two renames give the same result."""
    output = tmp_path / "build"
    outputs.write_site([OutputFile("index.html", b"first")], output)
    renames = []
    real = os.replace

    def counted(source, target):
        renames.append((Path(source).name, Path(target).name))
        return real(source, target)

    monkeypatch.setattr(outputs.os, "replace", counted)
    outputs.write_site([OutputFile("index.html", b"second")], output)
    if outputs._renameat2() is not None:
        assert not any(target == "build" for _, target in renames), "the output folder is never renamed away"
    assert (output / "index.html").read_bytes() == b"second"
    monkeypatch.setattr(outputs, "exchange", lambda first, second: False)
    outputs.write_site([OutputFile("index.html", b"third")], output)
    assert (output / "index.html").read_bytes() == b"third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]

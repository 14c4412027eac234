"""The cache only saves time: whatever happens to it between builds (a file cut short, bytes
changed at the same size, another cache file's bytes in its place, a file that cannot be read, a
disk that fills while the build writes it), each build exits 0 with the very bytes a build without
any cache makes; and nothing done to build/ (an edit in place), nor a report replaced in place
with its old size and times, ever reaches a later output."""

from __future__ import annotations

import builtins
import errno
import io
import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import docxmaker
from conftest import SiteMaker, occurrences, read_output
from sitegen.commands.cli import main

# adult-a comes down on the 20th, adult-d goes up on it: builds on the days around a window's edge
DAYS = ["2026-11-19", "2026-11-20", "2026-11-21"]
DAMAGE = ["cut short", "bytes flipped", "another file's bytes", "unreadable", "disk full", "a named pipe", "a device"]


def make_site(root: Path) -> SiteMaker:
    site = SiteMaker(root)
    site.pdf("adult-a.pdf", ["Overview of Adult A", "Findings about Windlecombe"])
    docxmaker.make_report(site.root / "reports" / "adult-a.docx")
    site.entry("adult-a", published="2025-11-20", body="Windlecombe",
               documents=[{"file": "reports/adult-a.pdf", "title": "Overview", "html": "reports/adult-a.docx"}])
    site.pdf("adult-b.pdf", ["Overview of Adult B", "Findings about Marshfield"])
    site.entry("adult-b", published="2026-06-01", body="The review of Adult B.",
               documents=[{"file": "reports/adult-b.pdf", "title": "Overview"}])
    site.pdf("adult-d.pdf", ["Overview of Adult D", "Findings about Thornbury"])
    site.entry("adult-d", published="2026-11-20", body="Thornbury",
               documents=[{"file": "reports/adult-d.pdf", "title": "Overview"}])
    return site


def cli_build(site: SiteMaker, day: str, *extra: str):
    """`sitegen build` as the nightly job runs it; its exit code and what it said."""
    result = CliRunner().invoke(main, ["build", "--site", str(site.root), "--as-of", day, *extra])
    return result.exit_code, result.output  # both streams, as the terminal shows them


@contextmanager
def disk_full_for(folder: Path):
    """Every write below `folder` fails as on a full disk (ENOSPC), in this process and its forks."""
    prefix = str(folder.resolve())

    def below(path) -> bool:
        try:
            return os.path.abspath(os.fspath(path)).startswith(prefix)
        except TypeError:
            return False  # a file descriptor

    def failing(real, writes):
        def call(path, *args, **kwargs):
            if below(path) and writes(args, kwargs):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return real(path, *args, **kwargs)
        return call

    def mode_writes(args, kwargs) -> bool:
        mode = args[0] if args else kwargs.get("mode", "r")
        return any(c in mode for c in "wxa+")

    def flags_write(args, kwargs) -> bool:
        flags = args[0] if args else kwargs.get("flags", 0)
        return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(builtins, "open", failing(builtins.open, mode_writes)))
        stack.enter_context(mock.patch.object(io, "open", failing(io.open, mode_writes)))
        stack.enter_context(mock.patch.object(os, "open", failing(os.open, flags_write)))
        yield


def damage(cache: Path, number: int, how: str) -> None:
    """Damage the `number`th file of the cache (in place: every link to it sees it), as a disk, a
    cache restored halfway or a person might."""
    kept = sorted(path for path in cache.rglob("*") if path.is_file() and not path.is_symlink())
    if not kept:
        return
    path = kept[number % len(kept)]
    data = path.read_bytes()
    if how == "cut short":
        with open(path, "r+b") as handle:
            handle.truncate(len(data) // 2)
    elif how == "bytes flipped":
        if data:
            spot = (number * 7919) % len(data)
            with open(path, "r+b") as handle:
                handle.seek(spot)
                handle.write(bytes([data[spot] ^ 0x20]))
    elif how == "another file's bytes":
        other = kept[(number + 1) % len(kept)].read_bytes()
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(other)
    elif how == "unreadable":  # tests run as root, whom no permission stops: a folder in its place
        path.unlink()
        path.mkdir()
    elif how == "a named pipe":  # opening it would wait for ever for a writer
        path.unlink()
        os.mkfifo(path)
    elif how == "a device":  # reading it would never end
        path.unlink()
        path.symlink_to("/dev/zero")


def damage_every_file(cache: Path, how: str) -> int:
    """`damage` done to every plain file of the cache at once; how many there were."""
    kept = sorted(path for path in cache.rglob("*") if path.is_file() and not path.is_symlink())
    for number in range(len(kept)):
        damage_one(kept[number], how)
    return len(kept)


def damage_one(path: Path, how: str) -> None:
    path.unlink()
    if how == "a named pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


def differences(found: dict[str, bytes], wanted: dict[str, bytes]) -> list[str]:
    """The paths at which two outputs differ (a short message when a test fails)."""
    return sorted(path for path in found.keys() | wanted.keys() if found.get(path) != wanted.get(path))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """Each day's output built without any cache."""
    site = make_site(tmp_path_factory.mktemp("clean") / "site")
    found = {}
    for day in DAYS:
        code, said = cli_build(site, day, "--no-cache")
        assert code == 0, said
        found[day] = read_output(site.root / "build")
    assert occurrences(found["2026-11-19"], "Windlecombe") and not occurrences(found["2026-11-20"], "Windlecombe")
    assert occurrences(found["2026-11-20"], "Thornbury") and not occurrences(found["2026-11-19"], "Thornbury")
    return Outputs(found)


class Outputs(dict):
    """Outputs by day, shown briefly when a test fails."""

    def __repr__(self) -> str:
        return f"<clean outputs of {', '.join(self)}>"


@pytest.fixture(scope="module")
def cached_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("cached") / "site")
    code, said = cli_build(site, DAYS[0])
    assert code == 0, said
    return site


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DAYS), st.integers(0, 10_000), st.sampled_from(DAMAGE)), min_size=1, max_size=3))
def test_whatever_happens_to_the_cache_each_build_is_a_clean_builds_bytes(clean, cached_site, builds):
    """Days in any order around a report's coming down and another's going up, with any cache file
    damaged before each build (or the disk filling while it keeps its files): every build exits 0,
    and its whole output is the clean build's of its day, byte for byte."""
    cache = cached_site.root / ".sitegen-cache"
    for day, number, how in builds:
        if how == "disk full":
            with disk_full_for(cache):
                code, said = cli_build(cached_site, day)
            assert said.count("could not be kept") <= 1, said  # once, when anything had to be kept
        else:
            damage(cache, number, how)
            code, said = cli_build(cached_site, day)
        assert code == 0, said
        assert differences(read_output(cached_site.root / "build"), clean[day]) == [], (how, said)


def test_a_full_cache_disk_loses_nothing_and_the_next_build_keeps_what_was_missing(clean, tmp_path):
    """A build whose cache cannot be written publishes the whole site, search text included, and
    says so once; the next build (with space) keeps the texts and the search index's parts, so
    that the build after it reads no PDF and indexes nothing again."""
    site = make_site(tmp_path / "site")
    cache = site.root / ".sitegen-cache"
    with disk_full_for(cache):
        code, said = cli_build(site, "2026-11-20")
    assert code == 0 and said.count("could not be kept") == 1 and "No space left on device" in said, said
    assert read_output(site.root / "build") == clean["2026-11-20"]
    code, said = cli_build(site, "2026-11-20")
    assert code == 0 and "could not be kept" not in said, said
    assert read_output(site.root / "build") == clean["2026-11-20"]
    assert len(list((cache / "documents").glob("*.txt"))) == 2  # adult-b's and adult-d's texts, live that day
    parts = sorted((cache / "search").glob("*.cbor"))
    assert parts
    before = {path: path.stat().st_mtime_ns for path in parts}
    with mock.patch("sitegen.search.index._index_parts", side_effect=AssertionError("indexed again")):
        code, said = cli_build(site, "2026-11-20")
    assert code == 0, said
    assert read_output(site.root / "build") == clean["2026-11-20"]
    assert set(before) == set((cache / "search").glob("*.cbor"))


def test_a_published_file_edited_in_place_in_build_never_reaches_a_later_output(clean, tmp_path):
    """A same-size edit of a published PDF in build/ (a person, or a later step that edits the
    output in place) is not in the next build, on that day or any other; what the cache keeps to
    publish is read-only."""
    site = make_site(tmp_path / "site")
    code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    published = site.root / "build" / "sar" / "adult-b" / "adult-b.pdf"
    assert published.is_file()
    data = published.read_bytes()
    with open(published, "r+b") as handle:  # root: the read-only mode does not stop it
        handle.seek(len(data) // 2)
        handle.write(b"EDITED")
    for number, day in enumerate(DAYS):
        code, said = cli_build(site, day, "--verbose")
        assert code == 0, said
        assert differences(read_output(site.root / "build"), clean[day]) == []
        if number == 0:  # a quiet note, in --verbose only, names what was made again
            assert ".sitegen-cache: note: 1 kept file of the cache could not be used (damaged, incomplete, or kept " \
                   "by an older sitegen) and was made again: .sitegen-cache/documents/" in said, said
    assert not occurrences(read_output(site.root / "build"), "EDITED")
    kept = list((site.root / ".sitegen-cache" / "documents").glob("*.published-*.pdf"))
    assert kept and all(path.stat().st_mode & 0o222 == 0 for path in kept)


def test_a_report_replaced_in_place_with_its_size_and_times_kept_is_read_again(tmp_path):
    """`cp` over a report keeps its inode, and `touch -r` puts back its times: the build still
    publishes the new report, and searches find its words, not the old one's."""
    site = make_site(tmp_path / "site")
    report = site.root / "reports" / "adult-b.pdf"
    code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    assert occurrences(read_output(site.root / "build"), "Marshfield")
    data_published_before = (site.root / "build" / "sar" / "adult-b" / "adult-b.pdf").read_bytes()
    replacement = tmp_path / "new.pdf"
    from pdfmaker import make_pdf

    make_pdf(replacement, ["Overview of Adult B", "Findings about Marshgrove"])  # the same length of text
    new = replacement.read_bytes()
    assert len(new) == report.stat().st_size
    status = report.stat()
    with open(report, "r+b") as handle:  # as cp does: the same file, new bytes
        handle.write(new)
    os.utime(report, ns=(status.st_atime_ns, status.st_mtime_ns))
    after = report.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (status.st_size, status.st_mtime_ns, status.st_ino)
    code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    files = read_output(site.root / "build")
    assert occurrences(files, "Marshgrove") and not occurrences(files, "Marshfield")  # the search index's text
    assert files["sar/adult-b/adult-b.pdf"] != data_published_before


# --- files and folders the build cannot read -------------------------------------------------

@contextmanager
def unreadable(*paths: Path):
    """Reading these files or listing these folders fails as without permission (tests run as
    root, whom permissions do not stop), in this process and its forks."""
    refused = {str(path) for path in paths}

    def guard(real):
        def call(path, *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and os.fspath(path) in refused:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
            return real(path, *args, **kwargs)
        return call

    with ExitStack() as stack:
        for module in (builtins, io):
            stack.enter_context(mock.patch.object(module, "open", guard(module.open)))
        stack.enter_context(mock.patch.object(os, "scandir", guard(os.scandir)))
        yield


def test_a_report_the_build_cannot_read_withholds_only_its_entry(tmp_path):
    site = make_site(tmp_path / "site")
    code, said = cli_build(site, "2026-11-19")  # known to the cache, too
    assert code == 0, said
    with unreadable(site.root / "reports" / "adult-b.pdf"):
        code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    assert "content/adult-b.md:4: error: documents: reports/adult-b.pdf could not be read (permission denied)" in said
    files = read_output(site.root / "build")
    assert "sar/adult-b/index.html" not in files and not occurrences(files, "Marshfield")
    assert "sar/adult-a/index.html" in files and "sar/adult-a/adult-a.pdf" in files


def test_a_report_deleted_while_the_build_runs_withholds_its_entry(tmp_path, monkeypatch):
    """The entries are read, then the report goes before its content is hashed."""
    from sitegen import build as build_module

    site = make_site(tmp_path / "site")
    report = site.root / "reports" / "adult-b.pdf"
    real = build_module.read_entries

    def read_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        report.unlink()
        return found

    monkeypatch.setattr(build_module, "read_entries", read_then_delete)
    code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    assert "reports/adult-b.pdf could not be read (it is no longer there)" in said
    files = read_output(site.root / "build")
    assert "sar/adult-b/index.html" not in files and "sar/adult-a/index.html" in files


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_folder_the_build_cannot_read_is_an_error_naming_it(tmp_path, command):
    site = make_site(tmp_path / "site")
    site.entry("briefing-one", folder="content/briefings", type="page", body="A briefing")
    with unreadable(site.root / "content" / "briefings"):
        result = CliRunner().invoke(main, [command, "--site", str(site.root), "--as-of", "2026-11-19"])
    assert "content/briefings: error: this folder could not be read (permission denied)" in result.output, result.output
    if command == "check":
        assert result.exit_code == 1
    else:
        assert result.exit_code == 0
        files = read_output(site.root / "build")
        assert "sar/adult-a/index.html" in files and not occurrences(files, "A briefing")


# --- builds killed part-way ---------------------------------------------------------------------

KILLED_AT = {  # where a build is killed (SIGKILL, as a CI runner's timeout or a full machine does)
    "while writing its files": "real = outputs._write_files\n"
                               "def patched(*args, **kwargs):\n"
                               "    real(*args, **kwargs)\n"
                               "    os.kill(os.getpid(), signal.SIGKILL)\n"
                               "outputs._write_files = patched\n",
    "just before the swap": "def patched(*args, **kwargs):\n"
                            "    os.kill(os.getpid(), signal.SIGKILL)\n"
                            "outputs.swap_in = patched\n",
    "just after the exchange": "real = outputs.exchange\n"
                               "def patched(*args, **kwargs):\n"
                               "    if real(*args, **kwargs):\n"
                               "        os.kill(os.getpid(), signal.SIGKILL)\n"
                               "    return False\n"
                               "outputs.exchange = patched\n",
}


@pytest.mark.parametrize("moment", sorted(KILLED_AT))
def test_the_build_after_a_killed_one_removes_what_it_left_and_is_clean(clean, tmp_path, moment):
    """Whenever a build is killed, the next one leaves nothing of it beside the output (each leftover
    is a whole copy of a site), and its output is the clean build's."""
    import signal
    import subprocess
    import sys

    site = make_site(tmp_path / "site")
    code, said = cli_build(site, "2026-11-19")
    assert code == 0, said
    program = "import os, signal, sys\nfrom sitegen.output import outputs\n" + KILLED_AT[moment] + \
              "from sitegen.commands.cli import main\nsys.exit(main())\n"
    killed = subprocess.run([sys.executable, "-c", program, "build", "--site", str(site.root), "--as-of", "2026-11-20"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert any(p.name.startswith(".build-") for p in site.root.iterdir()), "the killed build left a folder"
    code, said = cli_build(site, "2026-11-20")
    assert code == 0, said
    assert sorted(p.name for p in site.root.iterdir()) == [".sitegen-cache", "build", "content", "reports", "sitegen.yaml"]
    assert differences(read_output(site.root / "build"), clean["2026-11-20"]) == []


def test_compiled_templates_changed_by_one_byte_are_never_run(clean, tmp_path):
    """A byte changed in any compiled template (the code a build runs) anywhere in it: the build
    compiles the template again, exits 0, and its output is the clean build's."""
    site = make_site(tmp_path / "site")
    code, said = cli_build(site, "2026-11-20")
    assert code == 0, said
    compiled = sorted((site.root / ".sitegen-cache" / "templates").iterdir())
    assert compiled
    for spot in (0.1, 0.5, 0.9):
        for path in compiled:
            data = bytearray(path.read_bytes())
            data[int(len(data) * spot)] ^= 0x01
            path.write_bytes(bytes(data))
        code, said = cli_build(site, "2026-11-20")
        assert code == 0, said
        assert differences(read_output(site.root / "build"), clean["2026-11-20"]) == []


@pytest.mark.parametrize("how", ["a named pipe", "a device"])
def test_a_pipe_or_a_device_in_place_of_every_cache_file_never_stops_the_build(clean, tmp_path, how):
    """Every file of the cache replaced at once by a named pipe (opening one waits for ever for a
    writer) or a link to /dev/zero (reading it never ends): the build neither hangs nor fails, and
    makes a clean build's bytes. Run in a process of its own, given ten minutes (it takes seconds):
    a build that hangs fails the test rather than stopping the run."""
    import subprocess
    import sys

    site = make_site(tmp_path / "site")
    code, said = cli_build(site, DAYS[0])
    assert code == 0, said
    assert damage_every_file(site.root / ".sitegen-cache", how) > 20
    try:
        run = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site.root), "--as-of", DAYS[1]],
                             capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build with {how} in place of each cache file had not ended after ten minutes")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    found = read_output(site.root / "build")
    assert found == clean[DAYS[1]], differences(found, clean[DAYS[1]])


@pytest.mark.parametrize("where", ["emptying it", "writing into it"])
def test_a_previous_output_the_build_may_not_change_is_left_and_the_site_written_whole(clean, tmp_path, monkeypatch, where):
    """The output a build replaced is kept in the cache and made into the next one. Where a folder
    of it cannot be read or changed (its owner or permissions changed), the build writes the whole
    site into a new folder instead: it exits 0 with a clean build's bytes, and the day's report
    comes down (an outside audit found the build failing instead, leaving the report up). Tests
    run as root, whom permissions do not stop: the refusal is made as the system makes it."""
    from sitegen.output import outputs

    site = make_site(tmp_path / "site")
    for day in DAYS[:2]:
        code, said = cli_build(site, day)
        assert code == 0, said
    refused = []
    if where == "emptying it":
        real = outputs._prune

        def prune(root, rel, *args, **kwargs):
            if rel == "" and not refused:  # the previous output, being emptied of what is not wanted
                refused.append(root)
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.path.join(root, "sar"))
            return real(root, rel, *args, **kwargs)
        monkeypatch.setattr(outputs, "_prune", prune)
    else:
        real = outputs._write_one

        def write_one(temp, path, item, folders, store, recycled, stored):
            if recycled and path.startswith("sar/"):
                refused.append(path)
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.path.join(temp, path))
            return real(temp, path, item, folders, store, recycled, stored)
        monkeypatch.setattr(outputs, "_write_one", write_one)
    code, said = cli_build(site, DAYS[2])
    assert refused and code == 0, said
    found = read_output(site.root / "build")
    assert found == clean[DAYS[2]], differences(found, clean[DAYS[2]])
    assert not [item for item in os.listdir(site.root) if item.startswith(".build-")]  # nothing left beside it
    code, said = cli_build(site, DAYS[2])  # and the next build recycles this one as usual
    assert code == 0 and read_output(site.root / "build") == clean[DAYS[2]], said


def _as_a_user(command: list[str]) -> list[str] | None:
    """`command` run with an ordinary user's permission checks: as it is when not root; as root,
    through setpriv without the capabilities that let root past them (None when there is no setpriv)."""
    import shutil

    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}", *command]


@pytest.mark.parametrize("mode", [0o000, 0o444, 0o111])
def test_a_cache_folder_the_build_may_not_enter_or_change_is_only_slower(clean, tmp_path, mode):
    """A cache that belongs to another user (mode 700 and not ours), or was restored read-only: the
    build neither fails nor falls back to taking reports down only; it makes a clean build's bytes."""
    import subprocess
    import sys

    site = make_site(tmp_path / "site")
    code, said = cli_build(site, DAYS[0])
    assert code == 0, said
    command = _as_a_user([sys.executable, "-m", "sitegen", "build", "--site", str(site.root), "--as-of", DAYS[1]])
    if command is None:
        pytest.skip("run as root and there is no setpriv to drop root's way past permissions")
    cache = site.root / ".sitegen-cache"
    cache.chmod(mode)
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    finally:
        cache.chmod(0o755)
    assert run.returncode == 0, run.stderr
    assert "TAKE-DOWN ONLY" not in run.stderr.upper() and " error:" not in run.stderr, run.stderr
    found = read_output(site.root / "build")
    assert found == clean[DAYS[1]], differences(found, clean[DAYS[1]])

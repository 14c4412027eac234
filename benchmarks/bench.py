"""Benchmark sitegen against Hugo on generated corpora. Run on demand:

    python benchmarks/bench.py 2000 [--repeats 3] [--no-cold] [--no-edits]

For each size, in rounds, as separate processes, each sitegen build followed by Hugo's
whole build of the same corpus into a new folder (so both meet the same moment of a
shared machine): a cold build (no cache, no output; with --no-cold, once, untimed, only to
make the cache), then, each starting from the cache that build left as Netlify's build
plugin keeps it (no output folder, no replaced output):

- same day: the same build again;
- next day: the build of the next day, nothing edited (the nightly job: reports whose
  window starts or ends that day go up or come down; it prints how many);
- no change: the first day after it on which nothing goes up or comes down, built from the
  cache of the day before (made first, untimed);
- day a report comes down: the first day after it on which reports only come down, built
  from the cache of the day before (made first, untimed): what that day's change costs;
- add one report: a new 60-page PDF and its entry added, built the same day.

It prints the medians (and ranges) and each as a ratio of Hugo's median, the time from
saving an edited entry to its page rewritten in `sitegen serve` (an edit of its body,
and one of its title), and peak memory (resident set of the whole process tree).
Corpora are kept in benchmarks/.work/ between runs (or in $SITEGEN_BENCH_WORK).

    python benchmarks/bench.py 2000 --machinery

times the next-day build without each of the cache's mechanisms in turn (from the cache
the run above kept), and the same-day build where the replaced output is kept.

    python benchmarks/bench.py --edit-only SITE --as-of 2026-11-22

times only the edits in serve, on an existing site (a copy: its first entry is
edited and put back).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("SITEGEN_BENCH_WORK", HERE / ".work"))  # corpora, kept between runs
sys.path.insert(0, str(ROOT))  # this checkout's sitegen, whatever else is installed

from corpus import write_corpus  # noqa: E402



def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


TRASH = WORK / "trash"  # what the harness puts out of the way during a run, deleted when it ends (`discard`)


def discard(path: Path) -> None:
    """Put a folder the harness no longer needs out of the way without deleting it. Deleting
    thousands of files (a cache, an output) just before a timed build makes that build slower:
    ext4 passes over every inode freed in the last minute or more when it gives a new file one
    (`recently_deleted` in the kernel's profile, most of the build's system time). A build on
    Netlify starts on a fresh machine, where nothing was just deleted, so the harness deletes
    only at the end (`empty_trash`). A tool's own deletions while it runs still count."""
    if not (path.exists() or path.is_symlink()):
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    try:
        path.rename(TRASH / f"{time.monotonic_ns()}-{path.name}")
    except OSError:  # not on the same disk as the corpus: deleted now
        shutil.rmtree(path, ignore_errors=True)


def empty_trash() -> None:
    shutil.rmtree(TRASH, ignore_errors=True)


def settle() -> None:
    """Let the disk finish what the harness itself wrote (the cache copied back before a build, the
    output a build before left) before a timed run starts, so that no tool's time pays for the
    harness's writes or for another tool's: each run still pays for its own writes while it runs."""
    os.sync()


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """(seconds, peak resident bytes of the process tree) for one command, started on a settled disk."""
    settle()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(process.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    return elapsed, peak


def sitegen(site: Path, out: Path, as_of: date, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--output", str(out),
            "--as-of", as_of.isoformat(), *extra]


EDITS = {  # kind of edit: (the edit of the entry's file, what its page shows once rebuilt)
    "body": (lambda text: text.replace("Share information early.", "Share information early and often."), "early and often"),
    "title": (lambda text: text.replace('title: "Review ', 'title: "Edited review ', 1), "Edited review"),
}


def edit_rebuild_ms(site: Path, as_of: date, repeats: int = 5, gap: float = 0.3) -> dict[str, list[float]]:
    """From saving an edited entry to its preview page rewritten, as `sitegen serve` runs (in process,
    without the web server): serve's watcher finds the change (the system's file events, through
    watchfiles in a process of its own) and the preview rebuilds. The milliseconds of
    `repeats` saves each, for an edit of an entry's body and one of its title (which lists and the
    feed show too). `gap`: seconds between two saves; from `serve.QUIET_BEFORE_SEARCH` on, each save
    comes while the preview's search index is being made again after the last one."""
    import asyncio
    import tempfile

    from sitegen.commands.cli import report_problems
    from sitegen.preview.serve import Preview

    target = sorted((site / "content").glob("*.md"))[0]
    original = target.read_text()
    times: dict[str, list[float]] = {kind: [] for kind in EDITS}

    async def measure(preview: Preview) -> None:
        ended = asyncio.Event()
        real = preview.rebuild

        def rebuild(*args, **kwargs):
            result = real(*args, **kwargs)
            ended.set()
            return result

        preview.rebuild = rebuild
        watcher = preview.watcher()
        watcher.start()  # as serve starts it
        while not watcher.ready:  # the watching process says when it watches
            await asyncio.sleep(0.05)
        try:
            [page] = preview.output.glob(f"*/{target.stem}/index.html")  # the corpus's first entry is live
            for _ in range(repeats):
                for kind, (edit, marker) in EDITS.items():
                    edited = edit(original)
                    assert edited != original
                    ended.clear()
                    start = time.perf_counter()
                    target.write_text(edited)
                    while True:
                        await ended.wait()
                        ended.clear()
                        if marker in page.read_text():
                            break
                    times[kind].append((time.perf_counter() - start) * 1000)
                    target.write_text(original)
                    await ended.wait()
                    await asyncio.sleep(gap)
        finally:
            watcher.stop()

    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            # Problems are reported as serve reports them, to nowhere.
            preview = Preview(site, as_of, False, Path(folder) / "site", report=report_problems, echo=lambda text: None)
            assert not preview.rebuild().failed
            await measure(preview)

    try:
        with open(os.devnull, "w") as nowhere, contextlib.redirect_stderr(nowhere):
            asyncio.run(main())
    finally:
        target.write_text(original)
    return {kind: sorted(values) for kind, values in times.items()}


NEW_REPORT = "bench-new-report"  # the report the add-one-report build adds (60 pages)


def hugo_seconds(hugo: Path, hugo_out: Path) -> float:
    """Hugo's whole build into a new folder."""
    discard(hugo_out)
    seconds, _ = run(["hugo", "--quiet", "--source", str(hugo), "--destination", str(hugo_out)])
    return seconds


def keep_state(site: Path, kept: Path) -> None:
    """Keep the cache a build left, as Netlify's build plugin keeps it (without the replaced output)."""
    discard(kept)
    shutil.copytree(site / ".sitegen-cache", kept, symlinks=True,
                    ignore=lambda folder, names: ["previous-output"] if Path(folder) == site / ".sitegen-cache" else [])


def restore_state(site: Path, kept: Path, out: Path) -> None:
    """Start from the kept cache, with no output folder: as a nightly build on Netlify does."""
    discard(site / ".sitegen-cache")
    shutil.copytree(kept, site / ".sitegen-cache", symlinks=True)
    discard(out)


def add_report(site: Path, as_of: date) -> None:
    """A new 60-page report and its entry, published on `as_of`."""
    from corpus import report_pages
    from pdfmaker import make_pdf_bytes

    texts = report_pages(NEW_REPORT, 60, "a new review")
    (site / "reports" / f"{NEW_REPORT}.pdf").write_bytes(make_pdf_bytes(texts, title="Overview report"))
    (site / "content" / f"{NEW_REPORT}.md").write_text(
        f'---\ntitle: "A review added today"\ntype: sar\npublished: {as_of.isoformat()}\n'
        f'summary: "A review added to a warm site."\nthemes: [self-neglect]\n'
        f"documents:\n  - file: reports/{NEW_REPORT}.pdf\n    title: Overview report\n---\nWhat we learned.\n")


def remove_report(site: Path) -> None:
    (site / "reports" / f"{NEW_REPORT}.pdf").unlink(missing_ok=True)
    (site / "content" / f"{NEW_REPORT}.md").unlink(missing_ok=True)


SCENARIOS = ("same day", "next day", "no change", "day a report comes down", "add one report")


def hidden_from(published: date) -> date:
    """The day a corpus report comes down: sitegen's one-year window (29 February: 1 March)."""
    return date(published.year + 1, 3, 1) if (published.month, published.day) == (2, 29) else published.replace(year=published.year + 1)


def changes(n: int, as_of: date, day: date) -> tuple[int, int]:
    """How many reports of the corpus come down and go up on `day` (since the day before)."""
    from corpus import plan

    before = day - timedelta(days=1)
    entries = [(published, hidden_from(published)) for _, _, published, _, _ in plan(n, as_of)]
    return (sum(before < end <= day and start <= before for start, end in entries),
            sum(before < start <= day for start, _ in entries))


def scenario_days(n: int, as_of: date, within: int = 60) -> dict[str, date]:
    """The day each scenario builds, each from the cache of the day before it (made untimed), within
    `within` days of `as_of`: the first on which nothing goes up or comes down ("no change"; a large
    corpus may have none), and the first on which reports come down and, if there is one, none goes
    up ("day a report comes down"): each costs that day's own change."""
    days, downs = {}, []
    for number in range(1, within + 1):
        day = as_of + timedelta(days=number)
        down, up = changes(n, as_of, day)
        if not down and not up:
            days.setdefault("no change", day)
        if down:
            downs.append((up > 0, day))
    if downs:
        days["day a report comes down"] = min(downs)[1]
    return days


def bench(n: int, as_of: date, repeats: int, cold: bool = True, edits: bool = True) -> dict:
    """Each round: a cold build (unless `cold` is false), then, each from the cache that build
    left (kept as Netlify keeps it: no output folder, no replaced output), the same-day warm
    rebuild, the next-day rebuild with nothing edited, and the build with one new report, each
    followed by Hugo's build, so that both tools meet the same moment of a shared machine."""
    root = WORK / f"n{n}"
    t0 = time.perf_counter()
    site, hugo = write_corpus(root, n, as_of)
    print(f"\n== {n} entries (corpus ready in {time.perf_counter() - t0:.1f} s) ==", flush=True)
    out, hugo_out, kept = root / "out", root / "hugo-out", root / "kept-cache"
    remove_report(site)
    times: dict[str, list[float]] = {name: [] for name in ("cold", *SCENARIOS, "hugo")}
    peaks = []
    if not cold and not (site / ".sitegen-cache").is_dir():
        cold = True
    days = scenario_days(n, as_of)
    days["next day"] = as_of + timedelta(days=1)
    for name in ("no change", "day a report comes down"):
        if name not in days:
            print(f"{name}: no such day within 60 days of {as_of}", flush=True)
    for name, day in days.items():
        down, up = changes(n, as_of, day)
        print(f"{name}: {day}, {down} come down and {up} go up that day"
              + (f" (from the cache of {day - timedelta(days=1)})" if name != "next day" else ""), flush=True)
    for round_ in range(repeats):
        if cold or round_ == 0:
            discard(site / ".sitegen-cache")
            discard(out)
            seconds, peak = run(sitegen(site, out, as_of))
            peaks.append(peak)
            if cold:
                times["cold"].append(seconds)
            keep_state(site, kept)
            times["hugo"].append(hugo_seconds(hugo, hugo_out))
        for name in SCENARIOS:
            if name in ("no change", "day a report comes down") and name not in days:
                continue  # no such day near enough (a large corpus has changes every day)
            restore_state(site, kept, out)
            day = days.get(name, as_of)
            if name in ("no change", "day a report comes down"):  # the day before, untimed, as the nightly job left it
                run(sitegen(site, out, day - timedelta(days=1)))
                discard(site / ".sitegen-cache" / "previous-output")
                discard(out)
            if name == "add one report":
                add_report(site, as_of)
            try:
                seconds, peak = run(sitegen(site, out, day))
            finally:
                remove_report(site)
            times[name].append(seconds)
            peaks.append(peak)
            times["hugo"].append(hugo_seconds(hugo, hugo_out))
        print(f"round {round_ + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items() if values), flush=True)
    restore_state(site, kept, out)
    result = {"n": n, "times": times, "peak_mb": max(peaks) / 1e6}
    result["edit_ms"] = edit_rebuild_ms(site, as_of) if edits else None
    hugo_median = statistics.median(times["hugo"])
    print(f"medians of {repeats} rounds (Hugo: {len(times['hugo'])} runs, {min(times['hugo']):.2f} to {max(times['hugo']):.2f} s):")
    for name, values in times.items():
        if values and name != "hugo":
            print(f"  sitegen {name}: {statistics.median(values):.2f} s ({min(values):.2f} to {max(values):.2f}), "
                  f"{statistics.median(values) / hugo_median:.2f}x Hugo's {hugo_median:.2f} s", flush=True)
    print(f"  peak memory {result['peak_mb']:.0f} MB" + (f"; edit in serve: {edit_text(result['edit_ms'])}" if edits else ""), flush=True)
    return result


# What each of the cache's mechanisms saves on the nightly build: its files are taken out of the
# kept cache before a next-day build (see `machinery`).
MECHANISMS = {
    "search parts (search/)": ["search"],
    "front matter and Markdown memo (entries.memo)": ["entries.memo"],
    "pages kept from the night before (pages.memo)": ["pages.memo"],
    "compiled templates (templates/)": ["templates"],
    "index of documents (documents.json)": ["documents.json"],
    "content hashes by file status (hashes.json)": ["hashes.json"],
    "output files kept by content and linked (output-files/)": ["output-files"],
}


def machinery(n: int, as_of: date, repeats: int) -> dict[str, list[float]]:
    """Each round: the next-day build from the kept cache (as `bench` leaves it), then again without
    each mechanism's files; then the same-day build on a machine that keeps the replaced output
    (a local or CI build: the output of the build before last given back), and without it, each
    time beside Hugo."""
    root = WORK / f"n{n}"
    site, hugo = root / "sitegen", root / "hugo"
    out, hugo_out, kept = root / "out", root / "hugo-out", root / "kept-cache"
    if not kept.is_dir():
        raise SystemExit(f"No kept cache in {kept}: run python benchmarks/bench.py {n} first.")
    times: dict[str, list[float]] = {"next day, whole cache": [], **{f"next day without {name}": [] for name in MECHANISMS},
                                     "same day, previous output kept": [],
                                     "same day, previous output removed": [], "hugo": []}
    tomorrow = as_of + timedelta(days=1)
    for round_ in range(repeats):
        for name, removed in [("next day, whole cache", []), *((f"next day without {k}", v) for k, v in MECHANISMS.items())]:
            restore_state(site, kept, out)
            for item in removed:
                target = site / ".sitegen-cache" / item
                discard(target)
            times[name].append(run(sitegen(site, out, tomorrow))[0])
            times["hugo"].append(hugo_seconds(hugo, hugo_out))
        restore_state(site, kept, out)
        for _ in range(2):  # the second of these is given the first's output back, kept in the cache as the previous output
            run(sitegen(site, out, as_of))
        times["same day, previous output kept"].append(run(sitegen(site, out, as_of))[0])
        discard(site / ".sitegen-cache" / "previous-output")
        times["same day, previous output removed"].append(run(sitegen(site, out, as_of))[0])
        times["hugo"].append(hugo_seconds(hugo, hugo_out))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
    restore_state(site, kept, out)
    hugo_median = statistics.median(times["hugo"])
    print(f"\nmedians of {repeats} rounds, {n} entries (Hugo {hugo_median:.2f} s, {min(times['hugo']):.2f} to {max(times['hugo']):.2f}):")
    for name, values in times.items():
        print(f"  {name}: {statistics.median(values):.2f} s ({min(values):.2f} to {max(values):.2f}), "
              f"{statistics.median(values) / hugo_median:.2f}x Hugo", flush=True)
    return times


def edit_text(edit_ms: dict[str, list[float]]) -> str:
    """The median (and range) of each kind of edit."""
    return ", ".join(f"{kind} {statistics.median(ms):,.0f} ms ({min(ms):,.0f}-{max(ms):,.0f})" for kind, ms in edit_ms.items())


def compile_checkout() -> None:
    """Compile this checkout's sitegen to bytecode, as installing a package does: with
    PYTHONDONTWRITEBYTECODE set (as on the project's machine), an editable install would
    otherwise compile every module changed since the last compile on every run."""
    import compileall

    compileall.compile_dir(str(ROOT / "sitegen"), quiet=1)


def main() -> None:
    compile_checkout()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 2000, 10000])
    parser.add_argument("--repeats", type=int, default=3, help="rounds of every build; medians are reported")
    parser.add_argument("--no-cold", action="store_true",
                        help="one cold build only, to make the cache the warm builds start from (not timed)")
    parser.add_argument("--no-edits", action="store_true", help="do not time edits in serve")
    parser.add_argument("--machinery", action="store_true",
                        help="only what each cache mechanism saves on the next-day build (from the cache a run of the builds kept)")
    parser.add_argument("--edit-only", metavar="SITE", type=Path,
                        help="only time edits in serve, on the site in SITE (its first entry is edited, then put back)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="with --edit-only: the day previewed (default today)")
    parser.add_argument("--edit-gap", type=float, default=0.3,
                        help="with --edit-only: seconds between saves (1.5: each save meets the search index being made)")
    args = parser.parse_args()
    if args.edit_only:
        as_of = args.as_of or datetime.now(ZoneInfo("Europe/London")).date()
        print(f"edit in serve: {edit_text(edit_rebuild_ms(args.edit_only, as_of, gap=args.edit_gap))}")
        return
    if not shutil.which("hugo"):
        raise SystemExit("Hugo is needed: apt-get install --no-install-recommends hugo")
    # Hugo decides publishDate/expiryDate against the real clock, so both tools use today here.
    as_of = datetime.now(ZoneInfo("Europe/London")).date()
    if args.machinery:
        try:
            for n in args.sizes:
                machinery(n, as_of, args.repeats)
        finally:
            empty_trash()
        return
    try:
        results = [bench(n, as_of, args.repeats, cold=not args.no_cold, edits=not args.no_edits) for n in args.sizes]
    finally:
        empty_trash()
    print("\n| entries | cold | same-day warm | next day | no change | a report comes down | add one report | Hugo | cold / Hugo "
          "| same day / Hugo | next day / Hugo | no change / Hugo | comes down / Hugo | add one / Hugo | edit in serve (body, title) | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        m = {name: statistics.median(values) if values else float("nan") for name, values in r["times"].items()}  # nan: not run
        edit = (f"{statistics.median(r['edit_ms']['body']):,.0f} ms, {statistics.median(r['edit_ms']['title']):,.0f} ms"
                if r["edit_ms"] else "")
        down = m["day a report comes down"]
        print(f"| {r['n']:,} | {m['cold']:.2f} s | {m['same day']:.2f} s | {m['next day']:.2f} s | {m['no change']:.2f} s | {down:.2f} s "
              f"| {m['add one report']:.2f} s | {m['hugo']:.2f} s | {m['cold'] / m['hugo']:.2f}x | {m['same day'] / m['hugo']:.2f}x "
              f"| {m['next day'] / m['hugo']:.2f}x | {m['no change'] / m['hugo']:.2f}x | {down / m['hugo']:.2f}x | {m['add one report'] / m['hugo']:.2f}x "
              f"| {edit} | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

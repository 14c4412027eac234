"""Benchmark sitegen against Hugo on generated corpora. Run on demand:

    python benchmarks/bench.py 100 1000 2000 10000

For each size it measures, as separate processes: a cold full build (no cache,
no output), a warm rebuild (cache kept; then again, given back the output the build
before last replaced, as a local or CI build is), the time from saving an edited entry to
its page rewritten in `sitegen serve` (an edit of its body, and one of its title),
and peak memory (resident set of the whole process tree);
then Hugo's build of the same corpus, and prints sitegen's times as ratios of
Hugo's. Corpora are kept in benchmarks/.work/ between runs.

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
WORK = HERE / ".work"
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


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """(seconds, peak resident bytes of the process tree) for one command."""
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
    without the web server): serve's watcher on tornado's loop finds the change (inotify where there is
    one, else livereload's polling every 0.8 s) and the preview rebuilds. The milliseconds of
    `repeats` saves each, for an edit of an entry's body and one of its title (which lists and the
    feed show too). `gap`: seconds between two saves; from `serve.SEARCH_SETTLE` on, each save
    comes while the preview's search index is being made again after the last one."""
    import asyncio
    import tempfile

    from sitegen.cli import report_problems
    from sitegen.serve import Preview
    from tornado.ioloop import PeriodicCallback

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
        if not watcher.start(watcher.examine):  # as livereload starts it
            PeriodicCallback(watcher.examine, 800).start()
        await asyncio.sleep(1)  # the watcher's first look
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
    shutil.rmtree(hugo_out, ignore_errors=True)
    seconds, _ = run(["hugo", "--quiet", "--source", str(hugo), "--destination", str(hugo_out)])
    return seconds


def keep_state(site: Path, kept: Path) -> None:
    """Keep the cache a build left, as Netlify's build plugin keeps it (without the replaced output)."""
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(site / ".sitegen-cache", kept, symlinks=True,
                    ignore=lambda folder, names: ["previous-output"] if Path(folder) == site / ".sitegen-cache" else [])


def restore_state(site: Path, kept: Path, out: Path) -> None:
    """Start from the kept cache, with no output folder: as a nightly build on Netlify does."""
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    shutil.copytree(kept, site / ".sitegen-cache", symlinks=True)
    shutil.rmtree(out, ignore_errors=True)


def add_report(site: Path, as_of: date) -> None:
    """A new 60-page report and its entry, published on `as_of`."""
    from pdfmaker import filler_pages, make_pdf_bytes

    texts = [f"{NEW_REPORT}: the overview report of a review added today."] + filler_pages(60, "a new review")[1:]
    (site / "reports" / f"{NEW_REPORT}.pdf").write_bytes(make_pdf_bytes(texts, title="Overview report"))
    (site / "content" / f"{NEW_REPORT}.md").write_text(
        f'---\ntitle: "A review added today"\ntype: sar\npublished: {as_of.isoformat()}\n'
        f'summary: "A review added to a warm site."\nthemes: [self-neglect]\n'
        f"documents:\n  - file: reports/{NEW_REPORT}.pdf\n    title: Overview report\n---\nWhat we learned.\n")


def remove_report(site: Path) -> None:
    (site / "reports" / f"{NEW_REPORT}.pdf").unlink(missing_ok=True)
    (site / "content" / f"{NEW_REPORT}.md").unlink(missing_ok=True)


SCENARIOS = ("same day", "next day", "add one report")


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
    for round_ in range(repeats):
        if cold or round_ == 0:
            shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            seconds, peak = run(sitegen(site, out, as_of))
            peaks.append(peak)
            if cold:
                times["cold"].append(seconds)
            keep_state(site, kept)
            times["hugo"].append(hugo_seconds(hugo, hugo_out))
        for name in SCENARIOS:
            restore_state(site, kept, out)
            day = as_of + timedelta(days=1) if name == "next day" else as_of
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
    results = [bench(n, as_of, args.repeats, cold=not args.no_cold, edits=not args.no_edits) for n in args.sizes]
    print("\n| entries | cold | same-day warm | next day | add one report | Hugo | cold / Hugo | same day / Hugo "
          "| next day / Hugo | add one / Hugo | edit in serve (body, title) | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        m = {name: statistics.median(values) if values else float("nan") for name, values in r["times"].items()}
        edit = (f"{statistics.median(r['edit_ms']['body']):,.0f} ms, {statistics.median(r['edit_ms']['title']):,.0f} ms"
                if r["edit_ms"] else "")
        print(f"| {r['n']:,} | {m['cold']:.2f} s | {m['same day']:.2f} s | {m['next day']:.2f} s | {m['add one report']:.2f} s "
              f"| {m['hugo']:.2f} s | {m['cold'] / m['hugo']:.2f}x | {m['same day'] / m['hugo']:.2f}x "
              f"| {m['next day'] / m['hugo']:.2f}x | {m['add one report'] / m['hugo']:.2f}x | {edit} | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

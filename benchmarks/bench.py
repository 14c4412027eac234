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
from datetime import date, datetime
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
    without the web server): serve's watcher finds the change (the system's file events, through
    watchfiles in a process of its own) and the preview rebuilds. The milliseconds of
    `repeats` saves each, for an edit of an entry's body and one of its title (which lists and the
    feed show too). `gap`: seconds between two saves; from `serve.SEARCH_SETTLE` on, each save
    comes while the preview's search index is being made again after the last one."""
    import asyncio
    import tempfile

    from sitegen.cli import report_problems
    from sitegen.serve import Preview

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


def bench(n: int, as_of: date, repeats: int) -> dict:
    root = WORK / f"n{n}"
    t0 = time.perf_counter()
    site, hugo = write_corpus(root, n, as_of)
    print(f"\n== {n} entries (corpus ready in {time.perf_counter() - t0:.1f} s) ==", flush=True)
    out, hugo_out = root / "out", root / "hugo-out"
    result = {"n": n}

    colds, warms, kept, peaks = [], [], [], []
    for _ in range(repeats):
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak = run(sitegen(site, out, as_of))
        colds.append(seconds)
        peaks.append(peak)
        # warm: the cache kept, but not yet an output replaced by an earlier build (as on Netlify,
        # which does not keep it)
        seconds, peak = run(sitegen(site, out, as_of))
        warms.append(seconds)
        peaks.append(peak)
        # and again, now given back the output replaced by the build before last (a local or CI build)
        seconds, peak = run(sitegen(site, out, as_of))
        kept.append(seconds)
    hugos = []
    for _ in range(repeats):
        shutil.rmtree(hugo_out, ignore_errors=True)
        seconds, _ = run(["hugo", "--quiet", "--source", str(hugo), "--destination", str(hugo_out)])
        hugos.append(seconds)
    result.update(cold=min(colds), warm=min(warms), warm_kept=min(kept), hugo=min(hugos), peak_mb=max(peaks) / 1e6,
                  edit_ms=edit_rebuild_ms(site, as_of))
    live = sum(b"noindex" not in page.read_bytes() for page in out.glob("*/review-*/index.html"))
    hugo_live = len(list(hugo_out.glob("*/review-*/index.html")))
    result.update(pages=live, hugo_pages=hugo_live)
    edit = edit_text(result["edit_ms"])
    print(f"sitegen cold {result['cold']:.2f} s ({result['cold'] / result['hugo']:.1f}x Hugo), "
          f"warm {result['warm']:.2f} s ({result['warm'] / result['hugo']:.1f}x Hugo; "
          f"{result['warm_kept']:.2f} s, {result['warm_kept'] / result['hugo']:.1f}x, with the previous output kept), "
          f"peak {result['peak_mb']:.0f} MB; Hugo {result['hugo']:.2f} s; "
          f"edit in serve: {edit}; "
          f"entry pages: sitegen {live}, Hugo {hugo_live}", flush=True)
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
    parser.add_argument("--repeats", type=int, default=1, help="runs of each build; the best is reported")
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
    results = [bench(n, as_of, args.repeats) for n in args.sizes]
    print("\n| entries | sitegen cold | sitegen warm | Hugo | cold / Hugo | warm / Hugo | edit in serve (body, title) | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        edit = f"{statistics.median(r['edit_ms']['body']):,.0f} ms, {statistics.median(r['edit_ms']['title']):,.0f} ms"
        print(f"| {r['n']:,} | {r['cold']:.2f} s | {r['warm']:.2f} s | {r['hugo']:.2f} s | {r['cold'] / r['hugo']:.1f}x "
              f"| {r['warm'] / r['hugo']:.1f}x | {edit} | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

"""Benchmark sitegen against Hugo on generated corpora. Run on demand:

    python benchmarks/bench.py 100 1000 2000 10000

For each size it measures, as separate processes: a cold full build (no cache,
no output), a warm rebuild (cache kept), the rebuild `sitegen serve` does after
one entry is edited, and peak memory (resident set of the whole process tree);
then Hugo's build of the same corpus, and prints sitegen's times as ratios of
Hugo's. Corpora are kept in benchmarks/.work/ between runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from corpus import write_corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"


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


def edit_rebuild_ms(site: Path, as_of: date) -> float:
    """Time from an edited entry to its page rewritten, as `sitegen serve` rebuilds (in process)."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from sitegen.incremental import LivePreview

    with tempfile.TemporaryDirectory() as folder:
        preview = LivePreview(site, as_of, Path(folder) / "site", "Preview")
        preview.rebuild()
        target = sorted((site / "content").glob("*.md"))[0]
        original = target.read_text()
        try:
            target.write_text(original.replace("Share information early.", "Share information early and often."))
            start = time.perf_counter()
            preview.rebuild(content_only=True)  # as serve's watcher of content/ calls it
            return (time.perf_counter() - start) * 1000
        finally:
            target.write_text(original)


def bench(n: int, as_of: date, repeats: int) -> dict:
    root = WORK / f"n{n}"
    t0 = time.perf_counter()
    site, hugo = write_corpus(root, n, as_of)
    print(f"\n== {n} entries (corpus ready in {time.perf_counter() - t0:.1f} s) ==", flush=True)
    out, hugo_out = root / "out", root / "hugo-out"
    result = {"n": n}

    colds, warms, peaks = [], [], []
    for _ in range(repeats):
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak = run(sitegen(site, out, as_of))
        colds.append(seconds)
        peaks.append(peak)
        seconds, peak = run(sitegen(site, out, as_of))
        warms.append(seconds)
        peaks.append(peak)
    hugos = []
    for _ in range(repeats):
        shutil.rmtree(hugo_out, ignore_errors=True)
        seconds, _ = run(["hugo", "--quiet", "--source", str(hugo), "--destination", str(hugo_out)])
        hugos.append(seconds)
    result.update(cold=min(colds), warm=min(warms), hugo=min(hugos), peak_mb=max(peaks) / 1e6,
                  edit_ms=edit_rebuild_ms(site, as_of))
    live = sum(b"noindex" not in page.read_bytes() for page in out.glob("*/review-*/index.html"))
    hugo_live = len(list(hugo_out.glob("*/review-*/index.html")))
    result.update(pages=live, hugo_pages=hugo_live)
    edit = f"{result['edit_ms']:.0f} ms"
    print(f"sitegen cold {result['cold']:.2f} s ({result['cold'] / result['hugo']:.1f}x Hugo), "
          f"warm {result['warm']:.2f} s ({result['warm'] / result['hugo']:.1f}x Hugo), "
          f"peak {result['peak_mb']:.0f} MB; Hugo {result['hugo']:.2f} s; "
          f"edit in serve: {edit}; "
          f"entry pages: sitegen {live}, Hugo {hugo_live}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 2000, 10000])
    parser.add_argument("--repeats", type=int, default=1, help="runs of each build; the best is reported")
    args = parser.parse_args()
    if not shutil.which("hugo"):
        raise SystemExit("Hugo is needed: apt-get install --no-install-recommends hugo")
    # Hugo decides publishDate/expiryDate against the real clock, so both tools use today here.
    as_of = datetime.now(ZoneInfo("Europe/London")).date()
    results = [bench(n, as_of, args.repeats) for n in args.sizes]
    print("\n| entries | sitegen cold | sitegen warm | Hugo | cold / Hugo | warm / Hugo | edit in serve | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        edit = f"{r['edit_ms']:.0f} ms"
        print(f"| {r['n']:,} | {r['cold']:.2f} s | {r['warm']:.2f} s | {r['hugo']:.2f} s | {r['cold'] / r['hugo']:.1f}x "
              f"| {r['warm'] / r['hugo']:.1f}x | {edit} | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()

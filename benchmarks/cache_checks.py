"""What the cache's checks cost (issue 24), on a site whose cache is warm.

    python benchmarks/cache_checks.py SITE --as-of DAY [--repeats 3]

Prints, each the median of `--repeats` rounds:

- the next day's build (DAY + 1) as it is: source files known unchanged by their stamp (size,
  modification time, inode, change time), and every kept value checked;
- the same build with every source file's content hashed instead (hashes.json not used);
- the reading behind the checks, timed alone: hashing every file in reports/ (what a content hash
  of each source would cost), the published copies (checked on every build), the kept texts;
- publishing the copies by copying them into a folder instead of linking them;
- the same day's build without the compiled templates (what they save).

A benchmark, run on demand and reported in docs/performance.md; no test times anything.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import discard, empty_trash, settle  # noqa: E402  (the same care before a timed run as bench.py)

# The same build with one mechanism off, through the command line's own entry point:
# every remembered stamp taken as too new to trust (so every source file is hashed again) ...
NO_HASHES = ("import sys; from sitegen.documents import inspection as documents; documents._racy = lambda stamp, written: True; "
             "from sitegen.commands.cli import main; sys.exit(main())")
# ... and no compiled template loaded (so each is compiled again).
NO_TEMPLATES = ("import sys; from sitegen.rendering import render; render._TemplateCache.load_bytecode = lambda self, bucket: None; "
                "from sitegen.commands.cli import main; sys.exit(main())")


def timed_build(site: Path, day: date, output: Path, code: str | None = None) -> float:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "sitegen"]
    started = time.perf_counter()
    subprocess.run([*command, "build", "--site", str(site), "--as-of", day.isoformat(), "--output", str(output)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def read_all(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            digest = hashlib.sha256()
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return time.perf_counter() - started


def copy_all(paths: list[Path], folder: Path, link: bool) -> float:
    started = time.perf_counter()
    for number, path in enumerate(paths):
        target = folder / f"{number}.pdf"
        if link:
            os.link(path, target)
        else:
            shutil.copyfile(path, target)
    return time.perf_counter() - started


def median(make, repeats: int) -> str:
    found = sorted(make() for _ in range(repeats))
    return f"{statistics.median(found):.3f} s ({found[0]:.3f} to {found[-1]:.3f})"


def alternately(makers: list, repeats: int) -> list[str]:
    """Each of `makers` timed `repeats` times, taking turns; the median (and range) of each."""
    found: list[list[float]] = [[] for _ in makers]
    for _ in range(repeats):
        for times, make in zip(found, makers):
            times.append(make())
    return [f"{statistics.median(t):.3f} s ({min(t):.3f} to {max(t):.3f})" for t in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    try:
        measure(args)
    finally:
        empty_trash()


def measure(args: argparse.Namespace) -> None:
    site, day, repeats = args.site.resolve(), args.as_of, args.repeats
    next_day = day + timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="sitegen-cache-checks-") as temp:
        output = Path(temp) / "build"
        timed_build(site, day, output)  # warm: the cache as the day's build leaves it
        cache = site / ".sitegen-cache"

        def fresh(code: str | None = None, on: date = next_day) -> float:
            discard(cache / "previous-output")  # as on Netlify: no replaced output (and nothing just deleted: bench.discard)
            discard(output)
            settle()
            return timed_build(site, on, output, code)

        # Each pair is timed in turns, round by round, so that both meet the same moments of a shared machine.
        print("next day, as built / every source hashed:", *alternately([fresh, lambda: fresh(NO_HASHES)], repeats), sep="\n  ")
        reports = sorted(p for p in (site / "reports").rglob("*") if p.is_file())
        copies = sorted((cache / "documents").glob("*.published-*.pdf"))
        texts = sorted((cache / "documents").glob("*.txt"))
        size = lambda paths: sum(p.stat().st_size for p in paths) / 1e6  # noqa: E731
        print(f"hash reports/ ({len(reports)} files, {size(reports):.0f} MB):", median(lambda: read_all(reports), repeats))
        print(f"hash published copies ({len(copies)}, {size(copies):.0f} MB):", median(lambda: read_all(copies), repeats))
        print(f"hash kept texts ({len(texts)}, {size(texts):.0f} MB):", median(lambda: read_all(texts), repeats))

        def publish(link: bool) -> float:
            folder = Path(tempfile.mkdtemp(dir=temp))
            try:
                return copy_all(copies, folder, link)
            finally:
                shutil.rmtree(folder)

        print("link the copies:", median(lambda: publish(True), repeats))
        print("copy the copies:", median(lambda: publish(False), repeats))
        print("same day, as built / templates compiled each time:",
              *alternately([lambda: fresh(None, day), lambda: fresh(NO_TEMPLATES, day)], repeats), sep="\n  ")


if __name__ == "__main__":
    main()

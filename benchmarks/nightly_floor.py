"""The least a nightly build of sitegen's design must do on a night when nothing goes up or comes
down, timed beside sitegen's own build of that night and Hugo's whole build. Run on demand, after
`bench.py` has made the corpus and its kept cache:

    python benchmarks/nightly_floor.py 2000 --day 2026-12-08 [--repeats 3]

DAY is a day with no change (bench.py prints one as "no change"). Issue 28 asks for that night at
most 1.0x Hugo; this says how much of Hugo's time the unavoidable part takes, so that what is
sitegen's own overhead can be told apart. The floor, in a process of its own (Python's start
included), from the cache the night before left, as CI restores it:

1. read every entry's file in content/ (a build must know that none changed);
2. check what the cache hands back before anything of it is published: every published copy
   against its SHA-256, every kept text against its seal (sitegen's `read_sealed_digest`);
3. make the output: its folders, and a hard link for each of its files to the file it was made
   from (the same files, linked from a built output of that night).

Nothing else: no front matter read, no state decided, no page checked or made, no feed, no index.
Each timed run starts on a settled disk with nothing just deleted (`bench.settle`, `bench.discard`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import WORK, discard, empty_trash, hugo_seconds, run, settle, sitegen  # noqa: E402

FLOOR = r"""
import hashlib, os, sys
from pathlib import Path
site, cache, built, out = map(Path, sys.argv[1:5])
for path in sorted((site / "content").rglob("*.md")):
    path.read_bytes()
from sitegen.core.cachefile import read_sealed, read_sealed_digest
documents = cache / "documents"
for copy in sorted(documents.glob("*.published-*.pdf")):
    wanted = read_sealed(Path(str(copy) + ".sha256"))
    digest = hashlib.sha256(copy.read_bytes()).hexdigest().encode()
    assert wanted is None or wanted == digest, copy
for text in sorted(documents.glob("*.txt")):
    read_sealed_digest(text)
for folder, _, names in os.walk(built):
    target = out / os.path.relpath(folder, built)
    os.makedirs(target, exist_ok=True)
    for name in names:
        os.link(os.path.join(folder, name), target / name)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", nargs="?", type=int, default=2000)
    parser.add_argument("--day", type=date.fromisoformat, required=True, help="a night on which nothing goes up or comes down")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = WORK / f"n{args.size}"
    site, kept = root / "sitegen", root / "kept-cache"
    if not kept.is_dir():
        sys.exit(f"No kept cache in {kept}: run python benchmarks/bench.py {args.size} first.")
    try:
        measure(args, root, site, kept)
    finally:
        empty_trash()


def measure(args: argparse.Namespace, root: Path, site: Path, kept: Path) -> None:
    cache, out, built = site / ".sitegen-cache", root / "out", root / "nightly-floor-built"
    discard(cache)
    shutil.copytree(kept, cache, symlinks=True)
    run(sitegen(site, out, args.day - timedelta(days=1)))  # the night before, untimed, as the nightly job left it
    discard(cache / "previous-output")
    night = root / "nightly-floor-cache"
    discard(night)
    shutil.copytree(cache, night, symlinks=True)  # the cache that night left, for each round
    discard(out)
    run(sitegen(site, built, args.day))  # that night's output: the files the floor links
    times: dict[str, list[float]] = {"floor": [], "sitegen": [], "hugo": []}
    for _ in range(args.repeats):
        discard(cache)
        shutil.copytree(night, cache, symlinks=True)
        discard(out)
        settle()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", FLOOR, str(site), str(cache), str(built), str(out)], check=True, cwd="/")
        times["floor"].append(time.perf_counter() - start)
        discard(out)
        times["sitegen"].append(run(sitegen(site, out, args.day))[0])
        discard(cache)
        shutil.copytree(night, cache, symlinks=True)
        discard(out)
        times["hugo"].append(hugo_seconds(root / "hugo", root / "hugo-out"))
    discard(built)
    discard(night)
    hugo = statistics.median(times["hugo"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:8s} {median:5.2f} s ({min(values):.2f} to {max(values):.2f}), {median / hugo:.2f}x Hugo")


if __name__ == "__main__":
    main()

"""Nightly builds, day after day, each from the cache the night before left (as Netlify's build
plugin keeps it: no output folder, no replaced output), each followed by Hugo's whole build of the
same corpus, so that both meet the same moment of a shared machine. Run on demand:

    python benchmarks/nightly.py 2000 --from 2027-01-22 --days 9 [--code /tmp/old]

The corpus is the one bench.py made for today (its cache, kept-cache/, is where the run starts: the
day before --from is built first, untimed). It prints, for each day, sitegen's seconds, Hugo's, the
ratio, how many indexes the search has and the machine's load. `--code` runs another checkout's
sitegen (for example an earlier commit: git archive COMMIT sitegen | tar -x -C /tmp/old).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import WORK, discard, empty_trash, settle  # noqa: E402  (the same corpora, and the same care before a timed run)


def timed(command: list[str], **options) -> float:
    settle()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **options)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", type=int)
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the checkout whose sitegen is run")
    args = parser.parse_args()
    root = WORK / f"n{args.size}"
    site, hugo, out = root / "sitegen", root / "hugo", root / "nightly-out"
    if not (root / "kept-cache").is_dir():
        raise SystemExit(f"No kept cache in {root}: run python benchmarks/bench.py {args.size} first.")
    discard(site / ".sitegen-cache")
    shutil.copytree(root / "kept-cache", site / ".sitegen-cache", symlinks=True)
    env = {**os.environ, "PYTHONPATH": str(args.code.resolve())}

    def build(day: date) -> float:
        discard(out)  # nothing deleted just before a timed run (see bench.discard)
        discard(site / ".sitegen-cache" / "previous-output")
        return timed([sys.executable, "-m", "sitegen", "build", "--site", str(site), "--output", str(out),
                      "--as-of", day.isoformat()], env=env, cwd="/")  # not this folder: --code's sitegen is imported

    try:
        nights(args, root, site, hugo, out, build)
    finally:
        empty_trash()


def nights(args: argparse.Namespace, root: Path, site: Path, hugo: Path, out: Path, build) -> None:
    build(args.first - timedelta(days=1))
    for number in range(args.days):
        day = args.first + timedelta(days=number)
        seconds = build(day)
        discard(root / "hugo-out")
        hugo_seconds = timed(["hugo", "--quiet", "--source", str(hugo), "--destination", str(root / "hugo-out")])
        indexes = len(json.loads((out / "pagefind" / "parts.json").read_text())) + 1
        print(f"{day}: {seconds:.2f} s, Hugo {hugo_seconds:.2f} s, {seconds / hugo_seconds:.2f}x, {indexes} indexes, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()

"""The least work any cold build of a corpus must do to meet sitegen's search requirement,
timed against Hugo. Run on demand, after `bench.py` has made the corpus:

    python benchmarks/floor.py [2000] [--as-of 2026-12-02] [--repeats 3]

Issue 3 asks for the full text of every live PDF in the search index ("a search for a word
that appears only inside a live report finds that report"). So, with no cache, a build must
at least read the text of every live report and index it; and the mission asks that no PDF is
published before the least safety work is done on it (issue 14's decision on the floor). This
script times only that, with the same libraries and the same number of processes a build uses:

1. **text and safety**: for each live report, in one process per core: PDFium's text (sitegen's
   `extract_pdf_text`), and the least safety work a published PDF needs, done with qpdf through
   pikepdf as plainly as it can be: open it, look at every object once for active content (the
   keys that run code or hold files, actions by their type, links by their address (a whole web or email address only), as
   sitegen's check reads them: `safe_copy`), drop its metadata (every object's XMP and private
   data, and the document's properties), and write the copy. Nothing more: no audit of annotations or forms, no XMP rewritten with its
   title, no second walk of the written copy, none of sitegen's checks of what it was given;
2. **index**: Pagefind indexing that text as sitegen does (`search.plan` and its parts,
   two indexers at once), without any HTML page.

It prints both against Hugo's build of the same corpus into a new folder (best of
`--repeats` runs each), and the cold target of issue 14: at most 1.2x this floor.
It reads the corpus and writes only under benchmarks/.work/ (or $SITEGEN_BENCH_WORK).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sitegen.search import index as search  # noqa: E402
from sitegen.content.config import load_config  # noqa: E402
from sitegen.documents.text import _join_pages, _pdfium_page_texts  # noqa: E402
from sitegen.content.entries import read_entries  # noqa: E402
from sitegen.rules.visibility import State, decide  # noqa: E402

from bench import WORK, discard, empty_trash, settle  # noqa: E402  (the same corpora, and the same care before a timed run)


def live_reports(site: Path, day: date) -> list[Path]:
    """The PDFs of the entries live on `day`, in build order."""
    config = load_config(site).config
    found = []
    for entry in read_entries(config):
        if entry.type is None or entry.is_page:
            continue
        if decide(day, entry.published, entry.hidden_from, draft=entry.draft, has_errors=False) is State.LIVE:
            found += [ref.path for ref in entry.documents if ref.path is not None and ref.path.suffix.lower() == ".pdf"]
    return found


ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/Launch", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia",
               "/3D", "/Movie", "/Sound"}
METADATA_KEYS = ("/Metadata", "/PieceInfo")  # XMP anywhere (pages, pictures), and the private data programs save


def safe_copy(path: Path) -> int:
    """The least safety work on one PDF (see the description): the copy's size. Active content is
    what the mission withholds: keys that run code or hold files, any action but those that only
    move within the document or open a web page (read by its type, as a reader would), and links
    to addresses that are not web pages or email. Metadata is every object's XMP and private data,
    and the document's properties."""
    import io

    import pikepdf

    from sitegen.documents.pdfsafety import SAFE_ACTIONS, odd_address

    found = []  # what would withhold it (the corpus has none; every object is looked at either way)
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            keys = set(obj.keys())
            found += ACTIVE_KEYS & keys
            if "/S" in keys and "/Type" not in keys and str(obj.get("/S")) not in SAFE_ACTIONS:
                found.append(str(obj.get("/S")))  # an action of a kind that is not published (or a group: told apart by a reader)
            if "/URI" in keys and odd_address(str(obj.get("/URI"))):
                found.append("/URI")
            for key in METADATA_KEYS:
                if key in keys:
                    del obj[key]
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        out = io.BytesIO()
        pdf.save(out)
        return out.tell()


def text_of(path: Path) -> tuple[int, str]:
    """A report's pages and its text, as `documents.extract_pdf_text` reads it with PDFium, after
    the least safety work on it (`safe_copy`)."""
    safe_copy(path)
    pages = _pdfium_page_texts(path)
    return len(pages), _join_pages(pages)


def read_texts(paths: list[Path]) -> tuple[float, list[tuple[int, str]]]:
    settle()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        texts = list(pool.map(text_of, paths, chunksize=4))
    return time.perf_counter() - start, texts


def index_texts(texts: list[tuple[int, str]]) -> float:
    documents = [search.DocumentRecord(f"/review-{number}/#document", f"Review {number}", "Report (PDF)",
                                       (lambda text=text: search.searchable_text(text)), {},
                                       group=f"/review-{number}/", weight=max(1, pages))
                 for number, (pages, text) in enumerate(texts)]
    # as few parts as Pagefind's memory allows (the main bundle, which holds a site's own pages, is empty here)
    parts = [part for part in search.plan([], documents) if part.pages or part.documents]
    settle()
    start = time.perf_counter()
    search._index_parts(parts)
    return time.perf_counter() - start


def hugo_seconds(root: Path) -> float:
    out = root / "floor-hugo-out"
    discard(out)  # as bench.py does: nothing is deleted just before a timed run
    settle()
    start = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "--source", str(root / "hugo"), "--destination", str(out)], check=True)
    seconds = time.perf_counter() - start
    discard(out)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", nargs="?", type=int, default=2000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 12, 2),
                        help="the day the corpus was made for (bench.py makes it for its run's day)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = WORK / f"n{args.size}"
    if not (root / "sitegen").is_dir():
        sys.exit(f"No corpus in {root}: run python benchmarks/bench.py {args.size} first.")
    try:
        measure(args, root)
    finally:
        empty_trash()


def measure(args: argparse.Namespace, root: Path) -> None:
    paths = live_reports(root / "sitegen", args.as_of)
    hugo = min(hugo_seconds(root) for _ in range(args.repeats))
    reads = [read_texts(paths) for _ in range(args.repeats)]
    text_seconds, texts = min(reads, key=lambda pair: pair[0])
    print(f"text: {', '.join(f'{seconds:.2f} s' for seconds, _ in reads)}", flush=True)
    pages = sum(count for count, _ in texts)
    index_seconds = min(index_texts(texts) for _ in range(args.repeats))
    floor = text_seconds + index_seconds
    print(f"{args.size} entries, {len(paths)} live reports, about {pages:,} pages of text, {os.cpu_count()} cores")
    print(f"Hugo (into a new folder):        {hugo:6.2f} s")
    print(f"text and safe copies only:       {text_seconds:6.2f} s   ({text_seconds / hugo:.1f}x Hugo)")
    print(f"indexing that text only:         {index_seconds:6.2f} s   ({index_seconds / hugo:.1f}x Hugo)")
    print(f"floor (text, copies + index):    {floor:6.2f} s   ({floor / hugo:.1f}x Hugo)")
    print(f"A cold build's target (issue 14): at most 1.2x the floor, {1.2 * floor:.2f} s on this run.")


if __name__ == "__main__":
    main()

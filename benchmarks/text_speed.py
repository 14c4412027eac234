"""Time PDF text extraction for the search index (sitegen's `extract_pdf_text`, PDFium), in
milliseconds per page. Run on demand:

    python benchmarks/text_speed.py [folder of PDFs] [--files 40]

By default it reads the first 40 reports of the 2,000-entry benchmark corpus
(benchmarks/.work/n2000/sitegen/reports/, made by benchmarks/bench.py); it only reads them.
The extractor is run over all the files, best of three runs, in this one process;
both wall-clock and CPU time are shown. (pypdf, the extractor before PDFium, took about
four times as long: see docs/performance.md.)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sitegen.documents.inspection import _pdfium_page_texts, extract_pdf_text  # noqa: E402


def best_of(runs: int, extract, files: list[Path]) -> tuple[float, float]:
    """Least wall-clock and CPU seconds of `runs` passes over the files (CPU time is
    steadier on a machine shared with other work)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for path in files:
            extract(path)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=HERE / ".work" / "n2000" / "sitegen" / "reports", type=Path)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.pdf"))[: args.files]
    if not files:
        sys.exit(f"no PDFs in {args.folder} (python benchmarks/bench.py 2000 makes them)")
    pages = sum(len(_pdfium_page_texts(path)) for path in files)  # also loads PDFium before timing it
    print(f"{len(files)} PDFs, {pages} pages, best of {args.runs} runs")
    wall, cpu = best_of(args.runs, extract_pdf_text, files)
    print(f"PDFium {wall * 1000 / pages:6.3f} ms/page wall clock, {cpu * 1000 / pages:6.3f} ms/page CPU")
    print(f"words: {sum(len(extract_pdf_text(path).split()) for path in files)}")


if __name__ == "__main__":
    main()

"""Time what a cold build does to each new PDF besides reading its text: open it, check it
against the limits, audit it, make the published copy and read the copy back
(`documents.inspect_pdf`), in CPU milliseconds per page. Run on demand:

    python benchmarks/inspect_speed.py [PDF files...]

By default it reads the shared corpus of real-world PDFs beside the checkout (those that
can be published) and two reports made like the benchmark corpus's (40 and 120 pages,
tests/pdfmaker.py). Each file is inspected five times in this one process with no cache;
the least CPU time is shown (CPU time is steadier on a machine shared with other work).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

from pdfmaker import filler_pages, make_pdf_bytes  # noqa: E402
from sitegen.documents import inspection as documents  # noqa: E402
from sitegen.documents.inspection import DocumentCache  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpus" / "real-pdfs"


def least_cpu(path: Path, runs: int = 5) -> tuple[float, documents.DocumentInfo]:
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    best, info = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        info = documents.inspect_pdf(path, key, len(data), DocumentCache(None))
        best = min(best, time.process_time() - start)
    return best, info


def main() -> None:
    files = [Path(arg) for arg in sys.argv[1:]]
    with tempfile.TemporaryDirectory() as folder:
        if not files:
            files = sorted(CORPUS.glob("*.pdf"))
            for pages in (40, 120):
                made = Path(folder) / f"made-{pages}-pages.pdf"
                made.write_bytes(make_pdf_bytes(filler_pages(pages, "working together"), title=f"Overview {pages}"))
                files.append(made)
        total_cpu = total_pages = 0
        for path in files:
            cpu, info = least_cpu(path)
            if not info.ok:
                print(f"{path.name:38} not published: {info.problem}")
                continue
            total_cpu, total_pages = total_cpu + cpu, total_pages + info.pages
            print(f"{path.name:38} {info.pages:4} pages {cpu * 1000:8.2f} ms {cpu * 1000 / info.pages:7.3f} ms/page")
        print(f"all: {total_pages} pages, {total_cpu * 1000 / max(1, total_pages):.3f} ms/page CPU")


if __name__ == "__main__":
    main()

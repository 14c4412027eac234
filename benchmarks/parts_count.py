"""How many PDF pages each night's build indexes again, and how many parts a reader's search
starts, under `sitegen.search.index.plan`: counted from the benchmark corpus's plan (each
report's publication day and pages), without building anything, so the count is the same on a
busy machine as on a quiet one.

    python benchmarks/parts_count.py 10000 --as-of 2026-12-06 --from 2026-12-11 --days 30 [--range-weight N]

A part is indexed again when what it holds is not what a part held the night before (the cache
keeps each part under a key of its records); a page counts 1 and a PDF its pages, as `plan`
weighs them. `--range-weight 20000` is the split by month alone (before issue 28's ranges of
days).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import plan as corpus_plan  # noqa: E402

from sitegen.content.config import DEFAULT_TYPES  # noqa: E402
from sitegen.rules.visibility import hidden_from  # noqa: E402
from sitegen.search import index as search  # noqa: E402


def live_records(entries, day: date):
    """The records `plan` would be given on `day`: each live report's page and its one PDF."""
    pages, documents = [], []
    for slug, rtype, published, weight, _ in entries:
        ends = hidden_from(published, DEFAULT_TYPES[rtype].window)
        if published <= day and (ends is None or day < ends):
            url, month = f"/{rtype}/{slug}/", published.strftime("%Y-%m")
            pages.append(search.PageRecord(url, "", url, month, published.day))
            documents.append(search.DocumentRecord(url + "#document", slug, "", lambda: "", {}, group=url, weight=weight,
                                                   period=month, day=published.day))
    return pages, documents


def held(part) -> tuple:
    return part.folder, tuple(r.url for r in [*part.pages, *part.documents])


def weight_of(part) -> int:
    return len(part.pages) + sum(d.weight for d in part.documents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--as-of", required=True, type=date.fromisoformat, help="the day the corpus was made for")
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat, help="the first night (built from the day before's cache)")
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--range-weight", type=int, default=None)
    args = parser.parse_args()
    entries = list(corpus_plan(args.size, args.as_of))
    before = {held(p) for p in search.plan(*live_records(entries, args.start - timedelta(days=1)), range_weight=args.range_weight)}
    total = []
    print("night       parts  heaviest  indexed again (pages, parts)")
    for offset in range(args.days):
        day = args.start + timedelta(days=offset)
        parts = search.plan(*live_records(entries, day), range_weight=args.range_weight)
        again = [p for p in parts if held(p) not in before]
        pages = sum(weight_of(p) for p in again)
        total.append(pages)
        print(f"{day}  {len(parts):5d}  {max(weight_of(p) for p in parts):8d}  {pages:7d} in {len(again)}")
        before = {held(p) for p in parts}
    ordered = sorted(total)
    print(f"median {ordered[len(ordered) // 2]}, most {ordered[-1]}, mean {sum(total) / len(total):.0f} pages a night")


if __name__ == "__main__":
    main()

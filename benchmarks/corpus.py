"""Generate benchmark corpora: a sitegen site and an equivalent Hugo site.

Each entry has its own PDF of 2 to 120 pages (unique text on its first page, so
no two PDFs share a content hash). About half the entries are live on the
benchmark day; the rest are expired or scheduled. The Hugo site holds the same
entries as page bundles with publishDate and expiryDate, so that Hugo does the
same selection work.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pdfmaker import filler_pages, make_pdf_bytes  # noqa: E402

TYPES = ["sar", "cspr", "scr", "dhr", "briefing", "learning-review"]
THEMES = ["self-neglect", "hoarding", "neglect", "domestic abuse", "coercive control", "mental capacity",
          "transitions", "exploitation", "financial abuse", "professional curiosity"]


def plan(n: int, as_of: date, seed: int = 2026):
    """(slug, type, published, pages, themes) for n entries: ~50% live, ~35% expired, ~15% scheduled."""
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        if roll < 0.5:
            published = as_of - timedelta(days=rng.randrange(0, 360))
        elif roll < 0.85:
            published = as_of - timedelta(days=rng.randrange(370, 2000))
        else:
            published = as_of + timedelta(days=rng.randrange(1, 300))
        yield (f"review-{i:05d}", TYPES[i % len(TYPES)], published, rng.randint(2, 120),
               rng.sample(THEMES, 2))


def write_corpus(root: Path, n: int, as_of: date) -> tuple[Path, Path]:
    """Write <root>/sitegen and <root>/hugo for n entries; reuse them when already there."""
    site, hugo = root / "sitegen", root / "hugo"
    done = root / f".complete-v2-{n}-{as_of.isoformat()}"
    if done.exists():
        return site, hugo
    for folder in (site / "content", site / "reports", hugo / "content", hugo / "layouts" / "_default"):
        folder.mkdir(parents=True, exist_ok=True)
    (site / "sitegen.yaml").write_text("name: Benchmark Partnership\nbase_url: https://bench.example\n")
    write_hugo_theme(hugo)
    shared_pages = {count: None for count in range(2, 121)}
    for slug, rtype, published, pages, themes in plan(n, as_of):
        if shared_pages[pages] is None:
            shared_pages[pages] = filler_pages(pages, "working together")
        texts = [f"{slug}: the overview report of review {slug}."] + shared_pages[pages][1:]
        pdf = make_pdf_bytes(texts, title=f"Overview report {slug}")
        (site / "reports" / f"{slug}.pdf").write_bytes(pdf)
        # sitegen's one-year window: the same day next year (29 February: 1 March)
        hidden = (date(published.year + 1, 3, 1) if (published.month, published.day) == (2, 29)
                  else published.replace(year=published.year + 1))
        body = (f"This review looked at how agencies worked together ({slug}).\n\n"
                "## What we learned\n\n- Share information early.\n- Ask curious questions.\n")
        summary = f"A {rtype} published on {published.isoformat()} about {', '.join(themes)}."
        (site / "content" / f"{slug}.md").write_text(
            f"---\ntitle: \"Review {slug}\"\ntype: {rtype}\npublished: {published.isoformat()}\n"
            + (f"approved: {(published - timedelta(days=30)).isoformat()}\n" if rtype == "dhr" else "") +
            f"summary: \"{summary}\"\nthemes: [{', '.join(themes)}]\n"
            f"documents:\n  - file: reports/{slug}.pdf\n    title: Overview report\n---\n{body}")
        bundle = hugo / "content" / rtype / slug
        bundle.mkdir(parents=True, exist_ok=True)
        target = bundle / f"{slug}.pdf"
        if not target.exists():
            os.link(site / "reports" / f"{slug}.pdf", target)
        (bundle / "index.md").write_text(
            f"---\ntitle: \"Review {slug}\"\ndate: {published.isoformat()}\npublishDate: {published.isoformat()}\n"
            f"expiryDate: {hidden.isoformat()}\nsummary: \"{summary}\"\ntags: [{', '.join(themes)}]\n---\n{body}")
    done.write_text("ok\n")
    return site, hugo


def write_hugo_theme(hugo: Path) -> None:
    (hugo / "config.toml").write_text(
        'baseURL = "https://bench.example/"\nlanguageCode = "en-gb"\ntitle = "Benchmark Partnership"\n'
        'disableKinds = ["RSS"]\n[taxonomies]\ntag = "tags"\n')
    layouts = hugo / "layouts" / "_default"
    base = ('<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
            '<link rel="stylesheet" href="/site.css"></head><body><header><a href="/">{{ .Site.Title }}</a></header>'
            '<main>{{ block "main" . }}{{ end }}</main><footer>Contact</footer></body></html>')
    (layouts / "baseof.html").write_text(base)
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><p>Published {{ .Date.Format "2 January 2006" }}; on this site until '
        '{{ .ExpiryDate.Format "2 January 2006" }}</p><p>{{ .Summary }}</p>{{ .Content }}'
        '<ul>{{ range .Resources.ByType "application" }}<li><a href="{{ .RelPermalink }}">{{ .Name }}</a></li>{{ end }}</ul>'
        '<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Pages.GroupByDate "2006" }}<h2>{{ .Key }}</h2><ul>'
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}{{ end }}')
    (layouts / "index.html").write_text(
        '{{ define "main" }}<h1>Learning from Practice</h1>{{ range .Site.Sections }}<h2>{{ .Title }}</h2><ul>'
        '{{ range first 5 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}{{ end }}')

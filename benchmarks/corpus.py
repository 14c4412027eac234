"""Generate benchmark corpora: a sitegen site and an equivalent Hugo site.

The text is meant to be as heavy for the indexer as real reports are (issue 28):

- every page of every PDF holds 400 to 500 words of that report's own text (seeded by the
  report's number, so the same corpus is made on any machine), never shared with another report;
- words are drawn from a Zipf-like distribution (rank r weighs 1/r^1.1) over a vocabulary of
  real English and safeguarding words, followed by a long tail of rarer made-up words (places,
  surnames, terms), so a common word is found on most pages and the index holds tens of
  thousands of distinct words; each report adds its own names (the people and workers it
  is about), agencies and numbers (dates, ages, paragraph numbers);
- sizes spread from 2 to 120 pages, most short (a log-normal around 14 pages): at 2,000
  entries the live PDFs hold about 20,000 pages, so they fall on both sides of
  `sitegen.search.index.PART_WEIGHT` as reports go up and come down.

About half the entries are live on the benchmark day; the rest are expired or scheduled.
The Hugo site holds the same entries as page bundles with publishDate and expiryDate, so that
Hugo does the same selection work.
"""

from __future__ import annotations

import math
import os
import random
import sys
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pdfmaker import make_pdf_bytes  # noqa: E402

VERSION = 3  # of the corpus: a new one is made when this changes
TYPES = ["sar", "cspr", "scr", "dhr", "briefing", "learning-review"]
THEMES = ["self-neglect", "hoarding", "neglect", "domestic abuse", "coercive control", "mental capacity",
          "transitions", "exploitation", "financial abuse", "professional curiosity"]

# The commonest words first (their order is their rank): function words, then the words of
# safeguarding reviews, then everyday English.
COMMON = """the of and to a in that was is for on with as by her his he she at it were not be had
this from or have an which their they there been would also when who are but all one more
what has could about into should other them than time these only may some over after
before because between during each where while both those through under further most
safeguarding adult child review agencies agency practice family information risk concerns
support care health services service social partnership professionals practitioners panel
worker workers assessment needs mental capacity police housing hospital council local
learning findings recommendations multi team teams meeting referral referrals plan planning
abuse neglect domestic violence victim perpetrator home visit visits contact record records
recorded evidence report reports decision decisions escalation threshold thresholds
consent curiosity professional relationship relationships carer carers daughter son mother
father partner brother sister grandmother friend neighbour community safety nurse doctor
general practitioner ambulance emergency department ward discharge medication alcohol
drug drugs substance misuse homelessness tenancy landlord eviction benefits finances
money debt exploitation coercive control harassment stalking injury injuries bruising fall
falls death died life lives wellbeing wishes feelings voice experience history background
chronology period months weeks days years later earlier again already however although
therefore despite without within across towards around clear clearly important
significant opportunity opportunities missed shared sharing share understanding known
unknown aware concern worried anxious isolated isolation vulnerable vulnerability
self hoarding fire pressure sores nutrition weight personal hygiene property condition
conditions supervision manager managers leadership training guidance policy policies
procedure procedures statutory duty duties enquiry enquiries section act children young
people person school college education early help transition transitions adolescent
pregnancy baby infant health visitor midwife maternity paediatric probation court
criminal justice prison offender offending arrest conviction bail order protection
legal advice solicitor advocacy advocate independent commissioning commissioned
provider providers residential nursing placement placements foster kinship respite
funding budget resources capacity demand workload caseload vacancies staff staffing
communication communicate communicated letter telephone email phone call calls message
messages appointment appointments attended attend attending missed cancelled declined
refused engagement engage engaged disengaged difficult complex complexity multiple
response responses responded respond responding action actions outcome outcomes
improve improvement improvements change changes changed system systems culture
assurance audit monitor monitoring evaluate evaluation progress implementation
implemented agreed agree considered consider considering reflected reflection reflective
discussion discussed explored exploring identified identify identifying described
describe noted note notes reported reporting raised raise raising""".split()

SYLLABLES = """al an ar ash ba bel ber bram brook bur by cal car ches cliff com dal den don dor el
en er ford fox gate ham har hay hill holt hurst ing ker lan lea ley low mar mead mer mill
mon mor ness nor on or pen rid ridge ton tree ver wick win wood worth""".split()
FIRST_NAMES = """Amelia Aisha Barbara Carol Dorothy Edith Fatima Grace Hannah Irene Jean Joan Kathleen
Lily Margaret Maryam Nora Olivia Patricia Rose Sandra Susan Violet Zara Adam Ahmed Arthur
Brian Colin David Derek Edward Frank George Harry Ian Jack James Kevin Leon Mohammed Norman
Oliver Patrick Peter Raymond Samuel Thomas Tyler William""".split()
AGENCIES = ["Adult Social Care", "Children's Social Care", "the GP practice", "the ambulance service",
            "the mental health trust", "the housing association", "the police", "the probation service",
            "the acute hospital trust", "the integrated care board", "the fire and rescue service",
            "the drug and alcohol service", "the domestic abuse service", "the school nursing team"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
TAIL = 40_000  # made-up words after the real ones: the rare words of the index's long tail
ZIPF = 1.1


def _vocabulary() -> tuple[list[str], list[float]]:
    """The words and their cumulative weights: the real words first, then a fixed tail of
    made-up words of two or three syllables (the same on every machine)."""
    rng = random.Random(28)
    tail, seen = [], set(COMMON)
    while len(tail) < TAIL:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        if word not in seen:
            seen.add(word)
            tail.append(word)
    words = COMMON + tail
    return words, list(accumulate(1 / (rank ** ZIPF) for rank in range(1, len(words) + 1)))


WORDS, WEIGHTS = _vocabulary()


def pages_of(rng: random.Random) -> int:
    """A report's length: 2 to 120 pages, most short (a log-normal around 14)."""
    return max(2, min(120, round(rng.lognormvariate(math.log(14), 0.8))))


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
        yield (f"review-{i:05d}", TYPES[i % len(TYPES)], published, pages_of(rng), rng.sample(THEMES, 2))


def report_pages(slug: str, pages: int, topic: str) -> list[str]:
    """A report's own text, page by page: 400 to 500 words a page, seeded by its slug."""
    rng = random.Random(slug)
    surname = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    cast = [f"{rng.choice(FIRST_NAMES)} {surname}" for _ in range(rng.randint(2, 4))]
    cast += [f"{rng.choice(FIRST_NAMES)} {''.join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()}"
             for _ in range(rng.randint(3, 8))]
    agencies = rng.sample(AGENCIES, rng.randint(4, 9))
    texts = []
    for page in range(pages):
        words = rng.choices(WORDS, cum_weights=WEIGHTS, k=rng.randint(380, 470))  # names and dates add a few
        for spot in range(rng.randrange(5), len(words), rng.randint(12, 30)):  # names, agencies, numbers
            roll = rng.random()
            words[spot] = (rng.choice(cast) if roll < 0.4 else rng.choice(agencies) if roll < 0.65
                           else f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2012, 2026)}" if roll < 0.85
                           else f"{page + 1}.{rng.randint(1, 40)}")
        sentences, start = [], 0
        while start < len(words):
            end = start + rng.randint(8, 24)
            sentence = " ".join(words[start:end])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            start = end
        heading = f"{slug}: {topic}, page {page + 1}" if page else f"{slug}: the overview report of review {slug}"
        paragraphs, size = [], rng.randint(3, 6)
        for first in range(0, len(sentences), size):
            paragraphs.append(" ".join(sentences[first:first + size]))
        texts.append(heading + "\n\n" + "\n\n".join(paragraphs))
    return texts


def write_corpus(root: Path, n: int, as_of: date) -> tuple[Path, Path]:
    """Write <root>/sitegen and <root>/hugo for n entries; reuse them when already there."""
    site, hugo = root / "sitegen", root / "hugo"
    done = root / f".complete-v{VERSION}-{n}-{as_of.isoformat()}"
    if done.exists():
        return site, hugo
    for folder in (site / "content", site / "reports", hugo / "content", hugo / "layouts" / "_default"):
        folder.mkdir(parents=True, exist_ok=True)
    (site / "sitegen.yaml").write_text("name: Benchmark Partnership\nbase_url: https://bench.example\n")
    write_hugo_theme(hugo)
    for slug, rtype, published, pages, themes in plan(n, as_of):
        pdf = make_pdf_bytes(report_pages(slug, pages, themes[0]), title=f"Overview report {slug}")
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

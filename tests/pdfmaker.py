"""A tiny, dependency-free PDF 1.4 writer for tests, benchmarks and sample data
(`benchmarks/corpus.py`, `scripts/make_sample_reports.py`; it made the example
report in sitegen/starter/ too). It is not part of the package.

Each page is A4 and shows one string in Helvetica, wrapped at about 90
characters; newlines in the string start a new line. Output is
deterministic (no dates or IDs are written), so the same inputs always give
the same bytes. With `tagged=True` each page's text is one tagged paragraph
(a structure tree, /MarkInfo and a document language), so screen readers
can read it.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

WIDTH, HEIGHT = 595, 842  # A4 in points
MARGIN, FONT_SIZE, LEADING = 56, 10, 13
WRAP = 90


def _escape(text: str) -> str:
    """Escape a string for a PDF literal string; non-Latin-1 becomes '?'."""
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _lines(text: str) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, WRAP) or [""])
    max_lines = (HEIGHT - 2 * MARGIN) // LEADING
    return lines[:max_lines]


def _content_stream(text: str, tagged: bool = False) -> bytes:
    ops = ["/P << /MCID 0 >> BDC"] if tagged else []
    ops += ["BT", f"/F1 {FONT_SIZE} Tf", f"{LEADING} TL",
           f"{MARGIN} {HEIGHT - MARGIN} Td"]
    for i, line in enumerate(_lines(text)):
        if i:
            ops.append("T*")
        if "  " in line:  # show runs of spaces with TJ to exercise it
            parts = " ".join(f"({_escape(p)})" for p in line.split("  "))
            ops.append(f"[{parts.replace(') (', ')-556 (')}] TJ")
        else:
            ops.append(f"({_escape(line)}) Tj")
    ops.append("ET")
    if tagged:
        ops.append("EMC")
    return "\n".join(ops).encode("latin-1")


def make_pdf_bytes(pages: list[str], *, title=None, author=None, subject=None,
                   keywords=None, creator=None, producer=None, tagged=False, lang=None) -> bytes:
    """Return the bytes of a PDF with one page per string in ``pages``."""
    pages = list(pages) or [""]
    n = len(pages)
    meta = {"Title": title, "Author": author, "Subject": subject,
            "Keywords": keywords, "Creator": creator, "Producer": producer}
    info = " ".join(f"/{k} ({_escape(str(v))})" for k, v in meta.items()
                    if v is not None)
    # Object numbers: 1 catalog, 2 page tree, 3 font, then page/content
    # pairs, then the optional info dictionary, then the structure tree.
    struct = 4 + 2 * n + (1 if info else 0)
    catalog = "<< /Type /Catalog /Pages 2 0 R"
    if tagged:
        catalog += (f" /MarkInfo << /Marked true >> /StructTreeRoot {struct} 0 R"
                    " /ViewerPreferences << /DisplayDocTitle true >>")
    if lang:
        catalog += f" /Lang ({_escape(lang)})"
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects: list[bytes] = [
        (catalog + " >>").encode("latin-1"),
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
        b" /Encoding /WinAnsiEncoding >>",
    ]
    for i, text in enumerate(pages):
        stream = _content_stream(text, tagged)
        tags = f" /StructParents {i} /Tabs /S" if tagged else ""
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}]"
            f" /Resources << /Font << /F1 3 0 R >> >>"
            f" /Contents {5 + 2 * i} 0 R{tags} >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream)
                       + stream + b"\nendstream")
    if info:
        objects.append(f"<< {info} >>".encode("latin-1"))
    if tagged:
        document, paragraphs, parent_tree = struct + 1, struct + 2, struct + 2 + n
        objects.append(f"<< /Type /StructTreeRoot /K [{document} 0 R] /ParentTree {parent_tree} 0 R"
                       f" /ParentTreeNextKey {n} >>".encode())
        kids = " ".join(f"{paragraphs + i} 0 R" for i in range(n))
        objects.append(f"<< /Type /StructElem /S /Document /P {struct} 0 R /K [{kids}] >>".encode())
        for i in range(n):
            objects.append(f"<< /Type /StructElem /S /P /P {document} 0 R /Pg {4 + 2 * i} 0 R /K 0 >>".encode())
        nums = " ".join(f"{i} [{paragraphs + i} 0 R]" for i in range(n))
        objects.append(f"<< /Nums [{nums}] >>".encode())

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if info:
        trailer += f" /Info {struct - 1} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_pdf(path, pages: list[str], **options) -> Path:
    """Write a PDF (see :func:`make_pdf_bytes`) to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_pdf_bytes(pages, **options))
    return path


_OPENERS = [
    "The review panel considered how agencies worked together on {t}.",
    "Practitioners described the pressures they faced when responding to {t}.",
    "Records showed that concerns about {t} were noted but not always shared.",
    "The family told the reviewer what had helped and what had not.",
    "Managers reflected on supervision, caseloads and the time needed for {t}.",
]
_MIDDLES = [
    "Information was held by several services, but no single agency had the full picture.",
    "Opportunities to ask curious questions were sometimes missed during busy periods.",
    "Good practice was seen where workers visited together and listened carefully.",
    "Thresholds were understood differently by different teams.",
    "Escalation routes existed, yet staff were not always confident to use them.",
    "Consent and mental capacity were discussed, though not always recorded clearly.",
]
_CLOSERS = [
    "The partnership has agreed actions to strengthen practice in this area.",
    "Learning from this section will be shared through briefings and training.",
    "The panel recommends that this finding is tested again in twelve months.",
    "Leaders will seek assurance that the changes have made a difference.",
]


def filler_pages(n: int, topic: str) -> list[str]:
    """Return ``n`` deterministic pages of plausible review prose on ``topic``."""
    pages = []
    for p in range(n):
        paras = []
        for q in range(3):
            k = p * 3 + q
            paras.append(" ".join([
                _OPENERS[k % len(_OPENERS)].format(t=topic),
                _MIDDLES[(k * 7 + 1) % len(_MIDDLES)],
                _MIDDLES[(k * 5 + 4) % len(_MIDDLES)],
                _CLOSERS[(k + p) % len(_CLOSERS)],
            ]))
        pages.append(f"Section {p + 1}: {topic}\n\n" + "\n\n".join(paras))
    return pages

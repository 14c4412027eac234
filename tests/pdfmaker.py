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

import io
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


# --- hostile PDFs: personal data and active content where a review has none ---------------------
# These need pikepdf (imported when called): each feature puts its own marker word into the part
# it adds (a personal field, a script, an address, an attached file), so a test can tell which of
# them reached a published copy. PERSONAL features must be removed from the copy; ACTIVE ones make
# sitegen withhold the PDF, with a message naming what it has (ACTIVE[feature]).

PERSONAL = ("page_xmp", "image_xmp", "piece_info_page", "piece_info_root", "piece_info_xobject",
            "comment_author", "title_with_a_name", "signature", "security_store", "web_capture", "unknown_catalog_key")
ACTIVE = {
    "open_action_js": "JavaScript",
    "named_js": "JavaScript",
    "page_aa": "actions that run by themselves",
    "annotation_aa": "actions that run by themselves",
    "field_aa": "actions that run by themselves",
    "launch": "a command that opens other programs or files",
    "submit_form": "a form that sends what is typed into it",
    "import_data": "a command that loads data from another file",
    "go_to_remote": "links that open other files",
    "javascript_uri": "links to addresses that are not whole addresses of web pages or email",
    # Addresses without a scheme: a reader opens them as files beside the PDF, on its computer or its
    # network (a UNC path also sends the reader's Windows sign-in to that server).
    "unc_uri": "links to addresses that are not whole addresses of web pages or email",
    "network_path_uri": "links to addresses that are not whole addresses of web pages or email",
    "relative_uri": "links to addresses that are not whole addresses of web pages or email",
    "absolute_path_uri": "links to addresses that are not whole addresses of web pages or email",
    "based_uri": "links to addresses that are not whole addresses of web pages or email",
    "xfa": "an XFA form",
    "embedded_file": "files attached inside it",
    "file_attachment": "files attached inside it",
    "rich_media": "sound, video or 3D content",
}
FEATURES = PERSONAL + tuple(ACTIVE)


def marker(feature: str) -> str:
    """The word a feature hides in the PDF: MARKERPDF1, MARKERPDF2... (one for each feature)."""
    return f"MARKERPDF{FEATURES.index(feature) + 1}Z"


def _xmp(word: str) -> bytes:
    return ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>' + word +
            '</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


def make_hostile_pdf_bytes(features, text: str = "Overview of the review") -> bytes:
    """A one-page PDF (see `make_pdf_bytes`) with each of `features` (names from FEATURES) added,
    saved with its streams compressed and its objects in object streams, as Word and Acrobat save."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes([text], title="Overview", tagged=True, lang="en-GB")))
    page = pdf.pages[0].obj
    annots = page.Annots = pikepdf.Array()
    name, string, dictionary = pikepdf.Name, pikepdf.String, pikepdf.Dictionary

    def entry(holder, key: str, default):
        """`holder[key]`, set to `default` first when it is not there."""
        if key not in holder:
            holder[key] = default
        return holder[key]

    def resources(kind: str, key: str, value) -> None:
        entry(page.Resources, kind, dictionary())[key] = value

    def link(action) -> None:
        annots.append(pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Link, Rect=[50, 50, 150, 70],
                                                   A=action)))

    def attached(word: str):
        data = pdf.make_stream(f"Unredacted draft by {word}".encode())
        data.Type = name.EmbeddedFile
        return dictionary(Type=name.Filespec, F=string(f"{word}.docx"), UF=string(f"{word}.docx"), EF=dictionary(F=data))

    for feature in features:
        word = marker(feature)
        js = dictionary(S=name.JavaScript, JS=string(f"app.alert('{word}');"))
        if feature == "page_xmp":
            page.Metadata = pdf.make_stream(_xmp(word), Type=name.Metadata, Subtype=name.XML)
        elif feature == "image_xmp":
            image = pdf.make_stream(b"\x80", Type=name.XObject, Subtype=name.Image, Width=1, Height=1,
                                    ColorSpace=name.DeviceGray, BitsPerComponent=8)
            image.Metadata = pdf.make_stream(_xmp(word), Type=name.Metadata, Subtype=name.XML)
            resources("/XObject", "/Im1", image)
        elif feature == "piece_info_page":
            page.PieceInfo = dictionary(Word=dictionary(LastModified=string("D:20260101"), Private=string(word)))
        elif feature == "piece_info_root":
            pdf.Root.PieceInfo = dictionary(Acrobat=dictionary(LastModified=string("D:20260101"), Private=string(word)))
        elif feature == "piece_info_xobject":
            form = pdf.make_stream(b"", Type=name.XObject, Subtype=name.Form, BBox=[0, 0, 10, 10])
            form.PieceInfo = dictionary(Illustrator=dictionary(Private=string(word)))
            resources("/XObject", "/Fm1", form)
        elif feature == "comment_author":
            note = pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Text, Rect=[10, 10, 30, 30],
                                                Contents=string("Check this paragraph"), T=string(word),
                                                M=string("D:20260101"), CreationDate=string("D:20260101")))
            popup = pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Popup, Rect=[30, 30, 90, 90],
                                                 Parent=note, T=string(word)))
            note.Popup = popup
            annots.extend([note, popup])
        elif feature == "signature":  # a signed report: who signed, where, why, and their certificate
            value = pdf.make_indirect(dictionary(
                Type=name.Sig, Filter=name("/Adobe.PPKLite"), SubFilter=name("/adbe.pkcs7.detached"),
                ByteRange=[0, 10, 20, 10], Contents=string(f"certificate of {word}".encode()), Name=string(word),
                Reason=string(f"Approved by {word}"), Location=string(f"{word} House"), ContactInfo=string(f"{word}@example.org"),
                M=string("D:20260101")))
            field = pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Widget, FT=name.Sig, T=string("Signature1"),
                                                 Rect=[0, 0, 0, 0], P=page, V=value))
            annots.append(field)
            entry(entry(pdf.Root, "/AcroForm", dictionary()), "/Fields", pikepdf.Array()).append(field)
        elif feature == "security_store":  # the certificates of a signed document's signers, kept for later checks
            pdf.Root.DSS = dictionary(Certs=[pdf.make_stream(f"certificate of {word}".encode())])
        elif feature == "web_capture":  # Acrobat's record of the web pages it captured, with where they came from
            pdf.Root.SpiderInfo = dictionary(V=1.0, C=[dictionary(URL=string(f"file:///home/{word}/Documents/draft.html"))])
            names = entry(pdf.Root, "/Names", dictionary())
            names.URLS = dictionary(Names=[string(f"file:///home/{word}/"), dictionary(S=name.SPS)])
            names.IDS = dictionary(Names=[string(f"{word}-capture"), dictionary(S=name.SPS)])
        elif feature == "unknown_catalog_key":  # a program's own part of the catalog, which no reader shows
            pdf.Root.Private_Notes = string(f"Reviewed by {word}")
        elif feature == "title_with_a_name":
            pdf.docinfo.Title = f"Microsoft Word - SAR Jane {word} DRAFT v3 JW comments.docx"
        elif feature == "open_action_js":
            pdf.Root.OpenAction = js
        elif feature == "named_js":
            entry(pdf.Root, "/Names", dictionary()).JavaScript = dictionary(Names=[string(word), js])
        elif feature == "page_aa":
            page.AA = dictionary(O=js)
        elif feature == "annotation_aa":
            annots.append(pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Link, Rect=[0, 0, 5, 5],
                                                       AA=dictionary(E=js))))
        elif feature == "field_aa":
            field = pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.Widget, FT=name.Tx,
                                                 T=string("Total"), Rect=[60, 60, 160, 80], P=page,
                                                 AA=dictionary(K=js)))
            annots.append(field)
            entry(entry(pdf.Root, "/AcroForm", dictionary()), "/Fields", pikepdf.Array()).append(field)
        elif feature == "launch":
            link(dictionary(S=name.Launch, F=string(f"C:\\{word}.exe")))
        elif feature == "submit_form":
            link(dictionary(S=name.SubmitForm, F=dictionary(FS=name.URL, F=string(f"https://{word}.example/"))))
        elif feature == "import_data":
            link(dictionary(S=name.ImportData, F=string(f"{word}.fdf")))
        elif feature == "go_to_remote":
            link(dictionary(S=name.GoToR, F=string(f"{word}.pdf"), D=[0, name.Fit]))
        elif feature == "javascript_uri":
            link(dictionary(S=name.URI, URI=string(f" JavaScript:alert('{word}')")))
        elif feature == "unc_uri":
            link(dictionary(S=name.URI, URI=string(f"\\\\{word}.example\\share\\report.pdf")))
        elif feature == "network_path_uri":
            link(dictionary(S=name.URI, URI=string(f"//{word}.example/share/report.pdf")))
        elif feature == "relative_uri":
            link(dictionary(S=name.URI, URI=string(f"{word}.exe")))
        elif feature == "absolute_path_uri":
            link(dictionary(S=name.URI, URI=string(f"/etc/{word}")))
        elif feature == "based_uri":  # the catalog's base address makes a relative link open a program
            pdf.Root.URI = dictionary(Base=string("file:///C:/Windows/System32/"))
            link(dictionary(S=name.URI, URI=string(f"{word}.exe")))
        elif feature == "xfa":
            form = entry(pdf.Root, "/AcroForm", dictionary())
            entry(form, "/Fields", pikepdf.Array())
            form.XFA = pdf.make_stream(f"<xdp:xdp><script>{word}</script></xdp:xdp>".encode())
        elif feature == "embedded_file":
            entry(pdf.Root, "/Names", dictionary()).EmbeddedFiles = dictionary(
                Names=[string(f"{word}.docx"), pdf.make_indirect(attached(word))])
        elif feature == "file_attachment":
            annots.append(pdf.make_indirect(dictionary(Type=name.Annot, Subtype=name.FileAttachment,
                                                       Rect=[100, 100, 120, 120], FS=attached(word))))
        elif feature == "rich_media":
            annots.append(pdf.make_indirect(dictionary(
                Type=name.Annot, Subtype=name.RichMedia, Rect=[200, 200, 300, 300],
                RichMediaContent=dictionary(Assets=dictionary(Names=[string(f"{word}.mp4"),
                                                                     dictionary(Type=name.Filespec, F=string(f"{word}.mp4"))])))))
        else:
            raise ValueError(f"no such feature: {feature}")
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()

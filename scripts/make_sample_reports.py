#!/usr/bin/env python3
"""Generate the sample documents in reports/ for the Northshire example site.

Run from anywhere:  python scripts/make_sample_reports.py

The output is deterministic: running it twice gives byte-identical files
(the PDFs carry no dates and the .docx uses a fixed zip timestamp), so the
generated files can be committed and re-generated without noise.

Everything here is fictional: Northshire, its services and the people in
the reviews do not exist.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the PDF writer lives with the tests: it is not part of sitegen

from pdfmaker import filler_pages, make_pdf  # noqa: E402

REPORTS = ROOT / "reports"
PARTNERSHIP = "Northshire Safeguarding Partnership"


def cover(title: str, kind: str, date: str) -> str:
    return (f"{PARTNERSHIP}\n\n{title}\n\n{kind}\n\nPublished {date}\n\n"
            "This report is published in line with national guidance. Names "
            "have been replaced with pseudonyms to protect the privacy of the "
            "person and their family.")


def contents(*sections: str) -> str:
    lines = [f"{i}. {s}" for i, s in enumerate(sections, start=1)]
    return "Contents\n\n" + "\n".join(lines)


def report(title, kind, date, topic, n_pages, intro) -> list[str]:
    """Cover, contents, an introduction page, then topic filler."""
    pages = [cover(title, kind, date),
             contents("Introduction", "Background", "Key episodes",
                      "Analysis and findings", "Recommendations"),
             "1. Introduction\n\n" + intro]
    return pages + filler_pages(max(n_pages - len(pages), 0), topic)


def short(title, kind, date, topic, n_pages, intro) -> list[str]:
    """A short document: a cover page, then the introduction and filler."""
    pages = [cover(title, kind, date), intro]
    return pages + filler_pages(max(n_pages - len(pages), 0), topic)


# name -> (pages, extra metadata); every PDF gets a /Title, tags for screen readers and a language.
# Adult B's overview also names its author, as real files often do: the published copy does not.
DOCS: dict[str, tuple[str, list[str], dict]] = {}


def add(name, title, pages, **meta):
    DOCS[name] = (title, pages, meta)


# --- SAR Adult A (live) --------------------------------------------------
T = "Safeguarding Adults Review: Adult A"
add("sar-adult-a-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "March 2026", "self-neglect and hoarding", 34,
    "Adult A was a man in his seventies who lived alone in a terraced house "
    "on Marshwillow Row. Over several years his home became very cluttered "
    "and he found it harder to look after himself. Neighbours, his GP and "
    "the housing service were all worried, but he often declined help. This "
    "review looks at how services understood his wishes, how they assessed "
    "his mental capacity, and how they worked together when he said no."))
add("sar-adult-a-executive-summary.pdf", f"{T} - Executive summary", short(
    T, "Executive summary", "March 2026", "self-neglect", 6,
    "Summary\n\nAdult A lived with self-neglect and hoarding. Agencies "
    "offered help many times, yet nobody held the whole picture. The review "
    "makes five recommendations about shared risk meetings, fire safety "
    "visits and respectful, persistent engagement."))
add("sar-adult-a-7-minute-briefing.pdf", f"{T} - 7-minute briefing", short(
    T, "7-minute briefing", "March 2026", "hoarding", 2,
    "Seven minutes on self-neglect\n\n1. Background: an older man living "
    "alone with severe hoarding.\n2. Why it matters: self-neglect can be "
    "fatal and is often hidden.\n3. Information: the self-neglect protocol "
    "applies to all agencies.\n4. What we found: refusals were accepted "
    "without exploring why.\n5. What to do: keep trying, and record capacity "
    "decisions.\n6. Questions: who else knows this person?\n7. Further "
    "reading: the partnership self-neglect toolkit."))

# --- SAR Adult B (live) --------------------------------------------------
T = "Safeguarding Adults Review: Adult B"
add("sar-adult-b-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "September 2026", "financial abuse", 18,
    "Adult B was a woman with a learning disability who lost her savings to "
    "a person she believed was a friend. The review considers how banks, "
    "care staff and the council responded to signs of financial abuse, and "
    "how mental capacity assessments were used when decisions about money "
    "were made."),
    author="J. Smith (Social Worker)", creator="Microsoft Word")
add("sar-adult-b-executive-summary.pdf", f"{T} - Executive summary", short(
    T, "Executive summary", "September 2026", "mental capacity", 4,
    "Summary\n\nAdult B was financially exploited over eighteen months. "
    "Capacity was assumed rather than assessed for specific decisions about "
    "money. The review asks partners to act sooner on unexplained "
    "withdrawals and to involve advocates early."))

# --- SAR Adult C (expired) -----------------------------------------------
T = "Safeguarding Adults Review: Adult C"
add("sar-adult-c-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "June 2025", "hospital discharge", 14,
    "Adult C was a man who was discharged from hospital to a care home and "
    "died a few weeks later. The review looks at how information about his "
    "needs moved between the hospital, the care home and community teams."))

# --- CSPR Child D (live) -------------------------------------------------
T = "Child Safeguarding Practice Review: Child D"
add("cspr-child-d-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "January 2026", "neglect and school attendance",
    16, "Child D was a nine-year-old whose attendance at school fell over two "
    "years. Staff saw signs of neglect, such as hunger and unwashed clothes, "
    "but these were often treated as separate worries. The review looks at "
    "how attendance information and neglect concerns were brought together."))

# --- CSPR Child E (scheduled; distinctive word Kestrelbrook) -------------
T = "Child Safeguarding Practice Review: Child E (Kestrelbrook)"
add("cspr-child-e-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "January 2027", "adolescent exploitation", 12,
    "Child E was a teenager from the Kestrelbrook estate who was exploited "
    "by adults outside the family. This report is not yet published."))

# --- SCR Child F (expired) -----------------------------------------------
T = "Serious Case Review: Child F"
add("scr-child-f-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "February 2024", "safe sleeping and infant care",
    20, "Child F was a baby who died suddenly at home. The review considers "
    "the advice given to the parents about safe sleeping, and how health "
    "visitors and midwives shared what they knew."))

# --- DHR Ms G (live) -----------------------------------------------------
T = "Domestic Homicide Review: Ms G"
add("dhr-ms-g-overview.pdf", f"{T} - Overview report", report(
    T, "Overview report", "May 2026", "coercive control in later life", 28,
    "Ms G was a woman in her late seventies who was killed by her husband. "
    "Her family describe a warm, generous person who loved her garden. The "
    "review considers how domestic abuse and coercive control were missed "
    "because of assumptions about older couples and caring roles."))
add("dhr-ms-g-executive-summary.pdf", f"{T} - Executive summary", short(
    T, "Executive summary", "May 2026", "domestic abuse", 5,
    "Summary\n\nMs G had contact with her GP, a hospital and adult social "
    "care in the year before her death. Nobody asked her alone about abuse. "
    "The review makes recommendations about routine enquiry with older "
    "people and about carers' assessments."))
add("dhr-ms-g-action-plan.pdf", f"{T} - Action plan", [
    cover(T, "Action plan", "May 2026"),
    "Action plan\n\n"
    "1. GP practices to ask about domestic abuse with older patients seen "
    "alone. Lead: primary care. Due: December 2026.\n"
    "2. Carers' assessments to include questions about safety at home. "
    "Lead: adult social care. Due: September 2026.\n"
    "3. Domestic abuse training to include coercive control in later life. "
    "Lead: partnership training team. Due: March 2027.\n"
    "4. The partnership to audit progress and report to the board. "
    "Lead: business unit. Due: June 2027."])

# --- Thematic learning review (live until 2027-12-31) --------------------
T = "Thematic review: transitions to adulthood"
add("learning-review-transitions-to-adulthood.pdf", f"{T} - Report", report(
    T, "Thematic learning review", "July 2026", "transitions to adulthood",
    15, "This review looked at four young people who moved from children's "
    "services to adult services between the ages of seventeen and nineteen. "
    "It asks how planning can start earlier and how young people's own "
    "views can shape the support they get."))

# --- Professional curiosity briefing (live) ------------------------------
T = "7-minute briefing: professional curiosity"
add("7-minute-briefing-professional-curiosity.pdf", T, short(
    T, "7-minute briefing", "October 2026", "professional curiosity", 2,
    "Professional curiosity means looking, listening, asking direct "
    "questions and checking what you are told. It means thinking about "
    "what you have not seen as well as what you have."))

# --- Draft SAR Adult H (distinctive word Quillmere) ----------------------
T = "Safeguarding Adults Review: Adult H (Quillmere)"
add("sar-adult-h-overview.pdf", f"{T} - Draft overview report", report(
    T, "Draft overview report", "Draft", "care home quality", 10,
    "DRAFT. Adult H lived at Quillmere House, a residential care home. This "
    "draft is for panel members only and must not be published."))


DOCX_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
        '/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
        ' Target="word/document.xml"/></Relationships>'),
}
REFERRAL_FORM = [
    "Northshire Safeguarding Partnership",
    "Referral for a Safeguarding Adults Review",
    "1. Your name, role and organisation:",
    "2. The adult's name, date of birth and address:",
    "3. Has the adult died, or experienced serious harm? Please describe:",
    "4. Why do you think agencies could have worked together more effectively?",
    "5. Which agencies were involved?",
    "6. Has the adult or their family been told about this referral?",
    "Send the completed form to learning@northshire.example.",
]


def make_docx(path: Path, paragraphs: list[str]) -> None:
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r>"
                   "</w:p>" for p in paragraphs)
    files = dict(DOCX_FILES)
    files["word/document.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))


def make_word_original(path: Path) -> None:
    """The Word original of SAR Adult A's executive summary, published as a web page beside its PDF:
    headings, a list, a table with a header row, a link and a picture with alt text. Made with
    python-docx (in the test extra), then zipped again with fixed times so that it is the same bytes
    every time."""
    import io

    import docx
    from docx.shared import Inches

    from docxmaker import W_NS, png_bytes

    document = docx.Document()
    core = document.core_properties
    core.author = core.last_modified_by = ""
    core.title = "Safeguarding Adults Review: Adult A. Executive summary"
    document.add_heading("Why we did this review", level=1)
    document.add_paragraph(
        "Adult A was an older man who lived alone. His home became very cluttered over several years, and he "
        "died after a fall. The partnership asked how services could have worked together better with a person "
        "who neglected himself but did not want help.")
    document.add_heading("What we found", level=1)
    document.add_heading("No shared plan", level=2)
    found = document.add_paragraph("Each agency saw part of the risk, but ")
    found.add_run("nobody had the whole picture").bold = True
    found.add_run(". A multi-agency risk meeting was never held.")
    document.add_heading("Saying no to help", level=2)
    document.add_paragraph("When Adult A said no to help, this was often accepted without exploring why.")
    document.add_paragraph("Respectful, persistent contact from a trusted worker made the most difference.", style="List Bullet")
    document.add_paragraph("Mental capacity was assumed, not assessed, when decisions were complex.", style="List Bullet")
    table = document.add_table(rows=4, cols=2)
    for row, (agency, contacts) in zip(table.rows, [("Agency", "Contacts in the last year"), ("Adult social care", "9"),
                                                     ("Fire and rescue", "3"), ("GP practice", "14")]):
        row.cells[0].text, row.cells[1].text = agency, contacts
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(header.makeelement(f"{{{W_NS}}}tblHeader", {}))
    document.add_paragraph().add_run().add_picture(io.BytesIO(png_bytes(40, 12, (29, 112, 184))), width=Inches(2))
    document.add_heading("What we recommend", level=1)
    document.add_paragraph("Hold a multi-agency risk meeting for every case of serious self-neglect.", style="List Number")
    document.add_paragraph("Train staff in professional curiosity and mental capacity.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as made:
        files = {name: made.read(name) for name in made.namelist()}
    body = files["word/document.xml"].decode("utf-8")
    files["word/document.xml"] = body.replace("<wp:docPr ", '<wp:docPr descr="Bar chart: GP practice 14 contacts, '
                                              'adult social care 9, fire and rescue 3" ', 1).encode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def main() -> None:
    REPORTS.mkdir(exist_ok=True)
    for name, (title, pages, meta) in DOCS.items():
        make_pdf(REPORTS / name, pages, title=title, tagged=True, lang="en-GB", **meta)
        print(f"reports/{name}: {len(pages)} pages")
    make_docx(REPORTS / "sar-referral-form.docx", REFERRAL_FORM)
    print("reports/sar-referral-form.docx")
    make_word_original(REPORTS / "sar-adult-a-executive-summary.docx")
    print("reports/sar-adult-a-executive-summary.docx")


if __name__ == "__main__":
    main()

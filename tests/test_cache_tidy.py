"""The cache grows with reports/, not with every version of every PDF ever built, and the
output a build replaces is kept once, not once for each output folder or preview."""

import os

from conftest import read_output
from sitegen.documents.record import sha256_of


def cached(site) -> set[str]:
    """The content hashes the document cache holds anything for."""
    folder = site.root / ".sitegen-cache" / "documents"
    return {name[:64] for name in os.listdir(folder)} if folder.is_dir() else set()  # each file's name starts with one


def two_reports(site):
    site.pdf("a.pdf", ["Report A", "Findings A"])
    site.pdf("b.pdf", ["Report B", "Findings B"])
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview"}])
    site.entry("adult-b", published="2026-02-01", documents=[{"file": "reports/b.pdf", "title": "Overview"}])
    return sha256_of(site.root / "reports" / "a.pdf"), sha256_of(site.root / "reports" / "b.pdf")


def test_a_report_removed_from_reports_is_forgotten(site):
    a, b = two_reports(site)
    site.build("2026-11-22")
    assert cached(site) == {a, b}
    (site.root / "reports" / "b.pdf").unlink()
    (site.root / "content" / "adult-b.md").unlink()
    site.build("2026-11-22")
    assert cached(site) == {a}
    assert str(site.root / "reports" / "b.pdf") not in (site.root / ".sitegen-cache" / "hashes.json").read_text()
    index = (site.root / ".sitegen-cache" / "documents.json").read_text()
    assert a in index and b not in index


def test_the_old_version_of_a_replaced_pdf_is_forgotten(site):
    a, b = two_reports(site)
    _, out = site.build("2026-11-22")
    [published] = out.glob("sar/adult-b/*.pdf")
    before = published.read_bytes()
    site.pdf("b.pdf", ["Report B, corrected", "Findings B"])
    new_b = sha256_of(site.root / "reports" / "b.pdf")
    site.build("2026-11-22")
    assert cached(site) == {a, new_b}
    assert published.read_bytes() != before, "the corrected version is published"


def test_a_report_that_came_down_but_is_still_in_reports_stays_cached(site):
    a, b = two_reports(site)
    site.build("2026-11-22")
    site.build("2027-01-15")  # adult-a's year is over; its PDF is still in reports/
    assert cached(site) == {a, b}


def test_the_output_is_the_same_with_a_tidied_cache(site, tmp_path):
    two_reports(site)
    site.build("2026-11-22")
    (site.root / "reports" / "b.pdf").unlink()
    (site.root / "content" / "adult-b.md").unlink()
    site.build("2026-11-22")
    site.build("2026-11-22", tmp_path / "uncached", use_cache=False)
    assert read_output(site.root / "build") == read_output(tmp_path / "uncached")


def test_a_preview_does_not_tidy_the_cache(site, tmp_path):
    a, b = two_reports(site)
    site.build("2026-11-22")
    (site.root / "reports" / "b.pdf").unlink()
    site.build("2026-11-22", tmp_path / "preview", banner="Preview")
    assert cached(site) == {a, b}


def test_one_previous_output_is_kept_whatever_the_output_folders(site, tmp_path):
    two_reports(site)
    previous_outputs = site.root / ".sitegen-cache" / "previous-output"
    (previous_outputs / "0123456789abcdef" / "sar").mkdir(parents=True)  # left by earlier versions of sitegen
    (previous_outputs / "site.written-0123456789abcdef").write_bytes(b"a record of what an output held")
    for name in ("one", "two", "three"):  # as serve's previews, each in a folder of its own
        site.build("2026-11-22", tmp_path / name)
        site.build("2026-11-22", tmp_path / name)
    assert os.listdir(previous_outputs) == ["site"]
    assert read_output(tmp_path / "one") == read_output(tmp_path / "three")


def test_what_a_preview_adds_while_a_build_runs_is_left_for_the_next_build(site):
    """`sitegen serve` may read a report added to reports/ after a running build looked: that
    build's tidying leaves the preview's new files alone (the next build decides)."""
    from sitegen.documents.inspection import DocumentCache

    a, b = two_reports(site)
    site.build("2026-11-22")
    folder = site.root / ".sitegen-cache"
    running = DocumentCache(folder)  # a build begins, then (below) a preview adds a report
    site.pdf("c.pdf", ["Report C", "Findings C"])
    preview = DocumentCache(folder)
    c = preview.hashes.of(site.root / "reports" / "c.pdf")
    preview.texts.put(c, "text of c")
    later = running.opened_ns + 1_000_000_000
    for path in (folder / "documents").glob(f"{c}*"):
        os.utime(path, ns=(later, later))  # written after the build began, whatever the clock's grain
    (site.root / "reports" / "b.pdf").unlink()  # and b's files were the build's own to forget
    running.prune()
    assert cached(site) == {a, c}


def test_a_copy_with_a_title_no_longer_used_is_forgotten(site):
    """A PDF's published copy has its entry's title for it: when that title changes, the copy with the
    old one goes at the next whole build (and the copy with the new one stays)."""
    from sitegen.documents.cache import copy_suffix

    a, _ = two_reports(site)
    site.build("2026-11-22")
    folder = site.root / ".sitegen-cache" / "documents"
    assert (folder / f"{a}{copy_suffix('Overview')}").is_file()
    site.entry("adult-a", published="2026-01-01", documents=[{"file": "reports/a.pdf", "title": "Overview report"}])
    site.build("2026-11-22")
    copies = sorted(path.name for path in folder.glob(f"{a}*.pdf"))
    assert copies == [f"{a}{copy_suffix('Overview report')}"]

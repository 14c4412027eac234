"""What search engines see: every page describes itself (`<meta name="description">`), and the
logo says its size so that nothing moves as it loads."""

import html
import re
import struct
import zlib
from pathlib import Path

import pytest

from sitegen.content.pictures import picture_size

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def description(page: str) -> str:
    [found] = DESCRIPTION.findall(page)
    return html.unescape(found)


def read(output: Path, path: str) -> str:
    return (output / path).read_text()


def test_every_page_has_one_description_that_is_not_empty(sample_build):
    pages = sorted(sample_build.output.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert description(page.read_text()).strip(), page


def test_each_kind_of_page_describes_itself(sample_build):
    out = sample_build.output
    adult_a = read(out, "sar/sar-adult-a/index.html")
    assert description(adult_a).startswith("Adult A was an older man who lived alone")  # its summary
    assert description(read(out, "sar/index.html")).startswith("A Safeguarding Adults Review looks at how agencies")
    assert description(read(out, "index.html")) == (
        "The reviews and 7-minute briefings that Northshire Safeguarding Partnership publishes, and what they teach "
        "about keeping children and adults safe.")
    assert description(read(out, "themes/self-neglect/index.html")) == "Reviews and briefings on this site about self-neglect, newest first."


def test_a_site_can_describe_itself(site, tmp_path):
    site.write_settings(description="Northshire's reviews & briefings.")
    site.entry("adult-a", published="2026-01-01")
    site.raw("content/contact.md", "---\ntitle: Contact us\ntype: page\n---\nWrite to us.\n")
    result, out = site.build("2026-03-01", tmp_path / "out")
    assert description(read(out, "index.html")) == "Northshire's reviews & briefings."
    assert description(read(out, "contact/index.html")) == "Northshire's reviews & briefings."  # a page without a summary


def test_the_logo_says_its_size(sample_build):
    assert '<img src="/assets/northshire-logo.svg" alt="" class="logo" width="64" height="64">' in read(sample_build.output, "index.html")


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * (3 * width + 1) * height)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("name, data, size", [
    ("logo.png", png(120, 40), (120, 40)),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"></svg>', (200, 50)),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30" viewBox="0 0 9 3"></svg>', (90, 30)),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', None),
    ("logo.png", b"not a picture", None),
])
def test_picture_sizes(tmp_path, name, data, size):
    path = tmp_path / name
    path.write_bytes(data)
    assert picture_size(path) == size


def test_a_logo_of_unknown_size_is_shown_without_one(site, tmp_path):
    (site.root / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>')
    site.write_settings(logo="logo.svg")
    result, out = site.build("2026-03-01", tmp_path / "out")
    assert '<img src="/assets/logo.svg" alt="" class="logo"><span>' in read(out, "index.html")

"""The feed and the sitemap, written as text, are byte for byte what ElementTree wrote before."""

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from hypothesis import given, settings, strategies as st

from sitegen import outputs
from sitegen.config import DEFAULT_TYPES, SiteConfig
from sitegen.entries import Entry
from sitegen.pieces import Pieces
from sitegen.site import Placed, Site
from sitegen.visibility import State

ATOM, SITEMAP = outputs.ATOM, outputs.SITEMAP


def feed_with_elementtree(site: Site) -> bytes:
    """How sitegen wrote the feed until it was written as text (kept here to compare with)."""
    ET.register_namespace("", ATOM)
    config = site.config
    root = ET.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", config.language)
    ET.SubElement(root, f"{{{ATOM}}}title").text = f"{config.name}: Learning from Practice"
    ET.SubElement(root, f"{{{ATOM}}}id").text = config.url("/")
    ET.SubElement(root, f"{{{ATOM}}}link", href=config.url("/"))
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=config.url("/feed.xml"))
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = config.name
    live = site.live_reviews
    newest = max((p.entry.published for p in live), default=site.as_of)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = outputs._timestamp(newest, config.timezone)
    for placed in live:
        entry = placed.entry
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(item, f"{{{ATOM}}}id").text = config.url(entry.url)
        ET.SubElement(item, f"{{{ATOM}}}link", href=config.url(entry.url))
        stamp = outputs._timestamp(entry.published, config.timezone)
        ET.SubElement(item, f"{{{ATOM}}}published").text = stamp
        ET.SubElement(item, f"{{{ATOM}}}updated").text = stamp
        rtype = site.type_of(entry)
        if rtype:
            ET.SubElement(item, f"{{{ATOM}}}category", term=rtype.key, label=rtype.singular)
        if entry.summary:
            ET.SubElement(item, f"{{{ATOM}}}summary").text = entry.summary
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap_with_elementtree(site: Site, page_paths: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    published = {p.entry.url: p.entry.published for p in site.live_reviews}
    for path in sorted(page_paths):
        item = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(item, f"{{{SITEMAP}}}loc").text = site.config.url(path)
        if published.get(path):
            ET.SubElement(item, f"{{{SITEMAP}}}lastmod").text = published[path].isoformat()
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# Text with what XML escapes, white space, other scripts and a lone surrogate.
awkward = st.text(st.sampled_from(list("aZ09 &<>\"'\r\n\t;é—🙂\ud800")), max_size=12)
entries = st.builds(
    lambda n, title, summary, day, type, state: Placed(
        Entry(f"content/e{n}.md", f"e{n}", type, title, published=date(2026, 1, day), summary=summary), state),
    n=st.integers(0, 20), title=awkward, summary=st.none() | awkward, day=st.integers(1, 28),
    type=st.sampled_from(["sar", "briefing", "unknown-type"]), state=st.sampled_from([State.LIVE, State.LIVE, State.EXPIRED]))


def make_site(name: str, language: str, placed: list[Placed]) -> Site:
    config = SiteConfig(root=Path("."), name=name, base_url="https://learning.testshire.example", types=DEFAULT_TYPES,
                        language=language)
    unique = {p.entry.source: p for p in placed}
    return Site(config, date(2026, 11, 22), tuple(unique.values()))


@settings(max_examples=300, deadline=None)
@given(name=awkward, language=awkward, placed=st.lists(entries, max_size=6))
def test_the_feed_is_what_elementtree_wrote(name, language, placed):
    site = make_site(name, language, placed)
    expected = feed_with_elementtree(site)
    assert outputs.feed(site).data == expected
    pieces = Pieces()
    assert outputs.feed(site, pieces).data == expected
    assert outputs.feed(site, pieces).data == expected  # with the items kept


@settings(max_examples=300, deadline=None)
@given(placed=st.lists(entries, max_size=6), paths=st.lists(st.builds(lambda text: f"/{text}/", awkward), max_size=6),
       with_entries=st.booleans())
def test_the_sitemap_is_what_elementtree_wrote(placed, paths, with_entries):
    site = make_site("Testshire", "en-GB", placed)
    if with_entries:
        paths = paths + [p.entry.url for p in placed]
    expected = sitemap_with_elementtree(site, paths)
    assert outputs.sitemap(site, paths).data == expected
    pieces = Pieces()
    assert outputs.sitemap(site, paths, pieces).data == expected
    assert outputs.sitemap(site, paths, pieces).data == expected

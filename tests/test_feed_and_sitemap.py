"""The Atom feed and the sitemap, read back with a real XML parser (expat, through ElementTree):
well-formed whatever the titles and settings hold, with the elements their standards require
(RFC 4287 for Atom, sitemaps.org 0.9), and the same bytes however they are made."""

import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

from hypothesis import given, settings, strategies as st

from sitegen.output import outputs
from sitegen.content.config import DEFAULT_TYPES, SiteConfig
from sitegen.content.entries import Entry
from sitegen.rendering.entry_fragments import EntryFragments
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import State

ATOM, SITEMAP = outputs.ATOM, outputs.SITEMAP
A, S = f"{{{ATOM}}}", f"{{{SITEMAP}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Text with what XML escapes, white space, other scripts, and what XML cannot hold at all
# (a control character, a lone surrogate).
awkward = st.text(st.sampled_from(list("aZ09 &<>\"'\r\n\t;é—🙂\ud800\x01")), max_size=12)
entries = st.builds(
    lambda n, title, summary, day, type, state: EntryOnDay(
        Entry(f"content/e{n}.md", f"e{n}", type, title, published=date(2026, 1, day), summary=summary), state),
    n=st.integers(0, 20), title=awkward, summary=st.none() | awkward, day=st.integers(1, 28),
    type=st.sampled_from(["sar", "briefing", "unknown-type"]), state=st.sampled_from([State.LIVE, State.LIVE, State.EXPIRED]))


def make_site(name: str, language: str, entries: list[EntryOnDay]) -> Site:
    config = SiteConfig(root=Path("."), name=name, base_url="https://learning.testshire.example", types=DEFAULT_TYPES,
                        language=language)
    unique = {p.entry.source: p for p in entries}
    return Site(config, date(2026, 11, 22), tuple(unique.values()))


def as_parsed(text: str) -> str:
    """What a parser gives back for element text written from `text`: what XML cannot hold is
    U+FFFD, and line ends are newlines (XML's end-of-line handling)."""
    return outputs._xml_text(text).replace("\r\n", "\n").replace("\r", "\n")


def one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(tag)
    assert len(found) == 1, f"{len(found)} of {tag} in {parent.tag}"
    return found[0]


def moment(text: str) -> datetime:
    """An RFC 3339 date-time, with its offset."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None and "T" in text, text
    return value


def check_feed(data: bytes, site: Site) -> None:
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n") and data.endswith(b"</feed>\n")
    root = ET.fromstring(data)
    config = site.config
    assert root.tag == A + "feed" and root.get(XML_LANG) == outputs._xml_text(config.language)
    # atom:feed must hold exactly one id, title and updated, an author (its entries have none),
    # and a self link; a link to the site itself.
    assert one(root, A + "id").text == config.url("/")
    assert one(root, A + "title").text == as_parsed(f"{config.name}: Learning from Practice")
    moment(one(root, A + "updated").text)
    assert (one(one(root, A + "author"), A + "name").text or "") == as_parsed(config.name)
    links = {(link.get("rel"), link.get("href")) for link in root.findall(A + "link")}
    assert links == {(None, config.url("/")), ("self", config.url("/feed.xml"))}
    items = root.findall(A + "entry")
    live = site.live_reviews
    assert [one(item, A + "id").text for item in items] == [config.url(p.entry.url) for p in live]
    for item, entry_on_day in zip(items, live):
        entry = entry_on_day.entry
        # atom:entry must hold exactly one id, title and updated, and (with no content) an alternate link
        assert (one(item, A + "title").text or "") == as_parsed(entry.title)
        assert one(item, A + "link").get("href") == config.url(entry.url)
        assert moment(one(item, A + "updated").text) == moment(one(item, A + "published").text)
        assert moment(one(item, A + "published").text).date() == entry.published
        summaries = item.findall(A + "summary")
        assert [s.text for s in summaries] == ([as_parsed(entry.summary)] if entry.summary else [])
        rtype = site.type_of(entry)
        categories = [(c.get("term"), c.get("label")) for c in item.findall(A + "category")]
        assert categories == ([(rtype.key, rtype.singular)] if rtype else [])


def check_sitemap(data: bytes, site: Site, paths: list[str]) -> None:
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n") and data.endswith(b"\n")
    root = ET.fromstring(data)
    assert root.tag == S + "urlset"
    published = {p.entry.url: p.entry.published for p in site.live_reviews}
    urls = root.findall(S + "url")
    assert len(root) == len(urls)  # nothing else in a urlset
    assert [one(url, S + "loc").text for url in urls] == [as_parsed(site.config.url(p)) for p in sorted(paths)]
    for url, path in zip(urls, sorted(paths)):
        loc = one(url, S + "loc").text
        assert loc.startswith("https://learning.testshire.example/")  # absolute, on the site
        lastmod = [m.text for m in url.findall(S + "lastmod")]
        assert lastmod == ([published[path].isoformat()] if published.get(path) else [])
        for text in lastmod:
            date.fromisoformat(text)  # a W3C date


@settings(max_examples=300, deadline=None)
@given(name=awkward, language=awkward, entries=st.lists(entries, max_size=6))
def test_the_feed_parses_and_holds_what_atom_requires(name, language, entries):
    site = make_site(name, language, entries)
    written = outputs.feed(site).data
    check_feed(written, site)
    assert outputs.feed(site).data == written  # the same bytes every time
    fragments = EntryFragments()
    assert outputs.feed(site, fragments).data == written  # a preview's, made entry by entry
    assert outputs.feed(site, fragments).data == written  # with the entries kept


@settings(max_examples=300, deadline=None)
@given(entries=st.lists(entries, max_size=6), paths=st.lists(st.builds(lambda text: f"/{text}/", awkward), max_size=6),
       with_entries=st.booleans())
def test_the_sitemap_parses_and_holds_what_the_protocol_requires(entries, paths, with_entries):
    site = make_site("Testshire", "en-GB", entries)
    if with_entries:
        paths = paths + [p.entry.url for p in entries]
    written = outputs.sitemap(site, paths).data
    check_sitemap(written, site, paths)
    fragments = EntryFragments()
    assert outputs.sitemap(site, paths, fragments).data == written
    assert outputs.sitemap(site, paths, fragments).data == written


# Trees as the feed and the sitemap have them: a root with children of its own, then items.
leaf = st.builds(lambda tag, text, attribute: (tag, text, attribute),
                 st.sampled_from(["title", "id", "loc", "summary"]), st.none() | st.text(max_size=5),
                 st.none() | st.text(max_size=5))


def tree(children, items):
    """(the document written whole by ElementTree, the root without its items, the items)."""
    def element(name, kids):
        node = ET.Element(name)
        for tag, text, attribute in kids:
            child = ET.SubElement(node, tag, {"href": outputs._xml_text(attribute)} if attribute is not None else {})
            child.text = outputs._xml_text(text) if text is not None else None
        return node

    whole = element("root", children)
    whole.extend(element("item", kids) for kids in items)
    ET.indent(whole)
    return (ET.tostring(whole, encoding="utf-8", xml_declaration=True) + b"\n", element("root", children),
            [element("item", kids) for kids in items])


@settings(max_examples=200, deadline=None)
@given(children=st.lists(leaf, max_size=3), items=st.lists(st.lists(leaf, min_size=1, max_size=3), max_size=4))
def test_items_written_one_by_one_make_the_document_written_whole(children, items):
    whole, root, elements = tree(children, items)
    assert outputs._document(root, [outputs._item(e) for e in elements]) == whole


def test_the_feed_and_sitemap_of_a_real_build_parse(site):
    site.entry("adult-a", published="2026-03-14", title="Adult A & the <services>", summary="Said \"no\" — twice.")
    site.entry("adult-b", published="2027-01-01", title="Not yet")
    result, out = site.build("2026-11-22")
    assert not result.failed
    feed = ET.parse(out / "feed.xml").getroot()
    assert [e.findtext(A + "title") for e in feed.findall(A + "entry")] == ["Adult A & the <services>"]
    urlset = ET.parse(out / "sitemap.xml").getroot()
    locs = [u.findtext(S + "loc") for u in urlset.findall(S + "url")]
    assert "https://learning.testshire.example/sar/adult-a/" in locs
    assert not any("adult-b" in loc for loc in locs)

"""Addresses: one slug rule for sitegen.yaml, front matter and `sitegen new`, one rule for the
file a page's address is written to, and one owner of every address (`sitegen.rules.addresses`)
that the entries, the renderer and the preview all ask."""

import re
from datetime import date

import pytest
from hypothesis import given, strategies as st

from sitegen.rules.addresses import (ACCESSIBILITY, HOME, INDEX, NOT_FOUND, SEARCH, THEMES, document_address,
                                     entry_address, is_document_name, is_slug, listing_address, output_file,
                                     page_address, picture_address, rendition_address, slugify, theme_address)
from sitegen.content.config import load_config
from sitegen.content.entries import read_entries

# Text that is close to a slug as often as not: letters of many scripts and cases, digits of
# other scripts, hyphens (doubled too), spaces, dots and slashes.
ALPHABET = "abcz0189-- AZé߀ßİı٣Ⅻ_./"
near_slugs = st.text(alphabet=ALPHABET, max_size=16) | st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)


@given(near_slugs | st.text(max_size=16))
def test_the_rule_accepts_exactly_what_slugify_leaves_as_it_is(text):
    assert is_slug(text) == (slugify(text) == text)


@given(st.text(max_size=40))
def test_slugify_always_makes_a_slug(text):
    assert is_slug(slugify(text))


@given(near_slugs.filter(is_slug), st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True))
def test_every_slug_round_trips_into_a_plain_address(slug, type_key):
    address = f"/{type_key}/{slug}/"
    file = output_file(address)
    assert file == f"{type_key}/{slug}/index.html"
    assert all(part not in ("", ".", "..") for part in file.split("/"))
    assert file.isascii() and file == file.lower()
    assert page_address(file) == address


def test_output_files_of_the_site_s_own_addresses():
    assert output_file("/") == "index.html"
    assert output_file("/how-to-refer/") == "how-to-refer/index.html"
    assert output_file("/404.html") == "404.html"
    assert page_address("index.html") == "/"
    assert page_address("404.html") is None
    assert page_address("sar/adult-a/a.pdf") is None


def settings_with_type(tmp_path, key):
    tmp_path = tmp_path / "settings"
    tmp_path.mkdir()
    (tmp_path / "sitegen.yaml").write_text(f'name: N\nbase_url: https://x.example\ntypes:\n  "{key}":\n    window: 1 year\n')
    return load_config(tmp_path)


@pytest.mark.parametrize("key", ["café", "a--b", "٣", "-sar", "sar-", "learning_review"])
def test_sitegen_yaml_and_front_matter_refuse_the_same_slugs(tmp_path, site, key):
    loaded = settings_with_type(tmp_path, key)
    [problem] = [p for p in loaded.problems if p.is_error]
    assert key not in loaded.config.types
    assert f'"{key}" cannot be used in a web address.' in problem.message
    assert f"for example {slugify(key)}" in problem.advice

    site.raw("content/adult-a.md", f"---\ntitle: A\ntype: sar\nslug: \"{key}\"\n---\nBody\n")
    [entry] = read_entries(load_config(site.root).config)
    [said] = [p for p in entry.problems if p.field == "slug"]
    assert said.message == f'slug: "{key}" cannot be used in a web address.'
    assert said.advice == problem.advice


def test_a_slug_sitegen_yaml_accepts_is_a_type_entries_can_have(tmp_path):
    loaded = settings_with_type(tmp_path, "mash-audit-2")
    assert [p for p in loaded.problems if p.is_error] == []
    assert "mash-audit-2" in loaded.config.types


# --- the one owner of addresses ------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)
document_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._()',&+-]{0,30}\.(pdf|docx|PDF)", fullmatch=True).filter(is_document_name)
picture_names = st.from_regex(r"picture-[1-9][0-9]{0,3}\.(png|jpeg)", fullmatch=True)


def folder_of(address: str) -> str:
    """The output folder a page's address owns: /sar/adult-a/ -> sar/adult-a/."""
    return output_file(address)[: -len(INDEX)]


@given(slugs, slugs, st.booleans())
def test_every_page_address_the_owner_makes_round_trips_through_its_file(type_key, slug, is_page):
    for address in (entry_address(type_key, slug, is_page), listing_address(type_key), theme_address(slug),
                    HOME, THEMES, SEARCH, ACCESSIBILITY):
        assert address.startswith("/") and address.endswith("/")
        assert page_address(output_file(address)) == address
    assert page_address(output_file(NOT_FOUND)) is None and output_file(NOT_FOUND) == "404.html"


@given(slugs, slugs, st.booleans(), document_names, picture_names)
def test_documents_web_pages_and_pictures_are_written_inside_their_entry_s_folder(type_key, slug, is_page, name, picture):
    entry = entry_address(type_key, slug, is_page)
    download = document_address(entry, name)
    assert output_file(download) == download[1:] and output_file(download).startswith(folder_of(entry))
    word_name = name.rsplit(".", 1)[0] + ".docx"
    web_page = rendition_address(entry, word_name)
    assert page_address(output_file(web_page)) == web_page
    assert folder_of(web_page).startswith(folder_of(entry)) and folder_of(web_page) != folder_of(entry)
    shown = picture_address(web_page, picture)
    assert output_file(shown) == folder_of(web_page) + picture and page_address(output_file(shown)) is None


@given(slugs, slugs, st.booleans())
def test_entries_and_sitegen_new_ask_the_owner_for_their_address(type_key, slug, is_page):
    from sitegen.commands.newentry import NewEntry
    from sitegen.content.config import PAGE_TYPE, ReviewType
    from sitegen.content.entries import Entry

    entry = Entry(source="content/x.md", slug=slug, type=PAGE_TYPE if is_page else type_key, title="T")
    assert entry.url == entry_address(type_key, slug, is_page)
    unusable = Entry(source="content/x.md", slug=slug, type=None, title="T", meant_type=PAGE_TYPE if is_page else type_key)
    assert unusable.preview_error_url == entry.url
    rtype = ReviewType(key=type_key, label="Reviews", singular="Review", short="R", description="A review.")
    new = NewEntry(config=None, rtype=rtype, report="reports/x.pdf", document_title="X", title="X",
                   published=date(2026, 3, 14), slug=slug)
    assert new.url == entry_address(type_key, slug, is_page=False)


def owner_addresses(site) -> set[str]:
    """Every page address a site for a day should have, worked out from the owner's functions and
    the site's entries' own fields (their type, slug, documents, themes), never from their `url`."""
    from sitegen.content.config import PAGE_TYPE

    found = {HOME, THEMES, SEARCH, ACCESSIBILITY, NOT_FOUND} | {listing_address(t.key) for t in site.types}
    for entry_on_day in [*site.live_reviews, *site.pages, *site.notices]:
        entry = entry_on_day.entry
        found.add(entry_address(entry.type, entry.slug, entry.type == PAGE_TYPE))
    for entry_on_day in [*site.live_reviews, *site.pages]:
        entry = entry_on_day.entry
        address = entry_address(entry.type, entry.slug, entry.type == PAGE_TYPE)
        found |= {rendition_address(address, d.ref.word_name) for d in entry_on_day.downloads if d.rendition is not None}
    found |= {theme_address(slugify(name)) for p in site.live_reviews for name in p.entry.themes}
    return found


def test_every_page_the_renderer_makes_has_the_address_the_owner_gives_it(sample_build):
    from sitegen.rendering.render import Renderer

    site = sample_build.result.site
    jobs = Renderer(site).page_jobs(select=lambda address: False)
    assert any(d.rendition is not None for p in site.live_reviews for d in p.downloads)  # a Word original's web page is among them
    assert set(jobs) == owner_addresses(site)
    written = {path.relative_to(sample_build.output).as_posix() for path in sample_build.output.rglob("*") if path.is_file()}
    assert {output_file(address) for address in jobs} <= written


def test_every_page_that_links_to_an_entry_is_one_a_preview_makes_again_when_it_changes(sample_build):
    """`render.pages_showing` is what the preview renders again after an edit of an entry: every
    page of the built sample site with a link to a review's page (or its notice) must be in it."""
    from sitegen.rendering.render import pages_showing

    site = sample_build.result.site
    prefix = site.config.prefix
    pages = {page_address(path.relative_to(sample_build.output).as_posix()): path.read_text(encoding="utf-8")
             for path in sample_build.output.rglob(INDEX)}
    for entry_on_day in [*site.live_reviews, *site.notices]:
        link = re.compile(r'href="(' + re.escape(site.config.base_url) + ")?" + re.escape(prefix + entry_on_day.entry.url) + '(#[^"]*)?"')
        linking = {address for address, html in pages.items() if link.search(html)}
        assert linking or entry_on_day in site.notices, entry_on_day.entry.source  # a live review is linked to
        assert linking <= pages_showing(site, entry_on_day), entry_on_day.entry.source

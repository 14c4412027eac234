"""Addresses: one slug rule for sitegen.yaml, front matter and `sitegen new`, and one rule for the
file a page's address is written to."""

import pytest
from hypothesis import given, strategies as st

from sitegen.rules.addresses import is_slug, output_file, page_address, slugify
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

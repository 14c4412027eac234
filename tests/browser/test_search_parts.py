"""A large site's search index comes in parts (see sitegen.search.index.plan); in the browser
they are searched as one. The sample site is built with every entry in a part of its own."""

from __future__ import annotations

import json

import pytest

from browser.siteserver import serve
from conftest import ROOT, SAMPLE_DAY


@pytest.fixture(scope="module")
def parts_server(tmp_path_factory):
    from sitegen.search import index as search
    from sitegen.build import build

    output = tmp_path_factory.mktemp("parts") / "build"
    weight, split_above = search.PART_WEIGHT, search.SPLIT_ABOVE
    search.PART_WEIGHT = search.SPLIT_ABOVE = 1
    try:
        result = build(ROOT, SAMPLE_DAY, output, use_cache=False)
    finally:
        search.PART_WEIGHT, search.SPLIT_ABOVE = weight, split_above
    assert not result.failed and [p for p in result.problems if p.file == "pagefind"] == []
    assert len(json.loads((output / "pagefind" / "parts.json").read_text())) > 5
    with serve(output) as address:
        yield address


@pytest.fixture
def parts_page(browser, parts_server):
    context = browser.new_context(base_url=parts_server)
    context.requests = []
    context.on("request", lambda request: context.requests.append(request.url))
    page = context.new_page()
    page.complaints = []
    page.on("console", lambda message: page.complaints.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: page.complaints.append(str(error)))
    yield page
    context.close()


def test_a_word_inside_a_report_is_found_in_its_part(parts_page):
    page = parts_page
    page.goto("/search/")
    page.fill("#search-q", "Marshwillow")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    links = page.locator("#search-results a")
    assert links.count() == 1 and links.first.get_attribute("href") == "/sar/sar-adult-a/"
    assert "Overview report" in page.locator("#search-results").inner_text()
    assert any("/pagefind/part-" in url for url in page.context.requests), "the parts were searched"
    assert page.complaints == []


def test_results_and_filters_come_from_every_part(parts_page):
    from playwright.sync_api import expect

    page = parts_page
    page.goto("/search/?q=hoarding")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results a").count() >= 2  # from different entries, so from different parts
    page.wait_for_selector("#search-filter-type")  # the filters come after the first results
    types = page.locator("#search-filter-type option").all_inner_texts()
    assert "7-minute briefing" in types and "Safeguarding Adults Review" in types
    page.select_option("#search-filter-type", "7-minute briefing")
    expect(page.locator("#search-results li")).to_have_count(1)
    assert page.locator("#search-results a").first.get_attribute("href") == "/briefing/7-minute-briefing-adult-a/"
    assert page.complaints == []


def test_a_filter_in_the_address_is_applied_to_the_first_search(parts_page):
    """A shared link with a filter: the filters are fetched before that search (not after, as for a
    search without one), and the filter is chosen and kept in the address."""
    page = parts_page
    page.goto("/search/?q=hoarding&type=7-minute+briefing")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li").count() == 1
    assert page.locator("#search-results a").first.get_attribute("href") == "/briefing/7-minute-briefing-adult-a/"
    assert page.locator("#search-filter-type").input_value() == "7-minute briefing"
    assert "type=7-minute+briefing" in page.url
    assert page.complaints == []


def test_only_the_results_shown_are_fetched_and_more_come_on_request(browser, tmp_path):
    """A word found on 30 pages: the first search fetches the fragments of the ten results it shows,
    not one for every match, and "Show more results" adds the next ten."""
    from playwright.sync_api import expect

    from conftest import SiteMaker

    site = SiteMaker(tmp_path / "site")
    for number in range(30):
        site.entry(f"review-{number}", published="2026-03-14", body=f"Commonword in review {number}.")
    result, output = site.build(SAMPLE_DAY, output=tmp_path / "out", use_cache=False)
    assert not result.failed
    with serve(output) as address:
        context = browser.new_context(base_url=address)
        fragments = []
        context.on("request", lambda request: fragments.append(request.url) if request.url.endswith(".pf_fragment") else None)
        page = context.new_page()
        page.goto("/search/")
        page.fill("#search-q", "commonword")
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-results li")
        assert page.locator("#search-results li").count() == 10 and len(fragments) == 10
        assert "The first 10 pages found" in page.locator("#search-status").inner_text()
        page.get_by_role("button", name="Show more results").click()
        expect(page.locator("#search-results li")).to_have_count(20)
        assert len(fragments) == 20
        focused = page.evaluate_handle("document.activeElement")
        assert focused.evaluate("e => e.closest('li') === document.querySelectorAll('#search-results li')[10]")
        context.close()


def test_the_index_starts_when_the_search_page_opens_and_words_wait_for_the_reader(parts_page):
    """Whoever opens the search page is about to search: Pagefind's script, the list of indexes with
    every part's small entry and metadata files, and the WebAssembly come as the page opens; the
    word index (and any fragment) waits for the reader's words."""
    page = parts_page
    with page.expect_request(lambda request: request.url.split("?")[0].endswith("/pagefind/wasm.en.pagefind")):
        page.goto("/search/")
    requested = list(page.context.requests)
    assert any(url.split("?")[0].endswith("/pagefind/pagefind.js") for url in requested)
    assert any(url.endswith("/pagefind/start.json") for url in requested)
    assert not [url for url in requested if url.split("?")[0].endswith((".pf_index", ".pf_fragment"))]
    page.fill("#search-q", "Marshwillow")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert page.complaints == []


def test_the_files_that_start_the_index_come_with_its_list_and_the_rest_at_once_and_only_once(parts_page):
    """Every index's entry and metadata files come inside /pagefind/start.json: Pagefind, run in the
    page, is given them from it and never asks the server for one (over HTTP/1.1 a browser asks six
    files at a time, so 2 for each part queued). The rest that starts the index (the WebAssembly) is
    asked for as the page opens, before the reader has typed anything, and Pagefind uses that very
    response: nothing is fetched twice (the server answers with Netlify's caching, so a second
    fetch would show), and no worker is started. The results are still right, and nothing breaks
    the page's strict policy."""
    page = parts_page
    listed = page.context.request.get("/pagefind/start.json").json()
    inline = listed["inline"]
    assert len(inline) == 2 * len(listed["indexes"]) and set(inline) < set(listed["preload"])
    wanted = {"/pagefind/" + address for address in listed["preload"] if address not in inline}
    assert wanted == {"/pagefind/wasm.en.pagefind"}
    with page.expect_request(lambda request: request.url.endswith("/pagefind/wasm.en.pagefind")):
        page.goto("/search/")
    site = page.url.removesuffix("/search/")
    asked_first = [url.removeprefix(site) for url in page.context.requests if "/pagefind/" in url]
    assert wanted <= set(asked_first), "the rest that starts the index is asked for as the page opens"
    assert not [url for url in asked_first if url.split("?")[0].endswith((".pf_index", ".pf_fragment"))]
    page.fill("#search-q", "Marshwillow")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    links = page.locator("#search-results a")
    assert links.count() == 1 and links.first.get_attribute("href") == "/sar/sar-adult-a/"
    asked = [url.removeprefix(site) for url in page.context.requests if "/pagefind/" in url]
    assert [url for url in asked if url.split("?")[0].endswith(("pagefind-entry.json", ".pf_meta"))] == [], \
        "an entry or metadata file asked of the server rather than taken from start.json"
    assert [url for url in wanted if asked.count(url) != 1] == [], "fetched again rather than taken from the preload"
    assert any("/pagefind/part-" in url for url in asked), "the parts' word index was searched"
    assert not [url for url in asked if "worker" in url]
    assert page.complaints == []


def test_a_site_under_a_path_is_searched_in_parts_from_its_list(browser, tmp_path):
    """A partnership's site at https://example.org/learning/: the search page finds a word in a
    report through every part, the links keep the path, and the parts' entry and metadata files
    still come from start.json, never from the server."""
    from conftest import SiteMaker
    from sitegen.search import index as search

    site = SiteMaker(tmp_path / "site")
    site.write_settings(base_url="https://example.org/learning")
    for number in range(4):
        site.pdf(f"review-{number}.pdf", ["Front page", f"Inside: Fenwhistle{number} and Saltmarshword"])
        site.entry(f"review-{number}", published=f"2026-0{number + 3}-14",
                   documents=[{"file": f"reports/review-{number}.pdf", "title": "Overview report"}])
    weight, split_above = search.PART_WEIGHT, search.SPLIT_ABOVE
    search.PART_WEIGHT = search.SPLIT_ABOVE = 1
    try:
        result, output = site.build(SAMPLE_DAY, output=tmp_path / "served" / "learning", use_cache=False)
    finally:
        search.PART_WEIGHT, search.SPLIT_ABOVE = weight, split_above
    assert not result.failed and len(json.loads((output / "pagefind" / "parts.json").read_text())) >= 4
    with serve(tmp_path / "served") as address:
        context = browser.new_context(base_url=address)
        asked = []
        context.on("request", lambda request: asked.append(request.url))
        page = context.new_page()
        complaints = []
        page.on("pageerror", lambda error: complaints.append(str(error)))
        page.goto("/learning/search/")
        page.fill("#search-q", "Saltmarshword")
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-results li")
        links = sorted(page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
        assert links == [f"/learning/sar/review-{number}/" for number in range(4)]
        assert [url for url in asked if url.split("?")[0].endswith(("pagefind-entry.json", ".pf_meta"))] == []
        assert any("/learning/pagefind/part-" in url for url in asked) and complaints == []
        context.close()

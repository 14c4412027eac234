"""schema.org JSON-LD on each live review's page and each notice (`sitegen.rendering.structured`), read back
with a real JSON-LD processor (pyld)."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given, strategies as st

from conftest import read_output
from sitegen.rendering.structured import script

jsonld = pytest.importorskip("pyld.jsonld", reason="pyld (pip install pyld) reads the pages' JSON-LD in these tests")

SCHEMA = "https://schema.org/"


class DataScripts(HTMLParser):
    """The text of every <script type="application/ld+json"> in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._inside:
            self.found.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.found[-1] += data


def data_of(html: bytes) -> list[dict]:
    parser = DataScripts()
    parser.feed(html.decode("utf-8"))
    return [json.loads(text) for text in parser.found]


def schema_org_loader(url, options=None):
    """schema.org's context without the network: every term is in its vocabulary."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise ValueError(f"no network in tests: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA}}}


def expand(data: dict) -> dict:
    [node] = jsonld.expand(data, {"documentLoader": schema_org_loader})
    return node


def value(node: dict, name: str):
    return [v.get("@value", v.get("@id", v)) for v in node[SCHEMA + name]]


def test_a_live_review_is_a_report_with_its_dates_publisher_language_and_themes(site):
    site.entry("adult-a", published="2026-03-14", title="SAR Adult A </script><b>", summary="What we learnt.",
               themes=["Self-neglect", "Hoarding"], documents=["overview.pdf"])
    site.entry("contact", type="page", title="Contact us")
    _, out = site.build("2026-11-22")
    files = read_output(out)
    [data] = data_of(files["sar/adult-a/index.html"])
    node = expand(data)
    assert node["@type"] == [SCHEMA + "Report"]
    assert value(node, "datePublished") == ["2026-03-14"]
    [expires] = value(node, "expires")
    assert datetime.fromisoformat(expires).isoformat() == "2027-03-14T00:00:00+00:00"  # as unavailable_after
    assert value(node, "inLanguage") == ["en-GB"]
    assert value(node, "headline") == ["SAR Adult A </script><b>"]  # escaped in the page, whole in the data
    [publisher] = node[SCHEMA + "publisher"]
    assert publisher["@type"] == [SCHEMA + "Organization"]
    assert value(publisher, "name") == ["Testshire Safeguarding Partnership"]
    assert sorted(v for about in node[SCHEMA + "about"] for v in value(about, "name")) == ["Hoarding", "Self-neglect"]
    [media] = node[SCHEMA + "associatedMedia"]
    assert value(media, "contentUrl") == ["https://learning.testshire.example/sar/adult-a/overview.pdf"]
    # Google's rules for structured data: in the page's own JSON-LD, ISO 8601 dates, a named publisher
    assert data["@context"] == "https://schema.org" and data["url"] == "https://learning.testshire.example/sar/adult-a/"
    assert data_of(files["contact/index.html"]) == []  # a static page is not a report


def test_the_home_page_describes_the_open_register_as_a_dataset(site):
    site.entry("adult-a", published="2026-03-14", title="SAR Adult A")
    _, out = site.build("2026-11-22")
    [data] = data_of((out / "index.html").read_bytes())
    node = expand(data)
    assert node["@type"] == [SCHEMA + "Dataset"]
    # what Google Dataset Search needs: a name, a description of 50 to 5,000 characters; and what it recommends
    assert value(node, "name") == ["Testshire Safeguarding Partnership: reviews published now"]
    assert 50 <= len(value(node, "description")[0]) <= 5000
    assert value(node, "license") == ["https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"]
    downloads = {value(d, "contentUrl")[0]: value(d, "encodingFormat")[0] for d in node[SCHEMA + "distribution"]}
    assert downloads == {"https://learning.testshire.example/data/register.csv": "text/csv",
                         "https://learning.testshire.example/data/register.json": "application/json"}
    for url in downloads:
        assert (out / url.removeprefix("https://learning.testshire.example/")).is_file()


def test_a_notice_says_the_report_is_no_longer_available(site):
    site.entry("adult-c", published="2025-06-10", title="SAR Adult C")
    _, out = site.build("2026-11-22")
    [data] = data_of((out / "sar/adult-c/index.html").read_bytes())
    node = expand(data)
    assert node["@type"] == [SCHEMA + "WebPage"]
    assert "no longer available" in value(node, "description")[0]
    [report] = node[SCHEMA + "about"]
    assert value(report, "name") == ["SAR Adult C"]
    assert datetime.fromisoformat(value(report, "expires")[0]).date().isoformat() == "2026-06-10"


@given(st.text())
def test_any_title_is_data_that_cannot_end_the_script_element(title):
    text = str(script({"headline": title}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": title}

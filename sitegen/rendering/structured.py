"""schema.org structured data (JSON-LD) for the page of a live review, the notice of one taken down,
and the home page (the open register as a `Dataset`, for dataset search engines).

Search engines and others who gather reports read it instead of guessing from the page: what the
report is, who published it, when, in what language, about which themes, and when it comes down
(`expires`, the same moment as the page's `X-Robots-Tag: unavailable_after`, see `sitegen.output.netlify`).
A notice says the report is no longer available here.

It is written into the page as `<script type="application/ld+json">`: data that browsers never run,
so the site's Content-Security-Policy (no inline scripts) does not block it. Only what the page
itself shows goes in.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from sitegen.rules.addresses import CATALOGUE, REGISTER_CSV, REGISTER_JSON
from sitegen.rendering.site import EntryOnDay, Site
from sitegen.rules.visibility import start_of_day

SCHEMA_ORG = "https://schema.org"
REGISTER_TITLE = "{name}: reviews published now"  # the register's name, in the catalogue (`sitegen.output.opendata`) and the home page's Dataset


def register_description(name: str) -> str:
    """What the register is, for the catalogue and the home page's schema.org Dataset."""
    return (f"The safeguarding reviews and briefings that {name} publishes on its website today, each with the day "
            "it was published and the day it comes down. Each review is published for a set time only, so this "
            "register changes every day; reviews taken down are not in it.")


def dataset_data(site: Site) -> dict:
    """The home page's schema.org `Dataset`: the register of what is live (`sitegen.output.opendata`), as
    Google Dataset Search reads datasets (name, description, licence, publisher, its downloads)."""
    config = site.config
    return {
        "@context": SCHEMA_ORG,
        "@type": "Dataset",
        "@id": config.url("/" + REGISTER_JSON),
        "name": REGISTER_TITLE.format(name=config.name),
        "description": register_description(config.name),
        "url": config.url("/"),
        "license": config.licence,
        "isAccessibleForFree": True,
        "inLanguage": config.language,
        "creator": _publisher(site),
        "publisher": _publisher(site),
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": config.url("/" + REGISTER_CSV)},
            {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": config.url("/" + REGISTER_JSON)},
        ],
        "subjectOf": {"@type": "DataCatalog", "url": config.url("/" + CATALOGUE)},
    }


def report_data(site: Site, entry_on_day: EntryOnDay) -> dict:
    """A live review as a schema.org `Report`."""
    config = site.config
    entry = entry_on_day.entry
    rtype = site.type_of(entry)
    data: dict = {
        "@context": SCHEMA_ORG,
        "@type": "Report",
        "@id": config.url(entry.url),
        "url": config.url(entry.url),
        "headline": entry.title,
        "name": entry.title,
        "datePublished": entry.published.isoformat(),
        "inLanguage": config.language,
        "publisher": _publisher(site),
        "isAccessibleForFree": True,
    }
    if entry.hidden_from is not None:
        data["expires"] = start_of_day(entry.hidden_from, config.timezone).isoformat()
    if entry.summary:
        data["description"] = entry.summary
    if rtype is not None:
        data["genre"] = rtype.singular
    if entry.themes:
        data["about"] = [{"@type": "Thing", "name": name, "url": config.url(site.theme_url(name))} for name in entry.themes]
    documents = [{"@type": "MediaObject", "name": d.ref.title, "contentUrl": config.url(d.url if d.downloadable else d.page_url),
                  "encodingFormat": "application/pdf" if d.downloadable and d.url.lower().endswith(".pdf") else "text/html"}
                 for d in entry_on_day.downloads]
    if documents:
        data["associatedMedia"] = documents
    return data


def notice_data(site: Site, entry_on_day: EntryOnDay) -> dict:
    """The notice of a report taken down: a `WebPage` saying the report is no longer available here."""
    config = site.config
    entry = entry_on_day.entry
    return {
        "@context": SCHEMA_ORG,
        "@type": "WebPage",
        "url": config.url(entry.url),
        "name": f"{entry.title}: no longer published here",
        "description": f"{entry.title} is no longer available on this site. You can ask {config.name} for a copy.",
        "inLanguage": config.language,
        "publisher": _publisher(site),
        "about": {"@type": "Report", "name": entry.title, "datePublished": entry.published.isoformat(),
                  "expires": start_of_day(entry.hidden_from, config.timezone).isoformat()},
    }


def _publisher(site: Site) -> dict:
    return {"@type": "Organization", "name": site.config.name, "url": site.config.url("/")}


def script(data: dict) -> Markup:
    """`data` as the text of a `<script type="application/ld+json">`: `<`, `>` and `&` escaped as
    JSON escapes, so that no title can end the element early (`</script>`) or read as HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

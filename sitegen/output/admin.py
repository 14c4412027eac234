"""The browser editor at /admin/ (Decap CMS), made at each build from the schema the build uses.

Nothing of it is written by hand: `/admin/config.yml` has one collection for each review type the
site's settings name (`SiteConfig.types`), the 7-minute briefings, the pages and the home page,
and each field's label, help, whether it is required, and its widget come from the front matter
fields (`entries.front_matter_fields`, `entries.required_fields`) and their kinds. So a new review
type in sitegen.yaml is in the form at the next build. What the form can check is checked there
too (dates, slugs, web addresses, lengths), in sitegen's own words.

It holds field definitions only, never an entry or anything of one (a title, a summary, a file's
name): /admin/ is public, and an entry that is not live must leave no trace in the output.

Decap's own files come from the site's node_modules, pinned and checked (`decap_adapter`). With
no sign-in chosen (`editing: backend: none`, the default), or without Decap installed, there is
no /admin/ at all; the rest of the site is built as usual. `local_backend: true` (Decap's local
editing with decap-server) is only ever in what `sitegen serve` writes.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

import yaml

from sitegen.content import entries
from sitegen.content.config import PAGE_TYPE, ReviewType, SiteConfig
from sitegen.content.entries import entry_folder
from sitegen.content.schema import DATE_ADVICE, SLUG_ADVICE, URL_ADVICE, Choice, Custom, Date, Field, Flag, Slug, Text, TextList, Url
from sitegen.core.problems import Problem
from sitegen.output import decap_adapter
from sitegen.rules import bounds
from sitegen.rules.addresses import ADMIN, SLUG_PATTERN, OutputFile, output_file

HOME_PAGE = "content/index.md"
REPORTS_FOLDER = "reports"  # where uploaded documents go, and how entries name them (reports/x.pdf)
LOCAL_BACKEND_PORT = 8081  # decap-server's own default

# Labels people read in the form; any other field's is its name in plain words (`_label`). The dates
# do not say "publish": in the editor, Publish is the button that adds a saved entry to the site.
LABELS = {
    "type": "Type", "published": "Goes on the site on", "expires": "Comes down on", "draft": "Draft (not ready to publish)",
    "national_library": "Address in a national library", "related": "Related entries",
    "slug": "Web address (the last part)", "on_expiry": "Once it has come down", "approved": "Approved on",
    "republish": "Why it goes up again", "order": "Place in the menu",
}
# Fields of text that take more than a line in the form.
LONG_TEXT = {"summary", "republish"}
# The order of the form's fields, which is also the order Decap writes their keys in (a hand-written
# entry in this order keeps its lines when saved); fields not named here (a type's own `requires`)
# come after them. A page's form has only what a page uses (no window, documents or type's fields).
FORM_ORDER = ("title", "type", "published", "approved", "expires", "draft", "summary", "subject", "themes", "related",
              "documents", "national_library", "slug", "on_expiry", "republish")
PAGE_FIELDS = ("title", "type", "order", "summary", "slug", "draft")

DATE_PATTERN = (r"^\d{4}-\d{2}-\d{2}$", DATE_ADVICE)
URL_PATTERN = (r"^https?://\S+$", URL_ADVICE)


@dataclass(frozen=True)
class AdminFiles:
    """What /admin/ holds this build (no files: no editor), and why it has none when it should."""

    files: list[OutputFile]
    problems: list[Problem]


def admin_files(config: SiteConfig, *, local: int | None = None) -> AdminFiles:
    """/admin/'s files: Decap's checked bundle, the page that loads it, its settings, and the preview's
    stylesheets. `local`: a preview on this computer (`sitegen serve`), which edits the site's own
    files through decap-server on that port, whatever sign-in the site uses."""
    if not (config.editing.on or local):
        return AdminFiles([], [])
    bundle = decap_adapter.read_bundle(config.root)
    if bundle.problem is not None:
        # A preview of a site without the editor says nothing of Decap unless it is installed and wrong.
        asked = config.editing.on or decap_adapter.installed_version(config.root) is not None
        return AdminFiles([], [bundle.problem] if asked else [])
    folder = output_file(ADMIN)[: -len("index.html")]
    files = [OutputFile(folder + name, data) for name, data in sorted(bundle.files.items())]
    files += [
        OutputFile(folder + "index.html", admin_page(config).encode("utf-8")),
        OutputFile(folder + "config.yml", config_text(config, local=local).encode("utf-8")),
        OutputFile(folder + "preview.js", preview_script(config).encode("utf-8")),
    ]
    return AdminFiles(files, [])


def admin_page(config: SiteConfig) -> str:
    """The page that loads Decap: its own files only (by their absolute addresses, as every page of
    the site names them), no inline script or style (its policy: netlify.toml), never indexed."""
    name = html.escape(config.name)
    folder = config.prefix + ADMIN
    return ("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
            f"<title>Content manager: {name}</title>\n"
            f"<meta name=\"description\" content=\"Where the staff of {name} add and edit the site's reviews.\">\n"
            "</head>\n<body>\n"  # Decap reads config.yml beside the page by itself
            f"<script src=\"{folder}{decap_adapter.MAIN}\"></script>\n<script src=\"{folder}preview.js\"></script>\n"
            "</body>\n</html>\n")


def preview_script(config: SiteConfig) -> str:
    """The site's own stylesheets in the form's preview pane, so that it looks like the site."""
    sheets = [f"{config.prefix}/assets/site.css"]
    if config.accent_colour:
        sheets.append(f"{config.prefix}/assets/accent.css")
    lines = [f"CMS.registerPreviewStyle({json.dumps(sheet)});" for sheet in sheets]
    return "// Made by sitegen build: the site's stylesheets in the browser editor's preview.\n" + "\n".join(lines) + "\n"


def config_text(config: SiteConfig, *, local: int | None = None) -> str:
    """/admin/config.yml, as YAML, with a first line saying where it comes from."""
    body = yaml.safe_dump(form_config(config, local=local), sort_keys=False, allow_unicode=True, width=100)
    return "# Made by sitegen build from sitegen.yaml and the schema of entries: never edit it by hand.\n" + body


def form_config(config: SiteConfig, *, local: int | None = None) -> dict[str, Any]:
    """Decap's settings: where and how it saves, and every collection's fields. `local`: the port of
    decap-server on this computer, for a preview alone (Decap uses it only on a page served from
    this computer, and a production build never names it)."""
    found: dict[str, Any] = {"backend": _backend(config)}
    if local:
        found["local_backend"] = {"url": f"http://127.0.0.1:{local}/api/v1"}
    found.update({
        "publish_mode": "editorial_workflow",
        "site_url": config.base_url,
        "display_url": config.base_url,
        "media_folder": REPORTS_FOLDER,
        "public_folder": REPORTS_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": collections(config),
    })
    return found


def _backend(config: SiteConfig) -> dict[str, Any]:
    editing = config.editing
    if editing.backend != "github":  # git-gateway, or none with a local preview (decap-server stands in)
        return {"name": "git-gateway", "branch": editing.branch}
    backend = {"name": "github", "repo": editing.repo, "branch": editing.branch}
    if editing.base_url:
        backend["base_url"] = editing.base_url
    if editing.auth_endpoint:
        backend["auth_endpoint"] = editing.auth_endpoint
    return backend


def collections(config: SiteConfig) -> list[dict[str, Any]]:
    """One collection for each review type (briefings among them), then the pages and the home page."""
    fields = {f.name: f for f in entries.front_matter_fields(config)}
    found = [_type_collection(config, rtype, fields) for rtype in config.types.values()]
    page_fields = [_widget(fields[name], config, PAGE_TYPE) for name in PAGE_FIELDS] + [_body()]
    found.append({
        "name": PAGE_TYPE, "label": "Pages", "label_singular": "page",
        "description": "Pages that stay on the site, with no window: how to reach the partnership, guidance, and the like.",
        "folder": entry_folder(PAGE_TYPE), "filter": {"field": "type", "value": PAGE_TYPE},
        "create": True, "slug": "{{slug}}", "extension": "md", "format": "frontmatter",
        "summary": "{{title}}", "fields": page_fields,
    })
    found.append({
        "name": "home_page", "label": "Home page", "format": "frontmatter", "extension": "md",  # no type key has a _
        "files": [{"name": "index", "label": "Home page", "file": HOME_PAGE, "fields": page_fields}],
    })
    return found


def _type_collection(config: SiteConfig, rtype: ReviewType, fields: dict[str, Field]) -> dict[str, Any]:
    """A review type's collection: its entries are told apart from other types' by `type:`."""
    names = [*FORM_ORDER, *(name for name in fields if name not in FORM_ORDER and name != "order")]
    own = [_widget(fields[name], config, rtype.key) for name in names]
    return {
        "name": rtype.key, "label": rtype.label, "label_singular": rtype.singular,
        "description": rtype.description,
        "folder": entry_folder(rtype.key),
        "filter": {"field": "type", "value": rtype.key},
        "create": True, "slug": "{{fields.type}}-{{slug}}", "extension": "md", "format": "frontmatter",
        "summary": "{{title}} ({{published}})", "sortable_fields": ["published", "title"],
        "fields": own + [_body()],
    }


def _label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def _widget(f: Field, config: SiteConfig, type_key: str) -> dict[str, Any]:
    """A field of the form: its label, help and whether it is required, and a widget by its kind."""
    required = f.name in entries.required_fields(config, None if type_key == PAGE_TYPE else type_key)
    found: dict[str, Any] = {"label": _label(f.name), "name": f.name, "required": required}
    if f.help:
        found["hint"] = f.help
    if f.name == "type":
        return {**found, "widget": "hidden", "default": type_key}
    if f.name == "documents":
        return {**found, **_documents(type_key != PAGE_TYPE)}
    return {**found, **_by_kind(f.kind, long=f.name in LONG_TEXT)}


def _by_kind(kind: Any, *, long: bool = False) -> dict[str, Any]:
    """Decap's widget for a kind of value, with the pattern the form checks it by."""
    if isinstance(kind, Date):
        return {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False,
                "picker_utc": True, "pattern": list(DATE_PATTERN)}
    if isinstance(kind, Flag):
        return {"widget": "boolean"}
    if isinstance(kind, Choice):
        return {"widget": "select", "options": list(kind.choices)}
    if isinstance(kind, Slug):
        return {"widget": "string", "pattern": [SLUG_PATTERN, SLUG_ADVICE.format(example="adult-b")]}
    if isinstance(kind, Url):
        return {"widget": "string", "pattern": list(URL_PATTERN)}
    if isinstance(kind, TextList) or (isinstance(kind, Custom) and kind.description == TextList.description):
        return {"widget": "list", "field": {"label": "Item", "name": "item", "widget": "string"}}
    if isinstance(kind, Custom) and kind.description == "a whole number":
        return {"widget": "number", "value_type": "int"}
    found: dict[str, Any] = {"widget": "text" if long else "string"}
    if isinstance(kind, Text) and kind.longest:
        found["pattern"] = [rf"^[\s\S]{{0,{kind.longest}}}$",
                            f"This is too long: sitegen accepts at most {kind.longest:,} characters. Shorten it."]
    return found


def _documents(needed: bool) -> dict[str, Any]:
    """The documents list: each a file uploaded into reports/ (as entries name them: reports/x.pdf),
    its title, and a Word original for its web page."""
    found: dict[str, Any] = {
        "widget": "list", "collapsed": False, "summary": "{{fields.title}}",
        "fields": [
            {"label": "File (PDF, or Word .docx)", "name": "file", "widget": "file", "required": True, "choose_url": False,
             "hint": "Upload the report: it is saved in reports/."},
            {"label": "Title", "name": "title", "widget": "string", "required": True,
             "hint": "What the document is, such as Overview report.",
             "pattern": [rf"^[\s\S]{{0,{bounds.SHORT_TEXT}}}$", f"This is too long: sitegen accepts at most {bounds.SHORT_TEXT} characters."]},
            {"label": "Word original (for the web version)", "name": "html", "widget": "file", "required": False,
             "choose_url": False,
             "hint": "The Word file the PDF was made from, when you have it: the site makes a web page of it."},
        ],
    }
    if needed:
        found.update({"required": True, "min": 1, "max": bounds.DOCUMENTS})
        found["hint"] = "The report and any other documents it publishes. A review needs at least one."
    return found


def _body() -> dict[str, Any]:
    return {"label": "Text", "name": "body", "widget": "markdown", "required": False,
            "hint": "What the page says, below the summary. Headings start at ## (the title is the only #)."}

"""Web addresses: the one home of the slug rule, of every address the site has and of the file each is written to.

Every page, document, web page made from a Word original and picture gets its address here, and
every other module (the entries, the renderer, the preview, the claims, the Netlify files, the
deployment checks, `sitegen new`) asks for it rather than working it out: a later change to the
addresses (a language in each, for a bilingual site) is made in this one place.

A slug is the last part of an address (adult-a in /sar/adult-a/): lower-case letters a to z,
digits, and single hyphens between them. `slugify` makes one of any text, and every slug is
what `slugify` makes of it. A page at an address ending in / is written to that folder's
index.html; any other address (/404.html) is written to the file it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A document's file name, which becomes the last part of its address: it starts with a letter or a
# digit, and holds letters, digits, spaces and . _ - ( ) , ' & + only (no / \ ? # % and no control
# characters), and its name before the last dot is not only dots.
_DOCUMENT_NAME = re.compile(r"[^\W_][\w .()',&+-]*", re.UNICODE)
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # what a slug may be (`is_slug`); the browser editor's form checks it too
_SLUG = re.compile(SLUG_PATTERN)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
INDEX = "index.html"
# The files of the site's open data (`sitegen.output.opendata`), relative to the output folder; the home
# page's schema.org Dataset names them too (`sitegen.rendering.structured`).
JSON_FEED = "feed.json"
REGISTER_CSV = "data/register.csv"
REGISTER_JSON = "data/register.json"
CATALOGUE = "data.json"
# The build marker, /sitegen.json: what the build was and the day it was built for, which
# `sitegen verify` asks the deployed site for (`sitegen.output.deployment`).
BUILD_MARKER = "sitegen.json"
# The file that says a folder is an output sitegen wrote, so that a build may replace it whole
# (`sitegen.output.outputs`) and `sitegen report` may find the output (`sitegen.commands.publication`).
OUTPUT_MARKER = ".sitegen-output"

# The site's own files and folders, relative to the output (a folder ends in / and is the site's
# whole): every build may write them, whatever its entries (see `sitegen.rendering.claims`).
SITE_FILES = ("index.html", "404.html", "410.html", "feed.xml", "sitemap.xml", "robots.txt", "_headers",
              JSON_FEED, CATALOGUE, REGISTER_CSV.split("/")[0] + "/",  # the open data (`sitegen.output.opendata`)
              "_redirects", BUILD_MARKER, OUTPUT_MARKER, "accessibility/", "search/", "themes/",
              "assets/", "pagefind/", "preview-problems/",
              "admin/")  # the browser editor (`sitegen.output.admin`), whether or not the site has one
# Names a page's slug or a review type's key may not be, as the site uses them at its top level.
RESERVED_NAMES = frozenset({name.rstrip("/").removesuffix(".html") for name in SITE_FILES}
                           | {"index", "theme", "downloads", "404.html"})


def is_slug(text: str) -> bool:
    """Whether `text` can be the last part of an address (adult-a, 2026-review)."""
    return _SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """The slug people would expect for `text`: "Adult A" -> adult-a ("entry" when nothing is left)."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-") or "entry"


def is_document_name(name: str) -> bool:
    """Whether a document's file name can be the last part of its address (overview.pdf,
    "SAR Adult A (final).pdf"), and its name without the suffix the name of a folder
    (index.html.docx and ...docx cannot)."""
    stem = name.rsplit(".", 1)[0]
    return (_DOCUMENT_NAME.fullmatch(name) is not None and len(name) <= 150 and stem.strip(". ") != ""
            and not name.endswith((" ", ".")) and not stem.endswith((" ", ".")))


# The site's own pages, whatever its entries (the renderer makes each: `sitegen.rendering.render`).
HOME = "/"
THEMES = "/themes/"  # the page that lists every theme
SEARCH = "/search/"
ACCESSIBILITY = "/accessibility/"
NOT_FOUND = "/404.html"
ADMIN = "/admin/"  # the browser editor (`sitegen.output.admin`)
GONE_PAGE = "/410.html"  # what a report's old address shows once it is taken down (`sitegen.output.netlify`)
# What `sitegen check` would say, on a deploy preview only (`sitegen.rendering.preview_problems`); never in
# the sitemap, the feeds, the search index or the open data, and never made by a production build.
PREVIEW_PROBLEMS = "/preview-problems/"


def entry_address(type_key: str, slug: str, is_page: bool) -> str:
    """An entry's address: a review's /<type>/<slug>/ (/sar/adult-a/), a static page's /<slug>/
    (/how-to-refer/), and / for the home page (content/index.md, slug index)."""
    if is_page:
        return "/" if slug == "index" else f"/{slug}/"
    return f"/{type_key}/{slug}/"


def document_address(entry: str, name: str) -> str:
    """A document's download, beside its entry's page: /sar/adult-a/ and overview.pdf ->
    /sar/adult-a/overview.pdf. Stable, so that it can be derived again when it comes down."""
    return entry + name


def rendition_address(entry: str, word_name: str) -> str:
    """The web page made from a Word file: the entry's address, then the file's name without
    .docx, then a slash (/sar/adult-a/ and sar-adult-a-overview.docx: /sar/adult-a/sar-adult-a-overview/)."""
    stem = word_name[: -len(".docx")] if word_name.lower().endswith(".docx") else word_name
    return f"{entry}{stem}/"


def picture_address(rendition: str, name: str) -> str:
    """A picture of a Word original's web page, beside that page: /sar/adult-a/overview/ and
    picture-1.png -> /sar/adult-a/overview/picture-1.png."""
    return rendition + name


def listing_address(type_key: str) -> str:
    """The page that lists a review type's live reviews: /sar/."""
    return f"/{type_key}/"


def theme_address(slug: str) -> str:
    """A theme's page, by the theme's slug: /themes/self-neglect/."""
    return f"{THEMES}{slug}/"


def output_file(address: str) -> str:
    """The file an address is written to, relative to the output folder: a page's index.html
    (/ -> index.html, /sar/adult-a/ -> sar/adult-a/index.html), or the file any other address names
    (/404.html -> 404.html, /sar/adult-a/overview.pdf -> sar/adult-a/overview.pdf)."""
    file = address.lstrip("/")
    return file + INDEX if file == "" or file.endswith("/") else file


def page_address(file: str) -> str | None:
    """The address of a page written to `file` (the opposite of `output_file`), or None when
    `file` is not a page's index.html: sar/adult-a/index.html -> /sar/adult-a/."""
    if file != INDEX and not file.endswith("/" + INDEX):
        return None
    return "/" + file[: -len(INDEX)]


@dataclass(frozen=True)
class OutputFile:
    """One file of the output: `data` to write, or a `source` file to copy."""

    path: str  # relative, forward slashes: sar/adult-a/index.html
    data: bytes | None = None
    source: Path | None = None
    link: bool = False  # `source` is sitegen's own, never changed in place (a cached copy): link it, not copy it
    kept_as: str | None = None  # `data` is the file the file store keeps under this name, checked by this build

"""Site settings: `sitegen.yaml`, read into a typed `SiteConfig`.

Only `name` and `base_url` are needed; everything else has a default. A site
can relabel the built-in review types, change their windows and add its own.
"""

from __future__ import annotations

from functools import cached_property
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.content import yamladvice, yamlfile
from sitegen.rules.addresses import RESERVED_NAMES
from sitegen.core.cachefile import read_sealed_text, write_sealed_text
from sitegen.content.colour import AA_TEXT, contrast, darkest_needed
from sitegen.content.pictures import picture_size
from sitegen.core.problems import Problem, error, warning
from sitegen.content.schema import (Choice, Custom, Date, Field, Flag, Invalid, Section, Sections, Slug, Text, TextList, Url,
                                    declared_fields, setting, validate)
from sitegen.rules.visibility import ONE_YEAR, Window, parse_window

CONFIG_FILE = "sitegen.yaml"
CACHE_DIR = ".sitegen-cache"
# The licence of the open data a site publishes (`sitegen.output.opendata`) when sitegen.yaml names none.
OPEN_GOVERNMENT_LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DEFAULT_TIMEZONE = "Europe/London"  # a site that names no time zone; the one sitegen init's settings name
# In the cache: the settings of the last whole build, standing in for a sitegen.yaml that
# cannot be used, so that a mistake in it never stops the nightly build (see `load_config`).
LAST_BUILT = "last-built-settings.yaml"


def _window(value: Any) -> Window:
    try:
        return parse_window(value)
    except ValueError:
        raise Invalid(f'"{value}" is not a length of time.', 'Write, for example, 1 year, 18 months, 90 days or never.') from None


def _timezone(value: Any) -> str:
    text = Text().parse(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f'"{text}" is not a time zone.', "Write Europe/London, or leave the line out.") from None
    return text


def _base_url(value: Any) -> str:
    return Url().parse(value).rstrip("/")


def _colour(value: Any) -> str:
    text = Text().parse(value)
    if len(text) in (4, 7) and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:]):
        return text.lower()
    raise Invalid(f'"{text}" is not a colour.', 'Write a hex colour in quotes, for example "#1d70b8".')


@dataclass(frozen=True)
class Library:
    key: str
    title: str
    url: str
    description: str = ""
    access: str = ""  # who may read it, when not everyone: shown wherever a page points to it


# What a site may write of a library under `national_libraries:`. No defaults: what is not written
# is the built-in library's (and a new library must give its title and address: `parse_config`).
LIBRARY_FIELDS = [
    Field("title", Text(), required=True, help="The library's name, as the home page shows it."),
    Field("url", Url(), required=True, help="The address of the library's website."),
    Field("description", Text(), help="One sentence: what the library holds."),
    Field("access", Text(), help="Who may read the reports there, when not everyone."),
]


@dataclass(frozen=True)
class ReviewType:
    key: str
    label: str  # plural heading: "Safeguarding Adults Reviews"
    singular: str  # "Safeguarding Adults Review"
    short: str  # "SAR"
    description: str  # one sentence: what this review is
    window: Window = ONE_YEAR
    library: str | None = None  # key into SiteConfig.libraries
    requires: tuple[str, ...] = ()  # front-matter fields an entry must have to publish
    broken: bool = False  # its settings have an error: its entries are withheld


# What a site may write of a review type under `types:`. No defaults: what is not written is the
# built-in type's, or for a new type made from its name (`parse_config`).
TYPE_FIELDS = [
    Field("label", Text(), help="The heading of the type's listing, such as Safeguarding Adults Reviews."),
    Field("singular", Text(), help="One review of this type, such as Safeguarding Adults Review."),
    Field("short", Text(), help="The type's short name, such as SAR."),
    Field("description", Text(), help="One sentence: what a review of this type is."),
    Field("window", Custom(_window, "a length of time such as 1 year"),
          help="How long a review of this type stays on the site after it is published, such as 1 year, or never."),
    Field("library", Text(), help="The national library (under national_libraries) where the type's reviews are also kept."),
    Field("requires", TextList(), help="Front matter fields an entry of this type must have before it is published."),
]


@dataclass(frozen=True)
class Contact:
    """How readers reach the partnership: its keys are declared here alone (see `schema.setting`)."""

    email: str | None = field(default=None, metadata=setting(Text(), "The email address readers can write to."))
    phone: str | None = field(default=None, metadata=setting(Text(), "The telephone number readers can ring."))
    address: str | None = field(default=None, metadata=setting(Text(), "The partnership's postal address."))
    url: str | None = field(default=None, metadata=setting(Url(), "The address of the partnership's own website."))


COMPLIANCE = {"full": "fully compliant", "partial": "partially compliant", "not": "not compliant"}
DEFAULT_KNOWN_ISSUES = (
    "Some reports are PDF documents that may not work well with screen reader software. "
    "You can ask for any document in another format.",
)


@dataclass(frozen=True)
class AccessibilityStatement:
    """What the accessibility statement page says; public sector sites must publish one."""

    status: str = field(default="partial", metadata=setting(
        Choice(*COMPLIANCE), "How far the site meets the accessibility rules: full, partial or not."))
    known_issues: tuple[str, ...] = field(default=DEFAULT_KNOWN_ISSUES, metadata=setting(
        TextList(), "What readers may find hard to use, one line each."))
    prepared: date | None = field(default=None, metadata=setting(Date(), "The day the statement was first written."))
    reviewed: date | None = field(default=None, metadata=setting(Date(), "The day the statement was last reviewed."))

    @property
    def compliance(self) -> str:
        return COMPLIANCE[self.status]


@dataclass(frozen=True)
class DeployPreviews:
    """What a deploy preview (`sitegen build --deploy-preview`, Netlify's preview of a pull request)
    may show. Its address is public unless Netlify protects it, so by default it shows nothing of an
    entry that is not live (see `sitegen.rendering.preview_problems`)."""

    protected: bool = field(default=False, metadata=setting(
        Flag(), "Whether this site's deploy previews can only be seen by its own team. Set it to true only when "
                "Netlify's password protection or team-only protection is switched on for deploy previews: a "
                "protected preview shows every problem in full and each scheduled report as it will look on its day."))


# The ways the browser editor (/admin/, `sitegen.output.admin`) can sign people in, by what a site
# writes as `editing: backend:`. README "Setting up sign-in for the browser editor" says what each costs.
EDITING_BACKENDS = {
    "none": "no browser editor: the site has no /admin/",
    "git-gateway": "Netlify Identity with Git Gateway: people the site invites sign in with an email address",
    "github": "GitHub: people with write access to the site's repository sign in with their GitHub account",
}


@dataclass(frozen=True)
class Editing:
    """The browser editor at /admin/ (Decap CMS): which sign-in it uses and what that needs. Off
    (`none`) unless a site chooses one, so that a site whose sign-in is not set up never publishes
    an editor nobody can sign in to, nor needs Decap's files installed (README says why)."""

    backend: str = field(default="none", metadata=setting(
        Choice(*EDITING_BACKENDS), "How people sign in to the browser editor at /admin/: git-gateway (Netlify "
        "Identity), github (a GitHub account), or none for no browser editor."))
    repo: str | None = field(default=None, metadata=setting(
        Text(), "With github: the site's repository on GitHub, written as owner/name."))
    branch: str = field(default="main", metadata=setting(
        Text(), "The branch the editor saves to and the site is built from, such as main."))
    base_url: str | None = field(default=None, metadata=setting(
        Url(), "With github: the address of the sign-in service (an OAuth app), when not Netlify's own."))
    auth_endpoint: str | None = field(default=None, metadata=setting(
        Text(), "With github: the path of the sign-in page at that address, such as auth."))

    @property
    def on(self) -> bool:
        return self.backend != "none"


CONTACT_FIELDS = declared_fields(Contact)
ACCESSIBILITY_FIELDS = declared_fields(AccessibilityStatement)
DEPLOY_PREVIEW_FIELDS = declared_fields(DeployPreviews)
EDITING_FIELDS = declared_fields(Editing)
LOGO_FORMATS = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


DEFAULT_LIBRARIES = {
    "sar-library": Library(
        "sar-library", "National SAR Library",
        "https://www.scie.org.uk/safeguarding/adults/reviews/library",
        "Safeguarding Adults Reviews published across England since April 2019."),
    "nspcc": Library(
        "nspcc", "NSPCC National Case Review Repository",
        "https://learning.nspcc.org.uk/case-reviews/national-case-review-repository",
        "Child Safeguarding Practice Reviews and Serious Case Reviews from across the UK."),
    "panel": Library(
        "panel", "Child Safeguarding Practice Review Panel: national reviews",
        "https://www.gov.uk/government/organisations/child-safeguarding-practice-review-panel",
        "National reviews and reports of the Child Safeguarding Practice Review Panel."),
    "dhr-library": Library(
        "dhr-library", "Home Office Domestic Homicide Review library",
        "https://www.gov.uk/government/collections/domestic-homicide-review",
        "Domestic Homicide Reviews (Domestic Abuse Related Death Reviews) and Home Office guidance."),
}

# Libraries that come with a type a site switches on (`AVAILABLE_TYPES`), and only then: a site in
# England has no use for the Welsh repository on its home page.
AVAILABLE_LIBRARIES = {
    "wales-repository": Library(
        "wales-repository", "Wales Safeguarding Repository",
        "https://www.cardiff.ac.uk/security-crime-intelligence-innovation-institute/research/projects/wales-safeguarding-repository",
        "Safeguarding reviews carried out in Wales since 2008, kept by Cardiff University for the Welsh Government.",
        access="Only registered users (agencies, reviewers and researchers) can read the reports there; anyone else "
               "can ask us for a copy."),
}

DEFAULT_TYPES = {
    "sar": ReviewType(
        "sar", "Safeguarding Adults Reviews", "Safeguarding Adults Review", "SAR",
        "A Safeguarding Adults Review looks at how agencies worked together when an adult with care "
        "and support needs died or was seriously harmed through abuse or neglect.",
        library="sar-library"),
    "cspr": ReviewType(
        "cspr", "Child Safeguarding Practice Reviews", "Child Safeguarding Practice Review", "CSPR",
        "A Child Safeguarding Practice Review looks at how agencies worked together when a child died "
        "or was seriously harmed and abuse or neglect was known or suspected.",
        library="nspcc"),
    "scr": ReviewType(
        "scr", "Serious Case Reviews", "Serious Case Review", "SCR",
        "Serious Case Reviews were the reviews of serious harm to children that came before Child "
        "Safeguarding Practice Reviews in 2018.",
        library="nspcc"),
    "dhr": ReviewType(
        "dhr", "Domestic Homicide Reviews", "Domestic Homicide Review", "DHR",
        "A Domestic Homicide Review (now also called a Domestic Abuse Related Death Review) looks at "
        "how agencies responded when a person died through domestic abuse.",
        library="dhr-library", requires=("approved",)),
    "briefing": ReviewType(
        "briefing", "7-minute briefings", "7-minute briefing", "Briefing",
        "A 7-minute briefing is a short learning sheet that practitioners can read and discuss in "
        "about seven minutes.",
        library=None),
    "learning-review": ReviewType(
        "learning-review", "Learning reviews", "Learning review", "Learning review",
        "Learning reviews include thematic reviews and other reviews the partnership carries out to "
        "learn from practice.",
        library=None),
}

# Review types a site switches on by naming them under `types:` in sitegen.yaml (an empty entry,
# such as `dardr: {}`, takes them as they are). They are not on by default, because each one adds a
# listing to the site. README "Review types" says where each comes from.
AVAILABLE_TYPES = {
    "dardr": ReviewType(
        "dardr", "Domestic Abuse Related Death Reviews", "Domestic Abuse Related Death Review", "DARDR",
        "A Domestic Abuse Related Death Review (the new name of a Domestic Homicide Review) looks at how "
        "agencies responded when a person died, by homicide or suicide, after domestic abuse.",
        library="dhr-library", requires=("approved",)),
    "susr": ReviewType(
        "susr", "Single Unified Safeguarding Reviews", "Single Unified Safeguarding Review", "SUSR",
        "A Single Unified Safeguarding Review is the one review held in Wales, since 1 October 2024, when a "
        "child or adult died or was seriously harmed through abuse, neglect or violence.",
        library="wales-repository"),
    "cpr": ReviewType(
        "cpr", "Child Practice Reviews", "Child Practice Review", "CPR",
        "Child Practice Reviews were the reviews held in Wales, before Single Unified Safeguarding Reviews, "
        "when a child was seriously harmed and abuse or neglect was known or suspected.",
        library="wales-repository"),
    "apr": ReviewType(
        "apr", "Adult Practice Reviews", "Adult Practice Review", "APR",
        "Adult Practice Reviews were the reviews held in Wales, before Single Unified Safeguarding Reviews, "
        "when an adult at risk was seriously harmed and abuse or neglect was known or suspected.",
        library="wales-repository"),
    "owhr": ReviewType(
        "owhr", "Offensive Weapons Homicide Reviews", "Offensive Weapons Homicide Review", "OWHR",
        "An Offensive Weapons Homicide Review looks at how agencies worked together when an adult was killed "
        "and an offensive weapon was, or was likely to have been, used.",
        library=None),
}


@dataclass(frozen=True)
class SiteConfig:
    """The site's settings. Each setting of `sitegen.yaml` is declared here alone, with its kind
    (how it is checked), its default and its help (`schema.setting`); `SITE_FIELDS` and the checks
    of `parse_config` are made from it. The fields without `setting` are not written by a site."""

    root: Path
    name: str = field(metadata=setting(Text(), "The partnership's name, as every page shows it.", required=True))
    base_url: str = field(metadata=setting(  # without a trailing slash
        Custom(_base_url, "the site's address, starting with https://"),
        "The site's address on the web, starting with https://.", required=True))
    timezone: str = field(default=DEFAULT_TIMEZONE, metadata=setting(
        Custom(_timezone, "a time zone such as Europe/London"),
        "The time zone whose day decides when reports go up and come down."))
    language: str = field(default="en-GB", metadata=setting(Text(), "The language the site is written in, such as en-GB."))
    contact: Contact = field(default_factory=Contact, metadata=setting(
        Section(CONTACT_FIELDS, what="contact section", description="contact details", make=lambda values: Contact(**values)),
        "How readers can reach the partnership to ask about a review or for a document in another format."))
    types: dict[str, ReviewType] = field(default_factory=lambda: dict(DEFAULT_TYPES), metadata=setting(
        Sections(TYPE_FIELDS, what="review type", description="review types",
                 listing="should list review types by their short name, such as sar.",
                 advice="See the comments in a new site's sitegen.yaml (sitegen init)."),
        "The kinds of review the site publishes: change a built-in one's labels or window, switch one on, or add your own."))
    libraries: dict[str, Library] = field(default_factory=lambda: dict(DEFAULT_LIBRARIES), metadata=setting(
        Sections(LIBRARY_FIELDS, what="library", description="national library links",
                 listing="should list libraries by name.",
                 advice="See the comments in a new site's sitegen.yaml (sitegen init)."),
        "The national libraries the home page points to: change a built-in one, or add your own.",
        name="national_libraries"))
    on_expiry: str = field(default="notice", metadata=setting(  # or "remove"
        Choice("notice", "remove"),
        "What an expired review's page shows: a notice that it has been taken down, or nothing (remove)."))
    logo: str | None = field(default=None, metadata=setting(  # path in the site folder; published as /assets/<file name>
        Text(), "The partnership's logo: a picture in the site folder, such as logo.svg."))
    logo_size: tuple[int, int] | None = None  # its width and height, for the page's <img>
    description: str = field(default="", metadata=setting(  # when not written: `site_description`
        Text(), "One or two sentences about the site, for search engines. Left out: made from the partnership's name."))
    accent_colour: str | None = field(default=None, metadata=setting(  # only a colour that passes WCAG AA on white
        Custom(_colour, 'a hex colour such as "#1d70b8"'),
        "The colour of links and buttons, such as \"#1d70b8\"; one too light to read on white is not used."))
    accessibility: AccessibilityStatement = field(default_factory=AccessibilityStatement, metadata=setting(
        Section(ACCESSIBILITY_FIELDS, what="accessibility section", description="accessibility statement details",
                make=lambda values: AccessibilityStatement(**values)),
        "What the site's accessibility statement says."))
    licence: str = field(default=OPEN_GOVERNMENT_LICENCE, metadata=setting(  # the address of the open data's licence
        Url(), "The address of the licence of the site's open data; left out: the Open Government Licence."))
    deploy_previews: DeployPreviews = field(default_factory=DeployPreviews, metadata=setting(
        Section(DEPLOY_PREVIEW_FIELDS, what="deploy_previews section", description="deploy preview settings",
                make=lambda values: DeployPreviews(**values)),
        "What Netlify's deploy preview of a pull request may show: only what is public, unless the previews are protected."))
    editing: Editing = field(default_factory=Editing, metadata=setting(
        Section(EDITING_FIELDS, what="editing section", description="browser editor settings",
                make=lambda values: Editing(**values)),
        "The browser editor at /admin/, where reports can be added without a terminal: how people sign in."))
    own_theme: bool = True  # False: this build uses sitegen's default theme alone (see `build.build`)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @cached_property
    def reports_real(self) -> Path:
        """reports/ with links resolved: a document must lie inside it."""
        return self.reports_dir.resolve()

    @property
    def theme_dir(self) -> Path:
        return self.root / "themes"

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def url(self, path: str) -> str:
        """Absolute address of a site path such as '/sar/adult-a/'."""
        return self.base_url + path

    @property
    def prefix(self) -> str:
        """The path part of base_url ('/learning' for https://example.org/learning), or ''."""
        return urlparse(self.base_url).path.rstrip("/")


SITE_FIELDS = declared_fields(SiteConfig)  # what sitegen.yaml may say, in order

PAGE_TYPE = "page"  # static pages: no window


@dataclass
class LoadedConfig:
    config: SiteConfig | None
    problems: list[Problem]
    text: str | None = None  # sitegen.yaml as read, when it gave settings
    stand_in: bool = False  # the settings are the last whole build's: sitegen.yaml could not be used


def load_config(root: Path, *, stand_in: bool = False) -> LoadedConfig:
    """Read `sitegen.yaml` in `root`. `config` is None when the site cannot be built.

    With `stand_in` (a whole build), a `sitegen.yaml` that cannot be used is replaced by the
    settings of the last whole build, kept in the cache by `keep_settings`, and an error says
    so. The nightly build is what takes reports down on their day: a mistake in the settings
    must not leave yesterday's site online. `sitegen check` never stands in, so it still fails.
    """
    root = Path(root)
    loaded = _read_config(root)
    if loaded.config is None and stand_in and (root / CONFIG_FILE).is_file():
        return _last_built(root, loaded)
    return loaded


def _read_config(root: Path) -> LoadedConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        return LoadedConfig(None, [error(
            CONFIG_FILE, f"there is no {CONFIG_FILE} in {root.resolve()}.",
            "Run sitegen in your site folder, name it with --site, or start a new site with `sitegen init`.")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedConfig(None, [error(CONFIG_FILE, f"the file could not be read ({exc}).", "Save it as UTF-8 text.")])
    try:
        doc = yamlfile.load(text)
    except yamlfile.AliasRefused as exc:
        return LoadedConfig(None, [error(CONFIG_FILE, f"the settings are not valid YAML: it {yamlfile.AliasRefused.MESSAGE}.",
                                         "Write each value out in full; a value that starts with & or * goes in quotes.",
                                         line=exc.line)])
    except yamlfile.YamlError as exc:
        said = yamladvice.explain(text, exc, 1, "the settings")
        return LoadedConfig(None, [error(CONFIG_FILE, said.message, said.advice, line=said.line)])
    loaded = parse_config(root, doc)
    return replace(loaded, text=text if loaded.config is not None else None)


def _last_built(root: Path, loaded: LoadedConfig) -> LoadedConfig:
    """The last whole build's settings in place of a sitegen.yaml that cannot be used (`loaded`),
    or `loaded` as it is when there are none (a first build, or the cache was cleared)."""
    kept_at = f"{CACHE_DIR}/{LAST_BUILT}"
    text = read_sealed_text(root / kept_at)  # a damaged copy must never stand in: it could change a window
    if text is None:
        return loaded
    try:
        kept = parse_config(root, yamlfile.load(text))
    except yamlfile.YamlError:
        return loaded
    if kept.config is None:
        return loaded
    note = error(CONFIG_FILE, "this file cannot be used, so this build used the settings of the last build that could "
                 f"use it (kept in {kept_at}). Reports still go up and come down on their day, but nothing "
                 "changed in sitegen.yaml since that build is used.",
                 "Fix the errors listed for sitegen.yaml, then build again.")
    # What the kept settings say of themselves is filed under their own name: their lines are theirs.
    own = [replace(problem, file=kept_at) for problem in kept.problems]
    return LoadedConfig(kept.config, loaded.problems + [note] + own, stand_in=True)


def keep_settings(loaded: LoadedConfig) -> None:
    """After a whole build: keep the sitegen.yaml it used, to stand in for one that later cannot
    be used (see `load_config`). Not kept: settings that were themselves standing in."""
    if loaded.config is None or loaded.text is None or loaded.stand_in:
        return
    target = loaded.config.cache_dir / LAST_BUILT
    if read_sealed_text(target) == loaded.text:
        return
    write_sealed_text(target, loaded.text)


def parse_config(root: Path, doc: yamlfile.YamlDocument) -> LoadedConfig:
    """The settings `doc` gives, checked against `SITE_FIELDS`; `config` is None when the site
    cannot be built (no usable name, address or time zone)."""
    file = CONFIG_FILE
    top = validate(doc.data, SITE_FIELDS, file=file, doc=doc, what="settings file")
    problems = list(top.problems)
    v = top.values
    libraries = _libraries(v["national_libraries"], doc, problems)
    types = _types(v["types"], doc, problems)

    for rtype in list(types.values()):
        if rtype.library in AVAILABLE_LIBRARIES and rtype.library not in libraries:
            libraries[rtype.library] = AVAILABLE_LIBRARIES[rtype.library]  # it comes with the type
        if rtype.library and rtype.library not in libraries:
            types[rtype.key] = replace(rtype, broken=True)
            problems.append(error(file, f"types.{rtype.key}.library: \"{rtype.library}\" is not a national library this site knows.",
                                  f"Use one of {', '.join(sorted(libraries))}, or add it under national_libraries.",
                                  line=doc.line_of("types", rtype.key, "library"), field=f"types.{rtype.key}.library"))

    # Without these the site's addresses and days are unknown: nothing can be built.
    # Any other error withholds only what it touches (a broken type's entries).
    if top.invalid & {"name", "base_url", "timezone"}:
        return LoadedConfig(None, problems)
    logo = _logo(root, v["logo"], doc, problems)
    config = SiteConfig(
        root=root, name=v["name"], base_url=v["base_url"], timezone=v["timezone"], language=v["language"],
        contact=v["contact"], types=types, libraries=libraries, on_expiry=v["on_expiry"],
        logo=logo, logo_size=picture_size(root / logo) if logo else None,
        accent_colour=_accent(v["accent_colour"], doc, problems),
        accessibility=v["accessibility"], description=v["description"] or site_description(v["name"]),
        licence=v["licence"], deploy_previews=v["deploy_previews"], editing=_editing(v["editing"], doc, problems),
    )
    return LoadedConfig(config, problems)


def _setting(name: str) -> Field:
    """The declared setting written as `name` in sitegen.yaml."""
    return next(f for f in SITE_FIELDS if f.name == name)


def _libraries(written: dict, doc: yamlfile.YamlDocument, problems: list[Problem]) -> dict[str, Library]:
    """The site's national libraries: the built-in ones, changed or added to by what is `written`
    under national_libraries. A new library must give its title and address."""
    libraries = dict(_setting("national_libraries").default)
    for key, body in written.items():
        base = DEFAULT_LIBRARIES.get(str(key)) or AVAILABLE_LIBRARIES.get(str(key))
        fields = [replace(f, required=f.required and base is None) for f in LIBRARY_FIELDS]
        sub = validate(body, fields, file=CONFIG_FILE, doc=doc, path=("national_libraries", key), what="library")
        problems += sub.problems
        if not sub.invalid:
            given = {k: val for k, val in sub.values.items() if val is not None}
            libraries[str(key)] = replace(base, **given) if base else Library(str(key), **given)
    return libraries


def _types(written: dict, doc: yamlfile.YamlDocument, problems: list[Problem]) -> dict[str, ReviewType]:
    """The site's review types: the built-in ones, changed, switched on (`AVAILABLE_TYPES`) or added
    to by what is `written` under types. A type whose settings have an error is kept, marked broken
    (its entries are withheld)."""
    file = CONFIG_FILE
    types = dict(_setting("types").default)
    for key, body in written.items():
        try:
            key = Slug().parse(key)
        except Invalid as bad:
            problems.append(error(file, f"types: {bad.message}", bad.advice, line=doc.line_of("types", key), field=f"types.{key}"))
            continue
        if key == PAGE_TYPE:
            problems.append(error(file, "types: `page` is kept for static pages.", "Choose another name for this type.",
                                  line=doc.line_of("types", key), field="types.page"))
            continue
        if key in RESERVED_NAMES:
            problems.append(error(file, f"types: `{key}` is an address the site itself uses (/{key}/), so it cannot be a review type.",
                                  "Choose another name for this type.", line=doc.line_of("types", key), field=f"types.{key}"))
            continue
        base = types.get(key) or AVAILABLE_TYPES.get(key)
        if body is True:  # `dardr: on`: switched on as it is
            body = None
        sub = validate(body, TYPE_FIELDS, file=file, doc=doc, path=("types", key), what="review type")
        problems += sub.problems
        given = {k: val for k, val in sub.values.items() if val is not None}
        if base is None:
            label = given.get("label") or key.replace("-", " ").capitalize()
            base = ReviewType(key, label, label, label, "")
        types[key] = replace(base, **given, broken=bool(sub.invalid))
    return types


def _editing(editing: Editing, doc: yamlfile.YamlDocument, problems: list[Problem]) -> Editing:
    """The browser editor's settings, or none (no /admin/) when the chosen sign-in lacks what it
    needs: a warning, as the rest of the site is built as usual."""
    if editing.backend == "github" and not editing.repo:
        problems.append(warning(
            CONFIG_FILE, "editing: the github sign-in needs the site's repository, so the site has no browser editor (/admin/).",
            "Write `repo:` under editing, with the repository as owner/name, for example repo: northshire/learning-site.",
            line=doc.line_of("editing", "backend"), field="editing.repo"))
        return Editing()
    if editing.repo is not None and "/" not in editing.repo.strip("/"):
        problems.append(warning(
            CONFIG_FILE, f'editing.repo: "{editing.repo}" is not a repository written as owner/name, so the site has no '
            "browser editor (/admin/).", "Write it as it is in the repository's GitHub address, for example "
            "northshire/learning-site.", line=doc.line_of("editing", "repo"), field="editing.repo"))
        return Editing()
    return editing


def site_description(name: str) -> str:
    """What search engines show of the site's home page when sitegen.yaml has no `description`."""
    return (f"The reviews and 7-minute briefings that {name} publishes, and what they teach about keeping "
            "children and adults safe.")


def _accent(colour: str | None, doc: yamlfile.YamlDocument, problems: list[Problem]) -> str | None:
    """The accent colour, or None (the theme's own) when text in it would be hard to read."""
    if colour is None:
        return None
    ratio = contrast(colour)
    if ratio >= AA_TEXT:
        return colour
    problems.append(warning(
        CONFIG_FILE,
        f'accent_colour: "{colour}" has a contrast of only {ratio:.1f} to 1 against white, so links in it and '
        f"white text on it would be hard to read (the law asks for at least {AA_TEXT} to 1). "
        "The site uses its own blue instead.",
        f'Choose a darker colour, for example "{darkest_needed(colour)}" (your colour made darker).',
        line=doc.line_of("accent_colour"), field="accent_colour"))
    return None


def _logo(root: Path, logo: str | None, doc: yamlfile.YamlDocument, problems: list[Problem]) -> str | None:
    """The logo's path in the site folder, or None (no logo) when it cannot be used."""
    if logo is None:
        return None
    line = doc.line_of("logo")
    path = (root / logo).resolve()
    if root.resolve() not in path.parents:
        problems.append(warning(CONFIG_FILE, f"logo: {logo} is outside the site folder, so the site has no logo.",
                                "Copy the logo into the site folder and write its path from there, for example logo: logo.svg.", line=line, field="logo"))
    elif not path.is_file():
        problems.append(warning(CONFIG_FILE, f"logo: {logo} does not exist, so the site has no logo.",
                                "Check the spelling, or put the file in the site folder.", line=line, field="logo"))
    elif path.suffix.lower() not in LOGO_FORMATS:
        problems.append(warning(CONFIG_FILE, f"logo: {logo} is not a picture a browser can show, so the site has no logo.",
                                "Use an SVG, PNG, JPEG, GIF or WebP file.", line=line, field="logo"))
    else:
        return logo
    return None

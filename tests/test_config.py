"""sitegen.yaml: defaults, overrides and plain-English problems."""

from pathlib import Path

import pytest

from sitegen.content.config import DEFAULT_TYPES, load_config
from sitegen.rules.visibility import NEVER, Window


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sitegen.yaml").write_text(text)
    return tmp_path


def test_only_name_and_base_url_give_defaults(tmp_path):
    loaded = load_config(write(tmp_path, "name: Northshire\nbase_url: https://x.example/\n"))
    config = loaded.config
    assert loaded.problems == []
    assert config.base_url == "https://x.example"
    assert config.timezone == "Europe/London"
    assert set(config.types) == {"sar", "cspr", "scr", "dhr", "briefing", "learning-review"}
    assert all(t.window == Window(years=1) for t in config.types.values())
    assert config.types["briefing"].singular == "7-minute briefing"
    assert config.on_expiry == "notice"


def test_relabel_change_window_and_add_type(tmp_path):
    loaded = load_config(write(tmp_path, """
name: N
base_url: https://x.example
types:
  sar:
    label: Adult reviews
    window: 18 months
  dhr:
    window: never
  mash-audit:
    label: MASH audits
    window: 6 months
"""))
    types = loaded.config.types
    assert types["sar"].label == "Adult reviews"
    assert types["sar"].singular == DEFAULT_TYPES["sar"].singular
    assert types["sar"].window == Window(months=18)
    assert types["dhr"].window == NEVER
    assert types["mash-audit"].window == Window(months=6)
    assert not any(t.broken for t in types.values())


def test_unknown_settings_warn_with_did_you_mean(tmp_path):
    loaded = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\ntimzone: Europe/London\n"))
    assert loaded.config is not None
    [problem] = loaded.problems
    assert not problem.is_error
    assert problem.line == 3
    assert "timzone" in problem.message and "Did you mean timezone?" in problem.advice


def test_missing_config_names_the_way_out(tmp_path):
    loaded = load_config(tmp_path)
    assert loaded.config is None
    assert "sitegen init" in loaded.problems[0].advice


def test_missing_base_url_stops(tmp_path):
    loaded = load_config(write(tmp_path, "name: N\n"))
    assert loaded.config is None
    assert any(p.field == "base_url" and "missing" in p.message for p in loaded.problems)


def test_broken_yaml_gives_line(tmp_path):
    loaded = load_config(write(tmp_path, "name: N\nbase_url: [https://x.example\n"))
    assert loaded.config is None
    assert loaded.problems[0].line == 2
    assert loaded.problems[0].message == "the settings cannot be read: line 2 opens a list with [ that is not closed on the same line."


def test_bad_timezone(tmp_path):
    loaded = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\ntimezone: Europe/Londn\n"))
    assert loaded.config is None
    assert "Europe/Londn" in loaded.problems[0].message


def test_a_bad_window_breaks_only_that_type(tmp_path):
    loaded = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\ntypes:\n  sar:\n    window: a while\n"))
    assert loaded.config.types["sar"].broken
    assert not loaded.config.types["cspr"].broken
    [problem] = loaded.problems
    assert problem.is_error and problem.line == 5 and "a while" in problem.message


# --- branding and the accessibility statement ---------------------------------

from hypothesis import given, strategies as st  # noqa: E402

from sitegen.content.colour import contrast, darkest_needed, relative_luminance  # noqa: E402
from sitegen.content.config import AccessibilityStatement, DEFAULT_KNOWN_ISSUES  # noqa: E402


def test_contrast_matches_wcag_examples():
    assert round(contrast("#000000"), 2) == 21.0
    assert contrast("#ffffff") == 1.0
    assert round(contrast("#767676"), 2) == 4.54  # the lightest grey that passes AA on white
    assert contrast("#777777") < 4.5
    assert relative_luminance("#fff") == relative_luminance("#ffffff") == 1.0


hex_colours = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)


@given(hex_colours, hex_colours)
def test_contrast_is_symmetric_and_between_1_and_21(first, second):
    assert contrast(first, second) == contrast(second, first)
    assert 1.0 <= contrast(first, second) <= 21.0 + 1e-9


@given(hex_colours)
def test_the_suggested_darker_colour_always_passes(colour):
    assert contrast(darkest_needed(colour)) >= 4.5


def test_an_accent_colour_that_passes_is_used(tmp_path):
    loaded = load_config(write(tmp_path, 'name: N\nbase_url: https://x.example\naccent_colour: "#00625E"\n'))
    assert loaded.problems == [] and loaded.config.accent_colour == "#00625e"


def test_a_light_accent_colour_is_a_warning_naming_the_file_and_field(tmp_path):
    loaded = load_config(write(tmp_path, 'name: N\nbase_url: https://x.example\naccent_colour: "#f0c000"\n'))
    [problem] = loaded.problems
    assert not problem.is_error
    assert (problem.file, problem.line, problem.field) == ("sitegen.yaml", 3, "accent_colour")
    assert "#f0c000" in problem.message and "4.5 to 1" in problem.message and "1.7 to 1" in problem.message
    assert f'"{darkest_needed("#f0c000")}"' in problem.advice
    assert loaded.config.accent_colour is None  # the theme's own colour keeps the site readable


def test_logo_is_checked(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "notes.txt").write_text("x")
    ok = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\nlogo: logo.svg\n"))
    assert ok.problems == [] and ok.config.logo == "logo.svg"
    for logo, words in [("missing.png", "does not exist"), ("notes.txt", "not a picture"), ("../x.svg", "outside the site folder")]:
        loaded = load_config(write(tmp_path, f"name: N\nbase_url: https://x.example\nlogo: {logo}\n"))
        [problem] = loaded.problems
        assert words in problem.message and problem.field == "logo" and problem.line == 3 and not problem.is_error
        assert loaded.config.logo is None


def test_accessibility_statement_settings(tmp_path):
    default = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\n")).config.accessibility
    assert default == AccessibilityStatement() and default.compliance == "partially compliant"
    assert default.known_issues == DEFAULT_KNOWN_ISSUES
    loaded = load_config(write(tmp_path, """name: N
base_url: https://x.example
accessibility:
  status: full
  known_issues: []
  prepared: 2026-01-12
  reviewed: 2026-10-01
"""))
    assert loaded.problems == []
    statement = loaded.config.accessibility
    assert statement.compliance == "fully compliant" and statement.known_issues == ()
    assert str(statement.prepared) == "2026-01-12" and str(statement.reviewed) == "2026-10-01"
    bad = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\naccessibility:\n  status: mostly\n"))
    [problem] = bad.problems
    assert problem.field == "accessibility.status" and problem.line == 4 and "full, partial, not" in problem.message


# --- the last whole build's settings stand in for a sitegen.yaml that cannot be used -----

from sitegen.core.cachefile import read_sealed_text  # noqa: E402
from sitegen.content.config import CACHE_DIR, LAST_BUILT, keep_settings  # noqa: E402

GOOD = "name: Northshire\nbase_url: https://x.example/\ntypes:\n  sar:\n    window: 6 months\n"


def kept_build(tmp_path: Path, text: str = GOOD) -> Path:
    """A site whose last whole build used `text`."""
    root = write(tmp_path, text)
    keep_settings(load_config(root))
    return root


def test_a_whole_build_keeps_the_settings_it_used(tmp_path):
    root = kept_build(tmp_path)
    assert read_sealed_text(root / CACHE_DIR / LAST_BUILT) == GOOD


def test_broken_settings_are_replaced_by_the_last_built_ones_and_said_so(tmp_path):
    root = kept_build(tmp_path)
    (root / "sitegen.yaml").write_text("name: Northshire\nbase_url: https://x.example/\ntypes:\n  sar\n    window: 1 year\n")
    loaded = load_config(root, stand_in=True)
    assert loaded.stand_in and loaded.config.name == "Northshire"
    assert loaded.config.types["sar"].window == Window(months=6)  # the kept settings, not today's edit
    yaml_error, note = sorted(loaded.problems, key=lambda p: p.line or 0)[::-1]
    assert yaml_error.file == "sitegen.yaml" and yaml_error.line and yaml_error.is_error
    assert note.file == "sitegen.yaml" and note.is_error
    assert "used the settings of the last build" in note.message and f"{CACHE_DIR}/{LAST_BUILT}" in note.message
    assert "Fix the errors listed for sitegen.yaml" in note.advice


def test_missing_required_settings_are_replaced_too(tmp_path):
    root = kept_build(tmp_path)
    (root / "sitegen.yaml").write_text("name: Northshire\nbase_url: x.example\n")
    loaded = load_config(root, stand_in=True)
    assert loaded.stand_in and loaded.config.base_url == "https://x.example"
    assert any(p.field == "base_url" and p.line == 2 for p in loaded.problems)


def test_without_stand_in_broken_settings_still_stop(tmp_path):
    root = kept_build(tmp_path)
    (root / "sitegen.yaml").write_text("name: [\n")
    assert load_config(root).config is None


def test_no_kept_settings_or_damaged_ones_still_stop(tmp_path):
    root = write(tmp_path, "name: [\n")
    assert load_config(root, stand_in=True).config is None
    (root / CACHE_DIR).mkdir()
    for damaged in (b"name: [\n", b"\xff\xfe\x00", b"base_url: https://x.example\n"):
        (root / CACHE_DIR / LAST_BUILT).write_bytes(damaged)
        loaded = load_config(root, stand_in=True)
        assert loaded.config is None and not loaded.stand_in
        assert [p.file for p in loaded.problems] == ["sitegen.yaml"]


def test_kept_settings_changed_since_they_were_kept_never_stand_in(tmp_path):
    """A kept copy with a byte changed (a disk, a cache restored halfway) could shorten or lengthen
    a window: it is not used, and the build stops as it would with no kept settings."""
    root = kept_build(tmp_path)
    kept = root / CACHE_DIR / LAST_BUILT
    kept.write_bytes(kept.read_bytes().replace(b"6 months", b"9 months"))
    (root / "sitegen.yaml").write_text("name: [\n")
    loaded = load_config(root, stand_in=True)
    assert loaded.config is None and not loaded.stand_in


def test_a_missing_settings_file_is_never_stood_in_for(tmp_path):
    root = kept_build(tmp_path)
    (root / "sitegen.yaml").unlink()
    loaded = load_config(root, stand_in=True)
    assert loaded.config is None and "there is no sitegen.yaml" in loaded.problems[0].message


def test_stood_in_settings_are_not_kept_again_and_good_ones_replace_them(tmp_path):
    root = kept_build(tmp_path)
    (root / "sitegen.yaml").write_text("name: [\n")
    keep_settings(load_config(root, stand_in=True))
    assert read_sealed_text(root / CACHE_DIR / LAST_BUILT) == GOOD
    fixed = GOOD.replace("6 months", "2 years")
    (root / "sitegen.yaml").write_text(fixed)
    keep_settings(load_config(root, stand_in=True))
    assert read_sealed_text(root / CACHE_DIR / LAST_BUILT) == fixed


def test_problems_of_the_kept_settings_are_filed_under_their_own_name(tmp_path):
    root = kept_build(tmp_path, GOOD + "logo: gone.svg\n")
    (root / "sitegen.yaml").write_text("name: [\n")
    loaded = load_config(root, stand_in=True)
    logo = [p for p in loaded.problems if p.field == "logo"]
    assert [(p.file, p.line) for p in logo] == [(f"{CACHE_DIR}/{LAST_BUILT}", 6)]


@pytest.mark.parametrize("key", ["search", "themes", "assets", "pagefind", "accessibility", "index"])
def test_a_review_type_cannot_take_an_address_the_site_uses(tmp_path, key):
    (tmp_path / "sitegen.yaml").write_text(f"name: X\nbase_url: https://x.example\ntypes:\n  {key}:\n    label: Odd\n")
    loaded = load_config(tmp_path)
    assert key not in loaded.config.types
    assert any(f"`{key}` is an address the site itself uses" in p.message and p.line == 4 for p in loaded.problems)


# --- each setting declared once: its kind, default and help (what the web editor's form shows) ---

import tempfile  # noqa: E402

from sitegen.content import yamlfile  # noqa: E402
from sitegen.content.config import (ACCESSIBILITY_FIELDS, CONTACT_FIELDS, DEFAULT_LIBRARIES, LIBRARY_FIELDS, SITE_FIELDS,  # noqa: E402
                                    TYPE_FIELDS, SiteConfig, parse_config, site_description)
from sitegen.content.schema import attribute_of  # noqa: E402

ALL_TABLES = {"settings": SITE_FIELDS, "contact": CONTACT_FIELDS, "accessibility": ACCESSIBILITY_FIELDS,
              "a review type": TYPE_FIELDS, "a library": LIBRARY_FIELDS}


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_setting_has_plain_help(table):
    for field in ALL_TABLES[table]:
        assert len(field.help) > 15, f"{table}: {field.name} has no help for the web editor's form"
        assert field.help[0].isupper() and field.help.endswith("."), f"{table}: {field.name}: {field.help!r}"


def test_every_setting_of_the_site_has_its_default_and_site_config_has_the_same():
    bare = SiteConfig(root=Path("."), name="N", base_url="https://x.example")
    assert [f.name for f in SITE_FIELDS if f.required] == ["name", "base_url"]
    for field in SITE_FIELDS:
        if field.required:
            assert field.default is None, field.name
        else:
            assert getattr(bare, attribute_of(SiteConfig, field.name)) == field.default, field.name
    assert bare.types == DEFAULT_TYPES and SITE_FIELDS[0].default is None
    contact_and_statement = {f.name: f.default for f in CONTACT_FIELDS + ACCESSIBILITY_FIELDS}
    assert contact_and_statement == {**vars(bare.contact), **vars(bare.accessibility)}


# A value that is not the default, for each setting a site may leave out (not `logo`: it needs a file).
WRITTEN = {
    "timezone": ("Europe/Paris", "Europe/Paris"),
    "language": ("cy", "cy"),
    "contact": ({"email": "safeguarding@x.example"}, None),
    "types": ({"sar": {"label": "Adult reviews"}}, None),
    "national_libraries": ({"nspcc": {"title": "NSPCC library"}}, None),
    "on_expiry": ("remove", "remove"),
    "description": ("About our reviews.", "About our reviews."),
    "accent_colour": ("#1d70b8", "#1d70b8"),
    "accessibility": ({"status": "full"}, None),
    "licence": ("https://x.example/licence", "https://x.example/licence"),
}


@given(st.sets(st.sampled_from(sorted(WRITTEN))))
def test_a_setting_left_out_takes_its_declared_default(written):
    """Whichever settings a site writes, every one it leaves out is the table's default on the
    SiteConfig it loads (the description: made from the name), and one it writes is not."""
    import yaml
    data = {"name": "Northshire", "base_url": "https://x.example"}
    data.update({name: WRITTEN[name][0] for name in written})
    with tempfile.TemporaryDirectory() as folder:
        loaded = parse_config(Path(folder), yamlfile.load(yaml.safe_dump(data)))
    assert loaded.problems == []
    for field in SITE_FIELDS:
        if field.required or field.name == "logo":
            continue
        value = getattr(loaded.config, attribute_of(SiteConfig, field.name))
        if field.name not in written:
            expected = site_description("Northshire") if field.name == "description" else field.default
            assert value == expected, field.name
        else:
            assert value != field.default, field.name
            if WRITTEN[field.name][1] is not None:
                assert value == WRITTEN[field.name][1]
    if "contact" in written:
        assert loaded.config.contact.email == "safeguarding@x.example"
    if "types" in written:
        assert loaded.config.types["sar"].label == "Adult reviews" and loaded.config.types["sar"].short == "SAR"
    if "national_libraries" in written:
        assert loaded.config.libraries["nspcc"].title == "NSPCC library"
        assert loaded.config.libraries["nspcc"].url == DEFAULT_LIBRARIES["nspcc"].url
    if "accessibility" in written:
        assert loaded.config.accessibility.compliance == "fully compliant"


@pytest.mark.parametrize("text, message, line, field", [
    ("contact: safeguarding@x.example\n",
     'the contact section should be a list of `name: value` lines, not "safeguarding@x.example".', 3, "contact"),
    ("contact:\n  url: not an address\n", 'contact.url: "not an address" is not a web address.', 4, "contact.url"),
    ("contact:\n  emial: a@x.example\n", "`contact.emial` is not a setting sitegen knows, so it is ignored.", 4, "contact.emial"),
    ("accessibility: [full]\n",
     "the accessibility section should be a list of `name: value` lines, not ['full'].", 3, "accessibility"),
    ("types: [sar]\n", "types should list review types by their short name, such as sar.", 3, None),
    ("national_libraries: nspcc\n", "national_libraries should list libraries by name.", 3, None),
    ("national_libraries:\n  local:\n    title: Our library\n", "`national_libraries.local.url` is missing: the library needs it.", 4,
     "national_libraries.local.url"),
])
def test_a_section_written_wrong_is_told_as_before(tmp_path, text, message, line, field):
    loaded = load_config(write(tmp_path, "name: N\nbase_url: https://x.example\n" + text))
    assert loaded.config is not None
    [problem] = loaded.problems
    assert (problem.message, problem.line, problem.field) == (message, line, field)

"""The browser editor's /admin/ (sitegen/output/admin.py): made from the schema at each build, holding
field definitions and never anything of an entry, and there only when the site asks for it and
Decap's pinned bundle is installed. The editor in a browser: tests/browser/test_admin.py."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, read_output
from sitegen.content.config import load_config
from sitegen.content.entries import read_entries
from sitegen.output import admin, decap_adapter
from sitegen.rules.addresses import RESERVED_NAMES, is_slug
from sitegen.content.schema import Slug

DAY = date(2026, 11, 22)


def needs_decap(test):
    """Skipped where Decap CMS is not installed (run bash scripts/test-all, or npm install), except in CI."""
    if decap_adapter.installed_version(ROOT) is not None or os.environ.get("CI"):
        return test
    return pytest.mark.skip(reason="Decap CMS is not installed: run bash scripts/test-all, or npm install")(test)


def editing_site(site, **editing) -> None:
    """`site` with the sample's node_modules (Decap, pinned) and `editing:` settings."""
    (site.root / "node_modules").symlink_to(ROOT / "node_modules")
    site.write_settings(editing=editing or {"backend": "git-gateway"})


def form(site) -> dict:
    loaded = load_config(site.root)
    return yaml.safe_load(admin.config_text(loaded.config))


def collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def field(fields: list[dict], name: str) -> dict:
    return next(f for f in fields if f["name"] == name)


@needs_decap
def test_every_review_type_of_the_settings_has_its_collection(site):
    editing_site(site)
    site.write_settings(types={"dardr": {}, "mash-audit": {"label": "MASH audits", "singular": "MASH audit"}})
    config = form(site)
    types = load_config(site.root).config.types
    assert [c["name"] for c in config["collections"]] == [*types, "page", "home_page"]
    audit = collection(config, "mash-audit")
    assert (audit["label"], audit["label_singular"]) == ("MASH audits", "MASH audit")
    assert audit["folder"] == "content/reviews" and audit["filter"] == {"field": "type", "value": "mash-audit"}
    assert field(audit["fields"], "type") == {**field(audit["fields"], "type"), "widget": "hidden", "default": "mash-audit"}
    assert collection(config, "sar")["label_singular"] == "Safeguarding Adults Review"
    assert collection(config, "briefing")["folder"] == "content/briefings"


@needs_decap
def test_the_fields_an_entry_needs_are_required_in_the_form(site):
    editing_site(site)
    site.write_settings(types={"sar": {"requires": ["approved", "panel_reference"]}})
    config = form(site)
    dhr, sar, page = (collection(config, name)["fields"] for name in ("dhr", "sar", "page"))
    assert [f["name"] for f in dhr if f["required"]] == ["title", "type", "published", "approved", "summary", "documents"]
    assert field(sar, "panel_reference")["required"] and field(sar, "approved")["required"]
    assert not field(collection(config, "cspr")["fields"], "approved")["required"]
    assert [f["name"] for f in page if f["required"]] == ["title", "type"]
    assert field(dhr, "documents")["min"] == 1


@needs_decap
def test_each_field_has_its_label_help_and_widget_by_kind(site):
    editing_site(site)
    fields = collection(form(site), "sar")["fields"]
    published = field(fields, "published")
    assert (published["label"], published["widget"], published["format"], published["time_format"]) == \
        ("Goes on the site on", "datetime", "YYYY-MM-DD", False)
    assert published["hint"] == "The day it goes on the site; a review's window counts from it."
    assert published["pattern"][1] == "Write a date as year-month-day, for example 2026-11-22."
    assert field(fields, "on_expiry")["widget"] == "select" and field(fields, "on_expiry")["options"] == ["notice", "remove"]
    assert field(fields, "themes")["widget"] == "list" and field(fields, "summary")["widget"] == "text"
    assert field(fields, "slug")["pattern"][0] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    assert field(fields, "body")["widget"] == "markdown"
    documents = field(fields, "documents")
    assert [(f["name"], f["widget"]) for f in documents["fields"]] == [("file", "file"), ("title", "string"), ("html", "file")]


@needs_decap
def test_uploads_go_into_reports_as_entries_name_them_and_the_workflow_is_editorial(site):
    editing_site(site)
    config = form(site)
    assert (config["media_folder"], config["public_folder"]) == ("reports", "reports")
    assert config["publish_mode"] == "editorial_workflow"
    assert config["backend"] == {"name": "git-gateway", "branch": "main"}
    assert "local_backend" not in config


def test_the_slug_pattern_is_the_rule_of_addresses():
    import re

    pattern = re.compile(admin._by_kind(Slug())["pattern"][0])

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(alphabet="ab-9Z _", max_size=12))
    def agrees(text):
        assert (pattern.search(text) is not None) == is_slug(text)

    agrees()


@needs_decap
def test_the_github_sign_in_names_its_repository_and_service(site):
    editing_site(site, backend="github", repo="northshire/learning", branch="live",
                 base_url="https://auth.northshire.example", auth_endpoint="oauth/start")
    assert form(site)["backend"] == {"name": "github", "repo": "northshire/learning", "branch": "live",
                                     "base_url": "https://auth.northshire.example", "auth_endpoint": "oauth/start"}


def test_github_without_its_repository_is_a_warning_and_no_editor(site):
    editing_site(site, backend="github")
    loaded = load_config(site.root)
    [problem] = loaded.problems
    assert not problem.is_error and problem.line == problem.line and "needs the site's repository" in problem.message
    assert "repo: northshire/learning-site" in problem.advice
    result, out = site.build(DAY)
    assert not result.failed and not (out / "admin").exists()


def test_a_site_that_asks_for_no_editor_has_no_admin_and_no_word_of_decap(site):
    site.write_settings()  # no editing: section: none
    result, out = site.build(DAY)
    assert not (out / "admin").exists()
    assert not any("Decap" in p.message for p in result.problems)


def test_without_decap_installed_the_site_is_built_without_admin_and_says_how_to_install_it(site):
    site.write_settings(editing={"backend": "git-gateway"})
    result, out = site.build(DAY)
    assert not result.failed and (out / "index.html").is_file() and not (out / "admin").exists()
    [problem] = [p for p in result.problems if "Decap" in p.message]
    assert not problem.is_error and problem.file == "package.json"
    assert "`npm install`" in problem.advice


@needs_decap
def test_a_changed_bundle_is_refused(site, tmp_path):
    """A copy of Decap's package with one byte of its bundle changed: not published."""
    fake = tmp_path / "node_modules" / "decap-cms"
    (fake / "dist").mkdir(parents=True)
    real = ROOT / "node_modules" / "decap-cms"
    (fake / "package.json").write_bytes((real / "package.json").read_bytes())
    for name in decap_adapter.bundle_names(real / "dist"):
        (fake / "dist" / name).symlink_to(real / "dist" / name)
    (fake / "dist" / "decap-cms.js").unlink()
    (fake / "dist" / "decap-cms.js").write_bytes((real / "dist" / "decap-cms.js").read_bytes() + b"\n")
    (site.root / "node_modules").symlink_to(tmp_path / "node_modules")
    site.write_settings(editing={"backend": "git-gateway"})
    result, out = site.build(DAY)
    assert not result.failed and not (out / "admin").exists()
    [problem] = [p for p in result.problems if "Decap" in p.message]
    assert "SHA-256" in problem.message and "npm ci" in problem.advice


@needs_decap
def test_the_sample_site_has_admin_with_decaps_own_files_and_no_script_from_elsewhere(sample_build):
    files = read_output(sample_build.output)
    page = files["admin/index.html"].decode()
    assert '<script src="/admin/decap-cms.js"></script>' in page and "http" not in page.split("<body>")[1]
    assert files["admin/decap-cms.js"] == (ROOT / "node_modules/decap-cms/dist/decap-cms.js").read_bytes()
    assert b"registerPreviewStyle(\"/assets/site.css\")" in files["admin/preview.js"]
    assert b"local_backend" not in files["admin/config.yml"]


@needs_decap
def test_nothing_of_an_entry_is_in_admin(sample_build):
    """/admin/ is public: no title, summary, file name or document of any sample entry, in any state,
    is in any of its files but Decap's own (checked byte for byte against their pinned SHA-256)."""
    config = load_config(ROOT).config
    bundle = set(decap_adapter.bundle_names(ROOT / "node_modules/decap-cms/dist"))
    files = {path: data for path, data in read_output(sample_build.output).items()
             if path.startswith("admin/") and path.removeprefix("admin/") not in bundle}
    assert sorted(files) == ["admin/config.yml", "admin/index.html", "admin/preview.js"]
    entries = read_entries(config, workers=1)
    assert len(entries) > 10
    needles = set()
    for entry in entries:
        needles |= {entry.title, entry.summary, *(d.name for d in entry.documents)}
        if entry.source != "content/index.md":  # the home page's file is named by the form itself
            needles.add(Path(entry.source).stem)
    found = [(needle, path) for needle in filter(None, needles) for path, data in files.items() if needle.encode() in data]
    assert found == []


@needs_decap
def test_no_draft_scheduled_or_withheld_entry_leaves_a_trace_in_admin(site):
    editing_site(site)
    site.pdf("reports/zq-report.pdf")
    marks = {"draft": dict(draft=True, published="2026-01-01"), "scheduled": dict(published="2027-01-01"),
             "withheld": dict(published="2026-01-01", expires="2025-01-01")}
    for state, front in marks.items():
        site.entry(f"zq-{state}-file", folder="content/reviews", title=f"Zqx {state} title", type="sar",
                   summary=f"Zqx {state} summary", subject=f"Zqx {state} subject",
                   documents=[{"file": "reports/zq-report.pdf", "title": f"Zqx {state} document"}], **front)
    result, out = site.build(DAY)
    assert (out / "admin/config.yml").is_file()
    for path in (out / "admin").iterdir():
        data = path.read_bytes()
        assert b"Zqx" not in data and b"zq-" not in data, path.name


def test_admin_is_claimed_so_no_page_can_take_it(site):
    site.entry("admin", folder="content/pages", title="Admin", type="page")
    result, _ = site.build(DAY)
    assert any("admin" in p.message and p.is_error for p in result.problems if p.file == "content/pages/admin.md")


def test_a_sign_in_sitegen_does_not_know_is_an_error_on_its_line_and_no_editor(site):
    editing_site(site, backend="netlfy")
    result, out = site.build(DAY)
    [problem] = [p for p in result.problems if p.file == "sitegen.yaml"]
    assert problem.is_error and problem.field == "editing.backend"
    assert '"netlfy" is not one of none, git-gateway, github' in problem.message
    assert not result.failed and (out / "index.html").is_file() and not (out / "admin").exists()


TYPE_KEYS = st.from_regex(r"[a-z]{2,8}(-[a-z]{2,6})?", fullmatch=True).filter(
    lambda key: key not in RESERVED_NAMES and key != "page")  # "home" may be a type: the home page's collection is home_page


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.one_of(TYPE_KEYS, st.just("home")), st.lists(st.sampled_from(["approved", "subject", "panel_ref"]), unique=True), max_size=4))
def test_any_review_types_give_one_collection_each_with_what_they_require_required(types):
    """For any review types a site adds (and what each requires), the form has exactly one collection
    for each of the site's types, reading its own entries by `type:`, and requires what the build does."""
    from sitegen.content import yamlfile
    from sitegen.content.config import parse_config
    from sitegen.content.entries import required_fields

    text = yaml.safe_dump({"name": "N", "base_url": "https://x.example", "editing": {"backend": "git-gateway"},
                           "types": {key: {"requires": needs} for key, needs in types.items()}})
    config = parse_config(Path("/nonexistent"), yamlfile.load(text)).config
    made = admin.form_config(config)
    names = [c["name"] for c in made["collections"]]
    assert len(set(names)) == len(names)  # Decap needs each collection's name to be its own
    reviews = [c for c in made["collections"] if c["name"] not in ("page", "home_page")]
    assert [c["name"] for c in reviews] == list(config.types)
    for c in reviews:
        assert c["filter"] == {"field": "type", "value": c["name"]}
        required = {f["name"] for f in c["fields"] if f.get("required")}
        assert required == set(required_fields(config, c["name"])) | {"documents"}


@needs_decap
def test_only_a_preview_names_the_local_backend(site, tmp_path):
    """`sitegen serve` builds with a banner: its /admin/ saves through decap-server on this computer.
    A production build of the same site never names it."""
    editing_site(site)
    preview, out = site.build(DAY, tmp_path / "preview", banner="Preview", use_cache=False)
    assert not preview.failed
    config = yaml.safe_load((out / "admin/config.yml").read_text())
    assert config["local_backend"] == {"url": f"http://127.0.0.1:{admin.LOCAL_BACKEND_PORT}/api/v1"}
    _, built = site.build(DAY)
    assert b"local_backend" not in (built / "admin/config.yml").read_bytes()

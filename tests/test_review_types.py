"""Review types a site switches on: DARDR, SUSR, CPR, APR and OWHR (issue 27)."""

from __future__ import annotations

from conftest import read_output
from sitegen.content.config import AVAILABLE_TYPES, DEFAULT_TYPES, load_config
from sitegen.rules.visibility import Window


def _settings(tmp_path, types: str):
    (tmp_path / "sitegen.yaml").write_text(f"name: N\nbase_url: https://x.example\ntypes:\n{types}")
    return load_config(tmp_path)


def test_new_types_are_off_until_a_site_switches_them_on(tmp_path):
    (tmp_path / "sitegen.yaml").write_text("name: N\nbase_url: https://x.example\n")
    config = load_config(tmp_path).config
    assert not set(AVAILABLE_TYPES) & set(config.types)
    assert "wales-repository" not in config.libraries  # a site in England is not pointed at it


def test_switched_on_types_come_with_their_label_window_and_library(tmp_path):
    loaded = _settings(tmp_path, "  dardr: {}\n  susr:\n  owhr: on\n  cpr:\n    window: 2 years\n")
    assert loaded.problems == []
    types = loaded.config.types
    assert types["dardr"].label == "Domestic Abuse Related Death Reviews"
    assert types["dardr"].requires == ("approved",)  # as a DHR: Home Office approval first
    assert types["dardr"].library == "dhr-library"
    assert types["susr"].library == "wales-repository" and types["susr"].window == Window(years=1)
    assert types["cpr"].window == Window(years=2)
    assert types["owhr"].short == "OWHR"
    # old DHRs keep their own label beside the new name
    assert types["dhr"].label == DEFAULT_TYPES["dhr"].label == "Domestic Homicide Reviews"
    assert "registered users" in loaded.config.libraries["wales-repository"].access


def test_a_dardr_needs_approval_and_a_susr_notice_says_the_library_is_for_registered_users(site):
    site.write_settings(types={"dardr": {}, "susr": {}})
    site.entry("ms-k", type="dardr", published="2026-01-10", title="DARDR Ms K")  # no approved: withheld
    site.entry("ms-l", type="dardr", published="2026-01-10", approved="2025-12-01", title="DARDR Ms L")
    site.entry("child-w", type="susr", published="2025-01-10", title="SUSR Child W")  # expired: a notice
    result, out = site.build("2026-11-22")
    files = read_output(out)
    assert "dardr/ms-l/index.html" in files and "dardr/ms-k/index.html" not in files
    problem = next(p for p in result.problems if p.file.endswith("ms-k.md"))
    assert problem.is_error and "approved" in problem.message + problem.advice
    notice = files["susr/child-w/index.html"].decode()
    assert "Wales Safeguarding Repository" in notice and "Only registered users" in notice
    assert "Domestic Abuse Related Death Review" in files["dardr/ms-l/index.html"].decode()

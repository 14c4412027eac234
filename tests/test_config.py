"""sitegen.yaml: defaults, overrides and plain-English problems."""

from pathlib import Path

from sitegen.config import DEFAULT_TYPES, load_config
from sitegen.visibility import NEVER, Window


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
    assert loaded.problems[0].line is not None
    assert "not valid YAML" in loaded.problems[0].message


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

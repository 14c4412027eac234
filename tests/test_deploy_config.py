"""netlify.toml and the GitHub workflows: what Netlify builds and serves, and when
the site is rebuilt."""

import json
import re
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import ROOT

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def netlify() -> dict:
    return tomllib.loads((ROOT / "netlify.toml").read_text())


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def triggers(flow: dict) -> dict:
    return flow[True]  # YAML 1.1 reads the key `on` as True


def steps(flow: dict) -> list[dict]:
    [job] = flow["jobs"].values()
    return job["steps"]


def all_steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def runs(flow: dict) -> str:
    return "\n".join(step.get("run", "") for step in all_steps(flow))


# --- netlify.toml ------------------------------------------------------------------

def test_netlify_builds_today_s_site_into_build(netlify):
    build = netlify["build"]
    assert build["publish"] == "build"
    command = build["command"]
    assert re.search(r"pip install [^&]*\.(\s|$)", command), "the command installs sitegen from this repository"
    assert command.rstrip().endswith("sitegen build")
    assert "--as-of" not in command  # the nightly build must use today's date
    assert "--strict" not in command  # one broken entry must not stop the deploy


def test_a_deploy_preview_installs_the_same_and_builds_a_preview(netlify):
    """Netlify runs `[context.deploy-preview]`'s command for a pull request's preview: the production
    build's install, then `sitegen build --deploy-preview` (nothing else differs, so nothing drifts)."""
    production = netlify["build"]["command"]
    preview = netlify["context"]["deploy-preview"]["command"]
    assert preview == production + " --deploy-preview"
    assert set(netlify["context"]) == {"deploy-preview"}  # the production build is the [build] command alone


def test_netlify_installs_none_of_the_test_tools(netlify):
    """package.json's devDependencies are tools for sitegen's own tests (and decap-server, for editing on
    a computer); Netlify would install them on every deploy. The one package a build uses is Decap
    CMS, pinned, whose bundle is the browser editor (sitegen/output/decap_adapter.py)."""
    package = json.loads((ROOT / "package.json").read_text())
    assert set(package) - {"name", "private", "description", "dependencies", "devDependencies"} == set()
    assert package["dependencies"] == {"decap-cms": "3.16.3"}, "a build needs no other npm package"
    assert netlify["build"]["environment"]["NPM_FLAGS"] == "--omit=dev"


def test_python_version_is_pinned_to_one_sitegen_supports(netlify):
    pinned = netlify["build"]["environment"]["PYTHON_VERSION"]
    assert re.fullmatch(r"3\.\d+", pinned)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimum = project["requires-python"].removeprefix(">=")
    assert tuple(map(int, pinned.split("."))) >= tuple(map(int, minimum.split(".")))
    for flow in ("ci.yml", "nightly.yml"):
        versions = {step["with"]["python-version"] for step in all_steps(workflow(flow)) if "setup-python" in step.get("uses", "")}
        assert versions == {pinned}, flow


def every_path_headers(netlify) -> dict[str, str]:
    [rule] = [rule for rule in netlify["headers"] if rule["for"] == "/*"]
    return {name.lower(): value for name, value in rule["values"].items()}


def csp(netlify) -> dict[str, list[str]]:
    policy = every_path_headers(netlify)["content-security-policy"]
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} is written twice"
        directives[name] = sources
    return directives


def test_csp_allows_only_the_site_itself(netlify):
    policy = csp(netlify)
    assert policy["default-src"] == ["'self'"]
    allowed = {"'self'", "'none'", "'wasm-unsafe-eval'", "blob:", "data:"}
    for name, sources in policy.items():
        assert set(sources) <= allowed, f"{name} allows {set(sources) - allowed}: no outside hosts, nothing inline"
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly, no eval(), nothing inline
    assert policy["style-src"] == ["'self'"]
    assert "data:" not in policy["script-src"] + policy.get("worker-src", []) + policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] in (["'self'"], ["'none'"])
    assert policy["form-action"] == ["'self'"]


def test_other_security_headers(netlify):
    headers = every_path_headers(netlify)
    hsts = headers["strict-transport-security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 3600
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
    permissions = dict(item.strip().split("=") for item in headers["permissions-policy"].split(","))
    for feature in ("camera", "microphone", "geolocation"):
        assert permissions[feature] == "()"
    assert "x-robots-tag" not in headers  # that is per report, in each build's _headers


# --- the workflows -------------------------------------------------------------------

def test_every_push_and_pull_request_is_checked_and_tested():
    flow = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(flow))
    commands = runs(flow)
    assert "sitegen check" in commands
    assert "bash scripts/test-all" in commands  # the README's test command
    assert "pip install" in commands  # sitegen itself, for `sitegen check`


def cron_times(flow: dict) -> list[time]:
    found = []
    for entry in triggers(flow)["schedule"]:
        minute, hour, *rest = entry["cron"].split()
        assert rest == ["*", "*", "*"], entry["cron"]
        found.append(time(int(hour), int(minute)))
    return found


def test_nightly_schedule_starts_each_london_day_within_minutes_of_midnight():
    """Cron is UTC; on every London day of a year with both clock changes, whether GMT or BST,
    a run starts in the first quarter of an hour of that day."""
    runs_utc = cron_times(workflow("nightly.yml"))
    starts = [datetime.combine(date(2027, 12, 30) + timedelta(days=n), at, timezone.utc).astimezone(LONDON)
              for n in range(370) for at in runs_utc]
    day = date(2028, 1, 1)
    while day <= date(2028, 12, 31):
        just_after_midnight = [m for m in starts if m.date() == day and m.time() < time(0, 15)]
        assert just_after_midnight, f"no run just after midnight in London on {day}"
        day += timedelta(days=1)


def test_nightly_calls_the_build_hook_first_then_fails_loudly_on_errors():
    flow = workflow("nightly.yml")
    assert "schedule" in triggers(flow)
    order = steps(flow)
    hook = next(i for i, step in enumerate(order) if "NETLIFY_BUILD_HOOK" in str(step.get("env", {})))
    assert order[hook]["env"]["NETLIFY_BUILD_HOOK"] == "${{ secrets.NETLIFY_BUILD_HOOK }}"
    assert "curl" in order[hook]["run"] and "-X POST" in order[hook]["run"]
    assert "--fail" in order[hook]["run"]
    check = next(i for i, step in enumerate(order) if "sitegen check" in step.get("run", ""))
    assert hook < check, "the site is rebuilt even when an entry has an error"
    for step in order[hook + 1:]:
        assert step.get("if") == "always()", f"{step.get('name') or step.get('uses')} must run even if the hook failed"
        assert not step.get("continue-on-error"), "a failed check must fail the run"


def test_nightly_never_deploys_a_preview_or_another_day():
    flow = workflow("nightly.yml")
    text = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()
    commands = runs(flow)
    assert "--as-of" not in commands and "netlify deploy" not in commands and "netlify-cli" not in commands
    assert "trigger_branch" not in text  # the hook builds the production branch it was made for
    for line in commands.splitlines():
        if "sitegen build" in line:
            assert "--output" in line and "RUNNER_TEMP" in line, "a build here is only a check, never deployed"
            assert "--strict" in line, "a theme that made the build fall back to the default one must fail the run"
    assert "secrets.NETLIFY_BUILD_HOOK" in text


@pytest.mark.parametrize("name", ["ci.yml", "nightly.yml"])
def test_runs_that_check_or_build_keep_sitegens_cache_but_never_a_previous_site(name):
    """Without its cache every run reads every PDF again; the replaced output kept in the cache is
    only of use on the machine that built it, so it is not carried between runs."""
    for job in workflow(name)["jobs"].values():
        order = job["steps"]
        uses_sitegen = [i for i, step in enumerate(order) if re.search(r"sitegen (check|build)", step.get("run", ""))]
        if not uses_sitegen:
            continue
        [cache] = [i for i, step in enumerate(order) if step.get("uses", "").startswith("actions/cache@")]
        assert cache < min(uses_sitegen), "the cache is restored before sitegen runs"
        paths = order[cache]["with"]["path"].split()
        assert ".sitegen-cache" in paths and "!.sitegen-cache/previous-output" in paths
        assert "reports/**" in order[cache]["with"]["key"] and order[cache]["with"]["restore-keys"]


# --- what runs unattended installs from the lock files -------------------------------

def locked(name: str) -> dict[str, str]:
    """Package -> version, as a lock file in requirements/ pins it."""
    text = (ROOT / "requirements" / name).read_text()
    return {re.sub(r"[-_.]+", "-", found.lower()): version for found, version in re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+) \\$", text, re.M)}


@pytest.mark.parametrize("name", ["deploy.txt", "test.txt", "tools.txt", "links.txt"])
def test_every_locked_package_is_pinned_with_hashes(name):
    text = (ROOT / "requirements" / name).read_text()
    requirements = [block for block in re.split(r"\n(?=\S)", text) if block.strip() and not block.startswith("#")]
    assert requirements
    for block in requirements:
        assert re.match(r"^[A-Za-z0-9][\w.-]*==\S+ \\\n", block), f"{name}: not pinned: {block.splitlines()[0]}"
        assert "--hash=sha256:" in block, f"{name}: no hash for {block.splitlines()[0]}"


@pytest.mark.parametrize("name", ["deploy.txt", "test.txt", "links.txt"])
def test_the_lock_files_agree_with_pyproject(name):
    """Every dependency pyproject.toml names is locked, at a version it allows (run scripts/lock
    after changing pyproject.toml)."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = list(project["project"]["dependencies"]) + list(project["build-system"]["requires"])
    if name == "test.txt":
        wanted += project["project"]["optional-dependencies"]["test"]
    if name == "links.txt":  # the link checker alone, for the nightly run
        wanted = project["project"]["optional-dependencies"]["links"]
    pins = locked(name)
    for line in wanted:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"sys_platform": "linux", "python_version": "3.11"}):
            continue
        key = re.sub(r"[-_.]+", "-", requirement.name.lower())
        assert key in pins, f"{requirement.name} is not in requirements/{name}: run bash scripts/lock"
        assert requirement.specifier.contains(pins[key], prereleases=True), f"requirements/{name} pins {key} {pins[key]}, outside {line}"


def install_commands() -> list[str]:
    commands = [netlify_toml()["build"]["command"], netlify_toml()["context"]["deploy-preview"]["command"]]
    for flow in ("ci.yml", "nightly.yml"):
        commands += [line for line in runs(workflow(flow)).splitlines() if "pip install" in line]
    return commands


def netlify_toml() -> dict:
    return tomllib.loads((ROOT / "netlify.toml").read_text())


def test_netlify_and_the_workflows_install_only_locked_packages():
    for command in install_commands():
        for part in command.split("&&"):
            if "pip install" not in part:
                continue
            if "-r requirements/" in part:
                assert "--require-hashes" in part, part
            else:
                assert "--no-deps" in part and "--no-build-isolation" in part, f"installs something not locked: {part}"


# --- the workflows are current and lint clean ----------------------------------------------

# The first major version of each action that runs on Node 24 (Node 20 is deprecated on GitHub's runners).
NODE_24 = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache": 5}


@pytest.mark.parametrize("name", ["ci.yml", "nightly.yml"])
def test_actions_run_on_a_current_node(name):
    for step in all_steps(workflow(name)):
        uses = step.get("uses", "")
        if not uses or uses.startswith("docker://"):
            continue
        action, _, version = uses.partition("@")
        assert action in NODE_24, f"{uses}: an action this test does not know; add its first Node 24 version"
        assert int(version.lstrip("v").split(".")[0]) >= NODE_24[action], f"{uses} runs on Node 20"


def test_ci_lints_the_workflows_and_tests_the_lowest_allowed_versions():
    jobs = workflow("ci.yml")["jobs"]
    lint = [step.get("uses", "") for step in jobs["lint"]["steps"]]
    assert any(uses.startswith("docker://rhysd/actionlint:") for uses in lint)
    lowest = runs({"jobs": {"lowest": jobs["lowest"]}})
    assert "--resolution lowest-direct" in lowest and "bash scripts/test-all" in lowest
    assert jobs["lowest"]["steps"][-1]["env"]["SITEGEN_REQUIREMENTS"].endswith("lowest.txt")


def test_dependabot_proposes_updates_for_every_locked_kind():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    kinds = {update["package-ecosystem"] for update in config["updates"]}
    assert {"pip", "github-actions", "npm"} <= kinds


def test_the_nightly_run_waits_for_todays_deploy_and_verifies_it():
    order = steps(workflow("nightly.yml"))
    hook = next(i for i, step in enumerate(order) if "NETLIFY_BUILD_HOOK" in str(step.get("env", {})))
    verify = next(i for i, step in enumerate(order) if "sitegen verify" in step.get("run", ""))
    cache = next(i for i, step in enumerate(order) if step.get("uses", "").startswith("actions/cache@"))
    assert hook < cache < verify
    command = order[verify]["run"]
    assert "--wait" in command and "--as-of" not in command
    assert "set -o pipefail" in command and "exit 1" in command
    assert order[verify].get("if") == "always()" and not order[verify].get("continue-on-error")


# --- the repository must be private ------------------------------------------------

def privacy_step(name: str) -> dict:
    [step] = [step for step in all_steps(workflow(name)) if step.get("name") == "Check that the repository is private"]
    return step


@pytest.mark.parametrize("name", ["ci.yml", "nightly.yml"])
def test_both_workflows_check_that_the_repository_is_private(name):
    step = privacy_step(name)
    assert step["env"]["PRIVATE"] == "${{ github.event.repository.private }}"
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert not step.get("continue-on-error")


def test_the_nightly_run_rebuilds_before_it_fails_on_a_public_repository():
    """Expired reports must still come down: the privacy check fails the run after the hook, never before it."""
    order = steps(workflow("nightly.yml"))
    hook = next(i for i, step in enumerate(order) if "NETLIFY_BUILD_HOOK" in str(step.get("env", {})))
    private = order.index(privacy_step("nightly.yml"))
    assert hook < private and order[private]["if"] == "always()"


@pytest.mark.parametrize("name", ["ci.yml", "nightly.yml"])
@pytest.mark.parametrize("event, api, code, said", [
    ("true", None, 0, "The repository is private."),
    ("false", None, 1, "::error::This repository is public, so anyone can read the reports in reports/"),
    ("", "true", 0, "The repository is private."),  # a scheduled run's event may not say: the API is asked
    ("", "false", 1, "::error::This repository is public"),
    ("", "fails", 1, "::error::sitegen could not tell whether this repository is private"),
    ("", "", 1, "::error::sitegen could not tell whether this repository is private"),
])
def test_a_public_repository_or_one_that_cannot_be_told_fails_the_run(tmp_path, name, event, api, code, said):
    import subprocess

    fake = tmp_path / "bin"
    fake.mkdir()
    answer = "exit 1" if api == "fails" else f"echo '{api or ''}'"
    (fake / "gh").write_text(f'#!/bin/sh\n[ "$1 $2" = "api repos/partnership/site" ] || exit 2\n{answer}\n')
    (fake / "gh").chmod(0o755)
    run = subprocess.run(["bash", "-e", "-c", privacy_step(name)["run"]], capture_output=True, text=True,
                         env={"PATH": f"{fake}:/usr/bin:/bin", "PRIVATE": event, "GITHUB_REPOSITORY": "partnership/site"})
    assert run.returncode == code
    assert said in run.stdout


def check_step() -> dict:
    [step] = [step for step in steps_of_job("ci.yml", "check") if "sitegen check" in step.get("run", "")]
    return step


def steps_of_job(name: str, job: str) -> list[dict]:
    return workflow(name)["jobs"][job]["steps"]


@pytest.mark.parametrize("event", ["pull_request", "push"])
@pytest.mark.parametrize("code", [0, 1])
def test_a_pull_requests_check_run_shows_what_sitegen_check_says(tmp_path, event, code):
    """On a pull request the check's whole output goes to the job summary, which GitHub shows with the
    pull request, escaped so that a message cannot change how it looks; the step fails as sitegen check
    does; on a push nothing is written there."""
    import subprocess

    fake = tmp_path / "bin"
    fake.mkdir()
    said = 'content/sar/x.md:4: error: published: "2026-13-01 <b>&" is not a date.'
    (fake / "sitegen").write_text(f"#!/bin/sh\n[ \"$1\" = check ] || exit 2\necho '{said}' >&2\nexit {code}\n")
    (fake / "sitegen").chmod(0o755)
    summary = tmp_path / "summary.md"
    step = check_step()
    assert step["env"]["EVENT"] == "${{ github.event_name }}"
    run = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True,
                         env={"PATH": f"{fake}:/usr/bin:/bin", "EVENT": event, "RUNNER_TEMP": str(tmp_path),
                              "GITHUB_STEP_SUMMARY": str(summary)})
    assert run.returncode == code
    assert said in run.stdout  # the log has it too
    if event == "push":
        assert not summary.exists()
        return
    text = summary.read_text()
    assert "## What sitegen check says about this pull request" in text
    assert ("No errors" in text) == (code == 0)
    assert "<pre>\n" + said.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "\n</pre>" in text

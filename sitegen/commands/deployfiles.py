"""The files a new site needs to deploy with Netlify, for `sitegen init`.

They are this repository's own: `netlify.toml`, the nightly workflow, the cache plugin and the
lock of sitegen's libraries (`REPOSITORY_FILES`). Their one home is the repository; the wheel
carries copies in `sitegen/deploy/` (pyproject.toml's `force-include`). A new site gets them with
one change, made wherever they install sitegen: the repository installs sitegen from its own folder (`FROM_THIS_FOLDER`), a site
installs the very sitegen that ran `sitegen init`, from where pip recorded it came from
(PEP 610's `direct_url.json`): a Git repository at its commit, or a version from a package index.
A sitegen installed from a folder on this computer cannot be named to Netlify, so then no
deployment files are written and `installed_source` says why.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from sitegen import PACKAGE_FOLDER
from sitegen.core.problems import Problem, warning

# The files, by their path in the repository and in a new site.
REPOSITORY_FILES = (
    "netlify.toml",
    ".github/workflows/nightly.yml",
    "plugins/sitegen-cache/index.js",
    "plugins/sitegen-cache/manifest.yml",
    "requirements/deploy.txt",
    "requirements/links.txt",  # the link checker the nightly run installs
)
# The files whose lines install sitegen itself (netlify.toml: the production build's and the deploy
# preview's), and how each such line names the repository's folder.
INSTALLING_FILES = ("netlify.toml", ".github/workflows/nightly.yml")
INSTALLS_WITHOUT_LIBRARIES = "--no-deps --no-build-isolation"  # they are all in the lock
FROM_THIS_FOLDER = f"{INSTALLS_WITHOUT_LIBRARIES} ."

PACKAGED = PACKAGE_FOLDER / "deploy"  # in an installed wheel
CHECKOUT = PACKAGE_FOLDER.parent  # in an editable install from a checkout


def installed_source() -> tuple[str | None, Problem | None]:
    """The requirement that installs this very sitegen on Netlify, such as
    `sitegen @ git+https://github.com/org/sitegen@<commit>`, or None and why not."""
    try:
        dist = metadata.distribution("sitegen")
    except metadata.PackageNotFoundError:
        return None, _cannot("sitegen is not installed as a package here (it runs from a folder).")
    recorded = dist.read_text("direct_url.json")
    if not recorded:  # installed from a package index, if it is the sitegen running
        if Path(str(dist.locate_file("sitegen/__init__.py"))).resolve() != PACKAGE_FOLDER / "__init__.py":
            return None, _cannot(f"the sitegen running is the one in {CHECKOUT}, not an installed package.")
        return f"sitegen=={dist.version}", None
    try:
        origin = json.loads(recorded)
    except ValueError:
        return None, _cannot("pip's record of where sitegen came from cannot be read.")
    url = str(origin.get("url", ""))
    vcs = origin.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        if url.startswith("file:///"):  # pip's parser wants a host in a file address
            url = "file://localhost/" + url[len("file:///"):]
        return f"sitegen @ git+{url}@{vcs['commit_id']}", None
    archive = origin.get("archive_info")
    if archive is not None and urlsplit(url).scheme == "https":
        digest = (archive.get("hashes") or {}).get("sha256")
        return f"sitegen @ {url}" + (f"#sha256={digest}" if digest else ""), None
    where = urlsplit(url).path if url.startswith("file:") else url
    return None, _cannot(f"sitegen was installed from {where or 'a folder'} on this computer, which Netlify cannot reach.")


def _cannot(why: str) -> Problem:
    return warning("sitegen init", f"the deployment files (netlify.toml, the nightly workflow) were not written: {why}",
                   "Install sitegen from its Git repository, for example "
                   "`pip install \"sitegen @ git+https://github.com/ORGANISATION/sitegen@TAG\"`, "
                   "and run `sitegen init` again into a new folder; or copy them from sitegen's repository "
                   "(see 'Deploying with Netlify' in its README).")


def deployment_files(requirement: str) -> dict[str, bytes]:
    """Each file a new site needs to deploy, by its path in the site, installing `requirement`."""
    source = PACKAGED if (PACKAGED / "netlify.toml").is_file() else CHECKOUT
    files = {path: (source / path).read_bytes() for path in REPOSITORY_FILES}
    for path in INSTALLING_FILES:
        text = files[path].decode("utf-8")
        if text.count(FROM_THIS_FOLDER) < 1:
            raise ValueError(f"{path} must install sitegen with `{FROM_THIS_FOLDER}`")
        files[path] = text.replace(FROM_THIS_FOLDER, f"{INSTALLS_WITHOUT_LIBRARIES} '{requirement}'").encode("utf-8")
    return files

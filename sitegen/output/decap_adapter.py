"""Decap CMS's bundle, as the site's package.json installs it, checked before it is published.

The browser editor (`sitegen.output.admin`) runs Decap's JavaScript from the site itself, never
from another origin. What sitegen relies on of Decap's insides is here alone: where npm puts the
package (`node_modules/decap-cms`), its version in its package.json, and which files of its `dist/`
folder the browser loads (`decap-cms.js`, the parts it loads later, `<n>.decap-cms.js`, and the
WebAssembly they fetch). sitegen pins one version and the SHA-256 of those files together
(`PINNED`): a changed file (a tampered install, another build of the same version) is refused
with a warning, and the site is built without /admin/. tests/test_decap_adapter.py fails when the
installed package no longer matches this layout.

To move to a new version: change package.json (Dependabot's pull request does), run `npm install`,
then `python3 -m sitegen.output.decap_adapter`, which prints the new version's digest for `PINNED`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.problems import Problem, warning

PACKAGE = "decap-cms"
VERSION = "3.16.3"  # the version package.json pins (`dependencies`)
# The digest of the files `bundle_names` picks, for each version sitegen knows (see `digest`).
PINNED = {"3.16.3": "c6bf5b47ea8c326aa126ccae2a316f0edb6f07fcaee4abe7ba03349beae7d158"}
MAIN = "decap-cms.js"  # what /admin/index.html loads; it loads the rest from its own folder
INSTALL = ("Run `npm install` in the site folder (its package.json names decap-cms, pinned); "
           "Netlify's build does this by itself.")


@dataclass(frozen=True)
class Bundle:
    """Decap's files to publish in /admin/ (name -> bytes), or why there are none."""

    files: dict[str, bytes]
    problem: Problem | None = None


def package_folder(root: Path) -> Path:
    return root / "node_modules" / PACKAGE


def bundle_names(dist: Path) -> list[str]:
    """The files of Decap's `dist/` the browser loads: the main script, its later parts and their
    WebAssembly, and the licence notice that goes with them (never the source maps, nor `cms.js`,
    the same bundle under its old name)."""
    names = []
    for path in dist.iterdir():
        name = path.name
        if name in (MAIN, MAIN + ".LICENSE.txt") or name.endswith("." + MAIN) or name.endswith(".wasm"):
            names.append(name)
    return sorted(names)


def digest(files: dict[str, bytes]) -> str:
    """One SHA-256 for a set of files: each name with its own SHA-256, one line each, in name order."""
    whole = hashlib.sha256()
    for name in sorted(files):
        whole.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n".encode())
    return whole.hexdigest()


def installed_version(root: Path) -> str | None:
    """The version of Decap installed in the site folder, or None when it is not installed."""
    try:
        return str(json.loads((package_folder(root) / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


_READ: dict[tuple, Bundle] = {}  # the last bundle read, by its files' stamps: a build asks twice (files, problems)


def read_bundle(root: Path) -> Bundle:
    """Decap's files from the site folder's node_modules, checked against `PINNED`; none, with a
    warning saying what to do, when it is not installed, is another version, or has changed.
    Read again only when a file's size or time has changed since the last time."""
    key = _stamps(root)
    if key not in _READ:
        _READ.clear()
        _READ[key] = _read_bundle(root)
    return _READ[key]


def _stamps(root: Path) -> tuple:
    folder = package_folder(root)
    found: list[tuple] = [str(folder.resolve())]
    for path in (folder / "package.json", *sorted((folder / "dist").glob("*"))):
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((path.name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(found)


def _read_bundle(root: Path) -> Bundle:
    version = installed_version(root)
    if version is None:
        return Bundle({}, _no_editor("Decap CMS, which the browser editor runs on, is not installed", INSTALL))
    if version not in PINNED:
        return Bundle({}, _no_editor(
            f"Decap CMS {version} is installed, but this sitegen knows only Decap CMS {VERSION}",
            f"Pin decap-cms to {VERSION} in package.json and run `npm install`, or update sitegen."))
    dist = package_folder(root) / "dist"
    try:
        files = {name: (dist / name).read_bytes() for name in bundle_names(dist)}
    except OSError as exc:
        return Bundle({}, _no_editor(f"Decap CMS's files could not be read ({exc.strerror or exc})", INSTALL))
    if MAIN not in files or digest(files) != PINNED[version]:
        return Bundle({}, _no_editor(
            f"Decap CMS's files in node_modules/{PACKAGE} are not the ones published as version {version} "
            "(their SHA-256 differs from the one sitegen pins), so they are not published",
            "Install it again from the lock file: delete node_modules and run `npm ci`. If it still differs, "
            "tell whoever looks after the site: the package may have been tampered with."))
    return Bundle(files)


def _no_editor(why: str, advice: str) -> Problem:
    return warning("package.json", f"{why}, so the site has no browser editor (/admin/) this time. "
                   "The rest of the site is built as usual.", advice)


if __name__ == "__main__":  # pragma: no cover - run by hand when Decap is updated
    root = Path.cwd()
    dist = package_folder(root) / "dist"
    print(installed_version(root), digest({name: (dist / name).read_bytes() for name in bundle_names(dist)}))

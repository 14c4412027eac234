"""What sitegen relies on of Decap CMS's package (sitegen/output/decap_adapter.py): these fail
loudly when an update changes its layout, so that the pin is looked at before it is moved."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import ROOT
from sitegen.output import decap_adapter

DIST = ROOT / "node_modules" / "decap-cms" / "dist"
# Where Decap is not installed (run bash scripts/test-all, or npm install), the tests of its files are
# skipped, except in CI; the pins in package.json and the lock are checked everywhere.
installed = pytest.mark.skipif(decap_adapter.installed_version(ROOT) is None and not os.environ.get("CI"),
                               reason="Decap CMS is not installed: run bash scripts/test-all, or npm install")


def test_package_json_pins_the_version_sitegen_knows_in_dependencies_from_the_lock():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"] == {"decap-cms": decap_adapter.VERSION}  # not dev: Netlify's build omits those
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/decap-cms"]
    assert lock["version"] == decap_adapter.VERSION and lock["integrity"].startswith("sha512-")
    assert decap_adapter.VERSION in decap_adapter.PINNED


@installed
def test_the_installed_bundle_is_the_pinned_one():
    assert decap_adapter.installed_version(ROOT) == decap_adapter.VERSION
    bundle = decap_adapter.read_bundle(ROOT)
    assert bundle.problem is None
    assert decap_adapter.digest(bundle.files) == decap_adapter.PINNED[decap_adapter.VERSION]


@installed
def test_the_main_script_loads_its_parts_from_its_own_folder_by_the_names_picked():
    """decap-cms.js (webpack) loads its parts as `<n>.decap-cms.js` from the folder it was itself
    loaded from (its script's own address): so copying them beside it in /admin/ is enough."""
    names = set(decap_adapter.bundle_names(DIST))
    assert decap_adapter.MAIN in names
    main = (DIST / decap_adapter.MAIN).read_text()
    assert '__webpack_require__.u=e=>e+".decap-cms.js"' in main
    assert "e=t.currentScript.src" in main  # where it was loaded from: its parts' folder
    chunks = {p.name for p in DIST.iterdir() if re.fullmatch(r"\d+\.decap-cms\.js", p.name)}
    assert chunks and chunks <= names
    wasm = {p.name for p in DIST.iterdir() if p.suffix == ".wasm"}
    assert wasm and wasm <= names


@installed
def test_source_maps_and_the_old_name_are_not_published():
    names = decap_adapter.bundle_names(DIST)
    assert not [name for name in names if name.endswith(".map") or name.startswith("cms.") or ".cms." in name]


def test_a_new_site_gets_the_same_pins_with_its_own_lock():
    """`sitegen init` writes sitegen/starter/'s package.json and package-lock.json: Decap in
    dependencies (Netlify's build installs it) at the version sitegen pins, decap-server for editing
    on a computer in devDependencies, each from the lock with its integrity hash."""
    from sitegen.commands.scaffold import STARTER

    ours = json.loads((ROOT / "package.json").read_text())
    package = json.loads((STARTER / "package.json").read_text())
    assert package["dependencies"] == ours["dependencies"] == {"decap-cms": decap_adapter.VERSION}
    assert package["devDependencies"] == {"decap-server": ours["devDependencies"]["decap-server"]}
    lock = json.loads((STARTER / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for name, pinned in {**package["dependencies"], **package["devDependencies"]}.items():
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == pinned and locked["integrity"].startswith("sha512-")
    assert all("integrity" in entry for path, entry in lock["packages"].items() if path and not entry.get("link"))

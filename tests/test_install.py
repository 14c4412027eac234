"""`pip install .` (not editable) gives a `sitegen` that finds its default theme."""

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SiteMaker

pytestmark = pytest.mark.slow  # installs sitegen into new virtual environments: left out of scripts/test-fast


def test_installed_package_builds_a_site_without_a_theme_folder(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "build", ".sitegen-cache", "__pycache__", "*.egg-info", ".pytest_cache",
                                                                ".hypothesis", "node_modules"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Reuse the dependencies already installed here, without running this environment's
    # .pth files, so that a development install of sitegen cannot stand in for the real one.
    venv_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    (Path(venv_site) / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-build-isolation", "-q", str(source)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    shutil.rmtree(source)  # the installed copy must not depend on the checkout
    where = subprocess.run([str(python), "-c", "import sitegen; print(sitegen.__file__)"], capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(venv_site), where.stdout + where.stderr

    site = SiteMaker(tmp_path / "site")
    site.entry("adult-a", published="2026-03-14", documents=["a.pdf"])
    assert not (site.root / "themes").exists()
    result = subprocess.run([str(env_dir / "bin" / "sitegen"), "build", "--as-of", "2026-11-22"], cwd=site.root,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    page = (site.root / "build" / "sar" / "adult-a" / "index.html").read_text()
    assert "Review adult-a" in page and "Skip to main content" in page
    assert (site.root / "build" / "assets" / "site.css").exists()

    # `sitegen init` finds its starter files in the installed package
    new = subprocess.run([str(env_dir / "bin" / "sitegen"), "init", "fresh"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "fresh" / "GUIDE.md").is_file() and (tmp_path / "fresh" / "content" / "reviews" / "example-adult-a.md").is_file()
    built = subprocess.run([str(env_dir / "bin" / "sitegen"), "build", "--as-of", "2999-01-01"], cwd=tmp_path / "fresh",
                           capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert built.returncode == 0, built.stderr

"""docs/architecture.md stays true: it shows every folder of the package, every module is in its
table under its folder, a module imports only from its own row or the rows below, and every rule's
home it names exists. The doc names a module by its file's name (`pdfsafety.clean`), which is
one module's alone in the whole package."""

import ast
import importlib
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

import sitegen

PACKAGE = sitegen.PACKAGE_FOLDER
DOC = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
FILES = sorted(path for path in PACKAGE.rglob("*.py") if not path.stem.startswith("__"))
# Each module by its file's name: documents/pdfsafety.py is `pdfsafety`, its path `documents/pdfsafety.py`.
PATHS = {path.stem: path.relative_to(PACKAGE).as_posix() for path in FILES}
DOTTED = {stem: "sitegen." + path.removesuffix(".py").replace("/", ".") for stem, path in PATHS.items()}
FOLDERS = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def section(title: str) -> str:
    return DOC.split(f"## {title}")[1].split("\n## ")[0]


def rows() -> dict[str, tuple[int, str]]:
    """Each module of the table, by its row (0 is the top floor) and the path the table gives it."""
    found = {}
    lines = [line for line in section("Each module's one job").splitlines() if line.startswith("| `")]
    for number, line in enumerate(lines):
        for path in re.findall(r"`((?:\w+/)*\w+\.py)`", line.split("|")[1]):
            found[path.rsplit("/", 1)[-1].removesuffix(".py")] = (number, path)
    return found


def imports(module: str) -> set[str]:
    """The package's modules `module` imports (by their file's name), wherever in it the import is."""
    tree = ast.parse((PACKAGE / PATHS[module]).read_text(encoding="utf-8"))
    by_dotted = {dotted: stem for stem, dotted in DOTTED.items()}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sitegen":
            found |= {by_dotted[f"{node.module}.{a.name}"] for a in node.names if f"{node.module}.{a.name}" in by_dotted}
            found |= {by_dotted[node.module]} if node.module in by_dotted else set()
        elif isinstance(node, ast.Import):
            found |= {by_dotted[a.name] for a in node.names if a.name in by_dotted}
    return found - {module}


def test_no_two_modules_share_a_name():
    """The doc names a module by its file's name alone, so each must be one module's."""
    assert [name for name, count in Counter(path.stem for path in FILES).items() if count > 1] == []


def test_the_doc_shows_every_folder_and_only_those():
    shown = set(re.findall(r"^\| `(\w+)/` \|", section("The folders"), re.M))
    assert sorted(shown) == FOLDERS


def test_every_module_has_its_row_with_its_folder():
    found = rows()
    assert sorted(found) == sorted(PATHS)
    assert {module: path for module, (_, path) in found.items()} == PATHS


def test_a_module_imports_only_from_its_own_row_or_below():
    row = {module: number for module, (number, _) in rows().items()}
    upward = [(module, used) for module in PATHS for used in sorted(imports(module)) if row[used] < row[module]]
    assert upward == []


def test_an_upward_import_is_seen():
    """The check above can fail: build.py imports from many rows below it, and from none above."""
    assert {"inspection", "render", "outputs", "visibility"} <= imports("build")
    assert "build" in imports("incremental") and "cli" not in imports("build")


def test_every_home_named_for_a_rule_exists():
    named = {name for name in re.findall(r"`((?:%s)\.[\w.]+)`" % "|".join(PATHS), section("Where each rule lives"))
             if not name.endswith(".py")}
    assert len(named) > 30
    missing = []
    for name in sorted(named):
        module, *path = name.split(".")
        thing = importlib.import_module(DOTTED[module])
        for part in path:
            thing = getattr(thing, part, None)
        if thing is None:
            missing.append(name)
    assert missing == []


def test_every_home_named_for_a_rule_is_a_public_name():
    """A rule's home is a name other modules may use and a reader may look for: none begins with `_`
    (a private helper may change with no word to the doc)."""
    homes = re.findall(r"`((?:%s)\.[\w.]+)`" % "|".join(PATHS), section("Where each rule lives"))
    assert [name for name in homes if any(part.startswith("_") for part in name.split("."))] == []


@pytest.mark.parametrize("module", ["commands.status", "commands.verify", "commands.newentry", "commands.publication"])
def test_commands_that_write_no_pages_do_not_load_jinja(module):
    """`sitegen status`, `verify`, `new` and `report` write dates and names, not pages: each, imported
    alone in a fresh interpreter, has not loaded Jinja (the renderer's library) by the time it is ready."""
    code = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'jinja2'))")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run([sys.executable, "-c", code, f"sitegen.{module}"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_library_the_package_imports_is_one_it_declares():
    """A library sitegen imports itself (tornado, lxml, MarkupSafe...) is in pyproject.toml's
    dependencies, not only there because another library needs it today: else an upgrade of that
    other library could drop it and break an install."""
    import importlib.metadata
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-") for requirement in project["dependencies"]}
    imported = set()
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    libraries = sorted(name for name in imported - set(sys.stdlib_module_names) if name != "sitegen")
    assert {"tornado", "lxml", "markupsafe", "jinja2"} <= set(libraries)
    installed = importlib.metadata.packages_distributions()
    undeclared = [name for name in libraries
                  if not {dist.lower().replace("_", "-") for dist in installed.get(name, [name])} & declared]
    assert undeclared == []


def test_the_doc_names_every_module_without_a_test_file_and_where_it_is_tested():
    """"The tests do not mirror the modules one for one": the doc's table of the modules with no
    `tests/test_<module>.py` is those modules exactly, and every test file it names exists."""
    tests = PACKAGE.parent / "tests"
    table = [line.split("|") for line in section("Tests").splitlines() if line.startswith("| `")]
    named = {name.removesuffix(".py") for cells in table for name in re.findall(r"`(\w+\.py)`", cells[1])}
    assert named == {module for module in PATHS if not (tests / f"test_{module}.py").is_file()}
    files = {name for cells in table for name in re.findall(r"`((?:tests/)?[\w/]*test_\w+\.py)`", cells[2])}
    assert files and [name for name in sorted(files) if not (PACKAGE.parent / name if "/" in name else tests / name).is_file()] == []

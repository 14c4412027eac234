"""docs/architecture.md stays true: every module is in its table, a module imports only from its own
row or the rows below, and every rule's home it names exists."""

import ast
import importlib
import re
from pathlib import Path

import sitegen

PACKAGE = Path(sitegen.__file__).parent
DOC = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py") if not path.stem.startswith("__"))


def section(title: str) -> str:
    return DOC.split(f"## {title}")[1].split("\n## ")[0]


def rows() -> dict[str, int]:
    """Each module of the table, by its row (0 is the top floor)."""
    found = {}
    lines = [line for line in section("Each module's one job").splitlines() if line.startswith("| `")]
    for number, line in enumerate(lines):
        for module in re.findall(r"`(\w+)\.py`", line.split("|")[1]):
            found[module] = number
    return found


def imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            found |= {a.name for a in node.names} if node.module == "sitegen" else {node.module.split(".")[1]}
    return found & set(MODULES) - {module}


def test_every_module_has_its_row():
    assert sorted(rows()) == MODULES


def test_a_module_imports_only_from_its_own_row_or_below():
    row = rows()
    upward = [(module, used) for module in MODULES for used in sorted(imports(module)) if row[used] < row[module]]
    assert upward == []


def test_every_home_named_for_a_rule_exists():
    named = {name for name in re.findall(r"`((?:%s)\.[\w.]+)`" % "|".join(MODULES), section("Where each rule lives"))
             if not name.endswith(".py")}
    assert len(named) > 30
    missing = []
    for name in sorted(named):
        module, *path = name.split(".")
        thing = importlib.import_module(f"sitegen.{module}")
        for part in path:
            thing = getattr(thing, part, None)
        if thing is None:
            missing.append(name)
    assert missing == []

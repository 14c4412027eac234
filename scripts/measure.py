"""The figures of sitegen's shape that docs/architecture.md records: its import graph (modules,
import edges, the longest import chain), its largest modules and functions, and its duplicated
blocks. Measured the same way each time, so a change to the layout can be compared with what came
before it.

Usage: python3 scripts/measure.py [CHECKOUT]   (this repository, or another checkout of it, such as
an older commit's: git worktree add /tmp/before COMMIT; duplicates are counted when the
`duplicates` command is on PATH)
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
PACKAGE = ROOT / "sitegen"


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (sitegen.documents.pdfsafety), packages'
    __init__ files by the package's own name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(path: Path, known: set[str]) -> set[str]:
    """The package's modules `path` imports, anywhere in it (inside functions too): `from sitegen.a
    import b` is an edge to sitegen.a.b when that is a module, else to sitegen.a."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sitegen":
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                found.add(whole if whole in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
    return found - {"sitegen"}


def graph() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports (itself left out)."""
    known = modules()
    return {name: imported(path, set(known)) - {name} for name, path in known.items()}


def edges() -> int:
    """How many (importer, imported) pairs of the package's own modules there are."""
    return sum(len(used) for used in graph().values())


def longest_chain() -> list[str]:
    """The longest run of imports, each module importing the next (build imports entries, which
    imports config...): how many floors a change at the bottom can reach through. A cycle, were
    there one, is walked once round."""
    imports = graph()
    longest: dict[str, list[str]] = {}

    def chain_from(name: str, walking: frozenset[str]) -> list[str]:
        if name not in longest:
            below = [chain_from(used, walking | {name}) for used in sorted(imports.get(name, ())) if used not in walking]
            longest[name] = [name] + max(below, key=len, default=[])
        return longest[name]

    return max((chain_from(name, frozenset()) for name in sorted(imports)), key=len, default=[])


def longest_modules(most: int = 5) -> list[tuple[int, str]]:
    sized = [(len(path.read_text(encoding="utf-8").splitlines()), str(path.relative_to(ROOT)))
             for path in modules().values()]
    return sorted(sized, reverse=True)[:most]


def longest_functions(most: int = 5) -> list[tuple[int, str]]:
    """Functions and methods by their lines, the longest first (a nested one counts on its own too)."""
    sized = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                sized.append((node.end_lineno - node.lineno + 1, f"{name.removeprefix('sitegen.')}.{node.name}"))
    return sorted(sized, reverse=True)[:most]


def duplicated_pairs() -> str:
    """The first line of `duplicates` over the package: how many pairs of places share six or more lines."""
    if shutil.which("duplicates") is None:
        return "not measured (no `duplicates` command)"
    done = subprocess.run(["duplicates", "--repo", str(PACKAGE), "--seconds", "120"], capture_output=True, text=True)
    return done.stdout.splitlines()[0] if done.stdout else "not measured"


def main() -> None:
    known = modules()
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in known.values())
    folders = sorted({path.parent.relative_to(ROOT).as_posix() for path in known.values()})
    plain = [name for name, path in known.items() if path.name != "__init__.py"]
    print(f"modules: {len(plain)} (besides packages' __init__.py) in {len(folders)} folders ({', '.join(folders)}), {lines} lines")
    print(f"import edges between the package's modules: {edges()}")
    chain = longest_chain()
    print(f"longest import chain: {len(chain)} modules ({' > '.join(name.removeprefix('sitegen.') for name in chain)})")
    print("largest modules: " + ", ".join(f"{where} {size}" for size, where in longest_modules()))
    print("largest functions: " + ", ".join(f"{where} {size}" for size, where in longest_functions()))
    print("duplicated blocks: " + re.sub(r"\s+", " ", duplicated_pairs()))


if __name__ == "__main__":
    main()

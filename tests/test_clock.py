"""sitegen reads the clock in one place (`cli.today_in`); everything else is given the day, so that
any day can be built, checked and tested with --as-of."""

import ast
from datetime import date
from pathlib import Path

import sitegen
from sitegen.content.config import DEFAULT_TIMEZONE, load_config
from sitegen.commands.scaffold import init_site

PACKAGE = sitegen.PACKAGE_FOLDER
CLOCKS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
          ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def clock_reads(path: Path) -> list[str]:
    """The functions of a module that call the clock: datetime.now(...), date.today(), time.time()..."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in CLOCKS):
                found.append(getattr(function, "name", "<module>"))
    return found


def test_one_function_of_the_package_reads_the_clock():
    reads = {path.relative_to(PACKAGE).as_posix(): clock_reads(path) for path in sorted(PACKAGE.rglob("*.py"))}
    reads = {name: functions for name, functions in reads.items() if functions}
    # ast.walk meets the call once in the module and once in the function that holds it
    assert reads == {"commands/cli.py": ["<module>", "today_in"]}


def test_a_new_site_is_in_the_time_zone_whose_day_sitegen_init_takes(tmp_path):
    """`init` passes `cli.today_in(DEFAULT_TIMEZONE)`; the site it writes says the same zone."""
    init_site(tmp_path / "new", date(2026, 11, 22))
    assert load_config(tmp_path / "new").config.timezone == DEFAULT_TIMEZONE

"""`sitegen init`: a new partnership's site, ready to build and check.

It holds a commented `sitegen.yaml`, the pages every site needs (home page
introduction, how to refer, guidance for families, contact), one example review
with a small accessible example PDF (tagged, titled, in English, and with
nothing in its properties that names anyone), and GUIDE.md for comms officers.
The starter files live in `sitegen/starter/`; `$name` and `$published` in its
text files are filled in, and other files (the PDF) are copied as they are. A
folder that already holds anything is never written into.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from string import Template

from sitegen import PACKAGE_FOLDER
from sitegen.core.problems import Problem, error

STARTER = PACKAGE_FOLDER / "starter"
DEFAULT_NAME = "Exampleshire Safeguarding Partnership"
EXAMPLE_PDF = "reports/example-sar-adult-a.pdf"  # the example review's document, as its entry names it
FILLED_IN = {".md", ".yaml"}  # starter files whose $name and $published are filled in

GITIGNORE = ("# Made by sitegen build: never commit them (they can hold reports that have come down).\nbuild/\n.sitegen-cache/\n"
             "# A build's output while it is written, and the one it replaces (a stopped build's are removed by the next).\n"
             ".build-new-*/\n.build-old-*/\n"
             "# Netlify's command line keeps its own state here when you try a build on your computer.\n.netlify/\n")


def init_site(folder: Path, today: date, name: str | None = None,
              extra: dict[str, bytes] | None = None) -> tuple[list[Path], Problem | None]:
    """Write a new site into `folder` (absent or empty), with `extra` files (by their path in the
    site: the deployment files). Returns the files written, or why nothing was."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        return [], error(str(folder), "already holds files, so sitegen init will not write into it.",
                         "Choose a new folder name, such as `sitegen init northshire-learning`.")
    name = " ".join((name or DEFAULT_NAME).split())
    values = {"name": name, "name_yaml": json.dumps(name, ensure_ascii=False), "published": today.isoformat()}
    written = []
    try:
        for source in sorted(STARTER.rglob("*")):
            if source.is_dir() or source.name.startswith(".") or "__pycache__" in source.parts:
                continue
            target = folder / source.relative_to(STARTER)
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix in FILLED_IN:
                target.write_text(Template(source.read_text(encoding="utf-8")).safe_substitute(values), encoding="utf-8")
            else:
                target.write_bytes(source.read_bytes())
            written.append(target)
        for relative, content in sorted((extra or {}).items()):
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(target)
        # The output and the cache hold reports that have come down: never commit them.
        (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        written.append(folder / ".gitignore")
    except OSError as exc:
        return written, error(str(folder), f"the new site could not be written ({exc.strerror or exc}).",
                              "Check that you may write there and that there is free disk space.")
    return written, None

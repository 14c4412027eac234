"""Shared test helpers: build small sites in temporary folders."""

from __future__ import annotations

import base64
import gzip
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from pdfmaker import make_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL_PDFS = ROOT.parent / "shared" / "corpus" / "real-pdfs"


CORPUS_MISSING = not (REAL_PDFS / "expected.json").is_file()
needs_corpus = pytest.mark.skipif(
    CORPUS_MISSING, reason=f"the shared corpus of real-world PDFs is not beside this checkout ({REAL_PDFS})")


def real_pdfs() -> list[dict]:
    """expected.json of the shared corpus of real-world PDFs (empty when it is not there)."""
    return [] if CORPUS_MISSING else json.loads((REAL_PDFS / "expected.json").read_text())


def read_output(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder, by relative path; gzip-compressed files (such as
    a search index's) are read decompressed, and the index's files that the search index's
    start.json holds in base64 are added to it decoded, so that a scan sees what they hold."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = _readable(path.read_bytes())
            if path.name == "start.json":
                data += b"".join(b"\n" + _readable(base64.b64decode(held)) for held in json.loads(data).get("inline", {}).values())
            files[path.relative_to(folder).as_posix()] = data
    return files


def _readable(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def occurrences(files: dict[str, bytes], needle: str) -> list[str]:
    """Files whose bytes contain `needle` (case-insensitive), in UTF-8 or as HTML/XML escaped."""
    import html

    forms = {needle, html.escape(needle), html.escape(needle, quote=False)}
    found = []
    for path, data in files.items():
        low = data.lower()
        if any(form.lower().encode("utf-8") in low for form in forms):
            found.append(path)
    return found


@dataclass
class SiteMaker:
    """Write a site (settings, entries, documents) into a folder."""

    root: Path
    settings: dict = field(default_factory=lambda: {"name": "Testshire Safeguarding Partnership",
                                                   "base_url": "https://learning.testshire.example",
                                                   "contact": {"email": "learning@testshire.example"}})

    def __post_init__(self):
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        (self.root / "reports").mkdir(parents=True, exist_ok=True)
        self.write_settings()

    def write_settings(self, **extra) -> None:
        self.settings.update(extra)
        (self.root / "sitegen.yaml").write_text(yaml.safe_dump(self.settings, sort_keys=False))

    def pdf(self, name: str, pages: int | list[str] = 1, **meta) -> str:
        texts = pages if isinstance(pages, list) else [f"Page {i + 1} of {name}." for i in range(pages)]
        make_pdf(self.root / "reports" / name, texts, **meta)
        return f"reports/{name}"

    def raw(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def entry(self, slug: str, body: str = "Body text.", folder: str = "content", **front) -> Path:
        """An entry; dates may be given as date objects. `documents` may be a list of file names."""
        front.setdefault("title", f"Review {slug}")
        front.setdefault("type", "sar")
        front.setdefault("summary", f"Summary of {slug}.")
        if front["type"] != "page":
            front.setdefault("documents", "none")  # a review needs documents or `documents: none`
        docs = front.get("documents")
        if docs and docs != "none":
            front["documents"] = [
                d if isinstance(d, dict) else {"file": d if d.startswith("reports/") else self.pdf(d), "title": f"Document {d}"}
                for d in docs]
        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body + "\n"
        return self.raw(f"{folder}/{slug}.md", text)

    def build(self, as_of: str | date, output: Path | None = None, **kwargs):
        from sitegen.build import build

        day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
        out = output or self.root / "build"
        result = build(self.root, day, out, **kwargs)
        return result, out


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """The browser tests (tests/browser/) run in a process of their own, started by
    test_browser.py, unless they are named on the command line: Playwright keeps threads and an
    event loop running in its process, and sitegen rightly never forks while another thread runs,
    so the tests of what forks must never share a process with them."""
    if collection_path.resolve() != BROWSER_TESTS:
        return None
    start = Path(config.invocation_params.dir)
    named = [(start / arg.split("::")[0]).resolve() for arg in config.args]
    return not any(path == BROWSER_TESTS or BROWSER_TESTS in path.parents for path in named)


@pytest.fixture
def site(tmp_path) -> SiteMaker:
    return SiteMaker(tmp_path / "site")


SAMPLE_DAY = date(2026, 11, 22)  # the day the README describes


@dataclass(frozen=True)
class SampleBuild:
    output: Path
    result: object  # sitegen.build.BuildResult


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> SampleBuild:
    """The repository's sample site, built once as it stands on 22 November 2026."""
    from sitegen.build import build

    output = tmp_path_factory.mktemp("sample") / "build"
    result = build(ROOT, SAMPLE_DAY, output)
    assert not result.failed, [p.format() for p in result.problems]
    assert [p.format() for p in result.problems if p.file == "pagefind"] == []
    return SampleBuild(output, result)

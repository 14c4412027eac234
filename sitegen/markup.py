"""Markdown bodies to HTML with markdown-it-py.

Raw HTML in Markdown is not passed through (it is shown as text), so a body
cannot add scripts, styles or inline event handlers. Headings are moved down
one level, because the page title is the only `h1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def _demote_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


@lru_cache(maxsize=1)
def _parser():
    # imported here: a build whose bodies are all in its memo (see `sitegen.memo`) never needs them
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.core.ruler.push("demote_headings", _demote_headings)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    return md


def to_html(text: str) -> str:
    return _parser().render(text or "")


@dataclass(frozen=True)
class Section:
    heading: str
    html: str


def split_sections(text: str) -> tuple[str, list[Section]]:
    """The body before the first `##` heading, and each `##` section after it."""
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    fence = None
    for line in (text or "").splitlines(keepends=True):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        if fence is None and line.startswith("## "):
            sections.append((line[3:].strip().strip("#").strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return to_html("".join(intro)), [Section(heading, to_html("".join(body))) for heading, body in sections]

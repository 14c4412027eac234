"""Markdown bodies to HTML with markdown-it-py.

Raw HTML in Markdown is not passed through (it is shown as text), so a body
cannot add scripts, styles or inline event handlers.

The page's title is its only `h1`, so a body's headings are moved down: its
highest level becomes `h2` (`h3` in a briefing's numbered part, under the part's
`h2`), and every other level moves by as much: `#`, `##`, `###` become `h2`,
`h3`, `h4`, and a body whose highest is `##` keeps its levels. So that the page's
outline never skips a level, a heading is one level below the nearest heading
before it that has fewer `#` (`####` straight after `##` is an `h3`); none goes
below `h6`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def move_headings(state) -> None:
    """Set each heading's level as the module says, its highest level being `state.env["top"]`:
    a heading is one level below the nearest heading before it with fewer `#` (or is at the top)."""
    top = state.env.get("top", 2)
    outline: list[tuple[int, int]] = []  # (number of #, level given) of the headings it sits under
    level = top
    for token in state.tokens:
        if token.type == "heading_open":
            written = int(token.tag[1])
            while outline and outline[-1][0] >= written:
                outline.pop()
            level = min(outline[-1][1] + 1, 6) if outline else top
            outline.append((written, level))
            token.tag = f"h{level}"
        elif token.type == "heading_close":
            token.tag = f"h{level}"


@lru_cache(maxsize=1)
def _parser():
    # imported here: a build whose bodies are all in its memo (see `sitegen.core.memo`) never needs them
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.core.ruler.push("move_headings", move_headings)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    return md


def to_html(text: str, top: int = 2) -> str:
    """A body's HTML; its highest heading is an `h{top}`."""
    return _parser().render(text or "", {"top": top})


@dataclass(frozen=True)
class Section:
    heading: str
    html: str


def split_sections(text: str) -> tuple[str, list[Section]]:
    """The body before the first `##` heading, and each `##` section after it (shown under an `h2`
    of its own, so its headings start at `h3`)."""
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
    return to_html("".join(intro)), [Section(heading, to_html("".join(body), top=3)) for heading, body in sections]

"""Safe YAML loading that remembers where each key was written.

Dates are kept as the text the author typed, so that the schema can give a
plain-English message for `22/11/2026` or `2026-02-30` instead of PyYAML's
exception. Only PyYAML's safe loader is ever used.

Anchors and aliases (`&name`, `*name`) are refused: settings and front matter never need
them, and a few hundred bytes of nested aliases stand for billions of values (an "alias
bomb") that anything walking the values would expand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml


# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one
# (the type checker is told of the pure-Python one: the two have the same methods).
if TYPE_CHECKING:
    from yaml import SafeLoader as _SafeBase
else:
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_SafeBase):
    """Safe loader that leaves timestamps as strings."""


_TextDatesLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

KeyPath = tuple  # where a value sits in the document, by its keys and indexes: ("documents", 0, "file")


@dataclass
class YamlDocument:
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int]] = field(default_factory=list)
    first_line: int = 1  # line of the file where the YAML text starts

    def record(self) -> tuple:
        """The document as plain data, for `sitegen.core.memo` to keep."""
        return (self.data, list(self.lines.items()), self.duplicates, self.first_line)

    @classmethod
    def from_record(cls, record: tuple) -> "YamlDocument":
        data, lines, duplicates, first_line = record
        return cls(data, dict(lines), duplicates, first_line)

    def line_of(self, *path) -> int | None:
        """The file line of a key or list item, or of its nearest parent."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


class YamlError(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class AliasRefused(YamlError):
    """The text uses an alias (`*name`) of an anchored value (`&name`)."""

    MESSAGE = "uses YAML anchors or aliases (& or *), which sitegen does not accept"

    def __init__(self, line: int | None):
        super().__init__("it " + self.MESSAGE, line)


def load(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; raise YamlError with a readable message."""
    loader = _TextDatesLoader(text)
    doc = YamlDocument(data=None, first_line=first_line)
    try:
        _refuse_anchors(text, first_line)
        node = loader.get_single_node()
        if node is not None:
            _walk(node, doc, first_line)
            doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else None
        problem = (exc.problem or "the text could not be read").strip()
        raise YamlError(problem, line) from None
    except yaml.YAMLError as exc:  # other parser errors carry no mark
        raise YamlError(str(exc).strip(), None) from None
    except RecursionError:  # PyYAML without libyaml reads nested values by recursion
        raise YamlError("its lists or mappings are nested too deeply", None) from None
    finally:
        loader.dispose()
    return doc


def _refuse_anchors(text: str, first_line: int) -> None:
    """Raise AliasRefused at the first anchor or alias, read from the parser's events (nothing is
    made of them). Both are written with `&` or `*`: text without either has none."""
    if "&" not in text and "*" not in text:
        return
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise AliasRefused(first_line + event.start_mark.line)


DEEPEST = 20  # lists and mappings inside one another: settings and front matter need four at most


def _walk(root, doc: YamlDocument, offset: int) -> None:
    """Note the line of every key and list item, and keys written twice; raise YamlError for
    values nested more than DEEPEST deep (libyaml reads a thousand, and much that handles a value
    afterwards, such as showing it in a message, recurses)."""
    todo: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while todo:
        node, path = todo.pop()
        if len(path) > DEEPEST:
            raise YamlError(f"its lists or mappings are nested more than {DEEPEST} deep", offset + node.start_mark.line)
        if isinstance(node, yaml.MappingNode):
            keys: set = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # a list or mapping as a key: refused when the values are made
                    continue
                key = key_node.value
                line = offset + key_node.start_mark.line
                if key in keys:
                    doc.duplicates.append((path + (key,), line))
                keys.add(key)
                doc.lines[path + (key,)] = line
                todo.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                doc.lines[path + (index,)] = offset + item.start_mark.line
                todo.append((item, path + (index,)))

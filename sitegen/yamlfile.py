"""Safe YAML loading that remembers where each key was written.

Dates are kept as the text the author typed, so that the schema can give a
plain-English message for `22/11/2026` or `2026-02-30` instead of PyYAML's
exception. Only PyYAML's safe loader is ever used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextDatesLoader(_SafeBase):
    """Safe loader that leaves timestamps as strings."""


_TextDatesLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

Path = tuple  # a key path such as ("documents", 0, "file")


@dataclass
class YamlDocument:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    first_line: int = 1  # line of the file where the YAML text starts

    def record(self) -> tuple:
        """The document as plain data, for `sitegen.memo` to keep."""
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


def load(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; raise YamlError with a readable message."""
    loader = _TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else None
        problem = (exc.problem or "the text could not be read").strip()
        raise YamlError(problem, line) from None
    except yaml.YAMLError as exc:  # other parser errors carry no mark
        raise YamlError(str(exc).strip(), None) from None
    finally:
        loader.dispose()
    doc = YamlDocument(data=data, first_line=first_line)
    if node is not None:
        _walk(node, (), doc, first_line)
    return doc


def _walk(node, path: Path, doc: YamlDocument, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = offset + key_node.start_mark.line
            if key in seen:
                doc.duplicates.append((path + (key,), line))
            seen.add(key)
            doc.lines[path + (key,)] = line
            _walk(value_node, path + (key,), doc, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[path + (index,)] = offset + item.start_mark.line
            _walk(item, path + (index,), doc, offset)

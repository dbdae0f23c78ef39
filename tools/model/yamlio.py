"""YAML reading with line numbers, for front matter and data files.

Dates stay strings (``2021-08-20``): the schema checks their form, and
Sphinx, JSON Schema and the templates all want text, not ``datetime.date``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _Loader(_Base):
    """SafeLoader (libyaml-backed where possible) without the timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    """A YAML text could not be read; ``line`` is 1-based within the text."""

    def __init__(self, message: str, line: int, col: int = 1):
        super().__init__(message)
        self.line = line
        self.col = col


@dataclass
class YamlDoc:
    data: Any
    node: yaml.Node | None

    def line_of(self, path: tuple | list = ()) -> int:
        """1-based line (within the YAML text) of the value at ``path``.

        Falls back to the deepest node that exists, so a missing key points
        at its parent mapping.
        """
        node = self.node
        if node is None:
            return 1
        best = node.start_mark.line + 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == step:
                        child = value
                        best = key.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if 0 <= step < len(node.value):
                    child = node.value[step]
                    best = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return best


def load(text: str) -> YamlDoc:
    """Parse one YAML document, keeping its node tree for line look-ups."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        raise YamlError(f"{exc.problem or exc.context}", line, col) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise YamlError(str(exc), 1) from None
    finally:
        loader.dispose()
    return YamlDoc(data, node)


def load_file(path) -> YamlDoc:
    with open(path, encoding="utf-8") as fh:
        return load(fh.read())

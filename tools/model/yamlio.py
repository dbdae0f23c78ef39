"""The project's one YAML reader, for front matter and data files.

Everything that reads YAML in the project (content model, checker, importer,
extensions, tests) goes through :func:`load` or :func:`load_file`. Content
and data are written by anyone who can open a pull request, so the reader is
bounded before it builds a single Python object:

- a size limit (``max_bytes``);
- no anchors (``&name``) or aliases (``*name``): they are what a
  "billion laughs" document is made of, and nothing in the knowledge base
  needs them;
- a nesting limit (``MAX_DEPTH``);
- only the safe tags (libyaml's SafeLoader), and dates stay strings
  (``2021-08-20``): the schema checks their form, and Sphinx, JSON Schema and
  the templates all want text, not ``datetime.date``.

The limits are checked on libyaml's token stream (C, linear time); only a
document that passes is composed and constructed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available

#: Largest YAML text read (a data file; front matter is far smaller).
MAX_BYTES = 2_000_000
#: Deepest nesting of mappings and sequences.
MAX_DEPTH = 20

#: control characters YAML does not allow (tab, newline and carriage return are fine)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_OPEN = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class _Loader(_Base):
    """SafeLoader (libyaml-backed where possible) without the timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    """A YAML text could not be read.

    ``line`` is 1-based within the text; ``fix`` says what to do, in the
    writer's words; ``path`` is set by :func:`load_file`.
    """

    def __init__(self, message: str, line: int, col: int = 1, fix: str = "", path: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.fix = fix or "检查这一行的缩进、冒号后的空格和引号是否成对；含冒号的值请加引号。"
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path else ""
        return f"{where}{self.message}"


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


def _screen(text: str) -> None:
    """Refuse anchors, aliases and deep nesting, from the token stream alone."""
    loader = _Loader(text)
    depth = 0
    try:
        while True:
            tok = loader.get_token()
            if tok is None:
                break
            if isinstance(tok, (yaml.AnchorToken, yaml.AliasToken)):
                sign = "&" if isinstance(tok, yaml.AnchorToken) else "*"
                raise YamlError(f"不允许使用 YAML 的锚点和别名（{sign}{tok.value}）。", tok.start_mark.line + 1,
                                tok.start_mark.column + 1,
                                "把内容直接写出来，不要用 & 和 * 引用别处的内容。")
            if isinstance(tok, yaml.TagToken):
                handle, suffix = tok.value
                raise YamlError(f"不允许使用 YAML 标签（{handle or ''}{suffix}）。", tok.start_mark.line + 1,
                                tok.start_mark.column + 1, "删去以 ! 开头的标签，只写普通的文字、数字和列表。")
            if isinstance(tok, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"嵌套层次太深（超过 {MAX_DEPTH} 层）。", tok.start_mark.line + 1,
                                    tok.start_mark.column + 1, "元数据和数据文件只需要两三层；请简化这里的结构。")
            elif isinstance(tok, _CLOSE):
                depth -= 1
    finally:
        loader.dispose()


def load(text: str, max_bytes: int = MAX_BYTES) -> YamlDoc:
    """Parse one YAML document within the limits, keeping its node tree for line look-ups."""
    if len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise YamlError(f"YAML 内容太长（超过 {max_bytes // 1000} KB）。", 1,
                        fix="元数据只写字段；大段文字写在正文里，大表格拆成几个文件。")
    bad = CONTROL.search(text)
    if bad:
        raise YamlError("有看不见的控制字符（例如空字节）。", text.count("\n", 0, bad.start()) + 1,
                        fix="在编辑器中用“UTF-8”编码另存这个文件；必要时把这一行删掉重新输入。")
    try:
        _screen(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        raise YamlError(f"YAML 格式有误（技术信息：{exc.problem or exc.context}）。", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML 格式有误（{exc}）。", 1) from None
    except RecursionError:
        raise YamlError(f"嵌套层次太深（超过 {MAX_DEPTH} 层）。", 1,
                        fix="元数据和数据文件只需要两三层；请简化这里的结构。") from None
    return YamlDoc(data, node)


def load_file(path, max_bytes: int = MAX_BYTES) -> YamlDoc:
    """Read and parse a YAML file; errors carry the path."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(f"文件太大（{size // 1000} KB，上限 {max_bytes // 1000} KB）。", 1,
                            fix="把它拆成几个较小的文件。", path=str(path))
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise YamlError("文件不是 UTF-8 编码。", 1, fix="在编辑器中用“UTF-8”编码另存这个文件。", path=str(path)) from None
    try:
        return load(text, max_bytes)
    except YamlError as exc:
        exc.path = str(path)
        raise

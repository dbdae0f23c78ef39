"""A page as the checker sees it: the model's Page plus MyST tokens.

Markdown is parsed with myst-parser's own markdown-it configuration, so the
checker sees exactly the tokens (with line maps) that the build sees.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from markdown_it.token import Token

from tools.model import KBData, Page
from tools.model.markdown import NOT_MARKDOWN, directive_name, md_parser


@dataclass
class Doc:
    page: Page
    data: KBData
    _tokens: list[Token] | None = field(default=None, repr=False)
    _extracts: dict | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return self.page.path

    @property
    def meta(self) -> dict:
        return self.page.meta

    @property
    def tokens(self) -> list[Token]:
        """Tokens of the whole file; ``token.map`` lines are 0-based file lines."""
        if self._tokens is None:
            self._tokens = md_parser().parse(self.page.text)
        return self._tokens

    def lines(self) -> list[str]:
        return self._lines

    def col(self, line: int, needle: str, occurrence: int = 0) -> int:
        """1-based column of the ``occurrence``-th ``needle`` on file ``line``
        (1 when it cannot be found as written, e.g. across Markdown escapes)."""
        if not needle or not 1 <= line <= len(self._lines):
            return 1
        text, at = self._lines[line - 1], -1
        for _ in range(occurrence + 1):
            at = text.find(needle, at + 1)
            if at < 0:
                return 1
        return at + 1

    @functools.cached_property
    def _lines(self) -> list[str]:
        return self.page.text.split("\n")

    @functools.cached_property
    def blocks(self) -> list["Block"]:
        return walk_blocks(self)

    def extracts(self) -> dict:
        """What the corpus-wide rules need from a page, small enough to cache:
        its {doc} links and its long paragraphs."""
        if self._extracts is None:
            links, paras = [], []
            for block in self.blocks:
                for child in block.children:
                    if child.type == "myst_role" and child.meta.get("name") == "doc":
                        target = child.content.strip()
                        if "<" in target and target.endswith(">"):
                            target = target[target.rindex("<") + 1:-1]
                        links.append([block.start, target, list(block.containers)])
                if block.kind == "inline":
                    text = "".join(c.content for c in block.children if c.type == "text")
                    if len(text) >= 40:
                        paras.append([block.start, text])
            from .rules.duplicates import signature
            self._extracts = {"links": links, "paras": paras, "sigs": [signature(t) for _, t in paras]}
        return self._extracts

    def text_lines(self):
        """(line, text, containers) of every prose text run on the page."""
        for block in self.blocks:
            if block.kind in ("inline", "heading"):
                for line, text in inline_texts(block):
                    yield line, text, block.containers


@dataclass(frozen=True)
class Block:
    """A block of the page: its kind, file lines (1-based, inclusive), enclosing directives."""

    kind: str  # paragraph | heading | fence | table | list_item | ...
    start: int
    end: int
    containers: tuple[str, ...]
    token: Token
    children: tuple[Token, ...] = ()


def walk_blocks(doc: "Doc") -> list[Block]:
    """Every block with its lines and directive nesting; directive bodies are
    parsed recursively (MyST leaves colon-fence bodies unparsed)."""
    out: list[Block] = []

    def visit(tokens, offset, containers):
        stack = []
        for tok in tokens:
            if tok.type in ("colon_fence", "fence"):
                name = directive_name(tok.info)
                start, end = tok.map[0] + offset + 1, tok.map[1] + offset
                out.append(Block("fence", start, end, containers, tok))
                if name and name not in NOT_MARKDOWN:
                    body_offset = tok.map[0] + offset + 1
                    visit(md_parser().parse(tok.content), body_offset, containers + (name,))
                continue
            if tok.type == "heading_open":
                stack.append(tok)
                continue
            if tok.type == "inline" and tok.map:
                parent = stack[-1] if stack else None
                kind = "heading" if parent is not None and parent.type == "heading_open" else "inline"
                out.append(Block(kind, tok.map[0] + offset + 1, tok.map[1] + offset, containers,
                                 parent if kind == "heading" else tok, tuple(tok.children or ())))
            if tok.type == "heading_close" and stack:
                stack.pop()
            if tok.type in ("table_open", "image") and tok.map:
                out.append(Block(tok.type, tok.map[0] + offset + 1, tok.map[1] + offset, containers, tok))
    visit(doc.tokens, 0, ())
    return out


def inline_texts(block: Block):
    """(line, text) of the plain-text children of an inline block, with the
    line advanced at soft and hard breaks."""
    line = block.start
    for child in block.children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "text":
            yield line, child.content

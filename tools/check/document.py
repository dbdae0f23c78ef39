"""A page as the checker sees it: the model's Page plus MyST tokens.

Markdown is parsed with myst-parser's own markdown-it configuration, so the
checker sees exactly the tokens (with line maps) that the build sees.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from markdown_it.renderer import RendererHTML

from tools.model import KBData, Page

MYST_EXTENSIONS = ("colon_fence", "deflist", "substitution", "attrs_inline", "attrs_block", "fieldlist")


@functools.lru_cache(maxsize=1)
def md_parser():
    config = MdParserConfig(enable_extensions=set(MYST_EXTENSIONS),
                            disable_syntax=["html_block", "html_inline"])
    return create_md_parser(config, RendererHTML)


@dataclass
class Doc:
    page: Page
    data: KBData
    _tokens: list[Token] | None = field(default=None, repr=False)

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
        return self.page.text.split("\n")

"""The MyST Markdown settings, in one place, and what a page may not do.

``conf.py`` (the build) and the checker both take the MyST extensions from
here, so the checker sees exactly the tokens the build sees. markdown-it
stops parsing a page when blocks nest deeper than ``maxNesting`` and drops
the rest of the page without a word: :func:`too_deep` finds that spot, so the
build and the checker can both report it at its line.
"""
from __future__ import annotations

import functools

from .codes import Code

#: myst_enable_extensions of the build (conf.py) and the checker
MYST_EXTENSIONS = ("colon_fence", "deflist", "substitution", "attrs_inline", "attrs_block", "fieldlist")
#: raw HTML is escaped, never passed through
MYST_DISABLE_SYNTAX = ("html_block", "html_inline")
#: markdown-it's token level a page may reach (a list item inside a list is
#: two levels); markdown-it drops everything after level 20 (its maxNesting)
MAX_LEVEL = 16
#: directives inside directives
MAX_DIRECTIVE_DEPTH = 8
#: directives whose body is not Markdown
NOT_MARKDOWN = ("code", "code-block", "literalinclude", "raw", "eval-rst", "math", "mermaid")


@functools.lru_cache(maxsize=1)
def md_parser():
    """myst-parser's own markdown-it parser, configured as the build is."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser
    config = MdParserConfig(enable_extensions=set(MYST_EXTENSIONS), disable_syntax=list(MYST_DISABLE_SYNTAX))
    return create_md_parser(config, RendererHTML)


def directive_name(info: str) -> str | None:
    info = info.strip()
    if info.startswith("{") and "}" in info:
        return info[1:info.index("}")]
    return None


def too_deep(text: str, offset: int = 0, depth: int = 0) -> int | None:
    """1-based line where blocks nest deeper than a page may (lists in lists,
    quotes in quotes beyond :data:`MAX_LEVEL`, directives in directives beyond
    :data:`MAX_DIRECTIVE_DEPTH`), or None."""
    last_line = offset + 1
    for tok in md_parser().parse(text):
        if tok.map:
            last_line = tok.map[0] + offset + 1
        if tok.level > MAX_LEVEL:
            return last_line
        if tok.type in ("colon_fence", "fence") and tok.map:
            name = directive_name(tok.info)
            if name and name not in NOT_MARKDOWN:
                if depth + 1 > MAX_DIRECTIVE_DEPTH:
                    return tok.map[0] + offset + 1
                found = too_deep(tok.content, tok.map[0] + offset + 1, depth + 1)
                if found:
                    return found
    return None


def unclosed_fence(text: str, offset: int = 0) -> int | None:
    """1-based line of a directive or code fence that is never closed (it
    silently swallows the rest of the page, headings included), or None."""
    lines = text.split("\n")
    for tok in md_parser().parse(text):
        if tok.type not in ("colon_fence", "fence") or not tok.map:
            continue
        last = lines[tok.map[1] - 1].strip() if tok.map[1] - 1 < len(lines) else ""
        closed = tok.map[1] - tok.map[0] > 1 and last and set(last) == {tok.markup[0]} \
            and len(last) >= len(tok.markup)
        if not closed:
            return tok.map[0] + offset + 1
        name = directive_name(tok.info)
        if name and name not in NOT_MARKDOWN:
            found = unclosed_fence(tok.content, tok.map[0] + offset + 1)
            if found:
                return found
    return None


#: (code, message, fix) of the page-shape problems both the build and the checker report
SHAPE_PROBLEMS = {
    Code.STR003: ("这里的列表、引用或方框嵌套得太深，网站只会显示到这里，后面的内容全部丢失。",
               "把多层嵌套改成几个并列的列表或段落；列表最多嵌套三四层，方框里最多再套一层方框。"),
    Code.STR004: ("这个方框（或代码块）没有结束标记，它会把后面的全部内容都吞进去。",
               "在方框内容的最后单独写一行 :::（与开头的冒号个数相同）。"),
}


def shape_problems(text: str) -> list[tuple[int, str]]:
    """(line, code) of what makes a page lose text: see :data:`SHAPE_PROBLEMS`."""
    out = []
    deep = too_deep(text)
    if deep:
        out.append((deep, Code.STR003))
    unclosed = unclosed_fence(text)
    if unclosed:
        out.append((unclosed, Code.STR004))
    return out

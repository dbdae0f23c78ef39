"""A11Y: images need alt text; tables need a header row; link text says where it goes."""
from __future__ import annotations

import re

from tools.model.codes import Code

from ..registry import problem, rule

VAGUE = re.compile(r"^\s*(点击这里|点击此处|点这里|这里|此处|点此|链接|详见这里|click here|here|more|link)\s*$", re.I)


@rule("A11Y", "accessibility")
def check(doc):
    out = []
    for block in doc.blocks:
        if block.kind == "fence":
            info = block.token.info.strip()
            if info.startswith(("{image}", "{figure}")) and ":alt:" not in block.token.content:
                out.append(problem(doc, block.start, Code.A11Y001, "图片缺少替代文字（alt）。",
                                   "在图片指令下加一行 :alt: 用一句话描述图片内容。"))
            if info.startswith("{list-table}") and ":header-rows:" not in block.token.content:
                out.append(problem(doc, block.start, Code.A11Y002, "表格没有表头行。",
                                   "加上 :header-rows: 1，并让第一行写各列的名称。"))
            continue
        children = list(block.children)
        for i, child in enumerate(children):
            if child.type == "image":
                alt = "".join(c.content for c in (child.children or [])).strip() or child.content.strip()
                if not alt:
                    out.append(problem(doc, block.start, Code.A11Y001, "图片缺少替代文字（alt）。",
                                       "在 ![ ] 的方括号里用一句话描述图片内容。"))
            if child.type == "link_open":
                text = ""
                for c in children[i + 1:]:
                    if c.type == "link_close":
                        break
                    text += c.content
                if VAGUE.match(text):
                    out.append(problem(doc, block.start, Code.A11Y003, f"链接文字“{text.strip()}”没有说明链接去哪里。",
                                       "用目标页面的名称作链接文字，例如 [生育登记办理指南]（…）。"))
    # Markdown tables: the header row must not be empty
    tokens = doc.tokens
    for i, tok in enumerate(tokens):
        if tok.type == "thead_open":
            cells = []
            for t in tokens[i:]:
                if t.type == "thead_close":
                    break
                if t.type == "inline":
                    cells.append(t.content.strip())
            if cells and not any(cells):
                out.append(problem(doc, tok.map[0] + 1 if tok.map else 1, Code.A11Y002, "表格的表头行是空的。",
                                   "在表格第一行写出每一列的名称。"))
    return out

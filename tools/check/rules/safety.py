"""SAFE: markup that could run in a reader's browser: raw HTML, the raw and
eval-rst directives, javascript: links, scripts."""
from __future__ import annotations

import re

from ..registry import problem, rule

TAG = re.compile(r"<\s*(script|iframe|object|embed|style|img|a|div|span|form|input|svg)\b[^>]*>?", re.I)
JS = re.compile(r"javascript\s*:", re.I)
BANNED = {"raw": "raw 指令", "eval-rst": "eval-rst 指令", "eval-md": "eval-md 指令"}


@rule("SAFE", "safety")
def check(doc):
    out = []
    for block in doc.blocks:
        if block.kind == "fence":
            name = block.token.info.strip()[1:].split("}")[0] if block.token.info.strip().startswith("{") else ""
            if name in BANNED:
                out.append(problem(doc, block.start, "SAFE001", f"内容文件中不允许使用{BANNED[name]}。",
                                   "删除它，用普通 Markdown 或知识库提供的指令写这段内容。"))
            continue
        for child in block.children:
            href = child.attrGet("href") if child.type == "link_open" else None
            if href and JS.match(href.strip()):
                out.append(problem(doc, block.start, "SAFE002", "链接使用了 javascript: 协议。",
                                   "只使用 https:// 链接或站内链接。"))
    for n, line in enumerate(doc.lines(), 1):
        if n < doc.page.body_start:
            continue
        m = TAG.search(line)
        if m:
            out.append(problem(doc, n, "SAFE001", f"有 HTML 标签({m.group(1)})。",
                               "删除 HTML 标签，用 Markdown 写：图片 ![说明]（文件），链接 [文字]（地址）。"))
        elif JS.search(line) and "](" in line:
            out.append(problem(doc, n, "SAFE002", "链接使用了 javascript: 协议。", "只使用 https:// 链接或站内链接。"))
    return sorted(set(out))

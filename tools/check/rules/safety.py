"""SAFE: markup that could run in a reader's browser: raw HTML, the raw and
eval-rst directives, javascript: links, scripts."""
from __future__ import annotations

import re

from tools.model.codes import Code
from tools.model.markdown import directive_name

from ..registry import problem, rule

TAG = re.compile(r"<\s*(script|iframe|object|embed|style|img|a|div|span|form|input|svg)\b[^>]*>?", re.I)
JS = re.compile(r"javascript\s*:", re.I)
BANNED = {"raw": "raw 指令", "eval-rst": "eval-rst 指令", "eval-md": "eval-md 指令"}
INCLUDES = ("include", "literalinclude")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


REMOTE_FIX = ("把图片下载下来、确认可以使用后放进页面所在的文件夹，再写 ![说明](文件名)；"
              "图片必须是知识库里的文件，读者打开页面时不应去访问别的网站。")


def _outside(src: str) -> bool:
    """A web address, or a path that climbs out of the knowledge base."""
    src = src.strip()
    return bool(URL.match(src)) or src.startswith("//") or ".." in src.replace("\\", "/").split("/")


@rule("SAFE", "safety")
def check(doc):
    out = []
    for block in doc.blocks:
        if block.kind == "fence":
            name = directive_name(block.token.info) or ""
            if name in BANNED:
                out.append(problem(doc, block.start, Code.SAFE001, f"内容文件中不允许使用{BANNED[name]}。",
                                   "删除它，用普通 Markdown 或知识库提供的指令写这段内容。"))
            if name in ("image", "figure") and _outside(block.token.info.strip()[len(name) + 2:]):
                out.append(problem(doc, block.start, Code.SAFE003, "图片引用了网址或知识库以外的文件。", REMOTE_FIX))
            if name in INCLUDES:
                out.append(problem(doc, block.start, Code.SAFE004, f"内容文件中不允许使用 {name} 指令插入其他文件。",
                                   "把要用的文字直接写进页面；共用的内容用链接 {doc}`页面` 指过去。"))
            continue
        for child in block.children:
            href = child.attrGet("href") if child.type == "link_open" else None
            if href and JS.match(href.strip()):
                out.append(problem(doc, block.start, Code.SAFE002, "链接使用了 javascript: 协议。",
                                   "只使用 https:// 链接或站内链接。"))
            src = child.attrGet("src") if child.type == "image" else None
            if src and _outside(src):
                out.append(problem(doc, block.start, Code.SAFE003, f"图片引用了网址或知识库以外的文件（{src[:60]}）。",
                                   REMOTE_FIX, col=doc.col(block.start, src[:20])))
    for n, line in enumerate(doc.lines(), 1):
        if n < doc.page.body_start:
            continue
        m = TAG.search(line)
        if m:
            out.append(problem(doc, n, Code.SAFE001, f"有 HTML 标签({m.group(1)})。",
                               "删除 HTML 标签，用 Markdown 写：图片 ![说明]（文件），链接 [文字]（地址）。"))
        elif JS.search(line) and "](" in line:
            out.append(problem(doc, n, Code.SAFE002, "链接使用了 javascript: 协议。", "只使用 https:// 链接或站内链接。"))
    return sorted(set(out))

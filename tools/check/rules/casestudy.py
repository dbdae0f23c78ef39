"""CASE: a case study's practice and results say only what the source says.

Every paragraph and list item of the "做法" and "成效" sections names where in
the raw report it comes from (第一篇 … 第五篇, 原始文件第 N 行, or a part the
page lists in its ``source_parts``), or sits under a ``###`` heading that
does, or in a list whose lead-in sentence does.
What the writers add themselves (a reading, a caution, a comparison) says so
with the word “编写组” (for example a paragraph opening “**编写组的分析。**”).
"""
from __future__ import annotations

import re

from tools.model.codes import Code

from ..registry import problem, rule

SECTIONS = ("做法", "成效")
LOCATOR = re.compile(r"第[一二三四五六七八九十]+篇|原始文件第\s*\d+")
OWN = "编写组"
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _text(block) -> str:
    parts = []
    for child in block.children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "myst_role":
            parts.append(child.content)
    return "".join(parts)


def _sections(doc):
    """(title, first line, last line) of each top-level ## section."""
    heads = [(b.start, "".join(c.content for c in b.children if c.type == "text").strip())
             for b in doc.blocks if b.kind == "heading" and not b.containers and b.token.tag == "h2"]
    out = []
    for i, (line, title) in enumerate(heads):
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else len(doc.lines())
        out.append((title, line, end))
    return out


def _covered(text: str, parts=()) -> bool:
    return bool(LOCATOR.search(text)) or OWN in text or any(p in text for p in parts)


def _parts(meta) -> tuple[str, ...]:
    """The parts the page says it is compiled from (``source_parts``)."""
    out = []
    for sp in meta.get("source_parts") or ():
        if isinstance(sp, dict) and len(str(sp.get("part") or "")) >= 2:
            out.append(str(sp["part"]))
    return tuple(out)


@rule("CASE", "case study sources")
def check(doc):
    if doc.meta.get("type") != "case-study":
        return []
    lines = doc.lines()
    parts = _parts(doc.meta)
    out = []
    for title, first, last in _sections(doc):
        if title not in SECTIONS:
            continue
        headings: list[tuple[int, bool]] = []  # (level, covers) of the ### headings in force
        lead_in = False  # the paragraph before the current list names its source
        for block in doc.blocks:
            if not (first < block.start <= last):
                continue
            if block.kind == "heading":
                level = int(block.token.tag[1])
                headings = [(lv, cov) for lv, cov in headings if lv < level]
                headings.append((level, _covered(_text(block), parts)))
                lead_in = False
                continue
            if block.kind != "inline":
                continue
            raw = lines[block.start - 1] if block.start - 1 < len(lines) else ""
            is_item = bool(LIST_ITEM.match(raw))
            text = _text(block)
            if not is_item:
                lead_in = _covered(text, parts) and text.rstrip().endswith(("：", ":"))
            if _covered(text, parts) or any(cov for _, cov in headings) or (is_item and lead_in):
                continue
            snippet = text.strip().replace("\n", "")[:24]
            out.append(problem(
                doc, block.start, Code.CASE001,
                f"案例“{title}”一节的这段话没有注明出自原始材料的哪里（“{snippet}……”）。",
                "在句末写出处，例如“（第一篇 一（三）1）”或“（第五篇 第二部分第一点，原始文件第 129 行）”；"
                "或者放在注明出处的小标题（###）下、注明出处的引导句（以“：”结尾）后的列表里。"
                "如果这是编写组自己的分析或推断，要写明，例如以“**编写组的分析。**”开头。"))
    return out

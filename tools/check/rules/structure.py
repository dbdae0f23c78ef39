"""STR: required sections of each page type, in order; heading levels never skip."""
from __future__ import annotations

from tools.model.codes import Code
from tools.model.markdown import SHAPE_PROBLEMS, shape_problems
from tools.model.pages import REQUIRED_SECTIONS

from ..registry import problem, rule



@rule("STR", "structure")
def check(doc):
    out = []
    for line, code in shape_problems(doc.page.text):
        out.append(problem(doc, line, code, *SHAPE_PROBLEMS[code]))
    headings = [(b.start, int(b.token.tag[1]), "".join(c.content for c in b.children if c.type == "text").strip())
                for b in doc.blocks if b.kind == "heading" and not b.containers]
    level = 1
    for line, lvl, text in headings:
        if lvl == 1:
            out.append(problem(doc, line, Code.STR002, "页面正文里不要写一级标题（# ）。",
                               "标题写在元数据的 title 里；正文的节用 ## 开头。"))
        elif lvl > level + 1:
            out.append(problem(doc, line, Code.STR002, f"标题层级跳级了：从 {level} 级直接到 {lvl} 级。",
                               f"把这个标题改成 {'#' * (level + 1)} 开头，或补上中间一级的标题。"))
        level = lvl
    required = REQUIRED_SECTIONS.get(doc.meta.get("type"))
    if not required:
        return out
    h2 = [(line, text) for line, lvl, text in headings if lvl == 2]
    names = [t for _, t in h2]
    pos = -1
    for sec in required:
        if sec not in names:
            out.append(problem(doc, doc.page.body_start, Code.STR001, f"缺少必需的一节“{sec}”。",
                               "必需的节依次是：" + "、".join(required) + "。用 ## 写这一节的标题。"))
            continue
        idx = names.index(sec)
        if idx < pos:
            out.append(problem(doc, h2[idx][0], Code.STR001, f"“{sec}”一节的位置不对。",
                               "必需的节依次是：" + "、".join(required) + "。"))
        pos = max(pos, idx)
    return out

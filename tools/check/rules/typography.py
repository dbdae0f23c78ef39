"""TYPO: Chinese typography (spacing between Chinese and Latin letters or
digits, full-width punctuation), as autocorrect-py lints Markdown. The same
tool applies the safe fixes (``make fix``)."""
from __future__ import annotations

import autocorrect_py

from tools.model.codes import Code

from ..registry import problem, rule


@rule(Code.TYPO001, "Chinese typography")
def check(doc):
    out = []
    result = autocorrect_py.lint_for(doc.page.text, "markdown")
    for r in result.lines:
        if r.line < doc.page.body_start:
            continue
        out.append(problem(doc, r.line, Code.TYPO001, "中文排版不规范（中英文、数字之间的空格或全角标点）。",
                           f"改成：{r.new.strip()[:80]}（运行 make fix 可自动修正）", severity="warning", col=r.col))
    return out


def fix_text(text: str) -> str:
    return autocorrect_py.format_for(text, "markdown")

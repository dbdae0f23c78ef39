"""SHOT: advice to keep screenshots as evidence excludes intimate images.

A minor must never keep or send sexual images of a minor, even as
"evidence" (Minors Protection Law 2020, Art. 52). Wherever a page tells
readers to screenshot or save messages, the same paragraph (or the same box)
says to keep the account and the words, never intimate images, and to hand
them to a trusted adult or the police.
"""
from __future__ import annotations

import re

from tools.model.codes import Code

from ..registry import problem, rule

SHOT = "(?:截图|截屏)"
#: advice to keep a screenshot (not "an advertisement screenshot" shown in class)
ADVICE = re.compile(rf"{SHOT}[^。；！？\n]{{0,8}}(?:保存|留存|留下|存下|证据|交给)"
                    rf"|(?:保存|留存|留下|存下|保留)[^。；！？\n]{{0,30}}{SHOT}"
                    rf"|{SHOT}等?证据")
INTIMATE = r"(?:私密|裸|隐私部位|涉及身体|身体的?(?:照片|图片|视频|图像)|不雅|色情|淫秽)"
KEEP = r"(?:保存|留下?|存|截图|截屏|持有)"
NOT = r"(?:不要|不能|不可以|千万不要|绝不|不得|别|不)"
EXCLUSION = re.compile(rf"{NOT}[^。；！？\n]{{0,10}}{KEEP}[^。；！？\n]{{0,15}}{INTIMATE}"
                       rf"|{INTIMATE}[^。；！？\n]{{0,20}}{NOT}[^。；！？\n]{{0,6}}{KEEP}")


def _scope(doc, line: int) -> str:
    """The box around ``line`` (innermost directive), else its paragraph: the
    run of non-blank lines around it."""
    lines = doc.lines()
    best = None
    for block in doc.blocks:
        if block.kind == "fence" and block.start < line <= block.end:
            if best is None or block.start >= best.start:
                best = block
    if best is not None:
        return "\n".join(lines[best.start - 1:best.end])
    start = end = line
    while start > doc.page.body_start and start - 2 >= 0 and lines[start - 2].strip():
        start -= 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return "\n".join(lines[start - 1:end])


@rule("SHOT", "screenshots")
def check(doc):
    out = []
    for line, text, _ in doc.text_lines():
        m = ADVICE.search(text)
        if not m:
            continue
        if EXCLUSION.search(_scope(doc, line)):
            continue
        out.append(problem(
            doc, line, Code.SHOT001,
            f"建议截图保存证据（“{m.group(0)}”），但同一段或同一个方框里没有说明：涉及身体的私密照片和视频不能保存、不能转发。",
            "加一句，例如“截图保存对方的账号和说过的话，但不要保存或转发任何涉及身体的照片和视频，交给可信赖的成年人或警察处理”。"
            "未成年人不得持有这类图片（《未成年人保护法》第五十二条）。"))
    return sorted(set(out))

"""SAFEG: a lesson on a sensitive topic tells learners where to get help and
gives teachers a referral path."""
from __future__ import annotations

from tools.model.codes import Code

from ..registry import problem, rule

SENSITIVE_TOPICS = {"4.1", "4.2", "3.3", "8.1"}
REFERRAL_WORDS = ("转介", "报告", "求助途径")


@rule("SAFEG", "safeguarding")
def check(doc):
    m = doc.meta
    if m.get("type") != "lesson":
        return []
    sensitive = bool(m.get("sensitive")) or bool(SENSITIVE_TOPICS & {str(t) for t in m.get("topics") or ()})
    if not sensitive:
        return []
    out = []
    fences = [b for b in doc.blocks if b.kind == "fence"]
    if not any(b.token.info.strip().startswith("{help-box}") for b in fences):
        out.append(problem(doc, doc.page.line_of("topics"), Code.SAFEG001,
                           "这课涉及敏感话题（侵害、暴力、同意或怀孕），但没有告诉学生去哪里求助。",
                           "加一个 :::{help-box} 方框，写明可以找谁帮忙（可信赖的成年人、班主任、心理老师、校医）；全国求助电话和本地热线一行由方框自动印出。"))
    notes = [b for b in fences if b.token.info.strip().startswith("{teacher-note}")]
    if not any(w in b.token.content for b in notes for w in REFERRAL_WORDS):
        line = notes[0].start if notes else doc.page.body_start
        out.append(problem(doc, line, Code.SAFEG002, "教师提示里没有写学生讲出受侵害经历时的转介途径。",
                           "在 :::{teacher-note} 里写明转介途径：倾听、不承诺保密、报告学校负责人、按规定报告。"))
    return out

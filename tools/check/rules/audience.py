"""AUD: audience and age fit.

A lesson's age band matches each learner audience it lists; a page listed for
an audience links only to pages that audience also gets (so no edition has a
dead link).
"""
from __future__ import annotations

from tools.model import Problem

from ..registry import problem, rule


@rule("AUD001", "age fit")
def check(doc):
    m = doc.meta
    if m.get("type") != "lesson" or not m.get("age_band"):
        return []
    out = []
    for i, aid in enumerate(m.get("audiences") or ()):
        aud = doc.data.audiences.get(aid)
        if aud and aud.role == "learner" and aud.age_band != str(m["age_band"]):
            out.append(problem(doc, doc.page.line_of("audiences", i), "AUD001",
                               f"本课的年龄段是 {m['age_band']},但读者 {aid}({aud.name})的年龄段是 {aud.age_band}。",
                               "把这课从该读者的列表中删去，或改正 age_band。"))
    return out


TEACHER_ONLY = {"teacher-note", "answer-key"}


def _doc_links(doc):
    """(line, target) of {doc} links outside teacher-only boxes, which learner
    editions drop anyway."""
    for block in doc.blocks:
        if TEACHER_ONLY & set(block.containers):
            continue
        for child in block.children:
            if child.type == "myst_role" and child.meta.get("name") == "doc":
                target = child.content.strip()
                if "<" in target and target.endswith(">"):
                    target = target[target.rindex("<") + 1:-1]
                yield block.start, target


@rule("AUD002", "links within editions", corpus=True)
def check_links(docs):
    by_doc = {}
    for d in docs:
        by_doc[d.path[:-3] if d.path.endswith(".md") else d.path] = d
    out = []
    for d in docs:
        if d.meta.get("type") == "page":
            continue  # site pages belong to the full web site only
        mine = [a for a in d.meta.get("audiences") or () if a in d.data.audiences]
        base = d.path.rsplit("/", 1)[0]
        for line, target in _doc_links(d):
            key = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
            other = by_doc.get(key)
            if other is None:
                continue  # the build reports unknown documents
            theirs = set(other.meta.get("audiences") or ())
            missing = [a for a in mine if a not in theirs and d.data.audiences[a].role == "learner"]
            if missing:
                names = "、".join(d.data.audiences[a].name for a in missing)
                out.append(Problem(d.path, line, 1, "AUD002", "error",
                                   f"本页面向{names},但链接的页面 {target} 不在{names}的版本里，那里会成为死链接。",
                                   "删去这个链接，或把链接放进只给教师看的 {teacher-note} 中，或在目标页的 audiences 中加上这类读者。"))
    return out

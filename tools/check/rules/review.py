"""REV, REL: reviews and release records.

The model works out each page's review state once
(:func:`tools.model.review.assess`); this rule hands on what is wrong with a
review: lapsed since the page or one of its facts changed (REV001, a
warning: the page shows 审核后有修改; at the first changed line, with the
changed sections, when git holds the reviewed version), due after its collection's period
(REV002), hand-edited (REV003), ``status: reviewed`` without a review
(REV004), a reviewer who is not registered for the page (REV005). Release
records that cannot be read are REL001. A corpus rule, so that a review
falls due on the right day whatever the checker's cache holds.
"""
from __future__ import annotations

from dataclasses import replace

from tools.model.codes import Code
from tools.model.releases import load_releases
from tools.model.review import body_change, due_problem

from ..registry import rule


@rule("REV", "reviews", corpus=True)
def check(docs):
    out = []
    for doc in docs:
        a = doc.page.assessment
        if a is None:
            continue
        for p in a.problems:
            if p.code == Code.REV001 and "正文有改动" in p.message:
                p = _where(doc, p)
            out.append(p)
        due = due_problem(doc.page, doc.data)
        if due is not None:
            out.append(due)
    return out


def _where(doc, p):
    """A lapsed review names the line and the sections that changed when
    git holds the reviewed version (else it points at the review record)."""
    found = body_change(doc.data.root, doc.page)
    if found is None:
        return p
    line, titles = found
    where = f"第 {line} 行起" + (f"，“{'”“'.join(titles)}”" + ("一节" if len(titles) == 1 else "等节") if titles else "")
    return replace(p, line=line, message=p.message.replace("正文有改动", f"正文有改动（{where}）"))


@rule(Code.REL001, "release records", corpus=True)
def check_releases(docs):
    if not docs:
        return []
    return load_releases(docs[0].data.root)[1]

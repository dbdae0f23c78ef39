"""CUR: abolished measures are history.

A paragraph that mentions a historical term of ``terms.yml`` （社会抚养费，
生育服务证， 一票否决 …） must itself say that it is history: it sits in a
``{history-note}`` box, or the same paragraph links to the policy page that
records the change. A link elsewhere on the page is not enough: a reader who
lands on a present-tense sentence must find the history beside it.
"""
from __future__ import annotations

import re

from tools.model.codes import Code

from ..document import inline_texts
from ..registry import problem, rule

TITLE = re.compile(r"《[^》]*》")


def _historical(data):
    words = set()
    for term in data.terms.values():
        if term.historical:
            words.add(term.term)
            words.update(d["form"] for d in term.deprecated if d.get("form"))
    return sorted(words, key=len, reverse=True)


def _links_policy(block) -> bool:
    return any(child.type == "myst_role" and child.meta.get("name") == "doc" and "policies/" in child.content
               for child in block.children)


@rule(Code.CUR001, "policy currency")
def check(doc):
    if doc.meta.get("type") in ("page", "policy") or doc.path.endswith("glossary.md"):
        return []
    words = _historical(doc.data)
    if not words:
        return []
    out = []
    for block in doc.blocks:
        if block.kind not in ("inline", "heading") or _links_policy(block) \
                or {"history-note", "editor-note"} & set(block.containers):
            continue
        reported = set()
        for line, text in inline_texts(block):
            text = TITLE.sub(lambda m: " " * len(m.group(0)), text)
            for w in words:
                if w in text and w not in reported and not any(w in r for r in reported):
                    reported.add(w)
                    out.append(problem(doc, line, Code.CUR001, f"提到了已废止的做法“{w}”，但这一段没有说明它已成为历史。",
                                       "在这一段里链接记录这一变化的政策页面（例如 {doc}`/policies/social-maintenance-fee-abolition`），"
                                       "或把这段放进 :::{history-note} 方框并写明废止时间。", col=doc.col(line, w)))
    return out

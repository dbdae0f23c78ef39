"""CUR: abolished measures are history.

A page that mentions a historical term of ``terms.yml`` （社会抚养费， 生育服务证，
一票否决 …） must say so inside a ``{history-note}`` box, or link to a policy page
that records the change.
"""
from __future__ import annotations

import re

from ..registry import problem, rule

TITLE = re.compile(r"《[^》]*》")


def _historical(data):
    words = set()
    for term in data.terms.values():
        if term.historical:
            words.add(term.term)
            words.update(d["form"] for d in term.deprecated if d.get("form"))
    return sorted(words, key=len, reverse=True)


def _links_policy(doc) -> bool:
    for block in doc.blocks:
        for child in block.children:
            if child.type == "myst_role" and child.meta.get("name") == "doc" and "policies/" in child.content:
                return True
    return False


@rule("CUR001", "policy currency")
def check(doc):
    if doc.meta.get("type") == "page" or doc.path.endswith("glossary.md"):
        return []
    words = _historical(doc.data)
    if not words or _links_policy(doc) or doc.meta.get("type") == "policy":
        return []
    for line, text, containers in doc.text_lines():
        if "history-note" in containers or "editor-note" in containers:
            continue
        text = TITLE.sub("", text)
        for w in words:
            if w in text:
                return [problem(doc, line, "CUR001", f"提到了已废止的做法“{w}”，但没有说明它已成为历史。",
                                "把相关内容放进 :::{history-note} 方框并写明废止时间，或链接到记录这一变化的政策页面。")]
    return []

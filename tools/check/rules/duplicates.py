"""DUP: near-duplicate paragraphs across pages (a source passage compiled
into several places). Paragraphs of 40+ characters are compared by their
character 4-gram sets; a Jaccard similarity of 0.8 or more is a warning."""
from __future__ import annotations

from collections import defaultdict

from tools.model import Problem

from ..registry import rule

MIN_CHARS = 40
THRESHOLD = 0.8


def _grams(text: str) -> frozenset[str]:
    text = "".join(ch for ch in text if not ch.isspace())
    return frozenset(text[i:i + 4] for i in range(len(text) - 3))


@rule("DUP001", "near-duplicate paragraphs", corpus=True)
def check(docs):
    paras = []
    for d in docs:
        if d.meta.get("type") in (None, "page"):
            continue
        for line, text in d.extracts()["paras"]:
            if len(text) >= MIN_CHARS:
                paras.append((d.path, line, _grams(text)))
    index = defaultdict(set)
    for i, (_, _, grams) in enumerate(paras):
        for g in list(grams)[:0] or sorted(grams)[:8]:
            index[g].add(i)
    out = []
    seen = set()
    for i, (path, line, grams) in enumerate(paras):
        candidates = set()
        for g in sorted(grams)[:8]:
            candidates |= index[g]
        for j in candidates:
            if j <= i or (i, j) in seen:
                continue
            other = paras[j]
            if other[0] == path:
                continue
            sim = len(grams & other[2]) / len(grams | other[2])
            if sim >= THRESHOLD:
                seen.add((i, j))
                out.append(Problem(other[0], other[1], 1, "DUP001", "warning",
                                   f"这一段与 {path}:{line} 几乎相同（相似度 {sim:.0%}）。",
                                   "同一段原始材料只在一处整理，其他地方改成链接。"))
    return out

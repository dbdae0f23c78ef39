"""DUP: near-duplicate paragraphs across pages (a source passage compiled
into several places). Paragraphs of 40+ characters are compared by their
character 4-gram sets; a Jaccard similarity of 0.8 or more is a warning."""
from __future__ import annotations

import heapq
import zlib
from collections import defaultdict

from tools.model import Problem
from tools.model.codes import Code

from ..registry import rule

MIN_CHARS = 40
THRESHOLD = 0.8
SLOTS = 8
MIN_SHARED = 2  # sketch values two paragraphs must share to be compared
MAX_BUCKET = 20


def _grams(text: str) -> frozenset[str]:
    text = "".join(ch for ch in text if not ch.isspace())
    return frozenset(text[i:i + 4] for i in range(len(text) - 3))


def signature(text: str, k: int = SLOTS) -> list[int]:
    """Bottom-k sketch: the k smallest gram hashes. Paragraphs with a high
    Jaccard similarity share some of them with near certainty."""
    return heapq.nsmallest(k, {zlib.crc32(g.encode("utf-8")) for g in _grams(text)})


@rule(Code.DUP001, "near-duplicate paragraphs", corpus=True)
def check(docs):
    paras = []
    for d in docs:
        if d.meta.get("type") in (None, "page"):
            continue
        extracts = d.extracts()
        for (line, text), sig in zip(extracts["paras"], extracts.get("sigs") or ()):
            if len(text) >= MIN_CHARS and sig:
                paras.append((d.path, line, text, sig))
    out = []
    reported: set[int] = set()
    # identical paragraphs first: one dictionary look-up each
    first_seen: dict[str, int] = {}
    for i, (path, line, text, _) in enumerate(paras):
        key = "".join(text.split())
        j = first_seen.setdefault(key, i)
        if j != i and paras[j][0] != path:
            reported.add(i)
            out.append(Problem(path, line, 1, Code.DUP001, "warning",
                               f"这一段与 {paras[j][0]}:{paras[j][1]} 几乎相同（相似度 100%）。",
                               "同一段原始材料只在一处整理，其他地方改成链接。"))
    # then near-duplicates: candidates share a sketch value (locality-sensitive
    # hashing), so the exact comparison runs on likely pairs only
    buckets = defaultdict(list)
    for i, (_, _, _, sig) in enumerate(paras):
        if i in reported:
            continue
        for value in sig:
            buckets[value].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:  # a value shared by very many is uninformative
            for a, i in enumerate(members):
                for j in members[a + 1:]:
                    shared[(i, j)] += 1
    grams: dict[int, frozenset[str]] = {}
    for (i, j), count in sorted(shared.items()):
        if count < MIN_SHARED or j in reported or i in reported or paras[i][0] == paras[j][0]:
            continue
        if i not in grams:
            grams[i] = _grams(paras[i][2])
        if j not in grams:
            grams[j] = _grams(paras[j][2])
        sim = len(grams[i] & grams[j]) / len(grams[i] | grams[j])
        if sim >= THRESHOLD:
            reported.add(j)
            out.append(Problem(paras[j][0], paras[j][1], 1, Code.DUP001, "warning",
                               f"这一段与 {paras[i][0]}:{paras[i][1]} 几乎相同（相似度 {sim:.0%}）。",
                               "同一段原始材料只在一处整理，其他地方改成链接。"))
    return out

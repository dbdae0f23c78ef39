"""TERM: deprecated or inconsistent terms from ``source/_data/terms.yml``.

A deprecated form is replaced by its preferred term. Historical forms
(institution names that changed) are allowed when the same paragraph gives a
year, or inside a history box. Titles in 《》 keep their own wording.
"""
from __future__ import annotations

import functools
import re

from tools.model.codes import Code

from ..registry import problem, rule

YEAR = re.compile(r"(1[89]|20)\d\d")
TITLE = re.compile(r"《[^》]*》")


def _forms(data):
    for term in data.terms.values():
        for d in term.deprecated:
            form = d.get("form")
            if form:
                yield form, term.term, d


@rule("TERM", "terminology")
def check(doc):
    out = []
    forms = list(_forms(doc.data))
    if not forms:
        return out
    any_form = _any_form(tuple(f for f, _, _ in forms))
    lines = doc.lines()
    for block in doc.blocks:
        if block.kind not in ("inline", "heading"):
            continue
        para = "".join(c.content for c in block.children if c.type == "text")
        if not any_form.search(para):
            continue
        # a table row is one source line: a year in another cell counts
        raw = "\n".join(lines[block.start - 1:block.end])
        has_year = bool(YEAR.search(para) or YEAR.search(raw))
        for line, text in _texts(block):
            clean = TITLE.sub(lambda m: " " * len(m.group(0)), text)
            for form, preferred, d in forms:
                for m in re.finditer(re.escape(form), clean):
                    tail = clean[m.start():]
                    if any(tail.startswith(e) for e in d.get("except", ())) or \
                            any(clean[max(0, m.start() - len(e)):].startswith(e) for e in d.get("except", ())):
                        continue
                    if preferred.startswith(form) and clean[m.start():].startswith(preferred):
                        continue
                    if d.get("historical"):
                        if has_year or "history-note" in block.containers:
                            continue
                        out.append(problem(doc, line, Code.TERM002, f"“{form}”是历史名称，同一段里没有写年份。",
                                           f"写明所指的年份（例如“2010 年的{form}”），或改用现在的名称“{preferred}”。"))
                    else:
                        use = d.get("use") or preferred
                        out.append(problem(doc, line, Code.TERM001, f"请不要使用“{form}”。",
                                           f"改用“{use}”。" + (f"({d['reason']})" if d.get("reason") else "")))
                    break
    return out


@functools.lru_cache(maxsize=4)
def _any_form(forms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def _texts(block):
    from ..document import inline_texts
    return inline_texts(block)

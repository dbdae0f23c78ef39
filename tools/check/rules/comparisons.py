"""CMP: contraception compared like for like.

A table that compares methods by their first-year pregnancy figures (facts
named ``<method>_typical_first_year_pregnancy`` and
``<method>_perfect_first_year_pregnancy``) gives, on every row, both the
typical-use and the correct-use figure of the same method, from the same
source. A method without both (withdrawal, "safe days", emergency pills) is
discussed outside the table.
"""
from __future__ import annotations

import re

from tools.model.codes import Code

from ..registry import problem, rule

TYPICAL = "_typical_first_year_pregnancy"
PERFECT = "_perfect_first_year_pregnancy"
SUBST = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}")


def _methods(ids, suffix):
    return {i[:-len(suffix)] for i in ids if i.endswith(suffix)}


def _first_cell(row: str) -> str:
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    return cells[0] if cells else row.strip()


@rule("CMP", "comparisons")
def check(doc):
    out = []
    lines = doc.lines()
    facts = doc.data.facts
    for block in doc.blocks:
        if block.kind != "table_open":
            continue
        rows = [(n, lines[n - 1]) for n in range(block.start, min(block.end, len(lines)) + 1)]
        body = [(n, row) for n, row in rows[2:] if row.strip() and not SEPARATOR.match(row)]
        ids_of = {n: SUBST.findall(row) for n, row in body}
        if not any(_methods(ids, TYPICAL) | _methods(ids, PERFECT) for ids in ids_of.values()):
            continue  # not a comparison of first-year figures
        for n, row in body:
            typical, perfect = _methods(ids_of[n], TYPICAL), _methods(ids_of[n], PERFECT)
            name = _first_cell(row)
            if not typical or not perfect or typical != perfect:
                out.append(problem(
                    doc, n, Code.CMP001,
                    f"避孕方法比较表中，“{name}”这一行没有同时给出“常规使用”和“完全正确使用”两种情况下的数字。",
                    "在 source/_data/facts.yml 中登记同一来源的两个数字（编号分别以 _typical_first_year_pregnancy 和 "
                    "_perfect_first_year_pregnancy 结尾），在这一行写 {{ 编号 }}；没有可靠数字的方法（如体外射精、"
                    "“安全期”推算、紧急避孕药）放到表格外用文字说明。"))
                continue
            for method in typical:
                a, b = facts.get(method + TYPICAL), facts.get(method + PERFECT)
                if a is not None and b is not None and a.source != b.source:
                    out.append(problem(
                        doc, n, Code.CMP001,
                        f"避孕方法比较表中，“{name}”的两个数字出自不同的资料（{a.source} 和 {b.source}），不能直接比较。",
                        "两个数字都取自同一份资料（例如世界卫生组织《计划生育：全球提供者手册》），并在数字登记表中写明出处。"))
    return sorted(set(out))

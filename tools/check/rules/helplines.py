"""HELP: help boxes print the national numbers from the data, never by hand.

The ``{help-box}`` directive prints the help lines of
``source/_data/helplines.yml`` (numbers from the facts registry) and one
write-in line for the school's own service. A box that also hand-writes a
phone number (HELP001) or leaves a blank of its own for a number (HELP002)
would print a second, unmaintained list. HELP010 checks the data: every help
line names a registered fact with a review date.
"""
from __future__ import annotations

import re

from tools.model import Problem
from tools.model.codes import Code

from ..registry import problem, rule

#: a run of three or more digits (110, 12355, 010-12345678) that is not a year
NUMBER = re.compile(r"(?<![\d.])\d{3,}(?:[-‐–]\d{3,})*(?![\d.])(?!\s*年)")
WRITE_IN = re.compile(r"由(?:教师|老师|学校|班主任)填写|请(?:教师|老师)填写")
LINES = "110、120、12355、12356"


def _in_help_box(containers) -> bool:
    return "help-box" in containers


@rule("HELP", "help lines")
def check(doc):
    out = []
    for block in doc.blocks:
        if block.kind not in ("inline", "heading") or not _in_help_box(block.containers):
            continue
        line = block.start
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                for m in NUMBER.finditer(child.content):
                    out.append(problem(
                        doc, line, Code.HELP001, f"求助方框里手写了电话号码“{m.group(0)}”。",
                        f"删去这个号码：求助方框会自动印出全国求助电话（{LINES}），号码只在 "
                        "source/_data/facts.yml 和 helplines.yml 中维护。要提醒报警时，写“打下面的报警电话”即可。"))
                m = WRITE_IN.search(child.content)
                if m:
                    out.append(problem(
                        doc, line, Code.HELP002, f"求助方框里留了由老师填写号码的地方（“{m.group(0)}”）。",
                        "删去这一行：方框末尾会自动加上一行“本地求助热线：＿＿（由学校填写）”，每个方框只留这一处。"))
            elif child.type == "myst_role" and child.meta.get("name") == "blank":
                out.append(problem(
                    doc, line, Code.HELP002, "求助方框里有一条填空线（{blank}）。",
                    "删去这一行：方框末尾会自动加上一行“本地求助热线：＿＿（由学校填写）”，每个方框只留这一处。"))
    return sorted(set(out))


@rule(Code.HELP010, "help lines data", corpus=True)
def check_data(docs):
    if not docs:
        return []
    data = docs[0].data
    path = "source/_data/helplines.yml"
    out = []
    for line, fact in data.helpline_numbers():
        if fact is None:
            out.append(Problem(path, line.line, 1, Code.HELP010, "error",
                               f"求助电话“{line.name}”用的数字编号 {line.fact} 不在数字登记表中，求助方框里不会印出这个号码。",
                               "在 source/_data/facts.yml 登记这个号码（写明出处、locator 和 review_by），或改正编号。"))
        elif not fact.review_by:
            out.append(Problem("source/_data/facts.yml", fact.line, 1, Code.HELP010, "error",
                               f"求助电话号码 {fact.id} 没有写复核日期（review_by）。",
                               "写上下次核对这个号码的日期，例如 review_by: '2027-12-31'；号码变了，孩子就打不通。"))
        if not line.name or not line.when:
            out.append(Problem(path, line.line, 1, Code.HELP010, "error",
                               f"求助电话 {line.fact} 缺少名称（name）或使用说明（when）。",
                               "写上这个电话叫什么，以及什么时候打，用孩子能读懂的一句话。"))
    return out

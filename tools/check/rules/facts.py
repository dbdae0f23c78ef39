"""FACT: figures come from the facts registry.

In case studies and policy pages, a count, percentage, amount or duration
written as digits is an error: register it in ``source/_data/facts.yml`` and
write ``{{ fact_id }}``. Dates (years, months, days), document and article
numbers are not figures, nor is an ``editor-note`` (never printed; it may
record a figure as checked). A literal equal to a registered value names the
fact to use. The registry itself: an entry without a source is an error, one
past its review-by date a warning, an unknown fact id in a page an error.
"""
from __future__ import annotations

import datetime as dt
import re

from tools.model import Problem
from tools.model.codes import Code

from ..registry import problem, rule

UNITS = ("万人|万元|亿元|人次|户次|平方公里|个百分点|公里|千米|小时|分钟|多万|余万|"
         "个|户|人|名|所|家|台|次|天|周|月|年|岁|元|张|份|本|场|期|项|处|支|批|套|种|座|辆|倍|例|间|对|位|组|条|%|％|‰")
NUMBER = re.compile(rf"(?<![A-Za-z0-9_.\-])(\d+(?:[.,]\d+)*)\s*(万|亿)?\s*({UNITS})")
ORDINAL_BEFORE = re.compile(r"(第|〔|\[|§|No\.?\s*|附件|表|图|版)\s*$")
SUBST = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
APPLIES_TO = ("case-study", "policy")


def _is_figure(text: str, m: re.Match) -> bool:
    num, _, unit = m.group(1), m.group(2), m.group(3) or ""
    before = text[:m.start()]
    if ORDINAL_BEFORE.search(before):
        return False
    duration = re.match(r"\s*(多|余|以上|以内|左右)", text[m.end():])
    if unit == "年" and re.fullmatch(r"(1[89]|20)\d\d", num):
        return False  # 2008 年 (also 2009 年至 2014 年间): a year; 5 年 is a duration
    if unit in ("月", "日") and len(num) <= 2 and not duration:
        return False  # 10 月, 1 日: dates
    if re.fullmatch(r"(1[89]|20)\d\d", num) and (not unit or unit[0] in "-–—至到/"):
        return False
    if unit.startswith(("-", "–", "—", "/")):
        return False  # 2021-08-20, ranges of dates
    return True


def _unit_key(unit: str) -> str:
    """A unit as compared: 万余人 and 万人 agree, ％ is %, 个 is 个."""
    return unit.replace("％", "%").replace("多", "").replace("余", "").replace("约", "").strip()


def _number(text: str) -> float | None:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return None


CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
SENTENCE_END = "。！？；\n"


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in SENTENCE_END) if i >= 0]
    return text[left:min(rights) if rights else len(text)]


def _pairs(text: str) -> set[str]:
    return set(CJK_PAIR.findall(text))


def agreeing_facts(doc, value: float, unit: str, sentence: str) -> list:
    """Registered facts this literal could be: the same number, the same unit,
    and the same context (a source the page cites, or words of the fact's label
    in the sentence). Equal numbers alone are not enough: 24 villages are not
    a 24-hour window."""
    sources = set(doc.meta.get("sources") or ())
    words = _pairs(sentence)
    same = [f for f in doc.data.facts.values()
            if _number(f.value) == value and _unit_key(f.unit) == _unit_key(unit)]
    worded = [f for f in same if len(_pairs(f.label) & words) >= 2]
    # the label's words in the sentence say most; a source the page cites says less
    return worded or [f for f in same if f.source in sources]


HOW_TO_REGISTER = ("把它登记到 source/_data/facts.yml，例如："
                   "- {{id: 起一个英文编号, label: 这个数字说的是什么, value: {value}, unit: {unit}, "
                   "source: 参考资料的key, locator: 在原文中的位置, as_of: 年份或null, review_by: '复核日期'}}"
                   "，然后在正文中写 {{{{ 编号 }}}}。日期和条款序号不需要登记。")


@rule("FACT", "facts and figures")
def check(doc):
    out = []
    facts = doc.data.facts
    # substitutions must name registered facts
    lines = doc.lines()
    for n, line in enumerate(lines, 1):
        if n < doc.page.body_start:
            continue
        for m in SUBST.finditer(line):
            if m.group(1) not in facts:
                out.append(problem(doc, n, Code.FACT003, f"数字登记表中没有编号为 {m.group(1)} 的数字。",
                                   "先在 source/_data/facts.yml 登记这个数字（含出处），或改正编号的拼写。",
                                   col=m.start() + 1))
    if doc.meta.get("type") not in APPLIES_TO:
        return out
    for line, text, containers in doc.text_lines():
        if "editor-note" in containers:
            continue  # never printed: the editors' record of where a figure was checked
        seen: dict[str, int] = {}
        for m in NUMBER.finditer(text):
            if not _is_figure(text, m):
                continue
            literal = m.group(0).strip()
            nth = seen[literal] = seen.get(literal, -1) + 1
            col = doc.col(line, literal, nth)
            unit = (m.group(2) or "") + (m.group(3) or "")
            value = _number(m.group(1))
            found = agreeing_facts(doc, value, unit, _sentence(text, m.start(), m.end())) if value is not None else []
            if len(found) == 1:
                fid = found[0].id
                out.append(problem(doc, line, Code.FACT002,
                                   f"数字“{literal}”就是登记表中的 {fid}（{found[0].label}），但直接写在了正文里。",
                                   f"改写成 {{{{ {fid} }}}}，这样数字和出处只在一处维护。", col=col))
            elif found:
                names = "、".join(f"{f.id}（{f.label}）" for f in found[:4])
                out.append(problem(doc, line, Code.FACT002, f"数字“{literal}”直接写在了正文里；登记表中数值相同的有：{names}。",
                                   "选出与这句话意思相同的那一个，写成 {{ 编号 }}；都不对就按 FACT001 的办法登记新数字。",
                                   col=col))
            else:
                out.append(problem(doc, line, Code.FACT001, f"数字“{literal}”没有登记在数字登记表中。",
                                   HOW_TO_REGISTER.format(value=m.group(1), unit=unit or "''"), col=col))
    return out


@rule(Code.FACT010, "facts registry", corpus=True)
def check_registry(docs):
    if not docs:
        return []
    data = docs[0].data
    path = "source/_data/facts.yml"
    today = dt.date.today().isoformat()
    out = []
    for f in data.facts.values():
        if not f.source:
            out.append(Problem(path, f.line, 1, Code.FACT010, "error", f"登记的数字 {f.id} 没有写出处（source）。",
                               "写上参考资料的 key，例如 source: src-district-report，并写明 locator。"))
        elif f.source not in data.bibliography:
            out.append(Problem(path, f.line, 1, Code.FACT010, "error", f"数字 {f.id} 的出处 {f.source} 不在参考资料中。",
                               "先在 source/_data/bibliography.yml 登记这份资料。"))
        if f.review_by and f.review_by < today:
            out.append(Problem(path, f.line, 1, Code.FACT011, "warning", f"数字 {f.id} 已过复核日期 {f.review_by}。",
                               "核对这个数字是否仍然准确，然后更新 review_by。"))
    return out

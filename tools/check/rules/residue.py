"""RES: residue of scraped or unfinished text: ***, XX, 某某， TODO, units with
no number, dropped years, site watermarks and boilerplate."""
from __future__ import annotations

import re

from tools.model.codes import Code
from tools.model.markup import strings

from ..registry import problem, rule

UNITS = "平方公里|万人|人次|个百分点|万元|亿元"
PATTERNS = [
    (re.compile(r"\*{3,}|＊{3,}"), Code.RES001, "有被星号（***）替换掉的内容。", "找到原始数字并登记到数字登记表；找不到就写明“原文未给出”。"),
    (re.compile(r"(?<![A-Za-z])(XX|ＸＸ|xx)(?![A-Za-z])|某某"), Code.RES002, "有占位符（XX 或 某某）。", "写出真实内容；涉及个人的请改成不指向具体人的说法。"),
    (re.compile(r"\bTODO\b|\bFIXME\b|待填写"), Code.RES002, "有未完成的标记（TODO）。", "把这里写完，再删去标记。"),
    (re.compile(r"(?<![\d０-９.}])[%％‰]"), Code.RES003, "百分号前面缺少数字。", "补上数字（登记到数字登记表后用 {{ 编号 }} 引用），或删去百分号。"),
    (re.compile(rf"(面积|人口|达到|共有|约|近|超过|增加|减少|增长|下降|合计|累计|投入|为|有)\s*({UNITS})"), Code.RES003, "单位前面缺少数字。", "补上数字，或改写句子。"),
    (re.compile(r"(出生|死亡|流入|流出)人[,，。]"), Code.RES003, "人数缺失（“出生人，”这类残缺写法）。", "补上人数，或写明原文没有给出。"),
    (re.compile(r"(从|自|于|到|至)(起|底|初|末)[,，。、]?|^(初|底)[,，]"), Code.RES004, "日期里的年份丢了（例如“从起”“到底”）。", "补上年份；原文没有年份时写“原文未注明年份”。"),
    (re.compile(r"[A-Za-z0-9-]+\.(com|cn|net|org)(\.cn)?\b", re.I), Code.RES005, "有网站域名（可能是网页水印）。", "删去水印和网址；需要引用时登记到参考资料。"),
    (re.compile(r"范文网|读书人|[^\s]{1,6}网\s*[(（]|以下提供|提供[.．]|[(（]FANWEN", re.I), Code.RES005, "有网站水印或转载套话。", "删去这段与正文无关的文字。"),
]


UNDERSCORES = re.compile(r"(?:\\_|_){3,}")

#: A time that stands for a year not named: 到年底, 当年, 于年初, 次年 …
YEAR_WORD = re.compile(r"(?:(?:(?:从|自|于|到|至|截至|截止到?|在)?(?:年底|年初|年末|年中|年内|上半年|下半年))"
                       r"|当年|同年|该年|次年|翌年|本年|上年|去年|今年|前年|明年)(?![份龄纪级轻代])")
#: …unless it is a count of years (五年内, 多年中, 近年来), not a year
COUNT_BEFORE = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千两几多数近每历些]$")
EXPLICIT_YEAR = re.compile(r"(?:1[89]|20)\d\d|[〇零一二三四五六七八九]{4}年|年份")
SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
DATED_TYPES = ("case-study", "policy")


@rule("RES", "residue")
def check(doc):
    out = set()
    for line, text, _ in doc.text_lines():
        for rx, code, msg, fix in PATTERNS:
            seen: dict[str, int] = {}
            for m in rx.finditer(text):
                found = m.group(0).strip()
                nth = seen[found] = seen.get(found, -1) + 1
                out.add(problem(doc, line, code, f"{msg}（“{found}”）", fix, col=doc.col(line, found, nth)))
    if doc.meta.get("type") in DATED_TYPES:
        out.update(_yearless(doc))
    # placeholders left in front-matter values
    for path, value in strings(doc.meta):
        if "TODO" in value:
            out.add(problem(doc, doc.page.line_of(*path), Code.RES002, f"元数据 {path[0]} 还没有填写（“{value[:30]}”）。",
                            "把 TODO 换成真实内容。"))
    # Markdown reads *** and ___ as emphasis markers: look at the raw lines too.
    lines = doc.lines()
    rx, code, msg, fix = PATTERNS[0]
    for block in doc.blocks:
        if block.kind in ("inline", "heading"):
            for n in range(block.start, block.end + 1):
                if n <= len(lines) and rx.search(lines[n - 1]):
                    out.add(problem(doc, n, code, f"{msg}（“***”）", fix))
                if n <= len(lines) and UNDERSCORES.search(lines[n - 1]):
                    out.add(problem(doc, n, Code.RES006, "用下划线画的填空线会被当作格式符号，印出来看不见。",
                                    "改写成 {blank}`8`（数字是空格的宽度，单位是字）。"))
    return sorted(out)


def _yearless(doc):
    """A sentence that dates something by a year it never names, neither in
    the sentence nor in the one before it (2021 年…。同年 8 月… is fine). A
    table row is read whole: a year in another cell counts."""
    from ..document import inline_texts
    lines = doc.lines()
    for block in doc.blocks:
        if block.kind not in ("inline", "heading"):
            continue
        row = lines[block.start - 1] if block.start == block.end and lines[block.start - 1].lstrip().startswith("|") else ""
        para, found = "", []
        for line, text in inline_texts(block):
            found += [(line, len(para) + m.start(), m.group(0)) for m in YEAR_WORD.finditer(text)]
            para += text
        for line, at, word in found:
            if COUNT_BEFORE.search(para[:at]) or EXPLICIT_YEAR.search(_two_sentences(para, at) + row):
                continue
            yield problem(doc, line, Code.RES004, f"“{word}”指的是哪一年？这句话里没有写年份。",
                          "写出具体年份（例如“2008 年底”）；原文没有年份时写“（原文未注明年份）”。",
                          col=doc.col(line, word))


def _two_sentences(para: str, at: int) -> str:
    """The sentence around position ``at`` of ``para`` and the one before it."""
    ends = [i for i, ch in enumerate(para) if ch in "。！？；"]
    before = [i for i in ends if i < at]
    after = [i for i in ends if i >= at]
    start = before[-2] + 1 if len(before) >= 2 else 0
    return para[start:after[0] + 1 if after else len(para)]

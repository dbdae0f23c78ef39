"""RES: residue of scraped or unfinished text: ***, XX, 某某， TODO, units with
no number, dropped years, site watermarks and boilerplate."""
from __future__ import annotations

import re

from ..registry import problem, rule

UNITS = "平方公里|万人|人次|个百分点|万元|亿元"
PATTERNS = [
    (re.compile(r"\*{3,}|＊{3,}"), "RES001", "有被星号（***）替换掉的内容。", "找到原始数字并登记到数字登记表；找不到就写明“原文未给出”。"),
    (re.compile(r"(?<![A-Za-z])(XX|ＸＸ|xx)(?![A-Za-z])|某某"), "RES002", "有占位符（XX 或 某某）。", "写出真实内容；涉及个人的请改成不指向具体人的说法。"),
    (re.compile(r"\bTODO\b|\bFIXME\b|待填写"), "RES002", "有未完成的标记（TODO）。", "把这里写完，再删去标记。"),
    (re.compile(r"(?<![\d０-９.}])[%％‰]"), "RES003", "百分号前面缺少数字。", "补上数字（登记到数字登记表后用 {{ 编号 }} 引用），或删去百分号。"),
    (re.compile(rf"(面积|人口|达到|共有|约|近|超过|增加|减少|增长|下降|合计|累计|投入|为|有)\s*({UNITS})"), "RES003", "单位前面缺少数字。", "补上数字，或改写句子。"),
    (re.compile(r"(出生|死亡|流入|流出)人[,，。]"), "RES003", "人数缺失（“出生人，”这类残缺写法）。", "补上人数，或写明原文没有给出。"),
    (re.compile(r"(从|自|于|到|至)(起|底|初|末)[,，。、]?|^(初|底)[,，]"), "RES004", "日期里的年份丢了（例如“从起”“到底”）。", "补上年份；原文没有年份时写“原文未注明年份”。"),
    (re.compile(r"[A-Za-z0-9-]+\.(com|cn|net|org)(\.cn)?\b", re.I), "RES005", "有网站域名（可能是网页水印）。", "删去水印和网址；需要引用时登记到参考资料。"),
    (re.compile(r"范文网|读书人|[^\s]{1,6}网\s*[(（]|以下提供|提供[.．]|[(（]FANWEN", re.I), "RES005", "有网站水印或转载套话。", "删去这段与正文无关的文字。"),
]


UNDERSCORES = re.compile(r"(?:\\_|_){3,}")


@rule("RES", "residue")
def check(doc):
    out = set()
    for line, text, _ in doc.text_lines():
        for rx, code, msg, fix in PATTERNS:
            m = rx.search(text)
            if m:
                out.add(problem(doc, line, code, f"{msg}（“{m.group(0).strip()}”）", fix))
    # placeholders left in front-matter values
    for path, value in _strings(doc.meta):
        if "TODO" in value:
            out.add(problem(doc, doc.page.line_of(*path), "RES002", f"元数据 {path[0]} 还没有填写（“{value[:30]}”）。",
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
                    out.add(problem(doc, n, "RES006", "用下划线画的填空线会被当作格式符号，印出来看不见。",
                                    "改写成 {blank}`8`（数字是空格的宽度，单位是字）。"))
    return sorted(out)


def _strings(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, path + (i,))

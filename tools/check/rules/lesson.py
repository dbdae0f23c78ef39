"""LES: a lesson is a student's book as well as a teacher's plan.

What each age band needs is data (``source/_data/age_bands.yml``):
``student_parts`` (the sections every lesson of the band has, for the
student), ``reading_min_chars`` (the length of the reading text 读一读) and
``period_minutes`` (the class period the activities fill). Which sections a
student reads is the editions' ``parts`` table (``Edition.shows``).

- LES001: a student part the band requires is missing;
- LES002: the reading text is shorter than the band's minimum;
- LES003: teacher material in a part students read: citations, statements of
  alignment to 纲要/ITGSE, objective labels, 待核实;
- LES004: the activities do not fill the band's class period, or
  ``duration_minutes`` says otherwise;
- LES005 (warning): a character outside the band's common list
  (``common_chars``) appears in a student part for the first time without
  its reading (``{ruby}`词|cí` ``); the reading pypinyin proposes is in the
  fix, for the writer to confirm.
"""
from __future__ import annotations

import functools
import re

from tools.model import load_editions
from tools.model.codes import Code

from ..registry import problem, rule

CJK = re.compile(r"[\u4e00-\u9fff]")
MINUTES = re.compile(r"^:minutes:\s*(\d+)\s*$", re.M)
#: what belongs to the teacher, not the student's text
TEACHER_TEXT = [
    (re.compile(r"[\[［][^\]］]{0,40}(?:19|20)\d\d[^\]］]{0,10}[\]］]"), "文献标注"),
    (re.compile(r"《(?:中小学健康教育指导纲要|纲要|生命安全与健康教育进中小学课程教材指南|国际性教育技术指导纲要[^》]*)》"
                r"|ITGSE|技术指导纲要|水平[一二三四五](?![\u4e00-\u9fff]*[高低])"), "课程对应的说明"),
    (re.compile(r"[（(](?:知识|态度|技能)[）)]"), "学习目标的分类标签"),
    (re.compile(r"待核实"), "待核实的标记"),
]


def _band(doc):
    return doc.data.age_bands.get(str(doc.meta.get("age_band")))


def _sections(doc):
    """(title, first line, last line) of each ## section of the page."""
    heads = [(b.start, "".join(c.content for c in b.children if c.type == "text").strip())
             for b in doc.blocks if b.kind == "heading" and not b.containers and b.token.tag == "h2"]
    end = len(doc.lines())
    return [(title, start, heads[i + 1][0] - 1 if i + 1 < len(heads) else end)
            for i, (start, title) in enumerate(heads)]


def _learner_edition(doc):
    audiences = {a.age_band: a.id for a in doc.data.audiences.values() if a.role == "learner"}
    return load_editions(doc.data.root).get(audiences.get(str(doc.meta.get("age_band"))))


@rule("LES", "lessons for students")
def check(doc):
    if doc.meta.get("type") != "lesson":
        return []
    band = _band(doc)
    if not band or not band.get("student_parts"):
        return []  # the band's lessons are not yet student books (age_bands.yml)
    out = []
    sections = _sections(doc)
    titles = [t for t, _, _ in sections]
    for part in band.get("student_parts") or ():
        if part not in titles:
            out.append(problem(doc, doc.page.body_start, Code.LES001, f"缺少给学生的“{part}”一节。",
                               f"{band.get('name', '这个年龄段')}的每一课都要有："
                               + "、".join(band.get("student_parts")) + "。写法见 CONTRIBUTING.md“课的结构”。"))
    minimum = band.get("reading_min_chars")
    for title, start, end in sections:
        if title == "读一读" and minimum:
            chars = sum(len(CJK.findall(b.token.content)) for b in doc.blocks
                        if b.kind == "inline" and start <= b.start <= end
                        and not {"figure", "teacher-note", "editor-note"} & set(b.containers))
            if chars < minimum:
                out.append(problem(doc, start, Code.LES002, f"“读一读”只有 {chars} 个字，这个年龄段至少要 {minimum} 个字。",
                                   "把教学过程和教师提示里讲给学生的道理写成学生自己能读懂的课文，学生只拿到学生用书也能找到答案。"))
    out.extend(_teacher_text(doc, sections))
    out.extend(_period(doc, band))
    out.extend(rare_characters(doc, band))
    return out


def _teacher_text(doc, sections):
    edition = _learner_edition(doc)
    if edition is None:
        return []
    out = []
    for title, start, end in sections:
        if not edition.shows(title):
            continue
        for block in doc.blocks:
            if not start <= block.start <= end or block.kind not in ("inline", "heading"):
                continue
            if not all(edition.shows(c) for c in block.containers if c != "for-audience"):
                continue
            if "for-audience" in block.containers:
                continue  # a passage for named audiences: the build decides
            if any(c.type == "myst_role" and c.meta.get("name") == "cite" for c in block.children):
                out.append(problem(doc, block.start, Code.LES003, f"学生读的“{title}”一节里有文献引用。",
                                   "引用放进“教师提示”或“参考资料”；学生用书只写学生读得懂的话。"))
            text = "".join(c.content for c in block.children if c.type == "text")
            for rx, what in TEACHER_TEXT:
                m = rx.search(text)
                if m:
                    out.append(problem(doc, block.start, Code.LES003,
                                       f"学生读的“{title}”一节里有{what}（“{m.group(0)}”）。",
                                       "这类话写给老师：移到“教师提示”或“课程对应”一节。", col=doc.col(block.start, m.group(0))))
    return out


def _period(doc, band):
    period = band.get("period_minutes")
    if not period:
        return []
    out = []
    fences = [b for b in doc.blocks if b.kind == "fence" and b.token.info.strip().startswith("{activity}")]
    total = sum(int(m.group(1)) for b in fences for m in MINUTES.finditer(b.token.content))
    if fences and total != period:
        out.append(problem(doc, fences[0].start, Code.LES004,
                           f"各项活动一共 {total} 分钟，{band.get('name', '这个年龄段')}一节课是 {period} 分钟。",
                           f"调整各活动的 :minutes:，让它们加起来正好 {period} 分钟。"))
    if doc.meta.get("duration_minutes") not in (None, period):
        out.append(problem(doc, doc.page.line_of("duration_minutes"), Code.LES004,
                           f"duration_minutes 是 {doc.meta.get('duration_minutes')}，这个年龄段一节课是 {period} 分钟。",
                           f"改成 duration_minutes: {period}。"))
    return out


# -- LES005: readings for rare characters ---------------------------------------

@functools.lru_cache(maxsize=1)
def gb2312_level1() -> frozenset[str]:
    """The 3,755 level-1 characters of GB 2312 (常用汉字, in the codec's rows
    16–55): the common-character list a band can name (``common_chars:
    gb2312-1``). The 2013 《通用规范汉字表》 level-1 list (3,500 characters) is
    not served by the registries this project installs from; GB 2312 level 1
    is its long-standing predecessor and comes with Python."""
    out = set()
    for row in range(16, 56):
        for cell in range(1, 95):
            try:
                out.add(bytes([row + 0xA0, cell + 0xA0]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(out)


CHAR_LISTS = {"gb2312-1": gb2312_level1}
RUBY = re.compile(r"\{ruby\}`([^`|]+)\|")


def rare_characters(doc, band) -> list:
    """The first use, in a part students read, of a character outside the
    band's common list that has no {ruby} reading there."""
    lists = CHAR_LISTS.get(band.get("common_chars") or "")
    if lists is None:
        return []
    common = lists()
    edition = _learner_edition(doc)
    sections = _sections(doc)
    seen: set[str] = set()
    out = []
    for title, start, end in sections:
        if edition is not None and not edition.shows(title):
            continue
        for line_no in range(start, end + 1):
            line = doc.lines()[line_no - 1]
            ruby_words = "".join(RUBY.findall(line))
            plain = RUBY.sub("", line)
            for ch in CJK.findall(plain) + CJK.findall(ruby_words):
                if ch in common or ch in seen:
                    continue
                seen.add(ch)
                if ch in ruby_words:
                    continue  # first use comes with its reading
                from pypinyin import Style, pinyin
                reading = pinyin(ch, style=Style.TONE)[0][0]
                out.append(problem(doc, line_no, Code.LES005, f"“{ch}”不是{band.get('name', '这个年龄段')}的常用字，"
                                   "第一次出现时没有注音。",
                                   f"写成 {{ruby}}`含“{ch}”的词|读音`，例如读音可能是 {reading}（请核对后再用）。",
                                   severity="warning", col=doc.col(line_no, ch)))
    return out

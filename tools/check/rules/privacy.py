"""PRIV: personal data in a published page.

Chinese resident ID numbers (checksum and date checked with python-stdnum),
mobile numbers, e-mail addresses, and personal names (jieba's part-of-speech
tag ``nr``) not on the allow-list ``source/_data/privacy.yml``. Values are
masked in the report, since CI logs are shared.
"""
from __future__ import annotations

import functools
import re

from stdnum.cn import ric

from tools.model.codes import Code

from ..registry import problem, rule

ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+86[-\s]?|0086[-\s]?)?1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mask(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    keep = 4 if len(value) >= 11 else 1
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


@functools.lru_cache(maxsize=1)
def _posseg():
    import logging
    import jieba
    jieba.setLogLevel(logging.WARNING)
    import jieba.posseg as pseg
    return pseg


SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "向汤艾常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌")
TITLES = "书记|镇长|乡长|村长|县长|区长|主任|同志|老师|校长|医生|院长|局长|科长|干部|村民|户主|女士|先生"
TITLED = re.compile(rf"(?:(?:{TITLES})([{SURNAMES}][\u4e00-\u9fff]{{1,2}}))|(?:([{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?:{TITLES}))")
NOT_NAME_TAIL = set("的了是在和与及等为对把被说要会能就都也还又这那些个们时")


def names_in(text: str) -> list[str]:
    """Likely personal names in ``text``.

    A surname next to a title （书记艾某某， 王某某老师）， or a word that jieba's
    segmenter finds outside its dictionary, starting with a surname, which the
    part-of-speech tagger then tags as a person name (nr).
    """
    if not re.search(r"[\u4e00-\u9fff]{2}", text):
        return []
    import logging
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    found = []
    for m in TITLED.finditer(text):
        name = m.group(1) or m.group(2)
        if (name[-1] not in NOT_NAME_TAIL and not set(name[1:]) & set("班们个位名些种级长")
                and (jieba.dt.FREQ.get(name) or 0) < 50):
            found.append(name)
    pseg = _posseg()
    for word in jieba.cut(text, HMM=True):
        if (2 <= len(word) <= 3 and word[0] in SURNAMES and (jieba.dt.FREQ.get(word) or 0) < 50
                and word[-1] not in NOT_NAME_TAIL and (jieba.dt.FREQ.get(word[:2]) or 0) < 100
                and word not in found and any(w.flag == "nr" for w in pseg.cut(text) if w.word == word)):
            found.append(word)
    return found


@rule("PRIV", "privacy")
def check(doc):
    out = []
    allowed = doc.data.allowed_names | set(doc.data.terms)
    for n, line in enumerate(doc.lines(), 1):
        for m in ID_CANDIDATE.finditer(line):
            if ric.is_valid(m.group(0)):
                out.append(problem(doc, n, Code.PRIV001, f"有居民身份证号码({mask(m.group(0))})。",
                                   "删除身份证号码；页面中不能出现任何个人身份信息。", col=m.start() + 1))
        for m in MOBILE.finditer(line):
            out.append(problem(doc, n, Code.PRIV002, f"有手机号码({mask(m.group(0))})。",
                               "删除个人手机号码；需要留联系方式时写机构的公开电话。", col=m.start() + 1))
        for m in EMAIL.finditer(line):
            out.append(problem(doc, n, Code.PRIV003, f"有电子邮箱地址({mask(m.group(0))})。",
                               "删除个人邮箱；需要时写机构的公开邮箱，并加入 source/_data/privacy.yml 的允许列表。",
                               col=m.start() + 1))
    if doc.meta.get("type") == "page":
        return out
    for line, text, _ in doc.text_lines():
        for name in names_in(text):
            if name not in allowed:
                out.append(problem(doc, line, Code.PRIV004, f"可能是个人姓名：“{name[0]}{'*' * (len(name) - 1)}”。",
                                   "不要写私人的姓名，改成“一位居民”“某位老师”这类说法；如果这不是人名，"
                                   "把它加入 source/_data/privacy.yml 的 allowed_names。", col=doc.col(line, name)))
    return out

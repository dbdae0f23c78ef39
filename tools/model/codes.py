"""Every problem code of the knowledge base, in one place.

The checker's rules, the Sphinx extensions and the model all report with
these codes (as MyST-Parser keeps its warning types in ``warnings_.py``), so
a code means the same in ``make check``, in a build warning and in a silence
comment (``% kb-ignore CODE: reason``, matched exactly). Each code says, in
a few Chinese words, what it guards.
"""
from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    def __new__(cls, value: str, summary: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.summary = summary
        return member

    # files and data
    FILE001 = "FILE001", "文件无法读取"
    FILE002 = "FILE002", "不是 UTF-8 纯文本"
    FILE003 = "FILE003", "文件过大"
    FILE004 = "FILE004", "文件是空的"
    FILE005 = "FILE005", "文件名不规范"
    FILE006 = "FILE006", "符号链接"
    DATA001 = "DATA001", "数据文件读不出来"
    DATA002 = "DATA002", "数据条目不符合模式"
    DATA003 = "DATA003", "数据里有网页代码"
    # front matter
    FM001 = "FM001", "元数据读不出来"
    FM002 = "FM002", "元数据不符合模式"
    FM003 = "FM003", "元数据引用的编号不存在"
    FM004 = "FM004", "页面编号重复"
    FM005 = "FM005", "元数据里有网页代码"
    # structure
    STR001 = "STR001", "缺少必需的一节或顺序不对"
    STR002 = "STR002", "标题层级"
    STR003 = "STR003", "嵌套太深，后面的内容会丢失"
    STR004 = "STR004", "方框没有结束标记"
    ACT001 = "ACT001", "活动缺少时长"
    # facts and figures
    FACT001 = "FACT001", "数字没有登记"
    FACT002 = "FACT002", "数字已登记却直接写在正文里"
    FACT003 = "FACT003", "引用的数字编号不存在"
    FACT010 = "FACT010", "登记的数字没有出处"
    FACT011 = "FACT011", "登记的数字已过复核日期"
    CMP001 = "CMP001", "比较没有同一口径"
    BIB001 = "BIB001", "引用的参考资料不存在"
    # audience and editions
    AUD001 = "AUD001", "课程年龄段与读者不符"
    AUD002 = "AUD002", "链接指向本版不收的页面"
    VER001 = "VER001", "待核实的内容会印进某个版本"
    VER002 = "VER002", "编辑备注（供编辑组跟进）"
    # school editions (schools/<id>.yml)
    SCH001 = "SCH001", "学校文件读不出来或不符合格式"
    SCH002 = "SCH002", "学校选的课不存在或不在这个版本中"
    SCH003 = "SCH003", "同一课或同一周安排了两次"
    SCH004 = "SCH004", "电话号码无效"
    SCH005 = "SCH005", "学校文件里有网页代码"
    SCH006 = "SCH006", "校徽不是图片、太大或不安全"
    SCH007 = "SCH007", "链接指向学校没有选的课"
    # currency, terms, residue
    CUR001 = "CUR001", "已废止的做法没有说明是历史"
    TERM001 = "TERM001", "不规范用语"
    TERM002 = "TERM002", "历史名称没有写年份"
    RES001 = "RES001", "被星号替换的内容"
    RES002 = "RES002", "占位符或未完成的标记"
    RES003 = "RES003", "缺少数字"
    RES004 = "RES004", "年份丢失或没有写明"
    RES005 = "RES005", "网站水印或套话"
    RES006 = "RES006", "下划线画的填空线"
    DUP001 = "DUP001", "几乎相同的段落"
    CASE001 = "CASE001", "案例段落没有写出处"
    LES001 = "LES001", "课缺少给学生的部分"
    LES002 = "LES002", "读一读太短"
    LES003 = "LES003", "学生读的部分里有写给老师的内容"
    LES004 = "LES004", "活动时间与一节课的长度不符"
    LES005 = "LES005", "生僻字第一次出现没有注音"
    # safety, privacy, accessibility, typography
    SAFE001 = "SAFE001", "原始 HTML 或 raw 指令"
    SAFE002 = "SAFE002", "不安全的链接协议"
    SAFE003 = "SAFE003", "引用网址或知识库以外的图片"
    SAFE004 = "SAFE004", "插入其他文件的指令"
    SAFE005 = "SAFE005", "SVG 图片里有脚本或外部引用"
    SAFEG001 = "SAFEG001", "敏感话题没有求助框"
    SAFEG002 = "SAFEG002", "教师提示没有转介途径"
    HELP001 = "HELP001", "求助框里手写了电话号码"
    HELP002 = "HELP002", "求助框里自己留了填空"
    HELP010 = "HELP010", "求助电话数据有误"
    SHOT001 = "SHOT001", "截图建议没有排除私密图片"
    PRIV001 = "PRIV001", "身份证号码"
    PRIV002 = "PRIV002", "手机号码"
    PRIV003 = "PRIV003", "电子邮箱"
    PRIV004 = "PRIV004", "可能是个人姓名"
    A11Y001 = "A11Y001", "图片缺少替代文字"
    A11Y002 = "A11Y002", "表格没有表头"
    A11Y003 = "A11Y003", "链接文字没有说明去向"
    TYPO001 = "TYPO001", "中文排版"
    # review and release
    REV001 = "REV001", "审核后有修改（审核已失效）"
    REV002 = "REV002", "审核到期，需要重新审核"
    REV003 = "REV003", "审核记录被手工改动"
    REV004 = "REV004", "标为已审核却没有有效的审核记录"
    REV005 = "REV005", "审核人没有登记或不负责这一类页面"
    REV010 = "REV010", "审核人名单有误"
    REL001 = "REL001", "发布记录读不出来或不符合格式"
    IGN001 = "IGN001", "豁免注释缺少编号或理由"


#: rule families (the first letters of a code), for registering a rule that reports several codes
FAMILIES = sorted({c.value.rstrip("0123456789") for c in Code})

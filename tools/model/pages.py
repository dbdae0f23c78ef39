"""Pages: reading front matter once and validating it against the content model.

``read_page(path, text)`` splits a MyST page into front matter and body,
parses the YAML (keeping line numbers), validates it against
``page.schema.json`` and against the data registries, and returns a
:class:`Page` with the problems found. The Sphinx extension, the checker and
the publisher all call this; nothing else parses front matter.
"""
from __future__ import annotations

import difflib
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema

from . import yamlio
from .codes import Code
from .markup import markup_in, strings
from .data import KBData
from .problems import ERROR, Problem

SCHEMA_PATH = Path(__file__).with_name("page.schema.json")

#: The sections (## headings) each page type must have, in this order: the
#: checker (STR001), the page templates and the Word importer follow it.
REQUIRED_SECTIONS = {
    "lesson": ("学习目标", "课前准备", "教学过程", "教师提示", "评估", "参考资料"),
    "case-study": ("背景", "做法", "成效", "数据与来源", "背景条件与可借鉴性", "参考资料"),
    "policy": ("适用范围", "要点", "时间与现行状态", "资料来源"),
}

#: The collections of content pages, relative to the repository root.
COLLECTIONS = ("curriculum", "policies", "case-studies", "source")

#: Help for each field, used in error messages (Chinese, for writers).
FIELD_HELP = {
    "id": "页面编号：小写英文字母、数字和连字符，例如 puberty-changes",
    "title": "页面标题（中文，2–60 字）",
    "type": "页面类型：lesson（课程）、policy（政策解读）、case-study（案例）、guide（指南）或 page（站点页面）",
    "audiences": "读者列表，取自 source/_data/audiences.yml 的 id，例如 [junior-secondary, educators]",
    "status": "审核状态：新写的页面填 draft；审核通过后由 make approve 改为 reviewed",
    "review": "审核记录，只由 make approve PAGE=… BY=… 写入，不要手工修改",
    "updated": "最后更新日期，写成 2026-11-28 的形式",
    "sources": "参考资料编号列表，取自 source/_data/bibliography.yml 的 key",
    "age_band": "年龄段，取自 source/_data/age_bands.yml 的 id，例如 \"12-15\"（请加英文引号）",
    "key_concepts": "核心概念 id 列表，取自 source/_data/concepts.yml",
    "topics": "主题编号列表，例如 [\"6.3\", \"6.4\"]（请加英文引号）",
    "guidance": "本课对应的国内指导文件 id，取自 source/_data/concepts.yml 的 guidance",
    "duration_minutes": "课时长度（分钟），写整数，例如 45",
    "objectives": "学习目标列表，每条写 kind（knowledge/attitude/skill）和 text",
    "policy_status": "现行状态：in-force（现行有效）、amended（已修改）、repealed（已废止）或 superseded（已被取代）",
    "adopted": "通过日期，写成 2021-08-20、2021-08 或 2021",
    "amended": "修改日期列表，例如 [2015-12-27, 2021-08-20]",
    "repealed": "废止日期",
    "period": "案例所属时期，写成 2005-2010 或 2008；原文没有年份时写 unknown",
    "case_topics": "案例主题 id 列表，取自 source/_data/case_topics.yml",
    "source_parts": "所依据的原始材料部分，例如 {document: 000_3bc8f167d1a0a5f9.txt, part: 第一篇， section: 一（一）}",
}

#: Largest page read (the checker and the build refuse bigger files)
MAX_PAGE_BYTES = 1_000_000

#: Largest front matter read (the YAML between the two ``---`` lines).
FRONT_MATTER_BYTES = 64_000

TYPE_NAMES = {"object": "键值对", "array": "列表", "string": "文字", "integer": "整数",
              "boolean": "true 或 false", "null": "空值"}


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _validator():
    return jsonschema.Draft202012Validator(schema())


@dataclass
class Page:
    """A content page with its parsed front matter."""

    path: str  # as given (repository-relative where possible)
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    fm_doc: yamlio.YamlDoc | None = None
    fm_start: int = 0  # 1-based line of the opening '---', 0 if none
    body_start: int = 1  # 1-based line where the body starts
    problems: list[Problem] = field(default_factory=list)
    #: the review state, worked out once by :func:`tools.model.review.assess`
    #: when the page is read with the data (``None`` without data)
    assessment: Any = None

    @property
    def state(self) -> str:
        """``draft``, ``reviewed``, ``lapsed`` (reviewed, then changed) or
        ``none`` (site pages, not under review): every edition's marks come
        from it (:mod:`tools.model.review`)."""
        from .review import State
        return self.assessment.state if self.assessment is not None else State.DRAFT

    @property
    def id(self) -> str | None:
        return self.meta.get("id")

    @property
    def type(self) -> str | None:
        return self.meta.get("type")

    @property
    def order_key(self) -> tuple:
        """Where the page stands among its siblings: front-matter ``order``, then id."""
        return (self.meta.get("order", 999), self.meta.get("id") or "")

    def line_of(self, *path) -> int:
        """File line of a front-matter value (the field's line if present)."""
        if self.fm_doc is None:
            return 1
        return self.fm_start + self.fm_doc.line_of(path)

    def problem(self, code, message, fix="", *fieldpath, line=None, severity=ERROR) -> Problem:
        line = line if line is not None else self.line_of(*fieldpath)
        p = Problem(self.path, line, 1, code, severity, message, fix)
        self.problems.append(p)
        return p


def split_front_matter(text: str) -> tuple[str | None, int, int]:
    """Return (yaml_text, first_yaml_line, body_start_line); yaml None if absent.

    Front matter is the block between a first line ``---`` and the next line
    ``---`` (the MyST/markdown-it front-matter convention). A block that never
    closes gives ``yaml_text=""`` and ``body_start=0`` so callers can report it.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, 1
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, i + 2
    return "", 2, 0


def read_page(path: str | Path, text: str | None = None, data: KBData | None = None) -> Page:
    """Read a page (from ``text`` if given), parse and validate its front matter."""
    path = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    page = Page(path=path, text=text)
    yaml_text, first, body_start = split_front_matter(text)
    if yaml_text is None:
        page.problem(Code.FM001, "页面开头没有元数据（front matter）。",
                     "在文件第一行写 ---，接着写 id、title、type 等字段，再用一行 --- 结束。", line=1)
        return page
    if body_start == 0:
        page.problem(Code.FM001, "元数据块没有结束标记。",
                     "在元数据最后一个字段之后单独写一行 ---。", line=1)
        page.body_start = len(text.splitlines()) + 1
        return page
    page.fm_start = first - 1
    page.body_start = body_start
    try:
        doc = yamlio.load(yaml_text, max_bytes=FRONT_MATTER_BYTES)
    except yamlio.YamlError as exc:
        page.problem(Code.FM001, f"元数据：{exc.message}", exc.fix, line=page.fm_start + exc.line)
        return page
    page.fm_doc = doc
    if not isinstance(doc.data, dict):
        page.problem(Code.FM001, "元数据应当是“字段： 值”的形式。",
                     "每行写一个字段，例如 title: 青春期的变化。", line=first)
        return page
    page.meta = doc.data
    bad = _check_schema(page)
    _check_markup(page)
    # every wing reads meta: it holds only fields that fit the schema (a
    # field of the wrong shape is reported above, then left out, so no rule,
    # directive or listing ever meets a dict where it expects a string)
    page.meta = {k: v for k, v in page.meta.items() if k not in bad}
    if data is not None:
        check_references(page, data)
        from .review import assess
        page.assessment = assess(page, data)
    return page


def _check_schema(page: Page) -> set[str]:
    """Report what does not fit the schema; return the top-level fields at fault."""
    bad: set[str] = set()
    for err in sorted(_validator().iter_errors(page.meta), key=lambda e: list(e.absolute_path)):
        path = list(err.absolute_path)
        name = ".".join(str(p) for p in path) or "元数据"
        top = str(path[0]) if path else ""
        if top and err.validator != "required":
            bad.add(top)
        help_ = FIELD_HELP.get(top, "")
        v = err.validator
        if v == "required":
            missing = err.message.split("'")[1]
            page.problem(Code.FM002, f"缺少必填字段 {missing}。",
                         f"添加 {missing}: …" + (f"({FIELD_HELP[missing]})" if missing in FIELD_HELP else ""),
                         *path)
        elif v == "additionalProperties":
            known = list(schema()["properties"])
            extras = [k for k in (err.instance or {}) if k not in known] if not path else []
            bad.update(str(e) for e in extras)
            for extra in extras or [name]:
                near = difflib.get_close_matches(str(extra), known, n=1)
                hint = f"是不是 {near[0]}?" if near else "请删除它，或改成规定的字段名。"
                page.problem(Code.FM002, f"未知字段 {extra}。", hint, *(path + [extra]))
        elif v == "enum":
            allowed = "、".join(str(x) for x in err.validator_value)
            page.problem(Code.FM002, f"{name} 的值 {err.instance!r} 不在允许范围内。",
                         f"可选值：{allowed}。", *path)
        elif v == "type":
            want = err.validator_value
            want = "或".join(TYPE_NAMES.get(w, w) for w in (want if isinstance(want, list) else [want]))
            page.problem(Code.FM002, f"{name} 应当是{want}，现在是 {err.instance!r}。",
                         help_ or "按字段说明改写。", *path)
        elif v in ("pattern", "format"):
            page.problem(Code.FM002, f"{name} 的写法不对：{err.instance!r}。", help_ or "按字段说明改写。", *path)
        else:
            page.problem(Code.FM002, f"{name} 不符合要求({v}):{err.message}。",
                         help_ or "按字段说明改写。", *path)
    return bad


def _check_markup(page: Page) -> None:
    """Front matter is plain text: titles, summaries and every other value go
    into HTML, EPUB, PDF and Word files, so no value may carry markup."""
    for path, text in strings(page.meta):
        found = markup_in(text)
        if found:
            name = ".".join(str(p) for p in path) or "元数据"
            page.problem(Code.FM005, f"{name} 里有网页代码（“{found}”）。元数据只能写纯文字。",
                         "删去尖括号 < > 和其中的代码；需要小于号时写“小于”。", *path)


def _unknown(page: Page, field_: str, values: Iterable, known: Iterable, what: str, where: str) -> None:
    known = list(known)
    for i, value in enumerate(values or ()):
        if str(value).startswith("TODO"):
            page.problem(Code.FM003, f"{field_} 还没有填写（模板里的 TODO）。", f"换成真实的 id，可用的 id 见 {where}。",
                         field_, i)
        elif str(value) not in known:
            near = difflib.get_close_matches(str(value), [str(k) for k in known], n=1)
            hint = f"是不是 {near[0]}?" if near else \
                (f"可选：{'、'.join(map(str, known))}。" if len(known) <= 10 else f"可用的 id 见 {where}。")
            page.problem(Code.FM003, f"{field_} 中的{what} {value!r} 不存在。", hint, field_, i)


def check_references(page: Page, data: KBData) -> None:
    """Ids that live in data files: audiences, concepts, topics, guidance, sources."""
    m = page.meta
    if "age_band" in m:
        _unknown(page, "age_band", [m["age_band"]], data.age_bands, "年龄段", "source/_data/age_bands.yml")
    _unknown(page, "audiences", m.get("audiences"), data.audiences, "读者", "source/_data/audiences.yml")
    _unknown(page, "key_concepts", m.get("key_concepts"), data.key_concepts, "核心概念", "source/_data/concepts.yml")
    _unknown(page, "topics", m.get("topics"), data.topics, "主题", "source/_data/concepts.yml")
    _unknown(page, "guidance", m.get("guidance"), data.guidance, "指导文件", "source/_data/concepts.yml")
    _unknown(page, "sources", m.get("sources"), data.bibliography, "参考资料", "source/_data/bibliography.yml")
    _unknown(page, "case_topics", m.get("case_topics"), data.case_topics, "案例主题", "source/_data/case_topics.yml")
    concepts = set(m.get("key_concepts") or ())
    for i, topic in enumerate(m.get("topics") or ()):
        t = data.topics.get(str(topic))
        if t and concepts and t["concept"] not in concepts:
            page.problem(Code.FM003, f"主题 {topic} 属于核心概念 {t['concept']}，但 key_concepts 里没有它。",
                         f"在 key_concepts 中加上 {t['concept']}，或删去这个主题。", "topics", i)


def iter_content_files(root: str | Path) -> list[Path]:
    """Every Markdown page of the knowledge base, sorted, repository-relative
    (symbolic links are never read: see :func:`unsafe_paths`)."""
    root = Path(root)
    out = []
    for coll in COLLECTIONS:
        for p in sorted((root / coll).rglob("*.md")):
            rel = p.relative_to(root)
            if any(part.startswith(("_", ".")) for part in rel.parts) or p.is_symlink():
                continue
            out.append(rel)
    return out


#: a file or folder name in the content folders: plain ASCII, no spaces
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


#: what an SVG figure may not contain: it is published as a file of the site,
#: and opened on its own it runs in the site's origin
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "use", "image", "a", "animate", "set",
                 "handler", "listener"}
MAX_SVG_BYTES = 1_000_000


def svg_problems(path: Path, rel: str) -> list[Problem]:
    """An SVG figure must be a drawing only: no script, no event handlers, no
    links or references outside itself, no embedded documents."""
    from lxml import etree

    def bad(line: int, what: str) -> Problem:
        return Problem(rel, line, 1, Code.SAFE005, ERROR, f"SVG 图片里有不允许的内容：{what}。",
                       "图片只画图形和文字：删去脚本、on… 事件属性、链接和引用外部文件的部分；"
                       "用绘图软件导出时选“纯 SVG / 优化的 SVG”。")
    if path.stat().st_size > MAX_SVG_BYTES:
        return [bad(1, f"文件过大（超过 {MAX_SVG_BYTES // 1000} KB）")]
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        return [bad(exc.lineno or 1, "不是格式正确的 SVG 文件")]
    out = []
    if tree.docinfo.internalDTD or tree.docinfo.doctype:
        out.append(bad(1, "DOCTYPE 声明"))
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag in SVG_FORBIDDEN:
            out.append(bad(el.sourceline or 1, f"<{tag}> 元素"))
        for attr, value in el.attrib.items():
            name = etree.QName(attr).localname
            if name.lower().startswith("on"):
                out.append(bad(el.sourceline or 1, f"事件属性 {name}"))
            elif name == "href" and not value.startswith("#"):
                out.append(bad(el.sourceline or 1, f"指向外部的链接 {value[:40]}"))
            elif "url(" in value and "url(#" not in value.replace(" ", ""):
                out.append(bad(el.sourceline or 1, "引用外部资源的 url()"))
        if tag == "style" and el.text and ("@import" in el.text or "url(" in el.text.replace("url(#", "")):
            out.append(bad(el.sourceline or 1, "样式里引用外部资源"))
    return out


def unsafe_paths(root: str | Path) -> list[Problem]:
    """Symbolic links, odd names and unsafe SVG figures in the content folders.

    A link in a pull request could make the build read (and publish) a file
    from outside the repository, or walk the whole disk; a name with control
    or right-to-left characters hides what a file is. Folders are walked
    without following links.
    """
    import os
    root = Path(root)
    out = []
    for coll in COLLECTIONS:
        top = root / coll
        if top.is_symlink():
            out.append(Problem(coll, 1, 1, Code.FILE006, ERROR, f"{coll} 是一个符号链接。",
                               "内容文件夹必须是真实的文件夹；删除这个链接。"))
            continue
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            for name in sorted(dirnames + filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                shown = rel.encode("unicode_escape").decode("ascii")
                if full.is_symlink():  # the real path: the build leaves it out by this name
                    out.append(Problem(rel, 1, 1, Code.FILE006, ERROR, "这是一个符号链接，不是真实的文件。",
                                       "删除这个链接，把需要的文件本身放进知识库。"))
                elif not SAFE_NAME.match(name):
                    out.append(Problem(shown, 1, 1, Code.FILE005, ERROR,
                                       "文件名里有空格、中文或看不见的控制字符（例如从右向左的方向符）。",
                                       "文件名只用英文字母、数字和连字符，例如 cs-youth-clinic.md。"))
                elif name.lower().endswith(".svg"):
                    out.extend(svg_problems(full, rel))
    return out


_PAGE_CACHE: dict[tuple[str, str], tuple[int, Page]] = {}


def read_page_cached(root: str | Path, rel: str, text: str, data: KBData) -> Page:
    """:func:`read_page`, once per process for the same file and text.

    The checker and :func:`load_corpus` share this cache, so a page's front
    matter is parsed once however many wings ask for it.
    """
    key = (str(Path(root).resolve()), rel)
    digest = (hash(text), id(data))  # the state depends on the data (facts, reviewers)
    cached = _PAGE_CACHE.get(key)
    if cached is None or cached[0] != digest:
        cached = (digest, read_page(rel, text, data=data))
        _PAGE_CACHE[key] = cached
    return cached[1]


def load_corpus(root: str | Path, data: KBData) -> dict[str, Page]:
    """Every content page: rel path without ``.md`` -> Page (see :func:`read_page_cached`)."""
    root = Path(root).resolve()
    out = {}
    for rel in iter_content_files(root):
        try:
            text = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out[rel.as_posix()[:-3]] = read_page_cached(root, rel.as_posix(), text, data)
    return out


def check_unique_ids(pages: Iterable[Page]) -> list[Problem]:
    """Duplicate page ids across the corpus (FM004)."""
    seen: dict[str, Page] = {}
    problems = []
    for page in pages:
        pid = page.id
        if not pid:
            continue
        if pid in seen:
            other = seen[pid]
            problems.append(Problem(page.path, page.line_of("id"), 1, Code.FM004, ERROR,
                                    f"页面编号 {pid} 与 {other.path}:{other.line_of('id')} 重复。",
                                    "给其中一页换一个不重复的 id。"))
        else:
            seen[pid] = page
    return problems

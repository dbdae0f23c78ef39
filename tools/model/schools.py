"""School editions: a school's own book from one small file (``schools/<id>.yml``).

A school names the edition its book is based on (``editions.yml``), the
lessons it teaches with their term and week (or ``lessons: all``), the local
services that fill the local line of every help box, its name (on the cover)
and logo, page size, formats and a foreword. :func:`load_school` reads the
file through :mod:`.yamlio` (the one YAML reader), validates it against
``school.schema.json`` and then checks what a schema cannot:

- every lesson exists, is a lesson, and belongs to the edition (its age band
  and audience); a lesson or a week given twice;
- every phone number is a Chinese fixed line with its area code, a mobile
  number, or a service number (110, 12355, 96111, 400…);
- the logo is a PNG or an SVG beside the school file, small enough, and an
  SVG passes the model's SVG safety check (:func:`.pages.svg_problems`);
- no value holds markup (:mod:`.markup`).

Every problem is a :class:`Problem` at ``file:line`` with a fix, in Chinese.
A school file with a problem gives no :class:`School`: nothing is built.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlio
from .codes import Code
from .data import KBData, load_data
from .editions import EXTENSIONS, FORMATS, Edition, edition_pages, load_editions
from .markup import markup_in, strings
from .pages import Page, load_corpus, svg_problems
from .problems import ERROR, Problem

SCHEMA_PATH = Path(__file__).with_name("school.schema.json")
#: where the school files of the repository live
SCHOOLS_DIR = "schools"
#: a school's id is its file name: it names the output folder and files
SCHOOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
#: a school file is a page or two of YAML
MAX_BYTES = 64_000
#: the logo: bytes, and the longest side of a PNG in pixels
MAX_LOGO_BYTES = 300_000
MAX_LOGO_SIDE = 2000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: the schedule page every school edition opens with (source/school-schedule.md)
SCHEDULE_DOC = "source/school-schedule"
#: the longest line a page size holds, in millimetres (kb.typ's page grid)
MEASURE_MM = {"A4": 150, "B5": 135}


@dataclass(frozen=True)
class Service:
    """A local service a child can call or walk to."""

    name: str
    phone: str
    address: str = ""
    hours: str = ""
    for_whom: str = ""


@dataclass(frozen=True)
class Lesson:
    """One lesson of the schedule."""

    docname: str
    id: str
    title: str
    term: str
    week: int
    minutes: int


@dataclass(frozen=True)
class School:
    id: str
    path: Path
    rel: str  # the file as messages name it
    name: str
    edition: str  # the audience of the edition it is based on
    lessons: tuple[Lesson, ...]  # in schedule order (term, then week)
    services: tuple[Service, ...]
    page_size: str
    formats: tuple[str, ...]
    foreword: str = ""
    logo: Path | None = None
    digest: str = ""  # SHA-256 of the school file
    example: bool = False
    all_lessons: bool = False

    @property
    def docnames(self) -> list[str]:
        return [lesson.docname for lesson in self.lessons]


@dataclass(frozen=True)
class SchoolEdition(Edition):
    """An edition as one school prints it: its outputs are named after the
    school and written to ``schools/<id>/``; the cover, colophon, schedule and
    help boxes read the school from here."""

    school: School | None = field(default=None, compare=False, hash=False)

    def output(self, fmt: str) -> str:
        folder = f"{SCHOOLS_DIR}/{self.school.id}"
        return f"{folder}/web" if fmt == "web" else f"{folder}/{self.school.id}{EXTENSIONS[fmt]}"

    @property
    def stem(self) -> str:
        return self.school.id

    @property
    def label(self) -> str:
        return f"{self.school.name}的版本（{self.school.rel}）"


# -- phone numbers ---------------------------------------------------------------

#: a fixed line: area code (010, 02x, 0xxx) and a local number of 7 or 8
#: digits that does not start with 0 or 1; an extension after 转
_FIXED = re.compile(r"^0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}(?:转\d{1,5})?$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
#: service numbers: 110, 120, 119, 122; 12xxx (12355, 12345, 12320); 95xxx and
#: 96xxx (5 or 6 digits); 400 and 800 lines (10 digits)
_SERVICE = re.compile(r"^(?:1[1-2]\d|12\d{3}|9[56]\d{3,4}|[48]00\d{7})$")


def phone_problem(text: str) -> str | None:
    """What is wrong with a phone number, in Chinese; None when it is valid.
    Spaces and hyphens between digits are allowed, and brackets around the
    area code: ``010-6000 0000``, ``(0571) 8700 0000``, ``138 0013 8000``."""
    raw = str(text).strip()
    if not raw:
        return "电话号码是空的"
    if not re.fullmatch(r"[0-9 \-()（）转]+", raw):
        return "电话号码只能写数字、空格、短横线和括号"
    digits = re.sub(r"[ \-()（）]", "", raw)
    if _FIXED.match(digits) or _MOBILE.match(digits) or _SERVICE.match(digits):
        return None
    if digits.startswith("1") and len(digits) != 11 and len(digits) > 5:
        return f"手机号码应当是 11 位数字（这里是 {len(digits)} 位）"
    if digits.startswith("0"):
        return "固定电话应当写区号和 7 到 8 位号码，例如 010-6000 0000、0571-8700 0000"
    return "不是有效的固定电话、手机号码或服务热线"


PHONE_FIX = ("固定电话写区号和号码（如 010-6000 0000、0571-8700 0000），手机写 11 位（如 138 0013 8000），"
             "服务热线写短号（如 12355、96111）；号码外面加引号。")


# -- reading ---------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


_FIELD = {"school": "学校名称（school）", "edition": "所依据的版本（edition）", "lessons": "课（lessons）",
          "services": "本地求助服务（services）", "name": "名称（name）", "phone": "电话（phone）",
          "lesson": "课的编号（lesson）", "term": "学期（term）", "week": "周次（week）",
          "minutes": "分钟数（minutes）", "logo": "校徽（logo）", "page_size": "纸张（page_size）",
          "formats": "格式（formats）", "foreword": "前言（foreword）", "address": "地址（address）",
          "hours": "时间（hours）", "for": "服务对象（for）", "first_week": "第一周（first_week）",
          "example": "示例标记（example）"}


def _schema_message(err) -> str:
    where = "".join(f"第 {p + 1} 项" if isinstance(p, int) else _FIELD.get(p, str(p)) + " "
                    for p in err.absolute_path).strip() or "文件"
    if err.validator == "required":
        missing = err.message.split("'")[1]
        return f"{where}缺少必填的 {_FIELD.get(missing, missing)}"
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", err.message)
        return f"{where}有不认识的字段 {'、'.join(extra)}"
    if err.validator == "enum":
        return f"{where}的值 {err.instance!r} 不在可选范围内（可选：{'、'.join(map(str, err.validator_value))}）"
    if err.validator == "oneOf" and err.absolute_path and err.absolute_path[-1] == "lessons":
        return f"{where}应当是课的列表（每项写 lesson、term、week），或者写 all"
    if err.validator == "type":
        kinds = {"string": "文字", "integer": "整数", "array": "列表", "object": "字段表", "boolean": "true 或 false"}
        want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return f"{where}应当是{'或'.join(kinds.get(k, k) for k in want)}"
    if err.validator in ("minimum", "maximum"):
        return f"{where}的值 {err.instance} 超出了范围（{err.schema.get('minimum', '')}–{err.schema.get('maximum', '')}）"
    if err.validator in ("maxLength", "minLength", "maxItems", "minItems"):
        return f"{where}太长或太短（{str(err.instance)[:30]!r}）"
    if err.validator == "pattern":
        return f"{where}的写法不对（{str(err.instance)[:40]!r}）"
    if err.validator == "uniqueItems":
        return f"{where}有重复的项"
    return f"{where}不符合要求（{err.validator}）"


class _Reader:
    """Collects the problems of one school file."""

    def __init__(self, rel: str, doc: yamlio.YamlDoc | None = None):
        self.rel = rel
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, where, code: Code, message: str, fix: str) -> None:
        line = where if isinstance(where, int) else (self.doc.line_of(where) if self.doc else 1)
        self.problems.append(Problem(self.rel, line, 1, code, ERROR, message, fix))


def school_files(folder: str | Path) -> list[Path]:
    """The school files of a folder (``*.yml``), sorted."""
    folder = Path(folder)
    return sorted(p for p in folder.glob("*.yml") if p.is_file()) if folder.is_dir() else []


def load_school(path: str | Path, root: str | Path, data: KBData | None = None,
                corpus: dict[str, Page] | None = None) -> tuple[School | None, list[Problem]]:
    """Read and check a school file. Returns the school (None when anything is
    wrong) and the problems, each at ``file:line`` with a fix."""
    root = Path(root).resolve()
    path = Path(path)
    rel = _rel(path, root)
    r = _Reader(rel)
    school_id = path.stem
    if path.suffix not in (".yml", ".yaml"):
        r.add(1, Code.SCH001, "学校文件应当是 .yml 文件。", "把文件另存为 schools/学校编号.yml。")
        return None, r.problems
    if not SCHOOL_ID.match(school_id):
        r.add(1, Code.SCH001, f"学校文件的名字“{school_id}”不能用作编号：它会成为输出文件夹和文件的名字。",
              "文件名只用小写英文字母、数字和连字符，例如 schools/beijing-no1-middle.yml。")
        return None, r.problems
    if path.is_symlink() or not path.is_file():
        r.add(1, Code.SCH001, "找不到学校文件，或者它是一个符号链接。", "写出学校文件的实际路径，例如 SCHOOL=schools/示例.yml。")
        return None, r.problems
    raw = path.read_bytes()
    try:
        doc = yamlio.load_file(path, max_bytes=MAX_BYTES)
    except yamlio.YamlError as exc:
        r.add(exc.line, Code.SCH001, f"学校文件读不出来：{exc.message}", exc.fix)
        return None, r.problems
    r.doc = doc
    if not isinstance(doc.data, dict):
        r.add(1, Code.SCH001, "学校文件应当是“字段： 值”的形式。", "参照 schools/ 里的示例文件来写。")
        return None, r.problems
    errors = []
    for err in _validator().iter_errors(doc.data):
        if err.validator == "oneOf" and isinstance(err.instance, list):  # lessons: the list's own errors
            errors += [e for e in err.context if e.relative_schema_path[0] == 1] or [err]
        else:
            errors.append(err)
    for err in errors:
        where = list(err.absolute_path)
        if err.validator == "additionalProperties":  # point at the first unknown key
            where += re.findall(r"'([^']+)'", err.message)[:1]
        r.add(where, Code.SCH001, _schema_message(err) + "。",
              "按 CONTRIBUTING.md“学校版本”一节和 schools/ 里的示例文件改写这一项。")
    for fpath, text in strings(doc.data):
        found = markup_in(text)
        if found:
            r.add(list(fpath), Code.SCH005, f"学校文件里有网页代码（“{found}”）。学校文件只能写纯文字。",
                  "删去尖括号 < > 和其中的代码；需要小于号时写“小于”。")
    if r.problems:
        return None, r.problems

    m = doc.data
    data = data or load_data(root)
    corpus = corpus if corpus is not None else load_corpus(root, data)
    editions = load_editions(root)
    edition = editions.get(m["edition"])
    if edition is None:
        close = difflib.get_close_matches(m["edition"], list(editions), n=1)
        r.add(["edition"], Code.SCH002, f"没有名为“{m['edition']}”的版本。",
              f"写 source/_data/editions.yml 中的一个版本{f'，例如 {close[0]}' if close else ''}"
              f"（可选：{'、'.join(editions)}）。")
        return None, r.problems
    lessons = _lessons(r, m, edition, corpus, data)
    services = _services(r, m)
    logo = _logo(r, m, path)
    if r.problems:
        return None, r.problems
    page_size = m.get("page_size", edition.page_size)
    return School(
        id=school_id, path=path.resolve(), rel=rel, name=m["school"].strip(), edition=edition.audience,
        lessons=tuple(lessons), services=tuple(services), page_size=page_size,
        formats=tuple(f for f in FORMATS if f in m.get("formats", edition.formats)),
        foreword=(m.get("foreword") or "").strip(), logo=logo, digest=hashlib.sha256(raw).hexdigest(),
        example=bool(m.get("example", False)), all_lessons=m["lessons"] == "all",
    ), []


def _lessons(r: _Reader, m: dict, edition: Edition, corpus: dict[str, Page], data: KBData) -> list[Lesson]:
    offered = [d for d in edition_pages(edition, corpus) if corpus[d].meta.get("type") == "lesson"]
    if not offered:
        r.add(["edition"], Code.SCH002, f"{edition.label}没有课，学校版本要从有课的版本开始。",
              "选一个有课的版本，例如 upper-primary、junior-secondary 或 senior-secondary。")
        return []
    by_id = {p.meta.get("id"): d for d, p in corpus.items() if p.meta.get("id")}

    def minutes(docname: str, given) -> int:
        meta = corpus[docname].meta
        band = data.age_bands.get(str(meta.get("age_band")), {})
        return int(given or meta.get("duration_minutes") or band.get("period_minutes") or 45)

    def lesson(docname: str, term: str, week: int, given=None) -> Lesson:
        meta = corpus[docname].meta
        return Lesson(docname, meta.get("id", ""), meta.get("title", docname), term, week, minutes(docname, given))

    if m["lessons"] == "all":
        term, first = m.get("term", "第一学期"), m.get("first_week", 1)
        if first + len(offered) - 1 > 30:
            r.add(["first_week"], Code.SCH003,
                  f"从第 {first} 周开始每周一课，{len(offered)} 课排到第 {first + len(offered) - 1} 周，超过了 30 周。",
                  "把 first_week 改小，或者不写 all，逐课写出学期和周次。")
            return []
        return [lesson(d, term, first + i) for i, d in enumerate(offered)]
    for key in ("term", "first_week"):
        if key in m:
            r.add([key], Code.SCH001, f"{_FIELD[key]}只和 lessons: all 一起用。",
                  "逐课写学期和周次时删去这一行；要用 all 就把 lessons 写成 all。")
    out: list[tuple[int, int, Lesson]] = []
    seen_lesson: dict[str, int] = {}
    seen_week: dict[tuple[str, int], tuple[str, int]] = {}
    terms: dict[str, int] = {}
    for i, item in enumerate(m["lessons"]):
        lid, term, week = item["lesson"], item["term"].strip(), item["week"]
        line = r.doc.line_of(("lessons", i))
        docname = by_id.get(lid)
        if docname is None:
            ids = [corpus[d].meta["id"] for d in offered]
            close = difflib.get_close_matches(lid, ids, n=1)
            r.add(["lessons", i, "lesson"], Code.SCH002, f"没有编号为“{lid}”的课。",
                  f"{f'是不是 {close[0]}？' if close else ''}课的编号写在每课开头的 id 字段，"
                  f"{edition.label}的课有：{'、'.join(ids)}。")
            continue
        meta = corpus[docname].meta
        if meta.get("type") != "lesson":
            r.add(["lessons", i, "lesson"], Code.SCH002, f"“{lid}”（{meta.get('title', '')}）不是一课。",
                  "lessons 里只写课；指南和政策解读随版本一起印出。")
            continue
        if docname not in offered:
            band = meta.get("age_band")
            why = (f"它是 {band} 岁的课，{edition.label}只收 {'、'.join(edition.age_bands)} 岁的课"
                   if str(band) not in edition.age_bands else f"它不面向{edition.label}的读者")
            r.add(["lessons", i, "lesson"], Code.SCH002, f"课“{lid}”（{meta.get('title', '')}）不在{edition.label}中：{why}。",
                  "删去这一课，或者把 edition 改成收这一课的版本。")
            continue
        if lid in seen_lesson:
            r.add(["lessons", i, "lesson"], Code.SCH003, f"课“{lid}”安排了两次（第 {seen_lesson[lid]} 行已经有它）。",
                  "每课只写一次；一课要上两节时，在 minutes 里写总分钟数。")
            continue
        seen_lesson[lid] = line
        key = (term, week)
        if key in seen_week:
            other, other_line = seen_week[key]
            r.add(["lessons", i, "week"], Code.SCH003,
                  f"{term}第 {week} 周已经安排了“{other}”（第 {other_line} 行），一周只排一课。",
                  "改成另一周，或者把两课中的一课删去。")
            continue
        seen_week[key] = (lid, line)
        terms.setdefault(term, len(terms))
        out.append((terms[term], week, lesson(docname, term, week, item.get("minutes"))))
    return [lesson for *_, lesson in sorted(out, key=lambda t: (t[0], t[1]))]


def _services(r: _Reader, m: dict) -> list[Service]:
    out = []
    for i, s in enumerate(m["services"]):
        phone = str(s["phone"]).strip()
        problem = phone_problem(phone)
        if problem:
            r.add(["services", i, "phone"], Code.SCH004, f"“{s['name']}”的电话“{phone}”无效：{problem}。", PHONE_FIX)
            continue
        out.append(Service(name=s["name"].strip(), phone=phone, address=(s.get("address") or "").strip(),
                           hours=(s.get("hours") or "").strip(), for_whom=(s.get("for") or "").strip()))
    return out


def _logo(r: _Reader, m: dict, school_path: Path) -> Path | None:
    name = m.get("logo")
    if not name:
        return None
    folder = school_path.parent.resolve()
    logo = folder / name
    where = ["logo"]
    fix = (f"校徽放在学校文件旁边，用 PNG（边长不超过 {MAX_LOGO_SIDE} 像素）或纯 SVG，"
           f"不超过 {MAX_LOGO_BYTES // 1000} KB；用绘图软件导出时选“PNG”或“纯 SVG / 优化的 SVG”。")
    step = logo
    while step != folder and folder in step.parents:
        if step.is_symlink():
            r.add(where, Code.SCH006, f"校徽“{name}”是一个符号链接。", fix)
            return None
        step = step.parent
    if not logo.is_file():
        r.add(where, Code.SCH006, f"找不到校徽文件“{name}”（应当在 {_rel(folder, Path.cwd())}/ 下）。", fix)
        return None
    if not logo.resolve().is_relative_to(folder):
        r.add(where, Code.SCH006, f"校徽“{name}”不在学校文件所在的文件夹里。", fix)
        return None
    size = logo.stat().st_size
    if size > MAX_LOGO_BYTES:
        r.add(where, Code.SCH006, f"校徽“{name}”太大（{size // 1000} KB，上限 {MAX_LOGO_BYTES // 1000} KB）。", fix)
        return None
    if logo.suffix == ".png":
        head = logo.read_bytes()[:8]
        if head != PNG_SIGNATURE:
            r.add(where, Code.SCH006, f"校徽“{name}”不是 PNG 图片（文件内容不是图片）。", fix)
            return None
        from PIL import Image
        try:
            with Image.open(logo) as img:
                w, h = img.size
                if max(w, h) > MAX_LOGO_SIDE:
                    r.add(where, Code.SCH006, f"校徽“{name}”太大（{w} × {h} 像素，边长上限 {MAX_LOGO_SIDE}）。", fix)
                    return None
                img.verify()
        except Exception:  # noqa: BLE001 - any decoding error means "not an image"
            r.add(where, Code.SCH006, f"校徽“{name}”不是完好的 PNG 图片。", fix)
            return None
    else:
        problems = svg_problems(logo, name)
        if problems:
            for p in problems:
                r.add(where, Code.SCH006, f"校徽“{name}”第 {p.line} 行：{p.message}", p.fix)
            return None
        from lxml import etree
        parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
        root = etree.parse(str(logo), parser).getroot()
        if etree.QName(root).localname != "svg":
            r.add(where, Code.SCH006, f"校徽“{name}”不是 SVG 图片（根元素是 <{etree.QName(root).localname}>）。", fix)
            return None
    return logo.resolve()


# -- the school's edition ----------------------------------------------------------

def school_edition(school: School, root: str | Path) -> SchoolEdition:
    """The school's book: its base edition, with the school's page size and
    formats, a line length that fits the page, and the school."""
    base = load_editions(root)[school.edition]
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(Edition)}
    line_chars = base.line_chars
    if school.page_size != base.page_size:
        fit = math.floor(MEASURE_MM[school.page_size] / (base.type_size * 25.4 / 72))
        line_chars = min(line_chars, fit) if school.page_size == "B5" else line_chars
    fields.update(page_size=school.page_size, formats=school.formats, line_chars=line_chars)
    return SchoolEdition(**fields, school=school)


def school_contents(school: School, root: str | Path, data: KBData | None = None,
                    corpus: dict[str, Page] | None = None) -> list[str]:
    """What the school's book holds, in reading order: the schedule, then the
    edition's pages with only the chosen lessons (in schedule order), then
    the appendices."""
    data = data or load_data(root)
    corpus = corpus if corpus is not None else load_corpus(root, data)
    edition = load_editions(root)[school.edition]
    return [SCHEDULE_DOC, *school_pages(school, edition, corpus), *edition.appendices]


def school_pages(school: School, edition: Edition, corpus: dict[str, Page]) -> list[str]:
    """The edition's content pages as the school prints them: its lessons in
    schedule order, the pages that are not lessons where the edition has them."""
    chosen = school.docnames
    out, placed = [], False
    for d in edition_pages(edition, corpus):
        if corpus[d].meta.get("type") != "lesson":
            out.append(d)
        elif not placed:
            out.extend(chosen)
            placed = True
    return out if placed else [*out, *chosen]


def paragraphs(text: str) -> list[str]:
    """A plain-text foreword as paragraphs (an empty line between two)."""
    return [re.sub(r"\s*\n\s*", "", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]

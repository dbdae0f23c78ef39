"""The knowledge base's data files (``source/_data/*.yml``), read in one place.

:func:`load_data` returns a :class:`KBData` with every registry the wings
need: audiences, age bands, the concept list, Chinese guidance, the
bibliography, the facts registry, terms, case-study topics, editions and
the reviewers (``reviewers.yml``: who may approve which pages, and how long
a review holds in each collection).
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from . import yamlio
from .codes import Code
from .markup import markup_in, strings
from .problems import ERROR, Problem

DATA_DIR = Path("source") / "_data"


def root_problem(root: Path) -> str | None:
    """Why ``root`` is not a knowledge base, in the words the command-line
    tools print (they exit 2); None when it is one."""
    if (root / DATA_DIR).is_dir():
        return None
    return f"无法运行：{root.resolve()} 不是知识库根目录（缺少 {DATA_DIR.as_posix()}）。"


SCHEMA_PATH = Path(__file__).with_name("data.schema.json")


@dataclass(frozen=True)
class Audience:
    id: str
    name: str
    description: str
    role: str  # learner | educator | adult
    age_band: str | None

    @property
    def is_educator(self) -> bool:
        return self.role == "educator"


@dataclass(frozen=True)
class Fact:
    """One figure in the facts registry.

    ``as_of`` is a year or date, or ``None`` when the source drops the year;
    ``conflicts`` lists other values that other copies of the source give.
    """

    id: str
    value: Any
    unit: str
    label: str
    source: str | None
    locator: str
    as_of: str | None
    review_by: str | None
    note: str
    conflicts: tuple[dict, ...]
    line: int

    def display(self) -> str:
        value = f"{self.value:,}" if isinstance(self.value, int) and self.value >= 10000 else str(self.value)
        if not self.unit:
            return value
        sep = "" if self.unit in ("%", "‰") else " "
        return f"{value}{sep}{self.unit}"


@dataclass(frozen=True)
class Helpline:
    """One national help line of ``helplines.yml``: the number is the value of
    the fact ``fact`` in the facts registry (with its source and review date),
    so a number is corrected in one place."""

    fact: str
    name: str
    when: str
    line: int


@dataclass(frozen=True)
class LocalHelpline:
    """The one line of a help box each school fills in for its own service."""

    name: str
    note: str


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    historical: bool
    deprecated: tuple[dict, ...]
    line: int


@dataclass(frozen=True)
class Reviewer:
    """A named reviewer of ``reviewers.yml``: the collections (folders such as
    ``policies`` or ``curriculum/junior-secondary``) and, when listed, the
    topics (ITGSE topics or key concepts of concepts.yml, case-study topics)
    whose pages the reviewer may approve."""

    id: str
    name: str
    role: str
    collections: tuple[str, ...]
    topics: tuple[str, ...]
    github: str | None
    line: int


@dataclass(frozen=True)
class ReviewPeriod:
    """How long a review holds in a collection (the longest matching folder wins)."""

    collection: str
    months: int
    line: int


@dataclass
class KBData:
    root: Path
    audiences: dict[str, Audience] = field(default_factory=dict)
    age_bands: dict[str, dict] = field(default_factory=dict)
    key_concepts: dict[str, dict] = field(default_factory=dict)
    topics: dict[str, dict] = field(default_factory=dict)  # "6.3" -> {..., concept}
    guidance: dict[str, dict] = field(default_factory=dict)
    bibliography: dict[str, dict] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    case_topics: dict[str, dict] = field(default_factory=dict)
    helplines: list[Helpline] = field(default_factory=list)
    local_helpline: LocalHelpline | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    #: what is wrong in the data files themselves (unreadable YAML, entries
    #: that do not fit the schema, markup in a label); bad entries are left out
    problems: list[Problem] = field(default_factory=list)
    allowed_names: frozenset[str] = frozenset()  # privacy.yml: words that are not personal names
    editions_data: dict = field(default_factory=dict)  # editions.yml, read by tools.model.editions
    reviewers: dict[str, Reviewer] = field(default_factory=dict)  # reviewers.yml (empty until reviewers are named)
    review_periods: list[ReviewPeriod] = field(default_factory=list)

    def band_order(self, band) -> int:
        """Position of an age band in school order (``order``), 99 when unknown."""
        entry = self.age_bands.get(str(band)) if band is not None else None
        return entry.get("order", 99) if entry else 99

    def grades(self, band) -> list[str]:
        """The school grades an age band is taught in (``grades``), in order."""
        entry = self.age_bands.get(str(band)) if band is not None else None
        return [str(g) for g in (entry or {}).get("grades") or ()]

    def grade_range(self, band) -> str:
        """适用年级 of an age band: its first to its last grade (初一–初三)."""
        grades = self.grades(band)
        if not grades:
            return ""
        return grades[0] if len(grades) == 1 else f"{grades[0]}–{grades[-1]}"

    def helpline_numbers(self) -> list[tuple[Helpline, Fact | None]]:
        """The national help lines in print order, each with the fact holding
        its number (``None`` when ``helplines.yml`` names an unknown fact)."""
        return [(h, self.facts.get(h.fact)) for h in self.helplines]



@functools.lru_cache(maxsize=1)
def _schemas() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validator(name: str):
    schema = _schemas()
    if name not in schema["$defs"]:
        return None
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"})


def _schema_message(err) -> str:
    where = " ".join(f"第 {p + 1} 条" if isinstance(p, int) else str(p) for p in err.absolute_path) or "文件"
    if err.validator == "required":
        return f"{where}：缺少必填字段 {err.message.split(chr(39))[1]}"
    if err.validator == "enum":
        return f"{where}：值 {err.instance!r} 不在允许范围内（可选：{'、'.join(map(str, err.validator_value))}）"
    if err.validator == "type":
        return f"{where}：类型不对（应当是 {err.validator_value}）"
    if err.validator in ("pattern", "maxLength", "minLength"):
        return f"{where}：写法或长度不对（{str(err.instance)[:40]!r}）"
    return f"{where}：不符合要求（{err.validator}）"


#: data file -> (list key, id field) of the entries that must be unique
UNIQUE = {"facts.yml": ("facts", "id"), "terms.yml": ("terms", "term"), "bibliography.yml": ("entries", "key"),
          "audiences.yml": ("audiences", "id"), "age_bands.yml": ("age_bands", "id"),
          "case_topics.yml": ("case_topics", "id"), "editions.yml": ("editions", "audience")}


def _duplicates(rel: str, doc: yamlio.YamlDoc, name: str, kb: KBData) -> None:
    """An id given twice: the second entry is reported and left out (it
    would otherwise silently replace the first)."""
    if name not in UNIQUE or not isinstance(doc.data, dict):
        return
    key, field_ = UNIQUE[name]
    entries = doc.data.get(key)
    if not isinstance(entries, list):
        return
    seen: dict[str, int] = {}
    keep = []
    for i, entry in enumerate(entries):
        value, line = str(entry.get(field_)), doc.line_of((key, i))
        if value in seen:
            kb.problems.append(Problem(rel, line, 1, Code.DATA002, ERROR,
                                       f"{field_} “{value}”重复了：第 {seen[value]} 行已经有这一条。",
                                       "合并成一条（保留更好的定义或出处），删去另一条。"))
        else:
            seen[value] = line
            keep.append(entry)
    entries[:] = keep


def _read(root: Path, kb: KBData, name: str) -> yamlio.YamlDoc:
    """A data file, read and checked: problems go to ``kb.problems``, and the
    entries that do not fit the schema are removed before anyone reads them."""
    path = root / DATA_DIR / name
    rel = (DATA_DIR / name).as_posix()
    if not path.exists():
        return yamlio.YamlDoc({}, None)
    try:
        doc = yamlio.load_file(path)
    except yamlio.YamlError as exc:
        kb.problems.append(Problem(rel, exc.line, exc.col, Code.DATA001, ERROR, f"数据文件读不出来：{exc.message}",
                                   exc.fix))
        return yamlio.YamlDoc({}, None)
    if not isinstance(doc.data, dict):
        kb.problems.append(Problem(rel, 1, 1, Code.DATA002, ERROR, "数据文件应当是“字段： 列表”的形式。",
                                   "参照同一文件夹里其他数据文件的写法。"))
        return yamlio.YamlDoc({}, None)
    validator = _validator(name)
    bad_entries: set[tuple] = set()
    for err in validator.iter_errors(doc.data) if validator else ():
        epath = list(err.absolute_path)
        kb.problems.append(Problem(rel, doc.line_of(epath), 1, Code.DATA002, ERROR, _schema_message(err) + "。",
                                   f"按 {rel} 开头的说明改写这一条；这一条在改好之前不会被使用。"))
        if len(epath) >= 2 and isinstance(epath[1], int):
            bad_entries.add((epath[0], epath[1]))
        else:
            return yamlio.YamlDoc({}, doc.node)
    for key, index in sorted(bad_entries, reverse=True):
        del doc.data[key][index]
        # keep line look-ups in step with the data
        for k, v in doc.node.value:
            if k.value == key:
                del v.value[index]
    _duplicates(rel, doc, name, kb)
    for fpath, text in strings(doc.data):
        found = markup_in(text)
        if found:
            kb.problems.append(Problem(rel, doc.line_of(fpath), 1, Code.DATA003, ERROR,
                                       f"数据里有网页代码（“{found}”）。数据文件只能写纯文字。",
                                       "删去尖括号 < > 和其中的代码；需要小于号时写“小于”。"))
    return doc


def _str(value) -> str | None:
    return None if value is None else str(value)


def load_data(root: str | Path) -> KBData:
    """Read every data file under ``root/source/_data``. Cached per root."""
    return _load_data(Path(root).resolve())


@functools.lru_cache(maxsize=8)
def _load_data(root: Path) -> KBData:
    kb = KBData(root=root)

    doc = _read(root, kb, "audiences.yml")
    for a in (doc.data or {}).get("audiences", []):
        kb.audiences[a["id"]] = Audience(
            id=a["id"], name=a["name"], description=a.get("description", ""),
            role=a.get("role", "adult"), age_band=_str(a.get("age_band")),
        )

    doc = _read(root, kb, "age_bands.yml")
    for band in (doc.data or {}).get("age_bands", []):
        kb.age_bands[str(band["id"])] = band

    doc = _read(root, kb, "concepts.yml")
    data = doc.data or {}
    for kc in data.get("key_concepts", []):
        kb.key_concepts[kc["id"]] = kc
        for topic in kc.get("topics", []):
            kb.topics[str(topic["id"])] = {**topic, "id": str(topic["id"]), "concept": kc["id"]}
    for g in data.get("guidance", []):
        kb.guidance[g["id"]] = g

    doc = _read(root, kb, "bibliography.yml")
    for i, entry in enumerate((doc.data or {}).get("entries", [])):
        kb.bibliography[entry["key"]] = entry
        kb.lines[("bibliography", entry["key"])] = doc.line_of(("entries", i))

    doc = _read(root, kb, "facts.yml")
    for i, f in enumerate((doc.data or {}).get("facts", [])):
        kb.facts[f["id"]] = Fact(
            id=f["id"], value=f.get("value"), unit=f.get("unit", "") or "",
            label=f.get("label", ""), source=f.get("source"),
            locator=f.get("locator", "") or "", as_of=_str(f.get("as_of")),
            review_by=_str(f.get("review_by")), note=f.get("note", "") or "",
            conflicts=tuple(f.get("conflicts", ()) or ()),
            line=doc.line_of(("facts", i)),
        )

    doc = _read(root, kb, "terms.yml")
    for i, t in enumerate((doc.data or {}).get("terms", [])):
        kb.terms[t["term"]] = Term(
            term=t["term"], definition=t.get("definition", ""),
            historical=bool(t.get("historical", False)),
            deprecated=tuple(t.get("deprecated", ()) or ()),
            line=doc.line_of(("terms", i)),
        )

    doc = _read(root, kb, "case_topics.yml")
    for ct in (doc.data or {}).get("case_topics", []):
        kb.case_topics[ct["id"]] = ct

    doc = _read(root, kb, "privacy.yml")
    kb.allowed_names = frozenset(str(x) for x in (doc.data or {}).get("allowed_names", []) or ())

    kb.editions_data = _read(root, kb, "editions.yml").data or {}

    doc = _read(root, kb, "helplines.yml")
    data = doc.data or {}
    for i, h in enumerate(data.get("helplines", []) or []):
        kb.helplines.append(Helpline(fact=str(h.get("fact", "")), name=h.get("name", "") or "",
                                     when=h.get("when", "") or "", line=doc.line_of(("helplines", i))))
    local = data.get("local")
    if local:
        kb.local_helpline = LocalHelpline(name=local.get("name", "") or "", note=local.get("note", "") or "")

    _read_reviewers(root, kb)
    return kb


REVIEWERS = (DATA_DIR / "reviewers.yml").as_posix()


def _read_reviewers(root: Path, kb: KBData) -> None:
    """reviewers.yml: every reviewer's collections must be content folders and
    their topics known ids; a reviewer with a mistake is reported (REV010) and
    left out, so nobody approves pages through a typo."""
    from .pages import COLLECTIONS  # pages imports this module
    doc = _read(root, kb, "reviewers.yml")
    data = doc.data or {}
    known_topics = {*kb.topics, *kb.key_concepts, *kb.case_topics}

    def bad(path, message, fix):
        kb.problems.append(Problem(REVIEWERS, doc.line_of(path), 1, Code.REV010, ERROR, message, fix))

    for i, r in enumerate(data.get("reviewers", []) or []):
        rid, ok = r["id"], True
        if rid in kb.reviewers:
            bad(("reviewers", i, "id"), f"审核人编号 {rid} 重复。", "每位审核人用一个不重复的 id。")
            continue
        for j, coll in enumerate(r["collections"]):
            if coll.split("/")[0] not in COLLECTIONS or not (root / coll).is_dir():
                bad(("reviewers", i, "collections", j), f"审核人 {rid} 的 collections 中的 {coll} 不是知识库的文件夹。",
                    f"写内容文件夹，例如 policies 或 curriculum/junior-secondary（顶层可选：{'、'.join(COLLECTIONS)}）。")
                ok = False
        for j, topic in enumerate(r.get("topics", []) or []):
            if str(topic) not in known_topics:
                bad(("reviewers", i, "topics", j), f"审核人 {rid} 的 topics 中的 {topic!r} 不存在。",
                    "写 concepts.yml 中的主题编号（如 \"6.3\"）或核心概念 id，或 case_topics.yml 中的案例主题 id。")
                ok = False
        if ok:
            kb.reviewers[rid] = Reviewer(id=rid, name=r["name"], role=r["role"], collections=tuple(r["collections"]),
                                         topics=tuple(str(t) for t in r.get("topics", []) or ()),
                                         github=r.get("github"), line=doc.line_of(("reviewers", i)))
    for i, period in enumerate(data.get("periods", []) or []):
        kb.review_periods.append(ReviewPeriod(collection=period["collection"], months=period["months"],
                                              line=doc.line_of(("periods", i))))

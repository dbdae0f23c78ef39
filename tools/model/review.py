"""Reviews: who vouched for a page, and whether the page is still what they read.

A review is recorded in a page's front matter, by ``make approve`` only
(``tools/review/approve.py``)::

    review:
      by: ["reviewer-id"]
      date: "2027-03-01"
      scope: "全文"
      digest: "meta:… body:… facts:… seal:…"

The digest has four parts, each a prefix of a SHA-256 in hex:

- ``meta``: the front matter other than ``review``, as data (canonical JSON:
  re-quoting or re-ordering the YAML changes nothing, a changed value does);
- ``body``: the text after the front matter (spaces at line ends and blank
  lines at either end ignored);
- ``facts``: one part per registry fact the body uses (``{{ fact_id }}``), in
  id order: its value, unit, as-of date and source, the printed figure and
  where it comes from (not ``review_by``: renewing a fact's check date does
  not undo the reviews of the pages that use it);
- ``seal``: the other parts with the reviewers, date and scope, so a digest,
  a reviewer or a date changed by hand no longer matches (this catches hand
  edits, not forgery: pull-request review by the code owners is the gate).

:func:`assess` gives every page its state once (``Page.state``): ``draft``,
``reviewed`` or ``lapsed`` (reviewed, then changed); site pages (``type:
page``: home, contents, downloads, version notes, the glossary and
bibliography drawn from data) are not under review (``none``). Every
edition's marks come from it: :func:`mark` for the web notice, :func:`print_mark`
for a print running head.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .codes import Code
from .problems import ERROR, WARNING, Problem

if TYPE_CHECKING:  # pragma: no cover
    from .data import KBData, Reviewer
    from .editions import Edition
    from .pages import Page


class State(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    LAPSED = "lapsed"
    NONE = "none"  # site pages: not under review


#: page types whose content a reviewer vouches for
REVIEWED_TYPES = ("lesson", "policy", "case-study", "guide")
#: what a page shows, by state (the web notice's title; a print running head)
MARKS = {State.DRAFT: "草稿 · 未经审核", State.LAPSED: "审核后有修改"}
#: every page and the cover of a draft edition (editions.yml: draft: true)
TRIAL = "试用版"
STATE_NAMES = {State.DRAFT: "草稿", State.REVIEWED: "已审核", State.LAPSED: "审核后有修改", State.NONE: "站点页面"}

SUBST = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
DIGEST = re.compile(r"^meta:(?P<meta>[0-9a-f]{12}) body:(?P<body>[0-9a-f]{16}) "
                    r"facts:(?P<facts>-|[0-9a-f]{8}(?:\.[0-9a-f]{8})*) seal:(?P<seal>[0-9a-f]{12})$")
SALT = b"qingchun-review-1\0"
DEFAULT_SCOPE = "全文"


def _canonical(value: Any) -> bytes:
    def norm(v):
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v
    return json.dumps(norm(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _hash(*chunks: bytes, size: int) -> str:
    h = hashlib.sha256(SALT)
    for chunk in chunks:
        h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()[:size]


def under_review(page: "Page") -> bool:
    return page.meta.get("type") in REVIEWED_TYPES


def body_lines(page: "Page") -> list[str]:
    return page.text.split("\n")[page.body_start - 1:]


def normal_body(lines: list[str]) -> str:
    """The body as the digest sees it: spaces at line ends and blank lines at
    either end do not count."""
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def facts_used(page: "Page") -> dict[str, int]:
    """Fact id -> file line of its first use in the body, in id order."""
    found: dict[str, int] = {}
    for n, line in enumerate(body_lines(page), page.body_start):
        for m in SUBST.finditer(line):
            found.setdefault(m.group(1), n)
    return dict(sorted(found.items()))


def fact_part(fact) -> str:
    if fact is None:
        return "0" * 8
    return _hash(_canonical([fact.id, fact.value, fact.unit, fact.as_of, fact.source]), size=8)


@dataclass(frozen=True)
class Digest:
    meta: str
    body: str
    facts: tuple[str, ...]
    seal: str

    def text(self) -> str:
        return f"meta:{self.meta} body:{self.body} facts:{'.'.join(self.facts) or '-'} seal:{self.seal}"

    @classmethod
    def parse(cls, text: str) -> "Digest | None":
        m = DIGEST.match(str(text or ""))
        if not m:
            return None
        facts = () if m["facts"] == "-" else tuple(m["facts"].split("."))
        return cls(m["meta"], m["body"], facts, m["seal"])


def content(page: "Page", data: "KBData") -> tuple[str, str, tuple[str, ...]]:
    """(meta, body, facts) parts of the page as it is now."""
    fm = dict(page.fm_doc.data) if page.fm_doc is not None and isinstance(page.fm_doc.data, dict) else {}
    fm.pop("review", None)
    meta = _hash(_canonical(fm), size=12)
    body = _hash(normal_body(body_lines(page)).encode("utf-8"), size=16)
    facts = tuple(fact_part(data.facts.get(fid)) for fid in facts_used(page))
    return meta, body, facts


def seal(meta: str, body: str, facts: tuple[str, ...], by, on: str, scope: str) -> str:
    return _hash(_canonical([meta, body, list(facts), sorted(str(b) for b in by), str(on), str(scope)]), size=12)


def make_digest(page: "Page", data: "KBData", by, on: str, scope: str) -> str:
    meta, body, facts = content(page, data)
    return Digest(meta, body, facts, seal(meta, body, facts, by, on, scope)).text()


# -- who may approve what ------------------------------------------------------

def folder(page: "Page") -> str:
    return PurePosixPath(Path(page.path).as_posix()).parent.as_posix()


def in_collection(collection: str, path_folder: str) -> bool:
    return path_folder == collection or path_folder.startswith(collection.rstrip("/") + "/")


def page_topics(page: "Page") -> list[str]:
    m = page.meta
    return [str(t) for t in (m.get("topics") or ())] + [str(t) for t in (m.get("case_topics") or ())]


def _covered(reviewer: "Reviewer", data: "KBData") -> set[str] | None:
    """The topics a reviewer covers (None: every topic)."""
    if not reviewer.topics:
        return None
    out = set()
    for t in reviewer.topics:
        out.add(t)
        if t in data.key_concepts:
            out.update(tid for tid, topic in data.topics.items() if topic["concept"] == t)
    return out


def approval_problem(page: "Page", by: list[str], data: "KBData") -> str | None:
    """Why these reviewers may not approve this page (Chinese), or None."""
    if not data.reviewers:
        return ("审核人名单（source/_data/reviewers.yml）是空的：审核项目还没有指定审核人，"
                "所以还没有人可以审核页面。")
    unknown = [b for b in by if b not in data.reviewers]
    if unknown:
        return (f"审核人 {'、'.join(unknown)} 不在审核人名单（source/_data/reviewers.yml）中；"
                f"名单中有：{'、'.join(data.reviewers)}。")
    where = folder(page)
    for b in by:
        r = data.reviewers[b]
        if not any(in_collection(c, where) for c in r.collections):
            return (f"审核人 {b}（{r.name}，{r.role}）负责的是 {'、'.join(r.collections)}，"
                    f"不负责 {where} 中的页面。")
    topics = page_topics(page)
    covers = [_covered(data.reviewers[b], data) for b in by]
    if topics and all(c is not None for c in covers):
        union = set().union(*covers)
        missing = [t for t in topics if t not in union]
        if missing:
            names = "、".join(f"{b}（{'、'.join(data.reviewers[b].topics)}）" for b in by)
            return (f"本页的主题 {'、'.join(missing)} 不在审核人负责的主题之内：{names}。"
                    "请由负责这些主题的审核人一同审核（BY=甲,乙）。")
    return None


# -- the state of a page ---------------------------------------------------------

@dataclass(frozen=True)
class Review:
    by: tuple[str, ...]
    on: str  # the review's date (front matter: date)
    scope: str
    digest: str
    line: int


@dataclass
class Assessment:
    """A page's review state, worked out once (:func:`assess`)."""

    state: State
    review: Review | None = None
    #: what changed since the review: "meta", "body", and fact ids
    changed: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)


def _who(review: Review, data: "KBData") -> str:
    names = [data.reviewers[b].name if b in data.reviewers else b for b in review.by]
    return "、".join(names)


def assess(page: "Page", data: "KBData") -> Assessment:
    """The state of a page, with what is wrong with its review record."""
    if not page.meta or not under_review(page):
        return Assessment(State.NONE)
    m = page.meta
    reviewed = m.get("status") == "reviewed"
    raw = page.fm_doc.data.get("review") if page.fm_doc is not None and isinstance(page.fm_doc.data, dict) else None
    if raw is None:
        if reviewed:
            return Assessment(State.DRAFT, problems=[page_problem(
                page, Code.REV004, "status 写的是 reviewed，但没有审核记录（review）。页面按草稿显示。",
                "审核只能由登记的审核人用 make approve PAGE=… BY=… 记录；还没有审核就把 status 改回 draft。",
                page.line_of("status"))])
        return Assessment(State.DRAFT)
    line = page.line_of("review")
    rec = m.get("review")
    digest = Digest.parse(rec.get("digest")) if isinstance(rec, dict) else None
    if rec is None or digest is None:
        return Assessment(State.DRAFT, problems=[page_problem(
            page, Code.REV003, "审核记录（review）不是 make approve 写的样子（可能被手工改过）。页面按草稿显示。",
            "不要手工编辑 review；删去它，请审核人重新运行 make approve PAGE=… BY=…。", line)])
    review = Review(tuple(rec["by"]), rec["date"], rec["scope"], rec["digest"], line)
    if seal(digest.meta, digest.body, digest.facts, review.by, review.on, review.scope) != digest.seal:
        return Assessment(State.DRAFT, review, problems=[page_problem(
            page, Code.REV003, "审核记录的摘要（digest）与审核人、日期或范围对不上：记录被手工改过。页面按草稿显示。",
            "不要手工编辑 review；删去它，请审核人重新运行 make approve PAGE=… BY=…。", line)])
    why = approval_problem(page, list(review.by), data)
    if why:
        return Assessment(State.DRAFT, review, problems=[page_problem(
            page, Code.REV005, f"审核记录无效：{why}页面按草稿显示。",
            "由负责这类页面的登记审核人重新审核（make approve），或在 reviewers.yml 中改正审核人的负责范围。", line)])
    if not reviewed:
        return Assessment(State.DRAFT, review)
    meta, body, facts = content(page, data)
    changed: list[str] = []
    problems: list[Problem] = []
    who = f"审核（{review.on}，{_who(review, data)}）"
    redo = f"请审核人核对改动后重新审核：make approve PAGE={page.path} BY={','.join(review.by)}；改动不对就撤回它。"
    if meta != digest.meta:
        changed.append("meta")
        problems.append(page_problem(page, Code.REV001, f"{who}之后元数据有改动，审核已失效；页面显示“审核后有修改”。",
                                     redo, line, WARNING))
    if body != digest.body:
        changed.append("body")
        problems.append(page_problem(page, Code.REV001, f"{who}之后正文有改动，审核已失效；页面显示“审核后有修改”。",
                                     redo, line, WARNING))
    elif facts != digest.facts:  # the same body uses the same facts, in the same order
        for (fid, used_at), now, then in zip(facts_used(page).items(), facts, digest.facts):
            if now != then:
                changed.append(fid)
                fact = data.facts.get(fid)
                shown = f"现在是 {fact.display()}" if fact else "现在已不在登记表中"
                problems.append(page_problem(
                    page, Code.REV001,
                    f"{who}之后，本页用到的数字 {fid}（{fact.label if fact else '已删除'}）在数字登记表中有改动"
                    f"（{shown}），审核已失效；页面显示“审核后有修改”。", redo, used_at, WARNING))
    if changed:
        return Assessment(State.LAPSED, review, tuple(changed), problems)
    return Assessment(State.REVIEWED, review)


def page_problem(page: "Page", code, message: str, fix: str, line: int, severity: str = ERROR) -> Problem:
    return Problem(page.path, line, 1, code, severity, message, fix)


def period_months(page: "Page", data: "KBData") -> int | None:
    where = folder(page)
    best = None
    for p in data.review_periods:
        if in_collection(p.collection, where) and (best is None or len(p.collection) > len(best.collection)):
            best = p
    return best.months if best else None


def add_months(date: str, months: int) -> str:
    d = dt.date.fromisoformat(date)
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    import calendar
    day = min(d.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day).isoformat()


def due_on(page: "Page", data: "KBData") -> str | None:
    """The date the page's review falls due (None: no review, or no period set)."""
    a = page.assessment
    months = period_months(page, data)
    if a is None or a.review is None or a.state == State.DRAFT or months is None:
        return None
    try:
        return add_months(a.review.on, months)
    except ValueError:
        return None


def due_problem(page: "Page", data: "KBData", today: str | None = None) -> Problem | None:
    """REV002 when the page's review is older than its collection's period."""
    due = due_on(page, data)
    today = today or dt.date.today().isoformat()
    if due is None or due > today:
        return None
    a = page.assessment
    return page_problem(page, Code.REV002,
                        f"审核（{a.review.on}）已超过 {period_months(page, data)} 个月，{due} 到期，需要重新审核。",
                        f"请审核人重新审核：make approve PAGE={page.path} BY={','.join(a.review.by)}。",
                        a.review.line, WARNING)


# -- marks ------------------------------------------------------------------------

def mark(page: "Page") -> str:
    """The page's own mark: 草稿 · 未经审核, 审核后有修改, or '' (reviewed, site pages)."""
    return MARKS.get(page.state, "")


def print_mark(page: "Page", edition: "Edition | None" = None) -> str:
    """What a page's running head says in a print edition: 试用版 on every
    page of a draft edition (with the page's own mark after it), else the
    page's own mark; '' for a reviewed page in a released edition."""
    own = mark(page)
    if edition is not None and edition.draft:
        return f"{TRIAL} · {own}" if own else TRIAL
    return own


def edition_marks(edition: "Edition", pages: dict[str, "Page"], docnames) -> dict[str, str]:
    """docname -> print mark, for the docnames of an edition that carry one."""
    out = {}
    for d in docnames:
        page = pages.get(d)
        label = print_mark(page, edition) if page is not None else (TRIAL if edition.draft else "")
        if label:
            out[d] = label
    return out


# -- sections (for change notes) ------------------------------------------------------

def sections(page: "Page") -> list[tuple[str, str]]:
    """(heading, digest) of each ``##`` section of the body, in order; text
    before the first heading is "（开头）"."""
    from .markdown import md_parser
    lines = body_lines(page)
    text = "\n".join(lines)
    starts: list[tuple[int, str]] = []
    tokens = md_parser().parse(text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2" and tok.map:
            starts.append((tok.map[0], tokens[i + 1].content.strip()))
    bounds = [(0, "（开头）"), *starts]
    out = []
    for n, (start, title) in enumerate(bounds):
        end = bounds[n + 1][0] if n + 1 < len(bounds) else len(lines)
        chunk = normal_body(lines[start:end])
        if title == "（开头）" and not chunk:
            continue
        out.append((title, hashlib.sha256(chunk.encode("utf-8")).hexdigest()[:12]))
    return out


# -- where the body changed (from the reviewed version in git) -------------------------

def reviewed_text(root: str | Path, page: "Page") -> str | None:
    """The page as it was when its review was recorded: the file in the last
    commit that added the review's seal (None when git cannot say: no
    repository, or the review was never committed)."""
    import subprocess
    a = page.assessment
    digest = Digest.parse(a.review.digest) if a is not None and a.review is not None else None
    if digest is None:
        return None
    git = ["git", "-C", str(root)]
    try:
        found = subprocess.run([*git, "log", "-n", "1", "--format=%H", "-S", digest.seal, "--", page.path],
                               capture_output=True, text=True, timeout=30)
        commit = found.stdout.strip()
        if found.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
            return None
        shown = subprocess.run([*git, "show", f"{commit}:{page.path}"], capture_output=True, timeout=30)
        return shown.stdout.decode("utf-8") if shown.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None


def body_change(root: str | Path, page: "Page") -> tuple[int, list[str]] | None:
    """(file line where the body first differs from the reviewed version, the
    ``##`` sections that changed), or None when the reviewed version is not
    in git."""
    import difflib

    from .pages import read_page
    old_text = reviewed_text(root, page)
    if old_text is None:
        return None
    old = read_page(page.path, old_text)
    before = [line.rstrip() for line in body_lines(old)]
    after = [line.rstrip() for line in body_lines(page)]
    first = None
    for tag, _i1, _i2, j1, _j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            first = page.body_start + min(j1, max(len(after) - 1, 0))
            break
    if first is None:
        return None
    then = dict(sections(old))
    changed = [title for title, h in sections(page) if then.get(title) != h]
    changed += [title for title in then if title not in dict(sections(page))]
    return first, changed

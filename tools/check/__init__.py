"""The content checker: ``python -m tools.check [PATHS]`` (also ``make check``).

Reads each page once through :mod:`tools.model`, runs every rule in
:mod:`tools.check.rules` (one module per rule), applies inline silences
(``% kb-ignore CODE: reason`` before a line, or ``% kb-ignore-start CODE:
reason`` … ``% kb-ignore-end`` around a block) and returns the problems
sorted by file and line. Info-level findings (the editors' list of notes
still to verify) are kept apart in ``Result.notes`` and never fail a check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tools.model import ERROR, INFO, WARNING, Problem, iter_content_files, load_data, read_page_cached
from tools.model.codes import Code
from tools.model.pages import MAX_PAGE_BYTES

from . import rules  # noqa: F401  (registers the rules)
from .cache import CheckCache
from .document import Doc
from .registry import RULES

MAX_BYTES = MAX_PAGE_BYTES

SILENCE = re.compile(r"^%\s*kb-ignore(?P<block>-start|-end)?\s*(?P<codes>[A-Z]+\d*(?:\s*,\s*[A-Z]+\d*)*)?\s*(?::\s*(?P<reason>.*))?$")


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    silenced: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # info: the editors' notes, never a failure
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)


def _file_problem(path, code, message, fix):
    return Problem(path, 1, 1, code, ERROR, message, fix)


def load_doc(root: Path, rel: str, data) -> tuple[Doc | None, list[Problem]]:
    """Read one file defensively; unreadable files become problems, not crashes."""
    path = root / rel
    if path.is_symlink():
        return None, [_file_problem(rel, Code.FILE006, "这是一个符号链接，不是真实的文件。",
                                    "删除这个链接，把需要的文件本身放进知识库。")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [_file_problem(rel, Code.FILE001, f"无法读取文件：{exc.strerror}。", "检查文件是否存在、是否有读取权限。")]
    if len(raw) > MAX_BYTES:
        return None, [_file_problem(rel, Code.FILE003, f"文件过大({len(raw) // 1024} KB)，超过 {MAX_BYTES // 1000} KB 的上限。",
                                    "一个页面只写一个主题；把内容拆成几个页面，图片和数据不要放进 .md 文件。")]
    if b"\x00" in raw[:8192]:
        return None, [_file_problem(rel, Code.FILE002, "这不是文本文件（可能是 Word 或图片文件改了扩展名）。",
                                    "用 python -m tools.import_docx 转换 Word 文件，或另存为 UTF-8 文本。")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, 1, Code.FILE002, ERROR, "文件不是 UTF-8 编码，可能是 GBK 等旧编码。",
                              "在编辑器中用“UTF-8”编码另存这个文件。")]
    if not text.strip():
        return None, [_file_problem(rel, Code.FILE004, "文件是空的。", "删除这个文件，或用 make new 生成页面模板后再填写。")]
    return Doc(read_page_cached(root, rel, text, data), data), []


def _silences(doc: Doc) -> tuple[dict[int, set[str]], list[Problem]]:
    """line -> codes silenced there; also problems with silences lacking a reason."""
    silenced: dict[int, set[str]] = {}
    problems = []
    lines = doc.lines()
    open_blocks: list[tuple[set[str], int]] = []
    pending: set[str] | None = None
    for i, line in enumerate(lines, 1):
        m = SILENCE.match(line.strip())
        if m:
            codes = {c.strip() for c in (m["codes"] or "").split(",") if c.strip()}
            if m["block"] == "-end":
                if open_blocks:
                    open_blocks.pop()
                continue
            if not codes or not (m["reason"] or "").strip():
                problems.append(Problem(doc.path, i, 1, Code.IGN001, ERROR, "豁免注释缺少规则编号或理由。",
                                        "写成 % kb-ignore RES001: 理由（说明为什么这里可以例外）。"))
                continue
            if m["block"] == "-start":
                open_blocks.append((codes, i))
            else:
                pending = codes
            continue
        active = set().union(*(c for c, _ in open_blocks)) if open_blocks else set()
        if pending and line.strip():
            active |= pending
            pending = None
        if active:
            silenced[i] = active
    return silenced, problems


def check_files(rels: list[str], root: str | Path = ".", use_cache: bool = True) -> Result:
    root = Path(root)
    data = load_data(root)
    cache = CheckCache(root) if use_cache else None
    result = Result(files=len(rels))
    docs = []
    raw: list[Problem] = []
    for rel in rels:
        doc, problems = load_doc(root, rel, data)
        raw.extend(problems)
        if doc is not None:
            docs.append(doc)
    silences = {}
    for doc in docs:
        sil, problems = _silences(doc)
        silences[doc.path] = sil
        raw.extend(problems)
    page_rules = [r for r in RULES if not r.corpus]
    for doc in docs:
        key = cache.key(doc.path, doc.page.text) if cache else None
        hit = cache.get(key) if cache else None
        if hit is not None:
            problems, doc._extracts = hit
        else:
            problems = [p for r in page_rules for p in r.func(doc)]
            if cache:
                cache.put(key, problems, doc.extracts())
        raw.extend(problems)
    for r in RULES:
        if r.corpus:
            raw.extend(r.func(docs))
    if cache:
        cache.save()
    for p in sorted(set(raw)):
        codes = silences.get(p.path, {}).get(p.line, set())
        if p.severity == INFO:
            result.notes.append(p)
        elif p.code in codes:  # exactly: a silence of SAFE001 does not silence SAFEG001
            result.silenced.append(p)
        else:
            result.problems.append(p)
    return result


def default_files(root: str | Path = ".") -> list[str]:
    return [p.as_posix() for p in iter_content_files(root)]


__all__ = ["check_files", "default_files", "Result", "ERROR", "INFO", "WARNING"]

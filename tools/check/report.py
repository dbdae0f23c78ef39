"""The one report format of the checker: text, JSON or GitHub annotations."""
from __future__ import annotations

import json
from collections import Counter

from tools.model import Problem
from tools.model.problems import visible


def format_text(problems: list[Problem]) -> str:
    return "\n".join(p.text() for p in problems)


def format_json(problems: list[Problem], silenced: list[Problem] = (), notes: list[Problem] = ()) -> str:
    def d(p):
        return {"path": p.path, "line": p.line, "col": p.col, "code": p.code,
                "severity": p.severity, "message": p.message, "fix": p.fix}
    return json.dumps({"problems": [d(p) for p in problems], "silenced": [d(p) for p in silenced],
                       "notes": [d(p) for p in notes]},
                      ensure_ascii=False, indent=1)


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(problems: list[Problem]) -> str:
    out = []
    for p in problems:
        level = {"error": "error", "warning": "warning"}.get(p.severity, "notice")
        msg = _escape(f"{p.code} {p.message} — {p.fix}" if p.fix else f"{p.code} {p.message}")
        out.append(f"::{level} file={visible(p.path)},line={p.line},col={p.col},title={p.code}::{msg}")
    return "\n".join(out)


def summary(problems: list[Problem], silenced: list[Problem], nfiles: int, notes: list[Problem] = ()) -> str:
    counts = Counter(p.severity for p in problems)
    line = (f"检查了 {nfiles} 个文件：{counts.get('error', 0)} 个错误，"
            f"{counts.get('warning', 0)} 个警告。")
    if silenced:
        by_code = Counter(p.code for p in silenced)
        line += "\n已按注释豁免 {} 处：{}".format(
            len(silenced), ",".join(f"{c} ×{n}" for c, n in sorted(by_code.items())))
    if notes:
        line += (f"\n编辑备注（待核实等，只在源文件和数据文件中，不会印出）共 {len(notes)} 处；"
                 "用 --notes 列出。")
    return line

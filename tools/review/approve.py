"""Record a review: ``python -m tools.review.approve --page PAGE --by ID[,ID]``
(``make approve PAGE=… BY=…``).

The only writer of a page's ``review``. It refuses a reviewer who is not in
``source/_data/reviewers.yml``, a reviewer outside the collections and
topics they may approve, and a page the checker still finds errors in; then
it sets ``status: reviewed`` and writes the review record with its digest
(:mod:`tools.model.review`) into the front matter, line by line, leaving
every other line of the file as it was. Values are written as JSON strings
(valid YAML, as ``tools/new.py`` does), and the result is read back before
the file is replaced: on any refusal nothing is written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from tools.model import load_corpus, load_data, read_page, root_problem
from tools.model.markup import markup_in
from tools.model.review import DEFAULT_SCOPE, State, approval_problem, make_digest, under_review

ROOT = Path(__file__).resolve().parents[2]
STATUS_LINE = re.compile(r"""^status:\s*(["']?)(draft|reviewed)\1(?P<rest>\s*(#.*)?)$""")


class Refused(Exception):
    pass


def find_page(root: Path, spec: str, data) -> str:
    """Repository-relative path of a page given as a path (with or without
    ``.md``) or as its id."""
    spec = (spec or "").strip()
    if not spec:
        raise Refused("请用 PAGE=… 给出要审核的页面（文件路径或页面编号）。")
    corpus = load_corpus(root, data)
    candidates = [spec, spec[:-3] if spec.endswith(".md") else spec]
    full = Path(spec) if Path(spec).is_absolute() else Path.cwd() / spec
    try:
        candidates.append(full.resolve().relative_to(root.resolve()).as_posix().removesuffix(".md"))
    except ValueError:
        pass
    for c in candidates:
        if c in corpus:
            return corpus[c].path
    by_id = [p.path for p in corpus.values() if p.meta.get("id") == spec]
    if by_id:
        return by_id[0]
    raise Refused(f"找不到页面 {spec}：请写页面文件的路径（例如 policies/pfpl.md）或页面编号。")


def check_date(on: str | None) -> str:
    today = dt.date.today().isoformat()
    on = on or today
    try:
        dt.date.fromisoformat(on)
    except ValueError:
        raise Refused(f"审核日期 {on!r} 的写法不对：写成 2027-03-01 的形式。") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on):
        raise Refused(f"审核日期 {on!r} 的写法不对：写成 2027-03-01 的形式。")
    if on > today:
        raise Refused(f"审核日期 {on} 还没有到：只能记录已经完成的审核。")
    return on


def check_scope(scope: str | None) -> str:
    scope = (scope or DEFAULT_SCOPE).strip()
    if not scope or len(scope) > 100 or any(ch in scope for ch in "\r\n\t") or markup_in(scope):
        raise Refused("审核范围（SCOPE）只能是一行纯文字，不超过 100 字，例如 全文 或 学习目标、教学过程。")
    return scope


def _keys(page) -> list[tuple[str, int]]:
    """(top-level key, 0-based index of its line in the file), in order."""
    return [(str(k.value), page.fm_start + k.start_mark.line) for k, _ in page.fm_doc.node.value]


def with_review(page, by: list[str], on: str, scope: str, digest: str) -> str:
    """The page's text with ``status: reviewed`` and the review record; every
    other line as it was."""
    lines = page.text.split("\n")
    keys = _keys(page)
    closing = page.body_start - 2  # the closing '---'
    status = [i for k, i in keys if k == "status"]
    if not status:
        raise Refused("页面的元数据没有 status 这一行。请先写上 status: draft。")
    m = STATUS_LINE.match(lines[status[0]])
    if not m:
        raise Refused(f"第 {status[0] + 1} 行 status 的写法特殊，命令无法改写。请改成 status: draft 后再审核。")
    lines[status[0]] = "status: reviewed" + m["rest"]
    quoted = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    block = ["review:", f"  by: [{', '.join(quoted(b) for b in by)}]", f"  date: {quoted(on)}",
             f"  scope: {quoted(scope)}", f"  digest: {quoted(digest)}"]
    starts = [i for _, i in keys]
    at = closing
    for n, (k, i) in enumerate(keys):
        if k == "review":
            end = starts[n + 1] if n + 1 < len(starts) else closing
            del lines[i:end]
            at = i
            break
    lines[at:at] = block
    return "\n".join(lines)


def approve(root: Path, spec: str, by: list[str], on: str | None = None, scope: str | None = None) -> Path:
    """Record the review; return the page's path. Raises Refused (nothing written)."""
    data = load_data(root)
    rel = find_page(root, spec, data)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    page = read_page(rel, text, data=data)
    if page.fm_doc is None or not isinstance(page.fm_doc.data, dict) or not page.meta:
        raise Refused(f"{rel} 的元数据读不出来：先运行 make check 改正。")
    if not under_review(page):
        raise Refused(f"{rel} 是站点页面（type: page），不需要审核；只有课程、政策解读、案例和指南由审核人审核。")
    by = [b.strip() for b in by if b.strip()]
    if not by:
        raise Refused("请用 BY=… 给出审核人的编号（多位审核人用逗号隔开，例如 BY=zhang-san,li-si）。")
    if len(set(by)) != len(by):
        raise Refused("BY 中有重复的审核人。")
    why = approval_problem(page, by, data)
    if why:
        raise Refused(why)
    on = check_date(on)
    scope = check_scope(scope)
    from tools.check import check_files
    errors = [p for p in check_files([rel], root, use_cache=False).problems
              if p.severity == "error" and not p.code.startswith("REV")]
    if errors:
        listed = "\n".join(f"  {p.path}:{p.line}: {p.code} {p.message}" for p in errors[:5])
        more = f"\n  ……共 {len(errors)} 处" if len(errors) > 5 else ""
        raise Refused(f"{rel} 还有检查错误，改好之后才能审核：\n{listed}{more}")
    draft = with_review(page, by, on, scope, "")
    digest = make_digest(read_page(rel, draft, data=data), data, by, on, scope)
    final = with_review(page, by, on, scope, digest)
    done = read_page(rel, final, data=data)
    before = {k: v for k, v in page.fm_doc.data.items() if k not in ("status", "review")}
    after = {k: v for k, v in done.fm_doc.data.items() if k not in ("status", "review")}
    if before != after or final.split("\n")[done.body_start - 1:] != text.split("\n")[page.body_start - 1:] \
            or done.state != State.REVIEWED:  # pragma: no cover - a guard, never expected
        raise Refused("写入的审核记录读回来不对，没有修改文件。请把这个页面发给编辑组。")
    _replace(path, final)
    return path


def _replace(path: Path, text: str) -> None:
    """Write beside the page, then move into place (same mode)."""
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.review.approve",
        description="记录审核：把页面标为已审核，并在元数据中写入审核记录（审核人、日期、范围和内容摘要）。"
                    "只有 source/_data/reviewers.yml 中负责这类页面的审核人可以审核。"
                    " Record a review in a page's front matter; exit 0 when written, 1 when refused.")
    ap.add_argument("--page", required=True, help="页面文件的路径（例如 policies/pfpl.md）或页面编号")
    ap.add_argument("--by", required=True, help="审核人编号，多位用逗号隔开（见 source/_data/reviewers.yml）")
    ap.add_argument("--date", help="审核日期（默认今天），写成 2027-03-01")
    ap.add_argument("--scope", help=f"审核范围（默认：{DEFAULT_SCOPE}）")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.root)
    if (problem := root_problem(root)):
        print(problem, file=sys.stderr)
        return 2
    try:
        path = approve(root, args.page, args.by.split(","), args.date, args.scope)
    except Refused as exc:
        print(f"没有记录审核：{exc}", file=sys.stderr)
        return 1
    rel = path.relative_to(root).as_posix()
    print(f"已记录审核：{rel}（审核人 {args.by}）。页面状态改为 reviewed。")
    print(f"请提交这个改动：git add {rel} && git commit -m \"Review: {rel}\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())

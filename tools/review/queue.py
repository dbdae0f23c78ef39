"""The review queue: ``python -m tools.review.queue`` (``make review``).

What waits for a reviewer: draft pages, lapsed reviews (the page or one of
its facts changed since), reviews past their collection's period, and facts
of the registry past their ``review_by`` date; grouped by reviewer area (the
most specific collection of ``reviewers.yml`` that holds the page, else its
folder), with counts. ``--format json`` for tools.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tools.model import load_corpus, load_data, root_problem
from tools.model.codes import Code
from tools.model.review import State, due_on, facts_used, folder, in_collection, under_review

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"draft": "草稿", "lapsed": "审核后有修改", "due": "审核到期", "fact": "数字过复核日期"}
UNUSED = "source/_data"


@dataclass
class Item:
    kind: str
    path: str
    line: int
    title: str
    detail: str = ""


@dataclass
class Area:
    area: str
    reviewers: list[dict]
    items: list[Item] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(i.kind == k for i in self.items) for k in KINDS}


def area_of(path_folder: str, data) -> str:
    """The most specific reviewer collection holding the folder, else the
    folder itself (``curriculum/junior-secondary``, ``policies``)."""
    best = ""
    for r in data.reviewers.values():
        for c in r.collections:
            if in_collection(c, path_folder) and len(c) > len(best):
                best = c
    return best or path_folder


def queue(root: Path, today: str | None = None) -> list[Area]:
    today = today or dt.date.today().isoformat()
    data = load_data(root)
    corpus = load_corpus(root, data)
    areas: dict[str, Area] = {}

    def area(name: str) -> Area:
        if name not in areas:
            who = [{"id": r.id, "name": r.name, "role": r.role} for r in data.reviewers.values()
                   if name != UNUSED and any(in_collection(c, name) for c in r.collections)]
            areas[name] = Area(name, who)
        return areas[name]

    fact_areas: dict[str, set[str]] = {}
    for page in sorted(corpus.values(), key=lambda p: p.path):
        if not under_review(page):
            continue
        name = area_of(folder(page), data)
        for fid in facts_used(page):
            fact_areas.setdefault(fid, set()).add(name)
        title = page.meta.get("title", "")
        a = page.assessment
        if page.state == State.DRAFT:
            area(name).items.append(Item("draft", page.path, page.line_of("status"), title))
        elif page.state == State.LAPSED:
            first = next((p for p in a.problems if p.code == Code.REV001), None)
            what = "、".join("元数据" if c == "meta" else "正文" if c == "body" else f"数字 {c}" for c in a.changed)
            area(name).items.append(Item("lapsed", page.path, first.line if first else a.review.line, title,
                                         f"审核（{a.review.on}）之后有改动：{what}"))
        due = due_on(page, data)
        if due is not None and due <= today:
            area(name).items.append(Item("due", page.path, a.review.line, title,
                                         f"审核于 {a.review.on}，{due} 到期"))
    for fact in sorted(data.facts.values(), key=lambda f: f.id):
        if fact.review_by and fact.review_by < today:
            for name in sorted(fact_areas.get(fact.id, {UNUSED})):
                area(name).items.append(Item("fact", "source/_data/facts.yml", fact.line, fact.label,
                                             f"{fact.id}，复核日期 {fact.review_by}"))
    return [areas[k] for k in sorted(areas)]


def totals(areas: list[Area]) -> dict[str, int]:
    return {k: sum(a.counts[k] for a in areas) for k in KINDS}


def format_text(areas: list[Area], data, today: str) -> str:
    total = totals(areas)
    out = [f"审核队列（{today}）：" + " · ".join(f"{KINDS[k]} {n}" for k, n in total.items())]
    if not data.reviewers:
        out.append("审核人名单（source/_data/reviewers.yml）是空的：审核项目还没有指定审核人，所有页面都是草稿。")
    for a in areas:
        who = "、".join(f"{r['name']}（{r['role']}）" for r in a.reviewers) or \
            ("—" if a.area == UNUSED else "尚未指定")
        counts = " · ".join(f"{KINDS[k]} {n}" for k, n in a.counts.items() if n)
        name = "未被页面使用的数字" if a.area == UNUSED else a.area
        out += ["", f"{name} — 审核人：{who} — {counts}"]
        for i in a.items:
            detail = f"  （{i.detail}）" if i.detail else ""
            out.append(f"  {KINDS[i.kind]:　<6} {i.path}:{i.line}  {i.title}{detail}")
    return "\n".join(out)


def format_json(areas: list[Area], today: str) -> str:
    return json.dumps({"date": today, "counts": totals(areas),
                       "areas": [{"area": a.area, "reviewers": a.reviewers, "counts": a.counts,
                                  "items": [asdict(i) for i in a.items]} for a in areas]},
                      ensure_ascii=False, indent=1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.review.queue",
        description="审核队列：草稿、审核后有修改和审核到期的页面，以及过了复核日期的数字，按审核人负责的范围分组并计数。"
                    " Print the review queue grouped by reviewer area; exit 0.")
    ap.add_argument("--format", choices=["text", "json"], default="text", help="输出格式（json 供其他工具读取）")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    ap.add_argument("--today", help=argparse.SUPPRESS)  # tests
    args = ap.parse_args(argv)
    root = Path(args.root)
    if (problem := root_problem(root)):
        print(problem, file=sys.stderr)
        return 2
    today = args.today or dt.date.today().isoformat()
    areas = queue(root, today)
    print(format_json(areas, today) if args.format == "json" else format_text(areas, load_data(root), today))
    return 0


if __name__ == "__main__":
    sys.exit(main())

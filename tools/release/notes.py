"""Change notes of an edition, from two release records (Chinese).

:func:`edition_changes` compares what an edition held in two releases: pages
added and removed, pages whose text changed (with the ``##`` sections that
changed), facts whose values changed, reviews gained and reviews lost.
:func:`markdown` writes them as MyST Markdown: the site's version-notes page
of each release and the first appendix of every print edition ("与上一版相比")
render it (``tools/extensions/kb_releases.py``), and the print writer may
use it as it is. ``python -m tools.release.notes VERSION`` prints it.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tools.model.releases import Release, before, load_releases
from tools.model.review import Digest

ROOT = Path(__file__).resolve().parents[2]
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~:$%&=\"'])")


def md(text: str) -> str:
    """Plain text (a title, a value) safe inside Markdown."""
    return MD_SPECIAL.sub(r"\\\1", str(text))


@dataclass
class PageChange:
    doc: str
    title: str
    sections: list[str] = field(default_factory=list)
    meta: bool = False  # the front matter changed (title, summary, dates…)


@dataclass
class FactChange:
    id: str
    label: str
    old: str
    new: str


@dataclass
class EditionChanges:
    audience: str
    title: str
    version: str
    date: str
    previous: str | None  # None: the first release of this edition
    previous_date: str | None = None
    pages: int = 0
    reviewed: int = 0
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[PageChange] = field(default_factory=list)
    facts: list[FactChange] = field(default_factory=list)
    gained: list[tuple[str, str]] = field(default_factory=list)
    lapsed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.facts or self.gained or self.lapsed)


def _parts(digest: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(meta, body, facts) of a record's page digest."""
    d = Digest.parse(f"{digest} seal:{'0' * 12}") if "seal:" not in digest else Digest.parse(digest)
    return (d.meta, d.body, d.facts) if d else None


def edition_changes(old: Release | None, new: Release, audience: str) -> EditionChanges | None:
    """What changed in ``audience``'s edition from ``old`` to ``new`` (None
    when ``new`` has no such edition)."""
    ed = new.editions.get(audience)
    if ed is None:
        return None
    out = EditionChanges(audience, ed.title, new.version, new.date, None)
    out.pages = sum(new.pages[d].state != "none" for d in ed.pages)  # site pages (appendices) not counted
    out.reviewed = sum(new.pages[d].state == "reviewed" for d in ed.pages)
    then = old.editions.get(audience) if old is not None else None
    if then is None:
        return out
    out.previous, out.previous_date = old.version, old.date
    before_docs, now_docs = set(then.pages), set(ed.pages)
    out.added = [(d, new.pages[d].title) for d in ed.pages if d not in before_docs]
    out.removed = [(d, old.pages[d].title) for d in then.pages if d not in now_docs]
    for d in ed.pages:
        if d not in before_docs:
            continue
        a, b = old.pages[d], new.pages[d]
        pa, pb = _parts(a.digest), _parts(b.digest)
        if pa is None or pb is None or pa[:2] != pb[:2]:
            sa = dict(a.sections)
            titles = [t for t, h in b.sections if sa.get(t) != h]
            titles += [f"{t}（已删去）" for t in sa if t not in dict(b.sections)]
            out.changed.append(PageChange(d, b.title, titles, meta=pa is None or pb is None or pa[0] != pb[0]))
        if a.state != "reviewed" and b.state == "reviewed":
            out.gained.append((d, b.title))
        elif a.state == "reviewed" and b.state != "reviewed":
            out.lapsed.append((d, b.title))
    used = sorted({f for d in ed.pages for f in new.pages[d].facts})
    for fid in used:
        was, now = old.facts.get(fid), new.facts.get(fid)
        if was is not None and now is not None and was["value"] != now["value"]:
            out.facts.append(FactChange(fid, now["label"], was["value"], now["value"]))
    return out


def release_changes(releases: list[Release], version: str) -> list[EditionChanges]:
    """Every edition of release ``version`` against the release before it."""
    new = next(r for r in releases if r.version == version)
    old = before(releases, version)
    return [c for aud in new.editions if (c := edition_changes(old, new, aud)) is not None]


def markdown(c: EditionChanges, level: int = 2, title: str | None = None) -> str:
    """The change notes of one edition as MyST Markdown, under one heading
    (``title``, default the edition's title) of ``level``; its lists are one
    level below. Everything sits under that heading: a directive may then
    hand the nodes to the page as they are."""
    h, sub = "#" * level, "#" * (level + 1)
    out = [f"{h} {md(title or c.title)}", ""]
    if c.previous is None:
        out += [f"这是本书的第一个发布版本（{c.version}，{c.date}），收入 {c.pages} 页（不计附录），"
                f"其中已审核 {c.reviewed} 页。", ""]
        return "\n".join(out)
    out += [f"{c.version} 版（{c.date}）与上一版 {c.previous}（{c.previous_date}）相比：", ""]
    if c.empty:
        return "\n".join([*out, "内容没有改动。", ""])

    def items(title, rows):
        if rows:
            out.extend([f"{sub} {title}", "", *rows, ""])

    items("新增的页面", [f"- {md(t)}" for _, t in c.added])
    items("删去的页面", [f"- {md(t)}" for _, t in c.removed])
    rows = []
    for p in c.changed:
        what = "、".join(f"“{md(s)}”" for s in p.sections)
        bits = [f"改动的小节：{what}" if what else "", "元数据（标题、简介或日期等）" if p.meta else ""]
        rows.append(f"- {md(p.title)}：{'；'.join(b for b in bits if b) or '正文'}")
    items("有改动的页面", rows)
    items("数值有变化的数字", [f"- {md(f.label)}：{md(f.old)} → {md(f.new)}" for f in c.facts])
    items("新通过审核的页面", [f"- {md(t)}" for _, t in c.gained])
    items("审核失效的页面（审核后有修改或改回草稿）", [f"- {md(t)}" for _, t in c.lapsed])
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.release.notes",
        description="打印某个发布版本与上一版相比的版本说明（Markdown）。"
                    " Print the change notes of a release against the one before; exit 1 when the version is unknown.")
    ap.add_argument("version", help="版本号，例如 2027.1")
    ap.add_argument("--audience", help="只打印这类读者的版本")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    releases, problems = load_releases(Path(args.root))
    for p in problems:
        print(p.text(), file=sys.stderr)
    if args.version not in {r.version for r in releases}:
        print(f"没有版本 {args.version} 的发布记录（source/_data/releases/{args.version}.yml）。", file=sys.stderr)
        return 1
    for c in release_changes(releases, args.version):
        if not args.audience or c.audience == args.audience:
            print(markdown(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())

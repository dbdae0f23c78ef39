"""Make a release: ``python -m tools.release --version 2027.1`` (``make release VERSION=…``).

Refuses, with the reason in Chinese and nothing written, when:

- the version is not a calendar version (``2027.1``: year, then the
  release's number in that year), exists already, or is not newer than the
  latest release;
- a release record under ``source/_data/releases/`` does not parse;
- the checker finds errors;
- a print edition (PDF, print-shop PDF or Word) would hold a draft page or a
  page whose review lapsed, unless editions.yml declares that edition a
  draft edition (``draft: true``: its cover and every page then say 试用版).

Otherwise it writes the release record (version, date, every page of every
edition with its content digest, section digests, review state and facts,
and the facts' values) and the release's version-notes page
(``source/releases/<version>.md``), and prints the ``git`` commands to
commit and tag the release: it tags nothing itself. Every edition built
after it carries the version and date (``tools.buildinfo``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tools.model import edition_contents, load_corpus, load_data, load_editions, root_problem
from tools.model.releases import (CHANGES_DOC, NOTES_DIR, VERSION, load_releases, read_release, record_path,
                                  version_key)
from tools.model.review import MARKS, State, content, facts_used, sections

ROOT = Path(__file__).resolve().parents[2]


class Refused(Exception):
    pass


class _Dumper(yaml.SafeDumper):
    """Plain YAML: no anchors or aliases (the project's reader refuses them)."""

    def ignore_aliases(self, data):
        return True


def _commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=30)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def snapshot(root: Path, version: str, date: str) -> dict:
    """The release record of the knowledge base as it is now."""
    data = load_data(root)
    corpus = load_corpus(root, data)
    editions = load_editions(root)
    pages, facts, eds = {}, {}, []
    for aud, edition in editions.items():
        docs = [d for d in edition_contents(edition, corpus) if d != CHANGES_DOC and d in corpus]
        for d in docs:
            if d in pages:
                continue
            page = corpus[d]
            meta, body, fparts = content(page, data)
            used = list(facts_used(page))
            pages[d] = {"id": page.meta.get("id", ""), "title": page.meta.get("title", ""),
                        "state": str(page.state),
                        "digest": f"meta:{meta} body:{body} facts:{'.'.join(fparts) or '-'}",
                        "sections": [{"title": t, "digest": h} for t, h in sections(page)],
                        "facts": used}
            for fid in used:
                if fid in data.facts:
                    facts[fid] = {"label": data.facts[fid].label, "value": data.facts[fid].display()}
        eds.append({"audience": aud, "title": edition.title, "draft": edition.draft, "print": edition.printed,
                    "pages": docs})
    record = {"version": version, "date": date}
    commit = _commit(root)
    if commit:
        record["commit"] = commit
    record.update({"pages": pages, "facts": dict(sorted(facts.items())), "editions": eds})
    return record


def unreviewed_in_print(root: Path) -> list[str]:
    """Lines naming each draft or lapsed page of a released print edition."""
    data = load_data(root)
    corpus = load_corpus(root, data)
    out = []
    for aud, edition in load_editions(root).items():
        if not edition.printed or edition.draft:
            continue
        bad = [corpus[d] for d in edition_contents(edition, corpus)
               if d in corpus and corpus[d].state in (State.DRAFT, State.LAPSED)]
        if bad:
            out.append(f"“{edition.title}”（{aud}）有 {len(bad)} 页没有通过审核：")
            for page in bad[:8]:
                line = page.line_of("review") if page.state == State.LAPSED else page.line_of("status")
                out.append(f"  {page.path}:{line}  {page.meta.get('title', '')}（{MARKS[page.state]}）")
            if len(bad) > 8:
                out.append(f"  ……另有 {len(bad) - 8} 页")
    return out


def notes_page(root: Path, version: str, date: str) -> str:
    data = load_data(root)
    audiences = ", ".join(data.audiences) or "[]"
    return (f"---\nid: release-{version.replace('.', '-')}\ntitle: \"版本说明：{version}\"\ntype: page\n"
            f"audiences: [{audiences}]\nstatus: draft\nupdated: \"{date}\"\nsources: []\n---\n\n"
            f"本页由 make release 生成，列出 {version} 版各读者版本与上一版相比的改动。\n\n"
            f"```{{release-notes}} {version}\n```\n")


def release(root: Path, version: str, date: str | None = None) -> tuple[Path, Path]:
    """Write the record and the notes page; return their paths. Raises
    Refused (nothing written)."""
    if not VERSION.match(version or ""):
        raise Refused(f"版本号 {version!r} 的写法不对：写成“年份.序号”，例如 2027.1（2027 年的第一个版本）。")
    releases, problems = load_releases(root)
    if problems:
        listed = "\n".join(f"  {p.path}:{p.line}: {p.message}" for p in problems)
        raise Refused(f"已有的发布记录读不出来，先修好它们（从 git 中恢复）：\n{listed}")
    record, page = record_path(root, version), root / NOTES_DIR / f"{version}.md"
    if record.exists() or any(r.version == version for r in releases):
        raise Refused(f"版本 {version} 已经发布过了（{record.relative_to(root).as_posix()}）。请用新的版本号。")
    if page.exists():
        raise Refused(f"{page.relative_to(root).as_posix()} 已经存在。请用新的版本号，或删去这个文件。")
    latest = releases[-1] if releases else None
    if latest and version_key(version) <= version_key(latest.version):
        raise Refused(f"版本号 {version} 不比最新的版本 {latest.version} 新。")
    date = date or dt.date.today().isoformat()
    try:
        if dt.date.fromisoformat(date).isoformat() != date:
            raise ValueError
    except ValueError:
        raise Refused(f"发布日期 {date!r} 的写法不对：写成 2027-08-20 的形式。") from None
    if latest and date < latest.date:
        raise Refused(f"发布日期 {date} 早于上一版 {latest.version} 的日期 {latest.date}。")
    from tools.check import check_files, default_files
    result = check_files(default_files(root), root)
    if result.errors:
        listed = "\n".join(f"  {p.text()}" for p in result.problems if p.severity == "error")
        raise Refused(f"检查发现 {result.errors} 个错误，改好之后才能发布（make check）：\n{listed}")
    unreviewed = unreviewed_in_print(root)
    if unreviewed:
        raise Refused("打印版只能收入已审核的页面：\n" + "\n".join(unreviewed) +
                      "\n请审核人审核这些页面（make approve），或在 source/_data/editions.yml 中把这个版本声明为"
                      "试用版（draft: true），试用版的封面和每一页都会印上“试用版”。")
    text = yaml.dump(snapshot(root, version, date), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1000, default_flow_style=False)
    text = (f"# 发布记录：{version}（{date}）。由 make release 写出，不要手工修改；版本说明由它和上一版的记录生成。\n"
            + text)
    record.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=record.parent))
    try:
        staged = staging / record.name
        staged.write_text(text, encoding="utf-8")
        found, problems = read_release(root, staged)
        if found is None:  # pragma: no cover - a guard: the record must read back
            raise Refused("写出的发布记录读不回来，没有发布：\n" + "\n".join(p.message for p in problems))
        staged_page = staging / page.name
        staged_page.write_text(notes_page(root, version, date), encoding="utf-8")
        page.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, record)
        try:
            shutil.move(str(staged_page), str(page))
        except BaseException:
            record.unlink(missing_ok=True)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return record, page


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.release",
        description="发布一个版本：检查全部页面，确认打印版只收入已审核的页面（试用版除外），写出发布记录和版本说明页，"
                    "并打印打标签的 git 命令（不会自己打标签）。"
                    " Write a release record; exit 0 when written, 1 when refused.")
    ap.add_argument("--version", required=True, help="版本号：年份.序号，例如 2027.1")
    ap.add_argument("--date", help="发布日期（默认今天），写成 2027-08-20")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.root)
    if (problem := root_problem(root)):
        print(problem, file=sys.stderr)
        return 2
    try:
        record, page = release(root, args.version, args.date)
    except Refused as exc:
        print(f"没有发布：{exc}", file=sys.stderr)
        return 1
    r, p = record.relative_to(root).as_posix(), page.relative_to(root).as_posix()
    print(f"已写出发布记录 {r} 和版本说明页 {p}。")
    print("接下来：\n"
          f"  git add {r} {p}\n"
          f"  git commit -m \"Release {args.version}\"\n"
          f"  git tag -a v{args.version} -m \"青春健康知识库 {args.version}\"\n"
          "  make editions    # 各版本的封面、版权页、电子书和 Word 文件的属性、网站页脚都会印上版本号和日期")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start a new page from a template: ``python -m tools.new --type case-study``
(``make new TYPE=case-study``).

Asks for what it needs when run in a terminal (or takes ``--id``, ``--title``
and, for lessons, ``--age-band``), refuses an id that exists, writes the page
with the required sections and valid front matter, then lists what the
writer still has to fill in (the checker's findings on the new page).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from tools.model import load_corpus, load_data
from tools.model.markup import markup_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "source" / "_templates" / "pages"
FOLDERS = {"case-study": "case-studies", "policy": "policies"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TITLE_MAX = 60


class Refused(Exception):
    pass


def band_audiences(data) -> dict[str, str]:
    """age band -> the learner audience (and curriculum folder) that takes it,
    from audiences.yml."""
    return {a.age_band: a.id for a in data.audiences.values() if a.role == "learner" and a.age_band}


def target_path(root: Path, type_: str, page_id: str, age_band: str | None) -> Path:
    if type_ == "lesson":
        folder = f"curriculum/{band_audiences(load_data(root))[age_band]}"
    else:
        folder = FOLDERS[type_]
    return root / folder / f"{page_id}.md"


def check_title(title: str) -> str:
    """A title as a writer typed it, or Refused saying why not."""
    title = (title or "").strip()
    if len(title) < 2:
        raise Refused("请给出页面标题（至少两个字）。")
    if len(title) > TITLE_MAX:
        raise Refused(f"标题太长（{len(title)} 个字，最多 {TITLE_MAX} 个字）。")
    if any(ch in title for ch in "\r\n\t") or markup_in(title):
        raise Refused("标题只能是一行纯文字，不能有换行或尖括号 < > 这样的网页代码。")
    return title


def render(type_: str, page_id: str, title: str, age_band: str | None, today: str,
           audience: str | None = None) -> str:
    """The page from its template. Every value is written as a quoted YAML
    string (JSON's quoting is valid YAML), so a title with ``:``, ``[``, ``#``
    or quotes stays exactly the title."""
    text = (TEMPLATES / f"{type_}.md").read_text(encoding="utf-8")
    quoted = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    values = {"{id}": page_id, "{title}": quoted(title), "{today}": today}
    if type_ == "lesson":
        values["\"{age_band}\""] = quoted(age_band)
        values["{audience}"] = audience
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def create(root: Path, type_: str, page_id: str, title: str, age_band: str | None = None,
           today: str | None = None) -> Path:
    if type_ not in ("lesson", "case-study", "policy"):
        raise Refused(f"不认识的页面类型 {type_!r}:请用 lesson、case-study 或 policy。")
    if not ID_RE.match(page_id or ""):
        raise Refused(f"页面编号 {page_id!r} 不合规定：只能用小写英文字母、数字和连字符，例如 cs-youth-clinic。")
    title = check_title(title)
    data = load_data(root)
    bands = band_audiences(data)
    if type_ == "lesson" and age_band not in bands:
        raise Refused(f"课程需要年龄段：{'、'.join(bands)}。")
    taken = {p.meta.get("id"): p.path for p in load_corpus(root, data).values() if p.meta.get("id")}
    if page_id in taken:
        raise Refused(f"页面编号 {page_id} 已经被 {taken[page_id]} 使用了，请换一个。")
    path = target_path(root, type_, page_id, age_band)
    if path.exists():
        raise Refused(f"文件 {path.relative_to(root)} 已经存在。")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(type_, page_id, title, age_band, today or dt.date.today().isoformat(),
                           bands.get(age_band)), encoding="utf-8")
    return path


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.new", description="用模板新建一个页面（课程、案例或政策解读）。")
    ap.add_argument("--type", required=True, choices=["lesson", "case-study", "policy"], help="页面类型")
    ap.add_argument("--id", help="页面编号：小写英文字母、数字和连字符")
    ap.add_argument("--title", help="页面标题（中文）")
    ap.add_argument("--age-band", help="课程的年龄段（只用于 lesson），例如 12-15")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.root)
    missing = [f for f, v in (("ID", args.id), ("TITLE", args.title),
                              ("AGE_BAND", args.age_band or args.type != "lesson")) if not v]
    if missing and not sys.stdin.isatty():
        example = f"make new TYPE={args.type} ID=cs-youth-clinic TITLE=街道青少年咨询" + \
            (" AGE_BAND=12-15" if args.type == "lesson" else "")
        print(f"没有新建页面：不在终端里运行时，请直接给出 {'、'.join(missing)}，例如：\n  {example}", file=sys.stderr)
        return 2
    page_id = args.id or _ask("页面编号（例如 cs-youth-clinic）：")
    title = args.title or _ask("页面标题：")
    age_band = args.age_band
    if args.type == "lesson" and not age_band:
        age_band = _ask(f"年龄段（{'、'.join(band_audiences(load_data(root)))}）：")
    try:
        path = create(root, args.type, page_id, title, age_band)
    except Refused as exc:
        print(f"没有新建页面：{exc}", file=sys.stderr)
        return 1
    rel = path.relative_to(root).as_posix()
    print(f"已新建 {rel}。")
    from tools.check import check_files
    todo = check_files([rel], root).problems
    if todo:
        print("还需要填写或修改的地方（改完后运行 make check 检查）：")
        for p in todo:
            print(f"  第 {p.line} 行：{p.message} {p.fix}")
    print(f"预览：运行 make preview，然后在浏览器中打开 http://127.0.0.1:8000/{rel[:-3]}.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Convert a staff member's Word write-up into a MyST page:
``python -m tools.import_docx FILE.docx [--type case-study] [--id ID]``.

Pandoc (pypandoc-binary) reads the document: headings, lists, tables,
footnotes and images (extracted into the page's folder; alt text comes from
the image's description in Word, or is flagged as missing). The importer
guesses the front matter it can (title from the document, sections from the
headings), marks what the writer must complete with TODO, then runs the
checker on the result and prints what is left to fix. A broken or
password-protected file gets a clear error and nothing is written.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import pypandoc

from tools.new import FOLDERS, ID_RE, TEMPLATES, Refused
from tools.model import load_corpus, load_data
from tools.check.rules.structure import REQUIRED

ROOT = Path(__file__).resolve().parent.parent
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFailed(Exception):
    pass


def inspect(path: Path) -> None:
    """Refuse what pandoc cannot read, with the reason in the writer's words."""
    if not path.is_file():
        raise ImportFailed(f"找不到文件 {path}。")
    head = path.read_bytes()[:8]
    if head == OLE_MAGIC:
        raise ImportFailed("这个文件有密码保护，或是旧版 Word（.doc）格式。请在 Word 中取消密码，"
                           "并“另存为” .docx 格式后再导入。")
    if not zipfile.is_zipfile(path):
        raise ImportFailed("这个文件已损坏，或不是 Word（.docx）文件。请在 Word 中打开并重新保存为 .docx。")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            if "EncryptionInfo" in names or "EncryptedPackage" in names:
                raise ImportFailed("这个文件有密码保护。请在 Word 中取消密码后再导入。")
            raise ImportFailed("这个文件不是 Word 文档（缺少正文部分）。请确认选对了文件。")
        bad = zf.testzip()
        if bad:
            raise ImportFailed(f"这个文件已损坏（其中的 {bad} 无法读取）。请在 Word 中打开并重新保存。")


def docx_title(path: Path) -> str | None:
    from docx import Document
    try:
        doc = Document(str(path))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on odd files
        return None
    if doc.core_properties.title:
        return doc.core_properties.title.strip()
    for para in doc.paragraphs:
        if para.style.name in ("Title", "Heading 1") and para.text.strip():
            return para.text.strip()
    return None


def convert(path: Path, media_dir: Path, media_prefix: str) -> str:
    """The document body as Markdown MyST reads (pandoc's commonmark_x)."""
    with tempfile.TemporaryDirectory() as tmp:
        md = pypandoc.convert_file(
            str(path), "commonmark_x-raw_html-attributes-fenced_divs-bracketed_spans-raw_attribute",
            format="docx", extra_args=["--sandbox=false", f"--extract-media={tmp}", "--wrap=none",
                                       "--shift-heading-level-by=1"])
        media = Path(tmp) / "media"
        if media.exists():
            media_dir.mkdir(parents=True, exist_ok=True)
            for f in sorted(media.iterdir()):
                shutil.copyfile(f, media_dir / f.name)
        md = md.replace(str(media) + "/", media_prefix + "/")
    return md


def build_page(body: str, type_: str, page_id: str, title: str, today: str) -> tuple[str, list[str]]:
    """Front matter from the template, the body, and notes of what is missing."""
    template = (TEMPLATES / f"{type_}.md").read_text(encoding="utf-8")
    front = template.split("\n---\n", 1)[0] + "\n---\n"
    front = front.replace("{id}", page_id).replace("{title}", title).replace("{today}", today)
    lines = body.strip("\n").split("\n")
    # the document's own title heading becomes the front-matter title
    if lines and lines[0].lstrip("#").strip() == title:
        lines = lines[1:]
    body = "\n".join(lines).strip() + "\n"
    notes = []
    headings = [m.group(1).strip() for m in re.finditer(r"^## +(.+)$", body, re.M)]
    missing = [s for s in REQUIRED.get(type_, []) if s not in headings]
    if missing:
        notes.append("缺少必需的节：" + "、".join(missing) + "。已在文末添加待填写的节。")
        for sec in missing:
            if sec in ("参考资料", "资料来源"):
                body += f"\n## {sec}\n\n```{{references}}\n```\n"
            else:
                body += f"\n## {sec}\n\nTODO 填写这一节。\n"
    if re.search(r"!\[\]\(", body):
        notes.append("有图片没有替代文字：在 Word 中右键图片 →“编辑替代文字”，或在页面的 ![ ] 里补上说明。")
    return front + "\n" + body, notes


def import_docx(path: Path, root: Path, type_: str = "case-study", page_id: str | None = None,
                today: str | None = None) -> tuple[Path, list[str]]:
    import datetime as dt
    inspect(path)
    title = docx_title(path) or path.stem
    page_id = page_id or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not ID_RE.match(page_id or ""):
        raise ImportFailed("无法从文件名得出页面编号：请用 --id 指定，例如 --id cs-youth-clinic。")
    data = load_data(root)
    if any(p.meta.get("id") == page_id for p in load_corpus(root, data).values()):
        raise ImportFailed(f"页面编号 {page_id} 已经存在：请用 --id 指定另一个编号。")
    folder = root / FOLDERS.get(type_, "case-studies")
    target = folder / f"{page_id}.md"
    if target.exists():
        raise ImportFailed(f"文件 {target.relative_to(root)} 已经存在。")
    media_dir = folder / f"{page_id}-media"
    try:
        body = convert(path, media_dir, f"{page_id}-media")
    except RuntimeError as exc:
        shutil.rmtree(media_dir, ignore_errors=True)
        raise ImportFailed(f"pandoc 无法读取这个文件：{str(exc).strip()[:200]}") from None
    page, notes = build_page(body, type_, page_id, title, today or dt.date.today().isoformat())
    target.write_text(page, encoding="utf-8")
    return target, notes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.import_docx",
                                 description="把 Word（.docx）稿件转换成知识库页面，并检查还需要修改什么。")
    ap.add_argument("file", help="Word 文件（.docx）")
    ap.add_argument("--type", default="case-study", choices=["case-study", "policy"], help="页面类型（默认：case-study）")
    ap.add_argument("--id", help="页面编号（默认：由文件名得出）")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    root = Path(args.root)
    try:
        target, notes = import_docx(Path(args.file), root, args.type, args.id)
    except (ImportFailed, Refused) as exc:
        print(f"没有导入：{exc}", file=sys.stderr)
        return 2
    rel = target.relative_to(root).as_posix()
    print(f"已导入为 {rel}。")
    for note in notes:
        print(f"注意：{note}")
    from tools.check import check_files
    problems = check_files([rel], root).problems
    if problems:
        print(f"还有 {len(problems)} 处需要修改（改完后运行 make check）：")
        for p in problems:
            print(f"  {p.path}:{p.line}: {p.message} — {p.fix}")
    else:
        print("检查通过。")
    return 0


if __name__ == "__main__":
    sys.exit(main())

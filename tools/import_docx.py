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
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

from tools import limits
from tools.model import load_corpus, load_data
from tools.model.pages import REQUIRED_SECTIONS
from tools.new import FOLDERS, ID_RE, TITLE_MAX, Refused, render

ROOT = Path(__file__).resolve().parent.parent
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits on what a Word file may hold. A write-up is text with a few photos:
# these are far above any real one and far below what hurts the machine.
MAX_FILE = 30 * 1024 * 1024          # the .docx on disk
MAX_ENTRIES = 2000                   # parts inside it
MAX_TOTAL = 80 * 1024 * 1024         # everything inside it, inflated
MAX_XML = 20 * 1024 * 1024           # one XML part (the text), inflated
MAX_IMAGE = 8 * 1024 * 1024          # one image, inflated
MAX_RATIO = 200                      # inflated size / compressed size of one part
PANDOC = limits.Limits(heap="512m", seconds=120, file_bytes=MAX_IMAGE)
SHRINK = ("在 Word 中选中图片 → “图片格式” → “压缩图片”，选“Web（150 ppi）”并勾选“删除图片的剪裁区域”，"
          "保存后再导入；或先把照片缩小到 2000 像素宽以内再插入。")


class ImportFailed(Exception):
    pass


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _safe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return not (name.startswith("/") or "\x00" in name or ".." in parts or re.match(r"^[A-Za-z]:", name))


def inspect(path: Path) -> None:
    """Refuse what cannot be imported safely, with the reason in the writer's words.

    Sizes are checked twice: as the zip declares them, then by inflating every
    part with a running count, so a part that lies about its size is caught
    before pandoc ever sees the file.
    """
    if not path.is_file():
        raise ImportFailed(f"找不到文件 {path}。")
    size = path.stat().st_size
    if size > MAX_FILE:
        raise ImportFailed(f"文件太大（{_mb(size)}，上限 {_mb(MAX_FILE)}）。{SHRINK}")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        raise ImportFailed("这个文件有密码保护，或是旧版 Word（.doc）格式。请在 Word 中取消密码，"
                           "并“另存为” .docx 格式后再导入。")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_parts(zf)
    except ImportFailed:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise ImportFailed("这个文件已损坏，或不是 Word（.docx）文件。请在 Word 中打开并重新保存为 .docx。") from None


def _check_parts(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise ImportFailed("这个文件有密码保护。请在 Word 中取消密码后再导入。")
        raise ImportFailed("这个文件不是 Word 文档（缺少正文部分）。请确认选对了文件。")
    if len(infos) > MAX_ENTRIES:
        raise ImportFailed(f"这个文件里的部件太多（{len(infos)} 个），不像是普通的 Word 文档。请重新保存后再试。")
    total = 0
    for info in infos:
        name = info.filename
        if not _safe_name(name) or stat.S_ISLNK(info.external_attr >> 16):
            raise ImportFailed("这个文件的内部结构不正常（含有指向文件夹之外的路径或链接），为了安全没有导入。"
                               "请在 Word 中打开并“另存为”新的 .docx 文件。")
        limit = MAX_IMAGE if name.startswith("word/media/") else MAX_XML
        if info.file_size > limit:
            raise ImportFailed(_too_big(name, info.file_size, limit))
        total += info.file_size
        if total > MAX_TOTAL:
            raise ImportFailed(f"文件展开后超过 {_mb(MAX_TOTAL)}，太大了。{SHRINK}")
        # inflate with a running count: the declared size may be a lie
        real = 0
        with zf.open(info) as part:
            while chunk := part.read(1024 * 1024):
                real += len(chunk)
                if real > limit or real > max(info.compress_size, 1024) * MAX_RATIO:
                    raise ImportFailed(_too_big(name, real, limit))


def _too_big(name: str, size: int, limit: int) -> str:
    if name.startswith("word/media/"):
        return f"文件中的图片 {name.rsplit('/', 1)[-1]} 太大（{_mb(size)} 以上，每张图片上限 {_mb(limit)}）。{SHRINK}"
    return (f"文件中的 {name} 部分展开后太大（{_mb(size)} 以上，上限 {_mb(limit)}）。"
            "请把内容分成几份，每份单独导入；或在 Word 中“另存为”新文件后再试。")


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


def convert(path: Path, work: Path) -> tuple[str, list[Path]]:
    """The document body as Markdown MyST reads (pandoc's commonmark_x), and
    the images pandoc extracted into ``work/media`` (any depth).

    Pandoc runs sandboxed (it reads only this file, fetches nothing), within
    the limits of :data:`PANDOC` (heap, CPU and wall clock, size of every file
    it writes)."""
    fmt = "commonmark_x-raw_html-attributes-fenced_divs-bracketed_spans-raw_attribute"
    try:
        out = limits.pandoc([str(path), "-f", "docx", "-t", fmt, "--sandbox", f"--extract-media={work}",
                             "--wrap=none", "--shift-heading-level-by=1"], PANDOC)
    except limits.LimitExceeded as exc:
        raise ImportFailed(f"{exc}请把内容分成几份分别导入。") from None
    except RuntimeError as exc:
        raise ImportFailed(f"无法读取这个文件（pandoc：{exc}）。请在 Word 中打开并重新保存为 .docx。") from None
    md = out.decode("utf-8", "replace")
    media = sorted(p for p in (work / "media").rglob("*") if p.is_file() and not p.is_symlink()) \
        if (work / "media").is_dir() else []
    return md, media


def build_page(body: str, type_: str, page_id: str, title: str, today: str) -> tuple[str, list[str]]:
    """Front matter from the template, the body, and notes of what is missing."""
    front = render(type_, page_id, title, None, today).split("\n---\n", 1)[0] + "\n---\n"
    lines = body.strip("\n").split("\n")
    # the document's own title heading becomes the front-matter title
    if lines and lines[0].lstrip("#").strip() == title:
        lines = lines[1:]
    body = "\n".join(lines).strip() + "\n"
    notes = []
    headings = [m.group(1).strip() for m in re.finditer(r"^## +(.+)$", body, re.M)]
    missing = [s for s in REQUIRED_SECTIONS.get(type_, ()) if s not in headings]
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
    """Import ``path`` as a new page; on any failure nothing is written."""
    import datetime as dt
    inspect(path)
    # a title as plain text on one line, whatever the Word file's properties say
    title = " ".join((docx_title(path) or path.stem).split())[:TITLE_MAX] or page_id or "未命名"
    page_id = page_id or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not ID_RE.match(page_id or ""):
        raise ImportFailed("无法从文件名得出页面编号：请用 --id 指定，例如 --id cs-youth-clinic。")
    data = load_data(root)
    if any(p.meta.get("id") == page_id for p in load_corpus(root, data).values()):
        raise ImportFailed(f"页面编号 {page_id} 已经存在：请用 --id 指定另一个编号。")
    folder = root / FOLDERS.get(type_, "case-studies")
    target = folder / f"{page_id}.md"
    media_dir = folder / f"{page_id}-media"
    for existing in (target, media_dir):
        if existing.exists():
            raise ImportFailed(f"{existing.relative_to(root)} 已经存在：请用 --id 指定另一个编号。")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".import-", dir=folder) as tmp:
        work = Path(tmp).resolve()
        body, media = convert(path, work / "pandoc")
        staged_media = work / "media"
        names = {}
        for i, f in enumerate(media, 1):
            # flat, plain names: whatever pandoc extracted, the page links to these
            clean = re.sub(r"[^A-Za-z0-9._-]+", "-", f.name).strip(".-") or "image"
            name = f"{i:02d}-{clean}"
            staged_media.mkdir(exist_ok=True)
            shutil.copyfile(f, staged_media / name)
            names[f] = name
        for f, name in names.items():
            body = body.replace(str(f), f"{page_id}-media/{name}")
        page, notes = build_page(body, type_, page_id, title, today or dt.date.today().isoformat())
        staged_page = work / target.name
        staged_page.write_text(page, encoding="utf-8")
        # everything is ready: move it in (the page last, so a page never links to missing images)
        if names:
            os.replace(staged_media, media_dir)
        os.replace(staged_page, target)
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
    # stopped from outside (Ctrl-C, a CI timeout): unwind, so the staging folder is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        target, notes = import_docx(Path(args.file), root, args.type, args.id)
    except (ImportFailed, Refused) as exc:
        print(f"没有导入：{exc}", file=sys.stderr)
        print("没有写入任何文件。", file=sys.stderr)
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

"""DOCX cells through pandoc (pypandoc-binary): one editable book per edition
and one worksheet per lesson, with a reference document whose styles use
Chinese fonts."""
from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import shutil
import tempfile
from pathlib import Path

import lxml.html
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tools import limits

from .common import CellError, atomic_output

FONTS = {"body": ("Noto Serif CJK SC", "Times New Roman"), "heading": ("Noto Sans CJK SC", "Arial")}


def reference_docx(target: Path) -> Path:
    """pandoc's default reference document with East Asian fonts on every style."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # editions built in parallel may all make it: each writes its own file
    # and moves it into place, so none reads a half-written one
    fd, name = tempfile.mkstemp(suffix=".docx", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.write_bytes(limits.pandoc(["--print-default-data-file", "reference.docx"]))
    doc = Document(str(tmp))
    for style in doc.styles:
        if style.type != 1:  # paragraph styles only
            continue
        kind = "heading" if style.name.startswith(("Heading", "Title", "Subtitle")) else "body"
        east, latin = FONTS[kind]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), east)
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")
    doc.styles["Normal"].font.size = Pt(11)
    doc.save(str(tmp))
    os.replace(tmp, target)
    return target


def _pandoc(html: str, out: Path, reference: Path, resource_path: Path, title: str, lang: str) -> None:
    """HTML to Word, sandboxed and within the limits of tools.limits."""
    try:
        limits.pandoc(["-f", "html", "-t", "docx", "-o", str(out), "--sandbox", f"--reference-doc={reference}",
                       f"--resource-path={resource_path}", f"--metadata=title:{title}", f"--metadata=lang:{lang}",
                       "--quiet"], input=html.encode("utf-8"))
    except limits.LimitExceeded as exc:
        raise CellError(f"Word 版没有生成：{exc}") from None


def _klass(name: str) -> str:
    """XPath test for an element with class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def build(edition, print_html: Path, work: Path, out: Path) -> int:
    """The Word cell: the book, then one worksheet per lesson beside it
    (``<audience>-worksheets/``), from one reading of the print document.
    Returns how many worksheets were written. Worksheets are kept by content
    in ``work/../docx-cache``: the schools of an edition (tools/publish/schools.py)
    share the lessons' handouts, converted once."""
    doc = lxml.html.document_fromstring(print_html.read_text(encoding="utf-8"))
    reference = reference_docx(work.parent / "reference.docx")
    count = build_worksheets(doc, reference, print_html.parent, out.with_name(f"{edition.stem}-worksheets"),
                             edition.language, cache=work.parent / "docx-cache")
    build_book(edition, doc, reference, print_html.parent, out)
    return count


def build_book(edition, doc, reference: Path, resource_dir: Path, out: Path) -> None:
    """The whole edition as one editable file (front matter left to Word)."""
    for el in doc.xpath(f"//section[{_klass('cover')} or {_klass('titlepage')}] | //nav[{_klass('toc')}]"):
        el.drop_tree()
    body = lxml.html.tostring(doc.body, encoding="unicode")
    with atomic_output(out) as staged:
        _pandoc(body, staged, reference, resource_dir, edition.title, edition.language)


def _cached_pandoc(cache: Path | None, html: str, out: Path, reference: Path, resource_path: Path, title: str,
                   lang: str) -> None:
    """:func:`_pandoc`, or a copy of the same conversion done before: the key
    is everything the output depends on (the HTML, the images it shows, the
    reference document, title, language and date)."""
    if cache is None:
        return _pandoc(html, out, reference, resource_path, title, lang)
    key = hashlib.sha256()
    for part in (html, title, lang, os.environ.get("SOURCE_DATE_EPOCH", ""), CACHE_VERSION):
        key.update(part.encode("utf-8") + b"\0")
    key.update(reference.read_bytes())
    for src in sorted(set(re.findall(r'src="([^"]+)"', html))):
        image = resource_path / src
        key.update(src.encode("utf-8") + (image.read_bytes() if image.is_file() else b"missing"))
    hit = cache / f"{key.hexdigest()}.docx"
    if hit.is_file():
        shutil.copyfile(hit, out)
        return
    _pandoc(html, out, reference, resource_path, title, lang)
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".docx", dir=cache)
    os.close(fd)
    shutil.copyfile(out, tmp)
    os.replace(tmp, hit)  # processes building at once each write whole files


#: change to drop the worksheets kept by content (a new pandoc, new styles)
CACHE_VERSION = "1"


def build_worksheets(doc, reference: Path, resource_dir: Path, out_dir: Path, lang: str,
                     cache: Path | None = None) -> int:
    """One DOCX per lesson holding its handouts; returns how many were written."""
    count = 0
    with atomic_output(out_dir) as staged:
        staged.mkdir()
        for chapter in doc.xpath(f"//section[{_klass('chapter')}]"):
            handouts = chapter.xpath(f".//*[{_klass('kb-handout')}]")
            if not handouts:
                continue
            title = chapter.xpath(".//h1")[0].text_content().strip().rstrip("¶").strip()
            html = (f"<h1>{htmllib.escape(title)}</h1>"
                    + "".join(lxml.html.tostring(h, encoding="unicode") for h in handouts))
            name = re.sub(r"[^a-z0-9-]", "", chapter.get("data-doc", "").rsplit("/", 1)[-1]) or f"lesson-{count}"
            _cached_pandoc(cache, html, staged / f"{name}.docx", reference, resource_dir, f"{title} 学生活动单", lang)
            count += 1
    return count

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

from . import worksheets
from .common import CellError, atomic_output, source_dir

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


def release_metadata() -> list[str]:
    """The release stamped into every Word file's properties: the version and
    release date (docProps/custom.xml: version, release-date) and both in the
    subject (docProps/core.xml), from tools.buildinfo."""
    from tools import buildinfo
    root = buildinfo.source_root()
    date = buildinfo.release_date(root) or ""
    return [f"--metadata=subject:版本 {buildinfo.release_label(root)}",
            f"--metadata=version:{buildinfo.release(root)}", f"--metadata=release-date:{date or '未发布'}"]


def _pandoc(html: str, out: Path, reference: Path, resource_path: Path, title: str, lang: str) -> None:
    """HTML to Word within the limits of tools.limits. Not --sandbox: pandoc
    must read the book's figures from ``resource_path``; the HTML is the
    build's own print document, whose images the build has already checked
    to be files of the knowledge base (kb_safety, SAFE003)."""
    try:
        limits.pandoc(["-f", "html", "-t", "docx", "-o", str(out), f"--reference-doc={reference}",
                       f"--resource-path={resource_path}", f"--metadata=title:{title}", f"--metadata=lang:{lang}",
                       *release_metadata(), "--quiet"], input=html.encode("utf-8"))
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
    # the site links each lesson to its learner edition's sheets: only those get a PDF too
    from tools.model import load_data
    audience = load_data(source_dir()).audiences.get(edition.audience)
    count = build_worksheets(doc, reference, print_html.parent, out.with_name(f"{edition.stem}-worksheets"),
                             edition.language, pdf=audience is not None and audience.role == "learner",
                             cache=work.parent / "docx-cache")
    build_book(edition, doc, reference, print_html.parent, out)
    return count


def build_book(edition, doc, reference: Path, resource_dir: Path, out: Path) -> None:
    """The whole edition as one editable file (front matter left to Word)."""
    for el in doc.xpath(f"//section[{_klass('cover')} or {_klass('titlepage')}] | //nav[{_klass('toc')}]"):
        el.drop_tree()
    body = lxml.html.tostring(doc.body, encoding="unicode")
    with atomic_output(out) as staged:
        _pandoc(body, staged, reference, resource_dir, edition.title, edition.language)


def _cached(cache: Path | None, html: str, images: list[str], resource_path: Path, parts: tuple[str, ...], out: Path,
            make) -> None:
    """``make(out)``, or a copy of the same conversion done before: the key
    is everything the output depends on (the HTML, the ``images`` it shows
    (paths under ``resource_path``), ``parts``: the converter, title,
    language, reference document; and the date)."""
    if cache is None:
        return make(out)
    key = hashlib.sha256()
    for part in (html, *parts, os.environ.get("SOURCE_DATE_EPOCH", ""), CACHE_VERSION):
        key.update(part.encode("utf-8") + b"\0")
    for src in images:
        image = resource_path / src
        key.update(src.encode("utf-8") + (image.read_bytes() if image.is_file() else b"missing"))
    hit = cache / f"{key.hexdigest()}{out.suffix}"
    if hit.is_file():
        shutil.copyfile(hit, out)
        return
    make(out)
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=out.suffix, dir=cache)
    os.close(fd)
    shutil.copyfile(out, tmp)
    os.replace(tmp, hit)  # processes building at once each write whole files


#: change to drop the worksheets kept by content (a new pandoc, new styles)
CACHE_VERSION = "3"


def build_worksheets(doc, reference: Path, resource_dir: Path, out_dir: Path, lang: str, pdf: bool = False,
                     cache: Path | None = None) -> int:
    """One DOCX per lesson holding its handouts and, with ``pdf``, the same as
    a one-page PDF (``worksheets.build_pdf``); returns how many lessons have
    them. With ``cache``, a sheet converted before (for another school of the
    edition) is copied, not converted again."""
    count = 0
    reference_digest = hashlib.sha256(reference.read_bytes()).hexdigest()
    with atomic_output(out_dir) as staged:
        staged.mkdir()
        for chapter in doc.xpath(f"//section[{_klass('chapter')}]"):
            handouts = chapter.xpath(f".//*[{_klass('kb-handout')}]")
            if not handouts:
                continue
            title = chapter.xpath(".//h1")[0].text_content().strip().rstrip("¶").strip()
            body = "".join(lxml.html.tostring(h, encoding="unicode") for h in handouts)
            html = f"<h1>{htmllib.escape(title)}</h1>{body}"
            images = sorted({img.get("src") for h in handouts for img in h.iter("img") if img.get("src")})
            name = re.sub(r"[^a-z0-9-]", "", chapter.get("data-doc", "").rsplit("/", 1)[-1]) or f"lesson-{count}"
            sheet_title = f"{title} 学生活动单"
            _cached(cache, html, images, resource_dir, ("docx", sheet_title, lang, reference_digest),
                    staged / f"{name}.docx",
                    lambda target: _pandoc(html, target, reference, resource_dir, sheet_title, lang))
            if pdf:
                _cached(cache, body, images, resource_dir, ("pdf", title, lang), staged / f"{name}.pdf",
                        lambda target: worksheets.build_pdf(title, body, resource_dir, target, lang))
            count += 1
    return count

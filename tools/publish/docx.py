"""DOCX cells through pandoc (pypandoc-binary): one editable book per edition
and one worksheet per lesson, with a reference document whose styles use
Chinese fonts."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypandoc
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from .common import atomic_output

FONTS = {"body": ("Noto Serif CJK SC", "Times New Roman"), "heading": ("Noto Sans CJK SC", "Arial")}


def reference_docx(target: Path) -> Path:
    """pandoc's default reference document with East Asian fonts on every style."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.docx")
    tmp.write_bytes(subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                                   capture_output=True, check=True).stdout)
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
    doc.save(str(target))
    tmp.unlink()
    return target


def _pandoc(html: str, out: Path, reference: Path, resource_path: Path, title: str) -> None:
    pypandoc.convert_text(
        html, "docx", format="html", outputfile=str(out),
        extra_args=["--sandbox", f"--reference-doc={reference}", f"--resource-path={resource_path}",
                    f"--metadata=title:{title}", "--metadata=lang:zh-CN", "--quiet"])


def build_book(edition, print_html: Path, work: Path, out: Path) -> None:
    soup = BeautifulSoup(print_html.read_text(encoding="utf-8"), "html.parser")
    for sel in ("section.cover", "nav.toc", "section.titlepage"):
        for el in soup.select(sel):
            el.decompose()
    body = soup.body or soup
    reference = reference_docx(work.parent / "reference.docx")
    with atomic_output(out) as staged:
        _pandoc(str(body), staged, reference, print_html.parent, edition.title)


def build_worksheets(edition, print_html: Path, work: Path, out_dir: Path) -> int:
    """One DOCX per lesson holding its handouts; returns how many were written."""
    soup = BeautifulSoup(print_html.read_text(encoding="utf-8"), "html.parser")
    reference = reference_docx(work.parent / "reference.docx")
    count = 0
    with atomic_output(out_dir) as staged:
        staged.mkdir()
        for chapter in soup.select("section.chapter"):
            handouts = chapter.select(".kb-handout")
            if not handouts:
                continue
            title = chapter.find(["h1"]).get_text(" ", strip=True).rstrip("¶")
            html = f"<h1>{title}</h1>" + "".join(str(h) for h in handouts)
            name = re.sub(r"[^a-z0-9-]", "", chapter.get("data-doc", "").rsplit("/", 1)[-1]) or f"lesson-{count}"
            _pandoc(html, staged / f"{name}.docx", reference, print_html.parent, f"{title} 学生活动单")
            count += 1
    return count

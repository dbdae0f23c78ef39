"""Student worksheets as one-page PDFs, beside the Word files the Word cell
writes (``docx.build_worksheets``): a teacher prints one sheet per student.

The handouts of a lesson go through pandoc's Typst writer and are typeset
by Typst, the project's one print engine, on A4 with the Noto CJK fonts
(tagged PDF/UA-1, like the books). Write-in rows are full-measure lines 9 mm
apart; when a worksheet runs over one page it is set again smaller (down to
8.5 pt) until it fits, and left at two pages only if it does not fit then.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from tools import limits

from .common import CellError

SIZES = (11, 10, 9.5, 9, 8.5)
WRITE_LINE = "KBWRITELINEKB"
#: a write-in row a pen can use
WRITE_ROW = "#block(width: 100%, height: 9mm, stroke: (bottom: 0.6pt + black))"


def typst_body(handouts_html: str) -> str:
    """The handouts as Typst markup (pandoc's writer escapes the text); each
    write-in line becomes a marker paragraph, then a Typst write-in row."""
    import lxml.html
    root = lxml.html.fragment_fromstring(handouts_html, create_parent="div")
    for line in root.xpath("//p[contains(concat(' ', normalize-space(@class), ' '), ' kb-write-line ')]"):
        line.clear()
        line.text = WRITE_LINE
    html = lxml.html.tostring(root, encoding="unicode")
    out = limits.pandoc(["-f", "html", "-t", "typst", "--wrap=none"], input=html.encode("utf-8")).decode("utf-8")
    return re.sub(rf"^\s*{WRITE_LINE}\s*$", WRITE_ROW, out, flags=re.M)


def typst_source(title: str, body: str, size: float, lang: str) -> str:
    from tools.extensions.kb_typst import escape
    name = escape.string(f"{title} 学生活动单")
    return (f"#set document(title: {name})\n"
            f'#set page(paper: "a4", margin: (x: 15mm, y: 14mm))\n'
            f'#set text(font: "Noto Sans CJK SC", size: {size}pt, lang: {escape.string(lang.split("-")[0])})\n'
            "#set par(leading: 0.75em)\n"
            "#set table(stroke: 0.5pt, inset: 2mm)\n"
            "#show table.cell: it => block(height: auto, inset: 0pt, it)\n"
            f"#heading(level: 1, {escape.string(title)})\n"
            "班级：＿＿＿＿＿＿　姓名：＿＿＿＿＿＿　日期：＿＿＿＿＿＿\n\n"
            f"{body}\n")


def build_pdf(title: str, handouts_html: str, resource_dir: Path, out: Path, lang: str = "zh-CN") -> int:
    """Typeset one worksheet at the largest size that fits one page; returns its pages."""
    import pikepdf

    from . import pdf
    body = typst_body(handouts_html)
    with tempfile.TemporaryDirectory(prefix=".sheet-", dir=resource_dir) as tmp:
        source = Path(tmp) / "sheet.typ"
        trial = Path(tmp) / "sheet.pdf"
        pages = 0
        for size in SIZES:
            source.write_text(typst_source(title, body, size, lang), encoding="utf-8")
            pdf.typeset(source, trial, "reading")
            with pikepdf.open(trial) as doc:
                pages = len(doc.pages)
            if pages == 1:
                break
        try:
            out.write_bytes(trial.read_bytes())
        except OSError as exc:
            raise CellError(f"学生活动单 PDF 没有写成：{exc}") from None
    return pages

"""Student worksheets as one-page PDFs, beside the Word files the Word cell
writes (``docx.build_worksheets``): a teacher prints one sheet per student.

The handouts of a lesson are typeset by WeasyPrint on A4 with Noto CJK, the
write-in rows and table cells tall enough for a pen; when a worksheet runs
over one page it is set again smaller (down to 8.5 pt) until it fits, and
left at two pages only if it does not fit even then.
"""
from __future__ import annotations

import html as htmllib
from pathlib import Path

from .common import CellError

WORKSHEET_CSS = """
@page { size: A4; margin: 14mm 15mm 14mm 15mm; }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: %(size)spt; line-height: 1.55; color: #111; }
body { margin: 0; }
h1 { font-size: 1.35em; margin: 0 0 1mm; }
.kb-sheet-line { font-size: 0.9em; color: #333; margin: 0 0 3mm; }
.kb-handout { border: 0.8pt dashed #777; padding: 2.5mm 4mm; margin: 0 0 3mm; }
.kb-handout .admonition-title { font-weight: bold; font-size: 1.1em; margin: 0 0 1.5mm; }
p { margin: 1mm 0; }
ul, ol { margin: 1mm 0; padding-left: 6mm; }
table { border-collapse: collapse; width: 100%%; margin: 1.5mm 0; }
th, td { border: 0.5pt solid #666; padding: 1mm 2mm; vertical-align: top; text-align: left; }
td { height: 9mm; }
th p, td p { margin: 0; }
.kb-blank { letter-spacing: 0.05em; }
.kb-write-line { border-bottom: 0.6pt solid #333; height: 9mm; margin: 0 0 1mm; }
a { color: inherit; text-decoration: none; }
"""

SIZES = (11, 10, 9.5, 9, 8.5)


def html_document(title: str, handouts_html: str, size: float, lang: str) -> str:
    css = WORKSHEET_CSS % {"size": size}
    return (f'<!DOCTYPE html><html lang="{htmllib.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{htmllib.escape(title)} 学生活动单</title><style>{css}</style></head><body>"
            f"<h1>{htmllib.escape(title)}</h1>"
            '<p class="kb-sheet-line">班级：＿＿＿＿＿＿　姓名：＿＿＿＿＿＿　日期：＿＿＿＿＿＿</p>'
            f"{handouts_html}</body></html>")


def build_pdf(title: str, handouts_html: str, resource_dir: Path, out: Path, lang: str = "zh-CN") -> int:
    """Typeset one worksheet at the largest size that fits one page (tagged,
    like the print copy); returns its pages."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # never reach outside the build: only local files, and fail on a missing one
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    document = None
    for size in SIZES:
        document = HTML(string=html_document(title, handouts_html, size, lang), base_url=str(resource_dir),
                        url_fetcher=fetcher).render(pdf_tags=True)
        if len(document.pages) == 1:
            break
    try:
        document.write_pdf(str(out), pdf_tags=True)
    except OSError as exc:
        raise CellError(f"学生活动单 PDF 没有写成：{exc}") from None
    return len(document.pages)

"""Print PDF cells: the pages of the edition as Sphinx rendered them for the
EPUB, assembled into a book (cover, title page, colophon, contents with page
numbers, chapters) and typeset by WeasyPrint with CSS paged media.

- page size from the edition (A4 or B5), mirrored margins with a binding
  gutter, running heads with the chapter title, page numbers;
- chapters start on a right-hand page; headings are kept with what follows;
  boxes and table rows are not split;
- fonts: Noto CJK, embedded and subset; document language zh-CN;
- the reading copy is tagged PDF/UA-1 (``pdf_variant``);
- the print-shop copy is derived from it with pikepdf (3 mm bleed, crop
  marks, padded to a multiple of four pages), not typeset a second time;
- pages with ``status: draft`` carry a visible draft mark.
"""
from __future__ import annotations

import html as htmllib
from pathlib import Path

from bs4 import BeautifulSoup

from .common import CellError, atomic_output, build_date, source_commit

PRINT_CSS = """
@page {
  size: %(size)s;
  margin: 20mm 16mm 22mm 16mm;
  @top-center { content: string(chapter); font-size: 8.5pt; color: #555; }
  @bottom-center { content: counter(page); font-size: 9pt; }
}
@page :left { margin-left: 16mm; margin-right: 24mm; }
@page :right { margin-left: 24mm; margin-right: 16mm; }
@page :blank { @top-center { content: none; } @bottom-center { content: none; } }
@page cover { margin: 0; @top-center { content: none; } @bottom-center { content: none; } }
@page front { @top-center { content: none; } @bottom-center { content: counter(page, lower-roman); } }
@page draft {
  @top-center { content: string(chapter); font-size: 8.5pt; color: #555; }
  @bottom-center { content: counter(page); font-size: 9pt; }
  @top-right { content: "草稿 · 未经审核"; font-size: 8.5pt; color: #a33; }
}
html { font-family: "Noto Serif CJK SC", serif; font-size: 10.5pt; line-height: 1.65; color: #111; }
body { margin: 0; }
h1, h2, h3, h4, .admonition-title, nav.toc { font-family: "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 18pt; string-set: chapter content(text); margin: 0 0 6mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p, li { orphans: 2; widows: 2; }
a { color: inherit; text-decoration: none; }
a.headerlink { display: none; }
section.cover { page: cover; break-after: page; }
section.cover img { width: 100vw; height: 100vh; object-fit: cover; display: block; }
section.titlepage, section.colophon, nav.toc { page: front; }
section.titlepage { break-after: page; padding-top: 45mm; text-align: center; }
section.titlepage h1 { string-set: none; font-size: 26pt; }
section.titlepage .subtitle { font-size: 14pt; margin-top: 6mm; }
section.titlepage .publisher { margin-top: 80mm; }
section.colophon { break-after: page; font-size: 9pt; padding-top: 120mm; }
nav.toc { break-after: right; }
nav.toc h1 { string-set: none; }
nav.toc ol { list-style: none; padding: 0; }
nav.toc li.part { font-weight: bold; margin-top: 4mm; }
nav.toc a::after { content: leader(".") target-counter(attr(href), page); }
section.chapter { break-before: right; }
dl.glossary dt, dt { break-after: avoid; font-weight: bold; }
dd { margin-left: 2em; }
section.chapter.draft { page: draft; }
table, figure, pre { break-inside: avoid; }
tr, li { break-inside: avoid; }
.admonition-title, .kb-box > p:first-child { break-after: avoid; }
.kb-box { break-inside: auto; }
.kb-box { border: 0.6pt solid #777; border-left: 2.5pt solid #555; padding: 2mm 3mm; margin: 3mm 0; }
.kb-teacher-note, .kb-answer-key { border-left-color: #a05a00; background: #fff6ea; }
.kb-help-box { border-left-color: #1b6b34; background: #eef7f0; }
.kb-helplines { border-top: 0.5pt solid #1b6b34; margin-top: 2mm; padding-top: 1mm; break-inside: avoid; }
.kb-helpline-number { font-size: 1.1em; }
.kb-handout { border-style: dashed; border-width: 0.8pt; border-left-width: 0.8pt; }
.kb-blank { letter-spacing: 0; }
.kb-handout td { height: 9mm; }
section.kb-handout-section { break-before: page; }
.admonition-title { font-weight: bold; margin: 0 0 1mm; }
.kb-draft-notice { border: 0.6pt solid #a33; color: #a33; padding: 1mm 2mm; font-size: 9pt; }
.kb-write-line { border-bottom: 0.5pt solid #444; height: 7mm; margin: 0; }
table { border-collapse: collapse; width: 100%%; margin: 3mm 0; font-size: 9.5pt; }
th, td { border: 0.5pt solid #999; padding: 1mm 1.5mm; vertical-align: top; }
thead { display: table-header-group; }
.kb-draft-notice p, td p, th p { margin: 0; }
"""

def _target(docname: str, href: str) -> tuple[str | None, str]:
    """(docname, fragment) a link in page ``docname`` points to; None for
    links that leave the book (web addresses, e-mail)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    path = unquote(parts.path)
    if not path:
        return docname, parts.fragment
    target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), path))
    return target.rsplit(".", 1)[0], parts.fragment


def assemble(pages: dict[str, str], order: list[str], edition, draft_docs: set[str], cover: Path,
             release: str, image_dir: str = "epub") -> str:
    """The edition as one print document, from Sphinx's rendering of each page.

    ``pages`` maps docname to the HTML body Sphinx wrote for it (the EPUB
    build); ``order`` is the reading order. Every id is prefixed with its
    chapter so ids stay unique, and links between pages become links inside
    the document; images point into ``image_dir`` (relative to the document).
    """
    import posixpath

    missing = [d for d in order if d not in pages]
    if missing:
        raise CellError("这些页面在本版中没有生成（Sphinx 没有输出它们），请先修正构建中的警告："
                        + "、".join(missing))
    out = BeautifulSoup("<html><head><meta charset='utf-8'></head><body></body></html>", "html.parser")
    out.html["lang"] = "zh-CN"
    title = out.new_tag("title")
    title.string = edition.title
    out.head.append(title)
    body = out.body
    # inline the cover so the PDF does not depend on where the build ran
    import base64
    cover_uri = "data:image/png;base64," + base64.b64encode(cover.read_bytes()).decode("ascii")
    body.append(BeautifulSoup(
        f'<section class="cover"><img src="{cover_uri}" alt="封面：{htmllib.escape(edition.title)}"/></section>'
        f'<section class="titlepage"><h1>{htmllib.escape(edition.title)}</h1>'
        f'<p class="subtitle">{htmllib.escape(edition.subtitle)}</p>'
        f'<p class="publisher">{htmllib.escape(edition.publisher)}</p></section>'
        f'<section class="colophon"><p>{htmllib.escape(edition.title)}({htmllib.escape(edition.subtitle)})</p>'
        f'<p>版本 {htmllib.escape(release)} · 构建日期 {build_date()} · 源提交 {htmllib.escape(source_commit())}</p>'
        f'<p>本书由青春健康知识库生成。标有“草稿”的章节尚未经过专家审核，内容可能修改。</p>'
        f'<p>健康知识依据世界卫生组织和联合国教科文组织的指导编写，出处见书后参考资料。</p></section>',
        "html.parser"))
    toc = out.new_tag("nav", attrs={"class": "toc"})
    h = out.new_tag("h1")
    h.string = "目录"
    toc.append(h)
    ol = out.new_tag("ol")
    toc.append(ol)
    body.append(toc)

    chapter_of = {doc: index for index, doc in enumerate(order)}
    sections = []
    for index, docname in enumerate(order):
        classes = ["chapter"] + (["draft"] if docname in draft_docs else []) + (["first"] if index == 0 else [])
        section = out.new_tag("section", attrs={"class": classes, "id": f"chap-{index}", "data-doc": docname})
        section.append(BeautifulSoup(pages[docname], "html.parser"))
        for tag in section.find_all(id=True):
            if tag is not section:
                tag["id"] = f"c{index}-{tag['id']}"
        sections.append(section)
    ids = {tag["id"] for section in sections for tag in section.find_all(id=True)}

    for index, (docname, section) in enumerate(zip(order, sections)):
        for a in section.find_all("a", href=True):
            target, frag = _target(docname, a["href"])
            if target is None:
                continue
            if target in chapter_of:
                anchor = f"c{chapter_of[target]}-{frag}"
                a["href"] = f"#{anchor}" if frag and anchor in ids else f"#chap-{chapter_of[target]}"
            else:  # not in this book (Sphinx has already warned): keep the words
                a.unwrap()
        for img in section.find_all("img", src=True):
            target, _ = _target(docname, img["src"])
            if target is not None and not img["src"].startswith("data:"):
                img["src"] = posixpath.join(image_dir, posixpath.normpath(
                    posixpath.join(posixpath.dirname(docname), img["src"])))
            if not img.get("alt"):
                img["alt"] = ""
        # a handout prints on its own page, together with its heading
        for box in section.select(".kb-handout"):
            holder = box.find_parent("section")
            if holder is not None and holder is not section:
                holder["class"] = holder.get("class", []) + ["kb-handout-section"]
        h1 = section.find("h1")
        if h1 is None:
            continue
        li = out.new_tag("li")
        a = out.new_tag("a", href=f"#chap-{index}")
        a.string = h1.get_text(" ", strip=True).rstrip("¶").strip()
        li.append(a)
        ol.append(li)
        body.append(section)
    return str(out)


def render(html_path: Path, out: Path, size: str) -> None:
    """Typeset the reading copy: tagged PDF/UA-1 (WeasyPrint does not
    guarantee full conformance), with language, title and XMP identification."""
    import logging

    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    _cache_page_references()

    css = PRINT_CSS % {"size": size}
    options = {"pdf_tags": True, "pdf_variant": "pdf/ua-1"}
    # never reach outside the build: only local files, and fail on a missing one
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    document = HTML(filename=str(html_path), url_fetcher=fetcher).render(stylesheets=[CSS(string=css)], **options)
    with atomic_output(out) as staged:
        document.write_pdf(str(staged), **options)


def _cache_page_references() -> None:
    """pydyf rebuilds the list of every page reference each time it is asked
    for one, and WeasyPrint asks once per tagged element: quadratic in pages
    (13 s of a 358-page book). Cache it while the page list is unchanged; the
    PDF written is the same."""
    import pydyf

    if getattr(pydyf.PDF, "_kb_cached_refs", False):
        return
    plain = pydyf.PDF.page_references.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_kb_refs")
        if cached is None or cached[0] != count:
            cached = (count, plain(self))
            self.__dict__["_kb_refs"] = cached
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._kb_cached_refs = True


MM = 72 / 25.4


def make_printshop(reading: Path, out: Path, cover_color: str, bleed_mm: float = 3, slug_mm: float = 6,
                   multiple: int = 4) -> None:
    """The print shop's copy, derived from the typeset reading copy (no second layout).

    Every page gets 3 mm of bleed around its trim box and a slug outside it
    holding crop marks (page boxes: MediaBox ⊃ BleedBox ⊃ TrimBox); the cover's
    colour is carried into the bleed; blank pages pad the book to a multiple of
    four for imposition. Marks and bleed paint are artifacts in the tagged PDF.
    """
    import pikepdf

    bleed, slug = bleed_mm * MM, slug_mm * MM
    r, g, b = (int(cover_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    with pikepdf.open(reading) as pdf:
        for index, page in enumerate(pdf.pages):
            x0, y0, x1, y1 = (float(v) for v in page.obj.get("/TrimBox", page.mediabox))
            _set_boxes(page.obj, (x0, y0, x1, y1), bleed, slug)
            if index == 0:
                paint = (f"/Artifact BMC q {r:.4f} {g:.4f} {b:.4f} rg {x0 - bleed:.3f} {y0 - bleed:.3f} "
                         f"{x1 - x0 + 2 * bleed:.3f} {y1 - y0 + 2 * bleed:.3f} re f Q EMC\n")
                page.contents_add(pikepdf.Stream(pdf, paint.encode("ascii")), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, _crop_marks((x0, y0, x1, y1), bleed, slug)))
        last = pdf.pages[-1]
        trim = tuple(float(v) for v in last.obj["/TrimBox"])
        for _ in range((-len(pdf.pages)) % multiple):
            blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=pikepdf.Dictionary())
            _set_boxes(blank, trim, bleed, slug)
            pdf.pages.append(pikepdf.Page(blank))
            pdf.pages[-1].contents_add(pikepdf.Stream(pdf, _crop_marks(trim, bleed, slug)))
        with atomic_output(out) as staged:
            pdf.save(staged, deterministic_id=True)


def _set_boxes(page, trim, bleed: float, slug: float) -> None:
    import pikepdf

    x0, y0, x1, y1 = trim
    grow = lambda d: pikepdf.Array([round(x0 - d, 3), round(y0 - d, 3), round(x1 + d, 3), round(y1 + d, 3)])  # noqa: E731
    page.MediaBox = grow(bleed + slug)
    page.BleedBox = grow(bleed)
    page.TrimBox = grow(0)
    for box in ("/CropBox", "/ArtBox"):
        if box in page:
            del page[box]


def _crop_marks(trim, bleed: float, slug: float) -> bytes:
    """Eight hairlines in the slug, continuing each trim edge outside the bleed."""
    x0, y0, x1, y1 = trim
    near, far = bleed + 1, bleed + slug - 0.5
    lines = []
    for x in (x0, x1):
        lines += [(x, y0 - near, x, y0 - far), (x, y1 + near, x, y1 + far)]
    for y in (y0, y1):
        lines += [(x0 - near, y, x0 - far, y), (x1 + near, y, x1 + far, y)]
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines)
    return f"/Artifact BMC q 0.25 w 0 G {path} Q EMC\n".encode("ascii")


def print_document(edition, work: Path, doctrees: Path, overrides: dict, draft_docs: set[str],
                   cover: Path, release: str, order: list[str]) -> Path:
    """The edition as one print-ready HTML file (made once, used by every print
    format), from the pages the EPUB build rendered (rendered here if the
    EPUB was not built)."""
    import json

    from . import epub

    print_html = work / "print.html"
    if print_html.exists():
        return print_html
    if not (work / "pages.json").exists():
        epub.render_pages(work, doctrees, overrides, cover)
    pages = json.loads((work / "pages.json").read_text(encoding="utf-8"))
    print_html.write_text(assemble(pages, order, edition, draft_docs, cover, release), encoding="utf-8")
    return print_html


def build(print_html: Path, edition, out: Path) -> None:
    """Typeset the reading copy (tagged, PDF/UA-1)."""
    render(print_html, out, edition.page_size)

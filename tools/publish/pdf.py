"""Print PDF cells: a single-page build of the edition, assembled into a
book (cover, title page, colophon, contents with page numbers, chapters) and
typeset by WeasyPrint with CSS paged media.

- page size from the edition (A4 or B5), mirrored margins with a binding
  gutter, running heads with the chapter title, page numbers;
- chapters start on a right-hand page; headings are kept with what follows;
  boxes and table rows are not split;
- fonts: Noto CJK, embedded and subset; document language zh-CN;
- the reading copy is tagged PDF/UA-1 (``pdf_variant``), the print-shop copy tagged;
- a print-shop variant with 3 mm bleed and crop marks;
- pages with ``status: draft`` carry a visible draft mark.
"""
from __future__ import annotations

import html as htmllib
from pathlib import Path

from bs4 import BeautifulSoup

from .common import CellError, atomic_output, build_date, run_sphinx, source_commit

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
%(printshop)s
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

PRINTSHOP_CSS = "@page { bleed: 3mm; marks: crop; }"


def _chapters(soup: BeautifulSoup) -> list[tuple[str, list]]:
    """Split the single-page build into (docname, elements) per source page.

    Sphinx's singlehtml inlines each page after a marker
    ``<span id="document-<docname>">`` inside the root page's toctree.
    """
    chapters: list[tuple[str, list]] = []
    for marker in soup.find_all("span", id=lambda v: v and v.startswith("document-")):
        elements = []
        for sib in marker.next_siblings:
            if getattr(sib, "name", None) == "span" and sib.get("id", "").startswith("document-"):
                break
            if getattr(sib, "name", None):
                elements.append(sib)
        chapters.append((marker["id"][len("document-"):], elements))
    return chapters


def assemble(single_html: Path, edition, draft_docs: set[str], cover: Path, release: str) -> str:
    soup = BeautifulSoup(single_html.read_text(encoding="utf-8"), "html.parser")
    chapters = _chapters(soup)
    if not chapters:
        raise CellError("the single-page build has no chapters")
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
        f'<p>版本 {release} · 构建日期 {build_date()} · 源提交 {source_commit()}</p>'
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
    seen_ids: set[str] = set()
    first = True
    for index, (docname, elements) in enumerate(chapters):
        if docname == "source/edition":
            continue  # the edition's own contents page: replaced by ours
        section = out.new_tag("section", attrs={"class": "chapter", "id": f"chap-{index}",
                                                "data-doc": docname})
        classes = ["chapter"]
        if docname in draft_docs:
            classes.append("draft")
        if first:
            classes.append("first")
            first = False
        section["class"] = classes
        for el in elements:
            section.append(el)
        # singlehtml nests every page one level below the root page: lift it back
        levels = [int(t.name[1]) for t in section.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        shift = min(levels) - 1 if levels else 0
        if shift:
            for t in section.find_all(["h2", "h3", "h4", "h5", "h6"]):
                t.name = f"h{int(t.name[1]) - shift}"
        for tag in section.find_all(id=True):
            if tag["id"] in seen_ids:
                del tag["id"]
            else:
                seen_ids.add(tag["id"])
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
    for a in body.find_all("a", href=True):
        href = a["href"]
        if href.startswith("#") and "#" in href[1:]:
            frag = href.rsplit("#", 1)[1]
            a["href"] = f"#{frag}" if frag in seen_ids else href.split("#")[0] + "#" + href.split("#")[1]
        if href.startswith("#document-"):
            target = href[len("#document-"):].split("#")[0]
            match = next((f"#chap-{i}" for i, (d, _) in enumerate(chapters) if d == target), None)
            if match:
                a["href"] = match
    for img in body.find_all("img"):
        if not img.get("alt"):
            img["alt"] = ""
    return str(out)


def render(html_path: Path, out: Path, size: str, variant: str) -> None:
    import logging

    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)

    css = PRINT_CSS % {"size": size, "printshop": PRINTSHOP_CSS if variant == "printshop" else ""}
    options = {"pdf_tags": True}
    if variant == "reading":
        # the reading copy is PDF/UA-1: tagged, with language, title and XMP
        # identification (WeasyPrint does not guarantee full conformance)
        options["pdf_variant"] = "pdf/ua-1"

    # never reach outside the build: only local files, and fail on a missing one
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    document = HTML(filename=str(html_path), url_fetcher=fetcher).render(stylesheets=[CSS(string=css)], **options)
    with atomic_output(out) as staged:
        document.write_pdf(str(staged), **options)
        if variant == "printshop":
            pad_to_signature(staged)


def pad_to_signature(path: Path, multiple: int = 4) -> int:
    """Append blank pages so a print shop can impose the book (returns pages added)."""
    import pikepdf
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        last = pdf.pages[-1]
        missing = (-len(pdf.pages)) % multiple
        for _ in range(missing):
            page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=last.mediabox,
                                                   Resources=pikepdf.Dictionary()))
            for box in ("/TrimBox", "/BleedBox", "/CropBox"):
                if box in last.obj:
                    page.obj[box] = last.obj[box]
            pdf.pages.append(page)
        if missing:
            pdf.save(path)
    return missing


def print_document(edition, work: Path, doctrees: Path, overrides: dict, draft_docs: set[str],
                   cover: Path, release: str) -> Path:
    """The edition as one print-ready HTML file (made once, used by every print format)."""
    print_html = work / "print.html"
    if print_html.exists():
        return print_html
    single = work / "singlehtml"
    run_sphinx("singlehtml", single, doctrees,
               {**overrides, "html_theme": "basic", "html_theme_options": {}, "html_sidebars": {}})
    print_html.write_text(assemble(single / "source" / "edition.html", edition, draft_docs, cover, release),
                          encoding="utf-8")
    return print_html


def build(print_html: Path, edition, out: Path, variant: str = "reading") -> None:
    """Typeset one PDF variant: reading (tagged, PDF/UA-1) or printshop (bleed, crop marks)."""
    render(print_html, out, edition.page_size, variant)

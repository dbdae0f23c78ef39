"""The edition as one HTML document (the Word cells' source), assembled from
the pages Sphinx rendered for the EPUB: cover, title page, colophon,
contents, chapters; ids made unique per chapter, links between pages made
links inside the document, links to pages the edition leaves out reduced to
their words."""
from __future__ import annotations

import html as htmllib
from pathlib import Path

from bs4 import BeautifulSoup

from .common import CellError, build_date, source_commit


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
    school = getattr(edition, "school", None)  # a school's edition: the school and its file in the colophon
    school_html = "" if school is None else (
        f'<p>学校：{htmllib.escape(school.name)} · 学校文件 {htmllib.escape(school.rel)} · '
        f'SHA-256 {htmllib.escape(school.digest)}</p>')
    body.append(BeautifulSoup(
        f'<section class="cover"><img src="{cover_uri}" alt="封面：{htmllib.escape(edition.title)}"/></section>'
        f'<section class="titlepage"><h1>{htmllib.escape(edition.title)}</h1>'
        f'<p class="subtitle">{htmllib.escape(edition.subtitle)}</p>'
        f'<p class="publisher">{htmllib.escape(edition.publisher)}</p></section>'
        f'<section class="colophon"><p>{htmllib.escape(edition.title)}({htmllib.escape(edition.subtitle)})</p>'
        f'<p>版本 {htmllib.escape(release)} · 构建日期 {build_date()} · 源提交 {htmllib.escape(source_commit())}</p>'
        f'{school_html}'
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

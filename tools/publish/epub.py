"""EPUB 3 cell: Sphinx's epub builder, then an accessible, reproducible package.

After Sphinx writes the book directory, this module
- adds EPUB Accessibility 1.1 discovery metadata to the OPF
  (schema:accessMode, accessModeSufficient, accessibilityFeature,
  accessibilityHazard, accessibilitySummary, dcterms:conformsTo);
- sets ``lang``/``xml:lang`` on every XHTML document and the ARIA role of
  the navigation document, and names the contents in Chinese;
- fixes the navigation links Sphinx writes relative to a root document in a
  sub-folder (``../``), which would point outside the container;
- zips the book reproducibly (mimetype first and stored, fixed times).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from .common import CellError, atomic_output, fixed_zip, run_sphinx

OPF_NS = "http://www.idpf.org/2007/opf"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
A11Y_META = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("schema:accessibilitySummary",
     "本书为纯文字电子书，有完整的目录和标题结构，阅读顺序与印刷版一致，图片均有文字说明，"
     "没有闪烁或声音等危险内容，可以用读屏软件朗读。"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ("a11y:certifiedBy", "青春健康知识库编写组（自我声明）"),
]


#: EPUB settings that Sphinx keeps in its environment: every build of an
#: edition sets them, so changing builder does not read the sources again
ENV_SETTINGS = {"epub_cover": ("_static/cover.png", ""), "epub_tocdepth": 2}


def epub_overrides(static_dir: Path) -> dict:
    """Settings of the EPUB build (on top of ENV_SETTINGS)."""
    return {
        "epub_show_urls": "no",
        "epub_use_index": False,
        "epub_css_files": ["kb.css", "kb-epub.css"],
        "html_static_path": ["source/_static", str(static_dir)],
    }


def _patch_opf(path: Path, reading_order: list[str]) -> None:
    tree = etree.parse(str(path))
    root = tree.getroot()
    _rebuild_spine(root, reading_order)
    metadata = root.find(f"{{{OPF_NS}}}metadata")
    for prop, value in A11Y_META:
        meta = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop)
        meta.text = value
    for el in metadata:
        if el.text == "unknown":
            metadata.remove(el)
    tree.write(str(path), xml_declaration=True, encoding="utf-8")


def _rebuild_spine(package_el, reading_order: list[str]) -> None:
    """Spine = the root page, then the navigation order; other pages non-linear.

    Sphinx computes the spine from links relative to the root document; with
    the edition's root in ``source/`` those do not match the manifest.
    """
    manifest = package_el.find(f"{{{OPF_NS}}}manifest")
    spine = package_el.find(f"{{{OPF_NS}}}spine")
    ids = {item.get("href"): item.get("id") for item in manifest}
    docs = [i.get("href") for i in manifest
            if i.get("media-type") == "application/xhtml+xml" and i.get("properties") != "nav"]
    order = [h for h in dict.fromkeys(reading_order) if h in ids]
    for child in list(spine):
        spine.remove(child)
    for href in order:
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=ids[href])
    for href in docs:
        if href not in order:
            etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=ids[href], linear="no")


def _resolve(href: str, base: str, book_dir: Path) -> str:
    """A link written relative to the root page's folder, made relative to the package."""
    import posixpath
    path, _, frag = href.partition("#")
    if not path or "://" in path or (book_dir / path).is_file():
        return href
    path = posixpath.normpath(posixpath.join(base, path))
    return f"{path}#{frag}" if frag else path


def _patch_xhtml(path: Path, lang: str, nav: bool, base: str, book_dir: Path) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    tree = etree.parse(str(path), parser)
    html = tree.getroot()
    html.set("lang", lang)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    if nav:
        for el in html.iter(f"{{{XHTML_NS}}}nav"):
            if el.get("{http://www.idpf.org/2007/ops}type") == "toc":
                el.set("role", "doc-toc")
        for el in html.iter(f"{{{XHTML_NS}}}title", f"{{{XHTML_NS}}}h1"):
            if el.text == "Table of Contents":
                el.text = "目录"
    for el in html.iter():
        if el.get("role") == "heading" and not el.get("aria-level"):
            el.set("aria-level", "2")  # Sphinx's toctree captions (axe: aria-required-attr)
    order = []
    if nav:
        for a in html.iter(f"{{{XHTML_NS}}}a"):
            href = _resolve(a.get("href", ""), base, book_dir)
            a.set("href", href)
            order.append(href.partition("#")[0])
    tree.write(str(path), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
    return order


def _patch_ncx(path: Path, base: str, identifier: str | None = None) -> None:
    tree = etree.parse(str(path))
    for content in tree.getroot().iter(f"{{{NCX_NS}}}content"):
        content.set("src", _resolve(content.get("src", ""), base, path.parent))
    if identifier:  # the book's identifier (a school's edition has its own; Sphinx writes epub_uid)
        for meta in tree.getroot().iter(f"{{{NCX_NS}}}meta"):
            if meta.get("name") == "dtb:uid":
                meta.set("content", identifier)
    tree.write(str(path), xml_declaration=True, encoding="utf-8")


def _identifier(opf: Path) -> str | None:
    """The value of the package's unique identifier."""
    root = etree.parse(str(opf)).getroot()
    uid = root.get("unique-identifier")
    for el in root.iter("{http://purl.org/dc/elements/1.1/}identifier"):
        if el.get("id") == uid:
            return (el.text or "").strip() or None
    return None


def package(book_dir: Path, target: Path, lang: str, root_doc: str = "source/edition") -> None:
    """Post-process the book directory Sphinx wrote and zip it to ``target``."""
    for stale in book_dir.glob("*.epub"):
        stale.unlink()
    base = root_doc.rpartition("/")[0]
    _patch_ncx(book_dir / "toc.ncx", base, _identifier(book_dir / "content.opf"))
    order = [f"{root_doc}.xhtml"]
    for xhtml in sorted(book_dir.rglob("*.xhtml")):
        is_nav = xhtml.relative_to(book_dir).as_posix() == "nav.xhtml"
        found = _patch_xhtml(xhtml, lang, nav=is_nav, base=base, book_dir=book_dir)
        if is_nav:
            order += found
    _patch_opf(book_dir / "content.opf", order)
    fixed_zip(book_dir, target, first="mimetype", stored=("mimetype",))


def build(edition, work: Path, doctrees: Path, overrides: dict, out: Path, cover: Path) -> None:
    """The EPUB cell. Sphinx's rendering of each page is also kept
    (``pages.json``): the print document is assembled from it."""
    book = render_pages(work, doctrees, overrides, cover)
    with atomic_output(out) as staged:
        package(book, staged, edition.language)


def render_pages(work: Path, doctrees: Path, overrides: dict, cover: Path) -> Path:
    """Run Sphinx's EPUB builder into ``work/epub``; write ``work/pages.json``
    (docname -> rendered HTML body) for the print and Word cells."""
    import json

    (cover.parent / "kb-epub.css").write_text(EPUB_CSS, encoding="utf-8")
    book = work / "epub"
    shutil.rmtree(book, ignore_errors=True)
    (work / "pages.json").unlink(missing_ok=True)
    pages: dict[str, str] = {}

    def keep_body(app, pagename, templatename, context, doctree):
        if doctree is not None:
            pages[pagename] = context.get("body", "")

    run_sphinx("epub", book, doctrees, {**overrides, **epub_overrides(cover.parent)},
               events={"html-page-context": keep_body})
    if not (book / "content.opf").exists():
        raise CellError("Sphinx wrote no EPUB package")
    (work / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    return book


EPUB_CSS = """
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", serif; line-height: 1.7; }
h1, h2, h3 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
.kb-box { border: 1px solid #888; border-left-width: 4px; padding: 0.4em 0.8em; margin: 1em 0; }
.kb-box > .admonition-title { font-weight: bold; margin: 0 0 0.3em; }
.kb-draft-notice { border: 1px solid #8a6d00; padding: 0.3em 0.6em; }
"""

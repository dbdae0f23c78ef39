"""Contributed content must not run code, reach the network or lose text.

MyST's raw HTML is escaped (``myst_disable_syntax``) and docutils' ``raw``
directive and file insertion are disabled by ``docutils.conf``; this
extension is the doctree backstop, each finding a build warning at its line
(so ``-W`` fails the build):

- SAFE001: any ``raw`` node (removed);
- SAFE002: a link whose scheme is not http, https or mailto (made inert);
- SAFE003: an image that is not a file of the knowledge base: a web address
  (the reader's browser would fetch it, and the EPUB and PDF builds would
  try to download it) or a path outside the source folder (removed, its alt
  text kept), so no build ever fetches anything;
- STR003: blocks nested so deep that the Markdown parser drops the rest of
  the page (found on the source, before parsing).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx

from tools.model.markdown import too_deep

from ._util import logger

ALLOWED_SCHEMES = {"", "http", "https", "mailto"}


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if not app.env.doc2path(docname).suffix == ".md":
        return
    line = too_deep(source[0])
    if line:
        logger.warning("这里的列表、引用或方框嵌套得太深，后面的内容会全部丢失 — "
                       "把多层嵌套改成几个并列的列表或段落；列表最多嵌套三四层，方框里最多再套一层方框",
                       location=(docname, line), type="kb", subtype="STR003")


def _local_image(app: Sphinx, docname: str, uri: str) -> bool:
    """Is ``uri`` a file inside the source folder (as Sphinx resolves it)?"""
    if urlsplit(uri).scheme or uri.startswith("//"):
        return False
    base = app.srcdir if uri.startswith("/") else app.env.doc2path(docname).parent
    target = (Path(base) / uri.lstrip("/")).resolve()
    return target.is_relative_to(Path(app.srcdir).resolve())


def _check(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.raw)):
        logger.warning("内容中不允许出现原始 HTML 或 raw 指令 — 删除它，改用 Markdown 或知识库提供的指令",
                       location=node, type="kb", subtype="SAFE001")
        node.parent.remove(node)
    for node in doctree.findall(nodes.reference):
        uri = node.get("refuri", "")
        scheme = urlsplit(uri).scheme.lower() if uri else ""
        if scheme not in ALLOWED_SCHEMES:
            logger.warning(f"链接使用了不安全的协议 {scheme}: — 只使用 https:// 链接或站内链接",
                           location=node, type="kb", subtype="SAFE002")
            node["refuri"] = "#"
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if _local_image(app, app.env.docname, uri):
            continue
        logger.warning("图片必须是知识库里的文件，不能引用网址或知识库以外的文件（读者的浏览器会去访问那个网址）— "
                       "把图片下载下来、确认可以使用后放进页面所在的文件夹，再写 ![说明](文件名)",
                       location=node, type="kb", subtype="SAFE003")
        alt = node.get("alt", "")
        inline = isinstance(node.parent, nodes.TextElement)
        node.replace_self(nodes.inline(alt, alt) if inline else nodes.paragraph(alt, alt))


def setup(app: Sphinx) -> dict:
    app.connect("source-read", _source_read)
    # before Sphinx's image collector (priority 500) records the image for copying or download
    app.connect("doctree-read", _check, priority=50)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

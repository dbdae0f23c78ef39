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
- STR003, STR004: blocks nested so deep that the Markdown parser drops the
  rest of the page, or a box never closed that swallows it (found on the
  source, before parsing; the checker reports the same).
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from tools.model.codes import Code
from tools.model.markdown import SHAPE_PROBLEMS, shape_problems
from tools.model.pages import MAX_PAGE_BYTES, split_front_matter

from ._util import kb_pages, logger

ALLOWED_SCHEMES = {"", "http", "https", "mailto"}


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """The page gate: what MyST gets to parse.

    - a page over the size limit is not read (FILE003); NUL bytes are removed
      (FILE002);
    - the front matter is replaced by the title alone, on the same number of
      lines: the model has read and checked it (``kb_model``), and MyST must
      not act on anything else a contributor puts there (per-page ``myst:``
      settings that enable raw HTML, ``html_meta`` refresh redirects, YAML that
      the model refused);
    - blocks nested too deep or never closed are reported (STR003, STR004).
    """
    if app.env.doc2path(docname).suffix != ".md":
        return
    text = source[0]
    if len(text.encode("utf-8")) > MAX_PAGE_BYTES:
        logger.warning(f"文件过大（超过 {MAX_PAGE_BYTES // 1000} KB），没有读取 — 一个页面只写一个主题；把内容拆成几个页面",
                       location=(docname, 1), type="kb", subtype=Code.FILE003)
        source[0] = f"---\ntitle: {json.dumps(docname)}\n---\n"
        return
    if "\x00" in text:
        logger.warning("文件里有空字节（不是纯文本），已去掉 — 在编辑器中用“UTF-8”编码另存这个文件",
                       location=(docname, 1), type="kb", subtype=Code.FILE002)
        text = text.replace("\x00", "")
    fm, first, body_start = split_front_matter(text)
    if fm is not None:
        page = kb_pages(app.env).get(docname)
        title = page.meta.get("title") if page is not None else None
        title = title if isinstance(title, str) and title.strip() else docname
        n = max(body_start - 3, 1) if body_start else 1
        lines = text.split("\n")
        body = "\n".join(lines[body_start - 1:]) if body_start else ""
        text = "---\n" + f"title: {json.dumps(title, ensure_ascii=False)}\n" + "#\n" * (n - 1) + "---\n" + body
    source[0] = text
    for line, code in shape_problems(text):
        message, fix = SHAPE_PROBLEMS[code]
        logger.warning(f"{message} — {fix}", location=(docname, line), type="kb", subtype=code)


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
                       location=node, type="kb", subtype=Code.SAFE001)
        node.parent.remove(node)
    for node in doctree.findall(nodes.reference):
        uri = node.get("refuri", "")
        scheme = urlsplit(uri).scheme.lower() if uri else ""
        if scheme not in ALLOWED_SCHEMES:
            logger.warning(f"链接使用了不安全的协议 {scheme}: — 只使用 https:// 链接或站内链接",
                           location=node, type="kb", subtype=Code.SAFE002)
            node["refuri"] = "#"
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if _local_image(app, app.env.docname, uri):
            continue
        logger.warning("图片必须是知识库里的文件，不能引用网址或知识库以外的文件（读者的浏览器会去访问那个网址）— "
                       "把图片下载下来、确认可以使用后放进页面所在的文件夹，再写 ![说明](文件名)",
                       location=node, type="kb", subtype=Code.SAFE003)
        alt = node.get("alt", "")
        inline = isinstance(node.parent, nodes.TextElement)
        node.replace_self(nodes.inline(alt, alt) if inline else nodes.paragraph(alt, alt))


def _no_file_insertion(app: Sphinx) -> None:
    """Whatever docutils.conf says (test roots have none): no directive reads
    another file or a URL (include, literalinclude, csv-table :file:/:url:),
    and no raw output."""
    app.env.settings["file_insertion_enabled"] = False
    app.env.settings["raw_enabled"] = False


class RefusedDirective(SphinxDirective):
    """Stands in for a directive contributed content may not use."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = None  # accept and ignore any option

    def run(self):
        code, why = REFUSED[self.name]
        logger.warning(f"内容文件中不允许使用 {self.name} 指令（{why}）— 删除它；"
                       "要用的文字直接写进页面，共用的内容用 {doc} 链接指过去",
                       location=self.get_location(), type="kb", subtype=code)
        return []


REFUSED = {"include": (Code.SAFE004, "它会把另一个文件插进页面"),
           "literalinclude": (Code.SAFE004, "它会把另一个文件插进页面"),
           "raw": (Code.SAFE001, "它会把网页代码原样放进页面")}


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    for name in REFUSED:
        app.add_directive(name, RefusedDirective, override=True)
    app.connect("builder-inited", _no_file_insertion)
    app.connect("source-read", _source_read)
    # before Sphinx's image collector (priority 500) records the image for copying or download
    app.connect("doctree-read", _check, priority=50)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

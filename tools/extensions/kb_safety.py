"""Contributed content must not carry markup that runs in a reader's browser.

MyST's raw HTML is escaped by ``myst_disable_syntax`` and docutils' ``raw``
directive is disabled by ``docutils.conf``; this extension is the doctree
backstop: any ``raw`` node, and any link whose scheme is not http, https or
mailto, is a build warning at its line.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx

from ._util import logger

ALLOWED_SCHEMES = {"", "http", "https", "mailto"}


def _check(app: Sphinx, doctree: nodes.document) -> None:
    for node in doctree.findall(nodes.raw):
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


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _check)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

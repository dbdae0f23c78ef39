"""Site-wide pieces of the web edition.

- Chinese search: the glossary terms and their deprecated forms are added
  to jieba's dictionary, so multi-character terms index as one word.
- Every page's footer names the edition, version, build date and source
  commit (the build date honours ``SOURCE_DATE_EPOCH``).
- The HTML output gets a top-level ``index.html`` that forwards to the home
  page, which works from disk as well as from a server.
"""
from __future__ import annotations

import os
import time
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def build_date() -> str:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


def _builder_inited(app: Sphinx) -> None:
    data = app.kb_data
    words = set()
    for term in data.terms.values():
        words.add(term.term)
        words.update(d["form"] for d in term.deprecated if d.get("form"))
    words.update(t["name"] for t in data.case_topics.values())
    if words:
        path = Path(app.doctreedir) / "kb-jieba-dict.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = sorted(f"{w.replace(' ', '')} 20 n" for w in words if w and " " not in w.strip())
        text = "\n".join(lines) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        app.config.html_search_options = {**(app.config.html_search_options or {}), "dict": str(path)}
    opts = dict(app.config.html_theme_options or {})
    edition = app.config.kb_edition
    opts["extra_footer"] = (
        f'<p class="kb-colophon">版本 {escape(app.config.release)} · {escape(edition)} 版 · '
        f"构建日期 {build_date()} · 源提交 {escape(app.config.kb_source_commit)}</p>"
    )
    app.config.html_theme_options = opts


#: Template values that are plain text (titles from front matter and data
#: files) but that sphinx-book-theme and pydata-sphinx-theme print without
#: escaping ({{ pagetitle }}, {{ root_title }}, {{ docstitle }} ...): they are
#: escaped here, once, as Markup, so the templates' own ``|e`` leaves them be.
PLAIN_TEXT = ("pagetitle", "root_title", "docstitle", "shorttitle", "project", "author", "copyright",
              "release", "version", "kb_edition")


def _escape_plain_text(app, pagename, templatename, context, doctree):
    from markupsafe import Markup, escape
    for key in PLAIN_TEXT:
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = escape(value)


def _html_context(app, pagename, templatename, context, doctree):
    context["kb_build_date"] = build_date()
    context["kb_edition"] = app.config.kb_edition
    generate = context.get("generate_toctree_html")
    if generate is not None and not getattr(generate, "kb_wrapped", False):
        context["generate_toctree_html"] = _named_toggles(generate)


def _named_toggles(generate):
    """Give the navigation's expand/collapse toggles (<summary> with only an
    icon) an accessible name: axe rule summary-name, WCAG 4.1.2."""
    from bs4 import BeautifulSoup

    def wrapper(*args, **kwargs):
        out = generate(*args, **kwargs)
        soup = BeautifulSoup(out, "html.parser") if isinstance(out, str) else out
        for summary in soup.find_all("summary"):
            if summary.get_text(strip=True):
                continue
            item = summary.find_parent("li")
            link = item.find("a") if item else None
            label = link.get_text(strip=True) if link else ""
            summary["aria-label"] = f"展开或折叠：{label}" if label else "展开或折叠"
        return str(soup) if isinstance(out, str) else soup

    wrapper.kb_wrapped = True
    return wrapper


def _build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    _copy_downloads(app)
    root = app.config.root_doc
    target = app.builder.get_target_uri(root)
    redirect = Path(app.outdir) / "index.html"
    if root != "index":
        project, target = escape(app.config.project), escape(target)
        redirect.write_text(
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{project}</title>'
            f'<meta http-equiv="refresh" content="0; url={target}"></head>'
            f'<body><p><a href="{target}">进入{project}</a></p></body></html>\n',
            encoding="utf-8")


# Downloads page and colophon


FORMAT_NAMES = {"epub": "电子书（EPUB）", "pdf": "打印版（PDF）", "pdf-print": "印刷厂版内文（PDF，CMYK，含出血和裁切线）",
                "pdf-cover": "印刷厂版封面（PDF，封底、书脊、封面连排）", "print-spec": "印刷说明（TXT）",
                "docx": "可编辑讲义（DOCX）", "zip": "离线网站包（ZIP）"}


class DownloadsDirective(SphinxDirective):
    """A table of the built editions, read from ``build/editions.json``."""

    def run(self):
        import json
        manifest = Path(self.env.app.srcdir) / "build" / "editions.json"
        self.env.note_dependency(str(manifest))
        rows = []
        if manifest.exists():
            for cell in json.loads(manifest.read_text(encoding="utf-8")).get("editions", []):
                rows.append(cell)
        if not rows:
            return [nodes.paragraph(text="各版本尚未构建。运行 make editions 后，这里会列出每个版本的格式、大小和日期。")]
        table = nodes.table(classes=["kb-table", "kb-downloads"])
        group = nodes.tgroup(cols=4)
        table += group
        for _ in range(4):
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        hrow = nodes.row()
        for h in ("版本", "格式", "大小", "日期"):
            hrow += nodes.entry("", nodes.paragraph(text=h))
        head += hrow
        group += head
        body = nodes.tbody()
        for cell in rows:
            row = nodes.row()
            up = "../" * self.env.docname.count("/")
            link = nodes.reference(cell["title"], cell["title"], refuri=f"{up}downloads/{cell['path']}")
            row += nodes.entry("", nodes.paragraph("", "", link))
            row += nodes.entry("", nodes.paragraph(text=FORMAT_NAMES.get(cell["format"], cell["format"])))
            row += nodes.entry("", nodes.paragraph(text=f"{cell['size'] / 1024 / 1024:.1f} MB"))
            row += nodes.entry("", nodes.paragraph(text=cell["date"]))
            body += row
        group += body
        return [table]


class ColophonDirective(SphinxDirective):
    def run(self):
        cfg = self.config
        items = nodes.bullet_list()
        for label, value in (("版本", cfg.release), ("版别", cfg.kb_edition), ("构建日期", build_date()),
                             ("源提交", cfg.kb_source_commit)):
            items += nodes.list_item("", nodes.paragraph(text=f"{label}:{value}"))
        return [items]


def _copy_downloads(app: Sphinx) -> None:
    """Put the built editions listed in build/editions.json beside the site."""
    import json
    import shutil
    if app.config.kb_edition_audience:
        return
    manifest = Path(app.srcdir) / "build" / "editions.json"
    if not manifest.exists():
        return
    for cell in json.loads(manifest.read_text(encoding="utf-8")).get("editions", []):
        src = Path(app.srcdir) / "build" / cell["path"]
        if src.is_file():
            dest = Path(app.outdir) / "downloads" / cell["path"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


def setup(app: Sphinx) -> dict:
    import logging

    import jieba  # the zh search segmenter: keep its start-up chatter out of build logs
    jieba.setLogLevel(logging.WARNING)
    app.add_directive("downloads", DownloadsDirective)
    app.add_directive("colophon", ColophonDirective)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _html_context, priority=600)
    # last, after the themes have added their own values (default priority 500)
    app.connect("html-page-context", _escape_plain_text, priority=990)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""The downloads page: ``{downloads}`` lists every built edition from the
publisher's manifest (``editions.json`` in the build folder, see
``tools.buildinfo.build_dir``) with format, size and date, and the site build
copies those files beside the site (``downloads/``)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from tools import buildinfo


FORMAT_NAMES = {"epub": "电子书（EPUB）", "pdf": "打印版（PDF）", "pdf-print": "印刷厂版内文（PDF，CMYK，含出血和裁切线）",
                "pdf-cover": "印刷厂版封面（PDF，封底、书脊、封面连排）", "print-spec": "印刷说明（TXT）",
                "docx": "可编辑讲义（DOCX）", "zip": "离线网站包（ZIP）"}


class DownloadsDirective(SphinxDirective):
    """A table of the built editions, read from ``build/editions.json``."""

    def run(self):
        manifest = buildinfo.build_dir(self.env.app.srcdir) / "editions.json"
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


def _copy_downloads(app: Sphinx) -> None:
    """Put the built editions listed in build/editions.json beside the site."""
    if app.config.kb_edition_audience:
        return
    out_root = buildinfo.build_dir(app.srcdir)
    manifest = out_root / "editions.json"
    if not manifest.exists():
        return
    for cell in json.loads(manifest.read_text(encoding="utf-8")).get("editions", []):
        src = out_root / cell["path"]
        if src.is_file():
            dest = Path(app.outdir) / "downloads" / cell["path"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


def _build_finished(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html" and app.builder.name == "html":
        _copy_downloads(app)


def setup(app: Sphinx) -> dict:
    app.add_directive("downloads", DownloadsDirective)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Downloads: the built editions and the lessons' student worksheets,
published beside the site and listed on the downloads page.

- ``{downloads}`` lists every built edition file from the publisher's
  manifest (``editions.json`` in the build folder, see
  ``tools.buildinfo.build_dir``), each file once, grouped by reader: link
  text naming the reader and the format, size in KB under 1 MB, a date that
  does not wrap; then the student worksheets of every lesson, by stage.
- The worksheets are the per-lesson files the Word cell writes
  (``docx/<audience>-worksheets/<lesson>.docx`` and ``.pdf``) for the
  learner edition of each lesson's age band; :func:`worksheets_for` tells
  the lesson card (``kb_lesson``) which a lesson has.
- The full site's build copies all of them into ``downloads/`` (edition
  sites do not carry the other editions); when the set of files changes,
  the lessons are written again so that their buttons follow.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from tools import buildinfo
from tools.model import load_editions

from ._util import kb_pages, para, table

FORMAT_NAMES = {"epub": "电子书（EPUB）", "pdf": "打印版（PDF）", "pdf-print": "印刷厂版内文（PDF，CMYK，含出血和裁切线）",
                "pdf-cover": "印刷厂版封面（PDF，封底、书脊、封面连排）", "print-spec": "印刷说明（TXT）",
                "docx": "可编辑讲义（Word）", "zip": "离线网站包（ZIP）"}
FORMAT_ORDER = ("pdf", "epub", "docx", "zip", "pdf-print")
WORKSHEET_FORMATS = {"docx": "Word", "pdf": "PDF"}
DOWNLOADS = "downloads"


def size_text(n: int) -> str:
    """File size for readers: KB under 1 MB (a 26 KB file is not “0.0 MB”)."""
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _manifest(app) -> list[dict]:
    path = buildinfo.build_dir(app.srcdir) / "editions.json"
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8")).get("editions", [])
    except (OSError, ValueError):
        return []
    seen, out = set(), []
    for row in rows:
        if row.get("path") and row["path"] not in seen:
            seen.add(row["path"])
            out.append(row)
    return out


def _worksheet_folders(app) -> dict[str, Path]:
    """audience -> its worksheet folder in the build (learner editions with Word)."""
    root = buildinfo.build_dir(app.srcdir)
    out = {}
    for aud, edition in load_editions(app.srcdir).items():
        audience = app.kb_data.audiences.get(aud)
        if audience is None or audience.role != "learner" or "docx" not in edition.formats:
            continue
        folder = root / Path(edition.output("docx")).with_name(f"{aud}-worksheets")
        if folder.is_dir():
            out[aud] = folder
    return out


def worksheet_files(app) -> dict[str, dict[str, tuple[str, int]]]:
    """lesson docname -> {format: (path under the site, bytes)} of its student
    worksheets, for the full site only (cached once the pages are known)."""
    cached = getattr(app, "_kb_worksheets", None)
    if cached is not None:
        return cached
    found: dict[str, dict[str, tuple[str, int]]] = {}
    pages = kb_pages(app.env)
    if not app.config.kb_edition_audience:
        root = buildinfo.build_dir(app.srcdir)
        by_band = {a.age_band: a.id for a in app.kb_data.audiences.values() if a.role == "learner"}
        folders = _worksheet_folders(app)
        for docname, page in pages.items():
            aud = by_band.get(str(page.meta.get("age_band")))
            if page.meta.get("type") != "lesson" or aud not in folders:
                continue
            name = docname.rsplit("/", 1)[-1]
            for fmt in WORKSHEET_FORMATS:
                f = folders[aud] / f"{name}.{fmt}"
                if f.is_file():
                    rel = f.relative_to(root).as_posix()
                    found.setdefault(docname, {})[fmt] = (f"{DOWNLOADS}/{rel}", f.stat().st_size)
    if pages:
        app._kb_worksheets = found
    return found


def worksheets_for(app, docname: str) -> dict[str, tuple[str, int]]:
    return worksheet_files(app).get(docname, {})


def _entry(*children, classes=()) -> nodes.entry:
    entry = nodes.entry(classes=list(classes))
    entry += para(*children)
    return entry


class DownloadsDirective(SphinxDirective):
    """The edition files, then the lessons' student worksheets."""

    def run(self):
        app = self.env.app
        self.env.note_dependency(str(buildinfo.build_dir(app.srcdir) / "editions.json"))
        up = "../" * self.env.docname.count("/")
        data = app.kb_data
        rows = []
        cells = sorted(_manifest(app), key=lambda c: (
            list(data.audiences).index(c["audience"]) if c.get("audience") in data.audiences else 99,
            FORMAT_ORDER.index(c["format"]) if c.get("format") in FORMAT_ORDER else 99))
        for cell in cells:
            audience = data.audiences.get(cell.get("audience"))
            reader = audience.name if audience else cell.get("audience", "")
            fmt = FORMAT_NAMES.get(cell.get("format"), cell.get("format", ""))
            text = f"{reader}版 · {fmt}"
            link = nodes.reference(text, text, refuri=f"{up}{DOWNLOADS}/{cell['path']}")
            rows.append([_entry(reader), _entry(link), _entry(size_text(int(cell.get("size", 0))), classes=["kb-size"]),
                         _entry(str(cell.get("date", "")), classes=["kb-date"])])
        out: list[nodes.Node] = []
        if rows:
            out.append(table(["读者", "文件", "大小", "日期"], rows, ["kb-downloads"]))
        else:
            out.append(nodes.paragraph(text="各版本尚未构建。运行 make editions 后，这里会列出每个版本的格式、大小和日期。"))
        sheets = worksheet_files(app)
        if sheets:
            out.append(nodes.rubric(text="学生活动单（每课一份）"))
            pages = kb_pages(self.env)
            srows = []
            for docname in sorted(sheets, key=lambda d: (data.band_order(pages[d].meta.get("age_band")),
                                                         *pages[d].order_key)):
                meta = pages[docname].meta
                band = data.age_bands.get(str(meta.get("age_band")), {})
                links = []
                for fmt, label in WORKSHEET_FORMATS.items():
                    if fmt in sheets[docname]:
                        rel, size = sheets[docname][fmt]
                        text = f"{label}（{size_text(size)}）"
                        links.append(nodes.reference(text, text, refuri=f"{up}{rel}"))
                        links.append(nodes.Text(" "))
                srows.append([_entry(band.get("stage", "")), _entry(meta.get("title", docname)),
                              _entry(*links[:-1] if links else "—")])
            out.append(table(["学段", "课程", "下载"], srows, ["kb-worksheets"]))
        return out


def _copy_downloads(app: Sphinx) -> None:
    """Put the built editions and the worksheets beside the site."""
    if app.config.kb_edition_audience:
        return
    root = buildinfo.build_dir(app.srcdir)
    files = [root / cell["path"] for cell in _manifest(app)]
    for folder in _worksheet_folders(app).values():
        files += [f for f in sorted(folder.iterdir()) if f.suffix.lstrip(".") in WORKSHEET_FORMATS]
    for src in files:
        if src.is_file():
            dest = Path(app.outdir) / DOWNLOADS / src.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


def _signature(app) -> set[tuple[str, int]]:
    """(file name, bytes) of every worksheet in the build."""
    if app.config.kb_edition_audience:
        return set()
    return {(f.name, f.stat().st_size) for folder in _worksheet_folders(app).values() for f in folder.iterdir()
            if f.suffix.lstrip(".") in WORKSHEET_FORMATS}


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Lessons whose worksheets appeared, changed or went away since the last
    build (the pages are not read yet: matched by file name)."""
    now = _signature(app)
    before = getattr(env, "kb_worksheet_signature", set())
    env.kb_worksheet_signature = now
    names = {Path(name).stem for name, _ in now ^ before}
    return sorted(d for d in env.found_docs if d.rsplit("/", 1)[-1] in names)


def _build_finished(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html" and app.builder.name == "html":
        _copy_downloads(app)


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.add_directive("downloads", DownloadsDirective)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

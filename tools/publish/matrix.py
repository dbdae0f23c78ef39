"""Plan and run the edition matrix (audience × format)."""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from tools.buildinfo import release_label
from tools.model import edition_contents, edition_pages, load_corpus, load_data, load_editions
from tools.model.review import mark

from . import common
from .common import CellError, build_date, build_dir, source_dir


@dataclass
class CellResult:
    audience: str
    fmt: str
    path: str
    seconds: float
    ok: bool
    message: str = ""


def plan(audiences=None, formats=None, root: Path | None = None) -> dict[str, list[str]]:
    """audience -> formats to build, in matrix order."""
    root = root or source_dir()
    editions = load_editions(root)
    out = {}
    for aud, edition in editions.items():
        if audiences and aud not in audiences:
            continue
        fmts = [f for f in edition.formats if not formats or f in formats]
        if fmts:
            out[aud] = fmts
    return out


def _report(result: CellResult) -> None:
    status = "完成" if result.ok else "失败"
    text = f"[{result.audience} × {result.fmt}] {status} {result.seconds:5.1f} s  {result.path}"
    if not result.ok:
        text += "\n    " + result.message.replace("\n", "\n    ")
    common.say(text)  # one piece: workers of a pool share stdout


def build_audience(audience: str, formats: list[str], root: Path | None = None) -> list[CellResult]:
    """Every requested format of one audience, from one read of its sources
    (one process at a time per audience: see :func:`common.audience_lock`)."""
    root = root or source_dir()
    with common.audience_lock(build_dir(root), audience):
        return _build_audience(audience, formats, root)


class Cells:
    """What the cells of one book share, and one method per format.

    The book is an edition, or a school's edition (tools/publish/schools.py
    passes its own ``work``, ``doctrees``, ``overrides`` and ``order``). The
    sources are read once (the first Sphinx run fills ``doctrees``, the
    others reuse it: every run gets the same ``overrides``); what more than
    one format needs (the print document, the Typst book, the reading copy)
    is made once, when first asked for.
    """

    def __init__(self, edition, root: Path, out_root: Path, *, work: Path | None = None,
                 doctrees: Path | None = None, overrides: dict | None = None, order: list[str] | None = None,
                 corpus: dict | None = None):
        from . import epub
        from .cover import draw_cover
        self.edition, self.root, self.out_root = edition, root, out_root
        self.corpus = corpus if corpus is not None else load_corpus(root, load_data(root))
        self.order = order if order is not None else edition_contents(edition, self.corpus)
        # the print marks come from each page's review state (tools.model.review):
        # a draft or lapsed page is marked, a reviewed page is not
        self.drafts = {d for d in self.order if d in self.corpus and mark(self.corpus[d])}
        self.work = work or out_root / "_work" / edition.audience
        self.work.mkdir(parents=True, exist_ok=True)
        self.doctrees = doctrees or out_root / "doctrees" / f"edition-{edition.audience}"
        # one set of settings for every build of the book: the sources are read once
        self.overrides = {**(overrides or {"kb_edition_audience": edition.audience}), **epub.ENV_SETTINGS}
        self.cover = draw_cover(edition, self.work / "static" / "cover.png", root=root)
        for stale in ("print.html", "pages.json"):
            (self.work / stale).unlink(missing_ok=True)
        self._made: dict[str, Path] = {}

    def _once(self, key: str, make) -> Path:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def print_document(self) -> Path:
        from . import printdoc
        return self._once("print.html", lambda: printdoc.print_document(
            self.edition, self.work, self.doctrees, self.overrides, self.drafts, self.cover, release_label(self.root),
            self.order))

    def typst_book(self) -> Path:
        from . import pdf
        return self._once("book.typ", lambda: pdf.write_book(self.work, self.doctrees, self.overrides))

    def reading_copy(self, target: Path | None = None) -> Path:
        """The typeset reading copy: at ``target`` when the pdf cell asks,
        else in the work folder (the print-shop cell built alone)."""
        from . import pdf

        def make():
            out = target or self.work / "reading.pdf"
            pdf.build(self.typst_book(), out)
            return out
        return self._once("reading.pdf", make)

    # one method per format: the cell writes ``target``
    def web(self, target: Path) -> None:
        from . import web
        web.build_site(self.edition, self.work, self.doctrees, self.overrides, target)

    def zip(self, target: Path) -> None:
        from . import web
        site = self.out_root / self.edition.output("web")
        if not (site / "index.html").is_file():
            raise CellError("网站版本没有建成，离线包无从打包")
        web.build_zip(self.edition, site, target)

    def epub(self, target: Path) -> None:
        from . import epub
        epub.build(self.edition, self.work, self.doctrees, self.overrides, target, self.cover)

    def pdf(self, target: Path) -> None:
        self.reading_copy(target)

    def pdf_print(self, target: Path) -> None:
        from . import printshop
        printshop.build(self.edition, self.typst_book(), self.reading_copy(), target)

    def docx(self, target: Path) -> None:
        from . import docx
        docx.build(self.edition, self.print_document(), self.work, target)


#: the formats in the order their cells run (a zip needs the site; the
#: print-shop copy reuses the reading copy when both are asked for)
CELL_ORDER = ("web", "zip", "epub", "pdf", "pdf-print", "docx")


def _build_audience(audience: str, formats: list[str], root: Path) -> list[CellResult]:
    edition = load_editions(root)[audience]
    out_root = build_dir(root)
    return run_cells(Cells(edition, root, out_root), formats)


def run_cells(cells: Cells, formats: list[str], label: str | None = None) -> list[CellResult]:
    """The requested formats of one book, a progress line per cell named
    ``label`` (default: the audience); outputs at ``out_root / edition.output(fmt)``."""
    edition, out_root = cells.edition, cells.out_root
    label = label or edition.audience
    results: list[CellResult] = []
    wanted = set(formats) | ({"web"} if "zip" in formats else set())  # the zip packs the site
    for fmt in (f for f in CELL_ORDER if f in wanted):
        start = time.perf_counter()
        target = out_root / edition.output(fmt)
        rel = str(target.relative_to(out_root))
        try:
            getattr(cells, fmt.replace("-", "_"))(target)
            res = CellResult(label, fmt, rel, time.perf_counter() - start, True)
        except CellError as exc:
            res = CellResult(label, fmt, rel, time.perf_counter() - start, False, str(exc))
        except Exception:  # noqa: BLE001 - report, never leave a half-built matrix silently
            res = CellResult(label, fmt, rel, time.perf_counter() - start, False, traceback.format_exc(limit=4))
        _report(res)
        results.append(res)
    return results


def write_manifest(root: Path | None = None) -> Path:
    """build/editions.json: every edition file present, with format, size and date."""
    root = root or source_dir()
    out_root = build_dir(root)
    editions = load_editions(root)
    rows = []
    for aud, edition in editions.items():
        for fmt in edition.formats:
            if fmt == "web":
                continue
            path = out_root / edition.output(fmt)
            if path.is_file():
                title = f"{edition.title}（印刷厂版）" if fmt == "pdf-print" else f"{edition.title}（{edition.subtitle}）"
                rows.append({"audience": aud, "format": fmt, "title": title,
                             "path": edition.output(fmt), "size": path.stat().st_size, "date": build_date()})
            if fmt == "pdf-print":  # the rest of the print shop's package
                from .printshop import outputs
                _, cover, spec = outputs(edition, path)
                for extra, kind, name in ((cover, "pdf-cover", "封面"), (spec, "print-spec", "印刷说明")):
                    if extra.is_file():
                        rows.append({"audience": aud, "format": kind, "title": f"{edition.title}（印刷厂版{name}）",
                                     "path": extra.relative_to(out_root).as_posix(), "size": extra.stat().st_size,
                                     "date": build_date()})
    target = out_root / "editions.json"
    target.write_text(json.dumps({"editions": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def _largest_first(todo: dict[str, list[str]], root: Path) -> list[str]:
    """Audiences by the number of pages their editions hold, largest first:
    with a process per core, the longest job starts first, not last."""
    data = load_data(root)
    corpus = load_corpus(root, data)
    editions = load_editions(root)
    size = {aud: len(edition_pages(editions[aud], corpus)) * (1 + len(fmts)) for aud, fmts in todo.items()}
    return sorted(todo, key=lambda aud: -size[aud])


def run(audiences=None, formats=None, jobs: int = 0, root: Path | None = None) -> int:
    root = root or source_dir()
    todo = plan(audiences, formats, root)
    if not todo:
        print("没有要构建的版本（检查 --audience 和 --format）。", file=sys.stderr)
        return 2
    jobs = jobs or min(len(todo), os.cpu_count() or 1)
    ncells = sum(len(f) for f in todo.values())
    common.stop_on_signals()
    for stale in common.clean_stale_staging(build_dir(root)):
        print(f"已删除上次中断的构建留下的临时文件夹 {stale.relative_to(build_dir(root))}", flush=True)
    print(f"构建 {ncells} 个版本单元({len(todo)} 类读者），并行 {jobs} 个进程……", flush=True)
    start = time.perf_counter()
    results: list[CellResult] = []
    try:
        if jobs == 1:
            for aud, fmts in todo.items():
                results += build_audience(aud, fmts, root)
        else:
            with common.worker_pool(jobs) as pool:
                futures = [pool.submit(build_audience, aud, todo[aud], root) for aud in _largest_first(todo, root)]
                for fut in as_completed(futures):
                    results += fut.result()
    except (SystemExit, KeyboardInterrupt):
        print("构建被中断：已完成的版本保留，未完成的没有写出。", file=sys.stderr, flush=True)
        raise
    finally:
        # the downloads list says what is on disk, whatever happened
        write_manifest(root)
    failed = [r for r in results if not r.ok]
    print(f"用时 {time.perf_counter() - start:.1f} s:{len(results) - len(failed)} 个成功，{len(failed)} 个失败。",
          flush=True)
    return 1 if failed else 0

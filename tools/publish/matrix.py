"""Plan and run the edition matrix (audience × format)."""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tools.model import edition_contents, edition_pages, load_corpus, load_data, load_editions

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
    line = f"[{result.audience} × {result.fmt}] {status} {result.seconds:5.1f} s  {result.path}"
    print(line, flush=True)
    if not result.ok:
        print("    " + result.message.replace("\n", "\n    "), flush=True)


def build_audience(audience: str, formats: list[str], root: Path | None = None) -> list[CellResult]:
    """Every requested format of one audience, from one read of its sources
    (one process at a time per audience: see :func:`common.audience_lock`)."""
    root = root or source_dir()
    with common.audience_lock(build_dir(root), audience):
        return _build_audience(audience, formats, root)


def _build_audience(audience: str, formats: list[str], root: Path) -> list[CellResult]:
    data = load_data(root)
    edition = load_editions(root)[audience]
    corpus = load_corpus(root, data)
    out_root = build_dir(root)
    return build_cells(edition, formats, out_root=out_root, work=out_root / "_work" / audience,
                       doctrees=out_root / "doctrees" / f"edition-{audience}",
                       overrides={"kb_edition_audience": audience}, order=edition_contents(edition, corpus),
                       drafts={d for d, p in corpus.items() if p.meta.get("status") == "draft"})


def build_cells(edition, formats: list[str], *, out_root: Path, work: Path, doctrees: Path,
                overrides: dict, order: list[str], drafts: set[str], label: str | None = None) -> list[CellResult]:
    """The cells of one book (an edition, or a school's edition: tools/publish/schools.py)
    from one Sphinx environment in ``doctrees``; outputs at ``out_root / edition.output(fmt)``,
    progress lines named ``label`` (default: the audience)."""
    from . import docx, epub, pdf, printdoc, printshop, web

    label = label or edition.audience
    work.mkdir(parents=True, exist_ok=True)
    results: list[CellResult] = []

    def cell(fmt, func):
        start = time.perf_counter()
        target = out_root / edition.output(fmt)
        try:
            func(target)
            res = CellResult(label, fmt, str(target.relative_to(out_root)), time.perf_counter() - start, True)
        except CellError as exc:
            res = CellResult(label, fmt, str(target.relative_to(out_root)), time.perf_counter() - start,
                             False, str(exc))
        except Exception:  # noqa: BLE001 - report, never leave a half-built matrix silently
            res = CellResult(label, fmt, str(target.relative_to(out_root)), time.perf_counter() - start,
                             False, traceback.format_exc(limit=4))
        _report(res)
        results.append(res)
        return res.ok

    from .cover import draw_cover
    cover = draw_cover(edition, work / "static" / "cover.png")
    # one set of settings for every build of the edition: the sources are read once
    overrides = {**overrides, **epub.ENV_SETTINGS}
    release = common.release()

    if "web" in formats or "zip" in formats:
        site = out_root / edition.output("web")
        ok = cell("web", lambda t: web.build_site(edition, work, doctrees, overrides, t))
        if "zip" in formats:
            if ok:
                cell("zip", lambda t: web.build_zip(edition, site, t))
            else:
                results.append(CellResult(label, "zip", edition.output("zip"), 0, False, "网站版本没有建成"))
    if "epub" in formats:
        cell("epub", lambda t: epub.build(edition, work, doctrees, overrides, t, cover))
    (work / "print.html").unlink(missing_ok=True)
    if "epub" not in formats:
        (work / "pages.json").unlink(missing_ok=True)

    def print_html():
        return printdoc.print_document(edition, work, doctrees, overrides, drafts, cover, release, order)

    book: dict[str, Path] = {}

    def typst_book() -> Path:
        """The edition's Typst book, written once for the reading and print-shop copies."""
        if "typ" not in book:
            book["typ"] = pdf.write_book(work, doctrees, overrides)
        return book["typ"]

    reading: dict[str, Path] = {}

    def reading_copy(target: Path) -> None:
        pdf.build(typst_book(), target)
        reading["pdf"] = target

    if "pdf" in formats:
        cell("pdf", reading_copy)
    if "pdf-print" in formats:
        def _printshop(t):
            if "pdf" not in reading:  # built alone: typeset a reading copy in the work folder
                reading_copy(work / "reading.pdf")
            printshop.build(edition, typst_book(), reading["pdf"], t)
        cell("pdf-print", _printshop)
    if "docx" in formats:
        cell("docx", lambda t: docx.build(edition, print_html(), work, t))
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
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=common.stop_on_signals)
            try:
                futures = [pool.submit(build_audience, aud, todo[aud], root) for aud in _largest_first(todo, root)]
                for fut in as_completed(futures):
                    results += fut.result()
            except BaseException:
                # stopped (SIGTERM, Ctrl-C) or broken: stop the workers too; each
                # removes its staging folder on the way out
                # (a worker's task ends with SystemExit; the pool then lets it go)
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.terminate()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown()
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

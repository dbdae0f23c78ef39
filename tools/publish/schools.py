"""School editions: a school's own book from its file (``schools/<id>.yml``).

``python -m tools.publish.schools [FILE|FOLDER ...]`` (``make school
SCHOOL=…``, ``make schools``) checks every school file first (the model:
:mod:`tools.model.schools`; then the links of the chosen pages, so that no
page links to a lesson the school left out) and builds nothing for a file
with a problem. Then, for each edition the schools are based on, it reads
the edition's pages once into a shared Sphinx environment
(``build/schools/_base/<edition>/``); each school starts from a copy of it,
so its builds read only the edition root (its table of contents) and write
the school's pages, help boxes, schedule and cover. Outputs go to
``build/schools/<id>/`` (site, zip, EPUB, PDF, print-shop package, DOCX),
each cell atomic, with a progress line per cell as ``make editions`` prints;
schools are built a process per core.

``--list`` prints the CI matrix: the school files in batches (JSON), checked.
"""
from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import shutil
import sys
import time
import traceback
from concurrent.futures import as_completed
from contextlib import contextmanager
from pathlib import Path

from tools.model import Problem, load_corpus, load_data, load_editions
from tools.model.codes import Code
from tools.model.editions import edition_contents
from tools.model.problems import ERROR
from tools.model.schools import (SCHOOLS_DIR, School, load_school, school_contents, school_edition,
                                 school_files)

from . import common
from .common import CellError, build_dir, source_dir
from .matrix import CellResult, Cells, run_cells

#: at most this many CI jobs for the schools (GitHub runs 20 at a time on a free plan)
MAX_JOBS = 20


# -- checking --------------------------------------------------------------------

def _sections(doc) -> list[tuple[int, tuple[str, ...]]]:
    """(line, titles of the sections it opens) of every heading of a page."""
    out, stack = [], []
    for block in doc.blocks:
        if block.kind == "heading" and not block.containers:
            level = int(block.token.tag[1:])
            title = "".join(c.content for c in block.children if c.type == "text").strip()
            stack = [s for s in stack if s[0] < level] + [(level, title)]
            out.append((block.start, tuple(t for _, t in stack)))
    return out


def printed_links(edition, docnames, data, corpus) -> list[tuple[str, int, str]]:
    """(page, line, target page) of every {doc} link of ``docnames`` that the
    edition prints: links in parts it leaves out (the teacher's plan for a
    student book, teacher notes) do not count; for-audience passages are
    checked by the build."""
    from sphinx.util import docname_join

    from tools.check.document import Doc

    out = []
    for docname in docnames:
        page = corpus.get(docname)
        if page is None:
            continue
        doc = Doc(page, data)
        sections = _sections(doc)
        for line, target, containers in doc.extracts()["links"]:
            titles = next((t for start, t in reversed(sections) if start <= line), ())
            if "for-audience" in containers or not all(edition.shows(c) for c in (*containers, *titles)):
                continue
            out.append((docname, line, docname_join(docname, target)))
    return out


def link_problems(school: School, root: Path, data=None, corpus=None) -> list[Problem]:
    """A page of the school's book that links to a lesson of the edition the
    school did not choose: an error at the link's ``file:line`` naming the
    school file (the build would print a dead link; kb_editions refuses it
    too)."""
    data = data or load_data(root)
    corpus = corpus if corpus is not None else load_corpus(root, data)
    edition = load_editions(root)[school.edition]
    members = set(school_contents(school, root, data, corpus))
    offered = set(edition_contents(edition, corpus))
    out = []
    for docname, line, ref in printed_links(edition, sorted(members), data, corpus):
        if ref in offered and ref not in members:
            page, meta = corpus[docname], corpus[ref].meta
            out.append(Problem(
                page.path, line, 1, Code.SCH007, ERROR,
                f"本页收在{school.name}的版本里（{school.rel}），但它链接的课“{meta.get('title', ref)}”"
                f"（{meta.get('id', ref)}）不是这所学校选的课，读者会看到死链接。",
                f"在 {school.rel} 的 lessons 里加上 {meta.get('id', ref)}，"
                f"或者不选本课（{page.meta.get('id', docname)}）。"))
    return out


def expand(paths: list[str], root: Path) -> list[Path]:
    """School files named on the command line (files or folders); the
    repository's ``schools/`` when none is named."""
    if not paths:
        return school_files(root / SCHOOLS_DIR)
    out = []
    for p in paths:
        path = Path(p)
        out.extend(school_files(path) if path.is_dir() else [path])
    return out


def check(files: list[Path], root: Path) -> tuple[list[School], list[Problem]]:
    """Every school file checked; the schools without a problem."""
    data = load_data(root)
    corpus = load_corpus(root, data)
    schools, problems, ids = [], [], {}
    for path in files:
        school, found = load_school(path, root, data, corpus)
        if school is not None:
            found = link_problems(school, root, data, corpus)
        if school is not None and school.id in ids:
            found.append(Problem(school.rel, 1, 1, Code.SCH001, ERROR,
                                 f"两个学校文件同名（{ids[school.id]} 和 {school.rel}），它们会写到同一个文件夹。",
                                 "给其中一个学校文件换个名字。"))
        problems += found
        if school is not None and not found:
            ids[school.id] = school.rel
            schools.append(school)
    return schools, problems


def batches(schools: list[School], max_jobs: int = MAX_JOBS) -> list[str]:
    """The CI matrix: school files in at most ``max_jobs`` batches, schools of
    one edition together (each job reads an edition's pages once)."""
    ordered = sorted(schools, key=lambda s: (s.edition, s.id))
    size = max(1, math.ceil(len(ordered) / max_jobs))
    return [" ".join(s.rel for s in ordered[i:i + size]) for i in range(0, len(ordered), size)]


# -- building --------------------------------------------------------------------

def _base(out_root: Path, audience: str) -> Path:
    return out_root / SCHOOLS_DIR / "_base" / audience


@contextmanager
def _locked(path: Path, shared: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _overrides(audience: str) -> dict:
    from .epub import ENV_SETTINGS
    return {"kb_edition_audience": audience, "kb_school_editions": True, **ENV_SETTINGS}


def build_base(audience: str, root: Path) -> CellResult:
    """The shared environment of an edition's schools: every page of the
    edition and the schedule page, read once (Sphinx's ``dummy`` builder
    reads and writes nothing); up to date, it reads nothing."""
    from .common import run_sphinx

    out_root = build_dir(root)
    base = _base(out_root, audience)
    read: list[str] = []
    start = time.perf_counter()
    try:
        with _locked(base.with_suffix(".lock")):
            run_sphinx("dummy", base / "out", base / "doctrees", _overrides(audience),
                       events={"env-before-read-docs": lambda app, env, docnames: read.extend(docnames)})
        res = CellResult(audience, "共用环境", f"读取 {len(read)} 页", time.perf_counter() - start, True)
    except CellError as exc:
        res = CellResult(audience, "共用环境", "", time.perf_counter() - start, False, str(exc))
    except Exception:  # noqa: BLE001 - reported, and its schools are not built
        res = CellResult(audience, "共用环境", "", time.perf_counter() - start, False, traceback.format_exc(limit=4))
    _report(res)
    return res


def build_school(school: School, root: Path | None = None, share: bool = True,
                 base_ready: bool = False) -> list[CellResult]:
    """Every format of one school's book. ``share``: start from the shared
    environment of its edition (built here unless ``base_ready``) and share
    the worksheets converted for other schools; otherwise from nothing
    (every page read, every worksheet converted: the benchmark's comparison)."""
    root = root or source_dir()
    out_root = build_dir(root)
    data = load_data(root)
    corpus = load_corpus(root, data)
    edition = school_edition(school, root)
    # shared: the schools' work folders side by side share what docx.py keeps by
    # content (worksheets); not shared: a folder of its own, nothing in common
    work = out_root / SCHOOLS_DIR / "_work" / (school.id if share else f"_alone/{school.id}/work")
    doctrees = work / "doctrees"
    with common.audience_lock(out_root, f"school-{school.id}"):
        shutil.rmtree(doctrees, ignore_errors=True)
        if share:
            if not base_ready and not build_base(school.edition, root).ok:
                return [CellResult(school.id, fmt, edition.output(fmt), 0, False, "共用环境没有建成")
                        for fmt in school.formats]
            base = _base(out_root, school.edition)
            with _locked(base.with_suffix(".lock"), shared=True):
                shutil.copytree(base / "doctrees", doctrees)
        cells = Cells(edition, root, out_root, work=work, doctrees=doctrees,
                      overrides={**_overrides(school.edition), "kb_school": str(school.path)},
                      order=school_contents(school, root, data, corpus), corpus=corpus)
        return run_cells(cells, list(school.formats), label=school.id)


def _report(result: CellResult) -> None:
    from .matrix import _report as report
    report(result)


def run(paths: list[str], jobs: int = 0, root: Path | None = None, share: bool = True) -> int:
    root = root or source_dir()
    files = expand(paths, root)
    if not files:
        print(f"没有找到学校文件（{SCHOOLS_DIR}/*.yml）。", file=sys.stderr)
        return 2
    schools, problems = check(files, root)
    for problem in problems:
        print(problem.text(), flush=True)
    if problems:
        bad = len(files) - len(schools)
        print(f"{bad} 个学校文件有错误（见上），没有为它们构建任何文件。", file=sys.stderr, flush=True)
    if not schools:
        return 1
    jobs = jobs or os.cpu_count() or 1
    out_root = build_dir(root)
    common.stop_on_signals()
    for stale in common.clean_stale_staging(out_root / SCHOOLS_DIR):
        print(f"已删除上次中断的构建留下的临时文件夹 {stale.relative_to(out_root)}", flush=True)
    ncells = sum(len(s.formats) for s in schools)
    print(f"构建 {len(schools)} 所学校的 {ncells} 个版本单元，并行 {min(jobs, len(schools))} 个进程……", flush=True)
    start = time.perf_counter()
    results: list[CellResult] = []
    editions = sorted({s.edition for s in schools})
    ready = set()
    # the largest books first: with a process per core, the longest job starts first
    todo = sorted(schools, key=lambda s: (-len(s.lessons) * len(s.formats), s.id))
    try:
        if jobs == 1:
            for aud in editions if share else ():
                if build_base(aud, root).ok:
                    ready.add(aud)
            for school in todo:
                results += _one(school, root, share, ready)
        else:
            with common.worker_pool(min(jobs, len(schools))) as pool:
                if share:
                    for fut in as_completed([pool.submit(build_base, aud, root) for aud in editions]):
                        res = fut.result()
                        if res.ok:
                            ready.add(res.audience)
                futures = [pool.submit(_one, school, root, share, ready) for school in todo]
                for fut in as_completed(futures):
                    results += fut.result()
    except (SystemExit, KeyboardInterrupt):
        print("构建被中断：已完成的版本保留，未完成的没有写出。", file=sys.stderr, flush=True)
        raise
    failed = [r for r in results if not r.ok]
    secs = time.perf_counter() - start
    print(f"用时 {secs:.1f} s（每所学校 {secs / len(schools):.1f} s）:{len(results) - len(failed)} 个成功，"
          f"{len(failed)} 个失败。", flush=True)
    return 1 if failed or problems else 0


def _one(school: School, root: Path, share: bool, ready: set) -> list[CellResult]:
    if share and school.edition not in ready:
        return [CellResult(school.id, fmt, "", 0, False, f"{school.edition} 版的共用环境没有建成")
                for fmt in school.formats]
    return build_school(school, root, share=share, base_ready=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.publish.schools",
        description="按学校文件构建学校版本（网站、EPUB、PDF、印刷厂版、DOCX、离线包）。"
                    " Build school editions from school files; exit 0 when every cell is built.")
    parser.add_argument("schools", nargs="*", metavar="SCHOOL",
                        help="学校文件或文件夹（默认：schools/ 里的全部学校文件）")
    parser.add_argument("--batch", default="", help="一批学校文件，用空格分开（CI 用）")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    parser.add_argument("--list", action="store_true", help="检查学校文件，以 JSON 列出 CI 的构建批次")
    parser.add_argument("--max-jobs", type=int, default=MAX_JOBS, help="CI 最多分成几批（默认 20）")
    parser.add_argument("--no-share", action="store_true",
                        help="每所学校都从头读取全部页面（只用于基准测试的对比）")
    parser.add_argument("--source", metavar="DIR", help="源文件目录（默认：本仓库）")
    args = parser.parse_args(argv)
    from tools import buildinfo
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(buildinfo.source_date_epoch()))
    if args.source:
        os.environ["KB_SOURCE_DIR"] = str(Path(args.source).resolve())
    paths = [*args.schools, *args.batch.split()]
    if args.list:
        root = source_dir()
        files = expand(paths, root)
        schools, problems = check(files, root)
        for problem in problems:
            print(problem.text(), file=sys.stderr)
        if problems:
            return 1
        print(json.dumps(batches(schools, args.max_jobs), ensure_ascii=False))
        return 0
    return run(paths, args.jobs, share=not args.no_share)


if __name__ == "__main__":
    sys.exit(main())

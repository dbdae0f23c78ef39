"""Benchmarks: our builds as ratios to a stock Sphinx build of the same pages.

``python -m tools.bench`` (``make bench``) generates a Chinese MyST corpus
(default 300 pages), builds it with stock sphinx-book-theme and with this
project's configuration, then 1,000 pages with ours to show the growth is
linear, then the corpus's edition matrix (two audiences, every format);
then, on the real knowledge base, each edition format and the whole matrix.
Every figure is a ratio to a stock HTML build of the same pages; the matrix
runs serially (with each format's share) and with a process per core. For
print: Typst's typesetting alone on the largest book (ms a page, beside
WeasyPrint's), and one PDF edition rebuilt after a one-page edit; then
school editions: generated school files (random lessons of the learner
editions, every format), serially for 10 and 50 schools (seconds per school
stay flat: the work grows linearly), with a process per core, and with every
page read per school instead of once per edition (the sharing gain).

Page weight (``--pages-only`` runs just this): a lesson page, the home page
and the search page of the knowledge base, as our site serves them and as
the stock sphinx-book-theme serves the same pages (our content and
extensions, the theme's own templates, options and assets), each opened in
Debian's Chromium at 390×844 on a link throttled with the DevTools protocol
to 1.6 Mbit/s and 150 ms round trip, cache off: bytes transferred, requests
and first paint (median of three loads), and the ratio to stock. The targets
for a lesson page are 400 KB and a first paint within 1.5 s.
Timings, not tests: nothing here fails a build.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.static_server import serve

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

STOCK_CONF = '''
project = "bench"
language = "zh_CN"
root_doc = "source/index"
include_patterns = ["source/**", "curriculum/**"]
# the folders that are not sources are left out as in our conf.py, so that
# neither build walks node_modules or .venv
exclude_patterns = [".*", "build", "node_modules", "tests", "tools", "source/_data", "source/_data/**"]
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
html_theme = "sphinx_book_theme"
'''


AUDIENCES = ("staff", "educators")
CORPUS_EDITIONS = """
defaults: {publisher: 基准测试, language: zh-CN, appendices: []}
editions:
  - {audience: staff, title: 基准 · 工作人员, subtitle: 生成的语料, collections: [curriculum], age_bands: [],
     formats: [web, epub, pdf, pdf-print, docx, zip], page_size: A4, cover_color: "#4a4a4a"}
  - {audience: educators, title: 基准 · 教师, subtitle: 生成的语料, collections: [curriculum], age_bands: [],
     formats: [web, epub, pdf, pdf-print, docx, zip], page_size: B5, cover_color: "#7a5c1f"}
"""


def matrix_rows(label: str, stock: float, env: dict, source: Path | None = None) -> list:
    """The whole matrix serial (with each format's share) and in parallel."""
    rows = []
    src = ["--source", str(source)] if source else []
    build = Path(env["KB_BUILD_DIR"])
    for jobs in (1, os.cpu_count() or 2):
        shutil.rmtree(build, ignore_errors=True)
        stdout: list[str] = []
        secs = timed([PY, "-m", "tools.publish", "--jobs", str(jobs), *src], env=env, output=stdout)
        rows.append((f"{label}: whole matrix, {jobs} process(es)", secs, secs / stock))
        if jobs == 1:  # where the serial time goes
            for fmt, fsecs in sorted(cell_seconds(stdout[0]).items(), key=lambda kv: -kv[1]):
                rows.append((f"  of which {fmt} cells", fsecs, fsecs / stock))
    shutil.rmtree(build, ignore_errors=True)
    return rows


def _sentences() -> list[str]:
    """Real Chinese sentences from the knowledge base, as raw material."""
    out = []
    for path in sorted((ROOT / "curriculum").rglob("*.md")):
        text = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for para in text.split("\n"):
            if len(para) > 30 and not para.startswith((":", "#", "`", "|", "-", "%")) and "{" not in para:
                out.extend(s + "。" for s in para.split("。") if len(s) > 12)
    return out or ["青春期是从儿童发育为成人的阶段，身体和心理都会发生变化。"]


def make_corpus(dest: Path, pages: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    sents = _sentences()
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "source" / "_data", dest / "source" / "_data")
    sections = max(1, pages // 30)
    fm = ("---\nid: {id}\ntitle: {title}\ntype: guide\naudiences: [{aud}]\nstatus: draft\n"
          "updated: 2026-11-28\nsources: []\n---\n\n")
    index = [fm.format(id="home", title="基准首页", aud="staff").replace("type: guide", "type: page"),
             "```{toctree}\n:maxdepth: 1\n\n"]
    n = 0
    for s in range(sections):
        sec = dest / "curriculum" / f"sec-{s:02d}"
        aud = AUDIENCES[s % 2]  # two editions, alternate sections
        sec.mkdir(parents=True)
        entries = []
        for p in range(pages // sections):
            n += 1
            name = f"p{n:04d}"
            entries.append(name)
            body = [fm.format(id=f"bench-{n}", title=f"第 {n} 页：{rng.choice(sents)[:12]}", aud=aud)]
            for h in range(4):
                body.append(f"## 第 {h + 1} 节\n\n")
                for _ in range(3):
                    body.append("".join(rng.choice(sents) for _ in range(3)) + "\n\n")
                body.append("- " + rng.choice(sents) + "\n- " + rng.choice(sents) + "\n\n")
            body.append("| 项目 | 说明 |\n|---|---|\n| 甲 | " + rng.choice(sents)[:20] + " |\n\n")
            body.append(":::{note}\n" + rng.choice(sents) + "\n:::\n\n")
            if p:  # a link to the previous page of the section (same edition)
                body.append(f"参见 {{doc}}`/curriculum/sec-{s:02d}/p{n - 1:04d}`。\n")
            (sec / f"{name}.md").write_text("".join(body), encoding="utf-8")
        (sec / "index.md").write_text(
            fm.format(id=f"sec-{s}", title=f"第 {s + 1} 部分", aud=aud).replace("type: guide", "type: page")
            + "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(entries) + "\n```\n", encoding="utf-8")
        index.append(f"/curriculum/sec-{s:02d}/index\n")
    index.append("```\n")
    (dest / "source" / "index.md").write_text("".join(index), encoding="utf-8")
    # the edition matrix of the corpus: two audiences, every format
    shutil.copy(ROOT / "source" / "edition.md", dest / "source" / "edition.md")
    (dest / "source" / "_data" / "editions.yml").write_text(CORPUS_EDITIONS, encoding="utf-8")
    (dest / "stockconf").mkdir()
    (dest / "stockconf" / "conf.py").write_text(STOCK_CONF, encoding="utf-8")
    return dest


def timed(cmd: list[str], env=None, ok=(0,), output: list | None = None) -> float:
    """Seconds ``cmd`` took; its standard output is appended to ``output``."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    if output is not None:
        output.append(proc.stdout)
    return elapsed


def cell_seconds(stdout: str) -> dict[str, float]:
    """Seconds per format, summed over the per-cell progress lines of a matrix run."""
    import re
    out: dict[str, float] = {}
    for fmt, secs in re.findall(r"^\[\S+ × (\S+)\] \S+ +(\d+\.\d) s", stdout, re.M):
        out[fmt] = out.get(fmt, 0.0) + float(secs)
    return out


def sphinx(src: Path, out: Path, builder="html", conf: Path | None = None, extra=()) -> float:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [PY, "-m", "sphinx", "-b", builder, "-q", "-d", str(out / ".doctrees"), str(src), str(out), *extra]
    if conf is not None:
        cmd[5:5] = ["-c", str(conf)]
    return timed(cmd)


def report(rows: list[tuple[str, float, float | None]]) -> None:
    print(f"\n{'measurement':58} {'seconds':>9} {'ratio':>7}")
    for name, secs, ratio in rows:
        print(f"{name:58} {secs:9.1f} {'' if ratio is None else f'{ratio:7.2f}×'}")


# -- page weight in Chromium on a throttled link --------------------------------

THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
WEIGHT_PAGES = (("lesson page", "curriculum/junior-secondary/js-puberty-and-body-image.html"),
                ("home page", "source/index.html"),
                ("search page (with its index)", "search.html?q=%E9%81%BF%E5%AD%95%E6%96%B9%E6%B3%95"))
TARGET_BYTES, TARGET_PAINT = 400 * 1024, 1.5


def _stock_theme_conf(work: Path) -> Path:
    """Our configuration with sphinx-book-theme as it comes: its templates,
    options, sidebars and assets (no kb_assets trimming)."""
    conf = work / "stock-theme-conf"
    conf.mkdir(exist_ok=True)
    ours = str(ROOT / "conf.py")
    (conf / "conf.py").write_text(
        "import runpy\n"
        f"_ours = runpy.run_path({ours!r})\n"
        "globals().update({k: v for k, v in _ours.items() if not k.startswith('__')})\n"
        "templates_path = []\nhtml_theme_options = {}\nhtml_sidebars = {}\nhtml_context = {}\n"
        "html_css_files = ['kb.css']\nhtml_favicon = None\nkb_light_pages = False\n", encoding="utf-8")
    return conf


def page_weight(browser, url: str) -> dict:
    """One load of ``url`` at 390×844 on the throttled link: bytes, requests, first paint (s)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="load", timeout=120000)
    page.wait_for_timeout(1500)  # what the page fetches after load (snippets on the search page)
    paint = page.evaluate("(performance.getEntriesByName('first-paint')[0] || {startTime: NaN}).startTime")
    context.close()
    return {"bytes": sum(sizes.values()), "requests": len(sizes), "paint": paint / 1000}


def page_weight_rows(work: Path) -> list[tuple[str, dict, dict]]:
    """(page, ours, stock) medians of three loads each."""
    import statistics

    from playwright.sync_api import sync_playwright
    sites = {"ours": work / "weight-ours", "stock": work / "weight-stock"}
    sphinx(ROOT, sites["ours"])
    sphinx(ROOT, sites["stock"], conf=_stock_theme_conf(work))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("Chromium is not installed: run make setup")
    servers = {name: serve(folder) for name, folder in sites.items()}
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                               "--disable-background-networking"])
            for label, path in WEIGHT_PAGES:
                medians = {}
                for name, httpd in servers.items():
                    url = f"{httpd.url}/{path}"
                    loads = [page_weight(browser, url) for _ in range(3)]
                    medians[name] = {k: statistics.median(x[k] for x in loads) for k in loads[0]}
                rows.append((label, medians["ours"], medians["stock"]))
            browser.close()
    finally:
        for httpd in servers.values():
            httpd.shutdown()
    return rows


def report_weight(rows) -> None:
    print(f"\n{'page (390×844, 1.6 Mbit/s, 150 ms)':34} {'':6} {'KB':>8} {'requests':>9} {'first paint':>12}")
    for label, ours, stock in rows:
        for name, m in (("stock", stock), ("ours", ours)):
            print(f"{label if name == 'stock' else '':34} {name:6} {m['bytes'] / 1024:8.0f} {m['requests']:9.0f} "
                  f"{m['paint']:11.2f}s")
        print(f"{'':34} {'ratio':6} {ours['bytes'] / stock['bytes']:7.2f}× {ours['requests'] / stock['requests']:8.2f}× "
              f"{ours['paint'] / stock['paint']:11.2f}×")
    lesson = rows[0][1]
    ok = lesson["bytes"] <= TARGET_BYTES and lesson["paint"] <= TARGET_PAINT
    print(f"lesson page targets ({TARGET_BYTES // 1024} KB, first paint {TARGET_PAINT} s): "
          f"{'met' if ok else 'NOT met'} ({lesson['bytes'] / 1024:.0f} KB, {lesson['paint']:.2f} s)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=300, help="pages of the generated corpus (default 300)")
    ap.add_argument("--large", type=int, default=1000, help="pages of the linearity run (0 to skip)")
    ap.add_argument("--skip-corpus", action="store_true", help="only the knowledge-base measurements")
    ap.add_argument("--skip-kb", action="store_true", help="only the generated-corpus measurements")
    ap.add_argument("--skip-pages", action="store_true", help="no page-weight measurement in Chromium")
    ap.add_argument("--pages-only", action="store_true", help="only the page-weight measurement")
    ap.add_argument("--schools", type=int, default=50, help="generated school files (0 to skip)")
    ap.add_argument("--skip-schools", action="store_true", help="leave out the school editions")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    rows: list[tuple[str, float, float | None]] = []
    weight: list = []
    if args.pages_only:
        args.skip_corpus = args.skip_kb = args.skip_schools = True
    try:
        if not args.skip_pages:
            weight = page_weight_rows(work)
            report_weight(weight)
        if not args.skip_corpus:
            corpus = make_corpus(work / "corpus", args.pages)
            print(f"corpus: {args.pages} pages in {corpus}", flush=True)
            stock = sphinx(corpus, work / "stock", conf=corpus / "stockconf")
            rows.append((f"stock sphinx-book-theme HTML, {args.pages} pages", stock, 1.0))
            ours = sphinx(corpus, work / "ours", conf=ROOT, extra=["-n", "-W", "--keep-going"])
            rows.append((f"Qingchun HTML, {args.pages} pages", ours, ours / stock))
            sphinx(corpus, work / "ours2", conf=ROOT)  # a first build, then a no-op rebuild of it
            rebuild = timed([PY, "-m", "sphinx", "-b", "html", "-q", "-c", str(ROOT), "-d",
                             str(work / "ours2" / ".doctrees"), str(corpus), str(work / "ours2")])
            rows.append(("Qingchun no-op rebuild (start-up cost)", rebuild, rebuild / stock))
            if args.large:
                big = make_corpus(work / "big", args.large)
                large = sphinx(big, work / "ours-big", conf=ROOT)
                rows.append((f"Qingchun HTML, {args.large} pages", large, large / stock))
                rows.append((f"  per page: {args.pages} → {args.large} pages (s/page ratio)",
                             large / args.large, (large / args.large) / (ours / args.pages)))
            check_corpus = big if args.large else corpus
            pages = args.large or args.pages
            cold = timed([PY, "-m", "tools.check", "--root", str(check_corpus)], ok=(0, 1))
            warm = timed([PY, "-m", "tools.check", "--root", str(check_corpus)], ok=(0, 1))
            rows.append((f"checker, {pages} pages, first run (process included)", cold, None))
            rows.append((f"checker, {pages} pages, unchanged pages cached", warm, None))
            rows += matrix_rows(f"{args.pages}-page corpus", stock, {"KB_BUILD_DIR": str(work / "corpus-editions")},
                                source=corpus)
            report(rows)
        if not args.skip_kb:
            kb_rows = []
            shutil.rmtree(ROOT / "build" / ".cache", ignore_errors=True)
            kb_rows.append(("knowledge base: checker, first run", timed([PY, "-m", "tools.check"]), None))
            kb_rows.append(("knowledge base: checker, again", timed([PY, "-m", "tools.check"]), None))
            stock_kb = sphinx(ROOT, work / "kb-stock", conf=_stock_kb_conf(work))
            kb_rows.append(("knowledge base: stock sphinx-book-theme HTML", stock_kb, 1.0))
            ours_kb = sphinx(ROOT, work / "kb-ours")
            kb_rows.append(("knowledge base: Qingchun HTML (full site)", ours_kb, ours_kb / stock_kb))
            env = {"KB_BUILD_DIR": str(work / "kb-editions")}
            for fmt in ("web", "epub", "pdf", "docx"):
                shutil.rmtree(work / "kb-editions", ignore_errors=True)
                secs = timed([PY, "-m", "tools.publish", "--jobs", "1", "--format", fmt], env=env)
                kb_rows.append((f"matrix, {fmt} cells only (serial, incl. reading the sources)", secs,
                                secs / stock_kb))
            kb_rows += matrix_rows("knowledge base", stock_kb, env)
            kb_rows += typesetting_rows(work)
            kb_rows += edit_rows(work)
            report(kb_rows)
            rows += kb_rows
        if args.schools and not args.skip_schools:
            school = school_rows(work, args.schools)
            report(school)
            rows += school
        if args.json:
            figures = [{"name": n, "seconds": s, "ratio": r} for n, s, r in rows]
            figures += [{"name": f"page weight: {label}", "ours": ours, "stock": stock,
                         "ratio_bytes": ours["bytes"] / stock["bytes"], "ratio_paint": ours["paint"] / stock["paint"]}
                        for label, ours, stock in weight]
            Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


#: WeasyPrint 70, the print engine before Typst, measured on the same books
#: (issue 3: ~0.1 s a page to lay out, draw and write)
WEASYPRINT_S_PER_PAGE = 0.1

TYPESET = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tools.publish.pdf import fonts, typeset
import pikepdf
fonts()  # the font scan is start-up, not typesetting
seconds = typeset(Path({book!r}), Path({out!r}))
print(json.dumps({{"seconds": seconds, "pages": len(pikepdf.open({out!r}).pages)}}))
"""


def typesetting_rows(work: Path, audience: str = "educators") -> list:
    """Typst alone, from the written .typ to the PDF, on the largest book, in a
    fresh process (a second compile in one process reuses Typst's caches)."""
    build = work / "kb-typeset"
    shutil.rmtree(build, ignore_errors=True)
    timed([PY, "-m", "tools.publish", "--jobs", "1", "--audience", audience, "--format", "pdf"],
          env={"KB_BUILD_DIR": str(build)})
    book = build / "_work" / audience / "typst" / "book.typ"
    out: list[str] = []
    timed([PY, "-c", TYPESET.format(root=str(ROOT), book=str(book), out=str(work / "typeset.pdf"))], output=out)
    result = json.loads(out[0])
    secs, pages = result["seconds"], result["pages"]
    ms = 1000 * secs / pages
    return [(f"typesetting alone (.typ → PDF), {audience}, {pages} pages", secs, None),
            (f"  {ms:.1f} ms a page, {pages / secs:.0f} pages/s "
             f"(WeasyPrint: {1000 * WEASYPRINT_S_PER_PAGE:.0f} ms, {1 / WEASYPRINT_S_PER_PAGE:.0f} pages/s)",
             secs / pages, (secs / pages) / WEASYPRINT_S_PER_PAGE)]


def edit_rows(work: Path, audience: str = "junior-secondary") -> list:
    """What `make edition AUDIENCE=junior-secondary FORMAT=pdf` costs a writer
    after editing one page: a copy of the sources, built once, one page
    edited, built again."""
    src = work / "edit-src"
    shutil.rmtree(src, ignore_errors=True)
    for folder in ("curriculum", "policies", "case-studies", "source"):
        shutil.copytree(ROOT / folder, src / folder)
    env = {"KB_BUILD_DIR": str(work / "edit-build")}
    cmd = [PY, "-m", "tools.publish", "--jobs", "1", "--audience", audience, "--format", "pdf", "--source", str(src)]
    first = timed(cmd, env=env)
    page = sorted((src / "curriculum" / audience).glob("*.md"))[-1]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n## ", "\n这一句是编辑时加的。\n\n## ", 1), encoding="utf-8")
    again = timed(cmd, env=env)
    return [(f"edition {audience} × pdf, first build (reads the sources)", first, None),
            (f"edition {audience} × pdf after a one-page edit", again, None)]


#: the editions the generated schools are based on (senior-secondary's PDF does
#: not typeset at this commit: a figure uses a glyph Noto CJK lacks)
SCHOOL_EDITIONS = ("upper-primary", "junior-secondary")


def make_schools(dest: Path, count: int, seed: int = 18) -> list[Path]:
    """``count`` school files with random lessons of the learner editions, in
    two terms with random weeks, every format. A random choice is completed
    with the lessons its chosen pages link to (a school file that leaves them
    out is refused, see tools/publish/schools.py)."""
    from tools.model import edition_pages, load_corpus, load_data, load_editions
    from tools.publish.schools import printed_links

    rng = random.Random(seed)
    data = load_data(ROOT)
    corpus = load_corpus(ROOT, data)
    editions = load_editions(ROOT)
    dest.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        edition = editions[SCHOOL_EDITIONS[i % len(SCHOOL_EDITIONS)]]
        lessons = [d for d in edition_pages(edition, corpus) if corpus[d].meta.get("type") == "lesson"]
        links = {}
        for page, _, target in printed_links(edition, lessons, data, corpus):
            links.setdefault(page, set()).add(target)
        chosen = set(rng.sample(lessons, rng.randint(3, len(lessons))))
        while True:  # the lessons the chosen ones link to
            more = {t for d in chosen for t in links.get(d, ()) if t in lessons} - chosen
            if not more:
                break
            chosen |= more
        order = [d for d in lessons if d in chosen]
        rng.shuffle(order)
        half = (len(order) + 1) // 2
        rows = []
        for term, part in (("第一学期", order[:half]), ("第二学期", order[half:])):
            for d, week in zip(part, sorted(rng.sample(range(1, 21), len(part)))):
                rows.append(f"  - {{lesson: {corpus[d].meta['id']}, term: {term}, week: {week}}}\n")
        path = dest / f"bench-school-{i:03d}.yml"
        path.write_text(f"school: 基准测试第 {i + 1} 学校\nedition: {edition.audience}\nlessons:\n" + "".join(rows)
                        + "services:\n  - {name: 学校心理辅导室, phone: \"0571-8000 0101\", for: 本校学生}\n"
                        + "formats: [web, epub, pdf, pdf-print, docx, zip]\n", encoding="utf-8")
        files.append(path)
    return files


def _school_cells(stdout: str) -> dict[str, float]:
    """Seconds per format summed over the schools' progress lines ("共用环境":
    reading an edition's shared environment)."""
    import re
    out: dict[str, float] = {}
    for fmt, secs in re.findall(r"^\[\S+ × (\S+)\] 完成 +(\d+\.\d) s", stdout, re.M):
        out[fmt] = out.get(fmt, 0.0) + float(secs)
    return out


def school_rows(work: Path, count: int = 50) -> list:
    """School editions, in wall-clock seconds and in CPU seconds (user and
    system, every process of the run: what a busy machine does not inflate):
    serial for 10 and ``count`` schools (seconds per school stay flat when
    the work grows linearly), with a process per core, and without the
    shared environment (every page read per school; best of two runs each,
    alternated)."""
    import resource

    files = make_schools(work / "schools", count)
    few = files[:min(10, count)]
    rows = []

    def build(schools: list[Path], jobs: int, *extra: str) -> tuple[float, float, dict]:
        out = work / "school-build"
        shutil.rmtree(out, ignore_errors=True)
        stdout: list[str] = []
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        secs = timed([PY, "-m", "tools.publish.schools", "--jobs", str(jobs), *extra, *map(str, schools)],
                     env={"KB_BUILD_DIR": str(out)}, output=stdout)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return secs, cpu, _school_cells(stdout[0])

    cores = os.cpu_count() or 2
    n, m = len(few), len(files)
    few_wall, few_cpu, _ = build(few, 1)
    all_wall, all_cpu, cells = build(files, 1)
    par_wall, par_cpu, _ = build(files, cores)
    rows += [(f"schools: {n} schools, serial (wall)", few_wall, None),
             ("  seconds per school (wall; CPU in the next row)", few_wall / n, None),
             ("  CPU seconds per school", few_cpu / n, None),
             (f"schools: {m} schools, serial (wall)", all_wall, None),
             ("  seconds per school (wall)", all_wall / m, None),
             ("  CPU seconds per school", all_cpu / m, None),
             (f"  CPU per school, {n} → {m} schools (ratio, 1.00 = linear)", all_cpu / m, (all_cpu / m) / (few_cpu / n))]
    rows += [(f"  of which {fmt} cells, per school (wall)", secs / m, None)
             for fmt, secs in sorted(cells.items(), key=lambda kv: -kv[1])]
    rows += [(f"schools: {m} schools, {cores} processes (wall)", par_wall, None),
             ("  seconds per school (wall)", par_wall / m, None),
             ("  CPU seconds per school", par_cpu / m, None),
             (f"  speed-up with {cores} processes (wall)", par_wall, all_wall / par_wall)]
    shared, fresh = [], []
    for _ in range(2):
        shared.append(build(few, 1))
        fresh.append(build(few, 1, "--no-share"))
    s_wall, s_cpu, s_cells = min(shared, key=lambda r: r[1])
    f_wall, f_cpu, f_cells = min(fresh, key=lambda r: r[1])
    rows += [(f"sharing: {n} schools serial, shared environment: CPU s/school (best of 2)", s_cpu / n, None),
             (f"sharing: {n} schools serial, every page read per school: CPU s/school", f_cpu / n, None),
             ("  CPU seconds saved per school (ratio: fresh / shared)", (f_cpu - s_cpu) / n, f_cpu / s_cpu),
             ("  web cells per school, wall (pages are read there): shared", s_cells.get("web", 0) / n, None),
             ("  web cells per school, wall: every page read", f_cells.get("web", 0) / n,
              f_cells.get("web", 0) / max(s_cells.get("web", 0), 1e-9)),
             ("  docx cells per school, wall: shared (worksheets converted once)", s_cells.get("docx", 0) / n, None),
             ("  docx cells per school, wall: not shared", f_cells.get("docx", 0) / n,
              f_cells.get("docx", 0) / max(s_cells.get("docx", 0), 1e-9)),
             ("  shared environments (once per edition, all schools), wall", s_cells.get("共用环境", 0), None)]
    return rows


def _stock_kb_conf(work: Path) -> Path:
    conf = work / "stock-kb-conf"
    conf.mkdir(exist_ok=True)
    # same pages, stock theme and only MyST: our directives are replaced by nothing
    (conf / "conf.py").write_text(STOCK_CONF.replace('"curriculum/**"]', '"curriculum/**", "policies/**", '
                                                     '"case-studies/**"]')
                                  + "\nsuppress_warnings = ['myst', 'toc']\n"
                                  + "from docutils.parsers.rst import Directive, directives\n"
                                  + "class AnyOption(dict):\n    def __getitem__(self, key):\n"
                                  + "        return directives.unchanged\n    def __contains__(self, key):\n"
                                  + "        return True\n"
                                  + "class Skip(Directive):\n    has_content = True\n    optional_arguments = 9\n"
                                  + "    final_argument_whitespace = True\n    option_spec = AnyOption()\n"
                                  + "    def run(self):\n        return []\n"
                                  + "def setup(app):\n    for n in ['kb-toctree','kb-pages','lesson-matrix',"
                                  + "'coverage-matrix','policy-timeline','facts-table','kb-glossary','bibliography',"
                                  + "'references','downloads','colophon','edition-contents','activity','handout',"
                                  + "'teacher-note','answer-key','parent-note','help-box','history-note','lesson-finder',"
                                  + "'for-audience']:\n        app.add_directive(n, Skip)\n"
                                  + "    app.add_role('cite', lambda *a, **k: ([], []))\n",
                                  encoding="utf-8")
    return conf


if __name__ == "__main__":
    sys.exit(main())

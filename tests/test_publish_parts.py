"""Parts of the publisher on small inputs: the print document assembled from
rendered pages, and the print-shop copy derived from a reading copy."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup

from tools.model.editions import Edition
from tools.publish import pdf

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
    html = pdf.assemble(PAGES, ["a/one", "a/two"], EDITION, {"a/two"}, cover, "1.0")
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
    with pytest.raises(pdf.CellError, match="a/three"):
        pdf.assemble(PAGES, ["a/one", "a/three"], EDITION, set(), cover, "1.0")


def test_printshop_copy_boxes_marks_and_padding(tmp_path, cover):
    html = tmp_path / "print.html"
    html.write_text(pdf.assemble(PAGES, ["a/one", "a/two"], EDITION, set(), cover, "1.0")
                    .replace('src="epub/_images/fig.png"', ""), encoding="utf-8")
    reading, shop = tmp_path / "r.pdf", tmp_path / "s.pdf"
    pdf.render(html, reading, "B5")
    pdf.make_printshop(reading, shop, EDITION.cover_color)
    with pikepdf.open(reading) as r, pikepdf.open(shop) as s:
        assert len(s.pages) % 4 == 0 and len(s.pages) >= len(r.pages)
        for page in s.pages:
            media, bleed, trim = ([float(v) for v in page.obj[k]] for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
            assert trim == pytest.approx([0, 0, 498.898, 708.661], abs=0.01)  # B5 trimmed size
            assert bleed[0] == pytest.approx(-3 * 72 / 25.4, abs=0.01)  # 3 mm bleed
            assert media[0] < bleed[0] and media[2] > bleed[2]  # a slug for the marks
    # same typesetting: the words of the reading copy, page for page
    text = [subprocess.run(["pdftotext", "-enc", "UTF-8", "-cropbox", str(f), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f") for f in (reading, shop)]
    assert text[1][:len(text[0])] == text[0]
    # the cover colour runs into the bleed; a text page's bleed stays white
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(shop), str(tmp_path / "p")],
                   check=True)
    from PIL import Image
    cover_px = Image.open(next(tmp_path.glob("p-*1.png"))).convert("RGB")
    text_px = Image.open(next(tmp_path.glob("p-*2.png"))).convert("RGB")
    slug = 6 * 30 / 25.4  # pixels of slug at 30 dpi
    corner = (int(slug + 1), int(slug + 1))  # inside the bleed, outside the trim
    assert cover_px.getpixel(corner) == pytest.approx((0x22, 0x57, 0x7a), abs=8)
    assert text_px.getpixel(corner) == (255, 255, 255)
    with pikepdf.open(shop) as s:
        marks = s.pages[1].obj.Contents
        streams = marks if isinstance(marks, pikepdf.Array) else [marks]
        assert any(b"/Artifact BMC q 0.25 w 0 G" in st.read_bytes() for st in streams)


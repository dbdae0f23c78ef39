"""What a teacher does first, step by step, in Debian's Chromium at 390×844
(a phone, tapped) and 1366×900 (a desktop), and what she must see.

The downloads (a worksheet read back with python-docx) need the edition
files: their tests build the junior-secondary Word cell and a site beside it
(``slow``).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, ROOT, open_page, serve
from tools.model import load_corpus, load_data

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

PUBERTY = "curriculum/junior-secondary/js-puberty-and-body-image"   # the 初中 puberty lesson
CONTRACEPTION = "curriculum/senior-secondary/ss-contraception"      # the senior contraception lesson
DATA = load_data(ROOT)
PAGES = load_corpus(ROOT, DATA)


def title(docname: str) -> str:
    return PAGES[docname].meta["title"]


def local_only(p) -> None:
    """No console or script error, no failed request, nothing fetched from
    anywhere but the site."""
    assert p.errors == [], p.errors
    assert {u.split("/")[2].split(":")[0] for u in p.requests if u.startswith("http")} <= {"127.0.0.1"}, p.requests


# -- navigation ------------------------------------------------------------------

def test_phone_menu_reaches_the_junior_puberty_lesson_in_three_taps(phone, server):
    """From the home page: ☰, 初中, the lesson."""
    phone.goto(f"{server}/source/index.html")
    taps = 0
    phone.get_by_role("button", name="全站导航").tap()
    taps += 1
    menu = phone.get_by_role("dialog")
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="初中", exact=True).tap()
    taps += 1
    phone.wait_for_url("**/curriculum/junior-secondary/index.html")
    phone.locator("article").get_by_role("link", name=title(PUBERTY), exact=True).tap()
    taps += 1
    phone.wait_for_url(f"**/{PUBERTY}.html")
    expect(phone.locator("article h1")).to_contain_text(title(PUBERTY))
    assert taps <= 3
    local_only(phone)


def test_phone_menu_opens_and_closes_by_touch_and_by_keyboard(phone, server):
    phone.goto(f"{server}/{PUBERTY}.html")
    menu_button = phone.get_by_role("button", name="全站导航")
    dialog = phone.locator("#pst-primary-sidebar-modal")
    # by touch: it opens as a dialog holding the site navigation, and closes
    menu_button.tap()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("navigation", name="全站导航")).to_be_visible()
    dialog.get_by_role("button", name="关闭导航").tap()
    expect(dialog).to_be_hidden()
    # by keyboard: Enter opens it with the focus inside, Escape closes it and
    # gives the focus back to the button
    menu_button.focus()
    phone.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    assert phone.evaluate("!!document.activeElement.closest('#pst-primary-sidebar-modal')")
    phone.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == "全站导航"
    # 目录: the page's own contents; following an entry closes it at the section
    phone.get_by_role("button", name="本页目录").tap()
    contents = phone.locator("#pst-secondary-sidebar-modal")
    expect(contents).to_be_visible()
    contents.get_by_role("link", name="学生活动单").tap()
    expect(contents).to_be_hidden()
    assert phone.url.endswith("#id5") or "#" in phone.url
    local_only(phone)


def test_desktop_menu_button_hides_and_shows_the_sidebar(page, server):
    page.goto(f"{server}/{PUBERTY}.html")
    sidebar = page.locator("#pst-primary-sidebar")
    expect(sidebar).to_be_visible()
    button = page.get_by_role("button", name="全站导航")
    button.click()
    expect(sidebar).to_be_hidden()
    button.click()
    expect(sidebar).to_be_visible()
    expect(sidebar.get_by_role("link", name=title(PUBERTY))).to_be_visible()
    local_only(page)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_breadcrumb_leads_to_the_age_band_and_home(browser, server, device):
    p = open_page(browser, phone=device == "phone")
    act = (lambda loc: loc.tap()) if device == "phone" else (lambda loc: loc.click())
    p.goto(f"{server}/{PUBERTY}.html")
    crumbs = p.get_by_role("navigation", name="当前位置")
    expect(crumbs).to_contain_text(title(PUBERTY))
    act(crumbs.get_by_role("link", name="初中（12–15 岁）"))
    p.wait_for_url("**/curriculum/junior-secondary/index.html")
    act(p.get_by_role("navigation", name="当前位置").get_by_role("link", name="首页"))
    p.wait_for_url("**/source/index.html")
    local_only(p)
    p.context.close()


# -- search ----------------------------------------------------------------------

def test_phone_search_for_contraception_methods(phone, server):
    """A teacher types 避孕方法 into the search box: the senior contraception
    lesson is among the first three results, with a snippet of its own text."""
    phone.goto(f"{server}/source/index.html")
    phone.get_by_role("button", name="搜索").first.tap()
    field = phone.locator("#pst-search-dialog input[name=q]")
    expect(field).to_be_visible()
    field.fill("避孕方法")
    field.press("Enter")
    phone.wait_for_url("**/search.html?q=*")
    results = phone.locator("#search-results li.kb-search-result")
    expect(results.first).to_be_visible()
    expect(phone.locator("#search-results p.search-summary")).to_have_text(re.compile(r"^找到 \d+ 个页面。$"))
    first_three = results.locator("> a").all_inner_texts()[:3]
    assert title(CONTRACEPTION) in first_three, first_three
    hit = phone.locator(f'#search-results li[data-docname="{CONTRACEPTION}"]')
    expect(hit.locator("p.context mark").first).to_be_visible()     # the snippet marks the words
    snippet = hit.locator("p.context").inner_text()
    assert "避孕" in snippet and not re.search(r"亮色|暗色|System|Settings|搜索", snippet), snippet
    local_only(phone)


def test_search_filters_by_age_band_and_says_so_in_chinese(page, server):
    page.goto(f"{server}/search.html?q=青春期")
    results = page.locator("#search-results li.kb-search-result")
    expect(results.first).to_be_visible()
    everything = results.count()
    page.get_by_label("学段", exact=True).select_option("12-15")
    expect(page.locator("#search-results p.search-summary")).to_contain_text("符合筛选条件")
    shown = results.count()
    assert 0 < shown < everything
    assert all("初中" in m for m in page.locator("#search-results .kb-result-meta").all_inner_texts())
    assert "band=12-15" in page.url
    page.get_by_label("读者", exact=True).select_option("parents")
    assert all("/curriculum/" in h for h in results.locator("> a").evaluate_all("els => els.map(e => e.href)"))
    # nothing found: the teacher is told so, in Chinese
    page.goto(f"{server}/search.html?q=太空旅行")
    expect(page.locator("#search-results p.search-summary")).to_contain_text("没有找到与“太空旅行”有关的页面")
    local_only(page)


# -- the lesson page ---------------------------------------------------------------

def test_lesson_card_tells_grade_time_and_date(phone, server):
    meta = PAGES[PUBERTY].meta
    phone.goto(f"{server}/{PUBERTY}.html")
    card = phone.locator(".kb-lesson-card")
    expect(card).to_be_visible()
    facts = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts()))
    assert facts["适用年级"] == "初一–初三"
    assert facts["课时"] == f"{meta['duration_minutes']} 分钟"
    assert facts["最后更新"] == str(meta["updated"])
    assert facts["状态"].startswith("草稿")
    assert "6.4 身体意象" in facts["主题"]
    expect(card.get_by_role("button", name="打印本课")).to_be_visible()


@pytest.mark.parametrize("lesson", [PUBERTY, "curriculum/junior-secondary/js-media-and-online-life"])
def test_print_a_lesson_worksheet_starts_on_its_own_page(page, server, tmp_path, lesson):
    page.goto(f"{server}/{lesson}.html")
    # 打印本课 opens the browser's printing
    page.evaluate("() => { window.kbPrinted = 0; window.print = () => { window.kbPrinted += 1; }; }")
    page.get_by_role("button", name="打印本课").click()
    assert page.evaluate("window.kbPrinted") == 1
    # as printed: headings kept with what follows, rows tall enough for a pen
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('article h2')).breakAfter") == "avoid"
    row = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kb-handout p')).lineHeight)")
    assert row >= 30, row  # at least 8 mm between written lines (96 px to the inch)
    cell = page.evaluate("document.querySelector('.kb-handout td') ? document.querySelector('.kb-handout td')"
                         ".getBoundingClientRect().height : 40")
    assert cell >= 37, cell  # table cells to write in: 10 mm
    pdf = tmp_path / "lesson.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [[line.strip() for line in p.splitlines() if line.strip()] for p in text.split("\f")]
    pages = [p for p in pages if p]
    assert pages[0][0] == title(lesson), pages[0][:3]            # the title, not the menu, comes first
    sheet = next(i for i, p in enumerate(pages) if any(line.startswith("学生活动单：") for line in p))
    assert pages[sheet][0] == "学生活动单", pages[sheet][:3]      # the worksheet's section opens the page
    assert sheet > 0 and not any("学生活动单：" in line for line in pages[sheet - 1])
    assert not re.search(r"全站导航|课程学段|本页目录|打印本课|下载学生活动单", text)


# -- the lesson finder -----------------------------------------------------------------

def test_lesson_finder_on_a_phone(phone, server):
    lessons = [d for d, p in PAGES.items() if p.meta.get("type") == "lesson"]
    junior = [d for d in lessons if PAGES[d].meta.get("age_band") == "12-15"]
    phone.goto(f"{server}/curriculum/index.html")
    finder = phone.locator(".kb-finder")
    stages = finder.locator("p.rubric").all_inner_texts()
    assert [s.split("：")[0] for s in stages] == [b["name"] for b in
                                                  sorted(DATA.age_bands.values(), key=lambda b: b["order"])]
    items = finder.locator("li.kb-finder-item")
    status = phone.locator(".kb-finder-status")
    expect(status).to_have_text(f"共 {len(lessons)} 课。")
    phone.get_by_label("年级", exact=True).select_option(label="初二")
    expect(status).to_have_text(f"符合条件的课程：{len(junior)} 课（共 {len(lessons)} 课）。")
    visible = [t for t, v in zip(items.locator("a").all_inner_texts(),
                                 items.evaluate_all("els => els.map(e => !e.hidden)")) if v]
    assert sorted(visible) == sorted(title(d) for d in junior)
    phone.get_by_label("主题", exact=True).select_option(label="6.4 身体意象")
    expect(finder.get_by_role("link", name=title(PUBERTY))).to_be_visible()
    expect(finder.locator("li.kb-finder-item:not([hidden])")).to_have_count(
        sum(1 for d in junior if "6.4" in PAGES[d].meta.get("topics", [])))
    # the coverage grid is a list on a phone: nothing to scroll sideways
    expect(phone.locator("table.kb-lesson-matrix")).to_be_hidden()
    expect(phone.locator(".kb-matrix-list")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    # so is the topic coverage grid of the teachers' guide
    phone.goto(f"{server}/curriculum/guides/teachers-guide.html")
    expect(phone.locator("table.kb-coverage-matrix")).to_be_hidden()
    expect(phone.locator(".kb-coverage-list")).to_be_visible()
    local_only(phone)


def test_lesson_grid_is_a_table_on_a_desktop(page, server):
    page.goto(f"{server}/curriculum/index.html")
    expect(page.locator("table.kb-lesson-matrix")).to_be_visible()
    expect(page.locator(".kb-matrix-list")).to_be_hidden()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"]


# -- downloads (the edition files beside the site) -------------------------------------

@pytest.fixture(scope="module")
def downloads_site(tmp_path_factory):
    """The junior-secondary Word cell (book and worksheets), then the full
    site built beside it, served on 127.0.0.1."""
    build = tmp_path_factory.mktemp("editions")
    env = {**os.environ, "KB_BUILD_DIR": str(build)}
    proc = subprocess.run([sys.executable, "-m", "tools.publish", "--audience", "junior-secondary", "--format", "docx",
                           "--jobs", "1"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    site = build / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(build / "site-doctrees"),
                           str(ROOT), str(site)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    httpd = serve(site)
    yield httpd.url
    httpd.shutdown()


@pytest.mark.slow
def test_download_a_junior_worksheet_and_read_it(browser, downloads_site, tmp_path):
    from docx import Document
    lesson = "curriculum/junior-secondary/js-emotions"
    p = open_page(browser, phone=True)
    p.goto(f"{downloads_site}/{lesson}.html")
    with p.expect_download() as got:
        p.get_by_role("link", name=re.compile(r"^下载学生活动单（Word，\d+ KB）$")).tap()
    word = tmp_path / "sheet.docx"
    got.value.save_as(word)
    text = "\n".join(par.text for par in Document(str(word)).paragraphs)
    assert title(lesson) in text and "学生活动单：我的情绪工具箱" in text
    # the PDF opens in the browser's viewer (no download event): fetch what the link gives
    pdf_link = p.get_by_role("link", name=re.compile(r"^下载学生活动单（PDF，\d+ KB）$"))
    response = p.request.get(pdf_link.evaluate("a => a.href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(response.body())
    import pikepdf
    with pikepdf.open(sheet) as pdf:
        assert len(pdf.pages) == 1
    printed = subprocess.run(["pdftotext", "-enc", "UTF-8", str(sheet), "-"], capture_output=True, text=True).stdout
    assert "我的情绪工具箱" in printed
    local_only(p)
    p.context.close()


@pytest.mark.slow
def test_downloads_page_names_each_file_once_in_kb(browser, downloads_site):
    p = open_page(browser, viewport=DESKTOP)
    p.goto(f"{downloads_site}/source/downloads.html")
    table = p.locator("table.kb-downloads")
    expect(table).to_be_visible()
    links = table.locator("a")
    assert links.all_inner_texts() == ["初中版 · 可编辑讲义（Word）"]
    size = table.locator("td.kb-size").first.inner_text()
    assert re.fullmatch(r"\d+ KB", size), size          # a 12 KB file is not "0.0 MB"
    assert p.evaluate("getComputedStyle(document.querySelector('td.kb-date')).whiteSpace") == "nowrap"
    sheets = p.locator("table.kb-worksheets a")
    hrefs = sheets.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs)) >= 2
    assert all(re.fullmatch(r"(Word|PDF)（\d+ KB）", t) for t in sheets.all_inner_texts())
    local_only(p)
    p.context.close()


@pytest.mark.slow
def test_offline_package_searches_from_disk_with_snippets(browser, tmp_path):
    """The junior-secondary offline zip, unpacked on a school computer and
    opened from disk: 避孕 finds lessons, each with a snippet of its own
    text, and nothing is refused (no CORS error) or fetched from a network."""
    import zipfile
    env = {**os.environ, "KB_BUILD_DIR": str(tmp_path / "build")}
    proc = subprocess.run([sys.executable, "-m", "tools.publish", "--audience", "junior-secondary", "--format", "zip",
                           "--jobs", "1"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with zipfile.ZipFile(tmp_path / "build" / "zip" / "junior-secondary.zip") as zf:
        zf.extractall(tmp_path / "unzipped")
    p = open_page(browser, phone=True)
    p.goto((tmp_path / "unzipped" / "junior-secondary" / "search.html").as_uri() + "?q=" + "青春期身体变化")
    results = p.locator("#search-results li.kb-search-result")
    expect(results.first).to_be_visible()
    expect(results.first.locator("p.context mark").first).to_be_visible()
    assert "/curriculum/junior-secondary/" in results.first.locator("a").get_attribute("href")
    assert p.errors == [], p.errors
    assert all(u.startswith(("file:", "data:")) for u in p.requests), p.requests
    p.context.close()

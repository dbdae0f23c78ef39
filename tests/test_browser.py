"""The built site in a real headless Chromium (Debian's, driven by Playwright).

Serves the site on 127.0.0.1, walks from the home page to a lesson, searches
in Chinese, checks that no request leaves localhost, and runs axe-core's
WCAG 2.1 A/AA rules on the main kinds of page.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT

# the site is built once per worker: keep its users on one worker
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _hosts(urls):
    return {urlsplit(u).hostname for u in urls if urlsplit(u).scheme in ("http", "https")}


def test_home_to_lesson_and_search(page, server):
    page.goto(f"{server}/index.html")
    page.wait_for_url("**/source/index.html")
    assert "青春健康知识库" in page.title()
    # follow the navigation: the curriculum, an age band, then its first lesson
    page.get_by_role("link", name="青春期健康教育课程").first.click()
    page.wait_for_url("**/curriculum/index.html")
    page.locator("article").get_by_role("link", name="初中\uff0812–15 岁\uff09").first.click()
    page.wait_for_url("**/curriculum/junior-secondary/index.html")
    lesson = page.locator("article ul li a").first
    lesson_title = lesson.inner_text()
    lesson.click()
    page.wait_for_load_state("load")
    assert "/curriculum/junior-secondary/" in page.url
    assert page.locator("h1").first.inner_text().startswith(lesson_title.split("(")[0])
    # search in Chinese: 青春期 finds lessons
    page.goto(f"{server}/search.html?q=青春期")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    results = page.locator("#search-results ul.search li a").all_inner_texts()
    assert any(r.strip() for r in results)
    hrefs = page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert any("/curriculum/" in h for h in hrefs), hrefs
    assert _hosts(page.requests) == {"127.0.0.1"}, sorted(page.requests)


@pytest.mark.parametrize("word,path", [("避孕", "/curriculum/"), ("流动人口", "/")])
def test_chinese_search_words(page, server, word, path):
    page.goto(f"{server}/search.html?q={word}")
    page.wait_for_selector("#search-results ul.search li", timeout=20000)
    hrefs = page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert any(path in h for h in hrefs), (word, hrefs)


#: one page of every template the site has (and the phone menu open)
TEMPLATES = {
    "home": "source/index.html",
    "lesson": "curriculum/junior-secondary/js-puberty-and-body-image.html",
    "age band": "curriculum/junior-secondary/index.html",
    "curriculum and finder": "curriculum/index.html",
    "guide": "curriculum/guides/teachers-guide.html",
    "policy": "policies/minors-protection-sex-education.html",
    "policy timeline": "policies/timeline.html",
    "case study": "case-studies/cs-residence-based-management.html",
    "audience": "source/audiences/educators.html",
    "glossary": "source/glossary.html",
    "bibliography": "source/bibliography.html",
    "downloads": "source/downloads.html",
    "search results": "search.html?q=青春期",
    "search, nothing found": "search.html?q=太空旅行",
    "index": "genindex.html",
    "menu open": "curriculum/junior-secondary/js-emotions.html",
}


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("kind", list(TEMPLATES))
def test_axe_wcag21_aa_no_errors_nothing_off_host(browser, server, kind, size):
    """axe-core's WCAG 2.1 A and AA rules find nothing; no console or script
    error, no failed request; no request leaves 127.0.0.1."""
    from conftest import open_page
    page = open_page(browser, phone=size == "phone")
    page.goto(f"{server}/{TEMPLATES[kind]}")
    if kind.startswith("search"):
        page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        page.wait_for_timeout(500)  # the snippets
    if kind == "menu open":
        page.get_by_role("button", name="全站导航").click()
        page.wait_for_selector("#pst-primary-sidebar-modal[open], #pst-primary-sidebar", timeout=5000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    assert violations == [], violations
    assert page.errors == [], page.errors
    assert _hosts(page.requests) == {"127.0.0.1"}, sorted(page.requests)
    page.context.close()

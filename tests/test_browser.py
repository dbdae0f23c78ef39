"""The built site in a real headless Chromium (Debian's, driven by Playwright).

Serves the site on 127.0.0.1, walks from the home page to a lesson, searches
in Chinese, checks that no request leaves localhost, and runs axe-core's
WCAG 2.1 A/AA rules on the main kinds of page.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, chromium_path

# the site is built once per worker: keep its users on one worker
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.fail("Chromium is not installed: run `make setup` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    p = context.new_page()
    p.requests = []
    p.on("request", lambda r: p.requests.append(r.url))
    yield p
    context.close()


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


def _first(site: Path, pattern: str) -> str:
    found = sorted(site.glob(pattern))
    assert found, pattern
    return found[0].relative_to(site).as_posix()


@pytest.mark.parametrize("kind", ["home", "lesson", "audience", "search"])
def test_axe_wcag21_aa(page, server, site, kind):
    target = {
        "home": "source/index.html",
        "lesson": _first(site, "curriculum/junior-secondary/js-*.html"),
        "audience": "source/audiences/junior-secondary.html",
        "search": "search.html?q=青春期",
    }[kind]
    page.goto(f"{server}/{target}")
    if kind == "search":
        page.wait_for_selector("#search-results ul.search li", timeout=20000)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    assert violations == [], violations
    assert _hosts(page.requests) == {"127.0.0.1"}

"""Shared fixtures: sphinx.testing's app fixtures, the fixture roots, the real site."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.static_server import serve  # noqa: E402,F401  (tests import it from here)

pytest_plugins = ["sphinx.testing.fixtures"]
collect_ignore = ["roots"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the ``test-*`` fixture projects."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real knowledge base built once per session with -n -W; returns the HTML dir.

    Set KB_SITE_DIR to reuse an existing build (it must be of the current sources).
    """
    if os.environ.get("KB_SITE_DIR"):
        return Path(os.environ["KB_SITE_DIR"])
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
         "-d", str(out / "doctrees"), str(ROOT), str(out / "html")],
        capture_output=True, text=True, cwd=ROOT)
    warnings = "\n".join(l for l in proc.stderr.splitlines() if "WARNING" in l or "ERROR" in l)
    assert proc.returncode == 0 and not warnings, f"site build failed:\n{proc.stderr[-5000:]}"
    return out / "html"


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(site):
    httpd = serve(site)
    yield httpd.url
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


def open_page(browser, viewport=None, phone=False):
    """A page in a fresh context (zh-CN) that records its requests, its console
    errors and its script errors (``.requests``, ``.errors``)."""
    options = {"locale": "zh-CN", "viewport": viewport or (PHONE if phone else DESKTOP)}
    if phone:
        options.update(has_touch=True, is_mobile=True, device_scale_factor=2)
    context = browser.new_context(**options)
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"script: {e}"))
    # a request cut short by leaving the page is not a failure
    page.on("requestfailed", lambda r: page.errors.append(f"failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: page.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return page


@pytest.fixture
def page(browser):
    p = open_page(browser)
    yield p
    p.context.close()


@pytest.fixture
def phone(browser):
    p = open_page(browser, phone=True)
    yield p
    p.context.close()


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None

"""Releases on the fixture project tests/roots/test-review: make release and
its refusals (nothing written), the release record read back, change notes
from two records, the version and date on every edition, and editions of
reviewed pages without draft marks (web, EPUB, PDF)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from test_review import JS_ONE, LEAVE, approve, kb, run, snapshot  # noqa: F401  (kb is a fixture)

JS_TWO = "curriculum/junior-secondary/js-two.md"
DRAFT_WORDS = ("草稿", "审核后有修改", "试用版")


def release(kb, version, date, *extra):
    return run("tools.release", "--root", str(kb), "--version", version, "--date", date, *extra)


def reviewed(kb, date="2026-01-05"):
    """Both junior lessons approved: the junior edition (print) holds reviewed pages only."""
    assert approve(kb, "js-one", "med-a", date).returncode == 0
    assert approve(kb, "js-two", "med-a", date).returncode == 0


def edit(kb, rel, old, new):
    path = kb / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def sphinx_build(kb, out: Path, **overrides) -> Path:
    """The fixture site (or an edition of it) built in this process, warnings are errors."""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from tools.model import data, editions, pages
    data._load_data.cache_clear()
    editions._load.cache_clear()
    pages._PAGE_CACHE.clear()
    warnings = io.StringIO()
    with patch_docutils(kb), docutils_namespace():
        app = Sphinx(str(kb), str(kb), str(out), str(out / ".doctrees"), "html", confoverrides=overrides,
                     status=None, warning=warnings, freshenv=True)
        app.build()
    assert warnings.getvalue() == "", warnings.getvalue()
    return out


def text_of(site: Path, doc: str) -> str:
    soup = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("div.body, article").get_text(" ", strip=True)


def test_release_twice_and_read_the_change_notes_back(kb, tmp_path):
    reviewed(kb)
    first = release(kb, "2026.1", "2026-02-01")
    assert first.returncode == 0, first.stderr
    assert "git tag -a v2026.1" in first.stdout and "已写出发布记录" in first.stdout
    assert not subprocess.run(["git", "-C", str(kb), "tag"], capture_output=True, text=True).stdout  # tags nothing
    from tools.model.releases import load_releases
    [r1], problems = load_releases(kb)
    assert problems == [] and r1.version == "2026.1" and r1.date == "2026-02-01"
    junior = r1.editions["junior-secondary"]
    assert junior.print and not junior.draft
    assert junior.pages == ("curriculum/junior-secondary/js-one", "curriculum/junior-secondary/js-two",
                            "source/glossary", "source/bibliography")
    assert r1.pages["curriculum/junior-secondary/js-one"].state == "reviewed"
    assert r1.pages["policies/leave"].state == "draft" and r1.facts["leave_days"]["value"] == "15 天"
    # between the releases: a word in one lesson, a fact, a lesson removed from the
    # edition, a review gained (the policy page) and one lost (js-one, changed again)
    edit(kb, JS_ONE, "请学生说出两种变化", "请学生说出三种变化")
    assert approve(kb, "js-one", "puberty-b", "2026-03-01").returncode == 0
    edit(kb, JS_ONE, "准备图片", "准备两张图片")  # after the review: lapsed
    edit(kb, "source/_data/facts.yml", "value: 15", "value: 20")
    edit(kb, "source/_data/editions.yml", "formats: [web, epub, pdf]}", "formats: [web, epub]}")  # not printed now
    edit(kb, JS_TWO, "audiences: [junior-secondary, educators]", "audiences: [educators]")
    assert approve(kb, LEAVE, "law-c", "2026-03-01").returncode == 0
    second = release(kb, "2026.2", "2026-06-01")
    assert second.returncode == 0, second.stderr
    notes = run("tools.release.notes", "--root", str(kb), "2026.2")
    assert notes.returncode == 0
    md = notes.stdout
    junior, educators = md.split("## 教师版")
    assert "2026.2 版（2026-06-01）与上一版 2026.1（2026-02-01）相比" in junior
    assert "### 删去的页面\n\n- 第二课" in junior
    assert "### 有改动的页面\n\n- 第一课：改动的小节：“课前准备”、“评估”" in junior
    assert "### 审核失效的页面（审核后有修改或改回草稿）\n\n- 第一课" in junior
    assert "数字" not in junior  # the junior edition uses no fact
    assert "### 数值有变化的数字\n\n- 示例假期：15 天 → 20 天" in educators
    assert "### 新通过审核的页面\n\n- 假期规定" in educators
    first_notes = run("tools.release.notes", "--root", str(kb), "2026.1").stdout
    assert "这是本书的第一个发布版本（2026.1，2026-02-01），收入 2 页（不计附录），其中已审核 2 页" in first_notes
    # the site: a version-notes page per release, linked from the downloads page
    site = sphinx_build(kb, tmp_path / "site")
    page = squash(text_of(site, "source/releases/2026.2"))
    assert "示例假期：15天→20天" in page and page.index("初中版") < page.index("教师版")
    downloads = BeautifulSoup((site / "source/downloads.html").read_text(encoding="utf-8"), "html.parser")
    links = [(a.get_text(), a["href"]) for a in downloads.select(".kb-release-list a")]
    assert links == [("2026.2 版版本说明", "releases/2026.2.html"), ("2026.1 版版本说明", "releases/2026.1.html")]
    # the version and its date in the site's footer (the theme's extra_footer)
    assert "版本 2026.2（2026-06-01 发布）" in footer(kb, tmp_path)


def footer(kb, tmp_path) -> str:
    from sphinx.testing.util import SphinxTestApp
    app = SphinxTestApp("html", srcdir=kb, builddir=tmp_path / "footer")
    try:
        return app.config.html_theme_options["extra_footer"] + f" release={app.config.release}"
    finally:
        app.cleanup()


def test_edition_appendix_compares_with_the_release_before(kb, tmp_path):
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    from tools.model import load_editions
    from tools.model.editions import _load
    _load.cache_clear()
    assert load_editions(kb)["junior-secondary"].appendices[0] != "source/changes"  # one release: no appendix
    edit(kb, JS_TWO, "自然变化", "正常变化")
    assert approve(kb, "js-two", "med-a", "2026-05-01").returncode == 0
    assert release(kb, "2026.2", "2026-06-01").returncode == 0
    _load.cache_clear()
    assert load_editions(kb)["junior-secondary"].appendices == ("source/changes", "source/glossary",
                                                                "source/bibliography")
    site = sphinx_build(kb, tmp_path / "edition", kb_edition_audience="junior-secondary")
    text = squash(text_of(site, "source/changes"))
    assert "2026.2版与2026.1版相比" in text and "第二课：改动的小节：“学习目标”" in text
    contents = text_of(site, "source/edition")
    assert contents.index("与上一版相比") < contents.index("术语表")  # the first appendix
    # the full site has version notes instead
    full = sphinx_build(kb, tmp_path / "site")
    assert not (full / "source" / "changes.html").exists()


@pytest.mark.parametrize("case", ["exists", "older", "format", "bad-record", "bad-name", "checker", "draft-in-print",
                                  "lapsed-in-print"])
def test_release_refuses_and_writes_nothing(kb, case):
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    version, words = "2026.2", ""
    if case == "exists":
        version, words = "2026.1", "版本 2026.1 已经发布过了"
    elif case == "older":
        version, words = "2025.3", "不比最新的版本 2026.1 新"
    elif case == "format":
        version, words = "v2026-2", "版本号 'v2026-2' 的写法不对"
    elif case == "bad-record":
        edit(kb, "source/_data/releases/2026.1.yml", "date: '2026-02-01'\n", "date: [2026-02-01\n")
        words = "source/_data/releases/2026.1.yml:4: 发布记录读不出来：YAML 格式有误"
    elif case == "bad-name":
        (kb / "source/_data/releases/latest.yml").write_text("version: '2026.1'\n", encoding="utf-8")
        words = "source/_data/releases/latest.yml:1: 发布记录的文件名 latest.yml 不是版本号"
    elif case == "checker":
        edit(kb, LEAVE, "sources: [pfpl-2001]", "sources: [no-such-source]")
        words = "检查发现 1 个错误"
    elif case == "draft-in-print":
        edit(kb, JS_TWO, "status: reviewed", "status: draft")
        words = f"{JS_TWO}:6  第二课（草稿 · 未经审核）"
    elif case == "lapsed-in-print":
        edit(kb, JS_TWO, "自然变化", "正常变化")
        words = "第二课（审核后有修改）"
    before = snapshot(kb)
    proc = release(kb, version, "2026-06-01")
    assert proc.returncode == 1 and proc.stderr.startswith("没有发布：") and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(kb) == before
    assert not list((kb / "source/_data/releases").glob(".release-*"))  # no staging left behind


def test_draft_edition_may_hold_drafts_and_says_so_everywhere(kb, tmp_path):
    """A draft edition (editions.yml: draft: true) is released with draft
    pages; its cover and every page say 试用版, in every format."""
    proc = release(kb, "2026.1", "2026-02-01")
    assert proc.returncode == 1 and "初中版" in proc.stderr and "draft: true" in proc.stderr
    edit(kb, "source/_data/editions.yml", "formats: [web, epub, pdf]}", "formats: [web, epub, pdf], draft: true}")
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    from tools.model import load_editions
    from tools.model.editions import _load
    _load.cache_clear()
    edition = load_editions(kb)["junior-secondary"]
    assert edition.draft
    from tools.publish.cover import cover_stamp
    assert cover_stamp(edition, kb) == ["试用版", "版本 2026.1（2026-02-01 发布）"]
    site = sphinx_build(kb, tmp_path / "edition", kb_edition_audience="junior-secondary")
    for doc in ("curriculum/junior-secondary/js-one", "curriculum/junior-secondary/js-two", "source/glossary"):
        assert "试用版：本书收入了尚未经过专家审核" in text_of(site, doc), doc
    assert "草稿：本页尚未经过专家审核" in text_of(site, "curriculum/junior-secondary/js-one")
    from tools.model import load_corpus, load_data
    from tools.model.review import edition_marks
    corpus = load_corpus(kb, load_data(kb))
    marks = edition_marks(edition, corpus, ["curriculum/junior-secondary/js-one", "source/glossary"])
    assert marks == {"curriculum/junior-secondary/js-one": "试用版 · 草稿 · 未经审核", "source/glossary": "试用版"}


def test_release_record_that_does_not_fit_is_reported_at_its_line(kb):
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    edit(kb, "source/_data/releases/2026.1.yml", "    state: reviewed", "    state: approved")
    proc = run("tools.check.__main__", "--root", str(kb))
    assert proc.returncode == 1
    line = next(i for i, text in enumerate(
        (kb / "source/_data/releases/2026.1.yml").read_text(encoding="utf-8").split("\n"), 1) if "approved" in text)
    assert re.search(rf"source/_data/releases/2026\.1\.yml:{line}:1: REL001 error: 发布记录不符合格式", proc.stdout), \
        proc.stdout
    from tools.model.releases import load_releases
    assert load_releases(kb)[0] == []  # left out: the build carries no version it cannot read


def test_release_version_comes_from_the_latest_record(kb, monkeypatch):
    from tools import buildinfo
    monkeypatch.delenv("KB_RELEASE", raising=False)
    assert buildinfo.release(kb) == "0.1.0" and buildinfo.release_date(kb) is None
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    assert release(kb, "2026.10", "2026-03-01").returncode == 0  # 2026.10 is newer than 2026.2 would be
    assert buildinfo.release(kb) == "2026.10" and buildinfo.release_label(kb) == "2026.10（2026-03-01 发布）"
    monkeypatch.setenv("KB_RELEASE", "2026.11-rc")
    assert buildinfo.release(kb) == "2026.11-rc" and buildinfo.release_date(kb) is None


def test_word_files_carry_the_release(kb, monkeypatch):
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0
    monkeypatch.setenv("KB_SOURCE_DIR", str(kb))
    monkeypatch.delenv("KB_RELEASE", raising=False)
    from tools.publish.docx import release_metadata
    assert release_metadata() == ["--metadata=subject:版本 2026.1（2026-02-01 发布）", "--metadata=version:2026.1",
                                  "--metadata=release-date:2026-02-01"]


@pytest.mark.slow
def test_edition_of_reviewed_pages_has_no_draft_marks_in_any_format(kb, tmp_path):
    """Built by the publisher as make edition builds it: web, EPUB and PDF
    of the junior edition, every page reviewed (the appendices are site
    pages): no draft mark anywhere, the reviewed mark on each lesson, the
    version and date on the colophon and in the EPUB metadata. Then one
    lesson changes: 审核后有修改 in every format."""
    reviewed(kb)
    assert release(kb, "2026.1", "2026-02-01").returncode == 0

    def build():
        out = tmp_path / f"build{len(list(tmp_path.glob('build*')))}"
        proc = subprocess.run([sys.executable, "-m", "tools.publish", "--source", str(kb), "--audience",
                               "junior-secondary", "--jobs", "1"], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "KB_BUILD_DIR": str(out), "KB_RELEASE": ""})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        html = " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                        for p in (out / "web" / "junior-secondary").rglob("*.html"))
        with zipfile.ZipFile(out / "epub" / "junior-secondary.epub") as z:
            epub = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xhtml", ".opf")))
        pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "pdf" / "junior-secondary.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
        return html, epub, pdf

    for name, text in zip(("web", "epub", "pdf"), build()):
        for word in ("草稿·未经审核", "草稿：", "审核后有修改", "试用版", "kb-draft-notice"):
            assert word not in squash(text), (name, word)
        assert "已审核：医学审核医学审核甲，2026-01-05" in squash(text), name
    edit(kb, JS_ONE, "准备图片", "准备两张图片")
    html, epub, pdf = build()
    assert "<dc:description>学生读本（版本 2026.1（2026-02-01 发布））</dc:description>" in epub
    assert "版本2026.1（2026-02-01发布）" in squash(pdf)  # the colophon
    for name, text in (("web", html), ("epub", epub), ("pdf", pdf)):
        assert "审核后有修改：本页在2026-01-05审核之后有改动" in squash(text), name
        assert squash(text).count("已审核：") == 1, name  # js-two keeps its mark, js-one lost it
    # the print marks come from the page's state: a lapsed page is 审核后有修改,
    # never 草稿 (the running head of its continuation pages says the same)
    assert "草稿·未经审核" not in squash(pdf)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)

"""The knowledge-base Sphinx extensions on tiny fixture projects (tests/roots)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warnings(app) -> str:
    return ANSI.sub("", app.warning.getvalue())


def html(app, docname: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_clean_build_and_generated_pages(app):
    app.build()
    assert warnings(app) == ""
    home = html(app, "source/index")
    # kb-pages: lessons grouped by age band, ordered by `order`
    items = [a.get_text() for a in home.select("div.body ul li a")]
    assert items.index("第一课") < items.index("第二课")
    # lesson matrix: a table with the key concept as a column
    matrix = home.select_one("table.kb-lesson-matrix")
    assert matrix is not None and "人体与发育" in matrix.get_text()
    # policy timeline: three dated events in order
    timeline = [r.get_text(" ", strip=True) for r in home.select("table.kb-timeline tbody tr")]
    assert [t.split()[0] for t in timeline] == ["2001-12-29", "2015-12-27", "2021-08-20"]


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_lesson_features(app):
    app.build()
    page = html(app, "curriculum/a-first")
    text = page.get_text()
    assert "假期为 15 天" in text  # facts registry substitution
    assert page.select_one("a[href*='glossary']") is not None  # {term}
    assert page.select_one(".kb-cite a[href*='bibliography.html#bib-unesco-itgse-2018']") is not None
    assert "International technical guidance" in page.select_one("ul.kb-references").get_text()
    assert "活动\uff1a小组讨论\uff0810 分钟\uff09" in text
    assert "草稿" in page.select_one(".kb-draft-notice").get_text()
    # the full site shows every box
    for marker in ("TEACHER-ONLY-MARKER", "ANSWER-KEY-MARKER", "PARENTS-ONLY-MARKER", "HELP-MARKER"):
        assert marker in text


# Edition filtering (teacher material, answer keys, passages for other
# audiences) is tested on the edition fixture: tests/test_ext_editions.py.


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_help_box_prints_the_national_numbers_from_the_data(app):
    """The help lines come from helplines.yml and the facts registry, in
    order, after what the author wrote, with one write-in line for the school."""
    app.build()
    box = html(app, "curriculum/a-first").select_one(".kb-help-box")
    lines = [li.get_text(" ", strip=True) for li in box.select(".kb-helplines li")]
    assert lines[0].startswith("110") and "报警电话" in lines[0]
    assert lines[1].startswith("12356") and "心理援助热线" in lines[1]
    assert lines[2].startswith("本地求助热线") and "\uff3f" in lines[2] and "由学校填写" in lines[2]
    assert box.get_text().index("HELP-MARKER") < box.get_text().index("110")


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_editor_notes_are_never_printed(app):
    app.build()
    assert warnings(app) == ""
    page = html(app, "curriculum/a-first")
    assert "EDITOR-NOTE-MARKER" not in str(page)  # not in the text, not in an HTML comment


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_policy_status_box(app):
    app.build()
    box = html(app, "policies/pfpl").select_one(".kb-policy-status")
    assert box is not None
    assert "现行有效" in box.get_text() and "2015-12-27" in box.get_text()


@pytest.mark.sphinx("html", testroot="frontmatter", freshenv=True)
def test_front_matter_errors_name_file_and_line(app):
    app.build()
    w = warnings(app)
    # unknown audience id, at the line of the audiences field
    assert re.search(r"curriculum/a-first\.md:5: WARNING: audiences 中的读者 'teachers' 不存在。 — ", w)
    # broken YAML, at the offending line of the file
    assert re.search(r"curriculum/b-second\.md:13: WARNING: 元数据：YAML 格式有误", w), w


@pytest.mark.sphinx("html", testroot="kb", freshenv=True)
def test_write_in_lines_and_lesson_terms(app):
    """练一练 gets full-measure lines to write on; 词语 lists the glossary terms
    the lesson links to, with their definitions from terms.yml."""
    app.build()
    assert warnings(app) == ""
    page = html(app, "curriculum/a-first")
    assert len(page.select(".kb-write-in .kb-write-line")) == 3
    terms = page.select_one("dl.kb-lesson-terms")
    assert terms is not None
    assert [dt.get_text(strip=True) for dt in terms.select("dt")] == ["青春期"]
    assert terms.select_one("dd").get_text(strip=True)
    ruby = page.select_one("ruby")
    assert ruby is not None and ruby.select_one("rt").get_text() == "gāo wán" and ruby.get_text().startswith("睾丸")

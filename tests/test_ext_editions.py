"""Edition filtering on a fixture project, one test per rule: which pages
(audience and age band), which boxes and sections (teacher material), which
links (a link to a left-out page)."""
from __future__ import annotations

import re

import pytest

from test_ext_kb import html, warnings

JUNIOR = pytest.mark.sphinx("html", testroot="edition", freshenv=True,
                            confoverrides={"kb_edition_audience": "junior-secondary"})
EDUCATORS = pytest.mark.sphinx("html", testroot="edition", freshenv=True,
                               confoverrides={"kb_edition_audience": "educators"})


def built(app) -> set[str]:
    return {p.relative_to(app.outdir).as_posix() for p in app.outdir.rglob("*.html")}


@JUNIOR
def test_left_out_link_is_an_error_naming_the_edition(app):
    app.build()
    w = warnings(app)
    # b-second links to policies/pfpl, which the junior edition leaves out
    assert re.search(r"curriculum/b-second\.md:\d+: WARNING: 链接的页面 policies/pfpl 不在“初中版”版中", w), w
    assert "policies/pfpl.html" not in built(app)
    page = html(app, "curriculum/b-second")
    assert not [a for a in page.find_all("a", href=True) if "pfpl" in a["href"]]  # no dead link
    assert "下一步学习见" in page.get_text()


@JUNIOR
def test_teacher_material_left_out_for_learners(app):
    app.build()
    text = html(app, "curriculum/a-first").get_text()
    for marker in ("TEACHER-ONLY-MARKER", "ANSWER-KEY-MARKER", "TEACHING-PLAN-MARKER", "PARENTS-ONLY-MARKER"):
        assert marker not in text, marker
    assert "HELP-MARKER" in text  # boxes for everyone stay
    # the teacher's plan is gone before the contents are collected: no
    # table of contents (web, EPUB navigation) points at the removed section
    assert "教学过程" not in app.env.tocs["curriculum/a-first"].astext()


@JUNIOR
def test_age_band_keeps_other_lessons_out(app):
    app.build()
    # c-senior lists junior-secondary among its audiences by mistake, but its
    # age band 15-18 is not one of the junior edition's
    assert "curriculum/a-first.html" in built(app)
    assert "curriculum/c-senior.html" not in built(app)
    contents = html(app, "source/edition").get_text()
    assert contents.index("第一课") < contents.index("第二课")
    assert "高中" not in contents


@EDUCATORS
def test_educator_edition_keeps_everything(app):
    app.build()
    assert warnings(app) == ""
    assert {"curriculum/a-first.html", "curriculum/c-senior.html", "policies/pfpl.html"} <= built(app)
    text = html(app, "curriculum/a-first").get_text()
    for marker in ("TEACHER-ONLY-MARKER", "ANSWER-KEY-MARKER", "TEACHING-PLAN-MARKER"):
        assert marker in text, marker
    assert "PARENTS-ONLY-MARKER" not in text  # a passage for parents only
    assert "教学过程" in app.env.tocs["curriculum/a-first"].astext()
    # editors' notes are printed in no edition, the educators' included
    assert "EDITOR-NOTE-MARKER" not in str(html(app, "curriculum/a-first"))

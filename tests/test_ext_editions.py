"""Edition filtering on a fixture project: which pages, which boxes, which links."""
from __future__ import annotations

import re

import pytest

from test_ext_kb import html, warnings


@pytest.mark.sphinx("html", testroot="edition", freshenv=True,
                    confoverrides={"kb_edition_audience": "junior-secondary"})
def test_junior_edition(app):
    app.build()
    w = warnings(app)
    # a link to a page the edition leaves out is an error at file:line, naming the edition
    assert re.search(r"curriculum/b-second\.md:\d+: WARNING: 链接的页面 policies/pfpl 不在“初中版”版中", w), w
    built = {p.relative_to(app.outdir).as_posix() for p in app.outdir.rglob("*.html")}
    assert "curriculum/a-first.html" in built
    # age band: a senior lesson listed for juniors by mistake stays out of the junior edition
    assert "curriculum/c-senior.html" not in built
    assert "policies/pfpl.html" not in built
    text = html(app, "curriculum/a-first").get_text()
    assert "TEACHER-ONLY-MARKER" not in text and "ANSWER-KEY-MARKER" not in text
    contents = html(app, "source/edition").get_text()
    assert contents.index("第一课") < contents.index("第二课")


@pytest.mark.sphinx("html", testroot="edition", freshenv=True,
                    confoverrides={"kb_edition_audience": "educators"})
def test_educator_edition(app):
    app.build()
    assert warnings(app) == ""
    built = {p.relative_to(app.outdir).as_posix() for p in app.outdir.rglob("*.html")}
    assert {"curriculum/a-first.html", "curriculum/c-senior.html", "policies/pfpl.html"} <= built
    assert "TEACHER-ONLY-MARKER" in html(app, "curriculum/a-first").get_text()

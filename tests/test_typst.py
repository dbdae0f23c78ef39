"""The typst builder on the edition fixture project: the book it writes,
what it leaves out, hostile text, unknown nodes, and the text helpers."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docutils import nodes

from test_ext_kb import warnings
from tools.extensions.kb_typst import escape
from tools.extensions.kb_typst.translator import UnknownNode, _column_weights, tied_markup, title_words

JUNIOR = pytest.mark.sphinx("typst", testroot="edition", freshenv=True,
                            confoverrides={"kb_edition_audience": "junior-secondary"})
EDUCATORS = pytest.mark.sphinx("typst", testroot="edition", freshenv=True,
                               confoverrides={"kb_edition_audience": "educators"})


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def typeset(app, tmp_path) -> str:
    from tools.publish.pdf import typeset as run
    out = tmp_path / "book.pdf"
    run(Path(app.outdir) / "book.typ", out)
    return pdf_text(out)


@JUNIOR
def test_book_of_a_learner_edition(app, tmp_path):
    app.build()
    # the fixture's b-second links to a page the junior book leaves out
    assert [w for w in warnings(app).splitlines() if "WARNING" in w and "AUD002" not in w] == []
    book = (Path(app.outdir) / "book.typ").read_text(encoding="utf-8")
    assert book.count("#kb-chapter(") == 4  # two lessons, glossary, bibliography
    # the running head's mark comes from each page's review state: the draft
    # lessons are marked, the site pages (glossary, bibliography) are not
    marks = re.findall(r'#kb-chapter\(.*?mark: "([^"]*)"', book)
    assert marks.count("草稿 · 未经审核") == 2 and marks.count("") == 2, marks
    assert "TEACHER-ONLY-MARKER" not in book and "ANSWER-KEY-MARKER" not in book
    assert "#kb-box(\"help-box\"" in book
    for name in ("kb.typ", "kb-boxes.typ", "kb-cover.typ", "cover.typ"):
        assert (Path(app.outdir) / name).exists(), name  # the templates travel with the book
    text = re.sub(r"\s+", "", typeset(app, tmp_path))
    assert "第一课" in text and "第二课" in text and "HELP-MARKER" in text
    assert "下一步学习见" in text  # a link to a page the book leaves out keeps its words
    assert "草稿：本页尚未经过专家审核" in text  # the draft notice of each draft page
    assert "\u2060" not in text  # titles are tied without characters a search would trip on


@EDUCATORS
def test_book_of_the_educators_edition(app, tmp_path):
    app.build()
    assert warnings(app) == ""
    text = typeset(app, tmp_path)
    for marker in ("TEACHER-ONLY-MARKER", "ANSWER-KEY-MARKER"):
        assert marker in text, marker
    assert "PARENTS-ONLY-MARKER" not in text


HOSTILE = '#import "/etc/x.typ": *] \\ #read("/etc/passwd") $x^2$ <lbl> @ref *a* _b_ `c` = - + / ~'


@pytest.mark.sphinx("typst", testroot="edition", freshenv=True, srcdir="typst-hostile",
                    confoverrides={"kb_edition_audience": "junior-secondary"})
def test_contributor_text_is_never_typst_code(app, tmp_path):
    page = Path(app.srcdir) / "curriculum" / "a-first.md"
    source = page.read_text(encoding="utf-8")
    # in MyST, a backslash before punctuation is an escape: double it to keep one
    myst = HOSTILE.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")
    source = source.replace("## 学习目标\n", "## 学习目标\n\n段落 " + myst + " 结束。\n\n## 标题 " + myst + "\n\n正文。\n")
    page.write_text(source, encoding="utf-8")
    app.build()
    text = typeset(app, tmp_path)
    flat = re.sub(r"\s+", "", text)
    needle = re.sub(r"\s+", "", HOSTILE)
    assert flat.count(needle) >= 2, text[:2000]  # the title and the paragraph, printed as written
    assert "root:" not in text  # nothing was read


@JUNIOR
def test_unknown_node_is_an_error_with_its_place(app):
    app.build()

    class mystery(nodes.Element):
        pass

    from sphinx.util.docutils import new_document
    doc = new_document("curriculum/a-first.md")
    para = nodes.paragraph()
    node = mystery()
    node.source, node.line = "curriculum/a-first.md", 7
    para += node
    doc += para
    translator = app.builder.create_translator(doc, app.builder)
    with pytest.raises(UnknownNode, match=r"curriculum/a-first\.md:7: .*mystery"):
        doc.walkabout(translator)


def test_string_literal_escapes():
    assert escape.string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert escape.markup("") == ""
    assert escape.markup("#read(\"x\")") == '#"#read(\\"x\\")";'
    assert escape.string("a\x00b\x1bc") == '"abc"'  # control characters dropped


def _tgroup(rows: list[list[str]]) -> nodes.tgroup:
    group = nodes.tgroup(cols=len(rows[0]))
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for text in cells:
            row += nodes.entry("", nodes.paragraph(text, text))
        body += row
    group += body
    return group


def test_table_columns_by_how_wide_their_text_is():
    # a school's schedule: the term (six Chinese characters) keeps its own width,
    # the lesson title takes what is left, a Chinese character counts as two
    schedule = _tgroup([["学期", "周次", "课", "分钟"],
                        ["七年级上学期", "第 11 周", "同意与身体界限：识别和应对骚扰与侵害", "45"]])
    assert _column_weights(schedule) == [None, None, 36, None]
    # long text in two columns: shared out by width, a long entry capped
    assert _column_weights(_tgroup([["数字", "含义"], ["9 万多人次", "直接受益的学生" * 10]])) == [None, 56]
    assert _column_weights(_tgroup([["甲" * 8, "乙" * 20]])) == [16, 40]
    # only short entries: shared out evenly enough, never all auto
    assert _column_weights(_tgroup([["是", "否"], ["1", "2"]])) == [4, 4]


def test_white_space_like_a_reader():
    # a line break between two Chinese characters disappears; others become a space
    assert escape.collapse(["青春\n期", "的 WHO\n数据"]) == ["青春期", "的 WHO 数据"]
    assert escape.collapse(["上完这节课，\n", "你能够"]) == ["上完这节课，", "你能够"]
    assert escape.collapse(["a  b\n", "c"]) == ["a b ", "c"]


def test_titles_break_between_words_only():
    # the site's search, built earlier in the same process (make editions),
    # does not change how a title is cut: its words stay in its own tokenizer
    from tools.extensions.kb_search import SearchChineseKB
    SearchChineseKB.words = frozenset({"过早怀孕"})
    try:
        search = SearchChineseKB({})
        assert "过早怀孕" in search.split("过早怀孕的风险")
    finally:
        SearchChineseKB.words = frozenset()
    words = title_words("过早怀孕的风险")
    assert "".join(w for w, _ in words) == "过早怀孕的风险"
    assert ("怀孕", True) in words and ("风险", True) in words
    assert tied_markup("过早怀孕的风险").count("#box(") == len([w for w, tied in words if tied])


CRAFTED = "青春期是从儿童发育为成人的阶段身体和心理都会发生变化我们要学会照顾自己"


def _paragraphs() -> str:
    # the last of these would end on a line of one character if nothing prevented it
    para = (CRAFTED * 3)[:71] + "。"
    return "\n\n".join([para] * 6 + [CRAFTED * 6 + "。"] * 6)


@pytest.mark.parametrize("good", [True, False], ids=["book", "untreated"])
def test_typography_check_sees_what_a_typesetter_sees(tmp_path, good):
    """The same paragraphs set with the book's rules pass the check; set
    plainly (no indent, ragged, no runt cost) they do not."""
    from tools.extensions.kb_typst.builder import REPOSITORY_TEMPLATES
    from tools.publish.pdf import typeset
    from tools.publish.typocheck import check
    for template in REPOSITORY_TEMPLATES.glob("*.typ"):
        (tmp_path / template.name).write_bytes(template.read_bytes())
    if good:
        head = ('#import "kb.typ": *\n#show: book.with(title: "t", subtitle: "s", publisher: "p", paper: "iso-b5",'
                ' type-size: 10.5pt, line-chars: 36)\n#kb-chapter([章], plain: "章")\n')
    else:
        head = ('#set document(title: "t")\n#set page(width: 378pt + 40mm, height: 250mm, margin: 20mm)\n'
                '#set text(font: "Noto Serif CJK SC", lang: "zh", size: 10.5pt, costs: (runt: 0%))\n'
                '#set par(spacing: 0.65em, first-line-indent: (amount: 2em, all: true))\n'
                '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十\\\n，行首的逗号。\n\n')
    (tmp_path / "t.typ").write_text(head + _paragraphs() + "\n", encoding="utf-8")
    out = tmp_path / "t.pdf"
    typeset(tmp_path / "t.typ", out)
    findings = check(out)
    if good:
        assert findings == []
    else:
        kinds = {f.split(": ", 1)[1][:4] for f in findings}
        assert {"行首是标", "段落末行"} <= kinds, findings

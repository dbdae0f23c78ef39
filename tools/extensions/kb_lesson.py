"""The lesson header card: what a teacher needs before deciding to use a
lesson, under its title on the web page, from its front matter.

- 适用年级 (the age band's grades in ``age_bands.yml``: 初一–初三), 年龄,
  课时 (``duration_minutes``), 主题 (ITGSE topics, ``concepts.yml``),
  核心概念, 最后更新 (``updated``) and, when reviewed, the reviewer, 状态;
- 打印本课 (the browser's print, with ``kb-print.css``: headings kept with
  what follows, write-in rows tall enough for a pen, the worksheet on its
  own page) and 下载学生活动单 as Word and PDF, when the edition build has
  written them (``kb_downloads`` publishes them beside the site).

Only the web site shows the card (a post-transform for the HTML builder):
the books print the lesson as it is. Every value is text in docutils nodes,
so the HTML writer escapes it.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ._util import kb_pages

STATUS = {"draft": "草稿（尚未经过专家审核）", "reviewed": "已审核"}
FORMAT_LABELS = {"docx": "Word", "pdf": "PDF"}


class kb_print_button(nodes.Inline, nodes.Element):
    """The 打印本课 button (needs the browser's script, so hidden without it)."""


def visit_print_button(self, node):
    self.body.append('<button type="button" class="btn kb-print-button pst-js-only">打印本课</button>')
    raise nodes.SkipNode


def _size(n: int) -> str:
    return f"{max(1, round(n / 1024))} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def card(app: Sphinx, docname: str, page) -> nodes.container:
    """The card of one lesson, as docutils nodes."""
    data = app.kb_data
    m = page.meta
    band = str(m.get("age_band", ""))
    facts = nodes.definition_list(classes=["kb-lesson-facts"])

    def fact(label, value):
        if value:
            item = nodes.definition_list_item()
            item += nodes.term(label, label)
            definition = nodes.definition()
            definition += nodes.paragraph(value, value)
            item += definition
            facts.append(item)

    band_entry = data.age_bands.get(band, {})
    fact("适用年级", data.grade_range(band))
    fact("年龄", band_entry.get("name", band))
    if m.get("duration_minutes"):
        fact("课时", f"{m['duration_minutes']} 分钟")
    topics = [f"{t} {data.topics[t]['name']}" if t in data.topics else str(t) for t in m.get("topics") or ()]
    fact("主题", "；".join(topics))
    concepts = [data.key_concepts[k]["name"] if k in data.key_concepts else str(k) for k in m.get("key_concepts") or ()]
    fact("核心概念", "、".join(concepts))
    if m.get("status") == "reviewed" and m.get("reviewer"):
        fact("最后审核", f"{m.get('updated', '')}（{m['reviewer']}）")
    else:
        fact("最后更新", str(m.get("updated", "")))
    fact("状态", STATUS.get(m.get("status"), str(m.get("status", ""))))

    box = nodes.container(classes=["kb-lesson-card"])
    box += facts
    actions = nodes.paragraph(classes=["kb-lesson-actions"])
    actions += kb_print_button()
    from .kb_downloads import worksheets_for
    sheets = worksheets_for(app, docname)
    for fmt in ("docx", "pdf"):
        if fmt not in sheets:
            continue
        rel, size = sheets[fmt]
        up = "../" * docname.count("/")
        text = f"下载学生活动单（{FORMAT_LABELS[fmt]}，{_size(size)}）"
        actions += nodes.reference(text, text, refuri=f"{up}{rel}", classes=["btn", "kb-worksheet-download",
                                                                              f"kb-worksheet-{fmt}"])
    box += actions
    return box


class LessonCard(SphinxPostTransform):
    """Put the card under the title of every lesson page (web builds only)."""

    default_priority = 120
    builders = ("html", "dirhtml")

    def run(self, **kwargs) -> None:
        docname = self.env.docname
        page = kb_pages(self.env).get(docname)
        if page is None or page.meta.get("type") != "lesson":
            return
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None:
            return
        title_index = section.first_child_matching_class(nodes.title)
        section.insert((title_index or 0) + 1, card(self.app, docname, page))


def _lesson_script(app, pagename, templatename, context, doctree):
    page = kb_pages(app.env).get(pagename)
    if app.builder.name != "html" or page is None or page.meta.get("type") != "lesson":
        return
    from sphinx.builders.html._assets import _JavaScript
    context["script_files"] = [*context.get("script_files", []),
                               _JavaScript("_static/kb-lesson.js", priority=800, defer="defer")]


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.setup_extension("tools.extensions.kb_downloads")
    app.add_node(kb_print_button, html=(visit_print_button, None))
    app.add_post_transform(LessonCard)
    app.connect("html-page-context", _lesson_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

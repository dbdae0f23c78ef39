"""Content boxes of a lesson: activities, handouts, teacher notes and more.

Each directive renders its MyST body inside a titled admonition with the
classes ``kb-box kb-<name>`` so that the web theme, EPUB and print CSS style
it. Teacher-only boxes (``teacher-note``, ``answer-key``) and passages for
named audiences (``for-audience``) are filtered per edition: when
``kb_edition_audience`` names a learner audience, they are removed from the
doctree before anything is written.

A ``help-box`` prints, after what its author wrote, the national help lines
of ``source/_data/helplines.yml`` (numbers from the facts registry, read
through :mod:`tools.model`) and one write-in line for the school's own
service, so every box gives the same numbers and a number is corrected in
one place. An ``editor-note`` (what is still to verify, an editor's remark)
is never printed: every build drops it, and the checker lists it.

Directives: ``activity`` (``:minutes:`` required), ``handout``,
``teacher-note``, ``answer-key``, ``parent-note``, ``help-box``,
``history-note``, ``for-audience``, ``editor-note``.
"""
from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ._util import logger

#: name -> (title, audience roles that see it; None = everyone)
BOXES = {
    "teacher-note": ("教师提示", ("educator",)),
    "answer-key": ("参考答案（仅供教师）", ("educator",)),
    "parent-note": ("给家长的话", None),
    "help-box": ("需要帮助时", None),
    "history-note": ("历史背景", None),
}


class kb_box(nodes.admonition):
    """An admonition that remembers which audiences may see it."""


def _box(directive: SphinxDirective, name: str, title: str, roles=None, audiences=None) -> list[nodes.Node]:
    node = kb_box(classes=["kb-box", f"kb-{name}"])
    node["kb_kind"] = name
    node["kb_roles"] = list(roles or ())
    node["kb_audiences"] = list(audiences or ())
    directive.set_source_info(node)
    title_node = nodes.title(title, title)
    node += title_node
    directive.state.nested_parse(directive.content, directive.content_offset, node)
    # A line of underscores inside a box is a writing line on a handout, not a
    # section break (docutils does not allow transitions inside a box).
    for rule in list(node.findall(nodes.transition)):
        rule.replace_self(nodes.paragraph("", "\u00a0", classes=["kb-write-line"]))
    return [node]


class BoxDirective(SphinxDirective):
    has_content = True
    optional_arguments = 0

    def run(self):
        title, roles = BOXES[self.name]
        return _box(self, self.name, title, roles)


HELPLINES_TITLE = "求助电话"


def _blank(width: int = 8) -> nodes.inline:
    return nodes.inline("", "\uff3f" * width, classes=["kb-blank"])


def helpline_nodes(data) -> nodes.container | None:
    """The national help lines and the school's local line, as docutils nodes
    (so every builder prints them). ``None`` when no help lines are defined."""
    if data is None or (not data.helplines and data.local_helpline is None):
        return None
    box = nodes.container(classes=["kb-helplines"])
    heading = nodes.paragraph(classes=["kb-helplines-title"])
    heading += nodes.strong(HELPLINES_TITLE, HELPLINES_TITLE)
    box += heading
    items = nodes.bullet_list(classes=["kb-helplines-list"])
    for line, fact in data.helpline_numbers():
        if fact is None:
            continue  # reported by the checker (HELP010) and at build start
        number = fact.display()
        para = nodes.paragraph()
        para += nodes.strong(number, number, classes=["kb-helpline-number"])
        text = f" {line.name}：{line.when}"
        para += nodes.Text(text)
        items += nodes.list_item("", para)
    local = data.local_helpline
    if local is not None:
        para = nodes.paragraph(classes=["kb-helpline-local"])
        para += nodes.Text(f"{local.name}：")
        para += _blank()
        if local.note:
            para += nodes.Text(f"（{local.note}）")
        items += nodes.list_item("", para)
    box += items
    return box


class HelpBoxDirective(SphinxDirective):
    """Where to get help: the author's text, then the help lines from the data."""

    has_content = True

    def run(self):
        title, roles = BOXES[self.name]
        result = _box(self, self.name, title, roles)
        lines = helpline_nodes(getattr(self.env.app, "kb_data", None))
        if lines is not None:
            result[0] += lines
        return result


class EditorNoteDirective(SphinxDirective):
    """An editor's note kept beside the text it concerns and never printed:
    what is still to verify (待核实), where a figure was checked. The checker
    lists every one (``python -m tools.check --notes``)."""

    has_content = True
    optional_arguments = 0

    def run(self):
        return []


class ActivityDirective(SphinxDirective):
    """A participatory activity: ``:::{activity} 名称`` with ``:minutes: 10``."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"minutes": directives.positive_int}

    def run(self):
        minutes = self.options.get("minutes")
        if minutes is None:
            logger.warning("活动缺少时长 — 在活动名称下一行写 :minutes: 10 这样的分钟数",
                           location=self.get_location(), type="kb", subtype="ACT001")
            title = f"活动：{self.arguments[0]}"
        else:
            title = f"活动：{self.arguments[0]}（{minutes} 分钟）"
        nodes_ = _box(self, "activity", title)
        nodes_[0]["kb_minutes"] = minutes or 0
        return nodes_


class HandoutDirective(SphinxDirective):
    """A student worksheet that prints on its own page."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        return _box(self, "handout", f"学生活动单：{self.arguments[0]}")


class ForAudienceDirective(SphinxDirective):
    """A passage only for the audiences named in the argument."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        ids = self.arguments[0].split()
        known = getattr(self.env.app, "kb_data", None)
        names = []
        for aid in ids:
            aud = known.audiences.get(aid) if known else None
            if aud is None:
                logger.warning(f"for-audience 中的读者 {aid!r} 不存在 — 可用的 id 见 source/_data/audiences.yml",
                               location=self.get_location(), type="kb", subtype="FM003")
            names.append(aud.name if aud else aid)
        return _box(self, "for-audience", "仅供" + "、".join(names), audiences=ids)


def blank_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{blank}`8``` — a write-in space of 8 characters on a handout.

    Drawn with full-width low lines so it shows as a line in every format
    (web, EPUB, PDF and DOCX) without depending on a style sheet.
    """
    try:
        width = max(2, min(40, int(text.strip() or 8)))
    except ValueError:
        msg = inliner.reporter.warning(f"blank 的宽度应是数字，例如 {{blank}}`8`:{text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    return [nodes.inline(rawtext, "\uff3f" * width, classes=["kb-blank"])], []


def untitle_repeated_boxes(app: Sphinx, doctree: nodes.document) -> None:
    """A box directly under a section of the same name (## 给家长的话 then a
    parent-note box) does not repeat the name as its own title."""
    for box in doctree.findall(kb_box):
        section = box.parent
        if not isinstance(section, nodes.section) or not len(box) or not isinstance(box[0], nodes.title):
            continue
        heading = section[0] if len(section) and isinstance(section[0], nodes.title) else None
        if heading is not None and heading.astext() == box[0].astext():
            box.remove(box[0])
            box["classes"].append("kb-untitled")


def filter_for_edition(app: Sphinx, doctree: nodes.document) -> None:
    """Drop boxes the edition's audience must not see."""
    audience_id = app.config.kb_edition_audience
    if not audience_id:
        return
    audience = app.kb_data.audiences.get(audience_id)
    role = audience.role if audience else None
    for node in list(doctree.findall(kb_box)):
        roles, auds = node["kb_roles"], node["kb_audiences"]
        if (roles and role not in roles) or (auds and audience_id not in auds):
            node.parent.remove(node)
    edition = getattr(app, "kb_edition", None)
    if edition is not None and role != "educator" and edition.educator_sections:
        # the teacher's plan of a lesson (preparation, procedure, notes)
        for section in list(doctree.findall(nodes.section)):
            title = section.next_node(nodes.title)
            if title is not None and title.parent is section and title.astext() in edition.educator_sections:
                section.parent.remove(section)


def visit_kb_box(self, node):
    self.visit_admonition(node)


def depart_kb_box(self, node):
    self.depart_admonition(node)


def visit_kb_box_typst(self, node):
    """Print (tools.extensions.kb_typst): a box of the kind the templates style."""
    self.open_box(node, node.get("kb_kind", "box"))


def depart_kb_box_typst(self, node):
    self.close_box(node, node.get("kb_kind", "box"))


def setup(app: Sphinx) -> dict:
    app.add_node(kb_box, typst=(visit_kb_box_typst, depart_kb_box_typst),
                 **{fmt: (visit_kb_box, depart_kb_box) for fmt in ("html", "latex", "text", "man", "texinfo")})
    for name in BOXES:
        app.add_directive(name, HelpBoxDirective if name == "help-box" else BoxDirective)
    app.add_directive("editor-note", EditorNoteDirective)
    app.add_directive("activity", ActivityDirective)
    app.add_directive("handout", HandoutDirective)
    app.add_directive("for-audience", ForAudienceDirective)
    app.add_role("blank", blank_role)
    # before the environment collectors (priority 500) record the table of contents
    app.connect("doctree-read", filter_for_edition, priority=100)
    app.connect("doctree-read", untitle_repeated_boxes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Content boxes of a lesson: activities, handouts, teacher notes and more.

Each directive renders its MyST body inside a titled admonition with the
classes ``kb-box kb-<name>`` so that the web theme, EPUB and print CSS style
it. Teacher-only boxes (``teacher-note``, ``answer-key``) and passages for
named audiences (``for-audience``) are filtered per edition: when
``kb_edition_audience`` names a learner audience, they are removed from the
doctree before anything is written.

A ``help-box`` prints, after what its author wrote, the national help lines
of ``source/_data/helplines.yml`` (numbers from the facts registry, read
through :mod:`tools.model`) and the local line: a school's edition prints
the school's services there (kb_schools), any other edition a line to write
in. The local line is written when the page is written (a post-transform),
so the schools of an edition share the pages read once. Every box gives the
same numbers and a number is corrected in one place. An ``editor-note`` (what is still to verify, an editor's remark)
is never printed: every build drops it, and the checker lists it.

Directives: ``activity`` (``:minutes:`` required), ``handout``,
``teacher-note``, ``answer-key``, ``parent-note``, ``help-box``,
``history-note``, ``for-audience``, ``editor-note``.
"""
from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from tools.model.codes import Code

from ._util import logger

#: name -> title (who sees which box is decided by Edition.shows, in the model)
BOXES = {
    "teacher-note": "教师提示",
    "answer-key": "参考答案（仅供教师）",
    "parent-note": "给家长的话",
    "help-box": "需要帮助时",
    "history-note": "历史背景",
}


class kb_box(nodes.admonition):
    """An admonition that remembers its kind and, for a passage, its audiences."""


def _box(directive: SphinxDirective, name: str, title: str, audiences=None) -> list[nodes.Node]:
    node = kb_box(classes=["kb-box", f"kb-{name}"])
    node["kb_kind"] = name
    node["kb_audiences"] = list(audiences or ())
    directive.set_source_info(node)
    title_node = nodes.title(title, title)
    node += title_node
    directive.state.nested_parse(directive.content, directive.content_offset, node)
    # A line of underscores inside a box is a writing line on a handout, not a
    # section break (docutils does not allow transitions inside a box).
    for rule in list(node.findall(nodes.transition)):
        rule.replace_self(write_line())
    return [node]


class BoxDirective(SphinxDirective):
    has_content = True
    optional_arguments = 0

    def run(self):
        return _box(self, self.name, BOXES[self.name])


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
    if data.local_helpline is not None:
        # filled in when the page is written (FillLocalHelplines): a school's
        # edition prints its own services from pages read once for all schools
        items += nodes.list_item("", kb_local_helpline())
    box += items
    return box


class kb_local_helpline(nodes.General, nodes.Element):
    """The local line of a help box, until :class:`FillLocalHelplines` writes it."""


def local_helpline_items(data, school=None) -> list[nodes.list_item]:
    """The local line of every help box: the school's services (a school's
    edition, tools.model.schools), else one line for the school to fill in."""
    local = data.local_helpline
    if school is None:
        para = nodes.paragraph(classes=["kb-helpline-local"])
        para += nodes.Text(f"{local.name}：")
        para += _blank()
        if local.note:
            para += nodes.Text(f"（{local.note}）")
        return [nodes.list_item("", para)]
    out = []
    for service in school.services:
        para = nodes.paragraph(classes=["kb-helpline-local", "kb-helpline-school"])
        para += nodes.strong(service.phone, service.phone, classes=["kb-helpline-number"])
        details = "；".join(x for x in (service.for_whom and f"面向{service.for_whom}", service.hours,
                                         service.address and f"地址：{service.address}") if x)
        para += nodes.Text(f" {local.name}·{service.name}" + (f"：{details}。" if details else "。"))
        out.append(nodes.list_item("", para))
    return out


class FillLocalHelplines(SphinxPostTransform):
    """Write the local line of every help box, for the school being built
    (``app.kb_school``, set by kb_schools) or as a blank to fill in."""

    default_priority = 50

    def run(self, **kwargs) -> None:
        data = getattr(self.app, "kb_data", None)
        for node in list(self.document.findall(kb_local_helpline)):
            item = node.parent
            items = local_helpline_items(data, getattr(self.app, "kb_school", None))
            if isinstance(item, nodes.list_item):
                item.replace_self(items)
            else:
                node.replace_self([child for li in items for child in li.children])


class HelpBoxDirective(SphinxDirective):
    """Where to get help: the author's text, then the help lines from the data."""

    has_content = True

    def run(self):
        result = _box(self, self.name, BOXES[self.name])
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
                           location=self.get_location(), type="kb", subtype=Code.ACT001)
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
                               location=self.get_location(), type="kb", subtype=Code.FM003)
            names.append(aud.name if aud else aid)
        return _box(self, "for-audience", "仅供" + "、".join(names), audiences=ids)


def write_line() -> nodes.paragraph:
    """One line to write on: full measure, tall enough for a pen (kb.css and
    the print styles draw it; other formats keep the empty line)."""
    return nodes.paragraph("", "\u00a0", classes=["kb-write-line"])


class WriteInDirective(SphinxDirective):
    """``:::{write-in}`` with ``:lines: 3``: space to write an answer, the one
    write-in component of every worksheet and exercise (at most 20 lines)."""

    has_content = False
    option_spec = {"lines": directives.positive_int}

    def run(self):
        count = min(self.options.get("lines", 2), 20)
        box = nodes.container(classes=["kb-write-in"])
        self.set_source_info(box)
        for _ in range(count):
            box += write_line()
        return [box]


class kb_ruby(nodes.Inline, nodes.TextElement):
    """A word with its reading: ``{ruby}`睾丸|gāo wán```."""


def ruby_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{ruby}`睾丸|gāo wán``` — the reading of a rare word, above it on the
    web and in EPUB (<ruby>), in brackets after it where ruby cannot be drawn."""
    base, sep, reading = text.partition("|")
    if not sep or not base.strip() or not reading.strip():
        msg = inliner.reporter.warning(f"ruby 的写法是 {{ruby}}`词语|读音`，例如 {{ruby}}`睾丸|gāo wán`:{text!r}",
                                       line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    node = kb_ruby(rawtext, base.strip())
    node["reading"] = reading.strip()
    return [node], []


def visit_ruby_html(self, node):
    self.body.append("<ruby>" + self.encode(node.astext()) + "<rp>（</rp><rt>" + self.encode(node["reading"])
                     + "</rt><rp>）</rp></ruby>")
    raise nodes.SkipNode


def visit_ruby_text(self, node):
    """Where ruby cannot be drawn: the reading in brackets after the word."""
    text = f"{node.astext()}（{node['reading']}）"
    if hasattr(self, "add_text"):  # the text builder
        self.add_text(text)
    else:
        self.body.append(self.encode(text) if hasattr(self, "encode") else text)
    raise nodes.SkipNode


def visit_ruby_typst(self, node):
    from .kb_typst import escape
    self.body.append(f"#kb-ruby({escape.string(node.astext())}, {escape.string(node['reading'])})")
    raise nodes.SkipNode


def depart_ruby(self, node):
    pass


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
    """Drop the boxes and sections the edition does not print (Edition.shows)."""
    edition = getattr(app, "kb_edition", None)
    if edition is None or not app.config.kb_edition_audience:
        return
    for node in list(doctree.findall(kb_box)):
        if not edition.shows(node["kb_kind"], node["kb_audiences"]):
            node.parent.remove(node)
    # the teacher's plan of a lesson (preparation, procedure, notes)
    for section in list(doctree.findall(nodes.section)):
        if isinstance(section.parent, nodes.document):
            continue  # the page itself (its title), not one of its ## sections
        title = section.next_node(nodes.title)
        if title is not None and title.parent is section and not edition.shows(title.astext()):
            section.parent.remove(section)


def _visit_skip(self, node):
    raise nodes.SkipNode


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
    app.setup_extension("tools.extensions.kb_model")
    app.add_node(kb_box, typst=(visit_kb_box_typst, depart_kb_box_typst),
                 **{fmt: (visit_kb_box, depart_kb_box) for fmt in ("html", "latex", "text", "man", "texinfo")})
    for name in BOXES:
        app.add_directive(name, HelpBoxDirective if name == "help-box" else BoxDirective)
    app.add_directive("editor-note", EditorNoteDirective)
    app.add_directive("activity", ActivityDirective)
    app.add_directive("handout", HandoutDirective)
    app.add_directive("for-audience", ForAudienceDirective)
    app.add_directive("write-in", WriteInDirective)
    app.add_node(kb_ruby, html=(visit_ruby_html, depart_ruby), text=(visit_ruby_text, depart_ruby),
                 typst=(visit_ruby_typst, depart_ruby),
                 latex=(visit_ruby_text, depart_ruby), man=(visit_ruby_text, depart_ruby),
                 texinfo=(visit_ruby_text, depart_ruby))
    app.add_node(kb_local_helpline, **{fmt: (_visit_skip, None)
                                       for fmt in ("html", "latex", "text", "man", "texinfo", "typst")})
    app.add_post_transform(FillLocalHelplines)
    app.add_role("ruby", ruby_role)
    app.add_role("blank", blank_role)
    # before the environment collectors (priority 500) record the table of contents
    app.connect("doctree-read", filter_for_edition, priority=100)
    app.connect("doctree-read", untitle_repeated_boxes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

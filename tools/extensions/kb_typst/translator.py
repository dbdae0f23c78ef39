"""Docutils and Sphinx nodes to Typst markup (the body of the book).

Every text reaches the output through :func:`escape.markup` (a Typst string
literal), so contributor text is never Typst code. Structure is written as
calls to the functions of ``source/_templates/typst/kb.typ`` (``kb-chapter``,
``kb-box``, ``kb-blank`` ...), which hold all the typography. A node type
this translator does not know stops the build with its file and line:
nothing is dropped silently. Extensions register their own nodes with
``app.add_node(node, typst=(visit, depart))``.
"""
from __future__ import annotations

import re
import unicodedata

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import SphinxError
from sphinx.util.docutils import SphinxTranslator

from . import escape
from .nodes import typst_part, typst_preface

#: docutils enumerated-list types -> Typst numbering characters
ENUM = {"arabic": "1", "loweralpha": "a", "upperalpha": "A", "lowerroman": "i", "upperroman": "I"}
#: containers with a look of their own in the templates
CONTAINERS = {"kb-draft-notice": "kb-draft-notice", "kb-helplines": "kb-helplines"}
#: punctuation that never starts a line (kept with what precedes it)
CLOSING = re.compile(r"[，。、；：？！）》」』”’〉】〕…,.;:?!)]+")
#: admonitions by class
ADMONITION_KINDS = ("kb-policy-status",)


class UnknownNode(SphinxError):
    category = "Typst 排版错误"


def _location(node: nodes.Node) -> str:
    """file:line of a node, or of the nearest ancestor that knows it."""
    while node is not None:
        source, line = getattr(node, "source", None), getattr(node, "line", None)
        if source and line:
            return f"{source}:{line}"
        node = node.parent
    return "?"


class TypstTranslator(SphinxTranslator):
    """Writes the assembled book doctree as Typst markup."""

    def __init__(self, document: nodes.document, builder) -> None:
        super().__init__(document, builder)
        self.body: list[str] = []
        self.docstack: list[str] = []
        self.section_level = 0
        self.chapter_level = document.get("kb_chapter_level", 1)
        self.labels: set[str] = document.get("kb_labels", set())
        self.chapter_meta: dict[str, dict] = document.get("kb_chapters", {})
        self.chapter_break = '"odd"' if document.get("kb_chapter_break") == "right" else "none"
        self.preface = ""
        self.skip_prefix: dict[int, int] = {}  # text nodes whose first characters are already written
        self.in_handout = 0
        self.table_stack: list[dict] = []
        self.plain_text: list[str] = []  # every text typeset, for the checks

    # -- output helpers -------------------------------------------------
    def astext(self) -> str:
        return "".join(self.body)

    def text(self, value: str) -> None:
        if value:
            self.plain_text.append(value)
            self.body.append(escape.markup(value))

    @property
    def docname(self) -> str:
        return self.docstack[-1] if self.docstack else self.builder.config.root_doc

    def label_for(self, anchor: str, docname: str | None = None) -> str:
        return f"{docname or self.docname}#{anchor}"

    def emit_labels(self, node: nodes.Element) -> None:
        """Invisible anchors for the ids of ``node`` that a link points to."""
        for id_ in node.get("ids", ()):
            key = self.label_for(id_)
            if key in self.labels:
                self.body.append(f"#metadata(none)#label({escape.string(key)})")

    def unknown_visit(self, node: nodes.Node) -> None:
        raise UnknownNode(f"{_location(node)}: 印刷版的 Typst 排版不认识节点类型 {node.__class__.__name__}"
                          f"({node.__class__.__module__}) — 在定义它的扩展里用 "
                          "app.add_node(..., typst=(visit, depart)) 注册排版方法")

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    # -- document structure ---------------------------------------------
    def visit_document(self, node):
        pass

    def depart_document(self, node):
        pass

    def visit_typst_preface(self, node: typst_preface):
        """The root page's own text goes to the colophon (see the builder)."""
        self.preface = self._inline(node)
        raise nodes.SkipNode

    def visit_typst_part(self, node: typst_part):
        self.body.append(f"#kb-part({escape.string(node['title'])}, page: {str(node['page']).lower()})\n\n")
        raise nodes.SkipNode

    def visit_start_of_file(self, node):
        self.docstack.append(node["docname"])

    def depart_start_of_file(self, node):
        self.body.append("#kb-chapter-end()\n\n")
        self.docstack.pop()

    def visit_section(self, node):
        self.section_level += 1
        if self.section_level > 1 and any(
                isinstance(box, nodes.Element) and box.get("kb_kind") == "handout"
                for box in node.findall(nodes.Element)):
            self.body.append("#kb-new-page()\n")  # a worksheet starts on its own page

    def depart_section(self, node):
        self.section_level -= 1

    def visit_title(self, node):
        parent = node.parent
        if isinstance(parent, nodes.section):
            self._section_title(node, parent)
            raise nodes.SkipNode
        if isinstance(parent, nodes.table):
            raise nodes.SkipNode  # written as the table's caption
        if isinstance(parent, nodes.Admonition):
            return  # written inside the box's title argument
        raise UnknownNode(f"{_location(node)}: 标题出现在印刷版不支持的位置({parent.__class__.__name__})")

    def depart_title(self, node):
        if isinstance(node.parent, nodes.Admonition):
            self.body.append("], [")

    def _inline(self, node: nodes.Element) -> str:
        """The inline content of ``node`` as markup, without touching self.body."""
        saved = self.body
        self.body = []
        for child in node.children:
            child.walkabout(self)
        out, self.body = "".join(self.body), saved
        return out

    def _section_title(self, node: nodes.title, section: nodes.section) -> None:
        labels = [self.label_for(i) for i in section.get("ids", ()) if self.label_for(i) in self.labels]
        plain = node.astext()
        if self.section_level == 1:
            meta = self.chapter_meta.get(self.docname, {})
            if f"{self.docname}#" in self.labels:
                labels.append(f"{self.docname}#")
            main, sub = split_title(node)
            subtitle = f"[{tied_markup(sub)}]" if sub else "none"
            content = tied_markup(main) if sub else self._title_markup(node)
            self.plain_text.append(plain)
            self.body.append(
                f"#kb-chapter([{content}], subtitle: {subtitle}, plain: {escape.string(plain)}, "
                f"mark: {escape.string(meta.get('mark', ''))}, kicker: {escape.string(meta.get('kicker', ''))}, "
                f"level: {self.chapter_level}, to: {self.chapter_break}, labels: {_array(labels)})")
        else:
            level = self.chapter_level + self.section_level - 1
            self.body.append(f"#kb-heading({level}, labels: {_array(labels)})[{self._title_markup(node)}]")
        self.body.append("\n\n")

    def _title_markup(self, node: nodes.title) -> str:
        """A title's markup; a title of plain text is tied so that a line
        break falls only between words."""
        if all(isinstance(child, nodes.Text) for child in node.children):
            self.plain_text.append(node.astext())
            return tied_markup(node.astext())
        return self._inline(node)

    def visit_rubric(self, node):
        self.body.append("#kb-rubric[")

    def depart_rubric(self, node):
        self.body.append("]\n\n")

    # -- blocks ---------------------------------------------------------
    def visit_paragraph(self, node):
        self.emit_labels(node)
        if "kb-write-line" in node["classes"]:
            self.body.append("#kb-write-lines(1)\n\n")
            raise nodes.SkipNode
        if self.in_handout and any("kb-blank" in n["classes"] for n in node.findall(nodes.inline)):
            self.body.append("#kb-write-par[")
            node["kb_write_par"] = True

    def depart_paragraph(self, node):
        if node.get("kb_write_par"):
            self.body.append("]")
        self.body.append("\n\n")

    def visit_compound(self, node):
        pass

    def depart_compound(self, node):
        pass

    def visit_container(self, node):
        kind = next((CONTAINERS[c] for c in node["classes"] if c in CONTAINERS), None)
        self.emit_labels(node)
        self.body.append(f"#{kind}[" if kind else "#block[")

    def depart_container(self, node):
        self.body.append("]\n\n")

    def visit_block_quote(self, node):
        self.body.append("#kb-quote[")

    def depart_block_quote(self, node):
        self.body.append("]\n\n")

    def visit_line_block(self, node):
        self.body.append("#kb-lines[")

    def depart_line_block(self, node):
        self.body.append("]\n\n")

    def visit_line(self, node):
        pass

    def depart_line(self, node):
        self.body.append(" \\\n")

    def visit_transition(self, node):
        self.body.append("#kb-rule()\n\n")
        raise nodes.SkipNode

    def visit_literal_block(self, node):
        self.plain_text.append(node.astext())
        self.body.append(f"#kb-code({escape.string(node.astext())})\n\n")
        raise nodes.SkipNode

    # boxes: our directives register kb_box with visit/depart calling these
    def open_box(self, node: nodes.Element, kind: str) -> None:
        self.emit_labels(node)
        if kind == "handout":
            self.in_handout += 1
        titled = len(node) and isinstance(node[0], nodes.title)
        self.body.append(f"#kb-box({escape.string(kind)}, " + ("[" if titled else "none, ["))

    def close_box(self, node: nodes.Element, kind: str) -> None:
        if kind == "handout":
            self.in_handout -= 1
        self.body.append("])\n\n")

    def visit_admonition(self, node):
        kind = next((c[3:] for c in node["classes"] if c in ADMONITION_KINDS), node.__class__.__name__)
        self.open_box(node, kind)

    def depart_admonition(self, node):
        self.close_box(node, "")

    # -- lists ----------------------------------------------------------
    def visit_bullet_list(self, node):
        self.body.append("#kb-list(")

    def depart_bullet_list(self, node):
        self.body.append(")\n\n")

    def visit_enumerated_list(self, node):
        pattern = node.get("prefix", "") + ENUM.get(node.get("enumtype", "arabic"), "1") + node.get("suffix", ".")
        self.body.append(f"#kb-enum(start: {int(node.get('start', 1))}, numbering: {escape.string(pattern)}, ")

    def depart_enumerated_list(self, node):
        self.body.append(")\n\n")

    def visit_list_item(self, node):
        self.body.append("[")
        self.emit_labels(node)

    def depart_list_item(self, node):
        self.body.append("], ")

    def visit_definition_list(self, node):
        self.body.append("#kb-terms(")

    def depart_definition_list(self, node):
        self.body.append(")\n\n")

    def visit_definition_list_item(self, node):
        self.body.append("(")

    def depart_definition_list_item(self, node):
        self.body.append("), ")

    def visit_term(self, node):
        self.body.append("[")
        self.emit_labels(node)

    def depart_term(self, node):
        self.body.append("], ")

    def visit_classifier(self, node):
        self.body.append("（")

    def depart_classifier(self, node):
        self.body.append("）")

    def visit_definition(self, node):
        self.body.append("[")

    def depart_definition(self, node):
        self.body.append("]")

    def visit_glossary(self, node):
        pass

    def depart_glossary(self, node):
        pass

    def visit_field_list(self, node):
        self.body.append("#kb-terms(")

    def depart_field_list(self, node):
        self.body.append(")\n\n")

    def visit_field(self, node):
        self.body.append("(")

    def depart_field(self, node):
        self.body.append("), ")

    def visit_field_name(self, node):
        self.body.append("[")

    def depart_field_name(self, node):
        self.body.append("], ")

    def visit_field_body(self, node):
        self.body.append("[")

    def depart_field_body(self, node):
        self.body.append("]")

    # -- tables ---------------------------------------------------------
    def visit_table(self, node):
        self.emit_labels(node)
        self.table_stack.append({"title": None})
        title = node.next_node(nodes.title)
        caption = f"[{self._inline(title)}]" if title is not None and title.parent is node else "none"
        self.body.append(f"#kb-table(caption: {caption}, ")

    def depart_table(self, node):
        self.table_stack.pop()
        self.body.append(")\n\n")

    def visit_tgroup(self, node):
        cols = ", ".join("auto" if w is None else f"{w}fr" for w in _column_weights(node))
        self.body.append(f"columns: ({cols},), ")

    def depart_tgroup(self, node):
        pass

    def visit_colspec(self, node):
        raise nodes.SkipNode

    def visit_thead(self, node):
        self.body.append("header: (")

    def depart_thead(self, node):
        self.body.append("), ")

    def visit_tbody(self, node):
        self.body.append("body: (")

    def depart_tbody(self, node):
        self.body.append("), ")

    def visit_row(self, node):
        pass

    def depart_row(self, node):
        pass

    def visit_entry(self, node):
        spans = []
        if node.get("morecols"):
            spans.append(f"colspan: {int(node['morecols']) + 1}")
        if node.get("morerows"):
            spans.append(f"rowspan: {int(node['morerows']) + 1}")
        if not node.astext().strip():
            self.body.append(f"table.cell({', '.join(spans)})[#kb-empty-cell()], " if spans
                             else "[#kb-empty-cell()], ")
            raise nodes.SkipNode
        self.body.append(f"table.cell({', '.join(spans)})[" if spans else "[")

    def depart_entry(self, node):
        self.body.append("], ")

    # -- inline ---------------------------------------------------------
    def visit_Text(self, node):
        text = node.astext()
        self.text(text[self.skip_prefix.pop(id(node), 0):])

    def depart_Text(self, node):
        pass

    def visit_strong(self, node):
        self.body.append("#strong[")

    def depart_strong(self, node):
        self.body.append("]")

    def visit_emphasis(self, node):
        self.body.append("#emph[")

    def depart_emphasis(self, node):
        self.body.append("]")

    def visit_literal(self, node):
        self.plain_text.append(node.astext())
        self.body.append(f"#raw({escape.string(node.astext())})")
        raise nodes.SkipNode

    def visit_subscript(self, node):
        self.body.append("#sub[")

    def depart_subscript(self, node):
        self.body.append("]")

    def visit_superscript(self, node):
        self.body.append("#super[")

    def depart_superscript(self, node):
        self.body.append("]")

    def visit_inline(self, node):
        if "kb-blank" in node["classes"]:
            fill = "true" if self.in_handout and _ends_paragraph(node) else "false"
            blank = f"#kb-blank({len(node.astext())}, fill: {fill})"
            # closing punctuation after a blank stays on its line: one box
            following = node.next_node(descend=False, siblings=True)
            glued = CLOSING.match(str(following)) if isinstance(following, nodes.Text) else None
            if glued and fill == "false":
                self.skip_prefix[id(following)] = glued.end()
                self.plain_text.append(glued.group())
                blank = f"#box[{blank}{escape.markup(glued.group())}]"
            self.body.append(blank)
            raise nodes.SkipNode
        self.emit_labels(node)

    def depart_inline(self, node):
        pass

    def visit_abbreviation(self, node):
        pass

    def depart_abbreviation(self, node):
        pass

    def visit_reference(self, node):
        uri = node.get("refuri", "")
        if node.get("refid"):
            target = self.label_for(node["refid"])
        elif uri.startswith("%"):
            doc, _, anchor = uri[1:].partition("#")
            target = f"{doc}#{anchor}"
        elif re.match(r"^(https?|mailto):", uri):
            self.body.append(f"#link({escape.string(uri)})[")
            return
        else:
            return  # a link leaving the book: its words are kept
        if target in self.labels:
            self.body.append(f"#link(label({escape.string(target)}))[")
            node["kb_linked"] = True
        else:
            node["kb_unlinked"] = True

    def depart_reference(self, node):
        uri = node.get("refuri", "")
        if node.get("kb_linked") or re.match(r"^(https?|mailto):", uri):
            self.body.append("]")

    def visit_target(self, node):
        self.emit_labels(node)
        raise nodes.SkipNode

    def visit_index(self, node):
        raise nodes.SkipNode

    def visit_comment(self, node):
        raise nodes.SkipNode

    def visit_substitution_definition(self, node):
        raise nodes.SkipNode

    def visit_raw(self, node):
        raise nodes.SkipNode  # raw input is refused at read time (kb_safety); never pass it on

    def visit_image(self, node):
        uri = node["uri"]
        path = self.builder.images.get(uri, uri)
        alt = node.get("alt", "")
        self.body.append(f"#kb-image({escape.string('images/' + path)}, alt: {escape.string(alt)})")
        raise nodes.SkipNode

    def visit_figure(self, node):
        self.body.append("#kb-figure[")

    def depart_figure(self, node):
        self.body.append("]\n\n")

    def visit_caption(self, node):
        self.body.append("#kb-caption[")

    def depart_caption(self, node):
        self.body.append("]")

    def visit_legend(self, node):
        pass

    def depart_legend(self, node):
        pass

    def visit_footnote_reference(self, node):
        raise UnknownNode(f"{_location(node)}: 印刷版还不支持脚注；请改写为正文或参考资料")

    def visit_problematic(self, node):
        self.text(node.astext())
        raise nodes.SkipNode

    def visit_system_message(self, node):
        raise nodes.SkipNode


#: a column whose longest entry is at most this wide (in half-width cells:
#: six Chinese characters) is as wide as that entry (Typst ``auto``), so a
#: short label such as 七年级上学期 is not broken over two lines
AUTO_COLUMN = 12


def _display_width(text: str) -> int:
    """Width in half-width cells: a Chinese character or full-width sign is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_weights(tgroup: nodes.tgroup) -> list[int | None]:
    """Relative column widths from how wide what the columns hold is (the
    widths MyST records for a pipe table are only the dashes typed); None
    for a short column (its own width: ``auto``)."""
    ncols = int(tgroup.get("cols", 1))
    longest = [0] * ncols
    for row in tgroup.findall(nodes.row):
        col = 0
        for entry in row.children:
            if col >= ncols:
                break
            if not entry.get("morecols"):
                width = max((_display_width(line) for line in entry.astext().strip().splitlines()), default=0)
                longest[col] = max(longest[col], min(width, 56))
            col += 1 + int(entry.get("morecols", 0))
    if all(w <= AUTO_COLUMN for w in longest):  # a table of short entries: shared out evenly
        return [max(4, w) for w in longest]
    return [None if w <= AUTO_COLUMN else max(8, w) for w in longest]


def _array(items: list[str]) -> str:
    return "(" + "".join(escape.string(i) + ", " for i in items) + ")"


def _ends_paragraph(node: nodes.Node) -> bool:
    """Whether nothing but closing punctuation follows ``node`` in its paragraph."""
    para = node.parent
    while para is not None and not isinstance(para, nodes.paragraph):
        if para.parent is not None and para.parent.index(para) != len(para.parent) - 1:
            return False
        para = para.parent
    if para is None:
        return False
    rest = []
    sibling = node
    while sibling is not None and sibling is not para:
        parent = sibling.parent
        rest += [n.astext() for n in parent.children[parent.index(sibling) + 1:]]
        sibling = parent
    return not re.sub(r"[\s）)。；，、.;,]", "", "".join(rest))


def split_title(node: nodes.title) -> tuple[str, str]:
    """A title of plain text as (title, subtitle) at its first full-width colon
    (“青春期的情绪：认识、应对与求助”); (title, "") if it has none."""
    if not all(isinstance(child, nodes.Text) for child in node.children):
        return node.astext(), ""
    text = node.astext()
    head, colon, tail = text.partition("：")
    if colon and len(head) >= 2 and len(tail) >= 2:
        return head, tail
    return text, ""


def title_words(text: str) -> list[tuple[str, bool]]:
    """A title cut into words (jieba, no guessing of new words): (word, tied),
    tied for a Chinese word of two characters or more, which must not be
    broken across lines (“过早怀孕 / 的风险”, never “过早怀 / 孕的风险”)."""
    import jieba

    return [(w, len(w) > 1 and all(escape.is_cjk(ch) for ch in w)) for w in jieba.lcut(text, HMM=False)]


def tied_markup(text: str) -> str:
    """A title's markup: each Chinese word in an unbreakable box (no extra
    character reaches the PDF's text, unlike a word joiner)."""
    return "".join(f"#box({escape.string(w)})" if tied else escape.markup(w) for w, tied in title_words(text))

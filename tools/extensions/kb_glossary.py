"""The glossary, generated from ``source/_data/terms.yml``.

``{kb-glossary}`` renders every term as a Sphinx glossary entry, so pages
link to it with ``{term}`青春期```. Historical terms are marked; deprecated
forms are listed under the preferred term.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import make_glossary_term
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ._util import PageRecord





class GlossaryDirective(SphinxDirective):
    has_content = False

    def run(self):
        terms = self.env.app.kb_data.terms
        dl = nodes.definition_list(classes=["glossary", "kb-glossary"])
        source, line = self.get_source_info()
        for name in sorted(terms, key=lambda t: t.encode("gb18030")):
            term = terms[name]
            item = nodes.definition_list_item()
            item["kb_term"] = name
            item += make_glossary_term(self.env, [nodes.Text(name)], None, source, line, None,
                                       self.state.document)
            definition = nodes.definition()
            if term.historical:
                definition += nodes.paragraph(text="历史用语：指已经废止或改变的做法。",
                                              classes=["kb-historical"])
            definition += nodes.paragraph(text=term.definition)
            forms = [d.get("form") for d in term.deprecated if d.get("form")]
            if forms:
                definition += nodes.paragraph(
                    text="不再使用或仅用于历史语境的说法：" + "、".join(forms) + "。",
                    classes=["kb-deprecated-forms"])
            item += definition
            dl += item
        dl["kb_glossary"] = True
        glossary = addnodes.glossary()
        glossary["sorted"] = False
        glossary += dl
        return [glossary]


class TermsUsed(PageRecord):
    """docname -> the glossary terms the page links to."""

    attr = "kb_terms_used"

    def collect(self, app, doctree) -> set:
        return {ref["reftarget"].lower() for ref in doctree.findall(addnodes.pending_xref)
                if ref.get("reftype") == "term"}


class lesson_terms(nodes.General, nodes.Element):
    """Placeholder of ``{lesson-terms}``, filled by :class:`ResolveLessonTerms`."""


class LessonTermsDirective(SphinxDirective):
    """``:::{lesson-terms}``: the 词语 of a lesson, the glossary terms the page
    links to with ``{term}``, each with its definition, in the order of the
    glossary (so a word is defined once, in terms.yml)."""

    has_content = False

    def run(self):
        node = lesson_terms(docname=self.env.docname)
        self.set_source_info(node)
        return [node]


class ResolveLessonTerms(SphinxPostTransform):
    default_priority = 100

    def run(self, **kwargs) -> None:
        found = list(self.document.findall(lesson_terms))
        if not found:
            return
        terms = self.app.kb_data.terms
        store = TermsUsed.store(self.env)
        order = sorted(terms, key=lambda t: t.encode("gb18030"))
        for node in found:
            # the page the directive stands in: a print book resolves all its
            # pages in one doctree, whose own docname is the book's
            used = store.get(node.get("docname") or self.env.docname, set())
            names = [t for t in order if t.lower() in used]
            if not names:
                node.replace_self(nodes.paragraph(text="（本课没有链接术语表中的词语。）"))
                continue
            dl = nodes.definition_list(classes=["kb-lesson-terms"])
            for name in names:
                item = nodes.definition_list_item()
                item += nodes.term(name, name)
                item += nodes.definition("", nodes.paragraph(text=terms[name].definition))
                dl += item
            node.replace_self(dl)


def _visit_skip(self, node):
    raise nodes.SkipNode


def _edition_glossary(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In an edition, the glossary holds the terms its pages use (and the terms
    those definitions point to); editors' notes on wording stay out of it."""
    edition = getattr(app, "kb_edition", None)
    if edition is None or not app.config.kb_edition_audience:
        return
    used = TermsUsed.union(app.env)
    for dl in doctree.findall(nodes.definition_list):
        if not dl.get("kb_glossary"):
            continue
        for item in list(dl.children):
            name = item.get("kb_term", "")
            if name.lower() not in used:
                dl.remove(item)
                continue
            for para in list(item.findall(nodes.paragraph)):
                if "kb-deprecated-forms" in para["classes"] and not edition.shows("deprecated-forms"):
                    para.parent.remove(para)


def setup(app: Sphinx) -> dict:
    app.add_directive("kb-glossary", GlossaryDirective)
    app.add_directive("lesson-terms", LessonTermsDirective)
    app.add_node(lesson_terms, **{fmt: (_visit_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo", "typst")})
    app.add_post_transform(ResolveLessonTerms)
    app.setup_extension("tools.extensions.kb_model")
    app.add_env_collector(TermsUsed)
    app.connect("doctree-resolved", _edition_glossary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

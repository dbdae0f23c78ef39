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
from sphinx.util.docutils import SphinxDirective


class GlossaryDirective(SphinxDirective):
    has_content = False

    def run(self):
        terms = self.env.app.kb_data.terms
        dl = nodes.definition_list(classes=["glossary", "kb-glossary"])
        source, line = self.get_source_info()
        for name in sorted(terms, key=lambda t: t.encode("gb18030")):
            term = terms[name]
            item = nodes.definition_list_item()
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
        glossary = addnodes.glossary()
        glossary["sorted"] = False
        glossary += dl
        return [glossary]


def setup(app: Sphinx) -> dict:
    app.add_directive("kb-glossary", GlossaryDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

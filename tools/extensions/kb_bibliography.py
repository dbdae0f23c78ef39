"""The bibliography from ``source/_data/bibliography.yml``.

- ``{bibliography}`` lists every entry, each with the target ``bib-<key>``.
- ``{cite}`key``` links to an entry; an unknown key is a warning at its line.
- ``{references}`` lists the entries named in the page's ``sources:``.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole

from tools.model.codes import Code

from ._util import PageRecord, logger, page_meta

BIB_DOC = "source/bibliography"



def format_entry(entry: dict) -> str:
    """One entry as a citation line, Chinese or Latin style by its title."""
    title, issuer = entry.get("title", ""), entry.get("issuer", "")
    year = entry.get("year")
    number = entry.get("number")
    date = entry.get("date")
    if any("\u4e00" <= ch <= "\u9fff" for ch in title[:4]):
        parts = [f"{issuer}\uff1a《{title}》"]
        if number:
            parts.append(f"\uff08{number}\uff09")
        when = date or (str(year) if year else "年份不详")
        return "".join(parts) + f"\uff0c{when}。"
    return f"{issuer}. {title.rstrip('.')}. {year or 'n.d'}."


def _xref(key: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=f"bib-{key}",
                                refexplicit=True, refwarn=True)
    ref += nodes.inline(text, text)
    return ref


class BibliographyDirective(SphinxDirective):
    has_content = False

    def run(self):
        std = self.env.domains.standard_domain
        bib = self.env.app.kb_data.bibliography
        result = nodes.enumerated_list(classes=["kb-bibliography"])
        result["kb_bibliography"] = True
        for key in sorted(bib, key=lambda k: (str(bib[k].get("kind")), k)):
            entry = bib[key]
            item = nodes.list_item(ids=[f"bib-{key}"])
            item["kb_key"] = key
            para = nodes.paragraph()
            para += nodes.Text(format_entry(entry))
            if entry.get("note"):
                para += nodes.inline(" " + entry["note"], " " + entry["note"], classes=["kb-bib-note"])
            item += para
            result += item
            std.note_hyperlink_target(f"bib-{key}", self.env.docname, f"bib-{key}", entry.get("title", key))
        return [result]


class CiteRole(SphinxRole):
    def run(self):
        key = self.text.strip()
        entry = self.env.app.kb_data.bibliography.get(key)
        if entry is None:
            logger.warning(f"引用的参考资料 {key!r} 不存在 — 先在 source/_data/bibliography.yml 中登记，或改用已有的 key",
                           location=self.get_location(), type="kb", subtype=Code.BIB001)
            return [nodes.inline(key, key)], []
        label = f"{entry.get('issuer', '').split(',')[0].split('、')[0]} {entry.get('year') or ''}".strip()
        return [nodes.inline("", "[", _xref(key, label), nodes.Text("]"), classes=["kb-cite"])], []


class ReferencesDirective(SphinxDirective):
    """The page's own ``sources:`` as a list (its 参考资料 section)."""

    has_content = False

    def run(self):
        meta = page_meta(self.env, self.env.docname)
        bib = self.env.app.kb_data.bibliography
        result = nodes.bullet_list(classes=["kb-references"])
        for key in meta.get("sources") or ():
            entry = bib.get(key)
            if entry is None:
                continue  # reported as FM003 at the front-matter line
            para = nodes.paragraph()
            para += _xref(key, format_entry(entry))
            result += nodes.list_item("", para)
        if not len(result):
            para = nodes.paragraph(text="（本页尚未列出参考资料。）")
            return [para]
        return [result]


class Cited(PageRecord):
    """docname -> the bibliography keys the page cites (inline and in its sources)."""

    attr = "kb_cited"

    def collect(self, app, doctree) -> set:
        keys = set(page_meta(app.env, app.env.docname).get("sources") or ())
        for ref in doctree.findall(addnodes.pending_xref):
            target = ref.get("reftarget", "")
            if ref.get("reftype") == "ref" and target.startswith("bib-"):
                keys.add(target[4:])
        return keys


def _edition_bibliography(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In an edition, the bibliography lists only what the edition's pages cite,
    and readers who are not educators get the entries without editors' notes."""
    edition = getattr(app, "kb_edition", None)
    if edition is None or not app.config.kb_edition_audience:
        return
    cited = Cited.union(app.env)
    for lst in doctree.findall(nodes.enumerated_list):
        if not lst.get("kb_bibliography"):
            continue
        for item in list(lst.children):
            if item.get("kb_key") not in cited:
                lst.remove(item)
            elif not edition.shows("bibliography-note"):
                for note in list(item.findall(nodes.inline)):
                    if "kb-bib-note" in note["classes"]:
                        note.parent.remove(note)


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.add_env_collector(Cited)
    app.connect("doctree-resolved", _edition_bibliography)
    app.add_directive("bibliography", BibliographyDirective)
    app.add_directive("references", ReferencesDirective)
    app.add_role("cite", CiteRole())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

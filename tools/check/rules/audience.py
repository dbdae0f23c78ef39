"""AUD: audience and age fit.

A lesson's age band matches each learner audience it lists; a page listed for
an audience links only to pages that audience also gets (so no edition has a
dead link).
"""
from __future__ import annotations

from sphinx.util import docname_join

from tools.model import Problem, edition_contents, load_corpus, load_editions
from tools.model.codes import Code

from ..registry import problem, rule


@rule(Code.AUD001, "age fit")
def check(doc):
    m = doc.meta
    if m.get("type") != "lesson" or not m.get("age_band"):
        return []
    out = []
    for i, aid in enumerate(m.get("audiences") or ()):
        aud = doc.data.audiences.get(aid)
        if aud and aud.role == "learner" and aud.age_band != str(m["age_band"]):
            out.append(problem(doc, doc.page.line_of("audiences", i), Code.AUD001,
                               f"本课的年龄段是 {m['age_band']}，但读者 {aid}({aud.name})的年龄段是 {aud.age_band}。",
                               "把这课从该读者的列表中删去，或改正 age_band。"))
    return out


@rule(Code.AUD002, "links within editions", corpus=True)
def check_links(docs):
    """Every {doc} link of a page in an edition points to a page of that
    edition: the same selection the edition build uses (tools.model.editions).
    Links in teacher-only boxes count only for editions that keep them."""
    if not docs:
        return []
    data = docs[0].data
    corpus = load_corpus(data.root, data)
    out = []
    for edition in load_editions(data.root).values():
        members = set(edition_contents(edition, corpus))
        for d in docs:
            key = d.path[:-3] if d.path.endswith(".md") else d.path
            if key not in members:
                continue
            for line, target, containers in _all_doc_links(d):
                if not all(edition.shows(c) for c in containers) or "for-audience" in containers:
                    continue  # a box this edition does not print (for-audience: checked by the build)
                ref = docname_join(key, target)
                if ref in corpus and ref not in members:
                    out.append(Problem(d.path, line, 1, Code.AUD002, "error",
                                       f"本页收在“{edition.title}”里，但链接的页面 {target} 不在这个版本中，读者会看到死链接。",
                                       "删去这个链接（改成文字说明），或把它放进只给教师看的 {teacher-note} 中，"
                                       "或在目标页的 audiences 中加上这类读者。"))
    return sorted(set(out))


def _all_doc_links(doc):
    for line, target, containers in doc.extracts()["links"]:
        yield line, target, containers

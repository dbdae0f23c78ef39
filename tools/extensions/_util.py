"""Small helpers shared by the knowledge-base Sphinx extensions."""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging

from tools.model import Problem

logger = logging.getLogger("tools.extensions")


def warn_problem(app, problem: Problem, docname: str | None = None) -> None:
    """Emit a model :class:`Problem` as a Sphinx warning at its source line."""
    text = f"{problem.message}"
    if problem.fix:
        text += f" — {problem.fix}"
    location = (docname, problem.line) if docname else f"{app.srcdir / problem.path}:{problem.line}"
    log = logger.warning if problem.severity == "error" else logger.info
    log(text, location=location, type="kb", subtype=problem.code)


def doc_link(docname: str, text: str | None = None, refdoc: str | None = None) -> addnodes.pending_xref:
    """A link to a page, resolved like a ``{doc}`` link (the page's title
    when no ``text`` is given; a warning when the page is not in the build)."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}",
                                refexplicit=text is not None, refwarn=True)
    if refdoc is not None:
        ref["refdoc"] = refdoc
    ref += nodes.inline(text or docname, text or docname)
    return ref


def para(*children) -> nodes.paragraph:
    """A paragraph of text (anything not a node is written as text) and inline nodes."""
    p = nodes.paragraph()
    for c in children:
        p += c if isinstance(c, nodes.Node) else nodes.Text(str(c))
    return p


def cell(content) -> nodes.entry:
    """A table cell: an entry as it is; else a list of its parts or one part,
    each block node kept and everything else in a paragraph of its own."""
    if isinstance(content, nodes.entry):
        return content
    entry = nodes.entry()
    for c in content if isinstance(content, list) else [content]:
        entry += c if isinstance(c, nodes.Element) and not isinstance(c, nodes.Inline) else para(c)
    return entry


def table(header: list[str], rows: list[list], classes=(), *, title: str | None = None, ids=(),
          widths: list[int] | None = None) -> nodes.table:
    """A docutils table with a header row; each row's cells as :func:`cell`
    takes them. ``widths``: relative column widths (default: equal)."""
    table = nodes.table(classes=["kb-table", *classes], ids=list(ids))
    if title:
        table += nodes.title(title, title)
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths or [1] * len(header):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for h in header:
        row += cell(h)
    head += row
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for c in cells:
            row += cell(c)
        body += row
    group += body
    return table


def kb_pages(env) -> dict:
    """docname -> tools.model.Page for every content page of this build."""
    return getattr(env.app, "kb_pages", {})


def page_meta(env, docname: str) -> dict:
    page = kb_pages(env).get(docname)
    return page.meta if page else {}


class PageRecord(EnvironmentCollector):
    """A value kept per page in the build environment, as Sphinx's own
    collectors keep titles and tables of contents: dropped when a page is
    read again, merged after parallel reads, pickled with the environment.

    Subclasses name the environment attribute (``attr``) and compute the
    page's value in ``collect(app, doctree)``; ``union(env)`` gathers the
    values of every page. Register with ``app.add_env_collector(Cls)``.
    """

    attr = ""

    @classmethod
    def store(cls, env) -> dict:
        if not hasattr(env, cls.attr):
            setattr(env, cls.attr, {})
        return getattr(env, cls.attr)

    @classmethod
    def union(cls, env) -> set:
        return set().union(*cls.store(env).values())

    def collect(self, app, doctree):  # pragma: no cover - abstract
        raise NotImplementedError

    def clear_doc(self, app, env, docname) -> None:
        self.store(env).pop(docname, None)

    def merge_other(self, app, env, docnames, other) -> None:
        theirs = self.store(other)
        self.store(env).update({d: theirs[d] for d in docnames if d in theirs})

    def process_doc(self, app, doctree) -> None:
        self.store(app.env)[app.env.docname] = self.collect(app, doctree)

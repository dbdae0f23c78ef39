"""Small helpers shared by the knowledge-base Sphinx extensions."""
from __future__ import annotations

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

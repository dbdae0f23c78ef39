"""Small helpers shared by the knowledge-base Sphinx extensions."""
from __future__ import annotations

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


class PerPage:
    """A record kept in the build environment, one value per page (pickled
    with it, dropped when a page is re-read, merged after parallel reads).

    ``PerPage("kb_cited").connect(app)`` once in ``setup``; then
    ``set(env, docname, value)`` while reading and ``union(env)`` to gather
    the values of every page.
    """

    def __init__(self, attr: str):
        self.attr = attr

    def _store(self, env) -> dict:
        if not hasattr(env, self.attr):
            setattr(env, self.attr, {})
        return getattr(env, self.attr)

    def set(self, env, docname: str, value) -> None:
        self._store(env)[docname] = value

    def union(self, env) -> set:
        return set().union(*self._store(env).values())

    def connect(self, app) -> None:
        app.connect("env-purge-doc", lambda app, env, docname: self._store(env).pop(docname, None))
        app.connect("env-merge-info",
                    lambda app, env, docnames, other: self._store(env).update(self._store(other)))

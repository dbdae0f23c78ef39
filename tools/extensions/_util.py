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

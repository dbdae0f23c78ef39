"""Print books typeset with Typst: a Sphinx builder (``-b typst``) writing one
``.typ`` book per edition from the edition's environment. See
:mod:`.builder` for the book, :mod:`.translator` for the markup and
``source/_templates/typst/`` for the typography."""
from __future__ import annotations

from sphinx.application import Sphinx

from .builder import TypstBuilder


def setup(app: Sphinx) -> dict:
    app.add_builder(TypstBuilder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

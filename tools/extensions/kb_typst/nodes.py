"""Nodes the Typst builder adds while it assembles the book (never stored in
the environment): a part of the book and the root page's own text."""
from __future__ import annotations

from docutils import nodes


class typst_part(nodes.Element):
    """A part of the book (a collection, the appendices): ``title``, and
    ``page`` true when the part opens with a page of its own."""


class typst_preface(nodes.Element):
    """The edition root page's text, printed in the front matter."""

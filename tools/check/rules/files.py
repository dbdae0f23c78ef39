"""FILE005, FILE006: names and symbolic links in the content folders.

The model walks the folders without following links (tools.model.pages.
unsafe_paths); the build leaves the same paths out and warns. Unreadable
files (FILE001-004) are reported where a page is read (tools.check).
"""
from __future__ import annotations

from tools.model import unsafe_paths

from ..registry import rule


@rule("FILE", "file names and links", corpus=True)
def check(docs):
    return unsafe_paths(docs[0].data.root) if docs else []

"""The content model: page types, front-matter schema, audiences, facts.

The ground floor of the project. ``tools.extensions`` (Sphinx),
``tools.check`` (the checker) and ``tools.publish`` (editions) all read pages
and data through this package.
"""
from .codes import Code
from .data import Audience, Fact, Helpline, KBData, LocalHelpline, Reviewer, Term, load_data, root_problem
from .pages import (COLLECTIONS, Page, check_unique_ids, iter_content_files, load_corpus, read_page,
                    read_page_cached, unsafe_paths)
from .problems import ERROR, INFO, WARNING, Problem

__all__ = [
    "Audience", "Fact", "Helpline", "KBData", "LocalHelpline", "Reviewer", "Term", "load_data", "root_problem", "COLLECTIONS", "Page",
    "check_unique_ids", "iter_content_files", "load_corpus", "read_page", "read_page_cached", "unsafe_paths",
    "Code", "ERROR", "INFO", "WARNING", "Problem",
]

from .editions import Edition, edition_contents, edition_pages, load_editions  # noqa: E402

__all__ += ["Edition", "edition_contents", "edition_pages", "load_editions"]

from .review import State  # noqa: E402  (a page's review state: Page.state)

__all__ += ["State"]

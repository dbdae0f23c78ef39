"""The knowledge base's Sphinx extensions, as one bundle.

``conf.py`` and every test root list just ``"tools.extensions"``; this
``setup`` loads what the knowledge base needs, in order, with Sphinx's own
``app.setup_extension``. Each module also declares what it depends on the
same way, so it can be loaded alone.

One module, one job:

========================  =====================================================
``kb_model``              front matter and data files into Sphinx (the model)
``kb_safety``             the page gate: what MyST may parse, what a page may do
``kb_editions``           limit a build to one edition of the matrix
``kb_directives``         lesson boxes, write-in blanks, edition filtering
``kb_bibliography``       bibliography, citations, per-page references
``kb_glossary``           the glossary from terms.yml
``kb_toctree``            folder toctrees in front-matter order
``kb_listings``           listings, matrices, timeline, facts, lesson finder
``kb_notices``            status and review-state boxes under a page's title
``kb_releases``           version notes per release, the "与上一版相比" appendix
``kb_lesson``             the lesson header card (web): grades, time, buttons
``kb_search``             Chinese search: the index without HMM, page data
``kb_colophon``           version, edition, date and commit in footer and books
``kb_schools``            a school's edition: schedule, local help, its lessons
``kb_downloads``          the downloads page, editions and worksheets beside the site
``kb_theme``              escaping, navigation, template values, root redirect
``kb_assets``             page weight: scripts per page, theme CSS and icons cut
``kb_typst``              the print book: a Typst builder and translator
========================  =====================================================
"""
from __future__ import annotations

from sphinx.application import Sphinx

EXTENSIONS = (
    "myst_parser",
    "sphinx_design",
    "tools.extensions.kb_model",
    "tools.extensions.kb_safety",
    "tools.extensions.kb_editions",
    "tools.extensions.kb_directives",
    "tools.extensions.kb_bibliography",
    "tools.extensions.kb_glossary",
    "tools.extensions.kb_toctree",
    "tools.extensions.kb_listings",
    "tools.extensions.kb_notices",
    "tools.extensions.kb_releases",
    "tools.extensions.kb_lesson",
    "tools.extensions.kb_search",
    "tools.extensions.kb_colophon",
    "tools.extensions.kb_schools",
    "tools.extensions.kb_downloads",
    "tools.extensions.kb_theme",
    "tools.extensions.kb_assets",
    "tools.extensions.kb_typst",
)


def setup(app: Sphinx) -> dict:
    for name in EXTENSIONS:
        app.setup_extension(name)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx configuration for the Qingchun knowledge base (青春健康知识库).

Sections: general, MyST, HTML, search, knowledge-base extensions. The source
directory is the repository root; only the content collections are read.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tools import buildinfo  # noqa: E402
from tools.model.markdown import MYST_DISABLE_SYNTAX, MYST_EXTENSIONS  # noqa: E402

# -- General ------------------------------------------------------------------
project = "青春健康知识库"
author = "青春健康知识库编写组"
language = "zh_CN"
version = "0.1"
release = buildinfo.release()
copyright = f"{buildinfo.build_year()}, {author}"

root_doc = "source/index"
include_patterns = ["source/**", "curriculum/**", "policies/**", "case-studies/**"]
# The sources sit at the top of the repository: name every other folder so
# that Sphinx does not walk them (node_modules and .venv alone cost 2.6 s of
# every build, edition builds included) — include_patterns only filters files.
exclude_patterns = [".*", "build", "node_modules", "tests", "tools",
                    "source/_data", "source/_templates", "source/_static",
                    "source/_data/**", "source/_templates/**", "source/_static/**", "**/_*/**"]
templates_path = ["source/_templates"]

extensions = ["tools.extensions"]  # the bundle: see tools/extensions/__init__.py

nitpicky = True
suppress_warnings: list[str] = []
today_fmt = "%Y-%m-%d"

# -- MyST ---------------------------------------------------------------------
# Extensions and disabled syntax are shared with the checker (tools.model.markdown).
myst_enable_extensions = list(MYST_EXTENSIONS)
myst_title_to_header = True
myst_heading_anchors = 3
# Raw HTML in content is escaped, never passed through (see kb_safety).
myst_disable_syntax = list(MYST_DISABLE_SYNTAX)
myst_url_schemes = ["http", "https", "mailto"]
# Facts-registry substitutions ({{ fact_id }}) are added by kb_model.
myst_substitutions: dict[str, str] = {}

# -- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["source/_static"]
html_css_files = ["kb.css", ("kb-print.css", {"media": "print"})]
html_js_files = [("kb-nav.js", {"defer": "defer"})]
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    # Render only the open branch of the navigation on each page: keeps the
    # build linear in the number of pages (see `make bench`).
    "collapse_navbar": True,
    "show_navbar_depth": 1,
    "max_navbar_depth": 3,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "search_bar_text": "搜索",
    "toc_title": "本页目录",
    # Our own header and footer pieces (source/_templates), in Chinese.
    "article_header_start": ["kb-toggle-nav.html"],
    "article_header_end": ["kb-header-buttons.html"],
    "footer_content_items": ["kb-footer.html"],
}
# Always light: the content boxes (kb.css) are designed for it, and no
# colour-mode menu means no Bootstrap script on the page.
html_context = {"default_mode": "light"}
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "kb-sidebar-nav.html"]}
html_favicon = "source/_static/favicon.svg"

# -- Search -------------------------------------------------------------------
# Sphinx's zh search segments with jieba; kb_site adds the glossary terms to
# jieba's dictionary so that 流动人口 or 人户分离 index as one word.
html_search_language = "zh"

# -- Knowledge base -----------------------------------------------------------
# kb_edition, kb_edition_audience and kb_source_commit are registered by the
# extensions with their defaults (the full site; the commit from
# tools.buildinfo); the publisher sets the edition per build.

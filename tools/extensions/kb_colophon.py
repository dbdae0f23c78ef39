"""Version, edition, build date and source commit, on every page and in
every book: the footer of each web page, the ``{colophon}`` directive, and
``kb_build_date`` / ``kb_edition`` for templates. The values come from
``tools.buildinfo``, so a site and its editions agree: the version and its
date are the latest release record's (``make release``), also set as
Sphinx's ``release`` and ``version`` (the EPUB's metadata)."""
from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from tools import buildinfo
from tools.buildinfo import build_date, build_year


def edition_name(app: Sphinx) -> str:
    """The edition as readers call it: 全站版 for the whole site, else the
    reader's name from audiences.yml (初中版), never the id."""
    edition = app.config.kb_edition
    audience = getattr(app, "kb_data", None) and app.kb_data.audiences.get(edition)
    if audience:
        return f"{audience.name}版"
    return "全站版" if edition in ("full", "", None) else f"{edition}版"


def _release(app: Sphinx, config) -> None:
    """The version being built, from the release records of this source tree."""
    config.release = config.version = buildinfo.release(app.srcdir)


def _footer(app: Sphinx) -> None:
    opts = dict(app.config.html_theme_options or {})
    opts["extra_footer"] = (
        f'<p class="kb-colophon">版本 {escape(buildinfo.release_label(app.srcdir))} · {escape(edition_name(app))} · '
        f"构建日期 {build_date()} · 源提交 {escape(app.config.kb_source_commit)}</p>"
    )
    app.config.html_theme_options = opts


def _context(app, pagename, templatename, context, doctree):
    context["kb_build_date"] = build_date()
    context["kb_edition"] = app.config.kb_edition
    context["kb_copyright_year"] = build_year()


class ColophonDirective(SphinxDirective):
    def run(self):
        cfg = self.config
        items = nodes.bullet_list()
        for label, value in (("版本", cfg.release), ("发布日期", buildinfo.release_date(self.env.srcdir) or "未发布"),
                             ("版别", edition_name(self.env.app)), ("构建日期", build_date()),
                             ("源提交", cfg.kb_source_commit)):
            items += nodes.list_item("", nodes.paragraph(text=f"{label}：{value}"))
        return [items]


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.add_directive("colophon", ColophonDirective)
    app.connect("config-inited", _release)
    app.connect("builder-inited", _footer)
    app.connect("html-page-context", _context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Limit a build to one edition of the matrix (``source/_data/editions.yml``).

With ``kb_edition_audience`` set (``-D kb_edition_audience=junior-secondary``),
the build reads only the pages that edition holds (``include_patterns``), its
root document is ``source/edition.md`` whose ``{edition-contents}`` toctree
lists them in reading order, and titles and EPUB metadata come from the
edition. A link to a page the edition leaves out is a warning at its
``file:line`` naming the edition, so ``-W`` fails the build: never a silent
dead link. In the full site, ``source/edition.md`` is left out.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util import docname_join

from tools import buildinfo
from tools.model import edition_contents, edition_pages, load_corpus, load_editions
from tools.model.codes import Code
from tools.model.releases import CHANGES_DOC
from tools.model.review import TRIAL

from ._util import logger

EDITION_ROOT = "source/edition"


def _config_inited(app: Sphinx, config) -> None:
    audience = config.kb_edition_audience
    if not audience:
        # the edition's contents and its "与上一版相比" appendix belong to editions;
        # the site has a version-notes page per release (kb_releases)
        config.exclude_patterns = [*config.exclude_patterns, f"{EDITION_ROOT}.md", f"{CHANGES_DOC}.md"]
        return
    editions = load_editions(app.srcdir)
    if audience not in editions:
        from sphinx.errors import ConfigError
        raise ConfigError(f"没有为读者 {audience!r} 定义版本：请在 source/_data/editions.yml 中添加。")
    edition = editions[audience]
    corpus = load_corpus(app.srcdir, app.kb_data)
    docs = edition_pages(edition, corpus)
    app.kb_edition = edition
    app.kb_edition_docs = docs
    config.root_doc = EDITION_ROOT
    config.include_patterns = [f"{d}.md" for d in [EDITION_ROOT, *edition_contents(edition, corpus)]]
    config.kb_edition = audience
    config.project = edition.title
    config.html_title = edition.title
    config.epub_title = edition.title
    config.epub_publisher = edition.publisher
    config.epub_author = edition.publisher
    config.epub_contributor = edition.publisher
    stamp = f"版本 {buildinfo.release_label(app.srcdir)}" + (f" · {TRIAL}" if edition.draft else "")
    config.epub_description = f"{edition.subtitle}（{stamp}）"
    config.epub_language = edition.language
    config.epub_identifier = f"qingchun-{audience}"
    config.epub_uid = f"qingchun-{audience}"
    config.epub_basename = audience


class EditionContents(TocTree):
    """The edition's table of contents, one captioned toctree per collection."""

    required_arguments = 0
    has_content = False

    def run(self):
        app = self.env.app
        edition = getattr(app, "kb_edition", None)
        if edition is None:
            return []
        corpus = load_corpus(app.srcdir, app.kb_data)
        docs = app.kb_edition_docs
        out = []
        front = getattr(app, "kb_front_docs", ())  # a school edition's schedule (kb_schools)
        if front:
            self.options = {"maxdepth": 1}
            self.content = [f"/{d}" for d in front]
            self.arguments = []
            for node in super().run():
                for toctree in node.findall(addnodes.toctree):
                    toctree["kb_front"] = True  # front matter of the book, not a part (kb_typst)
                out.append(node)
        for coll in edition.collections:
            entries = [d for d in docs if d.startswith(coll.rstrip("/") + "/")]
            if not entries:
                continue
            index = corpus.get(f"{coll}/index")
            caption = index.meta.get("title") if index else coll
            self.options = {"caption": caption, "maxdepth": 1}
            self.content = [f"/{d}" for d in entries]
            self.arguments = []
            out.extend(super().run())
        self.options = {"caption": "附录", "maxdepth": 1}
        self.content = [f"/{d}" for d in edition.appendices]
        out.extend(super().run())
        return out


def _missing_reference(app: Sphinx, env, node, contnode):
    """A {doc} link to a page that exists but is not in this edition."""
    if not app.config.kb_edition_audience or node.get("reftype") != "doc":
        return None
    target = docname_join(node.get("refdoc", ""), node["reftarget"])
    if (app.srcdir / f"{target}.md").exists() and target not in env.found_docs:
        logger.warning(
            f"链接的页面 {target} 不在{app.kb_edition.label}中，读者会看到一个死链接 — "
            "删去这个链接，或把它放进只给教师看的 teacher-note 中，或让目标页面也面向这类读者",
            location=node, type="kb", subtype=Code.AUD002)
        return nodes.inline("", contnode.astext())
    return None


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")  # its config-inited handler reads the data first
    app.connect("config-inited", _config_inited)
    app.add_directive("edition-contents", EditionContents)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

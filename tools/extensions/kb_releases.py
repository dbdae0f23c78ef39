"""Releases on the site and in the books, from the release records
(``source/_data/releases/``, read by :mod:`tools.model.releases`):

- ``{release-notes} VERSION``: the version-notes page of a release (every
  edition against the release before it), one page per release
  (``source/releases/<version>.md``, written by ``make release``);
- ``{release-index}``: the list of those pages, newest first (a toctree);
- ``{release-list}``: links to earlier releases' notes, for the downloads page;
- ``{edition-changes}``: the "与上一版相比" appendix of an edition build
  (``source/changes.md``; the model puts it first among the appendices once
  there are two releases).

The notes are written as Markdown by :mod:`tools.release.notes` and parsed
here with the page's own parser, so the site, the EPUB and the print book
show the same words.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util.docutils import SphinxDirective

from tools.model.codes import Code
from tools.model.releases import NOTES_DIR, RELEASE_DIR, before, load_releases
from tools.release.notes import edition_changes, markdown, release_changes

from ._util import doc_link, logger


def _releases(directive: SphinxDirective):
    srcdir = directive.env.app.srcdir
    folder = srcdir / RELEASE_DIR
    if folder.is_dir():
        for path in folder.glob("*.yml"):
            directive.env.note_dependency(str(path))
    return load_releases(srcdir)[0]


class ReleaseNotes(SphinxDirective):
    """Every edition of one release, against the release before it."""

    required_arguments = 1
    has_content = False

    def run(self):
        version = self.arguments[0].strip()
        releases = _releases(self)
        if version not in {r.version for r in releases}:
            logger.warning(f"没有版本 {version} 的发布记录（{RELEASE_DIR.as_posix()}/{version}.yml） — "
                           "版本说明页由 make release 与发布记录一起写出；删去这一页，或恢复发布记录",
                           location=(self.env.docname, self.lineno), type="kb", subtype=Code.REL001)
            return []
        text = "\n".join(markdown(c) for c in release_changes(releases, version))
        return self.parse_text_to_nodes(text, allow_section_headings=True)


class EditionChanges(SphinxDirective):
    """The edition's changes since the release before the latest one."""

    has_content = False

    def run(self):
        edition = getattr(self.env.app, "kb_edition", None)
        releases = _releases(self)
        if edition is None or not releases:
            return []
        latest = releases[-1]
        changes = edition_changes(before(releases, latest.version), latest, edition.audience)
        if changes is None:
            return [nodes.paragraph(text=f"本书没有收入 {latest.version} 版。")]
        title = f"{latest.version} 版" + (f"与 {changes.previous} 版相比" if changes.previous else "")
        return self.parse_text_to_nodes(markdown(changes, level=2, title=title), allow_section_headings=True)


def _notes_pages(directive: SphinxDirective) -> list[tuple[str, object]]:
    """(docname, release) of every release that has its notes page, newest first."""
    found = directive.env.found_docs
    out = [(f"{NOTES_DIR}/{r.version}", r) for r in _releases(directive)]
    return [(d, r) for d, r in reversed(out) if d in found]


class ReleaseIndex(TocTree):
    """The version-notes pages, newest first."""

    required_arguments = 0
    has_content = False

    def run(self):
        pages = _notes_pages(self)
        if not pages:
            return [nodes.paragraph(text="还没有发布过版本。")]
        self.options = {"maxdepth": 1}
        self.content = [f"/{d}" for d, _ in pages]
        self.arguments = []
        return super().run()


class ReleaseList(SphinxDirective):
    """Links to every release's notes, newest first (the downloads page)."""

    has_content = False

    def run(self):
        pages = _notes_pages(self)
        if not pages:
            return [nodes.paragraph(text="还没有发布过版本。")]
        items = nodes.bullet_list(classes=["kb-release-list"])
        for docname, r in pages:
            para = nodes.paragraph("", "", doc_link(docname, f"{r.version} 版版本说明"),
                                   nodes.Text(f"（{r.date} 发布）"))
            items += nodes.list_item("", para)
        return [items]


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_editions")
    app.add_directive("release-notes", ReleaseNotes)
    app.add_directive("edition-changes", EditionChanges)
    app.add_directive("release-index", ReleaseIndex)
    app.add_directive("release-list", ReleaseList)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

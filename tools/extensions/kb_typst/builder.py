"""The ``typst`` builder: one Typst book per edition, from the edition's
environment (the doctrees its site and EPUB were written from).

Like Sphinx's LaTeX and Texinfo builders, it assembles the book into one
doctree: the edition root's own text (front matter), then, for each captioned
toctree of the root (a collection, the appendices), a part marker and the
pages it lists, in reading order. References are resolved for this one book
(``%docname#anchor``); links to pages the book leaves out keep their words.

Output in the output directory:

- ``book.typ``: the book, calling the functions of the templates;
- the templates of ``source/_templates/typst/`` and the images used;
- ``book.txt``: every text the book typesets, for the print checks.

The builder sets no environment-type configuration value, so running it
after the edition's HTML and EPUB builds does not read the sources again.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from docutils.io import StringOutput
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.environment.adapters.asset import ImageAdapter
from sphinx.errors import NoUri, SphinxError
from sphinx.util import logging
from sphinx.util.docutils import new_document
from sphinx.util.osutil import ensuredir

from tools import buildinfo
from tools.model.review import TRIAL, print_mark

from . import escape
from .nodes import typst_part, typst_preface
from .translator import TypstTranslator
from .writer import TypstWriter

logger = logging.getLogger(__name__)

TEMPLATES = "_templates/typst"
APPENDIX_CAPTION = "附录"
BOOK = "book.typ"
REPOSITORY_TEMPLATES = Path(__file__).resolve().parents[3] / "source" / TEMPLATES


class BookError(SphinxError):
    category = "印刷版错误"


class TypstBuilder(Builder):
    name = "typst"
    format = "typst"
    epilog = "印刷版的 Typst 源文件在 %(outdir)s。"
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    default_translator_class = TypstTranslator

    def init(self) -> None:
        self.docnames: set[str] = set()

    def get_outdated_docs(self):
        return "all documents"  # one book, always written whole

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname not in self.docnames:
            raise NoUri(docname, typ)
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames) -> None:
        pass

    def write_documents(self, docnames) -> None:
        edition = getattr(self.app, "kb_edition", None)
        if edition is None:
            raise BookError("typst 构建器只为某一版本排版：请设置 kb_edition_audience(见 source/_data/editions.yml)")
        tree = self.assemble_doctree()
        self.post_process_images(tree)
        tree["kb_labels"] = _link_targets(tree)
        writer = TypstWriter(self)
        out = StringOutput(encoding="unicode")
        writer.write(tree, out)
        ensuredir(self.outdir)
        (Path(self.outdir) / BOOK).write_text(self.preamble(edition, tree, writer.preface) + writer.output,
                                              encoding="utf-8")
        (Path(self.outdir) / "book.txt").write_text("\n".join(writer.plain_text), encoding="utf-8")
        self.copy_templates()
        self.copy_images()
        school = getattr(edition, "school", None)
        if school is not None and school.logo is not None:
            shutil.copyfile(school.logo, Path(self.outdir) / _logo_name(school))

    # -- the book's doctree ---------------------------------------------
    def assemble_doctree(self) -> nodes.document:
        env = self.env
        root = self.config.root_doc
        roottree = env.get_doctree(root)
        # (caption, pages, front): a front toctree (a school's schedule,
        # kb_schools) holds chapters before the first part, not a part
        parts: list[tuple[str, list[str], bool]] = []
        for toctree in roottree.findall(addnodes.toctree):
            docs = [str(d) for d in toctree["includefiles"]]
            parts.append((toctree.get("caption") or "", docs, bool(toctree.get("kb_front"))))
        self.docnames = {root, *(d for _, docs, _ in parts for d in docs)}
        content_parts = [p for p in parts if p[0] != APPENDIX_CAPTION and p[1] and not p[2]]
        multipart = len(content_parts) > 1

        book = new_document(str(env.doc2path(root)), roottree.settings)
        book["kb_chapter_level"] = 2 if multipart else 1
        book["kb_chapter_break"] = getattr(self.app, "kb_edition", None) and self.app.kb_edition.chapter_break
        preface = typst_preface()
        for section in roottree.children:
            for child in (section.children if isinstance(section, nodes.section) else [section]):
                if isinstance(child, nodes.title) or child.next_node(addnodes.toctree) is not None:
                    continue
                if isinstance(child, (nodes.paragraph, nodes.bullet_list, nodes.enumerated_list)):
                    preface += child.deepcopy()
        book += preface
        chapters: dict[str, dict] = {}
        pages = getattr(self.app, "kb_pages", {})
        audience = self.app.kb_data.audiences.get(self.config.kb_edition_audience)
        teacher = audience is not None and audience.role == "educator"
        edition = getattr(self.app, "kb_edition", None)
        for caption, docs, front in parts:
            if not docs:
                continue
            if not front:
                book += typst_part(title=caption or APPENDIX_CAPTION, page=multipart)
            lessons = 0
            for docname in docs:
                page = pages.get(docname)
                if page is not None and page.meta.get("type") == "lesson":
                    lessons += 1
                tree = env.get_doctree(docname)
                sof = addnodes.start_of_file(docname=docname)
                sof.children = tree.children
                for child in sof.children:
                    child.parent = sof
                book += sof
                chapters[docname] = _chapter_meta(None if front else page, lessons, teacher, edition)
        book["kb_chapters"] = chapters
        env.resolve_references(book, root, self)
        for pending in list(book.findall(addnodes.pending_xref)):
            pending.replace_self(pending.children or nodes.Text(""))
        _normalise_text(book)
        return book

    # -- the preamble: the edition's data for the templates -------------
    def preamble(self, edition, tree: nodes.document, preface: str) -> str:
        import os
        import time

        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
        spec = edition.print_spec
        values = {
            "title": edition.title,
            "subtitle": edition.subtitle,
            "publisher": edition.publisher,
            "audience": edition.audience,
            "paper": {"A4": "a4", "B5": "iso-b5"}.get(edition.page_size, "a4"),
            "cover-color": edition.cover_color,
            "release": buildinfo.release_label(self.app.srcdir),  # the version and its release date
            "date": time.strftime("%Y-%m-%d", time.gmtime(epoch)),
            "commit": self.config.kb_source_commit,
            "chapter-break": edition.chapter_break,
            "binding": spec.binding,
        }
        school = getattr(edition, "school", None)  # a school's edition (tools.model.schools)
        if school is not None:
            values.update({"school": school.name, "school-file": school.rel, "school-digest": school.digest,
                           "school-logo": _logo_name(school), "example": "yes" if school.example else ""})
        args = ",\n  ".join(f"{key}: {escape.string(str(value))}" for key, value in values.items())
        return (
            "// Written by the typst builder (tools/extensions/kb_typst): do not edit.\n"
            '#import "kb.typ": *\n'
            f"#show: book.with(\n  {args},\n"
            f"  type-size: {float(edition.type_size)}pt,\n"
            f"  line-chars: {int(edition.line_chars)},\n"
            f"  chapter-level: {int(tree.get('kb_chapter_level', 1))},\n"
            f"  preface: [{preface}],\n)\n\n"
        )

    # -- support files --------------------------------------------------
    def copy_templates(self) -> None:
        """The templates of the configuration's folder (this repository's for
        a test project without its own)."""
        src = Path(self.confdir) / "source" / TEMPLATES
        if not src.is_dir():
            src = REPOSITORY_TEMPLATES
        for path in sorted(src.glob("*.typ")):
            shutil.copyfile(path, Path(self.outdir) / path.name)

    def copy_images(self) -> None:
        if not self.images:
            return
        adapter = ImageAdapter(self.env)
        for src, dest in self.images.items():
            target = Path(self.outdir) / "images" / dest
            ensuredir(target.parent)
            shutil.copyfile(Path(self.srcdir) / src, target)
            logger.debug("copied %s", adapter.get_original_image_uri(src))

    def finish(self) -> None:
        pass


def _logo_name(school) -> str:
    """The school's logo in the book's folder (beside the templates)."""
    return f"school-logo{school.logo.suffix}" if school.logo is not None else ""


def _chapter_meta(page, lesson: int, teacher: bool, edition=None) -> dict:
    """What the chapter opener and running heads need: the page's print mark
    from its review state (tools.model.review.print_mark: 草稿 · 未经审核,
    审核后有修改, 试用版, or none), and a kicker above the title (第 3 课, with the
    lesson's length for teachers; 政策解读, 工作案例, 指南). No page (the
    root, a school's schedule): only the edition's 试用版 mark."""
    if page is None:
        return {"mark": TRIAL} if edition is not None and edition.draft else {}
    meta = page.meta
    kind = meta.get("type")
    kicker = {"policy": "政策解读", "case-study": "工作案例", "guide": "指南"}.get(kind, "")
    if kind == "lesson":
        kicker = f"第 {lesson} 课"
        if teacher and meta.get("duration_minutes"):
            kicker += f" · {meta['duration_minutes']} 分钟"
    return {"mark": print_mark(page, edition), "kicker": kicker}


def _link_targets(tree: nodes.document) -> set[str]:
    """Labels that links of the book point to (only those are written)."""
    targets: set[str] = set()
    doc = None
    for node in tree.findall(nodes.Element):
        if isinstance(node, addnodes.start_of_file):
            doc = node["docname"]
        if not isinstance(node, nodes.reference):
            continue
        uri = node.get("refuri", "")
        if node.get("refid"):
            owner = _owning_doc(node) or doc
            targets.add(f"{owner}#{node['refid']}")
        elif uri.startswith("%"):
            docname, _, anchor = uri[1:].partition("#")
            targets.add(f"{docname}#{anchor}")
    # keep only targets that exist in the book (a label with no element is an error in Typst)
    present: set[str] = set()
    for sof in tree.findall(addnodes.start_of_file):
        name = sof["docname"]
        present.add(f"{name}#")
        for node in sof.findall(nodes.Element):
            for id_ in node.get("ids", ()):
                present.add(f"{name}#{id_}")
    return targets & present


def _owning_doc(node: nodes.Node) -> str | None:
    while node is not None:
        if isinstance(node, addnodes.start_of_file):
            return node["docname"]
        node = node.parent
    return None


#: elements whose text is one run of inline content
_BLOCKS = (nodes.paragraph, nodes.title, nodes.term, nodes.rubric, nodes.caption, nodes.line, nodes.field_name)


def _normalise_text(tree: nodes.document) -> None:
    """White space as a reader expects it: collapsed, none between CJK
    characters where the source had a line break, none at the ends of a
    paragraph (it would push the first-line indent)."""
    for block in tree.findall(lambda n: isinstance(n, _BLOCKS)):
        texts = [t for t in block.findall(nodes.Text)
                 if not isinstance(t.parent, (nodes.literal, nodes.literal_block, nodes.raw))]
        if not texts:
            continue
        new = escape.collapse([str(t) for t in texts])
        new[0] = new[0].lstrip()
        new[-1] = new[-1].rstrip()
        for old, value in zip(texts, new):
            if value != str(old):
                old.parent.replace(old, nodes.Text(value))

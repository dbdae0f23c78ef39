"""School editions in the build: one school's book (``schools/<id>.yml``,
read through :mod:`tools.model.schools`) from an environment shared by every
school of the same edition.

Two settings:

- ``kb_school_editions`` (an ``env`` value): the environment serves school
  editions. The build reads the edition's pages and the schedule page
  (``source/school-schedule.md``), whatever school it is for;
- ``kb_school`` (the school file; never makes Sphinx read a page again):
  the school this build writes.

What differs from school to school is added without a second read of the
pages: the schedule (教学进度表), the local line of every help box
(kb_directives) and the school on the cover and colophon (kb_typst) are
written when the pages are written (post-transforms, the builders); the
lessons the school does not teach are dropped from the environment before
anything is read; only the edition root, whose table of contents lists the
school's lessons, is read again. A link to a lesson the school left out is a
warning at its ``file:line`` naming the school file (kb_editions), so the
build fails as for any edition.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from tools.model import load_corpus
from tools.model.schools import SCHEDULE_DOC, load_school, paragraphs, school_edition, school_pages

from ._util import doc_link, table

SCHEDULE_TITLE = "教学进度表"
EXAMPLE_NOTE = "这是用示例学校文件生成的版本：学校、服务机构、地址和电话都是虚构的，请不要拨打。"


def _config_inited(app: Sphinx, config) -> None:
    app.kb_school = None
    if config.kb_school:
        config.kb_school_editions = True
    if not config.kb_school_editions:
        if not config.kb_edition_audience:
            config.exclude_patterns = [*config.exclude_patterns, f"{SCHEDULE_DOC}.md"]
        return
    audience = config.kb_edition_audience
    if not audience:
        raise ConfigError("学校版本要在某个版本的基础上构建：请同时设置 kb_edition_audience。")
    # every school of the edition reads the same pages: the same env values
    config.include_patterns = [*config.include_patterns, f"{SCHEDULE_DOC}.md"]
    app.kb_front_docs = [SCHEDULE_DOC]
    if not config.kb_school:
        return
    school, problems = load_school(config.kb_school, app.srcdir, app.kb_data)
    if school is None:
        raise ConfigError("学校文件有错误，没有构建：\n" + "\n".join(p.text() for p in problems))
    if school.edition != audience:
        raise ConfigError(f"学校文件 {school.rel} 依据的是 {school.edition} 版，不是 {audience} 版。")
    edition = app.kb_edition
    corpus = load_corpus(app.srcdir, app.kb_data)
    app.kb_school = school
    app.kb_school_dropped = {d for d in app.kb_edition_docs if corpus[d].meta.get("type") == "lesson"} \
        - set(school.docnames)
    app.kb_edition_docs = school_pages(school, edition, corpus)
    app.kb_edition = school_edition(school, app.srcdir)
    # values that are not "env": they never make Sphinx read a page again
    title = f"{school.name} · {edition.title}"
    config.html_title = title
    config.epub_title = title
    config.epub_description = f"{edition.subtitle} · {school.name}"
    config.epub_identifier = f"qingchun-{audience}-{school.id}"
    config.epub_basename = school.id
    if school.logo is not None:
        config.html_logo = str(school.logo)


def _outdated(app: Sphinx, env, added: set, changed: set, removed: set) -> list[str]:
    """The school's lessons only: the others leave the environment (no page
    is read for them); the edition root lists the school's lessons, so it is
    read again."""
    school = getattr(app, "kb_school", None)
    if school is None:
        return []
    dropped = app.kb_school_dropped
    env.found_docs.difference_update(dropped)
    added.difference_update(dropped)
    changed.difference_update(dropped)
    removed.update(dropped & set(env.all_docs))
    return [app.config.root_doc]


class school_schedule(nodes.General, nodes.Element):
    """Placeholder of ``{school-schedule}``, filled by :class:`FillSchedule`."""


class ScheduleDirective(SphinxDirective):
    """``{school-schedule}``: the school's foreword and 教学进度表 (term,
    week, lesson, minutes), from the school file, when the page is written."""

    has_content = False

    def run(self):
        node = school_schedule()
        self.set_source_info(node)
        return [node]


def _lesson_link(docname: str, title: str, refdoc: str) -> nodes.paragraph:
    return nodes.paragraph("", "", doc_link(docname, title, refdoc))


def schedule_nodes(school, refdoc: str) -> list[nodes.Node]:
    """The foreword, the schedule table and, for an example, the note that it is invented."""
    out: list[nodes.Node] = []
    if school.example:
        note = nodes.container(classes=["kb-draft-notice", "kb-school-example"])
        note += nodes.paragraph(text=EXAMPLE_NOTE)
        out.append(note)
    for text in paragraphs(school.foreword):
        out.append(nodes.paragraph(text, text, classes=["kb-school-foreword"]))
    out.append(nodes.paragraph(text=f"{school.name}的课程安排：共 {len(school.lessons)} 课，"
                                    f"{sum(lesson.minutes for lesson in school.lessons)} 分钟。"))
    rows = [[lesson.term, f"第 {lesson.week} 周", _lesson_link(lesson.docname, lesson.title, refdoc), lesson.minutes]
            for lesson in school.lessons]
    out.append(table(["学期", "周次", "课", "分钟"], rows, ["kb-schedule"], title=f"{school.name}教学进度表",
                     ids=["school-schedule-table"], widths=[4, 2, 10, 2]))
    from tools.buildinfo import release
    out.append(nodes.paragraph(
        text=f"本书依据青春健康知识库 {release()} 版，按学校文件 {school.rel} 生成"
             f"（文件的 SHA-256 摘要以 {school.digest[:16]} 开头）。", classes=["kb-school-colophon"]))
    return out


class FillSchedule(SphinxPostTransform):
    """Write the schedule page for the school being built. Runs before the
    references are resolved (priority 10), so its links to the lessons are
    resolved like any other. The page is the school's, not knowledge-base
    content under review: no draft notice."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        school = getattr(self.app, "kb_school", None)
        for node in list(self.document.findall(school_schedule)):
            section = node.parent
            if school is None:
                node.replace_self(nodes.paragraph(text="（教学进度表由学校文件生成。）"))
                continue
            node.replace_self(schedule_nodes(school, self.env.docname))
            if isinstance(section, nodes.section):
                for child in list(section.children):
                    if isinstance(child, nodes.container) and "kb-draft-notice" in child["classes"] \
                            and "kb-school-example" not in child["classes"]:
                        section.remove(child)


def _visit_skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.setup_extension("tools.extensions.kb_editions")  # its config-inited handler runs first
    app.setup_extension("tools.extensions.kb_directives")
    app.add_config_value("kb_school_editions", False, "env", types=(bool,))
    app.add_config_value("kb_school", "", "", types=(str,))
    app.connect("config-inited", _config_inited)
    app.connect("env-get-outdated", _outdated)
    app.add_directive("school-schedule", ScheduleDirective)
    app.add_node(school_schedule, **{fmt: (_visit_skip, None)
                                     for fmt in ("html", "latex", "text", "man", "texinfo", "typst")})
    app.add_post_transform(FillSchedule)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Pages generated from front matter: listings, matrices, timeline, figures.

Each directive leaves a placeholder that a post-transform fills once every
page has been read, so a listing always sees the whole corpus (a collector
reads the pages with listings again when any page changes):
- ``{kb-pages}``: pages filtered by ``:type:``, ``:audience:``,
  ``:collection:``, grouped by ``:group-by:`` (type, age_band,
  policy_status, case_topics, region, period).
- ``{lesson-matrix}``: lessons by age band and key concept (a table; on a
  phone the same as a list, by age band).
- ``{lesson-finder}``: every lesson by school stage in school order, each
  with its grades, topics and length; on the web, filters by grade, topic
  and length (``kb-finder.js``, no server).
- ``{coverage-matrix}``: the 27 ITGSE topics and the Chinese guidance
  against lessons by age band.
- ``{policy-timeline}``: every dated event of every policy page, in order.
- ``{facts-table}``: the facts registry (``:source:`` to filter).

The folder toctree is ``kb_toctree``; the boxes under a page's title are
``kb_notices``.
"""
from __future__ import annotations

import re
from collections import defaultdict

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from tools.model.review import STATE_NAMES, State

from ._util import kb_pages, para as _para, table as _table

TYPE_NAMES = {"lesson": "课程", "policy": "政策解读", "case-study": "案例", "guide": "指南", "page": "页面"}
STATUS_NAMES = {"in-force": "现行有效", "amended": "已修改", "repealed": "已废止", "superseded": "已被取代"}
GROUP_ORDER = {"policy_status": ["in-force", "amended", "superseded", "repealed"]}


class kb_listing(nodes.General, nodes.Element):
    """Placeholder filled in by :class:`ResolveListings`."""


def _placeholder(directive: SphinxDirective, kind: str) -> list[nodes.Node]:
    node = kb_listing(kind=kind, options=dict(directive.options))
    directive.set_source_info(node)
    return [node]


def _listing_directive(kind: str, spec: dict | None = None):
    class _D(SphinxDirective):
        has_content = False
        option_spec = spec or {}

        def run(self):
            return _placeholder(self, kind)

    _D.__name__ = f"Listing_{kind}"
    return _D


PAGES_SPEC = {"type": directives.unchanged, "audience": directives.unchanged,
              "collection": directives.unchanged, "group-by": directives.unchanged}

# ---------------------------------------------------------------------------
# Rendering helpers


class _Ctx:
    def __init__(self, app: Sphinx, fromdocname: str):
        self.app = app
        self.fromdocname = fromdocname
        self.pages = kb_pages(app.env)
        self.data = app.kb_data
        self.docs = set(app.env.all_docs)
        #: a web page (not a book): lists beside tables, filters
        self.web = app.builder.name in ("html", "dirhtml")

    def link(self, docname: str, text: str | None = None) -> nodes.Node:
        page = self.pages.get(docname)
        text = text or (page.meta.get("title") if page else docname)
        if docname not in self.docs:
            return nodes.inline(text, text)
        uri = self.app.builder.get_relative_uri(self.fromdocname, docname)
        return nodes.reference(text, text, internal=True, refuri=uri)

    def select(self, type_=None, audience=None, collection=None):
        out = []
        for docname, page in self.pages.items():
            m = page.meta
            if type_ and m.get("type") not in type_.split(","):
                continue
            if audience and audience not in (m.get("audiences") or ()):
                continue
            if collection and not docname.startswith(collection.strip("/") + "/"):
                continue
            if m.get("type") == "page" or docname not in self.docs:
                continue
            out.append((docname, page))
        out.sort(key=lambda dp: (self.band_order(dp[1].meta.get("age_band")), *dp[1].order_key))
        return out

    def band_order(self, band) -> int:
        """Position of an age band in school order (age_bands.yml ``order``), not as a string."""
        entry = self.data.age_bands.get(str(band)) if band is not None else None
        return entry.get("order", 99) if entry else 99


def _page_item(ctx: _Ctx, docname: str, page) -> nodes.list_item:
    para = _para(ctx.link(docname))
    bits = []
    if page.meta.get("type") == "lesson":
        bits.append(f"{str(page.meta.get('age_band', '')).replace('-', '–')} 岁 · "
                    f"{page.meta.get('duration_minutes', '')} 分钟")
    if page.meta.get("type") == "policy":
        bits.append(STATUS_NAMES.get(page.meta.get("policy_status"), ""))
    if page.state in (State.DRAFT, State.LAPSED):  # the review state (tools.model.review)
        bits.append(STATE_NAMES[page.state])
    if bits:
        para += nodes.inline("", "（" + " · ".join(b for b in bits if b) + "）", classes=["kb-meta"])
    item = nodes.list_item("", para)
    if page.meta.get("summary"):
        item += _para(page.meta["summary"])
    return item


def _group_label(ctx: _Ctx, key: str, value) -> str:
    if key == "type":
        return TYPE_NAMES.get(value, value)
    if key == "policy_status":
        return STATUS_NAMES.get(value, value)
    if key == "age_band":
        band = ctx.data.age_bands.get(str(value))
        return band["name"] if band else str(value)
    if key == "case_topics":
        topic = ctx.data.case_topics.get(value)
        return topic["name"] if topic else value
    if key == "period":
        return "原文未注明年份" if value == "unknown" else str(value)
    return str(value)


def render_pages(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    selected = ctx.select(opts.get("type"), opts.get("audience"), opts.get("collection"))
    key = opts.get("group-by")
    if not selected:
        return [_para("（暂无页面。）")]
    if not key:
        return [nodes.bullet_list("", *(_page_item(ctx, d, p) for d, p in selected))]
    groups: dict = defaultdict(list)
    for d, p in selected:
        values = p.meta.get(key)
        for v in values if isinstance(values, list) else [values]:
            groups[v if v is not None else "—"].append((d, p))
    order = GROUP_ORDER.get(key)
    if key == "age_band":
        keys = sorted(groups, key=lambda v: (ctx.band_order(v), str(v)))
    else:
        keys = sorted(groups, key=lambda v: (order.index(v) if order and v in order else 99, str(v)))
    out = []
    for value in keys:
        rubric = nodes.rubric(text=f"{_group_label(ctx, key, value)}({len(groups[value])})")
        out.append(rubric)
        out.append(nodes.bullet_list("", *(_page_item(ctx, d, p) for d, p in groups[value])))
    return out


def _bands(ctx):
    return sorted(ctx.data.age_bands, key=lambda b: ctx.data.age_bands[b].get("order", 0))


def render_lesson_matrix(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    lessons = ctx.select("lesson")
    concepts = list(ctx.data.key_concepts.values())
    header = ["年龄段"] + [f"{kc['number']}. {kc['name']}" for kc in concepts]
    rows = []
    for band in _bands(ctx):
        row = [ctx.data.age_bands[band]["name"]]
        for kc in concepts:
            cell = [_para(ctx.link(d)) for d, p in lessons
                    if p.meta.get("age_band") == band and kc["id"] in (p.meta.get("key_concepts") or ())]
            row.append(cell or ["—"])
        rows.append(row)
    out = [_table(header, rows, ["kb-lesson-matrix"])]
    if ctx.web:  # the books print the table only
        out.append(_matrix_list(ctx, lessons, concepts))
    return out


def _rows_as_list(header: list[str], rows: list[list], cls: str) -> nodes.container:
    """A table as a list, for narrow screens (kb.css shows one of the two):
    each row's first cell, then "column：cell" for the cells that hold links."""
    box = nodes.container(classes=[cls])
    items = []
    for cells in rows:
        entry = nodes.list_item("", _para(nodes.strong(text=str(cells[0]))))
        sub = []
        for name, cell in zip(header[1:], cells[1:]):
            links = [c for c in cell if isinstance(c, nodes.paragraph)] if isinstance(cell, list) else []
            if not links:
                continue
            para = _para(f"{name}：")
            for i, link_para in enumerate(links):
                if i:
                    para += nodes.Text("、")
                para += link_para.children[0].deepcopy()
            sub.append(nodes.list_item("", para))
        if sub:
            entry += nodes.bullet_list("", *sub)
        items.append(entry)
    box += nodes.bullet_list("", *items)
    return box


def _matrix_list(ctx: _Ctx, lessons, concepts) -> nodes.container:
    """The lesson matrix as a list, for narrow screens (kb.css shows one of
    the two): each age band, each key concept that has lessons in it."""
    box = nodes.container(classes=["kb-matrix-list"])
    for band in _bands(ctx):
        items = []
        for kc in concepts:
            found = [d for d, p in lessons
                     if p.meta.get("age_band") == band and kc["id"] in (p.meta.get("key_concepts") or ())]
            if found:
                para = _para(f"{kc['number']}. {kc['name']}：")
                for i, d in enumerate(found):
                    if i:
                        para += nodes.Text("、")
                    para += ctx.link(d)
                items.append(nodes.list_item("", para))
        if items:
            box += nodes.rubric(text=ctx.data.age_bands[band]["name"])
            box += nodes.bullet_list("", *items)
    return box


def render_coverage(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    lessons = ctx.select("lesson")
    bands = _bands(ctx)
    header = ["主题"] + [ctx.data.age_bands[b]["name"] for b in bands]
    rows, uncovered = [], []
    for tid, topic in ctx.data.topics.items():
        row = [f"{tid} {topic['name']}"]
        any_ = False
        for band in bands:
            cell = [_para(ctx.link(d)) for d, p in lessons
                    if p.meta.get("age_band") == band and tid in (p.meta.get("topics") or ())]
            any_ |= bool(cell)
            row.append(cell or ["—"])
        if not any_:
            uncovered.append(f"{tid} {topic['name']}")
        rows.append(row)
    covered = len(ctx.data.topics) - len(uncovered)
    out = [_para(f"课程覆盖了 {covered}/{len(ctx.data.topics)} 个主题。"
                 + ("未覆盖：" + "、".join(uncovered) + "。" if uncovered else "")),
           _table(header, rows, ["kb-coverage-matrix"])]
    if ctx.web:  # the books print the table only
        out.append(_rows_as_list(header, rows, "kb-coverage-list"))
    g_rows = []
    for gid, g in ctx.data.guidance.items():
        cell = [_para(ctx.link(d)) for d, p in lessons if gid in (p.meta.get("guidance") or ())]
        g_rows.append([g["name"], cell or ["—"]])
    out.append(_table(["国内指导文件", "对应课程"], g_rows, ["kb-guidance-matrix"]))
    return out


def _token(value) -> str:
    """A class-name token for a filter value (6.3 -> 6-3)."""
    return re.sub(r"[^0-9A-Za-z]+", "-", str(value)).strip("-")


class kb_finder_controls(nodes.General, nodes.Element):
    """The lesson finder's filters (web only): a form of selects whose values
    are the classes of the lessons' list items."""


def visit_finder_controls(self, node):
    from html import escape
    out = ['<form class="kb-finder-filters pst-js-only" aria-label="筛选课程">']
    for name, label, options in node["selects"]:
        ident = f"kb-finder-{escape(name)}"
        out.append(f'<span class="kb-finder-filter"><label for="{ident}">{escape(label)}</label>'
                   f'<select id="{ident}" name="{escape(name)}"><option value="">全部</option>')
        out.extend(f'<option value="{escape(v)}">{escape(t)}</option>' for v, t in options)
        out.append("</select></span>")
    out.append('<p class="kb-finder-status" aria-live="polite"></p></form>')
    self.body.append("".join(out))
    raise nodes.SkipNode


def render_finder(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    lessons = ctx.select("lesson")
    if not lessons:
        return [_para("（暂无课程。）")]
    data = ctx.data
    grades = [g for band in _bands(ctx) for g in data.grades(band)]
    grade_class = {g: f"kb-g{i + 1}" for i, g in enumerate(dict.fromkeys(grades))}
    box = nodes.container(classes=["kb-finder"])
    used_topics, used_minutes = set(), set()
    for band in _bands(ctx):
        found = [(d, p) for d, p in lessons if p.meta.get("age_band") == band]
        if not found:
            continue
        entry = data.age_bands[band]
        box += nodes.rubric(text=f"{entry['name']}：{len(found)} 课", classes=["kb-finder-stage"])
        items = []
        for d, p in found:
            m = p.meta
            classes = ["kb-finder-item", *(grade_class[g] for g in data.grades(band) if g in grade_class)]
            topics = [str(t) for t in m.get("topics") or ()]
            classes += [f"kb-t{_token(t)}" for t in topics]
            used_topics.update(topics)
            if m.get("duration_minutes"):
                classes.append(f"kb-m{int(m['duration_minutes'])}")
                used_minutes.add(int(m["duration_minutes"]))
            para = _para(ctx.link(d))
            bits = [data.grade_range(band), f"{m['duration_minutes']} 分钟" if m.get("duration_minutes") else ""]
            names = [data.topics[t]["name"] for t in topics if t in data.topics]
            if names:
                bits.append("主题：" + "、".join(names))
            para += nodes.inline("", "（" + " · ".join(b for b in bits if b) + "）", classes=["kb-meta"])
            item = nodes.list_item("", para, classes=classes)
            items.append(item)
        box += nodes.bullet_list("", *items, classes=["kb-finder-list"])
    out: list[nodes.Node] = []
    if ctx.web:
        def topic_key(t):
            return tuple(int(x) if x.isdigit() else x for x in re.split(r"[.]", t))
        selects = [
            ("grade", "年级", [(grade_class[g], g) for g in dict.fromkeys(grades)]),
            ("topic", "主题", [(f"kb-t{_token(t)}", f"{t} {data.topics[t]['name']}" if t in data.topics else t)
                              for t in sorted(used_topics, key=topic_key)]),
            ("minutes", "课时", [(f"kb-m{n}", f"{n} 分钟") for n in sorted(used_minutes)]),
        ]
        out.append(kb_finder_controls(selects=selects))
    out.append(box)
    return out


def policy_events(pages) -> list[tuple[str, str, str]]:
    """(date, docname, event) for every dated change recorded in policy front matter."""
    events = []
    for docname, page in pages:
        m = page.meta
        if m.get("adopted"):
            events.append((str(m["adopted"]), docname, "通过/发布"))
        if m.get("in_force"):
            events.append((str(m["in_force"]), docname, "施行"))
        for date in m.get("amended") or ():
            events.append((str(date), docname, "修改"))
        if m.get("repealed"):
            events.append((str(m["repealed"]), docname, "废止"))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def render_timeline(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    pages = ctx.select("policy")
    rows = []
    for date, docname, event in policy_events(pages):
        meta = ctx.pages[docname].meta
        rows.append([date, [_para(ctx.link(docname, meta.get("instrument") or meta.get("title")))],
                     event, STATUS_NAMES.get(meta.get("policy_status"), "")])
    if not rows:
        return [_para("（暂无政策页面。）")]
    return [_table(["日期", "文件", "事件", "现行状态"], rows, ["kb-timeline"])]


def render_facts(ctx: _Ctx, opts: dict) -> list[nodes.Node]:
    wanted = opts.get("source")
    rows = []
    for fact in ctx.data.facts.values():
        if wanted and fact.source != wanted:
            continue
        as_of = fact.as_of or "原文未注明年份"
        conflicts = "；".join(f"{c.get('locator', '')}：{c.get('value')}" for c in fact.conflicts)
        rows.append([fact.label, fact.display(), as_of, f"{fact.locator}" or "—", conflicts or "—"])
    if not rows:
        return [_para("（暂无登记的数字。）")]
    return [_table(["指标", "数值", "时间", "出处", "其他副本的不同记载"], rows, ["kb-facts"])]


RENDERERS = {"pages": render_pages, "lesson-matrix": render_lesson_matrix, "lesson-finder": render_finder,
             "coverage-matrix": render_coverage, "policy-timeline": render_timeline,
             "facts-table": render_facts}


class ResolveListings(SphinxPostTransform):
    """Fill the listing placeholders once the whole corpus is known (a
    post-transform, as Sphinx resolves references: after every page is read,
    for each page as it is written)."""

    default_priority = 100

    def run(self, **kwargs) -> None:
        found = list(self.document.findall(kb_listing))
        if not found:
            return
        ctx = _Ctx(self.app, self.env.docname)
        for node in found:
            node.replace_self(RENDERERS[node["kind"]](ctx, node["options"]))


class ListingPages(EnvironmentCollector):
    """Which pages hold listings: they are read again whenever any page is
    added, changed or removed, since a listing shows every page."""

    @staticmethod
    def _pages(env) -> set:
        if not hasattr(env, "kb_listing_docs"):
            env.kb_listing_docs = set()
        return env.kb_listing_docs

    def clear_doc(self, app, env, docname) -> None:
        self._pages(env).discard(docname)

    def merge_other(self, app, env, docnames, other) -> None:
        self._pages(env).update(d for d in self._pages(other) if d in docnames)

    def process_doc(self, app, doctree) -> None:
        if next(iter(doctree.findall(kb_listing)), None) is not None:
            self._pages(app.env).add(app.env.docname)

    def get_outdated_docs(self, app, env, added, changed, removed):
        return sorted(self._pages(env) - set(removed)) if added or changed or removed else []


def _finder_script(app, pagename, templatename, context, doctree):
    """kb-finder.js on the pages with a lesson finder."""
    if app.builder.name != "html" or 'class="kb-finder-filters' not in context.get("body", ""):
        return
    from sphinx.builders.html._assets import _JavaScript
    context["script_files"] = [*context.get("script_files", []),
                               _JavaScript("_static/kb-finder.js", priority=800, defer="defer")]


def _visit_skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.add_node(kb_listing, **{fmt: (_visit_skip, None) for fmt in ("html", "latex", "text", "man", "texinfo", "typst")})
    app.add_directive("kb-pages", _listing_directive("pages", PAGES_SPEC))
    app.add_directive("lesson-matrix", _listing_directive("lesson-matrix"))
    app.add_directive("lesson-finder", _listing_directive("lesson-finder"))
    app.add_node(kb_finder_controls, html=(visit_finder_controls, None))
    app.connect("html-page-context", _finder_script)
    app.add_directive("coverage-matrix", _listing_directive("coverage-matrix"))
    app.add_directive("policy-timeline", _listing_directive("policy-timeline"))
    app.add_directive("facts-table", _listing_directive("facts-table", {"source": directives.unchanged}))
    app.add_post_transform(ResolveListings)
    app.add_env_collector(ListingPages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

"""Boxes under a page's title, from its front matter: every policy page gets
its current status (instrument, jurisdiction, dates, what superseded it);
every page under review its review state (``Page.state``, worked out in
:mod:`tools.model.review`): a draft notice, 审核后有修改 for a lapsed review,
or the reviewed mark (who reviewed it, when); every page of a draft edition
(``draft: true`` in editions.yml) the 试用版 notice. Inserted while the page
is read, so every edition and format (web, EPUB, print, Word) has them."""
from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from tools.model.codes import Code
from tools.model.review import DEFAULT_SCOPE, TRIAL, State

from ._util import doc_link, kb_pages, logger
from .kb_listings import STATUS_NAMES, _para


def _insert_notices(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    page = kb_pages(app.env).get(docname)
    if page is None or not page.meta:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    m = page.meta
    boxes = []
    if m.get("type") == "policy":
        box = nodes.admonition(classes=["kb-box", "kb-policy-status", f"kb-status-{m.get('policy_status')}"])
        box += nodes.title(text="现行状态")
        items = nodes.bullet_list()
        facts = [("文件", m.get("instrument")), ("适用地区", m.get("jurisdiction")),
                 ("状态", STATUS_NAMES.get(m.get("policy_status"), m.get("policy_status"))),
                 ("通过/发布", m.get("adopted")), ("施行", m.get("in_force")),
                 ("修改", "、".join(str(a) for a in m.get("amended") or ()) or None),
                 ("废止", m.get("repealed"))]
        for label, value in facts:
            if value:
                items += nodes.list_item("", _para(f"{label}：{value}"))
        if m.get("superseded_by"):
            target = next((d for d, p in kb_pages(app.env).items() if p.meta.get("id") == m["superseded_by"]), None)
            para = _para("取代它的是：")
            if target:
                para += doc_link(target)
            else:
                para += nodes.Text(m["superseded_by"])
                logger.warning(f"superseded_by 指向的页面 {m['superseded_by']!r} 不存在 — 填写取代它的政策页面的 id",
                               location=(docname, page.line_of("superseded_by")), type="kb", subtype=Code.FM003)
            items += nodes.list_item("", para)
        box += items
        boxes.append(box)
    boxes[0:0] = _review_notices(app, page)
    title_index = section.first_child_matching_class(nodes.title)
    pos = (title_index or 0) + 1
    for offset, box in enumerate(boxes):
        section.insert(pos + offset, box)


def _review_notices(app: Sphinx, page) -> list[nodes.Node]:
    """The page's marks, from its review state (and the edition's)."""
    out = []
    edition = getattr(app, "kb_edition", None)
    if edition is not None and edition.draft:
        note = nodes.container(classes=["kb-draft-notice", "kb-trial-notice"])
        note += _para(f"{TRIAL}：本书收入了尚未经过专家审核或审核后有修改的页面，供试用和征求意见，内容可能修改。")
        out.append(note)
    state = page.state
    if state == State.DRAFT:
        note = nodes.container(classes=["kb-draft-notice"])
        note += _para("草稿：本页尚未经过专家审核，内容可能修改。")
        out.append(note)
    elif state == State.LAPSED:
        note = nodes.container(classes=["kb-draft-notice", "kb-lapsed-notice"])
        review = page.assessment.review
        note += _para(f"审核后有修改：本页在 {review.on} 审核之后有改动，改动部分尚未经过审核。")
        out.append(note)
    elif state == State.REVIEWED:
        review = page.assessment.review
        reviewers = app.kb_data.reviewers
        who = "、".join(f"{reviewers[b].role} {reviewers[b].name}" for b in review.by if b in reviewers)
        scope = "" if review.scope == DEFAULT_SCOPE else f"（审核范围：{review.scope}）"
        note = nodes.container(classes=["kb-review-notice"])
        note += _para(f"已审核：{who}，{review.on}{scope}。")
        out.append(note)
    return out


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.connect("doctree-read", _insert_notices)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""What the theme needs from us, in the HTML output:

- plain-text template values (titles from front matter and data files)
  escaped once, last, as Markup: sphinx-book-theme and pydata-sphinx-theme
  print ``{{ pagetitle }}``, ``{{ root_title }}`` and ``{{ docstitle }}``
  without escaping;
- the navigation's expand/collapse toggles get an accessible name;
- the values our templates (``source/_templates``) need: the school stages
  for the top of the navigation (``kb_stage_links``, in age_bands.yml
  order) and the page's summary as its description;
- a top-level ``index.html`` that forwards to the home page (from disk as
  well as from a server).

The templates themselves fix the theme where it fails a teacher: the top
bar without its duplicate sidebar buttons (``sections/header.html``, the
cause of the dead ☰ on phones), Chinese names for every button and
landmark, a breadcrumb above every article.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from sphinx.application import Sphinx


#: Template values that are plain text (titles from front matter and data
#: files) but that sphinx-book-theme and pydata-sphinx-theme print without
#: escaping ({{ pagetitle }}, {{ root_title }}, {{ docstitle }} ...): they are
#: escaped here, once, as Markup, so the templates' own ``|e`` leaves them be.
PLAIN_TEXT = ("pagetitle", "root_title", "docstitle", "shorttitle", "project", "author", "copyright",
              "release", "version", "kb_edition")


def _escape_plain_text(app, pagename, templatename, context, doctree):
    from markupsafe import Markup, escape
    for key in PLAIN_TEXT:
        value = context.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            context[key] = escape(value)


def _navigation(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is not None and not getattr(generate, "kb_wrapped", False):
        context["generate_toctree_html"] = _named_toggles(generate)


def _named_toggles(generate):
    """Give the navigation's expand/collapse toggles (<summary> with only an
    icon) an accessible name: axe rule summary-name, WCAG 4.1.2."""
    from bs4 import BeautifulSoup

    def wrapper(*args, **kwargs):
        out = generate(*args, **kwargs)
        soup = BeautifulSoup(out, "html.parser") if isinstance(out, str) else out
        for summary in soup.find_all("summary"):
            if summary.get_text(strip=True):
                continue
            item = summary.find_parent("li")
            link = item.find("a") if item else None
            label = link.get_text(strip=True) if link else ""
            summary["aria-label"] = f"展开或折叠：{label}" if label else "展开或折叠"
        return str(soup) if isinstance(out, str) else soup

    wrapper.kb_wrapped = True
    return wrapper


def stage_links(app: Sphinx, pagename: str) -> list[tuple[str, str]]:
    """(relative link, stage name) of each school stage's lesson index, in
    school order: the learner audience of each age band keeps its lessons in
    ``curriculum/<audience>/`` (audiences.yml)."""
    data = getattr(app, "kb_data", None)
    if data is None:
        return []
    links = []
    for band_id, band in sorted(data.age_bands.items(), key=lambda kv: kv[1].get("order", 99)):
        for aud in data.audiences.values():
            docname = f"curriculum/{aud.id}/index"
            if aud.age_band == band_id and docname in app.env.all_docs:
                links.append((app.builder.get_relative_uri(pagename, docname), band.get("stage") or band["name"]))
    return links


def _context(app, pagename, templatename, context, doctree):
    context["kb_stage_links"] = stage_links(app, pagename)
    page = getattr(app, "kb_pages", {}).get(pagename)
    if page is not None and page.meta.get("summary"):
        context["kb_page_description"] = page.meta["summary"]


def _build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    root = app.config.root_doc
    target = app.builder.get_target_uri(root)
    redirect = Path(app.outdir) / "index.html"
    if root != "index":
        project, target = escape(app.config.project), escape(target)
        lang = (app.config.language or "zh_CN").replace("_", "-")
        redirect.write_text(
            f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<title>{project}</title>'
            f'<meta http-equiv="refresh" content="0; url={target}"></head>'
            f'<body><p><a href="{target}">进入{project}</a></p></body></html>\n',
            encoding="utf-8")


LOCALE_DIR = Path("source") / "_locale"


def _add_catalog(app: Sphinx) -> None:
    """Chinese for the interface strings Sphinx and the themes leave in English
    (``source/_locale/<lang>/LC_MESSAGES/sphinx.po``), compiled into this
    build's own folder (builds of several editions at once never share a
    file) and added to Sphinx's catalog, behind its own translations."""
    import os
    import tempfile
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    language = app.config.language or ""
    po = Path(app.srcdir) / LOCALE_DIR / language / "LC_MESSAGES" / "sphinx.po"
    if not po.is_file():
        return
    target = Path(app.doctreedir) / "kb-locale"
    mo = target / language / "LC_MESSAGES" / "sphinx.mo"
    mo.parent.mkdir(parents=True, exist_ok=True)
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        write_mo(f, catalog)
    os.replace(tmp, mo)
    app.add_message_catalog("sphinx", str(target))


def setup(app: Sphinx) -> dict:
    _add_catalog(app)
    app.setup_extension("tools.extensions.kb_model")
    app.connect("html-page-context", _navigation, priority=600)
    app.connect("html-page-context", _context)
    # last, after the themes have added their own values (default priority 500)
    app.connect("html-page-context", _escape_plain_text, priority=990)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

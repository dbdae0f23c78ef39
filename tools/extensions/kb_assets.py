"""Page weight: what each web page loads, and how much of it.

A lesson page of the stock theme transfers 2.6 MB (fontawesome.js alone is
1.5 MB, the search index 290 KB); a teacher on a school's or a phone's
connection waits seconds for the first paint. This module keeps the theme's
look and cuts what a page does not use:

- per page (``html-page-context``): the scripts Sphinx adds for its own
  search and highlighting (our search page loads its own, ``kb_search``)
  are dropped, the rest are deferred; sphinx-design's styles and script and
  the code-highlighting styles only where the page uses them;
- once per build (``build-finished``): the theme's style sheets are cut to
  the rules whose classes and ids occur on some page of the site or in a
  script the pages load (and to the custom properties those rules use),
  the dark colour scheme is dropped (``layout.html`` keeps pages light),
  the icon font is cut to the glyphs those rules still name, and what no
  page loads any more (fontawesome.js, Bootstrap's script, source maps,
  the theme's script translations) is removed from the output, which also
  keeps the offline zip small.

``make bench`` measures the result in Chromium on a throttled link against
the stock sphinx-book-theme page (``tools/bench.py``), built with
``kb_light_pages = False``: the theme's assets as they come.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx

from ._util import logger

#: Scripts Sphinx adds to every page that our pages do not need: its search
#: (replaced by kb-search.js on search.html), the search-term highlighter,
#: the script translations of those two.
DROPPED_SCRIPTS = ("doctools.js", "sphinx_highlight.js", "translations.js", "searchtools.js",
                   "language_data.js")
#: Scripts that inline scripts of the page use at once: never deferred.
NOT_DEFERRED = ("documentation_options.js",)
#: Style sheets and scripts kept only on the pages that use them: file ->
#: a marker that appears in the page body when it does.
USED_ONLY_WHERE = {
    "sphinx-design.min.css": re.compile(r'class="[^"]*\bsd-'),
    "design-tabs.js": re.compile(r'class="[^"]*\bsd-tab'),
    "pygments.css": re.compile(r'class="[^"]*\bhighlight'),
}
#: The theme's style sheets, cut down after the build (paths under _static).
THEME_CSS = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "sphinx-design.min.css",
             "basic.css")
#: Scripts whose strings may name classes, ids or custom properties at run time.
PAGE_SCRIPTS = ("scripts/pydata-sphinx-theme.js", "scripts/sphinx-book-theme.js", "kb-search.js",
                "kb-finder.js", "kb-lesson.js", "kb-nav.js")
#: Selectors that never match on our pages: the colour scheme is always light.
NEVER = re.compile(r"\[data-(?:bs-)?theme=[\"']?dark")
#: What no page loads: removed from the output after the build.
UNUSED_FILES = ("scripts/fontawesome.js", "scripts/fontawesome.js.LICENSE.txt", "scripts/bootstrap.js",
                "scripts/bootstrap.js.LICENSE.txt", "webpack-macros.html", "sbt-webpack-macros.html")
UNUSED_DIRS = ("locales",)
ICON_FONTS = "vendor/fontawesome/webfonts"


# -- per page -----------------------------------------------------------------

def _asset_name(asset) -> str:
    return getattr(asset, "filename", str(asset)).split("?", 1)[0]


def _page_assets(app, pagename, templatename, context, doctree):
    if app.builder.name != "html" or not app.config.kb_light_pages:
        return
    from sphinx.builders.html._assets import _JavaScript
    body = context.get("body", "")
    scripts = []
    for js in context.get("script_files", []):
        name = _asset_name(js).rsplit("/", 1)[-1]
        if name in DROPPED_SCRIPTS:
            continue
        marker = USED_ONLY_WHERE.get(name)
        if marker is not None and not marker.search(body):
            continue
        if isinstance(js, _JavaScript) and js.filename and name not in NOT_DEFERRED \
                and "defer" not in js.attributes and "async" not in js.attributes:
            js = _JavaScript(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
        scripts.append(js)
    context["script_files"] = scripts
    css_files = []
    for css in context.get("css_files", []):
        marker = USED_ONLY_WHERE.get(_asset_name(css).rsplit("/", 1)[-1])
        if marker is None or marker.search(body):
            css_files.append(css)
    context["css_files"] = css_files


# -- once per build -----------------------------------------------------------

_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_WORD = re.compile(r"--?[A-Za-z_][\w-]*|[A-Za-z_][\w-]*")
_FUNCTIONAL = re.compile(r":(?:not|is|where|has|-webkit-any|-moz-any|matches)\(")
_CLASS_SEL = re.compile(r"\.((?:[\w-]|\\.)+)")
_ID_SEL = re.compile(r"#((?:[\w-]|\\.)+)")


class UsedNames:
    """Classes, ids and words that occur on the built pages or in their scripts."""

    def __init__(self, outdir: Path):
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        for page in outdir.rglob("*.html"):
            text = page.read_text(encoding="utf-8", errors="replace")
            for m in _CLASS_ATTR.finditer(text):
                self.classes.update(m.group(1).split())
            self.ids.update(m.group(1) for m in _ID_ATTR.finditer(text))
        words: set[str] = set()
        for rel in PAGE_SCRIPTS:
            script = outdir / "_static" / rel
            if script.is_file():
                words.update(_WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
        # a script may add any word it holds as a class or an id
        self.classes |= words
        self.ids |= words
        self.properties = {w for w in words if w.startswith("--")}


def _without_functional_pseudos(selector: str) -> str:
    """The selector without :not(…), :is(…), :where(…), :has(…): what they
    require is not required for a match (:not) or is a choice (:is)."""
    out, i = [], 0
    while True:
        m = _FUNCTIONAL.search(selector, i)
        if not m:
            out.append(selector[i:])
            return "".join(out)
        out.append(selector[i:m.start()])
        depth, j = 1, m.end()
        while j < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        i = j


def _may_match(selector: str, used: UsedNames) -> bool:
    if NEVER.search(selector):
        return False
    plain = re.sub(r"\[[^\]]*\]", "", _without_functional_pseudos(selector))
    if any(c.replace("\\", "") not in used.classes for c in _CLASS_SEL.findall(plain)):
        return False
    return all(i.replace("\\", "") in used.ids for i in _ID_SEL.findall(plain))


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in prelude:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


class _Rule:
    """A style rule kept: its selectors and its declarations as (name, value)."""

    def __init__(self, selector: str, decls: list[tuple[str, str]]):
        self.selector, self.decls = selector, decls

    def render(self) -> str:
        return self.selector + "{" + ";".join(f"{n}:{v}" for n, v in self.decls) + "}" if self.decls else ""


class _Block:
    """An at-rule holding rules (@media, @supports ...)."""

    def __init__(self, head: str, children: list):
        self.head, self.children = head, children

    def render(self) -> str:
        inner = "".join(c.render() for c in self.children)
        return self.head + "{" + inner + "}" if inner else ""


class _Raw:
    """An at-rule kept as it is (@font-face, @keyframes, @charset ...)."""

    def __init__(self, text: str):
        self.text = text

    def render(self) -> str:
        return self.text


def _kept_rules(rules, used: UsedNames) -> list:
    import tinycss2
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if _may_match(s, used)]
            if selectors:
                decls = [(d.name if d.name.startswith("--") else d.lower_name,
                          tinycss2.serialize(d.value).strip() + ("!important" if d.important else ""))
                         for d in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                 skip_whitespace=True)
                         if d.type == "declaration"]
                out.append(_Rule(",".join(selectors), decls))
        elif rule.type == "at-rule":
            head = "@" + rule.at_keyword + tinycss2.serialize(rule.prelude).rstrip()
            if rule.content is None:
                out.append(_Raw(head + ";"))
            elif rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                if "prefers-color-scheme" in head and "dark" in head:
                    continue
                inner = _kept_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                             skip_whitespace=True), used)
                if inner:
                    out.append(_Block(head, inner))
            else:
                out.append(_Raw(head + "{" + tinycss2.serialize(rule.content) + "}"))
    return out


def _style_rules(items):
    for item in items:
        if isinstance(item, _Block):
            yield from _style_rules(item.children)
        elif isinstance(item, _Rule):
            yield item


_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def purge_css(text: str, used: UsedNames) -> str:
    """The style sheet with only the rules that can match on the site, and only
    the custom properties that a kept rule (or a script) uses."""
    import tinycss2
    items = _kept_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), used)
    raw = " ".join(i.text for i in items if isinstance(i, _Raw))  # @font-face etc. may use var()
    while True:  # a custom property may be used only by another one: repeat until nothing goes
        wanted = set(used.properties) | set(_VAR.findall(raw))
        for rule in _style_rules(items):
            wanted.update(v for _, value in rule.decls for v in _VAR.findall(value))
        dropped = 0
        for rule in _style_rules(items):
            keep = [(n, v) for n, v in rule.decls if not n.startswith("--") or n in wanted]
            dropped += len(rule.decls) - len(keep)
            rule.decls = keep
        if not dropped:
            return "".join(i.render() for i in items)


_ICON_CODE = re.compile(r'--fa(?:--fa)?:\s*"((?:\\[0-9a-fA-F]{1,6}\s?|[^"])*)"')


def icon_codepoints(css: str) -> set[int]:
    """The icon-font code points still named by the (purged) style sheets
    (``--fa:"\\f0c9"``, escaped or as the character itself)."""
    points = set()
    for m in _ICON_CODE.finditer(css):
        for esc, char in re.findall(r"\\([0-9a-fA-F]{1,6})\s?|(.)", m.group(1)):
            points.add(int(esc, 16) if esc else ord(char))
    return points


def subset_fonts(folder: Path, codepoints: set[int]) -> None:
    """Cut every .woff2 icon font in ``folder`` to ``codepoints`` (a font none
    of them is in is left with none: it is never downloaded anyway)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    for font_path in sorted(folder.glob("*.woff2")):
        font = TTFont(str(font_path))
        cmap = font.getBestCmap() or {}
        keep = sorted(c for c in codepoints if c in cmap)
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = []
        options.name_IDs = [1, 2]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=keep or [0x20])
        subsetter.subset(font)
        font.flavor = "woff2"
        tmp = font_path.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(font_path)


def lighten(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut the theme's style sheets and icon fonts in a built site; remove the
    files no page loads. Returns path -> (bytes before, bytes after)."""
    static = outdir / "_static"
    used = UsedNames(outdir)
    sizes = {}
    kept_css = []
    for rel in THEME_CSS:
        path = static / rel
        if not path.is_file():
            continue
        before = path.read_text(encoding="utf-8")
        after = purge_css(before, used)
        path.write_text(after, encoding="utf-8")
        kept_css.append(after)
        sizes[rel] = (len(before.encode()), len(after.encode()))
    fonts = static / ICON_FONTS
    if fonts.is_dir():
        before = sum(f.stat().st_size for f in fonts.glob("*.woff2"))
        subset_fonts(fonts, icon_codepoints("".join(kept_css)))
        sizes[ICON_FONTS] = (before, sum(f.stat().st_size for f in fonts.glob("*.woff2")))
    for rel in UNUSED_FILES:
        (static / rel).unlink(missing_ok=True)
    for rel in UNUSED_DIRS:
        shutil.rmtree(static / rel, ignore_errors=True)
    for source_map in static.rglob("*.map"):
        source_map.unlink()
    return sizes


def _build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html" or not app.config.kb_light_pages:
        return
    sizes = lighten(Path(app.outdir))
    for rel, (before, after) in sizes.items():
        logger.info(f"kb_assets: {rel} {before // 1024} KB → {after // 1024} KB")


def setup(app: Sphinx) -> dict:
    app.add_config_value("kb_light_pages", True, "html", types=(bool,))
    # after the themes have filled in their assets (default priority 500)
    app.connect("html-page-context", _page_assets, priority=900)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

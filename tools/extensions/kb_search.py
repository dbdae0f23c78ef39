"""Chinese search that finds what a teacher types, static and offline.

The index (Sphinx's ``searchindex.js``) is built by :class:`SearchChineseKB`:
jieba's dictionary, no HMM new-word guessing (it indexed 月经 as 经会 and
经时), and a user dictionary of the knowledge base's own words: the terms
of ``terms.yml`` with their old forms, the case topics, the key concepts and
topics of ``concepts.yml``, and the phrases of every page title. A word
longer than three characters is indexed with every dictionary word inside it
(身体意象 inside a title), so no page loses a word it uses.

The search page (``source/_templates/search.html``) runs ``kb-search.js``:
it segments the query with maximum matching against a dictionary made of
the index's own vocabulary and the same user words, so any phrase whose
words are in the index finds its pages; it ranks lessons and explainers
above listing pages, filters by audience and age band, and shows snippets
from each page's own text. Everything it reads is a script beside the
site, so the offline zip searches from ``file://`` as well:

- ``_static/kb-search-data.js``: each page's kind, audiences, age band and
  summary, the filter choices, the user words (written after the build);
- ``_static/kb-search-text/<page>.js``: the text of each page's article, for
  snippets (written with the page).
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import ClassVar

from sphinx.application import Sphinx
from sphinx.search.zh import SearchChinese

from ._util import kb_pages

TEXT_DIR = "kb-search-text"
DATA_FILE = "kb-search-data.js"
#: characters that end a phrase of a title or a data label
PHRASE_BREAK = re.compile(r"[\s\u3000，。、：；！？（）《》“”‘’「」·—…,.:;!?()\[\]/]+|[与和及的]")
TYPE_NAMES = {"lesson": "课程", "policy": "政策解读", "case-study": "工作案例", "guide": "指南", "page": "导航页"}
#: characters that carry no topic (particles, conjunctions, prepositions):
#: never indexed alone (see SearchChineseKB.word_filter)
FUNCTION_CHARS = set("的了是在和与及或也都而就对把被让给从向跟等着过吗呢吧啊之其这那个为以于由并且则")
#: how results of each kind rank: lessons and explainers above listing pages
TYPE_WEIGHT = {"lesson": 1.3, "policy": 1.1, "case-study": 1.1, "guide": 1.1, "page": 0.4}


def phrases(text: str) -> list[str]:
    """The phrases of a title or label, at punctuation and 与/和/及/的."""
    return [p for p in PHRASE_BREAK.split(text or "") if len(p) >= 2 and not p.isascii()]


def user_words(data, pages) -> set[str]:
    """The knowledge base's own words, for jieba and for the browser."""
    words: set[str] = set()
    for term in data.terms.values():
        words.add(term.term)
        words.update(d["form"] for d in term.deprecated if d.get("form"))
    words.update(t["name"] for t in data.case_topics.values())
    for kc in data.key_concepts.values():
        words.update(phrases(kc.get("name", "")))
    for topic in data.topics.values():
        words.update(phrases(topic.get("name", "")))
    for page in pages.values():
        words.update(phrases(page.meta.get("title", "")))
    return {w.replace(" ", "") for w in words if w and len(w.strip()) >= 2 and not w.isascii()}


class SearchChineseKB(SearchChinese):
    """Sphinx's zh search language without HMM guessing, with our words."""

    #: set by kb_search before the index is built (see _collect_words)
    words: ClassVar[frozenset[str]] = frozenset()

    def init(self, options: dict) -> None:
        import jieba
        import snowballstemmer
        # a tokenizer of its own: our words must not change how anything else
        # in the process cuts text (the print book's titles are cut by
        # jieba's shared one, whether or not a site was built before them)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word in sorted(self.words):
            self.tokenizer.add_word(word)  # with a frequency that keeps it whole
        self.stemmer = snowballstemmer.stemmer("english")

    def split(self, input: str) -> list[str]:
        freq = self.tokenizer.FREQ
        out: list[str] = []
        words = list(self.tokenizer.cut(input, HMM=False))
        for n, token in enumerate(words):
            out.append(token)
            # the 2- and 3-character words inside a long word, as
            # cut_for_search adds them, and the longer ones too (身体意象
            # inside a title phrase)
            for size in range(2, len(token)):
                out.extend(token[i:i + size] for i in range(len(token) - size + 1)
                           if freq.get(token[i:i + size]))
        latin = [t.strip() for t in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin)
        return out + latin

    def word_filter(self, stemmed_word: str) -> bool:
        """Words of two or more characters, and a Chinese character that
        jieba leaves on its own unless it is a particle: 性 in 适龄的性教育
        (jieba without HMM cuts 性 / 教育) stays findable as 性 + 教育."""
        if len(stemmed_word) == 1:
            return _is_han(stemmed_word) and stemmed_word not in FUNCTION_CHARS
        return len(stemmed_word) > 1


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _collect_words(app: Sphinx, env, docnames) -> None:
    SearchChineseKB.words = frozenset(user_words(app.kb_data, kb_pages(env)))


# -- what the search page reads -----------------------------------------------

def _script(call: str, *args) -> str:
    """A script that calls ``call`` with JSON arguments; <, > and & escaped so
    that no text can end a script or start markup."""
    text = ", ".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"{call}({text});\n"


def page_text(body_html: str) -> str:
    """The article's text as a reader sees it, without heading links, the
    draft notice or the lesson card."""
    import lxml.html
    if not body_html.strip():
        return ""
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    for el in root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')"
                         " or contains(concat(' ', normalize-space(@class), ' '), ' kb-draft-notice ')"
                         " or contains(concat(' ', normalize-space(@class), ' '), ' kb-lesson-card ')"
                         " or self::script or self::style]"):
        el.drop_tree()
    for block in root.xpath("//p|//li|//h1|//h2|//h3|//h4|//dt|//dd|//td|//th|//div"):
        block.tail = (block.tail or "") + " "
    return re.sub(r"\s+", " ", root.text_content()).strip()


def _search_page(app, pagename, templatename, context, doctree):
    """The filter choices of the search page, from the data."""
    if pagename != "search":
        return
    data = search_data(app)
    context["kb_search_audiences"] = data["audiences"]
    context["kb_search_bands"] = data["bands"]


def _write_page_text(app, pagename, templatename, context, doctree):
    if app.builder.name != "html" or doctree is None or pagename not in app.env.all_docs:
        return
    target = Path(app.outdir) / "_static" / TEXT_DIR / f"{pagename}.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_script("KBSearch.text", pagename, page_text(context.get("body", ""))), encoding="utf-8")


def search_data(app: Sphinx) -> dict:
    data = app.kb_data
    pages = {}
    for docname, page in kb_pages(app.env).items():
        if docname not in app.env.all_docs:
            continue
        m = page.meta
        entry = {"t": m.get("type", "page"), "a": list(m.get("audiences") or ())}
        if m.get("age_band"):
            entry["b"] = str(m["age_band"])
        if m.get("summary"):
            entry["s"] = m["summary"]
        if m.get("duration_minutes"):
            entry["m"] = m["duration_minutes"]
        pages[docname] = entry
    used_audiences = {a for p in pages.values() for a in p["a"]}
    bands = sorted(data.age_bands.values(), key=lambda b: b.get("order", 99))
    return {
        "pages": pages,
        "audiences": [[a.id, a.name] for a in data.audiences.values() if a.id in used_audiences],
        "bands": [[str(b["id"]), b.get("stage") or b["name"], b["name"]] for b in bands],
        "types": TYPE_NAMES,
        "weights": TYPE_WEIGHT,
        "words": sorted(SearchChineseKB.words or user_words(data, kb_pages(app.env))),
    }


def compact_index(path: Path) -> None:
    """Rewrite ``searchindex.js`` with its Chinese as UTF-8 characters rather
    than ``\\uXXXX`` escapes (Sphinx's JSON default): 40 % fewer bytes for a
    phone to fetch. The page loading it is UTF-8, on a server and from disk."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("(")
    body, _, tail = rest.rpartition(")")
    if head.strip() != "Search.setIndex":
        return
    index = json.loads(body)
    compact = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    compact = compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    path.write_text(f"Search.setIndex({compact}){tail}", encoding="utf-8")


def _write_search_data(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    if app.config.kb_light_pages and (Path(app.outdir) / "searchindex.js").is_file():
        compact_index(Path(app.outdir) / "searchindex.js")
    target = Path(app.outdir) / "_static" / DATA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_script("KBSearch.data", search_data(app)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    import jieba  # the zh search segmenter: keep its start-up chatter out of build logs
    jieba.setLogLevel(logging.WARNING)
    app.setup_extension("tools.extensions.kb_model")
    app.setup_extension("tools.extensions.kb_assets")  # kb_light_pages
    app.add_search_language(SearchChineseKB)
    app.connect("env-before-read-docs", _collect_words, priority=600)
    app.connect("html-page-context", _write_page_text)
    app.connect("html-page-context", _search_page)
    # before kb_assets reads the pages' scripts (its build-finished runs at 500)
    app.connect("build-finished", _write_search_data, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Chinese search: the glossary terms, their deprecated forms and the case
topics go into jieba's dictionary (Sphinx's zh search segments with jieba),
so multi-character terms such as 流动人口 or 人户分离 index as one word."""
from __future__ import annotations

import logging
from pathlib import Path

from sphinx.application import Sphinx


def _dictionary(app: Sphinx) -> None:
    data = app.kb_data
    words = set()
    for term in data.terms.values():
        words.add(term.term)
        words.update(d["form"] for d in term.deprecated if d.get("form"))
    words.update(t["name"] for t in data.case_topics.values())
    if not words:
        return
    path = Path(app.doctreedir) / "kb-jieba-dict.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = sorted(f"{w.replace(' ', '')} 20 n" for w in words if w and " " not in w.strip())
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    app.config.html_search_options = {**(app.config.html_search_options or {}), "dict": str(path)}


def setup(app: Sphinx) -> dict:
    import jieba  # the zh search segmenter: keep its start-up chatter out of build logs
    jieba.setLogLevel(logging.WARNING)
    app.setup_extension("tools.extensions.kb_model")
    app.connect("builder-inited", _dictionary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

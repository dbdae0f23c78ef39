"""Text for Typst, never code: every piece of contributor text reaches the
``.typ`` file as a Typst string literal (``#"..."``), in which only ``\\``
and ``"`` are special, so ``#import``, ``#read(...)``, ``]`` or ``$`` in a
title or a paragraph are printed as they are and never run."""
from __future__ import annotations

import re

#: characters written as escapes inside a string literal
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: control characters (other than the escaped ones) have no business in print
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = re.compile(r'[\\"\n\r\t]')

#: CJK ideographs, kana, CJK symbols and punctuation, full-width forms
CJK = "\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{CJK}]")


def string(text: str) -> str:
    """``text`` as a Typst string literal (code mode)."""
    text = _CONTROL.sub("", text)
    return '"' + _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text) + '"'


def markup(text: str) -> str:
    """``text`` to be placed in markup: an embedded string expression, empty
    for empty text. A following ``.`` or ``(`` would continue the expression,
    so callers put only markup of their own (``#``, ``[``, ``]``, space,
    newline) right after it; :func:`markup` ends with ``;`` to be sure."""
    if not text:
        return ""
    return "#" + string(text) + ";"


def is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK_CHAR.match(ch))


_RUN = re.compile(r"[ \t\r\n\uE000]*[ \t\r\n][ \t\r\n\uE000]*")
MARK = "\uE000"  # a boundary between two text nodes while normalising


def collapse(pieces: list[str]) -> list[str]:
    """Normalise the white space of consecutive text pieces of one block, as
    a browser or Typst's markup would: runs of white space become one space,
    and a line break between two CJK characters disappears (Chinese has no
    spaces between words). The pieces keep their boundaries."""
    joined = MARK.join(p.replace(MARK, "") for p in pieces)

    def repl(m: re.Match) -> str:
        run = m.group()
        marks = run.count(MARK)
        start, end = m.start(), m.end()
        before = joined[start - 1] if start else ""
        after = joined[end] if end < len(joined) else ""
        if "\n" in run and (is_cjk(before) or not before) and (is_cjk(after) or not after):
            space = ""
        else:
            space = " "
        return space + MARK * marks

    return _RUN.sub(repl, joined).split(MARK)

"""Plain-text values: front matter and data files hold text, never markup.

Every string a contributor writes in YAML ends up in HTML, EPUB, PDF and
Word files. The templates escape it, and the model refuses it as well, so a
payload is caught at ``file:line`` before it reaches a reader.
"""
from __future__ import annotations

import re

#: Markup in a plain-text value: a tag, an HTML comment or entity, a script URL,
#: an event-handler attribute.
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]|&#?[A-Za-z0-9]+;|javascript\s*:|\bon[a-z]+\s*=", re.I)


def markup_in(text: str) -> str | None:
    """The first piece of markup in a plain-text value, or None."""
    m = MARKUP.search(text)
    return text[m.start():m.start() + 40] if m else None


def strings(value, path=()):
    """(path, text) of every string inside a parsed YAML value, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str):
                yield path + (k,), k
            yield from strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, path + (i,))

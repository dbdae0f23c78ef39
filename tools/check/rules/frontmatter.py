"""FM: front matter: YAML errors, schema, unknown ids, duplicate page ids.

The model (tools.model.read_page) does the parsing and validation; this
rule only hands its problems on.
"""
from __future__ import annotations

from tools.model import check_unique_ids
from tools.model.codes import Code

from ..registry import rule


@rule("FM", "front matter")
def check(doc):
    return list(doc.page.problems)


@rule(Code.FM004, "duplicate page ids", corpus=True)
def check_ids(docs):
    return check_unique_ids(d.page for d in docs)

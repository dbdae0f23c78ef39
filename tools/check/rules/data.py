"""DATA: the data files under ``source/_data`` themselves.

The model reads them (tools.model.data) and records what is wrong: YAML that
cannot be read or uses anchors and aliases (DATA001), entries that do not
fit ``tools/model/data.schema.json`` (DATA002), markup in a label (DATA003).
This rule only hands those problems on.
"""
from __future__ import annotations

from ..registry import rule


@rule("DATA", "data files", corpus=True)
def check(docs):
    return list(docs[0].data.problems) if docs else []

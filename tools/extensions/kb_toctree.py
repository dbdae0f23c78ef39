"""``{kb-toctree} <folder>``: a toctree of the pages in a folder, ordered by
front-matter ``order`` then id (options ``:caption:``, ``:maxdepth:``,
``:hidden:``); index pages of sub-folders come after the folder's own pages."""
from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.directives.other import TocTree

from ._util import kb_pages


class KBTocTree(TocTree):
    """A toctree whose entries come from the pages in a folder."""

    required_arguments = 1
    has_content = False

    def run(self):
        folder = self.arguments[0].strip("/")
        pages = kb_pages(self.env)
        entries = [(d, p) for d, p in pages.items()
                   if d.startswith(folder + "/") and d != self.env.docname
                   and d.count("/") == folder.count("/") + 1
                   and not d.endswith("/index")]
        entries.sort(key=lambda dp: dp[1].order_key)
        # index pages of sub-folders come after pages of the folder itself
        subs = sorted(d for d in pages if d.startswith(folder + "/") and d.endswith("/index")
                      and d.count("/") == folder.count("/") + 2)
        self.content = [f"/{d}" for d, _ in entries] + [f"/{d}" for d in subs]
        self.arguments = []
        return super().run()


def setup(app: Sphinx) -> dict:
    app.setup_extension("tools.extensions.kb_model")
    app.add_directive("kb-toctree", KBTocTree)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""The Sphinx configuration every fixture project shares: the extension
bundle and the MyST settings of the real knowledge base (tools.model), on a
small project. Each root's conf.py imports this."""
from tools.model.markdown import MYST_DISABLE_SYNTAX, MYST_EXTENSIONS

project = "test-kb"
language = "zh_CN"
root_doc = "source/index"
exclude_patterns = ["source/_data/**", "_build"]
extensions = ["tools.extensions"]
myst_enable_extensions = list(MYST_EXTENSIONS)
myst_title_to_header = True
myst_disable_syntax = list(MYST_DISABLE_SYNTAX)
nitpicky = True
html_search_language = "zh"

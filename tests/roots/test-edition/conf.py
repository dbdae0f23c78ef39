project = "test-kb"
language = "zh_CN"
root_doc = "source/index"
exclude_patterns = ["source/_data/**", "_build"]
extensions = [
    "myst_parser",
    "tools.extensions.kb_model",
    "tools.extensions.kb_editions",
    "tools.extensions.kb_directives",
    "tools.extensions.kb_bibliography",
    "tools.extensions.kb_glossary",
    "tools.extensions.kb_listings",
    "tools.extensions.kb_safety",
    "tools.extensions.kb_site",
    "tools.extensions.kb_typst",
]
myst_enable_extensions = ["colon_fence", "substitution"]
myst_title_to_header = True
myst_disable_syntax = ["html_block", "html_inline"]
nitpicky = True
html_search_language = "zh"

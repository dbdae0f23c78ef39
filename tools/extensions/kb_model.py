"""Read the content model into Sphinx: front matter, data files, facts.

On ``config-inited`` the facts registry becomes MyST substitutions
(``{{ fact_id }}``). Before documents are read, every page's front matter is
read once through :func:`tools.model.read_page` and validated; problems are
build warnings at ``file:line`` (so ``-W`` fails the build). The pages are
kept on ``app.kb_pages`` (docname -> Page) for the other extensions.

Config values: ``kb_edition`` (edition id, ``full`` for the whole site),
``kb_edition_audience`` (audience id the edition is for, or None),
``kb_source_commit``.
"""
from __future__ import annotations

from sphinx.application import Sphinx

from tools import buildinfo

from tools.model import ERROR, Problem, check_unique_ids, load_corpus, load_data, unsafe_paths
from tools.model.codes import Code

from ._util import warn_problem


def _code_digest(srcdir) -> str:
    """A digest of what shapes every doctree besides the pages themselves: our
    extensions, the content model and the data files. Stored as an ``env``
    config value, so changing any of them makes Sphinx read every page again."""
    import hashlib
    from pathlib import Path
    here = Path(__file__).resolve().parents[1]
    files = sorted([*here.joinpath("extensions").glob("*.py"), *here.joinpath("model").glob("*"),
                    *Path(srcdir).joinpath("source", "_data").glob("*.yml"),
                    *Path(srcdir).joinpath("source", "_data", "releases").glob("*.yml")])
    h = hashlib.sha1()
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _config_inited(app: Sphinx, config) -> None:
    config.kb_code_digest = _code_digest(app.srcdir)
    data = load_data(app.srcdir)
    app.kb_data = data
    for problem in data.problems:
        warn_problem(app, problem)
    # symbolic links and odd names are never read: Sphinx would follow a link
    # out of the repository (or walk the whole disk through a linked folder)
    unsafe = unsafe_paths(app.srcdir)
    for problem in unsafe:
        warn_problem(app, problem)
    links = [u.path for u in unsafe if u.code == Code.FILE006]
    config.exclude_patterns = [*config.exclude_patterns, *links, *(f"{link}/**" for link in links)]
    subs = dict(config.myst_substitutions or {})
    for fact in data.facts.values():
        subs.setdefault(fact.id, fact.display())
    config.myst_substitutions = subs


def _read_front_matter(app: Sphinx, env, docnames) -> None:
    corpus = load_corpus(app.srcdir, app.kb_data)
    pages = {d: corpus[d] for d in sorted(env.found_docs) if d in corpus}
    app.kb_pages = pages
    for docname, page in pages.items():
        for problem in page.problems:
            warn_problem(app, problem, docname)
    by_path = {p.path: d for d, p in pages.items()}
    for problem in check_unique_ids(pages.values()):
        warn_problem(app, problem, by_path.get(problem.path))
    for line, fact in app.kb_data.helpline_numbers():
        if fact is None:
            warn_problem(app, Problem("source/_data/helplines.yml", line.line, 1, Code.HELP010, ERROR,
                                      f"求助电话 {line.name} 用的数字编号 {line.fact} 不在数字登记表中，求助方框里不会印出这个号码。",
                                      "在 source/_data/facts.yml 登记这个号码（含出处和复核日期），或改正编号。"))


def setup(app: Sphinx) -> dict:
    app.add_config_value("kb_edition", "full", "env", types=(str,))
    app.add_config_value("kb_edition_audience", None, "env", types=(str, type(None)))
    app.add_config_value("kb_source_commit", buildinfo.source_commit(), "html", types=(str,))
    app.add_config_value("kb_code_digest", "", "env", types=(str,))
    app.connect("config-inited", _config_inited)
    app.connect("env-before-read-docs", _read_front_matter)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

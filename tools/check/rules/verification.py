"""VER: "to verify" and other editors' notes never print in an edition.

A marker such as 待核实, 未核对 or “本页没有核实” is a note from one editor to
another. It belongs in an ``{editor-note}`` box (every build drops it), in a
comment line (``% …``), or in a data file's editor-only field (``note`` of a
fact, ``editor_note`` of a bibliography entry), never in printed text.

VER001 (error): a marker that some edition would print, naming the edition.
The rule knows what each edition keeps, the same way the build does: teacher
boxes and the teacher's plan of a lesson only in editions for educators, a
``for-audience`` passage only for its audiences, bibliography notes only for
educators, the facts table and the glossary wherever they appear.

VER002 (info): the list of editors' notes for the editors — every
``editor-note`` box and every marker kept in an editor-only place. Info lines
never fail a check; ``python -m tools.check --notes`` prints them.
"""
from __future__ import annotations

import re

from tools.model import INFO, Problem, edition_contents, load_corpus, load_editions
from tools.model.codes import Code

from ..registry import rule

MARKER = re.compile(r"待核实|待核对|待查证|待确认|未核实|未核对|未经核实|尚未核实"
                    r"|(?:没有|未能|尚未)[^。，；、\n]{0,2}(?:核实|核对|查证)|(?:尚未|未能)[^。，；、\n]{0,2}查到")
CITE = re.compile(r"\{cite\}`([^`]+)`")
FACTS_TABLE = re.compile(r"^\s*(?:```+|:::+)\s*\{facts-table\}")
OPTION = re.compile(r"^\s*:source:\s*(\S+)")


def _fence_args(doc):
    """(start, end, audiences) of each for-audience box of the page."""
    out = []
    for block in doc.blocks:
        info = block.token.info.strip() if block.kind == "fence" else ""
        if info.startswith("{for-audience}"):
            out.append((block.start, block.end, set(info[len("{for-audience}"):].split())))
    return out


def _section_of(doc):
    """line -> title of the top-level ## section it is in."""
    heads = [(b.start, "".join(c.content for c in b.children if c.type == "text").strip())
             for b in doc.blocks if b.kind == "heading" and not b.containers and b.token.tag == "h2"]

    def find(line: int) -> str:
        title = ""
        for start, t in heads:
            if start <= line:
                title = t
        return title
    return find


def _keeps(edition, role, containers, line, fences, section) -> bool:
    if not all(edition.shows(c) for c in containers if c != "for-audience"):
        return False
    if "for-audience" in containers:
        for start, end, auds in fences:
            if start <= line <= end and not edition.shows("for-audience", auds):
                return False
    return edition.shows(section(line))


def _first_text(doc, block) -> str:
    lines = doc.lines()[block.start:block.end - 1]
    text = " ".join(l.strip() for l in lines if l.strip() and not l.strip().startswith(":"))
    return text[:60] + ("……" if len(text) > 60 else "")


def _print_error(path, line, marker, titles, where="正文"):
    return Problem(path, line, 1, Code.VER001, "error",
                   f"{where}中的编辑备注“{marker}”会印在{titles}里。",
                   "把要核实的事和编辑之间的说明移到 :::{editor-note} 方框里（任何版本都不会印出），正文只写已经核实的内容；"
                   "或者先核实，再删去这个标记。数据文件里的说明写进 editor_note（参考资料）或 note（数字登记表）。")


def _names(editions) -> str:
    return "、".join(f"“{e.title}”" for e in editions)


@rule("VER", "editors' notes", corpus=True)
def check(docs):
    if not docs:
        return []
    data = docs[0].data
    editions = list(load_editions(data.root).values())
    corpus = load_corpus(data.root, data)
    members = {e.audience: set(edition_contents(e, corpus)) for e in editions}
    roles = {e.audience: (data.audiences[e.audience].role if e.audience in data.audiences else None) for e in editions}
    out: list[Problem] = []
    cited_by_educators: set[str] = set()
    cited_anywhere: dict[str, list] = {}
    facts_tables: dict[str | None, list] = {}

    for doc in docs:
        key = doc.path[:-3] if doc.path.endswith(".md") else doc.path
        in_editions = [e for e in editions if key in members[e.audience]]
        fences = _fence_args(doc)
        section = _section_of(doc)
        # the editors' own list: every editor-note box, every marker in a comment
        for block in doc.blocks:
            if block.kind == "fence" and block.token.info.strip().startswith("{editor-note}"):
                out.append(Problem(doc.path, block.start, 1, Code.VER002, INFO,
                                   f"编辑备注：{_first_text(doc, block)}", ""))
        for n, raw in enumerate(doc.lines(), 1):
            if n >= doc.page.body_start and raw.lstrip().startswith("%") and MARKER.search(raw):
                out.append(Problem(doc.path, n, 1, Code.VER002, INFO, f"注释里的编辑备注：{raw.strip()[1:].strip()[:60]}", ""))
        if not in_editions:
            continue
        # title and summary print in every edition that holds the page
        for field in ("title", "summary"):
            m = MARKER.search(str(doc.meta.get(field) or ""))
            if m:
                out.append(_print_error(doc.path, doc.page.line_of(field), m.group(0), _names(in_editions), "元数据 " + field))
        for line, text, containers in doc.text_lines():
            m = MARKER.search(text)
            if not m:
                continue
            printing = [e for e in in_editions
                        if _keeps(e, roles[e.audience], containers, line, fences, section)]
            if printing:
                out.append(_print_error(doc.path, line, m.group(0), _names(printing)))
        # what the page makes the data print: citations and facts tables
        keys = set(doc.meta.get("sources") or ()) | {k.strip() for k in CITE.findall(doc.page.text)}
        for k in keys:
            cited_anywhere.setdefault(k, []).extend(in_editions)
        if any(roles[e.audience] == "educator" for e in in_editions):
            cited_by_educators |= keys
        lines = doc.lines()
        for n, raw in enumerate(lines):
            if FACTS_TABLE.match(raw):
                source = None
                for opt in lines[n + 1:n + 4]:
                    mo = OPTION.match(opt)
                    if mo:
                        source = mo.group(1)
                facts_tables.setdefault(source, []).extend(in_editions)

    bib_path = "source/_data/bibliography.yml"
    for key, entry in data.bibliography.items():
        line = data.lines.get(("bibliography", key), 1)
        for field in ("title", "issuer"):
            m = MARKER.search(str(entry.get(field) or ""))
            if m and cited_anywhere.get(key):
                out.append(_print_error(bib_path, line, m.group(0), _names(dict.fromkeys(cited_anywhere[key])),
                                        f"参考资料 {key} 的 {field}"))
        m = MARKER.search(str(entry.get("note") or ""))
        if m and key in cited_by_educators:
            educators = [e for e in editions if roles[e.audience] == "educator"]
            out.append(_print_error(bib_path, line, m.group(0), _names(educators), f"参考资料 {key} 的 note"))
        if entry.get("editor_note"):
            out.append(Problem(bib_path, line, 1, Code.VER002, INFO,
                               f"参考资料 {key}：{str(entry['editor_note'])[:60]}", ""))

    facts_path = "source/_data/facts.yml"
    for fact in data.facts.values():
        shown = facts_tables.get(None, []) + facts_tables.get(fact.source, [])
        printed = " ".join([fact.label, fact.locator] + [str(c.get("locator", "")) for c in fact.conflicts])
        m = MARKER.search(printed)
        if m and shown:
            out.append(_print_error(facts_path, fact.line, m.group(0), _names(dict.fromkeys(shown)),
                                    f"数字 {fact.id} 的 label 或 locator"))
        m = MARKER.search(fact.note)
        if m:
            out.append(Problem(facts_path, fact.line, 1, Code.VER002, INFO, f"数字 {fact.id}：{fact.note[:60]}", ""))

    glossary = [e for e in editions if "source/glossary" in e.appendices]
    for term in data.terms.values():
        m = MARKER.search(term.definition)
        if m and glossary:
            out.append(_print_error("source/_data/terms.yml", term.line, m.group(0), _names(glossary),
                                    f"术语“{term.term}”的释义"))
    return sorted(set(out))

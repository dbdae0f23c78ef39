"""The checker: one fixture per rule, with ``% expect: CODE`` markers before
the lines that must be reported (like sphinx-lint's expect lines), plus
clean fixtures, robustness on bad files, the raw source file, and the CLI."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tools.check import check_files, default_files

FIXTURES = ROOT / "tests" / "fixtures" / "check"
EXPECT = re.compile(r"^[%#]\s*expect(?:\s*\+(\d+))?:\s*((?:[A-Z][A-Z0-9]*\d[\s,]*)+)$")
RAW_SOURCE = ROOT.parent / "shared" / "sources" / "000_3bc8f167d1a0a5f9.txt"


def expected(path: Path) -> set[tuple[int, str]]:
    """Lines and codes a bad fixture expects: ``% expect: CODE`` names the next
    line with text; ``% expect +N: CODE`` the line N lines of text further on
    (for a table row, where a comment line would end the table)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out = set()
    for i, line in enumerate(lines):
        m = EXPECT.match(line)
        if m:
            j, skip = i + 1, int(m.group(1) or 0)
            while True:
                while not lines[j].strip() or EXPECT.match(lines[j]):
                    j += 1
                if not skip:
                    break
                skip, j = skip - 1, j + 1
            out.update((j + 1, code) for code in re.split(r"[\s,]+", m.group(2).strip()))
    return out


def found(rel: str, codes_prefix: str | None = None) -> set[tuple[int, str]]:
    """Findings on a fixture. The fixtures of other rules are small lessons,
    not student books: the lesson rules (LES) are tested on their own fixtures."""
    result = check_files([rel], ROOT)
    return {(p.line, p.code) for p in result.problems
            if p.path == rel and p.code != "FACT011" and not p.code.startswith("LES")
            and (codes_prefix is None or p.code.startswith(codes_prefix))}


BAD = sorted(p.name for p in FIXTURES.glob("*-bad.md"))
GOOD = sorted(p.name for p in FIXTURES.glob("*-good.md"))


@pytest.mark.parametrize("name", BAD)
def test_rule_fires_on_bad_fixture(name):
    rel = f"tests/fixtures/check/{name}"
    want = expected(FIXTURES / name)
    assert want, "a bad fixture needs % expect: lines"
    got = found(rel)
    assert want <= got, f"missing {sorted(want - got)}; got {sorted(got)}"
    # nothing else of the same rules fires
    prefixes = {code.rstrip("0123456789") for _, code in want}
    extra = {(line, code) for line, code in got - want
             if code.rstrip("0123456789") in prefixes and code != "TYPO001"}
    assert not extra, f"unexpected {sorted(extra)}"


@pytest.mark.parametrize("name", GOOD)
def test_rule_quiet_on_good_fixture(name):
    rel = f"tests/fixtures/check/{name}"
    got = {f for f in found(rel) if f[1] != "TYPO001"}
    assert got == set(), sorted(got)


def test_real_knowledge_base_has_no_errors():
    result = check_files(default_files(ROOT), ROOT)
    errors = [p.text() for p in result.problems if p.severity == "error"]
    assert errors == [], "\n".join(errors[:30])


@pytest.fixture
def bad_files(tmp_path):
    """A copy of the data files with four kinds of unreadable page."""
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    d = tmp_path / "case-studies"
    d.mkdir()
    (d / "gbk.md").write_bytes("---\ntitle: 中文\n---\n".encode("gbk"))
    (d / "empty.md").write_text("", encoding="utf-8")
    (d / "big.md").write_text("---\n---\n" + "大" * 2_000_000, encoding="utf-8")
    (d / "binary.md").write_bytes(b"PK\x03\x04\x00\x00binary")
    (d / "yaml.md").write_text("---\nid: [unclosed\n---\n\n## 背景\n", encoding="utf-8")
    (d / "ok.md").write_text("---\nid: ok\n---\n\n文字。\n", encoding="utf-8")
    return tmp_path


def test_never_crashes_on_bad_input(bad_files):
    rels = sorted(f"case-studies/{p.name}" for p in (bad_files / "case-studies").iterdir())
    result = check_files(rels, bad_files)
    codes = {(p.path.split("/")[-1], p.code) for p in result.problems}
    assert ("gbk.md", "FILE002") in codes
    assert ("empty.md", "FILE004") in codes
    assert ("big.md", "FILE003") in codes
    assert ("binary.md", "FILE002") in codes
    assert ("yaml.md", "FM001") in codes
    assert any(path == "ok.md" and code == "FM002" for path, code in codes)  # still checked


def test_raw_source_file_defects_are_all_named(tmp_path):
    """The whole raw report as one page: every kind of defect in its README is found."""
    import shutil
    if not RAW_SOURCE.exists():
        pytest.skip("shared/sources is not beside the checkout")
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    (tmp_path / "case-studies").mkdir()
    header = ("---\nid: raw\ntitle: 原始材料\ntype: case-study\naudiences: [staff]\nstatus: draft\n"
              "updated: 2026-11-28\nregion: 海淀区\nperiod: unknown\ncase_topics: [history]\n"
              "source_parts: [{document: raw, part: 全文}]\nsources: [src-district-report]\n---\n\n")
    (tmp_path / "case-studies" / "raw.md").write_text(header + RAW_SOURCE.read_text(encoding="utf-8"),
                                                       encoding="utf-8")
    result = check_files(["case-studies/raw.md"], tmp_path)
    counts: dict[str, int] = {}
    for p in result.problems:
        counts[p.code] = counts.get(p.code, 0) + 1
    print(json.dumps(counts, ensure_ascii=False, sort_keys=True))
    assert counts.get("RES001", 0) >= 4  # *** in place of numbers
    assert counts.get("RES004", 0) >= 3  # dropped years
    assert counts.get("RES005", 0) >= 4  # watermark and site lines
    assert counts.get("RES003", 0) >= 1  # % or unit with no number
    assert counts.get("PRIV004", 0) >= 1  # the township report's names
    assert counts.get("CUR001", 0) >= 1  # abolished practice without context (each paragraph)
    assert counts.get("FACT001", 0) + counts.get("FACT002", 0) >= 20  # figures typed into the text
    assert counts.get("DUP001", 0) == 0  # single page: duplicates are across pages
    assert counts.get("STR001", 0) >= 1


def test_duplicates_across_pages(tmp_path):
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    para = "在当前经济社会快速发展的情况下,海淀区的人口和计划生育工作得到了很大的提高,面对庞大的人口规模和复杂的人口结构。"
    (tmp_path / "case-studies").mkdir()
    for name in ("a", "b"):
        (tmp_path / "case-studies" / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: 页面{name}\ntype: guide\naudiences: [staff]\nstatus: draft\n"
            f"updated: 2026-11-28\nsources: []\n---\n\n{para}\n", encoding="utf-8")
    result = check_files(["case-studies/a.md", "case-studies/b.md"], tmp_path)
    assert [(p.path, p.code) for p in result.problems if p.code == "DUP001"] == [("case-studies/b.md", "DUP001")]


def test_silence_comment_needs_reason_and_is_listed(tmp_path):
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    (tmp_path / "case-studies").mkdir()
    (tmp_path / "case-studies" / "s.md").write_text(
        "---\nid: s\ntitle: 页面\ntype: guide\naudiences: [staff]\nstatus: draft\nupdated: 2026-11-28\n"
        "sources: []\n---\n\n% kb-ignore RES002: 这里引用原文的占位符作为例子\n原文写的是“某某街道”。\n\n"
        "% kb-ignore RES002\n某某\n", encoding="utf-8")
    result = check_files(["case-studies/s.md"], tmp_path)
    assert [p.code for p in result.silenced] == ["RES002"]
    assert sorted(p.code for p in result.problems) == ["IGN001", "RES002"]


def run_cli(*args, env=None):
    import os
    return subprocess.run([sys.executable, "-m", "tools.check", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


def test_cli_formats_and_exit_codes():
    bad = "tests/fixtures/check/res-bad.md"
    proc = run_cli(bad)
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert re.match(r"tests/fixtures/check/res-bad\.md:\d+:\d+: [A-Z]+\d+ (error|warning): .+ — .+", first), first
    lines = [int(l.split(":")[1]) for l in proc.stdout.splitlines()]
    assert lines == sorted(lines)
    data = json.loads(run_cli("--format", "json", bad).stdout)
    assert {"path", "line", "col", "code", "severity", "message", "fix"} <= set(data["problems"][0])
    gh = run_cli(bad, env={"GITHUB_ACTIONS": "true"}).stdout.splitlines()
    assert gh[0].startswith("::error file=tests/fixtures/check/res-bad.md,line=")
    assert run_cli("tests/fixtures/check/res-good.md").returncode == 0
    assert run_cli("no/such/file.md").returncode == 2
    assert run_cli("--help").returncode == 0


def test_facts_registry_entries_need_source_and_review(tmp_path):
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    (tmp_path / "source" / "_data" / "facts.yml").write_text(
        "facts:\n"
        "  - {id: no_source, label: 没有出处, value: 5, unit: 个, locator: x, review_by: '2099-01-01'}\n"
        "  - {id: stale, label: 过期, value: 6, unit: 个, source: src-district-report, locator: x,"
        " review_by: '2020-01-01'}\n"
        "  - {id: fine, label: 正常, value: 7, unit: 个, source: src-district-report, locator: x,"
        " review_by: '2099-01-01'}\n", encoding="utf-8")
    (tmp_path / "case-studies").mkdir()
    (tmp_path / "case-studies" / "a.md").write_text(
        "---\nid: a\ntitle: 页面\ntype: guide\naudiences: [staff]\nstatus: draft\nupdated: 2026-11-28\n"
        "sources: []\n---\n\n文字。\n", encoding="utf-8")
    result = check_files(["case-studies/a.md"], tmp_path)
    got = {(p.path, p.line, p.code, p.severity) for p in result.problems}
    assert ("source/_data/facts.yml", 2, "FACT010", "error") in got
    assert ("source/_data/facts.yml", 3, "FACT011", "warning") in got
    # the third entry ("fine", line 4) has its source and a future review date: nothing at its line
    assert not {(path, line) for path, line, _, _ in got if path == "source/_data/facts.yml" and line == 4}



def _project(tmp_path, pages: dict[str, str]):
    """A copy of the data files with the given pages (path -> text)."""
    import shutil
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    for rel, text in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def test_help_lines_data_names_registered_facts(tmp_path):
    root = _project(tmp_path, {"curriculum/junior-secondary/a.md":
                               (FIXTURES / "help-good.md").read_text(encoding="utf-8")})
    hl = root / "source" / "_data" / "helplines.yml"
    hl.write_text(hl.read_text(encoding="utf-8").replace("fact: helpline_youth", "fact: helpline_nowhere"),
                  encoding="utf-8")
    from tools.model.data import _load_data
    _load_data.cache_clear()
    result = check_files(["curriculum/junior-secondary/a.md"], root)
    assert [(p.path, p.code) for p in result.problems if p.code == "HELP010"] == \
        [("source/_data/helplines.yml", "HELP010")]


def test_comparison_figures_come_from_one_source(tmp_path):
    """CMP001 also fails a row whose typical and correct-use figures come
    from two different sources."""
    root = _project(tmp_path, {"curriculum/junior-secondary/a.md":
                               (FIXTURES / "cmp-good.md").read_text(encoding="utf-8")})
    facts = root / "source" / "_data" / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    start = text.index("- id: who_condom_perfect_first_year_pregnancy")
    end = text.index("- id:", start + 5) if "- id:" in text[start + 5:] else len(text)
    block = text[start:end].replace("source: who-fp-handbook-2022", "source: who-condoms-2024")
    facts.write_text(text[:start] + block + text[end:], encoding="utf-8")
    from tools.model.data import _load_data
    _load_data.cache_clear()
    result = check_files(["curriculum/junior-secondary/a.md"], root)
    assert [p.code for p in result.problems if p.code == "CMP001"] == ["CMP001"]


EDITION_FIXTURES = FIXTURES / "editions"


def test_editors_notes_never_print_in_an_edition(tmp_path):
    """VER001 knows what each edition keeps: a marker in a lesson's text,
    in the teacher's plan, in a teacher box or in a passage for students is
    an error naming the edition; in a passage for an audience that never gets
    the page, an editor-note box or a comment it is only listed (VER002)."""
    bad = EDITION_FIXTURES / "ver-bad.md"
    good = EDITION_FIXTURES / "ver-good.md"
    root = _project(tmp_path, {"curriculum/junior-secondary/ver-bad.md": bad.read_text(encoding="utf-8"),
                               "curriculum/junior-secondary/ver-good.md": good.read_text(encoding="utf-8")})
    result = check_files(["curriculum/junior-secondary/ver-bad.md", "curriculum/junior-secondary/ver-good.md"], root)
    got = {(p.line, p.code) for p in result.problems if p.path.endswith("ver-bad.md") and p.code.startswith("VER")}
    assert got == expected(bad), sorted(got)
    messages = {p.line: p.message for p in result.problems if p.path.endswith("ver-bad.md") and p.code == "VER001"}
    text, plan, teacher_box, for_students = (messages[line] for line in sorted(messages))
    assert "初中" in text and "教师用书" in text  # plain text: every edition that holds the page
    assert "教师用书" in plan and "初中" not in plan  # the teacher's plan: educators only
    assert "教师用书" in teacher_box and "初中" not in teacher_box
    assert "初中" in for_students and "教师用书" not in for_students  # for-audience junior-secondary
    assert not [p for p in result.problems if p.path.endswith("ver-good.md") and p.code.startswith("VER")]
    notes = [(p.path.rsplit("/", 1)[-1], p.code) for p in result.notes]
    assert notes.count(("ver-good.md", "VER002")) == 2  # the editor-note box and the comment
    assert all(p.severity == "info" for p in result.notes)


def test_editors_notes_in_the_data_files(tmp_path):
    """A bibliography note prints in editions for educators: a marker there is
    an error; the editor_note field is only listed."""
    page = (EDITION_FIXTURES / "ver-good.md").read_text(encoding="utf-8")
    root = _project(tmp_path, {"curriculum/junior-secondary/a.md": page})
    bib = root / "source" / "_data" / "bibliography.yml"
    text = bib.read_text(encoding="utf-8").replace(
        "    note: 中文版名为《国际性教育技术指导纲要（修订版）》；",
        "    editor_note: 中文版译者待核实。\n    note: 出版日期待核实；中文版名为《国际性教育技术指导纲要（修订版）》；")
    bib.write_text(text, encoding="utf-8")
    from tools.model.data import _load_data
    _load_data.cache_clear()
    result = check_files(["curriculum/junior-secondary/a.md"], root)
    errors = [p for p in result.problems if p.code == "VER001"]
    assert [(p.path, "教师用书" in p.message) for p in errors] == [("source/_data/bibliography.yml", True)]
    assert any(p.path == "source/_data/bibliography.yml" and "译者" in p.message for p in result.notes)


def test_cli_lists_editors_notes_on_request():
    good = "tests/fixtures/check/res-good.md"
    plain = run_cli(good)
    assert "VER002" not in plain.stdout and "编辑备注" in plain.stderr
    listed = run_cli("--notes", good)
    assert "VER002 info:" in listed.stdout and listed.returncode == 0
    data = json.loads(run_cli("--format", "json", good).stdout)
    assert data["notes"] and all(n["severity"] == "info" for n in data["notes"])


CASE_HEAD = ("---\nid: cs-x\ntitle: 测试案例\ntype: case-study\naudiences: [staff]\nstatus: draft\n"
             "updated: 2026-11-28\nregion: 某镇\nperiod: unknown\ncase_topics: [history]\n"
             "source_parts: [{document: 000_3bc8f167d1a0a5f9.txt, part: 第一篇}]\nsources: [src-district-report]\n---\n\n")


def test_every_finding_on_a_line_is_reported_with_its_column(tmp_path):
    """Two phone numbers and two names on one line are four findings, each with its column."""
    line = "联系人手机 13812345678 和 13987654321，书记王建国和主任李晓明都在场。"
    root = _project(tmp_path, {"case-studies/cs-x.md": CASE_HEAD + "## 背景\n\n" + line + "\n"})
    proc = run_cli("--root", str(root), "--format", "json", str(root / "case-studies" / "cs-x.md"))
    found = [(p["code"], p["col"]) for p in json.loads(proc.stdout)["problems"] if p["line"] == 17]
    phones = sorted(c for code, c in found if code == "PRIV002")
    names = sorted(c for code, c in found if code == "PRIV004")
    assert phones == [line.index("138") + 1, line.index("139") + 1]
    assert names == [line.index("王建国") + 1, line.index("李晓明") + 1]


def test_fact_suggestion_needs_the_same_unit_and_context(tmp_path):
    """24 villages are not the registered 24-hour medication window: the
    checker must not advise replacing one with the other."""
    body = ("## 背景\n\n全镇共有 24个行政村。\n\n"
            "海淀区综合改革选定了 13个试点乡镇、街道。\n")
    root = _project(tmp_path, {"case-studies/cs-x.md": CASE_HEAD + body})
    result = check_files(["case-studies/cs-x.md"], root, use_cache=False)
    by_line = {(p.line, p.code): p for p in result.problems if p.code.startswith("FACT00")}
    villages = by_line[(17, "FACT001")]
    assert "pep" not in villages.fix and "facts.yml" in villages.fix and "value: 24" in villages.fix
    assert (17, "FACT002") not in by_line
    pilots = by_line[(19, "FACT002")]  # same number, unit and the label's words: the registered fact
    assert "{{ hd_reform_pilot_units }}" in pilots.fix


def test_silence_matches_its_code_exactly(tmp_path):
    """% kb-ignore SAFE001 does not silence SAFEG001, nor RES silence RES002:
    a silence names the exact finding a writer looked at."""
    page = ("---\nid: l\ntitle: 测试课\ntype: guide\naudiences: [staff]\nstatus: draft\nupdated: 2026-11-28\n"
            "sources: []\n---\n\n% kb-ignore RES: 一个规则族不算\n某某街道。\n\n% kb-ignore RES002: 引用原文\n某某社区。\n")
    root = _project(tmp_path, {"case-studies/l.md": page})
    result = check_files(["case-studies/l.md"], root, use_cache=False)
    assert [(p.line, p.code) for p in result.silenced] == [(15, "RES002")]
    assert (12, "RES002") in {(p.line, p.code) for p in result.problems}


def test_every_code_is_registered_in_the_model():
    """A code reported anywhere (checker, build, model) is a member of
    tools.model.codes.Code, with its summary."""
    import ast
    from tools.model.codes import Code
    used = set()
    for f in (ROOT / "tools").rglob("*.py"):
        if f.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
                used.add(node.attr)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[A-Z][A-Z0-9]{1,6}\d{3}", node.value):
                raise AssertionError(f"{f.relative_to(ROOT)}: code {node.value} written as a string; use Code.{node.value}")
    assert used and used <= set(Code.__members__)
    assert all(c.summary for c in Code)


def test_lesson_rules_follow_the_bands_data(tmp_path):
    """With student parts, reading length and class period set for 12–15 in
    age_bands.yml, a lesson without them is reported at its lines; the same
    rules stay quiet on a lesson that has them."""
    lessons = ROOT / "tests" / "fixtures" / "lessons"
    root = _project(tmp_path, {"curriculum/junior-secondary/bad.md": (lessons / "lesson-bad.md").read_text(encoding="utf-8"),
                               "curriculum/junior-secondary/good.md": (lessons / "lesson-good.md").read_text(encoding="utf-8")})
    (root / "source" / "_data" / "age_bands.yml").write_text(
        "age_bands:\n"
        "  - {id: \"12-15\", name: 12–15 岁（初中）, order: 2, period_minutes: 45, reading_min_chars: 40,\n"
        "     student_parts: [学习目标, 读一读, 想一想, 练一练, 词语]}\n", encoding="utf-8")
    result = check_files(["curriculum/junior-secondary/bad.md", "curriculum/junior-secondary/good.md"], root,
                         use_cache=False)
    got = {(p.line, p.code) for p in result.problems if p.path.endswith("bad.md") and p.code.startswith("LES")}
    want = expected(lessons / "lesson-bad.md") | {(16, "LES001"), (8 + 3, "LES004")}  # 练一练/词语 missing; duration
    assert want <= got, (sorted(want - got), sorted(got))
    les001 = [p.message for p in result.problems if p.path.endswith("bad.md") and p.code == "LES001"]
    assert any("练一练" in m for m in les001) and any("词语" in m for m in les001)
    quiet = [p.text() for p in result.problems if p.path.endswith("good.md") and p.code.startswith("LES")]
    assert quiet == []


def test_rare_characters_need_their_reading_the_first_time(tmp_path):
    """For 9–12, a character outside the band's common list (GB 2312 level 1)
    needs {ruby} at its first use in a student part; the fix proposes the
    reading (pypinyin) for the writer to confirm."""
    head = ("---\nid: up-x\ntitle: 测试课\ntype: lesson\naudiences: [upper-primary, educators]\nstatus: draft\n"
            "updated: 2026-11-28\nage_band: \"9-12\"\nkey_concepts: [body]\ntopics: [\"6.3\"]\nduration_minutes: 40\n"
            "objectives:\n  - {kind: knowledge, text: 说出青春期的变化}\nsources: [unesco-itgse-2018]\n---\n\n")
    bare = head + "## 读一读\n\n男孩的睾丸会长大。\n\n## 想一想\n\n1. 睾丸在哪里？\n"
    with_ruby = head + "## 读一读\n\n男孩的{ruby}`睾丸|gāo wán`会长大。\n\n## 想一想\n\n1. 睾丸在哪里？\n"
    root = _project(tmp_path, {"curriculum/upper-primary/a.md": bare, "curriculum/upper-primary/b.md": with_ruby})
    result = check_files(["curriculum/upper-primary/a.md", "curriculum/upper-primary/b.md"], root, use_cache=False)
    rare = [p for p in result.problems if p.code == "LES005"]
    assert [(p.path.rsplit("/", 1)[-1], p.line) for p in rare] == [("a.md", 19)]  # once: its first use
    assert "睾" in rare[0].message and "gāo" in rare[0].fix and rare[0].severity == "warning"

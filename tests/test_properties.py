"""Property-based tests (Hypothesis): whatever Markdown and YAML a
contributor writes, the checker and the YAML reader answer with findings,
never with an exception, and within a time budget per file.

The examples are built from the pieces pages are made of (front matter,
headings, lists, quotes, directives, roles, substitutions, tables) mixed with
arbitrary text, so they reach deep into the parsers rather than stopping at
the first unparsable byte. ``derandomize`` keeps CI runs repeatable.
"""
from __future__ import annotations

import shutil
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from tools.check import check_files
from tools.model import yamlio

SECONDS_PER_FILE = 5.0

WORDS = st.sampled_from(["青春期", "月经", "社会抚养费", "24个", "到年底", "当年", "13812345678", "王某某",
                         "{{ hd_reform_pilot_units }}", "{{ nope }}", "***", "%", "TODO", "XX", "某某",
                         "<script>alert(1)</script>", "javascript:alert(1)", "截图保存", "\u202e", "\x00",
                         "http://example.invalid/x.png", "2008 年", "同年", "：", "，", "。", " ", "\t", "\\",
                         "`", "*", "_", "[", "]", "(", ")", "{", "}", "|", ">", "#", ":", "-", "&", "!"])
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=12).map("".join)
DIRECTIVES = st.sampled_from(["activity", "teacher-note", "answer-key", "help-box", "history-note", "handout",
                              "for-audience", "editor-note", "include", "raw", "image", "figure", "unknown",
                              "references", "code-block"])


@st.composite
def block(draw, depth=0):
    kind = draw(st.integers(0, 8 if depth < 3 else 5))
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + draw(TEXT)
    if kind == 1:
        return "\n".join("  " * draw(st.integers(0, 30)) + draw(st.sampled_from(["- ", "1. ", "* "])) + draw(TEXT)
                         for _ in range(draw(st.integers(1, 6))))
    if kind == 2:
        return ">" * draw(st.integers(1, 40)) + " " + draw(TEXT)
    if kind == 3:
        return "| " + " | ".join(draw(TEXT) for _ in range(3)) + " |\n|---|---|---|\n| a | b | c |"
    if kind == 4:
        return "{" + draw(st.sampled_from(["term", "doc", "cite", "blank", "ruby", "nope"])) + "}`" + draw(TEXT) + "`"
    if kind == 5:
        return draw(TEXT)
    fence = ":" * draw(st.integers(3, 6)) if kind != 8 else "```"
    inner = "\n\n".join(draw(block(depth + 1)) for _ in range(draw(st.integers(0, 3))))
    close = fence if draw(st.booleans()) else ""
    options = ":minutes: " + draw(st.sampled_from(["10", "x", "-1", ""])) + "\n" if draw(st.booleans()) else ""
    return f"{fence}{{{draw(DIRECTIVES)}}} {draw(TEXT)}\n{options}{inner}\n{close}"


YAML_VALUES = st.one_of(TEXT, st.integers(), st.sampled_from(["[a, b", "{x: 1}", "&a [1]", "*a", "!!python/none",
                                                              "'unclosed", '"esc \\x00"', "- x", "null", "|\n  text"]))
KEYS = st.sampled_from(["id", "title", "type", "audiences", "status", "updated", "sources", "age_band", "topics",
                        "objectives", "myst", "html_meta", "summary", "period", "x"])


@st.composite
def front_matter(draw):
    lines = [f"{draw(KEYS)}: {draw(YAML_VALUES)}" for _ in range(draw(st.integers(0, 8)))]
    return "---\n" + "\n".join(lines) + ("\n---\n" if draw(st.booleans()) else "\n")


@st.composite
def page(draw):
    head = draw(front_matter()) if draw(st.booleans()) else ""
    return head + "\n\n".join(draw(block()) for _ in range(draw(st.integers(0, 10))))


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    shutil.copytree(ROOT / "source" / "_data", root / "source" / "_data")
    (root / "case-studies").mkdir()
    return root


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(text=page())
def test_checker_never_raises_and_stays_in_budget(kb, text):
    path = kb / "case-studies" / "random.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    start = time.perf_counter()
    result = check_files(["case-studies/random.md"], kb, use_cache=False)
    assert time.perf_counter() - start < SECONDS_PER_FILE
    for p in result.problems:
        assert p.path and p.line >= 1 and p.code and p.message  # a finding a writer can act on


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=st.one_of(front_matter(), st.text(max_size=300)))
def test_yaml_reader_answers_with_data_or_a_located_error(text):
    start = time.perf_counter()
    try:
        yamlio.load(text)
    except yamlio.YamlError as exc:
        assert exc.line >= 1 and exc.message
    assert time.perf_counter() - start < 1.0

"""Reviews on the fixture project tests/roots/test-review (copied per test):
make approve, lapses at file:line (the page's text, a fact it uses), due
reviews, hand-edited records, the review queue, CODEOWNERS, and what the
knowledge base's own data says (no page reviewed)."""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

FIXTURE = ROOT / "tests" / "roots" / "test-review"
JS_ONE = "curriculum/junior-secondary/js-one.md"
LEAVE = "policies/leave.md"


@pytest.fixture
def kb(tmp_path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    return root


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(module, *args) -> Ran:
    """A tool's main() in this process (a fresh read of the data: the tests
    change data files between runs)."""
    import importlib
    from tools.model import data, editions, pages
    data._load_data.cache_clear()
    editions._load.cache_clear()
    pages._PAGE_CACHE.clear()
    main = importlib.import_module(module if module != "tools.release" else "tools.release.record").main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # --help
            code = exc.code
    return Ran(code, out.getvalue(), err.getvalue())


def approve(kb, page, by, date="2026-01-05", *extra):
    return run("tools.review.approve", "--root", str(kb), "--page", page, "--by", by, "--date", date, *extra)


def check(kb, *paths) -> list[dict]:
    proc = run("tools.check.__main__", "--root", str(kb), "--format", "json", *[str(kb / p) for p in paths])
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["problems"]


def rev(problems, path=None) -> list[tuple[str, int, str]]:
    return [(p["code"], p["line"], p["message"]) for p in problems
            if p["code"].startswith(("REV", "REL")) and (path is None or p["path"] == path)]


def line_of(kb, rel, needle) -> int:
    return next(i for i, line in enumerate((kb / rel).read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def git_commit(kb):
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@example.invalid", "-c", "user.name=t",
                                                "commit", "-qm", "reviewed"]):
        subprocess.run(["git", "-C", str(kb), *cmd], check=True, capture_output=True)


def snapshot(kb) -> dict[str, bytes]:
    return {p.relative_to(kb).as_posix(): p.read_bytes() for p in sorted(kb.rglob("*"))
            if p.is_file() and "build" not in p.relative_to(kb).parts and ".git" not in p.parts}


def test_approve_writes_the_record_and_nothing_else(kb):
    before = (kb / JS_ONE).read_text(encoding="utf-8")
    proc = approve(kb, "js-one", "med-a")
    assert proc.returncode == 0, proc.stderr
    assert "已记录审核" in proc.stdout
    after = (kb / JS_ONE).read_text(encoding="utf-8")
    removed = [line for line in before.split("\n") if line not in after.split("\n")]
    added = [line for line in after.split("\n") if line not in before.split("\n")]
    assert removed == ["status: draft"]
    assert added[0] == "status: reviewed" and added[1] == "review:" and len(added) == 6
    assert re.fullmatch(r'  digest: "meta:[0-9a-f]{12} body:[0-9a-f]{16} facts:- seal:[0-9a-f]{12}"', added[-1])
    assert rev(check(kb, JS_ONE)) == []
    from tools.model import load_data, read_page
    page = read_page(JS_ONE, after, data=load_data(kb))
    assert page.state == "reviewed" and page.assessment.review.by == ("med-a",)


def test_one_word_changed_lapses_at_the_line_that_changed(kb):
    assert approve(kb, "js-one", "med-a").returncode == 0
    git_commit(kb)  # the reviewed version, in git
    text = (kb / JS_ONE).read_text(encoding="utf-8")
    (kb / JS_ONE).write_text(text.replace("请学生说出两种变化", "请学生说出三种变化"), encoding="utf-8")
    found = rev(check(kb, JS_ONE))
    assert len(found) == 1, found
    code, line, message = found[0]
    assert code == "REV001" and line == line_of(kb, JS_ONE, "三种变化")
    assert "正文有改动" in message and "“评估”一节" in message
    # without git the review record's line is named
    shutil.rmtree(kb / ".git")
    [(code, line, message)] = rev(check(kb, JS_ONE))
    assert (code, line) == ("REV001", line_of(kb, JS_ONE, "review:")) and "正文有改动" in message


def test_front_matter_change_lapses(kb):
    assert approve(kb, "js-one", "med-a").returncode == 0
    text = (kb / JS_ONE).read_text(encoding="utf-8")
    (kb / JS_ONE).write_text(text.replace("title: 第一课", "title: 第一课（修订）"), encoding="utf-8")
    [(code, _, message)] = rev(check(kb, JS_ONE))
    assert code == "REV001" and "元数据有改动" in message
    # re-quoting a value is not a change of content
    (kb / JS_ONE).write_text(text.replace("title: 第一课", 'title: "第一课"'), encoding="utf-8")
    assert rev(check(kb, JS_ONE)) == []


def test_changed_fact_lapses_at_its_use(kb):
    assert approve(kb, LEAVE, "law-c", "2026-06-01").returncode == 0
    facts = kb / "source" / "_data" / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    # renewing a fact's check date is not a change of the page
    facts.write_text(text.replace('review_by: "2030-01-01"', 'review_by: "2031-01-01"'), encoding="utf-8")
    assert rev(check(kb, LEAVE)) == []
    facts.write_text(text.replace("value: 15", "value: 20"), encoding="utf-8")
    [(code, line, message)] = rev(check(kb, LEAVE))
    assert code == "REV001" and line == line_of(kb, LEAVE, "{{ leave_days }}")
    assert "leave_days" in message and "20 天" in message and "other_days" not in message


def test_review_falls_due_after_the_collections_period(kb):
    assert approve(kb, LEAVE, "law-c", "2024-01-02").returncode == 0  # policies: 24 months
    assert approve(kb, "js-one", "med-a", "2024-01-02").returncode == 0  # curriculum: 36 months
    problems = check(kb, LEAVE, JS_ONE)
    assert [(c, m[:17]) for c, _, m in rev(problems, LEAVE)] == [("REV002", "审核（2024-01-02）已超过")]
    assert "2026-01-02 到期" in rev(problems, LEAVE)[0][2]
    assert rev(problems, JS_ONE) == []


@pytest.mark.parametrize("page,by,words", [
    ("js-one", "nobody", "不在审核人名单"),                      # unknown reviewer
    (LEAVE, "med-a", "不负责 policies"),                        # outside their collections
    ("js-two", "puberty-b", "主题 6.4 不在审核人负责的主题之内"),   # outside their topics
    ("glossary", "med-a", "站点页面"),                          # a site page is not reviewed
    ("no-such-page", "med-a", "找不到页面"),
])
def test_approve_refuses_and_writes_nothing(kb, page, by, words):
    before = snapshot(kb)
    proc = approve(kb, page, by)
    assert proc.returncode == 1 and words in proc.stderr, proc.stderr
    assert proc.stderr.startswith("没有记录审核：") and "Traceback" not in proc.stderr
    assert snapshot(kb) == before


def test_approve_refuses_a_future_date_and_a_page_with_errors(kb):
    before = snapshot(kb)
    proc = approve(kb, "js-one", "med-a", "2999-01-01")
    assert proc.returncode == 1 and "还没有到" in proc.stderr
    text = (kb / JS_ONE).read_text(encoding="utf-8")
    (kb / JS_ONE).write_text(text.replace("sources: [unesco-itgse-2018]", "sources: [no-such-source]"),
                             encoding="utf-8")
    before = snapshot(kb)
    proc = approve(kb, "js-one", "med-a")
    assert proc.returncode == 1 and "还有检查错误" in proc.stderr and "FM003" in proc.stderr
    assert snapshot(kb) == before


def test_two_reviewers_together_cover_the_topics(kb):
    assert approve(kb, "js-two", "puberty-b,med-a").returncode == 0
    assert rev(check(kb, "curriculum/junior-secondary/js-two.md")) == []


@pytest.mark.parametrize("edit,code", [
    (lambda t: re.sub(r"body:([0-9a-f])", lambda m: "body:" + ("0" if m[1] != "0" else "1"), t), "REV003"),
    (lambda t: t.replace('by: ["med-a"]', 'by: ["med-a", "puberty-b"]'), "REV003"),  # a reviewer added by hand
    (lambda t: t.replace('date: "2026-01-05"', 'date: "2026-02-05"'), "REV003"),       # the date moved by hand
    (lambda t: t.replace('digest: "meta:', 'digest: "sha256:'), "REV003"),                 # not a digest at all
    (lambda t: re.sub(r"review:\n(  .*\n)+", "", t), "REV004"),                        # reviewed, no record
])
def test_hand_edited_review_is_an_error_and_the_page_a_draft(kb, edit, code):
    assert approve(kb, "js-one", "med-a").returncode == 0
    text = (kb / JS_ONE).read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    (kb / JS_ONE).write_text(edited, encoding="utf-8")
    proc = run("tools.check.__main__", "--root", str(kb), "--format", "json", str(kb / JS_ONE))
    assert proc.returncode == 1
    found = rev(json.loads(proc.stdout)["problems"])
    assert [c for c, _, _ in found] == [code], found
    assert found[0][1] == line_of(kb, JS_ONE, "review:" if code == "REV003" else "status:")
    from tools.model import load_data, read_page
    assert read_page(JS_ONE, edited, data=load_data(kb)).state == "draft"


def test_reviewer_no_longer_registered_voids_the_review(kb):
    assert approve(kb, "js-one", "puberty-b").returncode == 0
    reviewers = kb / "source" / "_data" / "reviewers.yml"
    reviewers.write_text(reviewers.read_text(encoding="utf-8").replace('topics: ["6.3"]', 'topics: ["6.4"]'),
                         encoding="utf-8")
    [(code, _, message)] = rev(check(kb, JS_ONE))
    assert code == "REV005" and "6.3" in message


def test_reviewers_data_mistakes_are_reported(kb):
    reviewers = kb / "source" / "_data" / "reviewers.yml"
    text = reviewers.read_text(encoding="utf-8")
    reviewers.write_text(text.replace("collections: [policies]", "collections: [polices]")
                         .replace('topics: ["6.3"]', 'topics: ["9.9"]'), encoding="utf-8")
    problems = [(p["path"], p["code"], p["message"]) for p in check(kb) if p["code"] == "REV010"]
    assert {m.split("的")[0].strip() for _, _, m in problems} == {"审核人 law-c", "审核人 puberty-b"}
    proc = approve(kb, LEAVE, "law-c")
    assert proc.returncode == 1 and "不在审核人名单" in proc.stderr  # left out until corrected


def test_review_queue_grouped_by_area_with_counts(kb):
    assert approve(kb, "js-one", "med-a", "2026-01-05").returncode == 0
    assert approve(kb, LEAVE, "law-c", "2024-01-02").returncode == 0
    text = (kb / JS_ONE).read_text(encoding="utf-8")
    (kb / JS_ONE).write_text(text.replace("准备图片", "准备两张图片"), encoding="utf-8")
    proc = run("tools.review.queue", "--root", str(kb), "--format", "json", "--today", "2026-11-29")
    assert proc.returncode == 0, proc.stderr
    q = json.loads(proc.stdout)
    assert q["counts"] == {"draft": 1, "lapsed": 1, "due": 1, "fact": 0}
    areas = {a["area"]: a for a in q["areas"]}
    assert set(areas) == {"curriculum/junior-secondary", "policies"}
    junior = areas["curriculum/junior-secondary"]
    assert junior["counts"]["draft"] == 1 and junior["counts"]["lapsed"] == 1
    assert {r["id"] for r in junior["reviewers"]} == {"med-a", "puberty-b"}
    assert [(i["kind"], i["path"]) for i in areas["policies"]["items"]] == [("due", LEAVE)]
    # facts past their review date, in the area of the pages that use them
    q = json.loads(run("tools.review.queue", "--root", str(kb), "--format", "json", "--today", "2031-01-01").stdout)
    assert q["counts"]["fact"] == 2 and {a["area"] for a in q["areas"] if a["counts"]["fact"]} == {"policies"}
    text_out = run("tools.review.queue", "--root", str(kb), "--today", "2026-11-29").stdout
    assert text_out.startswith("审核队列（2026-11-29）：草稿 1 · 审核后有修改 1 · 审核到期 1 · 数字过复核日期 0")
    assert f"审核后有修改 {JS_ONE}:" in text_out


def test_codeowners_is_generated_from_the_reviewer_list(kb, tmp_path):
    from tools.review.codeowners import render
    lines = [line for line in render(kb).split("\n") if line and not line.startswith("#")]
    # a sub-folder's line names the reviewers of the folders above it too (the last match wins)
    assert lines == ["/curriculum/ @med-a", "/policies/ @org/law-team", "/curriculum/junior-secondary/ @med-a @puberty-b"]
    proc = run("tools.review.codeowners", "--root", str(kb), "--check")
    assert proc.returncode == 1 and "make codeowners" in proc.stderr
    assert run("tools.review.codeowners", "--root", str(kb)).returncode == 0
    assert run("tools.review.codeowners", "--root", str(kb), "--check").returncode == 0


def test_codeowners_of_the_knowledge_base_is_up_to_date_and_assigns_nobody():
    proc = run("tools.review.codeowners", "--check")
    assert proc.returncode == 0, proc.stderr
    text = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert all(not line.strip() or line.startswith("#") for line in text.split("\n"))
    assert "审核人名单是空的" in text


def test_the_knowledge_base_says_no_page_has_been_reviewed():
    """Editorial policy 10: no page of this repository has had an expert
    review. The reviewer list is empty, no page is reviewed or carries a
    review record, and nobody can approve one."""
    from tools.model import load_corpus, load_data
    data = load_data(ROOT)
    assert data.reviewers == {}
    corpus = load_corpus(ROOT, data)
    assert {p.state for p in corpus.values()} == {"draft", "none"}
    assert not [p.path for p in corpus.values() if p.meta.get("status") == "reviewed" or "review" in p.meta]
    proc = run("tools.review.approve", "--page", "policies/pfpl.md", "--by", "anyone")
    assert proc.returncode == 1 and "审核人名单（source/_data/reviewers.yml）是空的" in proc.stderr
    queue = json.loads(run("tools.review.queue", "--format", "json").stdout)
    assert queue["counts"]["draft"] == sum(p.state == "draft" for p in corpus.values()) > 0


def test_make_approve_passes_values_through_the_environment():
    printed = subprocess.run(["make", "-n", "-s", "approve", "PAGE=policies/a b.md", "BY=x", "SCOPE=全文; rm -rf /"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    recipe = [line for line in printed.splitlines() if "tools.review.approve" in line][-1]
    assert "rm -rf" not in recipe and '--page "$PAGE"' in recipe and '--scope "$SCOPE"' in recipe
    for tool in ("tools.review.approve", "tools.review.queue", "tools.review.codeowners", "tools.release",
                 "tools.release.notes"):
        proc = run(tool, "--help")
        assert proc.returncode == 0 and "usage:" in proc.stdout, tool


@pytest.mark.parametrize("args,words", [
    (("--scope", "<script>alert(1)</script>"), "审核范围（SCOPE）只能是一行纯文字"),
    (("--scope", "全文\nstatus: reviewed"), "审核范围（SCOPE）只能是一行纯文字"),
    (("--date", "2026-13-01"), "审核日期 '2026-13-01' 的写法不对"),
])
def test_approve_refuses_hostile_values(kb, args, words):
    before = snapshot(kb)
    proc = approve(kb, "js-one", "med-a", "2026-01-05", *args) if "--date" not in args else \
        run("tools.review.approve", "--root", str(kb), "--page", "js-one", "--by", "med-a", *args)
    assert proc.returncode == 1 and words in proc.stderr, proc.stderr
    assert snapshot(kb) == before


def test_approve_reaches_no_file_outside_the_knowledge_base(kb, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text((kb / JS_ONE).read_text(encoding="utf-8"), encoding="utf-8")
    for page in (str(outside), "../outside.md", "curriculum/../../outside.md"):
        proc = approve(kb, page, "med-a")
        assert proc.returncode == 1 and "找不到页面" in proc.stderr, page
    assert "review:" not in outside.read_text(encoding="utf-8")

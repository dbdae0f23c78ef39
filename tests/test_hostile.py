"""Hostile input: every case of tests/fixtures/hostile/ goes through the
checker, a Sphinx build and (for Word files) the importer, and must end in a
clear Chinese error at file:line or a safe result, in bounded time and
memory, with nothing written outside the build folder.

The payload test puts a script into every text value of every page and data
file of the real knowledge base, builds the site and two editions in every
format, and asserts that no payload survives unescaped and that no dialog
opens in Chromium.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, chromium_path

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE))

#: limits every hostile case must stay within (the slowest case takes a few seconds)
SECONDS = 60
PEAK_MB = 1500


def run_bounded(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = SECONDS):
    """Run ``cmd``; return (exit code, output, seconds, peak resident MB of the child)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})})
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return proc.returncode, text, seconds, usage.ru_maxrss // 1024


def snapshot(folder: Path, skip: str = "_build") -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and skip not in p.relative_to(folder).parts
            and "build" not in p.relative_to(folder).parts}


# -- pages -------------------------------------------------------------------

#: case -> (checker findings, build findings): sets of (line, code)
PAGES = {
    "alias-bomb.md": ({(3, "FM001")}, {(3, "FM001")}),
    "python-tag.md": ({(3, "FM001")}, {(3, "FM001")}),
    "script-title.md": ({(3, "FM005"), (8, "FM005")}, {(3, "FM005"), (8, "FM005")}),
    "deep-list.md": ({(13, "STR003")}, {(13, "STR003")}),
    "deep-quote.md": ({(13, "STR003")}, {(13, "STR003")}),
    "unclosed-fence.md": ({(13, "STR004")}, {(13, "STR004")}),
    "recursive-include.md": ({(13, "SAFE004"), (16, "SAFE004"), (19, "SAFE004")},
                             {(13, "SAFE004"), (16, "SAFE004"), (19, "SAFE004")}),
    "remote-image.md": ({(13, "SAFE003"), (15, "SAFE003"), (17, "SAFE003")},
                        {(13, "SAFE003"), (15, "SAFE003"), (17, "SAFE003")}),
    "script-body.md": ({(13, "SAFE002"), (15, "SAFE001"), (17, "SAFE001")}, {(17, "SAFE001")}),
    "nul-bytes.md": ({(1, "FILE002")}, {(1, "FILE002")}),
    # made at test time: 10 MB on one line
    "long-line.md": ({(1, "FILE003")}, {(1, "FILE003")}),
}
BUILD_WARNING = re.compile(r"curriculum/(?P<file>[^:/]+\.md):(?P<line>\d+): WARNING: (?P<msg>.*) \[kb\.(?P<code>\w+)\]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The test-kb fixture project with every hostile page added to it."""
    root = tmp_path_factory.mktemp("hostile") / "kb"
    shutil.copytree(ROOT / "tests" / "roots" / "test-kb", root)
    for name in PAGES:
        if (HOSTILE / name).exists():
            shutil.copyfile(HOSTILE / name, root / "curriculum" / name)
    head = "---\nid: long-line\ntitle: 很长的一行\ntype: guide\naudiences: [staff]\nstatus: draft\n" \
           "updated: 2026-11-28\nsources: []\n---\n\n"
    (root / "curriculum" / "long-line.md").write_text(head + "长" * (10 * 1024 * 1024 // 3) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(project) -> tuple[str, float, int, dict, dict]:
    """One build of the hostile project: output, seconds, peak MB, files before and after."""
    before = snapshot(project)
    rc, out, seconds, peak = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-d", "_build/doctrees", ".", "_build/html"],
        cwd=project, env={"PYTHONPATH": str(ROOT)})
    assert rc == 0, out[-3000:]  # warnings, not a crash
    return out, seconds, peak, before, snapshot(project)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_checker_names_the_line(project, name):
    want, _ = PAGES[name]
    rel = f"curriculum/{name}"
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.check", "--root", str(project),
                                          "--format", "json", str(project / rel)], cwd=ROOT)
    assert rc == 1, out[-2000:]
    import json
    problems = json.loads(out[out.index("{"):])["problems"]
    got = {(p["line"], p["code"]) for p in problems if p["path"] == rel}
    assert want <= got, (sorted(want), sorted(got))
    for p in problems:
        if (p["line"], p["code"]) in want:
            assert CHINESE.search(p["message"]) and CHINESE.search(p["fix"]), p
    assert seconds < SECONDS and peak < PEAK_MB, (seconds, peak)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_build_names_the_line(built, name):
    out, seconds, peak, before, after = built
    _, want = PAGES[name]
    got = {(int(m["line"]), m["code"]) for m in BUILD_WARNING.finditer(out) if m["file"] == name}
    assert want <= got, (sorted(want), sorted(got), out[-2000:])
    for m in BUILD_WARNING.finditer(out):
        if m["file"] == name and (int(m["line"]), m["code"]) in want:
            assert CHINESE.search(m["msg"]), m.group(0)
    assert seconds < SECONDS and peak < PEAK_MB, (seconds, peak)


def test_build_writes_nothing_outside_its_folder_and_loses_no_text(project, built):
    out, _, _, before, after = built
    assert before == after  # nothing outside _build changed or appeared
    html = (project / "_build" / "html" / "curriculum")
    # an unclosed box is reported, and its text is still on the page
    assert "这一节会被吞进方框" in (html / "unclosed-fence.html").read_text(encoding="utf-8")
    # nothing from outside the project was read into the site
    site = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (project / "_build" / "html").rglob("*.html"))
    assert "root:x:0:0" not in site
    assert "http://example.invalid" not in site and "https://example.invalid" not in site
    assert "<script>alert(1)</script>" not in site


def test_links_and_odd_names_are_not_followed(tmp_path):
    """A symbolic link in a pull request (to a file outside, or to a folder)
    and a right-to-left override in a name: reported, never read."""
    root = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "roots" / "test-kb", root)
    (root / "curriculum" / "passwd.md").symlink_to("/etc/passwd")
    (root / "curriculum" / "everything").symlink_to("/")
    odd = root / "curriculum" / "report\u202etxt.md"
    shutil.copyfile(root / "curriculum" / "a-first.md", odd)
    odd.write_text(odd.read_text(encoding="utf-8").replace("id: first-lesson", "id: odd-name"), encoding="utf-8")
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.check", "--root", str(root)], cwd=ROOT)
    assert rc == 1
    assert re.search(r"^curriculum/passwd\.md:1:1: FILE006 error: ", out, re.M), out
    assert re.search(r"^curriculum/everything:1:1: FILE006 error: ", out, re.M), out
    assert re.search(r"^curriculum/report\\u202etxt\.md:1:1: FILE005 error: ", out, re.M), out
    assert "\u202e" not in out  # the name is shown escaped, not obeyed by the terminal
    rc, out, seconds, peak = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-d", "_build/doctrees", ".", "_build/html"],
        cwd=root, env={"PYTHONPATH": str(ROOT)})
    assert rc == 0 and seconds < SECONDS, out[-2000:]
    assert "curriculum/passwd.md:1: WARNING: 这是一个符号链接" in out
    assert not (root / "_build" / "html" / "curriculum" / "passwd.html").exists()
    assert not (root / "_build" / "html" / "curriculum" / "everything").exists()


# -- data files ----------------------------------------------------------------

DATA = {  # case file -> (data file it replaces, line, code)
    "facts-alias.yml": ("facts.yml", 2, "DATA001"),
    "privacy-alias.yml": ("privacy.yml", 1, "DATA001"),
    "facts-bad-entries.yml": ("facts.yml", 2, "DATA003"),
}


@pytest.mark.parametrize("case", sorted(DATA))
def test_bad_data_file_is_an_error_at_its_line(tmp_path, case):
    target, line, code = DATA[case]
    root = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "roots" / "test-kb", root)
    shutil.copyfile(HOSTILE / case, root / "source" / "_data" / target)
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.check", "--root", str(root)], cwd=ROOT)
    assert rc == 1 and f"source/_data/{target}:{line}:" in out and code in out, out[-2000:]
    assert seconds < SECONDS and peak < PEAK_MB
    rc, out, seconds, peak = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-d", "_build/doctrees", ".", "_build/html"],
        cwd=root, env={"PYTHONPATH": str(ROOT)})
    assert rc == 0, out[-3000:]  # the bad entry is left out; the build does not crash
    assert f"source/_data/{target}:{line}: WARNING:" in out and f"[kb.{code}]" in out, out[-2000:]
    assert seconds < SECONDS and peak < PEAK_MB


def test_entry_without_id_is_left_out_not_a_crash(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "roots" / "test-kb", root)
    shutil.copyfile(HOSTILE / "facts-bad-entries.yml", root / "source" / "_data" / "facts.yml")
    from tools.model.data import _load_data
    data = _load_data(root.resolve())
    assert list(data.facts) == ["script_fact"]
    assert {(p.line, p.code) for p in data.problems} >= {(2, "DATA003"), (3, "DATA002")}


# -- Word files ----------------------------------------------------------------

def _import_cases():
    from docx_cases import CASES
    return sorted(CASES)


@pytest.mark.parametrize("case", _import_cases())
def test_hostile_word_file(tmp_path, case):
    from docx_cases import CASES
    build, words = CASES[case]
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "source" / "_data", kb / "source" / "_data")
    for d in ("curriculum", "policies", "case-studies"):
        (kb / d).mkdir()
    src = build(tmp_path)
    before = snapshot(kb)
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.import_docx", str(src), "--id", "cs-case",
                                          "--root", str(kb)], cwd=ROOT)
    assert seconds < SECONDS and peak < PEAK_MB, (seconds, peak)
    # nothing ever lands outside the knowledge base, whatever the file says
    assert not (tmp_path / "evil.md").exists() and not (kb.parent.parent / "evil.md").exists()
    if words is None:
        assert rc == 0, out
        page = kb / "case-studies" / "cs-case.md"
        media = list((kb / "case-studies" / "cs-case-media").iterdir())
        assert media and all(m.is_file() and re.fullmatch(r"[A-Za-z0-9._-]+", m.name) for m in media)
        assert f"cs-case-media/{media[0].name}" in page.read_text(encoding="utf-8")
    else:
        assert rc == 2 and words in out and "没有写入任何文件" in out, out
        assert snapshot(kb) == before
        assert not list((kb / "case-studies").iterdir())  # no staging folder left behind either


# -- payloads in every text value ---------------------------------------------------

@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    from payload import poison
    root = tmp_path_factory.mktemp("poisoned")
    marks = poison(ROOT, root / "src")
    return root, marks


@pytest.mark.xdist_group("poisoned")
def test_model_and_build_refuse_every_payload(poisoned):
    root, marks = poisoned
    rc, out, _, _ = run_bounded([sys.executable, "-m", "tools.check", "--root", str(root / "src"),
                                 "--format", "json"], cwd=ROOT, timeout=300)
    assert rc == 1
    import json
    problems = json.loads(out[out.index("{"):])["problems"]
    flagged = {m for p in problems if p["code"] in ("FM005", "DATA003") for m in re.findall(r"alert\((\d+)", p["message"])}
    # every payload is reported: as markup (FM005, DATA003), or, where it made a
    # data entry too long for its schema, as a bad entry of that file (DATA002)
    too_long = {p["path"].rsplit("/", 1)[-1] for p in problems if p["code"] == "DATA002"}
    missing = [w for n, w in marks.where.items() if str(n) not in flagged]
    assert all(w.split(".yml")[0] + ".yml" in too_long for w in missing), missing
    rc, out, _, _ = run_bounded([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-W", "-c", str(ROOT),
                                 "-d", str(root / "strict-dt"), str(root / "src"), str(root / "strict")],
                                cwd=ROOT, timeout=300)
    assert rc != 0 and re.search(r"\.md:\d+: WARNING: title 里有网页代码", out), out[-2000:]


def scan_markup(folder: Path, suffixes=(".html", ".xhtml")) -> list[str]:
    """Payloads that survived as markup: a script, an event handler, a javascript: URL."""
    from bs4 import BeautifulSoup
    leaks = []
    for f in sorted(p for p in folder.rglob("*") if p.suffix in suffixes):
        soup = BeautifulSoup(f.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for el in soup.find_all(True):
            if el.name == "script" and "alert(" in el.get_text():
                leaks.append(f"{f.name}: <script>")
            for attr, value in el.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                if attr.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                    leaks.append(f"{f.name}: {el.name}@{attr}={value[:40]}")
    return leaks


def assert_no_dialog(folder: Path, limit: int | None = None) -> int:
    """Open every page in Chromium; no dialog may open. Returns pages opened."""
    from playwright.sync_api import sync_playwright
    # the redirect page forwards at once and would interrupt the next visit
    pages = [p for p in sorted(folder.rglob("*.html"))
             if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8", errors="replace")][:limit]
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                   else route.abort())
        for html in pages:
            page.goto(html.as_uri(), wait_until="load")
            page.mouse.move(200, 200)  # hover handlers would fire now
        browser.close()
    assert dialogs == []
    return len(pages)


@pytest.mark.browser
@pytest.mark.xdist_group("poisoned")
def test_payloads_stay_text_on_the_site(poisoned):
    root, marks = poisoned
    rc, out, _, _ = run_bounded([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(ROOT),
                                 "-d", str(root / "dt"), str(root / "src"), str(root / "html")], cwd=ROOT, timeout=300)
    assert rc == 0, out[-2000:]
    assert scan_markup(root / "html") == []
    # the payload is on the page, as text a reader sees
    lesson = (root / "html" / "curriculum" / "junior-secondary" / "js-emotions.html").read_text(encoding="utf-8")
    assert "&lt;" in lesson and "alert(" in lesson
    assert assert_no_dialog(root / "html") > 50


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("poisoned")
def test_payloads_stay_text_in_every_edition_format(poisoned):
    """A learner edition and the educators' edition, every format, from the
    poisoned sources (built with --allow-warnings: the strict build refuses)."""
    root, marks = poisoned
    build = root / "editions"
    rc, out, _, _ = run_bounded([sys.executable, "-m", "tools.publish", "--source", str(root / "src"),
                                 "--allow-warnings", "--audience", "junior-secondary", "--audience", "educators"],
                                cwd=ROOT, env={"KB_BUILD_DIR": str(build)}, timeout=900)
    assert rc == 0, out[-3000:]
    for aud in ("junior-secondary", "educators"):
        assert scan_markup(build / "web" / aud) == []
        with zipfile.ZipFile(build / "epub" / f"{aud}.epub") as zf:
            zf.extractall(root / f"epub-{aud}")
        assert scan_markup(root / f"epub-{aud}") == []
        opf = (root / f"epub-{aud}" / "content.opf").read_text(encoding="utf-8")
        assert "<script" not in opf and "&lt;" in opf  # metadata carries the title escaped
        pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(build / "pdf" / f"{aud}.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
        assert "<script>alert(" in pdf  # printed as the text it is
        from docx import Document
        text = "\n".join(p.text for p in Document(str(build / "docx" / f"{aud}.docx")).paragraphs)
        assert "alert(" in text
    assert_no_dialog(build / "web" / "junior-secondary")


# -- interrupted and concurrent builds ---------------------------------------------

def _publish(build: Path, *args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tools.publish", *args], cwd=ROOT,
                            env={**os.environ, "KB_BUILD_DIR": str(build)}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **kw)


def _builders_running(build: Path) -> list[int]:
    """Processes whose environment points at this build folder."""
    needle = f"KB_BUILD_DIR={build}".encode()
    found = []
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in env.read_bytes().split(b"\0"):
                found.append(int(env.parent.name))
        except OSError:
            pass
    return found


def _staging(build: Path) -> list[Path]:
    return [p for p in build.glob("*/.*") if p.is_dir()] + [p for p in build.glob(".*") if p.is_dir()]


def _wait_for_staging(build: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.time() + seconds
    while not _staging(build):
        assert proc.poll() is None and time.time() < end, "the build never started writing"
        time.sleep(0.05)


def _manifest_matches_disk(build: Path) -> None:
    import json
    rows = json.loads((build / "editions.json").read_text(encoding="utf-8"))["editions"]
    paths = [r["path"] for r in rows]
    assert len(paths) == len(set(paths)), paths  # each file once (the print-shop PDF was listed twice)
    assert all((build / p).is_file() for p in paths)
    on_disk = {p.relative_to(build).as_posix() for f in ("epub", "pdf", "zip") for p in (build / f).glob("*.*")
               if not p.name.startswith(".")} if build.exists() else set()
    assert on_disk <= set(paths), on_disk - set(paths)


@pytest.mark.slow
def test_sigterm_leaves_no_staging_and_a_true_manifest(tmp_path):
    build = tmp_path / "build"
    proc = _publish(build, "--audience", "upper-primary", "--audience", "junior-secondary", "--jobs", "2")
    _wait_for_staging(build, proc)
    assert len(_builders_running(build)) >= 2  # the main process and its workers
    proc.terminate()
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 143, out
    assert "构建被中断" in out
    assert _staging(build) == []
    assert _builders_running(build) == []  # the workers stopped too
    _manifest_matches_disk(build)


@pytest.mark.slow
def test_killed_build_is_cleaned_up_by_the_next(tmp_path):
    import signal
    build = tmp_path / "build"
    proc = _publish(build, "--audience", "upper-primary", "--format", "web", start_new_session=True)
    _wait_for_staging(build, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # no chance to clean up
    proc.communicate(timeout=60)
    left = _staging(build)
    assert left
    proc = _publish(build, "--audience", "upper-primary", "--format", "web")
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert "已删除上次中断的构建留下的临时文件夹" in out
    assert _staging(build) == [] and (build / "web" / "upper-primary" / "index.html").is_file()
    _manifest_matches_disk(build)


@pytest.mark.slow
def test_two_cells_of_one_edition_at_once(tmp_path):
    """make edition … FORMAT=pdf and … FORMAT=epub started together (a CI
    matrix, two terminals): both succeed, one waits for the other."""
    build = tmp_path / "build"
    a = _publish(build, "--audience", "upper-primary", "--format", "pdf")
    b = _publish(build, "--audience", "upper-primary", "--format", "epub")
    out_a, _ = a.communicate(timeout=600)
    out_b, _ = b.communicate(timeout=600)
    assert a.returncode == 0 and b.returncode == 0, out_a + out_b
    assert "等待它结束" in out_a + out_b
    assert (build / "pdf" / "upper-primary.pdf").is_file() and (build / "epub" / "upper-primary.epub").is_file()
    assert _staging(build) == []


@pytest.mark.slow
def test_hostile_pages_fail_an_edition_cleanly(tmp_path):
    """The hostile pages inside a real edition (the staff book holds every
    guide listed for staff): every format fails with the reason at file:line,
    and no half-written edition is left behind."""
    src = tmp_path / "src"
    for folder in ("curriculum", "policies", "case-studies", "source"):
        shutil.copytree(ROOT / folder, src / folder)
    cases = ["deep-list.md", "unclosed-fence.md", "remote-image.md", "recursive-include.md", "script-title.md"]
    for name in cases:
        shutil.copyfile(HOSTILE / name, src / "case-studies" / name)
    build = tmp_path / "build"
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.publish", "--source", str(src),
                                          "--audience", "staff"], cwd=ROOT, env={"KB_BUILD_DIR": str(build)},
                                         timeout=600)
    assert rc == 1, out[-3000:]
    for name, code in zip(cases, ("STR003", "STR004", "SAFE003", "SAFE004", "FM005")):
        assert re.search(rf"case-studies/{re.escape(name)}:\d+: WARNING: .*[\u4e00-\u9fff].*\[kb\.{code}\]", out), \
            (name, code, out[-3000:])
    assert re.findall(r"^\[staff × (\S+)\] 失败", out, re.M), out
    assert not re.findall(r"^\[staff × \S+\] 完成", out, re.M), out
    for folder in ("web", "epub", "pdf", "docx", "zip"):
        left = [p for p in (build / folder).glob("*")] if (build / folder).exists() else []
        assert left == [], left  # neither a partial file nor a staging folder
    assert seconds < 600 and peak < PEAK_MB


def test_svg_figure_with_script_is_refused(tmp_path):
    """An SVG published beside the site runs its script when opened alone:
    figures may only draw."""
    root = tmp_path / "kb"
    shutil.copytree(ROOT / "tests" / "roots" / "test-kb", root)
    shutil.copyfile(HOSTILE / "script.svg", root / "curriculum" / "figure.svg")
    rc, out, seconds, peak = run_bounded([sys.executable, "-m", "tools.check", "--root", str(root)], cwd=ROOT)
    found = {(int(m[1]), m[2]) for m in re.finditer(r"^curriculum/figure\.svg:(\d+):\d+: SAFE005 error: (.*?) —", out, re.M)}
    assert rc == 1 and {line for line, _ in found} == {3, 4, 5, 6}, out
    rc, out, seconds, peak = run_bounded(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-d", "_build/doctrees", ".", "_build/html"],
        cwd=root, env={"PYTHONPATH": str(ROOT)})
    assert "curriculum/figure.svg:4: WARNING: SVG 图片里有不允许的内容" in out, out[-2000:]

"""The real knowledge base: builds with -n -W (zero warnings), and its
generated pages reflect the front matter."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from tools.model import iter_content_files, load_data, read_page

pytestmark = pytest.mark.xdist_group("site")


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def pages_of(type_):
    data = load_data(ROOT)
    out = []
    for rel in iter_content_files(ROOT):
        page = read_page(rel.as_posix(), (ROOT / rel).read_text(encoding="utf-8"), data=data)
        if page.meta.get("type") == type_:
            out.append(page)
    return out


def test_site_builds_without_warnings(site):
    # the fixture itself fails on any warning; here: the pages are there
    assert (site / "source" / "index.html").exists()
    assert (site / "index.html").read_text(encoding="utf-8").count("source/index.html") >= 1


def test_seed_content_is_present():
    assert len(pages_of("lesson")) >= 2
    assert len(pages_of("policy")) >= 2
    assert len(pages_of("case-study")) >= 2


def test_timeline_is_generated_in_date_order(site):
    rows = soup(site, "policies/timeline.html").select("table.kb-timeline tbody tr")
    dates = [r.find("td").get_text(strip=True) for r in rows]
    assert len(dates) >= len(pages_of("policy"))
    assert dates == sorted(dates)


def test_audience_landing_pages_list_their_pages(site):
    for page in pages_of("lesson"):
        for aid in page.meta["audiences"]:
            landing = soup(site, f"source/audiences/{aid}.html").get_text()
            assert page.meta["title"] in landing, (aid, page.meta["title"])


def test_policy_index_groups_by_status(site):
    text = soup(site, "policies/index.html").select_one("article").get_text()
    assert "现行有效" in text and "已废止" in text


def test_case_study_index_by_topic_region_period(site):
    article = soup(site, "case-studies/index.html").select_one("article")
    rubrics = [r.get_text() for r in article.select("p.rubric")]
    data = load_data(ROOT)
    assert any(data.case_topics["history"]["name"] in r for r in rubrics)
    assert any("原文未注明年份" in r for r in rubrics)


def test_curriculum_matrix_and_coverage(site):
    matrix = soup(site, "curriculum/index.html").select_one("table.kb-lesson-matrix")
    assert matrix is not None and len(matrix.select("tbody tr")) == 4
    coverage = soup(site, "curriculum/guides/teachers-guide.html").select_one("table.kb-coverage-matrix")
    assert coverage is not None and len(coverage.select("tbody tr")) == 27


def test_facts_table_lists_registry(site):
    data = load_data(ROOT)
    rows = soup(site, "case-studies/figures.html").select("table.kb-facts tbody tr")
    district = [f for f in data.facts.values() if f.source in ("src-district-report", "src-township-report")]
    assert len(rows) == len(district)


def test_no_raw_script_in_content(site):
    for path in site.glob("curriculum/**/*.html"):
        article = soup(site, path.relative_to(site)).select_one("article")
        assert article.find("script") is None
        assert not any(k.startswith("on") for tag in article.find_all(True) for k in tag.attrs)


def test_educators_page_lists_lessons_in_school_order(site):
    """小学 → 初中 → 高中 → 大学, by age_bands.yml's order (bands used to sort
    as strings: 12-15, 15-18, 18+, then 9-12)."""
    import re
    page = soup(site, "source/audiences/educators.html")
    stages = []
    for a in page.select("article a.reference.internal"):
        m = re.search(r"curriculum/(upper-primary|junior-secondary|senior-secondary|university)/", a["href"])
        if m and (not stages or stages[-1] != m.group(1)):
            stages.append(m.group(1))
    assert stages == ["upper-primary", "junior-secondary", "senior-secondary", "university"], stages


# -- a site for teachers: Chinese everywhere, light pages, ways home -------------------

#: Latin words a Chinese page may show outside its text: key names, file formats, units
LATIN_ALLOWED = {"Ctrl", "PDF", "EPUB", "Word", "ZIP", "KB", "MB", "DOCX"}
HAN = r"[\u4e00-\u9fff]"


def _site_pages(site):
    return sorted(p for p in site.rglob("*.html") if "downloads" not in p.parts
                  and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:600])


def _interface_text(page_soup) -> list[str]:
    """What a reader sees or hears that the site (not the page's author) wrote:
    text outside the article, the page title, and every tooltip, label,
    placeholder and alternative text (inside the article too)."""
    out = []
    for el in page_soup.find_all(True):
        for attr in ("title", "aria-label", "placeholder", "alt", "aria-description"):
            if el.get(attr):
                out.append(el[attr])
    if page_soup.title:
        out.append(page_soup.title.get_text())
    for tag in page_soup(["script", "style", "article", "noscript"]):
        tag.decompose()
    out.append(page_soup.get_text(" "))
    return out


def test_no_english_interface_string_on_any_page(site):
    import re
    found = {}
    for path in _site_pages(site):
        for text in _interface_text(soup(site, path.relative_to(site))):
            for word in re.findall(r"[A-Za-z]{2,}", text):
                if word not in LATIN_ALLOWED:
                    found.setdefault(word, path.relative_to(site).as_posix())
    assert found == {}, found


def test_generated_chinese_uses_full_width_punctuation(site):
    """No ASCII colon, semicolon, comma or bracket between Chinese characters
    anywhere on the site (the notices once printed 文件:…, the home page 大学:学生课程)."""
    import re
    pattern = re.compile(f"{HAN}[:;,!?]{HAN}|{HAN}\\([^()]*{HAN}[^()]*\\)")
    bad = {}
    for path in _site_pages(site):
        page = soup(site, path.relative_to(site))
        for tag in page(["script", "style"]):
            tag.decompose()
        for m in pattern.finditer(page.get_text("")):
            bad.setdefault(path.relative_to(site).as_posix(), m.group(0))
    assert bad == {}, bad


def test_every_page_has_a_favicon_and_a_way_home(site):
    assert (site / "_static" / "favicon.svg").is_file()
    for path in _site_pages(site):
        rel = path.relative_to(site).as_posix()
        page = soup(site, rel)
        icon = page.find("link", rel="icon")
        assert icon is not None and (path.parent / icon["href"]).resolve().is_file(), rel
        if rel not in ("source/index.html", "search.html", "genindex.html"):
            crumbs = page.find("nav", attrs={"aria-label": "当前位置"})
            assert crumbs is not None, rel
            home = crumbs.find("a")
            assert home.get_text() == "首页" and (path.parent / home["href"]).resolve() == site / "source" / "index.html"


def test_lesson_breadcrumbs_name_the_age_band(site):
    data = load_data(ROOT)
    for page in pages_of("lesson"):
        band = page.meta["age_band"]
        aud = next(a for a in data.audiences.values() if a.age_band == band)
        rel = page.path.replace(".md", ".html")
        crumbs = soup(site, rel).find("nav", attrs={"aria-label": "当前位置"})
        hrefs = [(site / rel).parent.joinpath(a["href"]).resolve() for a in crumbs.find_all("a")]
        assert site / "curriculum" / aud.id / "index.html" in hrefs, rel


def test_search_index_and_heavy_scripts_only_where_needed(site):
    for path in _site_pages(site):
        rel = path.relative_to(site).as_posix()
        html = path.read_text(encoding="utf-8")
        assert ("searchindex.js" in html) == (rel == "search.html"), rel
        for heavy in ("fontawesome.js", "bootstrap.js", "searchtools.js", "doctools.js"):
            assert heavy not in html, (rel, heavy)
    assert not (site / "_static" / "scripts" / "fontawesome.js").exists()


def test_a_lesson_page_and_what_it_loads_stay_under_400_kb(site):
    """The bytes a phone fetches for a lesson page: the page and every style
    sheet, script, font and icon it references (as files, uncompressed).
    ``make bench`` measures the same in Chromium on a throttled link."""
    import re
    rel = "curriculum/junior-secondary/js-puberty-and-body-image.html"
    page = site / rel
    html = page.read_text(encoding="utf-8")
    files = {page}
    for ref in re.findall(r'(?:src|href)="([^"#?]+\.(?:css|js|svg|woff2))', html):
        files.add((page.parent / ref).resolve())
    for css in [f for f in files if f.suffix == ".css"]:
        for ref in re.findall(r"url\(([^)\"']+\.woff2)\)", css.read_text(encoding="utf-8")):
            files.add((css.parent / ref).resolve())
        for ref in re.findall(r'@import\s+(?:url\()?"?([^")]+\.css)', css.read_text(encoding="utf-8")):
            files.add((css.parent / ref).resolve())
    missing = [f for f in files if not f.is_file()]
    assert missing == []
    total = sum(f.stat().st_size for f in files if "kb-print" not in f.name)
    assert total <= 400 * 1024, sorted((f.stat().st_size, f.name) for f in files)


def test_index_keeps_every_word_a_page_uses(site):
    """No HMM guessing: every Chinese word of the index is a word of jieba's
    dictionary or of our own (terms, concepts, titles), none made up (经会,
    经时); 月经 is a word of the puberty lessons; 性 stays findable (性教育
    is 性 + 教育); the glossary terms are words."""
    import json
    import re

    import jieba
    from tools.extensions.kb_search import user_words
    from tools.model import load_corpus
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    docs = index["docnames"]

    def pages(word):
        out = set()
        for table in (index["terms"], index["titleterms"]):
            hit = table.get(word, [])
            out |= {docs[i] for i in (hit if isinstance(hit, list) else [hit])}
        return out

    jieba.initialize()
    known = set(jieba.dt.FREQ) | user_words(load_data(ROOT), load_corpus(ROOT, load_data(ROOT)))
    made_up = sorted(w for table in (index["terms"], index["titleterms"]) for w in table
                     if len(w) > 1 and re.fullmatch(HAN + "+", w) and not jieba.dt.FREQ.get(w) and w not in known)
    assert made_up == [], made_up[:40]
    assert {"curriculum/upper-primary/up-puberty-and-hygiene", "curriculum/upper-primary/up-menstrual-health",
            "curriculum/junior-secondary/js-reproduction-basics"} <= pages("月经")
    assert "经会" not in index["terms"] and "经时" not in index["terms"]
    assert "policies/minors-protection-sex-education" in pages("性") & pages("教育")
    data = load_data(ROOT)
    assert pages("流动人口") and pages("身体意象")
    assert {t for t in data.terms if not pages(t.replace(" ", ""))} <= {t for t in data.terms if "（" in t}


def test_lesson_card_from_front_matter_on_every_lesson(site):
    data = load_data(ROOT)
    for page in pages_of("lesson"):
        rel = page.path.replace(".md", ".html")
        card = soup(site, rel).select_one("article .kb-lesson-card")
        assert card is not None, rel
        facts = {dt.get_text(strip=True): dd.get_text(strip=True)
                 for dt, dd in zip(card.select("dt"), card.select("dd"))}
        grades = data.age_bands[page.meta["age_band"]]["grades"]
        assert facts["适用年级"] == (grades[0] if len(grades) == 1 else f"{grades[0]}–{grades[-1]}"), rel
        assert facts["课时"] == f"{page.meta['duration_minutes']} 分钟"
        assert facts["最后更新"] == str(page.meta["updated"])
        assert all(data.key_concepts[k]["name"] in facts["核心概念"] for k in page.meta["key_concepts"])


def test_lesson_finder_lists_every_lesson_by_stage_in_school_order(site):
    data = load_data(ROOT)
    bands = [b["name"] for b in sorted(data.age_bands.values(), key=lambda b: b["order"])]
    for rel in ("curriculum/index.html", "source/audiences/educators.html"):
        finder = soup(site, rel).select_one(".kb-finder")
        stages = [r.get_text().split("：")[0] for r in finder.select("p.rubric")]
        assert stages == bands, (rel, stages)
        titles = {a.get_text() for a in finder.select("li.kb-finder-item a")}
        assert titles == {p.meta["title"] for p in pages_of("lesson")}

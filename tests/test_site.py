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

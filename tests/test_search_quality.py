"""Search quality as a table: what teachers type (phrases, not only words),
each with the pages that must come up in the first five results.

The list was written from the pages themselves (their titles, summaries and
teaching text: what a teacher looking for each page would type), not from
the index. It runs the real search page (kb-search.js over searchindex.js)
in Chromium, so the segmentation, the matching and the ranking are all in it.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]

# query -> pages that must be among the first five results
TABLE = [
 ("避孕方法", ["curriculum/senior-secondary/ss-contraception"]),
 ("青春期身体变化", ["curriculum/junior-secondary/js-puberty-and-body-image", "curriculum/upper-primary/up-puberty-and-hygiene"]),
 ("身体变化", ["curriculum/junior-secondary/js-puberty-and-body-image"]),
 ("青春期变化", ["curriculum/junior-secondary/js-puberty-and-body-image", "curriculum/upper-primary/up-puberty-and-hygiene"]),
 ("网络交友", ["curriculum/junior-secondary/js-media-and-online-life"]),
 ("月经", ["curriculum/upper-primary/up-menstrual-health"]),
 ("性教育法律规定", ["policies/minors-protection-sex-education"]),
 ("第一次来月经怎么办", ["curriculum/upper-primary/up-puberty-and-hygiene"]),
 ("卫生巾怎么用", ["curriculum/upper-primary/up-menstrual-health"]),
 ("紧急避孕", ["curriculum/senior-secondary/ss-contraception"]),
 ("拒绝同伴压力", ["curriculum/junior-secondary/js-peer-pressure-and-refusal"]),
 ("遇到性骚扰怎么应对", ["curriculum/junior-secondary/js-consent-harassment-abuse"]),
 ("艾滋病病毒检测", ["curriculum/senior-secondary/ss-hiv-sti-testing-treatment", "curriculum/university/uni-hiv-prevention-and-testing"]),
 ("艾滋病 不歧视", ["curriculum/junior-secondary/js-hiv-sti-basics"]),
 ("性别刻板印象", ["curriculum/junior-secondary/js-gender-equality-and-gbv", "curriculum/upper-primary/up-gender-and-respect"]),
 ("调节情绪的方法", ["curriculum/junior-secondary/js-emotions"]),
 ("身体界限 隐私部位", ["curriculum/upper-primary/up-body-boundaries"]),
 ("上网保护个人信息", ["curriculum/upper-primary/up-online-safety"]),
 ("色情内容", ["curriculum/senior-secondary/ss-media-sexuality-and-pornography-literacy"]),
 ("酒精与性", ["curriculum/senior-secondary/ss-alcohol-drugs-and-sex"]),
 ("同伴教育者培训", ["curriculum/university/uni-peer-educator-training"]),
 ("受孕和怀孕", ["curriculum/senior-secondary/ss-reproduction-and-pregnancy", "curriculum/junior-secondary/js-reproduction-basics"]),
 ("性取向 欺凌", ["curriculum/junior-secondary/js-respecting-diversity"]),
 ("家长怎样和孩子聊", ["curriculum/guides/parents-guide"]),
 ("怎样开展性教育课程", ["curriculum/guides/teachers-guide"]),
 ("暴露后预防", ["curriculum/university/uni-hiv-prevention-and-testing"]),
 ("亲密关系中的暴力", ["curriculum/university/uni-consent-and-violence-prevention"]),
 ("分手以后的心理压力", ["curriculum/university/uni-mental-health-and-relationships"]),
 ("婚姻和生育政策", ["curriculum/university/uni-relationships-marriage-and-family-policy"]),
 ("三孩政策", ["policies/birth-policy-2021-decision"]),
 ("社会抚养费取消", ["policies/social-maintenance-fee-abolition"]),
 ("生育登记", ["policies/birth-registration"]),
 ("免费避孕药具", ["policies/free-contraceptives"]),
 ("流动人口计划生育", ["policies/migrant-regulation-2009"]),
 ("人户分离", ["case-studies/cs-residence-based-management"]),
 ("安全套售卖机", ["case-studies/cs-free-contraceptive-distribution"]),
 ("自慰正常吗", ["curriculum/junior-secondary/js-sexual-feelings"]),
 ("遗精", ["curriculum/upper-primary/up-puberty-and-hygiene"]),
 ("未成年人的权利", ["curriculum/junior-secondary/js-rights-and-respect", "curriculum/senior-secondary/ss-rights-law-help"]),
 ("我的支持网络", ["curriculum/junior-secondary/js-finding-help"]),
 ("健康的友谊", ["curriculum/junior-secondary/js-friendship-attraction-values"]),
 ("家庭的多种形式", ["curriculum/junior-secondary/js-families-and-changing-relationships"]),
 ("做决定的五个步骤", ["curriculum/senior-secondary/ss-decisions-and-life-planning"]),
 ("要不要发生性行为", ["curriculum/senior-secondary/ss-sexuality-and-decisions"]),
 ("青春健康项目 中学", ["case-studies/cs-adolescent-health-programme"]),
 ("去哪里领避孕药具", ["curriculum/university/uni-srh-services", "policies/free-contraceptives"]),
]


@pytest.fixture(scope="module")
def search_page(browser, server):
    from conftest import open_page
    p = open_page(browser)
    yield p
    p.context.close()


def top_five(page, server, query: str) -> list[str]:
    page.goto(f"{server}/search.html?q={quote(query)}")
    page.wait_for_selector("#search-results p.search-summary", timeout=20000)
    return page.locator("#search-results li.kb-search-result").evaluate_all(
        "els => els.slice(0, 5).map(e => e.dataset.docname)")


def test_the_table_has_at_least_thirty_phrases():
    assert len(TABLE) >= 30
    assert sum(1 for q, _ in TABLE if len(q) > 2) >= 30  # phrases, not just words


@pytest.mark.parametrize("query,pages", TABLE, ids=[q for q, _ in TABLE])
def test_teacher_query_finds_its_pages(search_page, server, query, pages):
    found = top_five(search_page, server, query)
    missing = [p for p in pages if p not in found]
    assert not missing, f"{query}: {missing} not in the first five {found}"
    assert search_page.errors == []


@pytest.mark.parametrize("query", ["青春期", "月经", "避孕", "流动人口", "性别", "艾滋病", "欺凌", "求助"])
def test_lessons_and_explainers_rank_above_listing_pages(search_page, server, query):
    """The glossary, the landing pages and the indexes mention everything:
    for a topic, the pages that teach it come first."""
    from conftest import ROOT
    from tools.model import load_corpus, load_data
    pages = load_corpus(ROOT, load_data(ROOT))
    kinds = [pages[d].meta.get("type") for d in top_five(search_page, server, query)]
    assert len(kinds) == 5 and "page" not in kinds, (query, kinds)

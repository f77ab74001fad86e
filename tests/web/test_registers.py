"""The document register and the visits register, over real seed articles matched by the real monitor."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storage.db import transaction
from storage.models import Directive, DirectiveMention, Match
from tests.web.support import add_article, add_portal, fetch, seed_real_articles, seeded


@pytest.fixture
def factory(db_factory):
    seed_real_articles(db_factory)
    return db_factory


def test_directive_list_and_filters(factory):
    with transaction(factory) as session:
        total = session.scalar(select(func.count(Directive.id)))
        party = session.scalar(select(func.count(Directive.id)).where(Directive.issuer == "TW"))
    first, filtered = fetch(factory, "/van-ban/", "/van-ban/?issuer=TW")
    assert first[0] == 200 and f"{total} văn bản" in first[1] and total > 5
    assert 'href="/van-ban/04-CT/TW"' in first[1] and "Trung ương Đảng" in first[1]
    assert filtered[0] == 200 and f"{party} văn bản" in filtered[1] and 0 < party < total
    assert "-CT/TU" not in re.sub(r"<select.*?</select>", "", filtered[1], flags=re.S)


def test_directive_page_has_first_sighting_and_a_timeline(factory):
    with transaction(factory) as session:
        directive = session.scalar(select(Directive).where(Directive.code == "04-CT/TW"))
        mentions = session.scalar(select(func.count()).where(DirectiveMention.directive_id == directive.id))
    [(status, page, _)] = fetch(factory, "/van-ban/04-CT/TW")
    assert status == 200 and "Chỉ thị 04-CT/TW" in page and "Trung ương Đảng" in page
    assert "06/07/2011" in page  # issued on, day first
    timeline = page[page.index('id="timeline"'):]
    assert timeline.count("<li") == mentions > 1
    assert 'class="first"' in timeline and "Xuất hiện lần đầu" in page


def test_unknown_code_is_a_404_page(factory):
    for path in ("/van-ban/99-CT/TW", "/van-ban/" + "9" * 500, "/van-ban/%3Cscript%3E"):
        [(status, page, _)] = fetch(factory, path)
        assert status == 404 and "Không có văn bản" in page and "<script>" not in page


def test_visits_register_rows_and_counts(factory):
    with transaction(factory) as session:
        matches = list(session.scalars(select(Match).where(Match.kind == "visit")))
    assert matches
    partner = matches[0].terms[0]
    expected = sum(partner in m.terms for m in matches)
    everything, one = fetch(factory, "/doan/", "/doan/?partner=" + partner)
    assert everything[0] == 200 and everything[1].count("<tr><td>") >= len(matches)
    rows = one[1][one[1].index('id="visits"'):]
    assert one[0] == 200 and rows.count("<tr><td>") == expected
    assert re.search(rf"<td><a href=\"/doan/\?partner=[^\"]+\">{partner}</a></td><td class=\"num\">{expected}</td>", everything[1])
    assert "đoàn ra" in everything[1] or "đoàn vào" in everything[1]
    assert "<mark>" in rows


def test_snippet_markup_is_escaped(db_factory):
    def build(session):
        add_portal(session, "p", "Cổng", "Lào Cai")
        article = add_article(session, "p", "Tiêu đề", "Nội dung")
        session.add(Match(article_id=article.id, kind="visit", terms=["Lào"], snippet="<script>x</script> [[Lào]]",
                          data={"reasons": ["đoàn vào: Lào"]}))

    seeded(db_factory, build)
    [(status, page, _)] = fetch(db_factory, "/doan/")
    assert status == 200 and "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt; <mark>Lào</mark>" in page
    assert "đoàn vào" in page


def test_a_local_code_of_two_provinces_is_two_documents_on_its_page(db_factory):
    """481/QĐ-UBND of Lai Châu and of Cao Bằng: one code, two documents; the list links each by scope."""
    def build(session):
        for slug, name, province in (("lc", "Cổng Lai Châu", "Lai Châu"), ("cb", "Cổng Cao Bằng", "Cao Bằng")):
            add_portal(session, slug, name, province)
            article = add_article(session, slug, f"Quyết định của {province}", "Quyết định số 481/QĐ-UBND …")
            directive = Directive(code="481/QĐ-UBND", scope=province, kind="Quyết định", issuer="UBND",
                                  first_article_id=article.id, mentions=1)
            session.add(directive)
            session.flush()
            session.add(DirectiveMention(directive_id=directive.id, article_id=article.id,
                                         sentence=f"Quyết định số 481/QĐ-UBND của UBND tỉnh {province}"))

    seeded(db_factory, build)
    both, one, listing, other = fetch(db_factory, "/van-ban/481/QĐ-UBND", "/van-ban/481/QĐ-UBND?scope=Cao%20Bằng",
                                      "/van-ban/", "/van-ban/481/QĐ-UBND?scope=Hà%20Giang")
    assert both[0] == 200 and both[1].count('<section class="document"') == 2
    assert "Lai Châu" in both[1] and "Cao Bằng" in both[1] and "2 văn bản khác nhau" in both[1]
    assert one[0] == 200 and one[1].count('<section class="document"') == 1
    assert "Quyết định của Cao Bằng" in one[1] and "Quyết định của Lai Châu" not in one[1]
    assert 'href="/van-ban/481/Q%C4%90-UBND?scope=Cao%20B%E1%BA%B1ng"' in listing[1]
    assert other[0] == 404

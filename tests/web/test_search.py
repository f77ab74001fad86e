"""Archive search on SQLite and PostgreSQL: phrases, accents, filters, ranking, paging, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, update

from storage.db import transaction
from storage.models import Article
from storage.search import SearchRequest, parse_query, search
from tests.web.support import add_article, add_portal, seeded
from tests.web.support import four_articles as archive


@pytest.fixture
def factory(db_factory):
    seeded(db_factory, archive)
    return db_factory


def run(factory, **kwargs):
    with transaction(factory) as session:
        result = search(session, SearchRequest(**kwargs))
        return result, [hit.article.title for hit in result.hits]


def test_listing_is_newest_first_with_portal_facts(factory):
    result, titles = run(factory)
    assert result.total == 4 and result.message is None
    assert titles[0].startswith("Đoàn đại biểu") and titles[-1].startswith("Tăng cường")
    assert result.hits[0].portal.province == "Hà Giang" and result.hits[0].visit and result.hits[0].partners == ["Lào"]


def test_phrase_matches_only_the_words_in_order(factory):
    result, titles = run(factory, text='"đối ngoại nhân dân"')
    assert sorted(titles) == ["Phát huy vai trò đối ngoại nhân dân trong tình hình mới",
                              "Tăng cường đối ngoại nhân dân với Trung Quốc"]
    # Without quotes the words may be apart: the border-commune article has them all.
    result, titles = run(factory, text="đối ngoại nhân dân")
    assert result.total == 3


def test_ranking_puts_title_matches_first(factory):
    _, titles = run(factory, text="biên giới")
    assert titles[0] == "Hội nghị nhân dân các xã biên giới"
    _, by_date = run(factory, text="biên giới", sort="date")
    assert by_date[0].startswith("Đoàn đại biểu")


def test_accents_matter_unless_asked(factory):
    assert run(factory, text="doi ngoai")[0].total == 0
    result, titles = run(factory, text='"doi ngoai nhan dan"', accent_insensitive=True)
    assert result.total == 2
    # đ/Đ fold to d, as in monitor's strip_accents; upper case is found too.
    assert run(factory, text="DOAN DAI BIEU", accent_insensitive=True)[0].total == 1
    assert run(factory, text="ĐOÀN", accent_insensitive=False)[0].total == 1


def test_filters(factory):
    assert run(factory, province="Hà Giang")[0].total == 2
    assert run(factory, kind="government")[0].total == 2
    assert run(factory, portal="snv-hg", text="đối ngoại")[1] == ["Tăng cường đối ngoại nhân dân với Trung Quốc"]
    assert run(factory, has_directive=True)[1] == ["Phát huy vai trò đối ngoại nhân dân trong tình hình mới"]
    assert run(factory, has_visit=True)[0].hits[0].codes == []
    # Seeded at NOW = 20/11 10:00 Vietnam time minus 1, 2, 3, 10 days.
    assert run(factory, date_from=date(2026, 11, 17), date_to=date(2026, 11, 18))[0].total == 2
    assert run(factory, date_from=date(2026, 11, 19))[0].total == 1
    assert run(factory, date_to=date(2026, 11, 10))[0].total == 1


def test_paging_and_past_the_end(factory):
    first, titles1 = run(factory, per_page=3)
    second, titles2 = run(factory, per_page=3, page=2)
    assert first.pages == 2 and len(titles1) == 3 and len(titles2) == 1 and not set(titles1) & set(titles2)
    beyond, titles = run(factory, per_page=3, page=99)
    assert titles == [] and beyond.total == 4 and "Trang 99" in beyond.message


@pytest.mark.parametrize("query, needle", [
    ('"đối ngoại nhân dân', "ngoặc kép"),
    ("đối ngoại OR Lào", "toán tử"),
    ("x" * 10_000, "quá dài"),
    ("%", "không có chữ"),
    ("_", "không có chữ"),
    ("* ^ :", "không có chữ"),
])
def test_bad_queries_give_an_empty_result_with_a_message(factory, query, needle):
    result, titles = run(factory, text=query)
    assert titles == [] and result.total == 0 and needle in result.message.lower()


@pytest.mark.parametrize("query", [
    "'; DROP TABLE articles; --", "Lào* NEAR(biên giới)", "title:Lào", "%Lào%", "biên_giới", "a' OR '1'='1",
    "(đối ngoại", "-Lào", "^Lào", "{title body}: Lào",
])
def test_syntax_is_only_text(factory, query):
    result, _ = run(factory, text=query)
    assert result.message is None or "Không" in result.message or "toán tử" in result.message
    assert run(factory)[0].total == 4  # the archive is intact


def test_fts_operators_inside_words_are_searched_as_words(factory):
    assert run(factory, text="Lào*")[0].total == run(factory, text="Lào")[0].total == 1
    assert run(factory, text="%Lào%")[0].total == 1
    assert run(factory, text='"12-CT/TW"')[0].total == 1


def test_index_follows_updates_and_deletes(factory):
    with transaction(factory) as session:
        session.execute(update(Article).where(Article.title.like("Hội nghị%")).values(title="Hội nghị hợp tác Việt - Lào"))
    assert run(factory, text="xã biên giới")[0].total == 0
    assert run(factory, text='"hợp tác Việt - Lào"')[0].total == 1
    with transaction(factory) as session:
        session.execute(delete(Article).where(Article.title.like("Đoàn đại biểu%")))
    assert run(factory, text="Đoàn đại biểu")[0].total == 0
    assert run(factory, text="doan", accent_insensitive=True)[0].total == 0


def test_parse_query_groups():
    parsed = parse_query('  "đối ngoại nhân dân"  Lào 481/QĐ-UBND ')
    assert [(g.words, g.phrase) for g in parsed.groups] == [
        (("đối", "ngoại", "nhân", "dân"), True), (("Lào",), False), (("481", "QĐ", "UBND"), True)]


def test_migration_backfills_articles_stored_before_it(db_url):
    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade

    upgrade(db_url, revision="0007")  # the schema before the search index
    engine = make_engine(db_url)
    try:
        factory = session_factory(engine)
        seeded(factory, archive)
        upgrade(db_url, engine=engine)
        assert run(factory, text='"đối ngoại nhân dân"')[0].total == 2
        assert run(factory, text="doan dai bieu", accent_insensitive=True)[0].total == 1
    finally:
        engine.dispose()


def with_partners(session):
    archive(session)
    add_article(session, "laocai", "Tiếp Đoàn đại biểu tỉnh Vân Nam (Trung Quốc)",
                "Lãnh đạo tỉnh tiếp đoàn Vân Nam, Trung Quốc; trao đổi hợp tác biên giới.", days_ago=4,
                partners=["Trung Quốc"])
    add_article(session, "snv-hg", "Đoàn công tác của tỉnh thăm Lào và Campuchia",
                "Đoàn thăm Lào rồi Campuchia, bàn hợp tác biên giới và thương mại.", days_ago=5,
                partners=["Lào", "Campuchia"])


@pytest.fixture
def partnered(db_factory):
    seeded(db_factory, with_partners)
    return db_factory


def test_partner_filter_and_its_choices(partnered):
    from storage.search import facets

    with transaction(partnered) as session:
        assert facets(session).partners == ["Campuchia", "Lào", "Trung Quốc"]
    result, titles = run(partnered, partner="Lào")
    assert result.total == 2 and titles == ["Đoàn đại biểu tỉnh Hà Giang sang thăm và làm việc tại Lào",
                                            "Đoàn công tác của tỉnh thăm Lào và Campuchia"]
    assert result.hits[1].partners == ["Lào", "Campuchia"]
    assert run(partnered, partner="Trung Quốc")[1] == ["Tiếp Đoàn đại biểu tỉnh Vân Nam (Trung Quốc)"]
    # With a text query, other filters and either order; a partner nobody visited finds nothing.
    assert run(partnered, partner="Lào", text="biên giới", province="Hà Giang")[0].total == 2
    assert run(partnered, partner="Campuchia", text="biên giới", sort="date")[1] == [
        "Đoàn công tác của tỉnh thăm Lào và Campuchia"]
    assert run(partnered, partner="Lào", text='"Vân Nam"')[0].total == 0
    nobody, titles = run(partnered, partner="Nhật Bản")
    assert titles == [] and nobody.total == 0 and "Không tìm thấy" in nobody.message
    # Not a substring match, and not SQL either.
    assert run(partnered, partner="Lào' OR '1'='1")[0].total == 0 and run(partnered, partner="Là")[0].total == 0


@pytest.fixture
def capped(partnered, monkeypatch):
    """Counting and ranking stop after three matches here (1,000 in the product)."""
    import storage.search

    monkeypatch.setattr(storage.search, "COUNT_CAP", 3)
    return partnered


def test_capped_count_pages_through_every_result_once(capped):
    result, titles = run(capped, per_page=2)
    assert result.total == 3 and result.more and result.pages == 2
    seen, page = [], 1
    while True:
        result, titles = run(capped, per_page=2, page=page)
        if not titles:
            break
        seen += titles
        page += 1
    assert len(seen) == len(set(seen)) == 6 and page == 4
    assert "Trang 4 không có kết quả" in result.message and result.more
    exact, _ = run(capped, exact_total=True)
    assert exact.total == 6 and not exact.more


def test_relevance_ranks_the_newest_matches_then_lists_the_rest(capped):
    # Five articles have "biên giới"; only the three stored last are ranked, then the two stored first
    # follow, most recently stored first (so the title match, stored early, is not on top here).
    with transaction(capped) as session:
        stored = [a.title for a in session.query(Article).order_by(Article.id)]
    matching = [t for t in stored if t != "Phát huy vai trò đối ngoại nhân dân trong tình hình mới"]
    result, titles = run(capped, text="biên giới", per_page=10)
    assert result.total == 3 and result.more and len(titles) == 5
    assert set(titles[:3]) == set(matching[-3:]) and titles[3:] == matching[-4::-1]
    second, rest = run(capped, text="biên giới", per_page=2, page=2)
    assert rest == titles[2:4]
    exact, _ = run(capped, text="biên giới", exact_total=True)
    assert exact.total == 5 and not exact.more


def test_migration_0013_up_and_down(db_url):
    """The pair columns (PostgreSQL) are computed for articles stored before them, go with a downgrade
    and come back; on SQLite the revision changes nothing and FTS5 keeps working through it."""
    from alembic import command
    from sqlalchemy import inspect, text

    from storage.db import make_engine, session_factory
    from storage.migrate import alembic_config, current_revision, upgrade

    upgrade(db_url, revision="0012")
    engine = make_engine(db_url)
    try:
        factory = session_factory(engine)
        seeded(factory, archive)
        for _ in range(2):
            upgrade(db_url, engine=engine)
            assert current_revision(engine) == "0013"
            assert run(factory, text='"đối ngoại nhân dân"')[0].total == 2
            assert run(factory, text='"doi ngoai nhan dan"', accent_insensitive=True)[0].total == 2
            assert run(factory, text='"nhân dân đối ngoại"')[0].total == 0
            config = alembic_config(db_url)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "0012")
            assert current_revision(engine) == "0012"
            columns = {c["name"] for c in inspect(engine).get_columns("articles")}
            assert not columns & {"search_pairs", "search_pairs_folded"}
            if engine.dialect.name == "postgresql":
                with engine.connect() as connection:
                    assert connection.scalar(text("SELECT count(*) FROM pg_proc WHERE proname = 'pw_pairs' "
                                                  "AND pronamespace = current_schema()::regnamespace")) == 0
                    assert "search_vector" in columns
            else:  # 0012's search (FTS5) is untouched
                assert run(factory, text='"đối ngoại nhân dân"')[0].total == 2
    finally:
        engine.dispose()


@pytest.fixture
def real_archive(postgres_url):
    """400 real baomoi-2017 articles (tests/fixtures copy) on PostgreSQL, and phrases drawn from them."""
    import random

    from sqlalchemy import insert

    from storage.db import make_engine, session_factory
    from storage.migrate import upgrade
    from tests.bench_search import _corpus, _rows

    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    factory = session_factory(engine)
    corpus = _corpus()[:400]
    seeded(factory, lambda session: [add_portal(session, f"p{i}", f"Cổng {i}", f"Tỉnh {i}", "government") for i in range(20)])
    with transaction(factory) as session:
        session.execute(insert(Article), list(_rows(corpus, len(corpus))))
    rng = random.Random(13)
    phrases = []
    for title, body in rng.sample(corpus, 60):
        title, body = title.replace('"', " "), body.replace('"', " ")  # a quote would end the search's phrase
        words = body.split()
        start = rng.randrange(max(1, len(words) - 5))
        for size in (2, 3, 4):
            phrases.append(" ".join(words[start:start + size]))  # as written, punctuation and all
        phrases.append(" ".join(reversed(words[start:start + 2])))  # both words there, rarely in this order
        phrases.append(" ".join(title.split()[-2:] + body.split()[:1]))  # the title's end, then the text
    phrases += ["04-CT/TW", "Chỉ thị 04-CT/TW", "e-mail", "UBND tỉnh", "Ủy ban nhân dân tỉnh"]
    yield factory, phrases
    engine.dispose()


@pytest.mark.postgres
def test_phrase_pairs_find_exactly_what_positions_find(real_archive):
    """On real text, a phrase's results with the pair index (migration 0013) are the articles whose
    tsvector holds the phrase by positions alone (the search before 0013), accents kept or folded."""
    from sqlalchemy import text as sql

    factory, phrases = real_archive
    found = 0
    with transaction(factory) as session:
        for folded in (False, True):
            vector, value = ("search_folded", "pw_fold(:p)") if folded else ("search_vector", ":p")
            for phrase in phrases:
                result = search(session, SearchRequest(text=f'"{phrase}"', accent_insensitive=folded, exact_total=True,
                                                       per_page=1000))
                expected = set(session.scalars(sql(f"SELECT id FROM articles WHERE {vector} @@ "
                                                   f"phraseto_tsquery('simple', {value})"), {"p": phrase}))
                assert {h.article.id for h in result.hits} == expected and result.total == len(expected), (phrase, folded)
                found += bool(expected)
    # Not vacuous: most drawn phrases are found, and some reversed pairs are not.
    assert len(phrases) < found < 2 * len(phrases)


@pytest.mark.postgres
def test_capped_phrase_checks_the_newest_pair_holders_first(real_archive, monkeypatch):
    """With the count capped at 3, a phrase's positions are checked newest first in growing chunks: the
    ranked first page is still the three most recently stored matches, "more" says whether there are
    others, and newest-first pages list the matches in date order."""
    import storage.search
    from sqlalchemy import text as sql

    monkeypatch.setattr(storage.search, "COUNT_CAP", 3)
    factory, phrases = real_archive
    several = 0
    with transaction(factory) as session:
        for phrase in phrases + ["của các", "nhân dân", "và các cơ quan", "theo quy định của"]:
            expected = sorted(session.scalars(sql("SELECT id FROM articles WHERE search_vector @@ phraseto_tsquery('simple', :p)"),
                                              {"p": phrase}), reverse=True)
            result = search(session, SearchRequest(text=f'"{phrase}"', per_page=3))
            assert {h.article.id for h in result.hits} == set(expected[:3]), phrase
            assert result.total == min(3, len(expected)) and result.more == (len(expected) > 3), phrase
            # Newest first (stored in date order here), past the cap too: the listing walked and checked.
            for page in (1, 2):
                dated = search(session, SearchRequest(text=f'"{phrase}"', per_page=3, sort="date", page=page))
                assert [h.article.id for h in dated.hits] == expected[3 * page - 3:3 * page], (phrase, page)
            several += len(expected) > 3
    assert several >= 3


def test_a_nul_character_gives_the_same_answer_on_the_page_and_in_the_export(factory):
    """PostgreSQL text cannot hold NUL: the page has a message and no rows, the export is empty and does
    not fail; SQLite's FTS5 takes NUL as a separator, and the export lists what the page finds."""
    from storage.exports import search_batches

    postgres = factory.kw["bind"].dialect.name == "postgresql"
    for query in ('"đối\x00 ngoại nhân"', "dân\x00"):
        result, titles = run(factory, text=query)
        with transaction(factory) as session:
            exported = [hit.title for batch in search_batches(session, SearchRequest(text=query)) for hit in batch]
        if postgres:
            assert titles == exported == [] and result.total == 0 and result.message
        else:
            assert sorted(exported) == sorted(titles) and titles


def test_a_lone_surrogate_in_a_query_is_dropped_not_an_error(factory):
    """A command-line argument of invalid bytes arrives as a lone surrogate, which no database driver
    can encode: the query is searched without it, on the page and in the export alike."""
    from storage.exports import search_batches

    plain, titles = run(factory, text='"đối ngoại"')
    assert titles
    for query in ('"đối ngoại\udcff"', '\ud800"đối ngoại"'):
        result, found = run(factory, text=query)
        with transaction(factory) as session:
            exported = [hit.title for batch in search_batches(session, SearchRequest(text=query)) for hit in batch]
        assert sorted(found) == sorted(titles) == sorted(exported) and result.total == plain.total

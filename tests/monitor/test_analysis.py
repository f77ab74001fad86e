from monitor.analysis import ArticleInput, Monitor
from monitor.registry import FirstSightings, new_codes
from monitor.rules import bundled_rules

FIRST = "Tỉnh ủy ban hành Kế hoạch số 36-KH/TU thực hiện Chỉ thị số 04-CT/TW ngày 06/7/2011."
SECOND = "Tiếp tục thực hiện Chỉ thị 04 - CT/TW và Nghị quyết số 22-NQ/TW ngày 10/4/2013."


def test_new_codes_keeps_order_and_drops_known_and_repeated():
    assert new_codes(["04-CT/TW", "36-KH/TU", "04-CT/TW", "22-NQ/TW"], {"36-KH/TU"}) == ["04-CT/TW", "22-NQ/TW"]


def test_first_sighting_across_articles():
    monitor, registry = Monitor(bundled_rules()), FirstSightings()
    first = monitor.analyse(FIRST, known_codes=registry.known)
    assert registry.observe(first.codes) == ["36-KH/TU", "04-CT/TW"]
    second = monitor.analyse(SECOND, known_codes=registry.known)
    assert second.codes == ["04-CT/TW", "22-NQ/TW"]
    assert second.new_codes == ["22-NQ/TW"]
    [rule] = [m for m in second.rules if m.rule == "new-directive"]
    assert rule.terms == ("22-NQ/TW",)
    assert registry.observe(second.codes) == ["22-NQ/TW"]


def test_first_sighting_survives_a_restart_through_the_known_codes():
    """The crawl cycle passes the codes stored by earlier runs; nothing else carries over."""
    monitor = Monitor(bundled_rules())
    stored = set(monitor.analyse(FIRST).codes)  # what the first run wrote to the registry
    restarted = Monitor(bundled_rules())
    assert restarted.analyse(SECOND, known_codes=stored).new_codes == ["22-NQ/TW"]


def test_without_a_registry_every_code_is_new():
    assert Monitor().analyse(SECOND).new_codes == ["04-CT/TW", "22-NQ/TW"]


def test_article_input_from_extract_json():
    data = {
        "url": "https://laichau.gov.vn/tin/1",
        "title": "Tiếp Đại sứ Lào",
        "lead": "Chủ tịch tỉnh tiếp Đại sứ Lào.",
        "text": "Chủ tịch tỉnh tiếp Đại sứ Lào.\nHai bên bàn về cửa khẩu.",
        "published_at": None,
        "rejected": None,
        "portal_id": "laichau",
    }
    article = ArticleInput.from_mapping(data)
    assert article.portal == "laichau" and article.url == data["url"]
    assert article.full_text() == "Tiếp Đại sứ Lào\n\nChủ tịch tỉnh tiếp Đại sứ Lào.\nHai bên bàn về cửa khẩu."
    visits = Monitor().analyse(article).visits
    assert [(v.partners, v.direction, v.clause) for v in visits] == [
        (["Lào"], "inbound", "Chủ tịch tỉnh tiếp Đại sứ Lào")
    ]


def test_analysis_json_shape():
    data = Monitor(bundled_rules(), keywords=["Chỉ thị", "sân bay"]).analyse(FIRST).as_json()
    assert set(data) == {"directives", "new_codes", "visits", "topic", "keywords", "rules"}
    assert [k["keyword"] for k in data["keywords"]] == ["Chỉ thị", "sân bay"]
    assert data["keywords"][0]["count"] == 1
    assert data["keywords"][0]["snippets"] == [
        "Tỉnh ủy ban hành Kế hoạch số 36-KH/TU thực hiện «Chỉ thị» số 04-CT/TW ngày 06/7/2011."
    ]
    assert data["keywords"][1] == {"keyword": "sân bay", "count": 0, "snippets": []}
    assert data["directives"][1]["date"] == "2011-07-06"


def test_empty_input():
    analysis = Monitor(bundled_rules(), keywords=["Lào"]).analyse("")
    assert (analysis.directives, analysis.visits, analysis.rules, analysis.topic.label) == ([], [], [], None)
    assert analysis.keywords[0].count == 0

import time

from monitor.analysis import ArticleInput, Monitor
from monitor.rules import Rule, bundled_rules

TEXT = (
    "Tăng cường quản lý biên giới Việt - Lào\n"
    "Ngày 5/4, Chủ tịch UBND tỉnh Lai Châu tiếp Đại sứ Lào tại Việt Nam. "
    "Hai bên bàn về cửa khẩu Ma Lù Thàng và Chỉ thị số 04-CT/TW ngày 06/7/2011. "
    "Tỉnh cũng triển khai Quyết định số 481/QĐ-UBND về bóng đá học đường."
)


def fired(rules, article=TEXT, known=None) -> dict[str, object]:
    analysis = Monitor(rules).analyse(article, known_codes=known)
    return {m.rule: m for m in analysis.rules}


def test_any_all_none():
    rules = [
        Rule(id="any", any=["cửa khẩu", "sân bay"]),
        Rule(id="all", all=["biên giới", "cửa khẩu"]),
        Rule(id="all-missing", all=["biên giới", "sân bay"]),
        Rule(id="none", any=["biên giới"], none=["bóng đá"]),
        Rule(id="any-and-all", any=["sân bay", "Đại sứ"], all=["Lai Châu"]),
    ]
    matches = fired(rules)
    assert set(matches) == {"any", "all", "any-and-all"}
    assert matches["any"].terms == ("cửa khẩu",)
    assert matches["all"].terms == ("biên giới", "cửa khẩu")
    assert matches["any-and-all"].terms == ("Đại sứ", "Lai Châu")
    assert matches["any"].kind == "keyword"


def test_match_says_why_with_a_highlighted_snippet():
    match = fired([Rule(id="border", name="Biên giới", subscriber=7, any=["cửa khẩu"])])["border"]
    assert match.snippet.marked() == (
        "Hai bên bàn về «cửa khẩu» Ma Lù Thàng và Chỉ thị số 04-CT/TW ngày 06/7/2011."
    )
    assert match.snippet.html() == (
        "Hai bên bàn về <b>cửa khẩu</b> Ma Lù Thàng và Chỉ thị số 04-CT/TW ngày 06/7/2011."
    )
    assert match.reasons == ("từ khóa “cửa khẩu” (1 lần)",)
    assert match.as_json() == {
        "rule": "border",
        "name": "Biên giới",
        "subscriber": 7,
        "kind": "keyword",
        "terms": ["cửa khẩu"],
        "snippet": "Hai bên bàn về «cửa khẩu» Ma Lù Thàng và Chỉ thị số 04-CT/TW ngày 06/7/2011.",
        "reasons": ["từ khóa “cửa khẩu” (1 lần)"],
    }


def test_snippet_of_a_long_sentence_is_cut_around_the_match():
    text = "Mở đầu " + "rất dài " * 60 + "về biên giới quốc gia " + "và còn nữa " * 60 + "."
    snippet = fired([Rule(id="b", any=["biên giới"])], text)["b"].snippet
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert "«biên giới»" in snippet.marked()
    assert len(snippet.text) < 320


def test_accent_insensitive_rule():
    rules = [Rule(id="plain", any=["cua khau"]), Rule(id="loose", any=["cua khau"], accent_insensitive=True)]
    assert set(fired(rules)) == {"loose"}


def test_portal_province_and_topic_filters():
    rules = [
        Rule(id="portal", any=["cửa khẩu"], portals=["laichau"]),
        Rule(id="other-portal", any=["cửa khẩu"], portals=["caobang"]),
        Rule(id="province", any=["cửa khẩu"], provinces=["tỉnh Lai Châu"]),
        Rule(id="other-province", any=["cửa khẩu"], provinces=["Cao Bằng"]),
        Rule(id="topic", any=["cửa khẩu"], topic="doi-ngoai"),
    ]
    article = ArticleInput(text=TEXT, portal="laichau", province="Lai Châu")
    matches = fired(rules, article)
    assert set(matches) == {"portal", "province", "topic"}
    assert "chủ đề đối ngoại" in matches["topic"].reasons
    domestic = ArticleInput(text="Khánh thành cửa khẩu phụ cho xe nông sản.", portal="laichau")
    assert "topic" not in fired(rules, domestic)


def test_new_directive_rule_depends_on_the_registry():
    rules = bundled_rules()
    matches = fired(rules, known=set())
    assert matches["new-directive"].terms == ("04-CT/TW", "481/QĐ-UBND")
    assert matches["new-directive"].reasons[0] == "văn bản mới: Chỉ thị 04-CT/TW"
    assert "«04-CT/TW»" in matches["new-directive"].snippet.marked()
    matches = fired(rules, known={"04-CT/TW"})
    assert matches["new-directive"].terms == ("481/QĐ-UBND",)
    assert "new-directive" not in fired(rules, known={"04-CT/TW", "481/QĐ-UBND"})


def test_directive_rule_filters_by_kind_and_issuer():
    rules = [
        Rule(id="tw", detector="directive", issuers=["TW"]),
        Rule(id="decisions", detector="directive", kinds=["Quyết định"]),
        Rule(id="plans", detector="directive", kinds=["Kế hoạch"]),
        Rule(id="tw-border", detector="directive", issuers=["TW"], any=["cửa khẩu"]),
        Rule(id="tw-airport", detector="directive", issuers=["TW"], any=["sân bay"]),
    ]
    matches = fired(rules)
    assert set(matches) == {"tw", "decisions", "tw-border"}
    assert matches["decisions"].terms == ("481/QĐ-UBND",)
    assert matches["tw-border"].terms == ("04-CT/TW", "cửa khẩu")


def test_visit_rule_filters_by_partner():
    rules = [
        Rule(id="laos", detector="visit", partners=["Lào"]),
        Rule(id="china", detector="visit", partners=["Trung Quốc"]),
        Rule(id="any-visit", detector="visit"),
    ]
    matches = fired(rules)
    assert set(matches) == {"laos", "any-visit"}
    assert matches["laos"].terms == ("Lào",)
    assert matches["laos"].reasons == ("đoàn vào: Lào",)
    assert matches["laos"].snippet.marked().startswith("Ngày 5/4, Chủ tịch UBND tỉnh Lai Châu «tiếp Đại sứ» «Lào»")


def test_subscribers_with_the_same_rule_share_one_evaluation():
    rules = [Rule(id=f"s{i}", subscriber=i, any=["Biên giới"]) for i in range(50)]
    rules.append(Rule(id="other", any=["biên giới"], none=["cửa khẩu"]))
    monitor = Monitor(rules)
    assert monitor.matcher.group_count == 2
    matches = monitor.analyse(TEXT).rules
    assert [m.subscriber for m in matches] == list(range(50))
    assert all(m.snippet is matches[0].snippet for m in matches)


def test_ten_thousand_rules_compile_and_match_quickly():
    words = ["biên giới", "cửa khẩu", "hữu nghị", "Đại sứ", "Lai Châu"] + [f"từ khóa {i}" for i in range(9995)]
    started = time.perf_counter()
    monitor = Monitor(Rule(id=f"r{i}", subscriber=i, any=[w]) for i, w in enumerate(words))
    analysis = monitor.analyse(TEXT * 20)
    assert time.perf_counter() - started < 10
    assert {m.rule for m in analysis.rules} == {"r0", "r1", "r3", "r4"}  # "hữu nghị" is not in the text


def test_hostile_terms_and_texts_stay_linear():
    terms = ["a " * 29 + "b", "a", "a a a a a a a a"]
    monitor = Monitor([Rule(id=f"r{i}", any=[t]) for i, t in enumerate(terms)])
    text = "a " * 100_000
    started = time.perf_counter()
    analysis = monitor.analyse(text)
    assert time.perf_counter() - started < 5
    assert {m.rule for m in analysis.rules} == {"r1", "r2"}

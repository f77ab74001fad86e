import pytest

from monitor.rules import (
    BUNDLED,
    Rule,
    RulesError,
    bundled_rules,
    load_rules,
    parse_query,
    parse_rules,
    rules_from_setting,
)


def test_bundled_defaults_are_the_two_detectors():
    rules = bundled_rules()
    assert [(r.id, r.detector) for r in rules] == [("new-directive", "new-directive"), ("foreign-visit", "visit")]
    assert rules_from_setting(None) == rules


def test_a_rules_file_replaces_the_defaults_unless_it_includes_them(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: border\n    any: [biên giới, cửa khẩu]\n", encoding="utf-8")
    assert [r.id for r in rules_from_setting(path)] == ["border"]
    path.write_text("include_defaults: true\nrules:\n  - id: border\n    any: biên giới\n", encoding="utf-8")
    assert [r.id for r in load_rules(path)] == ["new-directive", "foreign-visit", "border"]


def test_a_bare_list_of_rules_is_accepted():
    [rule] = parse_rules("- id: lao\n  any: [Lào]\n  accent_insensitive: true\n")
    assert rule.any == ["Lào"] and rule.accent_insensitive


def test_full_rule_fields_are_normalised():
    visits, directives = parse_rules(
        """
rules:
  - id: visits-laos
    name: Đoàn ra đoàn vào với Lào
    detector: visit
    partners: [Lào, Mỹ]
    provinces: [Lai Châu]
    portals: [laichau-gov]
    topic: doi-ngoai
  - id: tw-directives
    detector: new-directive
    kinds: [chi thi, Nghị quyết]
    issuers: [tw, BCĐ]
"""
    )
    assert visits.partners == ["Lào", "Hoa Kỳ"] and visits.topic == "doi-ngoai"
    assert directives.kinds == ["Chỉ thị", "Nghị quyết"] and directives.issuers == ["TW", "BCD"]


def test_terms_are_canonical():
    [rule] = parse_rules("- id: x\n  any: ['  hoà   bình ', Thuỷ lợi]\n")
    assert rule.any == ["hòa bình", "Thủy lợi"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("rules:\n  - id: x\n    any: []\n", "rules.yaml: rule 'x': a rule needs a detector or terms"),
        ("rules:\n  - id: x\n    none: [a]\n", "rule 'x': a rule needs a detector"),
        ("rules:\n  - id: x\n    any: ['...']\n", "rule 'x': field any: term '...' has no letters or digits"),
        ("rules:\n  - id: x\n    detector: magic\n", "rule 'x': field detector:"),
        ("rules:\n  - id: x\n    any: [a]\n    colour: red\n", "rule 'x': field colour: Extra inputs"),
        ("rules:\n  - any: [a]\n", "rules.yaml: rule #1: field id: Field required"),
        ("rules:\n  - id: x\n    detector: visit\n    partners: [Atlantis]\n", "unknown country or organisation 'Atlantis'"),
        ("rules:\n  - id: x\n    detector: directive\n    kinds: [Sắc lệnh]\n", "unknown document kind 'Sắc lệnh'"),
        ("rules:\n  - id: x\n    any: [a]\n    kinds: [Chỉ thị]\n", "'kinds' and 'issuers' need detector"),
        ("rules:\n  - id: x\n    any: [a]\n  - id: x\n    any: [b]\n", "rule 'x': duplicate id"),
        ("rules:\n  - id: 'bad id'\n    any: [a]\n", "field id: use letters"),
        ("rules:\n  - id: x\n    any: [" + "a " * 40 + "]\n", "more than 30 words"),
        ("rules: [\n", "rules.yaml: line 2: invalid YAML"),
        ("just text\n", "expected a mapping with 'rules:'"),
        ("rules:\n  - id: x\n    any: [a]\nextra: 1\n", "field extra: Extra inputs"),
    ],
)
def test_errors_name_the_file_the_rule_and_the_field(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        load_rules(path)
    assert message in str(raised.value)
    assert str(raised.value).startswith(str(path))


def test_unreadable_rules_file(tmp_path):
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("rules: [{id: x, any: [Việt]}]".encode("utf-16"))
    with pytest.raises(RulesError, match="not UTF-8"):
        load_rules(path)


def test_rules_can_be_built_in_code_for_database_rows():
    rule = Rule(id="sub-42-1", subscriber=42, any=["biên giới"], none=["bóng đá"], provinces=["Lai Châu"])
    assert rule.subscriber == 42 and rule.none == ["bóng đá"]


def test_parse_query_for_one_line_subscriptions():
    assert parse_query('biên giới, "Việt - Lào, Campuchia", +Lai Châu, -bóng đá') == {
        "any": ["biên giới", "Việt - Lào, Campuchia"],
        "all": ["Lai Châu"],
        "none": ["bóng đá"],
    }
    assert parse_query(" , ,") == {"any": [], "all": [], "none": []}
    assert parse_query("-“bóng đá, bóng chuyền”") == {"any": [], "all": [], "none": ["bóng đá, bóng chuyền"]}


def test_the_bundled_file_is_where_the_package_data_says():
    assert BUNDLED.name == "default_rules.yaml" and BUNDLED.parent.name == "monitor"

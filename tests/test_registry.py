"""The registry: a bad entry names its file, portal and field, and never stops the others loading."""

from __future__ import annotations

from pathlib import Path

from crawler.config import BUNDLED_PORTALS
from spiders.registry_loader import load_registry


def test_bundled_registry_loads_without_errors():
    registry = load_registry(BUNDLED_PORTALS)
    assert registry.errors == []
    ids = {p.id for p in registry.portals}
    assert {"caobang-songoaivu", "backan-gov", "baoquocte", "baothuathienhue", "mattran"} <= ids


def test_four_line_entry_is_enough(tmp_path: Path):
    path = tmp_path / "one.yaml"
    path.write_text(
        "portals:\n  - id: backan-gov\n    name: Cổng TTĐT tỉnh Bắc Kạn\n"
        '    start_urls: ["https://backan.gov.vn/Pages/tin-doi-ngoai.aspx"]\n',
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert registry.errors == []
    portal = registry.get("backan-gov")
    assert portal.start_urls == ["https://backan.gov.vn/Pages/tin-doi-ngoai.aspx"]
    assert portal.enabled and portal.interval_minutes is None


def test_bad_entries_are_reported_with_file_portal_and_field(tmp_path: Path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        """portals:
  - id: good-one
    name: Good
    start_urls: ["https://good.example.vn/tin-tuc"]
  - id: bad-url
    name: Bad URL
    start_urls: ["ftp://nope"]
  - id: bad-regex
    name: Bad regex
    start_urls: ["https://x.example.vn/"]
    article_url_pattern: "([unclosed"
  - id: typo-field
    name: Typo
    start_url: ["https://y.example.vn/"]
  - id: bad-interval
    name: Interval
    start_urls: ["https://z.example.vn/"]
    interval_minutes: 0
  - id: bad-encoding
    name: Encoding
    start_urls: ["https://w.example.vn/"]
    encoding: windows-9999
""",
        encoding="utf-8",
    )
    (folder / "b.yaml").write_text(
        """portals:
  - id: good-one
    name: Duplicate
    start_urls: ["https://dup.example.vn/"]
  - id: another-good
    name: Another
    feeds: ["https://another.example.vn/rss"]
""",
        encoding="utf-8",
    )
    (folder / "c.yaml").write_text("portals: [\n  - broken", encoding="utf-8")

    registry = load_registry(folder)
    assert sorted(p.id for p in registry.portals) == ["another-good", "good-one"]
    found = {(Path(e.file).name, e.portal, e.field) for e in registry.errors}
    assert ("a.yaml", "bad-url", "start_urls.0") in found
    assert ("a.yaml", "bad-regex", "article_url_pattern") in found
    assert ("a.yaml", "typo-field", "start_url") in found
    assert ("a.yaml", "bad-interval", "interval_minutes") in found
    assert ("a.yaml", "bad-encoding", "encoding") in found
    assert ("b.yaml", "good-one", "id") in found
    assert any(Path(e.file).name == "c.yaml" and "YAML" in e.message for e in registry.errors)
    # Error lines read as file: portal: field: message.
    line = str(next(e for e in registry.errors if e.portal == "bad-regex"))
    assert "a.yaml" in line and "bad-regex" in line and "article_url_pattern" in line and "regular expression" in line


def test_entry_without_start_urls_or_feeds_is_an_error(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("portals:\n  - id: nothing\n    name: Nothing\n", encoding="utf-8")
    registry = load_registry(path)
    assert registry.portals == []
    assert "start_urls or feeds" in registry.errors[0].message


def test_errors_name_file_line_portal_and_field_once(tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text(
        """# header comment
portals:
  - id: good
    name: Good
    start_urls: ["https://good.example.vn/"]
  - id: bad-interval
    name: Interval
    start_urls: ["https://z.example.vn/"]
    interval_minutes: 0
  - just a string
""",
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert [p.id for p in registry.portals] == ["good"]
    lines = [str(e) for e in registry.errors]
    assert lines == [
        f"{path}:9: portal 'bad-interval': field 'interval_minutes': Input should be greater than or equal to 1",
        f"{path}:10: portal '#3': entry is not a mapping",
    ]


def test_a_yaml_error_is_one_line_with_its_line_and_no_placeholder_fields(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("portals:\n  - id: a\n    name: [unclosed\n  - id: b\n", encoding="utf-8")
    (error,) = load_registry(path).errors
    text = str(error)
    assert text.startswith(f"{path}:") and "not valid YAML" in text
    message = text[len(str(path)):]
    assert "\n" not in message and "'-'" not in message and "line" not in message  # the line is in file:line, once
    assert error.line in (3, 4, 5)


def test_a_missing_registry_path_is_an_error(tmp_path: Path):
    (error,) = load_registry(tmp_path / "nope.yaml").errors
    assert str(error) == f"{tmp_path / 'nope.yaml'}: no such file or folder"


def test_a_bad_spider_path_is_an_error_of_its_entry_only_even_when_disabled(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text(
        """portals:
  - id: good
    name: Good
    start_urls: ["https://good.example.vn/"]
  - id: off-and-broken
    name: Disabled
    enabled: false
    start_urls: ["https://x.example.vn/"]
    spider: spiders.custom.nowhere.Spider
  - id: not-a-spider
    name: Not a spider
    start_urls: ["https://y.example.vn/"]
    spider: spiders.schema.PortalConfig
  - id: custom-ok
    name: Custom
    start_urls: ["https://w.example.vn/"]
    spider: spiders.custom.postback.PostbackPagingSpider
""",
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert [p.id for p in registry.portals] == ["good", "custom-ok"]
    assert [(e.portal, e.field, e.line) for e in registry.errors] == [("off-and-broken", "spider", 9), ("not-a-spider", "spider", 13)]
    assert "not found" in registry.errors[0].message and "not a PortalSpider subclass" in registry.errors[1].message
